/*
 * E820 memory map: cleaning, clipping and printing.
 *
 * Design.  Cleaning is a change-point sweep.  Each entry becomes two
 * points, a start (+1) and an end (-1), tagged with its type; the points
 * are sorted once by address (heapsort: in place, no recursion, O(n log n))
 * and swept from low to high while a count of open entries per type is
 * kept.  The type of the bytes after a group of equal points is the most
 * restrictive type whose count is not zero; a segment is emitted whenever
 * that type changes.  Touching ranges of one type merge by themselves
 * (an end and a start at the same address cancel), and overlaps of any
 * depth cost nothing extra.  Persistent memory of type 12 is the
 * exception, as in Linux: its segments also end at every point inside
 * them (type 7 merges like the others, as in Linux).  The sweep runs
 * twice: once to count the output, once to write it over the caller's
 * entries, so a result that does not fit leaves the map untouched and no
 * second buffer is needed.
 *
 * Addresses are 64-bit.  An end at exactly 2^64 is legal (the last byte is
 * 0xffffffffffffffff) and is kept as a point flagged "top"; an entry that
 * would run past 2^64 is dropped if usable and clipped to 2^64 otherwise.
 * A single output range cannot be 2^64 bytes long (the size field would
 * wrap), so a segment covering the whole space is written as two halves.
 *
 * Reading maps and options from text is in mm/e820_parse.c.
 *
 * Locking: none.  The functions work only on the storage their caller
 * passes; they run at early boot with interrupts off, or on the host.
 */
#include "mm/arch.h"
#include "mm/e820.h"
#include "mm/zones.h"

#define NR_RANKS	8		/* ranks 1..7, 0 = no entry */

/*
 * The types from least to most restrictive (index = rank, 0 = none):
 * usable < ACPI data < ACPI NVS < reserved < unusable < persistent (7) <
 * persistent (12).  Persistent memory ranks above all, in the order of
 * the type numbers, as in Linux, whose cleaner lets the highest type win.
 */
static const uint8_t rank_type[NR_RANKS] = {
	0, E820_USABLE, E820_ACPI, E820_NVS, E820_RESERVED, E820_UNUSABLE,
	E820_PMEM, E820_PRAM,
};

/* The rank of a known type, 0 for any other. */
static unsigned int type_rank(uint32_t type)
{
	switch (type) {
	case E820_USABLE:	return 1;
	case E820_ACPI:		return 2;
	case E820_NVS:		return 3;
	case E820_RESERVED:	return 4;
	case E820_UNUSABLE:	return 5;
	case E820_PMEM:		return 6;
	case E820_PRAM:		return 7;
	default:		return 0;
	}
}

const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_USABLE:	return "usable";
	case E820_RESERVED:	return "reserved";
	case E820_ACPI:		return "ACPI data";
	case E820_NVS:		return "ACPI NVS";
	case E820_UNUSABLE:	return "unusable";
	case E820_PMEM:		return "persistent (type 7)";
	case E820_PRAM:		return "persistent (type 12)";
	default:		return NULL;
	}
}

int e820_add(struct e820_map *map, uint64_t addr, uint64_t size,
	     uint32_t type)
{
	if (map->nr >= map->capacity)
		return -E2BIG;
	map->entries[map->nr].addr = addr;
	map->entries[map->nr].size = size;
	map->entries[map->nr].type = type;
	map->nr++;
	return 0;
}

uint32_t e820_type_at(const struct e820_map *map, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entries[i];

		if (addr >= e->addr && addr - e->addr < e->size)
			return e->type;
	}
	return 0;
}

int e820_format(char *buf, size_t size, const char *prefix,
		const struct e820_entry *e)
{
	const char *name = e820_type_name(e->type);
	unsigned long long first = e->addr;
	unsigned long long last = e->addr + e->size - 1;

	if (name)
		return snprintf(buf, size, "%s[mem 0x%016llx-0x%016llx] %s\n",
				prefix, first, last, name);
	return snprintf(buf, size, "%s[mem 0x%016llx-0x%016llx] type %u\n",
			prefix, first, last, e->type);
}

void e820_print(const struct e820_map *map, const char *prefix)
{
	char line[E820_LINE_MAX + 32];
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		e820_format(line, sizeof(line), prefix, &map->entries[i]);
		printk("%s", line);
	}
}

/* --- cleaning -------------------------------------------------------- */

static bool change_before(const struct e820_change *a,
			  const struct e820_change *b)
{
	if (a->top != b->top)
		return a->top < b->top;
	return a->pos < b->pos;
}

static void change_sift_down(struct e820_change *c, unsigned int root,
			     unsigned int n)
{
	unsigned int child;

	while ((child = 2 * root + 1) < n) {
		struct e820_change tmp;

		if (child + 1 < n && change_before(&c[child], &c[child + 1]))
			child++;
		if (!change_before(&c[root], &c[child]))
			return;
		tmp = c[root];
		c[root] = c[child];
		c[child] = tmp;
		root = child;
	}
}

/* Heapsort: in place, O(n log n) in the worst case, no recursion. */
static void change_sort(struct e820_change *c, unsigned int n)
{
	unsigned int i;

	for (i = n / 2; i-- > 0;)
		change_sift_down(c, i, n);
	for (i = n; i-- > 1;) {
		struct e820_change tmp = c[0];

		c[0] = c[i];
		c[i] = tmp;
		change_sift_down(c, 0, i);
	}
}

static void warn_wrap(const struct e820_entry *e, bool dropped)
{
	printk("e820: entry [mem 0x%016llx] size 0x%llx type %u runs past 2^64: %s\n",
	       (unsigned long long)e->addr, (unsigned long long)e->size,
	       e->type, dropped ? "usable, dropped" : "clipped at 2^64");
}

/* Turn the entries into change points.  Returns the number of points. */
static unsigned int e820_to_changes(const struct e820_map *map,
				    struct e820_change *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entries[i];
		uint32_t type = e->type;
		uint64_t room = UINT64_MAX - e->addr;	/* bytes after addr, minus 1 */
		bool top;

		if (e->size == 0)
			continue;
		if (!type_rank(type))
			type = E820_RESERVED;
		if (e->size - 1 > room) {
			warn_wrap(e, type == E820_USABLE);
			if (type == E820_USABLE)
				continue;
		}
		top = e->size - 1 >= room;
		c[n++] = (struct e820_change){ e->addr, 0, (uint8_t)type, 1 };
		c[n++] = (struct e820_change){ top ? 0 : e->addr + e->size,
					       top, (uint8_t)type, -1 };
	}
	return n;
}

/*
 * Emit the segment [start, end) (end = 2^64 if @top); count only when
 * @out is NULL.  Returns the number of entries it takes (1 or 2).
 */
static unsigned int emit(struct e820_entry *out, unsigned int at,
			 uint64_t start, uint64_t end, bool top, uint8_t type)
{
	const uint64_t half = 1ull << 63;

	if (top && start == 0) {
		if (out) {
			out[at] = (struct e820_entry){ 0, half, type };
			out[at + 1] = (struct e820_entry){ half, half, type };
		}
		return 2;
	}
	if (out)
		out[at] = (struct e820_entry){ start, end - start, type };
	return 1;
}

/*
 * The sweep over sorted points: emits into @out (or counts if NULL).
 * Persistent memory is not merged: as in Linux, where each such range is
 * a device of its own, a persistent segment ends at every point, of
 * whatever entry, that falls inside it.
 * Returns the number of output entries.
 */
static unsigned int e820_sweep(const struct e820_change *c, unsigned int n,
			       struct e820_entry *out)
{
	unsigned int count[NR_RANKS] = { 0 };
	unsigned int i = 0, nr = 0, r;
	uint8_t cur = 0;
	uint64_t seg_start = 0;

	while (i < n) {
		const struct e820_change *g = &c[i];
		uint8_t now = 0;

		for (; i < n && c[i].pos == g->pos && c[i].top == g->top; i++)
			count[type_rank(c[i].type)] +=
				(unsigned int)(int)c[i].delta;
		for (r = NR_RANKS - 1; r > 0; r--) {
			if (count[r]) {
				now = rank_type[r];
				break;
			}
		}
		if (now == cur && now != E820_PRAM)
			continue;
		if (cur)
			nr += emit(out, nr, seg_start, g->pos, g->top, cur);
		cur = now;
		seg_start = g->pos;
	}
	return nr;
}

int e820_clean(struct e820_map *map, struct e820_change *changes,
	       unsigned int nr_changes)
{
	unsigned int n, nr;

	if (nr_changes < E820_CHANGES(map->nr))
		return -ENOMEM;
	n = e820_to_changes(map, changes);
	change_sort(changes, n);
	nr = e820_sweep(changes, n, NULL);
	if (nr > map->capacity)
		return -E2BIG;
	map->nr = e820_sweep(changes, n, map->entries);
	MM_ASSERT(map->nr == nr);
	return 0;
}

/* --- clipping and frames --------------------------------------------- */

static void report_dropped(uint64_t first, uint64_t last, uint32_t type,
			   uint64_t limit)
{
	struct e820_entry e = { first, last - first + 1, type };
	char line[E820_LINE_MAX + 32];
	int n = e820_format(line, sizeof(line), "e820: dropped ", &e);

	if (n > 0 && (size_t)n < sizeof(line))
		line[n - 1] = '\0';	/* strip the newline */
	printk("%s: at or above 0x%llx, not addressable without PAE\n",
	       line, (unsigned long long)limit);
}

uint64_t e820_clip(struct e820_map *map, uint64_t limit)
{
	uint64_t dropped = 0;
	unsigned int i, nr = 0;

	for (i = 0; i < map->nr; i++) {
		struct e820_entry e = map->entries[i];
		uint64_t last = e.addr + e.size - 1;
		uint64_t first_out = e.addr < limit ? limit : e.addr;

		if (last >= limit) {
			report_dropped(first_out, last, e.type, limit);
			if (e.type == E820_USABLE)
				dropped += last - first_out + 1;
			if (e.addr >= limit)
				continue;
			e.size = limit - e.addr;
		}
		map->entries[nr++] = e;
	}
	map->nr = nr;
	return dropped;
}

void e820_print_unused(uint64_t bytes)
{
	const char *unit = "MiB";
	uint64_t n = bytes >> 20;

	if (bytes == 0)
		return;
	if (bytes < MiB(1)) {	/* "0 MiB" would hide it */
		bool kib = (bytes & (KiB(1) - 1)) == 0;

		unit = kib ? "KiB" : "bytes";
		n = kib ? bytes >> 10 : bytes;
	}
	printk("e820: %llu %s of RAM above 4 GiB unused (no PAE)\n",
	       (unsigned long long)n, unit);
}

int e820_usable_pfns(const struct e820_map *map, uint64_t limit,
		     struct pfn_range *out, unsigned int cap,
		     unsigned int *nr_out)
{
	unsigned int i, nr = 0;

	for (i = 0; i < map->nr; i++) {
		const struct e820_entry *e = &map->entries[i];
		uint64_t start, end, last = e->addr + e->size - 1;

		if (e->type != E820_USABLE || e->size == 0 || e->addr >= limit)
			continue;
		end = last >= limit ? limit : last + 1;
		start = ALIGN_UP(e->addr, (uint64_t)PAGE_SIZE);
		end = ALIGN_DOWN(end, (uint64_t)PAGE_SIZE);
		if (start >= end)
			continue;
		if (nr == cap)
			return -E2BIG;
		out[nr].start = PHYS_PFN(start);
		out[nr].end = PHYS_PFN(end);
		nr++;
	}
	*nr_out = nr;
	return 0;
}
