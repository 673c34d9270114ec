/*
 * Stress runs: the `stress SUBSYSTEM N SEED` console command
 * (kernel/cmd_stress.c) hands its arguments to the subsystem's stress
 * function; the helpers every run shares are kernel/stress.c's.
 *
 * Each stress function receives argv[0] = the subsystem ("buddy", "slab"),
 * argv[1] = N operations, argv[2] = SEED (both optional), runs N random
 * operations against a shadow record while checking invariants, gives
 * everything back, prints what it did and ends with a line
 * "stress SUBSYSTEM: ok" or "stress SUBSYSTEM: FAILED ...".
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
 * stress_args - parse "N SEED" (argv[1], argv[2]) with defaults.
 * Context: the shell.  Returns: 0, or -EINVAL (after a usage line).
 */
int stress_args(int argc, char **argv, uint32_t *n, uint32_t *seed);

/*
 * stress_next - the next number of a run's xorshift32 sequence; a zero
 * *state is replaced by a fixed non-zero seed first.
 * Context: any.  Returns: the number (never 0).
 */
uint32_t stress_next(uint32_t *state);

/*
 * stress_interrupted - whether the run should stop at @step of @n: every
 * STRESS_POLL_EVERY steps it polls the consoles for a Ctrl-C, and on one
 * prints "stress WHO: interrupted at op STEP of N".  The caller then
 * gives back what it holds and checks as after a full run.
 * Context: the shell.  Returns: true to stop.
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
