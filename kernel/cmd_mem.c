/*
 * Console commands of the memory intake: e820, memmap (meminfo is in
 * kernel/cmd_procfs.c with the other /proc formats).
 *
 *  e820     the firmware map, the memmap= map, the cleaned map and the
 *           4 GiB clip, as printed at boot (Linux's dmesg lines);
 *  memmap   the physical layout of this boot (E820 ranges, zones, every
 *           boot reservation by name, "(given back)" once its frames went
 *           to the buddy allocator, free RAM) and the kernel's virtual
 *           layout, as ASCII boxes (not to scale), then how many early
 *           page tables the VMM gave back (kernel/vmm_boot.c).
 *
 * Locking: zone counters are read without the zone lock (single words,
 * a snapshot is all a report needs).  Context: the shell.
 */
#include "acpi_reclaim.h"
#include "bootmem.h"
#include "early_paging.h"
#include "sections.h"
#include "shell.h"
#include "vmm_boot.h"
#include "mm/arch.h"
#include "mm/memblock.h"
#include "mm/slab.h"
#include "mm/zones.h"

static int cmd_e820(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	bootmem_print_e820();
	return 0;
}
SHELL_COMMAND(e820, "e820", "", "firmware and cleaned E820 memory maps",
	      cmd_e820);

/* --- memmap ------------------------------------------------------------ */

#define MAX_POINTS	1024

static uint64_t points[MAX_POINTS];
static unsigned int nr_points;

static void add_point(uint64_t p)
{
	unsigned int i;

	if (p > E820_LIMIT_4G || nr_points == MAX_POINTS)
		return;
	for (i = nr_points; i > 0 && points[i - 1] > p; i--)
		points[i] = points[i - 1];
	if (i > 0 && points[i - 1] == p) {
		memmove(&points[i], &points[i + 1], (nr_points - i) * sizeof(points[0]));
		return;
	}
	points[i] = p;
	nr_points++;
}

/* The boot reservation covering address @a, or NULL. */
static const char *holder_at(uint64_t a)
{
	unsigned int i;

	for (i = 0; i < memblock_reserved_count(); i++) {
		const struct memblock_region *r = memblock_reserved_region(i);

		if (a >= r->base && a - r->base < r->size)
			return r->name;
	}
	return NULL;
}

static void size_str(char *buf, size_t n, uint64_t bytes)
{
	if (bytes >= GiB(1) && bytes % GiB(1) == 0)
		snprintf(buf, n, "%llu GiB", (unsigned long long)(bytes >> 30));
	else if (bytes >= MiB(1) && bytes % MiB(1) == 0)
		snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes >> 20));
	else if (bytes >= KiB(1))
		snprintf(buf, n, "%llu KiB", (unsigned long long)(bytes >> 10));
	else
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
}

static const char *const rule =
	"+---------------------------------------------------------+";

static void box(uint64_t start, uint64_t end, const char *a, const char *b,
		const char *c)
{
	char size[24];

	size_str(size, sizeof(size), end - start);
	printk("0x%09llx %s\n", (unsigned long long)start, rule);
	if (!*b && !*c)		/* one name across the box: "persistent (type 12)" */
		printk("            | %-56.56s| %s\n", a, size);
	else
		printk("            | %-9s %-7s %-38.38s| %s\n", a, b, c, size);
}

static void collect_points(const struct bootmem_layout *l)
{
	unsigned int i;

	nr_points = 0;
	add_point(0);
	add_point(E820_LIMIT_4G);
	add_point(DMA_LIMIT);
	add_point(LOWMEM_LIMIT);
	for (i = 0; i < l->clipped->nr; i++) {
		add_point(l->clipped->entries[i].addr);
		add_point(l->clipped->entries[i].addr + l->clipped->entries[i].size);
	}
	for (i = 0; i < memblock_reserved_count(); i++) {
		const struct memblock_region *r = memblock_reserved_region(i);

		add_point(r->base);
		add_point(r->base + r->size);
	}
}

/* Do addresses @a and @b get the same box (type, zone, holder)? */
static bool same_box(const struct e820_map *m, uint64_t a, uint64_t b)
{
	uint32_t t = e820_type_at(m, a);

	if (e820_type_at(m, b) != t)
		return false;
	if (t != E820_USABLE)
		return true;
	return holder_at(a) == holder_at(b) &&
	       zone_type_of_pfn(PHYS_PFN(a)) == zone_type_of_pfn(PHYS_PFN(b));
}

/*
 * A boot reservation whose frames have since been given to the buddy
 * allocator (the VMM frees the early page tables) is drawn as such: the
 * record says who held it, the descriptor says whether it still does.
 * Unheld bytes [start, end) inside one reserved frame are its slack.
 */
static const char *holder_label(uint64_t start, uint64_t end, const char *who)
{
	static char buf[48];
	pfn_t pfn = PHYS_PFN(start);

	if (!who)	/* bytes no one holds, inside a frame that may be taken */
		return PHYS_PFN(end - 1) == pfn && pfn < max_pfn &&
		       (mem_map[pfn].flags & PG_reserved) ?
		       "slack of a reserved frame" : "free";
	if (pfn < max_pfn && !(mem_map[pfn].flags & PG_reserved)) {
		snprintf(buf, sizeof(buf), "%s (given back)", who);
		return buf;
	}
	return who;
}

static void draw_physical(const struct bootmem_layout *l)
{
	static const char *const zname[] = { "DMA", "Normal", "HighMem" };
	uint64_t start = 0;
	unsigned int i;

	printk("Physical memory of this boot (boxes not to scale):\n");
	collect_points(l);
	for (i = 1; i < nr_points; i++) {
		uint32_t t = e820_type_at(l->clipped, start);
		uint64_t next = points[i];

		if (next < E820_LIMIT_4G && same_box(l->clipped, start, next))
			continue;
		if (t == E820_USABLE)
			box(start, next, "usable",
			    zname[zone_type_of_pfn(PHYS_PFN(start))],
			    holder_label(start, next, holder_at(start)));
		else
			box(start, next, t ? e820_type_name(t) : "hole", "", "");
		start = next;
	}
	printk("0x%09llx %s\n", (unsigned long long)E820_LIMIT_4G, rule);
	if (l->dropped_4g)
		printk("            (%llu MiB of RAM above 4 GiB dropped: no PAE)\n",
		       (unsigned long long)(l->dropped_4g >> 20));
}

static void vbox(uint64_t start, uint64_t end, const char *what)
{
	char size[24];

	size_str(size, sizeof(size), end - start);
	printk("0x%08llx %s\n", (unsigned long long)start, rule);
	printk("           | %-56.56s| %s\n", what, size);
}

static void draw_virtual(const struct bootmem_layout *l)
{
	uint64_t k0 = (uintptr_t)__kernel_start, k1 = (uintptr_t)__kernel_end;
	uint64_t m0 = PAGE_OFFSET + l->mem_map_phys;
	uint64_t m1 = m0 + ALIGN_UP(l->mem_map_bytes, (phys_addr_t)PAGE_SIZE);
	uint64_t lowend = PAGE_OFFSET + l->lowmem_end;

	printk("Kernel virtual memory (boxes not to scale):\n");
	vbox(0, PAGE_OFFSET, "user space");
	vbox(PAGE_OFFSET, k0, "direct map: low 1 MiB");
	vbox(k0, k1, "direct map: kernel image");
	if (m0 > k1)
		vbox(k1, m0, "direct map: RAM");
	vbox(m0, m1, "direct map: mem_map (page descriptors)");
	if (lowend > m1)
		vbox(m1, lowend, "direct map: RAM");
	if (LOWMEM_VIRT_END > lowend)
		vbox(lowend, LOWMEM_VIRT_END, "unmapped: no low memory here");
	vbox(LOWMEM_VIRT_END, KSTACK_AREA_START, "guard gap");
	vbox(KSTACK_AREA_START, KSTACK_AREA_END,
	     "kernel stacks (a guard page below each)");
	vbox(VMALLOC_START, VMALLOC_END, "vmalloc area");
	vbox(KMAP_BASE, PGTABLE_WINDOW, "kmap window (1024 slots)");
	vbox(PGTABLE_WINDOW, 0x100000000ull, "page-table window");
	printk("0x100000000 %s\n", rule);
}

static int cmd_memmap(int argc, char **argv)
{
	const struct bootmem_layout *l = bootmem_layout();
	unsigned int z;

	(void)argc;
	(void)argv;
	if (!l) {
		printk("memmap: no memory layout yet\n");
		return 1;
	}
	draw_physical(l);
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (zones[z].present_pages)
			printk("zone %-8s [mem 0x%016llx-0x%016llx]\n", zones[z].name,
			       (unsigned long long)PFN_PHYS(zones[z].start_pfn),
			       (unsigned long long)PFN_PHYS(zones[z].end_pfn) - 1);
	acpi_reclaim_print();
	draw_virtual(l);
	printk("%u early page tables, replaced by the VMM's: %u given back to the buddy allocator\n",
	       early_paging_nr_tables(), vmm_boot_info()->early_tables_freed);
	return 0;
}
SHELL_COMMAND(memmap, "memmap", "",
	      "physical and virtual memory layout of this boot", cmd_memmap);
