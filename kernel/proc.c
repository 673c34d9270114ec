/*
 * Processes: creation from an embedded program, fork, exit, wait, and the
 * kill that ends a process which touched memory it may not.
 *
 * Design.  A process is a struct proc from its own slab cache, an 8 KiB
 * kernel stack above a guard page (mm/kstack.c), and a struct mm.  All processes
 * are on one list (a few dozen at most, so walks are fine); the runnable
 * ones also on the scheduler's queue.  A new process's kernel stack is
 * made to look switched out just before returning to ring 3: a struct
 * trap_frame at the top (what the CPU and the entry stub would have
 * saved), under it trap_return as the return address of switch_context()
 * and four zeroed callee-saved registers.  fork copies the parent's
 * system-call frame with eax = 0, so the child returns from the same
 * int 0x80 with 0.  exit frees the address space at once (its frames go
 * back before the parent even waits) and leaves a zombie whose kernel
 * stack the parent frees in wait(); orphans go to process 0 (the shell),
 * which reaps them.
 *
 * FPU registers (arch/i386/fpu.c) start as FNINIT leaves them; fork
 * first writes the parent's live registers to its area (fpu_flush()) and
 * copies the area; exit and kill_all give the FPU up (fpu_release()), so
 * that it is never owned by a zombie or by a freed descriptor.
 *
 * A fault the process layer cannot resolve in ring 3 ends the process
 * with one line; the same in a kernel copy from or to user memory returns
 * to the caller through the exception table (-EFAULT).
 *
 * A process running on another CPU is never torn down from here: it is
 * marked (`killed`) and interrupted, and exits itself at its next return
 * to ring 3 (sched_return_user()); a wait it sleeps in returns -EINTR.
 *
 * Locking: the kernel lock (klock.h) and interrupts off throughout
 * (system calls and faults enter through interrupt gates and take the
 * lock; the shell holds it for each command).
 */
#include "cpu.h"
#include "oom.h"
#include "proc.h"
#include "mm/buddy.h"
#include "mm/oom.h"
#include "mm/slab.h"
#include "mm/vmm.h"

static struct proc *procs;		/* every process but process 0 */
static struct kmem_cache *proc_cache;
static int next_pid = 1;
uint64_t proc_forks_refused;

int proc_init(void)
{
	/* aligned for FXSAVE */
	proc_cache = kmem_cache_create("proc", sizeof(struct proc),
				       __alignof__(struct proc), 0, NULL);
	return proc_cache ? 0 : -ENOMEM;
}

static struct trap_frame *kstack_frame(struct proc *p)
{
	return (struct trap_frame *)((uint8_t *)p->kstack + KSTACK_SIZE) - 1;
}

/* Make @p look switched out just before trap_return. */
static void kstack_prepare(struct proc *p)
{
	uint32_t *sp = (uint32_t *)kstack_frame(p);

	*--sp = (uint32_t)trap_return;
	*--sp = 0;		/* ebp */
	*--sp = 0;		/* ebx */
	*--sp = 0;		/* esi */
	*--sp = 0;		/* edi */
	p->ksp = (uint32_t)sp;
}

static struct proc *proc_alloc(const char *name)
{
	struct proc *p = kmem_cache_zalloc(proc_cache,
					   GFP_KERNEL | __GFP_NOWARN);

	if (!p)
		return NULL;
	p->kstack = kstack_alloc();
	if (!p->kstack) {
		kmem_cache_free(proc_cache, p);
		return NULL;
	}
	memcpy(p->name, name, MIN(strlen(name), sizeof(p->name) - 1));
	p->pid = next_pid++;
	p->cpus_allowed = ~0u;
	fpu_state_init(&p->fpu);
	return p;
}

static void proc_free(struct proc *p)
{
	kstack_free(p->kstack);
	kmem_cache_free(proc_cache, p);
}

/*
 * A spawned process wakes an idle CPU; a forked child only joins the
 * queue (sched_enqueue_quiet()): most parents wait for it or yield soon,
 * and then their own CPU runs it with nothing to move, and an idle CPU
 * takes it at its next tick otherwise.
 */
static void proc_link(struct proc *p, struct proc *parent)
{
	p->parent = parent;
	p->next = procs;
	procs = p;
	if (parent == &proc0)
		sched_enqueue(p);
	else
		sched_enqueue_quiet(p);
}

struct proc *proc_spawn(const char *name, int argc, char **argv)
{
	const struct user_prog *prog = user_prog_find(name);
	struct trap_frame *tf;
	uintptr_t entry, sp;
	struct proc *p;
	int err = -ENOMEM;

	if (!prog) {
		printk("run: no program '%s'\n", name);
		return NULL;
	}
	p = proc_alloc(name);
	if (p)
		p->mm = mm_create();
	if (p && p->mm) {
		p->mm->pid = p->pid;
		err = elf_load(p->mm, prog, argc, argv, &entry, &sp);
	}
	if (err) {
		printk("run: cannot load %s (error %d)\n", name, err);
		if (p && p->mm)
			mm_destroy(p->mm);
		if (p)
			proc_free(p);
		return NULL;
	}
	tf = kstack_frame(p);
	memset(tf, 0, sizeof(*tf));
	tf->gs = tf->fs = tf->es = tf->ds = USER_DS;
	tf->eip = entry;
	tf->cs = USER_CS;
	tf->eflags = EFLAGS_IF | 0x2;
	tf->user_esp = sp;
	tf->user_ss = USER_DS;
	kstack_prepare(p);
	proc_link(p, &proc0);
	return p;
}

/* One attempt at proc_fork(): the child, or NULL with nothing kept. */
static struct proc *fork_once(void)
{
	struct proc *p = proc_alloc(current->name);

	if (p && mm_fork(current->mm, &p->mm) != 0) {
		proc_free(p);
		p = NULL;
	}
	return p;
}

int proc_fork(const struct trap_frame *tf)
{
	struct proc *p = fork_once();

	if (!p) {
		/* reclaim and retry, but no kill: the caller sees -ENOMEM
		 * (kernel/oom.c says why) */
		oom_reclaim();
		p = fork_once();
	}
	if (!p) {
		proc_forks_refused++;
		return -ENOMEM;
	}
	p->mm->pid = p->pid;
	p->cpus_allowed = current->cpus_allowed;
	fpu_flush(&current->fpu);
	p->fpu = current->fpu;
	*kstack_frame(p) = *tf;
	kstack_frame(p)->eax = 0;
	kstack_prepare(p);
	proc_link(p, current);
	return p->pid;
}

/*
 * Everything @p holds goes, and it becomes a zombie with wait status
 * @status: its address space (switched away from first when loaded
 * here), its FPU state, and the console if @p was stopped in the middle
 * of a write() (a process killed at a preemption point never returns to
 * release it).
 */
static void proc_give_up(struct proc *p, int status)
{
	if (p->mm) {
		if (p->mm->pd == arch_mmu_current())
			vmm_switch(vmm_kernel_pd);	/* lazily loaded here */
		mm_destroy(p->mm);
		p->mm = NULL;
	}
	fpu_release(&p->fpu);
	console_write_forget(p);
	p->status = status;
	p->state = PROC_ZOMBIE;
}

/*
 * Make @p a zombie with wait status @status: its children go to process
 * 0, what it held is given up (proc_give_up()), a parent waiting for it
 * is woken.
 */
static void proc_zombify(struct proc *p, int status)
{
	struct proc *c;

	for (c = procs; c; c = c->next)
		if (c->parent == p)
			c->parent = &proc0;
	proc_give_up(p, status);
	if (p->parent->state == PROC_SLEEPING)
		sched_enqueue(p->parent);
}

void proc_exit(int status)
{
	struct proc *p = current;

	arch_irq_save();
	if (!klock_held())
		klock_acquire();	/* from #NM, which runs without it */
	MM_ASSERT(p != &proc0);
	if (p->mm)
		vmm_switch(vmm_kernel_pd);
	proc_zombify(p, status);
	schedule();
	panic("proc: zombie %d (%s) was scheduled", p->pid, p->name);
}

/*
 * @p runs on another CPU: it cannot lose its address space under it, so
 * it is told to exit at its next return to ring 3 and that CPU is
 * interrupted.  Returns: whether that was the case.
 */
static bool kill_elsewhere(struct proc *p, int status)
{
	if (p->state != PROC_RUNNING)
		return false;
	if (!p->killed)
		p->killed = status;
	sched_kick(p);
	return true;
}

void proc_terminate(struct proc *p, int status)
{
	MM_ASSERT(p != current && p != &proc0 && p->state != PROC_ZOMBIE);
	if (kill_elsewhere(p, status))
		return;
	sched_remove(p);
	proc_zombify(p, status);
}

void proc_kill(uintptr_t addr, uintptr_t ip, const char *reason, bool oom)
{
	printk("segfault: pid %d (%s) addr 0x%08x ip 0x%08x: %s\n",
	       current->pid, current->name, (unsigned int)addr,
	       (unsigned int)ip, reason);
	mm_count_kill(oom);
	proc_exit(oom ? SIGKILL : SIGSEGV);
}

void proc_kill_all(int status)
{
	struct proc *p;

	MM_ASSERT(current == &proc0);
	sched_clear();
	for (p = procs; p; p = p->next) {
		p->parent = &proc0;
		if (kill_elsewhere(p, status))
			continue;	/* exits on its CPU, a zombie of ours */
		if (p->state != PROC_ZOMBIE)
			proc_give_up(p, status);
	}
}

void proc_reap(struct proc *p)
{
	struct proc **pp;

	MM_ASSERT(p->state == PROC_ZOMBIE);
	MM_ASSERT(!fpu_owned(&p->fpu));
	for (pp = &procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	proc_free(p);
}

int proc_wait(int pid, int *status)
{
	struct proc *c;

	for (;;) {
		bool found = false;

		for (c = procs; c; c = c->next) {
			if (c->parent != current ||
			    (pid != -1 && c->pid != pid))
				continue;
			found = true;
			if (c->state == PROC_ZOMBIE) {
				pid = c->pid;
				*status = c->status;
				proc_reap(c);
				return pid;
			}
		}
		if (!found)
			return -ECHILD;
		if (current->killed)
			return -EINTR;
		current->state = PROC_SLEEPING;
		schedule();
	}
}

struct proc *proc_first(void)
{
	return procs;
}

unsigned int proc_count(void)
{
	unsigned int n = 0;
	struct proc *p;

	for (p = procs; p; p = p->next)
		n++;
	return n;
}

/*
 * mm_fault() found no frame for the current process: what the OOM killer
 * says decides (kernel/oom.c).  Returns: 0 to try the fault again,
 * -EFAULT for the exception table; does not return when the current
 * process dies.
 */
static int fault_oom(const struct vmm_fault *f, bool *reclaimed,
		     const char *why)
{
	switch (out_of_memory(reclaimed)) {
	case OOM_RETRY:
		return 0;
	case OOM_WAIT:
		if (!f->user)
			return -EFAULT;
		sched_yield();		/* the victim's turn, then try again */
		return 0;
	case OOM_SELF:
		if (f->user)
			proc_exit(SIGKILL);
		return -EFAULT;		/* dies when its system call ends */
	case OOM_FAIL:
		break;
	}
	if (!f->user)
		return -EFAULT;
	proc_kill(f->addr, f->ip, why, true);
}

int user_fault(struct trap_frame *tf, const struct vmm_fault *f)
{
	unsigned int access = (f->write ? FAULT_WRITE : 0) |
			      (f->present ? FAULT_PRESENT : 0) |
			      (f->user ? FAULT_USER : 0);
	bool reclaimed = false;
	const char *why;
	int err;

	(void)tf;
	if (!current->mm || (!f->user && f->addr >= PAGE_OFFSET))
		return -EFAULT;
	do {
		err = mm_fault(current->mm, f->addr, access, &why);
		if (err == 0)
			return 0;
		if (err != -ENOMEM)
			break;
		/* a retry after a wait may find the page mapped: PRESENT */
		access |= FAULT_PRESENT;
	} while (fault_oom(f, &reclaimed, why) == 0);
	if (!f->user || err == -ENOMEM)
		return -EFAULT;		/* the exception table's turn */
	proc_kill(f->addr, f->ip, why, false);
}

void proc_shrink_caches(void)
{
	kmem_cache_shrink(proc_cache);
	mm_shrink_caches();
}

static const char *state_name(enum proc_state s)
{
	switch (s) {
	case PROC_RUNNABLE: return "runnable";
	case PROC_RUNNING: return "running";
	case PROC_SLEEPING: return "sleeping";
	case PROC_ZOMBIE: return "zombie";
	}
	return "?";
}

static void proc_line(const struct proc *p)
{
	printk("%5d %5d %-9s %3u %6u %6u %8llu %s\n", p->pid,
	       p->parent ? p->parent->pid : 0, state_name(p->state), p->cpu,
	       p->mm ? p->mm->rss : 0, p->mm ? p->mm->zero_ptes : 0,
	       p->ticks, p->name);
}

void proc_dump(void)
{
	const struct proc *p;

	printk("  PID  PPID STATE     CPU    RSS   ZERO    TICKS NAME\n");
	proc_line(&proc0);
	for (p = procs; p; p = p->next)
		proc_line(p);
}
