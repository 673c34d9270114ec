/*
 * acpi_reclaim (rules in acpi_reclaim.h).
 *
 * The kernel keeps no ACPI table after CPU discovery: the readers copy
 * what they need (struct smp_config) and unmap each table window before
 * discovery returns, so nothing is to be copied before the frames go.
 * A range is clipped to what can be handed over: frames inside a zone's
 * span, with a page descriptor, still PG_reserved, outside the kernel
 * image (a map may place the image over any type), and in low memory
 * with a direct-map entry (made here if its page table exists).  Frames
 * that fail any of these stay reserved; the range's line counts only
 * those given.
 *
 * Locking: acpi_reclaim_boot() runs once on the boot CPU with one CPU
 * running; the counts are read-only afterwards.
 */
#include "acpi_reclaim.h"
#include "bootmem.h"
#include "cmdline.h"
#include "mm/buddy.h"
#include "mm/e820.h"
#include "mm/vmm.h"
#include "mm/zones.h"

#define ACPI_RANGES_MAX	16

struct acpi_range {
	uint64_t start, end;	/* bytes, [start, end) */
	uint32_t type;
	uint32_t given;		/* frames handed to the page allocator */
};

static struct acpi_range ranges[ACPI_RANGES_MAX];
static unsigned int nr_ranges;
static uint32_t reclaimed;
static bool asked;

/*
 * A low-memory frame needs its direct-map entry, which the boot direct
 * map gives usable RAM and the kernel image only: made here where the
 * page table for it exists (4 MiB of the direct map that holds some
 * usable RAM).  HIGHMEM frames are reached through kmap.
 */
static bool direct_mapped(const struct bootmem_layout *l, pfn_t pfn)
{
	uintptr_t va;

	if (PFN_PHYS(pfn) >= l->lowmem_end)
		return true;
	va = (uintptr_t)arch_phys_to_virt(PFN_PHYS(pfn));
	if (vmm_translate(vmm_kernel_pd, va, NULL, NULL) == 0)
		return true;
	return vmm_map(vmm_kernel_pd, va, pfn, MMU_WRITE) == 0;
}

/* May the frame at @pfn go to the page allocator? */
static bool reclaimable(const struct bootmem_layout *l, pfn_t pfn)
{
	const struct zone *z;

	if (pfn >= l->nr_pfns)
		return false;
	z = pfn_zone(pfn);
	if (!zone_spans_pfn(z, pfn) || !page_test(pfn_to_page(pfn), PG_reserved))
		return false;
	if (PFN_PHYS(pfn) + PAGE_SIZE > l->kernel_start &&
	    PFN_PHYS(pfn) < l->kernel_end)
		return false;
	return direct_mapped(l, pfn);
}

/* Hand the reclaimable runs of [first, last) over, one zone at a time. */
static uint32_t give_range(const struct bootmem_layout *l, pfn_t first,
			   pfn_t last)
{
	uint32_t given = 0;
	pfn_t pfn = first, run;

	while (pfn < last) {
		if (!reclaimable(l, pfn)) {
			pfn++;
			continue;
		}
		for (run = pfn; run < last && reclaimable(l, run) &&
		     pfn_zone(run) == pfn_zone(pfn); run++)
			;
		buddy_add_reserved(pfn_zone(pfn), pfn, run);
		given += run - pfn;
		pfn = run;
	}
	return given;
}

static void note_range(const struct e820_entry *e)
{
	if (nr_ranges == ACPI_RANGES_MAX)
		return;
	ranges[nr_ranges].start = e->addr;
	ranges[nr_ranges].end = e->addr + e->size;
	ranges[nr_ranges].type = e->type;
	nr_ranges++;
}

void acpi_reclaim_boot(void)
{
	const struct bootmem_layout *l = bootmem_layout();
	unsigned int i;
	uint64_t kept = 0;

	if (!l || !l->cleaned)
		return;
	asked = cmdline_has_flag("acpi_reclaim");
	for (i = 0; i < l->cleaned->nr; i++) {
		const struct e820_entry *e = &l->cleaned->entries[i];

		if (e->type != E820_ACPI && e->type != E820_NVS)
			continue;
		note_range(e);
		if (e->type == E820_ACPI && !asked)
			kept += e->size;
	}
	for (i = 0; asked && i < nr_ranges; i++) {
		struct acpi_range *r = &ranges[i];

		if (r->type != E820_ACPI)
			continue;
		r->given = give_range(l, PHYS_PFN(r->start + PAGE_SIZE - 1),
				      PHYS_PFN(r->end));
		reclaimed += r->given;
		printk("acpi: ACPI data [mem 0x%08llx-0x%08llx]: %u frames given to the page allocator\n",
		       (unsigned long long)r->start,
		       (unsigned long long)r->end - 1, r->given);
	}
	if (kept)
		printk("acpi: %llu KiB of ACPI data stay reserved (acpi_reclaim gives them back)\n",
		       (unsigned long long)(kept >> 10));
}

uint32_t acpi_reclaimed_pages(void)
{
	return reclaimed;
}

void acpi_reclaim_print(void)
{
	unsigned int i;

	for (i = 0; i < nr_ranges; i++) {
		const struct acpi_range *r = &ranges[i];

		printk("%s [mem 0x%016llx-0x%016llx]: %s", r->type == E820_ACPI
		       ? "ACPI data" : "ACPI NVS ", (unsigned long long)r->start,
		       (unsigned long long)r->end - 1,
		       r->type == E820_NVS ? "the firmware's, never touched" :
		       asked ? "reclaimed (acpi_reclaim)" : "reserved");
		if (r->type == E820_ACPI && asked)
			printk(", %u frames in the page allocator", r->given);
		printk("\n");
	}
}
