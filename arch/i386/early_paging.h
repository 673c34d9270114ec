/*
 * Early paging: extend the boot page directory's direct map of low memory
 * before the zones exist.  The tables are provisional: the VMM later
 * builds the kernel's final page tables, replaces these and gives their
 * frames to the buddy allocator (kernel/vmm_boot.c).
 */
#ifndef ARCH_I386_EARLY_PAGING_H
#define ARCH_I386_EARLY_PAGING_H

#include "pgtable.h"
#include "mm/types.h"

/*
 * The kernel's page directory until the VMM loads its own (boot.asm,
 * virtual address); early paging adds its tables' entries here.
 */
extern uint32_t boot_page_directory[ARCH_PT_ENTRIES];

/* What boot.asm maps at PAGE_OFFSET before early paging runs: 4 MiB. */
#define EARLY_MAPPED_BOOT	0x00400000u

/*
 * early_paging_map_lowmem - map physical [0, @end) at PAGE_OFFSET with
 * 4 KiB pages, @end rounded up to a frame and capped at LOWMEM_LIMIT.
 * Page tables come from memblock below EARLY_MAPPED_BOOT (the only memory
 * mapped before); their directory entries go into boot_page_directory,
 * then CR3 is reloaded.
 * Context: early boot, once, interrupts off, memblock ready.
 * Returns: 0, or -ENOMEM if memblock has no frame for a table (the map is
 * then extended as far as the tables allowed).
 */
int early_paging_map_lowmem(phys_addr_t end);

/*
 * early_paging_mapped_end - how far the direct map reaches now.
 * Context: any.  Returns: one past the highest physical address mapped
 * (EARLY_MAPPED_BOOT before early_paging_map_lowmem()).
 */
phys_addr_t early_paging_mapped_end(void);

/* Tables made by early_paging_map_lowmem().  Context: any.
 * Returns: their number. */
unsigned int early_paging_nr_tables(void);

#endif /* ARCH_I386_EARLY_PAGING_H */
