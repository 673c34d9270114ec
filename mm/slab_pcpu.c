/*
 * Per-CPU magazines: each CPU's stack of free objects in front of every
 * object cache without debug once a second CPU may run, the depot behind
 * them, and the protocol by which a CPU is asked for its magazine.
 *
 * Design.  On one CPU a cache's own magazine and held word serve every
 * allocation and free with interrupt masking for a lock (mm/slab.c).
 * With several CPUs that state would need the cache lock each time; a
 * cache with SLAB_PCPU gives each CPU a magazine of its own instead
 * (struct slab_cpu, c->cpu[cpu]), which only that CPU touches, with
 * interrupts off:
 *
 *   allocation: pop the newest entry, clear its slot's held bit
 *   free:       set the slot's held bit, test-and-set, then push
 *
 * with no lock and one atomic instruction each, on the held-map word the
 * slot shares with its neighbours.  An empty magazine takes
 * SLAB_CPU_BATCH objects from the depot (c->depot, one more struct
 * slab_cpu, under the cache lock), else from the maps, lowest address on
 * top; a full one gives its oldest SLAB_CPU_BATCH to the depot while
 * that has room, else back to the maps: the cache lock once per batch.
 *
 * The held map makes every double free visible to every CPU at once.  In
 * a SLAB_PCPU cache it has the bit of every slot that is not handed out
 * (free in the map, or in a magazine or the depot: invariant 8), so the
 * test-and-set of a free finds any earlier free of the object, wherever
 * that put it and whichever CPU it ran on, and the free is refused with
 * the line a refused double free prints on one CPU.  Of two CPUs freeing
 * one object at once, the old bit tells exactly one that it was clear.
 * The bit is cleared when the object leaves a magazine for a caller;
 * free maps change under the cache lock only, as on one CPU.
 *
 * Accounting.  An object in a magazine or the depot is in use in its
 * slab's count (inuse), as one in the one-CPU magazine is, and free for
 * the cache's users: kmem_cache_info() (slabinfo's active_objs, destroy's
 * test) counts the slots whose held bit is clear, each word read once,
 * which is exact at the moment of the read whatever other CPUs do.  The
 * allocation counters of kmem_cache_stats() are each CPU's own
 * (allocs, requested: 32 bits, which the kernel stores and loads in one
 * instruction), stored atomically and added by the reader; a counter
 * about to wrap is folded into the cache's 64-bit stats under the lock
 * first.
 *
 * Asking for a magazine.  Only its CPU may touch a magazine, so a CPU
 * that needs the objects back (kmem_cache_shrink(), kmem_cache_destroy(),
 * the reclaim hook, kmem_cache_shrink_all() for the OOM path) gives back
 * its own and the depot, and for every other CPU whose magazine holds
 * objects (its count is read atomically) sets that CPU's bit in
 * c->drain_req under the cache lock and, if the bit was clear, kicks it
 * (arch_cpu_kick(): the kernel's drain IPI), as the buddy allocator asks
 * for hot lists (mm/buddy_pcp.c).  The CPU honours the request at
 * whichever comes first: the kick (mm_cpu_drain_kicked(), which finds
 * the caches that asked through slab_kicked and the list of caches), or
 * its next allocation or free in the cache, whose fast path sees the bit
 * and goes to the slow path.  Either way it gives its whole magazine
 * back to the maps under the cache lock and clears the bit there.
 * Shrink and destroy then wait, with no slab lock held, for the bits to
 * clear, ARCH_SYNC_WAIT_US at most (meanwhile this CPU
 * honours requests addressed to it, so two CPUs that shrink at once do
 * not wait for each other), and go on; the reclaim hook, which may run
 * with cache locks held, does not wait.  A CPU going offline gives back
 * every magazine it has (mm_cpu_offline()), so only online CPUs are
 * ever asked.
 *
 * Per-CPU state comes from kmem_cache_cpu (kmem_cpu_boot), a cache made
 * when first needed, without magazines itself; its objects are cache-line
 * aligned, so that no two CPUs' magazines share a line.
 *
 * Locking: a magazine is its CPU's, touched with interrupts off, under
 * the cache lock when a batch moves; the depot, the free maps and
 * drain_req's changes are under the cache lock; held bits change by
 * atomic read-modify-write only (any CPU frees into any slab).  The kick
 * takes slab_caches_lock, then cache locks; nothing waits for a magazine
 * with a slab lock held.
 */
#include "buddy_internal.h"
#include "slab_internal.h"

struct kmem_cache kmem_cpu_boot;

/* Bit c: CPU c has a request pending in some cache; its kick looks. */
static uint32_t slab_kicked;

/* --- counts ------------------------------------------------------------ */

/* Objects in a magazine of any CPU (read atomically). */
static inline unsigned int slab_cpu_count(const struct slab_cpu *pc)
{
	return __atomic_load_n(&pc->ng, __ATOMIC_ACQUIRE) & SLAB_CPU_N_MASK;
}

/* This CPU's new count, in a new generation. */
static inline void slab_cpu_set_count(struct slab_cpu *pc, unsigned int n)
{
	unsigned long ng = (pc->ng & ~(unsigned long)SLAB_CPU_N_MASK) +
			   SLAB_CPU_GEN + n;

	__atomic_store_n(&pc->ng, ng, __ATOMIC_RELEASE);
}

/* The depot's count (cache lock held). */
static inline unsigned int slab_depot_count(const struct kmem_cache *c)
{
	return c->depot->ng & SLAB_CPU_N_MASK;
}

static inline bool slab_cpu_asked(const struct kmem_cache *c, unsigned int cpu)
{
	return (__atomic_load_n(&c->drain_req, __ATOMIC_RELAXED) >> cpu) & 1;
}

/* --- between a magazine and the maps ------------------------------------ */

/* Entry @e back into its slab's map.  Cache lock held. */
static void slab_pcpu_put_locked(struct kmem_cache *c,
				 const struct slab_mag_entry *e)
{
	struct slab *s = slab_of_addr(e->obj);
	uint32_t i = s ? slab_obj_index(c, s, e->obj, 0) : ~0u;

	if (!s || s->cache != c || i >= c->objs_per_slab ||
	    !slab_slot_put_locked(c, s, i))
		panic("slab: a magazine of cache %s held %p, no object of it or one free in its map",
		      c->name, e->obj);
}

static void slab_pcpu_to_maps_locked(struct kmem_cache *c,
				     const struct slab_mag_entry *e,
				     unsigned int n)
{
	while (n--)
		slab_pcpu_put_locked(c, e++);
}

/* The empty slabs beyond max_empty back to the buddy allocator. */
static void slab_pcpu_trim_locked(struct kmem_cache *c)
{
	if (c->lists[SLAB_EMPTY].nr > c->max_empty)
		slab_trim_locked(c, c->max_empty, false);
}

/*
 * CPU @cpu's whole magazine back into the maps, and its request, if
 * any, honoured.  On @cpu, interrupts off, cache lock held.
 */
static void slab_pcpu_give_back_locked(struct kmem_cache *c,
				       struct slab_cpu *pc, unsigned int cpu)
{
	slab_pcpu_to_maps_locked(c, pc->mag, pc->ng & SLAB_CPU_N_MASK);
	slab_cpu_set_count(pc, 0);
	__atomic_and_fetch(&c->drain_req, ~(1u << cpu), __ATOMIC_RELAXED);
}

/* This CPU's request, if it has one. */
static void slab_pcpu_honour_locked(struct kmem_cache *c,
				    struct slab_cpu *pc, unsigned int cpu)
{
	if (slab_cpu_asked(c, cpu)) {
		slab_pcpu_give_back_locked(c, pc, cpu);
		slab_pcpu_trim_locked(c);
	}
}

/*
 * An empty magazine gets a batch: from the depot, else from the maps,
 * the lowest address on top.  Cache lock held.  Returns: the count now.
 */
static unsigned int slab_pcpu_fill_locked(struct kmem_cache *c,
					  struct slab_cpu *pc, gfp_t gfp)
{
	unsigned int dn = slab_depot_count(c), n = 0, i;
	struct slab_mag_entry t;

	if (dn) {
		n = MIN(dn, SLAB_CPU_BATCH);
		memcpy(pc->mag, c->depot->mag + dn - n, n * sizeof(t));
		c->depot->ng = dn - n;
	} else {
		while (n < SLAB_CPU_BATCH &&
		       slab_take_slot_locked(c, gfp, &pc->mag[n]))
			n++;
		for (i = 0; i < n / 2; i++) {
			t = pc->mag[i];
			pc->mag[i] = pc->mag[n - 1 - i];
			pc->mag[n - 1 - i] = t;
		}
	}
	slab_cpu_set_count(pc, n);
	return n;
}

/*
 * Pop the newest of @n objects.  The count goes first and the held bit
 * after, so a slot is never out of the held map while counted (the
 * checker's invariant 10).
 */
static inline void *slab_pcpu_pop(struct slab_cpu *pc, unsigned int n)
{
	struct slab_mag_entry *e = &pc->mag[n - 1];

	slab_cpu_set_count(pc, n - 1);
	slab_held_clear(e->word, slab_map_bit((unsigned int)e->slot));
	return e->obj;
}

/* --- the paths ------------------------------------------------------------ */

/*
 * The allocation's slow end: this CPU's magazine is empty or asked for.
 * Honour the request, fill, pop.  Interrupts off.
 * Returns: the object or NULL.
 */
static __attribute__((noinline))
void *slab_pcpu_refill(struct kmem_cache *c, struct slab_cpu *pc,
		       unsigned int cpu, gfp_t gfp)
{
	unsigned int n;
	void *obj = NULL;

	mm_lock(&c->lock);
	slab_pcpu_honour_locked(c, pc, cpu);
	n = pc->ng & SLAB_CPU_N_MASK;
	if (!n)
		n = slab_pcpu_fill_locked(c, pc, gfp);
	if (n)
		obj = slab_pcpu_pop(pc, n);
	else
		c->stats.alloc_fail++;
	mm_unlock(&c->lock);
	return obj;
}

/*
 * The free's slow end: this CPU's magazine is full or asked for.  Honour
 * the request, else move the oldest batch to the depot while it has
 * room, else to the maps.  Interrupts off.  Returns: the count now.
 */
static __attribute__((noinline))
unsigned int slab_pcpu_flush(struct kmem_cache *c, struct slab_cpu *pc,
			     unsigned int cpu)
{
	unsigned int n = pc->ng & SLAB_CPU_N_MASK, dn;

	mm_lock(&c->lock);
	if (slab_cpu_asked(c, cpu)) {
		slab_pcpu_give_back_locked(c, pc, cpu);
		n = 0;
	} else {
		dn = slab_depot_count(c);
		if (dn + SLAB_CPU_BATCH <= SLAB_CPU_MAG) {
			memcpy(c->depot->mag + dn, pc->mag,
			       SLAB_CPU_BATCH * sizeof(*pc->mag));
			c->depot->ng = dn + SLAB_CPU_BATCH;
		} else {
			slab_pcpu_to_maps_locked(c, pc->mag, SLAB_CPU_BATCH);
		}
		n -= SLAB_CPU_BATCH;
		memmove(pc->mag, pc->mag + SLAB_CPU_BATCH,
			n * sizeof(*pc->mag));
		slab_cpu_set_count(pc, n);
	}
	slab_pcpu_trim_locked(c);
	mm_unlock(&c->lock);
	return n;
}

/* A counter of this CPU would wrap: fold it into the cache's stats. */
static __attribute__((noinline, cold))
void slab_pcpu_fold(struct kmem_cache *c, struct slab_cpu *pc, size_t size)
{
	mm_lock(&c->lock);
	c->stats.allocs += (uint64_t)pc->allocs + 1;
	c->stats.requested += (uint64_t)pc->requested + size;
	__atomic_store_n(&pc->allocs, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&pc->requested, 0, __ATOMIC_RELAXED);
	mm_unlock(&c->lock);
}

/* Count one allocation of @size bytes on this CPU.  Interrupts off. */
static inline void slab_pcpu_count(struct kmem_cache *c, struct slab_cpu *pc,
				   size_t size)
{
	uint32_t a = pc->allocs + 1, r = pc->requested + (uint32_t)size;

	if (unlikely(!a || r < (uint32_t)size)) {
		slab_pcpu_fold(c, pc, size);
		return;
	}
	__atomic_store_n(&pc->allocs, a, __ATOMIC_RELAXED);
	__atomic_store_n(&pc->requested, r, __ATOMIC_RELAXED);
}

/* This CPU's magazine of @c; a CPU mm_smp_prepare() was not told of has none. */
static inline struct slab_cpu *slab_cpu_of(struct kmem_cache *c,
					   unsigned int cpu)
{
	struct slab_cpu *pc = c->cpu[cpu];

	if (unlikely(!pc))
		panic("slab: CPU %u uses cache %s, but mm_smp_prepare() was told of %u CPUs",
		      cpu, c->name, mm_smp_cpus());
	return pc;
}

void *slab_pcpu_alloc(struct kmem_cache *c, gfp_t gfp, size_t size)
{
	unsigned long flags = arch_irq_save();
	unsigned int cpu = arch_cpu_id();
	struct slab_cpu *pc = slab_cpu_of(c, cpu);
	unsigned int n = pc->ng & SLAB_CPU_N_MASK;
	void *obj;

	if (likely(n && !slab_cpu_asked(c, cpu)))
		obj = slab_pcpu_pop(pc, n);
	else
		obj = slab_pcpu_refill(c, pc, cpu, gfp);
	if (likely(obj != NULL))
		slab_pcpu_count(c, pc, size);
	arch_irq_restore(flags);
	return obj ? slab_alloc_done(c, gfp, obj) : NULL;
}

int slab_pcpu_free(struct kmem_cache *c, struct slab *s, void *obj,
		   unsigned int i, void *caller)
{
	unsigned long *held = slab_held_word(slab_map_word(s, i));
	unsigned int b = i % SLAB_MAP_BITS, cpu, n;
	unsigned long flags = arch_irq_save();
	struct slab_mag_entry *e;
	struct slab_cpu *pc;

	if (unlikely(slab_held_test_and_set(held, b))) {
		arch_irq_restore(flags);
		return slab_refuse(c, "double free", obj, 0, caller);
	}
	cpu = arch_cpu_id();
	pc = slab_cpu_of(c, cpu);
	n = pc->ng & SLAB_CPU_N_MASK;
	if (unlikely(n == SLAB_CPU_MAG || slab_cpu_asked(c, cpu)))
		n = slab_pcpu_flush(c, pc, cpu);
	e = &pc->mag[n];
	e->obj = obj;
	e->word = held;
	e->slot = i;
	slab_cpu_set_count(pc, n + 1);
	mm_pool_free(c, obj);
	arch_irq_restore(flags);
	return 0;
}

/* --- asking --------------------------------------------------------------- */

/*
 * Ask every other CPU whose magazine of @c holds objects for it: its
 * request bit and, if that was clear, a kick.  Cache lock held.
 * Returns: the CPUs asked.
 */
static uint32_t slab_pcpu_ask_locked(struct kmem_cache *c)
{
	unsigned int me = arch_cpu_id(), cpu;
	uint32_t asked = 0, bit;

	for (cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		bit = 1u << cpu;
		if (cpu == me || !c->cpu[cpu] || !slab_cpu_count(c->cpu[cpu]))
			continue;
		asked |= bit;
		if (__atomic_load_n(&c->drain_req, __ATOMIC_RELAXED) & bit)
			continue;		/* asked before: kicked then */
		__atomic_or_fetch(&c->drain_req, bit, __ATOMIC_RELAXED);
		__atomic_or_fetch(&slab_kicked, bit, __ATOMIC_RELEASE);
		arch_cpu_kick(cpu);
	}
	return asked;
}

void slab_pcpu_flush_locked(struct kmem_cache *c, bool ask)
{
	unsigned int me = arch_cpu_id();

	MM_DEBUG_ASSERT(mm_lock_held(&c->lock));
	if (c->cpu[me])
		slab_pcpu_give_back_locked(c, c->cpu[me], me);
	slab_pcpu_to_maps_locked(c, c->depot->mag, slab_depot_count(c));
	c->depot->ng = 0;
	if (ask)
		slab_pcpu_ask_locked(c);
}

uint32_t slab_pcpu_ask(struct kmem_cache *c)
{
	unsigned long flags = mm_lock_irqsave(&c->lock);
	unsigned int me = arch_cpu_id();
	uint32_t asked = 0;

	if (c->flags & SLAB_PCPU) {
		if (c->cpu[me])
			slab_pcpu_give_back_locked(c, c->cpu[me], me);
		asked = slab_pcpu_ask_locked(c);
	}
	mm_unlock_irqrestore(&c->lock, flags);
	return asked;
}

uint32_t slab_pcpu_wait(struct kmem_cache *c, uint32_t cpus, uint32_t us)
{
	uint32_t start = arch_usecs(), left;

	while ((left = __atomic_load_n(&c->drain_req, __ATOMIC_ACQUIRE) &
		       cpus) != 0) {
		if (arch_usecs() - start > us)
			return left;
		slab_cpu_drain_kicked();	/* a request to this CPU */
		arch_cpu_relax();
	}
	return 0;
}

/* Does any cache have a request of @cpus pending? */
static uint32_t slab_pcpu_pending(uint32_t cpus)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	const struct kmem_cache *c;
	uint32_t left = 0;

	for (c = slab_caches; c; c = c->next)
		left |= __atomic_load_n(&c->drain_req, __ATOMIC_ACQUIRE) & cpus;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return left;
}

uint32_t slab_pcpu_ask_all(uint32_t us)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	uint32_t asked = 0, start, left;
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next)
		if (c->flags & SLAB_PCPU)
			asked |= slab_pcpu_ask(c);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	start = arch_usecs();
	while ((left = slab_pcpu_pending(asked)) != 0 &&
	       arch_usecs() - start <= us) {
		slab_cpu_drain_kicked();	/* a request to this CPU */
		arch_cpu_relax();
	}
	return left;
}

void slab_cpu_drain_kicked(void)
{
	unsigned long flags = arch_irq_save();
	unsigned int me = arch_cpu_id();
	struct kmem_cache *c;

	if (__atomic_load_n(&slab_kicked, __ATOMIC_ACQUIRE) & (1u << me)) {
		__atomic_and_fetch(&slab_kicked, ~(1u << me), __ATOMIC_ACQ_REL);
		mm_lock(&slab_caches_lock);
		for (c = slab_caches; c; c = c->next) {
			if (!(c->flags & SLAB_PCPU) || !slab_cpu_asked(c, me))
				continue;
			mm_lock(&c->lock);
			slab_pcpu_honour_locked(c, c->cpu[me], me);
			mm_unlock(&c->lock);
		}
		mm_unlock(&slab_caches_lock);
	}
	arch_irq_restore(flags);
}

void slab_cpu_offline(void)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	unsigned int me = arch_cpu_id();
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next) {
		if (!(c->flags & SLAB_PCPU) || !c->cpu[me])
			continue;
		mm_lock(&c->lock);
		slab_pcpu_give_back_locked(c, c->cpu[me], me);
		slab_pcpu_trim_locked(c);
		mm_unlock(&c->lock);
	}
	__atomic_and_fetch(&slab_kicked, ~(1u << me), __ATOMIC_RELAXED);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
}

/* --- per-CPU state ---------------------------------------------------------- */

/* Caches that get magazines: every one but the boot caches and debug. */
static bool slab_pcpu_eligible(const struct kmem_cache *c)
{
	return c != &kmem_cache_boot && c != &kmem_slab_boot &&
	       c != &kmem_cpu_boot && !(c->flags & SLAB_DEBUG);
}

/* A zeroed magazine from kmem_cache_cpu.  Returns: it or NULL. */
static struct slab_cpu *slab_cpu_new(void)
{
	return slab_alloc(&kmem_cpu_boot, GFP_KERNEL | __GFP_NOWARN |
			  __GFP_ZERO, 0, NULL);
}

/*
 * The depot and the magazines of CPUs 0 .. @ncpus - 1 that @c lacks.
 * Returns: 0, or -ENOMEM with what was made kept for the next try.
 */
static int slab_pcpu_state(struct kmem_cache *c, unsigned int ncpus)
{
	unsigned int cpu;

	if (!c->depot && !(c->depot = slab_cpu_new()))
		return -ENOMEM;
	for (cpu = 0; cpu < ncpus; cpu++)
		if (!c->cpu[cpu] && !(c->cpu[cpu] = slab_cpu_new()))
			return -ENOMEM;
	return 0;
}

void slab_pcpu_attach(struct kmem_cache *c)
{
	if (slab_pcpu_eligible(c) && slab_cpu_cache_setup() == 0 &&
	    slab_pcpu_state(c, mm_smp_cpus()) == 0)
		c->flags |= SLAB_PCPU;		/* no slab yet to convert */
}

void slab_pcpu_detach(struct kmem_cache *c)
{
	unsigned int cpu;

	for (cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		if (c->cpu[cpu])
			slab_free(&kmem_cpu_boot, slab_of_addr(c->cpu[cpu]),
				  c->cpu[cpu], NULL);
		c->cpu[cpu] = NULL;
	}
	if (c->depot)
		slab_free(&kmem_cpu_boot, slab_of_addr(c->depot), c->depot,
			  NULL);
	c->depot = NULL;
	c->flags &= ~SLAB_PCPU;
}

/* Is there a cache to give magazines (none with slab_debug)? */
static bool slab_pcpu_wanted(void)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	const struct kmem_cache *c;

	for (c = slab_caches; c && !slab_pcpu_eligible(c); c = c->next)
		;
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	return c != NULL;
}

int slab_pcpu_prepare(unsigned int ncpus)
{
	unsigned long flags;
	struct kmem_cache *c;
	int err = 0;

	if (!slab_pcpu_wanted())
		return 0;
	if (slab_cpu_cache_setup() != 0)
		return -ENOMEM;
	flags = mm_lock_irqsave(&slab_caches_lock);
	for (c = slab_caches; c && !err; c = c->next)
		if (slab_pcpu_eligible(c))
			err = slab_pcpu_state(c, ncpus);
	mm_unlock_irqrestore(&slab_caches_lock, flags);
	if (err)
		printk("slab: no memory for the per-CPU magazines of %u CPUs\n",
		       ncpus);
	return err;
}

/*
 * @c, with one CPU's state so far, takes the per-CPU rule: its magazine
 * and word back into the maps, then every slot not handed out held
 * (invariant 8).  Cache lock held, no other CPU in mm code.
 */
static void slab_pcpu_convert_locked(struct kmem_cache *c)
{
	unsigned int id, w;
	struct slab *s;

	slab_mag_drain_locked(c);
	slab_deactivate_locked(c);
	for (id = 0; id < SLAB_NR_LISTS; id++) {
		for (s = c->lists[id].head; s; s = s->next) {
			for (w = 0; w < c->map_words; w++) {
				unsigned long *word = slab_free_word(s, w);

				MM_ASSERT(!*slab_held_word(word));
				*slab_held_word(word) = *word;
			}
		}
	}
	c->flags |= SLAB_PCPU;
}

void slab_pcpu_convert(void)
{
	unsigned long flags = mm_lock_irqsave(&slab_caches_lock);
	struct kmem_cache *c;

	for (c = slab_caches; c; c = c->next) {
		if (!slab_pcpu_eligible(c) || (c->flags & SLAB_PCPU))
			continue;
		MM_ASSERT(c->depot && c->cpu[mm_smp_cpus() - 1]);
		mm_lock(&c->lock);
		slab_pcpu_convert_locked(c);
		mm_unlock(&c->lock);
	}
	mm_unlock_irqrestore(&slab_caches_lock, flags);
}

void slab_pcpu_stats_locked(const struct kmem_cache *c,
			    struct kmem_cache_stats *st)
{
	unsigned int cpu;

	for (cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		const struct slab_cpu *pc = c->cpu[cpu];

		if (!pc)
			continue;
		st->allocs += __atomic_load_n(&pc->allocs, __ATOMIC_RELAXED);
		st->requested += __atomic_load_n(&pc->requested,
						 __ATOMIC_RELAXED);
	}
}

/* --- invariants 9 and 10 -------------------------------------------------- */

/*
 * Invariant 9 for entry @k of @what: an object of @c, held and not free
 * in its slab's map, naming its slot's held-map word and bit.
 */
static unsigned int slab_pcpu_check_entry(struct kmem_cache *c,
					  const char *what, unsigned int k,
					  const struct slab_mag_entry *e)
{
	struct slab *s = slab_of_addr(e->obj);
	uint32_t i = s ? slab_obj_index(c, s, e->obj, 0) : ~0u;
	unsigned int bad = 0;
	unsigned long *word;

	if (!s || s->cache != c || i >= c->objs_per_slab) {
		SLAB_CHECK(0, "9: %s entry %u (%p) is no object of the cache",
			   what, k, e->obj);
		return bad;
	}
	word = slab_map_word(s, i);
	SLAB_CHECK(e->word == slab_held_word(word) &&
		   e->slot == i,
		   "9: %s entry %u (%p) names word %p slot %lu, not its slot %u of slab %p",
		   what, k, e->obj, (void *)e->word, e->slot, i, (void *)s);
	SLAB_CHECK(!(*word & slab_map_bit(i)) &&
		   (slab_held_bits(s, i / SLAB_MAP_BITS) & slab_map_bit(i)),
		   "9: %s entry %u (%p) is free in its slab %p, or not held",
		   what, k, e->obj, (void *)s);
	return bad;
}

/* Invariant 9 for @n entries of @what; @seen has the objects so far. */
static unsigned int slab_pcpu_check_mag(struct kmem_cache *c,
					const char *what,
					const struct slab_mag_entry *mag,
					unsigned int n, const void **seen,
					unsigned int *nseen)
{
	unsigned int bad = 0, k, j;

	for (k = 0; k < n; k++) {
		bad += slab_pcpu_check_entry(c, what, k, &mag[k]);
		for (j = 0; j < *nseen; j++)
			SLAB_CHECK(seen[j] != mag[k].obj,
				   "9: %s entry %u (%p) is in a magazine twice",
				   what, k, mag[k].obj);
		seen[(*nseen)++] = mag[k].obj;
	}
	return bad;
}

unsigned int slab_pcpu_held_slots(const struct kmem_cache *c)
{
	const struct slab *s;
	unsigned int n = 0, id, w;

	for (id = 0; id <= SLAB_NR_LISTS; id++) {
		s = id == SLAB_NR_LISTS ? c->active : c->lists[id].head;
		for (; s; s = id == SLAB_NR_LISTS ? NULL : s->next)
			for (w = 0; w < c->map_words; w++)
				n += (unsigned int)__builtin_popcountl(
					slab_held_bits(s, w) &
					~slab_free_bits(s, w));
	}
	return n;
}

/*
 * Every CPU's count and generation into @ng.  Returns: the objects
 * counted, with the depot's.
 */
static unsigned int slab_pcpu_counts(const struct kmem_cache *c,
				     unsigned long *ng)
{
	unsigned int n = slab_depot_count(c), cpu;

	for (cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		ng[cpu] = c->cpu[cpu] ? __atomic_load_n(&c->cpu[cpu]->ng,
							__ATOMIC_ACQUIRE) : 0;
		n += ng[cpu] & SLAB_CPU_N_MASK;
	}
	return n;
}

/*
 * Invariant 10, from a view in which no CPU finished a push or a pop:
 * every generation the same before and after the maps were counted.
 * Another CPU may be between the two steps of one, so each other online
 * CPU may account for one slot more in the maps.  Other CPUs that never
 * stand still for the count leave it unchecked.
 */
static unsigned int slab_pcpu_check_count(struct kmem_cache *c)
{
	unsigned long before[MM_MAX_CPUS], after[MM_MAX_CPUS];
	unsigned int bad = 0, tries, counted, held, slack = 0, cpu;

	for (cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		slack += c->cpu[cpu] && !pcp_drainable(cpu);	/* online */
	for (tries = 0; tries < 4; tries++) {
		counted = slab_pcpu_counts(c, before);
		held = slab_pcpu_held_slots(c);
		slab_pcpu_counts(c, after);
		if (memcmp(before, after, sizeof(before)) != 0)
			continue;
		SLAB_CHECK(held >= counted && held - counted <= slack,
			   "10: %u slots held and not free in the maps, %u objects in the magazines and the depot",
			   held, counted);
		break;
	}
	return bad;
}

unsigned int slab_pcpu_check_locked(struct kmem_cache *c)
{
	const void *seen[2 * SLAB_CPU_MAG];
	unsigned int bad = 0, nseen = 0, cpu, n;
	struct slab_cpu *mine = c->cpu[arch_cpu_id()];

	for (cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		SLAB_CHECK(!c->cpu[cpu] ||
			   slab_cpu_count(c->cpu[cpu]) <= SLAB_CPU_MAG,
			   "9: CPU %u's magazine holds %u of %u", cpu,
			   slab_cpu_count(c->cpu[cpu]), SLAB_CPU_MAG);
	n = slab_depot_count(c);
	SLAB_CHECK(n <= SLAB_CPU_MAG, "9: the depot holds %u of %u", n,
		   SLAB_CPU_MAG);
	if (bad)
		return bad;
	bad += slab_pcpu_check_mag(c, "depot", c->depot->mag, n, seen,
				   &nseen);
	if (mine)
		bad += slab_pcpu_check_mag(c, "magazine", mine->mag,
					   slab_cpu_count(mine), seen, &nseen);
	return bad + slab_pcpu_check_count(c);
}
