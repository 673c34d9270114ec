/*
 * bootmem_init: from the boot loader's memory map to populated zones.
 *
 * The steps, in order:
 *  1. read the Multiboot memory map (or build one from mem_lower and
 *     mem_upper, and say so; the flag "e820_nommap" forces this path,
 *     for tests, as a loader without a map would);
 *  2. apply the command line's memmap= options to a copy of it;
 *  3. clean it (mm/e820.c) and print the firmware map, the user map (if
 *     any options applied) and the cleaned map, Linux-style;
 *  4. clip at 4 GiB (no PAE) and take the usable RAM in whole frames;
 *     the frames to map are those and the kernel image's, whatever the
 *     map says of them (see cover_kernel_image());
 *  5. hand the usable RAM to memblock and reserve what must never be
 *     allocated: the first 64 KiB (frame 0, BIOS data), the kernel image,
 *     the Multiboot information, its memory map, the command line,
 *     modules (reserved whether the map calls them RAM or not); and
 *     take two frames below 1 MiB for the AP start-up trampoline
 *     (arch/i386/smp.c gives them back once the APs are up);
 *  6. extend the direct map over all low memory (arch/i386/early_paging.c);
 *  7. place the page descriptors (12 bytes per frame up to the highest
 *     frame to map below 4 GiB) and the zones' free maps after them
 *     (zones_map_bytes()) in low memory, and zero them;
 *  8. call zones_init() with the usable ranges and the free ones (usable
 *     minus every reservation and every memblock allocation), and retire
 *     memblock.  Its reservation list stays as the record `memmap` draws.
 *
 * All storage is static: nothing can be allocated before this has run.
 * Boot loader data is read through the boot mapping of 0-4 MiB, the only
 * one that exists until step 6; anything the loader put higher is
 * reported and skipped (GRUB and QEMU put it low).
 *
 * Locking: none; runs once at early boot, one CPU, interrupts off.  The
 * layout it records is read-only afterwards.
 */
#include "bootmem.h"
#include "cmdline.h"
#include "early_paging.h"
#include "mm_init.h"
#include "multiboot.h"
#include "sections.h"
#include "smp.h"
#include "mm/arch.h"
#include "mm/memblock.h"

#define E820_MAX	E820_MAX_ENTRIES	/* shared with memblock */
#define CLEAN_MAX	(2 * E820_MAX)	/* n nested entries clean into 2n-1 */
#define RANGES_MAX	(CLEAN_MAX + MEMBLOCK_MAX_RESERVED)

static struct e820_entry fw_entries[E820_MAX], user_entries[E820_MAX];
static struct e820_entry clean_entries[CLEAN_MAX], clip_entries[CLEAN_MAX];
static struct e820_change changes[E820_CHANGES(E820_MAX)];
static struct e820_map fw_map = { 0, E820_MAX, fw_entries };
static struct e820_map user_map = { 0, E820_MAX, user_entries };
static struct e820_map clean_map = { 0, CLEAN_MAX, clean_entries };
static struct e820_map clip_map = { 0, CLEAN_MAX, clip_entries };
static struct pfn_range usable[RANGES_MAX], free_ranges[RANGES_MAX];
static struct pfn_range mapped[RANGES_MAX + 1];
static struct bootmem_layout layout;
static bool done;

/* Boot loader data must lie in the boot mapping (0-4 MiB) to be read now. */
static const void *early_phys(phys_addr_t pa, size_t len)
{
	if (pa + len > EARLY_MAPPED_BOOT || pa + len < pa)
		return NULL;
	return (const void *)(uintptr_t)(pa + PAGE_OFFSET);
}

static const struct multiboot_info *mbi(void)
{
	const struct multiboot_info *info =
		early_phys(boot_mbi_phys, sizeof(*info));

	if (!info)
		panic("bootmem: Multiboot info at 0x%x is beyond the boot mapping",
		      boot_mbi_phys);
	return info;
}

/* Step 1: the entries of the Multiboot map, stepping by their size field. */
static bool read_multiboot_map(const struct multiboot_info *info)
{
	const uint8_t *p = early_phys(info->mmap_addr, info->mmap_length);
	uint32_t off = 0;

	if (!p) {
		printk("e820: Multiboot map at 0x%x beyond the boot mapping: ignored\n",
		       info->mmap_addr);
		return false;
	}
	while (off + 4 <= info->mmap_length) {
		const struct multiboot_mmap_entry *e =
			(const struct multiboot_mmap_entry *)(p + off);

		if (e->size < 20 || off + 4 + e->size > info->mmap_length) {
			printk("e820: Multiboot map entry at +%u has size %u: map ends there\n",
			       off, e->size);
			break;
		}
		if (e820_add(&fw_map, e->addr, e->len, e->type) < 0) {
			printk("e820: more than %u entries from the boot loader: rest ignored\n",
			       E820_MAX);
			break;
		}
		off += e->size + 4;
	}
	return fw_map.nr > 0;
}

static void read_firmware_map(void)
{
	const struct multiboot_info *info = mbi();

	if ((info->flags & MB_INFO_MEM_MAP) && !cmdline_has_flag("e820_nommap") &&
	    read_multiboot_map(info))
		return;
	if (!(info->flags & MB_INFO_MEMORY))
		panic("bootmem: the boot loader gave neither a memory map nor mem_lower/mem_upper");
	layout.synthesized = true;
	layout.mem_lower_kb = info->mem_lower;
	layout.mem_upper_kb = info->mem_upper;
	fw_map.nr = 0;
	e820_add(&fw_map, 0, KiB(info->mem_lower), E820_USABLE);
	e820_add(&fw_map, MiB(1), KiB(info->mem_upper), E820_USABLE);
}

/* Step 2: memmap= options, each applied whole or not at all. */
static void apply_memmap_options(void)
{
	const char *val;
	size_t pos = 0, len;

	user_map.nr = fw_map.nr;
	memcpy(user_entries, fw_entries, fw_map.nr * sizeof(fw_entries[0]));
	while (cmdline_next_option("memmap", &pos, &val, &len))
		if (e820_parse_memmap(&user_map, val, len) == 0)
			layout.nr_memmap++;
}

static void print_maps(void)
{
	if (layout.synthesized)
		printk("e820: no memory map from the boot loader: built from mem_lower=%u KiB, mem_upper=%u KiB\n",
		       layout.mem_lower_kb, layout.mem_upper_kb);
	printk("BIOS-provided physical RAM map:\n");
	e820_print(&fw_map, "BIOS-e820: ");
	if (layout.nr_memmap) {
		printk("user-defined physical RAM map (%u memmap= options):\n",
		       layout.nr_memmap);
		e820_print(&user_map, "user: ");
	}
	printk("e820: cleaned physical RAM map:\n");
	e820_print(&clean_map, "e820: ");
}

/* Merge overlapping or touching ranges of sorted @r.  Returns how many stay. */
static unsigned int merge_ranges(struct pfn_range *r, unsigned int n)
{
	unsigned int i, w = 0;

	for (i = 0; i < n; i++) {
		if (w && r[i].start <= r[w - 1].end)
			r[w - 1].end = MAX(r[w - 1].end, r[i].end);
		else
			r[w++] = r[i];
	}
	return w;
}

/*
 * The kernel runs where the boot loader put it, whatever the map (or a
 * memmap= option) says of those frames: the image is reserved in memblock
 * as always, and the direct map covers it, or the switch to the VMM's
 * page tables would unmap the running code.  Linux does the same: it
 * reserves its image whatever the map says.  A map that leaves part of
 * the image out of usable RAM is reported in one line; the rest of the
 * map is taken as given.  Boot loader data needs no such care: it is
 * read only through the boot mapping, before the switch.
 */
static void cover_kernel_image(void)
{
	phys_addr_t end = ALIGN_UP(layout.kernel_end, PAGE_SIZE);
	struct pfn_range img = { PHYS_PFN(layout.kernel_start), PHYS_PFN(end) };
	pfn_t inside = 0;
	unsigned int i, n = 0;

	for (i = 0; i < layout.nr_usable; i++) {
		const struct pfn_range *u = &usable[i];

		if (u->end > img.start && u->start < img.end)
			inside += MIN(u->end, img.end) -
				  MAX(u->start, img.start);
		if (n == i && img.start < u->start)
			mapped[n++] = img;	/* in its place, once */
		mapped[n++] = *u;
	}
	if (n == layout.nr_usable)
		mapped[n++] = img;
	layout.nr_mapped = merge_ranges(mapped, n);
	if (inside < img.end - img.start)
		printk("e820: the map leaves %u of the %u frames of the kernel image [mem 0x%016llx-0x%016llx] outside usable RAM: mapped and reserved all the same\n",
		       img.end - img.start - inside, img.end - img.start,
		       (unsigned long long)layout.kernel_start,
		       (unsigned long long)layout.kernel_end - 1);
}

/* Steps 3-4. */
static void clean_and_clip(void)
{
	unsigned int nr;

	clean_map.nr = user_map.nr;
	memcpy(clean_entries, user_entries, user_map.nr * sizeof(user_entries[0]));
	if (e820_clean(&clean_map, changes, ARRAY_SIZE(changes)) < 0)
		panic("bootmem: the cleaned E820 map does not fit %u entries", CLEAN_MAX);
	print_maps();
	clip_map.nr = clean_map.nr;
	memcpy(clip_entries, clean_entries, clean_map.nr * sizeof(clean_entries[0]));
	layout.dropped_4g = e820_clip(&clip_map, E820_LIMIT_4G);
	e820_print_unused(layout.dropped_4g);
	if (e820_usable_pfns(&clip_map, E820_LIMIT_4G, usable, RANGES_MAX, &nr) < 0 ||
	    nr == 0)
		panic("bootmem: no usable RAM in the memory map");
	layout.nr_usable = nr;
	cover_kernel_image();
}

static void reserve(phys_addr_t base, phys_addr_t size, const char *what)
{
	if (size && memblock_reserve(base, size, what) < 0)
		panic("bootmem: cannot record the reservation of %s", what);
}

/* Step 5: what the boot loader left us and the kernel itself. */
static void reserve_boot_data(const struct multiboot_info *info)
{
	const struct multiboot_module *mods;
	const char *cmd;
	uint32_t i;

	reserve(0, KiB(64), "low 64 KiB (frame 0, BIOS data)");
	reserve(layout.kernel_start, layout.kernel_end - layout.kernel_start,
		"kernel image");
	reserve(boot_mbi_phys, sizeof(*info), "Multiboot info");
	if (info->flags & MB_INFO_MEM_MAP)
		reserve(info->mmap_addr, info->mmap_length, "Multiboot memory map");
	if ((info->flags & MB_INFO_CMDLINE) &&
	    (cmd = early_phys(info->cmdline, 1)) != NULL)
		reserve(info->cmdline, strlen(cmd) + 1, "command line");
	if (!(info->flags & MB_INFO_MODS) || info->mods_count == 0)
		return;
	reserve(info->mods_addr, info->mods_count * sizeof(*mods), "module list");
	mods = early_phys(info->mods_addr, info->mods_count * sizeof(*mods));
	if (!mods) {
		printk("bootmem: module list beyond the boot mapping: modules not reserved\n");
		return;
	}
	for (i = 0; i < info->mods_count; i++) {
		reserve(mods[i].mod_start, mods[i].mod_end - mods[i].mod_start,
			"module");
		if (mods[i].string && (cmd = early_phys(mods[i].string, 1)) != NULL)
			reserve(mods[i].string, strlen(cmd) + 1, "module string");
	}
}

static void setup_memblock(const struct multiboot_info *info)
{
	unsigned int i;

	memblock_reset();
	for (i = 0; i < layout.nr_usable; i++)
		if (memblock_add(PFN_PHYS(usable[i].start),
				 PFN_PHYS(usable[i].end - usable[i].start)) < 0)
			/* cannot happen: see E820_MAX_ENTRIES in mm/e820.h */
			panic("bootmem: memblock cannot hold %u usable ranges of %u entries",
			      layout.nr_usable, user_map.nr);
	reserve_boot_data(info);
	smp_trampoline_reserve();
}

/* Steps 6-7. */
static struct page *place_mem_map(void)
{
	pfn_t top = mapped[layout.nr_mapped - 1].end;
	phys_addr_t pa;

	layout.lowmem_end = PFN_PHYS(MIN(top, (pfn_t)LOWMEM_PFN));
	if (early_paging_map_lowmem(layout.lowmem_end) < 0)
		layout.lowmem_end = early_paging_mapped_end();
	printk("bootmem: direct map of low memory: [mem 0x%016llx-0x%016llx], %u new page tables\n",
	       0ull, (unsigned long long)layout.lowmem_end - 1,
	       early_paging_nr_tables());
	layout.nr_pfns = top;
	layout.mem_map_bytes = zones_map_bytes(top);
	pa = memblock_alloc(layout.mem_map_bytes, PAGE_SIZE, layout.lowmem_end,
			    "mem_map (page descriptors)");
	if (!pa)
		panic("bootmem: no room for %llu bytes of page descriptors in low memory",
		      (unsigned long long)layout.mem_map_bytes);
	layout.mem_map_phys = pa;
	memset(arch_phys_to_virt(pa), 0, layout.mem_map_bytes);
	printk("bootmem: mem_map at [mem 0x%016llx-0x%016llx]: %u descriptors of %u bytes, free maps %u bytes\n",
	       (unsigned long long)pa,
	       (unsigned long long)(pa + layout.mem_map_bytes - 1),
	       top, (unsigned int)sizeof(struct page),
	       (unsigned int)(layout.mem_map_bytes -
			      (phys_addr_t)top * sizeof(struct page)));
	return arch_phys_to_virt(pa);
}

static uint32_t count_pages(const struct pfn_range *r, unsigned int n)
{
	uint32_t pages = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		pages += r[i].end - r[i].start;
	return pages;
}

/* Step 8. */
static void fill_zones(struct page *map)
{
	unsigned int nr_free;
	int err;

	if (memblock_free_pfns(free_ranges, RANGES_MAX, &nr_free) < 0)
		panic("bootmem: more than %u free ranges", RANGES_MAX);
	if (memblock_check())
		panic("bootmem: memblock is inconsistent");
	layout.usable_pages = count_pages(usable, layout.nr_usable);
	layout.free_pages = count_pages(free_ranges, nr_free);
	err = zones_init(map, layout.nr_pfns, usable, layout.nr_usable,
			 free_ranges, nr_free);
	if (err)
		panic("bootmem: zones_init failed (%d)", err);
	memblock_retire();
	printk("bootmem: %u usable frames, %u reserved at boot, %u free\n",
	       layout.usable_pages, layout.usable_pages - layout.free_pages,
	       layout.free_pages);
}

void bootmem_init(void)
{
	const struct multiboot_info *info = mbi();

	layout.kernel_start = (uintptr_t)__kernel_start - PAGE_OFFSET;
	layout.kernel_end = (uintptr_t)__kernel_end - PAGE_OFFSET;
	kernel_cmdline();	/* copy it while the loader's memory is intact */
	read_firmware_map();
	apply_memmap_options();
	clean_and_clip();
	setup_memblock(info);
	fill_zones(place_mem_map());
	layout.firmware = &fw_map;
	layout.user = layout.nr_memmap ? &user_map : NULL;
	layout.cleaned = &clean_map;
	layout.clipped = &clip_map;
	layout.usable = usable;
	layout.mapped = mapped;
	done = true;
}

const struct bootmem_layout *bootmem_layout(void)
{
	return done ? &layout : NULL;
}

void bootmem_print_e820(void)
{
	static struct e820_entry tmp_entries[CLEAN_MAX];
	struct e820_map tmp = { clean_map.nr, CLEAN_MAX, tmp_entries };

	if (!done) {
		printk("e820: no map read yet\n");
		return;
	}
	print_maps();
	memcpy(tmp_entries, clean_entries, clean_map.nr * sizeof(clean_entries[0]));
	e820_clip(&tmp, E820_LIMIT_4G);
	e820_print_unused(layout.dropped_4g);
}
