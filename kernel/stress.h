/*
 * Stress runs: the `stress SUBSYSTEM N SEED` console command
 * (kernel/cmd_stress.c) hands its arguments to the subsystem's stress
 * function; the helpers every run shares are kernel/stress.c's.
 *
 * Each stress function receives argv[0] = the subsystem ("buddy", "slab"),
 * argv[1] = N operations, argv[2] = SEED (both optional), runs N random
 * operations against a shadow record while checking invariants, gives
 * everything back, prints what it did and ends with a line
 * "stress SUBSYSTEM: ok" or "stress SUBSYSTEM: FAILED ...".  With
 * argv[3] = "all" every online CPU runs N operations at once, each with
 * its own record and seed (stress_cpu_seed()), through stress_on_cpus().
 */
#ifndef KERNEL_STRESS_H
#define KERNEL_STRESS_H

#include "mm/buddy.h"
#include "mm/testing/buddy.h"

/*
 * stress_buddy - random allocations and frees of random orders
 * (kernel/cmd_buddy.c).  stress_slab - random kmalloc, krealloc and
 * kfree of random sizes (kernel/cmd_slab.c).
 * Context: the shell (process context, interrupts on).
 * Returns: 0 if every check held, a negative errno otherwise.
 */
int stress_buddy(int argc, char **argv);
int stress_slab(int argc, char **argv);

/*
 * stress_args - parse "N SEED all" (argv[1..3]) with defaults (*all:
 * whether "all" was given).
 * Context: the shell.  Returns: 0, or -EINVAL (after a usage line).
 */
int stress_args(int argc, char **argv, uint32_t *n, uint32_t *seed,
		bool *all);

/*
 * stress_cpu_seed - CPU @cpu's seed in a run on every CPU: SEED itself
 * for the boot CPU (whose share is then the run without "all"), a
 * different sequence for each other CPU.
 * Context: any.  Returns: the seed.
 */
uint32_t stress_cpu_seed(uint32_t seed, unsigned int cpu);

/*
 * stress_on_cpus - run @share(cpu) on every online CPU at once: on each
 * other CPU from the call IPI (interrupts off, so a share must not
 * print: it records its result for the caller), on this one (the boot
 * CPU) directly; then wait until every other CPU has returned, up to
 * four times as long as this CPU's share took and at least
 * STRESS_WAIT_MIN_S seconds, polling for a Ctrl-C meanwhile (which
 * stops every share: stress_interrupted()).  *@cpus gets the CPUs that
 * ran a share, *@late those of them that had not returned in time (it
 * prints "stress WHO: FAILED: cpuN did not finish within S s" for each;
 * such a CPU may still be running its share).
 * Context: the shell, on the boot CPU.  Returns: 0, -ETIMEDOUT if a CPU
 * was late, -EBUSY (after a line) if a CPU did not take the call, or if
 * stress_busy() (then nothing ran: *@cpus is 0).
 */
#define STRESS_WAIT_MIN_S	10u
int stress_on_cpus(const char *who, void (*share)(unsigned int cpu),
		   uint32_t *cpus, uint32_t *late);

/*
 * stress_busy - whether a CPU late in an earlier run on every CPU is
 * still in its share (it would set a done bit of the next run, and
 * touches the records every run shares): then it prints "stress WHO:
 * CPUs 0x.. are still in an earlier run's share: not started".  Every
 * run checks it before it touches anything.
 * Context: the shell.  Returns: true if one is.
 */
bool stress_busy(const char *who);

/*
 * stress_verdict - the closing line: "stress WHO: FAILED (@error)" or,
 * @error being NULL, "stress WHO: ok".
 * Context: the shell.  Returns: -EINVAL or 0.
 */
int stress_verdict(const char *who, const char *error);

/*
 * A run on every CPU, as each subsystem describes it to stress_all():
 * @who its name; @share one CPU's share (stress_on_cpus()); @cpu_line
 * prints CPU c's line "stress WHO: cpuC ops N ... ok|FAILED (why)" and
 * says whether it was ok; @final_checks runs the checkers and compares
 * the free counts once every share is back, returning the first error
 * or NULL.  @snap is the snapshot taken before the shares started.
 */
struct stress_all_run {
	const char *who;
	void (*share)(unsigned int cpu);
	bool (*cpu_line)(unsigned int cpu);
	const char *(*final_checks)(void);
	const struct buddy_snapshot *snap;
};

/*
 * stress_all - run @run's shares on every online CPU, then print a line
 * per CPU, run the final checks, report each zone's free counts and end
 * with "stress WHO: ok" or "stress WHO: FAILED (...)".  A CPU that did
 * not finish ends the run FAILED with no check (it may still be running).
 * Context: the shell, on the boot CPU.  Returns: 0, -EINVAL if a check
 * failed, -ETIMEDOUT if a CPU did not finish.
 */
int stress_all(const struct stress_all_run *run);

/*
 * stress_shadow_flip - set (@taking) or clear bit @bit of the shadow
 * @map, atomically, so that CPUs sharing one map see each other's
 * marks.  Context: any.  Returns: true if the bit was in the other
 * state (false: a frame handed out twice, or lost).
 */
bool stress_shadow_flip(uint32_t *map, uint32_t bit, bool taking);

/*
 * stress_next - the next number of a run's xorshift32 sequence; a zero
 * *state is replaced by a fixed non-zero seed first.
 * Context: any.  Returns: the number (never 0).
 */
uint32_t stress_next(uint32_t *state);

/*
 * stress_interrupted - whether the run should stop at @step of @n: every
 * STRESS_POLL_EVERY steps the boot CPU polls the consoles for a Ctrl-C,
 * and on one prints "stress WHO: interrupted at op STEP of N" and raises
 * the flag that stops every CPU's share; another CPU reads that flag
 * only.  The caller then gives back what it holds and checks as after a
 * full run.
 * Context: the shell, or a share on another CPU.  Returns: true to stop.
 */
#define STRESS_POLL_EVERY	256
bool stress_interrupted(const char *who, uint32_t step, uint32_t n);

/*
 * stress_zones_report - print "stress WHO: zone Z free N before, M after"
 * for every populated zone, from a snapshot taken at the start.
 * Context: the shell.  Returns: nothing.
 */
void stress_zones_report(const char *who, const struct buddy_snapshot *snap);

#endif /* KERNEL_STRESS_H */
