/*
 * Host tests of the IO-APIC routing arithmetic (arch/i386/ioapic_route.c):
 * ISA IRQ -> GSI with and without source overrides (flags, the cascade,
 * a GSI another IRQ's override takes), GSI -> IO-APIC pin, the GSI bases
 * of MP-table IO-APICs, overlapping ranges, and the redirection-entry
 * bits; then the same through the firmware-table readers on a QEMU-like
 * MADT and MP table.
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
#include "../../arch/i386/ioapic_route.h"

#define RSDT_AT		(FW_HIGH + 0x000)
#define MADT_AT		(FW_HIGH + 0x400)
#define MPF_AT		0xf5b00u
#define MPC_AT		0xf5c00u

static struct smp_config cfg;

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	fw_reset();
	host_log_clear();
	return 0;
}

static void add_override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
	smp_config_add_override(&cfg, irq, gsi, flags);
}

static void assert_route(unsigned int irq, uint32_t gsi, bool level,
			 bool active_low)
{
	struct isa_route r;

	assert_int_equal(isa_irq_route(&cfg, irq, &r), 0);
	assert_int_equal(r.gsi, gsi);
	assert_int_equal(r.level, level);
	assert_int_equal(r.active_low, active_low);
	assert_false(r.flags_reserved);
}

static void test_identity_without_overrides(void **state)
{
	unsigned int irq;

	(void)state;
	for (irq = 0; irq < ISA_IRQS; irq++)
		if (irq != ISA_IRQ_CASCADE)
			assert_route(irq, irq, false, false);
}

static void test_cascade_and_bad_irq(void **state)
{
	struct isa_route r;

	(void)state;
	assert_int_equal(isa_irq_route(&cfg, ISA_IRQ_CASCADE, &r), -ENOENT);
	assert_int_equal(isa_irq_route(&cfg, 16, &r), -EINVAL);
	assert_int_equal(isa_irq_route(&cfg, 0xffffffffu, &r), -EINVAL);
}

/* QEMU's MADT: the timer on GSI 2; IRQs 5, 9, 10, 11 level, high. */
static void test_qemu_overrides(void **state)
{
	(void)state;
	add_override(0, 2, 0);
	add_override(5, 5, 0xd);
	add_override(9, 9, 0xd);
	add_override(10, 10, 0xd);
	add_override(11, 11, 0xd);
	assert_route(0, 2, false, false);
	assert_route(1, 1, false, false);
	assert_route(4, 4, false, false);
	assert_route(5, 5, true, false);
	assert_route(9, 9, true, false);
	assert_route(12, 12, false, false);
}

static void test_override_flags(void **state)
{
	struct isa_route r;

	(void)state;
	add_override(3, 3, INTI_POLARITY_LOW | INTI_TRIGGER_LEVEL);
	add_override(6, 6, INTI_POLARITY_HIGH | INTI_TRIGGER_EDGE);
	add_override(7, 7, INTI_POLARITY_LOW | INTI_TRIGGER_BUS);
	add_override(8, 8, INTI_POLARITY_BUS | INTI_TRIGGER_LEVEL);
	assert_route(3, 3, true, true);
	assert_route(6, 6, false, false);
	assert_route(7, 7, false, true);
	assert_route(8, 8, true, false);
	/* the reserved value 2 of either field reads as ISA's default */
	add_override(12, 12, 0x2 | INTI_TRIGGER_LEVEL);
	assert_int_equal(isa_irq_route(&cfg, 12, &r), 0);
	assert_true(r.flags_reserved && r.level && !r.active_low);
	add_override(13, 13, INTI_POLARITY_LOW | 0x8);
	assert_int_equal(isa_irq_route(&cfg, 13, &r), 0);
	assert_true(r.flags_reserved && !r.level && r.active_low);
}

/* An IRQ without an override loses a GSI another IRQ's override takes. */
static void test_gsi_taken_by_another_override(void **state)
{
	struct isa_route r;

	(void)state;
	add_override(5, 9, 0);
	assert_route(5, 9, false, false);
	assert_int_equal(isa_irq_route(&cfg, 9, &r), -ENOENT);
	/* with an override of its own it has its line again */
	add_override(9, 20, INTI_TRIGGER_LEVEL);
	assert_route(9, 20, true, false);
}

static void test_gsi_lookup(void **state)
{
	struct ioapic_range r[3] = {
		{ .gsi_base = 0, .entries = 24 },
		{ .gsi_base = 48, .entries = 0 },	/* unusable */
		{ .gsi_base = 24, .entries = 24 },
	};
	unsigned int pin = 99;

	(void)state;
	assert_int_equal(ioapic_gsi_lookup(r, 3, 0, &pin), 0);
	assert_int_equal(pin, 0);
	assert_int_equal(ioapic_gsi_lookup(r, 3, 23, &pin), 0);
	assert_int_equal(pin, 23);
	assert_int_equal(ioapic_gsi_lookup(r, 3, 24, &pin), 2);
	assert_int_equal(pin, 0);
	assert_int_equal(ioapic_gsi_lookup(r, 3, 47, &pin), 2);
	assert_int_equal(pin, 23);
	pin = 99;
	assert_int_equal(ioapic_gsi_lookup(r, 3, 48, &pin), -ENOENT);
	assert_int_equal(ioapic_gsi_lookup(r, 3, 0xffffffffu, &pin), -ENOENT);
	assert_int_equal(pin, 99);
	assert_int_equal(ioapic_gsi_lookup(r, 0, 0, &pin), -ENOENT);
}

static void test_gsi_lookup_base_near_wrap(void **state)
{
	struct ioapic_range r[1] = { { .gsi_base = 0xfffffff0u,
				       .entries = 24 } };
	unsigned int pin;

	(void)state;
	assert_int_equal(ioapic_gsi_lookup(r, 1, 0xfffffffeu, &pin), 0);
	assert_int_equal(pin, 14);
	assert_int_equal(ioapic_gsi_lookup(r, 1, 3, &pin), -ENOENT);
}

/* MP tables give no GSI base: each follows the ones before it. */
static void test_gsi_bases_for_mp(void **state)
{
	struct ioapic_range r[4] = {
		{ .gsi_base = 0, .entries = 24 },
		{ .gsi_base = SMP_GSI_UNKNOWN, .entries = 0 },	/* unusable */
		{ .gsi_base = SMP_GSI_UNKNOWN, .entries = 16 },
		{ .gsi_base = SMP_GSI_UNKNOWN, .entries = 8 },
	};
	unsigned int pin;

	(void)state;
	assert_int_equal(ioapic_gsi_lookup(r, 4, 30, &pin), -ENOENT);
	ioapic_gsi_bases(r, 4);
	assert_int_equal(r[0].gsi_base, 0);
	assert_int_equal(r[1].gsi_base, SMP_GSI_UNKNOWN);
	assert_int_equal(r[2].gsi_base, 24);
	assert_int_equal(r[3].gsi_base, 40);
	assert_int_equal(ioapic_gsi_lookup(r, 4, 30, &pin), 2);
	assert_int_equal(pin, 6);
	assert_int_equal(ioapic_gsi_lookup(r, 4, 47, &pin), 3);
	assert_int_equal(pin, 7);
	assert_int_equal(ioapic_range_overlap(r, 4), -1);
}

static void test_range_overlap(void **state)
{
	struct ioapic_range r[3] = {
		{ .gsi_base = 0, .entries = 24 },
		{ .gsi_base = 24, .entries = 24 },
		{ .gsi_base = 40, .entries = 8 },
	};

	(void)state;
	assert_int_equal(ioapic_range_overlap(r, 2), -1);
	assert_int_equal(ioapic_range_overlap(r, 3), 2);
	r[2].entries = 0;		/* unusable: overlaps nothing */
	assert_int_equal(ioapic_range_overlap(r, 3), -1);
	r[1].gsi_base = 23;
	assert_int_equal(ioapic_range_overlap(r, 3), 1);
}

static void test_rte_encoding(void **state)
{
	struct isa_route edge = { .gsi = 1 };
	struct isa_route level_low = { .gsi = 9, .level = true,
				       .active_low = true };

	(void)state;
	/* fixed delivery (000), physical destination: only the vector */
	assert_int_equal(ioapic_rte(&edge, 0x21, 0, false), 0x21);
	assert_int_equal(ioapic_rte(&edge, 0x24, 0, true), 0x10024);
	assert_int_equal(ioapic_rte(&edge, 0x24, 3, false),
			 0x0300000000000024ull);
	assert_int_equal(ioapic_rte(&level_low, 0x29, 1, true),
			 0x010000000001a029ull);
	assert_int_equal(ioapic_rte(&level_low, 0x29, 0xff, false) &
			 (RTE_DELMODE_MASK | RTE_DESTMODE_LOGICAL), 0);
	assert_int_equal(ioapic_rte(&level_low, 0x29, 0xff, false) >>
			 RTE_DEST_SHIFT, 0xff);
}

/* QEMU-like ACPI tables, read and routed as the kernel does. */
static void test_routes_from_madt(void **state)
{
	struct ioapic_range r[1] = { { .gsi_base = 0, .entries = 24 } };
	struct isa_route route;
	unsigned int pin;

	(void)state;
	madt_begin(MADT_AT, LAPIC_DEFAULT_PHYS, true);
	madt_lapic(0, 0, 1);
	madt_ioapic(0, IOAPIC_DEFAULT_PHYS, 0);
	madt_override(0, 0, 2, 0);
	madt_override(0, 9, 9, 0xd);
	madt_end();
	put_rsdt(RSDT_AT, (uint32_t[]){ MADT_AT }, 1);
	put_rsdp(0xf68e0, 0, RSDT_AT, 0, 0);
	assert_int_equal(smp_tables_read(&fw_mem, &cfg), 0);
	assert_int_equal(isa_irq_route(&cfg, 0, &route), 0);
	assert_int_equal(ioapic_gsi_lookup(r, 1, route.gsi, &pin), 0);
	assert_int_equal(pin, 2);
	assert_int_equal(ioapic_rte(&route, 0x20, 0, false), 0x20);
	assert_int_equal(isa_irq_route(&cfg, 9, &route), 0);
	assert_int_equal(ioapic_rte(&route, 0x29, 0, true),
			 0x29 | RTE_LEVEL | RTE_MASKED);
	assert_route(4, 4, false, false);
}

/* An MP table: pin 2 for IRQ 0 becomes an override; a second IO-APIC. */
static void test_routes_from_mp_table(void **state)
{
	struct ioapic_range r[2];
	struct isa_route route;
	unsigned int pin;

	(void)state;
	mpc_begin(MPC_AT, LAPIC_DEFAULT_PHYS);
	mpc_cpu(0, 3);
	mpc_bus(0, "ISA   ");
	mpc_ioapic(2, 1, IOAPIC_DEFAULT_PHYS);
	mpc_ioapic(3, 1, IOAPIC_DEFAULT_PHYS + 0x1000);
	mpc_ioint(0, 0, 2, 2, 0);
	mpc_ioint(0, 1, 2, 1, 0);
	mpc_ioint(0, 8, 2, 8, 0xf);	/* active low, level */
	mpc_end();
	put_mpf(MPF_AT, MPC_AT, 0, 0x80);
	assert_int_equal(mptable_read(&fw_mem, &cfg), 0);
	assert_true(cfg.imcr);
	assert_int_equal(cfg.nr_ioapics, 2);
	r[0].gsi_base = cfg.ioapics[0].gsi_base;
	r[0].entries = 24;
	r[1].gsi_base = cfg.ioapics[1].gsi_base;
	r[1].entries = 24;
	assert_int_equal(r[1].gsi_base, SMP_GSI_UNKNOWN);
	ioapic_gsi_bases(r, 2);
	assert_int_equal(r[1].gsi_base, 24);
	assert_route(0, 2, false, false);
	assert_route(8, 8, true, true);
	assert_int_equal(isa_irq_route(&cfg, 8, &route), 0);
	assert_int_equal(ioapic_gsi_lookup(r, 2, route.gsi, &pin), 0);
	assert_int_equal(pin, 8);
	assert_string_equal(host_log(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identity_without_overrides, setup),
		cmocka_unit_test_setup(test_cascade_and_bad_irq, setup),
		cmocka_unit_test_setup(test_qemu_overrides, setup),
		cmocka_unit_test_setup(test_override_flags, setup),
		cmocka_unit_test_setup(test_gsi_taken_by_another_override,
				       setup),
		cmocka_unit_test_setup(test_gsi_lookup, setup),
		cmocka_unit_test_setup(test_gsi_lookup_base_near_wrap, setup),
		cmocka_unit_test_setup(test_gsi_bases_for_mp, setup),
		cmocka_unit_test_setup(test_range_overlap, setup),
		cmocka_unit_test_setup(test_rte_encoding, setup),
		cmocka_unit_test_setup(test_routes_from_madt, setup),
		cmocka_unit_test_setup(test_routes_from_mp_table, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
