/*
 * IO-APIC driver: map, check and program the IO-APICs the firmware lists
 * so that the ISA IRQs reach the boot CPU through its local APIC.
 *
 * Design.  Each IO-APIC's two registers (IOREGSEL at +0x00 selects one
 * of its internal registers, IOWIN at +0x10 reads or writes it) are
 * mapped once with ioremap() (PCD|PWT: device registers must not be
 * cached).  The version register gives the number of redirection
 * entries; an IO-APIC that reads all ones is not there (or not decoded).
 * Every entry is masked first, whatever the firmware left, then each ISA
 * IRQ but the cascade gets an entry on the pin of the GSI it arrives on
 * (arch/i386/ioapic_route.c: overrides applied, GSI -> IO-APIC by
 * gsi_base and entries): fixed delivery, physical destination the boot
 * CPU's APIC id, vector IRQ_BASE + IRQ (the vectors the PIC used, so
 * handlers stay where they are), trigger and polarity as the override
 * says, else ISA's edge and active high.  A line a driver had unmasked
 * at the PIC is unmasked here; the others stay masked until the front
 * end (arch/i386/irq.c) unmasks them.
 *
 * Only if every IO-APIC answers and every ISA IRQ finds a pin of its own
 * does the switch happen; otherwise nothing is programmed, the mappings
 * are dropped and the PIC keeps the IRQs, so the console never loses its
 * interrupts to a half-done routing.  Each reason is one line naming the
 * IO-APIC or the IRQ and ending "device interrupts stay on the 8259 PIC".
 *
 * A redirection entry is written low word masked first, then the high
 * word, then the low word: the entry is never live with half its
 * fields.  Level-triggered entries (an override may say so) are ended
 * by the local APIC's EOI, which the local APIC broadcasts to the
 * IO-APICs for a vector its trigger-mode register marks level; the
 * IO-APIC then clears the entry's remote IRR and may deliver again.
 * Edge entries need nothing at the IO-APIC.
 *
 * Locking: ioapic_lock (a test-and-set spin lock, IRQs off) guards every
 * IOREGSEL/IOWIN pair, which another CPU or an interrupt handler
 * between the two accesses would otherwise split.  The tables below are
 * written by ioapic_init() at boot, before any other CPU starts, and
 * read-only after.
 */
#include "cpu.h"
#include "cpus.h"
#include "ioapic.h"
#include "ioapic_route.h"
#include "lapic.h"
#include "trap.h"
#include "mm/arch.h"
#include "mm/vmalloc.h"

#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOAPIC_WINDOW	0x20u	/* bytes of registers mapped */

#define REG_ID		0x00
#define REG_VERSION	0x01
#define REG_RTE(pin)	(0x10 + 2 * (pin))

#define PIC_STAYS	": device interrupts stay on the 8259 PIC\n"

struct ioapic {
	volatile uint32_t *regs;
	uint32_t phys;
	uint8_t id;		/* the firmware's */
	uint8_t version;	/* version register bits 0-7 */
};

/* Where an ISA IRQ's entry is; ioapic < 0: none. */
struct isa_line {
	int ioapic;
	unsigned int pin;
	struct isa_route route;
};

static struct ioapic ioapics[SMP_MAX_IOAPICS];
static struct ioapic_range ranges[SMP_MAX_IOAPICS];
static unsigned int nr_ioapics;
static struct isa_line isa_lines[ISA_IRQS];
static uint8_t dest_apic;
static uint16_t isa_unmasked;	/* what the entries' mask bits should
				 * say; written under ioapic_lock */
static uint32_t ioapic_lock;

static unsigned long ioapic_lock_irqsave(void)
{
	unsigned long flags = arch_irq_save();

	while (__atomic_exchange_n(&ioapic_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	return flags;
}

static void ioapic_unlock_irqrestore(unsigned long flags)
{
	__atomic_store_n(&ioapic_lock, 0, __ATOMIC_RELEASE);
	arch_irq_restore(flags);
}

/* Context: ioapic_lock held, or boot before any other CPU starts. */
static uint32_t reg_read(const struct ioapic *io, unsigned int reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void reg_write(const struct ioapic *io, unsigned int reg,
		      uint32_t val)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = val;
}

static uint64_t rte_read(const struct ioapic *io, unsigned int pin)
{
	uint32_t lo = reg_read(io, REG_RTE(pin));

	return (uint64_t)reg_read(io, REG_RTE(pin) + 1) << 32 | lo;
}

static void rte_write(const struct ioapic *io, unsigned int pin,
		      uint64_t rte)
{
	reg_write(io, REG_RTE(pin), (uint32_t)rte | (uint32_t)RTE_MASKED);
	reg_write(io, REG_RTE(pin) + 1, (uint32_t)(rte >> 32));
	reg_write(io, REG_RTE(pin), (uint32_t)rte);
}

static void unmap_all(void)
{
	unsigned int i;

	for (i = 0; i < nr_ioapics; i++)
		if (ioapics[i].regs)
			iounmap((const void *)ioapics[i].regs);
	memset(ioapics, 0, sizeof(ioapics));
	memset(ranges, 0, sizeof(ranges));
	nr_ioapics = 0;
}

/*
 * Map IO-APIC @i of the firmware's list and read its version register.
 * Returns: 0, or -ENODEV (reported: no mapping, or all ones).
 */
static int ioapic_probe(unsigned int i, const struct smp_ioapic *fw)
{
	struct ioapic *io = &ioapics[i];
	uint32_t ver;

	io->phys = fw->phys;
	io->id = fw->id;
	io->regs = ioremap(fw->phys, IOAPIC_WINDOW);
	if (!io->regs) {
		printk("ioapic: IOAPIC[%u] (apic_id %u) at %#x cannot be "
		       "mapped" PIC_STAYS, i, fw->id, fw->phys);
		return -ENODEV;
	}
	ver = reg_read(io, REG_VERSION);
	if (ver == 0xffffffffu) {
		printk("ioapic: IOAPIC[%u] (apic_id %u) at %#x reads all ones"
		       PIC_STAYS, i, fw->id, fw->phys);
		return -ENODEV;
	}
	io->version = (uint8_t)ver;
	ranges[i].entries = ((ver >> 16) & 0xff) + 1;
	ranges[i].gsi_base = fw->gsi_base;
	return 0;
}

/* Map and check every listed IO-APIC.  Returns: 0, or -ENODEV. */
static int ioapics_probe(const struct smp_config *c)
{
	unsigned int i;
	int bad;

	for (i = 0; i < c->nr_ioapics; i++) {
		nr_ioapics = i + 1;
		if (ioapic_probe(i, &c->ioapics[i]) < 0)
			return -ENODEV;
	}
	ioapic_gsi_bases(ranges, nr_ioapics);
	bad = ioapic_range_overlap(ranges, nr_ioapics);
	if (bad >= 0) {
		printk("ioapic: IOAPIC[%d] (apic_id %u) GSI %u-%u overlaps "
		       "another IO-APIC's" PIC_STAYS, bad, ioapics[bad].id,
		       ranges[bad].gsi_base,
		       ranges[bad].gsi_base + ranges[bad].entries - 1);
		return -ENODEV;
	}
	return 0;
}

/*
 * Find each ISA IRQ's pin.  Returns: 0, or -ENODEV (reported) when a line
 * has no pin or shares one with another.
 */
static int isa_lines_find(const struct smp_config *c)
{
	unsigned int irq, j;

	for (irq = 0; irq < ISA_IRQS; irq++) {
		struct isa_line *l = &isa_lines[irq];

		l->ioapic = -1;
		if (isa_irq_route(c, irq, &l->route) < 0)
			continue;
		l->ioapic = ioapic_gsi_lookup(ranges, nr_ioapics, l->route.gsi,
					      &l->pin);
		if (l->ioapic < 0) {
			printk("ioapic: ISA IRQ %u arrives on GSI %u, which no "
			       "IO-APIC serves" PIC_STAYS, irq, l->route.gsi);
			return -ENODEV;
		}
		for (j = 0; j < irq; j++) {
			if (isa_lines[j].ioapic == l->ioapic &&
			    isa_lines[j].pin == l->pin) {
				printk("ioapic: ISA IRQs %u and %u both arrive "
				       "on GSI %u" PIC_STAYS, j, irq,
				       l->route.gsi);
				return -ENODEV;
			}
		}
	}
	return 0;
}

static void print_ioapic(unsigned int i)
{
	printk("IOAPIC[%u]: apic_id %u, version %#x, address %#x, GSI %u-%u\n",
	       i, ioapics[i].id, ioapics[i].version, ioapics[i].phys,
	       ranges[i].gsi_base, ranges[i].gsi_base + ranges[i].entries - 1);
}

static void print_overrides(void)
{
	unsigned int irq;

	for (irq = 0; irq < ISA_IRQS; irq++) {
		const struct isa_line *l = &isa_lines[irq];

		if (l->ioapic < 0 ||
		    (l->route.gsi == irq && !l->route.level &&
		     !l->route.active_low && !l->route.flags_reserved))
			continue;
		printk("ioapic: ISA IRQ %u -> GSI %u, %s, active %s%s\n", irq,
		       l->route.gsi, l->route.level ? "level" : "edge",
		       l->route.active_low ? "low" : "high",
		       l->route.flags_reserved ?
		       " (the override's reserved flags read as ISA's)" : "");
	}
}

/* Mask every entry, then program the ISA lines. */
static void ioapics_program(uint16_t unmasked)
{
	unsigned int i, pin, irq;

	for (i = 0; i < nr_ioapics; i++)
		for (pin = 0; pin < ranges[i].entries; pin++)
			rte_write(&ioapics[i], pin, RTE_MASKED);
	for (irq = 0; irq < ISA_IRQS; irq++) {
		const struct isa_line *l = &isa_lines[irq];
		bool masked = !(unmasked & (1u << irq));

		if (l->ioapic < 0)
			continue;
		rte_write(&ioapics[l->ioapic], l->pin,
			  ioapic_rte(&l->route, (uint8_t)(IRQ_BASE + irq),
				     dest_apic, masked));
		if (!masked)
			isa_unmasked |= 1u << irq;
	}
}

int ioapic_init(uint16_t unmasked, const char *why_not)
{
	const struct smp_config *c = &smp_firmware;
	unsigned int i;

	if (!why_not && !lapic_present())
		why_not = "no local APIC";
	if (!why_not && !c->nr_ioapics)
		why_not = "no IO-APIC listed";
	if (why_not) {
		printk("ioapic: %s" PIC_STAYS, why_not);
		return -ENODEV;
	}
	if (ioapics_probe(c) < 0 || isa_lines_find(c) < 0) {
		unmap_all();
		return -ENODEV;
	}
	for (i = 0; i < nr_ioapics; i++)
		print_ioapic(i);
	print_overrides();
	dest_apic = lapic_id();
	ioapics_program(unmasked);
	return 0;
}

int ioapic_isa_mask(unsigned int irq, bool masked)
{
	const struct isa_line *l;
	unsigned long flags;
	uint64_t rte;

	if (irq >= ISA_IRQS || isa_lines[irq].ioapic < 0 || !nr_ioapics)
		return -ENOENT;
	l = &isa_lines[irq];
	flags = ioapic_lock_irqsave();
	rte = rte_read(&ioapics[l->ioapic], l->pin);
	rte = masked ? rte | RTE_MASKED : rte & ~RTE_MASKED;
	reg_write(&ioapics[l->ioapic], REG_RTE(l->pin), (uint32_t)rte);
	if (masked)
		isa_unmasked &= (uint16_t)~(1u << irq);
	else
		isa_unmasked |= (uint16_t)(1u << irq);
	ioapic_unlock_irqrestore(flags);
	return 0;
}

int ioapic_isa_entry(unsigned int irq, uint64_t *rte)
{
	const struct isa_line *l;
	unsigned long flags;

	if (irq >= ISA_IRQS || isa_lines[irq].ioapic < 0 || !nr_ioapics)
		return -ENOENT;
	l = &isa_lines[irq];
	flags = ioapic_lock_irqsave();
	*rte = rte_read(&ioapics[l->ioapic], l->pin);
	ioapic_unlock_irqrestore(flags);
	return 0;
}

bool ioapic_isa_level(unsigned int irq)
{
	return irq < ISA_IRQS && nr_ioapics && isa_lines[irq].ioapic >= 0 &&
	       isa_lines[irq].route.level;
}

static void dump_line(unsigned int irq)
{
	const struct isa_line *l = &isa_lines[irq];
	uint64_t rte;

	if (ioapic_isa_entry(irq, &rte) < 0) {
		printk("irq %u: no IO-APIC entry\n", irq);
		return;
	}
	printk("irq %u: GSI %u (IOAPIC[%d] pin %u), vector %#x, dest apic %u "
	       "%s, %s, active %s, %s\n", irq, l->route.gsi, l->ioapic, l->pin,
	       (unsigned int)(rte & RTE_VECTOR_MASK),
	       (unsigned int)(rte >> RTE_DEST_SHIFT),
	       rte & RTE_DESTMODE_LOGICAL ? "logical" : "physical",
	       rte & RTE_LEVEL ? "level" : "edge",
	       rte & RTE_ACTIVE_LOW ? "low" : "high",
	       rte & RTE_MASKED ? "masked" : "unmasked");
}

void ioapic_dump(uint16_t irqs)
{
	unsigned int i, irq;

	for (i = 0; i < nr_ioapics; i++)
		print_ioapic(i);
	for (irq = 0; irq < ISA_IRQS; irq++)
		if (irqs & (1u << irq))
			dump_line(irq);
}

/* The pin's entry, or -1 if no ISA IRQ routes to it. */
static int isa_irq_at(unsigned int io, unsigned int pin)
{
	unsigned int irq;

	for (irq = 0; irq < ISA_IRQS; irq++)
		if (isa_lines[irq].ioapic == (int)io && isa_lines[irq].pin == pin)
			return (int)irq;
	return -1;
}

/*
 * I1 and I2 for one ISA IRQ's entry @rte, read with the front end's
 * @unmasked lines; returns the violations found.
 */
static unsigned int check_isa_entry(unsigned int irq, uint64_t rte,
				    uint16_t unmasked)
{
	const struct isa_line *l = &isa_lines[irq];
	uint64_t want = ioapic_rte(&l->route, (uint8_t)(IRQ_BASE + irq),
				   dest_apic, !(unmasked & (1u << irq)));
	uint64_t fields = RTE_VECTOR_MASK | RTE_DELMODE_MASK |
			  RTE_DESTMODE_LOGICAL | RTE_ACTIVE_LOW | RTE_LEVEL |
			  0xffull << RTE_DEST_SHIFT;

	if ((rte & fields) != (want & fields)) {
		printk("ioapic_check: I1 IRQ %u (IOAPIC[%d] pin %u) entry "
		       "%#llx, routed as %#llx\n", irq, l->ioapic, l->pin,
		       (unsigned long long)rte, (unsigned long long)want);
		return 1;
	}
	if ((rte & RTE_MASKED) != (want & RTE_MASKED)) {
		printk("ioapic_check: I2 IRQ %u entry is %s, the front end "
		       "%s it\n", irq, rte & RTE_MASKED ? "masked" : "unmasked",
		       rte & RTE_MASKED ? "unmasked" : "masked");
		return 1;
	}
	return 0;
}

/* I1-I3 for one pin; returns the violations found. */
static unsigned int check_pin(unsigned int io, unsigned int pin)
{
	int irq = isa_irq_at(io, pin);
	unsigned long flags;
	uint16_t unmasked;
	uint64_t rte;

	flags = ioapic_lock_irqsave();
	rte = rte_read(&ioapics[io], pin);
	unmasked = isa_unmasked;
	ioapic_unlock_irqrestore(flags);
	if (irq >= 0)
		return check_isa_entry((unsigned int)irq, rte, unmasked);
	if (rte & RTE_MASKED)
		return 0;
	printk("ioapic_check: I3 IOAPIC[%u] pin %u (GSI %u) is unmasked, but "
	       "no ISA IRQ uses it\n", io, pin, ranges[io].gsi_base + pin);
	return 1;
}

unsigned int ioapic_check(void)
{
	unsigned int io, pin, bad = 0;

	for (io = 0; io < nr_ioapics; io++)
		for (pin = 0; pin < ranges[io].entries; pin++)
			bad += check_pin(io, pin);
	return bad;
}
