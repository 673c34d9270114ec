/*
 * Host tests of the slab layer without debug: free maps (address order,
 * frees to a slab's own map, double frees, on-slab descriptors for small
 * objects), the magazine in front of them (LIFO reuse, overflow into the
 * maps, slabinfo exact while it holds objects), the invariants of the
 * held word and the magazine, and the buddy allocator's reclaim hook
 * (under real exhaustion, with locks held by the context it runs in, and
 * from a cache that is growing).  kmem_cache_check_all() and
 * buddy_check_all() run after every case, and each case must hand every
 * frame back to the buddy allocator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <valgrind/valgrind.h>

#include "slab_harness.h"
#include "../../mm/slab_internal.h"

/* Frames held by the slabs of @c. */
static uint32_t cache_frames(struct kmem_cache *c)
{
	struct kmem_cache_info info;

	kmem_cache_info(c, &info);
	return (uint32_t)(info.num_slabs << c->order);
}

/* Allocate @n objects of @c and free them all: empty slabs kept. */
static void fill_and_empty(struct kmem_cache *c, unsigned int n)
{
	void **objs = calloc(n, sizeof(*objs));
	unsigned int i;

	assert_non_null(objs);
	for (i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_non_null(objs[i]);
	}
	for (i = 0; i < n; i++)
		kmem_cache_free(c, objs[i]);
	free(objs);
}

/* Take every frame a GFP_KERNEL request can get; returns how many. */
static uint32_t exhaust(struct page **held, uint32_t max)
{
	uint32_t n = 0;
	struct page *pg;

	while (n < max && (pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)))
		held[n++] = pg;
	assert_true(n < max);
	return n;
}

static void give_back(struct page **held, uint32_t n)
{
	while (n)
		__free_pages(held[--n], 0);
}

/* --- plain caches ------------------------------------------------------ */

static void test_plain_cache(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-plain", 40, 0, 0, NULL);
	void *objs[300];
	unsigned int i;

	(void)state;
	assert_int_equal(c->flags & SLAB_DEBUG, 0);
	assert_int_equal(c->obj_off, 0);
	assert_int_equal(c->stride, 40);
	assert_int_equal(c->mag_max, SLAB_MAG_SIZE);
	for (i = 0; i < 300; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		fill(objs[i], 40);
	}
	check_all();
	for (i = 0; i < 300; i++) {
		expect_filled(objs[i], 40);
		kmem_cache_free(c, objs[i]);
	}
	/* Without debug, the cheap checks still catch these. */
	objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, (char *)objs[0] + 8);
	assert_true(host_log_contains("free of a pointer inside an object"));
	kmem_cache_free(c, objs[0]);
	kmem_cache_free(c, objs[0]);	/* the magazine's newest again */
	assert_true(host_log_contains("slab: double free in cache test-plain"));
	assert_int_equal(c->stats.refused, 2);
	check_all();
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * The magazine hands the newest free object out first; once it is full,
 * frees go to their slab's map; a slab is handed out in address order,
 * fresh or emptied in any order.
 */
static void test_magazine_then_address_order(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-order", 64, 0, 0, NULL);
	unsigned int n = c->objs_per_slab, i;
	char **a = calloc(n, sizeof(*a)), **b = calloc(n, sizeof(*b));
	struct slab *sa, *sb;

	(void)state;
	assert_true(n > SLAB_MAG_SIZE && n <= SLAB_DESC_MAP_BITS);
	for (i = 0; i < n; i++)
		a[i] = kmem_cache_alloc(c, GFP_KERNEL);
	sa = slab_of_addr(a[0]);
	for (i = 0; i < n; i++)		/* a fresh slab: address order */
		assert_ptr_equal(a[i], sa->s_mem + i * c->stride);
	for (i = 0; i < SLAB_MAG_SIZE; i++)
		b[i] = kmem_cache_alloc(c, GFP_KERNEL);
	sb = slab_of_addr(b[0]);
	assert_ptr_equal(c->active, sb);
	assert_int_equal(sa->list, SLAB_FULL);
	for (i = 0; i < SLAB_MAG_SIZE; i++)
		kmem_cache_free(c, b[i]);
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE);
	assert_int_equal(sb->inuse, SLAB_MAG_SIZE + __builtin_popcountl(
				 c->free_bits));	/* held, all of them */
	/* The magazine is full: these go to sa's map, in a scattered order. */
	for (i = 0; i < n; i++) {
		kmem_cache_free(c, a[(i * 7) % n]);
		assert_int_equal(sa->inuse, n - 1 - i);
		assert_int_equal(sa->list, i + 1 < n ? SLAB_PARTIAL : SLAB_EMPTY);
	}
	assert_int_equal(sa->map[0] & ~0ul >> (SLAB_MAP_BITS - n),
			 ~0ul >> (SLAB_MAP_BITS - n));
	check_all();
	/* Newest first out of the magazine, then sb's map, then sa whole. */
	for (i = SLAB_MAG_SIZE; i-- > 0;)
		assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), b[i]);
	for (i = SLAB_MAG_SIZE; i < n; i++)
		b[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < n; i++)
		assert_ptr_equal(b[i], sb->s_mem + i * c->stride);
	for (i = 0; i < n; i++)
		assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), a[i]);
	assert_ptr_equal(c->active, sa);
	check_all();
	for (i = 0; i < n; i++) {
		kmem_cache_free(c, a[i]);
		kmem_cache_free(c, b[i]);
	}
	free(a);
	free(b);
	assert_int_equal(c->stats.refused, 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * A double free is refused exactly, debug or not, wherever the first free
 * put the object: its slab's map, the word the cache holds, the top of
 * the magazine or deeper in it.  Nothing changes: the object is free
 * once, the checker finds every structure sound, and no allocation
 * hands an object out twice.
 */
static void test_double_free(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-df", 64, 0, 0, NULL);
	unsigned int n = c->objs_per_slab, i, refused = 0;
	void **o = calloc(2 * n, sizeof(*o));
	void *got[SLAB_MAG_SIZE];
	struct kmem_cache_info info;
	char line[160];
	void *p;

	(void)state;
	for (i = 0; i < 2 * n; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = n; i < n + SLAB_MAG_SIZE; i++)
		kmem_cache_free(c, o[i]);	/* the magazine is full */
	kmem_cache_free(c, o[5]);		/* into its full slab's map */
	kmem_cache_free(c, o[5]);
	snprintf(line, sizeof(line),
		 "slab: double free in cache test-df: object %p offset 0 bytes - (caller ",
		 o[5]);
	assert_int_equal(host_log_count(line), 1);
	kmem_cache_free(c, o[2 * n - 1]);	/* into the word the cache holds */
	assert_true(c->free_bits != 0);
	kmem_cache_free(c, o[2 * n - 1]);
	p = kmem_cache_alloc(c, GFP_KERNEL);	/* the magazine's newest */
	kmem_cache_free(c, p);
	kmem_cache_free(c, p);
	refused = 3;
	assert_int_equal(host_log_count("slab: double free in cache test-df"),
			 refused);
	/*
	 * Room in the magazine: o[5] (free in its map) and an object deep
	 * in the magazine are refused too.  Memcheck sees each double free
	 * of a chunk at once; the kernel has no memcheck.
	 */
	p = kmem_cache_alloc(c, GFP_KERNEL);
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE - 1);
	VALGRIND_DISABLE_ERROR_REPORTING;
	kmem_cache_free(c, o[5]);
	kmem_cache_free(c, o[n + 3]);		/* fourth from the bottom */
	VALGRIND_ENABLE_ERROR_REPORTING;
	refused += 2;
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE - 1);
	assert_int_equal(host_log_count(line), 2);
	snprintf(line, sizeof(line),
		 "slab: double free in cache test-df: object %p offset 0 bytes - (caller ",
		 o[n + 3]);
	assert_int_equal(host_log_count(line), 1);
	assert_int_equal(c->stats.refused, refused);
	assert_int_equal(kmem_cache_check(c), 0);
	kmem_cache_info(c, &info);		/* p is out again */
	assert_int_equal(info.active_objs, 2 * n - SLAB_MAG_SIZE - 1);
	/* The magazine hands each of its objects out once. */
	for (i = 0; i < SLAB_MAG_SIZE - 1; i++) {
		unsigned int j;

		got[i] = kmem_cache_alloc(c, GFP_KERNEL);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(got[j], got[i]);
		assert_ptr_not_equal(got[i], o[5]);
	}
	assert_int_equal(slab_mag_count(c), 0);
	for (i = 0; i < SLAB_MAG_SIZE - 1; i++)
		kmem_cache_free(c, got[i]);
	host_log_clear();
	check_all();
	kmem_cache_free(c, p);
	for (i = 0; i < 2 * n; i++)
		if (i != 5 && i != 2 * n - 1 && (i < n || i >= n + SLAB_MAG_SIZE))
			kmem_cache_free(c, o[i]);
	free(o);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(c->stats.refused, refused);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* Off-slab descriptors each lie within one cache line (debug off). */
static void test_descriptor_in_one_line(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-desc", 512, 0, 0, NULL);
	struct kmem_cache *d = kmem_cache_find("kmem_slab");
	void *o[4 * SLAB_MIN_OBJS];
	uintptr_t s;
	unsigned int i;

	(void)state;
	assert_true(d->stride <= SLAB_CACHE_LINE);
	for (i = 0; i < ARRAY_SIZE(o); i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(o); i++) {
		s = (uintptr_t)slab_of_addr(o[i]);
		assert_int_equal(s / SLAB_CACHE_LINE,
				 (s + sizeof(struct slab) +
				  SLAB_DESC_MAP_BITS / 8 - 1) / SLAB_CACHE_LINE);
	}
	for (i = 0; i < ARRAY_SIZE(o); i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* Small objects: the descriptor and its long map at the slab's start. */
static void test_on_slab_descriptor(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-small", 16, 0, 0, NULL);
	unsigned int n = c->objs_per_slab, i;
	char **o = calloc(n + 1, sizeof(*o));
	struct slab *s;

	(void)state;
	assert_true(n > SLAB_DESC_MAP_BITS);
	assert_true(c->map_words * SLAB_MAP_BITS >= n);
	assert_true(c->s_mem_off >= sizeof(struct slab) +
		    c->map_words * sizeof(unsigned long));
	for (i = 0; i <= n; i++) {
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
		fill(o[i], 16);
	}
	s = slab_of_addr(o[0]);
	assert_ptr_equal((char *)s, page_address(virt_to_page(o[0])));
	assert_ptr_equal(s->s_mem, (char *)s + c->s_mem_off);
	for (i = 0; i < n; i++)
		assert_ptr_equal(o[i], s->s_mem + i * c->stride);
	assert_ptr_not_equal(slab_of_addr(o[n]), s);	/* the next slab */
	assert_int_equal(s->list, SLAB_FULL);
	check_all();
	for (i = 0; i <= n; i++) {
		expect_filled(o[i], 16);
		kmem_cache_free(c, o[i]);
	}
	free(o);
	check_all();
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * slabinfo counts the objects in the magazine and in the held word as
 * free, and a slab whose only taken slots sit there as not active.
 */
static void test_slabinfo_exact_with_magazine(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-exact", 128, 0, 0,
						 NULL);
	struct kmem_cache_info info;
	void *o[40];
	unsigned int i;
	char want[64];

	(void)state;
	for (i = 0; i < 40; i++)
		o[i] = kmem_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < 10; i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(slab_mag_count(c), 10);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 30);
	assert_int_equal(info.num_slabs, 2);
	assert_int_equal(info.active_slabs, 2);
	slabinfo_dump();
	snprintf(want, sizeof(want), "\ntest-exact            30 %6u ",
		 2 * c->objs_per_slab);
	assert_non_null(strstr(host_log(), want));
	host_log_clear();
	for (i = 10; i < 40; i++)
		kmem_cache_free(c, o[i]);
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(info.active_slabs, 0);
	assert_int_equal(info.num_slabs, 2);
	check_all();
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* Random allocations and frees against a shadow of the live objects. */
static void test_random_vs_shadow(void **state)
{
	enum { SLOTS = 700, STEPS = 30000 };
	static void *live[SLOTS];
	struct kmem_cache *c = kmem_cache_create("test-rand", 200, 0, 0, NULL);
	struct kmem_cache_info info;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int i, k, nlive = 0;

	(void)state;
	memset(live, 0, sizeof(live));
	for (i = 0; i < STEPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (unsigned int)(x % SLOTS);
		if (live[k]) {
			expect_filled(live[k], 200);
			kmem_cache_free(c, live[k]);
			live[k] = NULL;
			nlive--;
		} else {
			live[k] = kmem_cache_alloc(c, GFP_KERNEL);
			assert_non_null(live[k]);
			fill(live[k], 200);
			nlive++;
		}
		if (i % 1000 == 0) {
			kmem_cache_info(c, &info);
			assert_int_equal(info.active_objs, nlive);
			check_all();
		}
	}
	for (k = 0; k < SLOTS; k++)
		if (live[k])
			kmem_cache_free(c, live[k]);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 0);
	assert_true(c->lists[SLAB_EMPTY].nr <= c->max_empty);
	assert_int_equal(c->stats.refused, 0);
	check_all();
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * Invariants 3, 6 and 7: the maps (free and magazine), the held word,
 * the magazine.
 */
static void test_check_catches_map_state(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-state", 100, 0, 0,
						 NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	void *q = kmem_cache_alloc(c, GFP_KERNEL);
	void *r = kmem_cache_alloc(c, GFP_KERNEL);
	struct slab *s = slab_of_addr(p);
	unsigned long spare = 1ul << (SLAB_MAP_BITS - 1);
	struct slab_mag_entry saved;
	unsigned long low;

	(void)state;
	assert_true(c->objs_per_slab < SLAB_MAP_BITS);	/* spare bits */
	kmem_cache_free(c, p);
	kmem_cache_free(c, q);
	assert_int_equal(slab_mag_count(c), 2);
	saved = c->mag[2];
	c->mag[2] = c->mag[1];			/* p twice */
	assert_int_equal(kmem_cache_check(c), 1);
	assert_true(host_log_contains("slab_check: cache test-state: 7: magazine entries 1 and 2"));
	c->mag[2] = saved;
	host_log_clear();
	*c->mag[2].word &= ~slab_map_bit(c->mag[2].slot);	/* q's slot not in the map */
	assert_int_equal(kmem_cache_check(c), 2);
	assert_true(host_log_contains("7: magazine entry 2"));
	assert_true(host_log_contains("3: slab"));
	assert_true(host_log_contains("slots in its held map, the cache holds"));
	*c->mag[2].word |= slab_map_bit(c->mag[2].slot);
	host_log_clear();
	s->map[0] |= slab_map_bit(c->mag[1].slot);		/* p free and in the magazine */
	s->inuse--;
	assert_true(kmem_cache_check(c) >= 2);
	assert_true(host_log_contains("both free and held"));
	assert_true(host_log_contains("7: magazine entry 1"));
	s->map[0] &= ~slab_map_bit(c->mag[1].slot);
	s->inuse++;
	host_log_clear();
	assert_int_equal(kmem_cache_check(c), 0);
	c->free_bits |= slab_map_bit(1);	/* q (slot 1) free twice */
	assert_int_equal(kmem_cache_check(c), 2);
	assert_true(host_log_contains("7: magazine entry 2"));
	assert_true(host_log_contains("slots in its held map, the cache holds"));
	c->free_bits &= ~slab_map_bit(1);
	host_log_clear();
	low = c->free_bits & -c->free_bits;	/* held, not in the held map */
	*slab_held_word(c->free_word) &= ~low;
	assert_int_equal(kmem_cache_check(c), 2);
	assert_true(host_log_contains("not in its held map"));
	*slab_held_word(c->free_word) |= low;
	host_log_clear();
	c->free_base += c->stride;
	assert_int_equal(kmem_cache_check(c), 1);
	assert_true(host_log_contains("slab_check: cache test-state: 6: active slab"));
	c->free_base -= c->stride;
	host_log_clear();
	kmem_cache_shrink(c);			/* files s, r still out */
	assert_int_equal(s->list, SLAB_PARTIAL);
	s->map[0] |= spare;			/* a slot beyond the slab */
	assert_int_equal(kmem_cache_check(c), 2);
	assert_true(host_log_contains("3: slab"));
	assert_true(host_log_contains("as free"));
	s->map[0] &= ~spare;
	assert_int_equal(kmem_cache_check(c), 0);
	kmem_cache_free(c, r);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* --- reclaim ------------------------------------------------------------ */

/*
 * Memory runs out with empty slabs kept: the buddy's reclaim hook gives
 * them all back (the magazine drained first) and the requests get them.
 * A second exhaustion, with nothing cached, gets exactly as many frames.
 */
static void test_reclaim_under_pressure(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-reclaim", 1000, 0, 0,
						 NULL);
	uint32_t max = (uint32_t)(MiB(64) >> PAGE_SHIFT);
	struct page **held = calloc(max, sizeof(*held));
	uint32_t free1, cached, n1, n2, slabs;

	(void)state;
	assert_ptr_equal(buddy_reclaim_hook, kmem_cache_reclaim);
	fill_and_empty(c, 200);
	slabs = cache_frames(c) >> c->order;
	assert_true(slabs >= 20);
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE);
	free1 = zones_total_free();
	cached = cache_frames(c) + desc_frames();
	n1 = exhaust(held, max);
	assert_int_equal(cache_frames(c), 0);
	assert_int_equal(desc_frames(), 0);
	assert_int_equal(slab_mag_count(c), 0);
	assert_int_equal(c->stats.reclaimed, slabs);
	assert_int_equal(c->peak_slabs, 0);
	give_back(held, n1);
	assert_int_equal(zones_total_free(), free1 + cached);
	n2 = exhaust(held, max);
	assert_int_equal(n1, n2);
	give_back(held, n2);
	free(held);
	check_all();
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * The hook skips, never waits for, a lock held where it runs: a cache's
 * own (slab_grow()), kmem_slab's (then every off-slab cache, whose
 * descriptors go there), the list of caches.  It runs with interrupts off.
 */
static void test_reclaim_skips_held_locks(void **state)
{
	struct kmem_cache *off = kmem_cache_create("test-off", 1000, 0, 0,
						   NULL);
	struct kmem_cache *on = kmem_cache_create("test-on", 16, 0, 0, NULL);
	struct kmem_cache *d = kmem_cache_find("kmem_slab");
	struct slab_reclaim_stats rs;
	uint32_t hoff, hon, hdesc;
	unsigned int n_off = 0;
	struct kmem_cache *c;
	unsigned long flags;

	(void)state;
	assert_int_equal(off->s_mem_off, 0);
	assert_true(on->s_mem_off != 0);
	fill_and_empty(off, 80);
	fill_and_empty(on, 1000);
	hoff = cache_frames(off);
	hon = cache_frames(on);
	assert_true(hoff && hon);
	flags = mm_lock_irqsave(&off->lock);
	assert_int_equal(kmem_cache_reclaim(), hon);
	mm_unlock_irqrestore(&off->lock, flags);
	assert_int_equal(cache_frames(off), hoff);
	assert_int_equal(cache_frames(on), 0);
	fill_and_empty(on, 1000);
	flags = mm_lock_irqsave(&d->lock);
	assert_int_equal(kmem_cache_reclaim(), hon);
	mm_unlock_irqrestore(&d->lock, flags);
	assert_int_equal(cache_frames(off), hoff);
	flags = mm_lock_irqsave(&slab_caches_lock);
	assert_int_equal(kmem_cache_reclaim(), 0);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	assert_int_equal(cache_frames(off), hoff);
	hdesc = desc_frames();
	flags = arch_irq_save();
	assert_int_equal(kmem_cache_reclaim(), hoff + hdesc);
	assert_false(host_irqs_enabled());
	arch_irq_restore(flags);
	assert_int_equal(cache_frames(off) + desc_frames(), 0);
	assert_int_equal(kmem_cache_reclaim(), 0);
	/*
	 * Counted: every run but the one that found the list locked.  Passed
	 * over: off, then every off-slab cache and kmem_slab itself.
	 */
	for (c = slab_caches; c; c = c->next)
		n_off += c->s_mem_off == 0;
	slab_reclaim_stats(&rs);
	assert_int_equal(rs.calls, 4);
	assert_int_equal(rs.frames, 2 * hon + hoff + hdesc);
	assert_int_equal(rs.skipped, 1 + n_off + 1);
	check_all();
	assert_int_equal(kmem_cache_destroy(off), 0);
	assert_int_equal(kmem_cache_destroy(on), 0);
}

/*
 * A cache that must grow when memory is gone: alloc_pages() runs the hook
 * under that cache's lock; the hook frees another cache's empty slabs and
 * the retried request, and the allocation, succeed.
 */
static void test_reclaim_while_growing(void **state)
{
	struct kmem_cache *victim = kmem_cache_create("test-victim", 1000, 0,
						      0, NULL);
	struct kmem_cache *grower = kmem_cache_create("test-grower", 2000, 0,
						      0, NULL);
	uint32_t max = (uint32_t)(MiB(64) >> PAGE_SHIFT), n;
	struct page **held = calloc(max, sizeof(*held));
	void *p;

	(void)state;
	fill_and_empty(victim, 100);
	buddy_reclaim_hook = NULL;
	n = exhaust(held, max);
	buddy_reclaim_hook = kmem_cache_reclaim;
	assert_true(cache_frames(victim) > 0);
	p = kmem_cache_alloc(grower, GFP_KERNEL | __GFP_NOWARN);
	assert_non_null(p);
	assert_true(victim->stats.reclaimed > 0);
	assert_int_equal(cache_frames(victim), 0);
	assert_int_equal(grower->stats.grown, 1);
	assert_int_equal(grower->stats.reclaimed, 0);
	kmem_cache_free(grower, p);
	give_back(held, n);
	free(held);
	check_all();
	assert_int_equal(kmem_cache_destroy(victim), 0);
	assert_int_equal(kmem_cache_destroy(grower), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_cache, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_magazine_then_address_order, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_double_free, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_on_slab_descriptor, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_descriptor_in_one_line, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_slabinfo_exact_with_magazine, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_random_vs_shadow, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_check_catches_map_state, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_under_pressure, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_skips_held_locks, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_reclaim_while_growing, setup_plain, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
