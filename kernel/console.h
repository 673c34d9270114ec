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

/* Non-blocking: a character, or -1 if none is waiting. */
int console_trygetc(void);

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
void vga_init(void);
void vga_putc(char c);
void kbd_init(void);		/* unmasks IRQ 1 */
int kbd_trygetc(void);		/* decoded ASCII from the IRQ 1 buffer, or -1 */
void kbd_irq(void);		/* IRQ 1 handler body */

#endif /* KERNEL_CONSOLE_H */
