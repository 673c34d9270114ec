/*
 * Early paging: the direct map of all low memory, made at boot.
 *
 * boot.asm maps only physical 0-4 MiB at PAGE_OFFSET (directory entry 768,
 * one page table).  Before the page descriptors can be placed and the
 * zones filled, the rest of low memory (below min(top of RAM, 896 MiB))
 * must be reachable too.  This file adds one 4 KiB-page table per further
 * 4 MiB, writes its entry into boot_page_directory and reloads CR3 (a 386
 * has no invlpg, and the new entries were not present anyway).
 *
 * The tables come from memblock below 4 MiB, because that is all that is
 * mapped while they are being filled; 896 MiB needs 223 tables, 892 KiB.
 * They are deliberately simple and provisional: no large pages, no global
 * bit, supervisor read-write everywhere.  The VMM builds the kernel's
 * final tables, replaces these and gives their frames to the buddy
 * allocator (kernel/vmm_boot.c); memblock's record keeps them by name,
 * "early page tables", for `memmap`.
 *
 * Locking: none; early boot, one CPU, interrupts off.
 */
#include "early_paging.h"
#include "pgtable.h"
#include "mm/arch.h"
#include "mm/memblock.h"

#define PT_SPAN		((phys_addr_t)ARCH_LARGE_PAGE_SIZE)	/* 4 MiB per table */

static phys_addr_t mapped_end = EARLY_MAPPED_BOOT;
static unsigned int nr_tables;

static void reload_cr3(void)
{
	uint32_t cr3;

	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/* Fill one new table mapping physical [base, MIN(base + 4 MiB, end)). */
static int map_chunk(phys_addr_t base, phys_addr_t end)
{
	phys_addr_t pt = memblock_alloc(PAGE_SIZE, PAGE_SIZE, EARLY_MAPPED_BOOT,
					"early page tables");
	uint32_t *pte;
	unsigned int i;

	if (!pt)
		return -ENOMEM;
	pte = (uint32_t *)(uintptr_t)(pt + PAGE_OFFSET);
	for (i = 0; i < ARCH_PT_ENTRIES; i++) {
		phys_addr_t pa = base + (phys_addr_t)i * PAGE_SIZE;

		pte[i] = pa < end ? (uint32_t)pa | X86_PTE_P | X86_PTE_W : 0;
	}
	boot_page_directory[arch_pdx(PAGE_OFFSET + (uintptr_t)base)] =
		(uint32_t)pt | X86_PTE_P | X86_PTE_W;
	nr_tables++;
	return 0;
}

int early_paging_map_lowmem(phys_addr_t end)
{
	phys_addr_t base;
	int err = 0;

	end = MIN(ALIGN_UP(end, (phys_addr_t)PAGE_SIZE), (phys_addr_t)LOWMEM_LIMIT);
	for (base = ALIGN_UP(mapped_end, PT_SPAN); base < end; base += PT_SPAN) {
		err = map_chunk(base, end);
		if (err) {
			printk("early paging: no frame below 4 MiB for the table of 0x%llx; direct map ends there\n",
			       (unsigned long long)base);
			end = base;
			break;
		}
	}
	reload_cr3();
	if (end > mapped_end)
		mapped_end = end;
	return err;
}

phys_addr_t early_paging_mapped_end(void)
{
	return mapped_end;
}

unsigned int early_paging_nr_tables(void)
{
	return nr_tables;
}
