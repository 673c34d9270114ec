/*
 * The slab layer's debug mode and its invariant checker.
 *
 * Design.  A SLAB_DEBUG cache lays every slot out with a red zone on each
 * side of the object and, after the right one, a word that records the
 * return address of the object's last free (struct kmem_cache in
 * mm/slab_internal.h), for the checker's reports and for a debugger.  Red
 * zones read RED_INACTIVE while the object is free and RED_ACTIVE while it
 * is allocated; a free object is filled with POISON_FREE_OBJ, ending in
 * POISON_FREE_OBJ_END.  On allocation the zones and the poison must be
 * intact (else: an overrun, or a write after free), on free the zones must
 * read active (all inactive: a double free; anything else: an overrun).
 * Each finding is one report line naming the cache, the object, the
 * offset from the object's first byte and up to 8 bytes found there.
 * These bytes are no-access to memcheck in host builds, so every read or
 * write here opens exactly the bytes it touches and closes them again.
 *
 * Caches with a constructor are poisoned too.  Without debug, a free
 * object keeps its constructed state, so a write after free could not be
 * told from that state; a debug cache instead gives up object caching, as
 * Solaris' kmem does with KMF_DEADBEEF (and Linux's SLAB did with
 * SLAB_POISON): it poisons every free object like any other and runs the
 * constructor each time it hands an object out (slab_alloc_done() in
 * mm/slab.c), after the poison was found intact.  What a client may rely
 * on is unchanged: it gets a constructed object, and the constructed
 * state it returns objects in is exactly what the constructor rebuilds.
 * There is no destructor to run on free.
 *
 * kmem_cache_check() encodes the numbered invariants listed above struct
 * kmem_cache, one printed line per violation.
 *
 * Locking: the debug checks run on objects the caller owns (just taken
 * from a map word, or being freed) without a lock; the checker takes the
 * cache lock, kmem_cache_check_all() slab_caches_lock then each cache
 * lock.
 */
#include "mm/poison.h"
#include "slab_internal.h"

/* Write @n bytes of @byte into memory valgrind sees as no-access. */
static void slab_fill(void *p, int byte, size_t n)
{
	mm_mark_undefined(p, n);
	memset(p, byte, n);
	mm_mark_noaccess(p, n);
}

/*
 * Compare @n no-access bytes at @p with @want (the last one with @last).
 * Returns: the index of the first mismatch, copying up to 8 bytes of the
 * range from it into @found, or -1 if all match.
 */
static int slab_scan(const void *p, uint8_t want, uint8_t last, size_t n,
		     struct slab_found *found)
{
	const uint8_t *b = p;
	int bad = -1;
	size_t i;

	mm_mark_defined(p, n);
	for (i = 0; i < n && bad < 0; i++)
		if (b[i] != (i + 1 == n ? last : want))
			bad = (int)i;
	if (bad >= 0) {
		found->n = (unsigned int)MIN(n - (size_t)bad,
					     (size_t)SLAB_REPORT_BYTES);
		for (i = 0; i < found->n; i++)
			found->bytes[i] = b[bad + i];
	}
	mm_mark_noaccess(p, n);
	return bad;
}

/* One report line: what, cache, object, offset, the bytes found. */
void slab_report(struct kmem_cache *c, const char *what, const void *obj,
		 int off, const struct slab_found *found, void *caller)
{
	char hex[3 * SLAB_REPORT_BYTES + 1] = "-";
	unsigned int i;

	for (i = 0; found && i < found->n; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ",
			 found->bytes[i]);
	if (found && found->n)
		hex[3 * found->n - 1] = '\0';
	printk("slab: %s in cache %s: object %p offset %d bytes %s (caller %pS)\n",
	       what, c->name, obj, off, hex, caller);
}

/* Poison a free object: POISON_FREE_OBJ, the last byte the end marker. */
static void slab_poison(struct kmem_cache *c, char *p)
{
	slab_fill(p, POISON_FREE_OBJ, c->size - 1);
	slab_fill(p + c->size - 1, POISON_FREE_OBJ_END, 1);
}

/* A new object: red zones that read free, poison, no last free. */
void slab_debug_init_object(struct kmem_cache *c, void *obj)
{
	slab_fill((char *)obj - SLAB_RED_ZONE, RED_INACTIVE, SLAB_RED_ZONE);
	slab_fill((char *)obj + c->size, RED_INACTIVE, c->track_off - c->size);
	slab_poison(c, obj);
	slab_set_track(c, obj, NULL);
}

/*
 * Debug checks of an object just taken from a map word: red zones still
 * RED_INACTIVE, poison intact.  On success the red zones turn RED_ACTIVE.
 * Returns: true if the object may be handed out.
 */
bool slab_alloc_debug(struct kmem_cache *c, void *obj, void *caller)
{
	struct slab_found found;
	char *p = obj;
	size_t right = c->track_off - c->size;
	int bad;

	bad = slab_scan(p - SLAB_RED_ZONE, RED_INACTIVE, RED_INACTIVE,
			SLAB_RED_ZONE, &found);
	if (bad >= 0) {
		slab_report(c, "red zone overwritten in free object", obj,
			    bad - (int)SLAB_RED_ZONE, &found, caller);
		return false;
	}
	bad = slab_scan(p + c->size, RED_INACTIVE, RED_INACTIVE, right, &found);
	if (bad >= 0) {
		slab_report(c, "red zone overwritten in free object", obj,
			    (int)c->size + bad, &found, caller);
		return false;
	}
	bad = slab_scan(p, POISON_FREE_OBJ, POISON_FREE_OBJ_END, c->size,
			&found);
	if (bad >= 0) {
		slab_report(c, "use after free", obj, bad, &found, caller);
		return false;
	}
	slab_fill(p - SLAB_RED_ZONE, RED_ACTIVE, SLAB_RED_ZONE);
	slab_fill(p + c->size, RED_ACTIVE, right);
	return true;
}

/*
 * Debug checks of a free: both red zones RED_ACTIVE (all RED_INACTIVE:
 * double free).  On success poison the object, mark its zones free and
 * record @caller as its last free.
 * Returns: true if the free may go on.
 */
bool slab_free_debug(struct kmem_cache *c, void *obj, void *caller)
{
	struct slab_found found, inactive;
	char *p = obj;
	size_t right = c->track_off - c->size;
	int l, r;

	l = slab_scan(p - SLAB_RED_ZONE, RED_ACTIVE, RED_ACTIVE,
		      SLAB_RED_ZONE, &found);
	r = slab_scan(p + c->size, RED_ACTIVE, RED_ACTIVE, right,
		      l < 0 ? &found : &inactive);
	if (l < 0 && r < 0) {
		slab_fill(p - SLAB_RED_ZONE, RED_INACTIVE, SLAB_RED_ZONE);
		slab_fill(p + c->size, RED_INACTIVE, right);
		slab_poison(c, p);
		slab_set_track(c, p, caller);
		return true;
	}
	if (slab_scan(p - SLAB_RED_ZONE, RED_INACTIVE, RED_INACTIVE,
		      SLAB_RED_ZONE, &inactive) < 0 &&
	    slab_scan(p + c->size, RED_INACTIVE, RED_INACTIVE, right,
		      &inactive) < 0)
		slab_report(c, "double free", obj, -(int)SLAB_RED_ZONE, &found,
			    caller);
	else
		slab_report(c, "red zone overwritten", obj,
			    l >= 0 ? l - (int)SLAB_RED_ZONE : (int)c->size + r,
			    &found, caller);
	return false;
}

/* --- invariants ------------------------------------------------------- */

/* Invariant 5: both red zones of the free object in slot @i read free. */
static unsigned int slab_check_free_obj(struct kmem_cache *c, struct slab *s,
					unsigned int i)
{
	struct slab_found found;
	char *p = slab_slot_obj(c, s, i);
	unsigned int bad = 0;

	SLAB_CHECK(slab_scan(p - SLAB_RED_ZONE, RED_INACTIVE, RED_INACTIVE,
			     SLAB_RED_ZONE, &found) < 0 &&
		   slab_scan(p + c->size, RED_INACTIVE, RED_INACTIVE,
			     c->track_off - c->size, &found) < 0,
		   "5: free object %p has an active or overwritten red zone (last freed by %pS)",
		   (void *)p, slab_get_track(c, p));
	return bad;
}

/*
 * Invariants 3 and 5 for the free slots @bits of one map word of @s, the
 * word whose bit 0 is slot @first.  Cache lock held.
 */
static unsigned int slab_check_bits(struct kmem_cache *c, struct slab *s,
				    unsigned long bits, unsigned int first)
{
	unsigned int bad = 0, i;

	for (; bits; bits &= bits - 1) {
		i = first + (unsigned int)__builtin_ctzl(bits);
		if (i >= c->objs_per_slab) {
			SLAB_CHECK(0, "3: slab %p maps slot %u of %u as free",
				   (void *)s, i, c->objs_per_slab);
			break;
		}
		if (c->flags & SLAB_DEBUG)
			bad += slab_check_free_obj(c, s, i);
	}
	return bad;
}

/* The slots of @s the cache holds: its magazine entries, its word. */
static unsigned int slab_held_slots(const struct kmem_cache *c,
				    const struct slab *s)
{
	unsigned int n = 0, k;

	for (k = 1; k <= MIN(slab_mag_count(c), SLAB_MAG_SIZE); k++)
		n += (uintptr_t)c->mag[k].obj - (uintptr_t)s->s_mem <
		     c->slots_bytes;
	if (s == c->active)
		n += (unsigned int)__builtin_popcountl(c->free_bits);
	return n;
}

/*
 * The held-map part of invariant 3 for word @w of @s (@free, @held),
 * or with per-CPU magazines invariant 8's.
 */
static unsigned int slab_check_held(struct kmem_cache *c, struct slab *s,
				    unsigned int w, unsigned long free,
				    unsigned long held)
{
	unsigned int bad = 0;

	if (c->flags & SLAB_PCPU)
		SLAB_CHECK(!(free & ~held),
			   "8: slab %p map word %u: slots 0x%lx free but not held",
			   (void *)s, w, free & ~held);
	else
		SLAB_CHECK(!(free & held),
			   "3: slab %p map word %u: slots 0x%lx both free and held",
			   (void *)s, w, free & held);
	return bad;
}

/* Invariant 3 (and 5, 8): the maps of @s.  Cache lock held. */
static unsigned int slab_check_map(struct kmem_cache *c, struct slab *s)
{
	unsigned int bad = 0, nfree = 0, nheld = 0, w;

	for (w = 0; w < c->map_words; w++) {
		unsigned long free = slab_free_bits(s, w);
		unsigned long held = slab_held_bits(s, w);

		nfree += (unsigned int)__builtin_popcountl(free);
		nheld += (unsigned int)__builtin_popcountl(held);
		bad += slab_check_bits(c, s, free, w * SLAB_MAP_BITS);
		bad += slab_check_held(c, s, w, free, held);
	}
	SLAB_CHECK(nfree + s->inuse == c->objs_per_slab &&
		   s->quarantined <= s->inuse,
		   "3: slab %p has %u free slots in its map, inuse %u (%u quarantined) of %u",
		   (void *)s, nfree, s->inuse, s->quarantined,
		   c->objs_per_slab);
	/* per-CPU magazines: invariant 10, over all slabs at once */
	SLAB_CHECK((c->flags & SLAB_PCPU) || nheld == slab_held_slots(c, s),
		   "3: slab %p has %u slots in its held map, the cache holds %u",
		   (void *)s, nheld, slab_held_slots(c, s));
	return bad;
}

/* Invariant 6: the word the cache holds of the active slab @s. */
static unsigned int slab_check_active(struct kmem_cache *c, struct slab *s)
{
	unsigned int bad = 0, held, w;

	if (!c->free_word) {
		SLAB_CHECK(!c->free_bits && !c->free_base,
			   "6: active slab %p: bits 0x%lx at %p but no held word",
			   (void *)s, c->free_bits, (void *)c->free_base);
		return bad;
	}
	if (c->free_word < s->map ||
	    c->free_word >= s->map + 2 * c->map_words ||
	    (c->free_word - s->map) % 2) {
		SLAB_CHECK(0, "6: active slab %p: held word %p outside its map",
			   (void *)s, (void *)c->free_word);
		return bad;
	}
	w = (unsigned int)(c->free_word - s->map) / 2;
	held = (unsigned int)__builtin_popcountl(c->free_bits);
	SLAB_CHECK((c->free_bits & *slab_held_word(c->free_word)) ==
		   c->free_bits,
		   "6: active slab %p: held word %u bits 0x%lx not in its held map 0x%lx",
		   (void *)s, w, c->free_bits, *slab_held_word(c->free_word));
	SLAB_CHECK(!(c->free_bits & *c->free_word) &&
		   c->free_base + SLAB_BASE_BIAS ==
		   slab_slot_obj(c, s, w * SLAB_MAP_BITS) &&
		   s->inuse >= held + s->quarantined,
		   "6: active slab %p: held word %u bits 0x%lx base %p, inuse %u",
		   (void *)s, w, c->free_bits, (void *)c->free_base, s->inuse);
	return bad + slab_check_bits(c, s, c->free_bits, w * SLAB_MAP_BITS);
}

/* Invariants 1 to 3, 5 and 6 for one slab on list @id.  Lock held. */
static unsigned int slab_check_slab(struct kmem_cache *c, struct slab *s,
				    unsigned int id)
{
	struct page *page = virt_to_page(s->s_mem - c->s_mem_off);
	unsigned int bad = 0, i;

	SLAB_CHECK(s->cache == c && s->list == id,
		   "2: slab %p on list %u says cache %p list %u", (void *)s, id,
		   (void *)s->cache, s->list);
	SLAB_CHECK(s->stride_shift == c->stride_shift &&
		   s->fast_objs == c->fast_objs && s->inverse == c->inverse,
		   "2: slab %p has shift %u, fast_objs %u, inverse 0x%x; the cache %u, %u, 0x%x",
		   (void *)s, s->stride_shift, s->fast_objs, s->inverse,
		   c->stride_shift, c->fast_objs, c->inverse);
	SLAB_CHECK(id != SLAB_PARTIAL || (s->inuse > 0 &&
		   s->inuse < c->objs_per_slab),
		   "1: partial slab %p has inuse %u", (void *)s, s->inuse);
	SLAB_CHECK(id != SLAB_FULL || s->inuse == c->objs_per_slab,
		   "1: full slab %p has inuse %u", (void *)s, s->inuse);
	SLAB_CHECK(id != SLAB_EMPTY || s->inuse == 0,
		   "1: empty slab %p has inuse %u", (void *)s, s->inuse);
	for (i = 0; i < (1u << c->order); i++)
		SLAB_CHECK(page_test(page + i, PG_slab) && page[i].private == s,
			   "2: frame %u of slab %p (pfn 0x%x) flags 0x%x",
			   i, (void *)s, page_to_pfn(page + i), page[i].flags);
	bad += slab_check_map(c, s);
	if (id == SLAB_ACTIVE)
		bad += slab_check_active(c, s);
	return bad;
}

/* Invariant 7: the magazine.  Cache lock held. */
static unsigned int slab_check_mag(struct kmem_cache *c)
{
	unsigned int bad = 0, k, j;
	struct slab *s;
	void *obj;

	SLAB_CHECK(c->mag_top >= c->mag && c->mag_top <= c->mag + c->mag_max &&
		   c->mag_end == c->mag + c->mag_max && !c->mag[0].obj,
		   "7: magazine holds %d of %u (top %p, end %p, mag %p)",
		   (int)(c->mag_top - c->mag), c->mag_max, (void *)c->mag_top,
		   (void *)c->mag_end, (void *)c->mag);
	if (c->mag_top < c->mag)
		return bad;
	for (k = 1; k <= MIN(slab_mag_count(c), SLAB_MAG_SIZE); k++) {
		unsigned long *word;

		obj = c->mag[k].obj;
		s = slab_of_addr(obj);
		if (!s || s->cache != c ||
		    slab_obj_index(c, s, obj, c->obj_off) >= c->objs_per_slab) {
			SLAB_CHECK(0, "7: magazine entry %u (%p) is no object of the cache",
				   k, obj);
			continue;
		}
		j = slab_obj_index(c, s, obj, c->obj_off);
		word = slab_map_word(s, j);
		SLAB_CHECK(!(*word & slab_map_bit(j)) &&
			   !(word == c->free_word &&
			     (c->free_bits & slab_map_bit(j))),
			   "7: magazine entry %u (%p) is free in its slab %p",
			   k, obj, (void *)s);
		SLAB_CHECK(c->mag[k].word == slab_held_word(word) &&
			   c->mag[k].slot == j &&
			   (*c->mag[k].word & slab_map_bit(j)),
			   "7: magazine entry %u (%p) names word %p slot %lu, not its slot %u of slab %p",
			   k, obj, (void *)c->mag[k].word, c->mag[k].slot, j,
			   (void *)s);
		for (j = 1; j < k; j++)
			SLAB_CHECK(c->mag[j].obj != obj,
				   "7: magazine entries %u and %u are both %p",
				   j, k, obj);
	}
	return bad;
}

unsigned int kmem_cache_check(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned int bad = 0, id;

	for (id = 0; id < SLAB_NR_LISTS; id++) {
		unsigned int count = 0;
		struct slab *s, *prev = NULL;

		for (s = c->lists[id].head; s && count <= c->lists[id].nr;
		     prev = s, s = s->next) {
			count++;
			SLAB_CHECK(s->prev == prev, "2: slab %p has a bad prev link",
				   (void *)s);
			bad += slab_check_slab(c, s, id);
		}
		SLAB_CHECK(count == c->lists[id].nr,
			   "2: list %u holds %u slabs, counted %u", id,
			   c->lists[id].nr, count);
	}
	if (c->active)
		bad += slab_check_slab(c, c->active, SLAB_ACTIVE);
	else
		SLAB_CHECK(!c->free_bits && !c->free_word && !c->free_base,
			   "6: a held word %p (bits 0x%lx) without an active slab",
			   (void *)c->free_word, c->free_bits);
	bad += slab_check_mag(c);
	if (c->flags & SLAB_PCPU) {
		SLAB_CHECK(c->mag_top == c->mag && !c->free_word,
			   "8: %u objects in the cache's magazine, word %p held",
			   slab_mag_count(c), (void *)c->free_word);
		bad += slab_pcpu_check_locked(c);
	}
	SLAB_CHECK(c->lists[SLAB_EMPTY].nr <= c->max_empty,
		   "4: %u empty slabs, at most %u", c->lists[SLAB_EMPTY].nr,
		   c->max_empty);
	SLAB_CHECK(c->max_empty == MAX(SLAB_MAX_EMPTY,
				       c->peak_slabs >> SLAB_EMPTY_SHIFT) &&
		   c->peak_slabs >= c->stats.grown - c->stats.released,
		   "4: max_empty %u, peak %u slabs, %u held", c->max_empty,
		   c->peak_slabs,
		   (unsigned int)(c->stats.grown - c->stats.released));
	mm_unlock_irqrestore(&c->lock, flags);
	return bad;
}

unsigned int kmem_cache_check_all(void)
{
	return slab_sum_caches(kmem_cache_check);
}
