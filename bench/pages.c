/*
 * Page workloads: alloc_pages/__free_pages of the real mm/ code on a pool
 * of host memory, against the null allocator.
 *
 * The pool is the machine of the host tests (tests/host/machine.h): an
 * mmap'd arena standing in for RAM, one descriptor per frame, zones laid
 * out by zones_init() with the kernel's limits, so a 2 GiB pool has DMA,
 * Normal and HighMem zones.  Every request uses GFP_HIGHUSER (plus
 * __GFP_NOWARN), whose zonelist is HighMem, Normal, DMA: the whole arena is
 * the pool, as a user-page allocation would see it.  The allocator name
 * "kmem-kernel" runs lifo, hot and batch with GFP_KERNEL instead (Normal,
 * then DMA), for comparison: the two requests take different paths.
 *
 * Each loop is written once, as an always-inline function taking the
 * allocator's two functions; it is instantiated with the constants
 * alloc_pages/__free_pages and null_alloc_pages/null_free_pages, so both
 * become direct calls to out-of-line functions and the null run measures
 * exactly the loop's own cost.  Set-up (pre-fragmenting, filling the pool,
 * permutations) is untimed; the null allocator runs the same set-up on a
 * booted pool so that its parameters (batch size, targets) are identical.
 *
 *   lifo   order-0 alloc + free pairs on a fresh pool
 *   hot    the same after every page was allocated and every even pfn freed
 *   batch  allocate min(10000, pages/2) frames, free them in random order
 *   mixed  orders 0..10 (60 % order 0 .. 0.2 % order 10), the pool kept
 *          around half full; then the fragmentation figure, overall and
 *          per zone (at 2 GiB the live half sits in HighMem, tried first)
 *
 * Locking: none of its own; a worker is one thread, and the mm/ locks
 * (interrupt flag on the host) are taken inside alloc_pages/__free_pages.
 */
#include <string.h>

#include "bench.h"
#include "machine.h"
#include "mm/buddy.h"
#include "mm/zones.h"

#define BENCH_GFP	(GFP_HIGHUSER | __GFP_NOWARN)
#define BENCH_INLINE	static inline __attribute__((always_inline))

#define PAGE_PAIRS	1000000u	/* lifo, hot, batch: timed pairs */
#define MIXED_OPS	2000000u	/* mixed: timed operations */
#define BATCH_MAX	10000u
#define BATCH_PERMS	8u		/* random free orders, used in turn */

typedef struct page *(*palloc_fn)(gfp_t gfp, unsigned int order);
typedef int (*pfree_fn)(struct page *page, unsigned int order);

/* ---- lifo and hot ------------------------------------------------------ */

BENCH_INLINE void pairs_loop(palloc_fn alloc, pfree_fn release, gfp_t gfp,
			     uint64_t n, struct bench_out *out)
{
	uint64_t i, t0, fails = 0;

	t0 = bench_start();
	for (i = 0; i < n; i++) {
		struct page *p = alloc(gfp, 0);

		if (unlikely(!p)) {
			fails++;
			continue;
		}
		release(p, 0);
	}
	out->ns = bench_stop(t0);
	out->ops = n;
	out->fails = fails;
}

/* Allocate every frame the allocator will give, then free each even pfn. */
static void prefragment(void)
{
	uint32_t n = zones_total_free(), got = 0, i;
	struct page **all = bench_xmalloc(n * sizeof(*all));
	struct page *p;

	while (got < n && (p = alloc_pages(BENCH_GFP, 0)) != NULL)
		all[got++] = p;
	for (i = 0; i < got; i++)
		if ((page_to_pfn(all[i]) & 1) == 0)
			__free_pages(all[i], 0);
	free(all);
}

/* ---- batch ------------------------------------------------------------- */

BENCH_INLINE void batch_loop(palloc_fn alloc, pfree_fn release, gfp_t gfp,
			     uint32_t n, uint64_t rounds, struct page **slot,
			     const uint32_t *perms, struct bench_out *out)
{
	uint64_t r, t0, fails = 0;
	uint32_t i;

	t0 = bench_start();
	for (r = 0; r < rounds; r++) {
		const uint32_t *perm = perms + (r % BATCH_PERMS) * n;

		for (i = 0; i < n; i++) {
			slot[i] = alloc(gfp, 0);
			fails += slot[i] == NULL;
		}
		for (i = 0; i < n; i++) {
			struct page *p = slot[perm[i]];

			if (likely(p != NULL))
				release(p, 0);
		}
	}
	out->ns = bench_stop(t0);
	out->ops = rounds * n;
	out->fails = fails;
}

static void batch_run(bool null, gfp_t gfp, uint64_t pairs, uint64_t seed,
		      struct bench_out *out)
{
	uint32_t n = MIN(BATCH_MAX, (uint32_t)(out->pages / 2)), k;
	uint64_t rounds = (pairs + n - 1) / n;
	struct page **slot = bench_xmalloc(n * sizeof(*slot));
	uint32_t *perms = bench_xmalloc((size_t)BATCH_PERMS * n * sizeof(*perms));

	for (k = 0; k < BATCH_PERMS; k++)
		bench_shuffle(perms + (size_t)k * n, n, &seed);
	if (null)
		batch_loop(null_alloc_pages, null_free_pages, gfp, n, rounds,
			   slot, perms, out);
	else
		batch_loop(alloc_pages, __free_pages, gfp, n, rounds, slot,
			   perms, out);
	free(perms);
	free(slot);
}

/* ---- mixed ------------------------------------------------------------- */

/* Order distribution in permille: 60, 15, 10, 7, 3, 2, 1, 0.8 .. 0.2 %. */
static const uint16_t mixed_permille[NR_ORDERS] = {
	600, 150, 100, 70, 30, 20, 10, 8, 6, 4, 2,
};

struct live_block {
	struct page *page;
	uint32_t order;
};

struct mixed_state {
	struct live_block *live;
	uint32_t nlive;
	uint64_t inuse;			/* frames in live blocks */
	uint64_t target;		/* half the pool */
	uint64_t rng;
	const uint8_t *order_of;	/* permille draw -> order */
};

/* One operation: allocate below the target, else free a random live block. */
BENCH_INLINE unsigned int mixed_op(palloc_fn alloc, pfree_fn release,
				   struct mixed_state *s)
{
	struct live_block *b;

	if (s->inuse < s->target) {
		unsigned int o = s->order_of[bench_below(&s->rng, 1000)];
		struct page *p = alloc(BENCH_GFP, o);

		if (unlikely(!p))
			return 1;
		s->live[s->nlive].page = p;
		s->live[s->nlive].order = o;
		s->nlive++;
		s->inuse += 1u << o;
		return 0;
	}
	b = &s->live[bench_below(&s->rng, s->nlive)];
	release(b->page, b->order);
	s->inuse -= 1u << b->order;
	*b = s->live[--s->nlive];
	return 0;
}

/*
 * The state lives in a local copy whose address never escapes, so the
 * compiler keeps its fields in registers across the allocator's calls
 * instead of reloading them through a pointer the calls might write.
 */
BENCH_INLINE void mixed_loop(palloc_fn alloc, pfree_fn release,
			     struct mixed_state *state, uint64_t ops,
			     struct bench_out *out)
{
	struct mixed_state s = *state;
	uint64_t i, t0, fails = 0, streak = 0;

	while (s.inuse < s.target) {		/* untimed fill */
		if (mixed_op(alloc, release, &s) == 0)
			streak = 0;
		else if (++streak > 100000)
			bench_die("mixed: cannot fill the pool to 50%%");
	}
	t0 = bench_start();
	for (i = 0; i < ops; i++)
		fails += mixed_op(alloc, release, &s);
	out->ns = bench_stop(t0);
	out->ops = ops;
	out->fails = fails;
	*state = s;
}

/* Free memory as order-10 blocks, once the hot lists are drained. */
static void mixed_fragmentation(struct bench_out *out)
{
	uint64_t free_frames = 0, big = 0;
	uint32_t counts[NR_ORDERS];
	unsigned int z, o;

	out->max_order = -1;
	for (z = 0; z < MAX_NR_ZONES; z++) {
		uint64_t zfree = 0, zbig;

		if (!zone_populated(&zones[z]))
			continue;
		buddy_drain_hot(&zones[z]);
		buddy_free_counts(&zones[z], counts);
		for (o = 0; o < NR_ORDERS; o++) {
			zfree += (uint64_t)counts[o] << o;
			if (counts[o] && (int)o > out->max_order)
				out->max_order = (int)o;
		}
		zbig = (uint64_t)counts[MAX_ORDER] << MAX_ORDER;
		out->zone[out->nr_zones].name = zones[z].name;
		out->zone[out->nr_zones].free = zfree;
		out->zone[out->nr_zones].frag =
			zfree ? (double)zbig / (double)zfree : 0.0;
		out->nr_zones++;
		free_frames += zfree;
		big += zbig;
	}
	out->frag = free_frames ? (double)big / (double)free_frames : 0.0;
}

static void mixed_run(bool null, uint64_t ops, uint64_t seed,
		      struct bench_out *out)
{
	struct mixed_state s;
	uint8_t order_of[1000];
	unsigned int o, k = 0, j;

	memset(&s, 0, sizeof(s));
	for (o = 0; o < NR_ORDERS; o++)
		for (j = 0; j < mixed_permille[o]; j++)
			order_of[k++] = (uint8_t)o;
	if (k != 1000)
		bench_die("mixed: order distribution sums to %u permille", k);
	s.order_of = order_of;
	s.target = out->pages / 2;
	s.live = bench_xmalloc((s.target + 1) * sizeof(*s.live));
	s.rng = seed;
	if (null) {
		mixed_loop(null_alloc_pages, null_free_pages, &s, ops, out);
	} else {
		mixed_loop(alloc_pages, __free_pages, &s, ops, out);
		mixed_fragmentation(out);
	}
	free(s.live);
}

/* ---- entry ------------------------------------------------------------- */

int bench_pages_run(const struct bench_args *a, struct bench_out *out)
{
	const char *w = a->workload;
	bool null = strcmp(a->alloc, "null") == 0;
	bool kernel = strcmp(a->alloc, "kmem-kernel") == 0;
	gfp_t gfp = kernel ? GFP_KERNEL | __GFP_NOWARN : BENCH_GFP;

	if (strcmp(w, "lifo") && strcmp(w, "hot") && strcmp(w, "batch") &&
	    strcmp(w, "mixed"))
		return -1;
	if (!null && !kernel && strcmp(a->alloc, "kmem"))
		bench_die("page workload %s: allocator %s is not kmem, "
			  "kmem-kernel or null", w, a->alloc);
	if (kernel && !strcmp(w, "mixed"))
		bench_die("mixed fills half the pool: GFP_HIGHUSER only");
	machine_boot(a->pool);
	out->pages = zones_total_managed();
	if (!strcmp(w, "mixed")) {
		mixed_run(null, a->ops ? a->ops : MIXED_OPS, a->seed, out);
	} else if (!strcmp(w, "batch")) {
		batch_run(null, gfp, a->ops ? a->ops : PAGE_PAIRS, a->seed,
			  out);
	} else {
		if (!strcmp(w, "hot"))
			prefragment();
		if (null)
			pairs_loop(null_alloc_pages, null_free_pages, gfp,
				   a->ops ? a->ops : PAGE_PAIRS, out);
		else
			pairs_loop(alloc_pages, __free_pages, gfp,
				   a->ops ? a->ops : PAGE_PAIRS, out);
	}
	return 0;
}
