/*
 * What mm/buddy.c and mm/buddy_hot.c share and nobody else sees: the
 * free-map primitives (block_add() and its kin, merge, split and the
 * placement search) and the hot lists' push and pop.  They sit on every
 * path, fast ones included, so they are always inline; each one's
 * caller holds zone->lock.
 */
#ifndef MM_BUDDY_INTERNAL_H
#define MM_BUDDY_INTERNAL_H

#include "mm/buddy.h"

/*
 * page_poison and init_on_free (mm/page_debug.c): the options on now
 * (PAGE_DEBUG_*, 0 when off); the fill of a block about to be free, under
 * zone->lock; the check of a new block, which returns gfp without
 * __GFP_ZERO when the block is known to be zero already.  Rebuilding the
 * fast path's zone table (mm/buddy.c) keeps requests off it while on.
 */
extern unsigned int page_debug;
void page_debug_free(struct page *page, unsigned int order);
gfp_t page_debug_alloc(struct page *page, unsigned int order, gfp_t gfp);
void buddy_fast_zones_update(void);

/*
 * Under valgrind (host builds), free frames are made inaccessible so that a
 * use after free in any host test is an error; a new block is undefined.
 */
#ifdef MM_VALGRIND
static inline void buddy_mark_free(pfn_t pfn, unsigned int order)
{
	mm_mark_noaccess(arch_phys_to_virt(PFN_PHYS(pfn)), PAGE_SIZE << order);
}

static inline void buddy_mark_alloc(pfn_t pfn, unsigned int order)
{
	mm_mark_undefined(arch_phys_to_virt(PFN_PHYS(pfn)), PAGE_SIZE << order);
}
#else
static inline void buddy_mark_free(pfn_t pfn, unsigned int order)
{
	(void)pfn;
	(void)order;
}

static inline void buddy_mark_alloc(pfn_t pfn, unsigned int order)
{
	(void)pfn;
	(void)order;
}
#endif

/* ---- free maps --------------------------------------------------------- */

/*
 * The map primitives sit on every path, fast ones included: always
 * inline.  They work on map indices (i = pfn - zone->map_base: every map
 * starts at the same 4 MiB-aligned pfn, so the block of order o holding
 * frame i would have its bit at i >> o in map o).  block_add() and
 * block_del() keep nr_free and low exact (B3, B7); whoever moves frames
 * between the maps and the rest adjusts buddy_pages once.
 */
#define BUDDY_INLINE	static inline __attribute__((always_inline))

/*
 * A large zone: one whose batch has reached HOT_BATCH_MAX (hot_room; a
 * zone of about 64 MiB and up).  Its hot lists follow the 4 MiB rules
 * below (buddy_skip_hot(), hot_refill_locked()); a smaller zone has few
 * whole 4 MiB blocks to steer by, and its lists of orders 1-3 keep the
 * rule of their own order.
 */
BUDDY_INLINE bool hot_zone_large(const struct zone *zone)
{
	return zone->hot_room >= HOT_BATCH_MAX;
}

/*
 * The skip rule (stated at buddy_skip_hot()) comes down to one compare
 * with a pfn, hot_skip_from(): a free from that pfn up goes to the maps.
 * Under the 4 MiB rule (order 0 in every zone, orders 1..HOT_ORDERS-1 in
 * a large one) it is the lowest free block of MAX_ORDER.  Under the rule
 * of the block's own order, with low the upper half of a pair, its buddy
 * below it is the one block under low that can merge, so it is that
 * buddy; else just above low.  No such block: PFN_NONE.  Orders below
 * HOT_ORDERS only.
 *
 * The fast free compares with a cached copy, hot[o].skip_from, which B6
 * keeps at or below the exact value: then every block the fast path
 * pushes would have been pushed by the exact rule, and a block between
 * the two goes to the slow path, which applies the exact rule and
 * refreshes the copy (hot_skip_refresh()).  Only a lower low can break
 * that bound, so block_add() lowers the copies when it lowers a low they
 * come from; a higher low (block_del() of the lowest block, which the
 * merge loops do often) leaves them as they are.
 */
BUDDY_INLINE pfn_t hot_skip_from(const struct zone *zone, unsigned int o)
{
	uint32_t low = zone->free_area[o].low;

	MM_DEBUG_ASSERT(o < HOT_ORDERS);
	if (o == 0 || hot_zone_large(zone)) {
		low = zone->free_area[MAX_ORDER].low;
		return low == HB_NONE ? PFN_NONE : zone->map_base + low;
	}
	if (low == HB_NONE)
		return PFN_NONE;
	return zone->map_base + (low & (1u << o) ? low - (1u << o) : low + 1);
}

/*
 * The copy lives in struct zone's own list (zone->hot[o]) and serves
 * every CPU: it changes under zone->lock, and the per-CPU fast frees read
 * it without the lock, so it is stored and read atomically there.
 */
BUDDY_INLINE pfn_t hot_skip_refresh(struct zone *zone, unsigned int o)
{
	pfn_t from = hot_skip_from(zone, o);

	__atomic_store_n(&zone->hot[o].skip_from, from, __ATOMIC_RELAXED);
	return from;
}

/* Every order's copy: the lowest free block of MAX_ORDER went lower. */
static inline void hot_skip_refresh_all(struct zone *zone)
{
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++)
		hot_skip_refresh(zone, o);
}

BUDDY_INLINE bool block_test(const struct zone *zone, uint32_t i,
			     unsigned int o)
{
	return hbitmap_test(&zone->free_area[o].map, i >> o);
}

BUDDY_INLINE void block_add(struct zone *zone, uint32_t i, unsigned int o)
{
	struct free_area *area = &zone->free_area[o];

	hbitmap_set(&area->map, i >> o);
	area->nr_free++;
	if (i < area->low) {
		area->low = i;
		if (o && o < HOT_ORDERS)
			hot_skip_refresh(zone, o);
		else if (o == MAX_ORDER)
			hot_skip_refresh_all(zone);
	}
}

BUDDY_INLINE void block_del(struct zone *zone, uint32_t i, unsigned int o)
{
	struct free_area *area = &zone->free_area[o];

	hbitmap_clear(&area->map, i >> o);
	area->nr_free--;
	if (i == area->low) {		/* the next lowest is above it */
		uint32_t next = hbitmap_next(&area->map, (i >> o) + 1);

		area->low = next == HB_NONE ? HB_NONE : next << o;
	}
}

/*
 * Put the block of 2^order frames at pfn back, merging with its buddy for
 * as long as the buddy is a free block of the order reached: one bit test
 * per order, no descriptor read.  The caller has checked the block and
 * cleared its frames' flags (B2).
 */
BUDDY_INLINE void buddy_put_locked(struct zone *zone, pfn_t pfn,
				   unsigned int order)
{
	uint32_t i = pfn - zone->map_base;
	const unsigned int from = order;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	while (order < MAX_ORDER && block_test(zone, i ^ (1u << order), order)) {
		block_del(zone, i ^ (1u << order), order);
		i &= ~(1u << order);
		order++;
	}
	zone->stats.merges += order - from;
	block_add(zone, i, order);
	zone->buddy_pages += 1u << from;
}

/*
 * Take 2^order frames from the front of the free block of order m at pfn:
 * the block leaves its map and its upper halves, one per order from m - 1
 * down to order, become free blocks.
 */
BUDDY_INLINE void buddy_split_locked(struct zone *zone, pfn_t pfn,
				     unsigned int m, unsigned int order)
{
	uint32_t i = pfn - zone->map_base;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock) && block_test(zone, i, m));
	block_del(zone, i, m);
	zone->buddy_pages -= 1u << order;
	zone->stats.splits += m - order;
	while (m > order) {
		m--;
		block_add(zone, i + (1u << m), m);
	}
}

/*
 * Where a block of 2^order frames comes from (see BUDDY_FIT_ORDER): below
 * the fit order, the lowest-addressed free block of any order that fits,
 * split from its front; from the fit order on, the lowest-addressed block
 * of the smallest order that has one.  The cached lowest bit of each map
 * makes either a scan of at most eleven words in the zone.
 * Returns: its pfn (*m: its order), or PFN_NONE.
 */
BUDDY_INLINE pfn_t buddy_find_locked(const struct zone *zone,
				     unsigned int order, unsigned int *m)
{
	const struct free_area *area = zone->free_area;
	uint32_t best = HB_NONE;
	unsigned int o;

	*m = order;
	for (o = order; o < NR_ORDERS; o++) {
		if (area[o].low >= best)
			continue;
		best = area[o].low;
		*m = o;
		if (order >= BUDDY_FIT_ORDER)
			break;
	}
	return best == HB_NONE ? PFN_NONE : zone->map_base + best;
}

/* ---- hot lists ---------------------------------------------------------- */

/* A hot block's head: its zone's number, PG_hot and its order. */
BUDDY_INLINE void hot_mark(const struct zone *zone, struct page *page,
			   unsigned int o)
{
	page->flags = zone->hot[o].hot_flags;
	page->_refcount = 0;
}

/*
 * A list's count is written by the CPU that owns the list and read by
 * any (zone_hot_pages()): an atomic store, a plain one on x86.
 */
BUDDY_INLINE void hot_count_set(struct hot_list *hot, uint32_t n)
{
	__atomic_store_n(&hot->count, n, __ATOMIC_RELAXED);
}

/*
 * This CPU's set of hot lists in the zone (zone->hot on the boot CPU
 * until mm_smp_prepare()).  Context: interrupts off.
 */
BUDDY_INLINE struct hot_list *zone_cpu_hot(const struct zone *zone)
{
	return zone->cpu_hot[arch_cpu_id()];
}

/*
 * Push a block of order o the caller freed onto the list hot, of this
 * CPU (room checked by the caller); pop the top block of the list as a
 * new head with one reference.  The list's CPU runs them with
 * interrupts off: under zone->lock, or on the per-CPU fast paths without.
 */
BUDDY_INLINE void hot_push(struct hot_list *hot, struct page *page)
{
	MM_DEBUG_ASSERT(hot->count < hot->high);
	page->flags = hot->hot_flags;
	page->_refcount = 0;
	hot->slots[hot->count] = page;
	hot_count_set(hot, hot->count + 1);
}

BUDDY_INLINE struct page *hot_pop(struct hot_list *hot)
{
	uint32_t n = hot->count - 1;
	struct page *page;

	MM_DEBUG_ASSERT(hot->count);
	hot_count_set(hot, n);
	page = hot->slots[n];
	page->flags = hot->head_flags;
	page->_refcount = 1;
	return page;
}

/* The same on this CPU's order-o list, with zone->lock held. */
BUDDY_INLINE void hot_push_locked(struct zone *zone, struct page *page,
				  unsigned int o)
{
	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	hot_push(&zone_cpu_hot(zone)[o], page);
}

BUDDY_INLINE struct page *hot_pop_locked(struct zone *zone, unsigned int o)
{
	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	return hot_pop(&zone_cpu_hot(zone)[o]);
}

/*
 * mm/buddy_hot.c, each with zone->lock held:
 * hot_drain_locked - move at least n blocks of the order-o list (~0u:
 * all) back to the maps, chosen as hot_drain_order() says (n = 0:
 * exactly those above the maps' lowest free frame).  hot_drain_all_locked -
 * every list, whole.  hot_drain_above_locked - from every list, the
 * blocks above the maps' lowest free frame.
 * hot_trim_slow_locked - hot_trim_locked()'s drain.
 * hot_refill_locked - fill the empty order-o list with up to a batch of
 * blocks, no more than the maps hold above the low watermark.
 */
void hot_drain_locked(struct zone *zone, unsigned int o, uint32_t n);
void hot_drain_all_locked(struct zone *zone);
void hot_drain_above_locked(struct zone *zone);
void hot_trim_slow_locked(struct zone *zone);
void hot_refill_locked(struct zone *zone, unsigned int o);

/*
 * mm/buddy_pcp.c, with zone->lock held: the other CPUs' lists.
 * hot_set_drain_locked - every list of one set, whole, back to the maps.
 * pcp_drain_others_locked - every other CPU's lists: drained now if the
 * CPU is not online, else, if they hold frames, asked for (its drain_req
 * bit, and a kick when the bit was clear), which that CPU honours when
 * the kick reaches it (mm_cpu_drain_kicked()), when it next takes
 * zone->lock (pcp_honour_locked()) or enters a per-CPU fast path.
 * pcp_drainable - whether this CPU may drain the set of CPU c now (its
 * own, or one of a CPU not online).
 * pcp_honour_locked - drain this CPU's lists if it was asked to.
 */
void hot_set_drain_locked(struct zone *zone, struct hot_list *set);
void pcp_drain_others_locked(struct zone *zone);
bool pcp_drainable(unsigned int c);
void pcp_honour_slow(struct zone *zone);

/*
 * The wait for other CPUs' lists (mm/buddy_pcp.c, "Waiting"):
 * pcp_others_holding - the online CPUs but this one whose lists of the
 * zone hold frames (a mask; their counts may change as it is read).
 * pcp_wait_drained - spin until none of @cpus has a drain request
 * pending in the zone, or @us microseconds passed (ARCH_KICK_WAIT_US on
 * an allocation path, ARCH_SYNC_WAIT_US for a drain that must be whole);
 * with no zone lock held.  Returns: true if none has.
 * pcp_count_wait_locked - count one such wait and whether it ended
 * drained (struct buddy_drain_stats).
 */
uint32_t pcp_others_holding(const struct zone *zone);
bool pcp_wait_drained(struct zone *zone, uint32_t cpus, uint32_t us);
void pcp_count_wait_locked(struct zone *zone, bool drained);

BUDDY_INLINE void pcp_honour_locked(struct zone *zone)
{
	if (unlikely(__atomic_load_n(&zone->drain_req, __ATOMIC_RELAXED)))
		pcp_honour_slow(zone);
}

/* mm_smp_prepare()'s part: the sets of CPUs 1..ncpus-1.  Returns: 0, -ENOMEM. */
int buddy_pcp_prepare(unsigned int ncpus);

/*
 * mm_cpu_drain_kicked() and mm_cpu_offline()'s part (mm/lock.c): this
 * CPU's hot lists of every zone that asked for them, or of every zone.
 */
void pcp_drain_kicked(void);
void pcp_cpu_offline(void);

/*
 * An allocated head of this order with a live count and no slab or
 * reserved state, the test of every fast free (buddy_plain_head()).
 */
#define PLAIN_HEAD_MASK	(PG_reserved | PG_hot | PG_head | PG_slab | \
			 PG_ORDER_MASK)

/*
 * The per-CPU fast paths, once a second CPU may run (the lists and the
 * protocol: mm/buddy_pcp.c), inline in mm/buddy.c's entry points so
 * that they cost no call of their own.
 * buddy_pcp_alloc - pop this CPU's order-o list of @zone (o below
 * HOT_ORDERS), or NULL if it is empty or a drain is asked for.
 * buddy_pcp_free - push the last reference to a plain head of order
 * @order (~0u: the head's own) onto this CPU's list, if it has room and
 * the skip rule allows.  A page whose count is not 1 (a frame still
 * shared) is turned away first, before interrupts are touched: a count
 * of 1 is the caller's own reference and no other CPU can change it.
 * Returns: whether it did.
 * Context: any; takes no lock.
 */
BUDDY_INLINE bool pcp_asked(const struct zone *zone, unsigned int cpu)
{
	return __atomic_load_n(&zone->drain_req, __ATOMIC_RELAXED) &
	       (1u << cpu);
}

BUDDY_INLINE struct page *buddy_pcp_alloc(struct zone *zone,
					  unsigned int order)
{
	unsigned long flags = arch_irq_save();
	unsigned int cpu = arch_cpu_id();
	struct hot_list *set = zone->cpu_hot[cpu];
	struct page *page = NULL;

	if (likely(set && set[order].count && !pcp_asked(zone, cpu)))
		page = hot_pop(&set[order]);
	arch_irq_restore(flags);
	if (page)
		buddy_mark_alloc(page_to_pfn(page), order);
	return page;
}

BUDDY_INLINE bool buddy_pcp_free(struct zone *zone, struct page *page,
				 pfn_t pfn, unsigned int order)
{
	unsigned long flags;
	unsigned int cpu;
	struct hot_list *set, *hot;
	bool ok = false;

	if (page_count(page) != 1)
		return false;
	flags = arch_irq_save();
	cpu = arch_cpu_id();
	set = zone->cpu_hot[cpu];
	if (order == ~0u)
		order = page_order(page);
	if (likely(set && order < HOT_ORDERS && !pcp_asked(zone, cpu))) {
		hot = &set[order];
		ok = (page->flags & (PLAIN_HEAD_MASK | PG_ZONE_MASK)) ==
		     hot->head_flags && hot->count < hot->high &&
		     pfn < __atomic_load_n(&zone->hot[order].skip_from,
					   __ATOMIC_RELAXED);
		if (ok) {
			hot_push(hot, page);
			hot->pushed_fast++;
		}
	}
	arch_irq_restore(flags);
	if (ok)
		buddy_mark_free(pfn, order);
	return ok;
}

/*
 * hot_drain_helps_locked - would draining every list let the maps meet a
 * request of this order that they cannot meet now?  Exact: yes only
 * when an aligned block of that order would then be wholly free.
 */
bool hot_drain_helps_locked(const struct zone *zone, unsigned int order);

/*
 * Keep B9 after the maps lost frames: drain hot blocks, smallest order
 * first, until the maps are back at the low watermark or every list is
 * empty.
 */
BUDDY_INLINE void hot_trim_locked(struct zone *zone)
{
	if (unlikely(zone->buddy_pages < zone->watermark[WMARK_LOW]))
		hot_trim_slow_locked(zone);
}

/* The order of the free block holding map index i, or -1 if it is not free. */
int block_holding(const struct zone *zone, uint32_t i);

#endif /* MM_BUDDY_INTERNAL_H */
