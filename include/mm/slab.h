/*
 * The slab layer: object caches (Bonwick) and kmalloc on top of them.
 *
 * A cache hands out objects of one size carved from slabs, a slab being a
 * buddy block of 2^order frames.  kmalloc serves sizes up to 8192 bytes from
 * thirteen caches (kmalloc-8 .. kmalloc-8192); larger requests go straight
 * to the buddy allocator.
 *
 * Context: every function may be called with interrupts on or off, from an
 * IRQ handler too, once kmem_cache_init() has run; none may sleep.
 * Allocation with a gfp mask follows alloc_pages() (see gfp.h); slab memory
 * always comes from direct-mapped zones, so __GFP_HIGHMEM is ignored.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "mm/gfp.h"
#include "mm/types.h"

/* An object cache; its layout is mm/slab.c's (mm/slab_internal.h). */
struct kmem_cache;

/* kmem_cache_create() flags. */
#define SLAB_HWCACHE_ALIGN	0x01u	/* align objects to the cache line */
#define SLAB_DEBUG		0x02u	/* red zones, poison, misuse checks */
#define SLAB_VALID_FLAGS	(SLAB_HWCACHE_ALIGN | SLAB_DEBUG)

#define SLAB_CACHE_LINE		64u	/* bytes; 486 uses 16, P6 32, later 64 */
#define SLAB_MAX_ORDER		4	/* largest slab: 16 frames */
#define SLAB_MIN_OBJS		8	/* objects a slab should hold */
/* Empty slabs a cache keeps: MAX(SLAB_MAX_EMPTY, peak >> SLAB_EMPTY_SHIFT). */
#define SLAB_MAX_EMPTY		2
#define SLAB_EMPTY_SHIFT	0
#define SLAB_RED_ZONE		8u	/* red zone bytes on each side (debug) */
#define KMEM_CACHE_NAME_LEN	24

#define KMALLOC_MIN_SIZE	8u
#define KMALLOC_MAX_CACHE_SIZE	8192u	/* larger: whole buddy blocks */
#define KMALLOC_NR_CACHES	13

/* Event counters of one cache (monotonic but for quarantine). */
struct kmem_cache_stats {
	uint64_t allocs;		/* objects handed out */
	uint64_t requested;		/* bytes kmalloc() asked of them */
	uint64_t grown;			/* slabs made */
	uint64_t released;		/* slabs given back to the buddy allocator */
	uint64_t reclaimed;		/* of those, by the buddy's reclaim hook */
	uint64_t alloc_fail;		/* allocations that returned NULL */
	uint64_t refused;		/* misuse reported and refused */
	uint64_t quarantined;		/* corrupt free objects withheld */
};

/* Copy @cache's event counters into @st.  Context: any. */
void kmem_cache_stats(struct kmem_cache *cache, struct kmem_cache_stats *st);

/*
 * kmem_cache_init - set up the boot caches and the kmalloc caches.
 * @flags: SLAB_DEBUG to turn debug on for every cache (slab_debug on the
 * kernel command line; always in the host tests), else 0.
 * Context: early boot, once the buddy allocator is up (host tests: after
 * machine_boot()).
 * Returns: 0, or -ENOMEM if the kmalloc caches could not be made.
 */
int kmem_cache_init(unsigned int flags);

/*
 * kmem_cache_teardown - destroy the kmalloc and boot caches (host tests).
 * Context: no other slab user left.
 * Returns: 0, or -EBUSY if a cache still held live objects (each reported;
 * the state is then forgotten anyway so the next init starts clean).
 */
int kmem_cache_teardown(void);

/*
 * kmem_cache_create - make a cache of @size-byte objects.
 * @align: minimum alignment (0 = word; must be a power of two <= PAGE_SIZE)
 * @flags: SLAB_HWCACHE_ALIGN, SLAB_DEBUG
 * @ctor: run once on each object when its slab is made (with SLAB_DEBUG:
 * each time the object is handed out), or NULL
 * Context: any (allocates with GFP_KERNEL).
 * Returns: the cache, or NULL (bad arguments, no memory).
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *));

/*
 * kmem_cache_destroy - free every slab of an unused cache and the cache.
 * Refused with one line naming the cache and its live objects if any.
 * Returns: 0, or -EBUSY when refused.
 */
int kmem_cache_destroy(struct kmem_cache *cache);

/*
 * kmem_cache_alloc - take one object from @cache.  The zone bits of @gfp
 * matter only when a new slab is made (a cache mixes zones).
 * Returns: the object (constructed if the cache has a ctor, zeroed with
 * __GFP_ZERO), or NULL when no slab could be made.
 */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);

/* kmem_cache_zalloc - kmem_cache_alloc() with __GFP_ZERO.  Returns: ditto. */
void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp);

/*
 * kmem_cache_free - give back an object of @cache.
 * Misuse (foreign pointer, wrong cache, and with debug: double free, red
 * zone overwritten) is reported in one line and refused.
 * Returns: nothing; a refusal bumps the cache's refused counter.
 */
void kmem_cache_free(struct kmem_cache *cache, void *obj);

/*
 * kmem_cache_shrink - give the cache's empty slabs back to the buddy
 * allocator, the active slab too if it is empty.
 * Returns: the number of frames released.
 */
unsigned int kmem_cache_shrink(struct kmem_cache *cache);

/* kmem_cache_shrink() on every cache.  Returns: frames released. */
unsigned int kmem_cache_shrink_all(void);

/*
 * kmem_cache_reclaim - the buddy allocator's reclaim hook (set by
 * kmem_cache_init()): kmem_cache_shrink() of every cache whose locks are
 * free, skipping (not waiting for) any whose lock is held, since on one
 * CPU a held lock belongs to the context this call runs in or interrupted
 * (slab_grow() calls alloc_pages() with its cache's lock held, and with
 * kmem_slab's too when it grows the descriptor cache).
 * Context: any, IRQ handlers and callers holding slab locks included.
 * Returns: frames released.
 */
unsigned long kmem_cache_reclaim(void);

/* What kmem_cache_reclaim() did since boot. */
struct slab_reclaim_stats {
	uint64_t calls;			/* times it ran */
	uint64_t frames;		/* frames it gave back */
	uint64_t skipped;		/* caches passed over: a lock held */
};

/* Copy the reclaim counters.  Context: any. */
void slab_reclaim_stats(struct slab_reclaim_stats *st);

/*
 * kmem_cache_check - verify the cache's invariants (listed above struct
 * kmem_cache in mm/slab_internal.h).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int kmem_cache_check(struct kmem_cache *cache);
unsigned int kmem_cache_check_all(void);

/* Per-cache totals and slab geometry, for slabinfo and tests. */
struct kmem_cache_info {
	unsigned long active_objs;	/* allocated, quarantined ones excluded */
	unsigned long num_objs;
	unsigned long active_slabs;	/* slabs with an allocated object */
	unsigned long num_slabs;
	unsigned long quarantined;
	unsigned int objs_per_slab;
	unsigned int pages_per_slab;	/* frames per slab, 2^order */
	unsigned int flags;		/* SLAB_* the cache was made with */
};

/* Fill @info for @cache.  Context: any. */
void kmem_cache_info(struct kmem_cache *cache, struct kmem_cache_info *info);

/* Frames held by all caches (what meminfo's Slab: line counts). */
unsigned long slab_total_frames(void);

/*
 * Frames of slabs holding no allocated object, which
 * kmem_cache_reclaim() gives back (meminfo's SReclaimable:).
 * Context: any but an IRQ handler.  Returns: the count now.
 */
unsigned long slab_reclaimable_frames(void);

/*
 * slabinfo_dump - print /proc/slabinfo (version 2.1) for every cache.
 * Context: any; takes each cache's lock in turn.
 */
void slabinfo_dump(void);

/* Look a cache up by name.  Returns: the cache or NULL. */
struct kmem_cache *kmem_cache_find(const char *name);

/*
 * kmalloc - allocate @size bytes (not zeroed unless __GFP_ZERO).
 * Sizes up to 8192 come from the kmalloc-N cache of the next size class;
 * larger ones, and every GFP_DMA request, are a buddy block whose order
 * lives in its head page.
 * Context: any.
 * Returns: the memory (8-byte aligned; page aligned beyond 8192 bytes),
 * or NULL (also for size 0).
 */
void *kmalloc(size_t size, gfp_t gfp);

/* kzalloc - kmalloc() of zeroed memory.  Returns: ditto. */
void *kzalloc(size_t size, gfp_t gfp);

/* kcalloc - zeroed array of @n elements.  Returns: NULL also on overflow. */
void *kcalloc(size_t n, size_t size, gfp_t gfp);

/*
 * krealloc - resize @p to @size bytes, keeping the contents up to the
 * smaller size; in place when ksize(p) suffices.  krealloc(NULL, ...) is
 * kmalloc(); size 0 frees @p.
 * Returns: the new memory, or NULL (then @p is untouched, except size 0).
 */
void *krealloc(const void *p, size_t size, gfp_t gfp);

/*
 * ksize - usable bytes at @p (the class size, or the whole buddy block).
 * Returns: that size, or 0 for NULL or a pointer kmalloc did not hand out.
 */
size_t ksize(const void *p);

/*
 * kfree - give back memory from kmalloc() and friends, or any slab object.
 * kfree(NULL) does nothing; a pointer that no cache or large allocation
 * handed out is reported in one line and refused.
 * Context: any.
 */
void kfree(const void *p);

/* kmalloc's size-class table and internal-waste counters. */
struct kmalloc_stats {
	uint64_t requested;		/* bytes asked for, since boot */
	uint64_t allocated;		/* bytes handed out (ksize), since boot */
	uint64_t large_allocs;		/* requests served by the buddy */
	uint64_t large_pages;		/* frames now held by large requests */
	uint64_t refused;		/* foreign kfree()s refused */
	uint64_t failed;		/* requests that returned NULL */
};

/* Copy the counters.  Context: any. */
void kmalloc_get_stats(struct kmalloc_stats *st);

/* The cache kmalloc(size) uses, or NULL if size is 0 or too large. */
struct kmem_cache *kmalloc_cache(size_t size);

/*
 * slab_meminfo_dump - print the KmallocRequested: and KmallocWaste: lines
 * in /proc/meminfo layout ("%-16s%8lu kB"): bytes requested since boot
 * and bytes handed out beyond them (class rounding), both in kB.
 */
void slab_meminfo_dump(void);

#endif /* MM_SLAB_H */
