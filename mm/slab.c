/*
 * Object caches: Bonwick's slab allocator over the buddy allocator.
 *
 * Design.  A cache carves slabs (buddy blocks of 2^order frames from the
 * direct map) into equal slots.  One slab is the active one; every other
 * is on one of three lists: partial, full or empty (at most max_empty of
 * those; more go back to the buddy allocator at once).  max_empty follows
 * the cache's peak: half the most slabs it held since its last shrink (at
 * least SLAB_MAX_EMPTY), so a cache that empties and refills in waves
 * keeps its slabs instead of making them anew each time, and never holds
 * more than half again what it once needed; kmem_cache_shrink() returns
 * every empty slab and starts the peak afresh.  A slab's descriptor is
 * an object of the cache kmem_slab (off-slab), so the descriptors of all
 * slabs lie together in a few frames and a free to a cold slab finds its
 * counters in a cached line; only the two boot caches (kmem_cache and
 * kmem_slab itself) keep theirs at the start of the slab.  The order is
 * the smallest one, up to SLAB_MAX_ORDER, whose slab holds SLAB_MIN_OBJS
 * objects with a waste (padding and tail) of at most 1/8 of the slab.
 * Free objects are linked through a word stored in the object itself (or
 * just after it when a constructor's state or debug poison must survive).
 * Every frame of a slab has PG_slab and `private` pointing at the
 * descriptor, so kfree() and kmem_cache_free() get from any object to its
 * slab and cache in O(1) without a size.  The constructor runs once per
 * object when its slab is made, never again on reuse (Bonwick's object
 * caching), except in debug caches, which poison every free object and
 * construct it when they hand it out (mm/slab_debug.c).
 *
 * Slots are carved lazily in caches without constructor or debug: a new
 * slab hands out its slots by bumping a pointer, and a slab whose objects
 * have all come back forgets its freelist and is carved afresh, so
 * allocation walks memory in address order however randomly the objects
 * were freed, and no freelist is ever threaded through a whole new slab.
 *
 * The fast path takes the cache lock (interrupts off) and pops from or
 * pushes onto cache->freelist, the free objects of the active slab, which
 * the cache took over whole when it made the slab active, or carves the
 * active slab's next slot (cache->bump): no slab descriptor is touched.
 * When both run dry, slab_alloc_refill() files the used-up slab as full
 * and activates a partial, an empty or a new slab; a free to any other
 * slab goes to that slab's own freelist and moves it by its new count
 * (slab_free_slow_locked()).  With SLAB_DEBUG (a flag per
 * cache; every cache with `slab_debug`, and in host tests) each slot gets
 * red zones and poison, checked on every allocation and free
 * (mm/slab_debug.c); a report names the cache, the object, the offset and
 * the bytes found, the operation is refused and the system carries on.  A
 * corrupt free object is quarantined: it stays counted in its slab but is
 * never handed out.
 *
 * Under valgrind (host build) each cache is a memcheck mempool: an
 * allocated object is a pool chunk, everything else in a slab is no-access
 * except an on-slab descriptor, so memcheck reports a use after free or a leaked
 * object as it would for malloc.  The slab layer's own reads and writes of
 * free memory (links, poison, red zones) open the bytes just around them.
 *
 * struct kmem_cache itself comes from kmem_cache_boot, and slab descriptors
 * from kmem_slab_boot: static caches with on-slab descriptors that need
 * no allocation to exist (the bootstrap problem).
 *
 * Locking: each cache's lock (interrupts off) guards its lists, its slabs
 * and its stats; slab_caches_lock guards the list of caches and is never
 * held while taking a cache lock, except by readers that walk the list
 * (order: slab_caches_lock, then a cache lock, then kmem_slab's lock,
 * then a zone lock).  All
 * functions may be called from IRQ handlers; none sleeps.
 */
#include "mm/buddy.h"
#include "slab_internal.h"

/* slab_obj_valid() divides by multiplying; exact while slabs <= 64 KiB. */
_Static_assert((PAGE_SIZE << SLAB_MAX_ORDER) <= 0x10000u,
	       "slab_obj_valid needs slabs of at most 64 KiB");

static struct kmem_cache kmem_cache_boot;	/* the cache of caches */
static struct kmem_cache kmem_slab_boot;	/* off-slab descriptors */
struct kmem_cache *slab_caches;			/* newest first */
mm_lock_t slab_caches_lock = MM_LOCK_INIT;
static unsigned int slab_debug_all;		/* SLAB_DEBUG or 0 */

/*
 * A new memcheck pool for a cache.  A test that never tore the slab layer
 * down leaves pools behind whose anchors a new arena may reuse; memcheck
 * aborts on a duplicate, so a stale pool is dropped first.
 */
static void slab_pool_create(void *anchor)
{
#ifdef MM_VALGRIND
	if (VALGRIND_MEMPOOL_EXISTS(anchor))
		mm_pool_destroy(anchor);
#endif
	mm_pool_create(anchor);
}

/* --- lists ------------------------------------------------------------ */

static void slab_list_del(struct kmem_cache *c, struct slab *s)
{
	struct slab_list *l = &c->lists[s->list];

	if (s->prev)
		s->prev->next = s->next;
	else
		l->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
	l->nr--;
}

static void slab_list_add(struct kmem_cache *c, struct slab *s,
			  enum slab_list_id id)
{
	struct slab_list *l = &c->lists[id];

	s->list = (uint8_t)id;
	s->prev = NULL;
	s->next = l->head;
	if (l->head)
		l->head->prev = s;
	l->head = s;
	l->nr++;
}

static void slab_move(struct kmem_cache *c, struct slab *s,
		      enum slab_list_id id)
{
	slab_list_del(c, s);
	slab_list_add(c, s, id);
}

/* --- making and releasing slabs -------------------------------------- */

static inline size_t slab_bytes(const struct kmem_cache *c)
{
	return (size_t)PAGE_SIZE << c->order;
}

/*
 * A fresh object: constructed (without debug), or poisoned and red-zoned
 * (debug caches construct when they hand an object out).
 */
static void slab_init_object(struct kmem_cache *c, void *obj)
{
	if (c->flags & SLAB_DEBUG) {
		slab_debug_init_object(c, obj);
	} else if (c->ctor) {
		mm_mark_undefined(obj, c->object_size);
		c->ctor(obj);
		mm_mark_noaccess(obj, c->object_size);
	}
}

/*
 * Record the slabs the cache holds now as its peak if they are more, or
 * (@reset, after a shrink) in any case, and size max_empty from the peak.
 */
static void slab_set_peak(struct kmem_cache *c, bool reset)
{
	unsigned int nr = (unsigned int)(c->stats.grown - c->stats.released);

	if (reset || nr > c->peak_slabs) {
		c->peak_slabs = nr;
		c->max_empty = MAX(SLAB_MAX_EMPTY, nr >> SLAB_EMPTY_SHIFT);
	}
}

/* The first byte of slab @s (its head frame's address). */
static inline char *slab_base(const struct kmem_cache *c, const struct slab *s)
{
	return s->s_mem - c->s_mem_off;
}

/*
 * A descriptor for a new slab of @c at @base: on-slab for the boot
 * caches, else an object of kmem_slab.  Returns: it, or NULL.
 */
static struct slab *slab_desc_alloc(struct kmem_cache *c, char *base,
				    gfp_t gfp)
{
	if (c->s_mem_off)
		return (struct slab *)base;
	return slab_alloc(&kmem_slab_boot,
			  gfp & ~(__GFP_HIGHMEM | __GFP_ZERO | __GFP_DMA), 0,
			  NULL);
}

/* Carve every slot of @s now: constructed or poisoned, all on its list. */
static void slab_carve_all(struct kmem_cache *c, struct slab *s)
{
	unsigned int i;
	char *obj;

	s->freelist = NULL;
	for (i = c->objs_per_slab; i-- > 0;) {
		obj = s->s_mem + i * c->stride + c->obj_off;
		slab_init_object(c, obj);
		slab_set_link(c, obj, s->freelist);
		s->freelist = obj;
	}
	s->carved = (uint16_t)c->objs_per_slab;
}

/* Allocate and format a slab.  Called with the cache lock held. */
static struct slab *slab_grow(struct kmem_cache *c, gfp_t gfp)
{
	struct page *page;
	struct slab *s;
	unsigned int i;
	char *base;

	page = alloc_pages(gfp & ~(__GFP_HIGHMEM | __GFP_ZERO), c->order);
	if (!page)
		return NULL;
	base = page_address(page);
	mm_mark_undefined(base, slab_bytes(c));
	s = slab_desc_alloc(c, base, gfp);
	if (!s) {
		__free_pages(page, c->order);
		return NULL;
	}
	s->cache = c;
	s->s_mem = base + c->s_mem_off;
	s->inuse = 0;
	s->quarantined = 0;
	s->carved = 0;
	s->freelist = NULL;
	for (i = 0; i < (1u << c->order); i++) {
		page_set(page + i, PG_slab);
		page[i].private = s;
	}
	mm_mark_noaccess(s->s_mem, base + slab_bytes(c) - s->s_mem);
	if (!c->lazy)
		slab_carve_all(c, s);
	c->stats.grown++;
	slab_set_peak(c, false);
	slab_list_add(c, s, SLAB_EMPTY);
	return s;
}

/* Unlink a slab and give its frames back (and its descriptor).  Lock held. */
static void slab_release(struct kmem_cache *c, struct slab *s)
{
	char *base = slab_base(c, s);
	struct page *page = virt_to_page(base);
	unsigned int i;

	slab_list_del(c, s);
	for (i = 0; i < (1u << c->order); i++) {
		page_clear(page + i, PG_slab);
		page[i].private = NULL;
		page[i]._refcount = i ? 0 : 1;
	}
	if (!c->s_mem_off)
		slab_free(&kmem_slab_boot, slab_of_addr(s), s, NULL);
	mm_mark_undefined(base, slab_bytes(c));
	c->stats.released++;
	__free_pages(page, c->order);
}

/* Release empty slabs beyond @keep.  Returns: frames released. */
static unsigned int slab_trim_locked(struct kmem_cache *c, unsigned int keep)
{
	unsigned int frames = 0;

	MM_DEBUG_ASSERT(mm_lock_held(&c->lock));
	while (c->lists[SLAB_EMPTY].nr > keep) {
		slab_release(c, c->lists[SLAB_EMPTY].head);
		frames += 1u << c->order;
	}
	return frames;
}

/* --- allocation ------------------------------------------------------- */

/* Free objects of the active slab: on the cache's freelist or uncarved. */
unsigned int slab_active_free_locked(const struct kmem_cache *c)
{
	unsigned int n = c->bump_left;
	void *obj;

	for (obj = c->freelist; obj && n <= c->objs_per_slab;
	     obj = slab_get_link(c, obj))
		n++;
	return n;
}

/*
 * A lazily carved slab whose objects have all come back forgets its
 * freelist: its next allocations carve from slot 0 again, in address
 * order, instead of following the order of the frees.
 */
static inline void slab_reset_if_empty(struct kmem_cache *c, struct slab *s)
{
	if (c->lazy && s->inuse == 0) {
		s->freelist = NULL;
		s->carved = 0;
	}
}

/* Hand the active slab its free objects back and file it on its list. */
static void slab_deactivate_locked(struct kmem_cache *c)
{
	struct slab *s = c->active;

	if (!s)
		return;
	s->inuse -= slab_active_free_locked(c);
	s->carved -= c->bump_left;
	s->freelist = c->freelist;
	c->freelist = NULL;
	c->bump = NULL;
	c->bump_left = 0;
	c->active = NULL;
	slab_reset_if_empty(c, s);
	slab_list_add(c, s, slab_list_for(c, s));
}

/* Take @s off its list; the cache takes over its freelist and its tail. */
static void slab_activate_locked(struct kmem_cache *c, struct slab *s)
{
	slab_list_del(c, s);
	s->list = SLAB_ACTIVE;
	c->active = s;
	c->freelist = s->freelist;
	c->bump_left = c->objs_per_slab - s->carved;
	c->bump = s->s_mem + s->carved * c->stride + c->obj_off;
	s->freelist = NULL;
	s->carved = (uint16_t)c->objs_per_slab;
	s->inuse = (uint16_t)c->objs_per_slab;
}

/* The next uncarved slot of the active slab (bump_left > 0).  Lock held. */
static inline void *slab_carve(struct kmem_cache *c)
{
	char *obj = c->bump;

	c->bump = obj + c->stride;
	c->bump_left--;
	return obj;
}

/* Pop from the active freelist, else carve.  Returns: NULL if neither. */
static inline void *slab_take_locked(struct kmem_cache *c)
{
	void *obj = c->freelist;

	if (obj) {
		c->freelist = slab_get_link(c, obj);
		return obj;
	}
	return c->bump_left ? slab_carve(c) : NULL;
}

/*
 * The slow path: the active slab is used up.  File it as full, activate a
 * partial slab, else an empty one, else a new one, and take from it.
 * Cache lock held.  Returns: the object or NULL.
 */
static __attribute__((noinline))
void *slab_alloc_refill(struct kmem_cache *c, gfp_t gfp)
{
	struct slab *s;
	void *obj;

	slab_deactivate_locked(c);
	s = c->lists[SLAB_PARTIAL].head;
	if (!s)
		s = c->lists[SLAB_EMPTY].head;
	if (!s)
		s = slab_grow(c, gfp);
	if (!s) {
		c->stats.alloc_fail++;
		return NULL;
	}
	slab_activate_locked(c, s);
	obj = slab_take_locked(c);
	MM_ASSERT(obj != NULL);		/* a partial, empty or new slab */
	return obj;
}

/* Withhold a corrupt object for good: it stays counted in its slab. */
static __attribute__((noinline))
void slab_quarantine(struct kmem_cache *c, void *obj, size_t size)
{
	struct slab *s = virt_to_page(obj)->private;
	unsigned long flags = mm_lock_irqsave(&c->lock);

	s->quarantined++;
	c->stats.quarantined++;
	c->stats.allocs--;
	c->stats.requested -= size;
	mm_unlock_irqrestore(&c->lock, flags);
}

__attribute__((noinline)) void *slab_zero(struct kmem_cache *c, void *obj)
{
	memset(obj, 0, c->object_size);
	return obj;
}

/*
 * The end of every slow allocation: valgrind's view, the constructor of a
 * debug cache, __GFP_ZERO.
 */
static inline void *slab_alloc_done(struct kmem_cache *c, gfp_t gfp,
				    void *obj)
{
	mm_pool_alloc(c, obj, c->object_size);
	if (c->ctor) {
		if (c->flags & SLAB_DEBUG)
			c->ctor(obj);
		mm_mark_defined(obj, c->object_size);
	}
	if (gfp & __GFP_ZERO)
		memset(obj, 0, c->object_size);
	return obj;
}

/*
 * Finish a slow allocation under the lock: refill when @obj is NULL, count
 * what was handed out, drop the lock.  Returns: the object or NULL.
 */
static void *slab_refill_unlock(struct kmem_cache *c, gfp_t gfp, size_t size,
				unsigned long flags, void *obj)
{
	if (!obj)
		obj = slab_alloc_refill(c, gfp);
	if (likely(obj != NULL)) {
		c->stats.allocs++;
		c->stats.requested += size;
	}
	mm_unlock_irqrestore(&c->lock, flags);
	return obj;
}

__attribute__((noinline))
void *slab_alloc_slow(struct kmem_cache *c, gfp_t gfp, size_t size,
		      void *caller)
{
	unsigned long flags;
	void *obj;

again:
	flags = mm_lock_irqsave(&c->lock);
	obj = slab_refill_unlock(c, gfp, size, flags, slab_take_locked(c));
	if (unlikely(!obj))
		return NULL;
	if (unlikely(c->flags & SLAB_DEBUG) &&
	    !slab_alloc_debug(c, obj, caller)) {
		slab_quarantine(c, obj, size);
		goto again;
	}
	return slab_alloc_done(c, gfp, obj);
}

__attribute__((noinline))
void *slab_alloc_empty(struct kmem_cache *c, gfp_t gfp, size_t size,
		       unsigned long flags)
{
	void *obj;

	MM_DEBUG_ASSERT(!(c->flags & SLAB_DEBUG) && !c->freelist &&
			!c->bump_left);
	obj = slab_refill_unlock(c, gfp, size, flags, NULL);
	if (unlikely(!obj))
		return NULL;
	return slab_alloc_done(c, gfp, obj);
}

void *slab_alloc(struct kmem_cache *c, gfp_t gfp, size_t size, void *caller)
{
	return slab_alloc_inline(c, gfp, size, caller);
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	return slab_alloc_inline(cache, gfp, 0, MM_CALLER());
}

void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp)
{
	return slab_alloc_inline(cache, gfp | __GFP_ZERO, 0, MM_CALLER());
}

/* --- free ------------------------------------------------------------- */

/*
 * The direct map as kmem_cache_init() found it: low memory is mapped
 * linearly from slab_map_base, so an address's frame is one subtraction
 * and one shift away, and anything outside is no slab object.
 */
uintptr_t slab_map_base, slab_map_bytes;

struct page *slab_virt_to_page(const void *p)
{
	return slab_page_of(p);
}

struct slab *slab_of_addr(const void *p)
{
	struct page *page = slab_page_of(p);

	if (!page || !page_test(page, PG_slab))
		return NULL;
	return page->private;
}

static void slab_count_refused(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);

	c->stats.refused++;
	mm_unlock_irqrestore(&c->lock, flags);
}

/* Refuse a free: count it, report it.  Returns: -EINVAL. */
__attribute__((noinline, cold))
int slab_refuse(struct kmem_cache *c, const char *what, void *obj, int off,
		void *caller)
{
	slab_count_refused(c);
	slab_report(c, what, obj, off, NULL, caller);
	return -EINVAL;
}

static __attribute__((noinline, cold))
int slab_refuse_inside(struct kmem_cache *c, struct slab *s, void *obj,
		       void *caller)
{
	int off;

	slab_obj_valid(c, s, obj, &off);
	return slab_refuse(c, "free of a pointer inside an object", obj, off,
			   caller);
}

__attribute__((noinline, cold))
int slab_refuse_cache(struct kmem_cache *want, struct kmem_cache *c,
		      void *obj, void *caller)
{
	char what[32 + KMEM_CACHE_NAME_LEN];

	snprintf(what, sizeof(what), "free of an object of cache %s", c->name);
	return slab_refuse(want, what, obj, 0, caller);
}

/*
 * Free to a slab that is not the active one: its own freelist, then the
 * list its new count calls for.  Cache lock held.
 * Returns: false for an evident double free (nothing changed).
 */
static bool slab_free_slow_locked(struct kmem_cache *c, struct slab *s,
				  void *obj)
{
	if (s == c->active || s->inuse == s->quarantined ||
	    obj == s->freelist)
		return false;
	mm_pool_free(c, obj);
	slab_set_link(c, obj, s->freelist);
	s->freelist = obj;
	s->inuse--;
	slab_reset_if_empty(c, s);
	if (s->list != slab_list_for(c, s)) {
		slab_move(c, s, slab_list_for(c, s));
		if (s->list == SLAB_EMPTY)
			slab_trim_locked(c, c->max_empty);
	}
	return true;
}

__attribute__((noinline))
int slab_free_other(struct kmem_cache *c, struct slab *s, void *obj,
		    void *caller, unsigned long flags)
{
	bool ok = slab_free_slow_locked(c, s, obj);

	mm_unlock_irqrestore(&c->lock, flags);
	if (!ok)
		return slab_refuse(c, "double free", obj, 0, caller);
	return 0;
}

__attribute__((noinline))
int slab_free_checked(struct kmem_cache *c, struct slab *s, void *obj,
		      void *caller)
{
	if (!slab_obj_start(c, s, obj, c->obj_off, c->objs_per_slab))
		return slab_refuse_inside(c, s, obj, caller);
	return slab_free_debug_path(c, s, obj, caller);
}

__attribute__((noinline))
int slab_free_debug_path(struct kmem_cache *c, struct slab *s, void *obj,
			 void *caller)
{
	if (!slab_free_debug(c, obj, caller)) {
		slab_count_refused(c);
		return -EINVAL;
	}
	return slab_free_locked_part(c, s, obj, caller);
}

int slab_free(struct kmem_cache *want, struct slab *s, void *obj,
	      void *caller)
{
	return slab_free_inline(want, s, obj, caller);
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	if (obj)
		slab_free_inline(cache, slab_of_addr(obj), obj, MM_CALLER());
}

/* --- creating and destroying caches ------------------------------------ */

/*
 * The first order whose slab holds SLAB_MIN_OBJS objects (or the largest)
 * with a waste (descriptor, padding, tail) of at most 1/8 of the slab;
 * failing that, the order with the smallest waste fraction.  Big objects
 * thus get slabs of several frames, so a slab is not used up (and the
 * slow path taken) every one or two allocations.
 * Returns: false if not even one object fits in the largest slab.
 */
static bool slab_pick_order(struct kmem_cache *c)
{
	size_t start = c->s_mem_off;
	uint64_t best_waste = 1, best_bytes = 0;
	unsigned int order, n;

	for (order = 0; order <= SLAB_MAX_ORDER; order++) {
		size_t bytes = (size_t)PAGE_SIZE << order, waste;

		if (start + c->stride > bytes)
			continue;
		n = (unsigned int)MIN((bytes - start) / c->stride, 0xffffu);
		waste = bytes - (size_t)n * c->stride;
		if (best_bytes == 0 ||
		    (uint64_t)waste * best_bytes < best_waste * bytes) {
			best_waste = waste;
			best_bytes = bytes;
			c->order = order;
			c->objs_per_slab = n;
		}
		if (waste * 8 <= bytes &&
		    (n >= SLAB_MIN_OBJS || order == SLAB_MAX_ORDER)) {
			c->order = order;
			c->objs_per_slab = n;
			return true;
		}
	}
	return best_bytes != 0;
}

/* Slot layout (see struct kmem_cache).  Returns: false if too large. */
/*
 * The inverse of odd @d modulo 2^32 (Newton's iteration: d * d == 1 mod 8,
 * and each step doubles the bits that are right), for slab_obj_start().
 */
static uint32_t slab_inverse(uint32_t d)
{
	uint32_t x = d;
	int i;

	for (i = 0; i < 4; i++)
		x *= 2 - d * x;
	return x;
}

static bool slab_layout(struct kmem_cache *c)
{
	unsigned int word = ALIGN_UP(c->size, SLAB_PTR);
	unsigned int slot;

	if (c->flags & SLAB_DEBUG) {
		c->obj_off = ALIGN_UP(SLAB_RED_ZONE, c->align);
		c->object_size = c->size;
		c->link_off = word + SLAB_RED_ZONE;
		slot = c->obj_off + c->link_off + SLAB_PTR;
	} else {
		c->obj_off = 0;
		c->object_size = word;
		c->link_off = c->ctor ? word : 0;
		slot = word + (c->ctor ? SLAB_PTR : 0);
	}
	c->stride = ALIGN_UP(slot, c->align);
	c->lazy = !(c->flags & SLAB_DEBUG) && !c->ctor;
	c->reciprocal = (uint32_t)(0xffffffffu / c->stride) + 1;
	c->stride_shift = (unsigned int)__builtin_ctz(c->stride);
	c->inverse = slab_inverse(c->stride >> c->stride_shift);
	if (!slab_pick_order(c))
		return false;
	c->slots_bytes = c->objs_per_slab * c->stride;
	c->fast_objs = (c->flags & SLAB_DEBUG) ? 0 : c->objs_per_slab;
	return true;
}

static int slab_cache_setup(struct kmem_cache *c, const char *name,
			    unsigned int size, unsigned int align,
			    unsigned int flags, void (*ctor)(void *),
			    bool on_slab)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; name[i] && i + 1 < sizeof(c->name); i++)
		c->name[i] = name[i];
	c->size = size;
	c->flags = flags;
	c->ctor = ctor;
	c->align = MAX(align, SLAB_PTR);
	if (flags & SLAB_HWCACHE_ALIGN)
		c->align = MAX(c->align, SLAB_CACHE_LINE);
	c->max_empty = SLAB_MAX_EMPTY;
	if (on_slab)
		c->s_mem_off = ALIGN_UP((unsigned int)sizeof(struct slab),
					c->align);
	if (!slab_layout(c))
		return -E2BIG;
	slab_pool_create(c);
	return 0;
}

static void slab_cache_link(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);

	c->next = slab_caches;
	slab_caches = c;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
}

/* Is @c on the list of caches?  (Reads nothing of @c itself.) */
static bool slab_cache_known_locked(const struct kmem_cache *c)
{
	const struct kmem_cache *k;

	for (k = slab_caches; k; k = k->next)
		if (k == c)
			return true;
	return false;
}

static void slab_cache_unlink_locked(struct kmem_cache *c)
{
	struct kmem_cache **pp;

	for (pp = &slab_caches; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	c->next = NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c;

	if (!name || !size || size > (PAGE_SIZE << SLAB_MAX_ORDER) ||
	    (flags & ~SLAB_VALID_FLAGS) || (align & (align - 1)) ||
	    align > PAGE_SIZE || !kmem_cache_boot.objs_per_slab) {
		printk("slab: kmem_cache_create(%s, %u, %u, 0x%x) refused (caller %p)\n",
		       name ? name : "(null)", size, align, flags, MM_CALLER());
		return NULL;
	}
	c = slab_alloc(&kmem_cache_boot, GFP_KERNEL, 0, MM_CALLER());
	if (!c)
		return NULL;
	if (slab_cache_setup(c, name, size, align, flags | slab_debug_all,
			     ctor, false) != 0) {
		printk("slab: kmem_cache_create(%s, %u): object too large\n",
		       name, size);
		slab_free(&kmem_cache_boot, slab_of_addr(c), c, NULL);
		return NULL;
	}
	slab_cache_link(c);
	return c;
}

/*
 * The descriptor slabs that a shrink or destroy of another cache emptied
 * go back with that cache's frames, so what a cache gives back is whole.
 * Called without any cache lock.
 */
static void slab_desc_trim(void)
{
	unsigned long flags = mm_lock_irqsave(&kmem_slab_boot.lock);

	slab_deactivate_locked(&kmem_slab_boot);
	slab_trim_locked(&kmem_slab_boot, 0);
	mm_unlock_irqrestore(&kmem_slab_boot.lock, flags);
}

/* Release every slab of a cache with no live object. */
static void slab_release_all(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned int id;

	slab_deactivate_locked(c);
	for (id = 0; id < SLAB_NR_LISTS; id++)
		while (c->lists[id].head)
			slab_release(c, c->lists[id].head);
	mm_unlock_irqrestore(&c->lock, flags);
	slab_desc_trim();
}

/* Destroy @c unless it has live objects (then report it, with @caller). */
static int slab_destroy(struct kmem_cache *c, void *caller)
{
	struct kmem_cache_info info;
	unsigned long flags;

	flags = mm_lock_irqsave(&slab_caches_lock);
	if (!slab_cache_known_locked(c)) {
		mm_unlock_irqrestore(&slab_caches_lock, flags);
		printk("slab: kmem_cache_destroy of %p, which is no cache (caller %p)\n",
		       (void *)c, caller);
		return -EINVAL;
	}
	kmem_cache_info(c, &info);
	if (info.active_objs == 0)
		slab_cache_unlink_locked(c);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	if (info.active_objs) {
		slab_count_refused(c);
		printk("slab: kmem_cache_destroy of cache %s refused: %lu objects still live (caller %p)\n",
		       c->name, info.active_objs, caller);
		return -EBUSY;
	}
	slab_release_all(c);
	mm_pool_destroy(c);
	return 0;
}

int kmem_cache_destroy(struct kmem_cache *cache)
{
	int ret;

	if (!cache)
		return 0;
	if (cache == &kmem_cache_boot || cache == &kmem_slab_boot) {
		printk("slab: kmem_cache_destroy of the boot cache refused (caller %p)\n",
		       MM_CALLER());
		return -EINVAL;
	}
	ret = slab_destroy(cache, MM_CALLER());
	if (ret == 0)
		slab_free(&kmem_cache_boot, slab_of_addr(cache), cache,
			  MM_CALLER());
	return ret;
}

unsigned int kmem_cache_shrink(struct kmem_cache *cache)
{
	unsigned long flags = mm_lock_irqsave(&cache->lock);
	unsigned int frames;

	slab_deactivate_locked(cache);
	frames = slab_trim_locked(cache, 0);
	slab_set_peak(cache, true);
	mm_unlock_irqrestore(&cache->lock, flags);
	slab_desc_trim();
	return frames;
}

unsigned int slab_sum_caches(unsigned int (*fn)(struct kmem_cache *))
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	unsigned int sum = 0;
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next)
		sum += fn(c);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return sum;
}

unsigned int kmem_cache_shrink_all(void)
{
	return slab_sum_caches(kmem_cache_shrink);
}

struct kmem_cache *kmem_cache_find(const char *name)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			break;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return c;
}

/* --- boot and teardown --------------------------------------------------- */

int kmem_cache_init(unsigned int flags)
{
	slab_map_base = (uintptr_t)arch_phys_to_virt(0);
	slab_map_bytes = (uintptr_t)MIN(max_pfn, (pfn_t)LOWMEM_PFN) <<
			 PAGE_SHIFT;
	slab_debug_all = flags & SLAB_DEBUG;
	slab_caches = NULL;
	slab_caches_lock.locked = 0;
	if (slab_cache_setup(&kmem_slab_boot, "kmem_slab",
			     sizeof(struct slab), 0, slab_debug_all, NULL,
			     true) != 0 ||
	    slab_cache_setup(&kmem_cache_boot, "kmem_cache",
			     sizeof(struct kmem_cache), 0, slab_debug_all,
			     NULL, true) != 0)
		panic("slab: cannot lay out the boot caches");
	slab_cache_link(&kmem_slab_boot);
	slab_cache_link(&kmem_cache_boot);
	return kmalloc_init();
}

int kmem_cache_teardown(void)
{
	struct kmem_cache *c;
	int ret;

	if (!kmem_cache_boot.objs_per_slab)
		return 0;		/* never set up, or torn down already */
	ret = kmalloc_teardown();
	/* Caches their users left behind go too, unless objects live. */
	while ((c = slab_caches) != NULL && c != &kmem_cache_boot) {
		if (kmem_cache_destroy(c) != 0) {
			ret = -EBUSY;
			slab_caches = c->next;
		}
	}
	/* The descriptors go last: every other cache's slabs had one. */
	if (slab_destroy(&kmem_cache_boot, NULL) != 0 ||
	    slab_destroy(&kmem_slab_boot, NULL) != 0)
		ret = -EBUSY;
	memset(&kmem_cache_boot, 0, sizeof(kmem_cache_boot));
	memset(&kmem_slab_boot, 0, sizeof(kmem_slab_boot));
	slab_caches = NULL;
	return ret;
}

/* --- statistics, dumps and checks ---------------------------------------- */

/* Add one slab with @inuse objects taken to the totals. */
static void slab_info_add(struct kmem_cache_info *info, const struct slab *s,
			  unsigned int inuse)
{
	info->active_objs += inuse - s->quarantined;
	info->quarantined += s->quarantined;
	info->num_slabs++;
	if (inuse > s->quarantined)
		info->active_slabs++;
}

void kmem_cache_info(struct kmem_cache *c, struct kmem_cache_info *info)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned int id;
	struct slab *s;

	memset(info, 0, sizeof(*info));
	for (id = 0; id < SLAB_NR_LISTS; id++)
		for (s = c->lists[id].head; s; s = s->next)
			slab_info_add(info, s, s->inuse);
	if (c->active)
		slab_info_add(info, c->active, c->active->inuse -
			      slab_active_free_locked(c));
	info->num_objs = info->num_slabs * c->objs_per_slab;
	mm_unlock_irqrestore(&c->lock, flags);
}

unsigned long slab_total_frames(void)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	unsigned long frames = 0;
	struct kmem_cache_info info;
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next) {
		kmem_cache_info(c, &info);
		frames += info.num_slabs << c->order;
	}
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return frames;
}

void slabinfo_dump(void)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	struct kmem_cache_info info;
	struct kmem_cache *c;

	printk("slabinfo - version: 2.1\n");
	printk("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	for (c = slab_caches; c; c = c->next) {
		kmem_cache_info(c, &info);
		printk("%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu\n",
		       c->name, info.active_objs, info.num_objs, c->stride,
		       c->objs_per_slab, 1 << c->order, 0u, 0u, 0u,
		       info.active_slabs, info.num_slabs, 0ul);
	}
	mm_unlock_irqrestore(&slab_caches_lock, flags);
}
