/*
 * Object caches: Bonwick's slab allocator over the buddy allocator.
 *
 * Design.  A cache carves slabs (buddy blocks of 2^order frames from the
 * direct map) into equal slots.  One slab is the active one; every other
 * is on one of three lists: partial, full or empty.  The order is the
 * smallest one, up to SLAB_MAX_ORDER, whose slab holds SLAB_MIN_OBJS
 * objects with a waste (padding and tail) of at most 1/8 of the slab.
 * Every frame of a slab has PG_slab and `private` pointing at the
 * descriptor, so kfree() and kmem_cache_free() get from any object to its
 * slab and cache in O(1) without a size.
 *
 * Free slots are bits in a map in the slab's descriptor, not a list
 * through the free objects: a free sets a bit next to the counters it
 * updates anyway and never touches the object, and allocation takes the
 * lowest set bit, so slabs are handed out in address order however they
 * were freed.
 *
 * The fast paths work on what the cache itself holds, in front of the
 * maps, under the cache lock alone:
 *  - the magazine, a stack of up to SLAB_MAG_SIZE freed objects (none in
 *    a debug cache): a free pushes its object while there is room and an
 *    allocation pops the newest, so an object freed and allocated again
 *    goes through as a pointer, with no slot index to compute;
 *  - one word of the active slab's map (free_bits): with the magazine
 *    empty, an allocation takes its lowest bit without touching the
 *    descriptor.
 * Objects in either count as in use in their slab and have their bit set
 * in its held map, a second map interleaved word by word with the free
 * map.  A free reads the two words of its slot side by side and so knows
 * exactly whether the slot is free already (in the map, the word held or
 * the magazine): a double free is refused and never enters the
 * magazine.  With the magazine full, a free sets its bit in the word
 * held or in its slab's map, moving the slab when its count crosses full
 * or empty (slab_free_other()).  When the word held runs out,
 * slab_alloc_refill() takes the next word with a free slot, else files
 * the slab and activates a partial, an empty or a new one.  Shrinking,
 * reclaim and destroy first put the magazine back into the maps
 * (slab_mag_drain_locked()).
 *
 * That is the one-CPU design.  Once a second CPU may run, a cache
 * without debug has a magazine per CPU instead of its own magazine and
 * held word (SLAB_PCPU, mm/slab_pcpu.c): its held map then has every slot
 * not handed out, and this file gives it slots one at a time from the
 * maps (slab_take_slot_locked()) and takes them back
 * (slab_slot_put_locked()).
 *
 * A descriptor is an object of the cache kmem_slab (off-slab) when its
 * slab holds at most SLAB_DESC_MAP_BITS objects, so the descriptors of
 * all slabs lie together in a few frames and a free to a cold slab finds
 * its counters and map in a cached line; slabs of more, smaller objects
 * and the two boot caches keep theirs (and its longer map) at the start
 * of the slab.  The constructor runs once per object when its slab is
 * made, never again on reuse (Bonwick's object caching), except in debug
 * caches, which poison every free object and construct it when they
 * hand it out (mm/slab_debug.c).
 *
 * Empty slabs are kept, up to max_empty: the most slabs the cache held
 * since its last shrink (SLAB_EMPTY_SHIFT 0), at least SLAB_MAX_EMPTY, so
 * a cache that empties and refills in waves reuses its slabs instead of
 * making them anew each time.  They go back to the buddy allocator on
 * kmem_cache_shrink() and, under memory pressure, through the buddy's
 * reclaim hook (kmem_cache_reclaim(), mm/slab_cache.c).
 *
 * With SLAB_DEBUG (a flag per cache; every cache with `slab_debug`, and
 * in host tests) each slot gets red zones and poison, checked on every
 * allocation and free (mm/slab_debug.c); a report names the cache, the
 * object, the offset and the bytes found, the operation is refused and
 * the system carries on.  A corrupt free object is quarantined: it stays
 * counted in its slab but is never handed out.
 *
 * Under valgrind (host build) each cache is a memcheck mempool: an
 * allocated object is a pool chunk, everything else in a slab is
 * no-access except an on-slab descriptor, so memcheck reports a use after
 * free or a leaked object as it would for malloc.  The debug mode's own
 * reads and writes of free memory (poison, red zones) open the bytes just
 * around them.
 *
 * Locking: each cache's lock (interrupts off) guards its lists, its slabs
 * and its stats; slab_caches_lock guards the list of caches (order:
 * slab_caches_lock, then a cache lock, then kmem_slab's lock, then a zone
 * lock).  A SLAB_PCPU cache's held-map words change by atomic
 * read-modify-write only, since its CPUs set and clear their bits
 * without the lock.  All functions may be called from IRQ handlers; none
 * sleeps.
 * slab_grow() calls alloc_pages() with its cache's lock held (and
 * kmem_slab's, when that grows for a descriptor): the buddy's reclaim
 * hook may run there, and takes no lock that may be held.
 */
#include "mm/buddy.h"
#include "mm/fault_inject.h"
#include "slab_internal.h"

/* slab_obj_valid() divides by multiplying; exact while slabs <= 64 KiB. */
_Static_assert((PAGE_SIZE << SLAB_MAX_ORDER) <= 0x10000u,
	       "slab_obj_valid needs slabs of at most 64 KiB");
/* Slab counts are 16 bits. */
_Static_assert((PAGE_SIZE << SLAB_MAX_ORDER) / 8 <= 0xffffu,
	       "objs_per_slab must fit struct slab's counters");

struct kmem_cache kmem_cache_boot;	/* the cache of caches */
struct kmem_cache kmem_slab_boot;	/* off-slab descriptors */

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

/* --- the free map ------------------------------------------------------ */

/*
 * Every slot of @s free (the first objs_per_slab bits set), none held;
 * held too in a SLAB_PCPU cache (invariant 8).  Plain stores: no other
 * CPU knows the slab yet.
 */
static void slab_map_fill(const struct kmem_cache *c, struct slab *s)
{
	unsigned int w, left = c->objs_per_slab;

	for (w = 0; w < c->map_words; w++) {
		unsigned long *word = slab_free_word(s, w);

		*word = left >= SLAB_MAP_BITS ? ~0ul : (1ul << left) - 1;
		*slab_held_word(word) = (c->flags & SLAB_PCPU) ? *word : 0;
		left -= MIN(left, SLAB_MAP_BITS);
	}
}

/*
 * The cache takes word @w of the active slab's map: its free slots move
 * to the held map and count as in use in the slab until they come back.
 * Cache lock held.
 */
static void slab_word_take_locked(struct kmem_cache *c, struct slab *s,
				  unsigned int w)
{
	unsigned long *word = slab_free_word(s, w);
	unsigned long bits = *word;

	*word = 0;
	*slab_held_word(word) |= bits;
	s->inuse = (uint16_t)(s->inuse + __builtin_popcountl(bits));
	c->free_bits = bits;
	c->free_word = word;
	c->free_base = (char *)slab_slot_obj(c, s, w * SLAB_MAP_BITS) -
		       SLAB_BASE_BIAS;
}

/* The word the cache holds goes back into the active slab's map. */
static void slab_word_put_locked(struct kmem_cache *c)
{
	if (c->free_word) {
		*c->free_word |= c->free_bits;
		*slab_held_word(c->free_word) &= ~c->free_bits;
		c->active->inuse = (uint16_t)(c->active->inuse -
					      __builtin_popcountl(c->free_bits));
	}
	c->free_bits = 0;
	c->free_word = NULL;
	c->free_base = NULL;
}

/*
 * Hold the first word of the active slab's map that has a free slot.
 * Cache lock held.  Returns: false if there is none (or no active slab).
 */
static bool slab_word_next_locked(struct kmem_cache *c)
{
	struct slab *s = c->active;
	unsigned int w;

	slab_word_put_locked(c);
	if (!s)
		return false;
	for (w = 0; w < c->map_words; w++) {
		if (slab_free_bits(s, w)) {
			slab_word_take_locked(c, s, w);
			return true;
		}
	}
	return false;
}

/*
 * The slots held and not free in the map are those in a magazine, the
 * depot or the word held: in use in the slab's count, free to its users.
 */
unsigned int slab_live_locked(const struct kmem_cache *c,
			      const struct slab *s)
{
	unsigned int held = 0, w;

	for (w = 0; w < c->map_words; w++)
		held += (unsigned int)__builtin_popcountl(slab_held_bits(s, w) &
							  ~slab_free_bits(s, w));
	return s->inuse - s->quarantined - held;
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
void slab_set_peak(struct kmem_cache *c, bool reset)
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
 * A descriptor for a new slab of @c at @base: on-slab, or an object of
 * kmem_slab.  Returns: it, or NULL.
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
	s->stride_shift = (uint8_t)c->stride_shift;
	s->fast_objs = c->fast_objs;
	s->inverse = c->inverse;
	s->s_mem = base + c->s_mem_off;
	s->inuse = 0;
	s->quarantined = 0;
	slab_map_fill(c, s);
	for (i = 0; i < (1u << c->order); i++) {
		page_set(page + i, PG_slab);
		page[i].private = s;
	}
	mm_mark_noaccess(s->s_mem, base + slab_bytes(c) - s->s_mem);
	if (c->ctor || (c->flags & SLAB_DEBUG))
		for (i = 0; i < c->objs_per_slab; i++)
			slab_init_object(c, slab_slot_obj(c, s, i));
	c->stats.grown++;
	slab_set_peak(c, false);
	slab_list_add(c, s, SLAB_EMPTY);
	return s;
}

/*
 * Unlink an empty slab and give its frames back, and its descriptor to
 * kmem_slab, whose lock the caller holds if @desc_locked.  Cache lock held.
 */
static void slab_release(struct kmem_cache *c, struct slab *s,
			 bool desc_locked)
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
	if (!c->s_mem_off && desc_locked)
		slab_desc_free_locked(s);
	else if (!c->s_mem_off)
		slab_free(&kmem_slab_boot, slab_of_addr(s), s, NULL);
	mm_mark_undefined(base, slab_bytes(c));
	c->stats.released++;
	__free_pages(page, c->order);
}

unsigned int slab_trim_locked(struct kmem_cache *c, unsigned int keep,
			      bool desc_locked)
{
	unsigned int frames = 0;

	MM_DEBUG_ASSERT(mm_lock_held(&c->lock));
	while (c->lists[SLAB_EMPTY].nr > keep) {
		slab_release(c, c->lists[SLAB_EMPTY].head, desc_locked);
		frames += 1u << c->order;
	}
	return frames;
}

void slab_release_all_locked(struct kmem_cache *c)
{
	unsigned int id;

	if (c->flags & SLAB_PCPU)
		slab_pcpu_flush_locked(c, false);
	slab_mag_drain_locked(c);
	slab_deactivate_locked(c);
	for (id = 0; id < SLAB_NR_LISTS; id++)
		while (c->lists[id].head)
			slab_release(c, c->lists[id].head, false);
}

/* --- allocation ------------------------------------------------------- */

void slab_deactivate_locked(struct kmem_cache *c)
{
	struct slab *s = c->active;

	if (!s)
		return;
	slab_word_put_locked(c);
	c->active = NULL;
	slab_list_add(c, s, slab_list_for(c, s));
}

/* Take @s off its list and make it the active slab. */
static void slab_activate_locked(struct kmem_cache *c, struct slab *s)
{
	slab_list_del(c, s);
	s->list = SLAB_ACTIVE;
	c->active = s;
}

/*
 * File the active slab and activate a partial one, an empty one or a new
 * one.  Cache lock held.  Returns: the new active slab, or NULL (none
 * could be made; no slab is active then).
 */
static inline struct slab *slab_activate_next_locked(struct kmem_cache *c,
						     gfp_t gfp)
{
	struct slab *s;

	slab_deactivate_locked(c);
	s = c->lists[SLAB_PARTIAL].head;
	if (!s)
		s = c->lists[SLAB_EMPTY].head;
	if (!s)
		s = slab_grow(c, gfp);
	if (s)
		slab_activate_locked(c, s);
	return s;
}

/*
 * The slow path: the word the cache holds is used up.  Take the next word
 * of the active slab with a free slot, else move on to another slab.
 * Cache lock held.  Returns: an object or NULL.
 */
static __attribute__((noinline))
void *slab_alloc_refill(struct kmem_cache *c, gfp_t gfp)
{
	bool found;

	if (!slab_word_next_locked(c)) {
		if (!slab_activate_next_locked(c, gfp)) {
			c->stats.alloc_fail++;
			return NULL;
		}
		found = slab_word_next_locked(c);
		/* a partial, empty or new slab has a free slot (inv. 3) */
		MM_ASSERT(found);
	}
	return slab_take_bit(c, c->free_bits);
}

void *slab_take_slot_locked(struct kmem_cache *c, gfp_t gfp,
			    struct slab_mag_entry *e)
{
	struct slab *s = c->active;
	unsigned long *word;
	unsigned int w, b;

	MM_DEBUG_ASSERT(mm_lock_held(&c->lock) && !c->free_word);
	if (!s || s->inuse == c->objs_per_slab) {	/* none free (inv. 3) */
		s = slab_activate_next_locked(c, gfp);
		if (!s)
			return NULL;
	}
	for (w = 0; !slab_free_bits(s, w); w++)
		;
	word = slab_free_word(s, w);
	b = (unsigned int)__builtin_ctzl(*word);
	*word &= *word - 1;
	s->inuse++;
	e->slot = w * SLAB_MAP_BITS + b;
	e->obj = slab_slot_obj(c, s, (unsigned int)e->slot);
	e->word = slab_held_word(word);
	return e->obj;
}

/* The newest object of the magazine, else a slot of the word held. */
static inline void *slab_take_locked(struct kmem_cache *c)
{
	if (c->mag_top != c->mag)
		return slab_mag_pop(c);
	return c->free_bits ? slab_take_bit(c, c->free_bits) : NULL;
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

	if (unlikely(c->flags & SLAB_FAILSLAB) && should_fail_slab(c->name))
		return NULL;
	if (c->flags & SLAB_PCPU)
		return slab_pcpu_alloc(c, gfp, size);
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

	mm_lock_fast_to_full(&c->lock);	/* only the fast path comes here */
	MM_DEBUG_ASSERT(!(c->flags & SLAB_DEBUG) && !c->free_bits &&
			c->mag_top == c->mag);
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

void slab_count_refused(struct kmem_cache *c)
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
 * Set @bit of map word @word of @s, a slot not free in it, and file the
 * slab by its new count.  Returns: false if nothing of the slab is out
 * to be freed (inuse == quarantined), nothing changed.
 */
static inline bool slab_map_put_locked(struct kmem_cache *c, struct slab *s,
				       unsigned long *word, unsigned long bit)
{
	if (s->inuse == s->quarantined)
		return false;
	*word |= bit;
	s->inuse--;
	if (s->list != SLAB_ACTIVE && s->list != slab_list_for(c, s))
		slab_move(c, s, slab_list_for(c, s));
	return true;
}

bool slab_slot_put_locked(struct kmem_cache *c, struct slab *s,
			  unsigned int i)
{
	unsigned long *word = slab_map_word(s, i);
	unsigned long bit = slab_map_bit(i);

	return !(*word & bit) && slab_map_put_locked(c, s, word, bit);
}

bool slab_free_slot_locked(struct kmem_cache *c, struct slab *s,
			   unsigned int i)
{
	unsigned long *word = slab_map_word(s, i);
	unsigned long bit = slab_map_bit(i);

	if (slab_slot_is_free(word, bit))
		return false;
	if (word == c->free_word) {
		c->free_bits |= bit;
		*slab_held_word(word) |= bit;
		return true;
	}
	return slab_map_put_locked(c, s, word, bit);
}

void slab_mag_drain_locked(struct kmem_cache *c)
{
	struct slab *s;
	void *obj;

	while (c->mag_top != c->mag) {
		obj = slab_mag_pop(c);
		s = slab_of_addr(obj);
		MM_ASSERT(s && s->cache == c);	/* checked when freed */
		/* A double free never gets in: the held map refuses it. */
		if (!slab_free_slot_locked(c, s,
				slab_obj_index(c, s, obj, c->obj_off)))
			panic("slab: magazine of cache %s held %p, which is free in its slab %p",
			      c->name, obj, (void *)s);
	}
}

/*
 * A free the fast path leaves: a double free, or a full magazine and a
 * slab that is not simply partial.  Trims the empty slabs past max_empty.
 */
__attribute__((noinline))
int slab_free_other(struct kmem_cache *c, struct slab *s, void *obj,
		    unsigned int i, void *caller, unsigned long flags,
		    bool fast)
{
	bool ok;

	if (fast)
		mm_lock_fast_to_full(&c->lock);
	ok = slab_free_slot_locked(c, s, i);

	if (ok) {
		mm_pool_free(c, obj);
		if (c->lists[SLAB_EMPTY].nr > c->max_empty)
			slab_trim_locked(c, c->max_empty, false);
	}
	mm_unlock_irqrestore(&c->lock, flags);
	if (!ok)
		return slab_refuse(c, "double free", obj, 0, caller);
	return 0;
}

__attribute__((noinline))
int slab_free_slot_smp(struct kmem_cache *c, struct slab *s, void *obj,
		       unsigned int i, void *caller)
{
	if (c->flags & SLAB_PCPU)
		return slab_pcpu_free(c, s, obj, i, caller);
	return slab_free_slot_body(c, s, obj, i, caller, false);
}

/* A free that failed the fast compare: misuse, or a debug cache. */
__attribute__((noinline))
int slab_free_checked(struct kmem_cache *c, struct slab *s, void *obj,
		      void *caller)
{
	uint32_t i = slab_obj_index(c, s, obj, c->obj_off);

	if (i >= c->objs_per_slab)
		return slab_refuse_inside(c, s, obj, caller);
	if (!slab_free_debug(c, obj, caller)) {
		slab_count_refused(c);
		return -EINVAL;
	}
	return slab_free_slot(c, s, obj, i, caller);
}

/*
 * Give descriptor @s back to kmem_slab, whose lock the caller holds (the
 * reclaim path, which may not take it).
 */
void slab_desc_free_locked(struct slab *s)
{
	struct kmem_cache *d = &kmem_slab_boot;
	struct slab *ds = slab_of_addr(s);
	uint32_t i = slab_obj_index(d, ds, s, d->obj_off);

	MM_ASSERT(ds && ds->cache == d && i < d->objs_per_slab);
	if (d->flags & SLAB_DEBUG) {
		if (!slab_free_debug(d, s, NULL)) {
			d->stats.refused++;
			return;
		}
	}
	if (!slab_free_slot_locked(d, ds, i))
		panic("slab: descriptor %p of a released slab is free already",
		      (void *)s);
	mm_pool_free(d, s);
	slab_trim_locked(d, d->max_empty, false);
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
