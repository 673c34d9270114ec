/*
 * The lock that guards allocator state: a ticket spinlock taken with
 * interrupts off.
 *
 * Every mm lock may be taken from interrupt context (the buddy and slab
 * allocators serve GFP_ATOMIC requests from IRQ handlers, and their
 * locks nest inside the others), so every lock disables interrupts on its
 * CPU before it spins: an interrupt that wanted the lock this CPU holds
 * would otherwise spin for ever.
 *
 * A ticket lock: a CPU takes the next ticket (one atomic fetch-and-add on
 * `next`) and spins, with a pause, until `owner` reaches it; the holder
 * hands the lock on by incrementing `owner`, which only the holder
 * writes, so that is a plain store with release order.  CPUs get the
 * lock in the order they asked for it.  The kernel's fetch-and-add is
 * `lock xadd`, which the 486 introduced; the host uses the compiler's
 * C11-model atomic builtins, which ThreadSanitizer understands.
 *
 * Uniprocessor path.  Until mm_smp_prepare() (mm/lock.c) is called, the
 * kernel runs on one CPU and masking interrupts is the whole lock: the
 * ticket is taken with a plain increment, never an atomic instruction, so
 * a 386, which has no xadd, runs this path only.  mm_lock_mode says which
 * path runs; it is set once at boot, before a second CPU can run mm code,
 * and read by mm_lock() and mm_unlock() (one compare and a branch
 * predicted the same way for the life of the system).  The allocators'
 * fast paths use the _fast pair below, which on one CPU is interrupt
 * masking alone.  Lock debugging
 * (include/mm/lockdebug.h) rides on the same word.
 *
 * mm_lock_held() says whether the lock is held; in MM_DEBUG builds,
 * whether this CPU holds it (the holder field).  _locked functions assert
 * it.
 */
#ifndef MM_LOCK_H
#define MM_LOCK_H

#include "mm/mmdebug.h"

/*
 * Lock classes, in the order they nest: a CPU may take a lock only while
 * every lock it holds has a lower class.  The numbers are the ranks
 * mm/lockdebug.c checks; docs/DESIGN.md ("Locks") shows where each
 * nesting comes from.
 */
enum mm_lock_class {
	MM_LOCK_NONE,		/* a lock no order applies to (tests) */
	MM_LOCK_SLAB_CACHES,	/* slab_caches_lock: the list of caches */
	MM_LOCK_VMM,		/* vmm_lock: every page table */
	MM_LOCK_VMALLOC,	/* vmalloc_lock: the vmalloc area's tree */
	MM_LOCK_KSTACK,		/* kstack_lock: the kernel-stack area */
	MM_LOCK_SLAB_CACHE,	/* a cache's lock */
	MM_LOCK_SLAB_DESC,	/* kmem_slab's lock: off-slab descriptors */
	MM_LOCK_ZONE,		/* zone->lock: a zone's buddy state */
	MM_LOCK_KMALLOC,	/* kmalloc's counters of large blocks */
	MM_LOCK_FAULT,		/* fault injection's state */
	MM_LOCK_RATELIMIT,	/* a rate limit's window */
	MM_LOCK_TLB,		/* the TLB shootdown in flight (arch) */
	MM_LOCK_NR_CLASSES
};

/* Plain fields: the SMP path reaches them through atomic builtins only. */
typedef uint16_t mm_ticket_t;

/*
 * Fields: next and owner as above; holder is the holding CPU + 1 in
 * MM_DEBUG builds and while lock debugging is on (0: free), written by
 * the holder only; class is set when the lock is made (MM_LOCK_INIT(),
 * mm_lock_init()) and never changes.
 */
typedef struct {
	mm_ticket_t next;
	mm_ticket_t owner;
	uint8_t class;
	uint8_t holder;
} mm_lock_t;

#define MM_LOCK_INIT(cls)	{ .next = 0, .owner = 0, .class = (cls), .holder = 0 }

/* mm_lock_mode bits; 0 is the uniprocessor path with no lock debugging. */
#define MM_LOCK_SMP	0x1u	/* a second CPU may run: real ticket locks */
#define MM_LOCK_DEBUG	0x2u	/* lock debugging on (mm/lockdebug.c) */

/*
 * Set by mm_smp_prepare() and lockdebug_enable() only, before the CPUs
 * it concerns run mm code; read-only after.
 */
extern unsigned int mm_lock_mode;

/*
 * mm_smp_prepare - turn the SMP lock path on for @ncpus CPUs (ids 0 to
 * @ncpus - 1, at most MM_MAX_CPUS).  Call it once, on the boot CPU, after
 * the allocators are set up and before any other CPU runs mm code, with
 * no mm lock held.  From then on every lock is a real ticket lock, every
 * CPU has its own buddy hot lists (frames taken from the zones now) and
 * its own magazine in every object cache without debug, and the boot
 * CPU is online; the others call mm_cpu_online() before their first
 * allocation.
 * Context: boot, one CPU.  Returns: 0, -EINVAL for 0 or too many CPUs,
 * -ENOMEM if the hot lists or the magazines found no memory (the lock
 * path unchanged).
 */
int mm_smp_prepare(unsigned int ncpus);

/*
 * mm_cpu_online - this CPU starts using the allocators (after
 * mm_smp_prepare(), before its first allocation).  mm_cpu_offline - it
 * stops: its hot lists and its magazines go back to the maps.  An
 * offline CPU's lists are drained by whichever CPU needs their frames.
 * Context: the CPU itself, no mm lock held; prints nothing.  Returns: 0,
 * or -EINVAL if mm_smp_prepare() was not told of this CPU.
 */
int mm_cpu_online(void);
void mm_cpu_offline(void);

/*
 * mm_cpu_drain_kicked - drain this CPU's hot lists in every zone that
 * asked it to (a drain request bit set by a CPU short of frames, which
 * then called arch_cpu_kick()), each under its zone lock, and its
 * magazine in every cache that asked (a shrink, a destroy, the reclaim
 * hook), each under its cache lock.  The kernel's drain IPI handler and
 * the host's mailbox poll call it.
 * Context: the CPU kicked, interrupts off, no mm lock held.
 */
void mm_cpu_drain_kicked(void);

/* CPUs mm_smp_prepare() was told of (1 before it).  Context: any. */
unsigned int mm_smp_cpus(void);

static inline void mm_lock_init(mm_lock_t *lock, enum mm_lock_class class)
{
	lock->next = 0;
	lock->owner = 0;
	lock->holder = 0;
	lock->class = (uint8_t)class;
}

/* ---- the ticket lock proper (the SMP path) ------------------------------ */

static inline void mm_cpu_relax(void)
{
	arch_cpu_relax();
}

static inline uint16_t mm_ticket_read(const mm_ticket_t *t)
{
	return __atomic_load_n(t, __ATOMIC_ACQUIRE);
}

/* Take a ticket: the old value of next, next incremented atomically. */
static inline uint16_t mm_ticket_take(mm_lock_t *lock)
{
#ifdef MM_HOST
	return __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
#else
	uint16_t t = 1;

	__asm__ volatile("lock; xaddw %0, %1"
			 : "+r"(t), "+m"(lock->next) : : "memory");
	return t;
#endif
}

static inline void mm_ticket_lock(mm_lock_t *lock)
{
	uint16_t t = mm_ticket_take(lock);

	while (mm_ticket_read(&lock->owner) != t)
		mm_cpu_relax();
}

/* Take the lock if nobody holds or waits for it: next == owner. */
static inline bool mm_ticket_trylock(mm_lock_t *lock)
{
	uint16_t t = mm_ticket_read(&lock->owner);
#ifdef MM_HOST
	uint16_t want = t;

	return __atomic_compare_exchange_n(&lock->next, &want,
					   (uint16_t)(t + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
#else
	uint16_t old = t;

	__asm__ volatile("lock; cmpxchgw %2, %1"
			 : "+a"(old), "+m"(lock->next)
			 : "r"((uint16_t)(t + 1)) : "memory", "cc");
	return old == t;
#endif
}

static inline void mm_ticket_unlock(mm_lock_t *lock)
{
	uint16_t o = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&lock->owner, (uint16_t)(o + 1), __ATOMIC_RELEASE);
}

/*
 * The paths other than the plain uniprocessor one (mm/lock.c): lock
 * debugging's checks around the ticket lock or the uniprocessor ticket.
 * Interrupts are off.  mm_lock_slow() returns false when lock debugging
 * refused the acquisition (a recursion: the lock stays held once, and
 * the matching release is refused too); mm_trylock_slow() whether it took
 * the lock; mm_unlock_slow() releases unless lock debugging refuses.
 */
void mm_lock_slow(mm_lock_t *lock);
bool mm_trylock_slow(mm_lock_t *lock);
void mm_unlock_slow(mm_lock_t *lock);

/* ---- the public pairs ------------------------------------------------------ */

/*
 * mm_lock - take @lock, interrupts already off.  mm_unlock - release it,
 * leaving interrupts off.  Context: interrupts off.
 */
static inline void mm_lock(mm_lock_t *lock)
{
	if (unlikely(mm_lock_mode)) {
		if (!MM_DEBUG && mm_lock_mode == MM_LOCK_SMP)
			mm_ticket_lock(lock);	/* no holder to note */
		else
			mm_lock_slow(lock);
		return;
	}
	MM_DEBUG_ASSERT(lock->next == lock->owner);	/* no recursion */
	lock->next++;
	if (MM_DEBUG)
		lock->holder = (uint8_t)(arch_cpu_id() + 1);
}

static inline void mm_unlock(mm_lock_t *lock)
{
	if (unlikely(mm_lock_mode)) {
		if (!MM_DEBUG && mm_lock_mode == MM_LOCK_SMP)
			mm_ticket_unlock(lock);
		else
			mm_unlock_slow(lock);
		return;
	}
	MM_DEBUG_ASSERT(lock->next != lock->owner);	/* held */
	if (MM_DEBUG)
		lock->holder = 0;
	__asm__ volatile("" : : : "memory");	/* the section ends here */
	lock->owner++;
}

/*
 * mm_lock_irqsave - disable interrupts, then take @lock.
 * mm_unlock_irqrestore - release it, then restore the interrupt state.
 * Context: any.  Returns: the interrupt state for the restore.
 */
static inline unsigned long mm_lock_irqsave(mm_lock_t *lock)
{
	unsigned long flags = arch_irq_save();

	mm_lock(lock);
	return flags;
}

static inline void mm_unlock_irqrestore(mm_lock_t *lock, unsigned long flags)
{
	mm_unlock(lock);
	arch_irq_restore(flags);
}

/*
 * mm_trylock_irqsave - take @lock if it is free, never spinning: false
 * (interrupts as they were) if any CPU holds it, this one included.
 * Context: any.  Returns: true with the lock held and *flags set.
 */
static inline bool mm_trylock_irqsave(mm_lock_t *lock, unsigned long *flags)
{
	*flags = arch_irq_save();
	if (unlikely(mm_lock_mode)) {
		if (mm_trylock_slow(lock))
			return true;
	} else if (lock->next == lock->owner) {
		lock->next++;
		if (MM_DEBUG)
			lock->holder = (uint8_t)(arch_cpu_id() + 1);
		return true;
	}
	arch_irq_restore(*flags);
	return false;
}

/*
 * The same pair for the buddy, slab and kmalloc fast paths that run only
 * while mm_lock_mode has no MM_LOCK_SMP (their callers keep them off
 * otherwise: docs/DESIGN.md, "Locking"): a release build writes nothing, since on one CPU
 * disabling interrupts is the whole lock; MM_DEBUG builds take the lock
 * as mm_lock() does, so the assertions and lock debugging see it.  A
 * section begun with one pair ends with the same pair.
 */
static inline unsigned long mm_lock_irqsave_fast(mm_lock_t *lock)
{
	unsigned long flags = arch_irq_save();

	if (MM_DEBUG)
		mm_lock(lock);
	else
		(void)lock;
	return flags;
}

static inline void mm_unlock_irqrestore_fast(mm_lock_t *lock,
					     unsigned long flags)
{
	if (MM_DEBUG)
		mm_unlock(lock);
	else
		(void)lock;
	arch_irq_restore(flags);
}

/*
 * mm_lock_fast_to_full - turn a section begun with mm_lock_irqsave_fast()
 * into one that ends with mm_unlock_irqrestore(): the lock proper is
 * taken now (in MM_DEBUG builds the fast pair took it already).
 * Context: inside that section.
 */
static inline void mm_lock_fast_to_full(mm_lock_t *lock)
{
	if (!MM_DEBUG)
		mm_lock(lock);
	else
		(void)lock;
}

/*
 * Is @lock held (MM_DEBUG builds: by this CPU)?  For assertions; a
 * snapshot when another CPU may take or release it.  Context: any.
 */
static inline bool mm_lock_held(const mm_lock_t *lock)
{
	if (MM_DEBUG)
		return __atomic_load_n(&lock->holder, __ATOMIC_RELAXED) ==
		       arch_cpu_id() + 1;
	return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
}

#endif /* MM_LOCK_H */
