/*
 * x86 port I/O and the few single-instruction CPU helpers the console
 * drivers need.
 *
 * Everything here is a static inline wrapping one instruction, so drivers
 * read like the data sheets they follow.  The "Nd" constraint lets the
 * compiler use the 8-bit immediate form for ports below 0x100 and %dx
 * otherwise.
 */
#ifndef ARCH_I386_IO_H
#define ARCH_I386_IO_H

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

#endif /* ARCH_I386_IO_H */
