/*
 * The device-interrupt front end: one mask/unmask/acknowledge interface
 * over the 8259 PIC and the IO-APIC, and the per-CPU count of each ISA
 * IRQ.
 *
 * Design.  The kernel boots on the PIC (remapped to IRQ_BASE); drivers
 * call irq_unmask() as they come up, and the front end passes each call
 * to the controller in charge.  irq_route_init() makes the one switch,
 * at boot with interrupts off: the IO-APIC gets every ISA line, unmasked
 * where the PIC had it unmasked; then the PIC is masked whole, the IMCR
 * (a Pentium-era chipset register, on machines whose MP table says they
 * have one) is told to route the PIC's INTR through the APICs instead
 * of straight to the CPU's pin, and the boot CPU's LINT0, the PIC's way
 * in, is masked, so that nothing the 8259 might still raise arrives on a
 * vector the IO-APIC uses.  After the switch every IRQ vector comes from
 * the IO-APIC through the local APIC and takes the local APIC's EOI;
 * before it, or where the PIC stays, the 8259's (and its spurious IRQ
 * 7/15 check).
 *
 * Counting is one increment of this CPU's row in counts[]: a CPU writes
 * only its own row, with IRQs off (in trap_dispatch()); readers load each
 * 32-bit counter atomically.
 *
 * Locking: ctrl is written once, by irq_route_init() before any other
 * CPU starts; used is written by irq_unmask() with IRQs off on the boot
 * CPU (drivers start there) and read atomically.
 */
#include "cpu.h"
#include "cpus.h"
#include "ioapic.h"
#include "ioapic_route.h"
#include "irq.h"
#include "lapic.h"
#include "percpu.h"
#include "smp_tables.h"
#include "trap.h"
#include "mm/arch.h"

#define IMCR_SELECT	0x22
#define IMCR_DATA	0x23
#define IMCR_REG	0x70
#define IMCR_APIC	0x01	/* the PIC's INTR to the local APIC */

enum irq_controller {
	IRQ_CTRL_PIC,		/* the 8259 pair, on the boot CPU's INTR */
	IRQ_CTRL_IOAPIC,	/* the IO-APIC(s), to the boot CPU's APIC */
};

static enum irq_controller ctrl = IRQ_CTRL_PIC;
static uint16_t used;
static uint32_t counts[SMP_MAX_CPUS][NR_ISA_IRQS];
static uint32_t spurious;

void irq_unmask(unsigned int irq)
{
	unsigned long flags;

	if (irq >= NR_ISA_IRQS)
		return;
	flags = arch_irq_save();
	__atomic_store_n(&used, (uint16_t)(used | 1u << irq),
			 __ATOMIC_RELAXED);
	if (ctrl == IRQ_CTRL_IOAPIC)
		ioapic_isa_mask(irq, false);
	else
		pic_unmask(irq);
	arch_irq_restore(flags);
}

void irq_mask(unsigned int irq)
{
	if (irq >= NR_ISA_IRQS)
		return;
	if (ctrl == IRQ_CTRL_IOAPIC)
		ioapic_isa_mask(irq, true);
	else
		pic_mask(irq);
}

bool irq_ack(unsigned int irq)
{
	uint32_t *c;

	if (ctrl == IRQ_CTRL_IOAPIC) {
		lapic_eoi();
	} else if (!pic_ack(irq)) {
		__atomic_store_n(&spurious, spurious + 1, __ATOMIC_RELAXED);
		return false;
	}
	c = &counts[smp_processor_id()][irq];
	__atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
	return true;
}

void irq_route_init(const char *why_not)
{
	uint16_t unmasked = pic_unmasked();

	if (ioapic_init(unmasked, why_not) < 0)
		return;
	pic_disable();
	if (smp_firmware.imcr) {
		outb(IMCR_SELECT, IMCR_REG);
		outb(IMCR_DATA, IMCR_APIC);
	}
	lapic_lint0_mask();
	ctrl = IRQ_CTRL_IOAPIC;
	printk("ioapic: device interrupts go through the IO-APIC to APIC id "
	       "%u, vectors %#x-%#x; the 8259 is masked%s\n", lapic_id(),
	       IRQ_BASE, IRQ_BASE + NR_ISA_IRQS - 1,
	       smp_firmware.imcr ? ", the IMCR set to APIC mode" : "");
}

uint16_t irq_used(void)
{
	return __atomic_load_n(&used, __ATOMIC_RELAXED);
}

const char *irq_type_name(unsigned int irq)
{
	if (ctrl == IRQ_CTRL_PIC)
		return "XT-PIC";
	return ioapic_isa_level(irq) ? "IO-APIC-level" : "IO-APIC-edge";
}

uint32_t irq_count(unsigned int cpu, unsigned int irq)
{
	if (cpu >= SMP_MAX_CPUS || irq >= NR_ISA_IRQS)
		return 0;
	return __atomic_load_n(&counts[cpu][irq], __ATOMIC_RELAXED);
}

uint32_t irq_spurious_count(void)
{
	return __atomic_load_n(&spurious, __ATOMIC_RELAXED);
}

void irq_dump(void)
{
	uint16_t unmasked, use = irq_used();
	unsigned int irq;

	if (ctrl == IRQ_CTRL_IOAPIC) {
		printk("device interrupts: IO-APIC\n");
		ioapic_dump(use);
		return;
	}
	printk("device interrupts: 8259 PIC\n");
	unmasked = pic_unmasked();
	for (irq = 0; irq < NR_ISA_IRQS; irq++)
		if (use & (1u << irq))
			printk("irq %u: 8259 %s IR%u, vector %#x, %s\n", irq,
			       irq < 8 ? "master" : "slave", irq & 7,
			       IRQ_BASE + irq,
			       unmasked & (1u << irq) ? "unmasked" : "masked");
}

bool irq_masked(unsigned int irq)
{
	uint64_t rte;

	if (irq >= NR_ISA_IRQS)
		return true;
	if (ctrl == IRQ_CTRL_PIC)
		return !(pic_unmasked() & (1u << irq));
	return ioapic_isa_entry(irq, &rte) < 0 || (rte & RTE_MASKED);
}

unsigned int irq_check(void)
{
	uint16_t pic = pic_unmasked();
	unsigned int bad = 0;

	if (ctrl == IRQ_CTRL_PIC)
		return 0;
	if (pic) {
		printk("irq_check: I4 the 8259 has lines %#x unmasked while the "
		       "IO-APIC delivers\n", pic);
		bad++;
	}
	return bad + ioapic_check();
}
