/*
 * What mm/vmm.c and mm/vmm_range.c share and nobody else sees: the lock
 * and counters of the page tables, the accessors of directories and
 * tables, and the allocation and release of user-half tables.
 */
#ifndef MM_VMM_INTERNAL_H
#define MM_VMM_INTERNAL_H

#include "mm/page.h"
#include "mm/vmm.h"

/* Guards every entry of every table and vmm_stat (IRQs off). */
extern mm_lock_t vmm_lock;
extern struct vmm_stats vmm_stat;

static inline bool vmm_kernel_va(uintptr_t va)
{
	return va >= PAGE_OFFSET;
}

/*
 * The kmap window: each CPU maps and unmaps only its own slots
 * (mm/highmem.c), so an entry there is never cached by another CPU.
 */
static inline bool vmm_cpu_local_va(uintptr_t va)
{
	return va >= KMAP_BASE && va - KMAP_BASE < KMAP_SLOTS * PAGE_SIZE;
}

/* The present-entry count of a table lives in its descriptor. */
static inline uint32_t *vmm_pt_count(pfn_t table)
{
	return &pfn_to_page(table)->owner;
}

static inline arch_pte_t *vmm_pd_entries(pfn_t pd)
{
	return arch_pgtable_virt(pd, ARCH_PD_SELF, pd);
}

static inline arch_pte_t *vmm_pt_entries(pfn_t pd, unsigned int pdx,
					 arch_pte_t pde)
{
	return arch_pgtable_virt(pd, pdx, arch_pte_pfn(pde));
}

/* Whether @pd is a page directory (or table): a PG_pgtable frame. */
static inline bool vmm_pd_valid(pfn_t pd)
{
	return pfn_valid(pd) && page_test(pfn_to_page(pd), PG_pgtable);
}

/*
 * vmm_pgtable_alloc - a zeroed frame marked PG_pgtable, its count 0.
 * Context: vmm_lock held, or early boot.  Returns: the frame, or PFN_NONE.
 */
pfn_t vmm_pgtable_alloc(void);

/*
 * vmm_pgtable_put_locked - free the user-half table @table behind @va of
 * @pd if its last entry just went, flushing what the live space caches.
 * Context: vmm_lock held.  Returns: nothing.
 */
void vmm_pgtable_put_locked(pfn_t pd, uintptr_t va, pfn_t table);

#endif /* MM_VMM_INTERNAL_H */
