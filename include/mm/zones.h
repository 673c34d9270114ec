/*
 * Zones: the table of physical memory ranges that the buddy allocator
 * manages, one allocator per zone.
 *
 *   ZONE_DMA      frames below 16 MiB (ISA DMA reach)
 *   ZONE_NORMAL   16 MiB up to LOWMEM_LIMIT (896 MiB): direct-mapped
 *   ZONE_HIGHMEM  usable RAM above LOWMEM_LIMIT: mapped only on demand
 *
 * A zone spans [start_pfn, end_pfn); holes inside the span are frames whose
 * descriptor is PG_reserved.  Every usable frame that is not reserved at
 * boot ends up free in exactly one zone.
 *
 * Locking: zone->lock guards free_area, the hot lists' batches to and
 * from the maps and the counters; a CPU's own hot lists are its own,
 * with interrupts off (mm/buddy_pcp.c).  The lock disables interrupts,
 * so every function here may be called from an IRQ handler except
 * zones_init(), which runs once at early boot.
 */
#ifndef MM_ZONES_H
#define MM_ZONES_H

#include "mm/hbitmap.h"
#include "mm/lock.h"
#include "mm/page.h"

#define NR_ORDERS	11			/* orders 0..10: 4 KiB .. 4 MiB */
#define MAX_ORDER	(NR_ORDERS - 1)

enum zone_type { ZONE_DMA, ZONE_NORMAL, ZONE_HIGHMEM, MAX_NR_ZONES };
enum zone_wmark { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

/*
 * The free blocks of one order, for the zone's frames from map_base on:
 * bit i of map is set when the 2^order frames from map_base + (i << order)
 * are a free block, coalesced as far as its buddies allow.  A bitmap
 * rather than a list through the descriptors: a free or a merge tests and
 * flips bits in a few cache lines instead of loading the descriptors of
 * the block, its buddy and their list neighbours, and the lowest-addressed
 * block of an order is one hbitmap_first() away (low caches it, as a
 * frame index: map_base + low is its pfn).
 */
struct free_area {
	struct hbitmap map;		/* heads of free blocks of this order */
	uint32_t nr_free;		/* bits set in map */
	uint32_t low;			/* its block's frame index, or HB_NONE */
};

/*
 * Requests of this order and above take the smallest free block that fits
 * (lowest-addressed among those); smaller ones take the lowest-addressed
 * free block of any order that fits.  Small blocks so pack into the low
 * end of a zone and large ones fill holes of their own size, which keeps
 * whole 4 MiB blocks free: see "Placement" in docs/DESIGN.md.
 */
#define BUDDY_FIT_ORDER		4


/*
 * The hot lists in front of the buddy maps, a set per CPU (struct
 * zone's cpu_hot[], mm/buddy_pcp.c), one list for each order below
 * HOT_ORDERS: a stack of free blocks' head descriptors,
 * top at count - 1 in its part of zone->hot_slots.  Frees of that order push,
 * allocations pop; batch blocks at a time move between a list and the
 * buddy maps.  Orders 1..3 have lists as well as order 0 (Linux keeps
 * them too, up to its "costly" order 3): on a mix of block sizes most
 * requests are of those orders, and a pop or push is a fraction of a
 * split or merge.  An array rather than a list through the descriptors:
 * a pop needs no load from the block's descriptor, and a drain can pick
 * its blocks by address and by age (the bottom is the oldest).
 * Descriptor pointers rather than pfns: a pop returns the entry as it is
 * and a push stores its argument,
 * so an allocation that follows a free waits on nothing but the store.
 * A list's size comes from the zone's batch (hot_zone_batch()): order o
 * from 1 up moves batch >> o blocks at a time (at least one), so that
 * those lists move about as many frames; order 0 moves twice the batch,
 * up to the same 127.  Each holds at most four of its batches.  high = 0:
 * no list.  The stacks live with the free maps (zones_map_bytes()), each
 * zone's sized for the batch its span allows, so a small machine pays
 * for small lists only.
 *
 * The batch grows with the zone, a frame in 128, up to 127 (a 64 MiB
 * zone).  A list's count swings in bursts of dozens of blocks one way
 * (after a large free, a run of allocations), and every swing past empty
 * or full is a trip to the maps, so a larger batch makes fewer trips.
 * Two costs bound it: blocks on the lists are not in the maps to
 * coalesce, so longer lists scatter small blocks; and in a small zone
 * they hold so much of it that large requests fail, the lists of orders
 * 1-3 most, since their blocks pin larger regions.  Order 0, the most
 * frequent request and the cheapest block to hold, therefore moves twice
 * the batch, and every zone shares the one cap.  Which blocks a drain
 * takes (see hot_drain_order()) is what keeps lists this long from
 * scattering the maps.
 */
#define HOT_ORDERS	4u
#define HOT_BATCH_MAX	127u
#define HOT_HIGH_MAX	(4 * HOT_BATCH_MAX)

/*
 * Blocks the order-o list of a zone with this batch moves at a time:
 * order 0 twice the batch up to HOT_BATCH_MAX, the others batch >> o (at
 * least one).  Its stack has room for four of them.  Macros, so that
 * HOT_SLOTS is a constant of the same formula.
 */
#define HOT_ORDER0_BATCH(batch)						\
	(2 * (batch) < HOT_BATCH_MAX ? 2 * (batch) : HOT_BATCH_MAX)
#define HOT_LIST_BATCH(batch, o)					\
	((o) == 0 ? HOT_ORDER0_BATCH(batch) :				\
	 (batch) >> (o) ? (batch) >> (o) : 1u)
#define HOT_LIST_ROOM(batch, o) \
	((batch) ? 4 * HOT_LIST_BATCH(batch, o) : 0u)

static inline uint32_t hot_list_room(uint32_t batch, unsigned int o)
{
	return HOT_LIST_ROOM(batch, o);
}

/* Slots of all of a zone's stacks. */
static inline uint32_t hot_zone_slots(uint32_t batch)
{
	uint32_t n = 0;
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++)
		n += hot_list_room(batch, o);
	return n;
}

/* hot_zone_slots(HOT_BATCH_MAX) as a constant: the most any zone has. */
#define HOT_SLOTS	(HOT_LIST_ROOM(HOT_BATCH_MAX, 0) + \
			 HOT_LIST_ROOM(HOT_BATCH_MAX, 1) + \
			 HOT_LIST_ROOM(HOT_BATCH_MAX, 2) + \
			 HOT_LIST_ROOM(HOT_BATCH_MAX, 3))
_Static_assert(HOT_ORDERS == 4, "HOT_SLOTS sums four lists");

/* The batch of a zone of this many frames (0: no lists): HOT_LIST_BATCH(). */
static inline uint32_t hot_zone_batch(uint32_t frames)
{
	if (frames < 256)
		return 0;
	return frames / 128 < HOT_BATCH_MAX ? frames / 128 : HOT_BATCH_MAX;
}

/*
 * The cache line struct zone's layout keeps its groups apart: 64 bytes,
 * the Pentium 4's and every later x86's (the P6's 32 and the 486's 16
 * divide it).
 */
#define ZONE_CACHE_LINE	64

struct hot_list {
	/* What the fast paths touch, first and together. */
	uint32_t count;			/* blocks on the stack */
	uint32_t high;			/* a free finding count == high drains a batch */
	pfn_t skip_from;		/* a free from this pfn up goes to the maps */
	uint32_t head_flags;		/* flags of an allocated head of this order */
	uint32_t hot_flags;		/* flags of a head on this list */
	uint32_t batch;			/* blocks moved per refill or drain */
	struct page **slots;		/* the stack: its part of zone->hot_slots */
	uint64_t pushed_fast;		/* frees pushed by the fast path */
	/* The rest. */
	uint64_t pushed;		/* frees pushed by the slow paths */
	uint64_t refilled;		/* blocks moved in from the buddy maps */
	uint64_t drained;		/* blocks moved back to the buddy maps */
};

/*
 * Event counters: monotonic, for meminfo/vmstat and tests.  Read them
 * with zone_counters(): the fast paths count nothing but the hot list's
 * pushes, and alloc_ok, freed and hot_hits are summed from the hot list's
 * own accounting (every pop is an allocation: pops = pushes + refilled -
 * drained - count).
 */
struct zone_counters {
	uint64_t alloc_ok;		/* blocks handed out */
	uint64_t alloc_fail;		/* requests this zone could not meet */
	uint64_t freed;			/* blocks returned */
	uint64_t refused_frees;		/* misuse caught and refused */
	uint64_t splits;		/* blocks split on allocation */
	uint64_t merges;		/* buddies coalesced on free */
	uint64_t hot_hits;		/* allocations served from the hot lists */
	uint64_t alloc_pages;		/* frames of the blocks handed out */
	uint64_t freed_pages;		/* frames of the blocks returned */
};

/*
 * A zone: its span, its counters and its buddy allocator.
 *
 * Invariants of the free state, encoded once each in buddy_check()
 * (mm/buddy_check.c), which tests call after every step:
 *  B1. A free block of order o (a bit of free_area[o].map) lies inside
 *      [start_pfn, end_pfn) and is aligned to 2^o frames (by construction
 *      of the map index).
 *  B2. Every frame of a free block carries the zone's number, no PG_* bit
 *      and refcount 0.
 *  B3. Every map is well formed (hbitmap H1, H2): its summary levels say
 *      exactly which words are non-zero; low is its lowest bit << o.
 *  B4. Every frame is in exactly one state: no frame is in two free
 *      blocks; a block head (PG_head: allocated, PG_hot: on a hot list)
 *      is aligned to its order, and its block lies in the span, holds no
 *      free frame and no other head, hot or reserved frame; and a frame
 *      with no PG_* bit outside every such block is in a free block.
 *  B5. No two free buddies are left uncoalesced: the buddy of a free block
 *      of order o < MAX_ORDER is not a free block of order o.
 *  B6. A block on the order-o hot list lies inside the span, aligned; its
 *      head carries PG_hot, order o, the zone's number and refcount 0;
 *      count <= high <= hot_list_room(hot_room, o) for every list; and
 *      what a list caches for its fast paths is right: its slots and its
 *      two flags words, and zone->hot[o].skip_from is at or below what
 *      the maps' lowest blocks make it (hot_skip_from()), so the fast free
 *      pushes only what the exact rule would push.  Once CPU 0 has a
 *      set of its own, zone->hot's lists hold nothing (count = high = 0).
 *  B7. free_area[o].nr_free equals the bits set in its map;
 *      buddy_pages equals the frames in free blocks; and
 *      buddy_pages + hot frames <= managed_pages <= present_pages <= the
 *      span.
 *  B8. Every frame of the span carries the zone's number.
 *  B9. Hot frames are above the low watermark: while any list holds one,
 *      buddy_pages >= watermark[WMARK_LOW], except on a CPU asked to
 *      drain its lists (drain_req) that has not come by since.  So on
 *      one CPU an order-0 pop always leaves a zone at or above its low
 *      watermark, and the fast path needs no watermark test; with
 *      several, a zone goes below it by at most the lists of CPUs that
 *      are yet to honour a drain request.
 *
 * Fields: name..present_pages and watermark are set by zones_init() only;
 * the rest change under lock, through mm/buddy.c only.
 */
struct zone {
	/*
	 * What the fast paths read, first and together; after the lock,
	 * only the uniprocessor fast paths write these lines.  The lock
	 * comes first, so that a pointer to the zone is one to its lock
	 * too; with several CPUs it is written twice for a batch moved.
	 * hot is the boot CPU's set until mm_smp_prepare() gives every CPU
	 * a set of its own (mm/buddy_pcp.c); from then on its lists hold
	 * nothing (high 0) and hot[o].skip_from, the skip rule's copy for
	 * every CPU, is what it is read for, written under lock.
	 * cpu_hot[c] is CPU c's set (hot itself for CPU 0 before
	 * mm_smp_prepare(); NULL for a CPU it was not told of); drain_req
	 * has bit c set while CPU c is asked to drain its set (atomic; set
	 * and cleared under lock).
	 */
	mm_lock_t lock;
	enum zone_type type;
	struct hot_list hot[HOT_ORDERS];
	struct hot_list *cpu_hot[MM_MAX_CPUS];
	uint32_t drain_req;
	/*
	 * What any CPU writes under the lock, from a cache line of its own,
	 * so that moving a batch on one CPU does not take the lines above
	 * from the others' fast paths.
	 */
	const char *name		/* "DMA", "Normal", "HighMem" (as /proc) */
		__attribute__((aligned(ZONE_CACHE_LINE)));
	pfn_t start_pfn;		/* span, set once by zones_init() */
	pfn_t end_pfn;
	uint32_t present_pages;		/* usable RAM frames in the span */
	uint32_t managed_pages;		/* frames given to the buddy allocator */
	uint32_t buddy_pages;		/* free frames on the buddy maps */
	uint32_t watermark[NR_WMARK];
	pfn_t map_base;			/* pfn of bit 0 of every map (4 MiB aligned) */
	struct free_area free_area[NR_ORDERS];
	struct page **hot_slots;	/* the hot lists' stacks, after the maps */
	uint32_t hot_room;		/* the batch they were sized for */
	struct zone_counters stats;	/* raw: see zone_counters() */
};

#if defined(__i386__)
/*
 * The i386 sizes docs/DESIGN.md quotes for the metadata (with struct
 * page's, asserted in page.h): a field added to or moved in struct zone
 * fails the kernel build here until both are updated.
 */
_Static_assert(sizeof(struct zone) == 1088, "struct zone on i386 is 1088 bytes");
#endif

extern struct zone zones[MAX_NR_ZONES];

/*
 * Where the order-o stack of a set of hot lists starts: after the rooms
 * of the lower orders, from the zone's slots for struct zone's own set
 * (zone->hot) and right after the set itself for a set of its own.
 */
static inline struct page **zone_hot_set_stack(const struct zone *zone,
					       const struct hot_list *set,
					       unsigned int o)
{
	struct page **slots = set == zone->hot ? zone->hot_slots :
			      (struct page **)(uintptr_t)(set + HOT_ORDERS);
	unsigned int p;

	for (p = 0; p < o; p++)
		slots += hot_list_room(zone->hot_room, p);
	return slots;
}

static inline struct page **zone_hot_stack(const struct zone *zone,
					   unsigned int o)
{
	return zone_hot_set_stack(zone, zone->hot, o);
}

static inline struct zone *page_zone(const struct page *page)
{
	return &zones[page_zonenum(page)];
}

static inline bool zone_populated(const struct zone *zone)
{
	return zone->managed_pages != 0;
}

/* Frames on the zone's hot lists, every CPU's.
 * Context: any; a snapshot (other CPUs' lists change without the lock). */
static inline uint32_t zone_hot_pages(const struct zone *zone)
{
	uint32_t n = 0, o;
	unsigned int c;

	for (c = 0; c < MM_MAX_CPUS; c++) {
		const struct hot_list *set = zone->cpu_hot[c];

		for (o = 0; set && o < HOT_ORDERS; o++)
			n += __atomic_load_n(&set[o].count, __ATOMIC_RELAXED)
			     << o;
	}
	return n;
}

/* Free frames: the buddy maps plus the hot lists.
 * Context: any; a snapshot unless zone->lock is held. */
static inline uint32_t zone_free_pages(const struct zone *zone)
{
	return zone->buddy_pages + zone_hot_pages(zone);
}

/*
 * zone_counters - the zone's event counters, the hot list's share summed
 * in (struct zone_counters).
 * Context: any (takes zone->lock).  Returns: nothing (fills *out).
 */
void zone_counters(struct zone *zone, struct zone_counters *out);

/* What one CPU's hot lists of a zone hold, in frames (Linux's pageset). */
struct zone_pcp_info {
	uint32_t count;			/* frames on the lists */
	uint32_t high;			/* frames the lists may hold */
	uint32_t batch;			/* frames an order-0 refill moves */
};

/*
 * zone_pcp_info - @cpu's hot lists of @zone (all zero for a CPU that has
 * none).
 * Context: any (a snapshot: single words read without the lock).
 * Returns: nothing (fills *out).
 */
void zone_pcp_info(const struct zone *zone, unsigned int cpu,
		   struct zone_pcp_info *out);

static inline bool zone_spans_pfn(const struct zone *zone, pfn_t pfn)
{
	return pfn >= zone->start_pfn && pfn < zone->end_pfn;
}

/*
 * pfn_zone - the zone a pfn belongs to by its address alone (DMA, Normal,
 * HighMem), which is how zones_init() numbered every frame (B8): the
 * answer page_zone() gives, without loading the frame's descriptor.  The
 * free path calls it first, so that taking the zone's lock and reading
 * its hot list need not wait for the descriptor's flags word, which the
 * allocation has often just written.  Each test returns a zone's address,
 * so there is no index to scale, and each is a branch, which the
 * predictor learns: a conditional move (gcc makes one of the second
 * test unless the empty asm stops it) would put the zone's address on
 * the chain that waits for the pfn.  Keep it so, it is on that path.
 * zone_type_of_pfn - the same mapping as a zone number.
 * Context: any.  Returns: the zone; its number.
 */
static inline struct zone *pfn_zone(pfn_t pfn)
{
	struct zone *zone = &zones[ZONE_NORMAL];

	if (pfn >= LOWMEM_PFN)
		return &zones[ZONE_HIGHMEM];
	if (pfn < DMA_PFN) {
		zone = &zones[ZONE_DMA];
		__asm__("" : "+r"(zone));	/* a branch, not a cmov */
	}
	return zone;
}

static inline enum zone_type zone_type_of_pfn(pfn_t pfn)
{
	return (enum zone_type)(pfn_zone(pfn) - zones);
}

/* The pfns each zone may hold, by address: [lo, hi). */
static inline pfn_t zone_type_lo(enum zone_type t)
{
	return t == ZONE_DMA ? 0 : t == ZONE_NORMAL ? DMA_PFN : LOWMEM_PFN;
}

static inline pfn_t zone_type_hi(enum zone_type t)
{
	return t == ZONE_DMA ? DMA_PFN : t == ZONE_NORMAL ? LOWMEM_PFN :
							  PFN_NONE;
}

/*
 * The frames a zone's free maps cover on a machine of nr_pfns frames: its
 * address range cut at nr_pfns, rounded up to whole 4 MiB blocks (every
 * zone starts on one).  Returns: how many (0: the zone has none).
 */
static inline uint32_t zone_map_frames(enum zone_type t, pfn_t nr_pfns)
{
	pfn_t lo = zone_type_lo(t), hi = MIN(zone_type_hi(t), nr_pfns);

	if (hi <= lo)
		return 0;
	return ALIGN_UP(hi - lo, 1u << MAX_ORDER);
}

_Static_assert(sizeof(unsigned long) == sizeof(struct page *),
	       "a hot-list slot takes one map word");

/*
 * Words of all of one zone's maps, one per order, and of its hot lists'
 * stacks, sized for the batch of a zone that fills its maps.
 */
static inline uint32_t zone_map_words(uint32_t frames)
{
	uint32_t words = 0;
	unsigned int o;

	for (o = 0; frames && o < NR_ORDERS; o++)
		words += hbitmap_words(frames >> o);
	return words + hot_zone_slots(hot_zone_batch(frames));
}

/*
 * zones_map_bytes - what zones_init() needs at @map for nr_pfns frames:
 * the descriptors, then every zone's free maps (about 1/4 byte a frame)
 * and hot-list stacks (at most 3.7 KiB a zone on i386).
 * Context: any.  Returns: the size in bytes.
 */
static inline size_t zones_map_bytes(pfn_t nr_pfns)
{
	size_t bytes = ALIGN_UP((size_t)nr_pfns * sizeof(struct page),
				sizeof(unsigned long));
	unsigned int t;

	for (t = 0; t < MAX_NR_ZONES; t++)
		bytes += zone_map_words(zone_map_frames(t, nr_pfns)) *
			 sizeof(unsigned long);
	return bytes;
}

/* A range of frames [start, end) handed from the boot allocator. */
struct pfn_range {
	pfn_t start;
	pfn_t end;
};

/*
 * zones_init - lay out the zones and give free frames to the buddy allocator.
 * @map: zones_map_bytes(nr_pfns) bytes: the page descriptors for pfns
 *       [0, nr_pfns), then room for the zones' free maps
 * @nr_pfns: one past the highest usable pfn
 * @usable: usable RAM (sorted, disjoint); frames outside it are holes
 * @nr_usable: entries in @usable
 * @free: the subset of @usable that is free (not reserved at boot)
 * @nr_free: entries in @free
 *
 * Every descriptor starts PG_reserved (refcount 1) with its zone set;
 * frames in @free are then freed into their zone's buddy maps as maximal
 * aligned blocks.  Watermarks and hot-list sizes are set from the managed
 * pages (formula in mm/zones.c).
 * Context: early boot, once (host tests: once per test, after zones_reset()).
 * Returns: 0; -EINVAL if a range list is not sorted, disjoint, non-empty
 * and inside [0, nr_pfns), or @free is not inside @usable; -EBUSY if the
 * zones are already set up.
 */
int zones_init(struct page *map, pfn_t nr_pfns,
	       const struct pfn_range *usable, unsigned int nr_usable,
	       const struct pfn_range *free, unsigned int nr_free);

/* Forget all zones and mem_map (host tests between cases).
 * Context: no allocator in use.  Returns: nothing. */
void zones_reset(void);

/*
 * Turns a zone's hot lists on, sized from its managed frames as at boot,
 * or off (no block may be on them).
 * Context: zone->lock held, or single-threaded boot.
 */
void zone_set_hot_lists(struct zone *zone, bool on);

/* Totals across zones (each zone's counter read once, without its lock).
 * Context: any.  Returns: frames managed / free now. */
uint32_t zones_total_managed(void);
uint32_t zones_total_free(void);

#endif /* MM_ZONES_H */
