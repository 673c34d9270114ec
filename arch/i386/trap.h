/*
 * Traps and interrupts: the register frame the entry stubs build, and the
 * table of handlers that other parts of the kernel register into.
 */
#ifndef ARCH_I386_TRAP_H
#define ARCH_I386_TRAP_H

#include <stdint.h>

/*
 * The frame on the kernel stack when a handler runs.  The stub pushes the
 * segment registers and the general registers (pusha order); the CPU pushed
 * eip/cs/eflags, and user_esp/user_ss only on a ring change.
 */
struct trap_frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, kernel_esp, ebx, edx, ecx, eax;
	uint32_t vector;
	uint32_t error_code;	/* 0 for vectors without one */
	uint32_t eip, cs, eflags;
	uint32_t user_esp, user_ss;	/* valid only if (cs & 3) == 3 */
};

typedef void (*trap_handler_t)(struct trap_frame *tf);

#define T_DIVIDE	0
#define T_DEBUG		1
#define T_NMI		2
#define T_BREAKPOINT	3
#define T_INVALID_OP	6
#define T_NM		7	/* device not available: FPU (CR0.TS/EM) */
#define T_DOUBLE_FAULT	8
#define T_GPF		13
#define T_PAGE_FAULT	14
#define T_MF		16	/* x87 floating-point error */
#define T_XM		19	/* SIMD floating-point error */
#define IRQ_BASE	32	/* PIC IRQ 0..15 arrive as vectors 32..47 */
#define IRQ_TIMER	0
#define IRQ_KEYBOARD	1
#define IRQ_COM1	4
#define T_SYSCALL	0x80

/*
 * The entry stubs (arch/i386/isr.asm): one per vector, each pushing the
 * vector (and a zero error code where the CPU pushes none) before the
 * common path that builds the frame and calls trap_dispatch(); and
 * trap_return, the common path's second half, which restores a frame and
 * returns from the trap (a new process's first switch lands there).
 */
extern const uint32_t trap_stubs[256];
extern char trap_return[];

/*
 * trap_register - install the handler for a vector (exception, IRQ_BASE+n,
 * or T_SYSCALL).  An exception without a handler dumps the frame and panics.
 * Context: boot, or with interrupts off.
 */
void trap_register(unsigned int vector, trap_handler_t handler);

/*
 * trap_name - what a vector is, for people: "page fault", "IRQ", ...
 * Context: any, the panic path included.  Returns: a constant string.
 */
const char *trap_name(unsigned int vector);

/*
 * tss_saved_frame - the registers of the context a double fault
 * interrupted, as the task switch saved them (arch/i386/gdt.c); vector and
 * error code are left to the caller.  Context: the double-fault task.
 */
void tss_saved_frame(struct trap_frame *tf);

/* The double-fault task's entry (isr.asm) and its C half (trap.c). */
void double_fault_task(void);
__attribute__((noreturn)) void trap_double_fault(uint32_t error_code);

/* Print every register of a frame (and CR0/CR2/CR3/CR4). Safe in panic. */
void trap_dump(const struct trap_frame *tf);

/* Panic with a reason and the frame's registers. */
__attribute__((noreturn)) void trap_panic(const struct trap_frame *tf,
					  const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* PIC: unmask / mask one IRQ line; send end-of-interrupt. */
void pic_unmask(unsigned int irq);
void pic_mask(unsigned int irq);

/* Timer ticks since boot (PIT or boot CPU's local APIC timer, PIT_HZ). */
#define PIT_HZ	100
extern volatile uint64_t jiffies;

/*
 * Called on every tick after jiffies moves, with the interrupted frame
 * (the scheduler preempts ring 3 here); NULL until someone sets it.
 * Context: IRQ 0 handler, interrupts off.
 */
extern void (*tick_hook)(struct trap_frame *tf);

/*
 * timer_tick - one tick of the system clock: jiffies, then tick_hook.
 * Context: the boot CPU's timer interrupt (PIT or local APIC), IRQs off.
 */
void timer_tick(struct trap_frame *tf);

#endif /* ARCH_I386_TRAP_H */
