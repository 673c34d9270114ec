/*
 * libFuzzer target for the firmware-table readers (arch/i386/acpi.c,
 * mptable.c, smp_tables.c).  Each input starts from a machine with valid
 * ACPI and MP tables, then overwrites one of them with the input's bytes:
 * the first byte picks the table (RSDP, RSDT, MADT, MP floating pointer,
 * MP configuration table) and whether its checksum is repaired afterwards,
 * so both the checks and the entry walks behind them are reached.
 *
 * Whatever the bytes, the reader must not read outside what fw_map()
 * handed it (ASan), and its answer must be coherent: on success at least
 * one CPU, no more than the limits, no APIC id twice, a known source; on
 * failure a cleared configuration.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fwtables.h"

#define RSDP_AT	0xf68e0u
#define RSDT_AT	(FW_HIGH + 0x000)
#define MADT_AT	(FW_HIGH + 0x400)
#define MPF_AT	0xf5b00u
#define MPC_AT	0xf5c00u

static void machine(void)
{
	fw_reset();
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	madt_ioapic(0, IOAPIC_DEFAULT_PHYS, 0);
	madt_override(0, 0, 2, 0);
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdp(RSDP_AT, 0, RSDT_AT, 0, 0);
	mpc_begin(MPC_AT, LAPIC_DEFAULT_PHYS);
	mpc_cpu(0, 3);
	mpc_cpu(1, 1);
	mpc_bus(0, "ISA   ");
	mpc_ioapic(2, 1, IOAPIC_DEFAULT_PHYS);
	mpc_ioint(0, 0, 2, 2, 0);
	mpc_end();
	put_mpf(MPF_AT, MPC_AT, 0, 0);
}

struct target {
	uint32_t at;
	uint32_t max;		/* bytes the input may cover */
	uint32_t len_at;	/* where the length lives (0: fixed) */
	uint32_t len_bytes;	/* 4 (ACPI), 2 (MP), or the fixed length */
	uint32_t sum_at;
};

static const struct target targets[] = {
	{ RSDP_AT, 20, 0, 20, 8 },
	{ RSDT_AT, 0x400, 4, 4, 9 },
	{ MADT_AT, 0x1000, 4, 4, 9 },
	{ MPF_AT, 16, 0, 16, 10 },
	{ MPC_AT, 0x400, 4, 2, 7 },
};

static void repair_sum(const struct target *t)
{
	uint32_t len = t->len_bytes;

	if (t->len_at)
		len = t->len_bytes == 4 ? fw_rd32(fw_at(t->at + 4)) :
					  fw_rd16(fw_at(t->at + 4));
	if (len > t->sum_at && len <= t->max)
		fw_fix_sum(t->at, len, t->sum_at);
}

static void check(const struct smp_config *cfg, int err)
{
	struct smp_config zero;
	unsigned int i, j;

	memset(&zero, 0, sizeof(zero));
	if (err) {
		/* A failed read leaves no half-read configuration. */
		FUZZ_ASSERT(memcmp(cfg, &zero, sizeof(zero)) == 0);
		return;
	}
	FUZZ_ASSERT(cfg->nr_cpus >= 1 && cfg->nr_cpus <= SMP_MAX_CPUS);
	FUZZ_ASSERT(cfg->nr_ioapics <= SMP_MAX_IOAPICS);
	FUZZ_ASSERT(cfg->nr_overrides <= SMP_MAX_OVERRIDES);
	FUZZ_ASSERT(cfg->source != SMP_SRC_NONE &&
		    cfg->source <= SMP_SRC_MP_DEFAULT);
	for (i = 0; i < cfg->nr_cpus; i++)
		for (j = i + 1; j < cfg->nr_cpus; j++)
			FUZZ_ASSERT(cfg->cpus[i].apic_id !=
				    cfg->cpus[j].apic_id);
	for (i = 0; i < cfg->nr_overrides; i++)
		FUZZ_ASSERT(cfg->overrides[i].isa_irq < 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct target *t;
	struct smp_config cfg;
	size_t n;

	if (size < 1)
		return 0;
	machine();
	t = &targets[(data[0] >> 1) % ARRAY_SIZE(targets)];
	n = MIN(size - 1, (size_t)t->max);
	memcpy(fw_at(t->at), data + 1, n);
	if (data[0] & 1)
		repair_sum(t);
	check(&cfg, smp_tables_read(&fw_mem, &cfg));
	check(&cfg, acpi_madt_read(&fw_mem, &cfg));
	check(&cfg, mptable_read(&fw_mem, &cfg));
	host_log_clear();
	return 0;
}
