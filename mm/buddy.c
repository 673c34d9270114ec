/*
 * The binary buddy allocator: blocks of 2^order frames per zone.
 *
 * Design.  Each zone keeps one doubly linked free list per order 0..10.
 * The links are pfns stored in the free block's head descriptor (next,
 * and prev in the word an allocated frame uses for its count), so
 * insertion and removal are O(1) and a list can be checked against the
 * zone's span directly.  A free head carries PG_buddy and its order; the
 * other frames of a free block carry no state at all.  The buddy of the
 * block at pfn p of order o is p ^ (1 << o): allocation splits the smallest
 * block that fits and puts the upper halves back, free merges with the
 * buddy for as long as the buddy is a free head of the same order.  A
 * zone's span need not be aligned and may contain holes: a buddy outside
 * the span, or a PG_reserved frame, never carries PG_buddy, so it never
 * merges.  An allocated block's head carries PG_head and the order, which
 * is what lets __free_pages() refuse a wrong order or a tail frame.
 *
 * In front of the order-0 list sits a small hot list (struct hot_list), a
 * stack of descriptor pointers: order-0 frees push onto it and order-0 allocations pop
 * from it, so the common case neither splits nor merges.  It is refilled
 * from the buddy lists in batches, drained back a batch (the oldest
 * frames) at a time when full, and drained completely whenever a request
 * cannot be met otherwise, so a frame is never stranded there.  Hot
 * frames count as free pages everywhere (zone_free_pages()), and they
 * only ever sit above the zone's low watermark (B9), which is what lets
 * a pop skip the watermark test.
 *
 * Fast paths.  alloc_pages() looks the first zone of the request's
 * zonelist up in a table (buddy_fast_zone[]) and, for order 0, pops that
 * zone's hot list under one lock: the same first step alloc_pages_slow()
 * would take, so falling back to it changes nothing.  The pop writes the
 * new head's descriptor without reading it.  __free_pages() of the last
 * reference to a plain order-0 head is one mask compare on the flags word
 * and a push; the precise diagnosis of anything else lives out of line.
 * Neither counts its event in a counter of its own: the hot list's
 * accounting (pushes, refills, drains, count) yields the number of pops,
 * and zone_counters() adds it in.  The lock, the interrupt flag and the
 * list primitives are all inline, and reporting paths are cold.
 *
 * Misuse (double free, wrong order, misaligned, reserved, tail, foreign
 * pfn, put_page on a free page) is caught on every build, reported in one
 * line and refused: the lists stay exactly as they were and the zone's
 * refused_frees counter goes up.
 *
 * The invariants of the free lists (B1..B9) are listed above struct zone
 * in include/mm/zones.h and encoded in mm/buddy_check.c.
 *
 * Locking: zone->lock (interrupts off) guards a zone's lists, hot list and
 * counters.  Every public function may be called from an IRQ handler; none
 * sleeps.  Zeroing of a new block happens after the lock is dropped.
 */
#include "mm/buddy.h"
#include "mm/poison.h"

void (*buddy_zero_highpage_hook)(struct page *page);
unsigned long (*buddy_reclaim_hook)(void);

/* Frees refused because the pfn belonged to no zone. */
static uint64_t buddy_stray_frees;

/*
 * Under valgrind (host builds), free frames are made inaccessible so that a
 * use after free in any host test is an error; a new block is undefined.
 */
#ifdef MM_VALGRIND
static void buddy_mark_free(pfn_t pfn, unsigned int order)
{
	mm_mark_noaccess(arch_phys_to_virt(PFN_PHYS(pfn)), PAGE_SIZE << order);
}

static void buddy_mark_alloc(pfn_t pfn, unsigned int order)
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

/* ---- free lists ------------------------------------------------------- */

/*
 * The list primitives sit on every path, fast ones included: always
 * inline, and given the pfn as well as the page where the caller has both.
 * area_add() and area_del() keep zone->buddy_pages equal to the frames on
 * the lists (B7), so no caller adjusts it by hand.
 */
#define BUDDY_INLINE	static inline __attribute__((always_inline))

BUDDY_INLINE void list_push(pfn_t *head, struct page *page, pfn_t pfn)
{
	pfn_t next = *head;

	page->prev = PFN_NONE;
	page->next = next;
	if (next != PFN_NONE)
		pfn_to_page(next)->prev = pfn;
	*head = pfn;
}

BUDDY_INLINE void list_del(pfn_t *head, struct page *page)
{
	pfn_t next = page->next, prev = page->prev;

	if (prev != PFN_NONE)
		pfn_to_page(prev)->next = next;
	else
		*head = next;
	if (next != PFN_NONE)
		pfn_to_page(next)->prev = prev;
	page->next = POISON_LIST_NEXT;
	page->prev = POISON_LIST_PREV;
}

/* Flags of a free head of this order: the zone bits kept, PG_buddy set. */
BUDDY_INLINE void area_add(struct zone *zone, pfn_t pfn, unsigned int order)
{
	struct page *page = pfn_to_page(pfn);

	page->flags = (page->flags & ~(PG_FLAGS_MASK | PG_ORDER_MASK)) |
		      PG_buddy | ((uint32_t)order << PG_ORDER_SHIFT);
	list_push(&zone->free_area[order].head, page, pfn);
	zone->free_area[order].nr_free++;
	zone->buddy_pages += 1u << order;
}

BUDDY_INLINE void area_del(struct zone *zone, struct page *page,
			   unsigned int order)
{
	list_del(&zone->free_area[order].head, page);
	zone->free_area[order].nr_free--;
	zone->buddy_pages -= 1u << order;
	page_clear(page, PG_buddy);
}

/*
 * Put a block back on the lists, merging with free buddies as far as they
 * go (one merge per order climbed).  The caller has checked the block.
 * Inline: the hot-list drain calls it once a frame.
 */
BUDDY_INLINE void buddy_merge_locked(struct zone *zone, pfn_t pfn,
				    unsigned int order)
{
	const unsigned int from = order;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	while (order < MAX_ORDER) {
		pfn_t buddy = pfn ^ (1u << order);

		if (!buddy_is_free_head(zone, buddy, order))
			break;
		area_del(zone, pfn_to_page(buddy), order);
		pfn &= ~(1u << order);
		order++;
	}
	zone->stats.merges += order - from;
	area_add(zone, pfn, order);
}

/* Take a block of exactly 2^order frames off the lists, splitting. */
static struct page *buddy_take_locked(struct zone *zone, unsigned int order)
{
	unsigned int o = order;
	struct page *page;
	pfn_t pfn;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	while (o < NR_ORDERS && zone->free_area[o].head == PFN_NONE)
		o++;
	if (o == NR_ORDERS)
		return NULL;
	pfn = zone->free_area[o].head;
	page = pfn_to_page(pfn);
	area_del(zone, page, o);
	while (o > order) {
		o--;
		area_add(zone, pfn + (1u << o), o);
		zone->stats.splits++;
	}
	return page;
}

/* ---- hot list --------------------------------------------------------- */

/* A hot frame's flags are its zone's number and PG_hot, nothing else. */
BUDDY_INLINE void hot_mark(const struct zone *zone, struct page *page)
{
	page->flags = ((uint32_t)zone->type << PG_ZONE_SHIFT) | PG_hot;
	page->_refcount = 0;
}

/* Push a frame the caller freed (room checked by the caller). */
BUDDY_INLINE void hot_push_locked(struct zone *zone, struct page *page)
{
	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock) &&
			zone->hot.count < zone->hot.high);
	hot_mark(zone, page);
	zone->hot.pages[zone->hot.count++] = page;
}

/* Pop the top frame as a new order-0 head with one reference. */
BUDDY_INLINE struct page *hot_pop_locked(struct zone *zone)
{
	struct page *page;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock) && zone->hot.count);
	page = zone->hot.pages[--zone->hot.count];
	page->flags = ((uint32_t)zone->type << PG_ZONE_SHIFT) | PG_head;
	page->_refcount = 1;
	return page;
}

/*
 * Move the n oldest hot frames (the bottom of the stack; n = ~0u: all)
 * back to the buddy lists: the frames freed longest ago are the coldest,
 * and the newest stay for the next allocations.
 */
static void hot_drain_locked(struct zone *zone, uint32_t n)
{
	struct hot_list *hot = &zone->hot;
	uint32_t i;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	n = MIN(n, hot->count);
	for (i = 0; i < n; i++) {
		struct page *page = hot->pages[i];

		page->flags &= PG_ZONE_MASK;
		buddy_merge_locked(zone, page_to_pfn(page), 0);
	}
	hot->count -= n;
	/* The rest slide to the bottom; the elements are pointers. */
	memmove(hot->pages, hot->pages + n,
		hot->count * sizeof(struct page *)); /* NOLINT(bugprone-sizeof-expression) */
	hot->drained += n;
}

/*
 * Keep B9 after the buddy lists lost frames: hot frames must sit above the
 * low watermark, so drain the oldest until the lists are back at it or
 * the hot list is empty.
 */
static void hot_trim_locked(struct zone *zone)
{
	uint32_t low = zone->watermark[WMARK_LOW];

	if (zone->hot.count && zone->buddy_pages < low)
		hot_drain_locked(zone, low - zone->buddy_pages);
}

/*
 * Move up to want order-0 blocks from the head of the order-0 list onto
 * the hot stack, in the order buddy_take_locked() would hand them out.
 * Each frame costs its flags and one link read; only the new head of the
 * order-0 list needs its prev fixed.  Returns: the frames moved.
 */
static uint32_t hot_take_order0_locked(struct zone *zone, uint32_t want,
				       struct page **out)
{
	struct free_area *area = &zone->free_area[0];
	pfn_t pfn = area->head;
	uint32_t k = 0;

	while (k < want && pfn != PFN_NONE) {
		struct page *page = pfn_to_page(pfn);

		out[k++] = page;
		pfn = page->next;
		hot_mark(zone, page);	/* PG_buddy, order 0 -> PG_hot (B2 -> B6) */
	}
	area->head = pfn;
	if (pfn != PFN_NONE)
		pfn_to_page(pfn)->prev = PFN_NONE;
	area->nr_free -= k;
	zone->buddy_pages -= k;
	return k;
}

/*
 * Take up to want frames for the hot list as calls of
 * buddy_take_locked(zone, 0) would hand them out, at a fraction of the
 * list work: first the order-0 blocks (hot_take_order0_locked()); then
 * the smallest free block, of order o at pfn b, which those calls would
 * split and hand out as b, b + 1, ... in turn, every list below o being
 * empty: take k = min(want, 2^o) frames of it at once and put the rest
 * [b + k, b + 2^o) back as the maximal aligned blocks it splits into (one
 * per order, onto lists that are still empty).  Each order-j block that
 * held one of the k frames was split once: sum of ceil(k / 2^j).
 * Writes the frames to out in hand-out order.  Returns: how many.
 */
static uint32_t hot_take_locked(struct zone *zone, uint32_t want,
				struct page **out)
{
	uint32_t got = 0;

	while (got < want) {
		unsigned int o = 1, j;
		pfn_t b, p, end;
		uint32_t k, i;

		if (zone->free_area[0].head != PFN_NONE) {
			got += hot_take_order0_locked(zone, want - got,
						      out + got);
			continue;
		}
		while (o < NR_ORDERS && zone->free_area[o].head == PFN_NONE)
			o++;
		if (o == NR_ORDERS)
			break;
		b = zone->free_area[o].head;
		area_del(zone, pfn_to_page(b), o);
		k = MIN(want - got, 1u << o);
		for (i = 0; i < k; i++) {
			out[got] = pfn_to_page(b + i);
			hot_mark(zone, out[got++]);
		}
		for (j = 1; j <= o; j++)
			zone->stats.splits += (k + (1u << j) - 1) >> j;
		end = b + (1u << o);
		for (p = b + k, j = 0; p < end; j++) {
			if (p & (1u << j)) {
				area_add(zone, p, j);
				p += 1u << j;
			}
		}
	}
	return got;
}

/*
 * Refill an empty hot list with up to hot.batch frames, no more than the
 * buddy lists hold above the low watermark (B9).  The stack is then
 * reversed in place, so that pops hand the frames out in
 * hot_take_locked()'s order.
 */
static void hot_refill_locked(struct zone *zone)
{
	struct hot_list *hot = &zone->hot;
	uint32_t low = zone->watermark[WMARK_LOW], got, i;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock) && hot->count == 0);
	if (zone->buddy_pages <= low)
		return;
	got = hot_take_locked(zone, MIN(hot->batch, zone->buddy_pages - low),
			      hot->pages);
	for (i = 0; i < got / 2; i++) {
		struct page *t = hot->pages[i];

		hot->pages[i] = hot->pages[got - 1 - i];
		hot->pages[got - 1 - i] = t;
	}
	hot->count = got;
	hot->refilled += got;
}

/* ---- allocation -------------------------------------------------------- */

/* Zones each kind of request may use, in the order they are tried. */
static const int8_t zonelists[3][MAX_NR_ZONES + 1] = {
	{ ZONE_NORMAL, ZONE_DMA, -1 },			/* GFP_KERNEL */
	{ ZONE_DMA, -1 },				/* GFP_DMA */
	{ ZONE_HIGHMEM, ZONE_NORMAL, ZONE_DMA, -1 },	/* GFP_HIGHUSER */
};

static const int8_t *gfp_zonelist(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return zonelists[1];
	if (gfp & __GFP_HIGHMEM)
		return zonelists[2];
	return zonelists[0];
}

/*
 * The first zone alloc_pages_slow() would try, by the zone bits of a gfp
 * (__GFP_DMA | __GFP_HIGHMEM), or NULL if no zone of the list is
 * populated: the order-0 fast path looks its zone up here instead of
 * walking the list.  Rebuilt whenever a zone gains or loses its frames
 * (buddy_zone_init(), buddy_free_bootmem()).
 */
#define GFP_ZONE_BITS	(__GFP_DMA | __GFP_HIGHMEM)
static struct zone *buddy_fast_zone[GFP_ZONE_BITS + 1];

static void buddy_fast_zones_update(void)
{
	unsigned int bits;

	for (bits = 0; bits <= GFP_ZONE_BITS; bits++) {
		const int8_t *list = gfp_zonelist(bits);

		while (*list >= 0 && !zone_populated(&zones[*list]))
			list++;
		buddy_fast_zone[bits] = *list >= 0 ? &zones[*list] : NULL;
	}
}

/*
 * The free frames a request must leave behind: the low watermark, or for
 * __GFP_HIGH (GFP_ATOMIC) half of the min watermark, so that only atomic
 * requests ever take a zone below min.
 */
static uint32_t zone_reserve(const struct zone *zone, gfp_t gfp)
{
	if (gfp & __GFP_HIGH)
		return zone->watermark[WMARK_MIN] / 2;
	return zone->watermark[WMARK_LOW];
}

/* A block just taken off the buddy lists becomes an allocated head. */
static struct page *zone_hand_out(struct zone *zone, struct page *page,
				  unsigned int order)
{
	page->flags = (page->flags & PG_ZONE_MASK) | PG_head |
		      ((uint32_t)order << PG_ORDER_SHIFT);
	page->_refcount = 1;
	zone->stats.alloc_ok++;
	hot_trim_locked(zone);
	return page;
}

/*
 * Take 2^order frames from one zone, or NULL.  A zone short of its
 * reserve drains its hot list (those frames may coalesce into what a later
 * request needs); a request no list can meet drains it and tries again.
 * Order 0 pops the hot list, refilled if empty (a pop is counted by the
 * hot list's own accounting), else takes from the lists directly: B9
 * keeps a refill from going below the low watermark, where only an
 * atomic request may still take a frame.
 */
static struct page *zone_take_locked(struct zone *zone, unsigned int order,
				     gfp_t gfp)
{
	struct page *page;

	if (zone_free_pages(zone) < zone_reserve(zone, gfp) + (1u << order)) {
		hot_drain_locked(zone, ~0u);
		return NULL;
	}
	if (order == 0 && zone->hot.high) {
		if (!zone->hot.count)
			hot_refill_locked(zone);
		if (zone->hot.count)
			return hot_pop_locked(zone);
	}
	page = buddy_take_locked(zone, order);
	if (!page && zone->hot.count) {
		hot_drain_locked(zone, ~0u);
		page = buddy_take_locked(zone, order);
	}
	return page ? zone_hand_out(zone, page, order) : NULL;
}

static struct page *zone_alloc(struct zone *zone, unsigned int order,
			       gfp_t gfp)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	struct page *page = zone_take_locked(zone, order, gfp);

	if (!page)
		zone->stats.alloc_fail++;
	mm_unlock_irqrestore(&zone->lock, flags);
	return page;
}

/* Mark the frames after the head of a new block as its tail. */
static void buddy_prep_block(struct page *page, unsigned int order)
{
	/* Frames inside a free block carry only the zone bits (B4, B8). */
	const uint32_t tail = (page->flags & PG_ZONE_MASK) | PG_tail;
	uint32_t i;

	buddy_mark_alloc(page_to_pfn(page), order);
	for (i = 1; i < (1u << order); i++) {
		page[i].flags = tail;
		page[i]._refcount = 0;
	}
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

static struct page *alloc_pages_failed(gfp_t gfp, unsigned int order)
{
	if (!(gfp & __GFP_NOWARN))
		printk("buddy: order %u allocation failed (gfp 0x%x)\n",
		       order, gfp);
	return NULL;
}

/* Zone by zone down the request's list, or NULL. */
static struct page *zonelist_alloc(gfp_t gfp, unsigned int order)
{
	const int8_t *list;
	struct page *page = NULL;

	for (list = gfp_zonelist(gfp); *list >= 0 && !page; list++) {
		struct zone *zone = &zones[*list];

		if (!zone_populated(zone))
			continue;
		if (*list == ZONE_HIGHMEM && (gfp & __GFP_ZERO) &&
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
	if (order)
		buddy_prep_block(page, order);
	else
		buddy_mark_alloc(page_to_pfn(page), 0);
	if (gfp & __GFP_ZERO)
		buddy_zero_block(page, order);
	return page;
}

/*
 * A block of order 1..MAX_ORDER from the first zone of the list, when it
 * has one above its reserve: what alloc_pages_slow() would do first, minus
 * walking the list.  Else the slow path, which falls back and drains.
 */
static __attribute__((noinline)) struct page *
alloc_pages_first_zone(struct zone *zone, gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;
	unsigned long flags;

	if (unlikely(order > MAX_ORDER))
		return alloc_pages_failed(gfp, order);
	flags = mm_lock_irqsave(&zone->lock);
	if (likely(zone_free_pages(zone) >=
		   zone_reserve(zone, gfp) + (1u << order)))
		page = buddy_take_locked(zone, order);
	if (unlikely(!page)) {
		mm_unlock_irqrestore(&zone->lock, flags);
		return alloc_pages_slow(gfp, order);
	}
	zone_hand_out(zone, page, order);
	mm_unlock_irqrestore(&zone->lock, flags);
	buddy_prep_block(page, order);
	return page;
}

/* The gfp bits the fast paths serve; anything else is slow. */
#define BUDDY_FAST_GFP	(GFP_ZONE_BITS | __GFP_HIGH | __GFP_NOWARN)

/*
 * The fast path: an order-0 request without __GFP_ZERO that the hot list
 * of its first zone can serve, which is exactly the first thing
 * alloc_pages_slow() would do.  No watermark test: B9 keeps every hot
 * frame above the low watermark.  No counter either: the pop is counted
 * by the hot list's accounting (zone_counters()).  Anything else, an
 * empty hot list included, goes to alloc_pages_slow(), which refills,
 * falls back and drains.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct zone *zone;
	struct page *page;
	unsigned long flags;

	if (unlikely(arch_should_fail_alloc()))
		return NULL;
	zone = buddy_fast_zone[gfp & GFP_ZONE_BITS];
	if (unlikely((gfp & ~BUDDY_FAST_GFP) || !zone))
		return alloc_pages_slow(gfp, order);
	if (order)
		return alloc_pages_first_zone(zone, gfp, order);
	flags = mm_lock_irqsave(&zone->lock);
	if (unlikely(!zone->hot.count)) {
		mm_unlock_irqrestore(&zone->lock, flags);
		return alloc_pages_slow(gfp, 0);
	}
	page = hot_pop_locked(zone);
	mm_unlock_irqrestore(&zone->lock, flags);
	buddy_mark_alloc(page_to_pfn(page), 0);
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

/* Is pfn inside (not the head of) a free block on the buddy lists? */
static bool inside_free_block(const struct zone *zone, pfn_t pfn)
{
	unsigned int o;

	for (o = 1; o <= MAX_ORDER; o++) {
		pfn_t head = pfn & ~((1u << o) - 1);

		if (head != pfn && buddy_is_free_head(zone, head, o))
			return true;
	}
	return false;
}

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
	if (page_test(page, PG_tail))
		return "free of tail";
	if (page_test(page, PG_buddy | PG_hot) ||
	    (!page_test(page, PG_head) && inside_free_block(zone, pfn)))
		return kind == RELEASE_PUT ? "put_page on free" :
					     "double free of";
	if (!page_test(page, PG_head))
		return "free of unowned";
	if (page_order(page) != order)
		return buddy_wrong_order;
	if (page->_refcount <= 0 && !page_test(page, PG_slab))
		return "zero-refcount free of";
	return NULL;
}

static void buddy_report(const struct zone *zone, pfn_t pfn,
			 unsigned int order, const char *what, void *caller)
{
	const struct page *page = pfn_to_page(pfn);

	if (what == buddy_wrong_order)
		printk("buddy: %s pfn 0x%x order %u in zone %s, allocated as order %u (caller %p)\n",
		       what, pfn, order, zone->name, page_order(page), caller);
	else
		printk("buddy: %s pfn 0x%x order %u in zone %s (caller %p)\n",
		       what, pfn, order, zone->name, caller);
}

/*
 * Put an allocated block back: on the hot list for order 0 (draining the
 * oldest batch first when it is full), else on the lists.
 */
static void buddy_free_locked(struct zone *zone, struct page *page,
			      pfn_t pfn, unsigned int order)
{
	uint32_t i, zbits;

	buddy_mark_free(pfn, order);
	if (order == 0 && zone->hot.high) {
		if (zone->hot.count == zone->hot.high)
			hot_drain_locked(zone, zone->hot.batch);
		hot_push_locked(zone, page);
		zone->hot.pushed++;
		hot_trim_locked(zone);
		return;
	}
	zone->stats.freed++;
	/* Every frame of the block is in one zone (B8): store, don't mask. */
	zbits = page->flags & PG_ZONE_MASK;
	for (i = 0; i < (1u << order); i++)
		page[i].flags = zbits;
	buddy_merge_locked(zone, pfn, order);
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
	printk("buddy: free of pfn 0x%x order %u outside every zone (caller %p)\n",
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

	if (page_test(page, PG_reserved) && page->_refcount > 1)
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
	const uint32_t mask = PG_reserved | PG_buddy | PG_hot | PG_head |
			      PG_tail | PG_slab | PG_ORDER_MASK;

	return (page->flags & mask) ==
	       (PG_head | (uint32_t)order << PG_ORDER_SHIFT) &&
	       page->_refcount > 0;
}

/* Drop a reference to a page that failed the fast test, or refuse. */
static __attribute__((noinline)) int
buddy_release_slow(struct zone *zone, struct page *page, unsigned int order,
		   enum release_kind kind, void *caller, unsigned long flags)
{
	pfn_t pfn = page_to_pfn(page);
	const char *what;

	if (buddy_plain_head(page, order))
		goto release;
	if (!zone_spans_pfn(zone, pfn)) {
		mm_unlock_irqrestore(&zone->lock, flags);
		return buddy_refuse_stray(pfn, order, caller);
	}
	what = buddy_release_check(zone, page, order, kind);
	if (what) {
		zone->stats.refused_frees++;
		mm_unlock_irqrestore(&zone->lock, flags);
		buddy_report(zone, pfn, order, what, caller);
		return -EINVAL;
	}
release:
	if (--page->_refcount == 0)
		buddy_free_locked(zone, page, pfn, order);
	mm_unlock_irqrestore(&zone->lock, flags);
	return 0;
}

/*
 * The zone of a pfn by its address, which is how zones_init() numbered
 * every frame (B8): the same answer as page_zone() without loading the
 * descriptor, so the release's lock and hot-list loads need not wait for
 * the flags word (often just written by the allocation).  Branches, not
 * arithmetic: they are predicted, and a prediction is no data dependence.
 */
BUDDY_INLINE struct zone *pfn_zone(pfn_t pfn)
{
	if (pfn >= LOWMEM_PFN)
		return &zones[ZONE_HIGHMEM];
	if (pfn >= DMA_PFN)
		return &zones[ZONE_NORMAL];
	return &zones[ZONE_DMA];
}

/*
 * Drop one reference to the block at page; free it when it was the last.
 * RELEASE_PUT takes the order from the head.  The fast path is the last
 * reference to a plain order-0 head going onto a hot list with room: one
 * mask compare on the flags word (buddy_plain_head()) proves it is an
 * allocated head of that order with no slab, reserved, free or tail
 * state, and such a head is aligned and inside its zone by construction.
 * Everything else goes to buddy_release_slow(), which also diagnoses
 * misuse.  Always inline, so each entry point gets its own copy with
 * kind a constant.
 */
static inline __attribute__((always_inline)) int
buddy_release(struct page *page, unsigned int order, enum release_kind kind,
	      void *caller)
{
	pfn_t pfn = (pfn_t)(page - mem_map);
	struct zone *zone;
	unsigned long flags;

	if (unlikely(page < mem_map || pfn >= max_pfn))
		return buddy_refuse_stray(pfn, order, caller);
	zone = pfn_zone(pfn);
	flags = mm_lock_irqsave(&zone->lock);
	if (kind == RELEASE_PUT)
		order = page_order(page);
	if (unlikely(order != 0 || !buddy_plain_head(page, 0) ||
		     page->_refcount != 1 ||
		     zone->hot.count >= zone->hot.high))
		return buddy_release_slow(zone, page, order, kind, caller,
					  flags);
	hot_push_locked(zone, page);
	zone->hot.pushed_fast++;
	mm_unlock_irqrestore(&zone->lock, flags);
	buddy_mark_free(pfn, 0);
	return 0;
}

int __free_pages(struct page *page, unsigned int order)
{
	return buddy_release(page, order, RELEASE_FREE, MM_CALLER());
}

void put_page(struct page *page)
{
	buddy_release(page, 0, RELEASE_PUT, MM_CALLER());
}

int free_pages(void *addr, unsigned int order)
{
	if (!addr)
		return 0;
	if (!IS_ALIGNED((uintptr_t)addr, PAGE_SIZE)) {
		buddy_count_stray();
		printk("buddy: free_pages of unaligned address %p order %u (caller %p)\n",
		       addr, order, MM_CALLER());
		return -EINVAL;
	}
	return buddy_release(virt_to_page(addr), order, RELEASE_FREE,
			     MM_CALLER());
}

void get_page(struct page *page)
{
	pfn_t pfn = (pfn_t)(page - mem_map);
	const char *what = NULL;
	struct zone *zone;
	unsigned long flags;

	if (page < mem_map || pfn >= max_pfn ||
	    !zone_spans_pfn(page_zone(page), pfn)) {
		buddy_count_stray();
		printk("buddy: get_page of pfn 0x%x outside every zone (caller %p)\n",
		       pfn, MM_CALLER());
		return;
	}
	zone = page_zone(page);
	flags = mm_lock_irqsave(&zone->lock);
	if (page_test(page, PG_tail))
		what = "tail";
	else if (page_test(page, PG_slab))
		what = "slab";
	else if (!page_test(page, PG_head | PG_reserved) ||
		 page->_refcount <= 0)
		what = "free";
	else
		page->_refcount++;
	if (what)
		zone->stats.refused_frees++;
	mm_unlock_irqrestore(&zone->lock, flags);
	if (what)
		printk("buddy: get_page on %s pfn 0x%x in zone %s (caller %p)\n",
		       what, pfn, zone->name, MM_CALLER());
}

void zone_counters(struct zone *zone, struct zone_counters *out)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	const struct hot_list *hot = &zone->hot;
	uint64_t pushes = hot->pushed_fast + hot->pushed;
	uint64_t pops = pushes + hot->refilled - hot->drained - hot->count;

	*out = zone->stats;
	out->alloc_ok += pops;
	out->freed += pushes;
	out->hot_hits = pops;
	mm_unlock_irqrestore(&zone->lock, flags);
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

	for (o = 0; o < NR_ORDERS; o++) {
		zone->free_area[o].head = PFN_NONE;
		zone->free_area[o].nr_free = 0;
	}
	zone->hot.count = 0;
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
 * gigabytes costs one list operation per 4 MiB, not per frame; blocks next
 * to earlier ranges merge with them as usual.
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

		buddy_mark_free(pfn, order);
		buddy_merge_locked(zone, pfn, order);
		pfn += 1u << order;
	}
	zone->managed_pages += end - start;
	mm_unlock_irqrestore(&zone->lock, flags);
	buddy_fast_zones_update();
}

unsigned int buddy_hot_save(struct zone *zone, pfn_t *pfns, unsigned int max)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int n = MIN(max, zone->hot.count), i;

	for (i = 0; i < n; i++)
		pfns[i] = page_to_pfn(zone->hot.pages[i]);
	hot_drain_locked(zone, ~0u);
	mm_unlock_irqrestore(&zone->lock, flags);
	return n;
}

/* Take the free frame pfn off the buddy lists, splitting its block. */
static bool buddy_take_pfn_locked(struct zone *zone, pfn_t pfn)
{
	unsigned int o = 0;
	pfn_t head;

	for (;; o++) {
		if (o > MAX_ORDER)
			return false;
		head = pfn & ~((1u << o) - 1);
		if (buddy_is_free_head(zone, head, o))
			break;
	}
	area_del(zone, pfn_to_page(head), o);
	while (o--) {
		pfn_t upper = head + (1u << o);

		if (pfn >= upper) {
			area_add(zone, head, o);
			head = upper;
		} else {
			area_add(zone, upper, o);
		}
	}
	return true;
}

void buddy_hot_restore(struct zone *zone, const pfn_t *pfns, unsigned int n)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int i;

	for (i = 0; i < n && zone->hot.count < zone->hot.high; i++) {
		if (!buddy_take_pfn_locked(zone, pfns[i]))
			continue;
		hot_push_locked(zone, pfn_to_page(pfns[i]));
		zone->hot.refilled++;
	}
	hot_trim_locked(zone);
	mm_unlock_irqrestore(&zone->lock, flags);
}

void buddy_drain_hot(struct zone *zone)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);

	hot_drain_locked(zone, ~0u);
	mm_unlock_irqrestore(&zone->lock, flags);
}
