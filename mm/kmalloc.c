/*
 * kmalloc: general-purpose allocation in size classes over the slab layer.
 *
 * Design.  Thirteen caches, kmalloc-8 .. kmalloc-8192, serve requests up
 * to 8192 bytes; a request takes the smallest class that holds it (a table
 * for sizes up to 192, the highest set bit above).  Larger requests are whole
 * buddy blocks: the head page gets PG_large_kmalloc and the buddy allocator
 * already records the order in it, so kfree() needs no size for either
 * kind: PG_slab leads to the object's cache, PG_large_kmalloc to the block.
 * Anything else handed to kfree() is reported and refused.  kmalloc(0)
 * returns NULL.  GFP_DMA requests of any size take whole frames from the
 * DMA zone, since a class's slabs may come from any low zone.  The waste
 * of rounding up to a class is counted since boot (bytes asked for against
 * bytes handed out) for meminfo: each class counts its own requests under
 * its cache lock, the large blocks are counted here.
 *
 * kmalloc() and kfree() try an inline part first, on one CPU: a class
 * cache's magazine or held word (slab_alloc_try()), a free into a
 * magazine or a partial slab's map (slab_free_try()).  Everything else
 * goes to one out-of-line function each (kmalloc_slow(), kfree_slow():
 * the full paths, and on several CPUs the per-CPU magazines straight
 * away), so the inline parts keep nothing live across a call.
 *
 * Under valgrind (host build) large blocks are chunks of their own mempool,
 * so a use after kfree() or a leaked block is a memcheck error as for slab
 * objects.
 *
 * Locking: the class table is written once at boot, the fast tables and
 * kfree_inline_bytes by kmalloc_fast_update() only; kmalloc_lock guards
 * the counters and the PG_large_kmalloc mark of large blocks (a leaf of
 * the lock order); the caches and the buddy allocator lock for
 * themselves.  Every function may be called from an IRQ handler.
 */
#include "mm/buddy.h"
#include "slab_internal.h"

static const unsigned int kmalloc_sizes[KMALLOC_NR_CACHES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

/* Class index by (size + 7) / 8, for sizes up to 192. */
static const uint8_t kmalloc_small_index[25] = {
	0, 0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
	5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};

static struct kmem_cache *kmalloc_caches[KMALLOC_NR_CACHES];
/*
 * The cache by (size - 1) / 8 for sizes 1 .. KMALLOC_SMALL_MAX, and by
 * kmalloc_index() above; NULL for a SLAB_DEBUG or SLAB_FAILSLAB cache,
 * which kmalloc_other() serves (kmalloc_fast_update()).
 */
#define KMALLOC_SMALL_MAX	192u
static struct kmem_cache *kmalloc_small_caches[KMALLOC_SMALL_MAX / 8];
static struct kmem_cache *kmalloc_fast_caches[KMALLOC_NR_CACHES];
/*
 * The direct map's size for kfree()'s inline path while one CPU runs, 0
 * once a second may (slab_free_try()); set by kmalloc_fast_update().
 */
static uintptr_t kfree_inline_bytes;
static struct kmalloc_stats kmalloc_stat;
static mm_lock_t kmalloc_lock = MM_LOCK_INIT(MM_LOCK_KMALLOC);
static char kmalloc_large_pool;		/* valgrind pool anchor */

/*
 * The class of a size in [1, KMALLOC_MAX_CACHE_SIZE]: the table up to
 * 192; above, the classes are the powers of two 256 .. 8192 (indexes
 * 7 .. 12), so the index is ceil(log2(size)) - 1, from the highest set bit
 * of size - 1.
 */
static inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_small_index[(size + 7) >> 3];
	return 31u - (unsigned int)__builtin_clz((unsigned int)size - 1);
}
_Static_assert(KMALLOC_NR_CACHES == 13 && KMALLOC_MAX_CACHE_SIZE == 8192,
	       "kmalloc_index() knows the classes above 192 bytes");

struct kmem_cache *kmalloc_cache(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_caches[kmalloc_index(size)];
}

/* Counters of large blocks and of requests no cache saw. */
static void kmalloc_account(size_t requested, size_t allocated,
			    unsigned int large_frames)
{
	unsigned long flags = mm_lock_irqsave(&kmalloc_lock);

	if (allocated) {
		kmalloc_stat.requested += requested;
		kmalloc_stat.allocated += allocated;
		kmalloc_stat.large_pages += large_frames;
		kmalloc_stat.large_allocs += large_frames ? 1 : 0;
	} else {
		kmalloc_stat.failed++;
	}
	mm_unlock_irqrestore(&kmalloc_lock, flags);
}

/* A request beyond the classes: a buddy block marked PG_large_kmalloc. */
static __attribute__((noinline)) void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order = 0;
	struct page *page = NULL;
	size_t bytes;
	void *p;

	while (order <= MAX_ORDER && ((size_t)PAGE_SIZE << order) < size)
		order++;
	if (order <= MAX_ORDER)
		page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);
	if (!page) {
		kmalloc_account(size, 0, 0);
		return NULL;
	}
	bytes = (size_t)PAGE_SIZE << order;
	page_set(page, PG_large_kmalloc);
	p = page_address(page);
	mm_pool_alloc(&kmalloc_large_pool, p, bytes);
	if (gfp & __GFP_ZERO)
		mm_mark_defined(p, bytes);
	kmalloc_account(size, bytes, 1u << order);
	return p;
}

/*
 * A class with SLAB_DEBUG or SLAB_FAILSLAB, a large block, GFP_DMA,
 * __GFP_ZERO, size 0, or a request before kmalloc_init().
 */
static __attribute__((noinline)) void *kmalloc_other(size_t size, gfp_t gfp,
						    void *caller)
{
	struct kmem_cache *c;

	if (size - 1 >= KMALLOC_MAX_CACHE_SIZE || (gfp & __GFP_DMA))
		return size ? kmalloc_large(size, gfp) : NULL;
	c = kmalloc_caches[kmalloc_index(size)];
	if (unlikely(!c))
		return NULL;
	return slab_alloc_inline(c, gfp, size, caller);
}

/*
 * The fast tables' cache for @size: sizes 1 .. 192 in one load from
 * kmalloc_small_caches[], larger class sizes by the highest bit of
 * size - 1.  Returns: it, or NULL beyond the classes and for a class the
 * tables leave to kmalloc_other().
 */
static inline __attribute__((always_inline))
struct kmem_cache *kmalloc_fast_cache(size_t size)
{
	if (likely(size - 1 < KMALLOC_SMALL_MAX))
		return kmalloc_small_caches[(size - 1) >> 3];
	if (size - 1 < KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_fast_caches[31u - (unsigned int)__builtin_clz(
						(unsigned int)size - 1)];
	return NULL;
}

/*
 * Class requests are counted by their cache (slab_alloc()'s @size).  The
 * classes mix slabs of every low zone, so a GFP_DMA request is served in
 * whole frames from the DMA zone instead.  Requests without GFP_DMA or
 * __GFP_ZERO find their cache in the fast tables (kmalloc_fast_cache()).
 */
static inline __attribute__((always_inline))
void *kmalloc_caller(size_t size, gfp_t gfp, void *caller)
{
	struct kmem_cache *c;

	if (unlikely(gfp & (__GFP_DMA | __GFP_ZERO)))
		return kmalloc_other(size, gfp, caller);
	c = kmalloc_fast_cache(size);
	if (unlikely(!c))
		return kmalloc_other(size, gfp, caller);
	if (gfp & __GFP_ZERO)		/* tested above: folds the test away */
		__builtin_unreachable();
	return slab_alloc_fast(c, gfp, size, caller);
}

/*
 * kmalloc()'s inline part: a class size without GFP_DMA or __GFP_ZERO
 * whose cache's magazine or held word has an object (slab_alloc_try()).
 * Returns: the object, or NULL with nothing changed, for kmalloc_slow().
 */
static inline __attribute__((always_inline))
void *kmalloc_try(size_t size, gfp_t gfp)
{
	struct kmem_cache *c;

	if (unlikely(gfp & (__GFP_DMA | __GFP_ZERO)))
		return NULL;
	c = kmalloc_fast_cache(size);
	if (unlikely(!c))
		return NULL;
	return slab_alloc_try(c, size);
}

/*
 * Everything kmalloc_try() leaves, out of line.  Once a second CPU may
 * run, the fast tables are empty (kmalloc_fast_update()) and a class
 * request goes straight to this CPU's magazine of its cache
 * (slab_pcpu_alloc()), unless the cache has none or fault injection
 * covers it.
 */
static __attribute__((noinline)) void *kmalloc_slow(size_t size, gfp_t gfp,
						   void *caller)
{
	struct kmem_cache *c;

	if ((mm_lock_mode & MM_LOCK_SMP) && size - 1 < KMALLOC_MAX_CACHE_SIZE &&
	    !(gfp & __GFP_DMA)) {
		c = kmalloc_caches[kmalloc_index(size)];
		if (c && (c->flags & (SLAB_PCPU | SLAB_FAILSLAB)) == SLAB_PCPU)
			return slab_pcpu_alloc(c, gfp, size);
	}
	return kmalloc_caller(size, gfp, caller);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	void *obj = kmalloc_try(size, gfp);

	if (likely(obj != NULL))
		return obj;
	return kmalloc_slow(size, gfp, MM_CALLER());
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc_caller(size, gfp | __GFP_ZERO, MM_CALLER());
}

void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > (size_t)-1 / size) {
		kmalloc_account(0, 0, 0);
		return NULL;
	}
	return kmalloc_caller(n * size, gfp | __GFP_ZERO, MM_CALLER());
}

/*
 * The large block whose head is @p, with PG_large_kmalloc cleared, or
 * NULL if @p is not one (tested and cleared under kmalloc_lock, so two
 * racing frees cannot both win).
 */
static struct page *kmalloc_take_large(const void *p)
{
	struct page *page = slab_virt_to_page(p);
	unsigned long flags = mm_lock_irqsave(&kmalloc_lock);

	if (page && page_test(page, PG_large_kmalloc) &&
	    p == page_address(page)) {
		page_clear(page, PG_large_kmalloc);
		kmalloc_stat.large_pages -= 1u << page_order(page);
	} else {
		page = NULL;
	}
	mm_unlock_irqrestore(&kmalloc_lock, flags);
	return page;
}

static void kmalloc_refuse(const char *who, const void *p, void *caller)
{
	unsigned long flags = mm_lock_irqsave(&kmalloc_lock);

	kmalloc_stat.refused++;
	mm_unlock_irqrestore(&kmalloc_lock, flags);
	printk("kmalloc: %s of a foreign pointer %p: no slab object or large kmalloc block (caller %pS)\n",
	       who, p, caller);
}

/* kfree() of anything but a slab object: NULL, a large block, misuse. */
static __attribute__((noinline)) void kfree_other(const void *p,
						  void *caller)
{
	struct page *page;

	if (!p)
		return;
	page = kmalloc_take_large(p);
	if (!page) {
		kmalloc_refuse("kfree", p, caller);
		return;
	}
	mm_pool_free(&kmalloc_large_pool, (void *)p);
	__free_pages(page, page_order(page));
}

/*
 * A slab object's frame says PG_slab and leads to its slab: the inline
 * free path.  NULL falls outside the direct map, so it costs nothing
 * here and is sorted out by kfree_other() with everything else.
 */
static inline __attribute__((always_inline))
void kfree_caller(const void *p, void *caller)
{
	uintptr_t off = (uintptr_t)p - slab_map_base;

	if (likely(off < slab_map_bytes)) {
		struct page *page = pfn_to_page((pfn_t)(off >> PAGE_SHIFT));

		if (likely(page_test(page, PG_slab))) {
			struct slab *s = page->private;

			slab_free_in(s->cache, s, (void *)p, caller);
			return;
		}
	}
	kfree_other(p, caller);
}

/*
 * Everything slab_free_try() leaves, out of line.  Once a second CPU may
 * run, an object of a cache with per-CPU magazines goes straight to
 * slab_pcpu_free() (such a cache has no debug: obj_off is 0).
 */
static __attribute__((noinline)) void kfree_slow(const void *p, void *caller)
{
	struct slab *s;
	uint32_t i;

	if (mm_lock_mode & MM_LOCK_SMP) {
		s = slab_of_addr(p);
		if (s && (s->cache->flags & SLAB_PCPU)) {
			i = slab_obj_index(s->cache, s, p, 0);
			if (i < s->cache->objs_per_slab) {
				slab_pcpu_free(s->cache, s, (void *)p, i,
					       caller);
				return;
			}
		}
	}
	kfree_caller(p, caller);
}

void kfree(const void *p)
{
	if (likely(slab_free_try(p, kfree_inline_bytes)))
		return;
	kfree_slow(p, MM_CALLER());
}

size_t ksize(const void *p)
{
	struct page *page = slab_virt_to_page(p);

	if (!page)
		return 0;
	if (page_test(page, PG_slab)) {
		const struct slab *s = page->private;

		return s->cache->object_size;
	}
	if (page_test(page, PG_large_kmalloc) && p == page_address(page))
		return (size_t)PAGE_SIZE << page_order(page);
	return 0;
}

void *krealloc(const void *p, size_t size, gfp_t gfp)
{
	void *caller = MM_CALLER();
	size_t old;
	void *n;

	if (!p)
		return kmalloc_caller(size, gfp, caller);
	if (!size) {
		kfree_caller(p, caller);
		return NULL;
	}
	old = ksize(p);
	if (!old) {
		kmalloc_refuse("krealloc", p, caller);
		return NULL;
	}
	if (size <= old)
		return (void *)p;
	n = kmalloc_caller(size, gfp, caller);
	if (!n)
		return NULL;
	memcpy(n, p, old);
	kfree_caller(p, caller);
	return n;
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&kmalloc_lock);
	struct kmem_cache_stats cs;
	struct kmem_cache *c;
	unsigned int i;

	*st = kmalloc_stat;
	mm_unlock_irqrestore(&kmalloc_lock, flags);
	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		c = kmalloc_caches[i];
		if (!c)
			continue;
		kmem_cache_stats(c, &cs);
		st->requested += cs.requested;
		st->allocated += cs.allocs * c->object_size;
		st->failed += cs.alloc_fail;
	}
}

void slab_meminfo_dump(void)
{
	struct kmalloc_stats st;

	kmalloc_get_stats(&st);
	printk("%-16s%8llu kB\n", "KmallocRequested:",
	       (unsigned long long)(st.requested >> 10));
	printk("%-16s%8llu kB\n", "KmallocWaste:",
	       (unsigned long long)((st.allocated - st.requested) >> 10));
}

int kmalloc_init(void)
{
	char name[KMEM_CACHE_NAME_LEN];
	unsigned int i;

	memset(&kmalloc_stat, 0, sizeof(kmalloc_stat));
#ifdef MM_VALGRIND
	if (VALGRIND_MEMPOOL_EXISTS(&kmalloc_large_pool))
		mm_pool_destroy(&kmalloc_large_pool);	/* never torn down */
#endif
	mm_pool_create(&kmalloc_large_pool);
	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", kmalloc_sizes[i]);
		kmalloc_caches[i] = kmem_cache_create(name, kmalloc_sizes[i],
						      0, 0, NULL);
		if (!kmalloc_caches[i])
			return -ENOMEM;
	}
	kmalloc_fast_update();
	return 0;
}

/* A class the fast tables leave to kmalloc_other(), or one not made yet. */
/* Once a second CPU may run, no cache is: see slab_alloc_inline(). */
static bool kmalloc_not_fast(const struct kmem_cache *c)
{
	return !c || (c->flags & (SLAB_DEBUG | SLAB_FAILSLAB)) ||
	       (mm_lock_mode & MM_LOCK_SMP);
}

void kmalloc_fast_update(void)
{
	unsigned long flags = arch_irq_save();
	struct kmem_cache *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmalloc_small_caches); i++) {
		c = kmalloc_caches[kmalloc_small_index[i + 1]];
		kmalloc_small_caches[i] = kmalloc_not_fast(c) ? NULL : c;
	}
	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		c = kmalloc_caches[i];
		kmalloc_fast_caches[i] = kmalloc_not_fast(c) ? NULL : c;
	}
	kfree_inline_bytes = (mm_lock_mode & MM_LOCK_SMP) ? 0 : slab_map_bytes;
	arch_irq_restore(flags);
}

int kmalloc_teardown(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		if (kmalloc_caches[i] &&
		    kmem_cache_destroy(kmalloc_caches[i]) != 0)
			ret = -EBUSY;
		kmalloc_caches[i] = NULL;
	}
	memset(kmalloc_small_caches, 0, sizeof(kmalloc_small_caches));
	memset(kmalloc_fast_caches, 0, sizeof(kmalloc_fast_caches));
	kfree_inline_bytes = 0;
	if (kmalloc_stat.large_pages) {
		printk("kmalloc: %llu frames of large blocks still live at teardown\n",
		       (unsigned long long)kmalloc_stat.large_pages);
		ret = -EBUSY;
	} else {
		mm_pool_destroy(&kmalloc_large_pool);
	}
	return ret;
}
