/*
 * The scheduler: round robin over one FIFO run queue, preempting ring 3
 * when a process has used its slice of SCHED_SLICE timer ticks.
 *
 * Design.  The queue holds the runnable processes other than the current
 * one.  schedule() puts a still-running current process at the tail and
 * switches to the head.  Process 0 (the shell waiting in `run`) takes its
 * turn like the others, and it is what runs when the queue is empty.
 * While a Ctrl-C is pending, the tick moves process 0 to the head of the
 * queue and ends the current slice, so the shell acts on it within a tick
 * however many processes wait for their turn (each of which would
 * otherwise run a whole slice first).  A switch
 * loads the next process's page directory, points the TSS at the top of
 * its kernel stack (where the CPU saves the ring-3 frame on the next trap)
 * and swaps kernel stacks.  The FPU is not switched here: CR0.TS is set
 * unless the next process owns it, and its first FPU instruction traps
 * (arch/i386/fpu.c).  Kernel code is never preempted: the tick
 * switches only when it interrupted ring 3, so a system call or a fault
 * runs to its end or to a voluntary schedule() (wait, yield, exit), or
 * to a preemption point (sched_preempt_point()) in a long system call.
 *
 * Locking: interrupts off in every function here.
 */
#include "console.h"
#include "cpu.h"
#include "proc.h"
#include "mm/vmm.h"

/* Process 0, the kernel itself: what runs when the queue is empty. */
struct proc proc0 = { .pid = 0, .name = "kernel", .state = PROC_RUNNING };
static struct proc *run_head, *run_tail;

void sched_enqueue(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->run_next = NULL;
	if (run_tail)
		run_tail->run_next = p;
	else
		run_head = p;
	run_tail = p;
}

static struct proc *sched_dequeue(void)
{
	struct proc *p = run_head;

	if (p) {
		run_head = p->run_next;
		if (!run_head)
			run_tail = NULL;
	}
	return p;
}

void sched_remove(struct proc *p)
{
	struct proc *prev = NULL, *q;

	for (q = run_head; q && q != p; q = q->run_next)
		prev = q;
	if (!q)
		return;
	if (prev)
		prev->run_next = p->run_next;
	else
		run_head = p->run_next;
	if (run_tail == p)
		run_tail = prev;
	p->run_next = NULL;
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

void schedule(void)
{
	struct proc *prev = current, *next;
	pfn_t pd;

	if (prev->state == PROC_RUNNING)
		sched_enqueue(prev);
	next = sched_dequeue();
	if (!next)
		next = &proc0;
	next->state = PROC_RUNNING;
	next->slice = SCHED_SLICE;
	if (next == prev)
		return;
	this_cpu_write(cur_proc, next);
	pd = next->mm ? next->mm->pd : vmm_kernel_pd;
	if (pd != arch_mmu_current())
		vmm_switch(pd);
	if (next != &proc0)
		tss_set_kernel_stack((uint32_t)next->kstack + KSTACK_SIZE);
	fpu_switch(&next->fpu);
	switch_context(&prev->ksp, next->ksp);
}

bool sched_runnable(void)
{
	return run_head != NULL;
}

void sched_clear(void)
{
	run_head = run_tail = NULL;
}

void sched_yield(void)
{
	schedule();
}

void sched_tick(struct trap_frame *tf)
{
	if (current == &proc0)
		return;
	current->ticks++;
	if (current->slice)
		current->slice--;
	if (console_intr_pending() && proc0.state == PROC_RUNNABLE) {
		sched_to_front(&proc0);
		current->slice = 0;
	}
	if ((tf->cs & 3) == 3 && current->slice == 0 && run_head)
		schedule();
}

void sched_preempt_point(void)
{
	/* STI holds interrupts off for one more instruction: the NOP. */
	__asm__ volatile("sti; nop; cli" : : : "memory");
	if (current->slice == 0 && run_head)
		schedule();
}
