/*
 * Inter-processor interrupts: fixed-vector IPIs to one CPU or to all the
 * others, the ping that shows a CPU is alive, the call, and the drain
 * that is the allocators' kick (arch_cpu_kick() in include/mm/arch.h).
 */
#ifndef ARCH_I386_IPI_H
#define ARCH_I386_IPI_H

#include <stdbool.h>
#include <stdint.h>

/*
 * ipi_init - install the handlers of the IPI vectors (lapic.h).
 * Context: boot CPU, before the APs start.
 */
void ipi_init(void);

/*
 * ipi_send - a fixed IPI of @vector to CPU slot @cpu (by its APIC id).
 * ipi_send_others - the same to every CPU but the sender (the all-
 * excluding-self shorthand: CPUs not started ignore it).
 * Context: any, lapic_present().
 * Returns: 0, or -ETIMEDOUT when the APIC did not accept the ICR within
 * its bound (reported here in one line, with the CPU).
 */
int ipi_send(unsigned int cpu, uint8_t vector);
int ipi_send_others(uint8_t vector);

/*
 * ipi_call - have CPU slot @cpu run @fn in its IPI handler (interrupts
 * off), without waiting for it.  @fn may use the allocators (an online
 * CPU has entered them) but, on an AP, must not print: the console is
 * the boot CPU's (see arch/i386/smp.c).
 * Context: any, lapic_present().
 * Returns: 0, -EBUSY if @cpu has not yet taken the previous call,
 * -ETIMEDOUT as ipi_send().
 */
int ipi_call(unsigned int cpu, void (*fn)(void));

/*
 * ipi_ping_wait - wait until @timeout_us after @sent (a TSC reading taken
 * before the send) for CPU slot @cpu's count of received IPIs to move
 * from @before; *@us says how long after @sent it did.
 * Context: any, IRQs on or off.  Returns: true if it did.
 */
bool ipi_ping_wait(unsigned int cpu, uint32_t before, uint64_t sent,
		   uint32_t timeout_us, uint32_t *us);

#endif /* ARCH_I386_IPI_H */
