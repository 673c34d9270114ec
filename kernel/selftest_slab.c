/*
 * In-kernel tests of the slab layer (`selftest slab`): every kmalloc
 * class, large blocks, constructors, alignment, shrink and destroy, each
 * misuse the debug mode catches (on caches made with SLAB_DEBUG, so they
 * run whatever the command line says; a write after free to a constructed
 * object among them), foreign kfree()s, and the invariants of every cache
 * after each case.
 *
 * Design.  Each case runs between begin() and end(): the caches are
 * shrunk and the buddy counts recorded with buddy_snapshot_take(); at the
 * end the caches are shrunk again and every count must be back, so a case
 * that leaks a frame, or leaves a slab behind, fails.
 *
 * Context: the shell (process context, interrupts on).  The misuse cases
 * print the slab layer's report lines on the console, as they should.
 */
#include "cmdline.h"
#include "selftest.h"
#include "mm/buddy.h"
#include "mm/poison.h"
#include "mm/slab.h"
#include "mm/testing/buddy.h"

static struct buddy_snapshot snap;

static void begin(void)
{
	kmem_cache_shrink_all();
	buddy_snapshot_take(&snap);
}

static const char *end(const char *why)
{
	unsigned int bad = kmem_cache_check_all() + buddy_check_all();
	unsigned int changed;

	kmem_cache_shrink_all();
	changed = buddy_snapshot_restore(&snap);
	if (why)
		return why;
	if (bad)
		return selftest_fail("%u invariant violations", bad);
	if (changed)
		return selftest_fail("%u free block counts changed", changed);
	return NULL;
}

static uint8_t pattern(const void *p, size_t i)
{
	return (uint8_t)(((uintptr_t)p >> 4) ^ (i * 13));
}

static void fill(void *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		((uint8_t *)p)[i] = pattern(p, i);
}

static bool filled(const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((const uint8_t *)p)[i] != pattern(p, i))
			return false;
	return true;
}

/* One class: two objects that must fill it without overlapping. */
static const char *kmalloc_class_check(void *a, void *b, unsigned int size)
{
	if (!a || !b)
		return selftest_fail("kmalloc(%u) failed", size);
	if (ksize(a) != size || ksize(b) != size)
		return selftest_fail("ksize %u/%u for class %u",
				     (unsigned int)ksize(a),
				     (unsigned int)ksize(b), size);
	fill(a, size);
	fill(b, size);
	if (!filled(a, size) || !filled(b, size))
		return selftest_fail("class %u objects overlap", size);
	return NULL;
}

/* Each case frees what it took, failed or not: a failure leaks nothing. */
static const char *kmalloc_classes_case(void)
{
	static const unsigned int classes[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	const char *why = NULL;
	unsigned int i, prev = 0;

	for (i = 0; i < ARRAY_SIZE(classes) && !why; i++) {
		void *a = kmalloc(prev + 1, GFP_KERNEL);
		void *b = kmalloc(classes[i], GFP_KERNEL);

		why = kmalloc_class_check(a, b, classes[i]);
		kfree(a);
		kfree(b);
		prev = classes[i];
	}
	return why;
}

SELFTEST(slab, kmalloc_classes)
{
	begin();
	return end(kmalloc_classes_case());
}

static const char *kmalloc_large_case(void)
{
	uint32_t before = zones_total_free();
	struct page *page;
	uint8_t *p = kzalloc(20000, GFP_KERNEL);
	size_t i;

	if (!p)
		return "kzalloc(20000) failed";
	page = virt_to_page(p);
	if (!page_test(page, PG_large_kmalloc) || page_order(page) != 3 ||
	    ksize(p) != 32768)
		return selftest_fail("flags 0x%x order %u ksize %u",
				     page->flags, page_order(page),
				     (unsigned int)ksize(p));
	if (zones_total_free() != before - 8)
		return "large block did not take 8 frames";
	for (i = 0; i < 20000; i++)
		if (p[i])
			return "kzalloc'd block is not zero";
	kfree(p);
	if (page_test(page, PG_large_kmalloc) ||
	    zones_total_free() != before)
		return "large block not given back";
	return NULL;
}

SELFTEST(slab, kmalloc_large)
{
	begin();
	return end(kmalloc_large_case());
}

static const char *krealloc_kcalloc_case(void)
{
	uint8_t *p = kmalloc(50, GFP_KERNEL), *q;
	unsigned int i;

	if (!p)
		return "kmalloc failed";
	for (i = 0; i < 50; i++)
		p[i] = (uint8_t)i;
	q = krealloc(p, 3000, GFP_KERNEL);
	if (!q)
		return "krealloc failed";
	for (i = 0; i < 50; i++)
		if (q[i] != i)
			return "krealloc lost the contents";
	kfree(q);
	if (kcalloc(0x40000000u, 8, GFP_KERNEL))
		return "kcalloc overflow not refused";
	p = kcalloc(10, 10, GFP_KERNEL);
	for (i = 0; p && i < 100; i++)
		if (p[i])
			return "kcalloc memory not zero";
	kfree(p);
	return p ? NULL : "kcalloc failed";
}

SELFTEST(slab, krealloc_kcalloc)
{
	begin();
	return end(krealloc_kcalloc_case());
}

static unsigned int ctor_calls;

static void count_ctor(void *obj)
{
	*(uint32_t *)obj = 0xC0FFEE;
	ctor_calls++;
}

/* Two objects of @c in turn: constructed, aligned, constructed state kept. */
static const char *ctor_align_objects(struct kmem_cache *c,
				      const struct kmem_cache_info *info)
{
	unsigned int once = (info->flags & SLAB_DEBUG) ? 1 : info->objs_per_slab;
	uint32_t *a, *b;
	bool ok;

	ctor_calls = 0;
	a = kmem_cache_alloc(c, GFP_KERNEL);
	if (!a)
		return "kmem_cache_alloc failed";
	if (ctor_calls != once || *a != 0xC0FFEE ||
	    !IS_ALIGNED((uintptr_t)a, SLAB_CACHE_LINE)) {
		kmem_cache_free(c, a);
		return selftest_fail("ctor ran %u times for %u objects, "
				     "object %p", ctor_calls,
				     info->objs_per_slab, a);
	}
	kmem_cache_free(c, a);
	b = kmem_cache_alloc(c, GFP_KERNEL);
	if (!b)
		return "kmem_cache_alloc failed on reuse";
	/* Read before the free: with debug, a free poisons the object. */
	ok = b == a && *b == 0xC0FFEE &&
	     ctor_calls == ((info->flags & SLAB_DEBUG) ? 2 : once);
	kmem_cache_free(c, b);
	return ok ? NULL : "constructed state lost on reuse";
}

/*
 * The constructor runs once per object when its slab is made; with debug
 * (slab_debug on the command line) each time an object is handed out.
 * The cache is destroyed whatever happened, so a failure leaks nothing.
 */
static const char *ctor_align_case(void)
{
	struct kmem_cache *c = kmem_cache_create("selftest-ctor", 40, 0,
						 SLAB_HWCACHE_ALIGN,
						 count_ctor);
	struct kmem_cache_info info;
	const char *why;

	if (!c)
		return "kmem_cache_create failed";
	kmem_cache_info(c, &info);
	why = ctor_align_objects(c, &info);
	if (kmem_cache_destroy(c) && !why)
		why = "destroy of an idle cache refused";
	return why;
}

SELFTEST(slab, ctor_and_alignment)
{
	begin();
	return end(ctor_align_case());
}

static const char *destroy_case(void)
{
	struct kmem_cache *c = kmem_cache_create("selftest-live", 128, 0, 0,
						 NULL);
	struct kmem_cache_info info;
	const char *why = NULL;
	void *p;

	if (!c)
		return "kmem_cache_create failed";
	kmem_cache_info(c, &info);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	if (!p)
		why = "kmem_cache_alloc failed";
	else if (kmem_cache_destroy(c) != -EBUSY)
		return "destroy with a live object not refused";
	kmem_cache_free(c, p);
	if (!why && kmem_cache_shrink(c) != info.pages_per_slab)
		why = "shrink did not release the empty slab";
	if (kmem_cache_destroy(c) != 0 && !why)
		why = "destroy refused";
	return why;
}

SELFTEST(slab, shrink_and_destroy)
{
	begin();
	return end(destroy_case());
}

/* One counter of @c's stats, read through kmem_cache_stats(). */
static uint64_t refused_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_stats(c, &st);
	return st.refused;
}

static uint64_t quarantined_of(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_stats(c, &st);
	return st.quarantined;
}

/*
 * A write after free to a constructed object of a debug cache: found on
 * the next allocation (the free object is poisoned), withheld, and a
 * constructed object handed out instead.
 */
static const char *debug_ctor_case(void)
{
	struct kmem_cache *c = kmem_cache_create("selftest-debug-ctor", 40, 0,
						 SLAB_DEBUG, count_ctor);
	uint32_t *p, *q;

	if (!c)
		return "kmem_cache_create failed";
	p = kmem_cache_alloc(c, GFP_KERNEL);
	if (!p) {
		kmem_cache_destroy(c);
		return "allocation failed";
	}
	kmem_cache_free(c, p);
	p[3] = 0;				/* use after free */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	if (!q || q == p || *q != 0xC0FFEE || quarantined_of(c) != 1)
		return "use after free of a constructed object not caught";
	kmem_cache_free(c, q);
	if (kmem_cache_destroy(c))
		return "destroy refused";
	return NULL;
}

/* Misuse on a debug cache: each refused, counted, state intact. */
static const char *debug_misuse_case(void)
{
	struct kmem_cache *c = kmem_cache_create("selftest-debug", 60, 0,
						 SLAB_DEBUG, NULL);
	struct kmem_cache *other = kmem_cache_create("selftest-other", 60, 0,
						     0, NULL);
	uint8_t *p = NULL, *q;

	if (c && other)
		p = kmem_cache_alloc(c, GFP_KERNEL);
	if (!p) {
		if (c)
			kmem_cache_destroy(c);
		if (other)
			kmem_cache_destroy(other);
		return c && other ? "allocation failed" :
				    "kmem_cache_create failed";
	}
	p[60] = 0x41;				/* overrun */
	kmem_cache_free(c, p);
	if (refused_of(c) != 1)
		return "red zone overwrite after not refused";
	p[60] = RED_ACTIVE;
	p[-1] = 0;				/* underrun */
	kmem_cache_free(c, p);
	if (refused_of(c) != 2)
		return "red zone overwrite before not refused";
	p[-1] = RED_ACTIVE;
	kmem_cache_free(other, p);		/* wrong cache */
	if (refused_of(other) != 1)
		return "free to the wrong cache not refused";
	kmem_cache_free(c, p);
	kmem_cache_free(c, p);			/* double free */
	if (refused_of(c) != 3)
		return "double free not refused";
	p[7] = 0;				/* use after free */
	q = kmem_cache_alloc(c, GFP_KERNEL);
	if (q == p || quarantined_of(c) != 1)
		return "use after free not caught";
	kmem_cache_free(c, q);
	if (kmem_cache_destroy(c) || kmem_cache_destroy(other))
		return "destroy refused";
	return NULL;
}

SELFTEST(slab, debug_misuse)
{
	const char *why;

	begin();
	why = debug_misuse_case();
	return end(why ? why : debug_ctor_case());
}

static const char *foreign_kfree_case(void)
{
	static char outside[16];
	struct kmalloc_stats before, after;
	struct page *page = alloc_page(GFP_KERNEL);
	char *big = kmalloc(30000, GFP_KERNEL);

	if (!page || !big) {
		if (page)
			__free_pages(page, 0);
		kfree(big);
		return "allocation failed";
	}
	kmalloc_get_stats(&before);
	kfree(outside);
	kfree(page_address(page));
	kfree(big + PAGE_SIZE);
	kmalloc_get_stats(&after);
	kfree(big);
	__free_pages(page, 0);
	if (after.refused != before.refused + 3)
		return selftest_fail("%u of 3 foreign kfree()s refused",
				     (unsigned int)(after.refused -
						    before.refused));
	return NULL;
}

SELFTEST(slab, foreign_kfree)
{
	begin();
	return end(foreign_kfree_case());
}

SELFTEST(slab, boot_debug_flag)
{
	bool want = cmdline_has_flag("slab_debug");
	struct kmem_cache *c = kmalloc_cache(64);
	struct kmem_cache_info info;

	if (!c)
		return "no kmalloc-64 cache";
	kmem_cache_info(c, &info);
	if (((info.flags & SLAB_DEBUG) != 0) != want)
		return selftest_fail("kmalloc-64 debug %s, command line says %s",
				     info.flags & SLAB_DEBUG ? "on" : "off",
				     want ? "on" : "off");
	return NULL;
}

SELFTEST(slab, invariants)
{
	unsigned int bad = kmem_cache_check_all();

	return bad ? selftest_fail("%u violations", bad) : NULL;
}
