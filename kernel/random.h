/*
 * Kernel randomness for address-space layout randomisation: a pool
 * (lib/entropy.c) mixed at boot and at every hardware interrupt.
 *
 * Not for cryptography: see lib/entropy.h.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include "mm/types.h"

/*
 * random_init - seed the pool from the cycle counter (TSC, where CPUID
 * reports one), the PIT's running count and the RTC's time of day, and
 * read the `norandmaps` boot option.
 * Context: boot, after cpu_detect() and pit_init().  Returns: nothing.
 */
void random_init(void);

/*
 * random_add_interrupt - mix the time of interrupt @irq (TSC, or the PIT
 * count without one) into the pool.
 * Context: interrupt handlers, interrupts off.  Returns: nothing.
 */
void random_add_interrupt(unsigned int irq);

/* A 32-bit value from the pool.  Context: any.  Returns: the value. */
uint32_t get_random_u32(void);

/*
 * random_layout - a value in [0, @bound) for the layout of a new user
 * space, or 0 when layout randomisation is off (`norandmaps`).
 * Context: process context.  Returns: the value.
 */
uint32_t random_layout(uint32_t bound);

/* Is layout randomisation on?  Context: any. */
bool random_layout_enabled(void);

#endif /* KERNEL_RANDOM_H */
