/*
 * E820 maps from text: the kernel command line's memmap= options and the
 * E820 lines of a Linux boot log (for the host tool, build/host/e820).
 *
 * Design.  A memmap= value is read twice: the first pass checks every
 * item and counts the entries the map will hold; only if all are well
 * formed and fit does the second pass apply them, in order (a bare SIZE
 * cutting the usable RAM the map holds at that point, as mem= does), so
 * a value is taken whole or not at all.  Boot-log lines are read one at
 * a time, in both forms Linux has printed.
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
