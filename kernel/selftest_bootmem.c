/*
 * In-kernel tests of the memory intake (`selftest bootmem`): the record
 * of boot reservations, the descriptors that bootmem_init() laid out and
 * the zones built from its ranges, checked against each other on the
 * running kernel.
 *
 * Context: the shell (process context, interrupts on).  The cases only
 * read state that is fixed after boot.
 */
#include "bootmem.h"
#include "selftest.h"
#include "mm/memblock.h"

static bool in_usable(const struct bootmem_layout *l, pfn_t pfn)
{
	unsigned int i;

	for (i = 0; i < l->nr_usable; i++)
		if (pfn >= l->usable[i].start && pfn < l->usable[i].end)
			return true;
	return false;
}

SELFTEST(bootmem, memblock_record_consistent)
{
	unsigned int bad = memblock_check(), refused = memblock_refused();

	if (bad)
		return selftest_fail("memblock_check: %u violations", bad);
	if (memblock_alloc(PAGE_SIZE, PAGE_SIZE, LOWMEM_LIMIT, "selftest") != 0)
		return selftest_fail("memblock still allocates after boot");
	if (memblock_refused() != refused + 1)
		return selftest_fail("late request not counted");
	return NULL;
}

/* Frames outside usable RAM never reach the buddy allocator. */
SELFTEST(bootmem, holes_stay_reserved)
{
	const struct bootmem_layout *l = bootmem_layout();
	pfn_t pfn;

	if (!l || max_pfn != l->nr_pfns)
		return selftest_fail("max_pfn %u, bootmem laid out %u",
				     max_pfn, l ? l->nr_pfns : 0);
	for (pfn = 0; pfn < max_pfn; pfn++)
		if (!in_usable(l, pfn) && !(mem_map[pfn].flags & PG_reserved))
			return selftest_fail("pfn 0x%x is a hole but not reserved", pfn);
	return NULL;
}

/* Low 64 KiB, kernel image and mem_map itself stay reserved. */
SELFTEST(bootmem, boot_data_reserved)
{
	const struct bootmem_layout *l = bootmem_layout();
	pfn_t pfn, mm_end;

	if (!l)
		return selftest_fail("no layout");
	mm_end = PHYS_PFN(l->mem_map_phys + l->mem_map_bytes + PAGE_SIZE - 1);
	for (pfn = 0; pfn < max_pfn; pfn++) {
		bool must = pfn < 16 ||
			(pfn >= PHYS_PFN(l->kernel_start) &&
			 PFN_PHYS(pfn) < l->kernel_end) ||
			(pfn >= PHYS_PFN(l->mem_map_phys) && pfn < mm_end);

		if (must && !(mem_map[pfn].flags & PG_reserved))
			return selftest_fail("pfn 0x%x of boot data is not reserved", pfn);
	}
	return NULL;
}

/* The zones together present exactly the usable frames bootmem found. */
SELFTEST(bootmem, zones_cover_usable)
{
	const struct bootmem_layout *l = bootmem_layout();
	uint32_t present = 0;
	unsigned int z;

	if (!l)
		return selftest_fail("no layout");
	for (z = 0; z < MAX_NR_ZONES; z++) {
		present += zones[z].present_pages;
		if (zones[z].managed_pages > zones[z].present_pages)
			return selftest_fail("zone %s manages %u of %u present",
					     zones[z].name, zones[z].managed_pages,
					     zones[z].present_pages);
	}
	if (present != l->usable_pages)
		return selftest_fail("zones present %u, usable %u", present,
				     l->usable_pages);
	if (zones_total_managed() < l->free_pages)
		return selftest_fail("managed %u < %u freed at boot",
				     zones_total_managed(), l->free_pages);
	return NULL;
}
