/*
 * Object caches as a whole: their layout, creation and destruction,
 * shrinking and reclaim, the boot caches, and the statistics.
 *
 * Design.  A cache's layout is fixed at creation (slab_layout()): the
 * slot (object, and with debug its red zones and last-free word), the
 * slab order, and where the descriptor lives: in kmem_slab when the slab
 * holds at most SLAB_DESC_MAP_BITS objects, else at the start of the slab
 * with a map as long as it needs.  struct kmem_cache itself comes from
 * kmem_cache_boot, and descriptors from kmem_slab_boot: static caches
 * with on-slab descriptors that need no allocation to exist (the
 * bootstrap problem).
 *
 * Empty slabs are given back by kmem_cache_shrink() and, when a request
 * to the buddy allocator would fail, by kmem_cache_reclaim(), the buddy's
 * reclaim hook.  The hook may run in any context alloc_pages() is called
 * from: an IRQ handler, or slab_grow() itself, which holds its cache's
 * lock (and kmem_slab's, when that cache grows for a descriptor).  On one
 * CPU every lock is taken with interrupts off, so a lock found held there
 * belongs to the very context the hook runs in or interrupted, and
 * waiting for it would never end (and trip MM_DEBUG_ASSERT).  The hook
 * therefore only try-locks: slab_caches_lock, then each cache's lock, and
 * for a cache whose descriptors live in kmem_slab also kmem_slab's lock;
 * a cache with a lock held is skipped, not waited for.  A cache whose lock
 * it holds is between operations, so its lists and the word the cache
 * holds are consistent; objects in the hands of an interrupted context
 * are allocated and not touched.  (On SMP the same rule holds with real
 * try-locks: a lock held on another CPU is skipped too.)  The cache that
 * is growing cannot have empty slabs anyway: it grows only when it has
 * neither a partial nor an empty slab.
 *
 * With per-CPU magazines (mm/slab_pcpu.c) shrink and destroy first ask
 * every CPU for its magazine of the cache and wait for the answers,
 * with no slab lock held, since a CPU answers under slab_caches_lock and
 * the cache lock; a destroy that a CPU does not answer in time is
 * refused.  The reclaim hook asks and does not wait.  The magazines
 * come from kmem_cache_cpu, a static cache made when first needed and
 * destroyed after the caches they serve.
 *
 * Locking: slab_caches_lock guards the list of caches; each cache's lock
 * its state (see mm/slab.c for the order).
 */
#include "mm/buddy.h"
#include "fault_inject_internal.h"
#include "mm/fault_inject.h"
#include "slab_internal.h"

struct kmem_cache *slab_caches;			/* newest first */
mm_lock_t slab_caches_lock = MM_LOCK_INIT(MM_LOCK_SLAB_CACHES);
static unsigned int slab_debug_all;		/* SLAB_DEBUG or 0 */
/* Guarded by slab_caches_lock (the reclaim holds it). */
static struct slab_reclaim_stats slab_reclaim_stat;

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

/* --- layout ----------------------------------------------------------- */

/*
 * The first order whose slab holds SLAB_MIN_OBJS objects (or the largest)
 * with a waste (on-slab descriptor, padding, tail) of at most 1/8 of the
 * slab; failing that, the order with the smallest waste fraction.  Big
 * objects thus get slabs of several frames, so a slab is not used up (and
 * the slow path taken) every one or two allocations.
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

/* Bytes of a descriptor whose map covers @objs slots. */
static size_t slab_desc_bytes(unsigned int objs)
{
	return sizeof(struct slab) +
	       2 * ALIGN_UP(objs, SLAB_MAP_BITS) / SLAB_MAP_BITS *
	       sizeof(unsigned long);		/* free and held maps */
}

/*
 * Where the descriptor goes: off-slab for a slab of at most
 * SLAB_DESC_MAP_BITS objects, unless @on_slab; else at the slab's start,
 * its map long enough for the slots that fit after it.
 * Returns: false if not even one object fits.
 */
static bool slab_place_desc(struct kmem_cache *c, bool on_slab)
{
	unsigned int objs;

	c->s_mem_off = 0;
	if (!slab_pick_order(c))
		return false;
	objs = c->objs_per_slab;
	while (on_slab || objs > SLAB_DESC_MAP_BITS) {
		on_slab = true;
		c->s_mem_off = (unsigned int)ALIGN_UP(slab_desc_bytes(objs),
						      (size_t)c->align);
		if (!slab_pick_order(c))
			return false;
		if (slab_desc_bytes(c->objs_per_slab) <= c->s_mem_off)
			break;
		objs = c->objs_per_slab;	/* a larger order: longer map */
	}
	c->map_words = ALIGN_UP(c->objs_per_slab, SLAB_MAP_BITS) /
		       SLAB_MAP_BITS;
	return true;
}

/*
 * The inverse of odd @d modulo 2^32 (Newton's iteration: d * d == 1 mod 8,
 * and each step doubles the bits that are right), for slab_obj_index().
 */
static uint32_t slab_inverse(uint32_t d)
{
	uint32_t x = d;
	int i;

	for (i = 0; i < 4; i++)
		x *= 2 - d * x;
	return x;
}

/* Slot layout (see struct kmem_cache).  Returns: false if too large. */
static bool slab_layout(struct kmem_cache *c, bool on_slab)
{
	unsigned int word = ALIGN_UP(c->size, SLAB_PTR);
	unsigned int slot;

	if (c->flags & SLAB_DEBUG) {
		c->obj_off = ALIGN_UP(SLAB_RED_ZONE, c->align);
		c->object_size = c->size;
		c->track_off = word + SLAB_RED_ZONE;
		slot = c->obj_off + c->track_off + SLAB_PTR;
	} else {
		c->obj_off = 0;
		c->object_size = word;
		c->track_off = 0;
		slot = word;
	}
	c->stride = ALIGN_UP(slot, c->align);
	c->reciprocal = (uint32_t)(0xffffffffu / c->stride) + 1;
	c->stride_shift = (unsigned int)__builtin_ctz(c->stride);
	c->inverse = slab_inverse(c->stride >> c->stride_shift);
	if (!slab_place_desc(c, on_slab))
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
	mm_lock_init(&c->lock, c == &kmem_slab_boot ? MM_LOCK_SLAB_DESC :
						      MM_LOCK_SLAB_CACHE);
	for (i = 0; name[i] && i + 1 < sizeof(c->name); i++)
		c->name[i] = name[i];
	c->size = size;
	c->flags = flags;
	if (fault_inject_cache_match(c->name))
		c->flags |= SLAB_FAILSLAB;
	c->ctor = ctor;
	c->align = MAX(align, SLAB_PTR);
	if (flags & SLAB_HWCACHE_ALIGN)
		c->align = MAX(c->align, SLAB_CACHE_LINE);
	c->max_empty = SLAB_MAX_EMPTY;
	c->mag_max = (flags & SLAB_DEBUG) ? 0 : SLAB_MAG_SIZE;
	c->mag_top = c->mag;
	c->mag_end = c->mag + c->mag_max;
	if (!slab_layout(c, on_slab))
		return -E2BIG;
	slab_pool_create(c);
	return 0;
}

/* --- creating and destroying caches ------------------------------------ */

static void slab_cache_link(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);

	c->next = slab_caches;
	slab_caches = c;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
}

/*
 * SLAB_FAILSLAB on exactly the caches slab injection covers.  A cache
 * whose allocation reads the old flags meanwhile takes one more fast or
 * slow allocation: the slow path checks again, and either is correct.
 */
void slab_fault_inject_update(void)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next) {
		unsigned long cflags = mm_lock_irqsave(&c->lock);

		if (fault_inject_cache_match(c->name))
			c->flags |= SLAB_FAILSLAB;
		else
			c->flags &= ~SLAB_FAILSLAB;
		mm_unlock_irqrestore(&c->lock, cflags);
	}
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	kmalloc_fast_update();
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

static void slab_cache_unlink(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);

	slab_cache_unlink_locked(c);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *c;

	if (!name || !size || size > (PAGE_SIZE << SLAB_MAX_ORDER) ||
	    (flags & ~SLAB_VALID_FLAGS) || (align & (align - 1)) ||
	    align > PAGE_SIZE || !kmem_cache_boot.objs_per_slab) {
		printk("slab: kmem_cache_create(%s, %u, %u, 0x%x) refused (caller %pS)\n",
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
	if (mm_lock_mode & MM_LOCK_SMP)
		slab_pcpu_attach(c);
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

	slab_mag_drain_locked(&kmem_slab_boot);
	slab_deactivate_locked(&kmem_slab_boot);
	slab_trim_locked(&kmem_slab_boot, 0, false);
	mm_unlock_irqrestore(&kmem_slab_boot.lock, flags);
}

/* Release every slab of a cache with no live object. */
static void slab_release_all(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);

	slab_release_all_locked(c);
	mm_unlock_irqrestore(&c->lock, flags);
	slab_desc_trim();
}

/*
 * Every CPU's magazine of @c back, before a destroy: whatever a CPU that
 * does not answer in time holds stays its own, so the destroy is
 * refused (reported with @caller).  Returns: 0 or -EBUSY.
 */
static int slab_destroy_magazines(struct kmem_cache *c, void *caller)
{
	uint32_t left;

	if (!(c->flags & SLAB_PCPU))
		return 0;
	left = slab_pcpu_wait(c, slab_pcpu_ask(c),
			      ARCH_SYNC_WAIT_US);
	if (!left)
		return 0;
	slab_count_refused(c);
	printk("slab: kmem_cache_destroy of cache %s refused: CPU %u did not give back its magazine in time (caller %pS)\n",
	       c->name, (unsigned int)__builtin_ctz(left), caller);
	return -EBUSY;
}

/* Destroy @c unless it has live objects (then report it, with @caller). */
static int slab_destroy(struct kmem_cache *c, void *caller)
{
	struct kmem_cache_info info;
	unsigned long flags;
	bool known;

	flags = mm_lock_irqsave(&slab_caches_lock);
	known = slab_cache_known_locked(c);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	if (!known) {
		printk("slab: kmem_cache_destroy of %p, which is no cache (caller %pS)\n",
		       (void *)c, caller);
		return -EINVAL;
	}
	if (slab_destroy_magazines(c, caller))
		return -EBUSY;
	flags = mm_lock_irqsave(&slab_caches_lock);
	kmem_cache_info(c, &info);
	if (info.active_objs == 0)
		slab_cache_unlink_locked(c);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	if (info.active_objs) {
		slab_count_refused(c);
		printk("slab: kmem_cache_destroy of cache %s refused: %lu objects still live (caller %pS)\n",
		       c->name, info.active_objs, caller);
		return -EBUSY;
	}
	slab_release_all(c);
	slab_pcpu_detach(c);
	mm_pool_destroy(c);
	return 0;
}

int kmem_cache_destroy(struct kmem_cache *cache)
{
	int ret;

	if (!cache)
		return 0;
	if (cache == &kmem_cache_boot || cache == &kmem_slab_boot ||
	    cache == &kmem_cpu_boot) {
		printk("slab: kmem_cache_destroy of the boot cache refused (caller %pS)\n",
		       MM_CALLER());
		return -EINVAL;
	}
	ret = slab_destroy(cache, MM_CALLER());
	if (ret == 0)
		slab_free(&kmem_cache_boot, slab_of_addr(cache), cache,
			  MM_CALLER());
	return ret;
}

/* --- shrink and reclaim ------------------------------------------------ */

/* A CPU asked for its magazines that did not give them back in time. */
static void slab_report_late(const char *what, uint32_t left)
{
	if (left)
		printk("slab: %s: CPU %u did not give back its magazine in time\n",
		       what, (unsigned int)__builtin_ctz(left));
}

/*
 * kmem_cache_shrink() once the other CPUs' magazines are back (or
 * asked for): this CPU's and the depot too, then every empty slab.
 */
static unsigned int slab_shrink_now(struct kmem_cache *cache)
{
	unsigned long flags = mm_lock_irqsave(&cache->lock);
	unsigned int frames;

	if (cache->flags & SLAB_PCPU)
		slab_pcpu_flush_locked(cache, false);
	slab_mag_drain_locked(cache);
	slab_deactivate_locked(cache);
	frames = slab_trim_locked(cache, 0, false);
	slab_set_peak(cache, true);
	mm_unlock_irqrestore(&cache->lock, flags);
	slab_desc_trim();
	return frames;
}

unsigned int kmem_cache_shrink(struct kmem_cache *cache)
{
	if (cache->flags & SLAB_PCPU)
		slab_report_late(cache->name,
				 slab_pcpu_wait(cache, slab_pcpu_ask(cache),
						ARCH_SYNC_WAIT_US));
	return slab_shrink_now(cache);
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
	if (mm_lock_mode & MM_LOCK_SMP)
		slab_report_late("shrink of every cache",
				 slab_pcpu_ask_all(ARCH_SYNC_WAIT_US));
	return slab_sum_caches(slab_shrink_now);
}

/*
 * Take @lock unless it is held (see the design note above: then it is
 * ours, the interrupted context's or another CPU's).
 * Returns: true with the lock held and interrupts off (@flags restores
 * them), or false with nothing changed.
 */
static bool slab_trylock_irqsave(mm_lock_t *lock, unsigned long *flags)
{
	return mm_trylock_irqsave(lock, flags);
}

/*
 * kmem_cache_shrink() of @c if its lock, and kmem_slab's when @c's
 * descriptors go back there, can be taken now.  Returns: frames released.
 */
static unsigned long slab_reclaim_cache(struct kmem_cache *c)
{
	struct kmem_cache *d = &kmem_slab_boot;
	bool off_slab = c->s_mem_off == 0;
	unsigned long flags, dflags = 0;
	unsigned int frames;

	if (!slab_trylock_irqsave(&c->lock, &flags)) {
		slab_reclaim_stat.skipped++;
		return 0;
	}
	if (off_slab && !slab_trylock_irqsave(&d->lock, &dflags)) {
		mm_unlock_irqrestore(&c->lock, flags);
		slab_reclaim_stat.skipped++;
		return 0;
	}
	if (c->flags & SLAB_PCPU)
		slab_pcpu_flush_locked(c, true);	/* no waiting here */
	slab_mag_drain_locked(c);
	slab_deactivate_locked(c);
	frames = slab_trim_locked(c, 0, off_slab);
	c->stats.reclaimed += frames >> c->order;
	slab_set_peak(c, true);
	if (off_slab)
		mm_unlock_irqrestore(&d->lock, dflags);
	mm_unlock_irqrestore(&c->lock, flags);
	return frames;
}

unsigned long kmem_cache_reclaim(void)
{
	unsigned long flags, frames = 0;
	struct kmem_cache *c;

	if (!slab_trylock_irqsave(&slab_caches_lock, &flags))
		return 0;
	for (c = slab_caches; c; c = c->next)
		if (c != &kmem_slab_boot)
			frames += slab_reclaim_cache(c);
	/* Last: the descriptor slabs the others' releases emptied. */
	frames += slab_reclaim_cache(&kmem_slab_boot);
	slab_reclaim_stat.calls++;
	slab_reclaim_stat.frames += frames;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return frames;
}

void slab_reclaim_stats(struct slab_reclaim_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);

	*st = slab_reclaim_stat;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
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

/*
 * The alignment of off-slab descriptors: the power of two that holds one,
 * a cache line at most, so that no descriptor straddles two lines (a
 * free to a cold slab then misses once, not twice): 64 bytes on i386,
 * where a descriptor and its two maps of two words take 40.
 * Debug slots are wider than a line anyway: word alignment for them.
 */
static unsigned int slab_desc_align(void)
{
	unsigned int bytes = (unsigned int)slab_desc_bytes(SLAB_DESC_MAP_BITS);

	if (slab_debug_all)
		return 0;
	return MIN(SLAB_CACHE_LINE, 1u << (32 - __builtin_clz(bytes - 1)));
}

/*
 * kmem_cache_cpu: the per-CPU magazines, one object each, a cache line
 * apart so that no two CPUs write one line.  It has none itself (its
 * objects are taken and given back as caches are made and destroyed).
 * A static cache, as the boot caches: kmem_cache_teardown() destroys it
 * after the caches whose magazines it holds.
 */
int slab_cpu_cache_setup(void)
{
	if (kmem_cpu_boot.objs_per_slab)
		return 0;
	if (slab_cache_setup(&kmem_cpu_boot, "kmem_cache_cpu",
			     sizeof(struct slab_cpu), SLAB_CACHE_LINE,
			     slab_debug_all, NULL, false) != 0) {
		memset(&kmem_cpu_boot, 0, sizeof(kmem_cpu_boot));
		return -E2BIG;
	}
	slab_cache_link(&kmem_cpu_boot);
	return 0;
}

int kmem_cache_init(unsigned int flags)
{
	slab_map_base = (uintptr_t)arch_phys_to_virt(0);
	slab_map_bytes = (uintptr_t)MIN(max_pfn, (pfn_t)LOWMEM_PFN) <<
			 PAGE_SHIFT;
	slab_debug_all = flags & SLAB_DEBUG;
	memset(&slab_reclaim_stat, 0, sizeof(slab_reclaim_stat));
	memset(&kmem_cpu_boot, 0, sizeof(kmem_cpu_boot));
	slab_caches = NULL;
	mm_lock_init(&slab_caches_lock, MM_LOCK_SLAB_CACHES);
	if (slab_cache_setup(&kmem_slab_boot, "kmem_slab",
			     (unsigned int)slab_desc_bytes(SLAB_DESC_MAP_BITS),
			     slab_desc_align(), slab_debug_all, NULL,
			     true) != 0 ||
	    slab_cache_setup(&kmem_cache_boot, "kmem_cache",
			     sizeof(struct kmem_cache), 0, slab_debug_all,
			     NULL, true) != 0)
		panic("slab: cannot lay out the boot caches");
	slab_cache_link(&kmem_slab_boot);
	slab_cache_link(&kmem_cache_boot);
	buddy_reclaim_hook = kmem_cache_reclaim;
	return kmalloc_init();
}

int kmem_cache_teardown(void)
{
	struct kmem_cache *c;
	bool cpu_cache;
	int ret;

	if (!kmem_cache_boot.objs_per_slab)
		return 0;		/* never set up, or torn down already */
	buddy_reclaim_hook = NULL;
	ret = kmalloc_teardown();
	/* The magazines' cache goes after the caches they serve. */
	cpu_cache = kmem_cpu_boot.objs_per_slab != 0;
	if (cpu_cache)
		slab_cache_unlink(&kmem_cpu_boot);
	/* Caches their users left behind go too, unless objects live. */
	while ((c = slab_caches) != NULL && c != &kmem_cache_boot) {
		if (kmem_cache_destroy(c) != 0) {
			ret = -EBUSY;
			slab_caches = c->next;
		}
	}
	if (cpu_cache) {
		slab_cache_link(&kmem_cpu_boot);
		if (slab_destroy(&kmem_cpu_boot, NULL) != 0)
			ret = -EBUSY;
	}
	/* The descriptors go last: every other cache's slabs had one. */
	if (slab_destroy(&kmem_cache_boot, NULL) != 0 ||
	    slab_destroy(&kmem_slab_boot, NULL) != 0)
		ret = -EBUSY;
	memset(&kmem_cache_boot, 0, sizeof(kmem_cache_boot));
	memset(&kmem_slab_boot, 0, sizeof(kmem_slab_boot));
	memset(&kmem_cpu_boot, 0, sizeof(kmem_cpu_boot));
	slab_caches = NULL;
	return ret;
}

/* --- statistics and dumps ------------------------------------------------ */

/* Add slab @s to the totals.  Cache lock held. */
static void slab_info_add(const struct kmem_cache *c, const struct slab *s,
			  struct kmem_cache_info *info)
{
	unsigned int live = slab_live_locked(c, s);

	info->active_objs += live;
	info->quarantined += s->quarantined;
	info->num_slabs++;
	if (live)
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
			slab_info_add(c, s, info);
	if (c->active)
		slab_info_add(c, c->active, info);
	info->num_objs = info->num_slabs * c->objs_per_slab;
	info->objs_per_slab = c->objs_per_slab;
	info->pages_per_slab = 1u << c->order;
	info->flags = c->flags & SLAB_VALID_FLAGS;
	mm_unlock_irqrestore(&c->lock, flags);
}

void kmem_cache_stats(struct kmem_cache *c, struct kmem_cache_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);

	*st = c->stats;
	if (c->flags & SLAB_PCPU)
		slab_pcpu_stats_locked(c, st);
	mm_unlock_irqrestore(&c->lock, flags);
}

/* Frames of every cache's slabs; only the empty ones with @empty_only. */
static unsigned long slab_frames(bool empty_only)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	unsigned long frames = 0;
	struct kmem_cache_info info;
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next) {
		kmem_cache_info(c, &info);
		frames += (info.num_slabs -
			   (empty_only ? info.active_slabs : 0)) << c->order;
	}
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return frames;
}

unsigned long slab_total_frames(void)
{
	return slab_frames(false);
}

unsigned long slab_reclaimable_frames(void)
{
	return slab_frames(true);
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
