/*
 * Host tests of the per-CPU magazines (mm/slab_pcpu.c), one thread at a
 * time: the thread becomes CPU 0 or CPU 1 with host_cpu_enter(), so
 * every step lands on the CPU the case names and every state can be
 * asserted exactly.  The caches made before mm_smp_prepare() take the
 * per-CPU rule (the first case, which needs a process still on the
 * uniprocessor path: mm_smp_prepare() is once per process), magazines
 * fill and empty by batches through the depot, every double free is
 * refused wherever the object sits and whichever CPU frees it, requests
 * are honoured at the next entry or the kick, a CPU going offline gives
 * its magazines back, the counters stay exact (and fold before they
 * wrap), and the checker finds each broken invariant.  The cases with
 * CPUs running at once are in test_smp_mm.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "machine.h"
#include "mm/slab.h"
#include "mm/testing/fault_inject.h"
#include "../../mm/slab_internal.h"

#define DF_LINE	"slab: double free in cache %s: object %p offset 0 bytes - (caller "
#define NOBJ	80

static uint32_t base_free;	/* free frames once the case is set up */

static void as_cpu(unsigned int cpu)
{
	host_cpu_enter(cpu);
}

/* Every cached frame back: magazines, empty slabs, hot lists. */
static void settle(void)
{
	unsigned int z;

	kmem_cache_shrink_all();
	for (z = 0; z < MAX_NR_ZONES; z++)
		buddy_drain_hot(&zones[z]);
}

static void check_all(void)
{
	unsigned int bad = kmem_cache_check_all() + buddy_check_all();

	if (bad)
		fail_msg("%u violations\n%s", bad, host_log());
}

static unsigned int mag_count(const struct kmem_cache *c, unsigned int cpu)
{
	return c->cpu[cpu]->ng & SLAB_CPU_N_MASK;
}

static unsigned int depot_count(const struct kmem_cache *c)
{
	return c->depot->ng & SLAB_CPU_N_MASK;
}

/* Invariant 10 exactly: the CPUs are not between two steps here. */
static void expect_counted(const struct kmem_cache *c)
{
	assert_int_equal(slab_pcpu_held_slots(c),
			 mag_count(c, 0) + mag_count(c, 1) + depot_count(c));
}

static unsigned long active_objs(struct kmem_cache *c)
{
	struct kmem_cache_info info;

	kmem_cache_info(c, &info);
	return info.active_objs;
}

/* CPU @cpu gives its magazine of @c back, as its own request would. */
static void give_back(struct kmem_cache *c, unsigned int cpu)
{
	unsigned long flags;

	as_cpu(cpu);
	flags = mm_lock_irqsave(&c->lock);
	slab_pcpu_flush_locked(c, false);
	mm_unlock_irqrestore(&c->lock, flags);
	as_cpu(0);
}

/* Allocate o[0..NOBJ-1] on CPU 0 and free them in order (see below). */
static void fill_all_three(struct kmem_cache *c, void **o)
{
	unsigned int i;

	for (i = 0; i < NOBJ; i++) {
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_non_null(o[i]);
	}
	for (i = 0; i < NOBJ; i++)
		kmem_cache_free(c, o[i]);
}

/* CPU 1 online; the free frames the case must end with counted. */
static void cpu1_online_settled(void)
{
	as_cpu(1);
	assert_int_equal(mm_cpu_online(), 0);
	as_cpu(0);
	settle();
	base_free = zones_total_free();
	host_log_clear();
}

/* The SMP path on two CPUs. */
static int setup_smp(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	assert_int_equal(kmem_cache_init(0), 0);
	assert_int_equal(mm_smp_prepare(2), 0);
	cpu1_online_settled();
	return 0;
}

static int setup_up(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	assert_int_equal(kmem_cache_init(0), 0);
	host_log_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	as_cpu(1);
	mm_cpu_offline();
	as_cpu(0);
	check_all();
	settle();
	if (zones_total_free() != base_free)
		fail_msg("%u free frames after the case, %u before",
			 zones_total_free(), base_free);
	assert_true(host_irqs_enabled());
	if (kmem_cache_teardown() != 0)
		fail_msg("teardown refused\n%s", host_log());
	machine_shutdown();
	return 0;
}

/*
 * A cache made on one CPU, with objects in its magazine and its held
 * word, takes the per-CPU rule at mm_smp_prepare(): the counts stay,
 * every invariant holds, and an object freed before is still refused.
 */
static void test_prepare_converts(void **state)
{
	struct kmem_cache *c;
	void *o[40];
	char line[160];
	unsigned int i;

	(void)state;
	assert_false(mm_lock_mode & MM_LOCK_SMP);	/* first in the file */
	c = kmem_cache_create("pcpu-conv", 64, 0, 0, NULL);
	for (i = 0; i < 40; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < 10; i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(slab_mag_count(c), 10);
	assert_true(c->free_bits != 0);
	assert_int_equal(active_objs(c), 30);
	assert_int_equal(mm_smp_prepare(2), 0);
	assert_true(c->flags & SLAB_PCPU);
	assert_int_equal(slab_mag_count(c), 0);
	assert_null(c->free_word);
	assert_int_equal(active_objs(c), 30);
	assert_int_equal(kmem_cache_check(c), 0);
	expect_counted(c);
	kmem_cache_free(c, o[3]);			/* in its map now */
	snprintf(line, sizeof(line), DF_LINE, "pcpu-conv", o[3]);
	assert_int_equal(host_log_count(line), 1);
	for (i = 10; i < 40; i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(active_objs(c), 0);
	assert_int_equal(kmem_cache_check(c), 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
	cpu1_online_settled();
}

/*
 * A batch at a time: the first allocation takes 16 slots in address
 * order; frees fill the magazine (32), then the depot (32), then the
 * maps; allocations take the newest first, then the depot's newest batch.
 * Freeing o[0..79] in order leaves o[48..79] in the magazine, o[0..31]
 * in the depot and o[32..47] in the maps.
 */
static void test_magazine_batches(void **state)
{
	struct kmem_cache *c = kmem_cache_create("pcpu-mag", 64, 0, 0, NULL);
	void *o[NOBJ];
	unsigned int i;

	(void)state;
	o[0] = kmem_cache_alloc(c, GFP_KERNEL);
	assert_int_equal(mag_count(c, 0), SLAB_CPU_BATCH - 1);
	for (i = 1; i < SLAB_CPU_BATCH; i++) {
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_ptr_equal(o[i], (char *)o[i - 1] + c->stride);
	}
	assert_int_equal(mag_count(c, 0), 0);
	assert_int_equal(active_objs(c), SLAB_CPU_BATCH);
	kmem_cache_free(c, o[5]);
	assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), o[5]);	/* LIFO */
	for (i = SLAB_CPU_BATCH; i < NOBJ; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < NOBJ; i++) {
		kmem_cache_free(c, o[i]);
		if (i == SLAB_CPU_MAG)	/* the 33rd: oldest batch to the depot */
			assert_int_equal(depot_count(c), SLAB_CPU_BATCH);
	}
	assert_int_equal(mag_count(c, 0), SLAB_CPU_MAG);
	assert_int_equal(depot_count(c), SLAB_CPU_MAG);
	assert_int_equal(active_objs(c), 0);
	expect_counted(c);
	assert_int_equal(kmem_cache_check(c), 0);
	for (i = NOBJ; i-- > NOBJ - SLAB_CPU_MAG;)
		assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), o[i]);
	assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), o[31]);	/* depot */
	assert_int_equal(mag_count(c, 0), SLAB_CPU_BATCH - 1);
	assert_int_equal(depot_count(c), SLAB_CPU_BATCH);
	assert_int_equal(active_objs(c), SLAB_CPU_MAG + 1);
	expect_counted(c);
	kmem_cache_free(c, o[31]);
	for (i = NOBJ - SLAB_CPU_MAG; i < NOBJ; i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(active_objs(c), 0);
	assert_int_equal(kmem_cache_check(c), 0);
	assert_true(kmem_cache_shrink(c) > 0);		/* magazine, depot too */
	assert_int_equal(mag_count(c, 0) + depot_count(c), 0);
	assert_int_equal(c->lists[SLAB_EMPTY].nr + c->lists[SLAB_PARTIAL].nr +
			 c->lists[SLAB_FULL].nr, 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* The double free of @p is refused once, with its line, nothing moved. */
static void expect_refused(struct kmem_cache *c, void *p)
{
	unsigned int m0 = mag_count(c, 0), m1 = mag_count(c, 1);
	unsigned int d = depot_count(c), held = slab_pcpu_held_slots(c);
	uint64_t refused = c->stats.refused;
	char line[160];

	snprintf(line, sizeof(line), DF_LINE, c->name, p);
	assert_int_equal(host_log_count(line), 0);
	kmem_cache_free(c, p);
	assert_int_equal(host_log_count(line), 1);
	assert_int_equal(c->stats.refused, refused + 1);
	assert_int_equal(mag_count(c, 0), m0);
	assert_int_equal(mag_count(c, 1), m1);
	assert_int_equal(depot_count(c), d);
	assert_int_equal(slab_pcpu_held_slots(c), held);
	host_log_clear();
}

/*
 * Every double free is refused, wherever the first free put the object
 * (the top of a magazine or deep in it, the depot, the maps, another
 * CPU's magazine) and whichever CPU frees it the second time; an object
 * handed out again is freed as any other.
 */
static void test_double_free_wherever(void **state)
{
	struct kmem_cache *c = kmem_cache_create("pcpu-df", 64, 0, 0, NULL);
	void *o[NOBJ], *p, *q;

	(void)state;
	fill_all_three(c, o);
	expect_refused(c, o[79]);		/* the magazine's top */
	expect_refused(c, o[50]);		/* deep in it */
	expect_refused(c, o[5]);		/* the depot */
	expect_refused(c, o[40]);		/* the maps */
	as_cpu(1);
	expect_refused(c, o[60]);		/* CPU 0's magazine, from CPU 1 */
	expect_refused(c, o[20]);
	expect_refused(c, o[35]);
	as_cpu(0);
	p = kmem_cache_alloc(c, GFP_KERNEL);	/* out again: a plain free */
	assert_ptr_equal(p, o[79]);
	kmem_cache_free(c, p);
	assert_string_equal(host_log(), "");
	q = kmem_cache_alloc(c, GFP_KERNEL);
	as_cpu(1);
	kmem_cache_free(c, q);			/* into CPU 1's magazine */
	assert_int_equal(mag_count(c, 1), 1);
	as_cpu(0);
	expect_refused(c, q);			/* there, from CPU 0 */
	as_cpu(1);
	expect_refused(c, q);			/* and from CPU 1 */
	assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), q);
	as_cpu(0);
	kmem_cache_free(c, q);			/* CPU 1's, freed on CPU 0 */
	assert_string_equal(host_log(), "");
	assert_int_equal(c->stats.refused, 9);
	assert_int_equal(active_objs(c), 0);
	expect_counted(c);
	assert_int_equal(kmem_cache_check(c), 0);
	give_back(c, 1);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * A request for CPU 1's magazine: its bit and one kick, however often
 * it is asked; a wait ends unanswered while CPU 1 does nothing; CPU 1
 * honours at its next allocation, or when it takes the kick.
 */
static void test_request_next_entry_and_kick(void **state)
{
	struct kmem_cache *c = kmem_cache_create("pcpu-ask", 64, 0, 0, NULL);
	unsigned int kicks = host_kicks[1], i;
	void *o[4];

	(void)state;
	as_cpu(1);
	for (i = 0; i < 4; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < 4; i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(mag_count(c, 1), SLAB_CPU_BATCH);
	as_cpu(0);
	assert_int_equal(slab_pcpu_ask(c), 2u);
	assert_int_equal(c->drain_req, 2u);
	assert_int_equal(host_kicks[1], kicks + 1);
	assert_int_equal(slab_pcpu_ask(c), 2u);		/* no second kick */
	assert_int_equal(host_kicks[1], kicks + 1);
	assert_int_equal(slab_pcpu_wait(c, 2u, 1000), 2u);
	assert_int_equal(mag_count(c, 1), SLAB_CPU_BATCH);	/* CPU 1's */
	assert_int_equal(kmem_cache_check(c), 0);
	as_cpu(1);
	o[0] = kmem_cache_alloc(c, GFP_KERNEL);	/* honours, then refills */
	assert_int_equal(c->drain_req, 0);
	assert_int_equal(mag_count(c, 1), SLAB_CPU_BATCH - 1);
	kmem_cache_free(c, o[0]);
	assert_true(host_cpu_poll());		/* the kick, taken late */
	assert_int_equal(mag_count(c, 1), SLAB_CPU_BATCH);	/* no request */
	as_cpu(0);
	assert_int_equal(slab_pcpu_ask(c), 2u);
	assert_int_equal(host_kicks[1], kicks + 2);
	as_cpu(1);
	assert_true(host_cpu_poll());
	assert_int_equal(mag_count(c, 1), 0);
	as_cpu(0);
	assert_int_equal(slab_pcpu_wait(c, 2u, 1000), 0);
	assert_int_equal(c->drain_req, 0);
	assert_true(kmem_cache_shrink(c) > 0);
	assert_int_equal(active_objs(c), 0);
	assert_int_equal(c->lists[SLAB_EMPTY].nr, 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_string_equal(host_log(), "");
}

/* A CPU going offline gives back its magazine of every cache. */
static void test_offline_gives_back(void **state)
{
	struct kmem_cache *c = kmem_cache_create("pcpu-off", 128, 0, 0, NULL);
	struct kmem_cache *k = kmalloc_cache(100);
	void *o[20], *p;
	unsigned int i;

	(void)state;
	as_cpu(1);
	for (i = 0; i < 20; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	p = kmalloc(100, GFP_KERNEL);
	for (i = 0; i < 20; i++)
		kmem_cache_free(c, o[i]);
	kfree(p);
	assert_true(mag_count(c, 1) > 0 && mag_count(k, 1) > 0);
	mm_cpu_offline();
	assert_int_equal(mag_count(c, 1) + mag_count(k, 1), 0);
	assert_int_equal(mm_cpu_online(), 0);
	as_cpu(0);
	assert_int_equal(active_objs(c), 0);
	expect_counted(c);
	assert_int_equal(kmem_cache_check(c), 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * kmem_cache_stats() and kmalloc_get_stats() count every CPU's
 * allocations; a CPU's counter folds into the cache's before it wraps.
 */
static void test_counters_exact_and_fold(void **state)
{
	struct kmem_cache *k = kmalloc_cache(100);
	struct kmem_cache_stats st0, st1;
	struct kmalloc_stats ks0, ks1;
	void *p[10];
	unsigned int i;

	(void)state;
	kmem_cache_stats(k, &st0);
	kmalloc_get_stats(&ks0);
	for (i = 0; i < 10; i++) {
		as_cpu(i % 2);
		p[i] = kmalloc(100, GFP_KERNEL);
	}
	as_cpu(0);
	for (i = 0; i < 10; i++)
		kfree(p[i]);
	kmem_cache_stats(k, &st1);
	kmalloc_get_stats(&ks1);
	assert_int_equal(st1.allocs - st0.allocs, 10);
	assert_int_equal(st1.requested - st0.requested, 1000);
	assert_int_equal(ks1.requested - ks0.requested, 1000);
	assert_int_equal(ks1.allocated - ks0.allocated, 10 * 128);
	k->cpu[0]->requested = UINT32_MAX - 50;
	k->cpu[0]->allocs = UINT32_MAX;
	kmem_cache_stats(k, &st0);
	p[0] = kmalloc(100, GFP_KERNEL);
	kmem_cache_stats(k, &st1);
	assert_int_equal(k->cpu[0]->requested, 0);	/* folded */
	assert_int_equal(k->cpu[0]->allocs, 0);
	assert_int_equal(st1.allocs - st0.allocs, 1);
	assert_int_equal(st1.requested - st0.requested, 100);
	kfree(p[0]);
}

/*
 * Once several CPUs run, kmalloc() and kfree() go straight to this CPU's
 * magazine: a double free through kfree() is refused with its line
 * whichever CPU frees the second time, kzalloc() still zeroes, and a
 * pointer inside an object and a foreign one are still reported.
 */
static void test_kmalloc_kfree_direct(void **state)
{
	struct kmem_cache *k = kmalloc_cache(100);
	static char outside[16];
	unsigned int i, m1;
	char line[200], *p, *z;

	(void)state;
	as_cpu(1);
	p = kmalloc(100, GFP_KERNEL);
	m1 = mag_count(k, 1);
	kfree(p);
	assert_int_equal(mag_count(k, 1), m1 + 1);
	as_cpu(0);
	kfree(p);				/* in CPU 1's magazine */
	snprintf(line, sizeof(line), DF_LINE, k->name, (void *)p);
	assert_int_equal(host_log_count(line), 1);
	assert_int_equal(mag_count(k, 1), m1 + 1);
	host_log_clear();
	z = kzalloc(100, GFP_KERNEL);
	for (i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);
	kfree(z + 4);
	snprintf(line, sizeof(line), "slab: free of a pointer inside an object in cache %s: object %p offset 4 bytes", k->name, (void *)(z + 4));
	assert_int_equal(host_log_count(line), 1);
	kfree(outside);
	assert_int_equal(host_log_count("kmalloc: kfree of a foreign pointer"), 1);
	host_log_clear();
	kfree(z);
	kfree(z);
	snprintf(line, sizeof(line), DF_LINE, k->name, (void *)z);
	assert_int_equal(host_log_count(line), 1);
	host_log_clear();
	check_all();
}

/* An allocation whose refill finds no frame fails cleanly. */
static void test_refill_failure(void **state)
{
	struct kmem_cache *c = kmem_cache_create("pcpu-fail", 256, 0, 0, NULL);
	void *p;

	(void)state;
	fault_test_fail_nth(1);
	assert_null(kmem_cache_alloc(c, GFP_KERNEL));
	assert_int_equal(c->stats.alloc_fail, 1);
	assert_int_equal(mag_count(c, 0), 0);
	assert_int_equal(kmem_cache_check(c), 0);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	assert_non_null(p);
	kmem_cache_free(c, p);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* kmem_cache_check() and one line naming the broken invariant. */
static void expect_caught(struct kmem_cache *c, const char *what)
{
	assert_true(kmem_cache_check(c) > 0);
	if (!host_log_contains(what))
		fail_msg("no \"%s\" in:\n%s", what, host_log());
	host_log_clear();
}

/* Invariants 8 to 10: each broken by hand is reported, then mended. */
static void test_checker_catches(void **state)
{
	struct kmem_cache *c = kmem_cache_create("pcpu-chk", 64, 0, 0, NULL);
	struct slab_mag_entry *e, saved;
	void *o[NOBJ], *live;
	unsigned long *free;
	struct slab *s;

	(void)state;
	as_cpu(1);
	mm_cpu_offline();	/* in no step: invariant 10 exactly */
	as_cpu(0);
	fill_all_three(c, o);
	live = kmem_cache_alloc(c, GFP_KERNEL);
	assert_int_equal(kmem_cache_check(c), 0);
	e = &c->depot->mag[3];			/* 9: a depot object not held */
	*e->word &= ~slab_map_bit(e->slot);
	expect_caught(c, "9: depot entry 3");
	*e->word |= slab_map_bit(e->slot);
	e = &c->cpu[0]->mag[2];			/* 9: free in its map */
	*(e->word - 1) |= slab_map_bit(e->slot);
	expect_caught(c, "9: magazine entry 2");
	*(e->word - 1) &= ~slab_map_bit(e->slot);
	s = slab_of_addr(o[40]);		/* 8: free, not held */
	free = slab_map_word(s, slab_obj_index(c, s, o[40], 0));
	*slab_held_word(free) &= ~slab_map_bit(slab_obj_index(c, s, o[40], 0));
	expect_caught(c, "8: slab");
	*slab_held_word(free) |= slab_map_bit(slab_obj_index(c, s, o[40], 0));
	s = slab_of_addr(live);			/* 10: one held too many */
	free = slab_map_word(s, slab_obj_index(c, s, live, 0));
	*slab_held_word(free) |= slab_map_bit(slab_obj_index(c, s, live, 0));
	expect_caught(c, "10: ");
	*slab_held_word(free) &= ~slab_map_bit(slab_obj_index(c, s, live, 0));
	c->cpu[1]->ng += SLAB_CPU_MAG + 1;	/* 9: more than it holds */
	expect_caught(c, "9: CPU 1's magazine holds");
	c->cpu[1]->ng -= SLAB_CPU_MAG + 1;
	e = &c->cpu[0]->mag[1];			/* 9: twice */
	saved = e[1];
	e[1] = e[0];
	expect_caught(c, "is in a magazine twice");
	e[1] = saved;
	assert_int_equal(kmem_cache_check(c), 0);
	kmem_cache_free(c, live);
	assert_int_equal(kmem_cache_destroy(c), 0);
	as_cpu(1);
	assert_int_equal(mm_cpu_online(), 0);
	as_cpu(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_prepare_converts, setup_up, teardown),
		cmocka_unit_test_setup_teardown(test_magazine_batches, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_double_free_wherever, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_request_next_entry_and_kick, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_offline_gives_back, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_counters_exact_and_fold, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_kmalloc_kfree_direct, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_refill_failure, setup_smp, teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches, setup_smp, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
