/*
 * Host tests of mm/ratelimit.c and of the buddy allocator's rate-limited
 * failure lines: a burst passes, the rest of the interval is held back,
 * the first message of a later interval comes after one "N messages
 * suppressed" line, intervals are measured in ticks (host_ticks_advance())
 * across the counter's wrap, and __GFP_NOWARN failures print nothing and
 * use none of the burst.
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
#include "mm/ratelimit.h"

#define FAIL_LINE	"buddy: order 11 allocation failed (gfp 0x0)\n"

static unsigned int pass(struct ratelimit_state *rs, unsigned int n)
{
	unsigned int ok = 0;

	while (n--)
		ok += ratelimit_ok(rs);
	return ok;
}

static void test_burst_then_suppressed(void **state)
{
	struct ratelimit_state rs = RATELIMIT_STATE_INIT("test", 100, 3);

	(void)state;
	host_log_clear();
	assert_int_equal(pass(&rs, 10), 3);
	host_ticks_advance(99);			/* still the same interval */
	assert_int_equal(pass(&rs, 5), 0);
	assert_string_equal(host_log(), "");
	host_ticks_advance(1);			/* a new one: 12 held back */
	assert_true(ratelimit_ok(&rs));
	assert_string_equal(host_log(), "test: 12 messages suppressed\n");
	assert_int_equal(pass(&rs, 5), 2);
	host_ticks_advance(100);		/* 3 held back in that one */
	host_log_clear();
	assert_int_equal(pass(&rs, 3), 3);
	assert_string_equal(host_log(), "test: 3 messages suppressed\n");
	host_ticks_advance(1000);		/* nothing held back: no line */
	host_log_clear();
	assert_int_equal(pass(&rs, 3), 3);
	assert_string_equal(host_log(), "");
	assert_true(host_irqs_enabled());
}

static void test_interval_across_wrap(void **state)
{
	struct ratelimit_state rs = RATELIMIT_STATE_INIT("wrap", 10, 1);

	(void)state;
	host_ticks_advance(~0ul - arch_ticks() - 4);	/* 5 ticks to wrap */
	assert_true(ratelimit_ok(&rs));
	assert_false(ratelimit_ok(&rs));
	host_ticks_advance(9);				/* wrapped, 9 later */
	assert_false(ratelimit_ok(&rs));
	host_ticks_advance(1);
	host_log_clear();
	assert_true(ratelimit_ok(&rs));
	assert_string_equal(host_log(), "wrap: 2 messages suppressed\n");
	ratelimit_reset(&rs);
	host_log_clear();
	assert_true(ratelimit_ok(&rs));			/* a fresh burst */
	assert_string_equal(host_log(), "");
}

/* 1,000 failing requests in one interval print the burst of 10 lines. */
static void test_buddy_failure_lines_limited(void **state)
{
	unsigned int i;

	(void)state;
	machine_boot(MiB(64));
	for (i = 0; i < 1000; i++)
		assert_null(alloc_pages(GFP_KERNEL, MAX_ORDER + 1));
	assert_int_equal(host_log_count(FAIL_LINE), 10);
	host_ticks_advance(5 * ARCH_HZ);
	host_log_clear();
	assert_null(alloc_pages(GFP_KERNEL, MAX_ORDER + 1));
	assert_string_equal(host_log(),
			    "buddy: 990 messages suppressed\n" FAIL_LINE);
	assert_int_equal(buddy_check_all(), 0);
	machine_shutdown();
}

/* __GFP_NOWARN: no line, and the burst is left for those that warn. */
static void test_buddy_nowarn_silent(void **state)
{
	static struct page *held[MiB(64) / PAGE_SIZE];
	unsigned int i, n = 0;

	(void)state;
	machine_boot(MiB(64));
	for (i = 0; i < 100; i++)
		assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					MAX_ORDER + 1));
	/* out of memory for real: every zone empty to its reserve */
	while ((held[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL)
		n++;
	for (i = 0; i < 100; i++)
		assert_null(alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 0));
	while (n)
		__free_pages(held[--n], 0);
	assert_string_equal(host_log(), "");
	for (i = 0; i < 10; i++)
		assert_null(alloc_pages(GFP_KERNEL, MAX_ORDER + 1));
	assert_int_equal(host_log_count(FAIL_LINE), 10);
	machine_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_suppressed),
		cmocka_unit_test(test_interval_across_wrap),
		cmocka_unit_test(test_buddy_failure_lines_limited),
		cmocka_unit_test(test_buddy_nowarn_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
