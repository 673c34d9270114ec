/*
 * A booted "machine" for mm host tests: physical memory, mem_map, zones
 * and buddy lists, set up the way the kernel's bootmem_init() would.
 *
 *	machine_boot(MiB(64));		DMA + Normal, pfns 0..255 reserved
 *	... alloc_pages(), buddy_check_all(), ...
 *	machine_shutdown();		no leaks, ready for the next boot
 *
 * machine_boot(bytes) maps a host arena of bytes as physical [0, bytes),
 * gives it one struct page per frame, and calls zones_init() with
 *   usable = [1, bytes / 4096)       (frame 0 is outside every zone)
 *   free   = [256, bytes / 4096)     (pfns 1..255 stand for the kernel
 *                                    image and boot data: reserved)
 * Zones follow the kernel's limits: DMA below 16 MiB, Normal up to
 * 896 MiB, HighMem above; so 64 MiB boots DMA + Normal, 1 GiB all three.
 * HighMem frames are zeroed through the arena (buddy_zero_highpage_hook).
 *
 * machine_boot_ranges() takes the usable and free ranges explicitly (for
 * holes and unaligned zones); the ranges must satisfy zones_init().
 * Both abort the test program if the arena or zones cannot be set up.
 *
 * Header only: every function is static inline, so a test includes this
 * file and links with libmm.a as usual.
 */
#ifndef TESTS_HOST_MACHINE_H
#define TESTS_HOST_MACHINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mm/buddy.h"
#include "mm/page_debug.h"
#include "mm/testing/buddy.h"
#include "mm/zones.h"

#define MACHINE_RESERVED_END	256	/* pfns [0, 256) are not free */

/* The descriptor array of the machine now booted (NULL when none). */
static struct page *machine_mem_map;

static inline void machine_zero_highpage(struct page *page)
{
	memset(arch_phys_to_virt(page_to_phys(page)), 0, PAGE_SIZE);
}

/* HIGHMEM frames for page_poison and init_on_free: the arena maps all. */
static inline void *machine_kmap(struct page *page)
{
	return arch_phys_to_virt(page_to_phys(page));
}

static inline int machine_kunmap(const void *addr)
{
	(void)addr;
	return 0;
}

static inline void machine_die(const char *what)
{
	fprintf(stderr, "machine: %s\n%s", what, host_log());
	abort();
}

static inline void machine_boot_ranges(uint64_t bytes,
				       const struct pfn_range *usable,
				       unsigned int nr_usable,
				       const struct pfn_range *free,
				       unsigned int nr_free)
{
	pfn_t nr_pfns = (pfn_t)(bytes >> PAGE_SHIFT);

	if (machine_mem_map)
		machine_die("machine_boot without machine_shutdown");
	if (host_mem_init(bytes) != 0)
		machine_die("cannot map the physical memory arena");
	machine_mem_map = calloc(1, zones_map_bytes(nr_pfns));
	if (!machine_mem_map)
		machine_die("cannot allocate mem_map");
	zones_reset();
	if (zones_init(machine_mem_map, nr_pfns, usable, nr_usable, free,
		       nr_free) != 0)
		machine_die("zones_init refused the ranges");
	buddy_zero_highpage_hook = machine_zero_highpage;
	page_debug_kmap_hook = machine_kmap;
	page_debug_kunmap_hook = machine_kunmap;
}

static inline void machine_boot(uint64_t bytes)
{
	pfn_t nr_pfns = (pfn_t)(bytes >> PAGE_SHIFT);
	struct pfn_range usable = { 1, nr_pfns };
	struct pfn_range free = { MACHINE_RESERVED_END, nr_pfns };

	machine_boot_ranges(bytes, &usable, 1, &free, 1);
}

static inline void machine_shutdown(void)
{
	if (page_debug_flags())
		page_debug_set(0);
	buddy_zero_highpage_hook = NULL;
	page_debug_kmap_hook = NULL;
	page_debug_kunmap_hook = NULL;
	buddy_warn_reset();
	zones_reset();
	free(machine_mem_map);
	machine_mem_map = NULL;
	host_mem_fini();
	host_log_clear();
}

#endif /* TESTS_HOST_MACHINE_H */
