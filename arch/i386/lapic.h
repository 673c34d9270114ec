/*
 * The local APIC (xAPIC, memory-mapped): each CPU's interrupt controller,
 * timer and inter-processor interrupt sender.
 *
 * The boot CPU starts with the 8259 PIC wired to its LINT0 pin in ExtINT
 * mode (virtual wire); where an IO-APIC takes the device IRQs over
 * (arch/i386/ioapic.c) LINT0 is masked and they arrive as fixed
 * interrupts.  The local APIC adds the per-CPU timer and IPIs on the
 * vectors below.  A CPU without a local APIC (a 486) keeps the PIT tick
 * and the PIC, and none of this runs.
 */
#ifndef ARCH_I386_LAPIC_H
#define ARCH_I386_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#ifndef ETIMEDOUT
#define ETIMEDOUT	110
#endif
#ifndef ENODEV
#define ENODEV		19
#endif

/* Vectors the local APIC delivers: all above the PIC's and 0x80. */
#define LAPIC_VECTOR_FIRST	0xf0
#define LAPIC_TIMER_VECTOR	0xf0	/* each CPU's tick */
#define IPI_PING_VECTOR		0xf1	/* `cpus ping`: count and return */
#define IPI_CALL_VECTOR		0xf2	/* run the function ipi_call() left */
#define IPI_DRAIN_VECTOR	0xf3	/* drain the hot lists asked for */
#define LAPIC_SPURIOUS_VECTOR	0xff	/* low four bits must be 1 (P5, P6) */

/* ICR delivery modes (bits 8-10) and flags. */
#define LAPIC_DM_FIXED		0x000u
#define LAPIC_DM_INIT		0x500u
#define LAPIC_DM_STARTUP	0x600u
#define LAPIC_ICR_ASSERT	0x4000u
#define LAPIC_ICR_LEVEL		0x8000u	/* level triggered: INIT de-assert */
#define LAPIC_ICR_OTHERS	0xc0000u	/* shorthand: all but self */

/*
 * lapic_init - on the boot CPU: take the APIC base from IA32_APIC_BASE
 * (P6 and later; the Pentium's is fixed at 0xfee00000), map it uncached,
 * software-enable it, calibrate its timer and the TSC against PIT channel
 * 2, and move the boot CPU's tick from the PIT to the APIC timer.
 * Context: boot, after vmalloc_init(), IRQs off.
 * Returns: 0, or -ENODEV (no local APIC, or no mapping): the PIT stays.
 */
int lapic_init(void);

/* lapic_present - did lapic_init() succeed?  Context: any. */
bool lapic_present(void);

/* lapic_phys - the registers' physical address.  Context: any. */
uint32_t lapic_phys(void);

/* lapic_id - this CPU's APIC id.  Context: any, lapic_present(). */
uint8_t lapic_id(void);

/* lapic_version - the version register (bits 0-7 version, 16-23 max
 * LVT).  Context: any, lapic_present(). */
uint32_t lapic_version(void);

/*
 * lapic_cpu_init - on an application processor: software-enable its
 * local APIC (LINT0/LINT1 masked: the PIC is the boot CPU's) and start
 * its timer at ARCH_HZ with the boot CPU's calibration.
 * Context: the AP, IRQs off.
 */
void lapic_cpu_init(void);

/* lapic_lint0_mask - mask this CPU's LINT0 (the 8259's ExtINT wire), once
 * the IO-APIC delivers the device IRQs.  Context: the boot CPU, IRQs off. */
void lapic_lint0_mask(void);

/* lapic_eoi - end of interrupt for the vector in service.  Context: a
 * local APIC vector's handler (not the spurious one). */
void lapic_eoi(void);

/*
 * lapic_send - write the ICR (@dest in the destination field, @low the
 * mode, vector and shorthand) and wait for the delivery status to clear,
 * at most a millisecond.
 * Context: any, IRQs on or off (the ICR pair is written with them off).
 * Returns: 0, or -ETIMEDOUT (reported by the caller).
 */
int lapic_send(uint8_t dest, uint32_t low);

/* udelay - spin for @us microseconds on the TSC calibrated by
 * lapic_init().  Context: any, lapic_present(). */
void udelay(uint32_t us);

/* What lapic_init() measured: APIC timer counts per tick (divide by 16)
 * and TSC kHz.  Context: any. */
uint32_t lapic_timer_count(void);
uint32_t lapic_tsc_khz(void);

#endif /* ARCH_I386_LAPIC_H */
