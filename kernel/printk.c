/*
 * printk: formatted kernel messages on the console.
 *
 * A message is formatted into a buffer on the stack with vsnprintf() and
 * handed to console_write() in one piece, which writes it with interrupts
 * off: so a message printed by an interrupt handler cannot cut another in
 * half, and printk needs no lock and no static buffer.  The buffer is
 * bounded (PRINTK_MAX bytes); a longer message is cut and ends with a
 * visible "...\n" rather than running into the next line.  There is no
 * log buffer and no log level: every message goes out at once, which is
 * what a panic needs.
 *
 * Locking: none of its own; callable from any context (IRQ handlers,
 * interrupts off, the panic path, early boot: before console_init() the
 * serial port ignores output).  It uses PRINTK_MAX bytes of stack.
 */
#include "mm/arch.h"
#include "console.h"

#define PRINTK_MAX	512
#define PRINTK_CUT	"...\n"

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = (size_t)n;

	if (n < 0)
		return n;
	if (len >= sizeof(buf)) {
		len = sizeof(buf) - 1;
		console_write(buf, len);
		console_write(PRINTK_CUT, sizeof(PRINTK_CUT) - 1);
		return (int)(len + sizeof(PRINTK_CUT) - 1);
	}
	console_write(buf, len);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
