/*
 * Where user regions go: the randomised layout of a space (stack top,
 * mmap base, brk start) and the placement of new mmap areas (free-range
 * search, address hints, MAP_FIXED and MAP_FIXED_NOREPLACE).
 *
 * Design.  A layout is three page offsets drawn by the loader (the kernel
 * passes random ones, or zeros under `norandmaps`); this file only checks
 * and applies them, so the host tests can choose them.  The stack top
 * moves down from USER_STACK_TOP, the stack's reserve and guard gap move
 * with it, and the mmap base lies a further random distance below the
 * gap; the heap starts a random distance above the program image.  The
 * ranges do not overlap by construction (see include/mm/mm.h), and
 * mm_layout_check() says so for every space.
 *
 * New areas are placed top-down from mm->mmap_base into the first gap
 * between regions that is large enough.  A hint is honoured when its
 * range is free and lies below the stack's guard gap, so that no hint can
 * take the room the stack grows into; otherwise the search decides, as
 * Linux does.  MAP_FIXED is the exception that may go anywhere in the
 * user half: it replaces what is there.  Its order makes a refusal change
 * nothing: arguments, the commit limit and the region count are checked
 * and the new descriptor is allocated first, then the regions that cross
 * the range's bounds are split (a split alone changes no mapping), then
 * the range is unmapped (this needs no memory and cannot fail) and the new
 * region inserted.
 *
 * Locking: see include/mm/mm.h.
 */
#include "mm/buddy.h"
#include "mm/vmm.h"
#include "mm_internal.h"

int mm_set_layout(struct mm *mm, uint32_t stack_pages, uint32_t mmap_pages)
{
	if (stack_pages >= USER_STACK_RND_PAGES ||
	    mmap_pages >= USER_MMAP_RND_PAGES || mm->nr_vmas != 0)
		return -EINVAL;
	mm->stack_top = USER_STACK_TOP - (uintptr_t)stack_pages * PAGE_SIZE;
	mm->stack_limit = mm->stack_top - USER_STACK_MAX;
	mm->mmap_base = mm->stack_limit - USER_STACK_GUARD -
			(uintptr_t)mmap_pages * PAGE_SIZE;
	return 0;
}

uint32_t mm_brk_rnd_pages(const struct mm *mm, uintptr_t image_end)
{
	uintptr_t start = ALIGN_UP(image_end, PAGE_SIZE);
	uintptr_t room;

	if (start < image_end || start >= mm->mmap_base)
		return 1;
	room = (mm->mmap_base - start) >> PAGE_SHIFT;
	return room < USER_BRK_RND_PAGES ? (uint32_t)room + 1 :
					    USER_BRK_RND_PAGES;
}

int mm_set_brk_start(struct mm *mm, uintptr_t image_end, uint32_t pages)
{
	uintptr_t start = ALIGN_UP(image_end, PAGE_SIZE);

	if (start < image_end || pages >= USER_BRK_RND_PAGES ||
	    start > mm->mmap_base ||
	    pages > (mm->mmap_base - start) >> PAGE_SHIFT)
		return -EINVAL;
	mm->brk_start = mm->brk = start + (uintptr_t)pages * PAGE_SIZE;
	return 0;
}

unsigned int mm_layout_check(struct mm *mm)
{
	uintptr_t gap_low = mm->stack_limit - USER_STACK_GUARD;

	if (IS_ALIGNED(mm->stack_top, PAGE_SIZE) &&
	    mm->stack_top <= USER_STACK_TOP &&
	    mm->stack_top > USER_STACK_TOP -
			    USER_STACK_RND_PAGES * PAGE_SIZE &&
	    mm->stack_limit == mm->stack_top - USER_STACK_MAX &&
	    IS_ALIGNED(mm->mmap_base, PAGE_SIZE) && mm->mmap_base <= gap_low &&
	    mm->mmap_base > gap_low - USER_MMAP_RND_PAGES * PAGE_SIZE &&
	    mm->brk_start <= mm->mmap_base)
		return 0;
	printk("mm: bad layout: stack top 0x%08x limit 0x%08x, mmap base 0x%08x, brk start 0x%08x\n",
	       (unsigned int)mm->stack_top, (unsigned int)mm->stack_limit,
	       (unsigned int)mm->mmap_base, (unsigned int)mm->brk_start);
	return 1;
}

/* --- placing new areas -------------------------------------------------- */

/* Does any region overlap [start, start + len)? */
static bool range_used(struct mm *mm, uintptr_t start, size_t len)
{
	struct vma *v = vma_from(mm, start);

	return v && v->start < start + len;
}

int mm_unmapped_area(struct mm *mm, size_t len, uintptr_t *addr)
{
	uintptr_t top = mm->mmap_base, cand;
	struct vma *v;

	for (;;) {
		if (top < USER_MIN || top - USER_MIN < len)
			return -ENOMEM;
		cand = top - len;
		v = vma_from(mm, cand);
		if (!v || v->start >= top)
			break;
		top = v->start;
	}
	*addr = cand;
	return 0;
}

/* May a hint place [start, start + len)?  Free, and below the stack gap. */
static bool hint_ok(struct mm *mm, uintptr_t start, size_t len)
{
	uintptr_t limit = mm->stack_limit - USER_STACK_GUARD;

	return start >= USER_MIN && start < limit && len <= limit - start &&
	       !range_used(mm, start, len);
}

int vma_split_at(struct mm *mm, uintptr_t at)
{
	struct vma *v = mm_find_vma(mm, at);

	return v && v->start < at ? vma_split(mm, v, at) : 0;
}

/*
 * Put the descriptor @n for [start, start + len) into the tree after
 * unmapping whatever lay there; @n is consumed either way.
 * Returns: 0, or -ENOMEM from a split (no mapping changed).
 */
static int install_fixed(struct mm *mm, struct vma *n, uintptr_t start,
			 size_t len)
{
	int err = vma_split_at(mm, start);

	if (!err)
		err = vma_split_at(mm, start + len);
	if (err) {
		vma_free(n);
		return err;
	}
	err = mm_unmap_region(mm, start, len);
	MM_ASSERT(err == 0);	/* no region crosses a bound: no split */
	n->start = start;
	n->end = start + len;
	vma_insert(mm, n);
	return 0;
}

/* Checks of an exact address (MM_MAP_FIXED, MM_MAP_NOREPLACE). */
static int exact_ok(struct mm *mm, uintptr_t start, size_t len,
		    unsigned int how)
{
	if (!IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (start < USER_MIN)
		return -EPERM;
	if (start >= PAGE_OFFSET || len > PAGE_OFFSET - start)
		return -ENOMEM;
	if ((how & MM_MAP_NOREPLACE) && range_used(mm, start, len))
		return -EEXIST;
	return 0;
}

/* Where a new area goes: the exact address, the hint, or a search. */
static int place(struct mm *mm, uintptr_t hint, size_t len, unsigned int how,
		 uintptr_t *start)
{
	uintptr_t h = ALIGN_UP(hint, PAGE_SIZE);
	int err;

	if (how) {
		err = exact_ok(mm, hint, len, how);
		*start = hint;
		return err;
	}
	if (hint && h >= hint && hint_ok(mm, h, len)) {
		*start = h;
		return 0;
	}
	return mm_unmapped_area(mm, len, start);
}

int mm_mmap_at(struct mm *mm, uintptr_t hint, size_t len, unsigned int prot,
	       unsigned int how, uintptr_t *addr)
{
	uintptr_t start;
	struct vma *n;
	int err;

	if (len == 0 || (prot & ~(VM_PROT_MASK | VM_SHARED)) ||
	    (how & ~(MM_MAP_FIXED | MM_MAP_NOREPLACE)))
		return -EINVAL;
	if (len > PAGE_OFFSET - USER_MIN)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (how & MM_MAP_NOREPLACE)
		how = MM_MAP_NOREPLACE;		/* it wins over MM_MAP_FIXED */
	err = place(mm, hint, len, how, &start);
	if (err)
		return err;
	if (!mm_commit_ok(len >> PAGE_SHIFT) ||
	    mm->nr_vmas + 3 > MM_MAX_VMAS)	/* the area and two splits */
		return -ENOMEM;
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	n->flags = prot;
	err = install_fixed(mm, n, start, len);
	if (err)
		return err;
	if ((prot & VM_SHARED) && mm_populate(mm, n) != 0) {
		mm_unmap_region(mm, start, len);
		return -ENOMEM;
	}
	*addr = start;
	return 0;
}
