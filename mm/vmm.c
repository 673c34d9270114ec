/*
 * The virtual memory manager: two-level page tables built from buddy
 * frames, and the one-entry edits of them.
 *
 * Design.  An address space is the frame of its page directory.  Every
 * directory and table is an order-0 GFP_KERNEL frame marked PG_pgtable
 * whose descriptor's owner word counts the table's present entries, so an
 * emptied user-half table is found and freed in O(1).  Tables are edited
 * through arch_pgtable_virt(): on i386 the page-table window when the
 * directory is live (the directory maps itself at 0xFFC00000), the direct
 * map otherwise; on the host the arena.  The kernel half is built once by
 * vmm_kernel_init(): the direct map (4 KiB pages, 4 MiB ones where PSE
 * allows and a whole 4 MiB is RAM), a table for every directory entry of
 * the vmalloc area and the kmap window, and the self-map.  Every later
 * directory copies those entries, so kernel mappings made afterwards are
 * seen by all spaces at once and nothing is synchronised.  This file does
 * not know who owns a mapped frame: callers (vmalloc, kmap, processes) do.
 * It edits one entry per call (vmm_map(), vmm_unmap(), vmm_protect());
 * the operations on a whole user range for fork, munmap and exit, with
 * their batching and TLB policy, are in mm/vmm_range.c.  What the two
 * files share is in mm/vmm_internal.h.
 *
 * Invariants (vmm_check()):
 *  V1. Every present 4 KiB-table directory entry points to a frame marked
 *      PG_pgtable, and so does the directory itself.
 *  V2. A table's descriptor counts exactly its present entries.
 *  V3. No user-half table is empty (it would have been freed).
 *  V4. The directory's entry ARCH_PD_SELF maps the directory itself (the
 *      page-table window), kernel-only.
 *  V5. Kernel-half entries equal those of vmm_kernel_pd.
 *
 * Locking: vmm_lock (IRQs off) guards every entry of every table and the
 * counters.  Page tables are allocated and freed under it (the buddy
 * allocator takes only its zone locks, and page tables never come from
 * HIGHMEM, so no zeroing hook runs).  Reads (vmm_lookup(),
 * vmm_translate()) take no lock: they return a snapshot.
 */
#include "mm/buddy.h"
#include "mm/vmm.h"
#include "vmm_internal.h"

pfn_t vmm_kernel_pd = PFN_NONE;
static unsigned int kernel_global;	/* MMU_GLOBAL or 0, for the kernel half */

mm_lock_t vmm_lock = MM_LOCK_INIT(MM_LOCK_VMM);
struct vmm_stats vmm_stat;

#define KERNEL_PDX	(PAGE_OFFSET >> ARCH_PDE_SHIFT)

/*
 * Every caller handles a failure: a user fault kills its process, fork
 * and exec return -ENOMEM, boot panics with its reason.  So a failure
 * prints nothing here (__GFP_NOWARN): under memory pressure the user
 * paths would print a line per failing fault.
 */
pfn_t vmm_pgtable_alloc(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);

	if (!page)
		return PFN_NONE;
	page_set(page, PG_pgtable);
	page->owner = 0;
	vmm_stat.pgtables++;
	return page_to_pfn(page);
}

static void pgtable_free(pfn_t table)
{
	struct page *page = pfn_to_page(table);

	page_clear(page, PG_pgtable);
	vmm_stat.pgtables--;
	__free_pages(page, 0);
}

/*
 * The entry at @va lost rights or went: flush it here if it can be cached
 * (kernel half, or the live space) and on every other CPU that may cache
 * it, but for a kmap slot, which only its own CPU ever touches.
 */
static void vmm_flush(pfn_t pd, uintptr_t va)
{
	if (vmm_kernel_va(va) || pd == arch_mmu_current())
		arch_tlb_flush_page(va);
	if (!vmm_cpu_local_va(va))
		arch_tlb_shootdown(vmm_kernel_va(va) ? PFN_NONE : pd, va, 1);
}

/* Common argument checks of map/unmap/protect. */
static int vmm_check_args(pfn_t pd, uintptr_t va)
{
	if (!vmm_pd_valid(pd) || !IS_ALIGNED(va, PAGE_SIZE))
		return -EINVAL;
	if (arch_pdx(va) == ARCH_PD_SELF)
		return -EINVAL;
	return 0;
}

/*
 * The table entry for @va, or NULL with *err set.  With @alloc, a missing
 * user-half table is created (kernel-half tables all exist from boot).
 */
static arch_pte_t *pte_lookup_locked(pfn_t pd, uintptr_t va, bool alloc,
				     pfn_t *table, int *err)
{
	arch_pte_t *pde = &vmm_pd_entries(pd)[arch_pdx(va)];

	MM_ASSERT(mm_lock_held(&vmm_lock));
	if (arch_pde_large(*pde)) {
		*err = -EBUSY;
		return NULL;
	}
	if (!arch_pte_present(*pde)) {
		pfn_t t;

		*err = vmm_kernel_va(va) ? -EINVAL : -ENOENT;
		if (!alloc || vmm_kernel_va(va))
			return NULL;
		t = vmm_pgtable_alloc();
		if (t == PFN_NONE) {
			*err = -ENOMEM;
			return NULL;
		}
		*pde = arch_pde_make_table(t, true);
	}
	*table = arch_pte_pfn(*pde);
	return &vmm_pt_entries(pd, arch_pdx(va), *pde)[arch_ptx(va)];
}

/* Free the user-half table behind @va if its last entry just went. */
void vmm_pgtable_put_locked(pfn_t pd, uintptr_t va, pfn_t table)
{
	unsigned int pdx = arch_pdx(va);

	if (vmm_kernel_va(va) || *vmm_pt_count(table) != 0)
		return;
	vmm_pd_entries(pd)[pdx] = 0;
	if (pd == arch_mmu_current()) {
		/* the table's page in the window, and cached upper levels */
		arch_tlb_flush_page(PGTABLE_WINDOW + pdx * PAGE_SIZE);
		arch_tlb_flush_page(va);
	}
	arch_tlb_shootdown(pd, 0, 0);	/* elsewhere: all of it, rare */
	pgtable_free(table);
	vmm_stat.tables_freed++;
}

enum vmm_op { VMM_MAP, VMM_UNMAP, VMM_PROTECT };

struct vmm_edit_args {
	enum vmm_op op;
	pfn_t pfn;		/* VMM_MAP */
	unsigned int prot;	/* VMM_MAP, VMM_PROTECT */
	pfn_t *old;		/* VMM_UNMAP, may be NULL */
};

/* Change one entry, present for unmap/protect, absent for map. */
static void vmm_apply_locked(pfn_t pd, uintptr_t va, arch_pte_t *pte,
			     pfn_t table, const struct vmm_edit_args *e)
{
	switch (e->op) {
	case VMM_MAP:
		*pte = arch_pte_make(e->pfn, e->prot |
				     (vmm_kernel_va(va) ? kernel_global : 0));
		(*vmm_pt_count(table))++;
		vmm_stat.maps++;
		break;
	case VMM_PROTECT: {
		unsigned int lost = arch_pte_prot(*pte) & ~e->prot;

		*pte = arch_pte_modify(*pte, e->prot);
		if (lost & (MMU_WRITE | MMU_USER))
			vmm_flush(pd, va);
		else if (vmm_kernel_va(va) || pd == arch_mmu_current())
			arch_tlb_flush_page(va);	/* rights only grew */
		vmm_stat.protects++;
		break;
	}
	case VMM_UNMAP:
		if (e->old)
			*e->old = arch_pte_pfn(*pte);
		*pte = 0;
		(*vmm_pt_count(table))--;
		vmm_flush(pd, va);
		vmm_pgtable_put_locked(pd, va, table);
		vmm_stat.unmaps++;
		break;
	}
}

/* One entry edit: the argument checks, the lock and the walk are shared. */
static int vmm_edit(pfn_t pd, uintptr_t va, const struct vmm_edit_args *e)
{
	unsigned long flags;
	arch_pte_t *pte;
	pfn_t table;
	int err = vmm_check_args(pd, va);

	if (err)
		return err;
	flags = mm_lock_irqsave(&vmm_lock);
	pte = pte_lookup_locked(pd, va, e->op == VMM_MAP, &table, &err);
	if (pte && arch_pte_present(*pte) == (e->op == VMM_MAP))
		err = e->op == VMM_MAP ? -EEXIST : -ENOENT;
	else if (pte) {
		vmm_apply_locked(pd, va, pte, table, e);
		err = 0;
	}
	mm_unlock_irqrestore(&vmm_lock, flags);
	return err;
}

int vmm_map(pfn_t pd, uintptr_t va, pfn_t pfn, unsigned int prot)
{
	const struct vmm_edit_args e = { VMM_MAP, pfn, prot, NULL };

	return vmm_edit(pd, va, &e);
}

int vmm_unmap(pfn_t pd, uintptr_t va, pfn_t *old)
{
	const struct vmm_edit_args e = { VMM_UNMAP, 0, 0, old };

	return vmm_edit(pd, va, &e);
}

int vmm_protect(pfn_t pd, uintptr_t va, unsigned int prot)
{
	const struct vmm_edit_args e = { VMM_PROTECT, 0, prot, NULL };

	return vmm_edit(pd, va, &e);
}

int vmm_lookup(pfn_t pd, uintptr_t va, arch_pte_t *pde, arch_pte_t *pte)
{
	unsigned int pdx = arch_pdx(va);
	arch_pte_t d;

	*pde = 0;
	*pte = 0;
	if (!vmm_pd_valid(pd))
		return -EINVAL;
	d = vmm_pd_entries(pd)[pdx];
	*pde = d;
	if (!arch_pte_present(d))
		return -ENOENT;
	if (!arch_pde_large(d))
		*pte = vmm_pt_entries(pd, pdx, d)[arch_ptx(va)];
	return 0;
}

int vmm_translate(pfn_t pd, uintptr_t va, pfn_t *pfn, unsigned int *prot)
{
	arch_pte_t pde, pte;
	arch_pte_t leaf;
	pfn_t frame;

	if (vmm_lookup(pd, va, &pde, &pte) != 0)
		return -ENOENT;
	leaf = arch_pde_large(pde) ? pde : pte;
	if (!arch_pte_present(leaf))
		return -ENOENT;
	frame = arch_pte_pfn(leaf);
	if (arch_pde_large(pde))
		frame += arch_ptx(va);
	if (pfn)
		*pfn = frame;
	if (prot)
		*prot = arch_pte_prot(leaf);
	return 0;
}

void vmm_switch(pfn_t pd)
{
	arch_mmu_switch(pd);
}

pfn_t vmm_pgdir_create(void)
{
	unsigned long flags;
	arch_pte_t *dst, *src;
	pfn_t pd = PFN_NONE;

	flags = mm_lock_irqsave(&vmm_lock);
	if (vmm_kernel_pd != PFN_NONE)
		pd = vmm_pgtable_alloc();
	if (pd != PFN_NONE) {
		dst = vmm_pd_entries(pd);
		src = vmm_pd_entries(vmm_kernel_pd);
		memcpy(&dst[KERNEL_PDX], &src[KERNEL_PDX],
		       (ARCH_PD_SELF - KERNEL_PDX) * sizeof(arch_pte_t));
		dst[ARCH_PD_SELF] = arch_pde_make_table(pd, false);
	}
	mm_unlock_irqrestore(&vmm_lock, flags);
	return pd;
}

/* Free the user-half tables of @pd, dropping (and counting) what they map. */
static unsigned int pgdir_free_user_locked(pfn_t pd)
{
	arch_pte_t *dir = vmm_pd_entries(pd);
	unsigned int pdx, left = 0;

	for (pdx = 0; pdx < KERNEL_PDX; pdx++) {
		if (!arch_pte_present(dir[pdx]))
			continue;
		left += *vmm_pt_count(arch_pte_pfn(dir[pdx]));
		pgtable_free(arch_pte_pfn(dir[pdx]));
		dir[pdx] = 0;
	}
	return left;
}

int vmm_pgdir_destroy(pfn_t pd)
{
	unsigned long flags;
	unsigned int left;

	if (!vmm_pd_valid(pd) || pd == vmm_kernel_pd ||
	    pd == arch_mmu_current()) {
		printk("vmm: refused to destroy page directory pfn 0x%x (caller %pS)\n",
		       pd, MM_CALLER());
		return -EINVAL;
	}
	flags = mm_lock_irqsave(&vmm_lock);
	arch_tlb_shootdown(pd, 0, 0);	/* lazy holders load another */
	left = pgdir_free_user_locked(pd);
	pgtable_free(pd);
	mm_unlock_irqrestore(&vmm_lock, flags);
	if (left)
		printk("vmm: page directory pfn 0x%x destroyed with %u pages still mapped\n",
		       pd, left);
	return 0;
}

void vmm_stats(struct vmm_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&vmm_lock);

	*st = vmm_stat;
	mm_unlock_irqrestore(&vmm_lock, flags);
}

int vmm_fault(pfn_t pd, const struct vmm_fault *f)
{
	(void)pd;
	(void)f;
	/*
	 * Nothing in the kernel half is mapped lazily, so a kernel-half
	 * fault is always a bug; the user half belongs to the process layer.
	 */
	return -EFAULT;
}

const char *vmm_fault_reason(const struct vmm_fault *f)
{
	if (f->rsvd)
		return "reserved bit set";
	if (!f->present)
		return f->fetch ? "not-present fetch" :
		       f->write ? "not-present write" : "not-present read";
	if (f->write)
		return "write to read-only";
	if (f->fetch)
		return "fetch from protected page";
	return f->user ? "user read of kernel page" : "read of protected page";
}

/* --- the kernel directory ------------------------------------------------ */

static bool boot_is_ram(const struct vmm_boot_layout *l, pfn_t pfn)
{
	unsigned int i;

	for (i = 0; i < l->nr_ram; i++)
		if (pfn >= l->ram[i].start && pfn < l->ram[i].end)
			return true;
	return false;
}

/* Rights of direct-map frame @pfn, or -1 if it stays unmapped. */
static int boot_prot(const struct vmm_boot_layout *l, pfn_t pfn)
{
	bool ram = boot_is_ram(l, pfn);

	if (pfn == 0 || pfn >= l->lowmem_end)
		return -1;
	if (pfn < l->isa_end)
		return kernel_global | MMU_WRITE | (ram ? 0 : MMU_NOCACHE);
	if (!ram)
		return -1;
	if (pfn >= l->ro_start && pfn < l->ro_end)
		return kernel_global;
	return kernel_global | MMU_WRITE;
}

/* A whole 4 MiB of writable RAM above the ISA area takes one large entry. */
static bool boot_large_ok(const struct vmm_boot_layout *l, pfn_t first)
{
	pfn_t end = first + ARCH_LARGE_PAGE_PFNS;
	pfn_t pfn;

	if (!l->use_pse || first < l->isa_end || end > l->lowmem_end ||
	    (first < l->ro_end && end > l->ro_start))
		return false;
	for (pfn = first; pfn < end; pfn++)
		if (!boot_is_ram(l, pfn))
			return false;
	return true;
}

static int boot_map_chunk(const struct vmm_boot_layout *l, arch_pte_t *dir,
			  unsigned int pdx)
{
	pfn_t first = (pfn_t)(pdx - KERNEL_PDX) * ARCH_LARGE_PAGE_PFNS;
	arch_pte_t *pt = NULL;
	pfn_t table = PFN_NONE;
	unsigned int i;

	if (boot_large_ok(l, first)) {
		dir[pdx] = arch_pde_make_large(first, MMU_WRITE | kernel_global);
		vmm_stat.large_pages++;
		return 0;
	}
	for (i = 0; i < ARCH_PT_ENTRIES; i++) {
		int prot = boot_prot(l, first + i);

		if (prot < 0)
			continue;
		if (!pt) {
			table = vmm_pgtable_alloc();
			if (table == PFN_NONE)
				return -ENOMEM;
			dir[pdx] = arch_pde_make_table(table, false);
			pt = vmm_pt_entries(vmm_kernel_pd, pdx, dir[pdx]);
		}
		pt[i] = arch_pte_make(first + i, (unsigned int)prot);
		(*vmm_pt_count(table))++;
		vmm_stat.direct_pages++;
	}
	return 0;
}

/*
 * Empty tables for the areas mapped later: kernel stacks, vmalloc and the
 * kmap window.
 */
static int boot_alloc_area_tables(arch_pte_t *dir)
{
	unsigned int pdx;

	for (pdx = arch_pdx(KSTACK_AREA_START); pdx < ARCH_PD_SELF; pdx++) {
		pfn_t table = vmm_pgtable_alloc();

		if (table == PFN_NONE)
			return -ENOMEM;
		dir[pdx] = arch_pde_make_table(table, false);
	}
	return 0;
}

/* Free every table of the kernel directory, then the directory. */
static void kernel_pd_free(void)
{
	arch_pte_t *dir = vmm_pd_entries(vmm_kernel_pd);
	unsigned int pdx;

	for (pdx = 0; pdx < ARCH_PD_SELF; pdx++)
		if (arch_pte_present(dir[pdx]) && !arch_pde_large(dir[pdx]))
			pgtable_free(arch_pte_pfn(dir[pdx]));
	pgtable_free(vmm_kernel_pd);
	vmm_kernel_pd = PFN_NONE;
}

int vmm_kernel_init(const struct vmm_boot_layout *l)
{
	unsigned int pdx, last = KERNEL_PDX + (MIN(l->lowmem_end, LOWMEM_PFN) +
				  ARCH_LARGE_PAGE_PFNS - 1) / ARCH_LARGE_PAGE_PFNS;
	arch_pte_t *dir;
	int err = 0;

	if (vmm_kernel_pd != PFN_NONE)
		return -EBUSY;
	kernel_global = l->use_global ? MMU_GLOBAL : 0;
	vmm_kernel_pd = vmm_pgtable_alloc();
	if (vmm_kernel_pd == PFN_NONE)
		return -ENOMEM;
	dir = vmm_pd_entries(vmm_kernel_pd);
	dir[ARCH_PD_SELF] = arch_pde_make_table(vmm_kernel_pd, false);
	for (pdx = KERNEL_PDX; pdx < last && !err; pdx++)
		err = boot_map_chunk(l, dir, pdx);
	if (!err)
		err = boot_alloc_area_tables(dir);
	if (err) {
		kernel_pd_free();
		memset(&vmm_stat, 0, sizeof(vmm_stat));
		return err;
	}
	vmm_stat.kernel_pgtables = vmm_stat.pgtables;
	return 0;
}

void vmm_reset(void)
{
	if (vmm_kernel_pd != PFN_NONE)
		kernel_pd_free();
	kernel_global = 0;
	memset(&vmm_stat, 0, sizeof(vmm_stat));
}

/* --- invariants --------------------------------------------------------- */

static unsigned int check_table(pfn_t pd, unsigned int pdx, arch_pte_t pde)
{
	pfn_t table = arch_pte_pfn(pde);
	const arch_pte_t *pt;
	unsigned int i, n = 0, bad = 0;

	if (!pfn_valid(table) || !page_test(pfn_to_page(table), PG_pgtable)) {
		printk("vmm_check: V1 pd 0x%x entry %u: table pfn 0x%x is not PG_pgtable\n",
		       pd, pdx, table);
		return 1;
	}
	pt = vmm_pt_entries(pd, pdx, pde);
	for (i = 0; i < ARCH_PT_ENTRIES; i++)
		n += arch_pte_present(pt[i]);
	if (n != *vmm_pt_count(table)) {
		printk("vmm_check: V2 pd 0x%x entry %u: table counts %u entries, holds %u\n",
		       pd, pdx, *vmm_pt_count(table), n);
		bad++;
	}
	if (n == 0 && pdx < KERNEL_PDX) {
		printk("vmm_check: V3 pd 0x%x entry %u: empty user table pfn 0x%x\n",
		       pd, pdx, table);
		bad++;
	}
	return bad;
}

static unsigned int check_dir_locked(pfn_t pd)
{
	const arch_pte_t *dir = vmm_pd_entries(pd);
	const arch_pte_t *kdir = NULL;
	unsigned int pdx, bad = 0;

	if (vmm_kernel_pd != PFN_NONE && pd != vmm_kernel_pd)
		kdir = vmm_pd_entries(vmm_kernel_pd);
	if (!arch_pte_same(dir[ARCH_PD_SELF], arch_pde_make_table(pd, false))) {
		printk("vmm_check: V4 pd 0x%x: self entry 0x%08x\n", pd,
		       dir[ARCH_PD_SELF]);
		bad++;
	}
	for (pdx = 0; pdx < ARCH_PD_SELF; pdx++) {
		if (kdir && pdx >= KERNEL_PDX &&
		    !arch_pte_same(dir[pdx], kdir[pdx])) {
			printk("vmm_check: V5 pd 0x%x entry %u: 0x%08x, kernel has 0x%08x\n",
			       pd, pdx, dir[pdx], kdir[pdx]);
			bad++;
		}
		if (arch_pte_present(dir[pdx]) && !arch_pde_large(dir[pdx]))
			bad += check_table(pd, pdx, dir[pdx]);
	}
	return bad;
}

unsigned int vmm_check(pfn_t pd)
{
	unsigned long flags;
	unsigned int bad;

	if (!vmm_pd_valid(pd)) {
		printk("vmm_check: V1 pd 0x%x is not a PG_pgtable frame\n", pd);
		return 1;
	}
	flags = mm_lock_irqsave(&vmm_lock);
	bad = check_dir_locked(pd);
	mm_unlock_irqrestore(&vmm_lock, flags);
	return bad;
}
