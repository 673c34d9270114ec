/*
 * The console: one output stream to every screen, one input stream from
 * every keyboard.
 *
 * Output goes to the serial port and the VGA screen alike.  The only
 * translation is at the line end: a serial terminal needs "\r\n", the
 * screen driver treats '\n' as a full new line.  Input is taken from the
 * serial line first, then the PS/2 keyboard, and normalised so the shell
 * sees one dialect: a terminal's Enter (CR, or CR LF) becomes a single
 * '\n' and its DEL becomes '\b', as the keyboard driver already reports
 * Enter and Backspace.
 *
 * console_getc() sleeps between polls with "sti; hlt", checking for input
 * with interrupts off first so a byte arriving between the check and the
 * halt still wakes it.  The serial and keyboard interrupts wake it at
 * once; before they are enabled, the timer tick bounds the wait.
 *
 * Ctrl-C is not queued with the other input: the drivers raise a flag
 * from their interrupt handlers (console_intr_raise()), as a terminal
 * turns its interrupt character into a signal at once.  So a Ctrl-C is
 * seen within a tick however busy the machine is: the scheduler gives
 * the shell the CPU while one is pending, a console write from ring 3
 * stops at it, and long commands poll it with console_interrupted().
 * A reader of characters gets it first, as CONSOLE_INTR.
 *
 * Locking: writers disable interrupts and take the console lock for a
 * whole console_write(), so a line printed from an IRQ handler or another
 * CPU never lands inside another one, and the drivers' cursor state needs
 * no lock of its own.  The cost is
 * interrupt latency on a slow real UART (about 87 us a byte at 115200).
 * A system call writing user data hands over CONSOLE_BURST bytes at a
 * time instead, so interrupts are never off for long.  The CR LF state is
 * used only by readers, which run in process context.  The Ctrl-C flag
 * is set by the handlers (or a poll with interrupts off) and consumed
 * with interrupts off, its test and its clear in one step, so no Ctrl-C
 * typed in between is lost.
 */
#include "mm/arch.h"
#include "console.h"
#include "percpu.h"
#include "mm/lock.h"
#include "io.h"

#define ASCII_DEL	0x7f

/* The last serial byte was CR: an LF right after it is the same Enter. */
static bool serial_after_cr;

/* A Ctrl-C was typed and nobody has consumed it yet. */
static volatile bool console_intr;

void console_init(void)
{
	serial_init();
	vga_init();
}

/* One character to every console.  Context: interrupts off. */
static void console_emit(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
	vga_putc(c);
}

void console_putc(char c)
{
	unsigned long flags = arch_irq_save();

	console_emit(c);
	arch_irq_restore(flags);
}

/*
 * One writer at a time across CPUs, so that lines never interleave: a
 * test-and-set lock taken with interrupts off.  A CPU that already holds
 * it (a panic inside a write) writes through, and so does the only CPU
 * before a second one can run.
 */
static uint32_t console_lock_word;
static uint32_t console_holder = 0xffffffffu;

static bool console_lock(void)
{
	unsigned int cpu;

	if (!(mm_lock_mode & MM_LOCK_SMP))
		return false;	/* one CPU (and maybe no per-CPU area yet) */
	cpu = smp_processor_id();
	if (__atomic_load_n(&console_holder, __ATOMIC_RELAXED) == cpu)
		return false;
	while (__atomic_exchange_n(&console_lock_word, 1, __ATOMIC_ACQUIRE))
		arch_cpu_relax();
	console_holder = cpu;
	return true;
}

static void console_unlock(void)
{
	console_holder = 0xffffffffu;
	__atomic_store_n(&console_lock_word, 0, __ATOMIC_RELEASE);
}

void console_write(const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();
	bool locked = console_lock();

	while (n--)
		console_emit(*s++);
	if (locked)
		console_unlock();
	arch_irq_restore(flags);
}

/* Map a byte from the serial terminal; -1 means "swallowed". */
static int console_serial_char(int c)
{
	bool after_cr = serial_after_cr;

	serial_after_cr = c == '\r';
	switch (c) {
	case '\r':
		return '\n';
	case '\n':
		return after_cr ? -1 : '\n';
	case ASCII_DEL:
		return '\b';
	default:
		return c;
	}
}

void console_intr_raise(void)
{
	console_intr = true;
}

bool console_intr_pending(void)
{
	return console_intr;
}

/* Consume a pending Ctrl-C.  Context: any. */
static bool console_intr_take(void)
{
	unsigned long flags = arch_irq_save();
	bool was = console_intr;

	console_intr = false;
	arch_irq_restore(flags);
	return was;
}

bool console_interrupted(void)
{
	serial_poll();
	kbd_poll();
	return console_intr_take();
}

int console_trygetc(void)
{
	int c;

	if (console_intr_take())
		return CONSOLE_INTR;
	while ((c = serial_trygetc()) >= 0) {
		c = console_serial_char(c);
		if (c >= 0)
			return c;
	}
	return kbd_trygetc();
}

static bool (*console_idle)(void);

void console_set_idle(bool (*fn)(void))
{
	console_idle = fn;
}

int console_getc(void)
{
	int c;

	for (;;) {
		cpu_cli();
		c = console_trygetc();
		if (c >= 0)
			break;
		if (!console_idle || !console_idle())
			cpu_sti_hlt();
	}
	cpu_sti();
	return c;
}
