/*
 * User address spaces: struct mm, its regions, fork, and the system-call
 * level operations on regions (mmap, munmap, mprotect, brk).
 *
 * Design.  The regions of a space are struct vma nodes in an AVL tree
 * (mm/avl.c) keyed by start address; they never overlap, so the node
 * containing an address and the first node above it are each one
 * root-to-leaf walk, and in-order walks step with avl_next().  The
 * tree holds no page state: what is mapped is read back from the page
 * tables, skipping a whole 4 MiB at an absent directory entry, so a large
 * sparse region costs nothing to fork or destroy.  Fork, munmap and
 * destroy hand a region's whole range to vmm_copy_range() or
 * vmm_unmap_range(), which walk each table once under one lock hold and
 * call back here per frame to take or drop its reference.
 * munmap and mprotect split a region at their bounds; nothing merges
 * regions again, except brk, which moves the end of the heap in place.
 * Frames are reference counted by the buddy allocator: a shared
 * (copy-on-write) frame is mapped read-only in every space that holds it,
 * and the last put frees it.  The shared zero page is never counted.  A
 * VM_SHARED region is populated when made, so fork can share its frames
 * writable: no page of it is ever faulted in separately by one side.
 *
 * Locking: see include/mm/mm.h (none of its own; vmm_lock for the page
 * tables, the slab caches' locks for descriptors).
 */
#include "mm/buddy.h"
#include "mm/shm.h"
#include "mm/slab.h"
#include "mm/vmm.h"
#include "mm_internal.h"

static struct kmem_cache *mm_cache, *vma_cache;

/* --- the region tree ---------------------------------------------------- */

#define VMA(n)		avl_entry(n, struct vma, node)
#define VMA_OR_NULL(n)	avl_entry_safe(n, struct vma, node)

static int vma_cmp(const struct avl_node *a, const struct avl_node *b)
{
	uintptr_t sa = VMA(a)->start, sb = VMA(b)->start;

	return sa < sb ? -1 : sa > sb;
}

/* Key: an address; 0 for the region that contains it. */
static int addr_in_vma(const void *key, const struct avl_node *n)
{
	uintptr_t addr = *(const uintptr_t *)key;

	return addr < VMA(n)->start ? -1 : addr >= VMA(n)->end;
}

/* Key: an address, against the region's start only. */
static int addr_vs_start(const void *key, const struct avl_node *n)
{
	uintptr_t addr = *(const uintptr_t *)key;

	return addr < VMA(n)->start ? -1 : addr > VMA(n)->start;
}

struct vma *mm_find_vma(struct mm *mm, uintptr_t addr)
{
	struct vma *v = mm->cache;

	if (v && addr >= v->start && addr < v->end)
		return v;
	v = VMA_OR_NULL(avl_find(&mm->root, &addr, addr_in_vma));
	if (v)
		mm->cache = v;
	return v;
}

struct vma *mm_next_vma(struct mm *mm, uintptr_t addr)
{
	return VMA_OR_NULL(avl_find_gt(&mm->root, &addr, addr_vs_start));
}

struct vma *first_vma(struct mm *mm)
{
	return VMA_OR_NULL(avl_first(&mm->root));
}

struct vma *next_vma(struct vma *v)
{
	return VMA_OR_NULL(avl_next(&v->node));
}

/* The lowest region that ends above @addr. */
struct vma *vma_from(struct mm *mm, uintptr_t addr)
{
	struct vma *v = mm_find_vma(mm, addr);

	return v ? v : mm_next_vma(mm, addr);
}

struct vma *vma_alloc(void)
{
	struct vma *v = kmem_cache_zalloc(vma_cache, GFP_KERNEL | __GFP_NOWARN);

	if (v)
		mm_stat.vmas++;
	return v;
}

/* Region @v of @mm goes: a System V attach counts one less. */
static void vma_close(struct mm *mm, struct vma *v)
{
	if (v->flags & VM_SHM)
		shm_vma_close(mm, v);
}

void vma_free(struct vma *v)
{
	mm_stat.vmas--;
	kmem_cache_free(vma_cache, v);
}

static uint32_t vma_pages(const struct vma *v)
{
	return (uint32_t)((v->end - v->start) >> PAGE_SHIFT);
}

void vma_insert(struct mm *mm, struct vma *v)
{
	avl_insert(&mm->root, &v->node, vma_cmp, NULL);
	mm->nr_vmas++;
	mm_vm_grew(mm, vma_pages(v));
}

void vma_remove(struct mm *mm, struct vma *v)
{
	avl_erase(&mm->root, &v->node, NULL);
	mm->nr_vmas--;
	mm->total_vm -= vma_pages(v);
	if (mm->cache == v)
		mm->cache = NULL;
}

/* --- pages of a range --------------------------------------------------- */

/*
 * The page table that maps @va, read in place, and the end of the part of
 * [@va, @end) it covers (*@stop): one directory lookup per 4 MiB instead
 * of one per page.  Entries are only read through it; every change goes
 * through mm/vmm.c.
 * Returns: the table's entries, or NULL if no table maps @va.
 */
static const arch_pte_t *table_at(struct mm *mm, uintptr_t va,
				  uintptr_t end, uintptr_t *stop)
{
	uintptr_t next = ALIGN_DOWN(va, ARCH_LARGE_PAGE_SIZE) +
			 ARCH_LARGE_PAGE_SIZE;
	arch_pte_t pde, pte;

	*stop = MIN(next, end);
	if (vmm_lookup(mm->pd, va, &pde, &pte) != 0 || arch_pde_large(pde))
		return NULL;
	return arch_pgtable_virt(mm->pd, arch_pdx(va), arch_pte_pfn(pde));
}

static void drop_frame_cb(void *arg, pfn_t pfn)
{
	mm_drop_frame(arg, pfn);
}

/* Unmap every page of [start, end) and drop its frame. */
void unmap_pages(struct mm *mm, uintptr_t start, uintptr_t end)
{
	int err = vmm_unmap_range(mm->pd, start, end, drop_frame_cb, mm);

	MM_ASSERT(err == 0);
}

/* Rights of the entries of a region with VM_* @flags; 0: none at all. */
static unsigned int pte_rights(unsigned int flags)
{
	return (flags & VM_PROT_MASK) ? MMU_USER : 0;
}

/* Apply @flags to the present entries of [start, end): never adds write. */
static void protect_pages(struct mm *mm, uintptr_t start, uintptr_t end,
			  unsigned int flags)
{
	uintptr_t va, stop, a;

	for (va = start; va < end; va = stop) {
		const arch_pte_t *t = table_at(mm, va, end, &stop);

		for (a = va; t && a < stop; a += PAGE_SIZE) {
			arch_pte_t e = t[arch_ptx(a)];
			unsigned int prot = pte_rights(flags);

			if (!arch_pte_present(e))
				continue;
			if ((flags & VM_WRITE) &&
			    (arch_pte_prot(e) & MMU_WRITE))
				prot |= MMU_WRITE;
			vmm_protect(mm->pd, a, prot);
		}
	}
}

/* --- spaces ------------------------------------------------------------- */

int mm_subsys_init(void)
{
	struct page *zero;

	if (mm_cache)
		return 0;
	mm_cache = kmem_cache_create("mm_struct", sizeof(struct mm), 0, 0,
				     NULL);
	vma_cache = kmem_cache_create("vm_area_struct", sizeof(struct vma),
				      0, 0, NULL);
	zero = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!mm_cache || !vma_cache || !zero) {
		if (zero)
			__free_pages(zero, 0);
		mm_subsys_reset();
		return -ENOMEM;
	}
	page_set(zero, PG_zero);
	mm_zero_pfn = page_to_pfn(zero);
	return 0;
}

void mm_subsys_reset(void)
{
	if (mm_zero_pfn != PFN_NONE) {
		page_clear(pfn_to_page(mm_zero_pfn), PG_zero);
		__free_pages(pfn_to_page(mm_zero_pfn), 0);
		mm_zero_pfn = PFN_NONE;
	}
	if (vma_cache)
		kmem_cache_destroy(vma_cache);
	if (mm_cache)
		kmem_cache_destroy(mm_cache);
	vma_cache = mm_cache = NULL;
	memset(&mm_stat, 0, sizeof(mm_stat));
}

void mm_shrink_caches(void)
{
	if (mm_cache)
		kmem_cache_shrink(mm_cache);
	if (vma_cache)
		kmem_cache_shrink(vma_cache);
}

struct mm *mm_create(void)
{
	struct mm *mm;

	if (!mm_cache)
		return NULL;
	mm = kmem_cache_zalloc(mm_cache, GFP_KERNEL | __GFP_NOWARN);
	if (!mm)
		return NULL;
	mm->pd = vmm_pgdir_create();
	if (mm->pd == PFN_NONE) {
		kmem_cache_free(mm_cache, mm);
		return NULL;
	}
	mm->stack_top = USER_STACK_TOP;
	mm->stack_limit = USER_STACK_TOP - USER_STACK_MAX;
	mm->mmap_base = USER_MMAP_TOP;
	mm_stat.spaces++;
	return mm;
}

void mm_destroy(struct mm *mm)
{
	struct vma *v;

	while ((v = first_vma(mm)) != NULL) {
		unmap_pages(mm, v->start, v->end);
		vma_remove(mm, v);
		vma_close(mm, v);
		vma_free(v);
	}
	MM_ASSERT(mm->rss == 0 && mm->zero_ptes == 0);
	vmm_pgdir_destroy(mm->pd);
	mm_stat.spaces--;
	kmem_cache_free(mm_cache, mm);
}

/* One more user of frame @pfn, now mapped in the child @arg too. */
static void fork_frame_cb(void *arg, pfn_t pfn)
{
	struct mm *child = arg;

	if (pfn == mm_zero_pfn) {
		child->zero_ptes++;
	} else {
		get_page(pfn_to_page(pfn));
		mm_rss_grew(child);
		if (page_test(pfn_to_page(pfn), PG_shm))
			child->shm_rss++;
	}
}

/* Share the present pages of region @v of @parent with @child. */
static int fork_pages(struct mm *parent, struct mm *child,
		      const struct vma *v)
{
	return vmm_copy_range(child->pd, parent->pd, v->start, v->end,
			      (v->flags & VM_SHARED) ? 0 : VMM_COPY_COW,
			      fork_frame_cb, child);
}

int mm_fork(struct mm *parent, struct mm **child)
{
	struct mm *c = mm_create();
	struct vma *v, *n;

	if (!c)
		goto fail;
	c->brk_start = parent->brk_start;
	c->brk = parent->brk;
	c->stack_top = parent->stack_top;
	c->stack_limit = parent->stack_limit;
	c->pid = parent->pid;
	c->mmap_base = parent->mmap_base;
	for (v = first_vma(parent); v; v = next_vma(v)) {
		n = vma_alloc();
		if (!n)
			goto fail_destroy;
		*n = *v;
		if (n->flags & VM_SHM)
			shm_vma_open(n);
		vma_insert(c, n);
		if (fork_pages(parent, c, v) != 0)
			goto fail_destroy;
	}
	mm_stat.forks++;
	*child = c;
	return 0;

fail_destroy:
	mm_destroy(c);
fail:
	mm_stat.fork_fail++;
	return -ENOMEM;
}

/* --- regions ------------------------------------------------------------ */

static bool user_range_ok(uintptr_t start, size_t len)
{
	return IS_ALIGNED(start, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE) &&
	       len != 0 && start >= USER_MIN && start < USER_STACK_TOP &&
	       len <= USER_STACK_TOP - start;
}

int mm_map_region(struct mm *mm, uintptr_t start, size_t len,
		  unsigned int flags, const uint8_t *image,
		  uintptr_t img_start, size_t img_len)
{
	struct vma *v;

	if (!user_range_ok(start, len))
		return -EINVAL;
	v = vma_from(mm, start);
	if (v && v->start < start + len)
		return -EEXIST;
	if (mm->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	v = vma_alloc();
	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = start + len;
	v->flags = flags;
	if (flags & VM_IMAGE) {
		v->image = image;
		v->img_start = img_start;
		v->img_len = (uint32_t)img_len;
	}
	vma_insert(mm, v);
	return 0;
}

/* Split @v at @at (inside it): @v keeps the low part. */
int vma_split(struct mm *mm, struct vma *v, uintptr_t at)
{
	struct vma *n;

	if (mm->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	*n = *v;
	if (n->flags & VM_SHM)
		shm_vma_open(n);
	n->start = at;
	v->end = at;
	mm->total_vm -= vma_pages(n);	/* vma_insert() counts them again */
	vma_insert(mm, n);
	return 0;
}

/*
 * The lowest region that overlaps [@start, @end), split where it crosses
 * a bound so that it lies inside; *@out = NULL when there is none.
 * Returns: 0, or -ENOMEM (a split needed a descriptor).
 */
static int vma_inside(struct mm *mm, uintptr_t start, uintptr_t end,
		      struct vma **out)
{
	struct vma *v = vma_from(mm, start);
	int err = 0;

	*out = NULL;
	if (!v || v->start >= end)
		return 0;
	if (v->start < start) {
		err = vma_split(mm, v, start);
		if (err)
			return err;
		v = next_vma(v);	/* the piece from @start */
	}
	if (v->end > end)
		err = vma_split(mm, v, end);
	if (!err)
		*out = v;
	return err;
}

int mm_unmap_region(struct mm *mm, uintptr_t start, size_t len)
{
	uintptr_t end = start + len;
	struct vma *v;

	if (!user_range_ok(start, len))
		return -EINVAL;
	for (;;) {
		int err = vma_inside(mm, start, end, &v);

		if (err || !v)
			return err;
		unmap_pages(mm, v->start, v->end);
		vma_remove(mm, v);
		vma_close(mm, v);
		vma_free(v);
	}
}

int mm_protect_region(struct mm *mm, uintptr_t start, size_t len,
		      unsigned int prot)
{
	uintptr_t end = start + len, at = start;
	struct vma *v;

	if (!user_range_ok(start, len) || (prot & ~VM_PROT_MASK))
		return -EINVAL;
	for (v = mm_find_vma(mm, at); at < end; v = mm_find_vma(mm, at)) {
		if (!v)
			return -ENOMEM;	/* a hole: ENOMEM, as Linux */
		if ((prot & VM_WRITE) && (v->flags & VM_NOWRITE))
			return -EACCES;
		at = v->end;
	}
	while (start < end) {
		int err = vma_inside(mm, start, end, &v);

		if (err || !v)
			return err;
		v->flags = (v->flags & ~VM_PROT_MASK) | prot;
		protect_pages(mm, v->start, v->end, v->flags);
		start = v->end;
	}
	return 0;
}

/* What mm_commit_ok() never promises: a sixteenth of RAM and 512 KiB. */
static uint32_t commit_reserve(void)
{
	return zones_total_managed() / 16 + 128;
}

bool mm_commit_ok(size_t pages)
{
	uint32_t free = zones_total_free();
	uint32_t reserve = commit_reserve();

	return free > reserve && pages <= free - reserve;
}

uint32_t mm_commit_limit(void)
{
	uint32_t managed = zones_total_managed(), reserve = commit_reserve();

	return managed > reserve ? managed - reserve : 0;
}

int mm_mmap(struct mm *mm, size_t len, unsigned int prot, uintptr_t *addr)
{
	return mm_mmap_at(mm, 0, len, prot, 0, addr);
}

int mm_brk(struct mm *mm, uintptr_t new_brk, uintptr_t *result)
{
	uintptr_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	uintptr_t new_end = ALIGN_UP(new_brk, PAGE_SIZE);
	struct vma *heap = NULL;	/* the heap's top piece (mprotect splits) */
	int err = 0;

	*result = mm->brk;
	if (new_brk == 0)
		return 0;
	if (new_brk < mm->brk_start || new_brk > mm->mmap_base)
		return -ENOMEM;
	if (old_end > mm->brk_start) {
		heap = mm_find_vma(mm, old_end - 1);
		if (!heap || !(heap->flags & VM_HEAP) || heap->end != old_end)
			return -ENOMEM;
	}
	if (new_end > old_end) {
		struct vma *next = vma_from(mm, old_end);

		if ((next && next->start < new_end) ||
		    !mm_commit_ok((new_end - old_end) >> PAGE_SHIFT))
			return -ENOMEM;
		if (heap) {
			heap->end = new_end;
			mm_vm_grew(mm, (new_end - old_end) >> PAGE_SHIFT);
		} else
			err = mm_map_region(mm, old_end, new_end - old_end,
					    VM_READ | VM_WRITE | VM_HEAP,
					    NULL, 0, 0);
	} else if (new_end < old_end) {
		err = mm_unmap_region(mm, new_end, old_end - new_end);
	}
	if (err)
		return err;
	mm->brk = new_brk;
	*result = new_brk;
	return 0;
}

/* --- invariants --------------------------------------------------------- */

/* M6. */
static unsigned int sizes_check(struct mm *mm)
{
	uint32_t pages = 0;
	struct vma *v;

	for (v = first_vma(mm); v; v = next_vma(v))
		pages += vma_pages(v);
	if (pages != mm->total_vm || mm->hiwater_vm < mm->total_vm ||
	    mm->hiwater_rss < mm->rss) {
		printk("mm: regions of %u pages, total_vm %u hiwater_vm %u; rss %u hiwater_rss %u\n",
		       pages, mm->total_vm, mm->hiwater_vm, mm->rss,
		       mm->hiwater_rss);
		return 1;
	}
	return 0;
}

/* M1, M5 and M6. */
static unsigned int regions_check(struct mm *mm)
{
	unsigned int bad = 0, n = 0;
	uintptr_t prev_end = USER_MIN;
	struct vma *v;

	for (v = first_vma(mm); v; v = next_vma(v), n++) {
		if (!IS_ALIGNED(v->start, PAGE_SIZE) ||
		    !IS_ALIGNED(v->end, PAGE_SIZE) || v->start >= v->end ||
		    v->start < prev_end || v->end > USER_STACK_TOP) {
			printk("mm: bad region 0x%08x-0x%08x (previous ends 0x%08x)\n",
			       (unsigned int)v->start, (unsigned int)v->end,
			       (unsigned int)prev_end);
			bad++;
		}
		if ((v->flags & VM_HEAP) &&
		    (v->start < mm->brk_start ||
		     v->end > ALIGN_UP(mm->brk, PAGE_SIZE))) {
			printk("mm: heap 0x%08x-0x%08x, brk 0x%08x-0x%08x\n",
			       (unsigned int)v->start, (unsigned int)v->end,
			       (unsigned int)mm->brk_start,
			       (unsigned int)mm->brk);
			bad++;
		}
		prev_end = v->end;
	}
	if (n != mm->nr_vmas || mm->brk < mm->brk_start) {
		printk("mm: %u regions counted, nr_vmas %u; brk 0x%08x < 0x%08x\n",
		       n, mm->nr_vmas, (unsigned int)mm->brk,
		       (unsigned int)mm->brk_start);
		bad++;
	}
	return bad + sizes_check(mm);
}

/* M3 for the entry of @va; counts into *rss / *zero. */
static unsigned int pte_check(struct mm *mm, uintptr_t va, arch_pte_t pte,
			      uint32_t *rss, uint32_t *zero, uint32_t *shm)
{
	struct vma *v = mm_find_vma(mm, va);
	unsigned int prot = arch_pte_prot(pte);
	pfn_t pfn = arch_pte_pfn(pte);
	struct page *page = pfn_to_page(pfn);

	if (pfn == mm_zero_pfn)
		(*zero)++;
	else
		(*rss)++;
	if (pfn != mm_zero_pfn && pfn_valid(pfn) && page_test(page, PG_shm))
		(*shm)++;
	if (!v || (prot & MMU_USER) != pte_rights(v->flags) ||
	    ((prot & MMU_WRITE) && (!(v->flags & VM_WRITE) ||
				    pfn == mm_zero_pfn))) {
		printk("mm: entry 0x%08x -> pfn 0x%x rights 0x%x outside its region's rights\n",
		       (unsigned int)va, pfn, prot);
		return 1;
	}
	if (pfn != mm_zero_pfn &&
	    (!pfn_valid(pfn) || !page_test(page, PG_user) ||
	     page_count(page) < 1)) {
		printk("mm: entry 0x%08x maps pfn 0x%x, not a live user frame\n",
		       (unsigned int)va, pfn);
		return 1;
	}
	return 0;
}

/* M3 and M4 over every user-half entry. */
static unsigned int entries_check(struct mm *mm)
{
	uint32_t rss = 0, zero = 0, shm = 0;
	unsigned int bad = 0;
	uintptr_t va;

	for (va = 0; va < USER_STACK_TOP;) {
		arch_pte_t pde, pte;

		if (vmm_lookup(mm->pd, va, &pde, &pte) != 0) {
			va += ARCH_LARGE_PAGE_SIZE;
			continue;
		}
		if (arch_pte_present(pte))
			bad += pte_check(mm, va, pte, &rss, &zero, &shm);
		va += PAGE_SIZE;
	}
	if (rss != mm->rss || zero != mm->zero_ptes || shm != mm->shm_rss) {
		printk("mm: %u frames, %u zero-page and %u shm entries mapped, counted %u, %u and %u\n",
		       rss, zero, shm, mm->rss, mm->zero_ptes, mm->shm_rss);
		bad++;
	}
	return bad;
}

unsigned int mm_check(struct mm *mm)
{
	unsigned int bad = 0;

	bad += avl_check(&mm->root, vma_cmp, NULL, NULL);	/* M2 */
	bad += regions_check(mm);
	bad += mm_layout_check(mm);				/* M7 */
	bad += entries_check(mm);
	return bad;
}

/* --- sizes for /proc/PID/status ------------------------------------------ */

/* Present entries of [start, end) (each maps a frame of a shared region). */
static uint32_t present_pages(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uintptr_t va, stop, a;
	uint32_t n = 0;

	for (va = start; va < end; va = stop) {
		const arch_pte_t *t = table_at(mm, va, end, &stop);

		for (a = va; t && a < stop; a += PAGE_SIZE)
			if (arch_pte_present(t[arch_ptx(a)]))
				n++;
	}
	return n;
}

uint32_t mm_user_pgtables(struct mm *mm)
{
	uintptr_t va;
	uint32_t n = 0;

	for (va = 0; va < USER_STACK_TOP; va += ARCH_LARGE_PAGE_SIZE) {
		arch_pte_t pde, pte;

		if (vmm_lookup(mm->pd, va, &pde, &pte) == 0 &&
		    !arch_pde_large(pde))
			n++;
	}
	return n;
}

/* Add region @v's pages to the classes Linux's task_mem() reports. */
static void vm_stats_add(struct mm *mm, const struct vma *v,
			 struct mm_vm_stats *st)
{
	uint32_t pages = vma_pages(v);
	unsigned int f = v->flags;

	if (f & VM_GROWSDOWN)
		st->stack += pages;
	else if ((f & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		st->data += pages;
	else if ((f & (VM_EXEC | VM_WRITE)) == VM_EXEC)
		st->exec += pages;
	if ((f & (VM_EXEC | VM_IMAGE)) == (VM_EXEC | VM_IMAGE))
		st->text += pages;
	if (f & VM_WRITE)
		st->committed += pages;
	if (f & VM_SHARED)
		st->rss_shmem += present_pages(mm, v->start, v->end);
}

void mm_vm_stats(struct mm *mm, struct mm_vm_stats *st)
{
	struct vma *v;

	memset(st, 0, sizeof(*st));
	st->total_vm = mm->total_vm;
	st->hiwater_vm = mm->hiwater_vm;
	st->rss = mm->rss;
	st->hiwater_rss = mm->hiwater_rss;
	for (v = first_vma(mm); v; v = next_vma(v))
		vm_stats_add(mm, v, st);
	st->pte_tables = mm_user_pgtables(mm);
}
