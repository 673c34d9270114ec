/*
 * The kernel console: output goes to the 16550 serial port (COM1) and the
 * VGA text screen; input comes from the serial port and the PS/2 keyboard,
 * whichever types first.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "mm/types.h"

/* Bring up serial (115200 8N1) and VGA.  Context: early boot, once. */
void console_init(void);

/* Write one character / a buffer to every console.  Context: any. */
void console_putc(char c);
void console_write(const char *s, size_t n);

/*
 * console_getc - next input character from serial or keyboard.
 * Blocks (halting the CPU between interrupts) until one arrives.
 * Returns: the character; '\n' for Enter, '\b' for Backspace.
 * Context: process context with interrupts enabled.
 */
int console_getc(void);

/*
 * console_set_idle - what console_getc() does while no input waits,
 * before it halts: @fn is called with interrupts off and returns true if
 * it used the time (the shell lets background processes run), false to
 * halt until the next interrupt.  NULL: always halt.
 * Context: process context.
 */
void console_set_idle(bool (*fn)(void));

/*
 * console_trygetc - the next input character without waiting.  A pending
 * Ctrl-C comes first, ahead of text typed before it (see
 * console_intr_raise()), and is consumed.
 * Returns: the character, or -1 if none is waiting.
 * Context: any; interrupts are disabled around each ring read.
 */
int console_trygetc(void);

/* The byte of Ctrl-C, the console's interrupt character. */
#define CONSOLE_INTR	0x03

/*
 * Most bytes a caller that must not hold interrupts off for long (a
 * system call writing user data) hands to console_write() at once: the
 * 16550's transmit FIFO, about 1.4 ms at 115200 baud, well within a tick.
 */
#define CONSOLE_BURST	16

/*
 * console_intr_raise - note a Ctrl-C typed at a console.  The drivers call
 * it instead of queueing the byte, so a Ctrl-C is seen at once by
 * whoever polls for it (the scheduler, a writing system call, a long
 * command), however much input waits before it.
 * Context: the serial and keyboard IRQ handlers, or interrupts off.
 */
void console_intr_raise(void);

/*
 * console_intr_pending - is a Ctrl-C waiting to be consumed?  Does not
 * consume it: for code that must stop on a Ctrl-C but leaves acting on
 * it to the shell (a console write from ring 3 returns early, the
 * scheduler hands the CPU to the shell).
 * Returns: true if one is pending.  Context: any.
 */
bool console_intr_pending(void);

/*
 * console_interrupted - poll the serial and keyboard consoles for a
 * Ctrl-C and consume it.  Long-running console commands call it between
 * steps and stop early when it says so.  Input that arrived before the
 * Ctrl-C stays queued for the shell.  Polls the hardware itself, so it
 * works with interrupts off too.
 * Returns: true if a Ctrl-C was typed since the last one was consumed.
 * Context: process context (the shell and its commands), interrupts on
 * or off.
 */
bool console_interrupted(void);

/* Hardware-specific parts (arch/i386/). */
void serial_init(void);
void serial_putc(char c);
int serial_trygetc(void);
/*
 * serial_enable_irq - take COM1 input by interrupt: registers the IRQ 4
 * handler and unmasks the line.  Until then serial_trygetc() polls.
 * Context: boot, once, after the IDT and the PIC are set up.
 */
void serial_enable_irq(void);
void serial_irq(void);		/* IRQ 4 handler body */
void serial_poll(void);		/* serial_irq() with interrupts off: any context */
void vga_init(void);
void vga_putc(char c);
void kbd_init(void);		/* unmasks IRQ 1 */
int kbd_trygetc(void);		/* decoded ASCII from the IRQ 1 buffer, or -1 */
void kbd_irq(void);		/* IRQ 1 handler body */
void kbd_poll(void);		/* kbd_irq() with interrupts off: any context */

#endif /* KERNEL_CONSOLE_H */
