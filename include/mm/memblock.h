/*
 * memblock: the boot-time allocator, used before the buddy allocator is up.
 *
 * It knows two lists of physical ranges: memory (the usable RAM of the
 * cleaned E820 map, in whole frames) and reservations (what must never be
 * handed out: frame 0 and the first 64 KiB, the kernel image, the boot
 * loader's data, and everything memblock itself allocated).  Allocation is
 * top-down below a caller's limit, in whole frames.  When the zones are
 * set up, memblock_free_pfns() gives what is left (memory minus
 * reservations, a frame touched by a reservation counts as reserved) and
 * memblock_retire() closes the allocator.  The reservation list stays, as
 * the record of where boot memory went (`memmap` draws it).
 *
 * Context: early boot, one CPU, interrupts off; no locking.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include "mm/e820.h"
#include "mm/types.h"

struct pfn_range;	/* mm/zones.h */

/* Usable ranges of a map of E820_MAX_ENTRIES entries: see mm/e820.h. */
#define MEMBLOCK_MAX_MEMORY	E820_MAX_ENTRIES
#define MEMBLOCK_MAX_RESERVED	64

/* One range.  Fields are set by memblock.c only. */
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	const char *name;	/* reservations: who holds it (static string) */
	bool allocated;		/* reservations: handed out by memblock_alloc() */
};

/*
 * memblock_reset - forget every range and reopen the allocator.
 * Context: early boot (host tests: before each case).  Returns: nothing.
 */
void memblock_reset(void);

/*
 * memblock_add - add usable RAM, shrunk to whole frames; overlapping or
 * touching ranges merge.
 * Context: early boot.
 * Returns: 0, or -E2BIG if the memory list is full (nothing changes).
 */
int memblock_add(phys_addr_t base, phys_addr_t size);

/*
 * memblock_reserve - record a range that must never be handed out.
 * Ranges may overlap each other and lie outside memory; @name says who
 * holds the range (a static string).
 * Context: early boot.
 * Returns: 0, -EINVAL for size 0, -E2BIG if the reservation list is full.
 */
int memblock_reserve(phys_addr_t base, phys_addr_t size, const char *name);

/*
 * memblock_alloc - allocate @size bytes (rounded up to whole frames),
 * aligned to @align (at least a frame), ending at or below @limit, as high
 * as possible.  The memory is not cleared.  After memblock_retire() the
 * request is refused with a report line.
 * Context: early boot.
 * Returns: the physical address, or 0 if nothing fits (frame 0 is never
 * handed out, so 0 is never a valid result).
 */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align,
			   phys_addr_t limit, const char *name);

/*
 * memblock_free_pfns - memory minus reservations, as sorted frame ranges.
 * Context: early boot.
 * Returns: 0 and *@nr, or -E2BIG if more than @cap ranges are needed.
 */
int memblock_free_pfns(struct pfn_range *out, unsigned int cap,
		       unsigned int *nr);

/*
 * memblock_retire - close the allocator once the zones own the free frames.
 * Context: early boot, after zones_init().  Returns: nothing; later
 * memblock_alloc() calls are refused and counted.
 */
void memblock_retire(void);

/*
 * The lists, read-only, for printing: counts and the i-th region.
 * Context: any.  Returns: the count, or the region (NULL past the end).
 */
unsigned int memblock_memory_count(void);
const struct memblock_region *memblock_memory_region(unsigned int i);
unsigned int memblock_reserved_count(void);
const struct memblock_region *memblock_reserved_region(unsigned int i);

/*
 * Statistics.  Context: any.  Returns: the bytes handed out by
 * memblock_alloc(), and the requests refused after memblock_retire().
 */
phys_addr_t memblock_allocated_bytes(void);
unsigned int memblock_refused(void);

/* The end of RAM.  Context: any.
 * Returns: one past the highest byte of memory, or 0 if there is none. */
phys_addr_t memblock_end_of_ram(void);

/*
 * memblock_check - verify the invariants listed in memblock.c.
 * Context: any.  Returns: the number of violations, each printed in one line.
 */
unsigned int memblock_check(void);

/*
 * memblock_dump - print both lists, one range a line.
 * Context: any, the panic path included.  Returns: nothing.
 */
void memblock_dump(void);

#endif /* MM_MEMBLOCK_H */
