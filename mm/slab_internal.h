/*
 * What mm/slab.c, mm/slab_cache.c, mm/slab_debug.c, mm/slab_pcpu.c and
 * mm/kmalloc.c share and nobody else sees: the layouts of struct slab
 * and struct kmem_cache, the list of caches, the free-map and debug-word
 * accessors, the fast paths, and the debug hooks; the per-CPU
 * magazines' part is mm/slab_pcpu_internal.h, included at the end.
 * Code outside mm/ reads a cache through kmem_cache_info() and
 * kmem_cache_stats() (include/mm/slab.h).
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "mm/lock.h"
#include "mm/page.h"
#include "mm/slab.h"

#define SLAB_PTR		((unsigned int)sizeof(void *))
#define SLAB_REPORT_BYTES	8

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
/*
 * A flag of c->flags no caller passes: slab injection covers the cache,
 * so its allocations take slab_alloc_slow(), which asks
 * should_fail_slab() (set and cleared by slab_fault_inject_update()).
 */
#define SLAB_FAILSLAB		0x80000000u
/*
 * A flag of c->flags no caller passes: the cache has per-CPU magazines
 * (mm/slab_pcpu.c), and its held maps follow their rule (invariant 8).
 * Set once, before any CPU but the one setting it can use the cache.
 */
#define SLAB_PCPU		0x40000000u

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
	 * The cache's stride_shift, fast_objs and inverse, copied when the
	 * slab is made (invariant 2): kfree()'s inline path finds an
	 * object's slot from the slab alone, with no load of the cache
	 * before the multiply (slab_free_try()).
	 */
	uint8_t stride_shift;
	uint32_t fast_objs;
	uint32_t inverse;
	/*
	 * Two maps of cache->map_words words each, interleaved: map[2k]
	 * has the free slots of its 64 (i386: 32), map[2k + 1] the slots
	 * the cache holds (in its magazine or the word it holds).
	 */
	unsigned long map[];
};

/*
 * A magazine entry: a freed object and, so that taking it out again
 * needs no lookup of its slab, the word of its slot in the slab's held
 * map and the slot's number, whose bit in that word is
 * slab_map_bit(slot) (a number rather than a mask: x86 sets, clears and
 * tests a bit by its number, modulo the word's bits, in one instruction).
 */
struct slab_mag_entry {
	void *obj;
	unsigned long *word;
	unsigned long slot;
};

struct slab_cpu;	/* a CPU's magazine: mm/slab_pcpu_internal.h */

struct slab_list {
	struct slab *head;
	uint32_t nr;
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
 * slab's map.  The magazine (mag[1] up to *mag_top, newest last) takes
 * freed objects as they are, up to mag_max, and hands the newest out
 * first: an object freed and allocated again goes through as a pointer
 * and one bit, with no index to compute.  mag_top points at the newest
 * entry, so neither side computes an entry's address from a count, and
 * at mag[0], whose object is NULL, when the magazine is empty: an
 * allocation's load of the object is its test for an empty magazine.
 * Behind it the cache holds one word of the active slab's map
 * (free_bits) and takes the lowest bit per allocation, without touching
 * the slab descriptor; a free to a slot of that word, once the magazine
 * is full, sets its bit there.
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
 *     its `cache` is this cache, its stride_shift, fast_objs and inverse
 *     are the cache's, and every frame of it is PG_slab with `private`
 *     pointing at the slab.
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
 *  7. mag_top points into mag[0..mag_max] and mag_end at
 *     mag[mag_max], mag[0].obj is NULL, and mag[1] up to *mag_top are
 *     distinct objects of this cache's slabs whose slots are neither free
 *     in their map nor in free_bits, each entry's word and bit naming
 *     its slot in its slab's held map.
 *
 * A cache with SLAB_PCPU (several CPUs, no debug: mm/slab_pcpu.c) uses
 * neither the magazine above nor a held word; each CPU has its own
 * magazine (cpu[]), and the depot is behind them.  Its held maps have
 * the bit of every slot not handed out (free in the map, or in a
 * magazine or the depot), so that a free is one atomic test-and-set of
 * its bit, exact whichever CPU frees.  Invariant 3's second sentence
 * and 6's and 7's parts on the held word and magazine become:
 *  8. Each slab's free map is within its held map; the magazine is
 *     empty and no word is held.
 *  9. Every magazine and the depot holds at most SLAB_CPU_MAG objects;
 *     the entries of the depot and of the checking CPU's magazine are
 *     distinct objects of this cache, held and not free in their slab's
 *     map, each naming its slot's held-map word and bit.
 * 10. The slots held and not free in the maps are the objects of the
 *     depot and of every CPU's magazine: as many, but for the CPUs
 *     between the two steps of a push or pop (one each at most).
 *
 * Set at creation and read-only after: everything but lock, mag_top, mag,
 * free_bits, free_base, free_word, active, lists, max_empty, peak_slabs,
 * depot, stats (cache lock), drain_req (set and cleared under the cache
 * lock, read by any CPU atomically), cpu[] and SLAB_PCPU (set before a
 * second CPU may use the cache: mm/slab_pcpu.c) and next
 * (slab_caches_lock).
 */
struct kmem_cache {
	mm_lock_t lock;
	unsigned int mag_max;		/* SLAB_MAG_SIZE; 0 if SLAB_DEBUG */
	struct slab_mag_entry *mag_top;	/* the newest entry; mag[0]: none */
	struct slab_mag_entry *mag_end;	/* &mag[mag_max]: full there */
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
	uint32_t drain_req;		/* CPUs asked to flush their magazine */
	struct kmem_cache_stats stats;
	struct slab_mag_entry mag[SLAB_MAG_SIZE + 1];	/* 1..mag_top */
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
	struct slab_cpu *cpu[MM_MAX_CPUS];	/* SLAB_PCPU: each CPU's */
	struct slab_cpu *depot;		/* SLAB_PCPU: full batches behind */
};

/*
 * The entry points mm/kmalloc.c shares with mm/slab.c (host tests use
 * them too).
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
 * The maps' side of a SLAB_PCPU cache (mm/slab.c), cache lock held:
 * slab_slot_put_locked - slot @i of @s, which the cache held (a
 * magazine or the depot had it), free in its map again, the slab on the
 * list its count calls for; the held bit stays (invariant 8).
 * Returns: false if the map has it free already (nothing changed).
 * slab_take_slot_locked - the lowest free slot of the active slab, made
 * from a partial, empty or new slab when it has none: in use in its
 * slab now, still held, *@e naming it.  Returns: its object, or NULL
 * when no slab could be made.
 */
bool slab_slot_put_locked(struct kmem_cache *c, struct slab *s,
			  unsigned int i);
void *slab_take_slot_locked(struct kmem_cache *c, gfp_t gfp,
			    struct slab_mag_entry *e);

/* One violation of the checker: print it, count it in `bad`. */
#define SLAB_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printk("slab_check: cache %s: ", c->name);	\
			printk(__VA_ARGS__);				\
			printk("\n");					\
			bad++;						\
		}							\
	} while (0)

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

/*
 * Read atomically: in a SLAB_PCPU cache any CPU sets or clears held bits
 * without the cache lock (mm/slab_pcpu.c).
 */
static inline unsigned long slab_held_bits(const struct slab *s,
					   unsigned int w)
{
	return __atomic_load_n(&s->map[2 * w + 1], __ATOMIC_RELAXED);
}

static inline unsigned long *slab_map_word(struct slab *s, unsigned int i)
{
	/* the byte offset in one shift: 2 words per SLAB_MAP_BITS slots */
	return (unsigned long *)((char *)s->map +
				 (size_t)(i / SLAB_MAP_BITS) *
				 (2 * sizeof(unsigned long)));
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

/*
 * @v with the bit of slot @slot set or cleared (slab_map_bit(slot)).  On
 * x86 one bts or btr, which take the bit number modulo the word's bits
 * themselves: gcc builds the mask with a shift or rotate first.
 */
static inline unsigned long slab_bit_set(unsigned long v, unsigned long slot)
{
#if defined(__i386__) || defined(__x86_64__)
	__asm__("bts %1, %0" : "+r"(v) : "r"(slot) : "cc");
	return v;
#else
	return v | slab_map_bit((unsigned int)slot);
#endif
}

static inline unsigned long slab_bit_clear(unsigned long v,
					   unsigned long slot)
{
#if defined(__i386__) || defined(__x86_64__)
	__asm__("btr %1, %0" : "+r"(v) : "r"(slot) : "cc");
	return v;
#else
	return v & ~slab_map_bit((unsigned int)slot);
#endif
}

/*
 * Store @v to @w as a plain store: the fast paths' read-modify-writes of
 * a word that the next allocation or free reads again are a load, an
 * operation and this store, never one instruction with a memory
 * destination.  x86 cores that forward a store to a later load of the
 * same address without latency (memory renaming) do so for plain loads
 * and stores, not for an instruction that reads and writes memory with a
 * register operand, so such an instruction would put a store-to-load
 * forwarding delay on every loop that frees and allocates again.
 */
static inline void slab_store_word(unsigned long *w, unsigned long v)
{
	__asm__("" : "+r"(v));
	*w = v;
}

/* Objects in the magazine (mag[1] up to *mag_top). */
static inline unsigned int slab_mag_count(const struct kmem_cache *c)
{
	return (unsigned int)(c->mag_top - c->mag);
}

/* Take the newest object out of the magazine (not empty). */
static inline void *slab_mag_pop(struct kmem_cache *c)
{
	struct slab_mag_entry *e = c->mag_top--;

	slab_store_word(e->word, slab_bit_clear(*e->word, e->slot));
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
 * slab_obj_index() with obj_off 0 from @s's copies of its cache's
 * inverse and stride_shift: compared with s->fast_objs, which every
 * object of a debug cache fails.  Returns: the slot, or a number >=
 * fast_objs.
 */
static inline uint32_t slab_slot_of(const struct slab *s, const void *obj)
{
	uint32_t q = (uint32_t)((uintptr_t)obj - (uintptr_t)s->s_mem) *
		     s->inverse;
	unsigned int k = s->stride_shift;

	return (q >> k) | (q << (-k & 31));
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
	return &mem_map[off >> PAGE_SHIFT];	/* pfn_to_page(), no narrowing */
}

/*
 * kmalloc_fast_update - rebuild kmalloc's fast tables after a change of
 * its caches' SLAB_DEBUG or SLAB_FAILSLAB (mm/kmalloc.c).
 * Context: no allocator lock held.
 */
void kmalloc_fast_update(void);

/*
 * slab_alloc_slow - slab_alloc() whole: the injection check, debug checks
 * and quarantine, the refill of a used-up word.  Returns: the object or
 * NULL.
 */
void *slab_alloc_slow(struct kmem_cache *c, gfp_t gfp, size_t size,
		      void *caller);

/*
 * slab_alloc_empty - the fast path's continuation when the word the cache
 * holds is used up, entered with the cache lock held (@flags) in a cache
 * without debug: the next word or slab, count, unlock and finish as the
 * fast path does.  Returns: the object or NULL.
 * It and slab_free_other() below take over the caller's critical section
 * rather than lock again: what the fast path read under the lock stays
 * true, and the common case pays one lock and interrupt round trip.  The
 * section was begun with mm_lock_irqsave_fast() (the uniprocessor fast
 * paths) when @fast, else with mm_lock_irqsave(); they end it with
 * mm_unlock_irqrestore().
 */
void *slab_alloc_empty(struct kmem_cache *c, gfp_t gfp, size_t size,
		       unsigned long flags);

/*
 * slab_zero - clear @obj, a new object of @c, out of line so that the
 * fast path needs no stack frame.  Returns: @obj.
 */
void *slab_zero(struct kmem_cache *c, void *obj);

/* The end of every slow allocation: valgrind's view, __GFP_ZERO. */
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

/* The lowest free slot of the word the cache holds (@bits, not 0). */
SLAB_INLINE void *slab_take_bit(struct kmem_cache *c, unsigned long bits)
{
	c->free_bits = bits & (bits - 1);
	*slab_held_word(c->free_word) &= ~(bits & -bits);	/* handed out */
	return c->free_base + SLAB_BASE_BIAS +
	       (size_t)__builtin_ctzl(bits) * c->stride;
}

/*
 * The newest object of the magazine, else the lowest free slot of the
 * word the cache holds, or NULL if both are empty.  The magazine's load
 * of mag_top->obj is both the object and the test for an empty one
 * (mag[0].obj is NULL).  Cache lock held (the fast pair).
 */
SLAB_INLINE void *slab_take_fast(struct kmem_cache *c)
{
	struct slab_mag_entry *e = c->mag_top;
	void *obj = e->obj;
	unsigned long bits;

	if (likely(obj != NULL)) {
		c->mag_top = e - 1;
		slab_store_word(e->word, slab_bit_clear(*e->word, e->slot));
		return obj;
	}
	bits = c->free_bits;
	if (unlikely(!bits))
		return NULL;
	return slab_take_bit(c, bits);
}

/*
 * Count an allocation of @size bytes and end the fast pair's section.
 * Two plain adds: without the empty asm, gcc's x86-64 build merges the
 * adjacent counters into one SSE add (movq, punpcklqdq, paddq), more
 * instructions than the two adds on the fast path.
 */
SLAB_INLINE void *slab_alloc_fast_end(struct kmem_cache *c, void *obj,
				      size_t size, unsigned long flags)
{
	c->stats.allocs++;
	__asm__("" : "+m" (c->stats.allocs));
	c->stats.requested += size;
	mm_unlock_irqrestore_fast(&c->lock, flags);
	mm_pool_alloc(c, obj, c->object_size);
	if (c->ctor)
		mm_mark_defined(obj, c->object_size);
	return obj;
}

/*
 * The allocation of a cache without SLAB_DEBUG: the newest object of the
 * magazine, else the lowest free slot of the word the cache holds.
 */
SLAB_INLINE void *slab_alloc_fast(struct kmem_cache *c, gfp_t gfp,
				  size_t size, void *caller)
{
	unsigned long flags = mm_lock_irqsave_fast(&c->lock);
	void *obj = slab_take_fast(c);

	(void)caller;
	if (unlikely(!obj))
		return slab_alloc_empty(c, gfp, size, flags);
	slab_alloc_fast_end(c, obj, size, flags);
	if (unlikely(gfp & __GFP_ZERO))
		return slab_zero(c, obj);
	return obj;
}

/*
 * kmalloc()'s inline allocation (mm/kmalloc.c) from @c, a cache without
 * SLAB_DEBUG on one CPU, without __GFP_ZERO: slab_alloc_fast() but for
 * its end, which leaves a used-up magazine and word to the caller's
 * full path.  Returns: the object, or NULL with nothing changed.
 */
SLAB_INLINE void *slab_alloc_try(struct kmem_cache *c, size_t size)
{
	unsigned long flags = mm_lock_irqsave_fast(&c->lock);
	void *obj = slab_take_fast(c);

	if (unlikely(!obj)) {
		mm_unlock_irqrestore_fast(&c->lock, flags);
		return NULL;
	}
	return slab_alloc_fast_end(c, obj, size, flags);
}

/*
 * The fast path runs on one CPU only (its lock pair is interrupt masking
 * in release builds); once a second CPU may run, every allocation takes
 * the slow path: this CPU's magazine for a cache with SLAB_PCPU
 * (slab_pcpu_alloc()), else the real cache lock.  The kernel has one CPU
 * until its bring-up calls mm_smp_prepare(), so the test decided once at
 * boot is what it needs.
 */
SLAB_INLINE void *slab_alloc_inline(struct kmem_cache *c, gfp_t gfp,
				    size_t size, void *caller)
{
	if (unlikely(c->flags & (SLAB_DEBUG | SLAB_FAILSLAB)) ||
	    unlikely(mm_lock_mode & MM_LOCK_SMP))
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
		    unsigned int i, void *caller, unsigned long flags,
		    bool fast);
int slab_free_slot_smp(struct kmem_cache *c, struct slab *s, void *obj,
		       unsigned int i, void *caller);

/*
 * The locked part of a free of slot @i of @s, which passed its checks:
 * refused if the slot is free already (slab_slot_is_free(), exact), else
 * into the magazine unless it is full, else its bit into the slab's map
 * while the slab stays partial.  Anything else (the word the cache
 * holds, a slab changing lists, misuse) is slab_free_other()'s.  The
 * object itself is never written.
 */
SLAB_INLINE int slab_free_slot_body(struct kmem_cache *c, struct slab *s,
				    void *obj, unsigned int i, void *caller,
				    const bool fast)
{
	unsigned long flags = fast ? mm_lock_irqsave_fast(&c->lock) :
				     mm_lock_irqsave(&c->lock);
	unsigned long *word = slab_map_word(s, i);
	unsigned int b = i % SLAB_MAP_BITS;
	unsigned long held = *slab_held_word(word);
	struct slab_mag_entry *e = c->mag_top;

	if (unlikely(((word[0] | held) >> b) & 1))	/* free already */
		return slab_free_other(c, s, obj, i, caller, flags, fast);
	if (likely(e != c->mag_end)) {
		c->mag_top = ++e;
		e->obj = obj;
		e->word = slab_held_word(word);
		e->slot = i;
		slab_store_word(slab_held_word(word), held | (1ul << b));
	} else {
		if (unlikely(word == c->free_word ||
			     s->list != SLAB_PARTIAL || s->inuse == 1))
			return slab_free_other(c, s, obj, i, caller, flags,
					       fast);
		*word |= 1ul << b;
		s->inuse--;
	}
	mm_pool_free(c, obj);
	if (fast)
		mm_unlock_irqrestore_fast(&c->lock, flags);
	else
		mm_unlock_irqrestore(&c->lock, flags);
	return 0;
}

/*
 * On one CPU, under the fast lock pair; once a second CPU may run,
 * slab_free_slot_smp(): this CPU's magazine for a cache with SLAB_PCPU,
 * else the same under the real lock (as allocations: see
 * slab_alloc_inline()).
 */
SLAB_INLINE int slab_free_slot(struct kmem_cache *c, struct slab *s,
			       void *obj, unsigned int i, void *caller)
{
	if (unlikely(mm_lock_mode & MM_LOCK_SMP))
		return slab_free_slot_smp(c, s, obj, i, caller);
	return slab_free_slot_body(c, s, obj, i, caller, true);
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

/*
 * kfree()'s inline part (mm/kmalloc.c): on one CPU, the free of an object
 * of a cache without debug whose slot is not free already, into a
 * magazine with room, or with the magazine full into its slab's map
 * while the slab stays partial.  @map_bytes is slab_map_bytes while one
 * CPU runs and 0 once a second may (the caller's copy,
 * kfree_inline_bytes), so that the range test turns every free away
 * then, with no test of mm_lock_mode of its own.  Every test comes before the first store, so
 * any other case (NULL, a foreign pointer, a large block, a pointer
 * inside an object, a debug cache, several CPUs, a double free, a full
 * magazine and a slab that would change lists) returns having changed
 * nothing, and the caller's full path
 * sorts it out and reports what is misuse; the inline part then keeps no
 * value live across a call and needs no stack frame.
 * Returns: true if @p was freed.
 */
SLAB_INLINE bool slab_free_try(const void *p, uintptr_t map_bytes)
{
	uintptr_t off = (uintptr_t)p - slab_map_base;
	struct slab_mag_entry *e;
	struct kmem_cache *c;
	unsigned long *hw, held, flags;
	struct slab *s;
	struct page *page;
	uint32_t i;

	if (unlikely(off >= map_bytes))
		return false;
	page = &mem_map[off >> PAGE_SHIFT];	/* pfn_to_page(), unnarrowed */
	if (unlikely(!page_test(page, PG_slab)))
		return false;
	s = page->private;
	c = s->cache;
	i = slab_slot_of(s, p);
	if (unlikely(i >= s->fast_objs))
		return false;
	flags = mm_lock_irqsave_fast(&c->lock);
	hw = slab_held_word(slab_map_word(s, i));
	held = *hw;
	e = c->mag_top;
	if (unlikely(((hw[-1] | held) >> (i % SLAB_MAP_BITS)) & 1))
		goto out;			/* free already */
	if (likely(e != c->mag_end)) {
		c->mag_top = ++e;
		e->obj = (void *)p;
		e->word = hw;
		e->slot = i;
		slab_store_word(hw, slab_bit_set(held, i));
	} else {
		/*
		 * Full: into a partial slab's map, as slab_free_slot_body().
		 * The barrier has the free word read again here rather than
		 * kept in a register across the common path.
		 */
		__asm__("" : : : "memory");
		if (unlikely(hw - 1 == c->free_word ||
			     s->list != SLAB_PARTIAL || s->inuse == 1))
			goto out;
		hw[-1] = slab_bit_set(hw[-1], i);
		s->inuse--;
	}
	mm_pool_free(c, (void *)p);
	mm_unlock_irqrestore_fast(&c->lock, flags);
	return true;
out:
	mm_unlock_irqrestore_fast(&c->lock, flags);
	return false;
}

/* slab_free() inline; its contract is slab_free()'s, above. */
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

#include "slab_pcpu_internal.h"

#endif /* MM_SLAB_INTERNAL_H */
