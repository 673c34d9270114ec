/*
 * The buddy allocator's checker and reports: buddy_check() encodes the
 * invariants B1..B9 listed above struct zone (include/mm/zones.h), once
 * each; buddy_free_counts() and buddy_dump() give the /proc/buddyinfo view.
 *
 * Design.  The checker walks each free list from its head, bounded by the
 * list's own count so that a cycle cannot hang it, checks every block and
 * every frame inside it, then scans the zone's span once to prove that no
 * free-marked frame is missing from the lists.  It allocates nothing and
 * changes nothing; each violation is one printk line naming the invariant.
 * Cost: O(span) per zone, fine for tests and the selftest command, not for
 * a fast path.  The snapshot pair sets the hot lists aside around a test,
 * so that its free counts can be compared exactly, and puts them back.
 *
 * Locking: each function takes zone->lock (interrupts off) for the zone it
 * reads; buddy_dump() one zone at a time.
 */
#include "mm/buddy.h"

void buddy_free_counts(struct zone *zone, uint32_t counts[NR_ORDERS])
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int o;

	for (o = 0; o < NR_ORDERS; o++)
		counts[o] = zone->free_area[o].nr_free;
	counts[0] += zone->hot.count;
	mm_unlock_irqrestore(&zone->lock, flags);
}

/*
 * /proc/buddyinfo: "Node 0, zone %8s " then "%6u " per order, each line
 * built first and printed whole.
 */
void buddy_dump(void)
{
	uint32_t counts[NR_ORDERS];
	char line[128];
	unsigned int i, o;
	int n;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (!zone_populated(&zones[i]))
			continue;
		buddy_free_counts(&zones[i], counts);
		n = snprintf(line, sizeof(line), "Node 0, zone %8s ",
			     zones[i].name);
		for (o = 0; o < NR_ORDERS; o++)
			n += snprintf(line + n, sizeof(line) - n, "%6u ",
				      counts[o]);
		printk("%s\n", line);
	}
}

void buddy_snapshot_take(struct buddy_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		snap->nr_hot[i] = buddy_hot_save(&zones[i], snap->hot[i],
						 HOT_HIGH_MAX);
		buddy_free_counts(&zones[i], snap->counts[i]);
		snap->free_pages[i] = zone_free_pages(&zones[i]);
	}
}

unsigned int buddy_snapshot_restore(const struct buddy_snapshot *snap)
{
	uint32_t counts[NR_ORDERS];
	unsigned int i, o, bad = 0;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		buddy_drain_hot(&zones[i]);
		buddy_free_counts(&zones[i], counts);
		for (o = 0; o < NR_ORDERS; o++) {
			if (counts[o] == snap->counts[i][o])
				continue;
			printk("buddy: zone %s order %u: %u free blocks, %u before\n",
			       zones[i].name, o, counts[o], snap->counts[i][o]);
			bad++;
		}
		buddy_hot_restore(&zones[i], snap->hot[i], snap->nr_hot[i]);
	}
	return bad;
}

/* ---- invariants -------------------------------------------------------- */

/* One invariant test: a failure is one printk line and one count in bad. */
#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			printk("buddy_check: zone %s: " fmt "\n",	\
			       zone->name, ##__VA_ARGS__);		\
			bad++;						\
		}							\
	} while (0)

/* B1, B2, B4 (inside), B5 for one listed block. */
static unsigned int check_block(const struct zone *zone, pfn_t pfn,
				unsigned int o)
{
	const uint32_t pg_state = PG_reserved | PG_hot | PG_head | PG_tail;
	const struct page *page;
	unsigned int bad = 0;
	pfn_t i;

	CHECK(zone_spans_pfn(zone, pfn) && pfn + (1u << o) <= zone->end_pfn &&
	      IS_ALIGNED(pfn, 1u << o),
	      "B1 order-%u block at pfn 0x%x outside span or misaligned", o, pfn);
	if (bad)
		return bad;
	page = pfn_to_page(pfn);
	CHECK(page_test(page, PG_buddy) && !(page->flags & pg_state) &&
	      page_order(page) == o && page_zonenum(page) == zone->type,
	      "B2 order-%u head pfn 0x%x has flags 0x%x", o, pfn, page->flags);
	for (i = 1; i < (1u << o); i++)
		CHECK(!(page[i].flags & PG_FLAGS_MASK),
		      "B4 pfn 0x%x inside free block 0x%x/%u has flags 0x%x",
		      pfn + i, pfn, o, page[i].flags);
	CHECK(o == MAX_ORDER || !buddy_is_free_head(zone, pfn ^ (1u << o), o),
	      "B5 order-%u block 0x%x and its buddy 0x%x both free", o, pfn,
	      pfn ^ (1u << o));
	return bad;
}

/* B3 and the per-block checks for one list; *frames gets its frames. */
static unsigned int check_list(const struct zone *zone, unsigned int o,
			       uint32_t *frames)
{
	const struct free_area *area = &zone->free_area[o];
	pfn_t prev = PFN_NONE, pfn = area->head;
	uint32_t n = 0;
	unsigned int bad = 0;

	*frames = 0;
	while (pfn != PFN_NONE && n <= area->nr_free) {
		if (!pfn_valid(pfn) || !zone_spans_pfn(zone, pfn)) {
			CHECK(0, "B1 order-%u list links to pfn 0x%x", o, pfn);
			return bad;
		}
		CHECK(pfn_to_page(pfn)->prev == prev,
		      "B3 order-%u pfn 0x%x prev 0x%x, expected 0x%x", o, pfn,
		      pfn_to_page(pfn)->prev, prev);
		bad += check_block(zone, pfn, o);
		prev = pfn;
		pfn = pfn_to_page(pfn)->next;
		n++;
	}
	CHECK(n == area->nr_free && pfn == PFN_NONE,
	      "B3 order-%u list: nr_free %u, walked %u%s", o, area->nr_free, n,
	      pfn == PFN_NONE ? "" : " and more");
	*frames = n << o;
	return bad;
}

/* B6 and B9 for the hot stack; *frames gets its length. */
static unsigned int check_hot(const struct zone *zone, uint32_t *frames)
{
	const struct hot_list *hot = &zone->hot;
	unsigned int bad = 0;
	uint32_t i;

	*frames = 0;
	CHECK(hot->count <= hot->high && hot->high <= HOT_HIGH_MAX &&
	      hot->batch <= HOT_BATCH_MAX,
	      "B6 hot list: count %u high %u batch %u", hot->count, hot->high,
	      hot->batch);
	if (bad)
		return bad;
	for (i = 0; i < hot->count; i++) {
		const struct page *page = hot->pages[i];
		pfn_t pfn = (pfn_t)(page - mem_map);

		if (page < mem_map || !pfn_valid(pfn) ||
		    !zone_spans_pfn(zone, pfn)) {
			CHECK(0, "B6 hot slot %u holds pfn 0x%x", i, pfn);
			continue;
		}
		CHECK((page->flags & (PG_FLAGS_MASK | PG_ORDER_MASK)) == PG_hot &&
		      page_zonenum(page) == zone->type && page->_refcount == 0,
		      "B6 hot pfn 0x%x has flags 0x%x refcount %d",
		      pfn, page->flags, page->_refcount);
	}
	CHECK(!hot->count || zone->buddy_pages >= zone->watermark[WMARK_LOW],
	      "B9 %u hot frames with %u on the lists, low watermark %u",
	      hot->count, zone->buddy_pages, zone->watermark[WMARK_LOW]);
	*frames = hot->count;
	return bad;
}

/* B4 (completeness) and B8: a scan of the whole span. */
static unsigned int check_span(const struct zone *zone)
{
	uint32_t heads = 0, hot = 0, listed = 0;
	unsigned int bad = 0, o;
	pfn_t pfn;

	for (pfn = zone->start_pfn; pfn < zone->end_pfn; pfn++) {
		const struct page *page = pfn_to_page(pfn);

		heads += page_test(page, PG_buddy);
		hot += page_test(page, PG_hot);
		CHECK(page_zonenum(page) == zone->type,
		      "B8 pfn 0x%x carries zone %u", pfn, page_zonenum(page));
	}
	for (o = 0; o < NR_ORDERS; o++)
		listed += zone->free_area[o].nr_free;
	CHECK(heads == listed && hot == zone->hot.count,
	      "B4 span has %u free heads and %u hot frames, lists hold %u and %u",
	      heads, hot, listed, zone->hot.count);
	return bad;
}

static unsigned int buddy_check_locked(const struct zone *zone)
{
	uint32_t frames, listed = 0, hot;
	unsigned int bad = 0, o;

	for (o = 0; o < NR_ORDERS; o++) {
		bad += check_list(zone, o, &frames);
		listed += frames;
	}
	bad += check_hot(zone, &hot);
	bad += check_span(zone);
	CHECK(listed == zone->buddy_pages &&
	      listed + hot <= zone->managed_pages &&
	      zone->managed_pages <= zone->present_pages &&
	      zone->present_pages <= zone->end_pfn - zone->start_pfn,
	      "B7 on lists %u (counted %u) hot %u managed %u present %u span %u",
	      listed, zone->buddy_pages, hot, zone->managed_pages,
	      zone->present_pages, zone->end_pfn - zone->start_pfn);
	return bad;
}

unsigned int buddy_check(struct zone *zone)
{
	unsigned long flags;
	unsigned int bad;

	if (!mem_map)
		return 0;
	flags = mm_lock_irqsave(&zone->lock);
	bad = buddy_check_locked(zone);
	mm_unlock_irqrestore(&zone->lock, flags);
	return bad;
}

unsigned int buddy_check_all(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < MAX_NR_ZONES; i++)
		bad += buddy_check(&zones[i]);
	return bad;
}
