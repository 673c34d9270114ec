/*
 * Fault injection for tests only: the host tests and fuzzers fail one
 * chosen page request, or every one, through the same mechanism as the
 * kernel's `fault` command (include/mm/fault_inject.h).
 */
#ifndef MM_TESTING_FAULT_INJECT_H
#define MM_TESTING_FAULT_INJECT_H

#include "mm/fault_inject.h"

/*
 * fault_inject_test_reset - both kinds off, their counters zeroed, and
 * back to "boot not done" (so a test can check the boot rule).
 * Context: single-threaded tests.
 */
void fault_inject_test_reset(void);

/*
 * fault_test_fail_nth - make the nth following page request fail, once
 * (probability 100, interval n, times 1); n = 0 turns page injection off.
 * Context: a test, after boot (it declares boot done).
 */
static inline void fault_test_fail_nth(unsigned long n)
{
	struct fault_attr attr;

	if (n == 0) {
		fault_inject_off(FAULT_PAGE);
		return;
	}
	fault_attr_init(&attr);
	attr.probability = 100;
	attr.interval = n;
	attr.times = 1;
	fault_inject_boot_done();
	fault_inject_set(FAULT_PAGE, &attr);
}

/* fault_test_fail_all - every page request fails until turned off. */
static inline void fault_test_fail_all(void)
{
	struct fault_attr attr;

	fault_attr_init(&attr);
	attr.probability = 100;
	fault_inject_boot_done();
	fault_inject_set(FAULT_PAGE, &attr);
}

#endif /* MM_TESTING_FAULT_INJECT_H */
