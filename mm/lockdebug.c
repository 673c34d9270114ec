/*
 * Lock debugging (include/mm/lockdebug.h): recursion, foreign release
 * and lock-order inversion among the mm lock classes.
 *
 * Design.  Each CPU has a stack of the locks it holds, in the order it
 * took them, each with a recursion count; only that CPU touches it, with
 * interrupts off (every mm lock is taken with them off), so it needs no
 * lock of its own.  Taking a lock looks down that stack: the lock itself
 * there is a recursion; a lock of a class at or above the new one's is an
 * inversion of the order enum mm_lock_class lists (docs/DESIGN.md,
 * "Locks").  Locks of class MM_LOCK_NONE are outside the order.  A
 * release must find its lock on the stack; locks are usually released in
 * the reverse order, but need not be, so the entry is taken out from
 * wherever it is.  The report counters are atomic: any CPU adds to them.
 *
 * Locking: none; called by mm/lock.c with interrupts off.
 */
#include "mm/lockdebug.h"

struct lockdebug_entry {
	const mm_lock_t *lock;
	unsigned int depth;		/* acquisitions: 1, more on recursion */
};

struct lockdebug_cpu {
	unsigned int n;			/* entries in held */
	unsigned int lost;		/* acquisitions beyond LOCKDEBUG_DEPTH */
	struct lockdebug_entry held[LOCKDEBUG_DEPTH];
};

static struct lockdebug_cpu lockdebug_cpus[MM_MAX_CPUS];
static unsigned long lockdebug_counts[LOCKDEBUG_NR_KINDS];

static const char *const lockdebug_names[MM_LOCK_NR_CLASSES] = {
	[MM_LOCK_NONE] = "unranked",
	[MM_LOCK_SLAB_CACHES] = "slab_caches",
	[MM_LOCK_VMM] = "vmm",
	[MM_LOCK_VMALLOC] = "vmalloc",
	[MM_LOCK_KSTACK] = "kstack",
	[MM_LOCK_SLAB_CACHE] = "slab cache",
	[MM_LOCK_SLAB_DESC] = "kmem_slab",
	[MM_LOCK_ZONE] = "zone",
	[MM_LOCK_KMALLOC] = "kmalloc",
	[MM_LOCK_FAULT] = "fault_inject",
	[MM_LOCK_RATELIMIT] = "ratelimit",
	[MM_LOCK_TLB] = "tlb",
};

void lockdebug_enable(void)
{
	__atomic_or_fetch(&mm_lock_mode, MM_LOCK_DEBUG, __ATOMIC_RELEASE);
}

const char *lockdebug_class_name(unsigned int class)
{
	return class < MM_LOCK_NR_CLASSES ? lockdebug_names[class] : "bad";
}

unsigned long lockdebug_reports(enum lockdebug_kind kind)
{
	return __atomic_load_n(&lockdebug_counts[kind], __ATOMIC_RELAXED);
}

static struct lockdebug_cpu *lockdebug_this_cpu(void)
{
	unsigned int cpu = arch_cpu_id();

	MM_ASSERT(cpu < MM_MAX_CPUS);
	return &lockdebug_cpus[cpu];
}

unsigned int lockdebug_held_depth(void)
{
	return lockdebug_this_cpu()->n;
}

static void lockdebug_count(enum lockdebug_kind kind)
{
	__atomic_add_fetch(&lockdebug_counts[kind], 1, __ATOMIC_RELAXED);
}

/* The held entry of @lock on @ld's stack, or NULL. */
static struct lockdebug_entry *lockdebug_find(struct lockdebug_cpu *ld,
					      const mm_lock_t *lock)
{
	unsigned int i;

	for (i = 0; i < ld->n; i++)
		if (ld->held[i].lock == lock)
			return &ld->held[i];
	return NULL;
}

/* The held lock of the highest class at or above @class, or NULL. */
static const mm_lock_t *lockdebug_above(const struct lockdebug_cpu *ld,
					unsigned int class)
{
	const mm_lock_t *worst = NULL;
	unsigned int i;

	if (class == MM_LOCK_NONE)
		return NULL;
	for (i = 0; i < ld->n; i++) {
		const mm_lock_t *held = ld->held[i].lock;

		if (held->class >= class && (!worst || held->class > worst->class))
			worst = held;
	}
	return worst;
}

static void lockdebug_report_order(const mm_lock_t *lock,
				   const mm_lock_t *held, void *caller)
{
	lockdebug_count(LOCKDEBUG_ORDER);
	printk("lockdebug: lock order inversion on CPU %u: taking %s lock %p (rank %u) while holding %s lock %p (rank %u) (caller %pS)\n",
	       arch_cpu_id(), lockdebug_class_name(lock->class), (void *)lock,
	       lock->class, lockdebug_class_name(held->class),
	       (void *)held, held->class, caller);
}

bool lockdebug_acquire(mm_lock_t *lock, bool trylock, void *caller)
{
	struct lockdebug_cpu *ld = lockdebug_this_cpu();
	struct lockdebug_entry *e = lockdebug_find(ld, lock);
	const mm_lock_t *held;

	if (e) {
		e->depth++;
		lockdebug_count(LOCKDEBUG_RECURSION);
		printk("lockdebug: recursive acquisition on CPU %u of %s lock %p, held already (caller %pS)\n",
		       arch_cpu_id(), lockdebug_class_name(lock->class),
		       (void *)lock, caller);
		return false;
	}
	held = trylock ? NULL : lockdebug_above(ld, lock->class);
	if (held)
		lockdebug_report_order(lock, held, caller);
	if (ld->n == LOCKDEBUG_DEPTH) {
		ld->lost++;
		printk("lockdebug: CPU %u holds more than %u locks: %s lock %p not tracked (caller %pS)\n",
		       arch_cpu_id(), LOCKDEBUG_DEPTH,
		       lockdebug_class_name(lock->class), (void *)lock, caller);
		return true;
	}
	ld->held[ld->n].lock = lock;
	ld->held[ld->n].depth = 1;
	ld->n++;
	return true;
}

bool lockdebug_release(mm_lock_t *lock, void *caller)
{
	struct lockdebug_cpu *ld = lockdebug_this_cpu();
	struct lockdebug_entry *e = lockdebug_find(ld, lock);
	unsigned int holder;

	if (!e && ld->lost) {		/* an untracked one, beyond the stack */
		ld->lost--;
		return true;
	}
	if (!e) {
		holder = __atomic_load_n(&lock->holder, __ATOMIC_RELAXED);
		lockdebug_count(LOCKDEBUG_FOREIGN_RELEASE);
		if (holder)
			printk("lockdebug: CPU %u releases %s lock %p held by CPU %u (caller %pS)\n",
			       arch_cpu_id(), lockdebug_class_name(lock->class),
			       (void *)lock, holder - 1, caller);
		else
			printk("lockdebug: CPU %u releases %s lock %p, which is not held (caller %pS)\n",
			       arch_cpu_id(), lockdebug_class_name(lock->class),
			       (void *)lock, caller);
		return false;
	}
	if (--e->depth)
		return false;		/* the end of a recursion */
	*e = ld->held[--ld->n];		/* the last entry fills the hole */
	return true;
}
