/*
 * x86 port I/O, the few single-instruction CPU helpers the console drivers
 * need, and the byte ring their interrupt handlers fill.
 *
 * The port and CPU helpers are static inlines wrapping one instruction
 * each, so drivers read like the data sheets they follow.  The "Nd"
 * constraint lets the compiler use the 8-bit immediate form for ports
 * below 0x100 and %dx otherwise.
 */
#ifndef ARCH_I386_IO_H
#define ARCH_I386_IO_H

#include <stdbool.h>
#include <stdint.h>

/* Write a byte / word / long to an I/O port.  Context: any. */
static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t val)
{
	__asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t val)
{
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

/* Read a byte / word / long from an I/O port.  Context: any. */
static inline uint8_t inb(uint16_t port)
{
	uint8_t val;

	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t val;

	__asm__ volatile("inw %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t val;

	__asm__ volatile("inl %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/*
 * io_wait - a short delay for old devices (the 8259, the 8042) that need
 * time between accesses: port 0x80 is the POST code port, unused after
 * boot, and a write to it takes about a microsecond.
 */
static inline void io_wait(void)
{
	outb(0x80, 0);
}

/* Spin-loop hint: "rep; nop" is PAUSE on newer CPUs and NOP on the 386. */
static inline void cpu_relax(void)
{
	__asm__ volatile("rep; nop" : : : "memory");
}

/* Disable interrupts.  Context: any. */
static inline void cpu_cli(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/* Enable interrupts.  Context: any. */
static inline void cpu_sti(void)
{
	__asm__ volatile("sti" : : : "memory");
}

/*
 * cpu_sti_hlt - enable interrupts and halt until the next one.  STI takes
 * effect only after the following instruction, so no interrupt can slip in
 * between the two: called with interrupts off after finding nothing to do,
 * this cannot miss the wake-up.
 */
static inline void cpu_sti_hlt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

/*
 * struct input_ring - bytes received in an IRQ handler, waiting for a
 * reader.  One producer (the handler, interrupts off by the gate) and one
 * consumer (process context, which disables interrupts around the read),
 * on one CPU: so the two never run at once and no lock is needed.
 * The indices run freely and are masked on use: head - tail is the fill,
 * never more than INPUT_RING_SIZE, and wrap-around needs no special case.
 */
#define INPUT_RING_SIZE	256	/* a power of two */

struct input_ring {
	uint32_t head;		/* next slot to fill; moved by the producer */
	uint32_t tail;		/* next slot to read; moved by the consumer */
	uint32_t dropped;	/* bytes lost to a full ring (producer) */
	unsigned char buf[INPUT_RING_SIZE];
};

/* Queue @c; a full ring drops it (input that nobody reads is stale). */
static inline bool input_ring_put(struct input_ring *r, unsigned char c)
{
	if (r->head - r->tail >= INPUT_RING_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[r->head & (INPUT_RING_SIZE - 1)] = c;
	r->head++;
	return true;
}

/* The oldest byte, or -1 if the ring is empty.  Context: IRQs off. */
static inline int input_ring_get(struct input_ring *r)
{
	int c;

	if (r->head == r->tail)
		return -1;
	c = r->buf[r->tail & (INPUT_RING_SIZE - 1)];
	r->tail++;
	return c;
}

#endif /* ARCH_I386_IO_H */
