/*
 * What mm/fault_inject.c asks of the allocators when injection is armed or
 * disarmed: each one reroutes its fast paths so that the requests
 * injection covers reach the slow path, where the check is.
 */
#ifndef MM_FAULT_INJECT_INTERNAL_H
#define MM_FAULT_INJECT_INTERNAL_H

/*
 * buddy_fault_inject_update - rebuild the fast path's zone table: empty
 * while page injection is armed (mm/buddy.c).
 * slab_fault_inject_update - set or clear SLAB_FAILSLAB on every cache
 * after the slab filter, and rebuild kmalloc's tables (mm/slab_cache.c).
 * Context: no allocator lock held; not in an IRQ handler.
 */
void buddy_fault_inject_update(void);
void slab_fault_inject_update(void);

#endif /* MM_FAULT_INJECT_INTERNAL_H */
