/*
 * The binary buddy allocator: per-zone free maps of 2^order frames.
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
 * keeps at least its low watermark free afterwards (GFP_ATOMIC: half its
 * min watermark, so only atomic requests ever take a zone below min).
 * The head carries PG_head and the order; the other frames of the block
 * are not written (they carry their zone bits, as free frames do).
 * __GFP_ZERO skips HIGHMEM while buddy_zero_highpage_hook is NULL.
 * Context: any, IRQ handlers included; never sleeps.
 * Returns: the head page (refcount 1), or NULL (one console line unless
 * __GFP_NOWARN, or none if fault injection failed it).
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);

static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}

/*
 * __free_pages - drop a reference to a block from alloc_pages(); the block
 * goes back to its zone when that was the last one (as put_page()).  On a
 * PG_slab head the count field holds the slab's pointer and stands for the
 * one reference.  The owner clears what it set in the tail frames first
 * (a tail that is not clean is corrupted state: MM_DEBUG builds panic).
 * Misuse (double free, wrong order, foreign pfn, misaligned, reserved frame,
 * tail frame) is reported in one line and refused; nothing changes but the
 * zone's refused_frees counter.
 * Context: any, IRQ handlers included.
 * Returns: 0, or -EINVAL when the free was refused.
 */
int __free_pages(struct page *page, unsigned int order);

/*
 * __get_free_pages - alloc_pages() returning a direct-mapped address
 * (__GFP_HIGHMEM is ignored).  free_pages - __free_pages() by address;
 * NULL is a no-op, an unaligned address is refused with a report.
 * Context: any.  Returns: the address or NULL; 0 or -EINVAL.
 */
void *__get_free_pages(gfp_t gfp, unsigned int order);
int free_pages(void *addr, unsigned int order);

/*
 * get_page - take one more reference to an allocated head or a reserved
 * frame (a free, tail or slab frame is refused with a report).
 * put_page - drop one; the block (order from its head) is freed at zero;
 * misuse as for __free_pages().  On a plain allocated head, a reference
 * that is not the last is taken or dropped with one atomic instruction
 * and no lock; the caller must hold a reference of its own.
 * Context: any.  Returns: nothing.
 */
void get_page(struct page *page);
void put_page(struct page *page);

/*
 * Zeroes one HIGHMEM frame for __GFP_ZERO (the VMM sets it, mapping the
 * frame with kmap; the host test harness sets one using the arena).
 * Context: called with no lock held, from any context alloc_pages() is.
 */
extern void (*buddy_zero_highpage_hook)(struct page *page);

/*
 * Gives memory back to the buddy allocator when a request cannot be met:
 * called once per failing request, with no lock held, before the request
 * is retried once.  The slab layer sets it (empty slabs it keeps cached).
 * Context: any context alloc_pages() is called from; never sleeps.
 * Returns: frames freed (0: nothing to give, no retry).
 */
extern unsigned long (*buddy_reclaim_hook)(void);

/* Refused frees, puts and gets: all zones plus pfns outside every zone.
 * Context: any.  Returns: the count since boot. */
uint64_t buddy_refused_frees(void);

/*
 * buddy_zone_init - empty free maps for a zone whose span is already set.
 * buddy_free_bootmem - hand frames [start, end) of one zone, all still
 * PG_reserved, into its maps as maximal aligned blocks.
 * Context: early boot (zones_init()).  Returns: nothing.
 */
void buddy_zone_init(struct zone *zone);
void buddy_free_bootmem(struct zone *zone, pfn_t start, pfn_t end);

/*
 * buddy_add_reserved - frames [start, end) of one zone that the firmware
 * kept (counted neither present nor managed, all PG_reserved) become
 * present and free, as buddy_free_bootmem() hands them over.
 * Context: boot, one CPU (acpi_reclaim).  Returns: nothing.
 */
void buddy_add_reserved(struct zone *zone, pfn_t start, pfn_t end);

/*
 * buddy_drain_hot - move every frame on this CPU's hot lists of the zone
 * back to the buddy maps, and those of every CPU not online; ask each
 * other online CPU for its lists (a drain request and arch_cpu_kick()),
 * without waiting for it.  buddy_drain_hot_sync - the same, then wait
 * (bounded: mm/buddy_pcp.c, "Waiting") for the CPUs asked to drain, for
 * a caller that needs every hot frame back (a snapshot of the counts).
 * Context: any; _sync with no zone lock held.  Returns: nothing; 0, or
 * -ETIMEDOUT if a CPU asked had not drained in time (its lists stay).
 */
void buddy_drain_hot(struct zone *zone);
int buddy_drain_hot_sync(struct zone *zone);

/*
 * The remote drain counters of one zone: requests that failed while
 * other CPUs' lists held frames, and so asked them, waited and tried
 * again (waits), and waits after which a CPU asked had still not
 * drained (timeouts).
 * Context: any.  Returns: nothing.
 */
struct buddy_drain_stats {
	uint64_t waits;
	uint64_t timeouts;
};

void buddy_drain_stats(struct zone *zone, struct buddy_drain_stats *out);

/*
 * buddy_block_head - the head of the allocated block holding page (page
 * itself if it is a head), found by alignment: no tail frame says where
 * its head is.
 * Context: any (takes zone->lock).
 * Returns: the head, or NULL if page is free, reserved or in no zone.
 */
struct page *buddy_block_head(struct page *page);

/*
 * buddy_check - verify every invariant of the zone's maps (B1..B9,
 * listed above struct zone); buddy_check_all does every zone.
 * Context: any (walks the whole span with interrupts off).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int buddy_check(struct zone *zone);
unsigned int buddy_check_all(void);

/* Free blocks per order, counting hot-list frames as order-0 blocks.
 * Context: any.  Returns: nothing (fills counts). */
void buddy_free_counts(struct zone *zone, uint32_t counts[NR_ORDERS]);

/* Print /proc/buddyinfo lines for every populated zone.
 * Context: any.  Returns: nothing. */
void buddy_dump(void);

#endif /* MM_BUDDY_H */
