/*
 * The IO-APIC driver: the ISA IRQs through the IO-APICs the firmware
 * lists, to the boot CPU's local APIC, instead of the 8259 PIC.
 *
 * Callers use the front end (arch/i386/irq.h) to mask, unmask and
 * acknowledge IRQs; it calls these once ioapic_init() switched over.
 */
#ifndef ARCH_I386_IOAPIC_H
#define ARCH_I386_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * ioapic_init - unless @why_not names a reason to keep the PIC: map and
 * check every IO-APIC in the firmware tables (smp_firmware), mask every
 * entry, and route each ISA IRQ but the cascade to the boot CPU (fixed,
 * physical, vector IRQ_BASE + IRQ, polarity and trigger as the overrides
 * say), unmasked if bit IRQ of @unmasked is set.  Prints one line per
 * IO-APIC, or why the PIC stays.  The caller then masks the 8259.
 * Context: boot, the boot CPU, IRQs off, after cpus_discover().
 * Returns: 0 (the IO-APIC delivers the ISA IRQs from now on), or
 * -ENODEV: nothing was changed and the PIC stays (the reason printed).
 */
int ioapic_init(uint16_t unmasked, const char *why_not);

/*
 * ioapic_isa_mask - mask (@masked) or unmask ISA IRQ @irq's entry.
 * Context: any, after ioapic_init() succeeded.  Returns: 0, or -ENOENT
 * if the IRQ has no entry (the cascade, or a line nothing routes).
 */
int ioapic_isa_mask(unsigned int irq, bool masked);

/*
 * ioapic_isa_entry - ISA IRQ @irq's redirection entry as the IO-APIC
 * holds it now.  Context: any.  Returns: 0 with *@rte filled, or -ENOENT
 * (no entry, or the IO-APIC not in use).
 */
int ioapic_isa_entry(unsigned int irq, uint64_t *rte);

/*
 * ioapic_check - read back every entry of every IO-APIC in use and count
 * (and print, one line each) the violations of:
 *   I1 an ISA IRQ's entry holds its route: vector IRQ_BASE + IRQ, fixed
 *      delivery, physical destination the boot CPU, trigger and polarity
 *      from its override (else edge, active high);
 *   I2 its mask bit is what the front end last asked for;
 *   I3 every entry no ISA IRQ uses is masked.
 * Context: any.  Returns: the number of violations (0 without IO-APIC).
 */
unsigned int ioapic_check(void);

/* ioapic_isa_level - whether ISA IRQ @irq's entry is level triggered.
 * Context: any. */
bool ioapic_isa_level(unsigned int irq);

/*
 * ioapic_dump - one line per IO-APIC (id, version, address, GSIs), then
 * the entry of each ISA IRQ in @irqs (a bit mask) as the IO-APIC holds
 * it now: GSI, pin, vector, destination, trigger, polarity, mask.
 * Context: any, IRQs on or off.
 */
void ioapic_dump(uint16_t irqs);

#endif /* ARCH_I386_IOAPIC_H */
