/*
 * Debugging of freed frames, off by default: page_poison fills a freed
 * frame with POISON_FREE_PAGE and checks it when the frame is handed out
 * again, so a write after free is reported; init_on_free zeroes a freed
 * frame, so stale data does not outlive its owner (and __GFP_ZERO need
 * not zero the frame again).  With page_poison on, init_on_free adds
 * nothing: the poison is what a freed frame holds.
 */
#ifndef MM_PAGE_DEBUG_H
#define MM_PAGE_DEBUG_H

#include "mm/page.h"

#define PAGE_DEBUG_POISON	0x1u	/* page_poison */
#define PAGE_DEBUG_INIT_ON_FREE	0x2u	/* init_on_free */
#define PAGE_DEBUG_MASK		(PAGE_DEBUG_POISON | PAGE_DEBUG_INIT_ON_FREE)

/*
 * Turns the options in flags on and the others off.  Every frame free at
 * that moment is filled as a free would fill it, and the zones' hot lists
 * are off while an option is on (mm/page_debug.c says why).
 * Context: boot or tests, with no allocation running on another CPU;
 * the HIGHMEM hooks below set already.
 * Returns: 0, or -EINVAL for an unknown flag.
 */
int page_debug_set(unsigned int flags);

/* The options on now (PAGE_DEBUG_*).  Context: any. */
unsigned int page_debug_flags(void);

/*
 * Frames found written while free since boot (each reported once, then
 * poisoned again).  Context: any.
 */
uint64_t page_poison_corrupted(void);

/*
 * Map and unmap one HIGHMEM frame for filling and checking (the VMM sets
 * them to kmap_local()/kunmap_local(); the host harness to the arena).
 * While they are NULL, HIGHMEM frames are neither filled nor checked.
 * Context: called under a zone lock, interrupts off.
 */
extern void *(*page_debug_kmap_hook)(struct page *page);
extern int (*page_debug_kunmap_hook)(const void *addr);

#endif /* MM_PAGE_DEBUG_H */
