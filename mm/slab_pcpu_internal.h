/*
 * What the slab layer's files share about per-CPU magazines
 * (mm/slab_pcpu.c): their layout, the atomic operations on held-map
 * words, and the entry points of the per-CPU paths and of the protocol
 * that asks a CPU for its magazine.  Included by mm/slab_internal.h,
 * after struct kmem_cache.
 */
#ifndef MM_SLAB_PCPU_INTERNAL_H
#define MM_SLAB_PCPU_INTERNAL_H

/*
 * Per-CPU magazines: a CPU's stack holds SLAB_CPU_MAG objects, and a
 * refill or flush moves SLAB_CPU_BATCH of them between it and the depot
 * or the maps, so that a CPU that alternates takes the cache lock at
 * most once per batch.  The count shares a word with a generation that
 * every push and pop advances (the checker's test that a CPU stood
 * still, mm/slab_pcpu.c).
 */
#define SLAB_CPU_MAG		32u
#define SLAB_CPU_BATCH		16u
#define SLAB_CPU_N_MASK		0xffu
#define SLAB_CPU_GEN		0x100u

/*
 * One CPU's magazine of one cache (and, with the counters unused, the
 * cache's depot): mag[0..n-1], newest last, n being ng & SLAB_CPU_N_MASK.
 * ng and the counters are written by the CPU only and stored atomically,
 * since any CPU may read them (the counts to decide whom to ask for a
 * flush, the counters for kmem_cache_stats()); mag[] is the CPU's alone.
 * The depot's fields change under the cache lock only.
 */
struct slab_cpu {
	unsigned long ng;		/* count | generation */
	uint32_t allocs;		/* allocations not yet in stats */
	uint32_t requested;		/* their bytes */
	struct slab_mag_entry mag[SLAB_CPU_MAG];
};

/*
 * Set bit @b of the held-map word @word atomically, whatever other CPUs
 * do to its other bits.  Returns: whether it was set already.  The
 * kernel is built for the 386, whose compiler would call libatomic for
 * a fetch-and-or whose result is used; `lock bts` is a 386 instruction.
 */
static inline bool slab_held_test_and_set(unsigned long *word, unsigned int b)
{
#ifdef MM_HOST
	return (__atomic_fetch_or(word, 1ul << b, __ATOMIC_RELAXED) >> b) & 1;
#else
	bool was;

	__asm__ volatile("lock; btsl %2, %1; setc %0"
			 : "=q"(was), "+m"(*word) : "Ir"(b) : "memory", "cc");
	return was;
#endif
}

/* Clear the bits @bits of the held-map word @word atomically. */
static inline void slab_held_clear(unsigned long *word, unsigned long bits)
{
	__atomic_fetch_and(word, ~bits, __ATOMIC_RELAXED);
}

/*
 * Per-CPU magazines (mm/slab_pcpu.c).
 * slab_pcpu_alloc - slab_alloc() of a SLAB_PCPU cache, the injection
 * checked already.  Returns: the object or NULL.
 * slab_pcpu_free - the free of slot @i of @s, past its checks, in a
 * SLAB_PCPU cache.  Returns: 0, or -EINVAL for a double free (reported).
 * slab_pcpu_ask - this CPU's magazine of @c back into the maps, and
 * every other CPU whose magazine holds objects asked for its own (a
 * request bit and a kick).  No slab lock held.  Returns: the CPUs asked.
 * slab_pcpu_wait - wait, for at most @us, until the CPUs @cpus have
 * honoured @c's requests; this CPU honours its own meanwhile.  No slab
 * lock held.  Returns: the CPUs that have not.
 * slab_pcpu_ask_all - slab_pcpu_ask() of every cache, then the wait
 * for all of them (the kick takes slab_caches_lock, so the wait takes it
 * for each look only).  No slab lock held.  Returns: the CPUs that have
 * not honoured every request.
 * slab_pcpu_flush_locked - this CPU's magazine and the depot back into
 * the maps, and (@ask) the other CPUs asked for theirs, not waited for.
 * Cache lock held.
 * slab_pcpu_attach - per-CPU state for every CPU mm_smp_prepare() was
 * told of, and SLAB_PCPU, for a cache made on the SMP path (not linked
 * yet).  Without memory the cache goes on without (the cache lock's
 * path).  slab_pcpu_detach - give that state back (destroy: every
 * magazine empty).
 * slab_pcpu_check_locked - invariants 9 and 10.  Returns: violations.
 * slab_pcpu_held_slots - the slots held and not free in the maps, over
 * every slab of @c (invariant 10's count of the maps; cache lock held).
 * slab_pcpu_stats_locked - add every CPU's counters to @st.
 */
void *slab_pcpu_alloc(struct kmem_cache *c, gfp_t gfp, size_t size);
int slab_pcpu_free(struct kmem_cache *c, struct slab *s, void *obj,
		   unsigned int i, void *caller);
uint32_t slab_pcpu_ask(struct kmem_cache *c);
uint32_t slab_pcpu_wait(struct kmem_cache *c, uint32_t cpus, uint32_t us);
uint32_t slab_pcpu_ask_all(uint32_t us);
void slab_pcpu_flush_locked(struct kmem_cache *c, bool ask);
void slab_pcpu_attach(struct kmem_cache *c);
void slab_pcpu_detach(struct kmem_cache *c);
unsigned int slab_pcpu_check_locked(struct kmem_cache *c);
unsigned int slab_pcpu_held_slots(const struct kmem_cache *c);
void slab_pcpu_stats_locked(const struct kmem_cache *c,
			    struct kmem_cache_stats *st);

/*
 * The CPUs' side, for mm/lock.c: slab_pcpu_prepare - per-CPU state for
 * @ncpus CPUs in every cache that can have it (mm_smp_prepare(), before
 * anything else it does).  Returns: 0 or -ENOMEM.  slab_pcpu_convert -
 * make each of those caches SLAB_PCPU (its last step, no other CPU
 * running mm code).  slab_cpu_offline - this CPU's magazines back into
 * the maps (mm_cpu_offline()).  slab_cpu_drain_kicked - honour this
 * CPU's requests in every cache that asked (mm_cpu_drain_kicked()).
 * Context: no slab lock held; the last two with interrupts off.
 */
int slab_pcpu_prepare(unsigned int ncpus);
void slab_pcpu_convert(void);
void slab_cpu_offline(void);
void slab_cpu_drain_kicked(void);

/*
 * The cache of per-CPU magazines (struct slab_cpu), kmem_cache_cpu, and
 * slab_cpu_cache_setup(), which makes it when first needed (mm/slab_cache.c).
 * Context: no slab lock held.  Returns: 0, or -E2BIG if it cannot be laid out.
 */
extern struct kmem_cache kmem_cpu_boot;
int slab_cpu_cache_setup(void);

#endif /* MM_SLAB_PCPU_INTERNAL_H */
