/*
 * E820 memory map: cleaning, clipping, printing and parsing.
 *
 * Design.  Cleaning is a change-point sweep.  Each entry becomes two
 * points, a start (+1) and an end (-1), tagged with its type; the points
 * are sorted once by address (heapsort: in place, no recursion, O(n log n))
 * and swept from low to high while a count of open entries per type is
 * kept.  The type of the bytes after a group of equal points is the most
 * restrictive type whose count is not zero; a segment is emitted whenever
 * that type changes.  Touching ranges of one type merge by themselves
 * (an end and a start at the same address cancel), and overlaps of any
 * depth cost nothing extra.  Persistent memory (type 12) is the
 * exception, as in Linux: its segments also end at every point inside
 * them.  The sweep runs twice: once to count the output, once to write it
 * over the caller's entries, so a result that does not fit leaves the map
 * untouched and no second buffer is needed.
 *
 * Addresses are 64-bit.  An end at exactly 2^64 is legal (the last byte is
 * 0xffffffffffffffff) and is kept as a point flagged "top"; an entry that
 * would run past 2^64 is dropped if usable and clipped to 2^64 otherwise.
 * A single output range cannot be 2^64 bytes long (the size field would
 * wrap), so a segment covering the whole space is written as two halves.
 *
 * The same file parses Linux memmap= options (a malformed one is refused
 * before anything is applied; they apply in order, a bare SIZE cutting
 * the usable RAM the map holds at that point, as mem= does) and the E820
 * lines of a Linux boot log (for the host tool, build/host/e820).
 *
 * Locking: none.  The functions work only on the storage their caller
 * passes; they run at early boot with interrupts off, or on the host.
 */
#include "mm/arch.h"
#include "mm/e820.h"
#include "mm/zones.h"

#define NR_RANKS	7		/* ranks 1..6, 0 = no entry */

/*
 * The types from least to most restrictive (index = rank, 0 = none):
 * usable < ACPI data < ACPI NVS < reserved < unusable < persistent.
 * Persistent memory ranks above all, as its type number does in Linux,
 * whose cleaner lets the highest type win.
 */
static const uint8_t rank_type[NR_RANKS] = {
	0, E820_USABLE, E820_ACPI, E820_NVS, E820_RESERVED, E820_UNUSABLE,
	E820_PRAM,
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
	case E820_PRAM:		return 6;
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

/* --- memmap= options ------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Read a number as Linux's memparse() does: 0x-hex, 0-octal or decimal,
 * then an optional K, M or G (either case).  Returns the characters used,
 * or 0 if there is no number or it overflows.
 */
static size_t parse_size(const char *s, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	size_t i = 0, digits = 0;
	uint64_t v = 0;
	int d;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len >= 2 && s[0] == '0' && is_digit(s[1])) {
		base = 8;
	}
	for (; i < len && (d = hex_value(s[i])) >= 0 && d < (int)base; i++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return 0;
		v = v * base + (uint64_t)d;
		digits++;
	}
	if (digits == 0)
		return 0;
	if (i < len) {
		unsigned int shift = 0;

		switch (s[i]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		}
		if (shift) {
			if (v > (UINT64_MAX >> shift))
				return 0;
			v <<= shift;
			i++;
		}
	}
	*out = v;
	return i;
}

/* One item of a memmap= value, as Linux's parse_memmap_one() reads it. */
struct memmap_item {
	enum { MEMMAP_EXACTMAP, MEMMAP_ADD, MEMMAP_LIMIT } kind;
	struct e820_entry e;	/* ADD: the range; LIMIT: e.size, the limit */
};

/*
 * "exactmap", "SIZE@ADDR" (usable), "SIZE$ADDR" (reserved), "SIZE#ADDR"
 * (ACPI data), "SIZE!ADDR" (persistent) or "SIZE" alone (no usable RAM
 * from SIZE up, as mem=SIZE; 0 is refused as mem=0 is).
 * Returns 0 or -EINVAL.
 */
static int parse_memmap_item(const char *s, size_t len,
			     struct memmap_item *it)
{
	size_t n;

	if (len == 8 && memcmp(s, "exactmap", 8) == 0) {
		it->kind = MEMMAP_EXACTMAP;
		return 0;
	}
	n = parse_size(s, len, &it->e.size);
	if (n == 0)
		return -EINVAL;
	if (n == len) {
		it->kind = MEMMAP_LIMIT;
		return it->e.size ? 0 : -EINVAL;
	}
	switch (s[n]) {
	case '@': it->e.type = E820_USABLE; break;
	case '$': it->e.type = E820_RESERVED; break;
	case '#': it->e.type = E820_ACPI; break;
	case '!': it->e.type = E820_PRAM; break;
	default: return -EINVAL;
	}
	it->kind = MEMMAP_ADD;
	s += n + 1;
	len -= n + 1;
	n = parse_size(s, len, &it->e.addr);
	if (n == 0 || n != len)
		return -EINVAL;
	return 0;
}

/*
 * memmap=SIZE: usable RAM at or above @limit leaves the map, entries
 * across it are cut there (Linux removes [limit, 2^64) from the RAM
 * entries the same way); other types stay.  The map is not clean yet,
 * so each entry is cut on its own, and nothing is ever split in two.
 */
static void memmap_limit(struct e820_map *map, uint64_t limit)
{
	unsigned int i, nr = 0;

	for (i = 0; i < map->nr; i++) {
		struct e820_entry e = map->entries[i];

		if (e.type == E820_USABLE) {
			if (e.addr >= limit)
				continue;
			if (e.size > limit - e.addr)
				e.size = limit - e.addr;
		}
		map->entries[nr++] = e;
	}
	map->nr = nr;
}

static void report_memmap(const char *val, size_t len, const char *why)
{
	char opt[64];
	bool cut = len >= sizeof(opt);
	size_t n = cut ? sizeof(opt) - 1 : len;

	memcpy(opt, val, n);
	opt[n] = '\0';
	printk("e820: memmap=%s%s: %s, ignored\n", opt, cut ? "..." : "", why);
}

/*
 * Walk the comma-separated items of @val, in order, as Linux applies
 * them (a limit cuts what the map holds at that point: what an exactmap
 * before it emptied, or a range after it adds, it does not see).  With
 * @map NULL only checks them; otherwise applies them.  *@peak comes in as
 * the entries the map holds and goes out as the most it will hold at any
 * point of the walk (a limit is taken to remove none, so that is an upper
 * bound): ranges added before an "exactmap" need room next to the
 * entries already there.
 */
static int memmap_walk(const char *val, size_t len, struct e820_map *map,
		       unsigned int *peak)
{
	unsigned int cur = *peak;
	size_t i = 0;

	while (i <= len) {
		size_t j = i;
		struct memmap_item it;

		while (j < len && val[j] != ',')
			j++;
		if (parse_memmap_item(val + i, j - i, &it) != 0)
			return -EINVAL;
		if (it.kind == MEMMAP_EXACTMAP) {
			cur = 0;
			if (map)
				map->nr = 0;
		} else if (it.kind == MEMMAP_ADD) {
			cur++;
			*peak = MAX(*peak, cur);
			if (map)
				MM_ASSERT(e820_add(map, it.e.addr, it.e.size,
						   it.e.type) == 0);
		} else if (map) {
			memmap_limit(map, it.e.size);
		}
		i = j + 1;
	}
	return 0;
}

int e820_parse_memmap(struct e820_map *map, const char *val, size_t len)
{
	unsigned int peak = map->nr;

	if (memmap_walk(val, len, NULL, &peak)) {
		report_memmap(val, len, "malformed");
		return -EINVAL;
	}
	if (peak > map->capacity) {
		report_memmap(val, len, "no room in the map");
		return -E2BIG;
	}
	peak = map->nr;
	return memmap_walk(val, len, map, &peak);
}

/* --- E820 lines of a Linux boot log ---------------------------------- */

static const char *find_str(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncmp(s, needle, n) == 0)
			return s;
	return NULL;
}

/* Read 1..16 hex digits.  Returns the characters used, 0 if none. */
static size_t parse_hex(const char *s, uint64_t *out)
{
	size_t i;
	uint64_t v = 0;

	for (i = 0; hex_value(s[i]) >= 0; i++) {
		if (i == 16)
			return 0;
		v = (v << 4) | (uint64_t)hex_value(s[i]);
	}
	*out = v;
	return i;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Does @s start with @word, followed by @end (the rest must be blank)? */
static bool match_tail(const char *s, const char *word, const char *end)
{
	size_t n = strlen(word);

	if (strncmp(s, word, n) != 0)
		return false;
	s += n;
	n = strlen(end);
	if (strncmp(s, end, n) != 0)
		return false;
	s += n;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

/* The type name at @s followed by @end: "usable", "type 12", ... */
static int parse_type(const char *s, const char *end, uint32_t *type)
{
	uint32_t t;
	uint64_t v;
	size_t n;

	for (t = E820_USABLE; t <= E820_UNUSABLE; t++)
		if (match_tail(s, e820_type_name(t), end)) {
			*type = t;
			return 0;
		}
	if (match_tail(s, "soft reserved", end)) {
		*type = 0xefffffffu;
		return 0;
	}
	if (strncmp(s, "persistent (", 12) == 0)
		s += 12;
	if (strncmp(s, "type ", 5) != 0)
		return -EINVAL;
	s += 5;
	v = 0;
	for (n = 0; is_digit(s[n]) && v <= 0xffffffffu; n++)
		v = v * 10 + (uint64_t)(s[n] - '0');
	if (n == 0 || v > 0xffffffffu)
		return -EINVAL;
	s += n;
	if (*s == ')')
		s++;
	if (!match_tail(s, "", end))
		return -EINVAL;
	*type = (uint32_t)v;
	return 0;
}

/* "[mem 0xFIRST-0xLAST] name": inclusive end. */
static int parse_new_form(const char *s, struct e820_entry *e)
{
	uint64_t first, last;
	size_t n;

	if (strncmp(s, "[mem 0x", 7) != 0)
		return -EINVAL;
	s += 7;
	if ((n = parse_hex(s, &first)) == 0 || strncmp(s + n, "-0x", 3) != 0)
		return -EINVAL;
	s += n + 3;
	if ((n = parse_hex(s, &last)) == 0 || strncmp(s + n, "] ", 2) != 0)
		return -EINVAL;
	if (last < first || (first == 0 && last == UINT64_MAX))
		return -EINVAL;
	e->addr = first;
	e->size = last - first + 1;
	return parse_type(s + n + 2, "", &e->type);
}

/* "START - END (name)": exclusive end. */
static int parse_old_form(const char *s, struct e820_entry *e)
{
	uint64_t start, end;
	size_t n;

	if ((n = parse_hex(s, &start)) == 0 || strncmp(s + n, " - ", 3) != 0)
		return -EINVAL;
	s += n + 3;
	if ((n = parse_hex(s, &end)) == 0 || s[n] != ' ' || end < start)
		return -EINVAL;
	e->addr = start;
	e->size = end - start;
	if (s[n + 1] == '(')	/* "(usable)"; unknown ones read "type 12" */
		return parse_type(s + n + 2, ")", &e->type);
	return parse_type(s + n + 1, "", &e->type);
}

int e820_parse_line(const char *line, struct e820_entry *e)
{
	const char *s = find_str(line, "BIOS-e820:");

	if (s) {
		s = skip_spaces(s + 10);
	} else {
		s = find_str(line, "e820: [mem ");
		if (!s)
			return 0;
		s += 6;
	}
	if (*s == '[')
		return parse_new_form(s, e) ? -EINVAL : 1;
	return parse_old_form(s, e) ? -EINVAL : 1;
}
