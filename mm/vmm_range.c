/*
 * Range operations on page tables: copy a user range into another space
 * (fork) and unmap a range (munmap, exit), each table walked once.
 *
 * Design.  Where vmm_map() and friends in mm/vmm.c edit one entry per
 * call, taking the lock and walking from the directory each time, these
 * work table by table: a range is cut at directory-entry bounds
 * (pde_stop()) and each piece is done under one table, all under one lock
 * hold.  Both check the whole range first (bounds, 4 MiB entries, and for
 * a copy an empty destination), so a refusal changes nothing; only a copy
 * that runs out of memory for a table stops part way.  The owner of the
 * frames (mm/mmap.c) gets a callback per frame, to take or drop its
 * reference; this file, like mm/vmm.c, does not know who owns a frame.
 * vmm_copy_range() works on the user half only; vmm_unmap_range() also
 * takes a kernel-half range.
 * TLB policy: nothing to flush in a space that is not loaded; in the
 * loaded one, user-half entries are flushed page by page up to
 * VMM_FLUSH_PAGES per batch and with one full flush (a CR3 reload, which
 * drops every non-global entry) beyond that; kernel-half entries are
 * global, so always page by page.  Frames go to the caller's callback
 * only after their entries are cleared and flushed, in batches of
 * VMM_BATCH.  A copy only takes the write right away from source entries
 * (VMM_COPY_COW), so its frames go to the callback at once; the source
 * is flushed page by page for its first VMM_FLUSH_PAGES such entries and
 * with one full flush at the end beyond that.
 *
 * Locking: vmm_lock (mm/vmm.c, IRQs off) is held from the checks to the
 * last entry, callbacks included: they may drop references and free
 * frames but must not edit page tables.  Destination tables are allocated
 * under it, as in mm/vmm.c.  Callable in any context; nothing sleeps.
 */
#include "mm/buddy.h"
#include "mm/vmm.h"
#include "vmm_internal.h"

#define VMM_BATCH	32
#define VMM_FLUSH_PAGES	16

struct vmm_batch {
	pfn_t pd;
	bool live;			/* pd is loaded: entries may be cached */
	unsigned int n;
	uintptr_t va[VMM_BATCH];
	pfn_t pfn[VMM_BATCH];
	void (*fn)(void *arg, pfn_t pfn);
	void *arg;
};

/* The same entries on the other CPUs: their span, or all of a space. */
static void batch_shootdown_locked(const struct vmm_batch *b)
{
	uintptr_t first = b->va[0];
	unsigned int span = (unsigned int)((b->va[b->n - 1] - first) >>
					   PAGE_SHIFT) + 1;

	if (vmm_kernel_va(first))
		arch_tlb_shootdown(PFN_NONE, first, span);
	else
		arch_tlb_shootdown(b->pd, first,
				   span > VMM_FLUSH_PAGES ? 0 : span);
}

/* Flush the batch's entries, then hand their frames to the callback. */
static void batch_flush_locked(struct vmm_batch *b)
{
	unsigned int i;

	if (b->live && !vmm_kernel_va(b->va[0]) && b->n > VMM_FLUSH_PAGES)
		arch_tlb_flush_all();
	else if (b->live || vmm_kernel_va(b->va[0]))
		for (i = 0; i < b->n; i++)
			arch_tlb_flush_page(b->va[i]);
	batch_shootdown_locked(b);
	for (i = 0; b->fn && i < b->n; i++)
		b->fn(b->arg, b->pfn[i]);
	b->n = 0;
}

/*
 * Refuse a range that is unaligned, empty, crosses PAGE_OFFSET or reaches
 * the page-table window (@user_only: any of the kernel half).
 */
static int range_args(pfn_t pd, uintptr_t start, uintptr_t end,
		      bool user_only, const void *caller)
{
	bool ok = vmm_pd_valid(pd) && IS_ALIGNED(start, PAGE_SIZE) &&
		  IS_ALIGNED(end, PAGE_SIZE) && start < end &&
		  end <= PGTABLE_WINDOW &&
		  (end <= PAGE_OFFSET || (!user_only && start >= PAGE_OFFSET));

	if (ok)
		return 0;
	printk("vmm: bad range 0x%08x-0x%08x in page directory pfn 0x%x (caller %pS)\n",
	       (unsigned int)start, (unsigned int)end, pd, caller);
	return -EINVAL;
}

/* The end of the part of [@va, @end) that one directory entry covers. */
static uintptr_t pde_stop(uintptr_t va, uintptr_t end)
{
	uintptr_t next = ALIGN_DOWN(va, ARCH_LARGE_PAGE_SIZE) +
			 ARCH_LARGE_PAGE_SIZE;

	return next > end || next == 0 ? end : next;
}

/*
 * Before any change: -EBUSY if a 4 MiB entry covers part of the range in
 * @pd; with @want_empty, -EEXIST if a page of it is mapped.
 */
static int range_precheck_locked(pfn_t pd, uintptr_t start, uintptr_t end,
				 bool want_empty)
{
	const arch_pte_t *dir = vmm_pd_entries(pd);
	uintptr_t va, stop;
	unsigned int i, lo, hi;

	for (va = start; va < end; va = stop) {
		arch_pte_t pde = dir[arch_pdx(va)];
		const arch_pte_t *pt;

		stop = pde_stop(va, end);
		if (arch_pde_large(pde))
			return -EBUSY;
		if (!want_empty || !arch_pte_present(pde))
			continue;
		pt = vmm_pt_entries(pd, arch_pdx(va), pde);
		lo = arch_ptx(va);
		hi = lo + (unsigned int)((stop - va) >> PAGE_SHIFT);
		for (i = lo; i < hi; i++)
			if (arch_pte_present(pt[i]))
				return -EEXIST;
	}
	return 0;
}

/* Clear the present entries of [va, stop) (one table) into the batch. */
static void unmap_table_locked(struct vmm_batch *b, uintptr_t va,
			       uintptr_t stop)
{
	arch_pte_t pde = vmm_pd_entries(b->pd)[arch_pdx(va)];
	arch_pte_t *pt;
	uint32_t *count;
	pfn_t table;
	unsigned int i, lo = arch_ptx(va);
	unsigned int hi = lo + (unsigned int)((stop - va) >> PAGE_SHIFT);

	if (!arch_pte_present(pde))
		return;
	table = arch_pte_pfn(pde);
	count = vmm_pt_count(table);
	pt = vmm_pt_entries(b->pd, arch_pdx(va), pde);
	for (i = lo; i < hi && *count; i++) {
		if (!arch_pte_present(pt[i]))
			continue;
		b->va[b->n] = va + (uintptr_t)(i - lo) * PAGE_SIZE;
		b->pfn[b->n++] = arch_pte_pfn(pt[i]);
		pt[i] = 0;
		(*count)--;
		vmm_stat.unmaps++;
		if (b->n == VMM_BATCH)
			batch_flush_locked(b);
	}
	if (b->n)
		batch_flush_locked(b);
	vmm_pgtable_put_locked(b->pd, va, table);
}

int vmm_unmap_range(pfn_t pd, uintptr_t start, uintptr_t end,
		    void (*fn)(void *arg, pfn_t pfn), void *arg)
{
	struct vmm_batch b = { .pd = pd, .fn = fn, .arg = arg };
	unsigned long flags;
	uintptr_t va, stop;
	int err = range_args(pd, start, end, false, MM_CALLER());

	if (err)
		return err;
	flags = mm_lock_irqsave(&vmm_lock);
	b.live = pd == arch_mmu_current();
	err = range_precheck_locked(pd, start, end, false);
	for (va = start; !err && va < end; va = stop) {
		stop = pde_stop(va, end);
		unmap_table_locked(&b, va, stop);
	}
	mm_unlock_irqrestore(&vmm_lock, flags);
	return err;
}

struct vmm_copy {
	pfn_t dst, src;
	bool cow, src_live;
	unsigned int flushes;		/* source pages flushed one by one */
	bool flush_all;			/* ... and beyond that, a full flush */
	bool downgraded;		/* a source entry lost its write right */
	void (*fn)(void *arg, pfn_t pfn);
	void *arg;
};

/* The source entry at @va lost its write right: flush it if cached. */
static void copy_flush_locked(struct vmm_copy *c, uintptr_t va)
{
	c->downgraded = true;
	if (!c->src_live)
		return;
	if (c->flushes < VMM_FLUSH_PAGES) {
		arch_tlb_flush_page(va);
		c->flushes++;
	} else {
		c->flush_all = true;
	}
}

/* The destination table for @va, created if needed; NULL: no memory. */
static arch_pte_t *copy_dst_table_locked(struct vmm_copy *c, uintptr_t va,
					 pfn_t *table)
{
	arch_pte_t *pde = &vmm_pd_entries(c->dst)[arch_pdx(va)];

	if (!arch_pte_present(*pde)) {
		pfn_t t = vmm_pgtable_alloc();

		if (t == PFN_NONE)
			return NULL;
		*pde = arch_pde_make_table(t, true);
	}
	*table = arch_pte_pfn(*pde);
	return vmm_pt_entries(c->dst, arch_pdx(va), *pde);
}

/* Copy the present entries of [va, stop), all under one source table. */
static int copy_table_locked(struct vmm_copy *c, uintptr_t va, uintptr_t stop)
{
	arch_pte_t spde = vmm_pd_entries(c->src)[arch_pdx(va)];
	arch_pte_t *spt, *dpt = NULL;
	pfn_t table = PFN_NONE;
	unsigned int i, lo = arch_ptx(va);
	unsigned int hi = lo + (unsigned int)((stop - va) >> PAGE_SHIFT);

	if (!arch_pte_present(spde))
		return 0;
	spt = vmm_pt_entries(c->src, arch_pdx(va), spde);
	for (i = lo; i < hi; i++) {
		arch_pte_t e = spt[i];
		unsigned int prot = arch_pte_prot(e);

		if (!arch_pte_present(e))
			continue;
		if (!dpt && !(dpt = copy_dst_table_locked(c, va, &table)))
			return -ENOMEM;
		if (c->cow && (prot & MMU_WRITE)) {
			prot &= ~MMU_WRITE;
			spt[i] = arch_pte_modify(e, prot);
			copy_flush_locked(c, va + (uintptr_t)(i - lo) * PAGE_SIZE);
			vmm_stat.protects++;
		}
		dpt[i] = arch_pte_make(arch_pte_pfn(e), prot);
		(*vmm_pt_count(table))++;
		vmm_stat.maps++;
		if (c->fn)
			c->fn(c->arg, arch_pte_pfn(e));
	}
	return 0;
}

int vmm_copy_range(pfn_t dst_pd, pfn_t src_pd, uintptr_t start,
		   uintptr_t end, unsigned int flags,
		   void (*fn)(void *arg, pfn_t pfn), void *arg)
{
	struct vmm_copy c = { .dst = dst_pd, .src = src_pd,
			      .cow = flags & VMM_COPY_COW, .fn = fn, .arg = arg };
	unsigned long irq;
	uintptr_t va, stop;
	int err = range_args(src_pd, start, end, true, MM_CALLER());

	if (err)
		return err;
	if (dst_pd == src_pd || !vmm_pd_valid(dst_pd) ||
	    (flags & ~VMM_COPY_COW)) {
		printk("vmm: refused copy of 0x%08x-0x%08x from page directory pfn 0x%x to pfn 0x%x, flags 0x%x (caller %pS)\n",
		       (unsigned int)start, (unsigned int)end, src_pd, dst_pd,
		       flags, MM_CALLER());
		return -EINVAL;
	}
	irq = mm_lock_irqsave(&vmm_lock);
	c.src_live = src_pd == arch_mmu_current();
	err = range_precheck_locked(src_pd, start, end, false);
	if (!err)
		err = range_precheck_locked(dst_pd, start, end, true);
	for (va = start; !err && va < end; va = stop) {
		stop = pde_stop(va, end);
		err = copy_table_locked(&c, va, stop);
	}
	if (c.flush_all)
		arch_tlb_flush_all();
	if (c.downgraded)
		arch_tlb_shootdown(src_pd, 0, 0);
	mm_unlock_irqrestore(&vmm_lock, irq);
	return err;
}

/* --- kernel ranges backed by fresh frames (vmalloc, kernel stacks) ---- */

uint32_t vmm_kernel_unback(uintptr_t va, uint32_t nr, uint32_t flag,
			   const char *who)
{
	uint32_t i, high = 0;

	for (i = 0; i < nr; i++) {
		struct page *page;
		pfn_t pfn;

		if (vmm_unmap(vmm_kernel_pd, va + i * PAGE_SIZE, &pfn))
			panic("%s: 0x%08x page %u is not mapped", who,
			      (unsigned int)va, i);
		page = pfn_to_page(pfn);
		high += page_zonenum(page) == ZONE_HIGHMEM;
		page_clear(page, flag);
		__free_pages(page, 0);
	}
	return high;
}

int vmm_kernel_back(uintptr_t va, uint32_t nr, gfp_t gfp, uint32_t flag,
		    uint32_t *high)
{
	uint32_t i;

	*high = 0;
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_page(gfp | __GFP_NOWARN);

		if (page && vmm_map(vmm_kernel_pd, va + i * PAGE_SIZE,
				    page_to_pfn(page), MMU_WRITE) != 0) {
			__free_pages(page, 0);
			page = NULL;
		}
		if (!page) {
			vmm_kernel_unback(va, i, flag, "vmm_kernel_back");
			return -ENOMEM;
		}
		page_set(page, flag);
		*high += page_zonenum(page) == ZONE_HIGHMEM;
	}
	return 0;
}
