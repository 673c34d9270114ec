/*
 * The buddy allocator's checker and reports: buddy_check() encodes the
 * invariants B1..B9 listed above struct zone (include/mm/zones.h), once
 * each; buddy_free_counts() and buddy_dump() give the /proc/buddyinfo view.
 *
 * Design.  The checker first proves every map well formed (their summary
 * levels, cached lowest bit and count are what the searches trust), then
 * walks each map's free blocks (inside the span, clean descriptors, buddy
 * not free too), then scans the span once to prove that each frame is in
 * at most one free block, and in one exactly when it carries no state
 * bit.  It allocates nothing and changes nothing; each violation is one
 * printk line naming the invariant.  Cost: O(frames) per zone, fine for
 * tests and the selftest command, not for a fast path.  The snapshot pair
 * sets the hot lists aside around a test, so that its free counts can be
 * compared exactly, and puts them back; it waits (bounded) for the other
 * online CPUs to drain theirs, which they are asked to by a kick.
 *
 * Locking: each function takes zone->lock (interrupts off) for the zone it
 * reads; buddy_dump() one zone at a time.
 */
#include "buddy_internal.h"
#include "mm/testing/buddy.h"

void buddy_free_counts(struct zone *zone, uint32_t counts[NR_ORDERS])
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int o;

	unsigned int c;

	for (o = 0; o < NR_ORDERS; o++)
		counts[o] = zone->free_area[o].nr_free;
	for (c = 0; c < MM_MAX_CPUS; c++)
		for (o = 0; zone->cpu_hot[c] && o < HOT_ORDERS; o++)
			counts[o] += __atomic_load_n(&zone->cpu_hot[c][o].count,
						     __ATOMIC_RELAXED);
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
						 HOT_SLOTS);
		buddy_drain_hot_sync(&zones[i]);	/* the other CPUs' */
		buddy_free_counts(&zones[i], snap->counts[i]);
		snap->free_pages[i] = zone_free_pages(&zones[i]);
	}
}

unsigned int buddy_snapshot_restore(const struct buddy_snapshot *snap)
{
	uint32_t counts[NR_ORDERS];
	unsigned int i, o, bad = 0;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (buddy_drain_hot_sync(&zones[i]))
			printk("buddy: zone %s: a CPU asked did not drain its hot lists in time\n",
			       zones[i].name);
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

/* B3 (with low) and the nr_free part of B7: every map on its own. */
static unsigned int check_maps(const struct zone *zone)
{
	unsigned int bad = 0, o;
	char what[40];

	for (o = 0; o < NR_ORDERS; o++) {
		const struct free_area *area = &zone->free_area[o];
		uint32_t first;

		snprintf(what, sizeof(what), "B3 %s order-%u map", zone->name,
			 o);
		bad += hbitmap_check(&area->map, what);
		first = hbitmap_first(&area->map);
		first = first == HB_NONE ? HB_NONE : first << o;
		CHECK(area->low == first, "B3 order-%u low %u, lowest block %u",
		      o, area->low, first);
		CHECK(area->nr_free == hbitmap_weight(&area->map),
		      "B7 order-%u nr_free %u, %u bits in the map", o,
		      area->nr_free, hbitmap_weight(&area->map));
	}
	return bad;
}

/* B1, B2, B5 for the free block at bit j of order o. */
static unsigned int check_block(const struct zone *zone, unsigned int o,
				uint32_t j)
{
	pfn_t pfn = zone->map_base + (j << o), i;
	unsigned int bad = 0;

	CHECK(zone_spans_pfn(zone, pfn) && pfn + (1u << o) <= zone->end_pfn,
	      "B1 order-%u block at pfn 0x%x outside the span", o, pfn);
	if (bad)
		return bad;
	for (i = pfn; i < pfn + (1u << o); i++) {
		const struct page *page = pfn_to_page(i);

		CHECK((page->flags & ~PG_ZONE_MASK) == 0 &&
		      page->_refcount == 0,
		      "B2 pfn 0x%x in free block 0x%x/%u has flags 0x%x refcount %d",
		      i, pfn, o, page->flags, page->_refcount);
	}
	CHECK(o == MAX_ORDER || !hbitmap_test(&zone->free_area[o].map, j ^ 1),
	      "B5 order-%u block 0x%x and its buddy 0x%x both free", o, pfn,
	      pfn ^ (1u << o));
	return bad;
}

/* The per-block checks for every block; *frames gets their frames. */
static unsigned int check_blocks(const struct zone *zone, uint32_t *frames)
{
	unsigned int bad = 0, o;
	uint32_t w, b;

	*frames = 0;
	for (o = 0; o < NR_ORDERS; o++) {
		const struct hbitmap *map = &zone->free_area[o].map;

		for (w = 0; w < hbitmap_level_words(map->nbits); w++) {
			unsigned long x = map->level[0][w];

			for (b = 0; x; b++, x >>= 1) {
				if (!(x & 1))
					continue;
				bad += check_block(zone, o, w * HB_BITS + b);
				*frames += 1u << o;
			}
		}
	}
	return bad;
}

/* How many free blocks hold frame pfn: the one of order o would be bit i >> o. */
static unsigned int free_blocks_holding(const struct zone *zone, pfn_t pfn)
{
	uint32_t i = pfn - zone->map_base;
	unsigned int o, blocks = 0;

	for (o = 0; o < NR_ORDERS; o++)
		blocks += hbitmap_test(&zone->free_area[o].map, i >> o);
	return blocks;
}

/* B4 for the allocated head at pfn: returns the end of its block. */
static pfn_t check_head(const struct zone *zone, pfn_t pfn,
			unsigned int blocks, unsigned int *bad_out)
{
	unsigned int o = page_order(pfn_to_page(pfn)), bad = 0;

	CHECK(o <= MAX_ORDER && IS_ALIGNED(pfn - zone->map_base, 1u << o) &&
	      pfn + (1u << o) <= zone->end_pfn && !blocks,
	      "B4 head pfn 0x%x of order %u is misaligned, past the span or free",
	      pfn, o);
	*bad_out += bad;
	return bad ? pfn + 1 : pfn + (1u << o);
}

/*
 * B4 and B8 in one walk of the span: each frame is in at most one free
 * block; an allocated head's block is aligned, inside the span, and the
 * frames after the head are in no free block and carry no head, hot or
 * reserved bit; any other frame with no state bit is in a free block.
 */
static unsigned int check_span(const struct zone *zone)
{
	const uint32_t not_tail = PG_head | PG_hot | PG_reserved;
	unsigned int bad = 0, blocks;
	pfn_t pfn, head = 0, end = 0;	/* the allocated block [head, end) */

	for (pfn = zone->start_pfn; pfn < zone->end_pfn; pfn++) {
		const struct page *page = pfn_to_page(pfn);

		blocks = free_blocks_holding(zone, pfn);
		CHECK(blocks <= 1, "B4 pfn 0x%x is in %u free blocks", pfn,
		      blocks);
		CHECK(page_zonenum(page) == zone->type,
		      "B8 pfn 0x%x carries zone %u", pfn, page_zonenum(page));
		if (pfn < end) {
			CHECK(!blocks && !(page->flags & not_tail),
			      "B4 pfn 0x%x inside the block at 0x%x has flags 0x%x, in %u free blocks",
			      pfn, head, page->flags, blocks);
		} else if (page_test(page, PG_head | PG_hot)) {
			head = pfn;
			end = check_head(zone, pfn, blocks, &bad);
		} else {
			CHECK(blocks || (page->flags & PG_FLAGS_MASK),
			      "B4 pfn 0x%x carries no state bit but is in no free block",
			      pfn);
		}
	}
	return bad;
}

/*
 * B6 for the order-o list of CPU c's set (the reports name the CPU when
 * it is not the boot CPU); *frames gets its frames.
 */
static unsigned int check_hot_list(const struct zone *zone, unsigned int c,
				   unsigned int o, uint32_t *frames)
{
	const struct hot_list *set = zone->cpu_hot[c], *hot = &set[o];
	const uint32_t zbits = (uint32_t)zone->type << PG_ZONE_SHIFT;
	unsigned int bad = 0;
	uint32_t i;

	CHECK(c || set == zone->hot ||
	      (zone->hot[o].count == 0 && zone->hot[o].high == 0),
	      "B6 order-%u: the zone's own hot list holds %u blocks, high %u, beside CPU 0's own",
	      o, zone->hot[o].count, zone->hot[o].high);
	CHECK(hot->count <= hot->high &&
	      hot->high <= hot_list_room(zone->hot_room, o),
	      "B6 order-%u hot list: count %u high %u, room for %u (CPU %u)", o,
	      hot->count, hot->high, hot_list_room(zone->hot_room, o), c);
	CHECK(hot->slots == zone_hot_set_stack(zone, set, o),
	      "B6 order-%u hot list: its stack at %p, not at %p", o,
	      (void *)hot->slots, (void *)zone_hot_set_stack(zone, set, o));
	CHECK(hot->head_flags == (zbits | PG_head | o << PG_ORDER_SHIFT) &&
	      hot->hot_flags == (zbits | PG_hot | o << PG_ORDER_SHIFT),
	      "B6 order-%u hot list: head flags 0x%x, hot flags 0x%x", o,
	      hot->head_flags, hot->hot_flags);
	CHECK(c || zone->hot[o].skip_from <= hot_skip_from(zone, o),
	      "B6 order-%u hot list skips from pfn 0x%x, above 0x%x where its lowest free block says",
	      o, zone->hot[o].skip_from, hot_skip_from(zone, o));
	if (bad)
		return bad;
	for (i = 0; i < hot->count; i++) {
		const struct page *page = hot->slots[i];
		pfn_t pfn = (pfn_t)(page - mem_map);

		CHECK(page >= mem_map && pfn_valid(pfn) &&
		      zone_spans_pfn(zone, pfn) &&
		      pfn + (1u << o) <= zone->end_pfn &&
		      IS_ALIGNED(pfn - zone->map_base, 1u << o),
		      "B6 order-%u hot slot %u holds pfn 0x%x", o, i, pfn);
		if (bad)
			return bad;
		CHECK((page->flags & (PG_FLAGS_MASK | PG_ORDER_MASK)) ==
		      (PG_hot | o << PG_ORDER_SHIFT) &&
		      page_zonenum(page) == zone->type && page->_refcount == 0,
		      "B6 order-%u hot pfn 0x%x has flags 0x%x refcount %d",
		      o, pfn, page->flags, page->_refcount);
	}
	*frames += hot->count << o;
	return bad;
}

/*
 * B6 and B9 for every CPU's hot lists; *frames gets their frames.  B9
 * allows hot frames below the watermark on a CPU asked to drain them
 * (zone->drain_req): it has not come by since.
 */
static unsigned int check_hot(const struct zone *zone, uint32_t *frames)
{
	unsigned int bad = 0, o, c;

	*frames = 0;
	for (c = 0; c < MM_MAX_CPUS; c++) {
		uint32_t mine = 0;

		for (o = 0; zone->cpu_hot[c] && o < HOT_ORDERS; o++)
			bad += check_hot_list(zone, c, o, &mine);
		CHECK(!mine ||
		      zone->buddy_pages >= zone->watermark[WMARK_LOW] ||
		      (zone->drain_req & (1u << c)),
		      "B9 %u hot frames with %u on the lists, low watermark %u",
		      mine, zone->buddy_pages, zone->watermark[WMARK_LOW]);
		*frames += mine;
	}
	return bad;
}

static unsigned int buddy_check_locked(const struct zone *zone)
{
	uint32_t frames, hot;
	unsigned int bad = 0;

	if (!zone->free_area[0].map.nbits)
		return 0;		/* no frame of this zone on the machine */
	bad += check_maps(zone);
	if (bad)
		return bad;		/* the walks below trust the maps */
	bad += check_blocks(zone, &frames);
	bad += check_span(zone);
	bad += check_hot(zone, &hot);
	CHECK(frames == zone->buddy_pages &&
	      frames + hot <= zone->managed_pages &&
	      zone->managed_pages <= zone->present_pages &&
	      zone->present_pages <= zone->end_pfn - zone->start_pfn,
	      "B7 in free blocks %u (counted %u) hot %u managed %u present %u span %u",
	      frames, zone->buddy_pages, hot, zone->managed_pages,
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
