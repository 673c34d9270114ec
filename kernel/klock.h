/*
 * The kernel lock: one lock for the process layer.
 *
 * It guards the run queue, the list of processes and every struct proc,
 * every process's address space (its regions, page tables through the
 * VMM's own lock beneath it, its counters) and the paths that change
 * them: system calls, user page faults, fork, exit, wait, the OOM killer
 * and the shell's commands.  A CPU holds it from its entry into the
 * kernel from ring 3 (a system call, an exception, a tick that preempts)
 * until it returns to ring 3; schedule() is called with it held and the
 * process switched to resumes holding it, so the lock passes from one
 * context to the next on the same CPU.  Interrupt handlers never take it:
 * they touch only per-CPU state and the allocators, which have their own
 * locks.  The allocators, vmalloc, kmap and the VMM do not need it; the
 * kernel lock only decides which CPU runs process-layer code.
 *
 * A spinlock; the waiter spins with interrupts on (it holds nothing
 * else), so it takes ticks, TLB shootdowns and calls while it waits, and
 * a holder that waits for an answer from it is never stuck.  With one CPU
 * (before mm_smp_prepare()) it is not taken at all: nothing can run
 * beside the holder, and the return to ring 3 skips its last step.
 *
 * Context: process context or the shell, interrupts off on entry and on
 * return; never in an interrupt handler.
 */
#ifndef KERNEL_KLOCK_H
#define KERNEL_KLOCK_H

#include <stdbool.h>
#include "percpu.h"
#include "mm/lock.h"

#define KLOCK_NOBODY	0xffffffffu

/*
 * The lock word and its holder, inline so that the uncontended take and
 * every release cost a few instructions on each entry from ring 3 and
 * each return to it.  Only klock.h, klock.c and trap_return in
 * arch/i386/isr.asm (the release, at offsets sched.c checks) touch them.
 */
struct klock {
	uint32_t word;			/* 1: held */
	uint32_t holder;		/* CPU number, or KLOCK_NOBODY */
	unsigned long contended;	/* takes that had to wait (racy) */
};
extern struct klock klock;

void klock_wait(void);			/* klock.c: the contended take */

static inline bool klock_try(void)
{
	return __atomic_exchange_n(&klock.word, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void klock_acquire_smp(void)
{
	if (__builtin_expect(!klock_try(), 0))
		klock_wait();
	klock.holder = smp_processor_id();
}

static inline void klock_release_smp(void)
{
	klock.holder = KLOCK_NOBODY;
	__atomic_store_n(&klock.word, 0, __ATOMIC_RELEASE);
}

static inline bool klock_held_smp(void)
{
	return __atomic_load_n(&klock.holder, __ATOMIC_RELAXED) ==
	       smp_processor_id();
}

/* With one CPU there is nobody to exclude: nothing is done. */
static inline void klock_acquire(void)
{
	if (mm_lock_mode & MM_LOCK_SMP)
		klock_acquire_smp();
}

static inline void klock_release(void)
{
	if (mm_lock_mode & MM_LOCK_SMP)
		klock_release_smp();
}

/* Whether this CPU holds the kernel lock (with one CPU: always). */
static inline bool klock_held(void)
{
	return !(mm_lock_mode & MM_LOCK_SMP) || klock_held_smp();
}

/*
 * klock_relax - let the waiting CPUs in: release, one turn with
 * interrupts on, take it back.  Context: holding it, between two steps
 * that leave nothing half made.
 */
void klock_relax(void);

/* Acquisitions that had to wait, all CPUs.  Context: any. */
unsigned long klock_contended(void);

#endif /* KERNEL_KLOCK_H */
