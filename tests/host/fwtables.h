/*
 * A fake physical address space for the firmware-table readers, and
 * builders that lay out ACPI and MP tables in it with correct (or, on
 * purpose, broken) checksums and lengths.
 *
 *	fw_reset();				zeroed, no EBDA
 *	madt_begin(0x7fe1000, LAPIC_DEFAULT_PHYS, true);
 *	madt_lapic(0, 0, 1); madt_lapic(1, 1, 1); madt_end();
 *	put_rsdt(0x7fe0000, (uint32_t[]){ 0x7fe1000 }, 1);
 *	put_rsdp(0xf0000, 0, 0x7fe0000, 0);
 *
 * Two regions exist: low memory [0, 1 MiB) and a high window of 128 KiB
 * at FW_HIGH (where firmware keeps its ACPI tables, at the top of RAM);
 * fw_map() returns NULL for anything else, as an unmappable range.
 * Header only, shared by the unit test and the fuzzer.
 */
#ifndef TESTS_HOST_FWTABLES_H
#define TESTS_HOST_FWTABLES_H

#include <string.h>

#include "../../arch/i386/smp_tables.h"

#define FW_LOW_SIZE	0x100000u
#define FW_HIGH		0x07fe0000u
#define FW_HIGH_SIZE	0x20000u

static uint8_t fw_low[FW_LOW_SIZE];
static uint8_t fw_high[FW_HIGH_SIZE];
static unsigned long fw_maps;		/* map() calls, for the tests */

static inline const void *fw_map(void *ctx, uint32_t phys, uint32_t len)
{
	(void)ctx;
	fw_maps++;
	if (phys < FW_LOW_SIZE && len <= FW_LOW_SIZE - phys)
		return fw_low + phys;
	if (phys >= FW_HIGH && phys - FW_HIGH < FW_HIGH_SIZE &&
	    len <= FW_HIGH_SIZE - (phys - FW_HIGH))
		return fw_high + (phys - FW_HIGH);
	return NULL;
}

static const struct fw_mem fw_mem = { .map = fw_map, .ctx = NULL };

static inline uint8_t *fw_at(uint32_t phys)
{
	return (uint8_t *)fw_map(NULL, phys, 1);
}

static inline void fw_w16(uint32_t phys, uint16_t v)
{
	uint8_t *p = fw_at(phys);

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void fw_w32(uint32_t phys, uint32_t v)
{
	fw_w16(phys, (uint16_t)v);
	fw_w16(phys + 2, (uint16_t)(v >> 16));
}

/* Set the byte at @sum_at so that [phys, phys + len) sums to zero. */
static inline void fw_fix_sum(uint32_t phys, uint32_t len, uint32_t sum_at)
{
	uint8_t *p = fw_at(phys);
	uint8_t s = 0;
	uint32_t i;

	p[sum_at] = 0;
	for (i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[sum_at] = (uint8_t)-s;
}

static inline void fw_reset(void)
{
	memset(fw_low, 0, sizeof(fw_low));
	memset(fw_high, 0, sizeof(fw_high));
	fw_w16(0x413, 639);		/* base memory in KiB */
	fw_maps = 0;
}

static inline void fw_set_ebda(uint32_t phys)
{
	fw_w16(0x40e, (uint16_t)(phys >> 4));
}

/* --- ACPI ---------------------------------------------------------------- */

static inline void put_rsdp(uint32_t phys, uint8_t rev, uint32_t rsdt,
		     uint32_t xsdt_lo, uint32_t xsdt_hi)
{
	memcpy(fw_at(phys), "RSD PTR ", 8);
	memcpy(fw_at(phys + 9), "KMEMFW", 6);
	fw_at(phys)[15] = rev;
	fw_w32(phys + 16, rsdt);
	fw_fix_sum(phys, 20, 8);
	if (rev >= 2) {
		fw_w32(phys + 20, 36);
		fw_w32(phys + 24, xsdt_lo);
		fw_w32(phys + 28, xsdt_hi);
		fw_fix_sum(phys, 36, 32);
	}
}

static inline void put_sdt(uint32_t phys, const char *sig, uint32_t len)
{
	memcpy(fw_at(phys), sig, 4);
	fw_w32(phys + 4, len);
	fw_at(phys)[8] = 1;
	memcpy(fw_at(phys + 10), "KMEMFW", 6);
	fw_fix_sum(phys, len, 9);
}

static inline void put_rsdt(uint32_t phys, const uint32_t *tables,
			    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		fw_w32(phys + 36 + 4 * i, tables[i]);
	put_sdt(phys, "RSDT", 36 + 4 * n);
}

static inline void put_xsdt(uint32_t phys, const uint64_t *tables,
			    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fw_w32(phys + 36 + 8 * i, (uint32_t)tables[i]);
		fw_w32(phys + 40 + 8 * i, (uint32_t)(tables[i] >> 32));
	}
	put_sdt(phys, "XSDT", 36 + 8 * n);
}

static uint32_t madt_at, madt_len;

static inline void madt_begin(uint32_t phys, uint32_t lapic, bool pcat)
{
	madt_at = phys;
	madt_len = 44;
	fw_w32(phys + 36, lapic);
	fw_w32(phys + 40, pcat ? 1 : 0);
}

static inline uint32_t madt_entry_put(uint8_t type, uint8_t len)
{
	uint32_t e = madt_at + madt_len;

	fw_at(e)[0] = type;
	fw_at(e)[1] = len;
	madt_len += len;
	return e;
}

static inline void madt_lapic(uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	uint32_t e = madt_entry_put(0, 8);

	fw_at(e)[2] = uid;
	fw_at(e)[3] = apic_id;
	fw_w32(e + 4, flags);
}

static inline void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	uint32_t e = madt_entry_put(1, 12);

	fw_at(e)[2] = id;
	fw_w32(e + 4, addr);
	fw_w32(e + 8, gsi_base);
}

static inline void madt_override(uint8_t bus, uint8_t irq, uint32_t gsi,
			  uint16_t flags)
{
	uint32_t e = madt_entry_put(2, 10);

	fw_at(e)[2] = bus;
	fw_at(e)[3] = irq;
	fw_w32(e + 4, gsi);
	fw_w16(e + 8, flags);
}

static inline void madt_end(void)
{
	put_sdt(madt_at, "APIC", madt_len);
}

/* --- MP ------------------------------------------------------------------ */

static inline void put_mpf(uint32_t phys, uint32_t table, uint8_t type,
		    uint8_t feature2)
{
	memcpy(fw_at(phys), "_MP_", 4);
	fw_w32(phys + 4, table);
	fw_at(phys)[8] = 1;
	fw_at(phys)[9] = 4;
	fw_at(phys)[11] = type;
	fw_at(phys)[12] = feature2;
	fw_fix_sum(phys, 16, 10);
}

static uint32_t mpc_at, mpc_len, mpc_count;

static inline void mpc_begin(uint32_t phys, uint32_t lapic)
{
	mpc_at = phys;
	mpc_len = 44;
	mpc_count = 0;
	memcpy(fw_at(phys), "PCMP", 4);
	fw_at(phys)[6] = 4;
	memcpy(fw_at(phys + 8), "KMEMFW  ", 8);
	fw_w32(phys + 36, lapic);
}

static inline uint32_t mpc_entry_put(uint8_t type, uint32_t len)
{
	uint32_t e = mpc_at + mpc_len;

	fw_at(e)[0] = type;
	mpc_len += len;
	mpc_count++;
	return e;
}

static inline void mpc_cpu(uint8_t apic_id, uint8_t flags)
{
	uint32_t e = mpc_entry_put(0, 20);

	fw_at(e)[1] = apic_id;
	fw_at(e)[2] = 0x11;
	fw_at(e)[3] = flags;
	fw_w32(e + 4, 0x0673);	/* family 6, model 7 */
}

static inline void mpc_bus(uint8_t id, const char *type6)
{
	uint32_t e = mpc_entry_put(1, 8);

	fw_at(e)[1] = id;
	memcpy(fw_at(e + 2), type6, 6);
}

static inline void mpc_ioapic(uint8_t id, uint8_t flags, uint32_t addr)
{
	uint32_t e = mpc_entry_put(2, 8);

	fw_at(e)[1] = id;
	fw_at(e)[2] = 0x11;
	fw_at(e)[3] = flags;
	fw_w32(e + 4, addr);
}

static inline void mpc_ioint(uint8_t bus, uint8_t irq, uint8_t dst, uint8_t pin,
		      uint16_t flags)
{
	uint32_t e = mpc_entry_put(3, 8);

	fw_w16(e + 2, flags);
	fw_at(e)[4] = bus;
	fw_at(e)[5] = irq;
	fw_at(e)[6] = dst;
	fw_at(e)[7] = pin;
}

static inline void mpc_end(void)
{
	fw_w16(mpc_at + 4, (uint16_t)mpc_len);
	fw_w16(mpc_at + 34, (uint16_t)mpc_count);
	fw_fix_sum(mpc_at, mpc_len, 7);
}

#endif /* TESTS_HOST_FWTABLES_H */
