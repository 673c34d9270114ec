/*
 * Console commands of the process layer:
 *
 *  run PROG [ARGS] [& PROG [ARGS]]...
 *                   start embedded programs (up to RUN_MAX, side by side:
 *                   none is another's parent) and wait until they and all
 *                   their descendants have ended; then "PROG exited with
 *                   status N" for each that exited (a killed program has
 *                   said why); Ctrl-C ends them all
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
#include "mm/shm.h"
#include "usercopy.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"
#include "mm/zones.h"

#define RUN_MAX		4	/* programs one `run` starts together */

/* The programs of one `run`, in the order given. */
struct run_set {
	unsigned int n;
	int pid[RUN_MAX];
	int status[RUN_MAX];
	char name[RUN_MAX][PROC_NAME_LEN];
};

/* Reap process 0's zombies; note the status of those in @rs.  IRQs off. */
static void reap_orphans(struct run_set *rs)
{
	struct proc *p;
	bool again = true;
	unsigned int i;

	while (again) {
		again = false;
		for (p = proc_first(); p; p = p->next) {
			if (p->parent != &proc0 || p->state != PROC_ZOMBIE)
				continue;
			for (i = 0; i < rs->n; i++)
				if (p->pid == rs->pid[i])
					rs->status[i] = p->status;
			proc_reap(p);
			again = true;
			break;
		}
	}
}

static void list_programs(void)
{
	const struct user_prog *prog;

	printk("programs:");
	for (prog = user_prog_next(NULL); prog; prog = user_prog_next(prog))
		printk(" %s", prog->name);
	printk("\n");
}

/*
 * Start each "PROG ARGS" of @argv, the groups split by "&" words.
 * Returns: 0, -EINVAL (an empty group, too many), -ENOENT (no such
 * program, or no memory to load it); those started before run on.
 */
static int spawn_all(int argc, char **argv, struct run_set *rs)
{
	int i = 1, j;

	while (i < argc) {
		struct proc *p;

		for (j = i; j < argc && strcmp(argv[j], "&") != 0; j++)
			;
		if (j == i || rs->n == RUN_MAX) {
			printk("run: at most %u programs, split by '&'\n",
			       RUN_MAX);
			return -EINVAL;
		}
		p = proc_spawn(argv[i], j - i, argv + i);
		if (!p)
			return -ENOENT;
		rs->pid[rs->n] = p->pid;
		rs->status[rs->n] = -1;
		memcpy(rs->name[rs->n], p->name, PROC_NAME_LEN);
		rs->n++;
		i = j + 1;
	}
	return 0;
}

/* Run until every process started has been reaped, or Ctrl-C. */
static void run_wait(struct run_set *rs)
{
	for (;;) {
		unsigned long flags = arch_irq_save();

		reap_orphans(rs);
		if (proc_count() == 0) {
			arch_irq_restore(flags);
			break;
		}
		if (console_interrupted()) {
			printk("^C\nrun: %s interrupted\n", rs->name[0]);
			proc_kill_all(SIGINT);
		} else if (sched_runnable()) {
			schedule();		/* back at our next turn */
		} else {
			__asm__ volatile("sti; hlt");
		}
		arch_irq_restore(flags);
	}
}

static int cmd_run(int argc, char **argv)
{
	struct run_set rs = { .n = 0 };
	unsigned int i;
	int err, ret = 0;

	if (argc < 2) {
		list_programs();
		return 0;
	}
	err = spawn_all(argc, argv, &rs);
	run_wait(&rs);
	proc_shrink_caches();
	for (i = 0; i < rs.n; i++) {
		int st = rs.status[i];

		if ((st & 0x7f) == 0)
			printk("%s exited with status %d\n", rs.name[i],
			       (st >> 8) & 0xff);
		if ((st & 0x7f) != 0 || ((st >> 8) & 0xff) != 0)
			ret = -1;
	}
	return err ? err : ret;
}
SHELL_COMMAND(run, "run", "[PROG ARGS [& PROG ARGS]...]",
	      "run user programs together and wait", cmd_run);

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
	struct shm_stats ss;
	struct mm_stats s;

	(void)argc;
	(void)argv;
	mm_get_stats(&s);
	fpu_get_stats(&fs);
	vmm_stats(&ps);
	vmalloc_stats(&vs);
	shm_get_stats(&ss);
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
	printk("nr_shmem %u\n", ss.resident);
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
