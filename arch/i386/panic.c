/*
 * The end of the world, said clearly: "PANIC: <reason>", every register,
 * the control registers and a frame-pointer backtrace whose frames name
 * their functions (arch/i386/stacktrace.c), then the machine stops.
 * Under QEMU it leaves through isa-debug-exit with a non-zero status so
 * that a test fails loudly instead of hanging.
 *
 * Context: any, IRQs are disabled first.  A panic while panicking stops at
 * once (the second reason is still printed).
 */
#include <stdarg.h>
#include "cpu.h"
#include "stacktrace.h"
#include "trap.h"
#include "mm/arch.h"

static volatile int panicking;

static void dump_control_regs(void)
{
	printk("CR0: %08x CR2: %08x CR3: %08x", read_cr0(), read_cr2(),
	       read_cr3());
	if (cpu.has_cpuid)
		printk(" CR4: %08x", read_cr4());
	printk("\n");
}

static void dump_current_regs(void)
{
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;

	__asm__ volatile("" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx),
			 "=S"(esi), "=D"(edi));
	__asm__ volatile("mov %%ebp, %0; mov %%esp, %1" : "=r"(ebp), "=r"(esp));
	printk("EAX: %08x EBX: %08x ECX: %08x EDX: %08x\n", eax, ebx, ecx, edx);
	printk("ESI: %08x EDI: %08x EBP: %08x ESP: %08x EFLAGS: %08x\n", esi,
	       edi, ebp, esp, read_eflags());
	dump_control_regs();
	stacktrace_print(ebp);
}

/* Interrupts off, the reason printed; a nested panic stops right here. */
static void panic_begin(const char *fmt, va_list ap)
{
	__asm__ volatile("cli");
	printk("PANIC: ");
	vprintk(fmt, ap);
	printk("\n");
	if (panicking++) {
		printk("(panic while panicking: stopping)\n");
		arch_halt(1);
	}
}

__attribute__((noreturn)) static void panic_end(void)
{
	printk("---[ end kernel panic ]---\n");
	arch_halt(1);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_begin(fmt, ap);
	va_end(ap);
	dump_current_regs();
	panic_end();
}

void trap_panic(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_begin(fmt, ap);
	va_end(ap);
	trap_dump(tf);
	dump_control_regs();
	stacktrace_print(tf->ebp);
	panic_end();
}
