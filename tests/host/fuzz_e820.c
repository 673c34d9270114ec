/*
 * libFuzzer target for mm/e820.c and mm/e820_parse.c.  The first byte
 * picks what to feed:
 *  0: a map (17 bytes an entry: addr, size, type; the types include
 *     persistent memory 7 and 12 and unknown ones) to e820_clean(), whose
 *     result must be sorted, disjoint, merged (but type 12), of known
 *     types, covering every input entry with a type at least as
 *     restrictive, with no more ranges of usable RAM than entries given,
 *     and stable when cleaned again; one entry less of capacity must
 *     fail cleanly;
 *  1: a text line to e820_parse_line(), whose entries must survive a
 *     round trip through e820_format();
 *  2: a memmap= value as text, which must apply whole or leave the map
 *     alone;
 *  3: memmap= items of every form, "%" ones included, built from the
 *     bytes and applied to a map in a 64-byte window (at 0 or ending at
 *     2^64) and to a model of it, where each entry is a bit mask: the map
 *     must match the model entry for entry, and again once cleaned; a
 *     value must be refused for room whenever the model outgrows the map.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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

/*
 * Ranges of usable RAM in a cleaned map, touching ones counted once: the
 * halves of a range over the whole space are one range.
 */
static unsigned int usable_ranges(const struct e820_map *m)
{
	unsigned int i, n = 0;

	for (i = 0; i < m->nr; i++) {
		const struct e820_entry *e = &m->entries[i], *p = e - 1;

		if (e->type != E820_USABLE)
			continue;
		if (i == 0 || p->type != E820_USABLE ||
		    p->addr + p->size != e->addr)
			n++;
	}
	return n;
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
	/* memblock's room rests on this bound (mm/e820.h, E820_MAX_ENTRIES) */
	FUZZ_ASSERT(usable_ranges(&m) <= n);
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
	struct e820_entry e[E820_LINE_ENTRIES], f[E820_LINE_ENTRIES];
	int i, n;

	size = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, size);
	line[size] = '\0';
	n = e820_parse_line(line, e);
	FUZZ_ASSERT(n == -EINVAL || (n >= 0 && n <= E820_LINE_ENTRIES));
	/* two entries only for the whole space, in halves */
	FUZZ_ASSERT(n != 2 || (e[0].addr == 0 && e[0].size == 1ull << 63 &&
			       e[1].addr == 1ull << 63 &&
			       e[1].size == 1ull << 63 &&
			       e[0].type == e[1].type));
	for (i = 0; i < n; i++) {
		if (e[i].size == 0)
			continue;
		e820_format(again, sizeof(again), "BIOS-e820: ", &e[i]);
		FUZZ_ASSERT(e820_parse_line(again, f) == 1 &&
			    f[0].addr == e[i].addr && f[0].size == e[i].size &&
			    f[0].type == e[i].type);
	}
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

/* --- 3: memmap= items against the bit-mask model ----------------------- */

#define WIN		64
#define MAX_ITEMS	8
#define MODEL_MAX	512	/* 15 sources, each in 17 parts at most */

struct model_entry {
	uint64_t mask;		/* bit k: the byte at base + k */
	uint32_t type;
	bool wraps;		/* runs past 2^64 */
};

struct model {
	struct model_entry e[MODEL_MAX];
	unsigned int nr, peak;
	uint64_t base;		/* 0, or 2^64 - WIN */
};

static struct model model;
static struct e820_entry map_entries[MAXN];
static char value[MAX_ITEMS * 48];
static size_t vlen;

/* The bits of [off, off + size) in the window (cut at its end). */
static uint64_t bits(uint64_t off, uint64_t size)
{
	uint64_t end;

	if (off >= WIN)
		return 0;
	end = size >= WIN - off ? WIN : off + size;
	return (end == WIN ? ~0ull : (1ull << end) - 1) & ~((1ull << off) - 1);
}

static void model_add(uint64_t off, uint64_t size, uint32_t type)
{
	struct model_entry *e = &model.e[model.nr++];

	e->mask = bits(off, size);
	e->type = type;
	e->wraps = off + size > WIN && model.base != 0;
	model.peak = MAX(model.peak, model.nr);
}

/*
 * Retype (@to != 0) or remove the part of each entry of type @from (any
 * if 0) that falls in @range: the parts in address order, the first in
 * the entry's place, the others appended.
 */
static void model_change(uint64_t range, uint32_t from, uint32_t to)
{
	unsigned int i, k, n = model.nr, w = 0;

	for (i = 0; i < n; i++) {
		struct model_entry e = model.e[i], part[3];
		bool first = true;

		if ((from && e.type != from) || !(e.mask & range)) {
			model.e[w++] = e;
			continue;
		}
		part[0] = (struct model_entry){
			e.mask & ((range & -range) - 1), e.type, false };
		part[1] = (struct model_entry){
			to ? e.mask & range : 0, to, false };
		part[2] = (struct model_entry){
			e.mask & ~range & ~part[0].mask, e.type, e.wraps };
		for (k = 0; k < 3; k++) {
			if (!part[k].mask)
				continue;
			if (first)
				model.e[w++] = part[k];
			else
				model.e[model.nr++] = part[k];
			first = false;
		}
	}
	model.peak = MAX(model.peak, model.nr);
	for (i = n; i < model.nr; i++)
		model.e[w++] = model.e[i];
	model.nr = w;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlen += (size_t)vsnprintf(value + vlen, sizeof(value) - vlen, fmt, ap);
	va_end(ap);
}

/*
 * One item from 4 bytes (kind, offset, size, types), written to value[]
 * and applied to the model.  Ranges stay in the window, but at the top,
 * where they may run past 2^64 by up to 16 bytes.
 */
static void one_item(const uint8_t *d)
{
	static const char sep[] = "@$#!";
	static const uint32_t sep_type[] = {
		E820_USABLE, E820_RESERVED, E820_ACPI, E820_PRAM,
	};
	uint64_t off = d[1] % WIN, room = WIN - off + (model.base ? 16 : 0);
	unsigned long long size = d[2] % (room + 1), addr = model.base + off;
	uint32_t from = types[d[3] % ARRAY_SIZE(types)];
	uint32_t to = types[d[3] / 16 % ARRAY_SIZE(types)];
	unsigned int k = d[0] % 10;

	from = from ? from : E820_USABLE;
	if (!to || to == from)
		to = from == E820_PMEM ? E820_RESERVED : E820_PMEM;
	if (vlen)
		say(",");
	if (k == 0) {
		say("exactmap");
		model.nr = 0;
	} else if (k <= 4) {
		say("0x%llx%c0x%llx", size, sep[k - 1], addr);
		model_add(off, size, sep_type[k - 1]);
	} else if (k == 5) {	/* a limit: never 0 */
		off += model.base == 0;
		say("0x%llx", (unsigned long long)(model.base + off));
		model_change(bits(off, WIN), E820_USABLE, 0);
	} else if (k == 6) {
		say("0x%llx%%0x%llx-%u+%u", size, addr, from, to);
		model_change(bits(off, size), from, to);
	} else if (k == 7) {
		say("0x%llx%%0x%llx-%u", size, addr, from);
		model_change(bits(off, size), from, 0);
	} else if (k == 8) {
		say("0x%llx%%0x%llx+%u", size, addr, to);
		model_add(off, size, to);
	} else {
		say("0x%llx%%0x%llx", size, addr);
		model_change(bits(off, size), 0, 0);
	}
}

/* Does the map's entry @k stand for the model's @e? */
static bool same_entry(const struct e820_entry *k, const struct model_entry *e)
{
	uint64_t off = k->addr - model.base;
	bool wraps = k->size && k->size - 1 > UINT64_MAX - k->addr;

	return off < WIN && k->type == e->type && wraps == e->wraps &&
	       bits(off, k->size) == e->mask;
}

/*
 * The model cleaned into @o: each byte gets the most restrictive type
 * covering it (unknown ones as reserved, usable entries past 2^64
 * dropped); runs of one type merge, but type 12 is cut wherever an entry
 * starts or ends.  Returns the number of entries.
 */
static unsigned int model_clean(struct e820_entry *o)
{
	uint32_t byte[WIN] = { 0 };
	uint64_t cuts = 0;
	unsigned int i, k, nr = 0;

	for (i = 0; i < model.nr; i++) {
		const struct model_entry *e = &model.e[i];
		uint32_t t = known(e->type) ? e->type : E820_RESERVED;

		if (e->wraps && e->type == E820_USABLE)
			continue;
		cuts |= (e->mask & ~(e->mask << 1)) | (~e->mask & e->mask << 1);
		for (k = 0; k < WIN; k++)
			if ((e->mask >> k & 1) &&
			    (!byte[k] || rank(t) > rank(byte[k])))
				byte[k] = t;
	}
	for (k = 0; k < WIN; k++) {
		if (!byte[k])
			continue;
		if (nr && o[nr - 1].type == byte[k] &&
		    o[nr - 1].addr + o[nr - 1].size == model.base + k &&
		    !(byte[k] == E820_PRAM && (cuts >> k & 1))) {
			o[nr - 1].size++;
			continue;
		}
		o[nr++] = (struct e820_entry){ model.base + k, 1, byte[k] };
	}
	return nr;
}

/* Compare the map, applied, with the model, before and after cleaning. */
static void check_against_model(const struct e820_map *m)
{
	struct e820_map c = { m->nr, 2 * MAXN, out };
	unsigned int i, nr;

	FUZZ_ASSERT(m->nr == model.nr);
	for (i = 0; i < m->nr; i++)
		FUZZ_ASSERT(same_entry(&m->entries[i], &model.e[i]));
	memcpy(out, m->entries, m->nr * sizeof(out[0]));
	FUZZ_ASSERT(e820_clean(&c, changes, E820_CHANGES(2 * MAXN)) == 0);
	nr = model_clean(copy);
	FUZZ_ASSERT(c.nr == nr);
	for (i = 0; i < nr; i++)
		FUZZ_ASSERT(out[i].addr == copy[i].addr &&
			    out[i].size == copy[i].size &&
			    out[i].type == copy[i].type);
}

/*
 * Byte 0: the window (bit 0) and the room beyond the first entries;
 * byte 1: how many first entries (0-7), 3 bytes each (offset, size,
 * type); then 4 bytes an item, at most MAX_ITEMS.
 */
static void fuzz_items(const uint8_t *data, size_t size)
{
	struct e820_map m = { 0, 0, map_entries };
	struct e820_entry before[8];
	unsigned int i, n, nr;
	int r;

	if (size < 2)
		return;
	model.base = data[0] & 1 ? 0 - (uint64_t)WIN : 0;
	model.nr = 0;
	n = data[1] % 8;
	m.capacity = n + data[0] / 2 % 32;
	data += 2;
	size -= 2;
	for (i = 0; i < n && size >= 3; i++, data += 3, size -= 3) {
		uint64_t off = data[0] % WIN;
		uint64_t room = WIN - off + (model.base ? 16 : 0);
		uint64_t len = data[1] % (room + 1);
		uint32_t t = types[data[2] % ARRAY_SIZE(types)];

		e820_add(&m, model.base + off, len, t);
		model_add(off, len, t);
	}
	nr = m.nr;
	memcpy(before, map_entries, sizeof(before));
	model.peak = model.nr;
	vlen = 0;
	for (i = 0; i < MAX_ITEMS && size >= 4; i++, data += 4, size -= 4)
		one_item(data);
	if (vlen == 0)
		return;
	r = e820_parse_memmap(&m, value, vlen);
	FUZZ_ASSERT(r == 0 || r == -E2BIG);
	FUZZ_ASSERT(r == -E2BIG || model.peak <= m.capacity);
	if (r == 0) {
		check_against_model(&m);
		return;
	}
	FUZZ_ASSERT(m.nr == nr);
	FUZZ_ASSERT(memcmp(before, map_entries, nr * sizeof(before[0])) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0: fuzz_clean(data + 1, size - 1); break;
	case 1: fuzz_line(data + 1, size - 1); break;
	case 2: fuzz_memmap(data + 1, size - 1); break;
	default: fuzz_items(data + 1, size - 1); break;
	}
	host_log_clear();
	return 0;
}
