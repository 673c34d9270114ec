/*
 * The lock that guards allocator state.
 *
 * kmem386 runs on one CPU, so taking an mm_lock means disabling interrupts;
 * the "locked" word lets _locked functions assert that their caller holds
 * it.  With interrupts off nothing else can run, so the lock can only be
 * taken twice through a bug in mm/ itself (a _locked function calling a
 * locking one): the recursion and release checks are MM_DEBUG_ASSERTs,
 * caught by the debug builds (host tests, fuzzers), and cost nothing on
 * the allocators' fast paths otherwise.  On SMP this type becomes a real
 * spinlock and no caller has to change.
 */
#ifndef MM_LOCK_H
#define MM_LOCK_H

#include "mm/mmdebug.h"

typedef struct {
	volatile int locked;
} mm_lock_t;

#define MM_LOCK_INIT	{ 0 }

static inline unsigned long mm_lock_irqsave(mm_lock_t *lock)
{
	unsigned long flags = arch_irq_save();

	MM_DEBUG_ASSERT(!lock->locked);
	lock->locked = 1;
	return flags;
}

static inline void mm_unlock_irqrestore(mm_lock_t *lock, unsigned long flags)
{
	MM_DEBUG_ASSERT(lock->locked);
	lock->locked = 0;
	arch_irq_restore(flags);
}

/*
 * The same pair for a lock that only debug assertions ever test (no
 * trylock, no mm_lock_held() outside MM_DEBUG_ASSERT), on a path where
 * two stores count: a release build writes no held word, since on one
 * CPU disabling interrupts is the whole lock.  It mixes freely with the
 * pair above on the same lock.  The buddy allocator's fast paths use it.
 */
static inline unsigned long mm_lock_irqsave_fast(mm_lock_t *lock)
{
	unsigned long flags = arch_irq_save();

	MM_DEBUG_ASSERT(!lock->locked);
	if (MM_DEBUG)
		lock->locked = 1;
	return flags;
}

static inline void mm_unlock_irqrestore_fast(mm_lock_t *lock,
					     unsigned long flags)
{
	MM_DEBUG_ASSERT(lock->locked);
	if (MM_DEBUG)
		lock->locked = 0;
	arch_irq_restore(flags);
}

static inline bool mm_lock_held(const mm_lock_t *lock)
{
	return lock->locked != 0;
}

#endif /* MM_LOCK_H */
