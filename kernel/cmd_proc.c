/*
 * Console commands of the process layer:
 *
 *  run PROG [ARGS]  start an embedded program and wait until it and all
 *                   its descendants have ended; then "PROG exited with
 *                   status N" (a killed program has said "segfault: ...");
 *                   Ctrl-C ends them all
 *  run PROG [ARGS] &
 *                   start it in the background: "[PID] PROG", and the
 *                   prompt at once.  While the shell waits for a key,
 *                   runnable processes take the CPU (console_set_idle());
 *                   a key brings the shell back within a slice.  Their
 *                   zombies wait in `ps` for the next `run`, which waits
 *                   for them too (it waits until no process is left)
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

/* The console's idle work: the shell waits for a key, others may run. */
static bool run_background(void)
{
	if (!sched_runnable())
		return false;
	schedule();
	return true;
}

static int cmd_run(int argc, char **argv)
{
	const struct user_prog *prog;
	int pid, status = -1;
	char name[PROC_NAME_LEN];
	bool background = argc > 2 && strcmp(argv[argc - 1], "&") == 0;
	struct proc *p;

	if (argc < 2) {
		printk("programs:");
		for (prog = user_prog_next(NULL); prog;
		     prog = user_prog_next(prog))
			printk(" %s", prog->name);
		printk("\n");
		return 0;
	}
	if (background)
		argc--;
	p = proc_spawn(argv[1], argc - 1, argv + 1);
	if (!p)
		return -ENOENT;
	pid = p->pid;
	memcpy(name, p->name, sizeof(name));
	if (background) {
		console_set_idle(run_background);
		printk("[%d] %s\n", pid, name);
		return 0;
	}
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
SHELL_COMMAND(run, "run", "[PROG ARGS [&]]", "run a user program and wait (&: in the background)",
	      cmd_run);

static int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	proc_dump();
	return 0;
}
SHELL_COMMAND(ps, "ps", "", "the process table", cmd_ps);
