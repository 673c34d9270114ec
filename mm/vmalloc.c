/*
 * vmalloc: virtually contiguous kernel memory in the vmalloc area.
 *
 * Design.  Each area is a struct vm_area (from the "vmap_area" slab cache)
 * in an augmented AVL tree (mm/avl.c) ordered by start address.  A node
 * also carries the free gap between the previous area (or VMALLOC_START)
 * and itself, and the largest such gap in its subtree (the augmented
 * summary), so both finding an area by address (vfree) and finding the
 * lowest free range that fits (vmalloc) walk one root-to-leaf path:
 * O(log n).  The gap after the last area is computed from the tree's
 * maximum.  Inserting or removing an area changes its own gap and its
 * successor's: the tree repairs the summaries on the paths it rebalances,
 * avl_propagate() those above the two changed nodes.  An area's size includes its
 * guard page, which is never mapped: running off the end faults.
 *
 * Frames are order-0 GFP_HIGHUSER allocations (HIGHMEM first), one at a
 * time, mapped into the kernel directory; the tree does not record them,
 * vfree() finds them again through the page tables.  An area goes
 * RESERVED (range taken, frames being mapped) -> LIVE -> DYING (frames
 * being unmapped) -> gone, so a racing second vfree() of the same area is
 * refused like any other bad free.
 *
 * ioremap() and memremap_ro() take areas from the same tree for frames the
 * caller names (device registers, firmware tables): such an area is of
 * kind VM_IOREMAP, owns no frame, and only iounmap() ends it; vfree()
 * refuses it and iounmap() refuses a vmalloc area, so neither can free a
 * frame the other's caller still owns.
 *
 * Invariants (vmalloc_check()):
 *  A1. In address order, areas are page-aligned, disjoint, inside
 *      [VMALLOC_START, VMALLOC_END), and size = (nr_pages + 1) pages.
 *  A2. gap_before = start - (end of the previous area, or VMALLOC_START).
 *  A3. The tree is an AVL tree (avl_check(): T1-T4).
 *  A4. max_gap is the largest gap_before in the node's subtree.
 *  A5. Every page of a LIVE vmalloc area maps a PG_vmalloc frame, every
 *      page of a LIVE ioremap area the frame phys + its offset; the guard
 *      page maps nothing.
 *  A6. The areas/pages counters, and the ioremap ones, equal what the
 *      LIVE areas of each kind hold.
 *
 * Locking: vmalloc_lock (IRQs off) guards the tree, the descriptors' state
 * and the counters.  Frames are allocated, mapped, unmapped and freed with
 * the lock dropped (vmm_map() and the buddy allocator take their own).
 */
#include "mm/avl.h"
#include "mm/buddy.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

enum vm_state { VM_RESERVED, VM_LIVE, VM_DYING };
enum vm_kind { VM_VMALLOC, VM_IOREMAP };

struct vm_area {
	uintptr_t start;		/* first byte; set at reservation */
	uint32_t size;			/* bytes, guard page included */
	uint32_t nr_pages;		/* mapped pages when LIVE */
	const void *caller;		/* who called vmalloc() */
	uint32_t gap_before;		/* tree fields: vmalloc_lock */
	uint32_t max_gap;
	struct avl_node node;
	enum vm_state state;
	enum vm_kind kind;		/* set before the area goes LIVE */
	pfn_t phys_pfn;			/* VM_IOREMAP: the first frame mapped */
};

static mm_lock_t vmalloc_lock = MM_LOCK_INIT(MM_LOCK_VMALLOC);
static struct avl_root vm_root = AVL_ROOT_INIT;
static struct vmalloc_stats vstats;

/* --- area descriptors --------------------------------------------------- */

/* Descriptors come from their own slab cache, created by vmalloc_init(). */
static struct kmem_cache *vm_area_cache;

static struct vm_area *vm_area_alloc(void)
{
	return kmem_cache_zalloc(vm_area_cache, GFP_KERNEL | __GFP_NOWARN);
}

static void vm_area_free(struct vm_area *a)
{
	kmem_cache_free(vm_area_cache, a);
}

int vmalloc_init(void)
{
	if (vm_area_cache)
		return -EBUSY;
	vm_area_cache = kmem_cache_create("vmap_area", sizeof(struct vm_area),
					  0, 0, NULL);
	return vm_area_cache ? 0 : -ENOMEM;
}

unsigned int vmalloc_shrink(void)
{
	return vm_area_cache ? kmem_cache_shrink(vm_area_cache) : 0;
}

/* --- the area tree ------------------------------------------------------ */

#define AREA(n)		avl_entry(n, struct vm_area, node)
#define AREA_OR_NULL(n)	avl_entry_safe(n, struct vm_area, node)

static uintptr_t vm_end(const struct vm_area *a)
{
	return a->start + a->size;
}

static uint32_t vm_max_gap(const struct avl_node *n)
{
	return n ? AREA(n)->max_gap : 0;
}

/* The augmented summary: the largest gap_before in the subtree. */
static void vm_augment(struct avl_node *n)
{
	struct vm_area *a = AREA(n);

	a->max_gap = MAX(a->gap_before,
			 MAX(vm_max_gap(n->left), vm_max_gap(n->right)));
}

static int vm_cmp(const struct avl_node *a, const struct avl_node *b)
{
	uintptr_t sa = AREA(a)->start, sb = AREA(b)->start;

	return sa < sb ? -1 : sa > sb;
}

/* Key: an address, against the area's start. */
static int vm_key_cmp(const void *key, const struct avl_node *n)
{
	uintptr_t addr = *(const uintptr_t *)key;

	return addr < AREA(n)->start ? -1 : addr > AREA(n)->start;
}

/* The area starting at or below @addr that is closest to it, or NULL. */
static struct vm_area *vm_floor(uintptr_t addr)
{
	return AREA_OR_NULL(avl_find_le(&vm_root, &addr, vm_key_cmp));
}

static uintptr_t vm_tail_start(void)
{
	struct vm_area *last = AREA_OR_NULL(avl_last(&vm_root));

	return last ? vm_end(last) : VMALLOC_START;
}

/* Lowest address with @need free bytes, or 0. */
static uintptr_t vm_find_gap_locked(uint32_t need)
{
	struct avl_node *n = vm_root.node;

	while (n) {
		if (vm_max_gap(n->left) >= need)
			n = n->left;
		else if (AREA(n)->gap_before >= need)
			return AREA(n)->start - AREA(n)->gap_before;
		else if (vm_max_gap(n->right) >= need)
			n = n->right;
		else
			break;
	}
	if (VMALLOC_END - vm_tail_start() >= need)
		return vm_tail_start();
	return 0;
}

static void vm_link_locked(struct vm_area *a)
{
	struct vm_area *prev, *next;

	avl_insert(&vm_root, &a->node, vm_cmp, vm_augment);
	prev = AREA_OR_NULL(avl_prev(&a->node));
	next = AREA_OR_NULL(avl_next(&a->node));
	a->gap_before = a->start - (prev ? vm_end(prev) : VMALLOC_START);
	avl_propagate(&a->node, vm_augment);
	if (next) {
		next->gap_before = next->start - vm_end(a);
		avl_propagate(&next->node, vm_augment);
	}
}

static void vm_unlink_locked(struct vm_area *a)
{
	struct vm_area *next = AREA_OR_NULL(avl_next(&a->node));

	avl_erase(&vm_root, &a->node, vm_augment);
	if (next) {
		next->gap_before += a->gap_before + a->size;
		avl_propagate(&next->node, vm_augment);
	}
}

/* --- vmalloc / vfree ---------------------------------------------------- */

/* Take the lowest free range for @nr_pages plus a guard page. */
static struct vm_area *vm_reserve(uint32_t nr_pages, const void *caller)
{
	struct vm_area *a = vm_area_alloc();
	uint32_t need = (nr_pages + 1) * PAGE_SIZE;
	unsigned long flags;
	uintptr_t start;

	if (!a)
		return NULL;
	flags = mm_lock_irqsave(&vmalloc_lock);
	start = vm_find_gap_locked(need);
	if (start) {
		a->start = start;
		a->size = need;
		a->caller = caller;
		a->state = VM_RESERVED;
		vm_link_locked(a);
	}
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	if (!start) {
		vm_area_free(a);
		return NULL;
	}
	return a;
}

static void vm_release(struct vm_area *a)
{
	unsigned long flags = mm_lock_irqsave(&vmalloc_lock);

	vm_unlink_locked(a);
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	vm_area_free(a);
}

static void *vmalloc_gfp(size_t size, gfp_t gfp, const void *caller)
{
	struct vm_area *a = NULL;
	unsigned long flags;
	uint32_t nr = 0, high;

	if (size == 0)
		return NULL;
	if (size <= VMALLOC_END - VMALLOC_START - PAGE_SIZE) {
		nr = (uint32_t)(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
		a = vm_reserve(nr, caller);
	}
	if (a && vmm_kernel_back(a->start, nr, gfp, PG_vmalloc, &high)) {
		vm_release(a);
		a = NULL;
	}
	flags = mm_lock_irqsave(&vmalloc_lock);
	if (a) {
		a->nr_pages = nr;
		a->state = VM_LIVE;
		vstats.areas++;
		vstats.pages += nr;
		vstats.highmem_pages += high;
		vstats.allocs++;
	} else {
		vstats.failed++;
	}
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	if (!a) {
		printk("vmalloc: allocation of %u bytes failed (caller %pS)\n",
		       (unsigned int)size, caller);
		return NULL;
	}
	return (void *)a->start;
}

void *vmalloc(size_t size)
{
	return vmalloc_gfp(size, GFP_HIGHUSER, MM_CALLER());
}

void *vzalloc(size_t size)
{
	return vmalloc_gfp(size, GFP_HIGHUSER | __GFP_ZERO, MM_CALLER());
}

static void vfree_report(uintptr_t va, const struct vm_area *a,
			 const void *caller)
{
	if (a && a->start == va && a->kind == VM_IOREMAP)
		printk("vfree: bad address 0x%08x: an ioremap area, for "
		       "iounmap() (caller %pS)\n", (unsigned int)va, caller);
	else if (a && va < vm_end(a))
		printk("vfree: bad address 0x%08x: inside area 0x%08x-0x%08x, not its start (caller %pS)\n",
		       (unsigned int)va, (unsigned int)a->start,
		       (unsigned int)vm_end(a), caller);
	else
		printk("vfree: bad address 0x%08x: not a vmalloc area (caller %pS)\n",
		       (unsigned int)va, caller);
}

/*
 * vm_claim - the LIVE area of @kind starting at @va, made DYING so that no
 * second free can take it; or NULL, counted as a refused free, with
 * *@found the area at or below @va for the caller's report.
 */
static struct vm_area *vm_claim(uintptr_t va, enum vm_kind kind,
				struct vm_area **found)
{
	unsigned long flags = mm_lock_irqsave(&vmalloc_lock);
	struct vm_area *a = vm_floor(va);
	bool ok = a && a->start == va && a->state == VM_LIVE && a->kind == kind;

	if (ok)
		a->state = VM_DYING;
	else
		vstats.refused_frees++;
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	*found = a;
	return ok ? a : NULL;
}

/* Count a DYING area gone (@high: its HIGHMEM frames), unlink and free it. */
static void vm_retire(struct vm_area *a, uint32_t high)
{
	unsigned long flags = mm_lock_irqsave(&vmalloc_lock);

	if (a->kind == VM_IOREMAP) {
		vstats.ioremap_areas--;
		vstats.ioremap_pages -= a->nr_pages;
	} else {
		vstats.areas--;
		vstats.pages -= a->nr_pages;
		vstats.highmem_pages -= high;
		vstats.frees++;
	}
	vm_unlink_locked(a);
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	vm_area_free(a);
}

int vfree(const void *addr)
{
	uintptr_t va = (uintptr_t)addr;
	struct vm_area *a, *found;

	if (!addr)
		return 0;
	a = vm_claim(va, VM_VMALLOC, &found);
	if (!a) {
		vfree_report(va, found, MM_CALLER());
		return -EINVAL;
	}
	vm_retire(a, vmm_kernel_unback(a->start, a->nr_pages, PG_vmalloc,
					 "vfree"));
	return 0;
}

/* --- ioremap / memremap_ro ---------------------------------------------- */

/* Unmap the first @nr pages of an ioremap area; its frames are not ours. */
static void vm_unmap_io(struct vm_area *a, uint32_t nr)
{
	uint32_t i;

	for (i = 0; i < nr; i++)
		if (vmm_unmap(vmm_kernel_pd, a->start + i * PAGE_SIZE, NULL))
			panic("iounmap: area 0x%08x page %u is not mapped",
			      (unsigned int)a->start, i);
}

static int vm_map_io(struct vm_area *a, uint32_t nr, pfn_t first,
		     unsigned int prot)
{
	uint32_t i;

	for (i = 0; i < nr; i++) {
		if (vmm_map(vmm_kernel_pd, a->start + i * PAGE_SIZE, first + i,
			    prot) != 0) {
			vm_unmap_io(a, i);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * The frames of [phys, phys + size) as [*first, *first + *nr), or false
 * for an empty range, one that wraps or one beyond 4 GiB (out of reach of
 * a 32-bit page-table entry).
 */
static bool vm_io_range(phys_addr_t phys, size_t size, pfn_t *first,
			uint32_t *nr)
{
	phys_addr_t end = phys + size;

	if (size == 0 || end < phys || ALIGN_UP(end, PAGE_SIZE) > GiB(4))
		return false;
	*first = PHYS_PFN(phys);
	*nr = (uint32_t)(PHYS_PFN(ALIGN_UP(end, PAGE_SIZE)) - *first);
	return true;
}

static void *vm_remap(phys_addr_t phys, size_t size, unsigned int prot,
		      const void *caller)
{
	struct vm_area *a = NULL;
	unsigned long flags;
	uint32_t nr = 0;
	pfn_t first = 0;

	if (vm_io_range(phys, size, &first, &nr) &&
	    nr < (VMALLOC_END - VMALLOC_START) / PAGE_SIZE)
		a = vm_reserve(nr, caller);
	if (a && vm_map_io(a, nr, first, prot) != 0) {
		vm_release(a);
		a = NULL;
	}
	flags = mm_lock_irqsave(&vmalloc_lock);
	if (a) {
		a->kind = VM_IOREMAP;
		a->phys_pfn = first;
		a->nr_pages = nr;
		a->state = VM_LIVE;
		vstats.ioremap_areas++;
		vstats.ioremap_pages += nr;
	}
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	if (!a) {
		printk("ioremap: cannot map [mem 0x%08llx-0x%08llx] (caller "
		       "%pS)\n", (unsigned long long)phys,
		       (unsigned long long)(phys + size - 1), caller);
		return NULL;
	}
	return (void *)(a->start + (uintptr_t)(phys - PFN_PHYS(first)));
}

void *ioremap(phys_addr_t phys, size_t size)
{
	return vm_remap(phys, size, MMU_WRITE | MMU_NOCACHE, MM_CALLER());
}

void *memremap_ro(phys_addr_t phys, size_t size)
{
	return vm_remap(phys, size, 0, MM_CALLER());
}

int iounmap(const void *addr)
{
	struct vm_area *a, *found;

	a = vm_claim(ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE), VM_IOREMAP,
		     &found);
	if (!a) {
		printk("iounmap: bad address 0x%08x: not an ioremap area "
		       "(caller %pS)\n", (unsigned int)(uintptr_t)addr,
		       MM_CALLER());
		return -EINVAL;
	}
	vm_unmap_io(a, a->nr_pages);
	vm_retire(a, 0);
	return 0;
}

struct page *vmalloc_to_page(const void *addr)
{
	pfn_t pfn;

	if ((uintptr_t)addr < VMALLOC_START || (uintptr_t)addr >= VMALLOC_END ||
	    vmm_translate(vmm_kernel_pd, ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE),
			  &pfn, NULL) != 0 || !pfn_valid(pfn))
		return NULL;
	return pfn_to_page(pfn);
}

const char *vmalloc_describe(uintptr_t addr)
{
	static char buf[64];
	const struct vm_area *a = vm_floor(addr);

	if (addr < VMALLOC_START || addr >= VMALLOC_END || !a ||
	    addr >= vm_end(a))
		return "";
	snprintf(buf, sizeof(buf), "%s area 0x%08x-0x%08x",
		 addr >= vm_end(a) - PAGE_SIZE ? "guard page of" : "in",
		 (unsigned int)a->start, (unsigned int)vm_end(a));
	return buf;
}

void vmalloc_stats(struct vmalloc_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&vmalloc_lock);

	*st = vstats;
	st->largest_free = MAX(vm_max_gap(vm_root.node),
			       (uint32_t)(VMALLOC_END - vm_tail_start()));
	mm_unlock_irqrestore(&vmalloc_lock, flags);
}

void vmallocinfo_dump(void)
{
	unsigned long flags = mm_lock_irqsave(&vmalloc_lock);
	struct avl_node *n;

	for (n = avl_first(&vm_root); n; n = avl_next(n)) {
		const struct vm_area *a = AREA(n);

		if (a->state != VM_LIVE)
			continue;
		printk("0x%08x-0x%08x %7u %pS ", (unsigned int)a->start,
		       (unsigned int)vm_end(a), (unsigned int)a->size,
		       a->caller);
		if (a->kind == VM_IOREMAP)
			printk("phys=0x%08x ioremap\n",
			       (unsigned int)PFN_PHYS(a->phys_pfn));
		else
			printk("pages=%u vmalloc\n", a->nr_pages);
	}
	mm_unlock_irqrestore(&vmalloc_lock, flags);
}

/* --- invariants --------------------------------------------------------- */

struct vm_check_ctx {
	uintptr_t prev_end;
	uint32_t areas, pages;
	uint32_t io_areas, io_pages;
	unsigned int bad;
};

#define VM_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printk("vmalloc_check: " __VA_ARGS__);		\
			c->bad++;					\
		}							\
	} while (0)

/* A5 for page @i of a LIVE area: what it must map. */
static bool vm_page_ok(const struct vm_area *a, uint32_t i)
{
	pfn_t pfn;

	if (vmm_translate(vmm_kernel_pd, a->start + i * PAGE_SIZE, &pfn,
			  NULL) != 0)
		return false;
	if (a->kind == VM_IOREMAP)
		return pfn == a->phys_pfn + i;
	return page_test(pfn_to_page(pfn), PG_vmalloc);
}

static void vm_check_pages(const struct vm_area *a, struct vm_check_ctx *c)
{
	bool io = a->kind == VM_IOREMAP;
	uint32_t i;

	for (i = 0; i < a->nr_pages; i++)
		VM_CHECK(vm_page_ok(a, i), "A5 0x%08x of area 0x%08x maps %s\n",
			 (unsigned int)(a->start + i * PAGE_SIZE),
			 (unsigned int)a->start,
			 io ? "another frame than phys" : "no PG_vmalloc frame");
	VM_CHECK(vmm_translate(vmm_kernel_pd, vm_end(a) - PAGE_SIZE, NULL,
			       NULL) == -ENOENT,
		 "A5 guard page of area 0x%08x is mapped\n",
		 (unsigned int)a->start);
	c->areas += !io;
	c->pages += io ? 0 : a->nr_pages;
	c->io_areas += io;
	c->io_pages += io ? a->nr_pages : 0;
}

/* A1, A2, A4 and A5 for one area; avl_check() calls it in address order. */
static unsigned int vm_check_node(const struct avl_node *n, void *arg)
{
	const struct vm_area *a = AREA(n);
	struct vm_check_ctx *c = arg;
	unsigned int bad0 = c->bad;

	VM_CHECK(IS_ALIGNED(a->start, PAGE_SIZE) && a->start >= c->prev_end &&
		 vm_end(a) <= VMALLOC_END && a->start >= VMALLOC_START,
		 "A1 area 0x%08x+0x%x out of place (previous ends 0x%08x)\n",
		 (unsigned int)a->start, a->size, (unsigned int)c->prev_end);
	VM_CHECK(a->state == VM_RESERVED ||
		 a->size == (a->nr_pages + 1) * PAGE_SIZE,
		 "A1 area 0x%08x size 0x%x for %u pages\n",
		 (unsigned int)a->start, a->size, a->nr_pages);
	VM_CHECK(a->gap_before == a->start - c->prev_end,
		 "A2 area 0x%08x gap %u, expected %u\n", (unsigned int)a->start,
		 a->gap_before, (unsigned int)(a->start - c->prev_end));
	VM_CHECK(a->max_gap == MAX(a->gap_before, MAX(vm_max_gap(n->left),
						      vm_max_gap(n->right))),
		 "A4 area 0x%08x max_gap %u is wrong\n",
		 (unsigned int)a->start, a->max_gap);
	if (a->state == VM_LIVE)
		vm_check_pages(a, c);
	c->prev_end = vm_end(a);
	return c->bad - bad0;	/* avl_check() adds them to its total */
}

unsigned int vmalloc_check(void)
{
	struct vm_check_ctx ctx = { VMALLOC_START, 0, 0, 0, 0, 0 };
	struct vm_check_ctx *c = &ctx;
	unsigned long flags = mm_lock_irqsave(&vmalloc_lock);

	c->bad = avl_check(&vm_root, vm_cmp, vm_check_node, c);	/* A3 */
	VM_CHECK(c->areas == vstats.areas && c->pages == vstats.pages,
		 "A6 counters say %u areas, %u pages; the tree holds %u, %u\n",
		 vstats.areas, vstats.pages, c->areas, c->pages);
	VM_CHECK(c->io_areas == vstats.ioremap_areas &&
		 c->io_pages == vstats.ioremap_pages,
		 "A6 counters say %u ioremap areas, %u pages; the tree holds "
		 "%u, %u\n", vstats.ioremap_areas, vstats.ioremap_pages,
		 c->io_areas, c->io_pages);
	mm_unlock_irqrestore(&vmalloc_lock, flags);
	return c->bad;
}

void vmalloc_reset(void)
{
	while (vm_root.node) {
		struct vm_area *a = AREA(vm_root.node);

		if (a->state == VM_LIVE && a->kind == VM_IOREMAP)
			iounmap((void *)a->start);
		else if (a->state == VM_LIVE)
			vfree((void *)a->start);
		else
			vm_release(a);
	}
	if (vm_area_cache)
		kmem_cache_destroy(vm_area_cache);
	vm_area_cache = NULL;
	memset(&vstats, 0, sizeof(vstats));
}
