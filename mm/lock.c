/*
 * The mm lock's out-of-line paths (include/mm/lock.h): the SMP ticket
 * lock with lock debugging around it, and the once-at-boot switch to it.
 *
 * Design.  The inline lock and unlock test mm_lock_mode and, while it is
 * 0 (one CPU, no lock debugging), never come here; otherwise they call
 * these functions, which add lock debugging's checks (mm/lockdebug.c)
 * and take the ticket lock with an atomic instruction when a second CPU
 * may run, else with the uniprocessor path's plain increment.
 *
 * mm_smp_prepare() runs on the boot CPU before another CPU runs mm code:
 * no lock is held anywhere, so switching every lock's path at once is
 * safe; it gives every CPU its magazine in every cache
 * (mm/slab_pcpu.c) and every other CPU its hot lists (mm/buddy_pcp.c),
 * and turns off the uniprocessor fast paths, whose lock pair is only
 * interrupt masking, for the per-CPU ones.  Whatever can fail (memory
 * for those) comes first, so a failure leaves the uniprocessor path as
 * it was.  A CPU going offline and the drain kick reach both per-CPU
 * layers through mm_cpu_offline() and mm_cpu_drain_kicked() here.
 *
 * Locking: these are the locks.  Interrupts are off on entry.
 */
#include "buddy_internal.h"
#include "mm/lockdebug.h"
#include "slab_internal.h"

unsigned int mm_lock_mode = MM_DEBUG ? MM_LOCK_DEBUG : 0;
static unsigned int mm_ncpus = 1;

int mm_smp_prepare(unsigned int ncpus)
{
	if (ncpus == 0 || ncpus > MM_MAX_CPUS) {
		printk("mm: mm_smp_prepare for %u CPUs: between 1 and %u\n",
		       ncpus, MM_MAX_CPUS);
		return -EINVAL;
	}
	if (slab_pcpu_prepare(ncpus) || buddy_pcp_prepare(ncpus))
		return -ENOMEM;
	mm_ncpus = ncpus;
	slab_pcpu_convert();
	__atomic_store_n(&mm_lock_mode, mm_lock_mode | MM_LOCK_SMP,
			 __ATOMIC_RELEASE);
	buddy_fast_zones_update();
	kmalloc_fast_update();
	return 0;
}

unsigned int mm_smp_cpus(void)
{
	return mm_ncpus;
}

void mm_cpu_offline(void)
{
	slab_cpu_offline();
	pcp_cpu_offline();
}

void mm_cpu_drain_kicked(void)
{
	pcp_drain_kicked();
	slab_cpu_drain_kicked();
}

static void mm_lock_set_holder(mm_lock_t *lock, unsigned int holder)
{
	__atomic_store_n(&lock->holder, (uint8_t)holder, __ATOMIC_RELAXED);
}

__attribute__((noinline)) void mm_lock_slow(mm_lock_t *lock)
{
	if ((mm_lock_mode & MM_LOCK_DEBUG) &&
	    !lockdebug_acquire(lock, false, MM_CALLER()))
		return;
	if (mm_lock_mode & MM_LOCK_SMP)
		mm_ticket_lock(lock);
	else
		lock->next++;
	mm_lock_set_holder(lock, arch_cpu_id() + 1);
}

__attribute__((noinline)) bool mm_trylock_slow(mm_lock_t *lock)
{
	if (mm_lock_mode & MM_LOCK_SMP) {
		if (!mm_ticket_trylock(lock))
			return false;
	} else {
		if (lock->next != lock->owner)
			return false;
		lock->next++;
	}
	if (mm_lock_mode & MM_LOCK_DEBUG)
		lockdebug_acquire(lock, true, MM_CALLER());
	mm_lock_set_holder(lock, arch_cpu_id() + 1);
	return true;
}

__attribute__((noinline)) void mm_unlock_slow(mm_lock_t *lock)
{
	if ((mm_lock_mode & MM_LOCK_DEBUG) &&
	    !lockdebug_release(lock, MM_CALLER()))
		return;
	mm_lock_set_holder(lock, 0);
	if (mm_lock_mode & MM_LOCK_SMP)
		mm_ticket_unlock(lock);
	else
		lock->owner++;
}
