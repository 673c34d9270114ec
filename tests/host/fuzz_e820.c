/*
 * libFuzzer target for mm/e820.c and mm/e820_parse.c.  The first byte
 * picks what to feed:
 *  0: a map (17 bytes an entry: addr, size, type; the types include
 *     persistent memory 7 and 12 and unknown ones) to e820_clean(), whose
 *     result must be sorted, disjoint, merged (but type 12), of known
 *     types, covering every input entry with a type at least as
 *     restrictive, and stable when cleaned again; one entry less of
 *     capacity must fail cleanly;
 *  1: a text line to e820_parse_line(), whose entries must survive a
 *     round trip through e820_format();
 *  2: a memmap= value as text, which must apply whole or leave the map
 *     alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mm/e820.h"

#define MAXN	64

static struct e820_entry in[MAXN], out[2 * MAXN], copy[2 * MAXN];
static struct e820_change changes[E820_CHANGES(2 * MAXN)];

/* Types the harness feeds: the known ones, 0, 6 and 20 (unknown). */
static const uint32_t types[] = {
	0, E820_USABLE, E820_RESERVED, E820_ACPI, E820_NVS, E820_UNUSABLE,
	6, E820_PMEM, E820_PRAM, 20,
};

/* The rank cleaning gives a type (unknown ones are reserved). */
static unsigned int rank(uint32_t t)
{
	static const unsigned int r[] = { 4, 1, 4, 2, 3, 5, 4, 6 };

	if (t == E820_PRAM)
		return 7;
	return t < ARRAY_SIZE(r) ? r[t] : r[E820_RESERVED];
}

static bool known(uint32_t t)
{
	return (t >= E820_USABLE && t <= E820_UNUSABLE) || t == E820_PMEM ||
	       t == E820_PRAM;
}

static void check_clean(const struct e820_map *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct e820_entry *e = &m->entries[i], *p = e - 1;

		FUZZ_ASSERT(e->size != 0 && known(e->type));
		FUZZ_ASSERT(e->size - 1 <= UINT64_MAX - e->addr);
		if (i == 0)
			continue;
		FUZZ_ASSERT(p->addr + p->size <= e->addr && p->addr < e->addr);
		FUZZ_ASSERT(p->addr + p->size != e->addr ||
			    p->type != e->type || e->type == E820_PRAM ||
			    e->addr == 1ull << 63);
	}
}

static void fuzz_clean(const uint8_t *data, size_t size)
{
	struct e820_map m = { 0, 2 * MAXN, out };
	unsigned int i, n = 0, nr;

	for (; size >= 17 && n < MAXN; data += 17, size -= 17, n++) {
		memcpy(&in[n].addr, data, 8);
		memcpy(&in[n].size, data + 8, 8);
		in[n].type = types[data[16] % ARRAY_SIZE(types)];
		e820_add(&m, in[n].addr, in[n].size, in[n].type);
	}
	FUZZ_ASSERT(e820_clean(&m, changes, E820_CHANGES(2 * MAXN)) == 0);
	check_clean(&m);
	for (i = 0; i < n; i++) {
		const struct e820_entry *e = &in[i];
		bool wraps = e->size && e->size - 1 > UINT64_MAX - e->addr;

		if (e->size == 0 || (wraps && e->type == E820_USABLE))
			continue;
		FUZZ_ASSERT(rank(e820_type_at(&m, e->addr)) >= rank(e->type));
	}
	/* cleaning a clean map changes nothing */
	nr = m.nr;
	memcpy(copy, out, nr * sizeof(out[0]));
	FUZZ_ASSERT(e820_clean(&m, changes, E820_CHANGES(2 * MAXN)) == 0);
	FUZZ_ASSERT(m.nr == nr && memcmp(copy, out, nr * sizeof(out[0])) == 0);
	/* one entry short of room: refused, untouched */
	if (nr > 0 && n <= nr - 1) {
		m.capacity = nr - 1;
		memcpy(m.entries, in, n * sizeof(in[0]));
		m.nr = n;
		FUZZ_ASSERT(e820_clean(&m, changes, E820_CHANGES(2 * MAXN)) ==
			    -E2BIG);
		FUZZ_ASSERT(m.nr == n &&
			    memcmp(in, m.entries, n * sizeof(in[0])) == 0);
	}
}

static void fuzz_line(const uint8_t *data, size_t size)
{
	char line[512], again[E820_LINE_MAX + 16];
	struct e820_entry e, f;

	size = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	if (e820_parse_line(line, &e) != 1 || e.size == 0)
		return;
	e820_format(again, sizeof(again), "BIOS-e820: ", &e);
	FUZZ_ASSERT(e820_parse_line(again, &f) == 1 && f.addr == e.addr &&
		    f.size == e.size && f.type == e.type);
}

static void fuzz_memmap(const uint8_t *data, size_t size)
{
	struct e820_map m = { 0, 8, in };
	struct e820_entry before[4];
	int r;

	e820_add(&m, 0, 0x9fc00, E820_USABLE);
	e820_add(&m, 0x100000, 0x7f00000, E820_USABLE);
	e820_add(&m, 0x8000000, 0x1000000, E820_PMEM);
	e820_add(&m, 0x9000000, 0x1000000, E820_PRAM);
	memcpy(before, in, sizeof(before));
	r = e820_parse_memmap(&m, (const char *)data, size);
	FUZZ_ASSERT(r == 0 ||
		    (m.nr == 4 && memcmp(before, in, sizeof(before)) == 0));
	FUZZ_ASSERT(m.nr <= m.capacity);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0: fuzz_clean(data + 1, size - 1); break;
	case 1: fuzz_line(data + 1, size - 1); break;
	default: fuzz_memmap(data + 1, size - 1); break;
	}
	host_log_clear();
	return 0;
}
