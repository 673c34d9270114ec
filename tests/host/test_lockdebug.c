/*
 * Host tests of the mm lock (include/mm/lock.h) and of lock debugging
 * (mm/lockdebug.c), which MM_DEBUG host builds have on: each of the three
 * misuses (recursion, a release by a CPU that does not hold the lock, a
 * lock-order inversion) gives its one report line and leaves the lock
 * consistent; correct nesting, trylock and the SMP path report nothing.
 * CPUs are threads here as in test_smp_mm.c; a second "CPU" is a thread
 * that runs one step and is joined.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "host.h"
#include "mm/lockdebug.h"

static mm_lock_t zone_a = MM_LOCK_INIT(MM_LOCK_ZONE);
static mm_lock_t cache_a = MM_LOCK_INIT(MM_LOCK_SLAB_CACHE);
static mm_lock_t vmm_a = MM_LOCK_INIT(MM_LOCK_VMM);

static int setup(void **state)
{
	(void)state;
	host_log_clear();
	return 0;
}

static void expect_clean(void)
{
	assert_int_equal(lockdebug_held_depth(), 0);
	assert_true(host_irqs_enabled());
	assert_int_equal(zone_a.next, zone_a.owner);
	assert_int_equal(cache_a.next, cache_a.owner);
	assert_int_equal(vmm_a.next, vmm_a.owner);
}

static void test_enabled_in_debug_builds(void **state)
{
	(void)state;
	assert_true(lockdebug_enabled());
}

static void test_documented_order_is_quiet(void **state)
{
	unsigned long f1, f2, f3;

	(void)state;
	f1 = mm_lock_irqsave(&vmm_a);
	f2 = mm_lock_irqsave(&cache_a);
	f3 = mm_lock_irqsave(&zone_a);
	assert_true(mm_lock_held(&zone_a) && mm_lock_held(&vmm_a));
	assert_int_equal(lockdebug_held_depth(), 3);
	assert_false(host_irqs_enabled());
	mm_unlock_irqrestore(&zone_a, f3);
	mm_unlock_irqrestore(&cache_a, f2);
	mm_unlock_irqrestore(&vmm_a, f1);
	assert_false(mm_lock_held(&zone_a));
	assert_string_equal(host_log(), "");
	expect_clean();
}

static void test_recursion_reported(void **state)
{
	unsigned long before = lockdebug_reports(LOCKDEBUG_RECURSION);
	unsigned long f1, f2;
	char line[160];

	(void)state;
	f1 = mm_lock_irqsave(&zone_a);
	f2 = mm_lock_irqsave(&zone_a);		/* would spin for ever */
	snprintf(line, sizeof(line),
		 "lockdebug: recursive acquisition on CPU 0 of zone lock %p, held already (caller 0x",
		 (void *)&zone_a);
	assert_true(host_log_contains(line));
	assert_int_equal(host_log_count("lockdebug: "), 1);
	assert_int_equal(lockdebug_reports(LOCKDEBUG_RECURSION), before + 1);
	assert_int_equal(lockdebug_held_depth(), 1);
	mm_unlock_irqrestore(&zone_a, f2);	/* ends the recursion only */
	assert_true(mm_lock_held(&zone_a));
	mm_unlock_irqrestore(&zone_a, f1);
	assert_false(mm_lock_held(&zone_a));
	assert_int_equal(host_log_count("lockdebug: "), 1);
	expect_clean();
}

static void test_release_not_held_reported(void **state)
{
	unsigned long before = lockdebug_reports(LOCKDEBUG_FOREIGN_RELEASE);
	char line[160];

	(void)state;
	mm_unlock_irqrestore(&cache_a, arch_irq_save());
	snprintf(line, sizeof(line),
		 "lockdebug: CPU 0 releases slab cache lock %p, which is not held (caller 0x",
		 (void *)&cache_a);
	assert_true(host_log_contains(line));
	assert_int_equal(lockdebug_reports(LOCKDEBUG_FOREIGN_RELEASE),
			 before + 1);
	expect_clean();				/* nothing was released */
}

/* CPU 1 takes vmm_a and keeps it; CPU 0 then releases it. */
static void *cpu1_take(void *arg)
{
	unsigned long *flags = arg;

	host_cpu_enter(1);
	*flags = mm_lock_irqsave(&vmm_a);
	return NULL;
}

static void *cpu1_release(void *arg)
{
	unsigned long *flags = arg;

	host_cpu_enter(1);
	mm_unlock_irqrestore(&vmm_a, *flags);
	return NULL;
}

static void run_cpu1(void *(*fn)(void *), unsigned long *flags)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, fn, flags), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void test_release_by_other_cpu_reported(void **state)
{
	unsigned long flags = 0;
	char line[160];

	(void)state;
	run_cpu1(cpu1_take, &flags);
	assert_int_equal(vmm_a.holder, 2);
	mm_unlock_irqrestore(&vmm_a, arch_irq_save());
	snprintf(line, sizeof(line),
		 "lockdebug: CPU 0 releases vmm lock %p held by CPU 1 (caller 0x",
		 (void *)&vmm_a);
	assert_true(host_log_contains(line));
	assert_int_equal(vmm_a.holder, 2);	/* still CPU 1's */
	assert_int_not_equal(vmm_a.next, vmm_a.owner);
	run_cpu1(cpu1_release, &flags);
	assert_int_equal(host_log_count("lockdebug: "), 1);
	expect_clean();
}

static void test_order_inversion_reported(void **state)
{
	unsigned long before = lockdebug_reports(LOCKDEBUG_ORDER);
	unsigned long f1, f2;
	char line[200];

	(void)state;
	f1 = mm_lock_irqsave(&zone_a);
	f2 = mm_lock_irqsave(&cache_a);		/* a cache lock inside a zone's */
	snprintf(line, sizeof(line),
		 "lockdebug: lock order inversion on CPU 0: taking slab cache lock %p (rank %u) while holding zone lock %p (rank %u) (caller 0x",
		 (void *)&cache_a, MM_LOCK_SLAB_CACHE, (void *)&zone_a,
		 MM_LOCK_ZONE);
	if (!host_log_contains(line))
		fail_msg("expected '%s', log:\n%s", line, host_log());
	assert_int_equal(lockdebug_reports(LOCKDEBUG_ORDER), before + 1);
	assert_true(mm_lock_held(&cache_a));	/* taken all the same */
	mm_unlock_irqrestore(&cache_a, f2);
	mm_unlock_irqrestore(&zone_a, f1);
	assert_int_equal(host_log_count("lockdebug: "), 1);
	expect_clean();
}

static void test_same_class_nesting_reported(void **state)
{
	mm_lock_t zone_b = MM_LOCK_INIT(MM_LOCK_ZONE);
	unsigned long f1, f2;

	(void)state;
	f1 = mm_lock_irqsave(&zone_a);
	f2 = mm_lock_irqsave(&zone_b);
	assert_true(host_log_contains("lockdebug: lock order inversion on CPU 0: taking zone lock"));
	mm_unlock_irqrestore(&zone_b, f2);
	mm_unlock_irqrestore(&zone_a, f1);
	expect_clean();
}

/* A trylock never waits, so it is not checked for order; it fails when held. */
static void test_trylock(void **state)
{
	unsigned long f1, f2, f3;

	(void)state;
	f1 = mm_lock_irqsave(&zone_a);
	assert_true(mm_trylock_irqsave(&cache_a, &f2));
	assert_false(mm_trylock_irqsave(&zone_a, &f3));	/* ours: no spin */
	assert_int_equal(lockdebug_held_depth(), 2);
	mm_unlock_irqrestore(&cache_a, f2);
	mm_unlock_irqrestore(&zone_a, f1);
	assert_string_equal(host_log(), "");
	expect_clean();
}

/* The SMP path: real tickets, the same checks, a held lock blocks a trylock. */
static void test_smp_path(void **state)
{
	unsigned long flags = 0, f;

	(void)state;
	assert_int_equal(mm_smp_prepare(0), -EINVAL);
	assert_true(host_log_contains("mm: mm_smp_prepare for 0 CPUs: between 1 and 8"));
	assert_int_equal(mm_smp_prepare(MM_MAX_CPUS + 1), -EINVAL);
	assert_false(mm_lock_mode & MM_LOCK_SMP);
	assert_int_equal(mm_smp_prepare(2), 0);
	assert_int_equal(mm_smp_cpus(), 2);
	host_log_clear();
	run_cpu1(cpu1_take, &flags);
	assert_false(mm_trylock_irqsave(&vmm_a, &f));	/* CPU 1's */
	assert_true(host_irqs_enabled());
	run_cpu1(cpu1_release, &flags);
	assert_true(mm_trylock_irqsave(&vmm_a, &f));
	mm_unlock_irqrestore(&vmm_a, f);
	f = mm_lock_irqsave(&zone_a);
	mm_lock_irqsave(&zone_a);
	assert_true(host_log_contains("lockdebug: recursive acquisition on CPU 0 of zone lock"));
	mm_unlock_irqrestore(&zone_a, f);
	mm_unlock_irqrestore(&zone_a, f);
	expect_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_enabled_in_debug_builds, setup),
		cmocka_unit_test_setup(test_documented_order_is_quiet, setup),
		cmocka_unit_test_setup(test_recursion_reported, setup),
		cmocka_unit_test_setup(test_release_not_held_reported, setup),
		cmocka_unit_test_setup(test_release_by_other_cpu_reported, setup),
		cmocka_unit_test_setup(test_order_inversion_reported, setup),
		cmocka_unit_test_setup(test_same_class_nesting_reported, setup),
		cmocka_unit_test_setup(test_trylock, setup),
		/* last: it turns the SMP path on for good */
		cmocka_unit_test_setup(test_smp_path, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
