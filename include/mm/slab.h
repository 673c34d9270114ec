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
#define SLAB_EMPTY_SHIFT	0
#define SLAB_RED_ZONE		8u	/* red zone bytes on each side (debug) */
#define KMEM_CACHE_NAME_LEN	24

/* Objects a cache's magazine holds (LIFO, in front of the slab maps). */
#define SLAB_MAG_SIZE		16u
/*
 * free_base is kept this many bytes before the object it stands for, so
 * that the cache holds no pointer to the first byte of an object it
 * handed out: memcheck's leak check would take one for a reference and
 * miss a leaked object (host builds).  The fast path adds it back for
 * free, in the same address computation.
 */
#define SLAB_BASE_BIAS		1u
/* Free maps: one bit per slot, in words of the machine's long. */
#define SLAB_MAP_BITS		(8u * (unsigned int)sizeof(unsigned long))
/* An off-slab descriptor maps up to this many slots (more: on-slab). */
#define SLAB_DESC_MAP_BITS	64u

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
 * Which slots are free is a bitmap in the descriptor (bit i of the map:
 * slot i is free), not a list threaded through the free objects: a free
 * sets one bit in the descriptor and never writes to the object, so
 * freeing a cold object costs no miss on the object's line, and a second
 * free of a slot already free in the map is seen exactly, debug or not.
 * Allocation takes the lowest set bit, so a slab is always handed out in
 * address order, however randomly it was freed, and a new or emptied slab
 * needs no list built through it.
 *
 * Slabs of at most SLAB_DESC_MAP_BITS objects (objects of about 64 bytes
 * and up) have an off-slab descriptor, an object of the cache "kmem_slab":
 * the descriptors of all slabs then sit side by side in a few frames, and
 * a free to a cold slab touches one line that is likely cached.  Slabs of
 * more, smaller objects carry their descriptor and its longer map in their
 * first bytes (on-slab), where it costs them a few slots; so do the two
 * boot caches, which is how the descriptor cache itself gets going:
 *
 *   off-slab:  +--------+--------+-- ... --+----------+-------+
 *              | slot 0 | slot 1 |         | slot n-1 | waste |
 *              +--------+--------+-- ... --+----------+-------+
 *              ^ s_mem == page_address(head)
 *   on-slab:   +--------+-----+-----+--------+-- ... --+----------+-------+
 *              | struct | map | pad | slot 0 |         | slot n-1 | waste |
 *              |  slab  |     |     |        |         |          |       |
 *              +--------+-----+-----+--------+-- ... --+----------+-------+
 *              ^ page_address(head)   ^ s_mem (aligned to the cache's align)
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
	char *s_mem;			/* first slot */
	struct slab *next;		/* on the cache list named by `list` */
	struct slab *prev;
	uint16_t inuse;			/* slots not free in the map: allocated,
					 * quarantined, or held by the cache */
	uint16_t quarantined;		/* objects withheld after corruption */
	uint8_t list;			/* enum slab_list_id */
	/*
	 * Two maps of cache->map_words words each, interleaved: map[2k]
	 * has the free slots of its 64 (i386: 32), map[2k + 1] the slots
	 * the cache holds (in its magazine or the word it holds).
	 */
	unsigned long map[];
};

/*
 * A magazine entry: a freed object and, so that taking it out again
 * needs no lookup of its slab, the word and bit of its slot in the
 * slab's held map.
 */
struct slab_mag_entry {
	void *obj;
	unsigned long *word;
	unsigned long bit;
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
	uint64_t reclaimed;		/* of those, by the buddy's reclaim hook */
	uint64_t alloc_fail;		/* allocations that returned NULL */
	uint64_t refused;		/* misuse reported and refused */
	uint64_t quarantined;		/* corrupt free objects withheld */
};

/*
 * An object cache.
 *
 * Slot layout, without debug:
 *
 *   | object (size rounded to a word) | pad to align |
 *
 * With SLAB_DEBUG:
 *
 *   | red zone | object (size) | red zone (to next word + 8) | last free | pad |
 *   ^ slot     ^ obj_off                                     ^ obj_off+track_off
 *
 * Red zones read RED_ACTIVE while the object is allocated and RED_INACTIVE
 * while it is free; a free object is filled with POISON_FREE_OBJ and ends
 * with POISON_FREE_OBJ_END (with a constructor too: debug caches construct
 * each object when they hand it out, see mm/slab_debug.c).  The word after
 * the right red zone records who freed the object last.
 *
 * The fast path works on the magazine and on one word of the active
 * slab's map.  The magazine (mag[1..mag_n], newest last; mag[0] is empty)
 * takes freed objects as they are, up to mag_max, and hands the newest
 * out first: an object freed and allocated again goes through as a
 * pointer and one bit, with no index to compute.  Behind it the
 * cache holds one word of the active slab's map (free_bits) and takes the
 * lowest bit per allocation, without touching the slab descriptor; a free
 * to a slot of that word, once the magazine is full, sets its bit there.
 * Objects in the magazine and the slots of the word the cache holds count
 * as in use in their slab (inuse) and are clear in its map, so every slab,
 * the active one included, has exactly objs_per_slab - inuse bits set.
 * Each slab has a second map, the held map, with the bits of the slots
 * the cache holds: those in the magazine and those of the word it holds
 * (free_bits).  A magazine entry keeps its word and bit, so taking the
 * object out clears it without finding the slab.  A free then sees
 * exactly whether its object is free already, wherever it is (its
 * slab's map, the word the cache holds, the magazine: one bit of two
 * words side by side) and is refused at once; no double free ever gets
 * into the magazine, so none can hand an object out twice.
 * Debug caches have no magazine (mag_max 0): every free is checked in
 * full and goes to its slab's map.
 *
 * Invariants (checked by kmem_cache_check()):
 *  1. A slab on the partial list has 0 < inuse < objs_per_slab; on the
 *     full list inuse == objs_per_slab; on the empty list inuse == 0.
 *  2. Each slab's `list` names the list it is on, lists[i].nr counts it,
 *     its `cache` is this cache, and every frame of it is PG_slab with
 *     `private` pointing at the slab.
 *  3. A slab's map has exactly objs_per_slab - inuse bits set, none at or
 *     beyond objs_per_slab, and quarantined <= inuse.  Its held map has
 *     a bit set for each magazine entry of the slab and, for the active
 *     slab, each bit of free_bits, and no other; none is also free.
 *  4. lists[SLAB_EMPTY].nr <= max_empty, and max_empty is
 *     MAX(SLAB_MAX_EMPTY, peak_slabs >> SLAB_EMPTY_SHIFT), peak_slabs
 *     being at least the slabs the cache holds now.
 *  5. (debug) Both red zones of every free object read RED_INACTIVE.
 *  6. The active slab is on no list; free_word points into its map,
 *     free_bits has no bit at or beyond objs_per_slab and none that is
 *     also set in *free_word, inuse >= popcount(free_bits) + quarantined,
 *     and free_base + SLAB_BASE_BIAS is the object of bit 0 of that word.
 *     Without an
 *     active slab, free_bits is 0 and free_word and free_base are NULL;
 *     with one, free_bits is 0 whenever free_word is NULL.
 *  7. mag_n <= mag_max, mag[0].obj is NULL, and mag[1..mag_n] are
 *     distinct objects of this cache's slabs whose slots are neither free
 *     in their map nor in free_bits, each entry's word and bit naming
 *     its slot in its slab's held map.
 *
 * Set at creation and read-only after: everything but lock, mag_n, mag,
 * free_bits, free_base, free_word, active, lists, max_empty, peak_slabs,
 * stats (cache lock) and next (slab_caches_lock).
 */
struct kmem_cache {
	mm_lock_t lock;
	unsigned int mag_n;		/* objects in the magazine */
	unsigned int mag_max;		/* SLAB_MAG_SIZE; 0 if SLAB_DEBUG */
	unsigned int stride;		/* bytes per slot */
	unsigned long free_bits;	/* free slots of the word held */
	char *free_base;		/* object of bit 0 of that word, less
					 * one byte (SLAB_BASE_BIAS) */
	unsigned long *free_word;	/* the map word they came from, in
					 * the active slab, or NULL */
	uint32_t inverse;		/* of stride's odd part, mod 2^32 */
	unsigned int stride_shift;	/* trailing zero bits of stride */
	unsigned int fast_objs;		/* objs_per_slab; 0 if SLAB_DEBUG */
	unsigned int flags;		/* SLAB_* */
	struct kmem_cache_stats stats;
	struct slab_mag_entry mag[SLAB_MAG_SIZE + 1];	/* 1..mag_n */
	struct slab *active;		/* the slab allocations come from */
	struct slab_list lists[SLAB_NR_LISTS];
	unsigned int size;		/* object size the creator asked for */
	unsigned int object_size;	/* usable bytes (ksize): size rounded */
	uint32_t reciprocal;		/* 2^32 / stride, rounded up */
	unsigned int obj_off;		/* slot start to object */
	unsigned int track_off;		/* object to its last-free word (debug) */
	unsigned int align;
	unsigned int order;		/* slab = 2^order frames */
	unsigned int objs_per_slab;
	unsigned int map_words;		/* words of each of a slab's two maps */
	unsigned int s_mem_off;		/* slab start to s_mem: the on-slab
					 * descriptor and map, or 0 (off-slab) */
	unsigned int slots_bytes;	/* objs_per_slab * stride */
	unsigned int max_empty;		/* empty slabs kept (inv. 4) */
	unsigned int peak_slabs;	/* most slabs since the last shrink */
	void (*ctor)(void *obj);
	struct kmem_cache *next;	/* on the list of all caches */
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
