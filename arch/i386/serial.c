/*
 * The 16550 UART on COM1: the kernel's main console, 115200 8N1.
 *
 * Output is polled: serial_putc() waits for the transmit holding register
 * to empty and writes one byte.  A bounded wait keeps a wedged or absent
 * UART from hanging the kernel; an absent one (its status register reads
 * 0xff off the floating ISA bus) is detected once and skipped.
 *
 * Input has two paths.  After serial_enable_irq(), the receive-data
 * interrupt (IRQ 4) drains the UART's FIFO into an input ring, so typed
 * bytes survive a long-running command; a Ctrl-C is not queued but
 * raised at once (console_intr_raise()).  Before that, and whenever the
 * ring is empty, serial_trygetc() reads the line status register itself,
 * so the console takes input during early boot with interrupts off.  The
 * FIFO's receive trigger is one byte: console input is typed, and an
 * interrupt per byte gives the lowest latency.
 *
 * Locking: the ring is filled by serial_irq() (IRQ context, or under
 * serial_poll() with interrupts off) and drained by serial_trygetc()
 * with interrupts disabled around the read, so the two never overlap on
 * one CPU.  serial_putc() keeps no state; the console layer serialises
 * writers.  Everything may run with interrupts off and from the panic
 * path.
 */
#include "mm/arch.h"
#include "console.h"
#include "io.h"
#include "irq.h"
#include "trap.h"

#define COM1_BASE	0x3f8

/* Register offsets; DLL/DLM replace RBR/IER while LCR.DLAB is set. */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_THR	0	/* transmit holding (write) */
#define UART_DLL	0	/* divisor latch, low byte */
#define UART_IER	1	/* interrupt enable */
#define UART_DLM	1	/* divisor latch, high byte */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define IER_RX_DATA	0x01	/* interrupt when received data is ready */
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define FCR_TRIGGER_1	0x00	/* interrupt at one byte in the FIFO */
#define LCR_8N1		0x03	/* 8 data bits, no parity, 1 stop bit */
#define LCR_DLAB	0x80	/* divisor latch access */
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT2	0x08	/* gates the UART's interrupt onto the bus */
#define LSR_DATA_READY	0x01
#define LSR_THR_EMPTY	0x20

/* The UART clock is 1.8432 MHz / 16: divisor 1 gives 115200 baud. */
#define SERIAL_DIVISOR	1

/*
 * At 115200 baud a byte leaves every ~87 us and a port read takes about
 * 1 us, so this waits out a full 16-byte FIFO many times over.
 */
#define SERIAL_TX_SPINS	100000

/* Most bytes one interrupt takes: a FIFO's worth, and then some. */
#define SERIAL_IRQ_BUDGET	64

static bool serial_present;
static struct input_ring serial_rx;

static inline uint8_t uart_in(unsigned int reg)
{
	return inb(COM1_BASE + reg);
}

static inline void uart_out(unsigned int reg, uint8_t val)
{
	outb(COM1_BASE + reg, val);
}

void serial_init(void)
{
	/* Nothing answers on a missing port: reads float to all ones. */
	serial_present = uart_in(UART_LSR) != 0xff;
	if (!serial_present)
		return;
	uart_out(UART_IER, 0);
	uart_out(UART_LCR, LCR_DLAB);
	uart_out(UART_DLL, SERIAL_DIVISOR & 0xff);
	uart_out(UART_DLM, SERIAL_DIVISOR >> 8);
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX |
			   FCR_TRIGGER_1);
	uart_out(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

void serial_putc(char c)
{
	unsigned int spins;

	if (!serial_present)
		return;
	for (spins = 0; !(uart_in(UART_LSR) & LSR_THR_EMPTY); spins++) {
		if (spins == SERIAL_TX_SPINS)
			return;		/* wedged: drop rather than hang */
		cpu_relax();
	}
	uart_out(UART_THR, (uint8_t)c);
}

/*
 * Drain the receive FIFO into the ring.  Reading RBR until the line
 * status shows no data also clears the interrupt condition; the budget
 * bounds the loop should the UART misbehave.
 */
void serial_irq(void)
{
	unsigned int n;

	for (n = 0; n < SERIAL_IRQ_BUDGET; n++) {
		uint8_t c;

		if (!(uart_in(UART_LSR) & LSR_DATA_READY))
			return;
		c = uart_in(UART_RBR);
		if (c == CONSOLE_INTR)
			console_intr_raise();
		else
			input_ring_put(&serial_rx, c);
	}
}

void serial_poll(void)
{
	unsigned long flags;

	if (!serial_present)
		return;
	flags = arch_irq_save();
	serial_irq();
	arch_irq_restore(flags);
}

static void serial_trap(struct trap_frame *tf)
{
	(void)tf;
	serial_irq();
}

void serial_enable_irq(void)
{
	unsigned long flags;

	if (!serial_present)
		return;
	flags = arch_irq_save();
	trap_register(IRQ_BASE + IRQ_COM1, serial_trap);
	uart_out(UART_IER, IER_RX_DATA);
	irq_unmask(IRQ_COM1);
	arch_irq_restore(flags);
}

/*
 * The ring holds what arrived by interrupt; once it is empty the UART
 * itself may still hold a byte (interrupts off, or not yet enabled).
 * Both are read with interrupts off, so the order of bytes is kept.
 */
int serial_trygetc(void)
{
	unsigned long flags;
	int c;

	if (!serial_present)
		return -1;
	flags = arch_irq_save();
	c = input_ring_get(&serial_rx);
	if (c < 0 && (uart_in(UART_LSR) & LSR_DATA_READY))
		c = uart_in(UART_RBR);
	arch_irq_restore(flags);
	return c;
}
