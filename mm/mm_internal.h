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

#endif /* MM_MM_INTERNAL_H */
