/*
 * The user half of the page-fault path: demand-zero, the shared zero page,
 * program-image fill, stack growth and copy-on-write.
 *
 * Design.  Nothing of a region is mapped until it is touched.  A read of
 * untouched anonymous memory maps the one zero page read-only (no frame is
 * spent); a write maps a fresh zeroed frame, HIGHMEM first.  A page of a
 * program image gets a private frame holding the image's bytes (zero
 * beyond them).  A write to a present read-only entry in a writable region
 * is copy-on-write: the zero page is replaced by a fresh frame, a frame
 * with other users is copied, and a frame whose count is one (every other
 * sharer has written or gone) is simply made writable again; in a
 * VM_SHARED region (populated when made, see mm_populate()) the frame is
 * made writable in place, whoever else maps it.  The stack
 * region grows down to mm->stack_limit; below it lies a guard gap that no
 * region may occupy.  Every other fault is the process's fault: mm_fault()
 * names it and the process layer kills the process.  Kernel addresses are
 * never resolved here (vmm_fault() owns the kernel half).
 *
 * Frames are taken with __GFP_NOWARN: running out is the process's
 * problem (it is killed with "out of memory"), not the console's.
 *
 * Locking: as include/mm/mm.h; the counters are updated with interrupts
 * off by the fault path, read whole by mm_get_stats().
 */
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/shm.h"
#include "mm/vmm.h"
#include "mm_internal.h"

struct mm_stats mm_stat;
pfn_t mm_zero_pfn = PFN_NONE;

#define USER_GFP	(GFP_HIGHUSER | __GFP_NOWARN)

static struct page *user_frame_alloc(gfp_t extra)
{
	struct page *page = alloc_page(USER_GFP | extra);

	if (!page)
		return NULL;
	page_set(page, PG_user);
	mm_stat.user_frames++;
	return page;
}

struct page *mm_user_frame_new(gfp_t extra)
{
	return user_frame_alloc(extra);
}

void mm_user_frame_put(struct page *page)
{
	if (page_count(page) == 1) {
		mm_stat.user_frames--;
		if (page_test(page, PG_shmem))
			mm_stat.shmem_frames--;
		page_clear(page, PG_user | PG_shmem);
	}
	put_page(page);
}

void mm_drop_frame(struct mm *mm, pfn_t pfn)
{
	struct page *page;

	if (pfn == mm_zero_pfn) {
		mm->zero_ptes--;
		return;
	}
	page = pfn_to_page(pfn);
	mm->rss--;
	if (page_test(page, PG_shm))
		mm->shm_rss--;
	mm_user_frame_put(page);
}

void mm_rss_grew(struct mm *mm)
{
	mm->rss++;
	if (mm->rss > mm->hiwater_rss)
		mm->hiwater_rss = mm->rss;
}

/* Map a new frame at @va, or give it back. */
static int map_new(struct mm *mm, uintptr_t va, struct page *page,
		   unsigned int prot)
{
	if (vmm_map(mm->pd, va, page_to_pfn(page), prot) != 0) {
		mm_stat.user_frames--;
		page_clear(page, PG_user);
		put_page(page);
		return -ENOMEM;
	}
	mm_rss_grew(mm);
	return 0;
}

/* Copy what the image holds for page @va into @page (already zeroed). */
static void image_copy(const struct vma *v, uintptr_t va, struct page *page)
{
	uintptr_t from = MAX(va, v->img_start);
	uintptr_t to = MIN(va + PAGE_SIZE, v->img_start + v->img_len);
	uint8_t *dst;

	dst = kmap_local(page);
	memcpy(dst + (from - va), v->image + (from - v->img_start), to - from);
	kunmap_local(dst);
}

static bool image_covers(const struct vma *v, uintptr_t va)
{
	return (v->flags & VM_IMAGE) && va < v->img_start + v->img_len &&
	       va + PAGE_SIZE > v->img_start;
}

/* Nothing mapped at @va yet. */
static int fault_missing(struct mm *mm, const struct vma *v, uintptr_t va,
			 bool write)
{
	unsigned int prot = MMU_USER | ((v->flags & VM_WRITE) ? MMU_WRITE : 0);
	struct page *page;
	int err;

	if (image_covers(v, va)) {
		page = user_frame_alloc(__GFP_ZERO);
		if (!page)
			return -ENOMEM;
		image_copy(v, va, page);
		mm_stat.image_fill++;
		return map_new(mm, va, page, prot);
	}
	if (!write) {
		if (vmm_map(mm->pd, va, mm_zero_pfn, MMU_USER) != 0)
			return -ENOMEM;
		mm->zero_ptes++;
		mm_stat.zero_page++;
		return 0;
	}
	page = user_frame_alloc(__GFP_ZERO);
	if (!page)
		return -ENOMEM;
	mm_stat.demand_zero++;
	err = map_new(mm, va, page, prot);
	if (!err && (v->flags & VM_SHARED)) {	/* Linux's shmem */
		page_set(page, PG_shmem);
		mm_stat.shmem_frames++;
	}
	return err;
}

/* Replace the entry at @va (mapping @old) by @page, writable. */
static int replace(struct mm *mm, uintptr_t va, pfn_t old, struct page *page)
{
	vmm_unmap(mm->pd, va, NULL);
	mm_drop_frame(mm, old);
	return map_new(mm, va, page, MMU_USER | MMU_WRITE);
}

static void copy_frame(struct page *dst, struct page *src)
{
	void *s = kmap_local(src);
	void *d = kmap_local(dst);

	memcpy(d, s, PAGE_SIZE);
	kunmap_local(d);
	kunmap_local(s);
}

/* A write to the present read-only entry at @va of a writable region. */
static int fault_cow(struct mm *mm, uintptr_t va, pfn_t pfn)
{
	struct page *old, *page;

	if (pfn == mm_zero_pfn) {
		page = user_frame_alloc(__GFP_ZERO);
		if (!page)
			return -ENOMEM;
		mm_stat.demand_zero++;
		return replace(mm, va, pfn, page);
	}
	old = pfn_to_page(pfn);
	if (page_count(old) == 1) {
		mm_stat.cow_reuse++;
		return vmm_protect(mm->pd, va, MMU_USER | MMU_WRITE);
	}
	page = user_frame_alloc(0);
	if (!page)
		return -ENOMEM;
	copy_frame(page, old);
	mm_stat.cow_copy++;
	return replace(mm, va, pfn, page);
}

/*
 * No region holds @addr: grow the stack down to it if it lies between the
 * stack limit and the stack region, else name the access.
 */
static struct vma *stack_grow(struct mm *mm, uintptr_t addr,
			      const char **reason)
{
	struct vma *next = mm_next_vma(mm, addr);
	struct vma *below;

	if (!next || !(next->flags & VM_GROWSDOWN) || addr < mm->stack_limit) {
		*reason = addr < mm->stack_limit &&
			  addr >= mm->stack_limit - USER_STACK_GUARD ?
			  "stack overflow into the guard gap" :
			  "no region at this address";
		return NULL;
	}
	below = mm_find_vma(mm, mm->stack_limit - USER_STACK_GUARD);
	if (below || mm_next_vma(mm, mm->stack_limit - USER_STACK_GUARD) !=
		     next) {
		*reason = "stack overflow into the guard gap";
		return NULL;
	}
	mm_vm_grew(mm, (next->start - ALIGN_DOWN(addr, PAGE_SIZE)) >> PAGE_SHIFT);
	next->start = ALIGN_DOWN(addr, PAGE_SIZE);
	mm_stat.stack_grow++;
	return next;
}

/* Is the access allowed by the region's rights?  NULL if so. */
static const char *rights_refuse(const struct vma *v, bool write)
{
	if (write && !(v->flags & VM_WRITE))
		return (v->flags & VM_EXEC) ? "write to program text" :
					      "write to read-only region";
	if (!(v->flags & VM_PROT_MASK))
		return "access to a region without rights";
	return NULL;
}

int mm_fault(struct mm *mm, uintptr_t addr, unsigned int access,
	     const char **reason)
{
	uintptr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	bool write = access & FAULT_WRITE;
	bool missing;
	unsigned int prot;
	struct vma *v;
	pfn_t pfn;
	int err;

	if (addr >= PAGE_OFFSET) {
		*reason = "user access to kernel half";
		return -EFAULT;
	}
	v = mm_find_vma(mm, addr);
	if (!v && !(v = stack_grow(mm, addr, reason)))
		return -EFAULT;
	*reason = rights_refuse(v, write);
	if (*reason)
		return -EFAULT;
	mm_stat.faults++;	/* a fault Linux's handle_mm_fault() would see */
	missing = !(access & FAULT_PRESENT) ||
		  vmm_translate(mm->pd, va, &pfn, &prot) != 0;
	if (missing && (v->flags & VM_SHM))
		err = shm_fault(mm, v, va);
	else if (missing)
		err = fault_missing(mm, v, va, write);
	else if (write && !(prot & MMU_WRITE) && (v->flags & VM_SHARED))
		err = vmm_protect(mm->pd, va, prot | MMU_WRITE);
	else if (write && !(prot & MMU_WRITE))
		err = fault_cow(mm, va, pfn);
	else if (!(prot & MMU_USER))
		err = vmm_protect(mm->pd, va, prot | MMU_USER);
	else
		err = 0;	/* already resolved (a stale TLB entry) */
	if (err) {
		*reason = "out of memory";
		return -ENOMEM;
	}
	return 0;
}

int mm_populate(struct mm *mm, struct vma *v)
{
	uintptr_t va;

	for (va = v->start; va < v->end; va += PAGE_SIZE) {
		if (vmm_translate(mm->pd, va, NULL, NULL) == 0)
			continue;
		if (fault_missing(mm, v, va, true) != 0)
			return -ENOMEM;
	}
	return 0;
}

void mm_count_kill(bool oom)
{
	if (oom)
		mm_stat.oom_kill++;
	else
		mm_stat.segfault++;
}

void mm_get_stats(struct mm_stats *st)
{
	unsigned long flags = arch_irq_save();

	*st = mm_stat;
	arch_irq_restore(flags);
}
