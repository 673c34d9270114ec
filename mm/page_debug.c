/*
 * page_poison and init_on_free: what a freed frame holds until it is
 * handed out again (include/mm/page_debug.h).
 *
 * Design.  The buddy allocator's fast paths know nothing of these
 * options, so that they cost nothing when off: while an option is on,
 * page_debug_set() empties the fast-path zone table and turns the hot
 * lists off, so every allocation goes through alloc_pages_slow() and
 * every free through buddy_release_slow(), and a free block lives in the
 * maps only.  A freed block is filled under the zone lock just before it
 * becomes free (page_debug_free(), before valgrind's no-access marking on
 * the host), so no allocation can see it half filled; a new block is
 * checked after the lock is dropped (page_debug_alloc()).  Turning an
 * option on fills every frame free at that moment, so the check never
 * meets a frame freed before.  A frame found written is reported in one
 * line (pfn, zone, offset of the first changed byte, the bytes found
 * there, how many differ), counted, and poisoned again, so its new owner
 * gets what it would have got.  HIGHMEM frames are reached through
 * page_debug_kmap_hook; without it they are neither filled nor checked.
 *
 * Locking: page_debug changes only in page_debug_set() (boot or tests);
 * fills run under zone->lock, checks without any lock, each on frames
 * only its caller owns.
 */
#include "buddy_internal.h"
#include "mm/page_debug.h"
#include "mm/poison.h"

unsigned int page_debug;
void *(*page_debug_kmap_hook)(struct page *page);
int (*page_debug_kunmap_hook)(const void *addr);

static uint64_t page_poison_bad;

#define POISON_WORD	(POISON_FREE_PAGE * 0x01010101u)
#define REPORT_BYTES	8u

/* The bytes of one frame, or NULL for a HIGHMEM frame with no way in. */
static uint8_t *page_debug_map(struct page *page)
{
	if (page_zonenum(page) != ZONE_HIGHMEM)
		return page_address(page);
	return page_debug_kmap_hook ? page_debug_kmap_hook(page) : NULL;
}

static void page_debug_unmap(struct page *page, const void *va)
{
	if (page_zonenum(page) == ZONE_HIGHMEM)
		page_debug_kunmap_hook(va);
}

void page_debug_free(struct page *page, unsigned int order)
{
	int byte = page_debug & PAGE_DEBUG_POISON ? POISON_FREE_PAGE : 0;
	uint32_t i;

	for (i = 0; i < (1u << order); i++) {
		uint8_t *va = page_debug_map(page + i);

		if (!va)
			continue;
		memset(va, byte, PAGE_SIZE);
		page_debug_unmap(page + i, va);
	}
}

/* The first byte of a frame that is not poison, or PAGE_SIZE. */
static uint32_t page_poison_first_bad(const uint8_t *va)
{
	const uint32_t *w = (const uint32_t *)va;
	uint32_t i, off;

	for (i = 0; i < PAGE_SIZE / 4 && w[i] == POISON_WORD; i++)
		;
	off = i * 4;
	while (off < PAGE_SIZE && va[off] == POISON_FREE_PAGE)
		off++;
	return off;
}

static __attribute__((noinline, cold)) void
page_poison_report(struct page *page, const uint8_t *va, uint32_t off)
{
	char found[REPORT_BYTES * 3 + 1] = "";
	uint32_t i, n = 0, differ = 0;
	unsigned long flags;

	for (i = 0; i < REPORT_BYTES && off + i < PAGE_SIZE; i++)
		n += (uint32_t)snprintf(found + n, sizeof(found) - n, "%s%02x",
					i ? " " : "", va[off + i]);
	for (i = off; i < PAGE_SIZE; i++)
		differ += va[i] != POISON_FREE_PAGE;
	printk("buddy: write after free in pfn 0x%x in zone %s at offset 0x%x: found %s, %u bytes differ from poison %02x\n",
	       page_to_pfn(page), page_zone(page)->name, off, found, differ,
	       POISON_FREE_PAGE);
	flags = arch_irq_save();
	page_poison_bad++;
	arch_irq_restore(flags);
}

/* Check one frame of a new block; report and poison it again if written. */
static void page_poison_check(struct page *page)
{
	uint8_t *va = page_debug_map(page);
	uint32_t off;

	if (!va)
		return;
	mm_mark_defined(va, PAGE_SIZE);
	off = page_poison_first_bad(va);
	if (unlikely(off < PAGE_SIZE)) {
		page_poison_report(page, va, off);
		memset(va, POISON_FREE_PAGE, PAGE_SIZE);
	}
	mm_mark_undefined(va, PAGE_SIZE);
	page_debug_unmap(page, va);
}

/* Are the frames of a block filled by page_debug_free(), all of them? */
static bool page_debug_reaches(const struct page *page)
{
	return page_zonenum(page) != ZONE_HIGHMEM || page_debug_kmap_hook;
}

gfp_t page_debug_alloc(struct page *page, unsigned int order, gfp_t gfp)
{
	uint32_t i;

	if (page_debug & PAGE_DEBUG_POISON) {
		for (i = 0; i < (1u << order); i++)
			page_poison_check(page + i);
		return gfp;
	}
	if (!(gfp & __GFP_ZERO) || !page_debug_reaches(page))
		return gfp;
	/* init_on_free: the block is zero already (valgrind: and defined) */
#ifdef MM_VALGRIND
	mm_mark_defined(arch_phys_to_virt(page_to_phys(page)),
			PAGE_SIZE << order);
#endif
	return gfp & ~__GFP_ZERO;
}

/* Fill every block free in the zone's maps (its hot lists are empty). */
static void page_debug_fill_zone_locked(struct zone *zone)
{
	unsigned int o;

	for (o = 0; o < NR_ORDERS; o++) {
		uint32_t b = hbitmap_next(&zone->free_area[o].map, 0);

		for (; b != HB_NONE;
		     b = hbitmap_next(&zone->free_area[o].map, b + 1)) {
			pfn_t pfn = zone->map_base + (b << o);

			buddy_mark_alloc(pfn, o);
			page_debug_free(pfn_to_page(pfn), o);
			buddy_mark_free(pfn, o);
		}
	}
}

int page_debug_set(unsigned int flags)
{
	unsigned int i;

	if (flags & ~PAGE_DEBUG_MASK)
		return -EINVAL;
	page_debug = flags;
	buddy_fast_zones_update();
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = &zones[i];
		unsigned long irq;

		if (!zone_populated(zone))
			continue;
		irq = mm_lock_irqsave(&zone->lock);
		hot_drain_all_locked(zone);
		zone_set_hot_lists(zone, !flags);
		if (flags)
			page_debug_fill_zone_locked(zone);
		mm_unlock_irqrestore(&zone->lock, irq);
	}
	return 0;
}

unsigned int page_debug_flags(void)
{
	return page_debug;
}

uint64_t page_poison_corrupted(void)
{
	return page_poison_bad;
}
