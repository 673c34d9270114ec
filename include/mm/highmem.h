/*
 * Temporary kernel mappings of any frame: kmap_local() maps a HIGHMEM frame
 * in a slot of the kmap window (KMAP_BASE, KMAP_SLOTS slots) and returns
 * page_address() for a direct-mapped one.  Slots nest like a stack (per
 * CPU; kmem386 has one): unmap in the reverse order of mapping, and never
 * keep a mapping across a context switch.
 *
 * Locking: the slot stack is changed with interrupts off, so IRQ handlers
 * may map and unmap too (they unwind before returning).
 */
#ifndef MM_HIGHMEM_H
#define MM_HIGHMEM_H

#include "mm/page.h"

/*
 * kmap_local - a kernel virtual address for @page, valid until the
 * matching kunmap_local().  Panics if every slot is in use (a leak).
 * Context: any, after vmm_kernel_init().
 * Returns: the address of the page's first byte.
 */
void *kmap_local(struct page *page);

/*
 * kunmap_local - end the mapping made by kmap_local() that returned the
 * page containing @addr.  A direct-mapped address needs nothing; a kmap
 * slot that is not the most recent one is reported and refused.
 * Context: as kmap_local().
 * Returns: 0, or -EINVAL when refused.
 */
int kunmap_local(const void *addr);

/* This CPU's slots in use now, and misuse refused so far.  Context: any. */
unsigned int kmap_local_depth(void);
unsigned long kmap_local_refused(void);

/*
 * clear_highpage - zero one frame of any zone through a temporary mapping;
 * the buddy allocator's zeroing hook for HIGHMEM in the kernel.
 * Context: any, after vmm_kernel_init().
 */
void clear_highpage(struct page *page);

/* Forget every slot (host tests, after vmm_reset()). */
void kmap_local_reset(void);

#endif /* MM_HIGHMEM_H */
