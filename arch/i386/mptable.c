/*
 * Intel MultiProcessor Specification 1.1/1.4 tables, for machines that
 * describe their processors without ACPI (and as the fallback when the
 * ACPI tables fail their checks).
 *
 * The floating pointer ("_MP_", 16 bytes) is looked for where the spec
 * says: the first KiB of the EBDA, else the last KiB of base memory, then
 * the BIOS ROM at 0xf0000-0xfffff.  It either names one of the default
 * configurations (two CPUs, APIC ids 0 and 1, one IO-APIC at its default
 * address) or points to a configuration table ("PCMP") whose base part is
 * checksum-verified, and whose entries must each lie inside it, before any
 * is read.  Entries of an unknown type make the table unreadable (their
 * length is unknown), so the table is rejected rather than guessed at.
 *
 * IO-APIC entries carry no GSI base: the reader gives each one
 * SMP_GSI_UNKNOWN, and ISA interrupt entries become overrides only when
 * they go to the first IO-APIC (whose GSI base is 0), the wiring every
 * MP machine with one IO-APIC has.
 *
 * Locking: none; boot, one CPU.
 */
#include "smp_tables.h"
#include "mm/arch.h"

#define MPF_LEN		16u
#define MPC_HDR_LEN	44u
#define MP_DEFAULT_TYPES 7u	/* default configurations 1-7 */

enum mpc_type {
	MPC_CPU = 0,		/* 20 bytes */
	MPC_BUS = 1,		/* 8 bytes, and every type after it */
	MPC_IOAPIC = 2,
	MPC_IOINT = 3,
	MPC_LINT = 4,
};

#define MPC_CPU_EN	1u
#define MPC_CPU_BP	2u
#define MPC_IOAPIC_EN	1u
#define MP_INT_VECTORED	0u	/* interrupt type: an ordinary vectored IRQ */
#define MP_IMCR_PRESENT	0x80u	/* feature byte 2 */

/* Bus ids the table says are ISA (buses 0-63 are all a table may name). */
struct mpc_state {
	uint64_t isa_buses;
	int first_ioapic;	/* its id, or -1 before the first */
};

static uint32_t mpf_find(const struct fw_mem *mem)
{
	uint32_t ebda = fw_ebda_phys(mem), phys = 0;
	const uint8_t *p;

	if (ebda) {
		phys = fw_scan(mem, ebda, 1024, "_MP_", 4, MPF_LEN, 16);
	} else {
		p = mem->map(mem->ctx, 0x413, 2);
		if (p && fw_rd16(p) >= 512 && fw_rd16(p) <= 640)
			phys = fw_scan(mem, (fw_rd16(p) - 1) * 1024u, 1024,
				       "_MP_", 4, MPF_LEN, 16);
	}
	if (!phys)
		phys = fw_scan(mem, 0xf0000, 0x10000, "_MP_", 4, MPF_LEN, 16);
	return phys;
}

static int mp_default_config(struct smp_config *cfg, unsigned int type,
			     uint32_t mpf, bool imcr)
{
	if (type > MP_DEFAULT_TYPES) {
		printk("mptable: floating pointer at %#x names default "
		       "configuration %u, which does not exist: ignored\n",
		       mpf, type);
		return -EINVAL;
	}
	smp_config_add_cpu(cfg, 0, true);
	smp_config_add_cpu(cfg, 1, false);
	smp_config_add_ioapic(cfg, 2, IOAPIC_DEFAULT_PHYS, 0);
	cfg->lapic_phys = LAPIC_DEFAULT_PHYS;
	cfg->pic_present = true;
	cfg->imcr = imcr;
	cfg->source = SMP_SRC_MP_DEFAULT;
	cfg->table_phys = mpf;
	return 0;
}

static void mpc_ioint(struct smp_config *cfg, const struct mpc_state *st,
		      const uint8_t *e)
{
	uint8_t bus = e[4], irq = e[5], dst = e[6], pin = e[7];
	uint16_t flags = fw_rd16(e + 2);

	if (e[1] != MP_INT_VECTORED || bus >= 64 ||
	    !(st->isa_buses & (1ull << bus)) || dst != st->first_ioapic)
		return;
	if (pin != irq || flags != 0)
		smp_config_add_override(cfg, irq, pin, flags);
}

static void mpc_entry(struct smp_config *cfg, struct mpc_state *st,
		      const uint8_t *e)
{
	switch (e[0]) {
	case MPC_CPU:
		if (e[3] & MPC_CPU_EN)
			smp_config_add_cpu(cfg, e[1], e[3] & MPC_CPU_BP);
		else
			cfg->cpus_disabled++;
		break;
	case MPC_BUS:
		if (e[1] < 64 && memcmp(e + 2, "ISA   ", 6) == 0)
			st->isa_buses |= 1ull << e[1];
		break;
	case MPC_IOAPIC:
		if (!(e[3] & MPC_IOAPIC_EN))
			break;
		if (st->first_ioapic < 0)
			st->first_ioapic = e[1];
		smp_config_add_ioapic(cfg, e[1], fw_rd32(e + 4),
				      st->first_ioapic == e[1] ? 0 :
				      SMP_GSI_UNKNOWN);
		break;
	case MPC_IOINT:
		mpc_ioint(cfg, st, e);
		break;
	default:
		break;	/* local interrupt wiring: the LAPIC's LINT pins */
	}
}

/*
 * mpc_parse - read the entries of a configuration table whose base part
 * is verified.  Returns: 0, or -EINVAL (reported) when an entry has an
 * unknown type or does not fit, or the count disagrees with the length.
 */
static int mpc_parse(const uint8_t *p, uint32_t phys, uint32_t len,
		     struct smp_config *cfg)
{
	struct mpc_state st = { .isa_buses = 0, .first_ioapic = -1 };
	unsigned int i, count = fw_rd16(p + 34);
	uint32_t off = MPC_HDR_LEN;

	cfg->lapic_phys = fw_rd32(p + 36);
	for (i = 0; i < count; i++) {
		uint32_t elen = off < len && p[off] == MPC_CPU ? 20 : 8;

		if (off >= len || p[off] > MPC_LINT || off + elen > len) {
			printk("mptable: table at %#x: entry %u of %u (offset "
			       "%u, type %u) does not fit its %u bytes: "
			       "ignored\n", phys, i, count, off,
			       off < len ? p[off] : 0, len);
			return -EINVAL;
		}
		mpc_entry(cfg, &st, p + off);
		off += elen;
	}
	return 0;
}

/* Verify the configuration table's base part; its length, or 0. */
static uint32_t mpc_check(const struct fw_mem *mem, uint32_t phys)
{
	const uint8_t *p = mem->map(mem->ctx, phys, MPC_HDR_LEN);
	uint32_t len;
	uint8_t sum;

	if (!p || memcmp(p, "PCMP", 4) != 0) {
		printk("mptable: no configuration table at %#x: ignored\n",
		       phys);
		return 0;
	}
	len = fw_rd16(p + 4);
	if (len < MPC_HDR_LEN) {
		printk("mptable: table at %#x: length %u below its header: "
		       "ignored\n", phys, len);
		return 0;
	}
	p = mem->map(mem->ctx, phys, len);
	sum = p ? fw_checksum(p, len) : 1;
	if (sum != 0) {
		printk("mptable: table at %#x: checksum off by %#x: ignored\n",
		       phys, sum);
		return 0;
	}
	return len;
}

static int mpc_read(const struct fw_mem *mem, uint32_t table,
		    struct smp_config *cfg)
{
	uint32_t len = table ? mpc_check(mem, table) : 0;
	const uint8_t *p = len ? mem->map(mem->ctx, table, len) : NULL;

	if (!p || mpc_parse(p, table, len, cfg) != 0)
		return -EINVAL;
	if (!cfg->nr_cpus) {
		printk("mptable: table at %#x lists no enabled CPU: ignored\n",
		       table);
		return -EINVAL;
	}
	cfg->source = SMP_SRC_MP;
	cfg->table_phys = table;
	return 0;
}

int mptable_read(const struct fw_mem *mem, struct smp_config *cfg)
{
	uint32_t mpf = mpf_find(mem), table;
	const uint8_t *p;
	uint8_t type;
	bool imcr;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (!mpf)
		return -ENOENT;
	p = mem->map(mem->ctx, mpf, MPF_LEN);
	if (!p)
		return -ENOENT;
	table = fw_rd32(p + 4);
	type = p[11];
	imcr = p[12] & MP_IMCR_PRESENT;
	if (type)
		err = mp_default_config(cfg, type, mpf, imcr);
	else
		err = mpc_read(mem, table, cfg);
	if (err) {
		memset(cfg, 0, sizeof(*cfg));
		return err;
	}
	cfg->imcr = imcr;
	return 0;
}
