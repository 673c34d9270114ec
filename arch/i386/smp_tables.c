/*
 * CPU discovery from firmware tables: the parts the ACPI and MP readers
 * share, and the choice between them.
 *
 * ACPI comes first because every machine that has both describes itself
 * more completely there (disabled CPUs, overrides, several IO-APICs); the
 * MP tables serve the Pentium-era machines that predate ACPI 1.0.  A
 * reader that rejects its table clears @cfg, so a half-read table never
 * mixes with the other reader's answer.
 *
 * Locking: none; boot runs this on the boot CPU before any other starts.
 */
#include "smp_tables.h"
#include "mm/arch.h"

#define SCAN_CHUNK	4096u

uint8_t fw_checksum(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *b++);
	return sum;
}

/*
 * Whether a verified structure starts at @phys: its signature, and an
 * 8-bit sum of zero over @want_len bytes.
 */
static bool fw_match(const struct fw_mem *mem, uint32_t phys,
		     const char *sig, uint32_t sig_len, uint32_t want_len)
{
	const uint8_t *p = mem->map(mem->ctx, phys, want_len);

	return p && memcmp(p, sig, sig_len) == 0 &&
	       fw_checksum(p, want_len) == 0;
}

/*
 * fw_scan - the first @step-aligned structure in [start, start + len) that
 * carries @sig and sums to zero over @want_len bytes; 0 if none.  A
 * signature whose checksum fails is passed over (ROMs hold stray copies).
 */
uint32_t fw_scan(const struct fw_mem *mem, uint32_t start, uint32_t len,
		 const char *sig, uint32_t sig_len, uint32_t want_len,
		 uint32_t step)
{
	uint32_t chunk, off, end = start + len;

	for (chunk = start; chunk < end; chunk += SCAN_CHUNK) {
		uint32_t n = MIN(SCAN_CHUNK, end - chunk);
		const uint8_t *p = mem->map(mem->ctx, chunk, n);

		for (off = 0; p && off < n && off + want_len <= end - chunk;
		     off += step) {
			if (off + sig_len > n || memcmp(p + off, sig, sig_len))
				continue;
			if (fw_match(mem, chunk + off, sig, sig_len, want_len))
				return chunk + off;
			/* fw_match() moved the window: map the chunk again. */
			p = mem->map(mem->ctx, chunk, n);
		}
	}
	return 0;
}

/*
 * fw_ebda_phys - where the BIOS says its extended data area starts (the
 * real-mode segment at 0x40e), or 0 when that is not a plausible EBDA
 * (below 512 KiB or at the video hole).
 */
uint32_t fw_ebda_phys(const struct fw_mem *mem)
{
	const uint8_t *p = mem->map(mem->ctx, 0x40e, 2);
	uint32_t ebda;

	if (!p)
		return 0;
	ebda = (uint32_t)fw_rd16(p) << 4;
	return ebda >= 0x80000 && ebda < 0xa0000 ? ebda : 0;
}

void smp_config_add_cpu(struct smp_config *cfg, uint8_t apic_id, bool bsp)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_cpus; i++) {
		if (cfg->cpus[i].apic_id == apic_id) {
			printk("smp: APIC id %u listed twice: second entry "
			       "ignored\n", apic_id);
			cfg->cpus_dropped++;
			return;
		}
	}
	if (cfg->nr_cpus == SMP_MAX_CPUS) {
		printk("smp: APIC id %u: more than %u CPUs, left out\n",
		       apic_id, SMP_MAX_CPUS);
		cfg->cpus_dropped++;
		return;
	}
	cfg->cpus[cfg->nr_cpus].apic_id = apic_id;
	cfg->cpus[cfg->nr_cpus].bsp = bsp;
	cfg->nr_cpus++;
}

void smp_config_add_ioapic(struct smp_config *cfg, uint8_t id,
			   uint32_t phys, uint32_t gsi_base)
{
	if (cfg->nr_ioapics == SMP_MAX_IOAPICS) {
		printk("smp: IO-APIC %u at %#x: more than %u, left out\n", id,
		       phys, SMP_MAX_IOAPICS);
		return;
	}
	cfg->ioapics[cfg->nr_ioapics].id = id;
	cfg->ioapics[cfg->nr_ioapics].phys = phys;
	cfg->ioapics[cfg->nr_ioapics].gsi_base = gsi_base;
	cfg->nr_ioapics++;
}

void smp_config_add_override(struct smp_config *cfg, uint8_t isa_irq,
			     uint32_t gsi, uint16_t flags)
{
	if (isa_irq >= 16) {
		printk("smp: override of ISA IRQ %u: no such IRQ, ignored\n",
		       isa_irq);
		return;
	}
	if (cfg->nr_overrides == SMP_MAX_OVERRIDES) {
		printk("smp: override IRQ %u -> GSI %u: table full, ignored\n",
		       isa_irq, gsi);
		return;
	}
	cfg->overrides[cfg->nr_overrides].isa_irq = isa_irq;
	cfg->overrides[cfg->nr_overrides].gsi = gsi;
	cfg->overrides[cfg->nr_overrides].flags = flags;
	cfg->nr_overrides++;
}

const char *smp_source_name(enum smp_source src)
{
	switch (src) {
	case SMP_SRC_ACPI:
		return "ACPI MADT";
	case SMP_SRC_MP:
		return "MP table";
	case SMP_SRC_MP_DEFAULT:
		return "MP default configuration";
	default:
		return "none";
	}
}

int smp_tables_read(const struct fw_mem *mem, struct smp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (acpi_madt_read(mem, cfg) == 0 || mptable_read(mem, cfg) == 0)
		return 0;
	printk("smp: no verified ACPI or MP table: the boot CPU alone\n");
	return -ENOENT;
}
