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
#include "mm/lock.h"

/* kmem_cache_create() flags. */
#define SLAB_HWCACHE_ALIGN	0x01u	/* align objects to the cache line */
#define SLAB_DEBUG		0x02u	/* red zones, poison, misuse checks */
#define SLAB_VALID_FLAGS	(SLAB_HWCACHE_ALIGN | SLAB_DEBUG)

#define SLAB_CACHE_LINE		64u	/* bytes; 486 uses 16, P6 32, later 64 */
#define SLAB_MAX_ORDER		4	/* largest slab: 16 frames */
#define SLAB_MIN_OBJS		8	/* objects a slab should hold */
/* Empty slabs a cache keeps: MAX(SLAB_MAX_EMPTY, peak >> SLAB_EMPTY_SHIFT). */
#define SLAB_MAX_EMPTY		2
#define SLAB_EMPTY_SHIFT	1
#define SLAB_RED_ZONE		8u	/* red zone bytes on each side (debug) */
#define KMEM_CACHE_NAME_LEN	24

#define KMALLOC_MIN_SIZE	8u
#define KMALLOC_MAX_CACHE_SIZE	8192u	/* larger: whole buddy blocks */
#define KMALLOC_NR_CACHES	13

/* Which list of its cache a slab is on (the active slab is on none). */
enum slab_list_id {
	SLAB_PARTIAL, SLAB_FULL, SLAB_EMPTY, SLAB_NR_LISTS,
	SLAB_ACTIVE = SLAB_NR_LISTS,
};

/*
 * A slab: a buddy block of 2^order frames carved into slots, and its
 * descriptor.  Every frame of the slab has PG_slab set and its `private`
 * pointing at the descriptor, so any object address leads to it through
 * virt_to_page() in O(1), whichever frame it lies in.
 *
 * The descriptor of a slab of any cache but the two boot caches is an
 * object of the cache "kmem_slab" (off-slab): the descriptors of all slabs
 * then sit side by side in a few frames, and a free to a cold slab finds
 * its counters in a line that is likely cached, instead of one line on a
 * page of its own per slab.  The boot caches' slabs carry their descriptor
 * in their first bytes (on-slab), which is how the descriptor cache itself
 * gets going:
 *
 *   off-slab:  +--------+--------+-- ... --+----------+-------+
 *              | slot 0 | slot 1 |         | slot n-1 | waste |
 *              +--------+--------+-- ... --+----------+-------+
 *              ^ s_mem == page_address(head)
 *   on-slab:   +--------+-----+--------+-- ... --+----------+-------+
 *              | struct | pad | slot 0 |         | slot n-1 | waste |
 *              |  slab  |     |        |         |          |       |
 *              +--------+-----+--------+-- ... --+----------+-------+
 *              ^ page_address(head)  ^ s_mem (aligned to the cache's align)
 *
 * Slots are carved lazily in caches without constructor or debug: the
 * first `carved` slots have been handed out at least once since the slab
 * was made or last emptied, the rest have never been touched; a slab
 * whose objects have all come back forgets its freelist and starts
 * carving from slot 0 again.  Allocation from a fresh or emptied slab is
 * then a bump of a pointer through memory in address order, and the
 * freelist never has to be threaded through a new slab.  Caches with a
 * constructor or debug carve every slot when the slab is made (the
 * constructor and the poison need each object once, up front).
 *
 * While PG_slab is set, `private` (in the place of the reference count) is
 * the slab layer's; before the block goes back, the flag is cleared and
 * the counts restored (1 on the head, 0 on the tails).  The order bits
 * stay the buddy allocator's.
 *
 * Fields change only under the owning cache's lock.
 */
struct slab {
	struct kmem_cache *cache;	/* owner, set at creation */
	void *freelist;			/* first free object or NULL (always
					 * NULL while the slab is active) */
	char *s_mem;			/* first slot */
	struct slab *next;		/* on the cache list named by `list` */
	struct slab *prev;
	uint16_t inuse;			/* objects allocated (incl. quarantined) */
	uint16_t quarantined;		/* objects withheld after corruption */
	uint16_t carved;		/* slots carved: 0 .. carved-1 */
	uint8_t list;			/* enum slab_list_id */
};

struct slab_list {
	struct slab *head;
	uint32_t nr;
};

/* Event counters of one cache (monotonic but for quarantine). */
struct kmem_cache_stats {
	uint64_t allocs;		/* objects handed out */
	uint64_t requested;		/* bytes kmalloc() asked of them */
	uint64_t grown;			/* slabs made */
	uint64_t released;		/* slabs given back to the buddy allocator */
	uint64_t alloc_fail;		/* allocations that returned NULL */
	uint64_t refused;		/* misuse reported and refused */
	uint64_t quarantined;		/* corrupt free objects withheld */
};

/*
 * An object cache.
 *
 * Slot layout, without debug (link inside the free object, at offset 0,
 * unless a constructor's state must survive: then after the object):
 *
 *   | object (size) [link] | pad to align |
 *
 * With SLAB_DEBUG:
 *
 *   | red zone | object (size) | red zone (to next word + 8) | link | pad |
 *   ^ slot     ^ obj_off                                     ^ obj_off+link_off
 *
 * Red zones read RED_ACTIVE while the object is allocated and RED_INACTIVE
 * while it is free; a free object is filled with POISON_FREE_OBJ and ends
 * with POISON_FREE_OBJ_END (with a constructor too: debug caches construct
 * each object when they hand it out, see mm/slab_debug.c).
 *
 * The fast path works on one slab, the active one: the cache holds its
 * whole freelist (cache->freelist) and its uncarved slots (bump,
 * bump_left), so an allocation is one pop and a free to that slab one
 * push, without touching the slab descriptor.  The active slab counts
 * every object as in use and every slot as carved; its free ones are
 * counted when it is filed back on a list (when used up, or by shrink,
 * destroy or the statistics, which walk cache->freelist).
 *
 * Invariants (checked by kmem_cache_check()):
 *  1. A slab on the partial list has 0 < inuse < objs_per_slab and a
 *     non-NULL freelist or uncarved slots; on the full list inuse ==
 *     objs_per_slab and no freelist; on the empty list inuse == 0.
 *  2. Each slab's `list` names the list it is on, lists[i].nr counts it,
 *     its `cache` is this cache, and every frame of it is PG_slab with
 *     `private` pointing at the slab.
 *  3. A slab's freelist holds exactly carved - inuse distinct objects,
 *     each at a slot boundary of that slab below slot `carved`;
 *     inuse <= carved <= objs_per_slab.
 *  4. lists[SLAB_EMPTY].nr <= max_empty, and max_empty is
 *     MAX(SLAB_MAX_EMPTY, peak_slabs >> SLAB_EMPTY_SHIFT), peak_slabs
 *     being at least the slabs the cache holds now.
 *  5. (debug) Both red zones of every free object read RED_INACTIVE.
 *  6. The active slab is on no list, has inuse == carved ==
 *     objs_per_slab and no freelist of its own; cache->freelist holds at
 *     most objs_per_slab - quarantined - bump_left of its objects
 *     (invariant 3 applied to it), and bump is the object of slot
 *     objs_per_slab - bump_left.  Without an active slab, freelist and
 *     bump are NULL and bump_left is 0.
 *  7. In a cache that does not carve lazily every slab has carved ==
 *     objs_per_slab; in one that does, an empty slab has carved == 0.
 *
 * Set at creation and read-only after: everything but lock, freelist,
 * bump, bump_left, active, lists, max_empty, peak_slabs, stats (cache
 * lock) and next (slab_caches_lock).
 */
struct kmem_cache {
	mm_lock_t lock;
	void *freelist;			/* free objects of the active slab */
	struct slab *active;		/* the slab allocations come from */
	char *bump;			/* next uncarved object of the active
					 * slab, or NULL */
	unsigned int bump_left;		/* uncarved slots of the active slab */
	unsigned int flags;		/* SLAB_* */
	struct slab_list lists[SLAB_NR_LISTS];
	unsigned int size;		/* object size the creator asked for */
	unsigned int object_size;	/* usable bytes (ksize): size rounded */
	unsigned int stride;		/* bytes per slot */
	uint32_t reciprocal;		/* 2^32 / stride, rounded up */
	uint32_t inverse;		/* of stride's odd part, mod 2^32 */
	unsigned int stride_shift;	/* trailing zero bits of stride */
	unsigned int obj_off;		/* slot start to object */
	unsigned int link_off;		/* object to its free link */
	unsigned int align;
	unsigned int order;		/* slab = 2^order frames */
	unsigned int objs_per_slab;
	unsigned int s_mem_off;		/* slab start to s_mem: the on-slab
					 * descriptor, or 0 (off-slab) */
	bool lazy;			/* carve lazily (no ctor, no debug) */
	unsigned int fast_objs;		/* objs_per_slab; 0 if SLAB_DEBUG */
	unsigned int slots_bytes;	/* objs_per_slab * stride */
	unsigned int max_empty;		/* empty slabs kept (inv. 4) */
	unsigned int peak_slabs;	/* most slabs since the last shrink */
	void (*ctor)(void *obj);
	struct kmem_cache *next;	/* on the list of all caches */
	struct kmem_cache_stats stats;
	char name[KMEM_CACHE_NAME_LEN];
};

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
 * kmem_cache_check - verify the cache's invariants (see struct kmem_cache).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int kmem_cache_check(struct kmem_cache *cache);
unsigned int kmem_cache_check_all(void);

/* Per-cache totals for slabinfo and tests. */
struct kmem_cache_info {
	unsigned long active_objs;	/* allocated, quarantined ones excluded */
	unsigned long num_objs;
	unsigned long active_slabs;	/* slabs with an allocated object */
	unsigned long num_slabs;
	unsigned long quarantined;
};

/* Fill @info for @cache.  Context: any. */
void kmem_cache_info(struct kmem_cache *cache, struct kmem_cache_info *info);

/* Frames held by all caches (what meminfo's Slab: line counts). */
unsigned long slab_total_frames(void);

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

/*
 * Internal to mm/slab.c and mm/kmalloc.c (and host tests).
 * slab_of_addr - the slab holding @p, or NULL if @p is not in a slab frame
 * (nor in the direct map at all).  Never faults on a foreign pointer.
 * slab_virt_to_page - the descriptor of @p's frame, or NULL if @p is not
 * in the direct map of low memory.
 * slab_alloc - the allocation path of kmem_cache_alloc() and kmalloc():
 * @size is what kmalloc() was asked for (0 from a cache user), counted in
 * the cache's stats.  Returns: the object or NULL.
 * slab_free - the free path of kmem_cache_free() and kfree(): @s is
 * slab_of_addr(@obj) (NULL: refused as foreign, so @cache must then be
 * set), @cache NULL means "the cache that owns @obj".
 * Returns: 0, or -EINVAL when refused.
 */
struct page *slab_virt_to_page(const void *p);
struct slab *slab_of_addr(const void *p);
int slab_free(struct kmem_cache *cache, struct slab *s, void *obj,
	      void *caller);
void *slab_alloc(struct kmem_cache *cache, gfp_t gfp, size_t size,
		 void *caller);

/* kmalloc's share of kmem_cache_init() / kmem_cache_teardown(). */
int kmalloc_init(void);
int kmalloc_teardown(void);

#endif /* MM_SLAB_H */
