/*
 * The scheduler: round robin over one FIFO run queue shared by every CPU,
 * preempting ring 3 when a process has used its slice of SCHED_SLICE
 * timer ticks.
 *
 * Design.  The queue holds the runnable processes that no CPU runs.
 * schedule() puts a still-running current process at the tail and
 * switches to the first queued process this CPU may run (its
 * cpus_allowed mask has the CPU's bit), or, with none, to the CPU's idle
 * context: process 0 on the boot CPU (the shell waiting in `run` takes
 * its turn in the queue like the others, and only the boot CPU runs it:
 * the console is the boot CPU's), an idle context per AP otherwise (the
 * AP's start-up stack in sched_ap_idle(): halt until an interrupt, look
 * at the queue).  A process runs on one CPU at a time and migrates
 * whenever another CPU takes it from the queue; `cpu` says where it ran
 * last.  Making a process runnable (fork, a wake-up) interrupts one idle
 * CPU that may run it, so it does not wait for that CPU's next tick.
 *
 * While a Ctrl-C is pending, the boot CPU's tick moves process 0 to the
 * head of the queue and ends the current slice, so the shell acts on it
 * within a tick however many processes wait for their turn.
 *
 * A switch loads the next process's page directory, or keeps the loaded
 * one when the next is an idle context (lazy TLB: the process it ran
 * costs no reload if it comes back; arch/i386/tlb.h says how a shootdown
 * ends the laziness), points this CPU's TSS at the top of the process's
 * kernel stack and swaps kernel stacks.  The FPU is not switched here
 * (arch/i386/fpu.c).  Kernel code is never preempted: the tick switches
 * only when it interrupted ring 3, so a system call or a fault runs to
 * its end or to a voluntary schedule() (wait, yield, exit), or to a
 * preemption point (sched_preempt_point()) in a long system call.
 *
 * Locking: the kernel lock (klock.h) guards the queue and every state
 * field; schedule() is called holding it, interrupts off, and the next
 * context resumes holding it.  The tick reads the queue's head without
 * it, as a hint, and takes it before it acts.
 */
#include "console.h"
#include "cpu.h"
#include "ipi.h"
#include "lapic.h"
#include "cpus.h"
#include "klock.h"
#include "proc.h"
#include "tlb.h"
#include "mm/lock.h"
#include "mm/vmm.h"

/* Process 0, the kernel itself: what the boot CPU runs when idle. */
struct proc proc0 = { .pid = 0, .name = "kernel", .state = PROC_RUNNING,
		      .cpus_allowed = 1u };
static struct proc ap_idle[SMP_MAX_CPUS];
static struct proc *run_head, *run_tail;
static uint32_t sched_switches;

static bool allowed(const struct proc *p, unsigned int cpu)
{
	return p->cpus_allowed & (1u << cpu);
}

static struct proc *idle_of(unsigned int cpu)
{
	return cpu == 0 ? &proc0 : &ap_idle[cpu];
}

/* An idle CPU other than this one that may run @p, interrupted. */
static void kick_idle_cpu(const struct proc *p)
{
	unsigned int self = smp_processor_id(), i;

	for (i = 0; i < nr_cpu_slots; i++) {
		if (i == self || !allowed(p, i) ||
		    !__atomic_load_n(&cpu_slots[i].online, __ATOMIC_ACQUIRE))
			continue;
		if (percpu_read_remote(i, cur_proc) == idle_of(i)) {
			ipi_send(i, IPI_PING_VECTOR);
			return;
		}
	}
}

static void enqueue_tail(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->run_next = NULL;
	if (run_tail)
		run_tail->run_next = p;
	else
		run_head = p;
	run_tail = p;
}

void sched_enqueue_quiet(struct proc *p)
{
	enqueue_tail(p);
}

void sched_enqueue(struct proc *p)
{
	enqueue_tail(p);
	if (nr_cpu_slots > 1)
		kick_idle_cpu(p);
}

/* Take queued @p, behind @prev (NULL: the head), off the queue. */
static void unlink_after(struct proc *prev, struct proc *p)
{
	if (prev)
		prev->run_next = p->run_next;
	else
		run_head = p->run_next;
	if (run_tail == p)
		run_tail = prev;
	p->run_next = NULL;
}

/* Take the first queued process @cpu may run off the queue. */
static struct proc *sched_take(unsigned int cpu)
{
	struct proc *prev = NULL, *p;

	for (p = run_head; p && !allowed(p, cpu); p = p->run_next)
		prev = p;
	if (p)
		unlink_after(prev, p);
	return p;
}

void sched_remove(struct proc *p)
{
	struct proc *prev = NULL, *q;

	for (q = run_head; q && q != p; q = q->run_next)
		prev = q;
	if (q)
		unlink_after(prev, p);
}

/* Move queued @p to the head of the queue. */
static void sched_to_front(struct proc *p)
{
	struct proc *prev = NULL, *q;

	for (q = run_head; q && q != p; q = q->run_next)
		prev = q;
	if (!q || !prev)
		return;			/* not queued, or already first */
	prev->run_next = p->run_next;
	if (run_tail == p)
		run_tail = prev;
	p->run_next = run_head;
	run_head = p;
}

/* Load what @next runs on: its directory (or none: lazy), its stack. */
static void switch_to_space(struct proc *next)
{
	if (next->mm) {
		if (next->mm->pd != arch_mmu_current())
			vmm_switch(next->mm->pd);
		tlb_set_lazy(false);
	} else {
		tlb_set_lazy(true);
	}
	if (next != &proc0 && !next->idle)
		tss_set_kernel_stack((uint32_t)next->kstack + KSTACK_SIZE);
}

void schedule(void)
{
	struct proc *prev = current, *next;
	unsigned int cpu = smp_processor_id();

	MM_ASSERT(klock_held());
	if (prev->state == PROC_RUNNING && !prev->idle) {
		enqueue_tail(prev);
		if (!allowed(prev, cpu))
			kick_idle_cpu(prev);	/* it moves: sys_sched.c */
	}
	next = sched_take(cpu);
	if (!next)
		next = idle_of(cpu);
	next->state = PROC_RUNNING;
	next->slice = SCHED_SLICE;
	next->cpu = cpu;
	if (next == prev)
		return;
	sched_switches++;
	fpu_switch_out(&prev->fpu);
	this_cpu_write(cur_proc, next);
	switch_to_space(next);
	fpu_switch(&next->fpu);
	switch_context(&prev->ksp, next->ksp);
}

/* Anyone queued this CPU may run?  A hint without the kernel lock. */
static bool sched_work_for(unsigned int cpu)
{
	const struct proc *p;

	for (p = __atomic_load_n(&run_head, __ATOMIC_RELAXED); p;
	     p = __atomic_load_n(&p->run_next, __ATOMIC_RELAXED))
		if (allowed(p, cpu))
			return true;
	return false;
}

bool sched_runnable(void)
{
	return sched_work_for(smp_processor_id());
}

void sched_clear(void)
{
	run_head = run_tail = NULL;
}

void sched_yield(void)
{
	schedule();
	klock_relax();		/* whoever waits for the lock goes first */
}

void sched_tick(struct trap_frame *tf)
{
	struct proc *p = current;
	unsigned int cpu = smp_processor_id();
	bool intr;

	if (!p || p == &proc0 || p->idle)
		return;
	p->ticks++;
	if (p->slice)
		p->slice--;
	if ((tf->cs & 3) != 3)
		return;			/* kernel code: only at its own points */
	intr = cpu == 0 && console_intr_pending() &&
	       proc0.state == PROC_RUNNABLE;
	if (!intr && (p->slice != 0 || !run_head))
		return;
	klock_acquire();		/* released on the return to ring 3 */
	if (intr) {
		sched_to_front(&proc0);
		p->slice = 0;
	}
	if (p->slice == 0 && sched_work_for(cpu))
		schedule();
}

void sched_preempt_point(void)
{
	klock_relax();			/* interrupts in, other CPUs in */
	if (current->slice == 0 && sched_work_for(smp_processor_id()))
		schedule();
}

/* The offsets isr.asm's trap_return reads (its equ lines). */
_Static_assert(__builtin_offsetof(struct trap_frame, cs) == 60, "FRAME_CS");
_Static_assert(__builtin_offsetof(struct percpu, cpu) == 4, "PERCPU_CPU");
_Static_assert(__builtin_offsetof(struct percpu, cur_proc) == 12,
	       "PERCPU_CUR_PROC");
_Static_assert(__builtin_offsetof(struct proc, killed) == 0x24c,
	       "PROC_KILLED");
_Static_assert(__builtin_offsetof(struct klock, holder) == 4,
	       "KLOCK_HOLDER");

void sched_return_user(struct trap_frame *tf)
{
	struct proc *p = current;

	MM_ASSERT((tf->cs & 3) == 3 && p->killed);
	if (!klock_held_smp())
		klock_acquire_smp();
	proc_exit(p->killed);
}

void sched_kick(const struct proc *p)
{
	if (p->state == PROC_RUNNING && p->cpu != smp_processor_id())
		ipi_send(p->cpu, IPI_PING_VECTOR);
}

uint32_t sched_switch_count(void)
{
	return sched_switches;
}

void sched_ap_idle(unsigned int cpu)
{
	struct proc *idle = &ap_idle[cpu];

	snprintf(idle->name, sizeof(idle->name), "idle/%u", cpu);
	idle->idle = true;
	idle->state = PROC_RUNNING;
	idle->cpu = cpu;
	idle->cpus_allowed = 1u << cpu;
	this_cpu_write(cur_proc, idle);
	vmm_switch(vmm_kernel_pd);
	for (;;) {
		if (sched_work_for(cpu)) {
			klock_acquire();
			schedule();	/* back here when nothing is left */
			klock_release();
		}
		__asm__ volatile("sti; hlt; cli" : : : "memory");
	}
}
