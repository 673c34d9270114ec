/*
 * The kernel lock (rules in klock.h).
 *
 * A test-and-set word (an exchange, which the 386 has), waited on with
 * plain loads; the holder's CPU number is kept beside it for
 * klock_held(), written only by the holder.  Not a ticket lock: the lock
 * goes to whichever waiter runs when it is released, never to a waiter
 * whose CPU is busy elsewhere (a virtual CPU the host has descheduled
 * would hold every other CPU up).  Interrupts are let in while waiting
 * (`sti; pause; cli`: STI's shadow covers the PAUSE, so an interrupt
 * lands before the CLI), and each turn answers a TLB shootdown as every
 * kernel spin does.
 */
#include "klock.h"
#include "percpu.h"
#include "mm/lock.h"

#define KLOCK_NOBODY	0xffffffffu

static struct {
	uint32_t word;			/* 1: held */
	uint32_t holder;
	unsigned long contended;
} klock = { 0, KLOCK_NOBODY, 0 };

static bool klock_try(void)
{
	return __atomic_exchange_n(&klock.word, 1, __ATOMIC_ACQUIRE) == 0;
}

void klock_acquire_smp(void)
{
	if (!klock_try()) {
		klock.contended++;	/* racy, a statistic */
		do {
			while (__atomic_load_n(&klock.word, __ATOMIC_RELAXED)) {
				__asm__ volatile("sti; rep; nop; cli"
						 : : : "memory");
				arch_cpu_relax();
			}
		} while (!klock_try());
	}
	klock.holder = smp_processor_id();
}

void klock_release_smp(void)
{
	klock.holder = KLOCK_NOBODY;
	__atomic_store_n(&klock.word, 0, __ATOMIC_RELEASE);
}

bool klock_held_smp(void)
{
	return __atomic_load_n(&klock.holder, __ATOMIC_RELAXED) ==
	       smp_processor_id();
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
