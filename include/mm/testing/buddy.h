/*
 * Buddy allocator hooks for tests only: the host tests and fuzzers, the
 * kernel's selftests and its stress commands.  They drain, record and
 * restore hot lists and ask the free maps about single frames, which a
 * test needs to leave the allocator as it found it and no caller of the
 * allocator ever should.  The header sits in include/ so that every
 * build reaches it with the include path it already has, and in a
 * directory of its own so that include/mm/ stays the contract.
 */
#ifndef MM_TESTING_BUDDY_H
#define MM_TESTING_BUDDY_H

#include "mm/buddy.h"

/* A block on a hot list, as buddy_hot_save() records it. */
struct hot_block {
	pfn_t pfn;
	uint32_t order;
};

/*
 * buddy_hot_save - record the blocks on the zone's hot lists in @out (at
 * most @max, HOT_SLOTS always suffices), order 0 first, each list from
 * its bottom, and drain them into the buddy maps.
 * buddy_hot_restore - take the recorded blocks that are still free off
 * the buddy maps and back onto their lists, in their old order.
 * Together they let a test run on fully coalesced maps and then leave
 * the zone as it found it (buddyinfo counts equal).
 * Context: any.  Returns: blocks recorded; nothing.
 */
unsigned int buddy_hot_save(struct zone *zone, struct hot_block *out,
			    unsigned int max);
void buddy_hot_restore(struct zone *zone, const struct hot_block *blocks,
		       unsigned int n);

/*
 * The buddyinfo counts of every zone with the hot lists set aside, for a
 * test that must leave the allocator as it found it:
 * buddy_snapshot_take() saves and drains every hot list and records the
 * counts; buddy_snapshot_restore() drains again, prints one line for each
 * count that differs, and puts the saved hot frames back.  Both wait
 * (buddy_drain_hot_sync()) for the other online CPUs' lists, which only
 * CPUs able to take a kick give back then; only this CPU's are saved.
 * Context: any (process context in practice: selftest, stress).
 * Returns: nothing; the number of counts that differ.
 */
struct buddy_snapshot {
	uint32_t counts[MAX_NR_ZONES][NR_ORDERS];
	uint32_t free_pages[MAX_NR_ZONES];
	struct hot_block hot[MAX_NR_ZONES][HOT_SLOTS];
	unsigned int nr_hot[MAX_NR_ZONES];
};

void buddy_snapshot_take(struct buddy_snapshot *snap);
unsigned int buddy_snapshot_restore(const struct buddy_snapshot *snap);

/*
 * buddy_is_free_head - is pfn the head of a free block of exactly this
 * order (a maximal free chunk) in the zone's maps?
 * buddy_frame_free - is pfn free in the zone's maps (not hot)?
 * Context: zone->lock held, or a snapshot that cannot change.
 * Returns: true or false.
 */
bool buddy_is_free_head(const struct zone *zone, pfn_t pfn,
			unsigned int order);
bool buddy_frame_free(const struct zone *zone, pfn_t pfn);

/*
 * buddy_warn_reset - forget the rate limit of the allocation-failure
 * lines, so that a test case starts with a full burst.
 * Context: no allocator in use.
 */
void buddy_warn_reset(void);

#endif /* MM_TESTING_BUDDY_H */
