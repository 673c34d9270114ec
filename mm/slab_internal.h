/*
 * What mm/slab.c, mm/slab_debug.c and mm/kmalloc.c share and nobody else
 * sees: the list of caches, the free-map and debug-word accessors, the
 * fast paths, and the debug hooks.
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

/* The boot caches: struct kmem_cache objects, and off-slab descriptors. */
extern struct kmem_cache kmem_cache_boot, kmem_slab_boot;

/*
 * Cache-wide operations of mm/slab.c for mm/slab_cache.c, each with the
 * cache lock held:
 * slab_deactivate_locked - give the word the cache holds back and file
 * the active slab on the list its count calls for.
 * slab_trim_locked - release empty slabs beyond @keep, their descriptors
 * to kmem_slab, whose lock the caller holds if @desc_locked.
 * Returns: frames released.
 * slab_release_all_locked - release every slab (no live object left).
 * slab_set_peak - record the slabs held now as the peak if more (or in
 * any case, @reset) and size max_empty from it.
 * slab_live_locked - objects of @s handed out and not quarantined (nor
 * held by the cache, in its magazine or its word).
 * slab_count_refused - one more refusal (takes the lock itself).
 */
void slab_deactivate_locked(struct kmem_cache *c);
unsigned int slab_trim_locked(struct kmem_cache *c, unsigned int keep,
			      bool desc_locked);
void slab_release_all_locked(struct kmem_cache *c);
void slab_set_peak(struct kmem_cache *c, bool reset);
unsigned int slab_live_locked(const struct kmem_cache *c,
			      const struct slab *s);
void slab_count_refused(struct kmem_cache *c);

/*
 * slab_free_slot_locked - slot @i of @s free in its map (or in the word
 * the cache holds), the slab on the list its count calls for; no trim,
 * no valgrind view.  Cache lock held.
 * Returns: false for a double free (nothing changed).
 * slab_mag_drain_locked - every object of the magazine back into its
 * slab's map (no trim).  Cache lock held.
 * slab_desc_free_locked - give a released slab's descriptor @s back to
 * kmem_slab, whose lock the caller holds.
 */
bool slab_free_slot_locked(struct kmem_cache *c, struct slab *s,
			   unsigned int i);
void slab_mag_drain_locked(struct kmem_cache *c);
void slab_desc_free_locked(struct slab *s);

/*
 * The debug word of @obj (who freed it last).  It lies in memory memcheck
 * sees as no-access (host builds), so each access opens that word alone.
 */
static inline void *slab_get_track(const struct kmem_cache *c, void *obj)
{
	void **track = (void **)((char *)obj + c->track_off);
	void *v;

	mm_mark_defined(track, sizeof(*track));
	v = *track;
	mm_mark_noaccess(track, sizeof(*track));
	return v;
}

static inline void slab_set_track(const struct kmem_cache *c, void *obj,
				  void *v)
{
	void **track = (void **)((char *)obj + c->track_off);

	mm_mark_undefined(track, sizeof(*track));
	*track = v;
	mm_mark_noaccess(track, sizeof(*track));
}

/*
 * Word @w of a slab's free map, and slot @i's word and bit in it.  The
 * maps interleave: the free-map word of slots 64k.. (32k.. on i386) is
 * map[2k], and the held-map word of the same slots (slab_held_word()) is
 * the next one, so a free reads both in one line with no stride to load.
 */
static inline unsigned long *slab_free_word(struct slab *s, unsigned int w)
{
	return &s->map[2 * w];
}

/* The bits of word @w of the free map and of the held map. */
static inline unsigned long slab_free_bits(const struct slab *s,
					   unsigned int w)
{
	return s->map[2 * w];
}

static inline unsigned long slab_held_bits(const struct slab *s,
					   unsigned int w)
{
	return s->map[2 * w + 1];
}

static inline unsigned long *slab_map_word(struct slab *s, unsigned int i)
{
	return slab_free_word(s, i / SLAB_MAP_BITS);
}

static inline unsigned long slab_map_bit(unsigned int i)
{
	return 1ul << (i % SLAB_MAP_BITS);
}

/* The held-map word of the slots of free-map word @word. */
static inline unsigned long *slab_held_word(unsigned long *word)
{
	return word + 1;
}

/*
 * Is the slot of @word and @bit free: in its slab's map, or held by the
 * cache (in the magazine or the word it holds)?  On the fast free path:
 * two loads from one line, and the answer is nearly always no.
 */
static inline bool slab_slot_is_free(const unsigned long *word,
				     unsigned long bit)
{
	return ((word[0] | word[1]) & bit) != 0;
}

/* Put @obj (its map word @word, bit @bit) into the magazine, with room. */
static inline void slab_mag_push(struct kmem_cache *c, void *obj,
				 unsigned long *word, unsigned long bit)
{
	struct slab_mag_entry *e = &c->mag[++c->mag_n];

	e->obj = obj;
	e->word = slab_held_word(word);
	e->bit = bit;
	*e->word |= bit;
}

/* Take the newest object out of the magazine (not empty). */
static inline void *slab_mag_pop(struct kmem_cache *c)
{
	struct slab_mag_entry *e = &c->mag[c->mag_n--];

	*e->word &= ~e->bit;
	return e->obj;
}

/* The object in slot @i of @s. */
static inline void *slab_slot_obj(const struct kmem_cache *c,
				  const struct slab *s, unsigned int i)
{
	return s->s_mem + (size_t)i * c->stride + c->obj_off;
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
 * slab_obj_index - the slot of @obj in @s if @obj is the first byte of an
 * object (@obj_off: the cache's obj_off, or 0, that of every cache
 * without debug), else a number of 2^32 / stride or more.
 * x = obj - s_mem - obj_off is a multiple q of the stride exactly when
 * rotating x * inverse right by stride_shift gives q; for any other
 * 32-bit x the rotation gives more than 2^32 / stride (x lies within the
 * slab's frames, so the distance fits in 32 bits either way).  Callers
 * compare with objs_per_slab, or with fast_objs, which every object of a
 * debug cache fails.
 * Returns: the slot, or a number >= objs_per_slab.
 */
static inline uint32_t slab_obj_index(const struct kmem_cache *c,
				      const struct slab *s, const void *obj,
				      unsigned int obj_off)
{
	uint32_t x = (uint32_t)((uintptr_t)obj - (uintptr_t)s->s_mem) -
		     obj_off;
	uint32_t q = x * c->inverse;

	return (q >> c->stride_shift) | (q << (-c->stride_shift & 31));
}

/*
 * The fast paths, inline in kmem_cache_alloc()/kmem_cache_free() and in
 * kmalloc()/kfree(): under the cache lock, take the lowest bit of the
 * map word the cache holds, or set the bit of a freed object in its
 * slab's map.  Debug caches, a used-up word (the next word, refill), a
 * free that moves a slab between lists and every misuse take one
 * predictable branch each to the out-of-line slow paths in mm/slab.c,
 * which also do every report.
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
 * refill of a used-up word.  Returns: the object or NULL.
 */
void *slab_alloc_slow(struct kmem_cache *c, gfp_t gfp, size_t size,
		      void *caller);

/*
 * slab_alloc_empty - the fast path's continuation when the word the cache
 * holds is used up, entered with the cache lock held (@flags) in a cache
 * without debug: the next word or slab, count, unlock and finish as the
 * fast path does.  Returns: the object or NULL.
 */
void *slab_alloc_empty(struct kmem_cache *c, gfp_t gfp, size_t size,
		       unsigned long flags);

/*
 * slab_zero - clear @obj, a new object of @c, out of line so that the
 * fast path needs no stack frame.  Returns: @obj.
 */
void *slab_zero(struct kmem_cache *c, void *obj);

/* The lowest free slot of the word the cache holds (@bits, not 0). */
SLAB_INLINE void *slab_take_bit(struct kmem_cache *c, unsigned long bits)
{
	c->free_bits = bits & (bits - 1);
	*slab_held_word(c->free_word) &= ~(bits & -bits);	/* handed out */
	return c->free_base + SLAB_BASE_BIAS +
	       (size_t)__builtin_ctzl(bits) * c->stride;
}

/*
 * The allocation of a cache without SLAB_DEBUG: the newest object of the
 * magazine, else the lowest free slot of the word the cache holds.
 */
SLAB_INLINE void *slab_alloc_fast(struct kmem_cache *c, gfp_t gfp,
				  size_t size, void *caller)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned int n = c->mag_n;
	unsigned long bits;
	void *obj;

	(void)caller;
	if (likely(n)) {
		obj = slab_mag_pop(c);
	} else {
		bits = c->free_bits;
		if (unlikely(!bits))
			return slab_alloc_empty(c, gfp, size, flags);
		obj = slab_take_bit(c, bits);
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
	return slab_alloc_fast(c, gfp, size, caller);
}

/*
 * The out-of-line ends of a free: slab_refuse() counts and reports a
 * refusal (Returns: -EINVAL); slab_free_checked() a free that failed
 * the fast compare (a refusal, or the debug path); slab_refuse_cache()
 * one for an object of another cache than @want; slab_free_other() a
 * free of slot @i that is a double free, or finds the magazine full and
 * moves its slab between lists, entered with the cache lock held (@flags)
 * and leaving it released.  Returns: 0 or -EINVAL.
 */
int slab_refuse(struct kmem_cache *c, const char *what, void *obj, int off,
		void *caller);
int slab_free_checked(struct kmem_cache *c, struct slab *s, void *obj,
		      void *caller);
int slab_refuse_cache(struct kmem_cache *want, struct kmem_cache *c,
		      void *obj, void *caller);
int slab_free_other(struct kmem_cache *c, struct slab *s, void *obj,
		    unsigned int i, void *caller, unsigned long flags);

/*
 * The locked part of a free of slot @i of @s, which passed its checks:
 * refused if the slot is free already (slab_slot_is_free(), exact), else
 * into the magazine unless it is full, else its bit into the slab's map
 * while the slab stays partial.  Anything else (the word the cache
 * holds, a slab changing lists, misuse) is slab_free_other()'s.  The
 * object itself is never written.
 */
SLAB_INLINE int slab_free_slot(struct kmem_cache *c, struct slab *s,
			       void *obj, unsigned int i, void *caller)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned long *word = slab_map_word(s, i), bit = slab_map_bit(i);

	if (unlikely(slab_slot_is_free(word, bit)))
		return slab_free_other(c, s, obj, i, caller, flags);
	if (likely(c->mag_n < c->mag_max)) {
		slab_mag_push(c, obj, word, bit);
	} else {
		if (unlikely(word == c->free_word ||
			     s->list != SLAB_PARTIAL || s->inuse == 1))
			return slab_free_other(c, s, obj, i, caller, flags);
		*word |= bit;
		s->inuse--;
	}
	mm_pool_free(c, obj);
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
	uint32_t i = slab_obj_index(c, s, obj, 0);

	if (unlikely(i >= c->fast_objs))
		return slab_free_checked(c, s, obj, caller);
	return slab_free_slot(c, s, obj, i, caller);
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
 * checks of an object about to be handed out (which then constructs it in
 * a cache with a constructor) and of one being freed.
 * Returns (the checks): true if the operation may go on, else it was
 * reported.
 */
void slab_debug_init_object(struct kmem_cache *c, void *obj);
bool slab_alloc_debug(struct kmem_cache *c, void *obj, void *caller);
bool slab_free_debug(struct kmem_cache *c, void *obj, void *caller);

#endif /* MM_SLAB_INTERNAL_H */
