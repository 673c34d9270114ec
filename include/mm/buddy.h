/*
 * The binary buddy allocator: per-zone free lists of 2^order frames.
 *
 * Context: every function may be called with interrupts on or off, from an
 * IRQ handler too (they take zone->lock).  None may sleep.
 */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include "mm/gfp.h"
#include "mm/zones.h"

/*
 * alloc_pages - allocate 2^order physically contiguous frames.
 * Zones are tried in the order gfp selects (see gfp.h), each only while it
 * stays above its low watermark (min for GFP_ATOMIC).
 * Returns: the head page (refcount 1), or NULL.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);

static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}

/*
 * __free_pages - give back a block from alloc_pages().
 * Misuse (double free, wrong order, foreign pfn, misaligned, reserved frame,
 * tail frame) is reported in one line and refused; nothing changes but the
 * zone's refused_frees counter.
 * Returns: 0, or -EINVAL when the free was refused.
 */
int __free_pages(struct page *page, unsigned int order);

/* Kernel virtual address versions, for direct-mapped zones only. */
void *__get_free_pages(gfp_t gfp, unsigned int order);
int free_pages(void *addr, unsigned int order);

/* Reference counting: put_page() frees the frame when the count hits 0. */
void get_page(struct page *page);
void put_page(struct page *page);

/*
 * buddy_zone_init - empty free lists for a zone whose span is already set.
 * buddy_free_bootmem - hand frames [start, end) of one zone to its lists.
 * Context: early boot (zones_init()).
 */
void buddy_zone_init(struct zone *zone);
void buddy_free_bootmem(struct zone *zone, pfn_t start, pfn_t end);

/* Move every frame on the zone's hot list back to the buddy lists. */
void buddy_drain_hot(struct zone *zone);

/*
 * buddy_check - verify every invariant of the zone's lists (see buddy.c).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int buddy_check(struct zone *zone);
unsigned int buddy_check_all(void);

/* Free blocks per order, counting hot-list frames as order-0 blocks. */
void buddy_free_counts(struct zone *zone, uint32_t counts[NR_ORDERS]);

/* Print /proc/buddyinfo lines for every populated zone. */
void buddy_dump(void);

#endif /* MM_BUDDY_H */
