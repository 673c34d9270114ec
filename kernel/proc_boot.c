/*
 * The process layer's boot stage: address-space caches and the zero page,
 * the process cache, the system-call gate, the scheduler's tick, and the
 * handlers that turn a CPU exception raised in ring 3 into the death of
 * that process instead of a kernel panic, and the FPU: its set-up (the
 * boot option no387 treats it as absent, as Linux's does) and the
 * device-not-available handler that hands it to a process.
 *
 * Locking: none; proc_boot_init() runs once at boot (kernel/mm_init.c,
 * after the VMM), one CPU, interrupts off.
 */
#include "cmdline.h"
#include "mm_init.h"
#include "proc.h"

/* Exceptions a ring-3 program can raise besides page faults. */
static const unsigned int user_exceptions[] = {
	T_DIVIDE, T_DEBUG, T_BREAKPOINT, 4 /* overflow */, 5 /* bound */,
	T_INVALID_OP, 10 /* TSS */, 11 /* segment */,
	12 /* stack segment */, T_GPF, T_MF, 17 /* alignment */, T_XM,
};

static void user_exception(struct trap_frame *tf)
{
	if ((tf->cs & 3) != 3 || current == &proc0)
		trap_panic(tf, "unhandled %s (vector %u)",
			   trap_name(tf->vector), tf->vector);
	proc_kill(tf->eip, tf->eip, trap_name(tf->vector), false);
}

/* #NM: a process's first FPU instruction since it was switched in. */
static void fpu_unavailable(struct trap_frame *tf)
{
	if ((tf->cs & 3) != 3 || current == &proc0)
		trap_panic(tf, "FPU instruction in the kernel (vector %u)",
			   tf->vector);
	if (fpu_trap(&current->fpu) != 0)
		proc_kill(tf->eip, tf->eip,
			  "floating-point instruction: no FPU and no math emulation",
			  false);
}

void proc0_stack_run(void (*fn)(void))
{
	proc0.kstack = kstack_alloc();
	if (!proc0.kstack)
		panic("proc: no kernel stack for process 0");
	call_on_stack(fn, (uint32_t)proc0.kstack + KSTACK_SIZE);
}

void proc_boot_init(void)
{
	const struct user_prog *p;
	unsigned int i, n = 0;

	if (mm_subsys_init() != 0 || proc_init() != 0)
		panic("proc: cannot create the process caches");
	this_cpu_write(cur_proc, &proc0);
	fpu_init(cmdline_has_flag("no387"));
	trap_register(T_NM, fpu_unavailable);
	trap_register(T_SYSCALL, syscall_entry);
	for (i = 0; i < ARRAY_SIZE(user_exceptions); i++)
		trap_register(user_exceptions[i], user_exception);
	tick_hook = sched_tick;
	for (p = user_prog_next(NULL); p; p = user_prog_next(p))
		n++;
	printk("proc: %u programs, zero page pfn 0x%x, %u Hz round robin, slice %u ticks\n",
	       n, mm_zero_pfn, PIT_HZ, SCHED_SLICE);
}
