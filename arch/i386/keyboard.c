/*
 * The PS/2 keyboard: scancode set 1 decoded to ASCII for the console.
 *
 * The 8042 controller translates whatever the keyboard speaks into set 1
 * (the BIOS leaves translation on), so one table per shift state covers
 * the US layout: a make code is the key number, its break code the same
 * with bit 7 set.  kbd_irq() reads one byte per interrupt, tracks the
 * modifier keys (both shifts, Ctrl, Caps Lock) and queues what a key
 * means: ASCII, Enter as '\n', Backspace as '\b', Ctrl+letter as the
 * control character (the shell reads ^U; ^C is raised at once with
 * console_intr_raise() instead of queued), and the arrow keys as
 * the ANSI escape sequences a serial terminal would send, so the shell's
 * history works the same from either console.  Keys that mean nothing
 * here (function keys, Alt, the 0xE1 Pause sequence) are ignored; the
 * Caps Lock LED is not driven.
 *
 * Locking: the modifier state is touched only by kbd_irq(), in IRQ
 * context or under kbd_poll(), interrupts off either way.  The input ring is written there and read by
 * kbd_trygetc() with interrupts disabled briefly, which on one CPU keeps
 * the two apart.
 */
#include "mm/arch.h"
#include "console.h"
#include "io.h"
#include "irq.h"
#include "trap.h"

#define KBD_DATA	0x60
#define KBD_STATUS	0x64
#define KBD_STATUS_FULL	0x01	/* a byte waits in the output buffer */
#define KBD_STATUS_AUX	0x20	/* ... and it came from the mouse */

#define SC_BREAK	0x80	/* set on the release of a key */
#define SC_EXTENDED	0xe0	/* prefix of the second bank of keys */
#define SC_PAUSE	0xe1	/* prefix of the Pause sequence */
#define SC_LCTRL	0x1d	/* RCtrl is 0xe0 0x1d */
#define SC_LSHIFT	0x2a
#define SC_RSHIFT	0x36
#define SC_CAPS		0x3a
#define SC_ENTER	0x1c	/* with 0xe0: keypad Enter */
#define SC_SLASH	0x35	/* with 0xe0: keypad '/' */
#define SC_UP		0x48	/* with 0xe0 */
#define SC_LEFT		0x4b
#define SC_RIGHT	0x4d
#define SC_DOWN		0x50

/* Stale bytes to discard at init; the 8042 buffers at most a few. */
#define KBD_DRAIN_MAX	16

/* US layout, set 1 make codes 0x00-0x39; 0 marks keys with no character. */
static const char kbd_plain[] =
	"\0\033" "1234567890-=\b"	/* 0x00-0x0e */
	"\tqwertyuiop[]\n"		/* 0x0f-0x1c */
	"\0asdfghjkl;'`"		/* 0x1d-0x29 */
	"\0\\zxcvbnm,./\0"		/* 0x2a-0x36 */
	"*\0 ";				/* 0x37-0x39 */

static const char kbd_shifted[] =
	"\0\033" "!@#$%^&*()_+\b"
	"\tQWERTYUIOP{}\n"
	"\0ASDFGHJKL:\"~"
	"\0|ZXCVBNM<>?\0"
	"*\0 ";

_Static_assert(sizeof(kbd_plain) == 0x3b && sizeof(kbd_shifted) == 0x3b,
	       "keymaps must cover make codes 0x00-0x39");

static struct {
	bool lshift, rshift, ctrl, caps;
	bool extended;		/* the previous byte was 0xe0 */
} kbd;

static struct input_ring kbd_rx;

static inline bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Track a modifier key; returns true if @code was one. */
static bool kbd_modifier(uint8_t code, bool pressed)
{
	switch (code) {
	case SC_LSHIFT: kbd.lshift = pressed; return true;
	case SC_RSHIFT: kbd.rshift = pressed; return true;
	case SC_LCTRL: kbd.ctrl = pressed; return true;
	case SC_CAPS:
		if (pressed)
			kbd.caps = !kbd.caps;
		return true;
	}
	return false;
}

static void kbd_queue_escape(char final)
{
	input_ring_put(&kbd_rx, 0x1b);
	input_ring_put(&kbd_rx, '[');
	input_ring_put(&kbd_rx, (unsigned char)final);
}

/*
 * The second bank (after 0xe0).  The fake shift codes some keys send
 * around themselves (0xe0 0x2a ...) fall through here and are ignored.
 */
static void kbd_extended_key(uint8_t code, bool pressed)
{
	if (code == SC_LCTRL) {
		kbd.ctrl = pressed;
		return;
	}
	if (!pressed)
		return;
	switch (code) {
	case SC_ENTER: input_ring_put(&kbd_rx, '\n'); break;
	case SC_SLASH: input_ring_put(&kbd_rx, '/'); break;
	case SC_UP: kbd_queue_escape('A'); break;
	case SC_DOWN: kbd_queue_escape('B'); break;
	case SC_RIGHT: kbd_queue_escape('C'); break;
	case SC_LEFT: kbd_queue_escape('D'); break;
	}
}

/* A key of the main bank: apply the modifiers, queue the character. */
static void kbd_main_key(uint8_t code, bool pressed)
{
	bool shift = kbd.lshift || kbd.rshift;
	char c;

	if (kbd_modifier(code, pressed) || !pressed ||
	    code >= sizeof(kbd_plain) - 1)
		return;
	c = shift ? kbd_shifted[code] : kbd_plain[code];
	if (c == '\0')
		return;
	if (is_letter(c) && kbd.caps)
		c ^= 0x20;		/* Caps Lock flips letters only */
	if (is_letter(c) && kbd.ctrl)
		c &= 0x1f;		/* Ctrl-A is 0x01 ... */
	if (c == CONSOLE_INTR)
		console_intr_raise();
	else
		input_ring_put(&kbd_rx, (unsigned char)c);
}

static void kbd_scancode(uint8_t sc)
{
	bool pressed = !(sc & SC_BREAK);
	uint8_t code = sc & ~SC_BREAK;

	if (sc == SC_EXTENDED) {
		kbd.extended = true;
		return;
	}
	if (sc == SC_PAUSE)
		return;
	if (kbd.extended) {
		kbd.extended = false;
		kbd_extended_key(code, pressed);
		return;
	}
	kbd_main_key(code, pressed);
}

void kbd_irq(void)
{
	uint8_t status = inb(KBD_STATUS);
	uint8_t sc;

	if (!(status & KBD_STATUS_FULL))
		return;
	sc = inb(KBD_DATA);
	if (status & KBD_STATUS_AUX)
		return;			/* a mouse byte: not ours */
	kbd_scancode(sc);
}

void kbd_poll(void)
{
	unsigned long flags = arch_irq_save();

	kbd_irq();
	arch_irq_restore(flags);
}

static void kbd_trap(struct trap_frame *tf)
{
	(void)tf;
	kbd_irq();
}

void kbd_init(void)
{
	unsigned long flags = arch_irq_save();
	unsigned int n;

	trap_register(IRQ_BASE + IRQ_KEYBOARD, kbd_trap);
	/* A byte left unread from boot would hold off every later IRQ 1. */
	for (n = 0; n < KBD_DRAIN_MAX && (inb(KBD_STATUS) & KBD_STATUS_FULL);
	     n++)
		inb(KBD_DATA);
	irq_unmask(IRQ_KEYBOARD);
	arch_irq_restore(flags);
}

int kbd_trygetc(void)
{
	unsigned long flags = arch_irq_save();
	int c = input_ring_get(&kbd_rx);

	arch_irq_restore(flags);
	return c;
}
