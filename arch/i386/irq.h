/*
 * Device interrupts, whichever controller delivers them: the 8259 PIC
 * pair (arch/i386/pic.c) until irq_route_init() moves the ISA IRQs to the
 * IO-APIC (arch/i386/ioapic.c), and for good where it cannot.  Drivers
 * mask and unmask their ISA IRQ here; trap_dispatch() acknowledges each
 * one here.  The vectors stay IRQ_BASE + IRQ either way.
 */
#ifndef ARCH_I386_IRQ_H
#define ARCH_I386_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define NR_ISA_IRQS	16u

/*
 * irq_unmask, irq_mask - let ISA IRQ @irq through, or hold it, at the
 * controller in charge.  irq_unmask() also marks the IRQ used (for
 * `cpus` and `interrupts`).
 * Context: any; IRQs on or off.
 */
void irq_unmask(unsigned int irq);
void irq_mask(unsigned int irq);

/*
 * irq_ack - end of interrupt for ISA IRQ @irq, at its controller, and
 * count it on this CPU.  The caller runs the handler afterwards.
 * Context: trap_dispatch(), IRQs off, for vectors IRQ_BASE..IRQ_BASE+15.
 * Returns: false for a spurious 8259 interrupt (IRQ 7 or 15 with nothing
 * in service), which gets no handler; true otherwise.
 */
bool irq_ack(unsigned int irq);

/*
 * irq_route_init - move the ISA IRQs to the IO-APIC where the machine
 * has one and the boot CPU a local APIC: ioapic_init() with the lines
 * unmasked so far, then the 8259 masked whole, the IMCR (if the MP table
 * says there is one) set to APIC mode and the boot CPU's LINT0 masked.
 * @why_not, if not NULL, is the reason to keep the PIC ("noapic").
 * Prints one line saying which controller delivers device interrupts.
 * Context: boot, the boot CPU, IRQs off, after cpus_discover() and
 * before the other CPUs start.
 */
void irq_route_init(const char *why_not);

/* irq_used - the ISA IRQs irq_unmask() was called for, as a bit mask. */
uint16_t irq_used(void);

/* irq_type_name - /proc/interrupts' type column for ISA IRQ @irq:
 * "IO-APIC-edge", "IO-APIC-level" or "XT-PIC". */
const char *irq_type_name(unsigned int irq);

/* irq_count - ISA IRQ @irq's interrupts on CPU @cpu (a relaxed atomic
 * read of a counter only that CPU writes).  Context: any. */
uint32_t irq_count(unsigned int cpu, unsigned int irq);

/* irq_spurious_count - spurious 8259 interrupts seen (Linux's ERR). */
uint32_t irq_spurious_count(void);

/*
 * irq_masked - whether ISA IRQ @irq is masked, as its controller's
 * register says now.  Context: any.
 */
bool irq_masked(unsigned int irq);

/*
 * irq_check - the routing invariants: through the IO-APIC, I4 the 8259
 * is masked whole, and ioapic_check()'s I1-I3.  Prints each violation.
 * Context: any.  Returns: the number found (0 on the PIC).
 */
unsigned int irq_check(void);

/*
 * irq_dump - which controller delivers device interrupts, then each used
 * ISA IRQ's routing as the controller holds it now (for `cpus`).
 * Context: any.
 */
void irq_dump(void);

/*
 * The 8259 behind the front end (arch/i386/pic.c).
 * pic_ack - its EOI for @irq, or false (and no EOI to the slave) for a
 * spurious IRQ 7 or 15.  pic_disable - mask all 16 lines, both chips.
 * pic_unmasked - the lines unmasked now, as a bit mask.
 */
bool pic_ack(unsigned int irq);
void pic_disable(void);
uint16_t pic_unmasked(void);

#endif /* ARCH_I386_IRQ_H */
