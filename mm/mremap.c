/*
 * Changes to existing anonymous mappings: mremap (shrink, grow in place,
 * move) and madvise (MADV_DONTNEED).
 *
 * Design.  A move never copies a byte: the entries of the old range are
 * mapped at the new one (the same frames, the same rights, the zero page
 * included) and then cleared from the old one, so the frame and entry
 * counts of the space do not change and contents survive by
 * construction.  The order makes a failure change nothing: the checks,
 * the commit limit and the descriptor come first, the splits at the old
 * range's bounds next (a split changes no mapping), then the new entries
 * are made, and only when all of them are in place are the old ones
 * cleared; if a page table for the new range cannot be had, the new
 * entries made so far are removed again and the call fails.  A VM_SHARED
 * region keeps every page populated (see mm/fault.c), so its growth is
 * populated before it becomes part of the region; again a failure takes
 * back what was done.  Growing in place simply moves the region's end.
 *
 * Only anonymous regions grow or move: the program image keeps its
 * offsets into the image, the heap belongs to brk, the stack to its
 * reserve and a System V attach to shmat/shmdt, so those get -EFAULT, as Linux answers for mappings that
 * cannot be expanded.  A shrink is an munmap of the tail and works on
 * anything.
 *
 * MADV_DONTNEED checks that the whole range is mapped before dropping a
 * page (Linux drops what is mapped and then reports the hole; here a
 * refused call changes nothing).
 *
 * Locking: see include/mm/mm.h; entries change through mm/vmm.c.
 */
#include "mm/buddy.h"
#include "mm/vmm.h"
#include "mm_internal.h"

/*
 * Regions mremap leaves alone: the image, heap and stack have their own
 * calls (brk, the stack's growth); a System V attach moves only by shmdt
 * and shmat, so its segment's attach count stays exact.
 */
#define VM_FIXED_KIND	(VM_IMAGE | VM_HEAP | VM_GROWSDOWN | VM_SHM)

/* Is every page of [start, end) inside a region? */
static bool range_mapped(struct mm *mm, uintptr_t start, uintptr_t end)
{
	while (start < end) {
		struct vma *v = mm_find_vma(mm, start);

		if (!v)
			return false;
		start = v->end;
	}
	return true;
}

int mm_madvise(struct mm *mm, uintptr_t start, size_t len, bool dontneed)
{
	/* in 64 bits, so that the host wraps where i386 does */
	uint64_t end64 = (uint64_t)start + ALIGN_UP((uint64_t)len, PAGE_SIZE);
	uintptr_t end = (uintptr_t)end64;
	struct vma *v;

	if (!IS_ALIGNED(start, PAGE_SIZE) || end64 > 0x100000000ull)
		return -EINVAL;		/* the range wraps */
	if (len == 0)
		return 0;
	if (end > PAGE_OFFSET || !range_mapped(mm, start, end))
		return -ENOMEM;
	if (!dontneed)
		return 0;
	for (v = vma_from(mm, start); v && v->start < end; v = next_vma(v))
		if (!(v->flags & VM_SHARED))
			unmap_pages(mm, MAX(v->start, start), MIN(v->end, end));
	return 0;
}

/* --- moving pages --------------------------------------------------------- */

/* Remove the entries of [start, end) without touching their frames. */
static void forget_entries(struct mm *mm, uintptr_t start, uintptr_t end)
{
	int err = vmm_unmap_range(mm->pd, start, end, NULL, NULL);

	MM_ASSERT(err == 0);
}

/*
 * Map at @to + off every entry present at @from + off, off < @len, with
 * its frame and rights; the old entries stay.
 * Returns: 0, or -ENOMEM with the new entries removed again.
 */
static int mirror_entries(struct mm *mm, uintptr_t from, uintptr_t to,
			  size_t len)
{
	uintptr_t off;

	for (off = 0; off < len; off += PAGE_SIZE) {
		unsigned int prot;
		pfn_t pfn;

		if (vmm_translate(mm->pd, from + off, &pfn, &prot) != 0)
			continue;
		if (vmm_map(mm->pd, to + off, pfn, prot) != 0) {
			if (off)
				forget_entries(mm, to, to + off);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Zeroed frames for [start, end) of VM_SHARED region flags @flags. */
static int populate_range(struct mm *mm, uintptr_t start, uintptr_t end,
			  unsigned int flags)
{
	struct vma tmp = { .start = start, .end = end, .flags = flags };

	if (start == end || !(flags & VM_SHARED))
		return 0;
	if (mm_populate(mm, &tmp) == 0)
		return 0;
	unmap_pages(mm, start, end);
	return -ENOMEM;
}

/*
 * Move the pages of [old, old + old_len) to the free range [to, to +
 * new_len): populate the growth of a VM_SHARED region (@flags), mirror the
 * entries, then clear the old ones and drop the frames of a shrunk tail.
 * Returns: 0, or -ENOMEM with no mapping changed.
 */
static int move_pages(struct mm *mm, uintptr_t old, size_t old_len,
		      uintptr_t to, size_t new_len, unsigned int flags)
{
	size_t keep = MIN(old_len, new_len);
	int err = populate_range(mm, to + keep, to + new_len, flags);

	if (!err && (err = mirror_entries(mm, old, to, keep)) != 0)
		unmap_pages(mm, to + keep, to + new_len);
	if (err)
		return err;
	forget_entries(mm, old, old + keep);
	if (old_len > keep)
		unmap_pages(mm, old + keep, old + old_len);
	return 0;
}

/* --- mremap --------------------------------------------------------------- */

/* The region that holds all of [old, old + len) and may grow or move. */
static int movable_region(struct mm *mm, uintptr_t old, size_t len,
			  struct vma **out)
{
	struct vma *v = mm_find_vma(mm, old);

	if (!v || len > v->end - old || (v->flags & VM_FIXED_KIND))
		return -EFAULT;
	*out = v;
	return 0;
}

/* Grow @v's end in place to @new_end, if the range above is free. */
static int grow_in_place(struct mm *mm, struct vma *v, uintptr_t new_end)
{
	struct vma *next = next_vma(v);
	uintptr_t limit = mm->stack_limit - USER_STACK_GUARD;
	int err;

	if (new_end < v->end || new_end > limit ||
	    (next && next->start < new_end))
		return -ENOMEM;
	err = populate_range(mm, v->end, new_end, v->flags);
	if (!err) {
		mm_vm_grew(mm, (uint32_t)((new_end - v->end) >> PAGE_SHIFT));
		v->end = new_end;
	}
	return err;
}

/* Checks of MM_REMAP_FIXED's target. */
static int fixed_target_ok(uintptr_t old, size_t old_len, uintptr_t to,
			   size_t new_len)
{
	if (!IS_ALIGNED(to, PAGE_SIZE) || to < USER_MIN ||
	    to >= PAGE_OFFSET || new_len > PAGE_OFFSET - to)
		return -EINVAL;
	if (to < old + old_len && old < to + new_len)
		return -EINVAL;		/* overlapping ranges */
	return 0;
}

/* Split the regions at the bounds of [start, start + len). */
static int split_bounds(struct mm *mm, uintptr_t start, size_t len)
{
	int err = vma_split_at(mm, start);

	return err ? err : vma_split_at(mm, start + len);
}

/*
 * A move to @to (MM_REMAP_FIXED: replacing what is there) or anywhere.
 * Every split and the descriptor come before the first change; after
 * them only a missing page table can fail the move, and with
 * MM_REMAP_FIXED what was at @to is then gone, as on Linux.
 */
static int remap_move(struct mm *mm, uintptr_t old, size_t old_len,
		      size_t new_len, uintptr_t to, bool fixed,
		      uintptr_t *result)
{
	struct vma *n, *v;
	int err;

	if (mm->nr_vmas + 5 > MM_MAX_VMAS)	/* four splits, the new one */
		return -ENOMEM;
	if (!fixed && mm_unmapped_area(mm, new_len, &to) != 0)
		return -ENOMEM;
	n = vma_alloc();
	if (!n)
		return -ENOMEM;
	err = split_bounds(mm, old, old_len);
	if (!err && fixed)
		err = split_bounds(mm, to, new_len);
	if (!err && fixed) {
		err = mm_unmap_region(mm, to, new_len);
		MM_ASSERT(err == 0);	/* split at its bounds: no split */
	}
	v = mm_find_vma(mm, old);	/* now exactly the old range */
	if (!err)
		err = move_pages(mm, old, old_len, to, new_len, v->flags);
	if (err) {
		vma_free(n);
		return err;
	}
	*n = *v;
	memset(&n->node, 0, sizeof(n->node));
	n->start = to;
	n->end = to + new_len;
	vma_remove(mm, v);
	vma_free(v);
	vma_insert(mm, n);
	*result = to;
	return 0;
}

/* Shrink in place: unmap the tail [old + new_len, old + old_len). */
static int remap_shrink(struct mm *mm, uintptr_t old, size_t old_len,
			size_t new_len)
{
	int err;

	if (new_len == old_len)
		return 0;
	err = split_bounds(mm, old + new_len, old_len - new_len);
	if (err)
		return err;
	err = mm_unmap_region(mm, old + new_len, old_len - new_len);
	MM_ASSERT(err == 0);	/* split at its bounds: no split */
	return 0;
}

/* Checks of the arguments that do not depend on the regions. */
static int remap_args(uintptr_t old, size_t *old_len, size_t *new_len,
		      unsigned int flags)
{
	if ((flags & ~(MM_REMAP_MAYMOVE | MM_REMAP_FIXED)) ||
	    ((flags & MM_REMAP_FIXED) && !(flags & MM_REMAP_MAYMOVE)) ||
	    !IS_ALIGNED(old, PAGE_SIZE))
		return -EINVAL;
	if (*old_len > PAGE_OFFSET || *new_len > PAGE_OFFSET)
		return -EINVAL;
	*old_len = ALIGN_UP(*old_len, PAGE_SIZE);
	*new_len = ALIGN_UP(*new_len, PAGE_SIZE);
	if (*old_len == 0 || *new_len == 0)
		return -EINVAL;
	return 0;
}

int mm_mremap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len,
	      unsigned int flags, uintptr_t new_addr, uintptr_t *result)
{
	bool fixed = flags & MM_REMAP_FIXED;
	struct vma *v;
	int err = remap_args(old, &old_len, &new_len, flags);

	if (!err && fixed)
		err = fixed_target_ok(old, old_len, new_addr, new_len);
	if (err)
		return err;
	if (!mm_find_vma(mm, old))
		return -EFAULT;
	if (!fixed && new_len <= old_len) {
		err = remap_shrink(mm, old, old_len, new_len);
		if (!err)
			*result = old;
		return err;
	}
	err = movable_region(mm, old, old_len, &v);
	if (err)
		return err;
	if (new_len > old_len &&
	    !mm_commit_ok((new_len - old_len) >> PAGE_SHIFT))
		return -ENOMEM;
	if (!fixed && old + old_len == v->end &&
	    grow_in_place(mm, v, old + new_len) == 0) {
		*result = old;
		return 0;
	}
	if (!(flags & MM_REMAP_MAYMOVE))
		return -ENOMEM;
	return remap_move(mm, old, old_len, new_len, new_addr, fixed, result);
}
