/*
 * ACPI tables for CPU discovery: the RSDP, the root table (RSDT or XSDT)
 * and the MADT ("APIC"), read through the caller's mapping window.
 *
 * Every table is checked before a field is trusted: signature, a length
 * at least its fixed part and at most FW_TABLE_MAX, and an 8-bit sum of
 * zero over that length; every MADT entry must lie inside the table and
 * be at least as long as its type.  A table that fails is reported once
 * ("acpi: APIC at 0x...: checksum ...: ignored") and passed over.  The
 * root table may list several MADTs: the first that passes is used and
 * every other is reported (root_madt()); when none passes the reader
 * returns -EINVAL with @cfg cleared, so the caller falls back to the MP
 * tables.
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

/*
 * The MADT's address through the XSDT if usable, else the RSDT; 0 if
 * neither root table verifies.  *@esz gets the root's entry size.
 */
static uint32_t root_find(const struct fw_mem *mem, uint32_t rsdp,
			  unsigned int *esz)
{
	const uint8_t *p = mem->map(mem->ctx, rsdp, RSDP_V1_LEN);
	uint32_t rsdt = p ? fw_rd32(p + 16) : 0;

	if (rsdp_ext_ok(mem, rsdp)) {
		p = mem->map(mem->ctx, rsdp, RSDP_V2_LEN);
		if (p && fw_rd32(p + 28) == 0 && fw_rd32(p + 24) != 0) {
			*esz = 8;
			return fw_rd32(p + 24);
		}
	}
	*esz = 4;
	return rsdt;
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

/*
 * One MADT listed by the root: verify it, read it into @cfg.
 * Returns: 0; -ENOENT if it is another table of the root, or a MADT
 * whose header fails (reported by sdt_check()); -EINVAL if its entries
 * fail (reported); @cfg is then undefined.
 */
static int madt_read_one(const struct fw_mem *mem, uint32_t phys,
			 struct smp_config *cfg)
{
	uint32_t len = sdt_check(mem, phys, "APIC", MADT_FIXED_LEN);
	const uint8_t *p;

	if (!len)
		return -ENOENT;		/* another table, or reported */
	p = mem->map(mem->ctx, phys, len);
	memset(cfg, 0, sizeof(*cfg));
	if (!p || madt_parse(p, phys, len, cfg) != 0)
		return -EINVAL;
	if (!cfg->nr_cpus) {
		printk("acpi: MADT at %#x lists no enabled CPU: ignored\n",
		       phys);
		return -EINVAL;
	}
	cfg->source = SMP_SRC_ACPI;
	cfg->table_phys = phys;
	return 0;
}

/* Read while a later valid MADT is checked (boot, one CPU: no lock). */
static struct smp_config madt_later;

/*
 * Every MADT the root table @root lists, in its order: the first that
 * verifies and parses is the one used (in @cfg); each that fails is
 * reported where it fails and passed over, and a valid one after the
 * one used is reported as ignored.  A table list may hold a corrupt or
 * stale copy before or after the real one; the rule gives the same
 * answer in either order.  Returns: 0, -EINVAL if a MADT verified but
 * its entries failed and none passed, else -ENOENT.
 */
static int root_madt(const struct fw_mem *mem, uint32_t root,
		     unsigned int esz, struct smp_config *cfg)
{
	uint32_t rlen = sdt_check(mem, root, esz == 8 ? "XSDT" : "RSDT",
				  SDT_HDR_LEN);
	unsigned int i, n = rlen ? (rlen - SDT_HDR_LEN) / esz : 0;
	uint32_t used = 0;
	int err = -ENOENT;

	for (i = 0; i < n; i++) {
		uint32_t phys = root_entry(mem, root, rlen, esz, i);
		int e;

		if (!phys)
			continue;
		e = madt_read_one(mem, phys, used ? &madt_later : cfg);
		if (e == -EINVAL)
			err = e;
		else if (e == 0 && used)
			printk("acpi: MADT at %#x: another valid MADT, the "
			       "one at %#x is used: ignored\n", phys, used);
		else if (e == 0)
			used = phys;
	}
	if (!used)
		memset(cfg, 0, sizeof(*cfg));
	return used ? 0 : err;
}

int acpi_madt_read(const struct fw_mem *mem, struct smp_config *cfg)
{
	uint32_t rsdp = acpi_rsdp_find(mem), root;
	unsigned int esz;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (!rsdp)
		return -ENOENT;
	root = root_find(mem, rsdp, &esz);
	err = root ? root_madt(mem, root, esz, cfg) : -ENOENT;
	if (err && esz == 8) {	/* the RSDT, when the XSDT gave none */
		const uint8_t *p = mem->map(mem->ctx, rsdp, RSDP_V1_LEN);
		uint32_t rsdt = p ? fw_rd32(p + 16) : 0;
		int e = rsdt ? root_madt(mem, rsdt, 4, cfg) : -ENOENT;

		err = e == -ENOENT ? err : e;
	}
	return err;
}
