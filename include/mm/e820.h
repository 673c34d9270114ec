/*
 * The E820 memory map: reading, cleaning (Linux-style) and printing.
 *
 * Cleaning: size-0 entries are dropped; unknown types become reserved;
 * an entry whose end wraps past 2^64 is dropped if usable and clipped at
 * 2^64 otherwise; overlaps give each byte the most restrictive type
 * covering it (usable < ACPI data < ACPI NVS < reserved < unusable <
 * persistent type 7 < persistent type 12); the result is sorted,
 * disjoint, and touching ranges of one type are merged, except type 12,
 * which Linux never merges: such a range is cut wherever any entry starts
 * or ends inside it.  Type 7 merges like the others, as in Linux.
 *
 * Every function works on storage the caller owns (struct e820_map and,
 * for cleaning, an array of change points), so the same code runs in the
 * early kernel, with no allocator, and in the host tool.
 */
#ifndef MM_E820_H
#define MM_E820_H

#include "mm/types.h"

enum e820_type {
	E820_USABLE	= 1,
	E820_RESERVED	= 2,
	E820_ACPI	= 3,	/* ACPI data (reclaimable) */
	E820_NVS	= 4,	/* ACPI NVS */
	E820_UNUSABLE	= 5,
	E820_PMEM	= 7,	/* persistent memory (ACPI 6); never RAM */
	E820_PRAM	= 12,	/* protected/persistent memory (memmap=nn!ss);
				 * never used as RAM */
};

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_map {
	unsigned int nr;
	unsigned int capacity;
	struct e820_entry *entries;	/* storage owned by the caller */
};

/*
 * One start or end point of an entry, the scratch space of e820_clean().
 * Only mm/e820.c looks inside.
 */
struct e820_change {
	uint64_t pos;		/* address where the change takes effect */
	uint8_t top;		/* 1: pos stands for 2^64 (end of the space) */
	uint8_t type;		/* enum e820_type, already sanitised */
	int8_t delta;		/* +1 at a start, -1 at an end */
};

/*
 * The most entries a map read at boot holds: the 128 a BIOS may report,
 * and room for the ranges of memmap= options; what does not fit is
 * refused.  Cleaning never turns n entries into more than n ranges of
 * usable RAM (each range of the result starts where a usable entry
 * starts or where another entry ends), so memblock, sized by the same
 * number (mm/memblock.h), holds the RAM of any map the parser accepted.
 */
#define E820_MAX_ENTRIES	160

/* Change points e820_clean() needs for a map of n entries. */
#define E820_CHANGES(n)		(2u * (n))

/* The longest printed line: "BIOS-e820: [mem 0x...-0x...] ACPI data\n". */
#define E820_LINE_MAX		80

/* The limit of what i386 without PAE can address: 4 GiB. */
#define E820_LIMIT_4G		GiB(4)

/*
 * e820_type_name - the name Linux prints for a type ("usable", "reserved",
 * "ACPI data", "ACPI NVS", "unusable", "persistent (type 7)", "persistent
 * (type 12)"), or NULL for an unknown type.
 * Context: any.  Returns: a static string or NULL.
 */
const char *e820_type_name(uint32_t type);

/*
 * e820_add - append an entry as given (no checks; cleaning comes later).
 * Context: any.  Returns: 0, or -E2BIG when the map is full.
 */
int e820_add(struct e820_map *map, uint64_t addr, uint64_t size,
	     uint32_t type);

/*
 * e820_clean - sanitise a map in place: see the top of this header.
 * @changes: scratch of at least E820_CHANGES(map->nr) points
 * @nr_changes: its length
 * Runs in O(n log n) time, without recursion or other memory.  Each
 * wrapping entry is reported in one printk line.
 * Context: any (early boot included).
 * Returns: 0; -E2BIG if the result needs more than map->capacity entries,
 * -ENOMEM if @changes is too short.  On error the map is untouched.
 */
int e820_clean(struct e820_map *map, struct e820_change *changes,
	       unsigned int nr_changes);

/*
 * e820_clip - drop everything at or above @limit, splitting an entry that
 * crosses it; each dropped piece is printed in one line ("e820: dropped
 * [mem ...] usable: above 4 GiB").  Expects a cleaned map.
 * Context: any.  Returns: the bytes of usable RAM dropped.
 */
uint64_t e820_clip(struct e820_map *map, uint64_t limit);

/*
 * e820_print_unused - printk what e820_clip() dropped of usable RAM:
 * "e820: 1023 MiB of RAM above 4 GiB unused (no PAE)", in whole MiB from
 * 1 MiB up, below that in KiB if whole, else in bytes; nothing for 0.
 * Context: any.  Returns: nothing.
 */
void e820_print_unused(uint64_t bytes);

/*
 * e820_type_at - the type of the entry holding address @addr.
 * Context: any.  Returns: its type, or 0 if no entry holds @addr.
 */
uint32_t e820_type_at(const struct e820_map *map, uint64_t addr);

/*
 * e820_format - one entry as Linux prints it, after @prefix:
 * "<prefix>[mem 0x0000000000100000-0x0000000007fdffff] usable\n"
 * (inclusive end, 16 hex digits; "type N" for an unknown type).
 * Context: any.  Returns: the length written (the line is cut at @size).
 */
int e820_format(char *buf, size_t size, const char *prefix,
		const struct e820_entry *e);

/*
 * e820_print - printk every entry with e820_format().
 * Context: any.  Returns: nothing.
 */
void e820_print(const struct e820_map *map, const char *prefix);

/*
 * e820_parse_memmap - apply one Linux memmap= option to @map:
 * "exactmap" empties the map; "SIZE@ADDR" adds usable RAM, "SIZE$ADDR"
 * reserved, "SIZE#ADDR" ACPI data, "SIZE!ADDR" persistent memory (type
 * 12); "SIZE" alone, like Linux's mem=SIZE, takes every usable byte at or
 * above SIZE out of the map as it stands (SIZE 0 is refused).
 * "SIZE%ADDR-T+U" gives type U to the bytes of type-T entries in [ADDR,
 * ADDR+SIZE); "SIZE%ADDR-T" takes them out of the map; "SIZE%ADDR+U"
 * adds the range as type U, as "@" adds RAM (where it overlaps other
 * entries, cleaning decides as for any overlap); "SIZE%ADDR" takes out
 * every byte of the range, whatever its type.  These work entry by entry
 * on the map as it stands, as Linux's e820__range_update() and
 * e820__range_remove() do (Linux has cleaned the firmware's map before;
 * hand a clean map to get its result where firmware entries overlap).  T
 * and U are non-zero 32-bit numbers without suffix, and may not be equal
 * (Linux stops at a BUG_ON() there).  Sizes, addresses and types are
 * decimal, 0-octal or 0x-hex; sizes and addresses take an optional K, M
 * or G suffix.  @val is not NUL-terminated (@len bytes).  A value may
 * hold several options separated by commas; they apply in order, as
 * successive memmap= do.
 * Context: any.
 * Returns: 0; -EINVAL if an option is malformed or unsupported, -E2BIG if
 * the map could run out of room while they apply (a "%" is counted as
 * splitting, whatever its type, every entry holding an end of its range:
 * of the map as given, unless an exactmap came before, or added before
 * it).  On error the map is untouched (nothing half-done) and one line
 * names the option and the reason.
 */
int e820_parse_memmap(struct e820_map *map, const char *val, size_t len);

/* A range of frames [start, end), as zones_init() takes them. */
struct pfn_range;

/*
 * e820_usable_pfns - the usable RAM of a cleaned map below @limit, each
 * range shrunk to whole frames (start rounded up, end rounded down), empty
 * ones left out.
 * Context: any.
 * Returns: 0 and *@nr_out, or -E2BIG if more than @cap ranges are needed.
 */
int e820_usable_pfns(const struct e820_map *map, uint64_t limit,
		     struct pfn_range *out, unsigned int cap,
		     unsigned int *nr_out);

/*
 * e820_parse_line - read one line of a Linux boot log, in either form:
 *   "... BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable"
 *   "... BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)"
 * (inclusive end in the first, exclusive in the second), whatever text
 * precedes "e820".  Both "e820:" and "BIOS-e820:" prefixes are accepted.
 * "[mem 0x0000000000000000-0xffffffffffffffff]", 2^64 bytes, is more
 * than one entry's size holds: it gives two entries, the halves of the
 * space (as e820_clean() writes such a range).
 * Context: any.
 * Returns: the entries read into @e (1, or 2 for the whole space) if it
 * is a readable E820 line; 0 if it is not an E820 line at all; -EINVAL
 * if it looks like one but cannot be read (bad hex, end before start,
 * unknown type name).
 */
#define E820_LINE_ENTRIES	2
int e820_parse_line(const char *line, struct e820_entry e[E820_LINE_ENTRIES]);

#endif /* MM_E820_H */
