/*
 * Inter-processor interrupts on the local APIC.
 *
 * Design.  An IPI is one ICR write (lapic_send(): fixed delivery, edge,
 * asserted), addressed by APIC id or by the all-excluding-self shorthand.
 * Each IPI vector has a handler like any other vector (trap_register());
 * trap_dispatch() sends its EOI.  Every handler counts the IPI in the
 * receiving CPU's area (percpu.h: ipis), which is how a sender sees that
 * an IPI arrived: ipi_ping_wait() reads the target's counter, one
 * aligned 32-bit load, until it moves or the bound runs out.  The ping
 * vector does nothing else; the call vector runs the function the sender
 * left in the target's call slot; the drain vector is the allocators'
 * kick (include/mm/arch.h: arch_cpu_kick()), and drains this CPU's hot
 * lists of every zone that asked for them (mm_cpu_drain_kicked()).
 *
 * Locking: none of its own.  A counter is written only by its CPU, in its
 * handler; others read it atomically.  A call slot is filled by a
 * compare-and-swap from NULL (one call in flight per target) and emptied
 * by its CPU with an atomic exchange.  The ICR is per CPU and written
 * with interrupts off (lapic.c).
 */
#include "cpus.h"
#include "cpu.h"
#include "ipi.h"
#include "lapic.h"
#include "percpu.h"
#include "trap.h"
#include "mm/arch.h"
#include "mm/lock.h"

#ifndef EBUSY
#define EBUSY		16
#endif

#define IPI_FIXED	(LAPIC_DM_FIXED | LAPIC_ICR_ASSERT)

typedef void (*ipi_fn_t)(void);

static ipi_fn_t call_slot[SMP_MAX_CPUS];

/*
 * Fill an empty slot atomically.  The kernel is built for the 386, which
 * has no CMPXCHG (the compiler would call libatomic); a CPU with a local
 * APIC is a Pentium or later and has it.  Returns: true if it was empty.
 */
static bool call_slot_fill(ipi_fn_t *slot, ipi_fn_t fn)
{
	ipi_fn_t old = NULL;

	__asm__ volatile("lock cmpxchgl %2, %1"
			 : "+a"(old), "+m"(*slot)
			 : "r"(fn)
			 : "memory", "cc");
	return old == NULL;
}

static void ipi_ping_irq(struct trap_frame *tf)
{
	(void)tf;
	this_cpu_inc(ipis);
}

/* The allocators asked this CPU for its hot lists (arch_cpu_kick()). */
static void ipi_drain_irq(struct trap_frame *tf)
{
	(void)tf;
	this_cpu_inc(ipis);
	mm_cpu_drain_kicked();
}

static void ipi_call_irq(struct trap_frame *tf)
{
	ipi_fn_t fn = __atomic_exchange_n(&call_slot[smp_processor_id()],
					  NULL, __ATOMIC_ACQUIRE);

	(void)tf;
	this_cpu_inc(ipis);
	if (fn)
		fn();
}

void ipi_init(void)
{
	trap_register(IPI_PING_VECTOR, ipi_ping_irq);
	trap_register(IPI_CALL_VECTOR, ipi_call_irq);
	trap_register(IPI_DRAIN_VECTOR, ipi_drain_irq);
}

/*
 * include/mm/arch.h's kick: the drain IPI.  A send the APIC did not take
 * is reported by ipi_send(); the CPU then drains at its next allocator
 * entry instead.
 */
void arch_cpu_kick(unsigned int cpu)
{
	ipi_send(cpu, IPI_DRAIN_VECTOR);
}

int ipi_call(unsigned int cpu, void (*fn)(void))
{
	int err;

	if (!call_slot_fill(&call_slot[cpu], fn))
		return -EBUSY;
	err = ipi_send(cpu, IPI_CALL_VECTOR);
	if (err)
		__atomic_store_n(&call_slot[cpu], NULL, __ATOMIC_RELAXED);
	return err;
}

int ipi_send(unsigned int cpu, uint8_t vector)
{
	int err = lapic_send(cpu_slots[cpu].apic_id, IPI_FIXED | vector);

	if (err)
		printk("ipi: vector %#x to CPU %u (APIC id %u) not accepted "
		       "by the local APIC within 1 ms\n", vector, cpu,
		       cpu_slots[cpu].apic_id);
	return err;
}

int ipi_send_others(uint8_t vector)
{
	int err = lapic_send(0, IPI_FIXED | LAPIC_ICR_OTHERS | vector);

	if (err)
		printk("ipi: vector %#x to all other CPUs not accepted by the "
		       "local APIC of CPU %u within 1 ms\n", vector,
		       smp_processor_id());
	return err;
}

bool ipi_ping_wait(unsigned int cpu, uint32_t before, uint64_t sent,
		   uint32_t timeout_us, uint32_t *us)
{
	uint64_t limit = (uint64_t)timeout_us * lapic_tsc_khz() / 1000;

	while (percpu_read_remote(cpu, ipis) == before) {
		if (rdtsc() - sent > limit)
			return false;
		cpu_relax();
	}
	*us = (uint32_t)((rdtsc() - sent) * 1000 / lapic_tsc_khz());
	return true;
}
