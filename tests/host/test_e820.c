/*
 * Host tests of mm/e820.c and mm/e820_parse.c: cleaning, clipping,
 * frames, formatting, persistent memory of types 7 and 12, the memmap=
 * parser (exactmap, ranges of every type, the mem=-like limit, the "%"
 * form that retypes or removes, and how they combine) and the boot-log
 * line reader.  The cases are checked entry by entry; a randomized
 * comparison then runs thousands of maps, persistent memory included,
 * against a slow byte-by-byte model.
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
#include "mm/zones.h"

#define CAP	256

struct fixture {
	struct e820_entry entries[CAP];
	struct e820_change changes[E820_CHANGES(CAP)];
	struct e820_map map;
};

static struct fixture fx;

static void map_init(unsigned int capacity)
{
	memset(&fx, 0, sizeof(fx));
	fx.map.entries = fx.entries;
	fx.map.capacity = capacity;
	host_log_clear();
}

static void add(uint64_t addr, uint64_t size, uint32_t type)
{
	assert_int_equal(e820_add(&fx.map, addr, size, type), 0);
}

static int clean(void)
{
	return e820_clean(&fx.map, fx.changes, E820_CHANGES(CAP));
}

/* Expect the map to be exactly these (addr, size, type) triples. */
static void expect(unsigned int nr, ...)
{
	va_list ap;
	unsigned int i;

	assert_int_equal(fx.map.nr, nr);
	va_start(ap, nr);
	for (i = 0; i < nr; i++) {
		uint64_t addr = va_arg(ap, uint64_t);
		uint64_t size = va_arg(ap, uint64_t);
		uint32_t type = va_arg(ap, uint32_t);

		assert_int_equal(fx.entries[i].addr, addr);
		assert_int_equal(fx.entries[i].size, size);
		assert_int_equal(fx.entries[i].type, type);
	}
	va_end(ap);
}

#define E(a, s, t)	(uint64_t)(a), (uint64_t)(s), (uint32_t)(t)

static int teardown(void **state)
{
	(void)state;
	host_log_clear();
	return 0;
}

static void test_unsorted(void **state)
{
	(void)state;
	map_init(CAP);
	add(0x100000, 0x7f00000, E820_USABLE);
	add(0xf0000, 0x10000, E820_RESERVED);
	add(0, 0x9fc00, E820_USABLE);
	add(0x9fc00, 0x400, E820_RESERVED);
	assert_int_equal(clean(), 0);
	expect(4, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2),
	       E(0xf0000, 0x10000, 2), E(0x100000, 0x7f00000, 1));
}

static unsigned int rank(uint32_t t)
{
	static const unsigned int r[] = { 0, 1, 4, 2, 3, 5, 0, 6 };

	return t == E820_PRAM ? 7 : r[t];
}

/* The types that merge with their own kind: all known ones but 12. */
static const uint32_t merging[] = {
	E820_USABLE, E820_RESERVED, E820_ACPI, E820_NVS, E820_UNUSABLE,
	E820_PMEM,
};

static uint32_t stricter(uint32_t a, uint32_t b)
{
	return rank(a) >= rank(b) ? a : b;
}

/* Partial overlap: a=[0,0x300) b=[0x200,0x500) for every pair of types. */
static void test_partial_overlap_every_pair(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(merging); i++) {
		for (j = 0; j < ARRAY_SIZE(merging); j++) {
			uint32_t a = merging[i], b = merging[j];
			uint32_t mid = stricter(a, b);

			map_init(CAP);
			add(0x200, 0x300, b);
			add(0, 0x300, a);
			assert_int_equal(clean(), 0);
			if (a == b) {
				expect(1, E(0, 0x500, a));
			} else if (mid == a) {
				expect(2, E(0, 0x300, a), E(0x300, 0x200, b));
			} else {
				expect(2, E(0, 0x200, a), E(0x200, 0x300, b));
			}
		}
	}
}

/* Full overlap: the same range twice; the stricter type wins. */
static void test_full_overlap_every_pair(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(merging); i++) {
		for (j = 0; j < ARRAY_SIZE(merging); j++) {
			uint32_t a = merging[i], b = merging[j];

			map_init(CAP);
			add(0x1000, 0x1000, a);
			add(0x1000, 0x1000, b);
			assert_int_equal(clean(), 0);
			expect(1, E(0x1000, 0x1000, stricter(a, b)));
		}
	}
}

/* Nesting: b strictly inside a, for every pair. */
static void test_nested_every_pair(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(merging); i++) {
		for (j = 0; j < ARRAY_SIZE(merging); j++) {
			uint32_t a = merging[i], b = merging[j];

			map_init(CAP);
			add(0, 0x3000, a);
			add(0x1000, 0x1000, b);
			assert_int_equal(clean(), 0);
			if (stricter(a, b) == a)
				expect(1, E(0, 0x3000, a));
			else
				expect(3, E(0, 0x1000, a), E(0x1000, 0x1000, b),
				       E(0x2000, 0x1000, a));
		}
	}
}

static void test_deep_nesting(void **state)
{
	(void)state;
	map_init(CAP);
	add(0, 0x10000, E820_USABLE);
	add(0x1000, 0xe000, E820_ACPI);
	add(0x2000, 0xc000, E820_NVS);
	add(0x3000, 0xa000, E820_RESERVED);
	add(0x4000, 0x8000, E820_UNUSABLE);
	add(0x5000, 0x1000, E820_USABLE);	/* hidden entirely */
	assert_int_equal(clean(), 0);
	expect(9, E(0, 0x1000, 1), E(0x1000, 0x1000, 3), E(0x2000, 0x1000, 4),
	       E(0x3000, 0x1000, 2), E(0x4000, 0x8000, 5), E(0xc000, 0x1000, 2),
	       E(0xd000, 0x1000, 4), E(0xe000, 0x1000, 3), E(0xf000, 0x1000, 1));
}

static void test_touching(void **state)
{
	(void)state;
	map_init(CAP);
	add(0x2000, 0x1000, E820_USABLE);
	add(0, 0x1000, E820_USABLE);
	add(0x1000, 0x1000, E820_USABLE);
	add(0x3000, 0x1000, E820_RESERVED);
	add(0x4000, 0x1000, E820_RESERVED);
	add(0x5000, 0x1000, E820_ACPI);
	assert_int_equal(clean(), 0);
	expect(3, E(0, 0x3000, 1), E(0x3000, 0x2000, 2), E(0x5000, 0x1000, 3));
}

static void test_zero_length_and_unknown_types(void **state)
{
	(void)state;
	map_init(CAP);
	add(0x1000, 0, E820_UNUSABLE);
	add(0x0, 0x1000, 0);
	add(0x1000, 0x1000, 6);
	add(0x2000, 0x1000, 0xffffffffu);
	add(0x3000, 0x1000, E820_RESERVED);
	add(0x3800, 0, E820_USABLE);
	add(0x4000, 0x1000, E820_USABLE);
	assert_int_equal(clean(), 0);
	expect(2, E(0, 0x4000, 2), E(0x4000, 0x1000, 1));
}

static void test_only_empty(void **state)
{
	(void)state;
	map_init(CAP);
	add(0x1000, 0, E820_USABLE);
	assert_int_equal(clean(), 0);
	expect(0);
	assert_int_equal(clean(), 0);
	expect(0);
}

static void test_end_at_2_64(void **state)
{
	(void)state;
	map_init(CAP);
	add(0xfffffffffffff000ull, 0x1000, E820_RESERVED);
	add(0xffffffffffffe000ull, 0x1000, E820_RESERVED);
	add(0xffffffffffff0000ull, 0x10000, E820_USABLE);
	assert_int_equal(clean(), 0);
	expect(2, E(0xffffffffffff0000ull, 0xe000, 1),
	       E(0xffffffffffffe000ull, 0x2000, 2));
	assert_int_equal(host_log_count("past 2^64"), 0);
}

static void test_wrap_past_2_64(void **state)
{
	(void)state;
	map_init(CAP);
	add(0xfffffffffffff000ull, 0x2000, E820_USABLE);
	add(0xffffffffffff0000ull, 0x20000, E820_NVS);
	add(0x1000, 0x1000, E820_USABLE);
	assert_int_equal(clean(), 0);
	expect(2, E(0x1000, 0x1000, 1), E(0xffffffffffff0000ull, 0x10000, 4));
	assert_true(host_log_contains(
		"e820: entry [mem 0xfffffffffffff000] size 0x2000 type 1 runs past 2^64: usable, dropped\n"));
	assert_true(host_log_contains(
		"e820: entry [mem 0xffffffffffff0000] size 0x20000 type 4 runs past 2^64: clipped at 2^64\n"));
}

/* A reserved range over the whole space cannot be one 2^64-byte entry. */
static void test_whole_space(void **state)
{
	(void)state;
	map_init(CAP);
	add(0, 0x8000000000000000ull, E820_RESERVED);
	add(0x8000000000000000ull, 0x8000000000000000ull, E820_RESERVED);
	add(0x1000, 0x1000, E820_USABLE);
	assert_int_equal(clean(), 0);
	expect(2, E(0, 0x8000000000000000ull, 2),
	       E(0x8000000000000000ull, 0x8000000000000000ull, 2));
}

static void test_128_entries(void **state)
{
	unsigned int i;

	(void)state;
	map_init(128);
	/* 128 disjoint entries, alternating types, given in reverse order */
	for (i = 128; i-- > 0;)
		add((uint64_t)i * 0x2000, 0x1000, i % 2 ? E820_RESERVED : E820_USABLE);
	assert_int_equal(clean(), 0);
	assert_int_equal(fx.map.nr, 128);
	for (i = 0; i < 128; i++) {
		assert_int_equal(fx.entries[i].addr, (uint64_t)i * 0x2000);
		assert_int_equal(fx.entries[i].size, 0x1000);
		assert_int_equal(fx.entries[i].type,
				 i % 2 ? E820_RESERVED : E820_USABLE);
	}
	/* 128 overlapping usable entries collapse into one */
	map_init(128);
	for (i = 0; i < 128; i++)
		add((uint64_t)((i * 37) % 128) * 0x1000, 0x3000, E820_USABLE);
	assert_int_equal(clean(), 0);
	expect(1, E(0, 130 * 0x1000, 1));
}

static void test_capacity_too_small(void **state)
{
	struct e820_entry before[3];

	(void)state;
	map_init(3);
	add(0, 0x3000, E820_USABLE);
	add(0x1000, 0x1000, E820_RESERVED);
	add(0x5000, 0x1000, E820_NVS);
	memcpy(before, fx.entries, sizeof(before));
	/* 4 output entries do not fit in 3 */
	assert_int_equal(clean(), -E2BIG);
	assert_int_equal(fx.map.nr, 3);
	assert_memory_equal(before, fx.entries, sizeof(before));
	/* too little scratch */
	assert_int_equal(e820_clean(&fx.map, fx.changes, 5), -ENOMEM);
	assert_int_equal(fx.map.nr, 3);
	assert_memory_equal(before, fx.entries, sizeof(before));
	/* exactly enough room works */
	fx.map.capacity = 4;
	assert_int_equal(clean(), 0);
	expect(4, E(0, 0x1000, 1), E(0x1000, 0x1000, 2), E(0x2000, 0x1000, 1),
	       E(0x5000, 0x1000, 4));
}

static void test_clip_4g(void **state)
{
	(void)state;
	map_init(CAP);
	add(0, 0x9fc00, E820_USABLE);
	add(0x100000, 0xbff00000ull, E820_USABLE);
	add(0xfec00000ull, 0x1000, E820_RESERVED);
	add(0xff000000ull, 0x101000000ull, E820_USABLE);	/* crosses 4 GiB */
	add(0x200000000ull, 0x40000000ull, E820_RESERVED);	/* above */
	add(0xfd00000000ull, 0x300000000ull, E820_RESERVED);
	assert_int_equal(clean(), 0);
	assert_int_equal(fx.map.nr, 6);
	assert_int_equal(e820_clip(&fx.map, E820_LIMIT_4G), 0x100000000ull);
	expect(4, E(0, 0x9fc00, 1), E(0x100000, 0xbff00000ull, 1),
	       E(0xfec00000ull, 0x1000, 2), E(0xff000000ull, 0x1000000, 1));
	assert_true(host_log_contains(
		"e820: dropped [mem 0x0000000100000000-0x00000001ffffffff] usable: at or above 0x100000000, not addressable without PAE\n"));
	assert_true(host_log_contains(
		"e820: dropped [mem 0x0000000200000000-0x000000023fffffff] reserved: at or above 0x100000000"));
	assert_true(host_log_contains(
		"e820: dropped [mem 0x000000fd00000000-0x000000ffffffffff] reserved"));
	assert_int_equal(host_log_count("e820: dropped"), 3);
	/* an entry ending exactly at 4 GiB stays */
	map_init(CAP);
	add(0xfffc0000ull, 0x40000, E820_RESERVED);
	assert_int_equal(e820_clip(&fx.map, E820_LIMIT_4G), 0);
	expect(1, E(0xfffc0000ull, 0x40000, 2));
	assert_int_equal(host_log_count("e820: dropped"), 0);
}

static void test_usable_pfns(void **state)
{
	struct pfn_range r[4];
	unsigned int nr = 99;

	(void)state;
	map_init(CAP);
	add(0, 0x9fc00, E820_USABLE);		/* end rounded down */
	add(0x9fc00, 0x400, E820_RESERVED);
	add(0x100400, 0x800, E820_USABLE);	/* no whole frame */
	add(0x200001, 0x3fffff, E820_USABLE);	/* start rounded up */
	add(0xfff00000ull, 0x200000, E820_USABLE);	/* crosses 4 GiB */
	assert_int_equal(clean(), 0);
	assert_int_equal(e820_usable_pfns(&fx.map, E820_LIMIT_4G, r, 4, &nr), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].end, 0x9f);
	assert_int_equal(r[1].start, 0x201);
	assert_int_equal(r[1].end, 0x600);
	assert_int_equal(r[2].start, 0xfff00);
	assert_int_equal(r[2].end, 0x100000);
	assert_int_equal(e820_usable_pfns(&fx.map, E820_LIMIT_4G, r, 2, &nr),
			 -E2BIG);
}

static void test_format(void **state)
{
	struct e820_entry e = { 0x100000, 0x7ee0000, E820_USABLE };
	char buf[E820_LINE_MAX];

	(void)state;
	e820_format(buf, sizeof(buf), "e820: ", &e);
	assert_string_equal(buf,
		"e820: [mem 0x0000000000100000-0x0000000007fdffff] usable\n");
	e = (struct e820_entry){ 0xfffffffffffff000ull, 0x1000, E820_NVS };
	e820_format(buf, sizeof(buf), "BIOS-e820: ", &e);
	assert_string_equal(buf,
		"BIOS-e820: [mem 0xfffffffffffff000-0xffffffffffffffff] ACPI NVS\n");
	e = (struct e820_entry){ 0x1000, 0x1000, 13 };
	e820_format(buf, sizeof(buf), "", &e);
	assert_string_equal(buf,
		"[mem 0x0000000000001000-0x0000000000001fff] type 13\n");
	e = (struct e820_entry){ 0x10000000, 0x4000000, E820_PRAM };
	e820_format(buf, sizeof(buf), "e820: ", &e);
	assert_string_equal(buf,
		"e820: [mem 0x0000000010000000-0x0000000013ffffff] persistent (type 12)\n");
	assert_string_equal(e820_type_name(E820_ACPI), "ACPI data");
	assert_string_equal(e820_type_name(E820_UNUSABLE), "unusable");
	assert_string_equal(e820_type_name(E820_RESERVED), "reserved");
	assert_null(e820_type_name(0));
	map_init(CAP);
	add(0x1000, 0x1000, E820_NVS);
	add(0xfffffffffffff000ull, 0x1000, E820_RESERVED);
	assert_int_equal(e820_type_at(&fx.map, 0xfff), 0);
	assert_int_equal(e820_type_at(&fx.map, 0x1000), E820_NVS);
	assert_int_equal(e820_type_at(&fx.map, 0x1fff), E820_NVS);
	assert_int_equal(e820_type_at(&fx.map, 0x2000), 0);
	assert_int_equal(e820_type_at(&fx.map, UINT64_MAX), E820_RESERVED);
	map_init(CAP);
	add(0, 0x1000, E820_USABLE);
	add(0x1000, 0x1000, E820_RESERVED);
	e820_print(&fx.map, "e820: ");
	assert_string_equal(host_log(),
		"e820: [mem 0x0000000000000000-0x0000000000000fff] usable\n"
		"e820: [mem 0x0000000000001000-0x0000000000001fff] reserved\n");
}

static int memmap(const char *opt)
{
	return e820_parse_memmap(&fx.map, opt, strlen(opt));
}

static void test_memmap_options(void **state)
{
	(void)state;
	map_init(CAP);
	add(0, 0x9fc00, E820_USABLE);
	assert_int_equal(memmap("exactmap"), 0);
	expect(0);
	assert_int_equal(memmap("639K@0"), 0);
	assert_int_equal(memmap("1k$0x9fc00"), 0);
	assert_int_equal(memmap("127M@1M"), 0);
	assert_int_equal(memmap("0x10000#0x7ff0000"), 0);
	assert_int_equal(memmap("1G$4G"), 0);
	assert_int_equal(memmap("4096@010"), 0);	/* octal, as Linux */
	expect(6, E(0, 639 * 1024, 1), E(0x9fc00, 1024, 2),
	       E(0x100000, 127 << 20, 1), E(0x7ff0000, 0x10000, 3),
	       E(0x100000000ull, 0x40000000, 2), E(8, 4096, 1));
	/* several in one value, exactmap first */
	assert_int_equal(memmap("exactmap,64K@0,1M$0xf00000"), 0);
	expect(2, E(0, 0x10000, 1), E(0xf00000, 0x100000, 2));
	assert_int_equal(host_log_count("memmap="), 0);
}

static void test_memmap_malformed(void **state)
{
	static const char *const bad[] = {
		"", "exact", "64K@", "@0", "64K^0", "64Q@0", "0x@0",
		"64K@0x", "64K@0,", ",64K@0", "64K@0,junk", "64K@1M2",
		"99999999999999999999@0", "17179869184G@0", "exactmapx",
		"0xg@0", "1K@-1", "0", "0K", "0x0", "64K!", "!0", "64K!0x",
		"64K!1M!2M", "64Kx", "64K,", "99999999999999999999",
		"64K$0!0",
		/* the "%" form: a sign needs a type, non-zero, 32 bits, no
		 * suffix; "-" comes before "+", each at most once */
		"64K%", "%0-1", "64K%-1+2", "64K%0-", "64K%0+", "64K%0-1+",
		"64K%0+2-1", "64K%0-0+2", "64K%0-1+0", "64K%0-x", "64K%0-1x",
		"64K%0-0x100000000", "64K%0-1K", "64K%0--1", "64K%0-1+2+3",
		"64K%0-1-2", "64K%0+-1", "64K%0 -1", "64K%0-08",
	};
	struct e820_entry before[2];
	unsigned int i;
	char line[128];

	(void)state;
	map_init(CAP);
	add(0, 0x1000, E820_USABLE);
	add(0x1000, 0x1000, E820_RESERVED);
	memcpy(before, fx.entries, sizeof(before));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		host_log_clear();
		if (memmap(bad[i]) != -EINVAL)
			fail_msg("memmap=%s accepted", bad[i]);
		assert_int_equal(fx.map.nr, 2);
		assert_memory_equal(before, fx.entries, sizeof(before));
		snprintf(line, sizeof(line), "e820: memmap=%s: malformed, ignored\n",
			 bad[i]);
		assert_string_equal(host_log(), line);
	}
	/* the same type on both sides: Linux stops at a BUG_ON() there */
	host_log_clear();
	assert_int_equal(memmap("64K%0-2+0x2"), -EINVAL);
	assert_string_equal(host_log(),
		"e820: memmap=64K%0-2+0x2: old and new type are the same, ignored\n");
	assert_memory_equal(before, fx.entries, sizeof(before));
	/* a bad item spoils the whole value: nothing is applied */
	host_log_clear();
	assert_int_equal(memmap("exactmap,64K@0,64K%0-"), -EINVAL);
	assert_int_equal(fx.map.nr, 2);
	assert_memory_equal(before, fx.entries, sizeof(before));
	assert_int_equal(memmap("exactmap,64K@0,0"), -EINVAL);
	assert_int_equal(fx.map.nr, 2);
	assert_memory_equal(before, fx.entries, sizeof(before));
	/* no room: refused whole */
	map_init(3);
	add(0, 0x1000, E820_USABLE);
	add(0x1000, 0x1000, E820_RESERVED);
	assert_int_equal(memmap("4K@8K,4K@16K"), -E2BIG);
	assert_int_equal(fx.map.nr, 2);
	assert_true(host_log_contains(
		"e820: memmap=4K@8K,4K@16K: no room in the map, ignored\n"));
	assert_int_equal(memmap("exactmap,4K@8K,4K@16K"), 0);
	expect(2, E(0x2000, 0x1000, 1), E(0x4000, 0x1000, 1));
	/* ranges before an exactmap need room beside what is there */
	map_init(3);
	add(0, 0x1000, E820_USABLE);
	add(0x1000, 0x1000, E820_RESERVED);
	assert_int_equal(memmap("4K@8K,4K@16K,exactmap,4K@0"), -E2BIG);
	assert_int_equal(fx.map.nr, 2);
	assert_int_equal(memmap("4K@8K,exactmap,4K@0,4K@4K"), 0);
	expect(2, E(0, 0x1000, 1), E(0x1000, 0x1000, 1));
}

/* QEMU's map at -m 128M, and 2 GiB of RAM above 4 GiB. */
static void qemu_128m_map(void)
{
	map_init(CAP);
	add(0, 0x9fc00, E820_USABLE);
	add(0x9fc00, 0x400, E820_RESERVED);
	add(0xf0000, 0x10000, E820_RESERVED);
	add(0x100000, 0x7ee0000, E820_USABLE);
	add(0x7fe0000, 0x20000, E820_RESERVED);
	add(0xfffc0000ull, 0x40000, E820_RESERVED);
	add(0x100000000ull, 0x80000000ull, E820_USABLE);
}

/* memmap=SIZE: as mem=SIZE, no usable byte at or above SIZE. */
static void test_memmap_limit(void **state)
{
	(void)state;
	qemu_128m_map();
	assert_int_equal(memmap("64M"), 0);
	/* the RAM across 64M is cut, the RAM above 4 GiB gone, the rest kept
	 * in place: the map is not clean yet */
	expect(6, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0x3f00000, 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2));
	/* a second, higher limit changes nothing; a lower one cuts again,
	 * not on a frame boundary (the frames are taken whole later) */
	assert_int_equal(memmap("100M"), 0);
	expect(6, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0x3f00000, 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2));
	assert_int_equal(memmap("0x123456"), 0);
	assert_int_equal(clean(), 0);
	expect(6, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2),
	       E(0xf0000, 0x10000, 2), E(0x100000, 0x23456, 1),
	       E(0x7fe0000, 0x20000, 2), E(0xfffc0000ull, 0x40000, 2));
	/* a limit inside low memory leaves only what lies below it; one at
	 * the end of an entry leaves it whole; one above all changes nothing */
	qemu_128m_map();
	assert_int_equal(memmap("0x9fc00"), 0);
	assert_int_equal(clean(), 0);
	expect(5, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2),
	       E(0xf0000, 0x10000, 2), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2));
	qemu_128m_map();
	assert_int_equal(memmap("8G"), 0);
	assert_int_equal(fx.map.nr, 7);
	assert_int_equal(fx.entries[6].size, 0x80000000ull);
	/* usable RAM running past 2^64 is cut like any other */
	map_init(CAP);
	add(0xfffffffffffff000ull, 0x2000, E820_USABLE);
	add(0x1000, 0x1000, E820_USABLE);
	assert_int_equal(memmap("0xfffffffffffff800"), 0);
	expect(2, E(0xfffffffffffff000ull, 0x800, 1), E(0x1000, 0x1000, 1));
	assert_int_equal(host_log_count("memmap="), 0);
}

/* The limit applies where it stands among exactmap and the ranges. */
static void test_memmap_limit_and_exactmap(void **state)
{
	(void)state;
	/* after the ranges: cuts them */
	qemu_128m_map();
	assert_int_equal(memmap("exactmap,640K@0,255M@1M,128M"), 0);
	expect(2, E(0, 0xa0000, 1), E(0x100000, 0x7f00000, 1));
	/* before exactmap: cut the firmware's map, which exactmap empties */
	qemu_128m_map();
	assert_int_equal(memmap("16M,exactmap,640K@0,255M@1M"), 0);
	expect(2, E(0, 0xa0000, 1), E(0x100000, 0xff00000, 1));
	/* between ranges: a range added after it is not cut */
	qemu_128m_map();
	assert_int_equal(memmap("exactmap,640K@0,1M@0x2000000,16M,255M@1M"), 0);
	expect(2, E(0, 0xa0000, 1), E(0x100000, 0xff00000, 1));
	/* the same as separate options */
	qemu_128m_map();
	assert_int_equal(memmap("exactmap"), 0);
	assert_int_equal(memmap("640K@0"), 0);
	assert_int_equal(memmap("1M@0x2000000"), 0);
	assert_int_equal(memmap("16M"), 0);
	assert_int_equal(memmap("255M@1M"), 0);
	expect(2, E(0, 0xa0000, 1), E(0x100000, 0xff00000, 1));
	/* only usable RAM goes: reserved, ACPI data and persistent stay */
	qemu_128m_map();
	assert_int_equal(memmap("exactmap,1M$200M,1M#201M,1M!202M,1G@0,100M"), 0);
	expect(4, E(200 << 20, 1 << 20, 2), E(201 << 20, 1 << 20, 3),
	       E(202 << 20, 1 << 20, 12), E(0, 100 << 20, 1));
	/* a limit takes no room: a full map still accepts one */
	map_init(2);
	add(0, 0x1000, E820_USABLE);
	add(0x1000, 0x1000, E820_USABLE);
	assert_int_equal(memmap("4K"), 0);
	expect(1, E(0, 0x1000, 1));
}

/* memmap=SIZE!ADDR: persistent memory, type 12, never RAM. */
static void test_memmap_persistent(void **state)
{
	struct pfn_range r[8];
	unsigned int nr;

	(void)state;
	map_init(CAP);
	add(0x100000, 0x1ff00000, E820_USABLE);		/* 1M-512M */
	assert_int_equal(memmap("64M!256M"), 0);
	expect(2, E(0x100000, 0x1ff00000, 1), E(0x10000000, 0x4000000, 12));
	assert_int_equal(clean(), 0);
	expect(3, E(0x100000, 0xff00000, 1), E(0x10000000, 0x4000000, 12),
	       E(0x14000000, 0xc000000, 1));
	assert_int_equal(e820_type_at(&fx.map, 0x12345678), E820_PRAM);
	assert_int_equal(e820_usable_pfns(&fx.map, E820_LIMIT_4G, r, 8, &nr), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(r[0].end, 0x10000);
	assert_int_equal(r[1].start, 0x14000);
	host_log_clear();
	e820_print(&fx.map, "e820: ");
	assert_string_equal(host_log(),
		"e820: [mem 0x0000000000100000-0x000000000fffffff] usable\n"
		"e820: [mem 0x0000000010000000-0x0000000013ffffff] persistent (type 12)\n"
		"e820: [mem 0x0000000014000000-0x000000001fffffff] usable\n");
	/* it wins over every other type, as the highest type does in Linux */
	map_init(CAP);
	add(0x1000, 0x1000, E820_UNUSABLE);
	add(0x2000, 0x1000, E820_RESERVED);
	add(0x3000, 0x1000, E820_NVS);
	assert_int_equal(memmap("0x3000!0x1000"), 0);
	assert_int_equal(clean(), 0);
	expect(3, E(0x1000, 0x1000, 12), E(0x2000, 0x1000, 12),
	       E(0x3000, 0x1000, 12));
	/* and it is never merged: touching ranges stay apart, and a range is
	 * cut where another entry starts or ends inside it */
	map_init(CAP);
	assert_int_equal(memmap("1M!16M,1M!17M,4M!32M,1M$33M"), 0);
	assert_int_equal(clean(), 0);
	expect(5, E(16 << 20, 1 << 20, 12), E(17 << 20, 1 << 20, 12),
	       E(32 << 20, 1 << 20, 12), E(33 << 20, 1 << 20, 12),
	       E(34 << 20, 2 << 20, 12));
	assert_int_equal(clean(), 0);	/* a clean map stays as it is */
	expect(5, E(16 << 20, 1 << 20, 12), E(17 << 20, 1 << 20, 12),
	       E(32 << 20, 1 << 20, 12), E(33 << 20, 1 << 20, 12),
	       E(34 << 20, 2 << 20, 12));
	/* above 4 GiB it is dropped like the rest */
	map_init(CAP);
	assert_int_equal(memmap("1G!1024G"), 0);
	host_log_clear();
	assert_int_equal(e820_clip(&fx.map, E820_LIMIT_4G), 0);
	expect(0);
	assert_true(host_log_contains(
		"e820: dropped [mem 0x0000010000000000-0x000001003fffffff] persistent (type 12): at or above 0x100000000"));
}

/* Firmware type 7 (ACPI 6 persistent memory): as Linux treats it. */
static void test_persistent_type7(void **state)
{
	static const struct pfn_range ram[] = {
		{ 0, 4 }, { 9, 0xc }, { 0xe, 0x10 },
	};
	struct pfn_range r[8];
	struct e820_entry e[E820_LINE_ENTRIES];
	unsigned int i, nr;

	(void)state;
	map_init(CAP);
	add(0, 0x10000, E820_USABLE);
	add(0x4000, 0x2000, E820_PMEM);
	add(0x6000, 0x2000, E820_PMEM);		/* touching: merged, as Linux */
	add(0x7000, 0x2000, E820_UNUSABLE);	/* loses to type 7 */
	add(0xc000, 0x1000, E820_PMEM);
	add(0xc800, 0x1000, E820_PRAM);		/* wins over type 7 */
	assert_int_equal(clean(), 0);
	expect(8, E(0, 0x4000, 1), E(0x4000, 0x4000, 7), E(0x8000, 0x1000, 5),
	       E(0x9000, 0x3000, 1), E(0xc000, 0x800, 7), E(0xc800, 0x800, 12),
	       E(0xd000, 0x800, 12), E(0xd800, 0x2800, 1));
	assert_int_equal(e820_type_at(&fx.map, 0x5000), E820_PMEM);
	/* never RAM: the frames of type 7 are not handed out */
	assert_int_equal(e820_usable_pfns(&fx.map, E820_LIMIT_4G, r, 8, &nr), 0);
	assert_int_equal(nr, ARRAY_SIZE(ram));
	for (i = 0; i < nr; i++)
		assert_true(r[i].start == ram[i].start &&
			    r[i].end == ram[i].end);
	/* printed as Linux prints it, and read back from a boot log */
	host_log_clear();
	e820_print(&fx.map, "e820: ");
	assert_true(host_log_contains(
		"e820: [mem 0x0000000000004000-0x0000000000007fff] persistent (type 7)\n"));
	assert_string_equal(e820_type_name(E820_PMEM), "persistent (type 7)");
	assert_int_equal(e820_parse_line(
		"[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000047fffffff] persistent (type 7)",
		e), 1);
	assert_int_equal(e[0].addr, 0x100000000ull);
	assert_int_equal(e[0].size, 0x380000000ull);
	assert_int_equal(e[0].type, E820_PMEM);
	/* above 4 GiB it is dropped like the rest, and says what it was */
	map_init(CAP);
	add(e[0].addr, e[0].size, e[0].type);
	host_log_clear();
	assert_int_equal(e820_clip(&fx.map, E820_LIMIT_4G), 0);
	expect(0);
	assert_true(host_log_contains(
		"e820: dropped [mem 0x0000000100000000-0x000000047fffffff] persistent (type 7): at or above 0x100000000"));
}

/* memmap=SIZE%ADDR-T+U: the parts of type-T entries in the range get U. */
static void test_memmap_percent_retype(void **state)
{
	struct pfn_range r[8];
	unsigned int nr;

	(void)state;
	/* RAM in the middle of an entry becomes type 7: the entry keeps its
	 * first part, the others go to the end */
	qemu_128m_map();
	assert_int_equal(memmap("16M%32M-1+7"), 0);
	expect(9, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0x1f00000, 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2), E(0x100000000ull, 0x80000000ull, 1),
	       E(32 << 20, 16 << 20, 7), E(48 << 20, 0x7fe0000 - (48 << 20), 1));
	assert_int_equal(clean(), 0);
	expect(9, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0x1f00000, 1), E(32 << 20, 16 << 20, 7),
	       E(48 << 20, 0x7fe0000 - (48 << 20), 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2),
	       E(0x100000000ull, 0x80000000ull, 1));
	assert_int_equal(e820_usable_pfns(&fx.map, E820_LIMIT_4G, r, 8, &nr), 0);
	assert_int_equal(nr, 3);
	assert_int_equal(r[1].end, 0x2000);
	assert_int_equal(r[2].start, 0x3000);
	/* only type T: the reserved entries of the first MiB become ACPI NVS,
	 * in place, the RAM there stays; a whole entry changes in place */
	qemu_128m_map();
	assert_int_equal(memmap("1M%0-2+4,0x20000%0x7fe0000-0x2+03"), 0);
	expect(7, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 4), E(0xf0000, 0x10000, 4),
	       E(0x100000, 0x7ee0000, 1), E(0x7fe0000, 0x20000, 3),
	       E(0xfffc0000ull, 0x40000, 2),
	       E(0x100000000ull, 0x80000000ull, 1));
	/* a range over the start of an entry: the changed part keeps the
	 * slot; a type no entry has changes nothing; an unknown new type is
	 * kept as given (cleaning makes it reserved) */
	qemu_128m_map();
	assert_int_equal(memmap("2G%3G-1+5,1G%0-20+2,4K%0-1+20"), 0);
	expect(9, E(0, 0x1000, 20), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0x7ee0000, 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2), E(0x100000000ull, 0x40000000, 5),
	       E(0x140000000ull, 0x40000000, 1), E(0x1000, 0x9ec00, 1));
	host_log_clear();
	e820_print(&fx.map, "user: ");
	assert_true(host_log_contains(
		"user: [mem 0x0000000000000000-0x0000000000000fff] type 20\n"));
	assert_int_equal(clean(), 0);
	assert_int_equal(fx.entries[0].type, E820_RESERVED);
	assert_int_equal(host_log_count("memmap="), 0);
}

/* memmap=SIZE%ADDR-T and SIZE%ADDR: parts leave the map. */
static void test_memmap_percent_remove(void **state)
{
	struct e820_entry want[6];
	unsigned int i;

	(void)state;
	/* without a type, every type goes; whole entries leave no hole (a
	 * hole inside an entry: test_memmap_percent_room) */
	qemu_128m_map();
	assert_int_equal(memmap("0x100800%0"), 0);
	expect(4, E(0x100800, 0x7edf800, 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2),
	       E(0x100000000ull, 0x80000000ull, 1));
	/* with a type, only that type: reserved leaves, the RAM stays */
	qemu_128m_map();
	assert_int_equal(memmap("0x61000%0x9f000-2"), 0);
	expect(5, E(0, 0x9fc00, 1), E(0x100000, 0x7ee0000, 1),
	       E(0x7fe0000, 0x20000, 2), E(0xfffc0000ull, 0x40000, 2),
	       E(0x100000000ull, 0x80000000ull, 1));
	/* a bare SIZE is the same removal of RAM over [SIZE, 2^64) */
	qemu_128m_map();
	assert_int_equal(memmap("0xfffffffffc000000%64M-1"), 0);
	assert_int_equal(fx.map.nr, 6);
	memcpy(want, fx.entries, sizeof(want));
	qemu_128m_map();
	assert_int_equal(memmap("64M"), 0);
	assert_int_equal(fx.map.nr, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(fx.entries[i].addr, want[i].addr);
		assert_int_equal(fx.entries[i].size, want[i].size);
		assert_int_equal(fx.entries[i].type, want[i].type);
	}
	/* a range of size 0 changes nothing */
	qemu_128m_map();
	assert_int_equal(memmap("0%1M,0%1M-1,0%1M-1+2"), 0);
	assert_int_equal(fx.map.nr, 7);
	assert_int_equal(fx.entries[3].size, 0x7ee0000);
	assert_int_equal(host_log_count("memmap="), 0);
}

/*
 * memmap=SIZE%ADDR+U adds the range as type U, as Linux's
 * e820__range_add() does: cleaning settles the overlaps as for any.
 */
static void test_memmap_percent_add(void **state)
{
	(void)state;
	qemu_128m_map();
	assert_int_equal(memmap("1M%16M+7,64K%0xf0000+1,exactmap,64K%0+1,4K%8K-1+2"), 0);
	/* a range added by "+U" is cut like any other */
	expect(3, E(0, 0x2000, 1), E(0x2000, 0x1000, 2), E(0x3000, 0xd000, 1));
	qemu_128m_map();
	assert_int_equal(memmap("1M%16M+7,64K%0xf0000+1"), 0);
	expect(9, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0x7ee0000, 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2), E(0x100000000ull, 0x80000000ull, 1),
	       E(16 << 20, 1 << 20, 7), E(0xf0000, 0x10000, 1));
	assert_int_equal(clean(), 0);
	/* type 7 wins over the RAM; RAM over reserved stays reserved */
	expect(9, E(0, 0x9fc00, 1), E(0x9fc00, 0x400, 2), E(0xf0000, 0x10000, 2),
	       E(0x100000, 0xf00000, 1), E(16 << 20, 1 << 20, 7),
	       E(17 << 20, 0x7fe0000 - (17 << 20), 1), E(0x7fe0000, 0x20000, 2),
	       E(0xfffc0000ull, 0x40000, 2),
	       E(0x100000000ull, 0x80000000ull, 1));
}

/* Ranges and entries that reach 2^64. */
static void test_memmap_percent_at_2_64(void **state)
{
	(void)state;
	/* a range past 2^64 is cut there; a usable entry running past 2^64
	 * loses what lies beyond, so its first part is RAM like any other */
	map_init(CAP);
	add(0xfffffffffffff000ull, 0x2000, E820_USABLE);
	add(0xffffffffffff0000ull, 0x8000, E820_RESERVED);
	assert_int_equal(memmap("0x10000%0xfffffffffffff800-1+2"), 0);
	expect(3, E(0xfffffffffffff000ull, 0x800, 1),
	       E(0xffffffffffff0000ull, 0x8000, 2),
	       E(0xfffffffffffff800ull, 0x800, 2));
	/* a range short of 2^64: the last part runs past it as the entry
	 * did, and cleaning drops it as it would have dropped the entry */
	map_init(CAP);
	add(0xfffffffffffff000ull, 0x2000, E820_USABLE);
	assert_int_equal(memmap("0x400%0xfffffffffffff400-1+3"), 0);
	expect(3, E(0xfffffffffffff000ull, 0x400, 1),
	       E(0xfffffffffffff400ull, 0x400, 3),
	       E(0xfffffffffffff800ull, 0x1800, 1));
	assert_int_equal(clean(), 0);
	expect(2, E(0xfffffffffffff000ull, 0x400, 1),
	       E(0xfffffffffffff400ull, 0x400, 3));
	assert_int_equal(host_log_count("runs past 2^64: usable, dropped"), 1);
	/* the longest range from 0 stops one byte short of 2^64 */
	map_init(CAP);
	add(0, 0x1000, E820_USABLE);
	add(0xfffffffffffff000ull, 0x1000, E820_PRAM);
	assert_int_equal(memmap("0xffffffffffffffff%0"), 0);
	expect(1, E(0xffffffffffffffffull, 1, 12));
	assert_int_equal(memmap("0x1000%0xfffffffffffff000"), 0);
	expect(0);
}

/*
 * Room for "%": counted before anything applies, one entry for each end
 * of the range inside an entry (one if both, for a removal), for the
 * map's own entries and the ranges added before it.
 */
static void test_memmap_percent_room(void **state)
{
	(void)state;
	map_init(4);
	add(0, 0x10000, E820_USABLE);
	add(0x10000, 0x1000, E820_RESERVED);
	assert_int_equal(memmap("4K%8K-1+2"), 0);	/* 2 + 2 */
	expect(4, E(0, 0x2000, 1), E(0x10000, 0x1000, 2), E(0x2000, 0x1000, 2),
	       E(0x3000, 0xd000, 1));
	map_init(3);
	add(0, 0x10000, E820_USABLE);
	add(0x10000, 0x1000, E820_RESERVED);
	assert_int_equal(memmap("4K%8K-1+2"), -E2BIG);
	assert_true(host_log_contains(
		"e820: memmap=4K%8K-1+2: no room in the map, ignored\n"));
	expect(2, E(0, 0x10000, 1), E(0x10000, 0x1000, 2));
	/* over an end of the range: one; a removal inside: one */
	assert_int_equal(memmap("8K%60K-1+2"), 0);
	expect(3, E(0, 0xf000, 1), E(0x10000, 0x1000, 2), E(0xf000, 0x1000, 2));
	map_init(3);
	add(0, 0x10000, E820_USABLE);
	add(0x10000, 0x1000, E820_RESERVED);
	assert_int_equal(memmap("4K%8K-1"), 0);
	expect(3, E(0, 0x2000, 1), E(0x10000, 0x1000, 2), E(0x3000, 0xd000, 1));
	/* ranges added before count, those an exactmap threw away do not */
	map_init(3);
	add(0x100000, 0x100000, E820_USABLE);
	assert_int_equal(memmap("64K@0,4K%8K-1+2"), -E2BIG);
	assert_int_equal(fx.map.nr, 1);
	assert_int_equal(memmap("64K@0,exactmap,64K@0,4K%8K-1+2"), 0);
	expect(3, E(0, 0x2000, 1), E(0x2000, 0x1000, 2), E(0x3000, 0xd000, 1));
	map_init(4);
	add(0x100000, 0x100000, E820_USABLE);
	assert_int_equal(memmap("64K@0,4K%8K-1+2"), 0);
	expect(4, E(0x100000, 0x100000, 1), E(0, 0x2000, 1),
	       E(0x2000, 0x1000, 2), E(0x3000, 0xd000, 1));
}

static void test_parse_line(void **state)
{
	struct e820_entry e[E820_LINE_ENTRIES];

	(void)state;
	assert_int_equal(e820_parse_line(
		"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bfed33ff] usable",
		e), 1);
	assert_int_equal(e[0].addr, 0x100000);
	assert_int_equal(e[0].size, 0xbfed3400ull - 0x100000);
	assert_int_equal(e[0].type, E820_USABLE);
	assert_int_equal(e820_parse_line(
		" BIOS-e820: 000000001fff8000 - 0000000020000000 (ACPI NVS)\n",
		e), 1);
	assert_int_equal(e[0].addr, 0x1fff8000);
	assert_int_equal(e[0].size, 0x8000);
	assert_int_equal(e[0].type, E820_NVS);
	assert_int_equal(e820_parse_line(
		"> [    0.000000][    T0] BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff] reserved\r\n",
		e), 1);
	assert_int_equal(e[0].addr, 0xfd00000000ull);
	assert_int_equal(e[0].type, E820_RESERVED);
	assert_int_equal(e820_parse_line(
		"e820: [mem 0x00000000-0x00000fff] ACPI data", e), 1);
	assert_int_equal(e[0].size, 0x1000);
	assert_int_equal(e[0].type, E820_ACPI);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] type 20", e), 1);
	assert_int_equal(e[0].type, 20);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] persistent (type 12)", e), 1);
	assert_int_equal(e[0].type, 12);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: 0000000000000000 - 0000000000001000 type 13", e), 1);
	assert_int_equal(e[0].type, 13);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: 00000000000f0000 - 0000000000100000 (unusable)", e), 1);
	assert_int_equal(e[0].type, E820_UNUSABLE);
	/* not E820 lines */
	assert_int_equal(e820_parse_line("Linux version 6.1.0", e), 0);
	assert_int_equal(e820_parse_line(
		"e820: update [mem 0x00000000-0x00000fff] usable ==> reserved", e), 0);
	assert_int_equal(e820_parse_line("", e), 0);
	/* E820 lines that cannot be read */
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x00000000000g0000-0x00000000000fffff] reserved", e), -EINVAL);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000100000-0x00000000000fffff] reserved", e), -EINVAL);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: 0000000000100000 - 00000000000f0000 (usable)", e), -EINVAL);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] usable junk", e), -EINVAL);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000000-0x0000000000000fff] sort of usable", e), -EINVAL);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x00000000000000000-0x0000000000000fff] usable", e), -EINVAL);
	assert_int_equal(e820_parse_line("BIOS-e820: nonsense", e), -EINVAL);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: 0000000000000000 - 0000000000001000 (usable", e), -EINVAL);
	/* 2^64 bytes: two halves; one byte less is one entry */
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000000-0xffffffffffffffff] reserved", e), 2);
	assert_true(e[0].addr == 0 && e[0].size == 1ull << 63 &&
		    e[0].type == E820_RESERVED);
	assert_true(e[1].addr == 1ull << 63 && e[1].size == 1ull << 63 &&
		    e[1].type == E820_RESERVED);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000001-0xffffffffffffffff] usable", e), 1);
	assert_true(e[0].addr == 1 && e[0].size == UINT64_MAX);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000000-0xfffffffffffffffe] usable", e), 1);
	assert_true(e[0].addr == 0 && e[0].size == UINT64_MAX);
	assert_int_equal(e820_parse_line(
		"BIOS-e820: [mem 0x0000000000000000-0xffffffffffffffff] bogus", e), -EINVAL);
}

/* --- randomized comparison with a byte model --------------------------- */

#define WIN	256u	/* bytes of the model window */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * The model: for every byte of the window, the stricter of the types of
 * the entries covering it; then runs of equal type, except that a run of
 * persistent memory is also cut wherever an entry starts or ends.  @base
 * is the window's address; the window may end at 2^64, where entries are
 * cut.
 */
static unsigned int model(const struct e820_entry *in, unsigned int n,
			  uint64_t base, struct e820_entry *out)
{
	uint32_t byte[WIN] = { 0 };
	bool cut[WIN] = { false };
	unsigned int i, k, nr = 0;

	for (i = 0; i < n; i++) {
		uint32_t t = in[i].type;
		uint64_t off = in[i].addr - base;

		if ((t < 1 || t > 5) && t != E820_PMEM && t != E820_PRAM)
			t = E820_RESERVED;
		if (in[i].size)
			cut[off] = true;
		if (in[i].size && off + in[i].size < WIN)
			cut[off + in[i].size] = true;
		for (k = 0; k < in[i].size; k++) {
			if (off + k >= WIN)	/* past 2^64 */
				break;
			byte[off + k] = byte[off + k] ? stricter(byte[off + k], t) : t;
		}
	}
	for (k = 0; k < WIN; k++) {
		if (!byte[k])
			continue;
		if (nr && out[nr - 1].type == byte[k] &&
		    out[nr - 1].addr + out[nr - 1].size == base + k &&
		    !(byte[k] == E820_PRAM && cut[k])) {
			out[nr - 1].size++;
			continue;
		}
		out[nr] = (struct e820_entry){ base + k, 1, byte[k] };
		nr++;
	}
	return nr;
}

/* The model after dropping usable entries that run past 2^64. */
static unsigned int model_map(const struct e820_entry *in, unsigned int n,
			      uint64_t base, struct e820_entry *out)
{
	struct e820_entry kept[64];
	unsigned int i, m = 0;

	for (i = 0; i < n; i++) {
		uint64_t off = in[i].addr - base;

		if (in[i].type == E820_USABLE && off + in[i].size > WIN)
			continue;	/* dropped: wraps past 2^64 */
		kept[m++] = in[i];
	}
	return model(kept, m, base, out);
}

static void random_round(uint64_t base, bool at_top)
{
	struct e820_entry in[64], want[WIN];
	unsigned int n = 1 + rnd() % 40, i, nr;

	map_init(CAP);
	for (i = 0; i < n; i++) {
		uint64_t off = rnd() % WIN;
		uint64_t max = at_top ? WIN - off + 16 : WIN - off;
		uint32_t t = (uint32_t)(rnd() % 10);	/* 0, 6, 9: unknown */

		if (t == 8)
			t = E820_PRAM;
		else if (t == 9)
			t = 0xefffffffu;
		in[i].addr = base + off;
		in[i].size = rnd() % 4 == 0 ? 0 : rnd() % (max < 48 ? max + 1 : 48);
		in[i].type = t;
		add(in[i].addr, in[i].size, t);
	}
	nr = model_map(in, n, base, want);
	assert_int_equal(clean(), 0);
	assert_int_equal(fx.map.nr, nr);
	for (i = 0; i < nr; i++) {
		assert_int_equal(fx.entries[i].addr, want[i].addr);
		assert_int_equal(fx.entries[i].size, want[i].size);
		assert_int_equal(fx.entries[i].type, want[i].type);
	}
}

static void test_random_vs_model(void **state)
{
	unsigned int round;

	(void)state;
	for (round = 0; round < 6000; round++)
		random_round(0, false);
	for (round = 0; round < 2000; round++)
		random_round(0x0000000ffffff000ull + (rnd() % 4096) * 0x10000, false);
	for (round = 0; round < 2000; round++)
		random_round(0 - (uint64_t)WIN, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_unsorted, teardown),
		cmocka_unit_test_teardown(test_partial_overlap_every_pair, teardown),
		cmocka_unit_test_teardown(test_full_overlap_every_pair, teardown),
		cmocka_unit_test_teardown(test_nested_every_pair, teardown),
		cmocka_unit_test_teardown(test_deep_nesting, teardown),
		cmocka_unit_test_teardown(test_touching, teardown),
		cmocka_unit_test_teardown(test_zero_length_and_unknown_types, teardown),
		cmocka_unit_test_teardown(test_only_empty, teardown),
		cmocka_unit_test_teardown(test_end_at_2_64, teardown),
		cmocka_unit_test_teardown(test_wrap_past_2_64, teardown),
		cmocka_unit_test_teardown(test_whole_space, teardown),
		cmocka_unit_test_teardown(test_128_entries, teardown),
		cmocka_unit_test_teardown(test_capacity_too_small, teardown),
		cmocka_unit_test_teardown(test_clip_4g, teardown),
		cmocka_unit_test_teardown(test_usable_pfns, teardown),
		cmocka_unit_test_teardown(test_format, teardown),
		cmocka_unit_test_teardown(test_memmap_options, teardown),
		cmocka_unit_test_teardown(test_memmap_malformed, teardown),
		cmocka_unit_test_teardown(test_memmap_limit, teardown),
		cmocka_unit_test_teardown(test_memmap_limit_and_exactmap, teardown),
		cmocka_unit_test_teardown(test_memmap_persistent, teardown),
		cmocka_unit_test_teardown(test_persistent_type7, teardown),
		cmocka_unit_test_teardown(test_memmap_percent_retype, teardown),
		cmocka_unit_test_teardown(test_memmap_percent_remove, teardown),
		cmocka_unit_test_teardown(test_memmap_percent_add, teardown),
		cmocka_unit_test_teardown(test_memmap_percent_at_2_64, teardown),
		cmocka_unit_test_teardown(test_memmap_percent_room, teardown),
		cmocka_unit_test_teardown(test_parse_line, teardown),
		cmocka_unit_test_teardown(test_random_vs_model, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
