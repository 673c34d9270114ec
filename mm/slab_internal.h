/*
 * What mm/slab.c, mm/slab_debug.c and mm/kmalloc.c share and nobody else
 * sees: the list of caches, the free-link accessors, and the debug hooks.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "mm/page.h"
#include "mm/slab.h"

#define SLAB_PTR		((unsigned int)sizeof(void *))
#define SLAB_REPORT_BYTES	8

/* Every cache, newest first; guarded by slab_caches_lock. */
extern struct kmem_cache *slab_caches;
extern mm_lock_t slab_caches_lock;

/*
 * slab_sum_caches - call @fn on every cache, slab_caches_lock held.
 * Returns: the sum of what @fn returned.
 */
unsigned int slab_sum_caches(unsigned int (*fn)(struct kmem_cache *));

/*
 * The free link of @obj.  Free objects are no-access to memcheck (host
 * builds), so each access opens the link word alone.
 */
static inline void *slab_get_link_at(void *obj, unsigned int link_off)
{
	void **link = (void **)((char *)obj + link_off);
	void *next;

	mm_mark_defined(link, sizeof(*link));
	next = *link;
	mm_mark_noaccess(link, sizeof(*link));
	return next;
}

static inline void *slab_get_link(const struct kmem_cache *c, void *obj)
{
	return slab_get_link_at(obj, c->link_off);
}

static inline void slab_set_link(const struct kmem_cache *c, void *obj,
				 void *next)
{
	void **link = (void **)((char *)obj + c->link_off);

	mm_mark_undefined(link, sizeof(*link));
	*link = next;
	mm_mark_noaccess(link, sizeof(*link));
}

/* The list a slab belongs on by its count. */
static inline enum slab_list_id slab_list_for(const struct kmem_cache *c,
					      const struct slab *s)
{
	if (s->inuse == 0)
		return SLAB_EMPTY;
	return s->inuse == c->objs_per_slab ? SLAB_FULL : SLAB_PARTIAL;
}

/* The bytes a failed scan found, for the report. */
struct slab_found {
	uint8_t bytes[SLAB_REPORT_BYTES];
	unsigned int n;
};

/*
 * slab_report - one misuse line: what, the cache, the object, the offset
 * from the object's first byte, the bytes found there (or "-").
 */
void slab_report(struct kmem_cache *c, const char *what, const void *obj,
		 int off, const struct slab_found *found, void *caller);

/*
 * slab_obj_valid - is @obj the first byte of an object of @s?  Else *off
 * gets its offset from the object it falls in (from the slab header if
 * it lies outside the slots).  The division by the stride is a multiply
 * by its reciprocal, exact while rel * stride < 2^32 (slabs <= 64 KiB).
 * Returns: true or false.
 */
static inline bool slab_obj_valid(const struct kmem_cache *c,
				  const struct slab *s, const void *obj,
				  int *off)
{
	uintptr_t rel = (uintptr_t)obj - (uintptr_t)s->s_mem;
	uint32_t slot;

	if (unlikely(rel >= c->slots_bytes)) {
		*off = (int)((uintptr_t)obj - (uintptr_t)s);
		return false;
	}
	slot = (uint32_t)(((uint64_t)rel * c->reciprocal) >> 32);
	*off = (int)(rel - (uintptr_t)slot * c->stride) - (int)c->obj_off;
	return *off == 0;
}

/*
 * slab_obj_start - slab_obj_valid() in one compare, without the offset
 * (@obj_off and @limit: the cache's obj_off and objs_per_slab; or 0 and
 * fast_objs, which every object of a debug cache fails, and 0 is the
 * obj_off of every other cache): x = obj - s_mem - obj_off is a multiple
 * q of the stride, with q < @limit, exactly when rotating x * inverse
 * right by
 * stride_shift gives q; for any other 32-bit x the rotation gives more
 * than 2^32 / stride (x lies within the slab's frames, so the distance
 * fits in 32 bits either way).
 * Returns: true if @obj is the first byte of an object of @s.
 */
static inline bool slab_obj_start(const struct kmem_cache *c,
				  const struct slab *s, const void *obj,
				  unsigned int obj_off, unsigned int limit)
{
	uint32_t x = (uint32_t)((uintptr_t)obj - (uintptr_t)s->s_mem) -
		     obj_off;
	uint32_t q = x * c->inverse;

	q = (q >> c->stride_shift) | (q << (-c->stride_shift & 31));
	return q < limit;
}

/* Objects on cache->freelist (the active slab's free ones).  Lock held. */
unsigned int slab_active_free_locked(const struct kmem_cache *c);

/*
 * The fast paths, inline in kmem_cache_alloc()/kmem_cache_free() and in
 * kmalloc()/kfree(): a pop from or a push onto cache->freelist (the free
 * objects of the active slab) under the cache lock, nothing else.  Debug
 * caches, an empty freelist (carving, refill) and a free to any other
 * slab take one predictable branch each to the out-of-line slow paths in
 * mm/slab.c, which also do every misuse report.
 */
#define SLAB_INLINE	static inline __attribute__((always_inline))

/* The direct map as kmem_cache_init() found it (slab_virt_to_page()). */
extern uintptr_t slab_map_base, slab_map_bytes;

/* slab_virt_to_page() inline: one subtraction, one compare, one shift. */
SLAB_INLINE struct page *slab_page_of(const void *p)
{
	uintptr_t off = (uintptr_t)p - slab_map_base;

	if (unlikely(off >= slab_map_bytes))
		return NULL;
	return pfn_to_page((pfn_t)(off >> PAGE_SHIFT));
}

/*
 * slab_alloc_slow - slab_alloc() whole: debug checks and quarantine, the
 * refill of an empty freelist.  Returns: the object or NULL.
 */
void *slab_alloc_slow(struct kmem_cache *c, gfp_t gfp, size_t size,
		      void *caller);

/*
 * slab_alloc_empty - the fast path's continuation when the active slab
 * is used up (no free object, no slot left to carve), entered with the
 * cache lock held (@flags) in a cache without debug: refill, count,
 * unlock and finish as the fast path does.  Returns: the object or NULL.
 */
void *slab_alloc_empty(struct kmem_cache *c, gfp_t gfp, size_t size,
		       unsigned long flags);

/*
 * slab_zero - clear @obj, a new object of @c, out of line so that the
 * fast path needs no stack frame.  Returns: @obj.
 */
void *slab_zero(struct kmem_cache *c, void *obj);

/*
 * The pop from a cache without SLAB_DEBUG; @link_off is c->link_off
 * (kmalloc() knows it is 0 for its classes).
 */
SLAB_INLINE void *slab_alloc_fast(struct kmem_cache *c, gfp_t gfp,
				  size_t size, void *caller,
				  unsigned int link_off)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	void *obj;

	MM_DEBUG_ASSERT(link_off == c->link_off);

	(void)caller;
	obj = c->freelist;
	if (unlikely(!obj)) {
		/* Carve the active slab's next slot: a bump, no memory read. */
		if (unlikely(!c->bump_left))
			return slab_alloc_empty(c, gfp, size, flags);
		obj = c->bump;
		c->bump += c->stride;
		c->bump_left--;
	} else {
		c->freelist = slab_get_link_at(obj, link_off);
	}
	/* Two plain adds: the empty asm keeps them from being paired. */
	c->stats.allocs++;
	__asm__("" : "+m" (c->stats.allocs));
	c->stats.requested += size;
	mm_unlock_irqrestore(&c->lock, flags);
	mm_pool_alloc(c, obj, c->object_size);
	if (c->ctor)
		mm_mark_defined(obj, c->object_size);
	if (unlikely(gfp & __GFP_ZERO))
		return slab_zero(c, obj);
	return obj;
}

SLAB_INLINE void *slab_alloc_inline(struct kmem_cache *c, gfp_t gfp,
				    size_t size, void *caller)
{
	if (unlikely(c->flags & SLAB_DEBUG))
		return slab_alloc_slow(c, gfp, size, caller);
	return slab_alloc_fast(c, gfp, size, caller, c->link_off);
}

/*
 * The out-of-line ends of a free: slab_refuse() counts and reports a
 * refusal (Returns: -EINVAL); slab_free_checked() a free that failed
 * the fast compare (a refusal, or the debug path); slab_refuse_cache() one for an object of
 * another cache than @want; slab_free_debug_path() the debug checks and
 * then the free; slab_free_other() a free to a slab that is not the
 * active one, or a double free, entered with the cache lock held
 * (@flags) and leaving it released.  Returns: 0 or -EINVAL.
 */
int slab_refuse(struct kmem_cache *c, const char *what, void *obj, int off,
		void *caller);
int slab_free_checked(struct kmem_cache *c, struct slab *s, void *obj,
		      void *caller);
int slab_refuse_cache(struct kmem_cache *want, struct kmem_cache *c,
		      void *obj, void *caller);
int slab_free_debug_path(struct kmem_cache *c, struct slab *s, void *obj,
			 void *caller);
int slab_free_other(struct kmem_cache *c, struct slab *s, void *obj,
		    void *caller, unsigned long flags);

/* The locked part of a free that passed its checks. */
SLAB_INLINE int slab_free_locked_part(struct kmem_cache *c, struct slab *s,
				      void *obj, void *caller)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);

	/* obj == freelist: the evident double free, caught for free. */
	if (unlikely(s != c->active || obj == c->freelist))
		return slab_free_other(c, s, obj, caller, flags);
	mm_pool_free(c, obj);
	slab_set_link(c, obj, c->freelist);
	c->freelist = obj;
	mm_unlock_irqrestore(&c->lock, flags);
	return 0;
}

/*
 * Free @obj, which lies in a frame of slab @s of cache @c (what PG_slab
 * proves): it must still be an object's first byte, pass the debug checks
 * of a debug cache, and not be free already.
 */
SLAB_INLINE int slab_free_in(struct kmem_cache *c, struct slab *s,
			     void *obj, void *caller)
{
	if (unlikely(!slab_obj_start(c, s, obj, 0, c->fast_objs)))
		return slab_free_checked(c, s, obj, caller);
	return slab_free_locked_part(c, s, obj, caller);
}

/* slab_free() inline; see include/mm/slab.h for the contract. */
SLAB_INLINE int slab_free_inline(struct kmem_cache *want, struct slab *s,
				 void *obj, void *caller)
{
	if (unlikely(!s))
		return slab_refuse(want, "free of a foreign pointer", obj, 0,
				   caller);
	if (unlikely(want && want != s->cache))
		return slab_refuse_cache(want, s->cache, obj, caller);
	return slab_free_in(s->cache, s, obj, caller);
}

/*
 * Debug mode (mm/slab_debug.c): red zones and poison of a new object; the
 * checks of an object about to be handed out and of one being freed.
 * Returns (the checks): true if the operation may go on, else it was
 * reported.
 */
void slab_debug_init_object(struct kmem_cache *c, void *obj);
bool slab_alloc_debug(struct kmem_cache *c, void *obj, void *caller);
bool slab_free_debug(struct kmem_cache *c, void *obj, void *caller);

#endif /* MM_SLAB_INTERNAL_H */
