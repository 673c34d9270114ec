/*
 * Host tests of mm/page_debug.c: page_poison reports a write after free
 * in one exact line (pfn, zone, offset, bytes found) and poisons the
 * frame again, in lowmem and HIGHMEM; no report without a write; frames
 * free before the option was turned on are filled too; init_on_free
 * zeroes freed frames and lets __GFP_ZERO trust them; the options keep
 * requests off the fast paths and give them back when turned off.
 * buddy_check_all() runs after every case.
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
#include "mm/poison.h"

static int setup64(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	return 0;
}

static int setup1g(void **state)
{
	(void)state;
	machine_boot(GiB(1));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	machine_shutdown();
	return 0;
}

static void check_all(void)
{
	unsigned int bad = buddy_check_all();

	if (bad)
		fail_msg("buddy_check_all: %u violations\n%s", bad, host_log());
}

static uint8_t *frame(struct page *page)
{
	return arch_phys_to_virt(page_to_phys(page));
}

/* Write into a free frame as a buggy owner would (valgrind: allowed). */
static void write_after_free(uint8_t *p, uint32_t off, const void *src,
			     size_t n)
{
	mm_mark_undefined(p + off, n);
	memcpy(p + off, src, n);
	mm_mark_noaccess(p + off, n);
}

/* Every byte of the frame is c (valgrind: read as the allocator does). */
static bool frame_is(struct page *page, unsigned int order, uint8_t c)
{
	uint8_t *p = frame(page);
	size_t i;
	bool ok = true;

	mm_mark_defined(p, PAGE_SIZE << order);
	for (i = 0; i < (PAGE_SIZE << order); i++)
		ok &= p[i] == c;
	return ok;
}

static void test_write_after_free_reported(void **state)
{
	uint64_t corrupted = page_poison_corrupted();
	struct page *page, *again;
	char want[200];

	(void)state;
	assert_int_equal(page_debug_set(PAGE_DEBUG_POISON), 0);
	page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	memset(frame(page), 0x11, PAGE_SIZE);
	assert_int_equal(__free_pages(page, 0), 0);
	write_after_free(frame(page), 0x10, "AAAA", 4);
	again = alloc_pages(GFP_KERNEL, 0);
	assert_ptr_equal(again, page);		/* lowest first, no hot list */
	snprintf(want, sizeof(want),
		 "buddy: write after free in pfn 0x%x in zone Normal at offset 0x10: found 41 41 41 41 aa aa aa aa, 4 bytes differ from poison aa\n",
		 page_to_pfn(page));
	assert_string_equal(host_log(), want);
	assert_int_equal(page_poison_corrupted(), corrupted + 1);
	assert_true(frame_is(again, 0, POISON_FREE_PAGE));	/* re-poisoned */
	__free_pages(again, 0);
	check_all();
}

static void test_write_at_end_of_block(void **state)
{
	struct page *page, *again;
	char want[200];

	(void)state;
	page_debug_set(PAGE_DEBUG_POISON);
	page = alloc_pages(GFP_KERNEL, 2);
	assert_non_null(page);
	__free_pages(page, 2);
	write_after_free(frame(page + 2), PAGE_SIZE - 1, "\0", 1);
	again = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	assert_ptr_equal(again, page);
	snprintf(want, sizeof(want),
		 "buddy: write after free in pfn 0x%x in zone Normal at offset 0xfff: found 00, 1 bytes differ from poison aa\n",
		 page_to_pfn(page) + 2);
	assert_string_equal(host_log(), want);
	assert_true(frame_is(again, 2, 0));	/* __GFP_ZERO still zeroes */
	__free_pages(again, 2);
	check_all();
}

static void test_highmem_write_after_free(void **state)
{
	struct page *page, *again;
	char want[200];

	(void)state;
	page_debug_set(PAGE_DEBUG_POISON);
	page = alloc_pages(GFP_HIGHUSER, 0);
	assert_int_equal(page_zonenum(page), ZONE_HIGHMEM);
	__free_pages(page, 0);
	write_after_free(frame(page), 0x800, "\x01\x02", 2);
	again = alloc_pages(GFP_HIGHUSER, 0);
	assert_ptr_equal(again, page);
	snprintf(want, sizeof(want),
		 "buddy: write after free in pfn 0x%x in zone HighMem at offset 0x800: found 01 02 aa aa aa aa aa aa, 2 bytes differ from poison aa\n",
		 page_to_pfn(page));
	assert_string_equal(host_log(), want);
	__free_pages(again, 0);
	check_all();
}

/*
 * Many blocks of every zone and several orders, written while owned and
 * freed in a scrambled order, frames free before the option was turned
 * on included: not one report.
 */
static void test_no_false_reports(void **state)
{
	static struct page *pages[300];
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_DMA, GFP_HIGHUSER,
				      GFP_KERNEL | __GFP_ZERO };
	uint64_t corrupted = page_poison_corrupted();
	unsigned int i, n = 0;

	(void)state;
	for (i = 0; i < 50; i++)	/* freed before: never poisoned */
		pages[i] = alloc_pages(GFP_KERNEL, i % 4);
	for (i = 0; i < 50; i++)
		__free_pages(pages[i], i % 4);
	page_debug_set(PAGE_DEBUG_POISON);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		unsigned int order = (i * 7) % 5;

		pages[i] = alloc_pages(gfps[i % 4], order);
		assert_non_null(pages[i]);
		memset(frame(pages[i]), (int)i, PAGE_SIZE << order);
		if (i % 3 == 2) {	/* free one of the earlier ones */
			n = (i * 13) % i;
			if (pages[n]) {
				__free_pages(pages[n], (n * 7) % 5);
				pages[n] = NULL;
			}
		}
	}
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			__free_pages(pages[i], (i * 7) % 5);
	assert_false(host_log_contains("write after free"));
	assert_int_equal(page_poison_corrupted(), corrupted);
	check_all();
}

static void test_init_on_free_zeroes(void **state)
{
	struct page *page, *again;

	(void)state;
	assert_int_equal(page_debug_set(PAGE_DEBUG_INIT_ON_FREE), 0);
	page = alloc_pages(GFP_KERNEL, 1);
	memset(frame(page), 0x5a, 2 * PAGE_SIZE);
	__free_pages(page, 1);
	assert_true(frame_is(page, 1, 0));
	mm_mark_noaccess(frame(page), 2 * PAGE_SIZE);
	again = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	assert_ptr_equal(again, page);
	assert_true(frame_is(again, 1, 0));
	/* __GFP_ZERO trusts the zeroing at free: a stray write shows */
	__free_pages(again, 1);
	write_after_free(frame(page), 3, "\x77", 1);
	again = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	assert_ptr_equal(again, page);
	assert_int_equal(frame(again)[3], 0x77);
	assert_string_equal(host_log(), "");	/* init_on_free checks nothing */
	__free_pages(again, 1);
	check_all();
}

static void test_set_routes_and_restores(void **state)
{
	struct zone *normal = &zones[ZONE_NORMAL];
	uint32_t high = normal->hot[0].high;
	struct page *page;

	(void)state;
	assert_true(high > 0);
	assert_int_equal(page_debug_set(0x4), -EINVAL);
	assert_int_equal(page_debug_flags(), 0);
	page_debug_set(PAGE_DEBUG_POISON | PAGE_DEBUG_INIT_ON_FREE);
	assert_int_equal(page_debug_flags(),
			 PAGE_DEBUG_POISON | PAGE_DEBUG_INIT_ON_FREE);
	assert_int_equal(normal->hot[0].high, 0);
	page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	assert_int_equal(zone_hot_pages(normal), 0);
	assert_true(frame_is(page, 0, POISON_FREE_PAGE));  /* poison wins */
	mm_mark_noaccess(frame(page), PAGE_SIZE);
	page_debug_set(0);
	assert_int_equal(normal->hot[0].high, high);
	page = alloc_pages(GFP_KERNEL, 0);
	__free_pages(page, 0);
	assert_true(page_test(page, PG_hot));	/* on its hot list again */
	check_all();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_after_free_reported, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_write_at_end_of_block, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_highmem_write_after_free, setup1g, teardown),
		cmocka_unit_test_setup_teardown(test_no_false_reports, setup1g, teardown),
		cmocka_unit_test_setup_teardown(test_init_on_free_zeroes, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_set_routes_and_restores, setup64, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
