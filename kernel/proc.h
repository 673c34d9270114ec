/*
 * Processes: ring-3 programs with their own address space and kernel
 * stack, the round-robin scheduler that runs them, and the system calls
 * they make.
 *
 * Process 0 is the kernel itself (the shell, on a kernel stack of its own
 * from proc0_stack_init()): it has no
 * address space, takes its turn in the run queue only while `run` waits
 * (to reap, and to see a Ctrl-C), runs whenever no process is runnable,
 * and adopts every orphan.
 *
 * Locking: kernel code is never preempted (the tick preempts ring 3
 * only, and a long system call gives the CPU up at its preemption points)
 * and everything here runs with interrupts off, except the shell's wait
 * loop, which disables them around each step, and the preemption points,
 * which let interrupts in between two steps.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "fpu.h"
#include "klock.h"
#include "percpu.h"
#include "trap.h"
#include "mm/kstack.h"
#include "mm/mm.h"
#include "mm/vmm.h"

#define PROC_NAME_LEN	16
#define SCHED_SLICE	5			/* ticks (50 ms) */

#define SIGINT		2
#define SIGKILL		9
#define SIGSEGV		11
#define ECHILD		10
#define EINTR		4
#define EBADF		9
#define ENOSYS		38

enum proc_state {
	PROC_RUNNABLE,		/* on the run queue */
	PROC_RUNNING,		/* current */
	PROC_SLEEPING,		/* in waitpid() */
	PROC_ZOMBIE,		/* exited, waits for its parent */
};

/*
 * A process.  Fields change only in its own system calls and faults, or
 * in the scheduler, with interrupts off.
 */
struct proc {
	int pid;
	char name[PROC_NAME_LEN];
	enum proc_state state;
	struct mm *mm;			/* NULL: process 0, zombies */
	void *kstack;			/* KSTACK_SIZE bytes above a guard
					 * page (kstack_alloc()) */
	uint32_t ksp;			/* kernel esp while switched out */
	struct proc *parent;
	struct proc *next;		/* all processes */
	struct proc *run_next;		/* run queue */
	int status;			/* wait status once a zombie */
	unsigned int slice;		/* ticks left in this turn */
	uint64_t ticks;			/* ticks run */
	struct fpu_state fpu;		/* FPU registers while not in the FPU
					 * (arch/i386/fpu.c changes it) */
	bool oom_victim;		/* chosen by the OOM killer (oom.c) */
	bool idle;			/* an AP's idle context (sched.c) */
	unsigned int cpu;		/* the CPU it runs or last ran on */
	uint32_t cpus_allowed;		/* CPUs it may run on, a bit each */
	int killed;			/* ended from another CPU: the wait
					 * status it exits with at its next
					 * return to ring 3 */
};

/*
 * The process running on this CPU: its per-CPU slot (arch/i386/percpu.h),
 * which schedule() sets, proc_boot_init() starts at process 0 on the boot
 * CPU and sched_ap_idle() at the AP's idle context on the others.
 */
#define current ((struct proc *)this_cpu_read(cur_proc))

/* Process 0 (kernel/sched.c). */
extern struct proc proc0;

/* Forks refused for lack of memory, wherever it ran out: the process
 * record, its kernel stack or the address space (mm_fork()). */
extern uint64_t proc_forks_refused;

/*
 * proc_spawn - load program @name (embedded in the kernel image) into a
 * new address space with arguments @argv[0..@argc) and make it runnable,
 * a child of process 0.
 * Context: the shell.  Returns: the process, or NULL (reason printed).
 */
struct proc *proc_spawn(const char *name, int argc, char **argv);

/*
 * proc_fork - a copy of the current process whose copy of @tf returns 0.
 * Returns: the child's pid, or -ENOMEM.
 */
int proc_fork(const struct trap_frame *tf);

/* End the current process with wait status @status.  Never returns. */
__attribute__((noreturn)) void proc_exit(int status);

/*
 * proc_kill - print "segfault: pid N (PROG) addr 0x... ip 0x...: REASON"
 * and end the current process (SIGKILL for "out of memory", else SIGSEGV).
 */
__attribute__((noreturn)) void proc_kill(uintptr_t addr, uintptr_t ip,
					 const char *reason, bool oom);

/*
 * proc_terminate - end process @p, not the current one, with wait status
 * @status, as if it had exited: off the run queue, its address space
 * freed, its children given to process 0, a zombie for its parent.
 * Context: interrupts off, @p not current.
 */
void proc_terminate(struct proc *p, int status);

/*
 * proc_wait - reap a zombie child (@pid, or any if -1), sleeping until
 * one exits.  Returns: its pid with *@status set, or -ECHILD.
 */
int proc_wait(int pid, int *status);

/*
 * proc_kill_all - end every process with wait status @status (Ctrl-C):
 * each address space is freed, each process becomes a zombie of
 * process 0.  Context: process 0, interrupts off.
 */
void proc_kill_all(int status);

/*
 * user_fault - resolve a page fault in the user half for the current
 * process: demand-zero, copy-on-write, or (a fault from ring 3 that
 * cannot be resolved) the end of the process with one line; when no
 * frame can be had, the OOM killer (kernel/oom.c) decides who ends.
 * Context: the page-fault handler, interrupts off.
 * Returns: 0 if resolved; -EFAULT if it is not the process layer's fault
 * (no address space, or a kernel access to the kernel half) or a kernel
 * access that failed (the exception table's turn).  Does not return when
 * it ends the process.
 */
int user_fault(struct trap_frame *tf, const struct vmm_fault *f);

/* Reap a zombie (free its kernel stack and descriptor). */
void proc_reap(struct proc *p);

/* The first process on the list of all (process 0 is not on it). */
struct proc *proc_first(void);

/* Live processes besides process 0 (zombies included). */
unsigned int proc_count(void);

/* The process cache.  Context: boot.  Returns: 0 or -ENOMEM. */
int proc_init(void);

/* Give the empty slabs of the process, space and region caches back. */
void proc_shrink_caches(void);

/* Print the `ps` table.  Context: the shell. */
void proc_dump(void);

/* Scheduler (kernel/sched.c). */
void sched_enqueue(struct proc *p);	/* runnable; an idle CPU woken */
void sched_enqueue_quiet(struct proc *p); /* runnable; nobody woken */
void schedule(void);			/* interrupts off */
bool sched_runnable(void);		/* anyone queued this CPU may run? */
void sched_clear(void);			/* empty the run queue */
void sched_remove(struct proc *p);	/* take @p off the queue if there */
void sched_yield(void);
void sched_tick(struct trap_frame *tf);

/*
 * sched_return_user - a process ended from another CPU exits here, on
 * its way back to ring 3 (called from trap_return, which otherwise
 * releases the kernel lock itself, once several CPUs run).  Does not
 * return.  Context: any trap's return to ring 3, interrupts off.
 */
void sched_return_user(struct trap_frame *tf);

/* Interrupt the CPU running @p (another one), so that it sees @p->killed. */
void sched_kick(const struct proc *p);

/*
 * The scheduler's system calls (kernel/sys_sched.c): sched_setaffinity,
 * sched_getaffinity and getcpu as on Linux.  Returns: 0 (getaffinity: the
 * mask's size), -ESRCH, -EINVAL, -EFAULT.
 */
long sys_sched_setaffinity(int pid, uint32_t len, uintptr_t umask);
long sys_sched_getaffinity(int pid, uint32_t len, uintptr_t umask);
long sys_getcpu(uintptr_t ucpu, uintptr_t unode);

/* Context switches so far, all CPUs.  Context: any. */
uint32_t sched_switch_count(void);

/*
 * sched_ap_idle - AP @cpu's idle context, on its start-up stack: halt
 * until an interrupt, run what the queue holds for it.  Never returns.
 * Context: the AP, once online, interrupts off.
 */
__attribute__((noreturn)) void sched_ap_idle(unsigned int cpu);
/*
 * sched_preempt_point - let in the interrupts waiting at the CPU (the
 * tick, console input), then give the CPU up if the current process has
 * used its slice and another is runnable.  Long system calls call it
 * between steps, so that they hold neither the clock nor the CPU.
 * Context: a system call, interrupts off (on only inside, briefly).
 */
void sched_preempt_point(void);
void switch_context(uint32_t *save_esp, uint32_t new_esp); /* switch.asm */
__attribute__((noreturn)) void call_on_stack(void (*fn)(void), uint32_t top);

/*
 * proc0_stack_run - give process 0 a kernel stack above a guard page and
 * continue on it with @fn (which never returns), leaving the boot stack.
 * Context: boot, after proc_boot_init(), interrupts off.
 */
__attribute__((noreturn)) void proc0_stack_run(void (*fn)(void));

/* ELF loader (kernel/elf.c). */
struct user_prog {
	const char *name;
	const uint8_t *image;
	uint32_t size;
};
const struct user_prog *user_prog_find(const char *name);
const struct user_prog *user_prog_next(const struct user_prog *prev);

/*
 * elf_load - map the PT_LOAD segments of @prog into @mm, set its heap,
 * make its stack with @argv, and return the entry point and stack pointer.
 * Returns: 0, -EINVAL (not an i386 executable), -ENOMEM.
 */
int elf_load(struct mm *mm, const struct user_prog *prog, int argc,
	     char **argv, uintptr_t *entry, uintptr_t *sp);

/* System calls (kernel/syscall.c). */
void syscall_entry(struct trap_frame *tf);

/*
 * console_write_forget - @p, ended, no longer owns the console if a
 * write() of it was stopped midway; the next writer may go on.
 */
void console_write_forget(const struct proc *p);

/*
 * user_ok - may the current process's system call read (or, @write,
 * write) the @n bytes at user address @a?  Below PAGE_OFFSET, and every
 * region crossed allows it (a PROT_NONE page is not the kernel's to use).
 * Returns: 0, or -EFAULT.
 */
int user_ok(uintptr_t a, size_t n, bool write);

#endif /* KERNEL_PROC_H */
