/*
 * Host tests of mm/fault_inject.c: Linux's probability / interval / times
 * semantics, the same failures from the same seed, the zone, order and
 * cache filters, the boot rule, the counters, the attribute checks and
 * the boot option's parser; every case ends with the invariants checked
 * and every frame back (slab_harness.h's teardown).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mm/testing/fault_inject.h"
#include "slab_harness.h"
#include "../../mm/slab_internal.h"

#define RUNS	200

static int setup(void **state)
{
	setup_plain(state);
	fault_inject_test_reset();
	fault_inject_boot_done();
	return 0;
}

static int fi_teardown(void **state)
{
	fault_inject_test_reset();
	return teardown(state);
}

static void arm(enum fault_kind kind, unsigned int p, unsigned long n,
		long t, uint32_t seed)
{
	struct fault_attr a;

	fault_attr_init(&a);
	a.probability = p;
	a.interval = n;
	a.times = t;
	a.seed = seed;
	assert_int_equal(fault_inject_set(kind, &a), 0);
}

/* One order-@order request of @gfp: true if it failed (freed at once). */
static bool page_fails(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	if (!page)
		return true;
	__free_pages(page, order);
	return false;
}

/* The failures of RUNS order-0 requests, one byte each. */
static void page_pattern(char out[RUNS])
{
	unsigned int i;

	for (i = 0; i < RUNS; i++)
		out[i] = page_fails(GFP_KERNEL, 0) ? 'x' : '.';
}

static void expect_stats(enum fault_kind kind, uint64_t calls,
			 uint64_t injected)
{
	struct fault_stats st;

	fault_inject_get(kind, NULL, &st);
	assert_int_equal(st.calls, calls);
	assert_int_equal(st.injected, injected);
}

static void test_interval_and_times(void **state)
{
	unsigned int i;
	char got[10] = "";
	struct fault_attr a;

	(void)state;
	arm(FAULT_PAGE, 100, 3, 2, 1);
	for (i = 0; i < 9; i++)
		got[i] = page_fails(GFP_KERNEL, 0) ? 'x' : '.';
	assert_string_equal(got, "..x..x...");
	expect_stats(FAULT_PAGE, 9, 2);
	assert_true(fault_inject_get(FAULT_PAGE, &a, NULL));
	assert_int_equal(a.times, 0);		/* used up, still set */
	fault_inject_off(FAULT_PAGE);
	assert_false(fault_inject_armed(FAULT_PAGE));
	assert_false(page_fails(GFP_KERNEL, 0));
	expect_stats(FAULT_PAGE, 9, 2);		/* counters stay */
	check_all();
}

static void test_probability_bounds(void **state)
{
	char got[RUNS];
	unsigned int i, n = 0;

	(void)state;
	arm(FAULT_PAGE, 0, 1, -1, 5);
	page_pattern(got);
	assert_null(memchr(got, 'x', RUNS));
	arm(FAULT_PAGE, 100, 1, -1, 5);
	page_pattern(got);
	assert_null(memchr(got, '.', RUNS));
	arm(FAULT_PAGE, 30, 1, -1, 5);
	page_pattern(got);
	for (i = 0; i < RUNS; i++)
		n += got[i] == 'x';
	/* 30 % of 200 is 60; a uniform generator stays well inside. */
	assert_in_range(n, 35, 85);
	expect_stats(FAULT_PAGE, 3 * RUNS, RUNS + n);
	check_all();
}

static void test_seed_replays(void **state)
{
	char first[RUNS], again[RUNS], other[RUNS];

	(void)state;
	arm(FAULT_PAGE, 25, 2, -1, 7);
	page_pattern(first);
	arm(FAULT_PAGE, 25, 2, -1, 7);
	page_pattern(again);
	assert_memory_equal(first, again, RUNS);
	arm(FAULT_PAGE, 25, 2, -1, 8);
	page_pattern(other);
	assert_memory_not_equal(first, other, RUNS);
	check_all();
}

static void test_page_filters(void **state)
{
	struct fault_attr a;

	(void)state;
	fault_attr_init(&a);
	a.probability = 100;
	a.zone = ZONE_NORMAL;
	a.order = 0;
	assert_int_equal(fault_inject_set(FAULT_PAGE, &a), 0);
	assert_false(page_fails(GFP_DMA, 0));		/* first zone DMA */
	assert_false(page_fails(GFP_KERNEL, 1));	/* order 1 */
	assert_false(page_fails(GFP_KERNEL, 5));
	assert_true(page_fails(GFP_KERNEL, 0));
	assert_true(page_fails(GFP_KERNEL | __GFP_ZERO, 0));
	expect_stats(FAULT_PAGE, 2, 2);			/* eligible only */
	a.zone = ZONE_DMA;
	a.order = -1;
	assert_int_equal(fault_inject_set(FAULT_PAGE, &a), 0);
	assert_false(page_fails(GFP_KERNEL, 0));
	assert_true(page_fails(GFP_DMA, 3));
	check_all();
}

static void test_boot_rule(void **state)
{
	(void)state;
	fault_inject_test_reset();
	arm(FAULT_PAGE, 100, 1, -1, 1);
	arm(FAULT_SLAB, 100, 1, -1, 1);
	assert_false(fault_inject_armed(FAULT_PAGE));
	assert_false(page_fails(GFP_KERNEL, 0));	/* still booting */
	kfree(kmalloc(64, GFP_KERNEL));
	expect_stats(FAULT_PAGE, 0, 0);
	expect_stats(FAULT_SLAB, 0, 0);
	fault_inject_boot_done();
	assert_true(fault_inject_armed(FAULT_PAGE));
	assert_true(page_fails(GFP_KERNEL, 0));
	assert_null(kmalloc(64, GFP_KERNEL));
	expect_stats(FAULT_SLAB, 1, 1);
	check_all();
}

static void test_slab_filter(void **state)
{
	struct kmem_cache *k64 = kmalloc_cache(64), *k32 = kmalloc_cache(32);
	struct kmem_cache *mine;
	struct fault_attr a;
	void *p, *q;

	(void)state;
	fault_attr_init(&a);
	a.probability = 100;
	a.interval = 2;
	strcpy(a.cache, "kmalloc-64");
	assert_int_equal(fault_inject_set(FAULT_SLAB, &a), 0);
	assert_true(k64->flags & SLAB_FAILSLAB);
	assert_false(k32->flags & SLAB_FAILSLAB);
	p = kmalloc(64, GFP_KERNEL);			/* call 1 */
	assert_non_null(p);
	assert_null(kmalloc(60, GFP_KERNEL));		/* call 2 */
	q = kmem_cache_alloc(k64, GFP_KERNEL);		/* call 3 */
	assert_non_null(q);
	kfree(q);
	kfree(p);
	p = kmalloc(32, GFP_KERNEL);			/* not eligible */
	assert_non_null(p);
	kfree(p);
	expect_stats(FAULT_SLAB, 3, 1);
	/* A cache made while armed gets the flag by its name. */
	strcpy(a.cache, "fi-test");
	assert_int_equal(fault_inject_set(FAULT_SLAB, &a), 0);
	assert_false(k64->flags & SLAB_FAILSLAB);
	mine = kmem_cache_create("fi-test", 40, 0, 0, NULL);
	assert_non_null(mine);
	assert_true(mine->flags & SLAB_FAILSLAB);
	p = kmem_cache_alloc(mine, GFP_KERNEL);
	assert_non_null(p);
	assert_null(kmem_cache_alloc(mine, GFP_KERNEL));
	kmem_cache_free(mine, p);
	fault_inject_off(FAULT_SLAB);
	assert_false(mine->flags & SLAB_FAILSLAB);
	assert_int_equal(kmem_cache_destroy(mine), 0);
	check_all();
}

static void test_kmalloc_fast_tables(void **state)
{
	struct kmem_cache *k64 = kmalloc_cache(64);
	struct kmem_cache_info info;
	void *p;

	(void)state;
	arm(FAULT_SLAB, 100, 1, -1, 1);
	kmem_cache_info(k64, &info);
	assert_int_equal(info.flags, 0);	/* SLAB_FAILSLAB not shown */
	assert_null(kmalloc(64, GFP_KERNEL));
	assert_null(kzalloc(8, GFP_KERNEL));
	fault_inject_off(FAULT_SLAB);
	p = kmalloc(64, GFP_KERNEL);
	assert_non_null(p);
	kfree(p);
	expect_stats(FAULT_SLAB, 2, 2);
	check_all();
}

static void test_attribute_checks(void **state)
{
	struct fault_attr a;

	(void)state;
	fault_attr_init(&a);
	a.probability = 101;
	assert_int_equal(fault_inject_set(FAULT_PAGE, &a), -EINVAL);
	a.probability = 10;
	a.interval = 0;
	assert_int_equal(fault_inject_set(FAULT_PAGE, &a), -EINVAL);
	a.interval = 1;
	a.times = -2;
	assert_int_equal(fault_inject_set(FAULT_PAGE, &a), -EINVAL);
	a.times = -1;
	a.zone = MAX_NR_ZONES;
	assert_int_equal(fault_inject_set(FAULT_PAGE, &a), -EINVAL);
	assert_false(fault_inject_get(FAULT_PAGE, NULL, NULL));
}

static void test_parse(void **state)
{
	struct fault_attr a;
	static const char *const bad[] = {
		"", "10", "10,1", "101,1,-1", "10,0,-1", "10,1,-2", "a,1,1",
		"10,1,-1,7,9", "10;1;-1", "10,1,-1,x", "-5,1,1",
	};
	unsigned int i;

	(void)state;
	fault_attr_init(&a);
	a.zone = ZONE_DMA;
	assert_int_equal(fault_inject_parse("10,3,-1,4242", 12, &a), 0);
	assert_int_equal(a.probability, 10);
	assert_int_equal(a.interval, 3);
	assert_int_equal(a.times, -1);
	assert_int_equal(a.seed, 4242);
	assert_int_equal(a.zone, ZONE_DMA);		/* filters kept */
	assert_int_equal(fault_inject_parse("100,1,5 rest", 7, &a), 0);
	assert_int_equal(a.times, 5);
	assert_int_equal(a.seed, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (fault_inject_parse(bad[i], strlen(bad[i]), &a) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fi_teardown)
		T(test_interval_and_times),
		T(test_probability_bounds),
		T(test_seed_replays),
		T(test_page_filters),
		T(test_boot_rule),
		T(test_slab_filter),
		T(test_kmalloc_fast_tables),
		T(test_attribute_checks),
		T(test_parse),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
