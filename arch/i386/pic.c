/*
 * The legacy 8259A PIC pair, remapped so IRQ 0-15 arrive as vectors 32-47
 * (the CPU's exceptions own 0-31), and the 8253/8254 PIT as the tick of
 * a CPU without a local APIC (with one, arch/i386/lapic.c takes the tick
 * over and masks IRQ 0).
 *
 * Drivers reach the mask and the end of interrupt through the front end
 * (arch/i386/irq.c), which calls these while the PIC is in charge; once
 * the IO-APIC takes the ISA IRQs over, pic_disable() masks both chips
 * for good, still remapped, so that nothing they could raise would
 * arrive on an exception's vector.
 *
 * Context: pic_init()/pit_init() at boot; mask/unmask with IRQs off or on
 * (one port write each); pic_ack() from trap_dispatch(), IRQs off.
 */
#include "cpu.h"
#include "irq.h"
#include "percpu.h"
#include "trap.h"
#include "mm/arch.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_BASE_HZ	1193182u

volatile uint64_t jiffies;

_Static_assert(PIT_HZ == ARCH_HZ, "arch_ticks() counts PIT ticks");

/* The low word of jiffies, which a torn 64-bit read cannot change. */
unsigned long arch_ticks(void)
{
	return (unsigned long)jiffies;
}
void (*tick_hook)(struct trap_frame *tf);

void pic_init(void)
{
	outb(PIC1_CMD, 0x11);	/* ICW1: init, expect ICW4 */
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, IRQ_BASE);	/* ICW2: vector offsets */
	io_wait();
	outb(PIC2_DATA, IRQ_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 4);		/* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 2);
	io_wait();
	outb(PIC1_DATA, 0x01);	/* ICW4: 8086 mode */
	io_wait();
	outb(PIC2_DATA, 0x01);
	io_wait();
	outb(PIC1_DATA, 0xfb);	/* all masked but the cascade */
	outb(PIC2_DATA, 0xff);
}

void pic_unmask(unsigned int irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;

	outb(port, inb(port) & ~(1u << (irq & 7)));
}

void pic_mask(unsigned int irq)
{
	uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;

	outb(port, inb(port) | (1u << (irq & 7)));
}

uint16_t pic_unmasked(void)
{
	uint16_t imr = (uint16_t)(inb(PIC1_DATA) | inb(PIC2_DATA) << 8);

	return (uint16_t)~imr & ~(1u << 2);	/* not the cascade */
}

void pic_disable(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

static void pic_eoi(unsigned int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, 0x20);
	outb(PIC1_CMD, 0x20);
}

/* PIC IRQ 7 and 15 fire spuriously; the in-service register tells. */
static bool pic_spurious(unsigned int irq)
{
	uint16_t port = irq == 7 ? PIC1_CMD : PIC2_CMD;

	if (irq != 7 && irq != 15)
		return false;
	outb(port, 0x0b);			/* read ISR */
	if (inb(port) & 0x80)
		return false;
	if (irq == 15)
		outb(PIC1_CMD, 0x20);		/* master saw a real IRQ 2 */
	return true;
}

bool pic_ack(unsigned int irq)
{
	if (pic_spurious(irq))
		return false;
	pic_eoi(irq);
	return true;
}

void timer_tick(struct trap_frame *tf)
{
	jiffies++;
	if (tick_hook)
		tick_hook(tf);
}

static void pit_tick(struct trap_frame *tf)
{
	this_cpu_inc(ticks);
	timer_tick(tf);
}

void pit_init(void)
{
	uint32_t divisor = PIT_BASE_HZ / PIT_HZ;

	outb(PIT_CMD, 0x36);	/* channel 0, lo/hi, mode 3 */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	trap_register(IRQ_BASE + IRQ_TIMER, pit_tick);
	irq_unmask(IRQ_TIMER);
}
