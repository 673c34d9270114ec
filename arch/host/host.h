/*
 * The host implementation of include/mm/arch.h, and what host tests use to
 * drive it: an mmap'd arena that stands in for physical memory, a log that
 * captures printk() so tests can assert the reports, a panic that tests can
 * catch, and a switch that fails the Nth frame request.
 */
#ifndef ARCH_HOST_H
#define ARCH_HOST_H

#include <setjmp.h>
#include "mm/types.h"

/* Physical memory: the arena covers physical [0, bytes). */
int host_mem_init(uint64_t bytes);
void host_mem_fini(void);
uint64_t host_mem_size(void);

/* printk log: everything printed since the last clear. */
void host_log_clear(void);
const char *host_log(void);
bool host_log_contains(const char *needle);
unsigned int host_log_count(const char *needle);

/* Interrupt flag as the mm code left it (true = enabled), this thread's. */
bool host_irqs_enabled(void);

/*
 * CPUs as threads: host_cpu_enter() makes the calling thread CPU @cpu
 * (below MM_MAX_CPUS) with interrupts enabled; the main thread is CPU 0
 * until it says otherwise.  Each thread has its own interrupt flag.
 */
void host_cpu_enter(unsigned int cpu);

/*
 * The host's arch_cpu_kick() leaves a word in the CPU's mailbox;
 * host_cpu_poll() takes this thread-CPU's, and if there was one runs
 * mm_cpu_drain_kicked() with interrupts off, as the kernel's drain IPI
 * handler does.  A thread-CPU that waits for others without allocating
 * polls, as a CPU with interrupts on takes its IPIs.  host_kicks[c]
 * counts the kicks CPU c was sent.  Returns: whether a kick was taken.
 */
bool host_cpu_poll(void);
extern unsigned int host_kicks[];	/* MM_MAX_CPUS of them */

/*
 * Timer ticks: arch_ticks() counts what tests add here and nothing else,
 * so a rate limit's interval passes exactly when a test says so.
 */
void host_ticks_advance(unsigned long n);

/* TLB flushes requested since start (for VMM tests). */
extern unsigned long host_tlb_page_flushes, host_tlb_full_flushes;

/*
 * Catching panics: HOST_EXPECT_PANIC(stmt) runs stmt and evaluates to true
 * if it panicked (the panic message is in the log), false if it returned.
 */
extern jmp_buf *host_panic_jmp;
#define HOST_EXPECT_PANIC(stmt)						\
	({								\
		jmp_buf __jb;						\
		bool __panicked = false;				\
		host_panic_jmp = &__jb;					\
		if (setjmp(__jb) == 0) {				\
			stmt;						\
		} else {						\
			__panicked = true;				\
		}							\
		host_panic_jmp = NULL;					\
		__panicked;						\
	})

#endif /* ARCH_HOST_H */
