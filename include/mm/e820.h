/*
 * The E820 memory map: reading, cleaning (Linux-style) and printing.
 *
 * Cleaning: size-0 entries are dropped; unknown types become reserved;
 * overlaps give each byte the most restrictive type covering it
 * (usable < ACPI data < ACPI NVS < reserved < unusable); the result is
 * sorted, disjoint, and touching ranges of one type are merged.
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

#endif /* MM_E820_H */
