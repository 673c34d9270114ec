/*
 * The arithmetic of IO-APIC routing, apart from the hardware: which
 * global system interrupt (GSI) an ISA IRQ arrives on and with which
 * polarity and trigger, which IO-APIC pin serves a GSI, and the 64-bit
 * redirection-table entry that sends it to a CPU.
 *
 * Pure: no register access, no allocation, no output.  Built for the
 * kernel (arch/i386/ioapic.c uses it) and, for the tests, for the host.
 */
#ifndef ARCH_I386_IOAPIC_ROUTE_H
#define ARCH_I386_IOAPIC_ROUTE_H

#include "smp_tables.h"

#define ISA_IRQS	16u
#define ISA_IRQ_CASCADE	2u	/* the slave 8259's input: never a device */

/* MPS INTI flags (MADT overrides and MP interrupt entries alike). */
#define INTI_POLARITY_MASK	0x3u
#define INTI_POLARITY_BUS	0x0u	/* as the bus: ISA is active high */
#define INTI_POLARITY_HIGH	0x1u
#define INTI_POLARITY_LOW	0x3u
#define INTI_TRIGGER_SHIFT	2
#define INTI_TRIGGER_MASK	0xcu
#define INTI_TRIGGER_BUS	0x0u	/* as the bus: ISA is edge */
#define INTI_TRIGGER_EDGE	0x4u
#define INTI_TRIGGER_LEVEL	0xcu

/* Redirection-table entry bits (82093AA data sheet, 3.2.4). */
#define RTE_VECTOR_MASK		0xffull
#define RTE_DELMODE_MASK	0x700ull	/* 000: fixed */
#define RTE_DESTMODE_LOGICAL	0x800ull	/* clear: physical */
#define RTE_DELIVERY_PENDING	0x1000ull	/* read only */
#define RTE_ACTIVE_LOW		0x2000ull
#define RTE_REMOTE_IRR		0x4000ull	/* read only: level, taken */
#define RTE_LEVEL		0x8000ull
#define RTE_MASKED		0x10000ull
#define RTE_DEST_SHIFT		56

/* Where and how one ISA IRQ arrives. */
struct isa_route {
	uint32_t gsi;
	bool level;		/* level triggered (else edge) */
	bool active_low;	/* (else active high) */
	bool flags_reserved;	/* the override's polarity or trigger is the
				 * reserved value 2: the ISA default is used */
};

/* The GSIs one IO-APIC serves: [gsi_base, gsi_base + entries). */
struct ioapic_range {
	uint32_t gsi_base;	/* SMP_GSI_UNKNOWN until assigned */
	unsigned int entries;	/* redirection entries; 0: not usable */
};

/*
 * isa_irq_route - where ISA IRQ @irq arrives: the GSI and flags of its
 * source override in @cfg, else GSI @irq, edge, active high.
 * Returns: 0 with @r filled; -EINVAL for @irq >= ISA_IRQS; -ENOENT when
 * the IRQ has no line of its own: the cascade (IRQ 2), or an IRQ without
 * an override whose GSI another IRQ's override takes (QEMU sends IRQ 0
 * to GSI 2, so nothing else may arrive there).
 */
int isa_irq_route(const struct smp_config *cfg, unsigned int irq,
		  struct isa_route *r);

/*
 * ioapic_gsi_bases - give each usable IO-APIC of @r whose base the
 * firmware did not say (MP tables) the GSIs right after the highest one
 * an IO-APIC before it serves, in table order, as Linux does.
 */
void ioapic_gsi_bases(struct ioapic_range *r, unsigned int n);

/*
 * ioapic_range_overlap - the index of the first usable IO-APIC in @r
 * whose GSIs overlap those of a usable one before it, or -1.
 */
int ioapic_range_overlap(const struct ioapic_range *r, unsigned int n);

/*
 * ioapic_gsi_lookup - which IO-APIC of @r serves @gsi, and on which pin.
 * Returns: its index with *@pin set, or -ENOENT.
 */
int ioapic_gsi_lookup(const struct ioapic_range *r, unsigned int n,
		      uint32_t gsi, unsigned int *pin);

/*
 * ioapic_rte - the redirection entry that delivers @route to the CPU
 * with APIC id @dest on @vector: fixed delivery, physical destination.
 */
uint64_t ioapic_rte(const struct isa_route *route, uint8_t vector,
		    uint8_t dest, bool masked);

#endif /* ARCH_I386_IOAPIC_ROUTE_H */
