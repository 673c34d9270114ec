/*
 * Console commands of the process layer:
 *
 *  run PROG [ARGS]  start an embedded program and wait until it and all
 *                   its descendants have ended; then "PROG exited with
 *                   status N" (a killed program has said "segfault: ...");
 *                   Ctrl-C ends them all
 *  run              list the programs
 *  ps               the process table
 *
 * (vmstat, maps and status are in kernel/cmd_procfs.c.)
 *
 * Context: the shell (process 0), interrupts on between commands.
 */
#include "console.h"
#include "proc.h"
#include "shell.h"

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
