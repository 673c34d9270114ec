/*
 * What the firmware says about the machine's processors and interrupt
 * controllers: the ACPI MADT, or the Intel MultiProcessor Specification
 * tables on machines without ACPI.
 *
 * The readers never trust a table: each is checksum-verified and its
 * length checked against what it claims to hold before any field is used,
 * and a table that fails is reported in one line and ignored.  They touch
 * physical memory only through the caller's fw_map_fn, one window at a
 * time, so the kernel can read tables that lie outside its direct map
 * through a temporary mapping and the host tests can hand them a buffer.
 *
 * Pure parsing: no CPU access, no allocation.  Built for the kernel and,
 * for the tests, for the host.
 */
#ifndef ARCH_I386_SMP_TABLES_H
#define ARCH_I386_SMP_TABLES_H

#include "mm/types.h"

#define SMP_MAX_CPUS		32	/* the kernel's per-CPU areas */
#define SMP_MAX_IOAPICS		8
#define SMP_MAX_OVERRIDES	16	/* ISA IRQ -> GSI remappings */
#define FW_TABLE_MAX		65536u	/* longest table a reader accepts */

#define SMP_GSI_UNKNOWN	0xffffffffu	/* MP tables give no GSI base */

#define LAPIC_DEFAULT_PHYS	0xfee00000u
#define IOAPIC_DEFAULT_PHYS	0xfec00000u

/*
 * fw_map_fn - make [phys, phys + len) readable.
 * Returns: a pointer to it, valid until the next call (one window at a
 * time), or NULL if the range cannot be mapped.
 */
typedef const void *(*fw_map_fn)(void *ctx, uint32_t phys, uint32_t len);

struct fw_mem {
	fw_map_fn map;
	void *ctx;
};

enum smp_source {
	SMP_SRC_NONE,		/* no table verified: the boot CPU alone */
	SMP_SRC_ACPI,		/* ACPI MADT */
	SMP_SRC_MP,		/* MP configuration table */
	SMP_SRC_MP_DEFAULT,	/* MP default configuration (no table) */
};

struct smp_cpu {
	uint8_t apic_id;
	bool bsp;		/* the MP table marks it the boot processor;
				 * ACPI does not say (the boot CPU reads its
				 * own APIC id) */
};

struct smp_ioapic {
	uint8_t id;
	uint32_t phys;		/* register window */
	uint32_t gsi_base;	/* first global system interrupt it serves,
				 * or SMP_GSI_UNKNOWN */
};

/* An ISA IRQ that arrives on another GSI, or with non-ISA polarity. */
struct smp_irq_override {
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags;		/* MPS INTI: polarity bits 0-1, trigger 2-3 */
};

/*
 * The machine as the firmware describes it.  Filled by smp_tables_read();
 * every field is zero (nr_cpus 0, source NONE) when nothing was verified.
 */
struct smp_config {
	enum smp_source source;
	uint32_t table_phys;	/* the MADT or MP configuration table */
	uint32_t lapic_phys;	/* local APIC register window */
	bool pic_present;	/* dual 8259s (MADT PCAT_COMPAT / MP) */
	bool imcr;		/* MP: the IMCR routes the PIC to the BSP */
	unsigned int nr_cpus;
	struct smp_cpu cpus[SMP_MAX_CPUS];
	unsigned int nr_ioapics;
	struct smp_ioapic ioapics[SMP_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct smp_irq_override overrides[SMP_MAX_OVERRIDES];
	unsigned int cpus_disabled;	/* listed but marked unusable */
	unsigned int cpus_dropped;	/* beyond SMP_MAX_CPUS or duplicates */
};

/*
 * smp_tables_read - fill @cfg from the ACPI MADT, else from the MP tables.
 * Context: boot, one CPU.  Reports each rejected table in one line.
 * Returns: 0 with @cfg filled, or -ENOENT if no table could be verified
 * (then @cfg says SMP_SRC_NONE and the boot CPU runs alone).
 */
int smp_tables_read(const struct fw_mem *mem, struct smp_config *cfg);

/*
 * acpi_madt_read - find the RSDP, walk the RSDT (or XSDT) to the MADT and
 * read its local APICs (enabled ones), IO-APICs and source overrides.
 * Context: boot.  Returns: 0, -ENOENT (no RSDP or no MADT) or -EINVAL
 * (a table failed its checks; reported).  On an error @cfg is cleared.
 */
int acpi_madt_read(const struct fw_mem *mem, struct smp_config *cfg);

/*
 * mptable_read - find the MP floating pointer and read its configuration
 * table, or the default configuration it names.
 * Context: boot.  Returns: 0, -ENOENT or -EINVAL as acpi_madt_read().
 */
int mptable_read(const struct fw_mem *mem, struct smp_config *cfg);

/*
 * acpi_rsdp_find - the physical address of a verified RSDP, or 0.
 * Context: boot.
 */
uint32_t acpi_rsdp_find(const struct fw_mem *mem);

/* Little-endian field reads: firmware tables are byte-packed. */
static inline uint16_t fw_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t fw_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Shared by the two readers (arch/i386/smp_tables.c). */
uint8_t fw_checksum(const void *p, uint32_t len);
uint32_t fw_scan(const struct fw_mem *mem, uint32_t start, uint32_t len,
		 const char *sig, uint32_t sig_len, uint32_t want_len,
		 uint32_t step);
uint32_t fw_ebda_phys(const struct fw_mem *mem);
void smp_config_add_cpu(struct smp_config *cfg, uint8_t apic_id, bool bsp);
void smp_config_add_ioapic(struct smp_config *cfg, uint8_t id,
			   uint32_t phys, uint32_t gsi_base);
void smp_config_add_override(struct smp_config *cfg, uint8_t isa_irq,
			     uint32_t gsi, uint16_t flags);
const char *smp_source_name(enum smp_source src);

#endif /* ARCH_I386_SMP_TABLES_H */
