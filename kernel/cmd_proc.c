/*
 * Console commands of the process layer:
 *
 *  run PROG [ARGS]  start an embedded program and wait until it and all
 *                   its descendants have ended; then "PROG exited with
 *                   status N" (a killed program has said "segfault: ...");
 *                   Ctrl-C ends them all
 *  run              list the programs
 *  ps               the process table
 *  vmstat           fault counters by kind, FPU switches, injected
 *                   allocation failures, frames by use, free per zone
 *
 * Context: the shell (process 0), interrupts on between commands.
 */
#include "console.h"
#include "proc.h"
#include "shell.h"
#include "mm/fault_inject.h"
#include "usercopy.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"
#include "mm/zones.h"

/* Reap process 0's zombies; note @pid's status.  Interrupts off. */
static void reap_orphans(int pid, int *status)
{
	struct proc *p;
	bool again = true;

	while (again) {
		again = false;
		for (p = proc_first(); p; p = p->next) {
			if (p->parent != &proc0 || p->state != PROC_ZOMBIE)
				continue;
			if (p->pid == pid)
				*status = p->status;
			proc_reap(p);
			again = true;
			break;
		}
	}
}

static int cmd_run(int argc, char **argv)
{
	const struct user_prog *prog;
	int pid, status = -1;
	char name[PROC_NAME_LEN];
	struct proc *p;

	if (argc < 2) {
		printk("programs:");
		for (prog = user_prog_next(NULL); prog;
		     prog = user_prog_next(prog))
			printk(" %s", prog->name);
		printk("\n");
		return 0;
	}
	p = proc_spawn(argv[1], argc - 1, argv + 1);
	if (!p)
		return -ENOENT;
	pid = p->pid;
	memcpy(name, p->name, sizeof(name));
	for (;;) {
		unsigned long flags = arch_irq_save();

		reap_orphans(pid, &status);
		if (proc_count() == 0) {
			arch_irq_restore(flags);
			break;
		}
		if (console_interrupted()) {
			printk("^C\nrun: %s interrupted\n", name);
			proc_kill_all(SIGINT);
		} else if (sched_runnable()) {
			schedule();		/* back at our next turn */
		} else {
			__asm__ volatile("sti; hlt");
		}
		arch_irq_restore(flags);
	}
	proc_shrink_caches();
	if ((status & 0x7f) == 0)
		printk("%s exited with status %d\n", name,
		       (status >> 8) & 0xff);
	return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0 ? 0 : -1;
}
SHELL_COMMAND(run, "run", "[PROG ARGS]", "run a user program and wait",
	      cmd_run);

static int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	proc_dump();
	return 0;
}
SHELL_COMMAND(ps, "ps", "", "the process table", cmd_ps);

static void zone_lines(void)
{
	unsigned int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (zone_populated(&zones[z]))
			printk("nr_free_%s %u\n", zones[z].name,
			       zone_free_pages(&zones[z]));
}

static int cmd_vmstat(int argc, char **argv)
{
	struct vmalloc_stats vs;
	struct fault_stats fi;
	struct fpu_stats fs;
	struct vmm_stats ps;
	struct mm_stats s;

	(void)argc;
	(void)argv;
	mm_get_stats(&s);
	fpu_get_stats(&fs);
	vmm_stats(&ps);
	vmalloc_stats(&vs);
	printk("pgfault_demand_zero %llu\n", s.demand_zero);
	printk("pgfault_zero_page %llu\n", s.zero_page);
	printk("pgfault_image %llu\n", s.image_fill);
	printk("pgfault_cow_copy %llu\n", s.cow_copy);
	printk("pgfault_cow_reuse %llu\n", s.cow_reuse);
	printk("pgfault_stack_grow %llu\n", s.stack_grow);
	printk("pgfault_soft_wp %lu\n", usercopy_soft_faults);
	printk("segfault %llu\n", s.segfault);
	printk("oom_kill %llu\n", s.oom_kill);
	printk("fork %llu\n", s.forks);
	printk("fork_fail %llu\n", s.fork_fail);
	printk("fork_refused %llu\n", proc_forks_refused);
	printk("fpu_trap %llu\n", fs.traps);
	printk("fpu_restore %llu\n", fs.restores);
	printk("fpu_save %llu\n", fs.saves);
	fault_inject_get(FAULT_PAGE, NULL, &fi);
	printk("fault_inject_page %llu\n", fi.injected);
	fault_inject_get(FAULT_SLAB, NULL, &fi);
	printk("fault_inject_slab %llu\n", fi.injected);
	zone_lines();
	printk("nr_user_frames %u\n", s.user_frames);
	printk("nr_zero_page %u\n", mm_zero_pfn != PFN_NONE ? 1u : 0u);
	printk("nr_page_table %u\n", ps.pgtables);
	printk("nr_kernel_stack %u\n", proc_count() * KSTACK_PAGES);
	printk("nr_slab %lu\n", slab_total_frames());
	printk("nr_vmalloc %u\n", vs.pages);
	printk("nr_mm %u\n", s.spaces);
	printk("nr_vma %u\n", s.vmas);
	printk("nr_proc %u\n", proc_count());
	printk("nr_fpu_owner %u\n", fpu_owner() ? 1u : 0u);
	return 0;
}
SHELL_COMMAND(vmstat, "vmstat", "", "fault counters and frames by use",
	      cmd_vmstat);
