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
 * run shares are kernel/stress.c's.
 *
 * Locking: none here; the shell (process context, interrupts on), and
 * the slab and buddy calls take their own locks.
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

/* ---- stress slab N SEED ----------------------------------------------- */

#define STRESS_SLOTS		512
#define STRESS_CHECK_EVERY	1000

struct stress_obj {
	uint8_t *p;
	size_t size;
};

struct stress_run {
	uint32_t rng;
	uint32_t allocs, frees, reallocs, failed, checks;
	const char *error;		/* first error, or NULL */
};

static struct stress_obj objs[STRESS_SLOTS];
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
		struct stress_obj *o = &objs[stress_rand(r) % STRESS_SLOTS];

		if (o->p)
			stress_free(r, o);
		else
			stress_alloc(r, o);
		if (step % STRESS_CHECK_EVERY == 0) {
			r->checks++;
			if (kmem_cache_check_all() || buddy_check_all())
				stress_fail(r, "invariant check failed");
		}
	}
	return step;
}

int stress_slab(int argc, char **argv)
{
	struct stress_run r = { 0 };
	uint32_t n, seed, i, frames, done;

	if (stress_args(argc, argv, &n, &seed))
		return -EINVAL;
	r.rng = seed;		/* stress_next() replaces a zero seed */
	kmem_cache_shrink_all();
	buddy_snapshot_take(&stress_snap);
	done = stress_loop(&r, n);
	for (i = 0; i < STRESS_SLOTS; i++) {
		if (objs[i].p) {
			if (stress_verify(&objs[i], objs[i].p, objs[i].size))
				stress_fail(&r, "object overwritten at the end");
			kfree(objs[i].p);
			objs[i].p = NULL;
			r.frees++;
		}
	}
	if (kmem_cache_check_all())
		stress_fail(&r, "kmem_cache_check failed at the end");
	frames = kmem_cache_shrink_all();
	if (buddy_snapshot_restore(&stress_snap))
		stress_fail(&r, "free block counts differ from the start");
	printk("stress slab: %u ops seed %u: %u allocs, %u frees, %u reallocs, %u refused for lack of memory, %u checks, %u frames released by shrink\n",
	       done, seed, r.allocs, r.frees, r.reallocs, r.failed, r.checks + 1,
	       frames);
	stress_zones_report("slab", &stress_snap);
	if (r.error) {
		printk("stress slab: FAILED (%s)\n", r.error);
		return -EINVAL;
	}
	printk("stress slab: ok\n");
	return 0;
}
