/*
 * What every stress run shares: its arguments, its random sequence and
 * its closing per-zone report.
 *
 * Design.  Each subsystem's stress run (stress_buddy() in
 * kernel/cmd_buddy.c, stress_slab() in kernel/cmd_slab.c) is its own; the
 * `stress` command (kernel/cmd_stress.c) only dispatches to them.  What
 * they have in common lives here once, so that the runs depend on this
 * file and nothing depends back on them but the command.  The random
 * sequence is xorshift32: cheap, seedable from the console, and the same
 * on every CPU, so a failing seed can be replayed.
 *
 * Locking: none; the shell (process context, interrupts on).  The zone
 * report reads free counts without the zone lock (single words).
 */
#include "console.h"
#include "shell.h"
#include "stress.h"
#include "mm/arch.h"

#define STRESS_DEFAULT_OPS	10000u
#define STRESS_DEFAULT_SEED	1u

int stress_args(int argc, char **argv, uint32_t *n, uint32_t *seed)
{
	uint64_t v;

	*n = STRESS_DEFAULT_OPS;
	*seed = STRESS_DEFAULT_SEED;
	if (argc > 1) {
		if (shell_parse_u64(argv[1], &v) || v > 0xffffffffu)
			goto usage;
		*n = (uint32_t)v;
	}
	if (argc > 2) {
		if (shell_parse_u64(argv[2], &v) || v > 0xffffffffu)
			goto usage;
		*seed = (uint32_t)v;
	}
	if (argc <= 3)
		return 0;
usage:
	printk("usage: stress %s [N [SEED]]\n", argv[0]);
	return -EINVAL;
}

uint32_t stress_next(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x2545f491u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

bool stress_interrupted(const char *who, uint32_t step, uint32_t n)
{
	if (step % STRESS_POLL_EVERY != 0 || !console_interrupted())
		return false;
	printk("stress %s: interrupted at op %u of %u\n", who, step, n);
	return true;
}

void stress_zones_report(const char *who, const struct buddy_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		if (zone_populated(&zones[i]))
			printk("stress %s: zone %s free %u before, %u after\n",
			       who, zones[i].name, snap->free_pages[i],
			       zone_free_pages(&zones[i]));
}
