/*
 * Frame-pointer backtraces (arch/i386/stacktrace.c tells the walk's
 * rules).  Context for both: any, the panic path included; no lock.
 */
#ifndef ARCH_I386_STACKTRACE_H
#define ARCH_I386_STACKTRACE_H

#include <stdbool.h>
#include <stdint.h>

/* The most frames one trace prints. */
#define STACKTRACE_MAX_FRAMES	32

/*
 * stack_bounds - the kernel stack holding @addr: the boot stack, the
 * double-fault task's stack or a live stack of mm/kstack.c, as
 * [*lo, *hi).  Returns: true, or false when none holds it.
 */
bool stack_bounds(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);

/*
 * stacktrace_print - "Call trace:" and one line per frame from the frame
 * at @ebp up its stack, each return address named by %pB.
 */
void stacktrace_print(uint32_t ebp);

#endif /* ARCH_I386_STACKTRACE_H */
