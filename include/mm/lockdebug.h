/*
 * Lock debugging: checks of every mm lock's use, on in MM_DEBUG builds
 * (host tests, fuzzers) and in the kernel with the `lockdebug` boot
 * option.
 *
 * Three misuses are caught, each reported in one line that names the
 * CPU, the lock's class and address and the caller, and refused so that
 * the lock stays consistent:
 *  - recursion: a CPU takes a lock it holds (on a spinlock, a deadlock).
 *    The lock stays held once; the matching release only undoes the
 *    recursion.
 *  - foreign release: a CPU releases a lock it does not hold.  Nothing
 *    is released.
 *  - order inversion: a CPU takes a lock whose class (enum
 *    mm_lock_class, include/mm/lock.h) is not above the class of every
 *    lock it holds: two CPUs nesting the same two classes in opposite
 *    orders can deadlock.  Reported; the lock is then taken all the same.
 *    A trylock is not checked for order (it never waits), but what it
 *    takes counts as held for the checks that follow.
 * Each CPU keeps a stack of the locks it holds (LOCKDEBUG_DEPTH deep),
 * touched only by that CPU with interrupts off.
 */
#ifndef MM_LOCKDEBUG_H
#define MM_LOCKDEBUG_H

#include "mm/lock.h"

#define LOCKDEBUG_DEPTH	8	/* locks one CPU may hold at once */

enum lockdebug_kind {
	LOCKDEBUG_RECURSION,
	LOCKDEBUG_FOREIGN_RELEASE,
	LOCKDEBUG_ORDER,
	LOCKDEBUG_NR_KINDS
};

/*
 * lockdebug_enable - turn lock debugging on.  Call it while no mm lock is
 * held on any CPU (boot, from the command line); it stays on.
 * Context: boot.
 */
void lockdebug_enable(void);

/* Is lock debugging on?  Context: any. */
static inline bool lockdebug_enabled(void)
{
	return (mm_lock_mode & MM_LOCK_DEBUG) != 0;
}

/* The name of a lock class, as the reports print it.  Context: any. */
const char *lockdebug_class_name(unsigned int class);

/*
 * lockdebug_reports - misuses of this kind reported since boot.
 * Context: any.  Returns: the count.
 */
unsigned long lockdebug_reports(enum lockdebug_kind kind);

/*
 * lockdebug_held_depth - how many locks this CPU holds now (as lock
 * debugging counts them).  Context: interrupts off.
 */
unsigned int lockdebug_held_depth(void);

/*
 * lockdebug_acquire - check that this CPU may take @lock and record it as
 * held; @trylock: skip the order check.  Returns: false for a recursion
 * (reported; the caller must not take the lock again).
 * lockdebug_release - check and forget @lock.  Returns: true if the
 * caller must release the lock now; false for a foreign release
 * (reported) or the end of a recursion.
 * Context: interrupts off; called by mm/lock.c only.
 */
bool lockdebug_acquire(mm_lock_t *lock, bool trylock, void *caller);
bool lockdebug_release(mm_lock_t *lock, void *caller);

#endif /* MM_LOCKDEBUG_H */
