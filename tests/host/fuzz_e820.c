/*
 * libFuzzer target for mm/e820.c.  The first byte picks what to feed:
 *  0: a map (17 bytes an entry: addr, size, type) to e820_clean(), whose
 *     result must be sorted, disjoint, merged, of known types, covering
 *     every input entry with a type at least as restrictive, and stable
 *     when cleaned again; one entry less of capacity must fail cleanly;
 *  1: a text line to e820_parse_line(), whose entries must survive a
 *     round trip through e820_format();
 *  2: a memmap= value, which must apply whole or leave the map alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mm/e820.h"

#define MAXN	64

static struct e820_entry in[MAXN], out[2 * MAXN], copy[2 * MAXN];
static struct e820_change changes[E820_CHANGES(2 * MAXN)];

static unsigned int rank(uint32_t t)
{
	static const unsigned int r[] = { 0, 1, 4, 2, 3, 5 };

	return t >= 1 && t <= 5 ? r[t] : r[E820_RESERVED];
}

static void check_clean(const struct e820_map *m)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct e820_entry *e = &m->entries[i], *p = e - 1;

		if (e->size == 0 || e->type < 1 || e->type > 5)
			abort();
		if (e->size - 1 > UINT64_MAX - e->addr)
			abort();
		if (i == 0)
			continue;
		if (p->addr + p->size > e->addr || p->addr >= e->addr)
			abort();
		if (p->addr + p->size == e->addr && p->type == e->type &&
		    e->addr != 1ull << 63)
			abort();
	}
}

static void fuzz_clean(const uint8_t *data, size_t size)
{
	struct e820_map m = { 0, 2 * MAXN, out };
	unsigned int i, n = 0, nr;

	for (; size >= 17 && n < MAXN; data += 17, size -= 17, n++) {
		memcpy(&in[n].addr, data, 8);
		memcpy(&in[n].size, data + 8, 8);
		in[n].type = data[16] % 8;
		e820_add(&m, in[n].addr, in[n].size, in[n].type);
	}
	if (e820_clean(&m, changes, E820_CHANGES(2 * MAXN)) != 0)
		abort();
	check_clean(&m);
	for (i = 0; i < n; i++) {
		bool wraps = in[i].size && in[i].size - 1 > UINT64_MAX - in[i].addr;

		if (in[i].size == 0 || (wraps && in[i].type == E820_USABLE))
			continue;
		if (rank(e820_type_at(&m, in[i].addr)) < rank(in[i].type))
			abort();
	}
	/* cleaning a clean map changes nothing */
	nr = m.nr;
	memcpy(copy, out, nr * sizeof(out[0]));
	if (e820_clean(&m, changes, E820_CHANGES(2 * MAXN)) != 0 || m.nr != nr ||
	    memcmp(copy, out, nr * sizeof(out[0])) != 0)
		abort();
	/* one entry short of room: refused, untouched */
	if (nr > 0) {
		m.capacity = nr - 1;
		memcpy(m.entries, in, n * sizeof(in[0]));
		m.nr = n < nr - 1 ? n : nr - 1;
		memcpy(copy, m.entries, m.nr * sizeof(in[0]));
		i = m.nr;
		if (n <= m.capacity && e820_clean(&m, changes, E820_CHANGES(2 * MAXN)) != -E2BIG)
			abort();
		if (n <= m.capacity && (m.nr != i || memcmp(copy, m.entries, i * sizeof(in[0]))))
			abort();
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
	if (e820_parse_line(again, &f) != 1 || f.addr != e.addr ||
	    f.size != e.size || f.type != e.type)
		abort();
}

static void fuzz_memmap(const uint8_t *data, size_t size)
{
	struct e820_map m = { 0, 8, in };
	struct e820_entry before[8];
	int r;

	e820_add(&m, 0, 0x9fc00, E820_USABLE);
	e820_add(&m, 0x100000, 0x7f00000, E820_USABLE);
	memcpy(before, in, sizeof(before));
	r = e820_parse_memmap(&m, (const char *)data, size);
	if (r != 0 && (m.nr != 2 || memcmp(before, in, 2 * sizeof(in[0]))))
		abort();
	if (r == 0 && m.nr > m.capacity)
		abort();
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
