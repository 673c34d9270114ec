/*
 * The memory side of the out-of-memory killer: usage, badness, reclaim.
 *
 * Design.  The score of a space is the frames its death could give back:
 * rss (every entry mapping a frame, copy-on-write and System V frames
 * included, as Linux's get_mm_rss() counts them) plus its page tables,
 * read from the directory (one lookup per 4 MiB of the user half).  A
 * frame shared with another space is counted in both, so a kill may free
 * less than the score says; the killer then retries and may choose
 * again.  Reclaim is what costs no process: the hot lists and the empty
 * slabs.  Nothing here chooses or kills (kernel/oom.c does).
 *
 * Locking: see include/mm/oom.h.
 */
#include "mm/buddy.h"
#include "mm/oom.h"
#include "mm/slab.h"
#include "mm/vmm.h"
#include "mm/zones.h"
#include "mm_internal.h"

void mm_oom_usage(struct mm *mm, struct oom_usage *u)
{
	struct vma *v;

	u->total_vm = 0;
	for (v = mm_next_vma(mm, 0); v; v = mm_next_vma(mm, v->start))
		u->total_vm += (uint32_t)((v->end - v->start) >> PAGE_SHIFT);
	u->anon_rss = mm->rss - mm->shm_rss;
	u->shmem_rss = mm->shm_rss;
	u->pgtables = mm_user_pgtables(mm);
}

uint32_t mm_oom_badness(struct mm *mm)
{
	return mm->rss + mm_user_pgtables(mm);
}

uint32_t oom_reclaim(void)
{
	uint32_t before = zones_total_free(), after;
	unsigned int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (zone_populated(&zones[z]))
			buddy_drain_hot(&zones[z]);
	kmem_cache_shrink_all();
	after = zones_total_free();
	return after > before ? after - before : 0;
}
