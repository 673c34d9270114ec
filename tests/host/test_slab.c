/*
 * Host tests of the slab layer: object caches with debug on (as every
 * host test runs them) and off, alignment, constructors, shrink and
 * destroy, every misuse the debug mode reports (with the exact line), a
 * write after free to a constructed object, exhaustion of the buddy
 * allocator underneath, the slabinfo format and the checker, first on
 * one CPU, then again once mm_smp_prepare() has turned the SMP path on
 * (debug caches then take their lock, plain ones per-CPU magazines).
 * The free maps, the magazine and reclaim are in test_slab_map.c, the
 * per-CPU magazines in test_slab_pcpu.c.
 * kmem_cache_check_all() and buddy_check_all() run after every case, and
 * each case must hand every frame back to the buddy allocator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <valgrind/memcheck.h>

#include "mm/testing/fault_inject.h"
#include "slab_harness.h"
#include "mm/poison.h"
#include "../../mm/slab_internal.h"

#define NOBJ 600

static void test_alloc_free_many(void **state)
{
	static void *objs[NOBJ];
	struct kmem_cache *c = kmem_cache_create("test-40", 40, 0, 0, NULL);
	struct kmem_cache_info info;
	unsigned int i, j, peak, keep;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < NOBJ; i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		assert_non_null(objs[i]);
		assert_true(IS_ALIGNED((uintptr_t)objs[i], sizeof(void *)));
		assert_ptr_equal(slab_of_addr(objs[i])->cache, c);
		fill(objs[i], 40);
	}
	for (i = 0; i < NOBJ; i += 37)
		for (j = i + 1; j < NOBJ; j++)
			assert_true((char *)objs[j] + 40 <= (char *)objs[i] ||
				    (char *)objs[i] + 40 <= (char *)objs[j]);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, NOBJ);
	assert_int_equal(info.num_objs, info.num_slabs * c->objs_per_slab);
	peak = info.num_slabs;
	assert_true(peak >> SLAB_EMPTY_SHIFT > SLAB_MAX_EMPTY);
	assert_int_equal(c->peak_slabs, peak);
	keep = peak >> SLAB_EMPTY_SHIFT;
	assert_int_equal(c->max_empty, keep);
	check_all();
	for (i = 0; i < NOBJ; i++) {
		expect_filled(objs[i], 40);
		kmem_cache_free(c, objs[i]);
		if (i % 100 == 0)
			check_all();
	}
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(info.active_slabs, 0);
	/* the empty slabs kept (up to max_empty), and the active one */
	assert_int_equal(c->lists[SLAB_EMPTY].nr, MIN(peak - 1, keep));
	assert_int_equal(info.num_slabs, MIN(peak, keep + 1));
	assert_int_equal(kmem_cache_shrink(c), info.num_slabs << c->order);
	/* a shrink starts the peak afresh */
	assert_int_equal(c->peak_slabs, 0);
	assert_int_equal(c->max_empty, SLAB_MAX_EMPTY);
	check_all();
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_int_equal(zones_total_free(), boot_free);
}

static void test_zalloc_zeroes(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-zero", 100, 0, 0, NULL);
	uint8_t *p;
	unsigned int i;

	(void)state;
	p = kmem_cache_alloc(c, GFP_KERNEL);
	memset(p, 0x77, 100);
	kmem_cache_free(c, p);
	p = kmem_cache_zalloc(c, GFP_KERNEL);
	for (i = 0; i < 100; i++)
		assert_int_equal(p[i], 0);
	kmem_cache_free(c, p);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_alignment(void **state)
{
	static const unsigned int aligns[] = { 0, 8, 16, 32, 64, 128, 512 };
	void *p[5];
	unsigned int i, j, want;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		struct kmem_cache *c = kmem_cache_create("test-align", 24,
							 aligns[i], 0, NULL);

		want = MAX(aligns[i], (unsigned int)sizeof(void *));
		assert_non_null(c);
		for (j = 0; j < 5; j++) {
			p[j] = kmem_cache_alloc(c, GFP_KERNEL);
			if (!IS_ALIGNED((uintptr_t)p[j], want))
				fail_msg("align %u: %p", want, p[j]);
		}
		for (j = 0; j < 5; j++)
			kmem_cache_free(c, p[j]);
		assert_int_equal(kmem_cache_destroy(c), 0);
	}
	{
		struct kmem_cache *c = kmem_cache_create("test-hw", 20, 0,
							 SLAB_HWCACHE_ALIGN,
							 NULL);

		for (j = 0; j < 5; j++) {
			p[j] = kmem_cache_alloc(c, GFP_KERNEL);
			assert_true(IS_ALIGNED((uintptr_t)p[j],
					       SLAB_CACHE_LINE));
		}
		for (j = 0; j < 5; j++)
			kmem_cache_free(c, p[j]);
		assert_int_equal(kmem_cache_destroy(c), 0);
	}
}

static void test_bad_create_refused(void **state)
{
	(void)state;
	assert_null(kmem_cache_create("x", 0, 0, 0, NULL));
	assert_null(kmem_cache_create("x", 32, 24, 0, NULL));
	assert_null(kmem_cache_create("x", 32, 0, 0x100, NULL));
	assert_null(kmem_cache_create("x", PAGE_SIZE << SLAB_MAX_ORDER, 0, 0,
				      NULL));
	assert_null(kmem_cache_create(NULL, 32, 0, 0, NULL));
	assert_int_equal(host_log_count("slab: kmem_cache_create("), 5);
}

/* Every slab keeps its waste (header, padding, tail) at most 1/8. */
static void test_slab_order_waste(void **state)
{
	static const unsigned int sizes[] = { 8, 24, 100, 192, 500, 1000,
					      2048, 3000, 4096, 8192, 12000 };
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct kmem_cache *c = kmem_cache_create("test-order",
							 sizes[i], 0, 0, NULL);
		size_t bytes = (size_t)PAGE_SIZE << c->order;
		size_t used = (size_t)c->objs_per_slab * c->stride;

		assert_true(c->objs_per_slab >= 1);
		/* the map covers every slot; off-slab only while it fits */
		assert_true(c->map_words * SLAB_MAP_BITS >= c->objs_per_slab);
		if (c->s_mem_off == 0)
			assert_true(c->objs_per_slab <= SLAB_DESC_MAP_BITS);
		else
			assert_true(sizeof(struct slab) + c->map_words *
				    sizeof(unsigned long) <= c->s_mem_off);
		used += c->s_mem_off;
		assert_true(used <= bytes);
		if (c->objs_per_slab < SLAB_MIN_OBJS &&
		    c->order < SLAB_MAX_ORDER)
			fail_msg("size %u: %u objects in an order-%u slab",
				 sizes[i], c->objs_per_slab, c->order);
		if ((bytes - used) * 8 > bytes)
			fail_msg("size %u: order %u, %u objects of %u: waste %zu",
				 sizes[i], c->order, c->objs_per_slab,
				 c->stride, bytes - used);
		assert_int_equal(kmem_cache_destroy(c), 0);
	}
}

/* --- constructors --------------------------------------------------- */

static unsigned int ctor_calls;

struct ctor_obj {
	uint32_t magic;
	uint32_t seq;
	uint8_t data[48];
};

static void ctor_fn(void *p)
{
	struct ctor_obj *o = p;

	o->magic = 0xC0FFEE;
	o->seq = ++ctor_calls;
	memset(o->data, 0, sizeof(o->data));
}

/*
 * Without debug the constructor runs once per object, when its slab is
 * made, and the state a user leaves survives reuse.  With debug the
 * object is poisoned while free and constructed when handed out.
 */
static void ctor_case(bool debug)
{
	struct kmem_cache *c = kmem_cache_create("test-ctor",
						 sizeof(struct ctor_obj), 0, 0,
						 ctor_fn);
	struct ctor_obj *a, *b;
	unsigned int per;

	ctor_calls = 0;
	a = kmem_cache_alloc(c, GFP_KERNEL);
	per = c->objs_per_slab;
	assert_int_equal(ctor_calls, debug ? 1 : per);
	assert_int_equal(a->magic, 0xC0FFEE);
	a->seq = 4242;		/* constructed state the user keeps */
	kmem_cache_free(c, a);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	assert_ptr_equal(a, b);
	assert_int_equal(b->magic, 0xC0FFEE);
	assert_int_equal(b->seq, debug ? 2 : 4242);
	assert_int_equal(ctor_calls, debug ? 2 : per);
	kmem_cache_free(c, b);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_ctor_once_per_object(void **state)
{
	(void)state;
	ctor_case(true);
}

static void test_plain_ctor(void **state)
{
	(void)state;
	ctor_case(false);
}

/* --- shrink and destroy ------------------------------------------- */

/*
 * Every emptied slab is kept up to the cache's peak (SLAB_EMPTY_SHIFT 0);
 * a shrink gives them all back and starts the peak afresh.
 */
static void test_shrink_releases_kept_slabs(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-shrink", 1000, 0, 0,
						 NULL);
	void *objs[64];
	unsigned int i, per_slab_frames, slabs;
	uint32_t before = zones_total_free();

	(void)state;
	for (i = 0; i < 64; i++)
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
	assert_true(c->lists[SLAB_FULL].nr >= 4);
	slabs = c->lists[SLAB_FULL].nr + 1;
	assert_int_equal(c->peak_slabs, slabs);
	for (i = 0; i < 64; i++)
		kmem_cache_free(c, objs[i]);
	/* All empty and all kept, besides the active slab. */
	assert_int_equal(c->lists[SLAB_EMPTY].nr, slabs - 1);
	assert_true(c->lists[SLAB_EMPTY].nr <= c->max_empty);
	assert_int_equal(c->lists[SLAB_PARTIAL].nr, 0);
	assert_int_equal(c->lists[SLAB_FULL].nr, 0);
	assert_non_null(c->active);
	per_slab_frames = 1u << c->order;
	assert_int_equal(zones_total_free() + desc_frames(),
			 before - slabs * per_slab_frames);
	assert_int_equal(kmem_cache_shrink(c), slabs * per_slab_frames);
	assert_null(c->active);
	assert_int_equal(c->free_bits, 0);
	assert_int_equal(c->peak_slabs, 0);
	assert_int_equal(c->max_empty, SLAB_MAX_EMPTY);
	assert_int_equal(zones_total_free(), before);
	assert_int_equal(kmem_cache_shrink(c), 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_destroy_refused_while_live(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-live", 64, 0, 0, NULL);
	void *a = kmem_cache_alloc(c, GFP_KERNEL);
	void *b = kmem_cache_alloc(c, GFP_KERNEL);
	void *d = kmem_cache_alloc(c, GFP_KERNEL);

	(void)state;
	assert_int_equal(kmem_cache_destroy(c), -EBUSY);
	assert_true(host_log_contains(
		"slab: kmem_cache_destroy of cache test-live refused: 3 objects still live"));
	assert_ptr_equal(kmem_cache_find("test-live"), c);
	kmem_cache_free(c, a);
	kmem_cache_free(c, b);
	assert_int_equal(kmem_cache_destroy(c), -EBUSY);
	assert_true(host_log_contains("refused: 1 objects still live"));
	kmem_cache_free(c, d);
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_null(kmem_cache_find("test-live"));
	assert_int_equal(kmem_cache_destroy(NULL), 0);
}

/* Destroying what is no (longer a) cache is refused without touching it. */
static void test_destroy_unknown_cache(void **state)
{
	static struct kmem_cache fake;
	char line[128];

	(void)state;
	memset(&fake, 0x6b, sizeof(fake));
	assert_int_equal(kmem_cache_destroy(&fake), -EINVAL);
	snprintf(line, sizeof(line),
		 "slab: kmem_cache_destroy of %p, which is no cache (caller ",
		 (void *)&fake);
	assert_true(host_log_contains(line));
	assert_int_equal(kmem_cache_destroy(kmem_cache_find("kmem_cache")),
			 -EINVAL);
	assert_true(host_log_contains("kmem_cache_destroy of the boot cache refused"));
}

/* Teardown takes leftover idle caches with it, and may run twice. */
static void test_teardown_idempotent(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-left", 32, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);

	struct kmem_cache *kc = kmem_cache_find("kmem_cache");
	struct kmem_cache_info info;
	unsigned int order = kc->order;	/* teardown clears the boot cache */

	(void)state;
	kmem_cache_free(c, p);
	kmem_cache_info(kc, &info);
	assert_int_equal(kmem_cache_teardown(), 0);
	assert_int_equal(kmem_cache_teardown(), 0);
	assert_null(kmalloc(8, GFP_KERNEL));
	/* What boot took: the slabs of struct kmem_cache objects. */
	assert_int_equal(zones_total_free() - boot_free,
			 info.num_slabs << order);
	assert_int_equal(kmem_cache_init(SLAB_DEBUG), 0);
}

/* --- exhaustion of the buddy allocator ------------------------------ */

static void test_grow_failure_returns_null(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-fail", 256, 0, 0, NULL);
	void *p;

	(void)state;
	fault_test_fail_nth(1);
	assert_null(kmem_cache_alloc(c, GFP_KERNEL));
	assert_int_equal(c->stats.alloc_fail, 1);
	assert_int_equal(c->lists[SLAB_EMPTY].nr + c->lists[SLAB_PARTIAL].nr +
			 c->lists[SLAB_FULL].nr, 0);
	assert_null(c->active);
	check_all();
	p = kmem_cache_alloc(c, GFP_KERNEL);
	assert_non_null(p);
	kmem_cache_free(c, p);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* A cache made while the cache of caches cannot grow fails cleanly. */
static void test_create_failure(void **state)
{
	void *hold[200];
	struct kmem_cache *c;
	unsigned int i, n = 0;
	struct kmem_cache_info info;

	(void)state;

	/* Use up the kmem_cache slabs already made so the next one grows. */
	for (i = 0; i < 200; i++) {
		c = kmem_cache_find("kmem_cache");
		kmem_cache_info(c, &info);
		if (info.active_objs == info.num_objs)
			break;
		hold[n++] = kmem_cache_create("test-hold", 16, 0, 0, NULL);
	}
	assert_true(i < 200);
	fault_test_fail_nth(1);
	assert_null(kmem_cache_create("test-nomem", 16, 0, 0, NULL));
	for (i = 0; i < n; i++)
		assert_int_equal(kmem_cache_destroy(hold[i]), 0);
}

/* Exhaust the machine with one cache: NULL at the end, nothing leaks. */
static void test_exhaust_machine(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-big", 8000, 0, 0, NULL);
	void **objs;
	size_t n = 0, cap = 16384;
	void *p;

	(void)state;
	objs = malloc(cap * sizeof(*objs));
	while ((p = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN)) != NULL) {
		assert_true(n < cap);
		objs[n++] = p;
	}
	assert_true(n > 4000);	/* most of 64 MiB */
	assert_true(c->stats.alloc_fail >= 1);
	check_all();
	while (n)
		kmem_cache_free(c, objs[--n]);
	free(objs);
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_int_equal(zones_total_free(), boot_free);
}

/* --- debug mode: every misuse, reported, refused, state unchanged ---- */

/*
 * The misuse cases below write where valgrind would (rightly) object: into
 * a red zone or a freed object.  They open those bytes to memcheck first,
 * standing for a bug valgrind does not see (the kernel has no valgrind);
 * test_kmalloc's valgrind probe shows memcheck catching the real thing.
 */
static void poke(void *p, uint8_t v)
{
	VALGRIND_MAKE_MEM_UNDEFINED(p, 1);
	*(volatile uint8_t *)p = v;
	VALGRIND_MAKE_MEM_NOACCESS(p, 1);
}

static void expect_report(const char *what, const char *cache, void *obj,
			  int off, const char *bytes)
{
	char line[256];

	snprintf(line, sizeof(line),
		 "slab: %s in cache %s: object %p offset %d bytes %s (caller ",
		 what, cache, obj, off, bytes);
	if (host_log_count(line) != 1)
		fail_msg("expected once: %s\nlog:\n%s", line, host_log());
	host_log_clear();
}

static void test_redzone_overwrite_after(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-rz", 30, 0, 0, NULL);
	uint8_t *p = kmem_cache_alloc(c, GFP_KERNEL);

	(void)state;
	poke(p + 30, 0x41);
	kmem_cache_free(c, p);
	expect_report("red zone overwritten", "test-rz", p, 30,
		      "41 bb bb bb bb bb bb bb");
	assert_int_equal(c->stats.refused, 1);
	/* Refused: still allocated, usable, and freeable once repaired. */
	p[0] = 1;
	poke(p + 30, RED_ACTIVE);
	kmem_cache_free(c, p);
	assert_int_equal(host_log_count("slab:"), 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_redzone_overwrite_before(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-rz", 32, 0, 0, NULL);
	uint8_t *p = kmem_cache_alloc(c, GFP_KERNEL);

	(void)state;
	poke(p - 3, 0x00);
	kmem_cache_free(c, p);
	expect_report("red zone overwritten", "test-rz", p, -3, "00 bb bb");
	check_all();
	poke(p - 3, RED_ACTIVE);
	kmem_cache_free(c, p);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* @p was withheld as corrupt and @q handed out instead: the counts say so. */
static void expect_withheld(struct kmem_cache *c, void *p, void *q)
{
	struct kmem_cache_info info;

	assert_ptr_not_equal(q, p);
	assert_int_equal(c->stats.quarantined, 1);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 1);
	assert_int_equal(info.quarantined, 1);
	check_all();
}

static void test_use_after_free(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-uaf", 64, 0, 0, NULL);
	uint8_t *p = kmem_cache_alloc(c, GFP_KERNEL);
	uint8_t *q;

	(void)state;
	kmem_cache_free(c, p);
	poke(p + 5, 0x99);		/* write after free */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	expect_report("use after free", "test-uaf", p, 5,
		      "99 6b 6b 6b 6b 6b 6b 6b");
	/* The corrupt object is withheld; another one is handed out. */
	expect_withheld(c, p, q);
	kmem_cache_free(c, q);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_use_after_free_last_byte(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-uaf", 24, 0, 0, NULL);
	uint8_t *p = kmem_cache_alloc(c, GFP_KERNEL);
	uint8_t *q;

	(void)state;
	kmem_cache_free(c, p);
	poke(p + 23, POISON_FREE_OBJ);	/* the end marker overwritten */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	expect_report("use after free", "test-uaf", p, 23, "6b");
	kmem_cache_free(c, q);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * A write to a freed constructed object: poisoned in debug mode like any
 * free object, so the next allocation finds it, reports the exact bytes,
 * withholds the object and hands out another, constructed one.
 */
static void test_ctor_use_after_free(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-ctor-uaf",
						 sizeof(struct ctor_obj), 0, 0,
						 ctor_fn);
	struct ctor_obj *p, *q;

	(void)state;
	p = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, p);
	poke((uint8_t *)p + 4, 0x99);	/* p->seq, written after free */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	expect_report("use after free", "test-ctor-uaf", p, 4,
		      "99 6b 6b 6b 6b 6b 6b 6b");
	expect_withheld(c, p, q);
	assert_int_equal(q->magic, 0xC0FFEE);
	/* An untouched free object passes: state rebuilt, no report. */
	kmem_cache_free(c, q);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	assert_ptr_equal(p, q);
	assert_int_equal(p->magic, 0xC0FFEE);
	assert_int_equal(host_log_count("slab:"), 0);
	kmem_cache_free(c, p);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

static void test_double_free(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-df", 48, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	void *q = kmem_cache_alloc(c, GFP_KERNEL);
	void *r;

	(void)state;
	kmem_cache_free(c, p);
	kmem_cache_free(c, p);
	expect_report("double free", "test-df", p, -8,
		      "cc cc cc cc cc cc cc cc");
	assert_int_equal(c->stats.refused, 1);
	check_all();
	/* The map is intact: p comes back exactly once. */
	r = kmem_cache_alloc(c, GFP_KERNEL);
	assert_ptr_equal(r, p);
	r = kmem_cache_alloc(c, GFP_KERNEL);
	assert_ptr_not_equal(r, p);
	assert_ptr_not_equal(r, q);
	kmem_cache_free(c, r);
	kmem_cache_free(c, q);
	kmem_cache_free(c, p);
	assert_int_equal(host_log_count("slab:"), 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * Without debug the double free is refused as exactly, with its line:
 * on one CPU by the held map of the cache's magazine, on several by the
 * held bit the CPU's magazine test-and-sets.
 */
static void test_double_free_plain(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-dfp", 48, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL), *q;
	char line[160];

	(void)state;
	assert_int_equal(c->flags & SLAB_PCPU,
			 (mm_lock_mode & MM_LOCK_SMP) ? SLAB_PCPU : 0);
	kmem_cache_free(c, p);
	kmem_cache_free(c, p);
	snprintf(line, sizeof(line),
		 "slab: double free in cache test-dfp: object %p offset 0 bytes - (caller ",
		 p);
	assert_int_equal(host_log_count(line), 1);
	assert_int_equal(host_log_count("slab:"), 1);
	assert_int_equal(c->stats.refused, 1);
	check_all();
	assert_ptr_equal(kmem_cache_alloc(c, GFP_KERNEL), p);	/* once */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	assert_ptr_not_equal(q, p);
	host_log_clear();
	assert_int_equal(kmem_cache_shrink(c), 0);	/* both still out */
	assert_int_equal(kmem_cache_destroy(c), -EBUSY);
	assert_true(host_log_contains("2 objects still live"));
	host_log_clear();
	kmem_cache_free(c, p);
	kmem_cache_free(c, q);
	assert_int_equal(kmem_cache_destroy(c), 0);
	assert_string_equal(host_log(), "");
}

static void test_wrong_cache(void **state)
{
	struct kmem_cache *a = kmem_cache_create("test-a", 32, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("test-b", 32, 0, 0, NULL);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);

	(void)state;
	kmem_cache_free(b, p);
	expect_report("free of an object of cache test-a", "test-b", p, 0, "-");
	assert_int_equal(b->stats.refused, 1);
	assert_int_equal(a->stats.refused, 0);
	check_all();
	kmem_cache_free(a, p);
	assert_int_equal(kmem_cache_destroy(a), 0);
	assert_int_equal(kmem_cache_destroy(b), 0);
}

static void test_foreign_and_interior_pointers(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-fp", 32, 0, 0, NULL);
	char *p = kmem_cache_alloc(c, GFP_KERNEL);
	static char outside[16];
	struct page *page = alloc_page(GFP_KERNEL);

	(void)state;
	kmem_cache_free(c, outside);
	expect_report("free of a foreign pointer", "test-fp", outside, 0, "-");
	kmem_cache_free(c, page_address(page));
	expect_report("free of a foreign pointer", "test-fp",
		      page_address(page), 0, "-");
	kmem_cache_free(c, p + 4);
	expect_report("free of a pointer inside an object", "test-fp", p + 4,
		      4, "-");
	assert_int_equal(c->stats.refused, 3);
	kmem_cache_free(c, NULL);	/* no-op */
	assert_int_equal(c->stats.refused, 3);
	check_all();
	kmem_cache_free(c, p);
	__free_pages(page, 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* The checker sees a corrupted slab; repaired, it is quiet again. */
static void test_check_catches_corruption(void **state)
{
	struct kmem_cache *c = kmem_cache_create("test-chk", 64, 0, 0, NULL);
	void *p = kmem_cache_alloc(c, GFP_KERNEL);
	struct slab *s = slab_of_addr(p);
	char line[160];
	uintptr_t track;

	(void)state;
	s->inuse--;		/* its map now counts one free slot short */
	assert_true(kmem_cache_check(c) >= 1);
	assert_true(host_log_contains("slab_check: cache test-chk: 3: slab"));
	s->inuse++;
	host_log_clear();
	/* The active slab's held word with a slot also free in its map. */
	c->free_bits |= 1ul << 63 >> (64 - SLAB_MAP_BITS);
	*c->free_word |= 1ul << 63 >> (64 - SLAB_MAP_BITS);
	assert_true(kmem_cache_check(c) >= 1);
	assert_true(host_log_contains("slab_check: cache test-chk: 6: active slab"));
	c->free_bits &= ~(1ul << 63 >> (64 - SLAB_MAP_BITS));
	*c->free_word &= ~(1ul << 63 >> (64 - SLAB_MAP_BITS));
	host_log_clear();
	assert_int_equal(kmem_cache_check(c), 0);
	/* A slab on a list whose count disagrees with its map. */
	kmem_cache_shrink(c);	/* files the active slab on a list */
	assert_int_equal(s->list, SLAB_PARTIAL);
	s->inuse++;
	assert_true(kmem_cache_check(c) >= 1);
	assert_true(host_log_contains("slab_check: cache test-chk: 3: slab"));
	s->inuse--;
	host_log_clear();
	kmem_cache_free(c, p);
	/* The debug word names the free: a return address in this case. */
	track = (uintptr_t)slab_get_track(c, p);
	assert_true(track > (uintptr_t)test_check_catches_corruption &&
		    track < (uintptr_t)test_check_catches_corruption + 4096);
	poke((char *)p - 1, 0x00);	/* red zone of a free object */
	assert_int_equal(kmem_cache_check(c), 1);
	snprintf(line, sizeof(line),
		 "5: free object %p has an active or overwritten red zone (last freed by %p)",
		 p, (void *)track);
	assert_true(host_log_contains(line));
	poke((char *)p - 1, RED_INACTIVE);
	assert_int_equal(kmem_cache_check(c), 0);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/* --- slabinfo ------------------------------------------------------- */

static void test_slabinfo_format(void **state)
{
	static const char header[] =
		"slabinfo - version: 2.1\n"
		"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n";
	struct kmem_cache *c = kmem_cache_create("test-info", 100, 0, 0, NULL);
	void *p[3];
	const char *line;
	char name[32];
	unsigned long a, n, as, ns, sh;
	unsigned int sz, per, lim, bat, shf;
	int pages;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++)
		p[i] = kmem_cache_alloc(c, GFP_KERNEL);
	slabinfo_dump();
	assert_true(strncmp(host_log(), header, strlen(header)) == 0);
	line = strstr(host_log(), "\ntest-info ");
	assert_non_null(line);
	assert_int_equal(sscanf(line + 1,
		"%31s %lu %lu %u %u %d : tunables %u %u %u : slabdata %lu %lu %lu",
		name, &a, &n, &sz, &per, &pages, &lim, &bat, &shf, &as, &ns,
		&sh), 12);
	assert_int_equal(a, 3);
	assert_int_equal(n, c->objs_per_slab);
	assert_int_equal(sz, c->stride);
	assert_int_equal(per, c->objs_per_slab);
	assert_int_equal(pages, 1 << c->order);
	assert_int_equal(as, 1);
	assert_int_equal(ns, 1);
	/* Linux's columns: name padded to 17, then " %6lu". */
	assert_int_equal(strchr(line + 1, '\n') - (line + 1),
			 strlen("test-info         ") + 6 + 1 + 6 + 1 + 6 + 1 +
			 4 + 1 + 4 + strlen(" : tunables ") + 14 +
			 strlen(" : slabdata ") + 20);
	assert_non_null(strstr(host_log(), "\nkmalloc-8192 "));
	assert_non_null(strstr(host_log(), "\nkmem_cache "));
	for (i = 0; i < 3; i++)
		kmem_cache_free(c, p[i]);
	assert_int_equal(kmem_cache_destroy(c), 0);
}

/*
 * The SMP path for the rest of the process (mm_smp_prepare() is once per
 * boot and its lock mode stays): every case again, the debug caches
 * under their lock, the plain ones through per-CPU magazines.
 */
static int smp_on(void **state)
{
	(void)state;
	machine_boot(MiB(64));
	assert_int_equal(kmem_cache_init(0), 0);
	assert_int_equal(mm_smp_prepare(2), 0);
	assert_int_equal(kmem_cache_teardown(), 0);
	machine_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_free_many, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_zalloc_zeroes, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_alignment, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_alignment, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_bad_create_refused, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_slab_order_waste, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_slab_order_waste, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_ctor_once_per_object, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_plain_ctor, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_ctor_use_after_free, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_shrink_releases_kept_slabs, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_refused_while_live, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_unknown_cache, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_idempotent, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_grow_failure_returns_null, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_create_failure, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_exhaust_machine, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_redzone_overwrite_after, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_redzone_overwrite_before, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_use_after_free, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_use_after_free_last_byte, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_double_free, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_double_free_plain, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_cache, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_and_interior_pointers, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_check_catches_corruption, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_slabinfo_format, setup_debug, teardown),
	};

	int failed = cmocka_run_group_tests_name("one CPU", tests, NULL, NULL);

	return failed + cmocka_run_group_tests_name("two CPUs", tests,
						    smp_on, NULL);
}
