/*
 * Console commands of the process layer:
 *
 *  run PROG [ARGS] [& PROG [ARGS]]...
 *                   start embedded programs (up to RUN_MAX, side by side:
 *                   none is another's parent) and wait until they, their
 *                   descendants and any background process have ended;
 *                   then "PROG exited with status N" for each that exited
 *                   (a killed program has said why); Ctrl-C ends them all
 *  run -n N PROG [ARGS]
 *                   start N copies (1 to RUN_MAX) of one program side by
 *                   side and wait, as above
 *  run PROG [ARGS] [& PROG [ARGS]]... &
 *                   start them in the background: "[PID] PROG" each, and
 *                   the prompt at once.  While the shell waits for a key,
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

#define RUN_MAX		8	/* programs one `run` starts together */

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

/* The console's idle work: the shell waits for a key, others may run. */
static bool run_background(void)
{
	if (!sched_runnable())
		return false;
	klock_acquire();
	schedule();
	klock_release();
	return true;
}

static void list_programs(void)
{
	const struct user_prog *prog;

	printk("programs:");
	for (prog = user_prog_next(NULL); prog; prog = user_prog_next(prog))
		printk(" %s", prog->name);
	printk("\n");
}

/* Start "PROG ARGS" (@argv[0..argc)) as the next of @rs.  0 or -ENOENT. */
static int run_spawn(struct run_set *rs, int argc, char **argv)
{
	struct proc *p = proc_spawn(argv[0], argc, argv);

	if (!p)
		return -ENOENT;
	rs->pid[rs->n] = p->pid;
	rs->status[rs->n] = -1;
	memcpy(rs->name[rs->n], p->name, PROC_NAME_LEN);
	rs->n++;
	return 0;
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
		for (j = i; j < argc && strcmp(argv[j], "&") != 0; j++)
			;
		if (j == i || rs->n == RUN_MAX) {
			printk("run: at most %u programs, split by '&'\n",
			       RUN_MAX);
			return -EINVAL;
		}
		if (run_spawn(rs, j - i, argv + i) != 0)
			return -ENOENT;
		i = j + 1;
	}
	return 0;
}

/* Start @n copies of "PROG ARGS" (@argv[0..argc)).  Returns: as spawn_all(). */
static int spawn_copies(uint64_t n, int argc, char **argv,
			struct run_set *rs)
{
	if (n == 0 || n > RUN_MAX) {
		printk("run: -n takes 1 to %u copies\n", RUN_MAX);
		return -EINVAL;
	}
	while (rs->n < n)
		if (run_spawn(rs, argc, argv) != 0)
			return -ENOENT;
	return 0;
}

/* Start what the command line names: "-n N PROG ARGS" or '&' groups. */
static int spawn_named(int argc, char **argv, struct run_set *rs)
{
	uint64_t n;

	if (argc < 2 || strcmp(argv[1], "-n") != 0)
		return spawn_all(argc, argv, rs);
	if (argc < 4 || shell_parse_u64(argv[2], &n) != 0) {
		printk("run: -n N PROG [ARGS]\n");
		return -EINVAL;
	}
	return spawn_copies(n, argc - 3, argv + 3, rs);
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
			klock_release();	/* others may need it to end */
			__asm__ volatile("sti; hlt; cli" : : : "memory");
			klock_acquire();
		}
		arch_irq_restore(flags);
	}
}

static int cmd_run(int argc, char **argv)
{
	struct run_set rs = { .n = 0 };
	unsigned int i;
	int err, ret = 0;
	bool background;

	if (argc < 2) {
		list_programs();
		return 0;
	}
	background = argc > 2 && strcmp(argv[argc - 1], "&") == 0;
	if (background)
		argc--;
	err = spawn_named(argc, argv, &rs);
	if (background) {
		console_set_idle(run_background);
		for (i = 0; i < rs.n; i++)
			printk("[%d] %s\n", rs.pid[i], rs.name[i]);
		return err;
	}
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
SHELL_COMMAND(run, "run", "[-n N] [PROG ARGS [& PROG ARGS]... [&]]",
	      "run user programs together and wait (a last &: in the background)",
	      cmd_run);

static int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	proc_dump();
	return 0;
}
SHELL_COMMAND(ps, "ps", "", "the process table", cmd_ps);
