/*
 * E820 maps from text: the kernel command line's memmap= options and the
 * E820 lines of a Linux boot log (for the host tool, build/host/e820).
 *
 * Design.  A memmap= value is read twice.  The first pass checks every
 * item and bounds the entries the map will hold while they apply; only
 * if all are well formed and fit does the second pass apply them, in
 * order, so a value is taken whole or not at all.  The items work as in
 * Linux's parse_memmap_one(): ranges are appended, "exactmap" empties
 * the map, a bare SIZE cuts the usable RAM the map holds at that point
 * (as mem= does), and SIZE%ADDR-T+U changes or removes the parts of
 * entries inside a range, entry by entry on the map as it stands (not
 * cleaned yet: mm/e820.c cleans it afterwards).  A bare SIZE is such a
 * removal too, of usable RAM over [SIZE, 2^64).  Boot-log lines are read
 * one at a time, in both forms Linux has printed.
 *
 * Locking: none.  The functions work only on the storage their caller
 * passes; they run at early boot with interrupts off, or on the host.
 */
#include "mm/arch.h"
#include "mm/e820.h"
#include "mm/mmdebug.h"

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
 * Read a number as Linux's simple_strtoull() with base 0 does: 0x-hex,
 * 0-octal or decimal.  Returns the characters used, or 0 if there is no
 * number or it overflows.
 */
static size_t parse_number(const char *s, size_t len, uint64_t *out)
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
	*out = v;
	return i;
}

/*
 * Read a size or address as Linux's memparse() does: a number, then an
 * optional K, M or G (either case).  Returns the characters used, or 0
 * if there is no number or it overflows.
 */
static size_t parse_size(const char *s, size_t len, uint64_t *out)
{
	size_t i = parse_number(s, len, out);
	unsigned int shift = 0;

	if (i == 0 || i == len)
		return i;
	switch (s[i]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	default: return i;
	}
	if (*out > (UINT64_MAX >> shift))
		return 0;
	*out <<= shift;
	return i + 1;
}

/*
 * One item of a memmap= value, as Linux's parse_memmap_one() reads it.
 * A bare SIZE is a REMOVE of usable RAM over [SIZE, 2^64).
 */
struct memmap_item {
	enum { MEMMAP_EXACTMAP, MEMMAP_ADD, MEMMAP_RETYPE, MEMMAP_REMOVE } kind;
	struct e820_entry e;	/* the range; ADD, RETYPE: the type it gets */
	uint32_t from;		/* RETYPE, REMOVE: the type acted on, 0 any */
};

#define MALFORMED	"malformed"

/*
 * An optional "-T" or "+U" (@sign) at *@s: a type, non-zero and of 32
 * bits, read as Linux's simple_strtoull() does; *@s and *@len move past
 * it.  *@type is 0 if the sign is not there.  Returns false if the sign
 * is there without a type.
 */
static bool parse_type_arg(const char **s, size_t *len, char sign,
			   uint32_t *type)
{
	uint64_t v;
	size_t n;

	*type = 0;
	if (*len == 0 || **s != sign)
		return true;
	n = parse_number(*s + 1, *len - 1, &v);
	if (n == 0 || v == 0 || v > 0xffffffffu)
		return false;
	*type = (uint32_t)v;
	*s += n + 1;
	*len -= n + 1;
	return true;
}

/*
 * What follows "SIZE%ADDR": "-T+U" (RETYPE), "-T" (REMOVE type T), "+U"
 * (ADD) or nothing (REMOVE any type), as Linux's parse_memmap_one() takes
 * them; a sign without a type and T equal to U are refused (Linux reads
 * the first as type 0 and stops at a BUG_ON() on the second).
 * Returns NULL or why the item is refused.
 */
static const char *parse_percent(const char *s, size_t len,
				 struct memmap_item *it)
{
	if (!parse_type_arg(&s, &len, '-', &it->from) ||
	    !parse_type_arg(&s, &len, '+', &it->e.type) || len != 0)
		return MALFORMED;
	if (it->from && it->from == it->e.type)
		return "old and new type are the same";
	if (it->from && it->e.type)
		it->kind = MEMMAP_RETYPE;
	else
		it->kind = it->e.type ? MEMMAP_ADD : MEMMAP_REMOVE;
	return NULL;
}

/*
 * "exactmap", "SIZE@ADDR" (usable), "SIZE$ADDR" (reserved), "SIZE#ADDR"
 * (ACPI data), "SIZE!ADDR" (persistent), "SIZE%ADDR..." (parse_percent())
 * or "SIZE" alone (no usable RAM from SIZE up, as mem=SIZE; 0 is refused
 * as mem=0 is).  Returns NULL or why the item is refused.
 */
static const char *parse_memmap_item(const char *s, size_t len,
				     struct memmap_item *it)
{
	size_t n;
	char sep;

	if (len == 8 && memcmp(s, "exactmap", 8) == 0) {
		it->kind = MEMMAP_EXACTMAP;
		return NULL;
	}
	n = parse_size(s, len, &it->e.size);
	if (n == 0)
		return MALFORMED;
	if (n == len) {
		it->kind = MEMMAP_REMOVE;
		it->from = E820_USABLE;
		it->e.addr = it->e.size;
		it->e.size = 0 - it->e.size;	/* to 2^64 */
		return it->e.addr ? NULL : MALFORMED;
	}
	sep = s[n];
	s += n + 1;
	len -= n + 1;
	n = parse_size(s, len, &it->e.addr);
	if (n == 0)
		return MALFORMED;
	it->kind = MEMMAP_ADD;
	switch (sep) {
	case '@': it->e.type = E820_USABLE; break;
	case '$': it->e.type = E820_RESERVED; break;
	case '#': it->e.type = E820_ACPI; break;
	case '!': it->e.type = E820_PRAM; break;
	case '%': return parse_percent(s + n, len - n, it);
	default: return MALFORMED;
	}
	return n == len ? NULL : MALFORMED;
}

/*
 * The item at *@pos of @val, up to the next comma or the end; *@pos moves
 * past that comma.  Returns NULL or why the item is refused.
 */
static const char *memmap_next(const char *val, size_t len, size_t *pos,
			       struct memmap_item *it)
{
	size_t i = *pos, j = i;

	while (j < len && val[j] != ',')
		j++;
	*pos = j + 1;
	return parse_memmap_item(val + i, j - i, it);
}

/*
 * The last byte of a range (@r->size > 0); one running past 2^64 is cut
 * there (Linux cuts a "%" range one byte short of it, at 2^64 - 1).
 */
static uint64_t range_last(const struct e820_entry *r)
{
	return r->size - 1 > UINT64_MAX - r->addr ? UINT64_MAX
						   : r->addr + r->size - 1;
}

/*
 * Cut @e at the range [@start, @last]: @part[0] and @part[2] get what lies
 * before and after it (size 0 if nothing), @part[1] what lies inside,
 * all with @e's type.  An entry running past 2^64 keeps doing so in its
 * last part, unless the range reaches 2^64: what lies beyond is no part.
 * Returns false (@part unset) if @e has no byte in the range.
 */
static bool e820_cut(const struct e820_entry *e, uint64_t start,
		     uint64_t last, struct e820_entry part[3])
{
	uint64_t elast, lo, hi;

	if (e->size == 0)
		return false;
	elast = range_last(e);
	if (e->addr > last || elast < start)
		return false;
	lo = MAX(e->addr, start);
	hi = MIN(elast, last);
	part[0] = (struct e820_entry){ e->addr, lo - e->addr, e->type };
	part[1] = (struct e820_entry){ lo, hi - lo + 1, e->type };
	part[2] = (struct e820_entry){ hi + 1, 0, e->type };
	if (hi < elast)
		part[2].size = e->size - (hi + 1 - e->addr);
	return true;
}

/*
 * The non-empty parts of a cut entry: the first goes to entries[*@w] (the
 * entry's slot or one before it), the others to the end of the map.
 */
static void memmap_put(struct e820_map *map, unsigned int *w,
		       const struct e820_entry part[3])
{
	bool first = true;
	unsigned int k;

	for (k = 0; k < 3; k++) {
		if (part[k].size == 0)
			continue;
		if (first)
			map->entries[(*w)++] = part[k];
		else
			MM_ASSERT(e820_add(map, part[k].addr, part[k].size,
					   part[k].type) == 0);
		first = false;
	}
}

/*
 * RETYPE or REMOVE, as Linux's e820__range_update() and
 * e820__range_remove() do: entry by entry, on the map as it stands, each
 * entry of the type acted on that the range cuts.  The part of the range
 * gets the new type or leaves; the parts outside stay.  The first part
 * keeps the entry's place, the others go to the end of the map; an entry
 * with no part left leaves no hole.  The caller has checked the room.
 */
static void memmap_change(struct e820_map *map, const struct memmap_item *it)
{
	unsigned int i, nr = map->nr, w = 0;
	struct e820_entry part[3];

	if (it->e.size == 0)
		return;
	for (i = 0; i < nr; i++) {
		const struct e820_entry *e = &map->entries[i];

		if ((it->from && e->type != it->from) ||
		    !e820_cut(e, it->e.addr, range_last(&it->e), part)) {
			map->entries[w++] = *e;
			continue;
		}
		part[1].type = it->e.type;
		if (it->kind == MEMMAP_REMOVE)
			part[1].size = 0;
		memmap_put(map, &w, part);
	}
	for (i = nr; i < map->nr; i++)
		map->entries[w++] = map->entries[i];
	map->nr = w;
}

/*
 * The most entries the RETYPE or REMOVE @it can add where it meets @e or
 * any part of it: one for each end of its range that falls inside, for
 * a RETYPE; one if both do, for a REMOVE.  The parts of an entry never
 * overlap, so at most one of them straddles each end: counted on the whole
 * entry, whatever types its parts have by then, that is an upper bound.
 */
static unsigned int memmap_growth(const struct memmap_item *it,
				  const struct e820_entry *e)
{
	struct e820_entry part[3];
	unsigned int n;

	if (it->e.size == 0 ||
	    !e820_cut(e, it->e.addr, range_last(&it->e), part))
		return 0;
	n = (part[0].size != 0) + (part[2].size != 0);
	return it->kind == MEMMAP_RETYPE ? n : n / 2;
}

/* memmap_growth() over the ranges the items of @val in [@pos, @end) add. */
static uint64_t memmap_growth_added(const struct memmap_item *it,
				    const char *val, size_t pos, size_t end)
{
	struct memmap_item add;
	uint64_t n = 0;

	while (pos < end) {
		if (memmap_next(val, end - 1, &pos, &add) == NULL &&
		    add.kind == MEMMAP_ADD)
			n += memmap_growth(it, &add.e);
	}
	return n;
}

/*
 * Check every item of @val, in order, and bound the entries the map holds
 * at any point while they apply (*@peak): an exactmap empties it, a range
 * adds one, a limit or a removal is taken to remove none, and a RETYPE or
 * REMOVE adds what memmap_growth() allows for each entry it may meet: the
 * map's own, unless an exactmap came before, and the ranges added since.
 * Returns NULL or why an item is refused.
 */
static const char *memmap_check(const struct e820_map *map, const char *val,
				size_t len, uint64_t *peak)
{
	size_t pos = 0, since = 0;	/* the items after the last exactmap */
	bool own = true;		/* the map's own entries still there */
	uint64_t cur = map->nr;
	struct memmap_item it;
	const char *why;
	unsigned int i;

	*peak = cur;
	while (pos <= len) {
		size_t at = pos;

		why = memmap_next(val, len, &pos, &it);
		if (why)
			return why;
		if (it.kind == MEMMAP_EXACTMAP) {
			cur = 0;
			own = false;
			since = pos;
		} else if (it.kind == MEMMAP_ADD) {
			cur++;
		} else {
			for (i = 0; own && i < map->nr; i++)
				cur += memmap_growth(&it, &map->entries[i]);
			cur += memmap_growth_added(&it, val, since, at);
		}
		*peak = MAX(*peak, cur);
	}
	return NULL;
}

/* Apply the items of @val, checked by memmap_check(), in order. */
static void memmap_apply(struct e820_map *map, const char *val, size_t len)
{
	struct memmap_item it;
	const char *why;
	size_t pos = 0;

	while (pos <= len) {
		why = memmap_next(val, len, &pos, &it);
		MM_ASSERT(why == NULL);
		if (it.kind == MEMMAP_EXACTMAP)
			map->nr = 0;
		else if (it.kind == MEMMAP_ADD)
			MM_ASSERT(e820_add(map, it.e.addr, it.e.size,
					   it.e.type) == 0);
		else
			memmap_change(map, &it);
	}
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

int e820_parse_memmap(struct e820_map *map, const char *val, size_t len)
{
	const char *why;
	uint64_t peak;

	why = memmap_check(map, val, len, &peak);
	if (why) {
		report_memmap(val, len, why);
		return -EINVAL;
	}
	if (peak > map->capacity) {
		report_memmap(val, len, "no room in the map");
		return -E2BIG;
	}
	memmap_apply(map, val, len);
	return 0;
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

/*
 * "[mem 0xFIRST-0xLAST] name": inclusive end.  The whole space, 0 to
 * 0xffffffffffffffff, is 2^64 bytes, one more than a size holds: it is
 * read as two halves, as e820_clean() writes such a range.  Returns the
 * entries read (1 or 2), or -EINVAL.
 */
static int parse_new_form(const char *s, struct e820_entry e[E820_LINE_ENTRIES])
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
	if (last < first || parse_type(s + n + 2, "", &e[0].type) < 0)
		return -EINVAL;
	e[0].addr = first;
	if (first == 0 && last == UINT64_MAX) {
		e[0].size = 1ull << 63;
		e[1] = (struct e820_entry){ 1ull << 63, 1ull << 63, e[0].type };
		return 2;
	}
	e[0].size = last - first + 1;
	return 1;
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

int e820_parse_line(const char *line, struct e820_entry e[E820_LINE_ENTRIES])
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
		return parse_new_form(s, e);
	return parse_old_form(s, e) ? -EINVAL : 1;
}
