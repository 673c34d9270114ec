/*
 * Console commands of the slab layer: `slabinfo` (/proc/slabinfo 2.1),
 * `slabstat` (kmalloc, frame and reclaim counters, then the invariant
 * check) and the slab half of `stress` (kernel/cmd_stress.c dispatches
 * "stress slab N SEED" here).
 *
 * Design of the stress run.  N steps each pick one of STRESS_SLOTS slots
 * at random: an empty slot gets kmalloc/kzalloc/kcalloc/krealloc of a
 * random size (mostly small, some up to 8 KiB, a few large blocks), and
 * every byte of it is filled with a pattern derived from its address; a
 * full slot is checked against that pattern, then freed or krealloc'd.
 * The invariants of every cache and zone are checked every
 * STRESS_CHECK_EVERY steps.  At the end everything is freed, the caches
 * shrunk, and the buddy free counts must be exactly what they were before
 * the run (buddy_snapshot_take()/_restore()).  The helpers every stress
 * run shares are kernel/stress.c's.  With "all", every online CPU runs
 * N steps at once with its own slots and seed, and the checkers run at
 * the end only, as for buddy (kernel/cmd_buddy.c); most frees then go
 * to caches other CPUs allocate from at the same time.
 *
 * Locking: none here; the shell (process context, interrupts on) and,
 * with "all", the other CPUs' shares (interrupts off); the slab and
 * buddy calls take their own locks.
 */
#include "shell.h"
#include "stress.h"
#include "mm/buddy.h"
#include "mm/slab.h"

static int cmd_slabinfo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	slabinfo_dump();
	return 0;
}
SHELL_COMMAND(slabinfo, "slabinfo", "",
	      "object caches (/proc/slabinfo 2.1)", cmd_slabinfo);

static int cmd_slabstat(int argc, char **argv)
{
	struct slab_reclaim_stats rs;
	struct kmalloc_stats st;
	unsigned int bad;

	(void)argc;
	(void)argv;
	kmalloc_get_stats(&st);
	printk("kmalloc: requested %llu allocated %llu large %llu (%llu frames live) refused %llu failed %llu\n",
	       st.requested, st.allocated, st.large_allocs, st.large_pages,
	       st.refused, st.failed);
	printk("slab: %lu frames in caches\n", slab_total_frames());
	slab_reclaim_stats(&rs);
	printk("slab: reclaim ran %llu times, gave back %llu frames, passed over %llu locked caches\n",
	       rs.calls, rs.frames, rs.skipped);
	bad = kmem_cache_check_all();
	printk("slab: check %s (%u violations)\n", bad ? "FAILED" : "ok", bad);
	return bad ? -EINVAL : 0;
}
SHELL_COMMAND(slabstat, "slabstat", "",
	      "kmalloc counters, slab frames, reclaim counters and the slab invariant check",
	      cmd_slabstat);

/* ---- stress slab N SEED [all] ------------------------------------------ */

#define STRESS_SLOTS		512
#define STRESS_CHECK_EVERY	1000

struct stress_obj {
	uint8_t *p;
	size_t size;
};

/* One CPU's share: written by that CPU, read by the boot CPU after it. */
struct stress_run {
	uint32_t rng, seed;
	uint32_t ops, allocs, frees, reallocs, failed, checks;
	bool check;			/* the checkers on the way */
	const char *error;		/* first error, or NULL */
	struct stress_obj objs[STRESS_SLOTS];
};

static struct stress_run runs[MM_MAX_CPUS];
static uint32_t stress_n;
static struct buddy_snapshot stress_snap;

static void stress_fail(struct stress_run *r, const char *why)
{
	if (!r->error)
		r->error = why;
}

static uint32_t stress_rand(struct stress_run *r)
{
	return stress_next(&r->rng);
}

static size_t stress_size(struct stress_run *r)
{
	uint32_t x = stress_rand(r) % 1000;

	if (x < 700)
		return 1 + stress_rand(r) % 256;
	if (x < 950)
		return 1 + stress_rand(r) % 2048;
	if (x < 995)
		return 1 + stress_rand(r) % KMALLOC_MAX_CACHE_SIZE;
	return KMALLOC_MAX_CACHE_SIZE + 1 + stress_rand(r) % 24000;
}

static uint8_t stress_pattern(const uint8_t *p, size_t i)
{
	return (uint8_t)(((uintptr_t)p >> 3) ^ i ^ (i >> 8));
}

static void stress_fill(struct stress_obj *o)
{
	size_t i;

	for (i = 0; i < o->size; i++)
		o->p[i] = stress_pattern(o->p, i);
}

/* Bytes of @o that differ from its pattern (0: intact). */
static size_t stress_verify(const struct stress_obj *o, const uint8_t *pat,
			    size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (o->p[i] != stress_pattern(pat, i))
			bad++;
	return bad;
}

static void stress_alloc(struct stress_run *r, struct stress_obj *o)
{
	uint32_t how = stress_rand(r) % 8;
	size_t i;

	o->size = stress_size(r);
	if (how == 0)
		o->p = kzalloc(o->size, GFP_KERNEL | __GFP_NOWARN);
	else if (how == 1)
		o->p = kcalloc(1, o->size, GFP_KERNEL | __GFP_NOWARN);
	else
		o->p = kmalloc(o->size, GFP_KERNEL | __GFP_NOWARN);
	if (!o->p) {
		r->failed++;
		return;
	}
	r->allocs++;
	if (ksize(o->p) < o->size)
		stress_fail(r, "ksize smaller than the request");
	for (i = 0; how < 2 && i < o->size; i++)
		if (o->p[i])
			stress_fail(r, "zeroed allocation is not zero");
	stress_fill(o);
}

static void stress_free(struct stress_run *r, struct stress_obj *o)
{
	uint8_t *old = o->p;
	size_t keep = o->size;

	if (stress_verify(o, o->p, o->size))
		stress_fail(r, "object overwritten while allocated");
	if (stress_rand(r) % 8 == 0) {
		o->size = stress_size(r);
		o->p = krealloc(old, o->size, GFP_KERNEL | __GFP_NOWARN);
		if (!o->p) {
			o->p = old;
			o->size = keep;
			r->failed++;
			return;
		}
		r->reallocs++;
		if (stress_verify(o, old, MIN(keep, o->size)))
			stress_fail(r, "krealloc lost the contents");
		stress_fill(o);
		return;
	}
	kfree(o->p);
	o->p = NULL;
	r->frees++;
}

/* Run up to @n operations; returns how many ran (fewer on Ctrl-C). */
static uint32_t stress_loop(struct stress_run *r, uint32_t n)
{
	uint32_t step;

	for (step = 0; step < n && !r->error; step++) {
		if (stress_interrupted("slab", step, n))
			break;
		struct stress_obj *o = &r->objs[stress_rand(r) % STRESS_SLOTS];

		if (o->p)
			stress_free(r, o);
		else
			stress_alloc(r, o);
		if (r->check && step % STRESS_CHECK_EVERY == 0) {
			r->checks++;
			if (kmem_cache_check_all() || buddy_check_all())
				stress_fail(r, "invariant check failed");
		}
	}
	return step;
}

/*
 * One CPU's share: its operations, then every object it still holds
 * back, each checked.  With every CPU at once the checkers run at the
 * end only, on the boot CPU, as for buddy (kernel/cmd_buddy.c).
 */
static void stress_share(unsigned int cpu)
{
	struct stress_run *r = &runs[cpu];
	unsigned int i;

	r->ops = stress_loop(r, stress_n);
	for (i = 0; i < STRESS_SLOTS; i++) {
		struct stress_obj *o = &r->objs[i];

		if (!o->p)
			continue;
		if (stress_verify(o, o->p, o->size))
			stress_fail(r, "object overwritten at the end");
		kfree(o->p);
		o->p = NULL;
		r->frees++;
	}
}

static void stress_run_init(struct stress_run *r, uint32_t seed, bool check)
{
	memset(r, 0, sizeof(*r));
	r->seed = r->rng = seed;	/* stress_next() replaces a zero seed */
	r->check = check;
}

/* The boot CPU's checks once every share is back; the first error wins. */
static const char *stress_final_checks(uint32_t *frames)
{
	const char *error = NULL;

	if (kmem_cache_check_all())
		error = "kmem_cache_check failed at the end";
	*frames = kmem_cache_shrink_all();
	if (buddy_check_all() && !error)
		error = "buddy_check failed at the end";
	if (buddy_snapshot_restore(&stress_snap) && !error)
		error = "free block counts differ from the start";
	return error;
}

static int stress_slab_one(uint32_t n, uint32_t seed)
{
	struct stress_run *r = &runs[0];
	const char *error;
	uint32_t frames;

	stress_run_init(r, seed, true);
	stress_n = n;
	stress_share(0);
	error = stress_final_checks(&frames);
	if (error)
		stress_fail(r, error);
	printk("stress slab: %u ops seed %u: %u allocs, %u frees, %u reallocs, %u refused for lack of memory, %u checks, %u frames released by shrink\n",
	       r->ops, seed, r->allocs, r->frees, r->reallocs, r->failed,
	       r->checks + 1, frames);
	stress_zones_report("slab", &stress_snap);
	return stress_verdict("slab", r->error);
}

/* "stress slab: cpuC ops N allocs A frees F reallocs R refused X seed S ok" */
static bool stress_cpu_line(unsigned int cpu)
{
	const struct stress_run *r = &runs[cpu];

	printk("stress slab: cpu%u ops %u allocs %u frees %u reallocs %u refused %u seed %u %s%s%s\n",
	       cpu, r->ops, r->allocs, r->frees, r->reallocs, r->failed,
	       r->seed, r->error ? "FAILED (" : "ok",
	       r->error ? r->error : "", r->error ? ")" : "");
	return !r->error;
}

/* The checks of a run on every CPU, with the shrink's line. */
static const char *stress_all_checks(void)
{
	uint32_t frames;
	const char *error = stress_final_checks(&frames);

	printk("stress slab: %u frames released by shrink\n", frames);
	return error;
}

static int stress_slab_all(uint32_t n, uint32_t seed)
{
	static const struct stress_all_run run = {
		.who = "slab", .share = stress_share,
		.cpu_line = stress_cpu_line,
		.final_checks = stress_all_checks,
		.snap = &stress_snap,
	};
	unsigned int c;

	for (c = 0; c < MM_MAX_CPUS; c++)
		stress_run_init(&runs[c], stress_cpu_seed(seed, c), false);
	stress_n = n;
	return stress_all(&run);
}

int stress_slab(int argc, char **argv)
{
	uint32_t n, seed;
	bool all;

	if (stress_args(argc, argv, &n, &seed, &all))
		return -EINVAL;
	if (stress_busy("slab"))
		return -EBUSY;
	kmem_cache_shrink_all();
	buddy_snapshot_take(&stress_snap);
	return all ? stress_slab_all(n, seed) : stress_slab_one(n, seed);
}
