/*
 * Host tests of the firmware-table readers (arch/i386/acpi.c, mptable.c,
 * smp_tables.c): where each table is found, what is read from it, and
 * that every malformed table (checksum, length, an entry that overruns,
 * an unknown entry type, no enabled CPU) is reported in one line and
 * ignored, with the next MADT, the other reader's answer or none taken
 * instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"
#include "fwtables.h"

#define RSDT_AT		(FW_HIGH + 0x000)
#define XSDT_AT		(FW_HIGH + 0x100)
#define FACP_AT		(FW_HIGH + 0x200)
#define MADT_AT		(FW_HIGH + 0x400)
#define MADT2_AT	(FW_HIGH + 0x800)
#define MPF_AT		0xf5b00u
#define MPC_AT		0xf5c00u

static int setup(void **state)
{
	(void)state;
	fw_reset();
	host_log_clear();
	return 0;
}

/* A QEMU-like MADT: CPUs 0-2 enabled, APIC id 3 disabled, IRQ 0 -> 2. */
static void qemu_like_madt(uint32_t at)
{
	madt_begin(at, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	madt_lapic(2, 2, 1);
	madt_lapic(3, 3, 0);
	madt_ioapic(0, IOAPIC_DEFAULT_PHYS, 0);
	madt_override(0, 0, 2, 0);
	madt_override(0, 9, 9, 0xd);	/* level, active high */
	madt_end();
}

static void acpi_rsdt_machine(void)
{
	qemu_like_madt(MADT_AT);
	put_sdt(FACP_AT, "FACP", 116);
	put_rsdt(RSDT_AT, (uint32_t[]){ FACP_AT, MADT_AT }, 2);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
}

/* An MP table for two CPUs with the timer on pin 2. */
static void mp_machine(void)
{
	mpc_begin(MPC_AT, LAPIC_DEFAULT_PHYS);
	mpc_cpu(0, 3);			/* enabled, boot processor */
	mpc_cpu(1, 1);
	mpc_bus(0, "PCI   ");
	mpc_bus(1, "ISA   ");
	mpc_ioapic(2, 1, IOAPIC_DEFAULT_PHYS);
	mpc_ioint(1, 0, 2, 2, 0);	/* ISA IRQ 0 -> pin 2 */
	mpc_ioint(1, 1, 2, 1, 0);	/* identity: no override */
	mpc_ioint(0, 5, 2, 16, 0xf);	/* PCI: not an ISA override */
	mpc_end();
	put_mpf(MPF_AT, MPC_AT, 0, 0x80);
}

static void assert_clear(const struct smp_config *cfg)
{
	struct smp_config zero;

	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(cfg, &zero, sizeof(zero));
}

static void test_madt_through_rsdt(void **state)
{
	struct smp_config cfg;

	(void)state;
	acpi_rsdt_machine();
	assert_int_equal(smp_tables_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.source, SMP_SRC_ACPI);
	assert_int_equal(cfg.table_phys, MADT_AT);
	assert_int_equal(cfg.lapic_phys, LAPIC_DEFAULT_PHYS);
	assert_true(cfg.pic_present);
	assert_int_equal(cfg.nr_cpus, 3);
	assert_int_equal(cfg.cpus[0].apic_id, 0);
	assert_int_equal(cfg.cpus[2].apic_id, 2);
	assert_int_equal(cfg.cpus_disabled, 1);
	assert_int_equal(cfg.nr_ioapics, 1);
	assert_int_equal(cfg.ioapics[0].phys, IOAPIC_DEFAULT_PHYS);
	assert_int_equal(cfg.ioapics[0].gsi_base, 0);
	assert_int_equal(cfg.nr_overrides, 2);
	assert_int_equal(cfg.overrides[0].isa_irq, 0);
	assert_int_equal(cfg.overrides[0].gsi, 2);
	assert_int_equal(cfg.overrides[1].flags, 0xd);
	assert_string_equal(host_log(), "");
}

static void test_rsdp_in_ebda_first(void **state)
{
	struct smp_config cfg;

	(void)state;
	qemu_like_madt(MADT_AT);
	madt_begin(MADT2_AT, LAPIC_DEFAULT_PHYS, false);
	madt_lapic(0, 7, 1);
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdt(RSDT_AT + 0x80, (uint32_t[]){ MADT2_AT }, 1);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	fw_set_ebda(0x9fc00);
	put_rsdp(0x9fc40, 0, RSDT_AT + 0x80, 0, 0);
	assert_int_equal(acpi_rsdp_find(&fw_mem), 0x9fc40);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.nr_cpus, 1);
	assert_int_equal(cfg.cpus[0].apic_id, 7);
	assert_false(cfg.pic_present);
}

static void test_rsdp_bad_checksum_passed_over(void **state)
{
	(void)state;
	put_rsdp(0xe0000, 0, RSDT_AT, 0, 0);
	fw_at(0xe0000)[16] ^= 1;		/* breaks the sum */
	put_rsdp(0xf0010, 0, RSDT_AT, 0, 0);
	assert_int_equal(acpi_rsdp_find(&fw_mem), 0xf0010);
	fw_at(0xf0010)[16] ^= 1;
	assert_int_equal(acpi_rsdp_find(&fw_mem), 0);
}

static void test_xsdt_preferred_and_high_entries_skipped(void **state)
{
	struct smp_config cfg;

	(void)state;
	qemu_like_madt(MADT_AT);
	madt_begin(MADT2_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 5, 1);
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_xsdt(XSDT_AT, (uint64_t[]){ 0x100000000ull + MADT2_AT,
					MADT2_AT }, 2);
	put_rsdp(0xf68e0, 2, RSDT_AT, XSDT_AT, 0);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.table_phys, MADT2_AT);
	assert_int_equal(cfg.cpus[0].apic_id, 5);

	/* An XSDT that lists no reachable MADT: the RSDT serves. */
	put_xsdt(XSDT_AT, (uint64_t[]){ 0x100000000ull + MADT2_AT }, 1);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.table_phys, MADT_AT);
	assert_int_equal(cfg.nr_cpus, 3);
}

static void test_madt_bad_checksum_falls_back_to_mp(void **state)
{
	struct smp_config cfg;

	(void)state;
	acpi_rsdt_machine();
	mp_machine();
	fw_at(MADT_AT + 44 + 3)[0] = 9;		/* APIC id 0 -> 9, sum off */
	assert_int_equal(smp_tables_read(&fw_mem, &cfg), 0);
	assert_true(host_log_contains("acpi: APIC at 0x7fe0400: checksum "
				      "off by 0x9: ignored\n"));
	assert_int_equal(cfg.source, SMP_SRC_MP);
	assert_int_equal(cfg.nr_cpus, 2);
}

static void test_madt_entry_overrun_rejected(void **state)
{
	struct smp_config cfg;

	(void)state;
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	fw_at(MADT_AT + 52 + 1)[0] = 40;	/* the second entry runs past */
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	memset(&cfg, 0xa5, sizeof(cfg));
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), -EINVAL);
	assert_clear(&cfg);
	assert_true(host_log_contains("acpi: MADT at 0x7fe0400: entry type 0 "
				      "at offset 52 has length 40 (table 60 "
				      "bytes): ignored\n"));
}

static void test_madt_short_entry_rejected(void **state)
{
	struct smp_config cfg;

	(void)state;
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	madt_entry_put(1, 6);			/* an IO-APIC needs 12 */
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), -EINVAL);
	assert_int_equal(host_log_count("ignored"), 1);
	assert_true(host_log_contains("entry type 1 at offset 52 has "
				      "length 6"));
}

/*
 * Two MADTs in the RSDT, one bad: whichever comes first, the good one
 * is used and the bad one reported by what is wrong with it; with both
 * good, the first is used and the second reported.
 */
static void madt_one_cpu(uint32_t at, uint8_t apic_id)
{
	madt_begin(at, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, apic_id, 1);
	madt_end();
}

static void test_bad_madt_before_or_after_a_good_one(void **state)
{
	struct smp_config cfg;
	unsigned int order;

	(void)state;
	for (order = 0; order < 2; order++) {
		uint32_t first = order ? MADT2_AT : MADT_AT;
		uint32_t second = order ? MADT_AT : MADT2_AT;

		fw_reset();
		host_log_clear();
		qemu_like_madt(MADT_AT);
		madt_one_cpu(MADT2_AT, 5);
		fw_at(MADT2_AT + 44 + 3)[0] = 6;	/* sum off by 1 */
		put_rsdt(RSDT_AT, (uint32_t[]){ FACP_AT, first, second }, 3);
		put_sdt(FACP_AT, "FACP", 116);
		put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
		assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
		assert_int_equal(cfg.table_phys, MADT_AT);
		assert_int_equal(cfg.nr_cpus, 3);
		assert_int_equal(cfg.cpus[0].apic_id, 0);
		assert_string_equal(host_log(), "acpi: APIC at 0x7fe0800: "
				    "checksum off by 0x1: ignored\n");
	}

	/* Entries that overrun, first: reported, the next one used. */
	fw_reset();
	host_log_clear();
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	fw_at(MADT_AT + 44 + 1)[0] = 12;	/* runs past the table */
	madt_end();
	madt_one_cpu(MADT2_AT, 5);
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT, MADT2_AT }, 2);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.table_phys, MADT2_AT);
	assert_int_equal(cfg.nr_cpus, 1);
	assert_int_equal(cfg.cpus[0].apic_id, 5);
	assert_string_equal(host_log(), "acpi: MADT at 0x7fe0400: entry type 0 "
			    "at offset 44 has length 12 (table 52 bytes): "
			    "ignored\n");

	/* Two good ones: the first is used, the second reported. */
	host_log_clear();
	madt_one_cpu(MADT_AT, 0);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.table_phys, MADT_AT);
	assert_int_equal(cfg.cpus[0].apic_id, 0);
	assert_string_equal(host_log(), "acpi: MADT at 0x7fe0800: another "
			    "valid MADT, the one at 0x7fe0400 is used: "
			    "ignored\n");
}

static void test_table_lengths_checked(void **state)
{
	struct smp_config cfg;

	(void)state;
	acpi_rsdt_machine();
	fw_w32(MADT_AT + 4, 0x200000);		/* beyond FW_TABLE_MAX */
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), -ENOENT);
	assert_true(host_log_contains("acpi: APIC at 0x7fe0400: length "
				      "2097152 outside [44, 65536]: "
				      "ignored\n"));
	host_log_clear();
	fw_w32(MADT_AT + 4, 40);		/* below its fixed part */
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), -ENOENT);
	assert_true(host_log_contains("length 40 outside"));
	host_log_clear();
	/* A header that maps, a body that runs off mappable memory. */
	madt_begin(FW_HIGH + FW_HIGH_SIZE - 0x100, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	madt_end();
	fw_w32(FW_HIGH + FW_HIGH_SIZE - 0x100 + 4, 0x200);
	put_rsdt(RSDT_AT, (uint32_t[]){ FW_HIGH + FW_HIGH_SIZE - 0x100 }, 1);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), -ENOENT);
	assert_true(host_log_contains("acpi: APIC at 0x7ffff00: cannot map "
				      "512 bytes: ignored\n"));
}

static void test_madt_without_enabled_cpu_ignored(void **state)
{
	struct smp_config cfg;

	(void)state;
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 0);
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	assert_int_equal(smp_tables_read(&fw_mem, &cfg), -ENOENT);
	assert_true(host_log_contains("acpi: MADT at 0x7fe0400 lists no "
				      "enabled CPU: ignored\n"));
	assert_true(host_log_contains("smp: no verified ACPI or MP table: "
				      "the boot CPU alone\n"));
	assert_clear(&cfg);
}

static void test_duplicate_and_excess_cpus(void **state)
{
	struct smp_config cfg;
	unsigned int i;

	(void)state;
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	for (i = 0; i < SMP_MAX_CPUS + 2; i++)
		madt_lapic((uint8_t)i, (uint8_t)i, 1);
	madt_lapic(99, 4, 1);			/* APIC id 4 again */
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	assert_int_equal(acpi_madt_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.nr_cpus, SMP_MAX_CPUS);
	assert_int_equal(cfg.cpus_dropped, 3);
	assert_true(host_log_contains("smp: APIC id 32: more than 32 CPUs, "
				      "left out\n"));
	assert_true(host_log_contains("smp: APIC id 4 listed twice"));
}

static void test_mp_table(void **state)
{
	struct smp_config cfg;

	(void)state;
	mp_machine();
	assert_int_equal(smp_tables_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.source, SMP_SRC_MP);
	assert_int_equal(cfg.table_phys, MPC_AT);
	assert_true(cfg.imcr);
	assert_int_equal(cfg.nr_cpus, 2);
	assert_true(cfg.cpus[0].bsp);
	assert_false(cfg.cpus[1].bsp);
	assert_int_equal(cfg.nr_ioapics, 1);
	assert_int_equal(cfg.ioapics[0].id, 2);
	assert_int_equal(cfg.ioapics[0].gsi_base, 0);
	assert_int_equal(cfg.nr_overrides, 1);
	assert_int_equal(cfg.overrides[0].isa_irq, 0);
	assert_int_equal(cfg.overrides[0].gsi, 2);
	assert_string_equal(host_log(), "");
}

static void test_mp_pointer_in_base_memory_top(void **state)
{
	struct smp_config cfg;

	(void)state;
	mp_machine();
	memset(fw_at(MPF_AT), 0, 16);		/* only the copy below 640K */
	put_mpf(638 * 1024 + 0x10, MPC_AT, 0, 0);
	assert_int_equal(mptable_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.nr_cpus, 2);
	assert_false(cfg.imcr);
}

static void test_mp_default_configuration(void **state)
{
	struct smp_config cfg;

	(void)state;
	put_mpf(MPF_AT, 0, 5, 0);
	assert_int_equal(smp_tables_read(&fw_mem, &cfg), 0);
	assert_int_equal(cfg.source, SMP_SRC_MP_DEFAULT);
	assert_int_equal(cfg.nr_cpus, 2);
	assert_true(cfg.cpus[0].bsp);
	assert_int_equal(cfg.lapic_phys, LAPIC_DEFAULT_PHYS);
	assert_int_equal(cfg.ioapics[0].phys, IOAPIC_DEFAULT_PHYS);

	put_mpf(MPF_AT, 0, 9, 0);
	assert_int_equal(mptable_read(&fw_mem, &cfg), -EINVAL);
	assert_clear(&cfg);
	assert_true(host_log_contains("mptable: floating pointer at 0xf5b00 "
				      "names default configuration 9, which "
				      "does not exist: ignored\n"));
}

static void test_mp_malformed_tables(void **state)
{
	struct smp_config cfg;

	(void)state;
	mp_machine();
	fw_at(MPC_AT + 44 + 3)[0] = 0;		/* sum off */
	assert_int_equal(mptable_read(&fw_mem, &cfg), -EINVAL);
	assert_true(host_log_contains("mptable: table at 0xf5c00: checksum "
				      "off by 0xfd: ignored\n"));

	host_log_clear();
	mp_machine();
	fw_at(MPC_AT + 44 + 20)[0] = 9;		/* unknown entry type */
	fw_fix_sum(MPC_AT, mpc_len, 7);
	assert_int_equal(mptable_read(&fw_mem, &cfg), -EINVAL);
	assert_true(host_log_contains("entry 1 of 8 (offset 64, type 9)"));

	host_log_clear();
	mp_machine();
	fw_w16(MPC_AT + 34, 12);		/* more entries than bytes */
	fw_fix_sum(MPC_AT, mpc_len, 7);
	assert_int_equal(mptable_read(&fw_mem, &cfg), -EINVAL);
	assert_true(host_log_contains("entry 8 of 12"));
	assert_clear(&cfg);

	host_log_clear();
	put_mpf(MPF_AT, 0x200000, 0, 0);	/* points at nothing */
	assert_int_equal(mptable_read(&fw_mem, &cfg), -EINVAL);
	assert_true(host_log_contains("mptable: no configuration table at "
				      "0x200000: ignored\n"));
}

/* No single flipped bit anywhere in the MADT gets it accepted. */
static void test_corruption_never_trusted(void **state)
{
	struct smp_config cfg;
	uint32_t off, len;

	(void)state;
	acpi_rsdt_machine();
	len = madt_len;
	for (off = 0; off < len; off++) {
		fw_reset();
		acpi_rsdt_machine();
		fw_at(MADT_AT + off)[0] ^= 0x40;
		host_log_clear();
		assert_int_not_equal(acpi_madt_read(&fw_mem, &cfg), 0);
		assert_clear(&cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_madt_through_rsdt, setup),
		cmocka_unit_test_setup(test_rsdp_in_ebda_first, setup),
		cmocka_unit_test_setup(test_bad_madt_before_or_after_a_good_one,
				       setup),
		cmocka_unit_test_setup(test_rsdp_bad_checksum_passed_over,
				       setup),
		cmocka_unit_test_setup(
			test_xsdt_preferred_and_high_entries_skipped, setup),
		cmocka_unit_test_setup(test_madt_bad_checksum_falls_back_to_mp,
				       setup),
		cmocka_unit_test_setup(test_madt_entry_overrun_rejected, setup),
		cmocka_unit_test_setup(test_madt_short_entry_rejected, setup),
		cmocka_unit_test_setup(test_table_lengths_checked, setup),
		cmocka_unit_test_setup(test_madt_without_enabled_cpu_ignored,
				       setup),
		cmocka_unit_test_setup(test_duplicate_and_excess_cpus, setup),
		cmocka_unit_test_setup(test_mp_table, setup),
		cmocka_unit_test_setup(test_mp_pointer_in_base_memory_top,
				       setup),
		cmocka_unit_test_setup(test_mp_default_configuration, setup),
		cmocka_unit_test_setup(test_mp_malformed_tables, setup),
		cmocka_unit_test_setup(test_corruption_never_trusted, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
