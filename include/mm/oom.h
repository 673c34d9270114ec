/*
 * What the out-of-memory killer weighs: an address space's usage in the
 * terms of Linux's "Killed process" line, its badness score, and the
 * reclaim tried before anything is killed.  The choice of a victim and
 * the kill belong to the process layer (kernel/oom.c).
 *
 * Locking: as include/mm/mm.h; oom_reclaim() takes the zone and cache
 * locks itself.
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include "mm/mm.h"

/* An address space's usage, in pages. */
struct oom_usage {
	uint32_t total_vm;		/* bytes of all regions / PAGE_SIZE */
	uint32_t anon_rss;		/* frames mapped, not a segment's */
	uint32_t shmem_rss;		/* System V segments' frames mapped */
	uint32_t pgtables;		/* page tables of the user half */
};

/* Fill @u for @mm.  Context: process context.  Returns: nothing. */
void mm_oom_usage(struct mm *mm, struct oom_usage *u);

/*
 * mm_oom_badness - the frames that killing @mm's owner would free at
 * most: the entries mapping a frame (rss, shared ones included) plus the
 * user half's page tables, as Linux's oom_badness() without the
 * oom_score_adj term (every process has 0).
 * Returns: the score, in pages.
 */
uint32_t mm_oom_badness(struct mm *mm);

/*
 * oom_reclaim - what can be had without a kill: every zone's hot lists
 * drained back to the buddy maps (a block of a higher order may form, and
 * no frame waits on a list) and the empty slabs of every cache given
 * back.  Context: process context, no mm lock held.
 * Returns: the frames that came back to the free counts.
 */
uint32_t oom_reclaim(void);

#endif /* MM_OOM_H */
