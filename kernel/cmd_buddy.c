/*
 * Console commands of the buddy allocator: `buddyinfo` (Linux's
 * /proc/buddyinfo, to the column), `buddystat` (zones, watermarks and
 * counters) and the buddy half of `stress` (kernel/cmd_stress.c).
 *
 * Design of the stress run.  N steps each pick one of STRESS_SLOTS slots
 * at random: an empty slot gets a block of a random order (small orders
 * more often) with a random gfp mask, a full one is freed.  A bitmap with
 * one bit per frame is the shadow record: a frame handed out twice, or a
 * block not aligned to its order, fails the run.  Direct-mapped blocks
 * also carry a tag in their first and last word, checked on free, and a
 * __GFP_ZERO block must start and end zeroed.  buddy_check_all() runs
 * every STRESS_CHECK_EVERY steps and at the end.  The run starts and ends
 * with buddy_snapshot_take()/_restore(), so afterwards every zone's
 * buddyinfo counts are exactly what they were.  The helpers every stress
 * run shares are kernel/stress.c's.
 *
 * With "all", every online CPU runs N steps at once (stress_on_cpus()),
 * each with its own slots, counters and seed (struct stress_run); the
 * shadow bitmap is shared and marked with atomic bit operations, so a
 * frame handed to two CPUs at once fails the run as surely as one handed
 * out twice to one.  The checkers run at the end only, when every share
 * is back: they read every CPU's hot lists.  The boot CPU then prints a
 * line per CPU, checks, and compares the counts after draining every
 * CPU's hot lists (the snapshot's restore waits for them).
 *
 * Locking: none here; the shell (process context, interrupts on) and,
 * with "all", the other CPUs' shares (interrupts off); the buddy calls
 * take the zone locks they need.
 */
#include "shell.h"
#include "stress.h"
#include "mm/buddy.h"

static int cmd_buddyinfo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	buddy_dump();
	return 0;
}
SHELL_COMMAND(buddyinfo, "buddyinfo", "",
	      "free blocks per zone and order (/proc/buddyinfo)",
	      cmd_buddyinfo);

/* One line: each of the boot CPU's hot lists' blocks, high mark and batch. */
static void zone_hot_dump(const struct zone *z)
{
	const struct hot_list *set = z->cpu_hot[0];
	unsigned int o;

	printk("  hot lists (blocks/high batch):");
	for (o = 0; o < HOT_ORDERS; o++)
		printk(" order %u %u/%u %u%s", o, set[o].count, set[o].high,
		       set[o].batch, o + 1 < HOT_ORDERS ? "," : "\n");
}

static int cmd_buddystat(int argc, char **argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &zones[i];
		struct buddy_drain_stats ds;
		struct zone_counters c;

		if (!zone_populated(z))
			continue;
		zone_counters(z, &c);
		printk("zone %-7s pfns 0x%x-0x%x present %u managed %u free %u\n",
		       z->name, z->start_pfn, z->end_pfn, z->present_pages,
		       z->managed_pages, zone_free_pages(z));
		printk("  watermarks min %u low %u high %u\n",
		       z->watermark[WMARK_MIN], z->watermark[WMARK_LOW],
		       z->watermark[WMARK_HIGH]);
		zone_hot_dump(z);
		printk("  allocs %llu failed %llu frees %llu refused %llu splits %llu merges %llu hot hits %llu\n",
		       c.alloc_ok, c.alloc_fail, c.freed, c.refused_frees,
		       c.splits, c.merges, c.hot_hits);
		buddy_drain_stats(z, &ds);
		printk("  waits for other CPUs' hot lists %llu, timed out %llu\n",
		       ds.waits, ds.timeouts);
	}
	printk("refused frees in all: %llu\n", buddy_refused_frees());
	return 0;
}
SHELL_COMMAND(buddystat, "buddystat", "",
	      "zones, watermarks and buddy allocator counters", cmd_buddystat);

/* ---- stress buddy N SEED [all] ----------------------------------------- */

#define STRESS_SLOTS		256
#define STRESS_CHECK_EVERY	1024
#define STRESS_MAX_PFNS		(1u << 20)	/* 4 GiB of frames */

struct stress_block {
	struct page *page;
	uint32_t tag;
	uint8_t order;
};

/* One CPU's share: written by that CPU, read by the boot CPU after it. */
struct stress_run {
	uint32_t rng, seed;
	uint32_t ops, allocs, frees, failed, checks;
	bool check;			/* buddy_check_all() on the way */
	const char *error;
	bool error_block;		/* the first error names a block: */
	pfn_t error_pfn;
	unsigned int error_order;
	struct stress_block slots[STRESS_SLOTS];
};

static struct stress_run runs[MM_MAX_CPUS];
static uint32_t stress_n;
static uint32_t owned[STRESS_MAX_PFNS / 32];	/* the shadow: 1 = handed out */
static struct buddy_snapshot stress_snap;

static const gfp_t stress_gfp[] = {
	GFP_KERNEL, GFP_KERNEL, GFP_ATOMIC, GFP_DMA, GFP_HIGHUSER,
	GFP_KERNEL | __GFP_ZERO,
};

/* The first error of a run is the one reported. */
static void stress_fail(struct stress_run *r, const char *why)
{
	if (!r->error)
		r->error = why;
}

static uint32_t stress_rand(struct stress_run *r)
{
	return stress_next(&r->rng);
}

static unsigned int stress_order(struct stress_run *r)
{
	uint32_t x = stress_rand(r) % 100;

	if (x < 60)
		return 0;
	if (x < 85)
		return 1 + stress_rand(r) % 3;
	return 4 + stress_rand(r) % (MAX_ORDER - 3);
}

/*
 * Mark or unmark a block in the shadow, which every CPU shares; each
 * frame must be in the other state, or another CPU holds it too.
 */
static bool shadow_mark(const struct stress_block *b, bool taking)
{
	pfn_t pfn = page_to_pfn(b->page), i;
	bool ok = true;

	for (i = pfn; i < pfn + (1u << b->order); i++)
		ok &= stress_shadow_flip(owned, i, taking);
	return ok;
}

static uint32_t *block_words(const struct stress_block *b, uint32_t **last)
{
	uint32_t *first = page_address(b->page);

	*last = first + ((PAGE_SIZE << b->order) / 4 - 1);
	return first;
}

/* The first error, with the block it concerns. */
static void stress_fail_block(struct stress_run *r, const char *why,
			      const struct stress_block *b)
{
	if (r->error)
		return;
	r->error = why;
	r->error_block = true;
	r->error_pfn = page_to_pfn(b->page);
	r->error_order = b->order;
}

static void stress_alloc(struct stress_run *r, struct stress_block *b)
{
	gfp_t gfp = stress_gfp[stress_rand(r) % ARRAY_SIZE(stress_gfp)];
	uint32_t *first, *last;

	b->order = stress_order(r);
	b->page = alloc_pages(gfp | __GFP_NOWARN, b->order);
	if (!b->page) {
		r->failed++;
		return;
	}
	r->allocs++;
	b->tag = stress_rand(r) | 1;
	if (!IS_ALIGNED(page_to_pfn(b->page), 1u << b->order) ||
	    !shadow_mark(b, true)) {
		stress_fail_block(r, "block misaligned or handed out twice", b);
		return;
	}
	if (page_zonenum(b->page) == ZONE_HIGHMEM)
		return;
	first = block_words(b, &last);
	if ((gfp & __GFP_ZERO) && (*first || *last))
		stress_fail_block(r, "__GFP_ZERO block not zeroed", b);
	*first = *last = b->tag;
}

static void stress_free(struct stress_run *r, struct stress_block *b)
{
	uint32_t *first, *last;

	if (page_zonenum(b->page) != ZONE_HIGHMEM) {
		first = block_words(b, &last);
		if (*first != b->tag || *last != b->tag)
			stress_fail_block(r, "block overwritten while allocated",
					  b);
	}
	if (!shadow_mark(b, false))
		stress_fail_block(r, "shadow lost a block", b);
	if (__free_pages(b->page, b->order) != 0)
		stress_fail_block(r, "__free_pages refused a valid free", b);
	b->page = NULL;
	r->frees++;
}

/* Run up to @n operations; returns how many ran (fewer on Ctrl-C). */
static uint32_t stress_loop(struct stress_run *r, uint32_t n)
{
	uint32_t step;

	for (step = 0; step < n && !r->error; step++) {
		if (stress_interrupted("buddy", step, n))
			break;
		struct stress_block *b =
			&r->slots[stress_rand(r) % STRESS_SLOTS];

		if (b->page)
			stress_free(r, b);
		else
			stress_alloc(r, b);
		if (r->check && step % STRESS_CHECK_EVERY == 0) {
			r->checks++;
			if (buddy_check_all())
				stress_fail(r, "buddy_check failed");
		}
	}
	return step;
}

/*
 * One CPU's share: its operations, then every block it still holds back.
 * buddy_check_all() reads every CPU's hot lists, which only their CPUs
 * may read while they run: with every CPU at once it runs at the end
 * only, on the boot CPU.
 */
static void stress_share(unsigned int cpu)
{
	struct stress_run *r = &runs[cpu];
	unsigned int i;

	r->ops = stress_loop(r, stress_n);
	for (i = 0; i < STRESS_SLOTS; i++)
		if (r->slots[i].page)
			stress_free(r, &r->slots[i]);
}

static void stress_run_init(struct stress_run *r, uint32_t seed, bool check)
{
	memset(r, 0, sizeof(*r));
	r->seed = r->rng = seed;
	r->check = check;
}

static void stress_report_error(const struct stress_run *r)
{
	if (r->error_block)
		printk("stress buddy: %s: pfn 0x%x order %u zone %s, after %u allocs\n",
		       r->error, r->error_pfn, r->error_order,
		       zones[zone_type_of_pfn(r->error_pfn)].name, r->allocs);
}

/* The boot CPU's checks once every share is back; the first error wins. */
static const char *stress_final_checks(void)
{
	const char *error = NULL;

	if (buddy_check_all())
		error = "buddy_check failed at the end";
	if (buddy_snapshot_restore(&stress_snap) && !error)
		error = "free block counts differ from the start";
	return error;
}

static int stress_buddy_one(uint32_t n, uint32_t seed)
{
	struct stress_run *r = &runs[0];
	const char *error;

	stress_run_init(r, seed, true);
	stress_n = n;
	stress_share(0);
	stress_report_error(r);
	error = stress_final_checks();
	if (error)
		stress_fail(r, error);
	printk("stress buddy: %u ops seed %u: %u allocs, %u frees, %u refused for lack of memory, %u checks\n",
	       r->ops, seed, r->allocs, r->frees, r->failed, r->checks + 1);
	stress_zones_report("buddy", &stress_snap);
	return stress_verdict("buddy", r->error);
}

/* "stress buddy: cpuC ops N allocs A frees F refused R seed S ok" */
static bool stress_cpu_line(unsigned int cpu)
{
	const struct stress_run *r = &runs[cpu];

	stress_report_error(r);
	printk("stress buddy: cpu%u ops %u allocs %u frees %u refused %u seed %u %s%s%s\n",
	       cpu, r->ops, r->allocs, r->frees, r->failed, r->seed,
	       r->error ? "FAILED (" : "ok", r->error ? r->error : "",
	       r->error ? ")" : "");
	return !r->error;
}

static int stress_buddy_all(uint32_t n, uint32_t seed)
{
	static const struct stress_all_run run = {
		.who = "buddy", .share = stress_share,
		.cpu_line = stress_cpu_line,
		.final_checks = stress_final_checks,
		.snap = &stress_snap,
	};
	unsigned int c;

	for (c = 0; c < MM_MAX_CPUS; c++)
		stress_run_init(&runs[c], stress_cpu_seed(seed, c), false);
	stress_n = n;
	return stress_all(&run);
}

int stress_buddy(int argc, char **argv)
{
	uint32_t n, seed;
	bool all;

	if (stress_args(argc, argv, &n, &seed, &all))
		return -EINVAL;
	if (stress_busy("buddy"))
		return -EBUSY;
	if (max_pfn > STRESS_MAX_PFNS) {
		printk("stress buddy: %u frames, the shadow holds %u\n",
		       max_pfn, STRESS_MAX_PFNS);
		return -E2BIG;
	}
	memset(owned, 0, (max_pfn + 31) / 32 * sizeof(uint32_t));
	buddy_snapshot_take(&stress_snap);
	return all ? stress_buddy_all(n, seed) : stress_buddy_one(n, seed);
}
