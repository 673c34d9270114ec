/*
 * Frame-pointer backtraces for panics: one line per frame, the return
 * address and the function it lies in, " [<c0104d2a>] cmd_panic+0x1a/0x30".
 *
 * Design.  The kernel is built with -fno-omit-frame-pointer, so every C
 * function's prologue pushes its caller's %ebp and points %ebp at that
 * word: frame[0] is the caller's frame, frame[1] the return address.  The
 * walk trusts nothing it reads, since it runs when something is already
 * broken.  It first finds the kernel stack that holds the starting frame
 * (the boot stack, the double-fault task's stack, or a live stack from
 * mm/kstack.c) and then follows frames only while each one lies inside
 * that stack with room for its two words, 4-byte aligned, and above the
 * previous one (older frames sit higher on a stack).  So a corrupt or
 * cyclic chain ends the walk instead of faulting again or looping; so does
 * the end of the chain (the first frame on each stack links to a %ebp of
 * 0, or to a user-mode %ebp on a trap from ring 3).  At most
 * STACKTRACE_MAX_FRAMES frames are printed.  Return addresses are printed
 * with %pB, which names the function of the call even when the call is
 * the last instruction of that function.
 *
 * Assembly entry code (arch/i386/isr.asm) builds no frame: a trace that
 * crosses a trap goes from the handler straight to the interrupted
 * function's caller; the interrupted function itself is the trap frame's
 * EIP, which trap_dump() prints.
 *
 * Locking: none; reads only the stack being walked.  Context: any, the
 * panic path and the double-fault task included.
 */
#include "cpu.h"
#include "stacktrace.h"
#include "mm/arch.h"
#include "mm/kstack.h"

extern char boot_stack_bottom[], boot_stack_top[];

bool stack_bounds(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t l, h;

	if (kstack_bounds(addr, lo, hi))
		return true;
	df_stack_bounds(&l, &h);
	if (addr < l || addr >= h) {
		l = (uintptr_t)boot_stack_bottom;
		h = (uintptr_t)boot_stack_top;
		if (addr < l || addr >= h)
			return false;
	}
	*lo = l;
	*hi = h;
	return true;
}

/* May the walk go on to @ebp, from the frame at @prev (0: first)? */
static bool frame_ok(uintptr_t ebp, uintptr_t prev, uintptr_t lo,
		     uintptr_t hi)
{
	return ebp > prev && ebp >= lo && ebp <= hi - 2 * sizeof(uint32_t) &&
	       (ebp & 3) == 0;
}

void stacktrace_print(uint32_t ebp)
{
	uintptr_t lo, hi, prev = 0;
	unsigned int n;

	printk("Call trace:\n");
	if (!stack_bounds(ebp, &lo, &hi)) {
		printk(" (frame pointer 0x%08x is on no kernel stack)\n", ebp);
		return;
	}
	for (n = 0; n < STACKTRACE_MAX_FRAMES && frame_ok(ebp, prev, lo, hi);
	     n++) {
		const uint32_t *frame = (const uint32_t *)(uintptr_t)ebp;

		printk(" [<%08x>] %pB\n", frame[1], (void *)(uintptr_t)frame[1]);
		prev = ebp;
		ebp = frame[0];
	}
	if (n == STACKTRACE_MAX_FRAMES && frame_ok(ebp, prev, lo, hi))
		printk(" (more frames not shown: at most %u)\n",
		       STACKTRACE_MAX_FRAMES);
}
