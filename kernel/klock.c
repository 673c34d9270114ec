/*
 * The kernel lock (rules in klock.h).
 *
 * A test-and-set word (an exchange, which the 386 has), waited on with
 * plain loads; the holder's CPU number is kept beside it for
 * klock_held(), written only by the holder.  Not a ticket lock: the lock
 * goes to whichever waiter runs when it is released, never to a waiter
 * whose CPU is busy elsewhere (a virtual CPU the host has descheduled
 * would hold every other CPU up).  The waiter spins with interrupts on
 * (it holds nothing an interrupt handler takes) and turns them off only
 * for the exchange: a window of one instruction (`sti; pause; cli`) let
 * no interrupt in under QEMU's TCG, so an idle CPU waiting here took no
 * tick, kick or IPI for as long as the holder kept the lock.  Each turn
 * also answers a TLB shootdown, as every kernel spin does.
 */
#include "klock.h"
#include "mm/lock.h"

struct klock klock = { 0, KLOCK_NOBODY, 0 };

/* The first exchange failed: wait for the word to clear, then take it. */
void klock_wait(void)
{
	klock.contended++;	/* racy, a statistic */
	do {
		__asm__ volatile("sti" : : : "memory");
		while (__atomic_load_n(&klock.word, __ATOMIC_RELAXED))
			arch_cpu_relax();
		__asm__ volatile("cli" : : : "memory");
	} while (!klock_try());
}

void klock_relax(void)
{
	klock_release();
	__asm__ volatile("sti; nop; cli" : : : "memory");
	klock_acquire();
}

unsigned long klock_contended(void)
{
	return __atomic_load_n(&klock.contended, __ATOMIC_RELAXED);
}
