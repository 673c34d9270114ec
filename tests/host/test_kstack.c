/*
 * Host tests of mm/kstack.c: where a stack goes (above its guard page, in
 * the lowest free slot), which frames back it, that its guard page maps
 * nothing, that running out of frames or of slots leaves nothing behind,
 * that misuse is refused in one line, and that kstack_check() sees a
 * broken slot.  kstack_check() and vmm_check() run after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "vmm_harness.h"

static struct kstack_stats kst(void)
{
	struct kstack_stats s;

	kstack_stats(&s);
	return s;
}

static void assert_checks(void)
{
	assert_int_equal(kstack_check(), 0);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
}

/* @p is a stack of fresh frames of @zone with an unmapped page below. */
static void assert_stack(const void *p, int zone)
{
	uintptr_t va = (uintptr_t)p;
	unsigned int i, prot;
	pfn_t pfn;

	for (i = 0; i < KSTACK_PAGES; i++) {
		assert_int_equal(vmm_translate(vmm_kernel_pd, va + i * PAGE_SIZE,
					       &pfn, &prot), 0);
		assert_int_equal(prot, MMU_WRITE);
		assert_int_equal(page_count(pfn_to_page(pfn)), 1);
		assert_int_equal(page_zonenum(pfn_to_page(pfn)), zone);
	}
	assert_int_equal(vmm_translate(vmm_kernel_pd, va - PAGE_SIZE, NULL,
				       NULL), -ENOENT);
	assert_true(kstack_in_guard(va - 1));
	assert_true(kstack_in_guard(va - PAGE_SIZE));
	assert_false(kstack_in_guard(va));
	assert_false(kstack_in_guard(va + KSTACK_SIZE - 1));
}

/* kstack_bounds(@addr): the stack at @stack, or none if @stack is NULL. */
static void expect_bounds(const char *addr, const char *stack)
{
	uintptr_t lo = 1, hi = 2;

	assert_int_equal(kstack_bounds((uintptr_t)addr, &lo, &hi),
			 stack != NULL);
	if (!stack) {
		assert_true(lo == 1 && hi == 2);	/* untouched */
		return;
	}
	assert_int_equal(lo, (uintptr_t)stack);
	assert_int_equal(hi, (uintptr_t)stack + KSTACK_SIZE);
}

static void test_kstack_basic(void **state)
{
	uint32_t free0;
	char *p, *q;
	char want[120];

	(void)state;
	vmm_machine_boot(GiB(1), false);
	free0 = zones_total_free();
	p = kstack_alloc();
	assert_int_equal((uintptr_t)p, KSTACK_AREA_START + PAGE_SIZE);
	assert_stack(p, ZONE_HIGHMEM);			/* HIGHMEM first */
	q = kstack_alloc();
	assert_int_equal((uintptr_t)q, (uintptr_t)p + KSTACK_SLOT);
	assert_stack(q, ZONE_HIGHMEM);
	assert_int_equal(kst().stacks, 2);
	assert_int_equal(kst().highmem_pages, 2 * KSTACK_PAGES);
	assert_int_equal(zones_total_free(), free0 - 2 * KSTACK_PAGES);
	assert_checks();

	snprintf(want, sizeof(want), "guard page 0x%08x-0x%08x below kernel "
		 "stack 0x%08x-0x%08x", (unsigned int)(uintptr_t)q - PAGE_SIZE,
		 (unsigned int)(uintptr_t)q, (unsigned int)(uintptr_t)q,
		 (unsigned int)(uintptr_t)q + KSTACK_SIZE);
	assert_string_equal(kstack_describe((uintptr_t)q - 4), want);
	snprintf(want, sizeof(want), "in kernel stack 0x%08x-0x%08x",
		 (unsigned int)(uintptr_t)q,
		 (unsigned int)(uintptr_t)q + KSTACK_SIZE);
	assert_string_equal(kstack_describe((uintptr_t)q + 100), want);
	assert_string_equal(kstack_describe(VMALLOC_START), "");
	assert_string_equal(kstack_describe((uintptr_t)q + KSTACK_SLOT), "");
	expect_bounds(q, q);				/* first byte */
	expect_bounds(q + KSTACK_SIZE - 1, q);		/* last byte */
	expect_bounds(q - 1, NULL);			/* its guard page */
	expect_bounds(q + KSTACK_SIZE, NULL);		/* the next slot's guard */
	expect_bounds((char *)VMALLOC_START, NULL);

	assert_int_equal(kstack_free(p), 0);		/* lowest slot reused */
	expect_bounds(p, NULL);				/* no longer live */
	assert_string_equal(kstack_describe((uintptr_t)p), "");
	assert_false(kstack_in_guard((uintptr_t)p - 1));
	p = kstack_alloc();
	assert_int_equal((uintptr_t)p, KSTACK_AREA_START + PAGE_SIZE);
	assert_int_equal(kstack_free(q), 0);
	assert_int_equal(kstack_free(p), 0);
	assert_int_equal(kstack_free(NULL), 0);
	assert_int_equal(zones_total_free(), free0);
	assert_int_equal(kst().stacks, 0);
	assert_int_equal(kst().highmem_pages, 0);
	assert_int_equal(kst().allocs, 3);
	assert_int_equal(kst().frees, 3);
	assert_checks();
	vmm_machine_shutdown();
}

/* Without HIGHMEM the frames come from NORMAL. */
static void test_kstack_lowmem_machine(void **state)
{
	void *p;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = kstack_alloc();
	assert_non_null(p);
	assert_stack(p, ZONE_NORMAL);
	assert_int_equal(kst().highmem_pages, 0);
	assert_int_equal(kstack_free(p), 0);
	assert_checks();
	vmm_machine_shutdown();
}

/* Running out of frames at either page, or of slots, leaves nothing. */
static void test_kstack_out_of_memory_and_slots(void **state)
{
	static void *all[KSTACK_SLOTS];
	uint32_t free0, i;
	unsigned long n;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	free0 = zones_total_free();
	for (n = 1; n <= KSTACK_PAGES; n++) {
		fault_test_fail_nth(n);
		assert_null(kstack_alloc());
		assert_int_equal(zones_total_free(), free0);
		assert_checks();
	}
	fault_test_fail_nth(0);
	assert_int_equal(kst().failed, KSTACK_PAGES);
	for (i = 0; i < KSTACK_SLOTS; i++) {
		all[i] = kstack_alloc();
		assert_non_null(all[i]);
	}
	assert_int_equal(KSTACK_SLOTS, (KSTACK_AREA_END - KSTACK_AREA_START) /
			 (3 * PAGE_SIZE));
	assert_null(kstack_alloc());			/* every slot taken */
	assert_int_equal(kst().failed, KSTACK_PAGES + 1);
	assert_int_equal(kst().stacks, KSTACK_SLOTS);
	assert_checks();
	for (i = 0; i < KSTACK_SLOTS; i++)
		assert_int_equal(kstack_free(all[i]), 0);
	assert_int_equal(zones_total_free(), free0);
	assert_checks();
	vmm_machine_shutdown();
}

/* Bad frees are refused in one line each and change nothing. */
static void test_kstack_misuse(void **state)
{
	uint32_t free0;
	char *p;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = kstack_alloc();
	free0 = zones_total_free();
	host_log_clear();
	assert_int_equal(kstack_free(p + 16), -EINVAL);
	assert_true(host_log_contains("kstack_free: bad address 0xf8401010: "
				      "not the start of a stack (caller 0x"));
	assert_int_equal(kstack_free(p - PAGE_SIZE), -EINVAL);
	assert_true(host_log_contains("kstack_free: bad address 0xf8400000: "
				      "not the start of a stack"));
	assert_int_equal(kstack_free((void *)VMALLOC_START), -EINVAL);
	assert_true(host_log_contains("kstack_free: bad address 0xf8800000: "
				      "not in the kernel-stack area"));
	assert_int_equal(kstack_free(p + KSTACK_SLOT), -EINVAL);
	assert_true(host_log_contains("kstack_free: bad address 0xf8404000: "
				      "not a live stack"));
	assert_int_equal(kst().refused_frees, 4);
	assert_int_equal(zones_total_free(), free0);
	assert_checks();
	assert_int_equal(kstack_free(p), 0);
	host_log_clear();
	assert_int_equal(kstack_free(p), -EINVAL);	/* double free */
	assert_true(host_log_contains("kstack_free: bad address 0xf8401000: "
				      "not a live stack"));
	assert_int_equal(kst().refused_frees, 5);
	assert_checks();
	vmm_machine_shutdown();
}

/* kstack_check() reports a mapped guard page and an unmapped stack page. */
static void test_kstack_check_sees_damage(void **state)
{
	uintptr_t p;
	pfn_t pfn;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = (uintptr_t)kstack_alloc();
	assert_int_equal(vmm_translate(vmm_kernel_pd, p, &pfn, NULL), 0);
	assert_int_equal(vmm_map(vmm_kernel_pd, p - PAGE_SIZE, pfn, MMU_WRITE),
			 0);
	host_log_clear();
	assert_int_equal(kstack_check(), 1);
	assert_true(host_log_contains("kstack_check: K2 guard page 0xf8400000 of slot 0 is mapped"));
	assert_int_equal(vmm_unmap(vmm_kernel_pd, p - PAGE_SIZE, NULL), 0);
	assert_int_equal(vmm_unmap(vmm_kernel_pd, p + PAGE_SIZE, &pfn), 0);
	host_log_clear();
	assert_int_equal(kstack_check(), 1);
	assert_true(host_log_contains("kstack_check: K2 page 1 of stack 0 maps no frame of its own"));
	assert_int_equal(vmm_map(vmm_kernel_pd, p + PAGE_SIZE, pfn, MMU_WRITE),
			 0);
	assert_checks();
	assert_int_equal(kstack_free((void *)p), 0);
	vmm_machine_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kstack_basic),
		cmocka_unit_test(test_kstack_lowmem_machine),
		cmocka_unit_test(test_kstack_out_of_memory_and_slots),
		cmocka_unit_test(test_kstack_misuse),
		cmocka_unit_test(test_kstack_check_sees_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
