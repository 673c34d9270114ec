/*
 * Host tests of mm/zones.c and of the zone invariants: the layout of the
 * boot matrix's machines (spans, present/managed frames, watermarks, hot
 * list sizes), range validation, free ranges that cross zone limits or
 * abut, and buddy_check() catching each invariant B1..B8 when the state
 * is corrupted by hand.
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
#include "mm/testing/buddy.h"

#define DMA	(&zones[ZONE_DMA])
#define NORMAL	(&zones[ZONE_NORMAL])
#define HIGH	(&zones[ZONE_HIGHMEM])

static int teardown(void **state)
{
	(void)state;
	machine_shutdown();
	return 0;
}

static int setup64(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	return 0;
}

static void expect_zone(const struct zone *z, pfn_t start, pfn_t end,
			uint32_t present, uint32_t managed, uint32_t min)
{
	assert_int_equal(z->start_pfn, start);
	assert_int_equal(z->end_pfn, end);
	assert_int_equal(z->present_pages, present);
	assert_int_equal(z->managed_pages, managed);
	assert_int_equal(zone_free_pages(z), managed);
	assert_int_equal(z->watermark[WMARK_MIN], min);
	assert_int_equal(z->watermark[WMARK_LOW], min + min / 4);
	assert_int_equal(z->watermark[WMARK_HIGH], min + min / 2);
}

static void boot_checked(uint64_t bytes)
{
	machine_boot(bytes);
	assert_int_equal(buddy_check_all(), 0);
}

/* ---- the boot matrix --------------------------------------------------- */

static void test_layout_16m(void **state)
{
	(void)state;
	boot_checked(MiB(16));
	expect_zone(DMA, 1, 4096, 4095, 3840, 30);
	assert_false(zone_populated(NORMAL));
	assert_false(zone_populated(HIGH));
	assert_int_equal(DMA->hot[0].batch, 60);	/* managed / 64 */
	assert_int_equal(DMA->hot[0].high, 240);
	assert_int_equal(DMA->hot[1].batch, 15);	/* managed / 256 */
	assert_int_equal(DMA->hot_room, 32);		/* its span / 128 */
}

static void test_layout_128m(void **state)
{
	(void)state;
	boot_checked(MiB(128));
	expect_zone(DMA, 1, 4096, 4095, 3840, 30);
	expect_zone(NORMAL, 4096, 32768, 28672, 28672, 224);
	assert_false(zone_populated(HIGH));
	assert_int_equal(NORMAL->free_area[MAX_ORDER].nr_free, 28);
}

static void test_layout_1g(void **state)
{
	(void)state;
	boot_checked(GiB(1));
	expect_zone(NORMAL, 4096, LOWMEM_PFN, LOWMEM_PFN - 4096,
		    LOWMEM_PFN - 4096, 1024);
	expect_zone(HIGH, LOWMEM_PFN, 262144, 262144 - LOWMEM_PFN,
		    262144 - LOWMEM_PFN, 256);
	assert_int_equal(HIGH->hot[0].batch, HOT_BATCH_MAX);
	assert_int_equal(HIGH->hot[0].high, HOT_HIGH_MAX);
	assert_int_equal(page_zonenum(pfn_to_page(LOWMEM_PFN - 1)),
			 ZONE_NORMAL);
	assert_int_equal(page_zonenum(pfn_to_page(LOWMEM_PFN)), ZONE_HIGHMEM);
}

static void test_layout_3584m_in_blocks(void **state)
{
	(void)state;
	boot_checked(MiB(3584));
	expect_zone(HIGH, LOWMEM_PFN, 917504, 917504 - LOWMEM_PFN,
		    917504 - LOWMEM_PFN, 1024);
	/* one list operation per 4 MiB: nothing was split or merged */
	assert_int_equal(HIGH->free_area[MAX_ORDER].nr_free,
			 (917504 - LOWMEM_PFN) / 1024);
	assert_int_equal(HIGH->stats.merges + NORMAL->stats.merges +
			 DMA->stats.merges, 0);
	assert_int_equal(zones_total_free(), 917504 - 256);
}

/* ---- ranges ------------------------------------------------------------ */

static void test_ranges_validated(void **state)
{
	static const struct pfn_range ok = { 1, 100 };
	static const struct pfn_range overlap[] = { { 1, 50 }, { 40, 60 } };
	static const struct pfn_range empty = { 30, 30 };
	static const struct pfn_range beyond = { 1, 16385 };
	static const struct pfn_range not_usable = { 90, 110 };

	(void)state;
	assert_int_equal(zones_init(machine_mem_map, 16384, &ok, 1, &ok, 1),
			 -EBUSY);
	zones_reset();
	assert_int_equal(zones_init(NULL, 16384, &ok, 1, &ok, 1), -EINVAL);
	assert_int_equal(zones_init(machine_mem_map, 16384, overlap, 2, NULL,
				    0), -EINVAL);
	assert_int_equal(zones_init(machine_mem_map, 16384, &empty, 1, NULL,
				    0), -EINVAL);
	assert_int_equal(zones_init(machine_mem_map, 16384, &beyond, 1, NULL,
				    0), -EINVAL);
	assert_int_equal(zones_init(machine_mem_map, 16384, &ok, 1,
				    &not_usable, 1), -EINVAL);
	assert_null(mem_map);
	assert_int_equal(zones_init(machine_mem_map, 16384, &ok, 1, &ok, 1), 0);
	assert_int_equal(zones_total_free(), 99);
	assert_int_equal(buddy_check_all(), 0);
}

static void test_free_range_across_zone_limit(void **state)
{
	static const struct pfn_range usable[] = { { 0, 8192 } };
	static const struct pfn_range free[] = { { 3000, 5000 } };
	pfn_t pfn;

	(void)state;
	machine_shutdown();
	machine_boot_ranges(MiB(32), usable, 1, free, 1);
	assert_int_equal(buddy_check_all(), 0);
	assert_int_equal(DMA->managed_pages, 4096 - 3000);
	assert_int_equal(NORMAL->managed_pages, 5000 - 4096);
	assert_int_equal(DMA->present_pages, 4096);
	assert_int_equal(NORMAL->present_pages, 4096);
	/* reserved, usable frames keep their zone and refcount 1 */
	for (pfn = 0; pfn < 8192; pfn += 997) {
		const struct page *page = pfn_to_page(pfn);

		assert_int_equal(page_zonenum(page), zone_type_of_pfn(pfn));
		if (pfn < 3000 || pfn >= 5000) {
			assert_true(page_test(page, PG_reserved));
			assert_int_equal(page_count(page), 1);
		}
	}
}

static void test_abutting_ranges_coalesce(void **state)
{
	static const struct pfn_range usable[] = { { 1, 16384 } };
	static const struct pfn_range pieces[] = {
		{ 256, 1000 }, { 1000, 1001 }, { 1001, 5003 }, { 5003, 16384 },
	};
	uint32_t one[NR_ORDERS], many[NR_ORDERS];

	(void)state;
	buddy_free_counts(NORMAL, one);
	machine_shutdown();
	machine_boot_ranges(MiB(64), usable, 1, pieces, 4);
	assert_int_equal(buddy_check_all(), 0);
	buddy_free_counts(NORMAL, many);
	assert_memory_equal(one, many, sizeof(one));
	assert_true(DMA->stats.merges > 0);
}

static void test_highmem_only_hole_below(void **state)
{
	/* nothing usable between 12 MiB and 900 MiB: Normal stays empty */
	static const struct pfn_range usable[] = {
		{ 0x100, 0xc00 }, { 0x38400, 0x40000 },
	};

	(void)state;
	machine_shutdown();
	machine_boot_ranges(GiB(1), usable, 2, usable, 2);
	assert_int_equal(buddy_check_all(), 0);
	assert_false(zone_populated(NORMAL));
	assert_int_equal(HIGH->start_pfn, 0x38400);
	assert_int_equal(DMA->end_pfn, 0xc00);
	/* GFP_KERNEL falls back to DMA, GFP_HIGHUSER uses HighMem */
	assert_int_equal(page_zonenum(alloc_pages(GFP_KERNEL, 0)), ZONE_DMA);
	assert_int_equal(page_zonenum(alloc_pages(GFP_HIGHUSER, 0)),
			 ZONE_HIGHMEM);
	assert_int_equal(buddy_check_all(), 0);
}

static void test_totals(void **state)
{
	struct page *page;

	(void)state;
	assert_int_equal(zones_total_managed(), 3840 + 12288);
	page = alloc_pages(GFP_KERNEL, 4);
	assert_int_equal(zones_total_free(), 3840 + 12288 - 16);
	__free_pages(page, 4);
	assert_int_equal(zones_total_free(), 3840 + 12288);
}

static void test_snapshot_restores_counts(void **state)
{
	static struct buddy_snapshot snap;
	struct page *pages[50];
	unsigned int i;
	char *before;

	(void)state;
	for (i = 0; i < 50; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < 50; i += 3)
		put_page(pages[i]);
	host_log_clear();
	buddy_dump();
	before = strdup(host_log());

	buddy_snapshot_take(&snap);
	assert_int_equal(NORMAL->hot[0].count, 0);
	put_page(alloc_pages(GFP_KERNEL, 5));
	assert_int_equal(buddy_snapshot_restore(&snap), 0);
	host_log_clear();
	buddy_dump();
	assert_string_equal(before, host_log());
	free(before);
	/* a block kept out shows up as changed counts */
	buddy_snapshot_take(&snap);
	pages[0] = alloc_pages(GFP_KERNEL, 3);
	host_log_clear();
	assert_true(buddy_snapshot_restore(&snap) > 0);
	assert_true(host_log_contains("buddy: zone Normal order 3: 0 free blocks, 1 before\n"));
	assert_int_equal(buddy_check_all(), 0);
}

/* ---- the checker catches each invariant -------------------------------- */

/* Run buddy_check on a zone and expect a line naming inv. */
static void expect_violation_in(struct zone *zone, const char *inv)
{
	unsigned int bad;

	host_log_clear();
	bad = buddy_check(zone);
	if (bad == 0 || !host_log_contains(inv))
		fail_msg("expected %s, got %u violations:\n%s", inv, bad,
			 host_log());
}

static void expect_violation(const char *inv)
{
	expect_violation_in(NORMAL, inv);
}

/*
 * Mark (or unmark) a free block of this order in a zone's map the way the
 * allocator would, counts included, so that only the invariant a test
 * breaks on purpose is broken.
 */
static void fake_block(struct zone *zone, pfn_t pfn, unsigned int order,
		       bool set)
{
	struct free_area *area = &zone->free_area[order];
	uint32_t bit = (pfn - zone->map_base) >> order;

	if (set) {
		hbitmap_set(&area->map, bit);
		area->nr_free++;
		zone->buddy_pages += 1u << order;
	} else {
		hbitmap_clear(&area->map, bit);
		area->nr_free--;
		zone->buddy_pages -= 1u << order;
	}
	area->low = hbitmap_first(&area->map);
	if (area->low != HB_NONE)
		area->low <<= order;
}

/*
 * Normal with the hot list off and frame 0x1000 allocated: free blocks
 * 0x1001/0, 0x1002/1, 0x1004/2, ... 0x1200/9, then order-10 blocks.
 */
static void prepare(void)
{
	struct page *page;
	unsigned int o;

	buddy_drain_hot(NORMAL);
	for (o = 0; o < HOT_ORDERS; o++)
		NORMAL->hot[o].high = NORMAL->hot[o].batch = 0;
	page = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(page_to_pfn(page), 0x1000);
	assert_true(buddy_is_free_head(NORMAL, 0x1001, 0));
	assert_true(buddy_is_free_head(NORMAL, 0x1004, 2));
	assert_int_equal(buddy_check(NORMAL), 0);
}

/* hbitmap_weight() against a bit-by-bit count. */
static void test_hbitmap_weight(void **state)
{
	static unsigned long words[8];
	struct hbitmap hb;
	uint32_t i, naive = 0;

	(void)state;
	hbitmap_init(&hb, 200, words);
	assert_int_equal(hbitmap_weight(&hb), 0);
	for (i = 0; i < 200; i++)
		if ((i * 7) % 5 < 2 || (i >= 60 && i < 130))
			hbitmap_set(&hb, i);
	for (i = 0; i < 200; i++)
		naive += hbitmap_test(&hb, i);
	assert_int_equal(hbitmap_weight(&hb), naive);
	assert_false(hbitmap_test(&hb, 199));	/* the last bit counts too */
	hbitmap_set(&hb, 199);
	assert_int_equal(hbitmap_weight(&hb), naive + 1);
}

static void test_check_b1_b2(void **state)
{
	struct page *free1 = pfn_to_page(0x1001);

	(void)state;
	prepare();
	free1->flags |= PG_reserved;
	expect_violation("B2 pfn 0x1001 in free block 0x1001/0 has flags");
	free1->flags &= ~PG_reserved;
	/* DMA spans [1, 4096); its maps start at pfn 0 */
	fake_block(DMA, 0, 0, true);
	expect_violation_in(DMA, "B1 order-0 block at pfn 0x0 outside the span");
	fake_block(DMA, 0, 0, false);
	assert_int_equal(buddy_check_all(), 0);
}

static void test_check_b3(void **state)
{
	struct hbitmap *map = &NORMAL->free_area[0].map;

	(void)state;
	prepare();
	map->level[1][0] = 0;		/* summary of word 0, which holds 0x1001 */
	expect_violation("H1: B3 Normal order-0 map level 0 word 0 is non-zero but its summary bit is clear");
	map->level[1][0] = 1;
	NORMAL->free_area[0].low = 5;
	expect_violation("B3 order-0 low 5, lowest block 1");
	NORMAL->free_area[0].low = 1;
	NORMAL->free_area[0].nr_free = 2;
	expect_violation("B7 order-0 nr_free 2, 1 bits in the map");
	NORMAL->free_area[0].nr_free = 1;
	assert_int_equal(buddy_check(NORMAL), 0);
}

static void test_check_b4(void **state)
{
	struct page *head = pfn_to_page(0x1000);	/* allocated */
	uint32_t flags;

	(void)state;
	prepare();
	/* 0x1005 lies in the order-2 block 0x1004 already */
	fake_block(NORMAL, 0x1005, 0, true);
	expect_violation("B4 pfn 0x1005 is in 2 free blocks");
	fake_block(NORMAL, 0x1005, 0, false);
	assert_int_equal(buddy_check(NORMAL), 0);
	/* an allocated frame that lost its state bits, in no block */
	flags = head->flags;
	head->flags = (uint32_t)ZONE_NORMAL << PG_ZONE_SHIFT;
	expect_violation("B4 pfn 0x1000 carries no state bit but is in no free block");
	head->flags = flags;
	assert_int_equal(buddy_check(NORMAL), 0);
}

/* B4 for allocated blocks: the frames after a head are plain tails. */
static void test_check_b4_blocks(void **state)
{
	struct page *block, *head = pfn_to_page(0x1000);
	uint32_t flags;

	(void)state;
	prepare();
	block = alloc_pages(GFP_KERNEL, 2);
	assert_int_equal(page_to_pfn(block), 0x1004);
	assert_int_equal(buddy_check(NORMAL), 0);
	/* a tail frame that claims to be hot, then to be a head */
	page_set(block + 2, PG_hot);
	expect_violation("B4 pfn 0x1006 inside the block at 0x1004 has flags 0x100004, in 0 free blocks");
	page_clear(block + 2, PG_hot);
	page_set(block + 3, PG_head);
	expect_violation("B4 pfn 0x1007 inside the block at 0x1004 has flags 0x100008, in 0 free blocks");
	page_clear(block + 3, PG_head);
	/* a head whose order would take it past its alignment */
	flags = block->flags;
	set_page_order(block, 3);
	expect_violation("B4 head pfn 0x1004 of order 3 is misaligned, past the span or free");
	block->flags = flags;
	/* a head over a free frame */
	flags = head->flags;
	set_page_order(head, 1);
	expect_violation("B4 pfn 0x1001 inside the block at 0x1000 has flags 0x100000, in 1 free blocks");
	head->flags = flags;
	/* a block whose tail is also marked free */
	fake_block(NORMAL, 0x1005, 0, true);
	expect_violation("B4 pfn 0x1005 inside the block at 0x1004 has flags 0x100000, in 1 free blocks");
	fake_block(NORMAL, 0x1005, 0, false);
	assert_int_equal(__free_pages(block, 2), 0);
	assert_int_equal(buddy_check(NORMAL), 0);
}

/* Two order-0 buddies, 0x1002 and 0x1003, marked free unmerged. */
static void test_check_b5(void **state)
{
	const uint32_t zone_bits = (uint32_t)ZONE_NORMAL << PG_ZONE_SHIFT;
	struct page *a;

	(void)state;
	prepare();
	assert_int_equal(page_to_pfn(alloc_pages(GFP_KERNEL, 0)), 0x1001);
	a = alloc_pages(GFP_KERNEL, 1);
	assert_int_equal(page_to_pfn(a), 0x1002);
	a[0].flags = a[1].flags = zone_bits;
	a[0]._refcount = 0;
	fake_block(NORMAL, 0x1002, 0, true);
	fake_block(NORMAL, 0x1003, 0, true);
	expect_violation("B5 order-0 block 0x1002 and its buddy 0x1003 both free");
	assert_int_equal(buddy_check(NORMAL), 2);
	/* undo: an allocated order-1 block again */
	fake_block(NORMAL, 0x1002, 0, false);
	fake_block(NORMAL, 0x1003, 0, false);
	a[0].flags = zone_bits | PG_head | 1u << PG_ORDER_SHIFT;
	a[0]._refcount = 1;
	assert_int_equal(buddy_check(NORMAL), 0);
}

static void test_check_b6_b7_b8(void **state)
{
	const uint32_t zone_bits = (uint32_t)ZONE_NORMAL << PG_ZONE_SHIFT;
	struct page *page, *top;
	struct page *saved;
	char line[64];

	(void)state;
	page = alloc_pages(GFP_KERNEL, 0);	/* hot list: 126 frames */
	assert_int_equal(buddy_check(NORMAL), 0);
	NORMAL->hot[0].count = NORMAL->hot[0].high + 1;
	expect_violation("B6 order-0 hot list: count 509 high 508, room for 508");
	NORMAL->hot[0].count = 126;
	NORMAL->hot[3].high += 4;
	expect_violation("B6 order-3 hot list: count 0 high 52, room for 48");
	NORMAL->hot[3].high -= 4;
	NORMAL->hot[3].slots--;
	snprintf(line, sizeof(line), "B6 order-3 hot list: its stack at %p",
		 (void *)NORMAL->hot[3].slots);
	expect_violation(line);
	NORMAL->hot[3].slots++;
	top = NORMAL->hot_slots[125];
	top->_refcount = 3;
	expect_violation("B6 order-0 hot pfn");
	top->_refcount = 0;
	saved = NORMAL->hot_slots[3];
	NORMAL->hot_slots[3] = pfn_to_page(0x10);	/* a DMA frame */
	expect_violation("B6 order-0 hot slot 3 holds pfn 0x10");
	NORMAL->hot_slots[3] = saved;
	NORMAL->hot[2].head_flags ^= PG_head;
	expect_violation("B6 order-2 hot list: head flags");
	NORMAL->hot[2].head_flags ^= PG_head;
	NORMAL->hot[1].hot_flags = 0;
	expect_violation("B6 order-1 hot list: head flags");
	NORMAL->hot[1].hot_flags = zone_bits | PG_hot | 1u << PG_ORDER_SHIFT;
	NORMAL->buddy_pages--;
	expect_violation("B7 in free blocks 12161 (counted 12160) hot 126");
	NORMAL->buddy_pages++;
	set_page_zonenum(page, ZONE_DMA);
	snprintf(line, sizeof(line), "B8 pfn 0x%x carries zone 0",
		 page_to_pfn(page));
	expect_violation(line);
	set_page_zonenum(page, ZONE_NORMAL);
	assert_int_equal(buddy_check(NORMAL), 0);
}

/* B9: hot frames below the low watermark are a violation. */
static void test_check_b9(void **state)
{
	uint32_t low = NORMAL->watermark[WMARK_LOW];
	char line[80];

	(void)state;
	assert_non_null(alloc_pages(GFP_KERNEL, 0));
	assert_true(NORMAL->hot[0].count > 0);
	NORMAL->watermark[WMARK_LOW] = NORMAL->buddy_pages + 1;
	snprintf(line, sizeof(line),
		 "B9 %u hot frames with %u on the lists, low watermark %u",
		 NORMAL->hot[0].count, NORMAL->buddy_pages, NORMAL->buddy_pages + 1);
	expect_violation(line);
	NORMAL->watermark[WMARK_LOW] = low;
	assert_int_equal(buddy_check(NORMAL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_layout_16m, teardown),
		cmocka_unit_test_teardown(test_layout_128m, teardown),
		cmocka_unit_test_teardown(test_layout_1g, teardown),
		cmocka_unit_test_teardown(test_layout_3584m_in_blocks, teardown),
		cmocka_unit_test_setup_teardown(test_ranges_validated, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_free_range_across_zone_limit, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_abutting_ranges_coalesce, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_highmem_only_hole_below, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_totals, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_restores_counts, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hbitmap_weight, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b1_b2, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b3, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b4, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b4_blocks, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b5, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b6_b7_b8, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_check_b9, setup64, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
