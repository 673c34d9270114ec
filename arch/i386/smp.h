/*
 * Application-processor start-up (arch/i386/smp.c).
 */
#ifndef ARCH_I386_SMP_H
#define ARCH_I386_SMP_H

#include <stdbool.h>

/*
 * smp_trampoline_reserve - set two frames below 1 MiB aside for the
 * start-up code and its page directory.
 * Context: boot, while memblock is the allocator (kernel/bootmem.c).
 */
void smp_trampoline_reserve(void);

/*
 * smp_start_aps - start every usable CPU but the boot CPU, one at a time
 * (INIT, STARTUP, STARTUP), each into an idle loop that takes its own
 * timer ticks and IPIs and calls nothing in mm/; report the one that does
 * not come up and go on; then give the trampoline frames back.  CPU slot
 * @silent (0: none) is sent INIT but no STARTUP, as a CPU that never
 * answers would behave.
 * Context: boot, on the boot CPU, after cpus_discover(), lapic_init() and
 * fpu_init(), IRQs off.
 */
void smp_start_aps(unsigned int silent);

/* smp_online_cpus - how many CPUs are online.  Context: any. */
unsigned int smp_online_cpus(void);

/* ap_entry - where an AP enters C from the trampoline; never returns. */
__attribute__((noreturn)) void ap_entry(unsigned int cpu);

#endif /* ARCH_I386_SMP_H */
