/*
 * ACPI tables for CPU discovery: the RSDP, the root table (RSDT or XSDT)
 * and the MADT ("APIC"), read through the caller's mapping window.
 *
 * Every table is checked before a field is trusted: signature, a length
 * at least its fixed part and at most FW_TABLE_MAX, and an 8-bit sum of
 * zero over that length; every MADT entry must lie inside the table and
 * be at least as long as its type.  A table that fails is reported once
 * ("acpi: MADT at 0x...: checksum ...: ignored") and the reader returns
 * -EINVAL with @cfg cleared, so the caller falls back to the MP tables.
 *
 * On i386 without PAE only the low 4 GiB are reachable: XSDT entries
 * above that are passed over, and the RSDT serves when there is no XSDT.
 *
 * Locking: none; boot, one CPU.
 */
#include "smp_tables.h"
#include "mm/arch.h"

#define SDT_HDR_LEN	36u
#define RSDP_V1_LEN	20u
#define RSDP_V2_LEN	36u
#define MADT_FIXED_LEN	44u	/* header, local APIC address, flags */
#define MADT_PCAT_COMPAT 1u	/* flags: dual 8259s present */

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_LAPIC_ADDR = 5,
};

/* Shortest legal entry of each type the reader uses (ACPI 6.x, 5.2.12). */
static const uint8_t madt_min_len[] = {
	[MADT_LAPIC] = 8, [MADT_IOAPIC] = 12, [MADT_OVERRIDE] = 10,
	[MADT_LAPIC_ADDR] = 12,
};

static bool rsdp_ext_ok(const struct fw_mem *mem, uint32_t phys)
{
	const uint8_t *p = mem->map(mem->ctx, phys, RSDP_V2_LEN);
	uint32_t len;

	if (!p || p[15] < 2)
		return false;
	len = fw_rd32(p + 20);
	if (len < RSDP_V2_LEN || len > 4096)
		return false;
	p = mem->map(mem->ctx, phys, len);
	return p && fw_checksum(p, len) == 0;
}

uint32_t acpi_rsdp_find(const struct fw_mem *mem)
{
	uint32_t ebda = fw_ebda_phys(mem), phys = 0;

	if (ebda)
		phys = fw_scan(mem, ebda, 1024, "RSD PTR ", 8, RSDP_V1_LEN, 16);
	if (!phys)
		phys = fw_scan(mem, 0xe0000, 0x20000, "RSD PTR ", 8,
			       RSDP_V1_LEN, 16);
	return phys;
}

/*
 * sdt_check - map the table at @phys and verify it as one of @sig.
 * Returns: its verified length, or 0 (reported unless the signature is
 * merely another table's: the root lists tables of every kind).
 */
static uint32_t sdt_check(const struct fw_mem *mem, uint32_t phys,
			  const char *sig, uint32_t min_len)
{
	const uint8_t *p = mem->map(mem->ctx, phys, SDT_HDR_LEN);
	uint32_t len;
	uint8_t sum;

	if (!p || memcmp(p, sig, 4) != 0)
		return 0;
	len = fw_rd32(p + 4);
	if (len < min_len || len > FW_TABLE_MAX) {
		printk("acpi: %.4s at %#x: length %u outside [%u, %u]: "
		       "ignored\n", sig, phys, len, min_len, FW_TABLE_MAX);
		return 0;
	}
	p = mem->map(mem->ctx, phys, len);
	if (!p) {
		printk("acpi: %.4s at %#x: cannot map %u bytes: ignored\n",
		       sig, phys, len);
		return 0;
	}
	sum = fw_checksum(p, len);
	if (sum != 0) {
		printk("acpi: %.4s at %#x: checksum off by %#x: ignored\n",
		       sig, phys, sum);
		return 0;
	}
	return len;
}

/* Entry @i of a verified root table (4-byte RSDT or 8-byte XSDT entries). */
static uint32_t root_entry(const struct fw_mem *mem, uint32_t root,
			   uint32_t len, unsigned int esz, unsigned int i)
{
	const uint8_t *p = mem->map(mem->ctx, root, len);
	const uint8_t *e = p ? p + SDT_HDR_LEN + i * esz : NULL;

	if (!e)
		return 0;
	if (esz == 8 && fw_rd32(e + 4) != 0)
		return 0;	/* above 4 GiB: out of reach without PAE */
	return fw_rd32(e);
}

/* Find the table with signature @sig through the root table. */
static uint32_t root_find(const struct fw_mem *mem, uint32_t root,
			  unsigned int esz, const char *sig, uint32_t *len)
{
	uint32_t rlen = sdt_check(mem, root, esz == 8 ? "XSDT" : "RSDT",
				  SDT_HDR_LEN);
	unsigned int i, n = rlen ? (rlen - SDT_HDR_LEN) / esz : 0;

	for (i = 0; i < n; i++) {
		uint32_t phys = root_entry(mem, root, rlen, esz, i);

		if (phys && (*len = sdt_check(mem, phys, sig, MADT_FIXED_LEN)))
			return phys;
	}
	return 0;
}

/* The MADT's address through the XSDT if usable, else the RSDT. */
static uint32_t madt_find(const struct fw_mem *mem, uint32_t rsdp,
			  uint32_t *len)
{
	const uint8_t *p = mem->map(mem->ctx, rsdp, RSDP_V1_LEN);
	uint32_t rsdt = p ? fw_rd32(p + 16) : 0, madt = 0;

	if (rsdp_ext_ok(mem, rsdp)) {
		p = mem->map(mem->ctx, rsdp, RSDP_V2_LEN);
		if (p && fw_rd32(p + 28) == 0 && fw_rd32(p + 24) != 0)
			madt = root_find(mem, fw_rd32(p + 24), 8, "APIC", len);
	}
	if (!madt && rsdt)
		madt = root_find(mem, rsdt, 4, "APIC", len);
	return madt;
}

static void madt_entry(struct smp_config *cfg, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		if (fw_rd32(e + 4) & 1)
			smp_config_add_cpu(cfg, e[3], false);
		else
			cfg->cpus_disabled++;
		break;
	case MADT_IOAPIC:
		smp_config_add_ioapic(cfg, e[2], fw_rd32(e + 4),
				      fw_rd32(e + 8));
		break;
	case MADT_OVERRIDE:
		if (e[2] == 0)	/* bus 0: ISA, the only one defined */
			smp_config_add_override(cfg, e[3], fw_rd32(e + 4),
						fw_rd16(e + 8));
		break;
	case MADT_LAPIC_ADDR:
		if (fw_rd32(e + 8) == 0)
			cfg->lapic_phys = fw_rd32(e + 4);
		break;
	default:
		break;	/* NMI wiring, x2APIC, GIC...: not used on i386 */
	}
}

/*
 * madt_parse - read the entries of a verified MADT.
 * Returns: 0, or -EINVAL if an entry overruns the table or is shorter
 * than its type (reported with its offset).
 */
static int madt_parse(const uint8_t *p, uint32_t phys, uint32_t len,
		      struct smp_config *cfg)
{
	uint32_t off;

	cfg->lapic_phys = fw_rd32(p + 36);
	cfg->pic_present = fw_rd32(p + 40) & MADT_PCAT_COMPAT;
	for (off = MADT_FIXED_LEN; off < len; off += p[off + 1]) {
		uint8_t type = p[off];
		uint8_t elen = off + 2 <= len ? p[off + 1] : 0;
		uint8_t need = type < sizeof(madt_min_len) ?
			       madt_min_len[type] : 0;

		if (elen < 2 || elen < need || off + elen > len) {
			printk("acpi: MADT at %#x: entry type %u at offset %u "
			       "has length %u (table %u bytes): ignored\n",
			       phys, type, off, elen, len);
			return -EINVAL;
		}
		madt_entry(cfg, p + off);
	}
	return 0;
}

int acpi_madt_read(const struct fw_mem *mem, struct smp_config *cfg)
{
	uint32_t rsdp = acpi_rsdp_find(mem), madt, len = 0;
	const uint8_t *p;
	int err = -EINVAL;

	memset(cfg, 0, sizeof(*cfg));
	if (!rsdp)
		return -ENOENT;
	madt = madt_find(mem, rsdp, &len);
	if (!madt)
		return -ENOENT;
	p = mem->map(mem->ctx, madt, len);
	if (p && madt_parse(p, madt, len, cfg) == 0) {
		if (cfg->nr_cpus)
			err = 0;
		else
			printk("acpi: MADT at %#x lists no enabled CPU: "
			       "ignored\n", madt);
	}
	if (err) {
		memset(cfg, 0, sizeof(*cfg));
		return err;
	}
	cfg->source = SMP_SRC_ACPI;
	cfg->table_phys = madt;
	return 0;
}
