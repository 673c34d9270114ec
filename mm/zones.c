/*
 * The zone table: which frames exist, which zone each belongs to, and the
 * hand-over of free frames from the boot-time allocator to the buddy maps.
 *
 * Design.  zones_init() receives a descriptor array covering [0, nr_pfns)
 * and two sorted range lists: usable RAM, and the part of it that is free.
 * Every descriptor starts PG_reserved (refcount 1) with its zone number,
 * so holes, firmware areas, the kernel image and boot data are simply
 * frames that never leave the reserved state.  A zone spans from its first
 * to its last usable frame; the free ranges, cut at the zone limits
 * (16 MiB, 896 MiB), go to buddy_free_bootmem() in maximal aligned blocks.
 *
 * Watermarks, from the frames the zone manages (m):
 *     min  = min(m / 128, 1024)     (0.8 % of the zone, at most 4 MiB)
 *     low  = min + min / 4
 *     high = min + min / 2
 * A zone of fewer than 128 frames gets all three at 0, so a tiny zone is
 * still usable to its last frame.  With -m 16M the DMA zone manages about
 * 3,500 frames: min 27, low 33, high 40, leaving nearly all of it usable.
 *
 * Hot lists: zones of fewer than 256 frames have none (high = 0); for the
 * others, the zone's batch is min(m / 128, 127) frames (hot_zone_batch()
 * in include/mm/zones.h, where HOT_LIST_BATCH() gives each order's part:
 * order 0 twice it, up to 127) and a list holds at most four of its own
 * (a large zone's refills set two while whole 4 MiB blocks are scarce:
 * hot_refill_high() in mm/buddy_hot.c).
 *
 * Locking: zones_init() and zones_reset() run single-threaded (early boot,
 * or between host test cases); the totals read each zone's counter once
 * without the lock, which is good enough for reporting.
 */
#include "mm/buddy.h"
#include "mm/zones.h"

struct page *mem_map;
pfn_t max_pfn;

static const char *const zone_names[MAX_NR_ZONES] = {
	[ZONE_DMA] = "DMA",
	[ZONE_NORMAL] = "Normal",
	[ZONE_HIGHMEM] = "HighMem",
};

struct zone zones[MAX_NR_ZONES] = {
	[ZONE_DMA] = { .name = "DMA", .type = ZONE_DMA },
	[ZONE_NORMAL] = { .name = "Normal", .type = ZONE_NORMAL },
	[ZONE_HIGHMEM] = { .name = "HighMem", .type = ZONE_HIGHMEM },
};

static bool ranges_ok(const struct pfn_range *r, unsigned int n, pfn_t limit)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (r[i].start >= r[i].end || r[i].end > limit)
			return false;
		if (i && r[i].start < r[i - 1].end)
			return false;
	}
	return true;
}

static bool range_inside(const struct pfn_range *r,
			 const struct pfn_range *set, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (r->start >= set[i].start && r->end <= set[i].end)
			return true;
	return false;
}

/* Span and present frames of one zone from the usable ranges. */
static void zone_layout(struct zone *zone, const struct pfn_range *usable,
			unsigned int n)
{
	pfn_t lo = zone_type_lo(zone->type), hi = zone_type_hi(zone->type);
	unsigned int i;

	zone->start_pfn = zone->end_pfn = 0;
	zone->present_pages = 0;
	for (i = 0; i < n; i++) {
		pfn_t s = MAX(usable[i].start, lo), e = MIN(usable[i].end, hi);

		if (s >= e)
			continue;
		if (!zone->present_pages)
			zone->start_pfn = s;
		zone->end_pfn = e;
		zone->present_pages += e - s;
	}
}

/*
 * The hot lists' sizes from the zone's batch (0: no lists), and where
 * each list's stack starts in the zone's slots (sized for hot_room).
 */
static void zone_set_hot_set(struct zone *zone, struct hot_list *set,
			     uint32_t batch)
{
	uint32_t o;

	for (o = 0; o < HOT_ORDERS; o++) {
		struct hot_list *hot = &set[o];

		hot->high = hot_list_room(batch, o);	/* four batches */
		hot->batch = hot->high / 4;
		hot->slots = zone_hot_set_stack(zone, set, o);
	}
}

static void zone_set_hot(struct zone *zone, uint32_t batch)
{
	unsigned int c;

	MM_ASSERT(batch <= zone->hot_room);
	/* zone->hot has lists while it is the boot CPU's set (buddy_pcp.c) */
	zone_set_hot_set(zone, zone->hot,
			 zone->cpu_hot[0] == zone->hot ? batch : 0);
	for (c = 0; c < MM_MAX_CPUS; c++) {
		struct hot_list *set = zone->cpu_hot[c];

		/* a zone without frames shares one empty set (buddy_pcp.c) */
		if (set && set != zone->hot && zone_populated(zone))
			zone_set_hot_set(zone, set, batch);
	}
}

void zone_set_hot_lists(struct zone *zone, bool on)
{
	zone_set_hot(zone, on ? hot_zone_batch(zone->managed_pages) : 0);
}

static void zone_set_marks(struct zone *zone)
{
	uint32_t m = zone->managed_pages;
	uint32_t min = MIN(m / 128, 1024u);

	zone->watermark[WMARK_MIN] = min;
	zone->watermark[WMARK_LOW] = min + min / 4;
	zone->watermark[WMARK_HIGH] = min + min / 2;
	zone_set_hot(zone, hot_zone_batch(m));
}

static void zone_free_range(const struct pfn_range *r)
{
	unsigned int t;

	for (t = 0; t < MAX_NR_ZONES; t++) {
		pfn_t s = MAX(r->start, zone_type_lo(t));
		pfn_t e = MIN(r->end, zone_type_hi(t));

		if (s < e)
			buddy_free_bootmem(&zones[t], s, e);
	}
}

/*
 * Lay the zone's free maps (one per order), all clear, and then its hot
 * lists' stacks over the words from @words.  Returns: the first word
 * after them.
 */
static unsigned long *zone_maps_init(struct zone *zone, unsigned long *words,
				     pfn_t nr_pfns)
{
	uint32_t frames = zone_map_frames(zone->type, nr_pfns);
	unsigned int o;

	zone->map_base = zone_type_lo(zone->type);
	for (o = 0; frames && o < NR_ORDERS; o++) {
		hbitmap_init(&zone->free_area[o].map, frames >> o, words);
		words += hbitmap_words(frames >> o);
	}
	zone->hot_slots = (struct page **)words;
	zone->hot_room = hot_zone_batch(frames);
	return words + hot_zone_slots(zone->hot_room);
}

int zones_init(struct page *map, pfn_t nr_pfns,
	       const struct pfn_range *usable, unsigned int nr_usable,
	       const struct pfn_range *free, unsigned int nr_free)
{
	unsigned long *words;
	unsigned int i;
	pfn_t pfn;

	if (mem_map)
		return -EBUSY;
	if (!map || !ranges_ok(usable, nr_usable, nr_pfns) ||
	    !ranges_ok(free, nr_free, nr_pfns))
		return -EINVAL;
	for (i = 0; i < nr_free; i++)
		if (!range_inside(&free[i], usable, nr_usable))
			return -EINVAL;
	for (pfn = 0; pfn < nr_pfns; pfn++) {
		map[pfn].flags = PG_reserved |
			((uint32_t)zone_type_of_pfn(pfn) << PG_ZONE_SHIFT);
		map[pfn]._refcount = 1;
		map[pfn].owner = 0;
	}
	mem_map = map;
	max_pfn = nr_pfns;
	words = (unsigned long *)((char *)map +
				  ALIGN_UP((size_t)nr_pfns * sizeof(*map),
					   sizeof(unsigned long)));
	for (i = 0; i < MAX_NR_ZONES; i++) {
		zone_layout(&zones[i], usable, nr_usable);
		buddy_zone_init(&zones[i]);
		words = zone_maps_init(&zones[i], words, nr_pfns);
	}
	/* The layout above and the size the caller reserved are two sums. */
	MM_ASSERT((char *)words <= (char *)map + zones_map_bytes(nr_pfns));
	for (i = 0; i < nr_free; i++)
		zone_free_range(&free[i]);
	for (i = 0; i < MAX_NR_ZONES; i++)
		zone_set_marks(&zones[i]);
	return 0;
}

void zones_reset(void)
{
	unsigned int i;

	memset(zones, 0, sizeof(zones));
	mem_map = NULL;
	max_pfn = 0;		/* before buddy_zone_init(), which reads it */
	for (i = 0; i < MAX_NR_ZONES; i++) {
		zones[i].name = zone_names[i];
		zones[i].type = i;
		buddy_zone_init(&zones[i]);
	}
}

static uint32_t zones_total(bool free_only)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		n += free_only ? zone_free_pages(&zones[i]) :
				 zones[i].managed_pages;
	return n;
}

uint32_t zones_total_managed(void)
{
	return zones_total(false);
}

uint32_t zones_total_free(void)
{
	return zones_total(true);
}
