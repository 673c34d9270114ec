/*
 * The buddy allocator's hot lists: per-zone stacks of free blocks of
 * orders 0..HOT_ORDERS-1 in front of the free maps (struct hot_list in
 * include/mm/zones.h).  mm/buddy.c pushes and pops on its fast paths;
 * this file moves blocks between the lists and the maps.
 *
 * Design.  A refill takes blocks in the order that requests of that order
 * would get them from the maps (the lowest-addressed free block that
 * fits, split from its front), a whole batch from one search where the
 * block found is big enough, and stacks them so that the lowest is popped
 * first.  A drain puts blocks back and merges them, choosing which by
 * the rule stated at hot_drain_order(): the newest stay for the next
 * requests.  In a large zone a refill also sets the list's size
 * (hot_refill_high()).
 * Every list is drained whole when a zone is short of its reserve or
 * when that would let the maps meet a request they cannot meet now
 * (hot_drain_helps_locked()), so no request fails for want of a hot
 * frame; a request that fails all the same puts back, from every list,
 * the blocks above the maps' lowest free frame.  The lists only ever
 * hold frames while the maps hold the zone's low watermark (B9), which
 * is what lets a pop skip the watermark test.  zone_counters() turns the
 * lists' accounting into allocation and free counts: the fast paths
 * count nothing else.
 *
 * Locking: every _locked function runs under zone->lock (interrupts off);
 * the public ones take it.  Any context.
 */
#include "buddy_internal.h"
#include "mm/testing/buddy.h"

/* The lowest free frame of the maps (its index), or HB_NONE. */
BUDDY_INLINE uint32_t maps_low(const struct zone *zone)
{
	uint32_t low = HB_NONE;
	unsigned int o;

	for (o = 0; o < NR_ORDERS; o++)
		low = MIN(low, zone->free_area[o].low);
	return low;
}

/* Put the hot block at page back into the maps, merging. */
BUDDY_INLINE void hot_put_one(struct zone *zone, struct page *page,
			      unsigned int o)
{
	page->flags &= PG_ZONE_MASK;
	buddy_put_locked(zone, page_to_pfn(page), o);
}

/*
 * How many blocks of the order-o list lie at or above the lowest free
 * frame of the maps, after moving them to the top of the stack; the ones
 * below keep their order at the bottom.  The partition has no branch on
 * the test (frees come in any order, so it would be a coin toss): each
 * block is swapped to the front of those above.
 */
BUDDY_INLINE uint32_t hot_sort_above(struct zone *zone, struct hot_list *hot)
{
	struct page **stack = hot->slots;
	uint32_t from = maps_low(zone), count = hot->count, kept = 0, i;

	if (from == HB_NONE)
		return 0;
	for (i = 0; i < count; i++) {
		struct page *page = stack[i];

		stack[i] = stack[kept];
		stack[kept] = page;
		/* the compare is added as its carry (cmp, adc), not branched on */
		kept += page_to_pfn(page) - zone->map_base < from;
	}
	return count - kept;
}

/*
 * Drain at least n blocks of the order-o list (all of them if it holds no
 * more).  This is the drain rule; other comments point here.  A partial
 * drain looks first at the blocks above the lowest free frame of the
 * maps: placement hands out the frames below before them, so such a
 * block kept hot is one the maps would not give out yet, and a list that
 * keeps them spreads small blocks over the zone.  Up to n of them go
 * back, and the oldest (the bottom of the stack) make up the rest; the
 * newest stay for the next requests.  When more than n lie above, the
 * list is out of step with the maps (a burst of frees in random order):
 * all of those go back, and the ones below too unless they are more than
 * n, since a few kept would only bring the next drain sooner while many
 * kept spare the list a refill.  n = 0 puts back exactly the blocks
 * above (hot_drain_above_locked()).
 */
BUDDY_INLINE void hot_drain_order(struct zone *zone, struct hot_list *hot,
				  unsigned int o, uint32_t n)
{
	struct page **stack = hot->slots;
	uint32_t i, above = 0;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	if (n < hot->count)
		above = hot_sort_above(zone, hot);
	if (above > n)		/* and the rest too if no more than n */
		n = hot->count - above <= n ? hot->count : above;
	for (i = hot->count - above; i < hot->count; i++)
		hot_put_one(zone, stack[i], o);
	hot_count_set(hot, hot->count - above);
	n = MIN(n - above, hot->count);	/* n >= above here */
	for (i = 0; i < n; i++)
		hot_put_one(zone, stack[i], o);
	hot_count_set(hot, hot->count - n);
	/* The rest slide to the bottom (n = 0: they are there already). */
	if (n)	/* the elements are pointers */
		memmove(stack, stack + n,
			hot->count * sizeof(struct page *)); /* NOLINT(bugprone-sizeof-expression) */
	hot->drained += above + n;
}

/*
 * The two calls are the same call: each inlines hot_drain_order(), and
 * the first with o a constant 0, a copy whose shifts and stack base fold
 * away.  Order 0 carries most drains, so it gets that copy.
 */
static void hot_list_drain_locked(struct zone *zone, struct hot_list *set,
				  unsigned int o, uint32_t n)
{
	if (o == 0)
		hot_drain_order(zone, &set[0], 0, n);
	else
		hot_drain_order(zone, &set[o], o, n);
}

void hot_drain_locked(struct zone *zone, unsigned int o, uint32_t n)
{
	hot_list_drain_locked(zone, zone_cpu_hot(zone), o, n);
}

void hot_drain_above_locked(struct zone *zone)
{
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++)
		hot_drain_locked(zone, o, 0);
}

void hot_set_drain_locked(struct zone *zone, struct hot_list *set)
{
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++)
		if (set[o].count)
			hot_list_drain_locked(zone, set, o, ~0u);
}

/* This CPU's lists now; every other CPU's now or at its next entry. */
void hot_drain_all_locked(struct zone *zone)
{
	hot_set_drain_locked(zone, zone_cpu_hot(zone));
	pcp_drain_others_locked(zone);
}

/*
 * This CPU's lists, smallest order first, until the maps are back at the
 * low watermark; if they are not, the other CPUs' lists too (B9).
 */
void hot_trim_slow_locked(struct zone *zone)
{
	uint32_t low = zone->watermark[WMARK_LOW];
	unsigned int o;

	for (o = 0; o < HOT_ORDERS && zone->buddy_pages < low; o++) {
		uint32_t short_by = low - zone->buddy_pages;

		hot_drain_locked(zone, o, (short_by + (1u << o) - 1) >> o);
	}
	if (zone->buddy_pages < low)
		pcp_drain_others_locked(zone);
}

/*
 * Would draining every list let the maps meet a request of this order,
 * which they cannot meet now?  Only if an aligned block of 2^order frames
 * is then wholly free: a region holding a hot block (the maps hold no
 * free block of that order or above, B5 having merged all they could)
 * whose every frame is in a free block of the maps or in a hot block.
 * For each hot block, hot_region_free() tests its buddy at each order up
 * to the request's, and each buddy no further than its first frame in
 * use; a region found not free is remembered (HOT_SEEN slots, by region
 * number) so that the other hot blocks in it are skipped.  Exact for any
 * number of regions.  A request the maps cannot meet seldom fails for
 * want of hot frames, so answering the question first is cheaper than
 * draining every list for each such request and refilling them after.
 */
#define HOT_SEEN	64	/* regions remembered as not free */

/*
 * Would the aligned block of 2^o frames at map index i be wholly free
 * once the lists are drained: a free block of the maps, a hot block, or
 * two such halves?  Neither a hot block nor an allocated head is ever
 * inside a free block, so the first frame of a half that is neither free
 * nor hot ends the search: the cost is the free blocks before it.
 */
static bool hot_block_free(const struct zone *zone, uint32_t i,
			   unsigned int o)
{
	const pfn_t pfn = zone->map_base + i;
	const struct page *page;

	if (block_test(zone, i, o))
		return true;
	if (!zone_spans_pfn(zone, pfn))
		return false;
	page = pfn_to_page(pfn);
	if (page_test(page, PG_hot) && page_order(page) == o)
		return true;
	if (o == 0 || page_test(page, PG_head | PG_reserved))
		return false;		/* in use */
	return hot_block_free(zone, i, o - 1) &&
	       hot_block_free(zone, i + (1u << (o - 1)), o - 1);
}

/* Is the hot block at map index i, of order o, in a free 2^order region? */
static bool hot_region_free(const struct zone *zone, uint32_t i,
			    unsigned int o, unsigned int order)
{
	for (; o < order; o++) {	/* its buddy at each order up */
		i &= ~((1u << o) - 1);
		if (!hot_block_free(zone, i ^ (1u << o), o))
			return false;
	}
	return true;
}

/* The same question for the lists of one set. */
static bool hot_set_helps_locked(const struct zone *zone,
				 const struct hot_list *set,
				 unsigned int order, uint32_t *seen)
{
	uint32_t i;
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++) {
		const struct hot_list *hot = &set[o];

		if (o >= order && hot->count)	/* a block that fits as it is */
			return true;
		for (i = 0; i < hot->count; i++) {
			uint32_t at = page_to_pfn(hot->slots[i]) -
				      zone->map_base;
			uint32_t *slot = &seen[(at >> order) % HOT_SEEN];

			if (*slot == at >> order)
				continue;	/* its region is not free */
			if (hot_region_free(zone, at, o, order))
				return true;
			*slot = at >> order;
		}
	}
	return false;
}

/*
 * Over the lists this CPU may drain now (pcp_drainable()): the others
 * are drained only when their CPUs next come by.
 */
bool hot_drain_helps_locked(const struct zone *zone, unsigned int order)
{
	uint32_t seen[HOT_SEEN];
	unsigned int c;

	memset(seen, 0xff, sizeof(seen));	/* no region is numbered ~0 */
	for (c = 0; c < MM_MAX_CPUS; c++)
		if (zone->cpu_hot[c] && pcp_drainable(c) &&
		    hot_set_helps_locked(zone, zone->cpu_hot[c], order, seen))
			return true;
	return false;
}

/* [pfn, end) goes back to the maps as the maximal aligned blocks it is. */
static void hot_put_rest_locked(struct zone *zone, pfn_t pfn, pfn_t end)
{
	unsigned int o;

	for (o = 0; pfn < end; o++) {
		if (pfn & (1u << o)) {
			block_add(zone, pfn - zone->map_base, o);
			pfn += 1u << o;
		}
	}
}

/* The lowest free block of an order above o (its frame index), or HB_NONE. */
BUDDY_INLINE uint32_t hot_low_above(const struct zone *zone, unsigned int o)
{
	uint32_t best = HB_NONE;

	for (o++; o < NR_ORDERS; o++)
		best = MIN(best, zone->free_area[o].low);
	return best;
}

/* Take the order-o block at frame index i off the maps as a hot block. */
BUDDY_INLINE struct page *hot_take_one(struct zone *zone, uint32_t i,
				       unsigned int o)
{
	struct page *page = pfn_to_page(zone->map_base + i);

	block_del(zone, i, o);
	zone->buddy_pages -= 1u << o;
	hot_mark(zone, page, o);
	return page;
}

/*
 * Take up to want blocks of order o for the order-o list as calls of
 * buddy_take_locked(zone, o) would hand them out, lowest address first,
 * at a fraction of the map work.  While the lowest block of order o lies
 * below every larger free block, it is the one (the usual case when the
 * low end of the zone is in small pieces): the larger orders' lowest is
 * looked up once, not once per block.  Otherwise the lowest free block
 * that fits, of order m, gives its first k = min(want, 2^(m - o)) blocks
 * at once (they are the next k such calls would return), and the rest of
 * it goes back as the aligned blocks it splits into.  Writes them to out
 * as a stack: the first handed out at out[want - 1], the next below it.
 * Returns: how many.
 */
BUDDY_INLINE uint32_t hot_take_locked(struct zone *zone, unsigned int o,
				      uint32_t want, struct page **out)
{
	uint32_t got = 0, above = hot_low_above(zone, o);

	MM_DEBUG_ASSERT(o < BUDDY_FIT_ORDER);	/* lowest of any order fits */
	while (got < want) {
		unsigned int m, s;
		uint32_t k, n, low = zone->free_area[o].low;
		pfn_t pfn;

		if (low < above) {
			out[want - 1 - got++] = hot_take_one(zone, low, o);
			continue;
		}
		pfn = buddy_find_locked(zone, o, &m);
		if (pfn == PFN_NONE)
			break;
		k = MIN(want - got, 1u << (m - o));
		block_del(zone, pfn - zone->map_base, m);
		zone->buddy_pages -= k << o;
		for (n = 0; n < k; n++) {
			struct page *page = pfn_to_page(pfn + (n << o));

			hot_mark(zone, page, o);
			out[want - 1 - got++] = page;
		}
		for (s = 1; s <= m - o; s++)
			zone->stats.splits += (k + (1u << s) - 1) >> s;
		hot_put_rest_locked(zone, pfn + (k << o), pfn + (1u << m));
		above = hot_low_above(zone, o);
	}
	return got;
}

/*
 * The size rule of a large zone's lists (hot_zone_large()), applied at
 * each refill, when the list is empty: two batches while fewer than an
 * eighth of the zone's frames are in whole free 4 MiB blocks, four
 * otherwise.  Frames on a list are not in the maps to coalesce; while
 * whole blocks are that scarce, the region a list's blocks pin is one a
 * large request would otherwise find whole, so the lists hold half as
 * much.  The list of a zone with frames to spare keeps its four batches
 * and makes half as many trips to the maps.
 */
BUDDY_INLINE void hot_refill_high(const struct zone *zone,
				  struct hot_list *hot)
{
	uint32_t whole = zone->free_area[MAX_ORDER].nr_free << MAX_ORDER;

	if (hot_zone_large(zone))
		hot->high = (whole < zone->managed_pages / 8 ? 2 : 4) *
			    hot->batch;
}

void hot_refill_locked(struct zone *zone, unsigned int o)
{
	struct hot_list *hot = &zone_cpu_hot(zone)[o];
	struct page **stack = hot->slots;
	uint32_t low = zone->watermark[WMARK_LOW], want, got;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock) && hot->count == 0);
	hot_refill_high(zone, hot);
	if (zone->buddy_pages <= low)
		return;
	want = MIN(hot->batch, (zone->buddy_pages - low) >> o);
	if (o == 0)		/* as in hot_drain_locked() */
		got = hot_take_locked(zone, 0, want, stack);
	else
		got = hot_take_locked(zone, o, want, stack);
	if (got < want)		/* the stack starts at the bottom */
		memmove(stack, stack + (want - got),
			got * sizeof(struct page *)); /* NOLINT(bugprone-sizeof-expression) */
	hot_count_set(hot, got);
	hot->refilled += got;
}

/*
 * Every CPU's lists are summed; another CPU's counters are a snapshot
 * while it allocates (exact when the other CPUs are quiet, as checkers
 * and tests run).
 */
void zone_counters(struct zone *zone, struct zone_counters *out)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	uint64_t pushes = 0, pops = 0;
	unsigned int o, c;

	*out = zone->stats;
	for (c = 0; c < MM_MAX_CPUS; c++) {
		for (o = 0; zone->cpu_hot[c] && o < HOT_ORDERS; o++) {
			const struct hot_list *hot = &zone->cpu_hot[c][o];
			uint64_t pushed = hot->pushed_fast + hot->pushed;
			uint64_t popped = pushed + hot->refilled -
					  hot->drained - hot->count;

			pushes += pushed;
			pops += popped;
			out->freed_pages += pushed << o;
			out->alloc_pages += popped << o;
		}
	}
	out->alloc_ok += pops;
	out->freed += pushes;
	out->hot_hits = pops;
	mm_unlock_irqrestore(&zone->lock, flags);
}

void zone_pcp_info(const struct zone *zone, unsigned int cpu,
		   struct zone_pcp_info *out)
{
	const struct hot_list *set = cpu < MM_MAX_CPUS ? zone->cpu_hot[cpu]
						       : NULL;
	unsigned int o;

	out->count = out->high = out->batch = 0;
	if (!set)
		return;
	for (o = 0; o < HOT_ORDERS; o++) {
		out->count += set[o].count << o;
		out->high += set[o].high << o;
	}
	out->batch = set[0].batch;
}

/* ---- set aside and put back (tests, selftest) ---------------------------- */

unsigned int buddy_hot_save(struct zone *zone, struct hot_block *out,
			    unsigned int max)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int n = 0, o;
	uint32_t i;

	const struct hot_list *set = zone_cpu_hot(zone);

	for (o = 0; o < HOT_ORDERS; o++) {
		for (i = 0; i < set[o].count && n < max; i++, n++) {
			out[n].pfn = page_to_pfn(set[o].slots[i]);
			out[n].order = o;
		}
	}
	hot_drain_all_locked(zone);
	mm_unlock_irqrestore(&zone->lock, flags);
	return n;
}

/* Take the free block (pfn, o) off the maps, splitting the one holding it. */
static bool buddy_take_block_locked(struct zone *zone, pfn_t pfn,
				    unsigned int o)
{
	uint32_t i = pfn - zone->map_base, want = i;
	int m = zone_spans_pfn(zone, pfn) ? block_holding(zone, i) : -1;

	if (m < 0 || m < (int)o || !IS_ALIGNED(i, 1u << o))
		return false;
	i &= ~((1u << m) - 1);
	block_del(zone, i, (unsigned int)m);
	zone->buddy_pages -= 1u << o;
	/* Halve down to the block, freeing the half without it each time. */
	while (m-- > (int)o) {
		uint32_t upper = i + (1u << m);

		if (want >= upper) {
			block_add(zone, i, (unsigned int)m);
			i = upper;
		} else {
			block_add(zone, upper, (unsigned int)m);
		}
	}
	return true;
}

void buddy_hot_restore(struct zone *zone, const struct hot_block *blocks,
		       unsigned int n)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int i;

	struct hot_list *set = zone_cpu_hot(zone);

	for (i = 0; i < n; i++) {
		unsigned int o = blocks[i].order;

		if (o >= HOT_ORDERS || set[o].count >= set[o].high ||
		    !buddy_take_block_locked(zone, blocks[i].pfn, o))
			continue;
		hot_push_locked(zone, pfn_to_page(blocks[i].pfn), o);
		set[o].refilled++;
	}
	hot_trim_locked(zone);
	mm_unlock_irqrestore(&zone->lock, flags);
}

void buddy_drain_hot(struct zone *zone)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);

	hot_drain_all_locked(zone);
	mm_unlock_irqrestore(&zone->lock, flags);
}

int buddy_drain_hot_sync(struct zone *zone)
{
	uint32_t cpus = pcp_others_holding(zone);
	uint32_t us = ARCH_SYNC_WAIT_US;

	buddy_drain_hot(zone);
	return pcp_wait_drained(zone, cpus, us) ? 0 : -ETIMEDOUT;
}
