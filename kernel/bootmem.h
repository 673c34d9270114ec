/*
 * Boot-time memory intake: the E820 map from the boot loader, memmap=
 * options, memblock, the direct map of low memory, the page descriptors
 * and the zones.  bootmem_init() (declared in mm_init.h) does it all; this
 * header gives the console commands what it found.
 */
#ifndef KERNEL_BOOTMEM_H
#define KERNEL_BOOTMEM_H

#include "mm/e820.h"
#include "mm/zones.h"

/* What bootmem_init() found and decided.  Written once, at boot. */
struct bootmem_layout {
	const struct e820_map *firmware;	/* as the boot loader gave it */
	const struct e820_map *user;		/* after memmap= (NULL if none) */
	const struct e820_map *cleaned;		/* cleaned, before the 4 GiB clip */
	const struct e820_map *clipped;		/* cleaned and clipped at 4 GiB */
	bool synthesized;			/* built from mem_lower/mem_upper */
	uint32_t mem_lower_kb, mem_upper_kb;
	unsigned int nr_memmap;			/* memmap= options applied */
	uint64_t dropped_4g;			/* usable bytes at or above 4 GiB */
	phys_addr_t kernel_start, kernel_end;	/* physical, [start, end) */
	phys_addr_t lowmem_end;			/* direct map covers [0, lowmem_end) */
	phys_addr_t mem_map_phys;		/* the page descriptor array */
	phys_addr_t mem_map_bytes;
	pfn_t nr_pfns;				/* descriptors in mem_map */
	uint32_t usable_pages, free_pages;	/* handed to zones_init() */
	const struct pfn_range *usable;
	unsigned int nr_usable;
	/* usable and the kernel image: what the direct map must cover */
	const struct pfn_range *mapped;
	unsigned int nr_mapped;
};

/* What bootmem_init() found.  Context: any.
 * Returns: the layout, or NULL before bootmem_init() ran. */
const struct bootmem_layout *bootmem_layout(void);

/*
 * bootmem_print_e820 - print the firmware map, the map after memmap=
 * options (if any), the cleaned map, and what the 4 GiB clip dropped:
 * the same lines as at boot.  Context: process (the `e820` command).
 * Returns: nothing.
 */
void bootmem_print_e820(void);

#endif /* KERNEL_BOOTMEM_H */
