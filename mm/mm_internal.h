/*
 * What mm/mmap.c and mm/fault.c share and nobody else sees: the counters
 * behind mm_get_stats() and the helpers that take and drop user frames.
 */
#ifndef MM_MM_INTERNAL_H
#define MM_MM_INTERNAL_H

#include "mm/mm.h"

extern struct mm_stats mm_stat;

/*
 * mm_drop_frame - forget one user-half entry that mapped @pfn (already
 * unmapped): the zero page is only counted, any other frame is put.
 */
void mm_drop_frame(struct mm *mm, pfn_t pfn);

/*
 * mm_user_pgtables - the page tables of @mm's user half: one per present,
 * non-large directory entry below PAGE_OFFSET.
 */
uint32_t mm_user_pgtables(struct mm *mm);

/* One more entry of @mm maps a frame: rss and its high-water mark (M6). */
void mm_rss_grew(struct mm *mm);

/* @mm's regions grew by @pages: total_vm and its high-water mark (M6). */
static inline void mm_vm_grew(struct mm *mm, uint32_t pages)
{
	mm->total_vm += pages;
	if (mm->total_vm > mm->hiwater_vm)
		mm->hiwater_vm = mm->total_vm;
}

/*
 * mm_user_frame_new - a frame for the user half (GFP_HIGHUSER | @extra),
 * marked PG_user and counted.  Returns: the frame, or NULL.
 */
struct page *mm_user_frame_new(gfp_t extra);

/*
 * mm_user_frame_put - drop one reference to user frame @page; the last
 * one clears PG_user and uncounts it.
 */
void mm_user_frame_put(struct page *page);

/*
 * The region tree and range helpers of mm/mmap.c, for the other files that
 * change regions (mm/mmap_place.c, mm/mremap.c).
 */
struct vma *first_vma(struct mm *mm);
struct vma *next_vma(struct vma *v);
/* The lowest region that ends above @addr, or NULL. */
struct vma *vma_from(struct mm *mm, uintptr_t addr);
/* A zeroed descriptor (counted), or NULL. */
struct vma *vma_alloc(void);
void vma_free(struct vma *v);
void vma_insert(struct mm *mm, struct vma *v);
void vma_remove(struct mm *mm, struct vma *v);
/* Split @v at @at (inside it): @v keeps the low part.  0 or -ENOMEM. */
int vma_split(struct mm *mm, struct vma *v, uintptr_t at);
/* Split the region that strictly contains @at, if any (mmap_place.c). */
int vma_split_at(struct mm *mm, uintptr_t at);
/* Unmap every page of [start, end) and drop its frame. */
void unmap_pages(struct mm *mm, uintptr_t start, uintptr_t end);

/* M6 (mm/mmap_place.c).  Returns: the number of violations, printed. */
unsigned int mm_layout_check(struct mm *mm);

#endif /* MM_MM_INTERNAL_H */
