/*
 * The out-of-memory killer: when a user fault (demand-zero, copy-on-write,
 * a page table, a System V segment's frame) finds no frame, reclaim, then
 * kill the process whose death gives back most, and retry.
 *
 * Design.  A fault that fails first gets oom_reclaim() (hot lists
 * drained, empty slabs given back) and one more try.  If that fails too,
 * the victim is the live process with the highest mm_oom_badness() (rss
 * plus page tables; mm/oom.c), whichever process faulted: a small process
 * that needs one more frame lets the largest one die, as on Linux.
 * Process 0 (the shell) has no address space and is never chosen.  The
 * victim's line is Linux's, to the column:
 *
 *   Out of memory: Killed process N (NAME) total-vm:XkB, anon-rss:YkB,
 *   file-rss:0kB, shmem-rss:ZkB, UID:0 pgtables:WkB oom_score_adj:0
 *
 * (one line; kmem386 has no file pages, every process is root and none
 * adjusts its score).  A victim that no CPU runs has its address space
 * freed at once (proc_terminate()) and the fault is retried.  A victim
 * running on another CPU is told to exit at its next return to ring 3;
 * if the victim is the faulting process, it dies at once from a ring-3
 * fault, or, from a kernel copy inside a system call, when that call
 * returns (the copy fails with EFAULT first).  In those two cases a
 * victim is pending with its memory not yet back.  While one is pending,
 * nobody else is chosen (Linux's guard while the OOM reaper works): a
 * ring-3 fault gives the CPU up and tries again when it has it back, a
 * kernel copy fails, and the victim's own fault, should it fault again
 * before it exits, ends it as OOM_SELF with no second report.  Each kill
 * frees a whole space, so a fault kills at most as many processes as
 * there are.
 *
 * fork is not a fault: when it finds no memory it reclaims once and
 * retries, then returns -ENOMEM (kernel/proc.c), which the caller sees
 * and handles; Linux would enter the killer from fork's page-table and
 * descriptor allocations, kmem386 keeps the failure with the caller.
 *
 * Locking: interrupts off (the page-fault path).
 */
#include "oom.h"
#include "proc.h"
#include "mm/oom.h"

bool oom_victim_pending(void)
{
	const struct proc *p;

	for (p = proc_first(); p; p = p->next)
		if (p->oom_victim && p->state != PROC_ZOMBIE)
			return true;
	return false;
}

/* The live process with the highest badness, or NULL. */
static struct proc *oom_select(void)
{
	struct proc *p, *victim = NULL;
	uint32_t best = 0;

	for (p = proc_first(); p; p = p->next) {
		uint32_t score;

		if (p->state == PROC_ZOMBIE || !p->mm)
			continue;
		score = mm_oom_badness(p->mm);
		if (!victim || score > best) {
			victim = p;
			best = score;
		}
	}
	return victim;
}

static void oom_report(struct proc *p)
{
	struct oom_usage u;
	unsigned int kb = PAGE_SIZE / 1024;

	mm_oom_usage(p->mm, &u);
	printk("Out of memory: Killed process %d (%s) total-vm:%ukB, "
	       "anon-rss:%ukB, file-rss:0kB, shmem-rss:%ukB, UID:0 "
	       "pgtables:%ukB oom_score_adj:0\n", p->pid, p->name,
	       u.total_vm * kb, u.anon_rss * kb, u.shmem_rss * kb,
	       u.pgtables * kb);
}

enum oom_action out_of_memory(bool *reclaimed)
{
	struct proc *victim;

	if (!*reclaimed) {
		*reclaimed = true;
		oom_reclaim();
		return OOM_RETRY;
	}
	/* A victim that faults again before it is gone dies, counted once. */
	if (oom_victim_pending())
		return current->oom_victim ? OOM_SELF : OOM_WAIT;
	victim = oom_select();
	if (!victim)
		return OOM_FAIL;
	oom_report(victim);
	mm_count_kill(true);
	victim->oom_victim = true;
	if (victim == current)
		return OOM_SELF;
	proc_terminate(victim, SIGKILL);
	return OOM_RETRY;
}
