/*
 * The binary buddy allocator: blocks of 2^order frames per zone.
 *
 * Design.  Each zone keeps one bitmap per order 0..10 (struct free_area):
 * bit i of the order-o map says the 2^o frames from map_base + (i << o)
 * are a free block.  The buddy of that block is bit i ^ 1 of the same map,
 * so freeing is a loop of one bit test per order climbed (merge while the
 * buddy's bit is set), and allocation splits a block by setting the bits
 * of its upper halves.  No descriptor of a free frame is read or written:
 * a free frame carries its zone bits and nothing else, and where a frame
 * is free is the maps' business alone.  Each map has summary levels
 * (include/mm/hbitmap.h) and a cached lowest bit, which is what placement
 * needs: small requests take the lowest-addressed free block of any order
 * that fits, large ones (BUDDY_FIT_ORDER and up) the lowest-addressed
 * block of the smallest order that has one.  Lowest-first keeps the small,
 * short-lived blocks packed at the bottom of a zone and the top in whole
 * 4 MiB blocks (docs/DESIGN.md explains the choice).  A zone's span need
 * not be aligned and may contain holes: a frame outside the span or a
 * PG_reserved frame is never in a free block, so nothing merges with it.
 * An allocated block's head carries PG_head and the order, which is what
 * lets __free_pages() refuse a wrong order.  The other frames of the block
 * (its tail) are not written at all, on allocation or on free: they hold
 * the zone bits they had while free, and the block's owner may use them
 * but hands them back so.  Where a tail frame's head is, the misuse path
 * finds by alignment: the block holding a frame starts at the frame's pfn
 * rounded down to the block's order, so at most ten descriptors name it
 * (buddy_block_head()).  Writing 2^order descriptors per allocation and
 * per free would cost more than the rest of either.
 *
 * In front of the maps sit small hot lists, one per order below
 * HOT_ORDERS (struct hot_list; the list-moving code is mm/buddy_hot.c):
 * stacks of descriptor pointers that frees of that order push onto and
 * allocations pop from, so the common case neither splits nor merges.
 * They are refilled from the maps in batches (the lowest free blocks),
 * drained back a batch at a time when full (which blocks: see
 * hot_drain_order()), and drained completely when the zone runs short of
 * its reserve or when that would meet a request the maps cannot
 * (hot_drain_helps_locked()), so a request never fails for want of a hot
 * frame.  A freed block may go to the maps instead (when: see
 * buddy_skip_hot()).  Hot frames count as free pages
 * everywhere (zone_free_pages()), and they only ever sit above the zone's
 * low watermark (B9), which is what lets a pop skip the watermark test.
 *
 * Fast paths.  alloc_pages() looks the first zone of the request's
 * zonelist up in a table (buddy_fast_zone[]) and, for orders below
 * HOT_ORDERS, pops that zone's hot list under one lock: the same first
 * step alloc_pages_slow() would take, so falling back to it changes
 * nothing.  The pop writes the new head's descriptor without reading it.
 * __free_pages() of the last reference to a plain head of such an order
 * is one mask compare on the flags word, one compare of the pfn (the
 * rule of buddy_skip_hot(), cached as the list's skip_from) and a push; the
 * precise diagnosis of anything else lives out of line.  The four orders
 * share one path with the order an index: each list carries the flags
 * words and stack address a constant order would give, so a mix of
 * orders costs no mispredicted branch on the order and order 0 no more
 * than a copy of its own.  Neither path counts its event in a counter of
 * its own: the hot lists' accounting (pushes, refills, drains, count)
 * yields the number of pops, and zone_counters() adds it in.  The lock
 * (mm_lock_irqsave_fast()), the interrupt flag and the map primitives are
 * all inline, and reporting paths are cold.
 *
 * Misuse (double free, wrong order, misaligned, reserved, tail, foreign
 * pfn, put_page on a free page) is caught on every build, reported in one
 * line and refused: the maps stay exactly as they were and the zone's
 * refused_frees counter goes up.
 *
 * The invariants of the free state (B1..B9) are listed above struct zone
 * in include/mm/zones.h and encoded in mm/buddy_check.c.
 *
 * Locking: zone->lock (interrupts off) guards a zone's maps, hot lists
 * and counters.  Every public function may be called from an IRQ handler; none
 * sleeps.  Zeroing of a new block happens after the lock is dropped.
 */
#include "buddy_internal.h"
#include "fault_inject_internal.h"
#include "mm/fault_inject.h"
#include "mm/ratelimit.h"
#include "mm/testing/buddy.h"

void (*buddy_zero_highpage_hook)(struct page *page);
unsigned long (*buddy_reclaim_hook)(void);

/* Frees refused because the pfn belonged to no zone. */
static uint64_t buddy_stray_frees;

/* Take a block of exactly 2^order frames off the maps, or NULL. */
BUDDY_INLINE struct page *buddy_take_locked(struct zone *zone,
					    unsigned int order)
{
	unsigned int m;
	pfn_t pfn = buddy_find_locked(zone, order, &m);

	if (pfn == PFN_NONE)
		return NULL;
	buddy_split_locked(zone, pfn, m, order);
	return pfn_to_page(pfn);
}

/* The order of the free block holding frame i, or -1 if i is not free. */
int block_holding(const struct zone *zone, uint32_t i)
{
	unsigned int o;

	for (o = 0; o < NR_ORDERS; o++)
		if (block_test(zone, i & ~((1u << o) - 1), o))
			return (int)o;
	return -1;
}

bool buddy_is_free_head(const struct zone *zone, pfn_t pfn,
			unsigned int order)
{
	uint32_t i = pfn - zone->map_base;

	return zone_spans_pfn(zone, pfn) && order <= MAX_ORDER &&
	       IS_ALIGNED(i, 1u << order) && block_test(zone, i, order);
}

bool buddy_frame_free(const struct zone *zone, pfn_t pfn)
{
	return zone_spans_pfn(zone, pfn) &&
	       block_holding(zone, pfn - zone->map_base) >= 0;
}

/*
 * The head of the allocated block holding frame pfn, or NULL.  A block of
 * order o holding it would start at pfn rounded down to 2^o; the first of
 * those frames that is an allocated head is the only candidate (B4: no
 * frame inside an allocated block is a head, and every larger aligned
 * block holding pfn holds that head too), and it holds pfn if its order
 * reaches that far.
 */
static struct page *block_head_locked(const struct zone *zone, pfn_t pfn)
{
	unsigned int o;

	for (o = 0; o < NR_ORDERS; o++) {
		pfn_t head = pfn & ~((1u << o) - 1);
		struct page *page = pfn_to_page(head);

		if (head < zone->start_pfn)
			break;
		if (page_test(page, PG_head))
			return page_order(page) >= o ? page : NULL;
	}
	return NULL;
}

struct page *buddy_block_head(struct page *page)
{
	pfn_t pfn = (pfn_t)(page - mem_map);
	struct zone *zone;
	unsigned long flags;

	if (page < mem_map || pfn >= max_pfn)
		return NULL;
	zone = page_zone(page);
	if (!zone_spans_pfn(zone, pfn))
		return NULL;
	flags = mm_lock_irqsave(&zone->lock);
	page = block_head_locked(zone, pfn);
	mm_unlock_irqrestore(&zone->lock, flags);
	return page;
}

/* ---- allocation -------------------------------------------------------- */

/*
 * Zones each kind of request may use, in the order they are tried: the
 * zones themselves, so that walking a list scales no zone number by the
 * size of struct zone.
 */
static struct zone *const zonelists[3][MAX_NR_ZONES + 1] = {
	{ &zones[ZONE_NORMAL], &zones[ZONE_DMA], NULL },	/* GFP_KERNEL */
	{ &zones[ZONE_DMA], NULL },				/* GFP_DMA */
	{ &zones[ZONE_HIGHMEM], &zones[ZONE_NORMAL],		/* GFP_HIGHUSER */
	  &zones[ZONE_DMA], NULL },
};

static struct zone *const *gfp_zonelist(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return zonelists[1];
	if (gfp & __GFP_HIGHMEM)
		return zonelists[2];
	return zonelists[0];
}

/*
 * The zone the fast path serves a gfp from: the first zone
 * alloc_pages_slow() would try, or NULL where the fast path must not serve
 * it (__GFP_ZERO, page_debug on, or no zone of the list populated).
 * Indexed by the whole gfp, so that one load decides both.  Rebuilt
 * whenever a zone gains or loses its frames (buddy_zone_init(),
 * buddy_free_bootmem()) and when page_debug changes (page_debug_set()).
 */
static struct zone *buddy_fast_zone[GFP_VALID_MASK + 1];

/*
 * The same table for the per-CPU path once a second CPU may run
 * (alloc_pages_nofast()): filled exactly when buddy_fast_zone[] would be
 * but for MM_LOCK_SMP, and empty otherwise, so that the per-CPU path
 * also never looks at injection or page debugging itself.  Every CPU
 * reads it without a lock, so its entries are stored and loaded
 * atomically.
 */
static struct zone *buddy_pcp_zone[GFP_VALID_MASK + 1];

/*
 * The frames whose release may take the uniprocessor fast path: max_pfn
 * on one CPU, 0 once a second CPU may run.  buddy_release()'s one
 * compare with it thus rules out both a pfn without a descriptor and the
 * per-CPU case, which buddy_release_other() tells apart.  Set with the
 * tables, by buddy_fast_zones_update().
 */
static pfn_t buddy_up_pfns;

/* The first populated zone of @gfp's list, or NULL. */
static struct zone *buddy_first_zone(gfp_t gfp)
{
	struct zone *const *list = gfp_zonelist(gfp);

	while (*list && !zone_populated(*list))
		list++;
	return *list;
}

/*
 * While page injection is armed, or page debugging is on, the table is
 * empty, so that every request reaches alloc_pages_nofast(): the one
 * place that asks should_fail_page(), and the slow path that checks and
 * fills poison.  The fast path itself never looks at either.  Once a
 * second CPU may run (MM_LOCK_SMP), the table stays empty too: the fast
 * path's zone-lock pair masks interrupts and nothing more, and
 * buddy_pcp_zone[] takes its place.
 */
void buddy_fast_zones_update(void)
{
	bool off = fault_inject_armed(FAULT_PAGE) || page_debug;
	bool smp = mm_lock_mode & MM_LOCK_SMP;
	gfp_t gfp;

	for (gfp = 0; gfp <= GFP_VALID_MASK; gfp++) {
		struct zone *zone = !(gfp & __GFP_ZERO) && !off ?
				    buddy_first_zone(gfp) : NULL;

		buddy_fast_zone[gfp] = smp ? NULL : zone;
		__atomic_store_n(&buddy_pcp_zone[gfp], smp ? zone : NULL,
				 __ATOMIC_RELAXED);
	}
	__atomic_store_n(&buddy_up_pfns, smp ? 0 : max_pfn, __ATOMIC_RELAXED);
}

void buddy_fault_inject_update(void)
{
	unsigned long flags = arch_irq_save();

	buddy_fast_zones_update();
	arch_irq_restore(flags);
}

/*
 * The free frames a request must leave behind: the low watermark, or for
 * __GFP_HIGH (GFP_ATOMIC) half of the min watermark, so that only atomic
 * requests ever take a zone below min.
 */
BUDDY_INLINE uint32_t zone_reserve(const struct zone *zone, gfp_t gfp)
{
	if (gfp & __GFP_HIGH)
		return zone->watermark[WMARK_MIN] / 2;
	return zone->watermark[WMARK_LOW];
}

/*
 * Does the zone keep its reserve after handing out 2^order frames?  The
 * maps alone almost always say yes; the hot lists are summed only when
 * they do not.
 */
BUDDY_INLINE bool zone_can_give(const struct zone *zone, gfp_t gfp,
				 unsigned int order)
{
	uint32_t need = zone_reserve(zone, gfp) + (1u << order);

	return zone->buddy_pages >= need || zone_free_pages(zone) >= need;
}

/* A block just taken off the maps becomes an allocated head. */
static struct page *zone_hand_out(struct zone *zone, struct page *page,
				  unsigned int order)
{
	page->flags = (page->flags & PG_ZONE_MASK) | PG_head |
		      ((uint32_t)order << PG_ORDER_SHIFT);
	page->_refcount = 1;
	zone->stats.alloc_ok++;
	zone->stats.alloc_pages += 1u << order;
	hot_trim_locked(zone);
	return page;
}

/*
 * Take 2^order frames from one zone, or NULL.  A zone short of its
 * reserve drains its hot lists (those frames may coalesce into what a
 * later request needs); a request no map can meet drains them and tries
 * again if the hot frames would complete a block of its order, and else
 * puts back the hot blocks above the maps' lowest free frame: a failing
 * large request is the sign of a fragmented zone, and those are the
 * blocks a hot list should not keep (see hot_drain_order()).  Orders
 * below HOT_ORDERS pop their hot list, refilled if empty (a pop is
 * counted by the list's own accounting), else take from the maps
 * directly: B9 keeps a refill from going below the low watermark,
 * where only an atomic request may still take a frame.
 */
static struct page *zone_take_locked(struct zone *zone, unsigned int order,
				     gfp_t gfp)
{
	struct hot_list *hot = &zone_cpu_hot(zone)[order];
	struct page *page;

	pcp_honour_locked(zone);
	/* B9: with a hot block of this order the zone has low + 2^order free */
	if (order < HOT_ORDERS && hot->count)
		return hot_pop(hot);
	if (!zone_can_give(zone, gfp, order)) {
		hot_drain_all_locked(zone);
		return NULL;
	}
	if (order < HOT_ORDERS && hot->high) {
		hot_refill_locked(zone, order);
		if (hot->count)
			return hot_pop(hot);
	}
	page = buddy_take_locked(zone, order);
	if (!page) {
		if (!hot_drain_helps_locked(zone, order)) {
			hot_drain_above_locked(zone);	/* fails all the same */
			return NULL;
		}
		hot_drain_all_locked(zone);
		page = buddy_take_locked(zone, order);
	}
	return page ? zone_hand_out(zone, page, order) : NULL;
}

/*
 * A request the zone failed while other CPUs' lists hold its frames: ask
 * those CPUs (a drain request and a kick each), let go of the lock while
 * they drain, for a bounded time, and try once more (mm/buddy_pcp.c,
 * "Waiting").  Not when the zone is short of its reserve: its free count
 * already holds every CPU's hot frames, so draining them cannot help.
 * Entered and left with zone->lock held, *flags being the interrupt
 * state saved when it was taken.  Returns: the block or NULL.
 */
static __attribute__((noinline)) struct page *
zone_take_after_drain(struct zone *zone, unsigned int order, gfp_t gfp,
		      unsigned long *flags)
{
	uint32_t cpus = pcp_others_holding(zone);
	bool drained;

	if (!cpus || !zone_can_give(zone, gfp, order))
		return NULL;
	pcp_drain_others_locked(zone);
	mm_unlock_irqrestore(&zone->lock, *flags);
	drained = pcp_wait_drained(zone, cpus, ARCH_KICK_WAIT_US);
	*flags = mm_lock_irqsave(&zone->lock);
	pcp_count_wait_locked(zone, drained);
	return zone_take_locked(zone, order, gfp);
}

static struct page *zone_alloc(struct zone *zone, unsigned int order,
			       gfp_t gfp)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	struct page *page = zone_take_locked(zone, order, gfp);

	if (unlikely(!page) && (mm_lock_mode & MM_LOCK_SMP))
		page = zone_take_after_drain(zone, order, gfp, &flags);
	if (!page)
		zone->stats.alloc_fail++;
	mm_unlock_irqrestore(&zone->lock, flags);
	return page;
}

static void buddy_zero_block(struct page *page, unsigned int order)
{
	uint32_t i;

	if (page_zonenum(page) != ZONE_HIGHMEM) {
		memset(page_address(page), 0, PAGE_SIZE << order);
		return;
	}
	for (i = 0; i < (1u << order); i++)
		buddy_zero_highpage_hook(page + i);
}

/*
 * Failure lines are rate limited: under memory pressure every failing
 * request would print one, with interrupts off, faster than the console
 * takes them.  Requests whose failure their caller handles (a user fault,
 * fork) pass __GFP_NOWARN and print nothing.
 */
#define BUDDY_WARN_INTERVAL	(5 * ARCH_HZ)
#define BUDDY_WARN_BURST	10

static struct ratelimit_state buddy_warn_rs =
	RATELIMIT_STATE_INIT("buddy", BUDDY_WARN_INTERVAL, BUDDY_WARN_BURST);

void buddy_warn_reset(void)
{
	ratelimit_reset(&buddy_warn_rs);
}

static struct page *alloc_pages_failed(gfp_t gfp, unsigned int order)
{
	if (!(gfp & __GFP_NOWARN) && ratelimit_ok(&buddy_warn_rs))
		printk("buddy: order %u allocation failed (gfp 0x%x)\n",
		       order, gfp);
	return NULL;
}

/* Zone by zone down the request's list, or NULL. */
static struct page *zonelist_alloc(gfp_t gfp, unsigned int order)
{
	struct zone *const *list;
	struct page *page = NULL;

	for (list = gfp_zonelist(gfp); *list && !page; list++) {
		struct zone *zone = *list;

		if (!zone_populated(zone))
			continue;
		if (zone == &zones[ZONE_HIGHMEM] && (gfp & __GFP_ZERO) &&
		    !buddy_zero_highpage_hook)
			continue;
		page = zone_alloc(zone, order, gfp);
	}
	return page;
}

/*
 * Every request but the hot-list case: zone by zone, splitting; when no
 * zone can meet it, the reclaim hook frees what it can and the request is
 * tried once more.
 */
static __attribute__((noinline)) struct page *
alloc_pages_slow(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (unlikely(order > MAX_ORDER || (gfp & ~GFP_VALID_MASK)))
		return alloc_pages_failed(gfp, order);
	page = zonelist_alloc(gfp, order);
	if (unlikely(!page) && buddy_reclaim_hook && buddy_reclaim_hook())
		page = zonelist_alloc(gfp, order);
	if (unlikely(!page))
		return alloc_pages_failed(gfp, order);
	buddy_mark_alloc(page_to_pfn(page), order);
	if (unlikely(page_debug))
		gfp = page_debug_alloc(page, order, gfp);
	if (gfp & __GFP_ZERO)
		buddy_zero_block(page, order);
	return page;
}

/* Should page injection fail this request?  Counted there, silent. */
static bool alloc_pages_injected(gfp_t gfp, unsigned int order)
{
	const struct zone *zone = buddy_first_zone(gfp & GFP_VALID_MASK);

	return should_fail_page(zone ? (int)zone->type : -1, order);
}

/*
 * A request the fast path's table does not serve (__GFP_ZERO, a gfp
 * outside the table, no populated zone, page injection armed, or several
 * CPUs running).  Once several CPUs run, a plain request of order below
 * HOT_ORDERS goes to this CPU's hot list (buddy_pcp_zone[]); anything
 * else gets the injection check, then the slow path.  An injected
 * failure is counted by mm/fault_inject.c and prints nothing.
 */
static __attribute__((noinline)) struct page *
alloc_pages_nofast(gfp_t gfp, unsigned int order)
{
	struct zone *zone = gfp <= GFP_VALID_MASK ?
		__atomic_load_n(&buddy_pcp_zone[gfp], __ATOMIC_RELAXED) : NULL;
	struct page *page;

	if (zone && order < HOT_ORDERS) {	/* several CPUs, plain request */
		page = buddy_pcp_alloc(zone, order);
		return page ? page : alloc_pages_slow(gfp, order);
	}
	if (unlikely(fault_inject_armed(FAULT_PAGE)) &&
	    alloc_pages_injected(gfp, order))
		return NULL;
	return alloc_pages_slow(gfp, order);
}

/*
 * A block of order 1..MAX_ORDER from the first zone of the list, when it
 * has one above its reserve: what alloc_pages_slow() would do first, minus
 * walking the list.  Else the slow path, which falls back and drains.
 * On one CPU only, as the table that leads here: the fast lock pair.
 */
static __attribute__((noinline)) struct page *
alloc_pages_first_zone(struct zone *zone, gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	unsigned long flags;

	if (unlikely(order > MAX_ORDER))
		return alloc_pages_failed(gfp, order);
	flags = mm_lock_irqsave_fast(&zone->lock);
	if (likely(zone_can_give(zone, gfp, order)))
		page = buddy_take_locked(zone, order);
	if (unlikely(!page)) {
		mm_unlock_irqrestore_fast(&zone->lock, flags);
		return alloc_pages_slow(gfp, order);
	}
	zone_hand_out(zone, page, order);
	mm_unlock_irqrestore_fast(&zone->lock, flags);
	buddy_mark_alloc(page_to_pfn(page), order);
	return page;
}

/*
 * The fast path: a request of order < HOT_ORDERS without __GFP_ZERO that
 * the hot list of its first zone can serve, which is exactly the first
 * thing alloc_pages_slow() would do.  One path for the four orders, the
 * order an index (struct hot_list carries what a constant order would
 * give): a mix of orders then costs no mispredicted branch on the order.
 * No watermark test: B9 keeps every hot frame above the low watermark.
 * No counter either: the pop is counted by the hot list's accounting
 * (zone_counters()).  A gfp the table does not serve goes to
 * alloc_pages_nofast(); an empty hot list to alloc_pages_slow(), which
 * refills, falls back and drains; orders from HOT_ORDERS up to
 * alloc_pages_first_zone().
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct zone *zone;
	struct hot_list *hot;
	struct page *page;
	unsigned long flags;

	zone = gfp <= GFP_VALID_MASK ? buddy_fast_zone[gfp] : NULL;
	if (unlikely(!zone))
		return alloc_pages_nofast(gfp, order);
	if (unlikely(order >= HOT_ORDERS))
		return alloc_pages_first_zone(zone, gfp, order);
	hot = &zone->hot[order];
	flags = mm_lock_irqsave_fast(&zone->lock);
	if (unlikely(!hot->count)) {
		mm_unlock_irqrestore_fast(&zone->lock, flags);
		return alloc_pages_slow(gfp, order);
	}
	page = hot_pop(hot);
	mm_unlock_irqrestore_fast(&zone->lock, flags);
	buddy_mark_alloc(page_to_pfn(page), order);
	return page;
}

void *__get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? page_address(page) : NULL;
}

/* ---- free and misuse --------------------------------------------------- */

enum release_kind { RELEASE_FREE, RELEASE_PUT };

static const char buddy_wrong_order[] = "wrong-order free of";
static const char buddy_tail[] = "free of tail";

/*
 * What is wrong with releasing (pfn, order), or NULL if nothing: the words
 * before "pfn" in the report line.  Called with the zone lock held, only
 * when the cheap test in buddy_release() did not pass.
 */
static const char *buddy_misuse(const struct zone *zone, pfn_t pfn,
				unsigned int order, enum release_kind kind)
{
	const struct page *page = pfn_to_page(pfn);

	if (order > MAX_ORDER)
		return "invalid-order free of";
	if (!IS_ALIGNED(pfn, 1u << order))
		return "misaligned free of";
	if (page_test(page, PG_reserved))
		return "free of reserved";
	if (page_test(page, PG_hot) || buddy_frame_free(zone, pfn))
		return kind == RELEASE_PUT ? "put_page on free" :
					     "double free of";
	if (!page_test(page, PG_head))
		return block_head_locked(zone, pfn) ? buddy_tail :
						      "free of unowned";
	if (page_order(page) != order)
		return buddy_wrong_order;
	if (page_count(page) <= 0 && !page_test(page, PG_slab))
		return "zero-refcount free of";
	return NULL;
}

/*
 * The report line of a refused release.  block is the allocated block
 * the frame belongs to, read under the lock: the frame's own for a wrong
 * order, the one it is a tail of for a tail.
 */
static void buddy_report(const struct zone *zone, pfn_t pfn,
			 unsigned int order, const char *what,
			 pfn_t block, unsigned int block_order, void *caller)
{
	if (what == buddy_wrong_order)
		printk("buddy: %s pfn 0x%x order %u in zone %s, allocated as order %u (caller %pS)\n",
		       what, pfn, order, zone->name, block_order, caller);
	else if (what == buddy_tail)
		printk("buddy: %s pfn 0x%x order %u in zone %s, inside the order-%u block at pfn 0x%x (caller %pS)\n",
		       what, pfn, order, zone->name, block_order, block,
		       caller);
	else
		printk("buddy: %s pfn 0x%x order %u in zone %s (caller %pS)\n",
		       what, pfn, order, zone->name, caller);
}

/*
 * Should a freed block of order below HOT_ORDERS go straight back to the
 * maps rather than onto its hot list?  This is the skip rule; other
 * comments point here.  Placement hands out the lowest blocks first, and
 * a list recycles the block freed last wherever it lies, so a list that
 * kept high blocks would scatter small blocks over the zone and keep
 * high regions from becoming whole.  The 4 MiB rule (order 0 in every
 * zone, every list order in a large zone, hot_zone_large()): yes if the
 * block lies from the lowest whole free 4 MiB block (MAX_ORDER) up, where
 * it can complete its region.  The rule of its own order (orders 1..3 in
 * a smaller zone, which has few whole blocks to steer by): yes if it can
 * merge (its buddy is a free block there), or if it lies above the lowest
 * free block of its order there.  Each is one compare with
 * hot_skip_from(); the slow path's exact answer refreshes the fast
 * path's copy.
 */
BUDDY_INLINE bool buddy_skip_hot(struct zone *zone, pfn_t pfn,
				 unsigned int order)
{
	return pfn >= hot_skip_refresh(zone, order);
}

/* Does every frame after the head carry its zone bits alone (B2 to be)? */
static bool block_tail_clean(const struct page *page, unsigned int order)
{
	uint32_t i;

	for (i = 1; i < (1u << order); i++)
		if (page[i].flags != (page->flags & PG_ZONE_MASK) ||
		    page[i]._refcount)
			return false;
	return true;
}

/*
 * Put an allocated block back: on its list of @set, this CPU's lists
 * (draining a batch first when it is full), unless the skip rule sends
 * it to the maps.
 */
BUDDY_INLINE void buddy_free_to(struct zone *zone, struct hot_list *set,
				struct page *page, pfn_t pfn, unsigned int order)
{
	struct hot_list *hot = &set[order & (HOT_ORDERS - 1)];

	/* The tail was never written; its owner handed it back clean. */
	MM_DEBUG_ASSERT(block_tail_clean(page, order));
	if (unlikely(page_debug))
		page_debug_free(page, order);
	buddy_mark_free(pfn, order);
	if (order < HOT_ORDERS && hot->high &&
	    !buddy_skip_hot(zone, pfn, order)) {
		if (hot->count == hot->high)
			hot_drain_locked(zone, order, hot->batch);
		hot_push(hot, page);
		hot->pushed++;
		hot_trim_locked(zone);
		return;
	}
	zone->stats.freed++;
	zone->stats.freed_pages += 1u << order;
	page->flags &= PG_ZONE_MASK;
	buddy_put_locked(zone, pfn, order);
}

static void buddy_free_locked(struct zone *zone, struct page *page,
			      pfn_t pfn, unsigned int order)
{
	buddy_free_to(zone, zone_cpu_hot(zone), page, pfn, order);
}

/* Count a refusal that no zone's counter can take. */
static void buddy_count_stray(void)
{
	unsigned long flags = arch_irq_save();

	buddy_stray_frees++;
	arch_irq_restore(flags);
}

/* A pfn that no zone spans: nothing to lock, only a report. */
static __attribute__((noinline, cold)) int
buddy_refuse_stray(pfn_t pfn, unsigned int order, void *caller)
{
	buddy_count_stray();
	printk("buddy: free of pfn 0x%x order %u outside every zone (caller %pS)\n",
	       pfn, order, caller);
	return -EINVAL;
}

/*
 * The slow check of a release: a shared reserved frame only loses a
 * reference; a slab head's count field holds the slab layer's pointer and
 * stands for the one reference; anything else must pass buddy_misuse().
 */
static const char *buddy_release_check(const struct zone *zone,
				       struct page *page, unsigned int order,
				       enum release_kind kind)
{
	const char *what;

	if (page_test(page, PG_reserved) && page_count(page) > 1)
		return NULL;
	what = buddy_misuse(zone, page_to_pfn(page), order, kind);
	if (!what && page_test(page, PG_slab))
		page->_refcount = 1;
	return what;
}

/*
 * Is page an allocated head of this order with a live count and no slab or
 * reserved state?  Such a head is aligned and inside its zone by
 * construction, so releasing it needs no further checks.
 */
static inline bool buddy_plain_head(const struct page *page,
				    unsigned int order)
{
	return (page->flags & PLAIN_HEAD_MASK) ==
	       (PG_head | (uint32_t)order << PG_ORDER_SHIFT) &&
	       page_count(page) > 0;
}

/*
 * Drop a reference to a page that failed the fast test, or refuse.
 * Entered in the section buddy_release() began with
 * mm_lock_irqsave_fast() (@flags: the interrupt state it saved), which
 * becomes a full hold of zone->lock here (on one CPU a plain ticket, no
 * second interrupt round trip), and returns with it released.  On one
 * CPU, what the fast test read cannot have changed since; with several,
 * buddy_release() never tests and everything below runs under the lock.
 */
static __attribute__((noinline)) int
buddy_release_slow(struct zone *zone, struct page *page, unsigned int order,
		   enum release_kind kind, void *caller, unsigned long flags)
{
	pfn_t pfn = page_to_pfn(page);
	const char *what;

	mm_lock_fast_to_full(&zone->lock);
	pcp_honour_locked(zone);

	if (buddy_plain_head(page, order))
		goto release;
	if (!zone_spans_pfn(zone, pfn)) {
		mm_unlock_irqrestore(&zone->lock, flags);
		return buddy_refuse_stray(pfn, order, caller);
	}
	what = buddy_release_check(zone, page, order, kind);
	if (what) {
		const struct page *block = what == buddy_tail ?
					   block_head_locked(zone, pfn) : page;
		unsigned int block_order = page_order(block);

		zone->stats.refused_frees++;
		mm_unlock_irqrestore(&zone->lock, flags);
		buddy_report(zone, pfn, order, what, page_to_pfn(block),
			     block_order, caller);
		return -EINVAL;
	}
release:
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0)
		buddy_free_locked(zone, page, pfn, order);
	mm_unlock_irqrestore(&zone->lock, flags);
	return 0;
}

/*
 * A release on one CPU that the fast push does not take, in the section
 * buddy_release() began with mm_lock_irqsave_fast().  The last reference
 * to a plain head of this order and zone (its list full, the skip rule
 * sending it to the maps, or an order without a list) is freed at once:
 * that one test is all buddy_release_slow() would check of it.  Anything
 * else goes there.
 */
static __attribute__((noinline)) int
buddy_release_up(struct zone *zone, struct page *page, unsigned int order,
		 enum release_kind kind, void *caller, unsigned long flags)
{
	uint32_t head = zone->hot[0].head_flags + (order << PG_ORDER_SHIFT);

	if (unlikely((page->flags & (PLAIN_HEAD_MASK | PG_ZONE_MASK)) !=
		     head || page->_refcount != 1))
		return buddy_release_slow(zone, page, order, kind, caller,
					  flags);
	page->_refcount = 0;
	buddy_free_to(zone, zone->hot, page, page_to_pfn(page), order);
	mm_unlock_irqrestore_fast(&zone->lock, flags);
	return 0;
}

/*
 * The fast release, zone->lock held: the last reference to a plain head
 * of order < HOT_ORDERS goes onto its hot list if there is room and the
 * block need not go back to the maps; anything else goes to
 * buddy_release_up().  One mask compare of the flags word with the
 * list's head_flags proves the page an allocated head of this order and
 * zone with no slab, reserved, hot or free state (buddy_plain_head()).
 */
BUDDY_INLINE int buddy_release_hot(struct zone *zone, struct page *page,
				   pfn_t pfn, unsigned int order,
				   enum release_kind kind, void *caller,
				   unsigned long flags)
{
	struct hot_list *hot = &zone->hot[order];

	/* One CPU, interrupts off: nothing else changes the count here. */
	if (unlikely((page->flags & (PLAIN_HEAD_MASK | PG_ZONE_MASK)) !=
		     hot->head_flags ||
		     page->_refcount != 1 || hot->count >= hot->high ||
		     pfn >= hot->skip_from))
		return buddy_release_up(zone, page, order, kind, caller,
					flags);
	MM_DEBUG_ASSERT(block_tail_clean(page, order));
	hot_push(hot, page);
	hot->pushed_fast++;
	mm_unlock_irqrestore_fast(&zone->lock, flags);
	buddy_mark_free(pfn, order);
	return 0;
}

/*
 * A release once a second CPU may run: this CPU's hot list if the
 * per-CPU fast path takes it (buddy_pcp_free()), else the slow path
 * under the zone lock (a block its list cannot take, a reserved frame's
 * reference, misuse).
 */
BUDDY_INLINE int
buddy_release_smp(struct zone *zone, struct page *page, pfn_t pfn,
		  unsigned int order, enum release_kind kind, void *caller)
{
	unsigned long flags;

	if (buddy_pcp_free(zone, page, pfn,
			   kind == RELEASE_PUT ? ~0u : order))
		return 0;
	flags = mm_lock_irqsave_fast(&zone->lock);
	if (kind == RELEASE_PUT)
		order = page_order(page);
	return buddy_release_slow(zone, page, order, kind, caller, flags);
}

/*
 * A release outside the uniprocessor fast path's frames (buddy_up_pfns):
 * a pfn without a descriptor, refused, or any release once a second CPU
 * may run.
 */
static __attribute__((noinline)) int
buddy_release_other(struct page *page, unsigned long pfn, unsigned int order,
		    enum release_kind kind, void *caller)
{
	if (pfn >= max_pfn)
		return buddy_refuse_stray((pfn_t)pfn, order, caller);
	return buddy_release_smp(pfn_zone(pfn), page, (pfn_t)pfn, order, kind,
				 caller);
}

/*
 * Drop one reference to the block at page; free it when it was the last.
 * RELEASE_PUT takes the order from the head.  Once a second CPU may run,
 * buddy_release_smp() instead (through buddy_release_other(): the one
 * compare with buddy_up_pfns decides both).  The fast path is the last
 * reference to a plain head of order < HOT_ORDERS going onto its hot list
 * with room (buddy_release_hot()): one mask compare on the flags word
 * (buddy_plain_head()) proves it is an allocated head of that order with
 * no slab, reserved, free or tail state, and such a head is aligned and
 * inside its zone by construction.
 * Everything else goes to buddy_release_slow(), which also diagnoses
 * misuse.  Always inline, so each entry point gets its own copy with
 * kind a constant.
 */
static inline __attribute__((always_inline)) int
buddy_release(struct page *page, unsigned int order, enum release_kind kind,
	      void *caller)
{
	unsigned long pfn = (unsigned long)(page - mem_map);	/* below: huge */
	struct zone *zone;
	unsigned long flags;

	if (unlikely(pfn >= buddy_up_pfns))
		return buddy_release_other(page, pfn, order, kind, caller);
	zone = pfn_zone(pfn);
	flags = mm_lock_irqsave_fast(&zone->lock);
	if (kind == RELEASE_PUT)
		order = page_order(page);
	if (likely(order < HOT_ORDERS))
		return buddy_release_hot(zone, page, (pfn_t)pfn, order, kind,
					 caller, flags);
	return buddy_release_up(zone, page, order, kind, caller, flags);
}

int __free_pages(struct page *page, unsigned int order)
{
	return buddy_release(page, order, RELEASE_FREE, MM_CALLER());
}

/* ---- references -------------------------------------------------------- */

/*
 * The lock-free rule.  A plain allocated head (PG_head without PG_slab or
 * PG_reserved) keeps its head bit, order and zone for as long as one
 * reference to it is held, and a caller of get_page() or put_page() holds
 * one.  So once the flags word shows a plain head and the count is seen
 * positive, taking a reference is one atomic add; and dropping one that
 * is not the last is one compare-exchange that never takes the count
 * below 1.  Only the last reference frees, and it goes through
 * buddy_release() like __free_pages(): whichever CPU's drop finds the
 * count at 1 owns the frame alone.  Every other frame, and every count
 * that is not positive (misuse), goes through the zone lock, which
 * diagnoses.
 */
static inline bool page_plain_ref(const struct page *page)
{
	/* A byte offset: no division by the descriptor's size. Below: huge. */
	uintptr_t off = (uintptr_t)page - (uintptr_t)mem_map;

	return off < (uintptr_t)max_pfn * sizeof(struct page) &&
	       (page->flags & (PG_head | PG_slab | PG_reserved)) == PG_head;
}

/*
 * Drop a reference that is not the last; false if the count is 1 or
 * less.  On one CPU only an interrupt could come between the test and
 * the store, and masking it costs less than a locked instruction (which
 * the 386 lacks: arch_cmpxchg32()).
 */
static inline bool page_ref_drop_shared(struct page *page)
{
	int32_t c = page_count(page), seen;
	unsigned long flags;

	if (c <= 1)
		return false;
	if (!(mm_lock_mode & MM_LOCK_SMP)) {
		flags = arch_irq_save();
		c = page->_refcount;
		if (c > 1)
			page->_refcount = c - 1;
		arch_irq_restore(flags);
		return c > 1;
	}
	while (c > 1) {
		seen = arch_cmpxchg32(&page->_refcount, c, c - 1);
		if (seen == c)
			return true;
		c = seen;
	}
	return false;
}

void put_page(struct page *page)
{
	if (likely(page_plain_ref(page)) && page_ref_drop_shared(page))
		return;
	buddy_release(page, 0, RELEASE_PUT, MM_CALLER());
}

int free_pages(void *addr, unsigned int order)
{
	if (!addr)
		return 0;
	if (!arch_virt_is_direct(addr)) {
		buddy_count_stray();
		printk("buddy: free_pages of %p outside the direct map, order "
		       "%u (caller %pS)\n", addr, order, MM_CALLER());
		return -EINVAL;
	}
	if (!IS_ALIGNED((uintptr_t)addr, PAGE_SIZE)) {
		buddy_count_stray();
		printk("buddy: free_pages of unaligned address %p order %u (caller %pS)\n",
		       addr, order, MM_CALLER());
		return -EINVAL;
	}
	return buddy_release(virt_to_page(addr), order, RELEASE_FREE,
			     MM_CALLER());
}

/*
 * get_page() of anything but a live plain head: a reserved frame takes
 * its reference under the zone lock; a free, tail or slab frame, or a
 * pfn outside every zone, is refused with a report.
 */
static __attribute__((noinline, cold)) void
get_page_slow(struct page *page, void *caller)
{
	pfn_t pfn = (pfn_t)(page - mem_map);
	const char *what = NULL;
	struct zone *zone;
	unsigned long flags;

	if (page < mem_map || pfn >= max_pfn ||
	    !zone_spans_pfn(page_zone(page), pfn)) {
		buddy_count_stray();
		printk("buddy: get_page of pfn 0x%x outside every zone (caller %pS)\n",
		       pfn, caller);
		return;
	}
	zone = page_zone(page);
	flags = mm_lock_irqsave(&zone->lock);
	if (page_test(page, PG_slab))
		what = "slab";
	else if (!page_test(page, PG_head | PG_reserved))
		what = block_head_locked(zone, pfn) ? "tail" : "free";
	else if (page_count(page) <= 0)
		what = "free";
	else
		__atomic_add_fetch(&page->_refcount, 1, __ATOMIC_RELAXED);
	if (what)
		zone->stats.refused_frees++;
	mm_unlock_irqrestore(&zone->lock, flags);
	if (what)
		printk("buddy: get_page on %s pfn 0x%x in zone %s (caller %pS)\n",
		       what, pfn, zone->name, caller);
}

/* The caller's own reference keeps a positive count from reaching 0. */
void get_page(struct page *page)
{
	if (likely(page_plain_ref(page) && page_count(page) > 0)) {
		__atomic_add_fetch(&page->_refcount, 1, __ATOMIC_RELAXED);
		return;
	}
	get_page_slow(page, MM_CALLER());
}

uint64_t buddy_refused_frees(void)
{
	uint64_t n = buddy_stray_frees;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		n += zones[i].stats.refused_frees;
	return n;
}

/* ---- boot, drain, counts ---------------------------------------------- */

void buddy_zone_init(struct zone *zone)
{
	unsigned int o;

	mm_lock_init(&zone->lock, MM_LOCK_ZONE);
	zone->cpu_hot[0] = zone->hot;
	for (o = 0; o < NR_ORDERS; o++) {
		zone->free_area[o].nr_free = 0;
		zone->free_area[o].low = HB_NONE;
	}
	for (o = 0; o < HOT_ORDERS; o++) {
		struct hot_list *hot = &zone->hot[o];
		uint32_t zbits = (uint32_t)zone->type << PG_ZONE_SHIFT;

		hot_count_set(hot, 0);
		hot->skip_from = PFN_NONE;
		hot->head_flags = zbits | PG_head | o << PG_ORDER_SHIFT;
		hot->hot_flags = zbits | PG_hot | o << PG_ORDER_SHIFT;
	}
	zone->buddy_pages = 0;
	zone->managed_pages = 0;
	buddy_fast_zones_update();
}

/* The largest order a block at pfn may have without passing end. */
static unsigned int boot_block_order(pfn_t pfn, pfn_t end)
{
	unsigned int order = MAX_ORDER;

	while (order && (!IS_ALIGNED(pfn, 1u << order) ||
			 end - pfn < (1u << order)))
		order--;
	return order;
}

/*
 * Free [start, end) in maximal aligned blocks, so that booting with
 * gigabytes costs a few map words per 4 MiB, not a bit operation per
 * frame; blocks next to earlier ranges merge with them as usual.
 */
void buddy_free_bootmem(struct zone *zone, pfn_t start, pfn_t end)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	pfn_t pfn;

	MM_ASSERT(start <= end && zone_spans_pfn(zone, start) &&
		  end <= zone->end_pfn);
	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		MM_ASSERT(page_test(page, PG_reserved));
		page->flags &= PG_ZONE_MASK;
		page->_refcount = 0;
	}
	for (pfn = start; pfn < end;) {
		unsigned int order = boot_block_order(pfn, end);

		if (page_debug)
			page_debug_free(pfn_to_page(pfn), order);
		buddy_mark_free(pfn, order);
		buddy_put_locked(zone, pfn, order);
		pfn += 1u << order;
	}
	zone->managed_pages += end - start;
	mm_unlock_irqrestore(&zone->lock, flags);
	buddy_fast_zones_update();
}

void buddy_add_reserved(struct zone *zone, pfn_t start, pfn_t end)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);

	zone->present_pages += end - start;	/* B7: managed <= present */
	mm_unlock_irqrestore(&zone->lock, flags);
	buddy_free_bootmem(zone, start, end);
}
