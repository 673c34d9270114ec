/*
 * Host run of the kernel's buddy self tests (kernel/selftest_buddy.c)
 * under fault injection: each case is run once with each of its page
 * requests failed in turn, and must give back every frame it took,
 * whatever it reports.  `selftest` runs under the `fault` command in the
 * QEMU tests, where a frame a case keeps after a refused allocation is
 * lost for good and shows as a zone that never returns to its baseline.
 *
 * The cases are compiled here from their own source.  The one thing a
 * host cannot give them is a frame of the kernel image, which the misuse
 * case frees on purpose: here that address is the first pfn the machine
 * reserves for the image (tests/host/machine.h).
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
#include "mm/page.h"
#include "mm/testing/fault_inject.h"

static struct page *image_page(const void *addr)
{
	(void)addr;
	return pfn_to_page(1);
}

#define virt_to_page(addr) image_page(addr)
#include "../../kernel/selftest_buddy.c"
#undef virt_to_page

#define MAX_REQUESTS	4096	/* more than any case makes */

static char reason[256];

const char *selftest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return reason;
}

static int setup(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	fault_inject_test_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fault_inject_test_reset();
	machine_shutdown();
	return 0;
}

static uint64_t injected(void)
{
	struct fault_stats st;

	fault_inject_get(FAULT_PAGE, NULL, &st);
	return st.injected;
}

/*
 * Run @fn with its nth page request failed, for n = 1, 2, ... until a run
 * makes fewer than n requests; after each run every zone holds as many
 * free frames as before and the buddy invariants hold.
 */
static void run_failing_each(const char *name, const char *(*fn)(void))
{
	uint32_t free0[MAX_NR_ZONES];
	unsigned long n;
	unsigned int i;

	for (n = 1; n <= MAX_REQUESTS; n++) {
		for (i = 0; i < MAX_NR_ZONES; i++)
			free0[i] = zone_free_pages(&zones[i]);
		fault_inject_reset_stats();
		fault_test_fail_nth(n);
		(void)fn();
		fault_test_fail_nth(0);
		for (i = 0; i < MAX_NR_ZONES; i++)
			if (zone_free_pages(&zones[i]) != free0[i])
				fail_msg("%s, request %lu refused: zone %s has %u free frames, %u before",
					 name, n, zones[i].name,
					 zone_free_pages(&zones[i]), free0[i]);
		assert_int_equal(buddy_check_all(), 0);
		if (injected() == 0)
			return;
	}
	fail_msg("%s made more than %d page requests", name, MAX_REQUESTS);
}

#define CASE(name_)							\
	static void test_##name_(void **state)				\
	{								\
		(void)state;						\
		assert_null(selftest_buddy_##name_());			\
		run_failing_each(#name_, selftest_buddy_##name_);	\
	}

CASE(split_and_merge)
CASE(every_order)
CASE(misuse_refused)
CASE(refcount)
CASE(zeroing)
CASE(zone_fallback)
CASE(watermarks)
CASE(hot_list)

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_split_and_merge),
		T(test_every_order),
		T(test_misuse_refused),
		T(test_refcount),
		T(test_zeroing),
		T(test_zone_fallback),
		T(test_watermarks),
		T(test_hot_list),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
