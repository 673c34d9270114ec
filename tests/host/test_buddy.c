/*
 * Host tests of mm/buddy.c: splitting and coalescing to the exact block,
 * every misuse report (and that a refused free changes nothing), zone
 * fallback, watermarks, exhaustion, __GFP_ZERO, reference counts, the hot
 * list, unaligned zones and holes, and a long randomized run against a
 * per-frame owner model.  buddy_check_all() runs after every step.
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
#include "machine.h"
#include "mm/testing/buddy.h"

#define NORMAL	(&zones[ZONE_NORMAL])
#define DMA	(&zones[ZONE_DMA])
#define HIGH	(&zones[ZONE_HIGHMEM])

static int setup64(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	machine_shutdown();
	return 0;
}

static void reboot(uint64_t bytes)
{
	machine_shutdown();
	machine_boot(bytes);
}

static void check_all(void)
{
	unsigned int bad = buddy_check_all();

	if (bad)
		fail_msg("buddy_check_all: %u violations\n%s", bad, host_log());
	assert_true(host_irqs_enabled());
}

/* Turn a zone's hot lists off, so block positions are exact. */
static void no_hot(struct zone *zone)
{
	unsigned int o;

	buddy_drain_hot(zone);
	for (o = 0; o < HOT_ORDERS; o++)
		zone->hot[o].high = zone->hot[o].batch = 0;
}

static void no_hot_all(void)
{
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		no_hot(&zones[i]);
}

static void expect_counts(struct zone *zone, const uint32_t want[NR_ORDERS])
{
	uint32_t got[NR_ORDERS];
	unsigned int o;

	buddy_free_counts(zone, got);
	for (o = 0; o < NR_ORDERS; o++)
		if (got[o] != want[o])
			fail_msg("zone %s order %u: %u free blocks, expected %u",
				 zone->name, o, got[o], want[o]);
}

static pfn_t pfn_of(struct page *page)
{
	assert_non_null(page);
	return page_to_pfn(page);
}

/* ---- boot layout ------------------------------------------------------ */

static void test_boot_layout(void **state)
{
	static const uint32_t dma[NR_ORDERS] = { [8] = 1, [9] = 1, [10] = 3 };
	static const uint32_t normal[NR_ORDERS] = { [10] = 12 };

	(void)state;
	check_all();
	assert_int_equal(DMA->start_pfn, 1);
	assert_int_equal(DMA->end_pfn, 4096);
	assert_int_equal(DMA->present_pages, 4095);
	assert_int_equal(DMA->managed_pages, 3840);
	assert_int_equal(NORMAL->start_pfn, 4096);
	assert_int_equal(NORMAL->end_pfn, 16384);
	assert_int_equal(NORMAL->managed_pages, 12288);
	assert_false(zone_populated(HIGH));
	expect_counts(DMA, dma);
	expect_counts(NORMAL, normal);
	assert_int_equal(zones_total_free(), 3840 + 12288);
	assert_int_equal(zones_total_managed(), 3840 + 12288);
	/* watermarks: min = m / 128, low = min * 5 / 4, high = min * 3 / 2 */
	assert_int_equal(DMA->watermark[WMARK_MIN], 30);
	assert_int_equal(DMA->watermark[WMARK_LOW], 37);
	assert_int_equal(DMA->watermark[WMARK_HIGH], 45);
	assert_int_equal(NORMAL->watermark[WMARK_MIN], 96);
	assert_int_equal(NORMAL->watermark[WMARK_LOW], 120);
	assert_int_equal(NORMAL->watermark[WMARK_HIGH], 144);
	/* the zone's batch managed / 128 (96 and 30); order 0 moves twice
	 * it, at most HOT_BATCH_MAX; order o from 1 up batch >> o */
	assert_int_equal(NORMAL->hot[0].batch, 127);
	assert_int_equal(NORMAL->hot[0].high, 508);
	assert_int_equal(NORMAL->hot[1].batch, 48);
	assert_int_equal(NORMAL->hot[3].batch, 12);
	assert_int_equal(NORMAL->hot[3].high, 48);
	assert_int_equal(DMA->hot[0].batch, 60);
	assert_int_equal(DMA->hot[1].batch, 15);
	assert_true(page_test(pfn_to_page(0), PG_reserved));
	assert_true(page_test(pfn_to_page(255), PG_reserved));
	assert_int_equal(page_zonenum(pfn_to_page(4096)), ZONE_NORMAL);
}

static void test_buddyinfo_format(void **state)
{
	(void)state;
	host_log_clear();
	buddy_dump();
	assert_string_equal(host_log(),
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
		"Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0     12 \n");
}

static void test_zones_init_refuses_bad_ranges(void **state)
{
	struct pfn_range usable = { 1, 100 }, unsorted[2] = { { 50, 60 },
							       { 10, 20 } };
	struct pfn_range outside = { 90, 200 };

	(void)state;
	assert_int_equal(zones_init(machine_mem_map, 16384, &usable, 1,
				    &usable, 1), -EBUSY);
	zones_reset();
	assert_int_equal(zones_init(machine_mem_map, 16384, unsorted, 2,
				    NULL, 0), -EINVAL);
	assert_int_equal(zones_init(machine_mem_map, 16384, &usable, 1,
				    &outside, 1), -EINVAL);
	assert_int_equal(zones_init(machine_mem_map, 50, &usable, 1, NULL, 0),
			 -EINVAL);
	assert_null(mem_map);
}

/* ---- split and coalesce ----------------------------------------------- */

static void test_split_and_merge(void **state)
{
	static const uint32_t split[NR_ORDERS] = { 1, 1, 1, 1, 1, 1, 1, 1, 1,
						   1, 11 };
	static const uint32_t whole[NR_ORDERS] = { [10] = 12 };
	struct page *page;

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 0);
	/* the lowest-addressed order-10 block is split down to order 0 */
	assert_int_equal(pfn_of(page), 4096);
	assert_true(page_test(page, PG_head));
	assert_int_equal(page_count(page), 1);
	assert_int_equal(NORMAL->stats.splits, 10);
	expect_counts(NORMAL, split);
	assert_int_equal(zone_free_pages(NORMAL), 12287);
	check_all();
	assert_int_equal(__free_pages(page, 0), 0);
	assert_int_equal(NORMAL->stats.merges, 10);
	expect_counts(NORMAL, whole);
	check_all();
}

static void test_buddies_merge_in_either_order(void **state)
{
	static const uint32_t whole[NR_ORDERS] = { [10] = 12 };
	struct page *a, *b, *c;

	(void)state;
	no_hot_all();
	a = alloc_pages(GFP_KERNEL, 0);
	b = alloc_pages(GFP_KERNEL, 0);
	c = alloc_pages(GFP_KERNEL, 1);
	assert_int_equal(pfn_of(a), 4096);
	assert_int_equal(pfn_of(b), 4097);
	assert_int_equal(pfn_of(c), 4098);
	/* the tail is not written: zone bits only, its head found by alignment */
	assert_int_equal(c[1].flags, c->flags & PG_ZONE_MASK);
	assert_ptr_equal(buddy_block_head(c + 1), c);
	assert_ptr_equal(buddy_block_head(c), c);
	assert_null(buddy_block_head(c + 2));
	check_all();
	/* a's buddy b is allocated: a stays an order-0 block */
	assert_int_equal(__free_pages(a, 0), 0);
	assert_int_equal(NORMAL->free_area[0].nr_free, 1);
	check_all();
	assert_int_equal(__free_pages(c, 1), 0);
	assert_int_equal(NORMAL->free_area[1].nr_free, 1);
	check_all();
	assert_int_equal(__free_pages(b, 0), 0);
	expect_counts(NORMAL, whole);
	check_all();
}

static void test_every_order(void **state)
{
	struct page *pages[NR_ORDERS];
	unsigned int o;

	(void)state;
	for (o = 0; o < NR_ORDERS; o++) {
		pages[o] = alloc_pages(GFP_KERNEL, o);
		assert_non_null(pages[o]);
		assert_true(IS_ALIGNED(page_to_pfn(pages[o]), 1u << o));
		assert_int_equal(page_order(pages[o]), o);
		check_all();
	}
	for (o = 0; o < NR_ORDERS; o++) {
		assert_int_equal(__free_pages(pages[o], o), 0);
		check_all();
	}
	assert_int_equal(zones_total_free(), 3840 + 12288);
}

/* ---- misuse ------------------------------------------------------------ */

struct snapshot {
	struct page map[32768];
	struct zone zones[MAX_NR_ZONES];
	uint64_t refused;
};

static struct snapshot snap;

static void take_snapshot(void)
{
	assert_true(max_pfn <= ARRAY_SIZE(snap.map));
	memcpy(snap.map, mem_map, max_pfn * sizeof(struct page));
	memcpy(snap.zones, zones, sizeof(zones));
	snap.refused = buddy_refused_frees();
	host_log_clear();
}

/* Nothing changed but one more refused free and exactly one report. */
static void expect_refused(const char *line)
{
	unsigned int i;

	assert_memory_equal(snap.map, mem_map, max_pfn * sizeof(struct page));
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone z = zones[i];

		z.stats.refused_frees = snap.zones[i].stats.refused_frees;
		z.lock = snap.zones[i].lock;	/* its tickets count every use */
		assert_memory_equal(&z, &snap.zones[i], sizeof(z));
	}
	assert_int_equal(buddy_refused_frees(), snap.refused + 1);
	if (!host_log_contains(line) || host_log_count("buddy: ") != 1)
		fail_msg("expected one report '%s', log:\n%s", line, host_log());
	assert_true(host_log_contains(" (caller 0x"));
	check_all();
}

static void test_double_free(void **state)
{
	struct page *page;

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(__free_pages(page, 0), 0);
	/* pfn 4096 is now the head of a free order-10 block again */
	take_snapshot();
	assert_int_equal(__free_pages(page, 0), -EINVAL);
	expect_refused("buddy: double free of pfn 0x1000 order 0 in zone Normal (caller 0x");
	assert_int_equal(NORMAL->stats.refused_frees, 1);
	/* an order-0 block of its own (its buddy is allocated) */
	page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(alloc_pages(GFP_KERNEL, 0));
	assert_int_equal(__free_pages(page, 0), 0);
	take_snapshot();
	assert_int_equal(__free_pages(page, 0), -EINVAL);
	expect_refused("buddy: double free of pfn 0x1000 order 0 in zone Normal (caller 0x");
}

/*
 * A global function (a dynamic symbol: host tests link with -rdynamic)
 * that frees @page, so that a report names it as the caller.
 */
__attribute__((noinline)) int buddy_test_free(struct page *page)
{
	int ret = __free_pages(page, 0);

	__asm__ volatile("" : : "r"(ret) : "memory");	/* no tail call */
	return ret;
}

/* The report names its caller as symbol+offset/size (printk's %pS). */
static void test_double_free_names_caller(void **state)
{
	const char *want = "buddy: double free of pfn 0x1000 order 0 in zone "
			   "Normal (caller buddy_test_free+0x";
	struct page *page;
	unsigned long off, size;
	char end[4];

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(buddy_test_free(page), 0);
	host_log_clear();
	assert_int_equal(buddy_test_free(page), -EINVAL);
	if (!host_log_contains(want))
		fail_msg("expected '%s', log:\n%s", want, host_log());
	assert_int_equal(sscanf(strstr(host_log(), want) + strlen(want),
				"%lx/0x%lx%3s", &off, &size, end), 3);
	assert_true(off > 0 && off < size);
	assert_string_equal(end, ")");
	assert_int_equal(host_log_count("\n"), 1);
	check_all();
}

static void test_double_free_hot(void **state)
{
	struct page *page;

	(void)state;
	page = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(__free_pages(page, 0), 0);
	assert_true(page_test(page, PG_hot));
	take_snapshot();
	assert_int_equal(__free_pages(page, 0), -EINVAL);
	expect_refused("buddy: double free of pfn 0x");
}

static void test_wrong_order(void **state)
{
	struct page *page;

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 2);
	assert_int_equal(pfn_of(page), 4096);
	take_snapshot();
	assert_int_equal(__free_pages(page, 1), -EINVAL);
	expect_refused("buddy: wrong-order free of pfn 0x1000 order 1 in zone Normal, allocated as order 2 (caller 0x");
	take_snapshot();
	assert_int_equal(__free_pages(page, 3), -EINVAL);
	expect_refused("buddy: wrong-order free of pfn 0x1000 order 3 in zone Normal, allocated as order 2 (caller 0x");
	assert_int_equal(__free_pages(page, 2), 0);
	check_all();
}

static void test_misaligned_and_invalid_order(void **state)
{
	struct page *page;

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 0);
	page = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(pfn_of(page), 4097);
	take_snapshot();
	assert_int_equal(__free_pages(page, 1), -EINVAL);
	expect_refused("buddy: misaligned free of pfn 0x1001 order 1 in zone Normal (caller 0x");
	take_snapshot();
	assert_int_equal(__free_pages(page, 11), -EINVAL);
	expect_refused("buddy: invalid-order free of pfn 0x1001 order 11 in zone Normal (caller 0x");
}

static void test_outside_every_zone(void **state)
{
	(void)state;
	take_snapshot();
	assert_int_equal(__free_pages(pfn_to_page(0), 0), -EINVAL);
	expect_refused("buddy: free of pfn 0x0 order 0 outside every zone (caller 0x");
	take_snapshot();
	assert_int_equal(__free_pages(pfn_to_page(16384), 0), -EINVAL);
	expect_refused("buddy: free of pfn 0x4000 order 0 outside every zone (caller 0x");
	take_snapshot();
	assert_int_equal(__free_pages(mem_map - 1, 0), -EINVAL);
	expect_refused("buddy: free of pfn 0xffffffff order 0 outside every zone (caller 0x");
}

static void test_reserved_frame(void **state)
{
	(void)state;
	take_snapshot();
	assert_int_equal(__free_pages(pfn_to_page(0x80), 0), -EINVAL);
	expect_refused("buddy: free of reserved pfn 0x80 order 0 in zone DMA (caller 0x");
	take_snapshot();
	put_page(pfn_to_page(0x81));
	expect_refused("buddy: free of reserved pfn 0x81 order 0 in zone DMA (caller 0x");
}

static void test_tail_frame(void **state)
{
	struct page *page;

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 3);
	assert_int_equal(pfn_of(page), 4096);
	take_snapshot();
	assert_int_equal(__free_pages(page + 4, 2), -EINVAL);
	expect_refused("buddy: free of tail pfn 0x1004 order 2 in zone Normal, inside the order-3 block at pfn 0x1000 (caller 0x");
	take_snapshot();
	put_page(page + 1);
	expect_refused("buddy: free of tail pfn 0x1001 order 0 in zone Normal, inside the order-3 block at pfn 0x1000 (caller 0x");
	assert_int_equal(__free_pages(page, 3), 0);
	check_all();
}

static void test_put_page_on_free_page(void **state)
{
	struct page *page;

	(void)state;
	page = alloc_pages(GFP_KERNEL, 0);
	put_page(page);
	check_all();
	take_snapshot();
	put_page(page);
	expect_refused("buddy: put_page on free pfn 0x");
	/* a frame in the middle of a free order-10 block */
	take_snapshot();
	put_page(pfn_to_page(0x2005));
	expect_refused("buddy: put_page on free pfn 0x2005 order 0 in zone Normal (caller 0x");
	take_snapshot();
	get_page(pfn_to_page(0x2005));
	expect_refused("buddy: get_page on free pfn 0x2005 in zone Normal (caller 0x");
}

static void test_get_page_misuse(void **state)
{
	struct page *block;

	(void)state;
	no_hot_all();
	block = alloc_pages(GFP_KERNEL, 1);
	assert_int_equal(pfn_of(block), 4096);
	take_snapshot();
	get_page(block + 1);
	expect_refused("buddy: get_page on tail pfn 0x1001 in zone Normal (caller 0x");
	page_set(block, PG_slab);
	take_snapshot();
	get_page(block);
	expect_refused("buddy: get_page on slab pfn 0x1000 in zone Normal (caller 0x");
	page_clear(block, PG_slab);
	take_snapshot();
	get_page(pfn_to_page(0));
	expect_refused("buddy: get_page of pfn 0x0 outside every zone (caller 0x");
	assert_int_equal(page_count(block), 1);
	put_page(block);
	check_all();
}

/* ---- reference counts and addresses ------------------------------------ */

static void test_get_put(void **state)
{
	struct page *page;
	uint32_t free0;
	uint64_t refused0;

	(void)state;
	refused0 = buddy_refused_frees();
	free0 = zones_total_free();
	page = alloc_pages(GFP_KERNEL, 2);
	get_page(page);
	assert_int_equal(page_count(page), 2);
	put_page(page);
	assert_int_equal(page_count(page), 1);
	assert_int_equal(zones_total_free(), free0 - 4);
	/* __free_pages drops a reference like put_page */
	get_page(page);
	assert_int_equal(__free_pages(page, 2), 0);
	assert_int_equal(zones_total_free(), free0 - 4);
	put_page(page);
	assert_int_equal(zones_total_free(), free0);
	check_all();
	/* a reserved frame may be shared; its last reference is never freed */
	get_page(pfn_to_page(0x90));
	put_page(pfn_to_page(0x90));
	assert_int_equal(page_count(pfn_to_page(0x90)), 1);
	assert_int_equal(buddy_refused_frees(), refused0);
}

static void test_slab_head_frees(void **state)
{
	struct page *page;
	uint32_t free0 = zones_total_free();

	(void)state;
	page = alloc_pages(GFP_KERNEL, 1);
	page_set(page, PG_slab);
	page->private = (void *)(uintptr_t)0x12345678;
	assert_int_equal(__free_pages(page, 1), 0);
	assert_int_equal(zones_total_free(), free0);
	assert_false(page_test(page, PG_slab));
	check_all();
}

static void test_get_free_pages(void **state)
{
	unsigned char *p;

	(void)state;
	p = __get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	assert_int_equal(p[2 * PAGE_SIZE - 1], 0);
	p[5] = 7;
	assert_int_equal(page_zonenum(virt_to_page(p)), ZONE_NORMAL);
	take_snapshot();
	assert_int_equal(free_pages(p + 8, 1), -EINVAL);
	expect_refused("buddy: free_pages of unaligned address 0x");
	assert_int_equal(free_pages(p, 1), 0);
	assert_int_equal(free_pages(NULL, 3), 0);
	check_all();
}

/*
 * free_pages() of an address outside the direct map (a stack, below and
 * past the arena that stands for it) is refused with one report; it is
 * never converted, which would panic or name a frame that is not its.
 */
static void test_free_pages_outside_direct_map(void **state)
{
	int local;
	void *bad[3];
	unsigned int i;

	(void)state;
	bad[0] = &local;
	bad[1] = (char *)host_arena - PAGE_SIZE;
	bad[2] = (char *)host_arena + host_arena_size;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		take_snapshot();
		assert_int_equal(free_pages(bad[i], 1), -EINVAL);
		expect_refused("outside the direct map, order 1 (caller 0x");
	}
}

static void test_zeroing(void **state)
{
	unsigned char *p;
	struct page *page;
	unsigned int i;

	(void)state;
	no_hot_all();
	page = alloc_pages(GFP_KERNEL, 3);
	memset(page_address(page), 0xa5, 8 * PAGE_SIZE);
	__free_pages(page, 3);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 3);
	p = page_address(page);
	for (i = 0; i < 8 * PAGE_SIZE; i++)
		if (p[i])
			fail_msg("byte %u not zeroed", i);
	__free_pages(page, 3);
	check_all();
}

static void test_highmem_zeroing(void **state)
{
	struct page *page;
	unsigned char *p;

	(void)state;
	reboot(GiB(1));
	no_hot(HIGH);
	page = alloc_pages(GFP_HIGHUSER, 0);
	assert_int_equal(page_zonenum(page), ZONE_HIGHMEM);
	p = arch_phys_to_virt(page_to_phys(page));
	memset(p, 0x5a, PAGE_SIZE);
	put_page(page);
	page = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 0);
	assert_int_equal(page_zonenum(page), ZONE_HIGHMEM);
	assert_ptr_equal(p, arch_phys_to_virt(page_to_phys(page)));
	assert_int_equal(p[100], 0);
	put_page(page);
	/* no way to zero HIGHMEM: such requests skip the zone */
	buddy_zero_highpage_hook = NULL;
	page = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 0);
	assert_int_equal(page_zonenum(page), ZONE_NORMAL);
	put_page(page);
	page = alloc_pages(GFP_HIGHUSER, 0);
	assert_int_equal(page_zonenum(page), ZONE_HIGHMEM);
	put_page(page);
	check_all();
}

/* ---- zones, watermarks, exhaustion ------------------------------------ */

static void test_zone_fallback(void **state)
{
	struct page *page;

	(void)state;
	reboot(GiB(1));
	assert_true(zone_populated(HIGH));
	assert_int_equal(HIGH->start_pfn, LOWMEM_PFN);
	assert_int_equal(page_zonenum(alloc_pages(GFP_HIGHUSER, 0)),
			 ZONE_HIGHMEM);
	assert_int_equal(page_zonenum(alloc_pages(GFP_KERNEL, 0)),
			 ZONE_NORMAL);
	assert_int_equal(page_zonenum(alloc_pages(GFP_ATOMIC, 0)),
			 ZONE_NORMAL);
	assert_int_equal(page_zonenum(alloc_pages(GFP_DMA, 5)), ZONE_DMA);
	/* __GFP_DMA wins over __GFP_HIGHMEM */
	page = alloc_pages(GFP_DMA | __GFP_HIGHMEM, 0);
	assert_int_equal(page_zonenum(page), ZONE_DMA);
	/* a full HighMem falls back to Normal, then DMA */
	while ((page = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 10)) &&
	       page_zonenum(page) == ZONE_HIGHMEM)
		;
	assert_int_equal(page_zonenum(page), ZONE_NORMAL);
	while ((page = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, 10)) &&
	       page_zonenum(page) == ZONE_NORMAL)
		;
	assert_int_equal(page_zonenum(page), ZONE_DMA);
	check_all();
}

/* Allocate order-0 frames with gfp until refused; returns how many. */
static uint32_t drain_zone(gfp_t gfp, struct page **out, uint32_t max)
{
	uint32_t n = 0;
	struct page *page;

	while ((page = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL) {
		assert_true(n < max);
		out[n++] = page;
	}
	return n;
}

static struct page *held[32768];

static void test_watermarks_and_exhaustion(void **state)
{
	uint32_t n, m, a, i;

	(void)state;
	/* GFP_DMA stops at the low watermark */
	n = drain_zone(GFP_DMA, held, ARRAY_SIZE(held));
	assert_int_equal(n, 3840 - 37);
	assert_int_equal(zone_free_pages(DMA), 37);
	assert_non_null(alloc_pages(GFP_DMA | __GFP_HIGH, 0));
	assert_int_equal(zone_free_pages(DMA), 36);
	/* GFP_KERNEL: Normal down to its low watermark, DMA is at low */
	m = drain_zone(GFP_KERNEL, held + n, ARRAY_SIZE(held) - n);
	assert_int_equal(m, 12288 - 120);
	assert_true(zone_free_pages(NORMAL) >= NORMAL->watermark[WMARK_MIN]);
	/* only GFP_ATOMIC goes below min, and keeps half of it */
	a = drain_zone(GFP_ATOMIC, held + n + m, ARRAY_SIZE(held) - n - m);
	assert_int_equal(zone_free_pages(NORMAL), 48);
	assert_int_equal(zone_free_pages(DMA), 15);
	assert_int_equal(a, (120 - 48) + (36 - 15));
	check_all();
	/* every frame accounted for, none handed out twice */
	assert_int_equal(n + 1 + m + a + zones_total_free(), 3840 + 12288);
	host_log_clear();
	assert_null(alloc_pages(GFP_ATOMIC, 0));
	assert_true(host_log_contains("buddy: order 0 allocation failed (gfp 0x8)\n"));
	for (i = 0; i < n + m + a; i++)
		assert_int_equal(__free_pages(held[i], 0), 0);
	check_all();
}

static void test_full_exhaustion_accounting(void **state)
{
	static unsigned char owner[16384];
	uint32_t n, i, j;

	(void)state;
	for (i = 0; i < MAX_NR_ZONES; i++)
		zones[i].watermark[WMARK_MIN] = 0;
	n = drain_zone(GFP_ATOMIC, held, ARRAY_SIZE(held));
	assert_int_equal(n, 3840 + 12288);
	assert_int_equal(zones_total_free(), 0);
	memset(owner, 0, sizeof(owner));
	for (i = 0; i < n; i++) {
		j = page_to_pfn(held[i]);
		assert_true(j >= MACHINE_RESERVED_END && j < 16384);
		assert_int_equal(owner[j], 0);
		owner[j] = 1;
	}
	for (i = 0; i < MAX_ORDER + 1; i++)
		assert_null(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, i));
	check_all();
	for (i = 0; i < n; i++)
		__free_pages(held[i], 0);
	for (i = 0; i < MAX_NR_ZONES; i++)
		buddy_drain_hot(&zones[i]);
	assert_int_equal(NORMAL->free_area[MAX_ORDER].nr_free, 12);
	assert_int_equal(DMA->free_area[MAX_ORDER].nr_free, 3);
	check_all();
}

/* The reclaim hook: called once when nothing is left, then a retry. */
static struct page *reclaim_held;
static unsigned int reclaim_calls;

static unsigned long reclaim_one(void)
{
	reclaim_calls++;
	if (!reclaim_held)
		return 0;
	__free_pages(reclaim_held, 0);
	reclaim_held = NULL;
	return 1;
}

static void test_reclaim_hook(void **state)
{
	uint32_t n, i;
	struct page *p, *given;

	(void)state;
	for (i = 0; i < MAX_NR_ZONES; i++)
		zones[i].watermark[WMARK_MIN] = 0;
	n = drain_zone(GFP_ATOMIC, held, ARRAY_SIZE(held));
	assert_int_equal(zones_total_free(), 0);
	given = reclaim_held = held[--n];
	reclaim_calls = 0;
	buddy_reclaim_hook = reclaim_one;
	/* The one frame the hook gives back is the one handed out. */
	p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0);
	assert_ptr_equal(p, given);
	assert_null(reclaim_held);
	assert_int_equal(reclaim_calls, 1);
	/* Nothing more to give: one call, no retry, the request fails. */
	assert_null(alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0));
	assert_int_equal(reclaim_calls, 2);
	buddy_reclaim_hook = NULL;
	__free_pages(p, 0);
	for (i = 0; i < n; i++)
		__free_pages(held[i], 0);
	check_all();
}

static void test_bad_requests(void **state)
{
	(void)state;
	host_log_clear();
	assert_null(alloc_pages(GFP_KERNEL, 11));
	assert_true(host_log_contains("buddy: order 11 allocation failed (gfp 0x0)\n"));
	assert_null(alloc_pages(0x100, 0));
	fault_test_fail_nth(1);
	assert_null(alloc_pages(GFP_KERNEL, 0));
	assert_non_null(alloc_pages(GFP_KERNEL, 0));
	check_all();
}

/* ---- hot list --------------------------------------------------------- */

static void test_hot_list(void **state)
{
	static const uint32_t whole[NR_ORDERS] = { [10] = 12 };
	static struct page *pages[HOT_HIGH_MAX + HOT_BATCH_MAX];
	const uint32_t n = NORMAL->hot[0].high + NORMAL->hot[0].batch;
	uint32_t counts[NR_ORDERS];
	struct zone_counters c;
	unsigned int i;

	(void)state;
	pages[0] = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(NORMAL->hot[0].count, 126);	/* batch 127, one used */
	zone_counters(NORMAL, &c);
	assert_int_equal(c.hot_hits, 1);
	assert_int_equal(c.alloc_ok, 1);
	buddy_free_counts(NORMAL, counts);
	assert_int_equal(counts[0], 127);	/* and frame 127, split off */
	check_all();
	/* more than a list holds: refills, then frees that drain it */
	for (i = 1; i < n; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);
	check_all();
	for (i = 0; i < n; i++) {
		__free_pages(pages[i], 0);
		assert_true(NORMAL->hot[0].count <= NORMAL->hot[0].high);
	}
	check_all();
	assert_true(NORMAL->hot[0].count > 0);
	assert_int_equal(zone_free_pages(NORMAL), 12288);
	buddy_drain_hot(NORMAL);
	assert_int_equal(NORMAL->hot[0].count, 0);
	expect_counts(NORMAL, whole);
	check_all();
}

/*
 * The order-2 hot list: a refill takes the lowest blocks, a free pushes
 * (LIFO) and counts in buddyinfo at its order, a drain coalesces all.
 */
static void test_hot_list_order2(void **state)
{
	static const uint32_t whole[NR_ORDERS] = { [10] = 12 };
	const uint32_t batch = NORMAL->hot[2].batch;
	struct page *a, *b, *c;
	uint32_t counts[NR_ORDERS];
	struct zone_counters before, after;

	(void)state;
	assert_int_equal(batch, 24);			/* 96 >> 2 */
	zone_counters(NORMAL, &before);
	a = alloc_pages(GFP_KERNEL, 2);
	b = alloc_pages(GFP_KERNEL, 2);
	assert_int_equal(pfn_of(a), 0x1000);		/* lowest first */
	assert_int_equal(pfn_of(b), 0x1004);
	assert_int_equal(NORMAL->hot[2].count, batch - 2);
	assert_true(page_test(a, PG_head) && page_order(a) == 2);
	buddy_free_counts(NORMAL, counts);
	assert_int_equal(counts[2], batch - 2);	/* hot blocks count */
	check_all();
	/* a's buddy b is allocated, no map block of order 2 is lower: pushed */
	assert_int_equal(__free_pages(a, 2), 0);
	assert_int_equal(NORMAL->hot[2].count, batch - 1);
	assert_true(page_test(a, PG_hot) && page_order(a) == 2);
	check_all();
	c = alloc_pages(GFP_KERNEL, 2);
	assert_ptr_equal(c, a);				/* last in, first out */
	assert_int_equal(__free_pages(b, 2), 0);
	assert_int_equal(__free_pages(c, 2), 0);
	zone_counters(NORMAL, &after);
	assert_int_equal(after.alloc_ok - before.alloc_ok, 3);
	assert_int_equal(after.freed - before.freed, 3);
	assert_int_equal(after.hot_hits - before.hot_hits, 3);
	check_all();
	buddy_drain_hot(NORMAL);
	expect_counts(NORMAL, whole);
	check_all();
}

/* A freed order-1 block whose buddy is free in the maps merges at once. */
/*
 * With every hot list off, allocate n blocks of an order: the maps hand
 * them out from the bottom of the Normal zone, one after another.
 */
static void alloc_run_cold(struct page **a, unsigned int n, unsigned int order)
{
	unsigned int i;

	no_hot_all();
	for (i = 0; i < n; i++) {
		a[i] = alloc_pages(GFP_KERNEL, order);
		assert_int_equal(pfn_of(a[i]), 0x1000 + (i << order));
	}
}

/*
 * The rule for orders 1..3 as the fast free applies it: a freed block
 * below the lowest free block of its order goes hot, unless that block is
 * its buddy (then it merges); a block above it goes back to the maps.
 * The fast path's copy of the bound (skip_from) may lag below the exact
 * one, never above it (B6); a free in between goes the slow way, which
 * decides exactly and catches the copy up.
 */
static void test_hot_skip_rule(void **state)
{
	struct page *a[6];

	(void)state;
	alloc_run_cold(a, 6, 1);
	assert_int_equal(__free_pages(a[3], 1), 0);	/* to the maps: hot off */
	assert_int_equal(NORMAL->hot[1].skip_from, 0x1004);	/* its buddy */
	NORMAL->hot[1].batch = 1;
	NORMAL->hot[1].high = 4;
	assert_int_equal(__free_pages(a[0], 1), 0);	/* below: hot */
	assert_int_equal(NORMAL->hot[1].count, 1);
	assert_int_equal(__free_pages(a[5], 1), 0);	/* above: the maps */
	assert_int_equal(NORMAL->hot[1].count, 1);
	assert_true(buddy_is_free_head(NORMAL, 0x100a, 1));
	assert_int_equal(__free_pages(a[2], 1), 0);	/* buddy free: merges */
	assert_int_equal(NORMAL->hot[1].count, 1);
	assert_true(buddy_is_free_head(NORMAL, 0x1004, 2));
	/* low rose to 0x100a, whose buddy is 0x1008: the copy lags */
	assert_true(NORMAL->hot[1].skip_from <= 0x1008);
	check_all();
	assert_int_equal(__free_pages(a[1], 1), 0);	/* below: hot */
	assert_int_equal(NORMAL->hot[1].count, 2);
	check_all();
	a[0] = alloc_pages(GFP_KERNEL, 1);		/* LIFO: the last one */
	assert_int_equal(pfn_of(a[0]), 0x1002);
	assert_int_equal(__free_pages(a[0], 1), 0);
	check_all();
	/* B6: a copy above the exact bound would push what must merge */
	NORMAL->hot[1].skip_from = 0x1009;
	host_log_clear();
	assert_int_equal(buddy_check(NORMAL), 1);
	assert_true(host_log_contains(
		"B6 order-1 hot list skips from pfn 0x1009, above 0x1008"));
	NORMAL->hot[1].skip_from = 0;			/* below: allowed */
	check_all();
	assert_int_equal(__free_pages(a[4], 1), 0);	/* a slow free */
	assert_int_equal(NORMAL->hot[1].count, 2);	/* merged with 0x100a */
	assert_false(buddy_is_free_head(NORMAL, 0x100a, 1));
	assert_false(buddy_is_free_head(NORMAL, 0x1008, 1));
	assert_int_equal(NORMAL->hot[1].skip_from, 0x1008);	/* caught up */
	check_all();
}

/*
 * The order-0 rule (every zone): a free from the lowest whole free 4 MiB
 * block up goes back to the maps, one below it stays hot.  The fast
 * path's copy of that bound may lag below it; the slow free catches it
 * up.  In this small zone a refill leaves the list's size as it is.
 */
static void test_hot0_skip_above_whole_block(void **state)
{
	struct page *x, *y, *p;

	(void)state;
	no_hot_all();
	x = alloc_pages(GFP_KERNEL, MAX_ORDER);
	assert_int_equal(pfn_of(x), 0x1000);
	y = alloc_pages(GFP_KERNEL, 0);			/* splits the next block */
	assert_int_equal(pfn_of(y), 0x1400);
	assert_int_equal(__free_pages(x, MAX_ORDER), 0);	/* whole again */
	assert_int_equal(NORMAL->hot[0].skip_from, 0x1000);
	NORMAL->hot[0].batch = 1;
	NORMAL->hot[0].high = 4;
	assert_int_equal(__free_pages(y, 0), 0);	/* above 0x1000: maps */
	assert_int_equal(NORMAL->hot[0].count, 0);
	assert_true(buddy_is_free_head(NORMAL, 0x1400, MAX_ORDER));
	check_all();
	p = alloc_pages(GFP_KERNEL, 0);			/* a refill of one */
	assert_int_equal(pfn_of(p), 0x1000);
	assert_int_equal(NORMAL->hot[0].high, 4);	/* a small zone's size */
	assert_true(NORMAL->hot[0].skip_from <= 0x1400);	/* it may lag */
	check_all();
	assert_int_equal(__free_pages(p, 0), 0);	/* below 0x1400: hot */
	assert_int_equal(NORMAL->hot[0].count, 1);
	assert_int_equal(NORMAL->hot[0].skip_from, 0x1400);	/* caught up */
	check_all();
}

/*
 * A large zone (batch at HOT_BATCH_MAX: Normal of a 128 MiB machine): a
 * freed order-1 block below the lowest whole free 4 MiB block stays hot
 * even where its buddy is free, which the rule of its own order would
 * merge; and a refill sizes the list by the whole blocks left: two
 * batches while they hold less than an eighth of the zone, else four.
 */
static void test_hot_large_zone_rules(void **state)
{
	struct page *a, *b, *big[32];
	unsigned int n = 0;

	(void)state;
	reboot(MiB(128));
	assert_int_equal(NORMAL->hot_room, HOT_BATCH_MAX);
	assert_int_equal(NORMAL->hot[0].high, 4 * NORMAL->hot[0].batch);
	no_hot_all();
	a = alloc_pages(GFP_KERNEL, 1);
	b = alloc_pages(GFP_KERNEL, 1);
	assert_int_equal(pfn_of(b), 0x1002);
	assert_int_equal(__free_pages(a, 1), 0);	/* to the maps: hot off */
	NORMAL->hot[1].batch = 1;
	NORMAL->hot[1].high = 4;
	assert_int_equal(NORMAL->hot[1].skip_from, 0x1400);
	assert_int_equal(__free_pages(b, 1), 0);	/* below 0x1400: hot */
	assert_int_equal(NORMAL->hot[1].count, 1);
	assert_true(buddy_is_free_head(NORMAL, 0x1000, 1));	/* unmerged */
	check_all();
	buddy_drain_hot(NORMAL);
	NORMAL->hot[0].batch = 8;
	NORMAL->hot[0].high = 32;
	a = alloc_pages(GFP_KERNEL, 0);			/* whole blocks aplenty */
	assert_int_equal(NORMAL->hot[0].high, 32);
	assert_int_equal(__free_pages(a, 0), 0);
	buddy_drain_hot(NORMAL);		/* its frames make a block whole */
	while (NORMAL->free_area[MAX_ORDER].nr_free << MAX_ORDER >=
	       NORMAL->managed_pages / 8) {
		assert_true(n < ARRAY_SIZE(big));
		big[n++] = alloc_pages(GFP_KERNEL, MAX_ORDER);
		assert_int_equal(page_zonenum(big[n - 1]), ZONE_NORMAL);
	}
	a = alloc_pages(GFP_KERNEL, 0);			/* now scarce: two */
	assert_int_equal(NORMAL->hot[0].high, 16);
	check_all();
	assert_int_equal(__free_pages(a, 0), 0);
	while (n)
		assert_int_equal(__free_pages(big[--n], MAX_ORDER), 0);
	buddy_drain_hot(NORMAL);
	a = alloc_pages(GFP_KERNEL, 0);			/* four again */
	assert_int_equal(NORMAL->hot[0].high, 32);
	assert_int_equal(__free_pages(a, 0), 0);
	check_all();
}

/*
 * A refill hands out what as many single allocations would: the lowest
 * free block that fits, whether a block of the list's own order (taken
 * without a search) or the front of a larger one, in address order.
 */
static void test_hot_refill_mixed_low_end(void **state)
{
	static const pfn_t freed[] = { 0x1001, 0x1002, 0x1003, 0x1005, 0x1007 };
	static const pfn_t want[] = { 0x1001, 0x1002, 0x1003, 0x1005, 0x1007,
				      0x1008 };
	struct page *a[8];
	unsigned int i;

	(void)state;
	alloc_run_cold(a, 8, 0);
	for (i = 0; i < ARRAY_SIZE(freed); i++)
		assert_int_equal(__free_pages(a[freed[i] - 0x1000], 0), 0);
	assert_true(buddy_is_free_head(NORMAL, 0x1002, 1));	/* merged */
	NORMAL->hot[0].batch = ARRAY_SIZE(want);
	NORMAL->hot[0].high = 4 * ARRAY_SIZE(want);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		a[i] = alloc_pages(GFP_KERNEL, 0);
		assert_int_equal(pfn_of(a[i]), want[i]);
		if (i == 0)	/* one refill took all six */
			assert_int_equal(NORMAL->hot[0].count,
					 ARRAY_SIZE(want) - 1);
	}
	assert_int_equal(NORMAL->hot[0].count, 0);
	check_all();
	for (i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(__free_pages(a[i], 0), 0);
	check_all();
}

/* The order-0 list's stack from the bottom, as pfns, must be want. */
static void expect_hot0(const pfn_t *want, unsigned int n)
{
	unsigned int i;

	assert_int_equal(NORMAL->hot[0].count, n);
	for (i = 0; i < n; i++)
		assert_int_equal(page_to_pfn(NORMAL->hot[0].slots[i]), want[i]);
}

/*
 * 0x1000..0x100f allocated, then 0x100c freed into the maps (their lowest
 * free frame), and an order-0 list of batch 2 and high 4 that holds the
 * blocks of pushed, freed in that order.
 */
static void drain_setup(struct page **a, const pfn_t *pushed, unsigned int n)
{
	unsigned int i;

	alloc_run_cold(a, 16, 0);
	put_page(a[0xc]);
	NORMAL->hot[0].batch = 2;
	NORMAL->hot[0].high = 4;
	for (i = 0; i < n; i++)
		put_page(a[pushed[i] - 0x1000]);
	expect_hot0(pushed, n);
}

/* Free the rest of the 16 and expect a coalesced zone. */
static void drain_teardown(struct page **a)
{
	static const uint32_t whole[NR_ORDERS] = { [10] = 12 };
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (page_test(a[i], PG_head))
			put_page(a[i]);
	buddy_drain_hot(NORMAL);
	expect_counts(NORMAL, whole);
	check_all();
}

/*
 * A drain puts back first the hot blocks above the lowest free frame of
 * the maps (placement would hand that frame out before them), then the
 * oldest to make up a batch; the rest keep their order.  With more than a
 * batch above, those all go back, and the ones below too unless they are
 * more than a batch.
 */
static void test_hot_drain_order(void **state)
{
	static const pfn_t below[] = { 0x1001, 0x1002, 0x1003, 0x1004 };
	static const pfn_t kept[] = { 0x1003, 0x1004, 0x1005 };
	static const pfn_t kept2[] = { 0x1006 };
	static const pfn_t mixed[] = { 0x1001, 0x100d, 0x1002, 0x1003 };
	static const pfn_t kept3[] = { 0x1002, 0x1003, 0x1004 };
	static const pfn_t spread[] = { 0x1001, 0x100d, 0x1002, 0x100e,
					0x1003, 0x100f, 0x1004, 0x1005 };
	static const pfn_t kept4[] = { 0x1001, 0x1002, 0x1003, 0x1004,
				       0x1005, 0x1006 };
	struct page *a[16];
	unsigned int i;

	(void)state;
	/* all below 0x100c: the two oldest go */
	drain_setup(a, below, ARRAY_SIZE(below));
	put_page(a[5]);
	expect_hot0(kept, ARRAY_SIZE(kept));
	assert_true(buddy_frame_free(NORMAL, 0x1001));
	assert_true(buddy_frame_free(NORMAL, 0x1002));
	check_all();
	/* the maps now start at 0x1001: three above it, the list goes whole */
	put_page(a[0]);
	put_page(a[6]);
	expect_hot0(kept2, ARRAY_SIZE(kept2));
	assert_true(buddy_is_free_head(NORMAL, 0x1000, 2));	/* merged */
	assert_true(buddy_is_free_head(NORMAL, 0x1004, 1));
	check_all();
	drain_teardown(a);
	/* 0x100d is above 0x100c, and the oldest, 0x1001, makes two */
	drain_setup(a, mixed, ARRAY_SIZE(mixed));
	put_page(a[4]);
	expect_hot0(kept3, ARRAY_SIZE(kept3));
	assert_true(buddy_is_free_head(NORMAL, 0x100c, 1));
	assert_true(buddy_frame_free(NORMAL, 0x1001));
	check_all();
	drain_teardown(a);
	/* three above 0x100c and five below, in a list of eight: the three go */
	alloc_run_cold(a, 16, 0);
	put_page(a[0xc]);
	NORMAL->hot[0].batch = 2;
	NORMAL->hot[0].high = 8;
	for (i = 0; i < ARRAY_SIZE(spread); i++)
		put_page(a[spread[i] - 0x1000]);
	put_page(a[6]);
	expect_hot0(kept4, ARRAY_SIZE(kept4));
	assert_true(buddy_is_free_head(NORMAL, 0x100c, 2));	/* merged */
	assert_false(buddy_frame_free(NORMAL, 0x1001));
	check_all();
	drain_teardown(a);
}

static void test_hot_skipped_when_buddy_free(void **state)
{
	static const uint32_t whole[NR_ORDERS] = { [10] = 12 };
	struct page *a;

	(void)state;
	no_hot_all();
	NORMAL->hot[1].batch = 1;
	NORMAL->hot[1].high = 4;
	a = alloc_pages(GFP_KERNEL, 1);		/* a refill of one block */
	assert_int_equal(pfn_of(a), 0x1000);
	assert_int_equal(NORMAL->hot[1].count, 0);
	assert_true(buddy_is_free_head(NORMAL, 0x1002, 1));
	assert_int_equal(__free_pages(a, 1), 0);
	assert_int_equal(NORMAL->hot[1].count, 0);	/* merged instead */
	expect_counts(NORMAL, whole);
	check_all();
}

/*
 * In the 8 MiB machine below, with the 14 hot frames at 0x100..0x10d: an
 * order-8 request that only those frames complete drains the lists and
 * takes the last free frames of the zone.
 */
static struct page *alloc_completed_by_hot(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 8);

	assert_int_equal(pfn_of(page), 0x100);
	assert_int_equal(DMA->hot[0].count, 0);
	assert_int_equal(zone_free_pages(DMA), 0);
	check_all();
	return page;
}

static void test_hot_frames_never_stranded(void **state)
{
	struct page *page, *big9, *big10;

	(void)state;
	reboot(MiB(8));			/* DMA only: 1792 free frames */
	assert_int_equal(DMA->managed_pages, 1792);
	assert_int_equal(DMA->hot[0].batch, 28);
	DMA->watermark[WMARK_LOW] = DMA->watermark[WMARK_MIN] = 0;
	/* the refill splits the order-8 block at 0x100 into the hot list,
	 * which hands its frames out in address order */
	page = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(pfn_of(page), 0x100);
	assert_int_equal(page_to_pfn(DMA->hot_slots[DMA->hot[0].count - 1]), 0x101);
	put_page(page);
	assert_int_equal(DMA->hot[0].count, 28);
	big10 = alloc_pages(GFP_KERNEL, 10);
	big9 = alloc_pages(GFP_KERNEL, 9);
	assert_int_equal(pfn_of(big10), 0x400);
	assert_int_equal(pfn_of(big9), 0x200);
	/* order 8 exists only once the hot frames are back in the lists */
	page = alloc_completed_by_hot();
	put_page(page);
	put_page(big9);
	put_page(big10);
	assert_int_equal(DMA->free_area[8].nr_free, 1);
	assert_int_equal(DMA->free_area[9].nr_free, 1);
	assert_int_equal(DMA->free_area[10].nr_free, 1);
	check_all();
}

/*
 * A request the maps cannot meet drains the lists only when that could
 * meet it: here the hot frames sit in an order-9 region whose low half is
 * not the zone's, so an order-9 request fails with the lists left alone
 * (the zone has the frames, not the block), while an order-8 one drains
 * them and gets the block they complete.
 */
static void test_hot_kept_when_drain_cannot_help(void **state)
{
	struct page *page, *big10, *low8, *high8;
	uint64_t drained;

	(void)state;
	reboot(MiB(8));			/* DMA only: 1792 free frames */
	DMA->watermark[WMARK_LOW] = DMA->watermark[WMARK_MIN] = 0;
	put_page(alloc_pages(GFP_KERNEL, 0));
	assert_int_equal(DMA->hot[0].count, 28);	/* 0x100..0x11b */
	big10 = alloc_pages(GFP_KERNEL, 10);
	low8 = alloc_pages(GFP_KERNEL, 8);
	assert_int_equal(pfn_of(big10), 0x400);
	assert_int_equal(pfn_of(low8), 0x200);
	assert_int_equal(zone_free_pages(DMA), 512);
	drained = DMA->hot[0].drained;
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9));
	assert_int_equal(DMA->hot[0].count, 28);
	assert_true(DMA->hot[0].drained == drained);
	check_all();
	high8 = alloc_pages(GFP_KERNEL, 8);
	assert_int_equal(pfn_of(high8), 0x300);
	assert_int_equal(DMA->hot[0].count, 28);
	page = alloc_completed_by_hot();
	put_page(page);
	put_page(high8);
	put_page(low8);
	put_page(big10);
	check_all();
	assert_int_equal(zone_free_pages(DMA), 1792);
}

/*
 * The 8 MiB machine (DMA only, frames 0x100..0x7ff) with no watermarks and
 * every frame allocated one by one: the array maps each pfn to its page.
 */
static struct page **alloc_every_frame(void)
{
	struct page **frame = calloc(0x800, sizeof(*frame));
	struct page *page;

	assert_non_null(frame);
	reboot(MiB(8));
	DMA->watermark[WMARK_LOW] = DMA->watermark[WMARK_MIN] = 0;
	while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL)
		frame[pfn_of(page)] = page;
	assert_int_equal(zone_free_pages(DMA), 0);
	return frame;
}

/* Free what alloc_every_frame() handed out and is still held. */
static void free_every_frame(struct page **frame)
{
	pfn_t pfn;

	for (pfn = 0; pfn < 0x800; pfn++)
		if (frame[pfn])
			put_page(frame[pfn]);
	free(frame);
	check_all();
	assert_int_equal(zone_free_pages(DMA), 1792);
}

/*
 * The drain test is exact however many regions the hot blocks are spread
 * over: with every frame allocated, one frame freed in each of 20 order-4
 * regions leaves 20 hot frames and no 16-frame block they could complete,
 * so an order-4 request fails with the lists kept; once the last region's
 * other 15 frames are freed too, the request drains the lists and gets
 * that region.
 */
#define SPREAD_REGIONS	20

static void test_hot_drain_test_spread_regions(void **state)
{
	struct page **frame = alloc_every_frame();
	struct page *page;
	pfn_t last = 0x100 + (SPREAD_REGIONS - 1) * 16, pfn;
	uint64_t drained;
	unsigned int r;

	(void)state;
	for (r = 0; r < SPREAD_REGIONS; r++) {
		pfn = 0x100 + r * 16 + r % 16;	/* a different slot in each */
		put_page(frame[pfn]);
		frame[pfn] = NULL;
	}
	assert_int_equal(DMA->hot[0].count, SPREAD_REGIONS);
	drained = DMA->hot[0].drained;
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 4));
	assert_int_equal(DMA->hot[0].count, SPREAD_REGIONS);
	assert_true(DMA->hot[0].drained == drained);
	check_all();
	for (pfn = last; pfn < last + 16; pfn++) {
		if (frame[pfn])
			put_page(frame[pfn]);
		frame[pfn] = NULL;
	}
	page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 4);
	assert_int_equal(pfn_of(page), last);
	assert_int_equal(DMA->hot[0].count, 0);
	check_all();
	put_page(page);
	free_every_frame(frame);
}

/*
 * A request that fails all the same puts back the hot blocks that lie
 * above the maps' lowest free frame (here 0x400): of 20 hot frames in as
 * many order-4 regions, the 10 above it go to the maps, the 10 below stay.
 */
static void test_hot_above_put_back_on_failure(void **state)
{
	struct page **frame = alloc_every_frame();
	uint64_t drained;
	pfn_t pfn;
	unsigned int r, i;

	(void)state;
	put_page(frame[0x400]);
	frame[0x400] = NULL;
	buddy_drain_hot(DMA);		/* the maps: frame 0x400 alone */
	for (r = 0; r < 20; r++) {
		pfn = 0x100 + r * 0x50;
		put_page(frame[pfn]);
		frame[pfn] = NULL;
	}
	assert_int_equal(DMA->hot[0].count, 20);
	drained = DMA->hot[0].drained;
	assert_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 4));
	assert_int_equal(DMA->hot[0].count, 10);
	assert_true(DMA->hot[0].drained == drained + 10);
	for (i = 0; i < 10; i++)
		assert_true(page_to_pfn(DMA->hot[0].slots[i]) < 0x400);
	for (r = 10; r < 20; r++)
		assert_true(buddy_is_free_head(DMA, 0x100 + r * 0x50, 0));
	check_all();
	free_every_frame(frame);
}

static void test_hot_save_restore(void **state)
{
	uint32_t before[NR_ORDERS], after[NR_ORDERS];
	struct hot_block saved[HOT_SLOTS], again[HOT_SLOTS];
	struct page *pages[40];
	unsigned int i, n, m;

	(void)state;
	for (i = 0; i < 40; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < 40; i += 2)
		put_page(pages[i]);
	buddy_free_counts(NORMAL, before);
	n = buddy_hot_save(NORMAL, saved, ARRAY_SIZE(saved));
	assert_int_equal(n, 87 + 20);	/* left of one batch of 127, put back */
	assert_int_equal(NORMAL->hot[0].count, 0);
	check_all();
	/* work on coalesced lists, then give everything back */
	put_page(alloc_pages(GFP_KERNEL, 7));
	buddy_drain_hot(NORMAL);
	buddy_hot_restore(NORMAL, saved, n);
	check_all();
	buddy_free_counts(NORMAL, after);
	assert_memory_equal(before, after, sizeof(before));
	m = buddy_hot_save(NORMAL, again, ARRAY_SIZE(again));
	assert_int_equal(m, n);
	assert_memory_equal(saved, again, n * sizeof(pfn_t));
	for (i = 1; i < 40; i += 2)
		put_page(pages[i]);
	check_all();
}

static void test_short_zone_drains_hot(void **state)
{
	struct page *page;
	uint32_t n;

	(void)state;
	page = alloc_pages(GFP_KERNEL, 0);
	put_page(page);
	assert_int_equal(NORMAL->hot[0].count, 127);
	n = drain_zone(GFP_KERNEL, held, ARRAY_SIZE(held));
	/* DMA fell short of its reserve last, Normal before it */
	assert_int_equal(NORMAL->hot[0].count, 0);
	assert_int_equal(DMA->hot[0].count, 0);
	while (n)
		put_page(held[--n]);
	check_all();
}

/*
 * B9 under pressure: larger blocks taken off the lists while the hot list
 * is full must push hot frames back, so that order-0 pops (which test no
 * watermark) still stop exactly at the low watermark.
 */
static void test_hot_trimmed_above_low(void **state)
{
	const uint32_t low = NORMAL->watermark[WMARK_LOW];
	const uint32_t n = NORMAL->hot[0].high;
	struct page *hot[HOT_HIGH_MAX];
	uint32_t i, big = 0, small, normal = 0;

	(void)state;
	no_hot(DMA);
	for (i = 0; i < n; i++)
		hot[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < n; i++)
		put_page(hot[i]);
	/* high frames in whole refills, all handed out and back: full */
	assert_int_equal(NORMAL->hot[0].count, NORMAL->hot[0].high);
	while ((held[big] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 3)) != NULL) {
		big++;
		assert_true(NORMAL->hot[0].count == 0 ||
			    NORMAL->buddy_pages >= low);
		if (big % 64 == 0)
			check_all();
	}
	check_all();
	assert_true(NORMAL->hot[0].count < NORMAL->hot[0].high);
	small = drain_zone(GFP_KERNEL, held + big, ARRAY_SIZE(held) - big);
	assert_int_equal(zone_free_pages(NORMAL), low);
	for (i = 0; i < big + small; i++)
		if (page_zonenum(held[i]) == ZONE_NORMAL)
			normal += i < big ? 8 : 1;
	assert_int_equal(normal, 12288 - low);
	check_all();
	for (i = 0; i < big; i++)
		put_page(held[i]);
	for (i = 0; i < small; i++)
		put_page(held[big + i]);
	check_all();
	assert_int_equal(zone_free_pages(NORMAL), 12288);
}

/* ---- unaligned zones and holes ----------------------------------------- */

static void test_unaligned_zones_and_holes(void **state)
{
	/* 96 MiB: DMA from pfn 3 with holes, Normal ending off alignment */
	static const struct pfn_range usable[] = {
		{ 3, 0x9f }, { 0x100, 0x800 }, { 0x805, 0x2000 },
		{ 0x2003, 0x5ffd },
	};
	static const struct pfn_range free[] = {
		{ 0x10, 0x9f }, { 0x180, 0x800 }, { 0x805, 0x1ffe },
		{ 0x2003, 0x5ffd },
	};
	static unsigned char owner[0x6000];
	uint32_t n, i, managed = 0;

	(void)state;
	machine_shutdown();
	machine_boot_ranges(MiB(96), usable, 4, free, 4);
	for (i = 0; i < 4; i++)
		managed += free[i].end - free[i].start;
	assert_int_equal(DMA->start_pfn, 3);
	assert_int_equal(DMA->end_pfn, 0x1000);
	assert_int_equal(NORMAL->start_pfn, 0x1000);
	assert_int_equal(NORMAL->end_pfn, 0x5ffd);
	assert_int_equal(zones_total_managed(), managed);
	check_all();
	for (i = 0; i < MAX_NR_ZONES; i++)
		zones[i].watermark[WMARK_MIN] = 0;
	n = drain_zone(GFP_ATOMIC, held, ARRAY_SIZE(held));
	assert_int_equal(n, managed);
	memset(owner, 0, sizeof(owner));
	for (i = 0; i < n; i++) {
		pfn_t pfn = page_to_pfn(held[i]);
		unsigned int r;
		bool in_free = false;

		for (r = 0; r < 4; r++)
			in_free |= pfn >= free[r].start && pfn < free[r].end;
		assert_true(in_free);
		assert_int_equal(owner[pfn], 0);
		owner[pfn] = 1;
	}
	check_all();
	for (i = 0; i < n; i++)
		__free_pages(held[n - 1 - i], 0);
	for (i = 0; i < MAX_NR_ZONES; i++)
		buddy_drain_hot(&zones[i]);
	check_all();
	/* a block never crosses a hole: the largest is what fits aligned */
	assert_non_null(alloc_pages(GFP_KERNEL, 10));
	take_snapshot();
	assert_int_equal(__free_pages(pfn_to_page(0x802), 0), -EINVAL);
	expect_refused("buddy: free of reserved pfn 0x802 order 0 in zone DMA (caller 0x");
}

static void test_tiny_zone(void **state)
{
	static const struct pfn_range usable[] = { { 0x100, 0x10a } };
	uint32_t n;

	(void)state;
	machine_shutdown();
	machine_boot_ranges(MiB(2), usable, 1, usable, 1);
	assert_int_equal(DMA->managed_pages, 10);
	assert_int_equal(DMA->watermark[WMARK_LOW], 0);
	assert_int_equal(DMA->hot[0].high, 0);
	assert_int_equal(DMA->free_area[3].nr_free, 1);
	assert_int_equal(DMA->free_area[1].nr_free, 1);
	check_all();
	n = drain_zone(GFP_KERNEL, held, ARRAY_SIZE(held));
	assert_int_equal(n, 10);
	check_all();
	while (n)
		put_page(held[--n]);
	assert_int_equal(DMA->free_area[3].nr_free, 1);
	assert_int_equal(DMA->free_area[1].nr_free, 1);
	check_all();
}

/* ---- randomized run against a per-frame owner model -------------------- */

#define RAND_LIVE	512

struct live {
	struct page *page;
	unsigned int order;
	uint32_t tag;
};

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static unsigned int random_order(void)
{
	uint32_t r = rng() % 100;

	if (r < 60)
		return 0;
	if (r < 85)
		return 1 + rng() % 3;
	return 4 + rng() % (MAX_ORDER - 3);
}

static const gfp_t rand_gfp[] = {
	GFP_KERNEL, GFP_KERNEL, GFP_ATOMIC, GFP_DMA, GFP_HIGHUSER,
	GFP_KERNEL | __GFP_ZERO,
};

static uint32_t owner32[0x6000];
static struct live live[RAND_LIVE];

static void shadow_take(struct live *l, uint32_t tag)
{
	pfn_t pfn = page_to_pfn(l->page), i;

	assert_true(IS_ALIGNED(pfn, 1u << l->order));
	for (i = pfn; i < pfn + (1u << l->order); i++) {
		if (owner32[i])
			fail_msg("pfn 0x%x handed out twice (tags %u, %u)", i,
				 owner32[i], tag);
		owner32[i] = tag;
	}
	l->tag = tag;
}

static void shadow_give(struct live *l)
{
	pfn_t pfn = page_to_pfn(l->page), i;

	for (i = pfn; i < pfn + (1u << l->order); i++) {
		assert_int_equal(owner32[i], l->tag);
		owner32[i] = 0;
	}
}

/* The zone counters, which the fast paths only imply, match the events. */
static void expect_counters(const uint64_t allocs[MAX_NR_ZONES],
			    const uint64_t frees[MAX_NR_ZONES])
{
	struct zone_counters c;
	unsigned int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		zone_counters(&zones[z], &c);
		if (c.alloc_ok != allocs[z] || c.freed != frees[z] ||
		    c.hot_hits > c.alloc_ok)
			fail_msg("zone %s: counted %llu allocs %llu frees %llu hot, "
				 "made %llu allocs %llu frees", zones[z].name,
				 (unsigned long long)c.alloc_ok,
				 (unsigned long long)c.freed,
				 (unsigned long long)c.hot_hits,
				 (unsigned long long)allocs[z],
				 (unsigned long long)frees[z]);
	}
}

static void test_random_against_model(void **state)
{
	uint64_t allocs[MAX_NR_ZONES] = { 0 }, frees[MAX_NR_ZONES] = { 0 };
	uint32_t free0, step, tag = 0;
	uint64_t refused0 = buddy_refused_frees();
	unsigned int i;

	(void)state;
	reboot(MiB(24));
	free0 = zones_total_free();
	rng_state = 0x9e3779b97f4a7c15ull;
	memset(owner32, 0, sizeof(owner32));
	memset(live, 0, sizeof(live));
	for (step = 0; step < 1000000; step++) {
		struct live *l = &live[rng() % RAND_LIVE];

		if (l->page) {
			shadow_give(l);
			frees[page_zonenum(l->page)]++;
			assert_int_equal(__free_pages(l->page, l->order), 0);
			l->page = NULL;
		} else {
			l->order = random_order();
			l->page = alloc_pages(rand_gfp[rng() % 6] |
					      __GFP_NOWARN, l->order);
			if (l->page) {
				shadow_take(l, ++tag);
				allocs[page_zonenum(l->page)]++;
			}
		}
		if (step % 512 == 0) {
			check_all();
			expect_counters(allocs, frees);
		}
	}
	for (i = 0; i < RAND_LIVE; i++)
		if (live[i].page) {
			shadow_give(&live[i]);
			frees[page_zonenum(live[i].page)]++;
			__free_pages(live[i].page, live[i].order);
		}
	check_all();
	expect_counters(allocs, frees);
	for (i = 0; i < MAX_NR_ZONES; i++)
		buddy_drain_hot(&zones[i]);
	expect_counters(allocs, frees);
	assert_int_equal(zones_total_free(), free0);
	assert_int_equal(buddy_refused_frees(), refused0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_boot_layout, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_buddyinfo_format, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_zones_init_refuses_bad_ranges, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_split_and_merge, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_buddies_merge_in_either_order, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_every_order, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_double_free, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_double_free_names_caller, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_double_free_hot, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_order, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_misaligned_and_invalid_order, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_outside_every_zone, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_frame, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_tail_frame, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_put_page_on_free_page, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_get_page_misuse, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_get_put, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_slab_head_frees, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_get_free_pages, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_free_pages_outside_direct_map,
						setup64, teardown),
		cmocka_unit_test_setup_teardown(test_zeroing, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_highmem_zeroing, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_zone_fallback, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_watermarks_and_exhaustion, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_full_exhaustion_accounting, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_hook, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_list, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_list_order2, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_skipped_when_buddy_free, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_skip_rule, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot0_skip_above_whole_block, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_large_zone_rules, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_refill_mixed_low_end, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_drain_order, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_frames_never_stranded, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_kept_when_drain_cannot_help, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_drain_test_spread_regions, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_above_put_back_on_failure, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_save_restore, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_short_zone_drains_hot, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_hot_trimmed_above_low, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_zones_and_holes, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_tiny_zone, setup64, teardown),
		cmocka_unit_test_setup_teardown(test_random_against_model, setup64, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
