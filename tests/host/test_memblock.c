/*
 * Host tests of mm/memblock.c: merging of memory, reservations that
 * overlap, top-down allocation below a limit with alignment, the free
 * frames left for the zones, retirement, and a randomized comparison with
 * a frame bitmap.  memblock_check() runs after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host.h"
#include "mm/e820.h"
#include "mm/memblock.h"
#include "mm/zones.h"

static int setup(void **state)
{
	(void)state;
	memblock_reset();
	host_log_clear();
	return 0;
}

static void expect_mem(unsigned int i, phys_addr_t base, phys_addr_t size)
{
	const struct memblock_region *r = memblock_memory_region(i);

	assert_non_null(r);
	assert_int_equal(r->base, base);
	assert_int_equal(r->size, size);
}

static void test_add_merges(void **state)
{
	(void)state;
	assert_int_equal(memblock_add(0x100000, 0x100000), 0);
	assert_int_equal(memblock_add(0x400000, 0x100000), 0);
	assert_int_equal(memblock_add(0, 0x9fc00), 0);		/* shrinks to 0x9f000 */
	assert_int_equal(memblock_add(0x200000, 0x100000), 0);	/* touches the one below: merges */
	assert_int_equal(memblock_add(0x500800, 0x800), 0);	/* no whole frame */
	assert_int_equal(memblock_check(), 0);
	assert_int_equal(memblock_memory_count(), 3);
	expect_mem(0, 0, 0x9f000);
	expect_mem(1, 0x100000, 0x200000);
	expect_mem(2, 0x400000, 0x100000);
	/* one range swallowing two and touching a third */
	assert_int_equal(memblock_add(0x150000, 0x2b0000), 0);
	assert_int_equal(memblock_check(), 0);
	assert_int_equal(memblock_memory_count(), 2);
	expect_mem(1, 0x100000, 0x400000);
	assert_int_equal(memblock_end_of_ram(), 0x500000);
}

static void test_add_full(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < MEMBLOCK_MAX_MEMORY; i++)
		assert_int_equal(memblock_add((phys_addr_t)i * 0x2000, 0x1000), 0);
	assert_int_equal(memblock_add(0x10000000, 0x1000), -E2BIG);
	/* merging into existing regions still works when full */
	assert_int_equal(memblock_add(0x1000, 0x1000), 0);
	assert_int_equal(memblock_memory_count(), MEMBLOCK_MAX_MEMORY - 1);
	assert_int_equal(memblock_check(), 0);
}

/*
 * The map the parser fills to the last entry it accepts (a hole of a frame
 * every 64 KiB of RAM) gives usable ranges that memblock holds, all of
 * them; the option that does not fit is refused by the parser, named.
 */
static void test_fullest_map_fits(void **state)
{
	static struct e820_entry entries[E820_MAX_ENTRIES];
	static struct e820_entry clean[2 * E820_MAX_ENTRIES];
	static struct e820_change changes[E820_CHANGES(E820_MAX_ENTRIES)];
	static struct pfn_range usable[2 * E820_MAX_ENTRIES];
	struct e820_map map = { 0, E820_MAX_ENTRIES, entries };
	struct e820_map cmap = { 0, 2 * E820_MAX_ENTRIES, clean };
	char opt[32], line[96];
	unsigned int i, nr, holes = 0;

	(void)state;
	e820_add(&map, 0, 0x9fc00, E820_USABLE);
	e820_add(&map, 0x9fc00, 0x60400, E820_RESERVED);
	e820_add(&map, 0x100000, 0x3fee0000, E820_USABLE);
	for (;;) {
		snprintf(opt, sizeof(opt), "4K$0x%x", 0x1000000 + holes * 0x10000);
		if (e820_parse_memmap(&map, opt, strlen(opt)) < 0)
			break;
		holes++;
	}
	assert_int_equal(holes, E820_MAX_ENTRIES - 3);
	snprintf(line, sizeof(line), "e820: memmap=%s: no room in the map, ignored\n",
		 opt);
	assert_int_equal(host_log_count(line), 1);
	cmap.nr = map.nr;
	memcpy(clean, entries, map.nr * sizeof(entries[0]));
	assert_int_equal(e820_clean(&cmap, changes, ARRAY_SIZE(changes)), 0);
	assert_int_equal(e820_usable_pfns(&cmap, E820_LIMIT_4G, usable,
					  ARRAY_SIZE(usable), &nr), 0);
	assert_int_equal(nr, holes + 2);
	for (i = 0; i < nr; i++) {
		pfn_t pages = usable[i].end - usable[i].start;

		assert_int_equal(memblock_add(PFN_PHYS(usable[i].start),
					      PFN_PHYS(pages)), 0);
	}
	assert_int_equal(memblock_memory_count(), nr);
	assert_int_equal(memblock_check(), 0);
}

static void test_alloc_top_down_and_limit(void **state)
{
	phys_addr_t a, b, c;

	(void)state;
	memblock_add(0, 0x9f000);
	memblock_add(0x100000, 0x7f00000);	/* up to 128 MiB */
	memblock_reserve(0, 0x10000, "low 64 KiB");
	memblock_reserve(0x100000, 0x123456, "kernel image");
	a = memblock_alloc(0x1000, 0x1000, 0x400000, "page table");
	assert_int_equal(a, 0x3ff000);
	b = memblock_alloc(0x1800, 0x1000, 0x400000, "page table");
	assert_int_equal(b, 0x3fd000);		/* rounded up to 2 frames */
	c = memblock_alloc(0x100000, 0x100000, 0x8000000, "mem_map");
	assert_int_equal(c, 0x7f00000);
	assert_int_equal(memblock_allocated_bytes(), 0x103000);
	assert_int_equal(memblock_check(), 0);
	/* the kernel image ends at 0x223456: frame 0x223 is taken */
	a = memblock_alloc(0x1d9000, 0x1000, 0x3fd000, "big");
	assert_int_equal(a, 0x224000);
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x3fd000, "more"), 0x9e000);
	assert_int_equal(memblock_check(), 0);
	assert_int_equal(memblock_reserved_count(), 6);	/* both page tables in one */
	assert_string_equal(memblock_reserved_region(0)->name, "low 64 KiB");
	assert_false(memblock_reserved_region(0)->allocated);
}

static void test_alloc_skips_reservations_and_fails(void **state)
{
	(void)state;
	memblock_add(0, 0x20000);
	memblock_reserve(0, 0x10000, "low");
	memblock_reserve(0x1e800, 0x10, "mbi");		/* partial frame */
	memblock_reserve(0x18000, 0x2000, "module");
	/* 0x1f000 is free, 0x1e000 is touched by mbi */
	assert_int_equal(memblock_alloc(0x1000, 0, 0x100000, "a"), 0x1f000);
	/* two frames: 0x1c000-0x1e000 fits below mbi? 0x1c000..0x1dfff yes */
	assert_int_equal(memblock_alloc(0x2000, 0x1000, 0x100000, "b"), 0x1c000);
	/* 4 frames do not fit anywhere above 64 KiB any more: 0x10000-0x18000 has 8 */
	assert_int_equal(memblock_alloc(0x4000, 0x8000, 0x100000, "c"), 0x10000);
	assert_int_equal(memblock_alloc(0x5000, 0x1000, 0x100000, "d"), 0);
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x1000, "e"), 0);
	assert_int_equal(memblock_alloc(0x1000, 0x3000, 0x100000, "bad align"), 0);
	assert_int_equal(memblock_alloc(0, 0x1000, 0x100000, "zero"), 0);
	assert_int_equal(memblock_check(), 0);
}

static void test_never_frame_0(void **state)
{
	(void)state;
	memblock_add(0, 0x2000);
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x2000, "a"), 0x1000);
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x2000, "b"), 0);
}

/* Adjacent allocations of one holder share one entry of the record. */
static void test_runs_share_an_entry(void **state)
{
	static const char tables[] = "early page tables";
	unsigned int i;

	(void)state;
	memblock_add(0, 0x400000);
	memblock_reserve(0, 0x10000, "low");
	for (i = 0; i < 300; i++)
		assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x400000, tables),
				 0x3ff000 - (phys_addr_t)i * 0x1000);
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x400000, "other"),
			 0x3ff000 - 300 * 0x1000);
	assert_int_equal(memblock_reserved_count(), 3);
	assert_int_equal(memblock_reserved_region(1)->base, 0x3ff000 - 300 * 0x1000);
	assert_int_equal(memblock_reserved_region(2)->base, 0x3ff000 - 299 * 0x1000);
	assert_int_equal(memblock_reserved_region(2)->size, 300 * 0x1000);
	assert_int_equal(memblock_check(), 0);
}

static void test_free_pfns(void **state)
{
	struct pfn_range r[8];
	unsigned int nr = 0;

	(void)state;
	memblock_add(0, 0x9f000);
	memblock_add(0x100000, 0x700000);
	memblock_reserve(0, 0x10000, "low");
	memblock_reserve(0x9500, 0x100, "mbi");		/* inside "low" */
	memblock_reserve(0x20800, 0x1000, "cmdline");	/* touches 2 frames */
	memblock_reserve(0x9f000, 0x61000, "outside memory");
	memblock_reserve(0x100000, 0x200000, "kernel");
	memblock_reserve(0x180000, 0x10, "inside kernel");
	memblock_reserve(0x7ff000, 0x5000, "past the end");
	assert_int_equal(memblock_free_pfns(r, 8, &nr), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(r[0].start, 0x10);
	assert_int_equal(r[0].end, 0x20);
	assert_int_equal(r[1].start, 0x22);
	assert_int_equal(r[1].end, 0x9f);
	assert_int_equal(r[2].start, 0x300);
	assert_int_equal(r[2].end, 0x7ff);
	assert_int_equal(memblock_free_pfns(r, 2, &nr), -E2BIG);
	assert_int_equal(memblock_check(), 0);
}

static void test_reserve_errors_and_retire(void **state)
{
	unsigned int i;

	(void)state;
	memblock_add(0, 0x100000);
	assert_int_equal(memblock_reserve(0x1000, 0, "empty"), -EINVAL);
	for (i = 0; i < MEMBLOCK_MAX_RESERVED; i++)
		assert_int_equal(memblock_reserve((phys_addr_t)i << 12, 1, "r"), 0);
	assert_int_equal(memblock_reserve(0x90000, 1, "late"), -E2BIG);
	assert_true(host_log_contains(
		"memblock: no room to reserve [mem 0x90000-0x90000] late\n"));
	memblock_reset();
	memblock_add(0, 0x100000);
	memblock_reserve(0, 0x10000, "low");
	memblock_retire();
	host_log_clear();
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x100000, "late"), 0);
	assert_int_equal(memblock_refused(), 1);
	assert_true(host_log_contains("memblock: late wants 4096 bytes after boot, refused (caller "));
	assert_int_equal(memblock_reserved_count(), 1);
}

static void test_check_catches_corruption(void **state)
{
	struct memblock_region *r;

	(void)state;
	memblock_add(0, 0x100000);
	memblock_reserve(0, 0x10000, "low");
	assert_int_equal(memblock_alloc(0x1000, 0x1000, 0x100000, "a"), 0xff000);
	/* scribble over the record through the read-only accessor */
	r = (struct memblock_region *)memblock_reserved_region(1);
	r->base = 0x8800;
	host_log_clear();
	assert_int_equal(memblock_check(), 2);	/* misaligned (3), overlaps (4) */
	assert_true(host_log_contains("breaks invariant 3"));
	assert_true(host_log_contains("memblock_check: allocation 1 (a) overlaps low: invariant 4\n"));
	r->base = 0xff000;
	assert_int_equal(memblock_check(), 0);
}

/* --- randomized comparison with a frame bitmap ----------------------- */

#define NFRAMES	512

static uint32_t seed = 12345;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void random_round(void)
{
	bool mem[NFRAMES] = { false }, res[NFRAMES] = { false };
	struct pfn_range r[NFRAMES];
	unsigned int i, k, nr, n;

	memblock_reset();
	n = 1 + rnd() % 8;
	for (i = 0; i < n; i++) {
		phys_addr_t b = rnd() % (NFRAMES * PAGE_SIZE);
		phys_addr_t s = rnd() % (64 * PAGE_SIZE);

		if (b + s > NFRAMES * PAGE_SIZE)
			s = NFRAMES * PAGE_SIZE - b;
		assert_int_equal(memblock_add(b, s), 0);
		for (k = (b + PAGE_SIZE - 1) / PAGE_SIZE; k < (b + s) / PAGE_SIZE; k++)
			mem[k] = true;
	}
	memblock_reserve(0, PAGE_SIZE, "frame 0");
	res[0] = true;
	n = rnd() % 8;
	for (i = 0; i < n; i++) {
		phys_addr_t b = rnd() % (NFRAMES * PAGE_SIZE);
		phys_addr_t s = 1 + rnd() % (16 * PAGE_SIZE);

		if (b + s > NFRAMES * PAGE_SIZE)
			s = NFRAMES * PAGE_SIZE - b;
		assert_int_equal(memblock_reserve(b, s, "random"), 0);
		for (k = b / PAGE_SIZE; k < (b + s + PAGE_SIZE - 1) / PAGE_SIZE; k++)
			res[k] = true;
	}
	n = rnd() % 8;
	for (i = 0; i < n; i++) {
		phys_addr_t size = 1 + rnd() % (8 * PAGE_SIZE);
		phys_addr_t align = (phys_addr_t)PAGE_SIZE << (rnd() % 4);
		phys_addr_t limit = rnd() % (NFRAMES * PAGE_SIZE + 1);
		phys_addr_t a = memblock_alloc(size, align, limit, "alloc");
		unsigned int frames = (unsigned int)((size + PAGE_SIZE - 1) / PAGE_SIZE);

		if (!a) {
			/* nothing fitted: check there really was no room */
			for (k = 0; k + frames <= limit / PAGE_SIZE; k += (unsigned int)(align / PAGE_SIZE)) {
				unsigned int f, ok = k != 0;

				for (f = k; ok && f < k + frames; f++)
					ok = mem[f] && !res[f];
				assert_false(ok);
			}
			continue;
		}
		assert_true(IS_ALIGNED(a, align));
		assert_true(a + frames * PAGE_SIZE <= limit);
		for (k = a / PAGE_SIZE; k < a / PAGE_SIZE + frames; k++) {
			assert_true(mem[k]);
			assert_false(res[k]);
			res[k] = true;
		}
		/* top-down: no aligned free block sits higher */
		for (k = a / PAGE_SIZE + (unsigned int)(align / PAGE_SIZE);
		     k + frames <= limit / PAGE_SIZE; k += (unsigned int)(align / PAGE_SIZE)) {
			unsigned int f, ok = 1;

			for (f = k; ok && f < k + frames; f++)
				ok = mem[f] && !res[f];
			assert_false(ok);
		}
	}
	assert_int_equal(memblock_check(), 0);
	assert_int_equal(memblock_free_pfns(r, NFRAMES, &nr), 0);
	k = 0;
	for (i = 0; i < nr; i++) {
		assert_true(r[i].start < r[i].end);
		assert_true(i == 0 || r[i - 1].end <= r[i].start);
		for (; k < r[i].start; k++)
			assert_false(mem[k] && !res[k]);
		for (; k < r[i].end; k++)
			assert_true(mem[k] && !res[k]);
	}
	for (; k < NFRAMES; k++)
		assert_false(mem[k] && !res[k]);
}

static void test_random_vs_bitmap(void **state)
{
	unsigned int round;

	(void)state;
	for (round = 0; round < 3000; round++)
		random_round();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add_merges, setup),
		cmocka_unit_test_setup(test_add_full, setup),
		cmocka_unit_test_setup(test_fullest_map_fits, setup),
		cmocka_unit_test_setup(test_alloc_top_down_and_limit, setup),
		cmocka_unit_test_setup(test_alloc_skips_reservations_and_fails, setup),
		cmocka_unit_test_setup(test_never_frame_0, setup),
		cmocka_unit_test_setup(test_runs_share_an_entry, setup),
		cmocka_unit_test_setup(test_free_pfns, setup),
		cmocka_unit_test_setup(test_reserve_errors_and_retire, setup),
		cmocka_unit_test_setup(test_check_catches_corruption, setup),
		cmocka_unit_test_setup(test_random_vs_bitmap, setup),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	host_log_clear();
	return rc;
}
