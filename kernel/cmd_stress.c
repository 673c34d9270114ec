/*
 * The `stress` console command: one entry point for every subsystem's
 * randomized stress run ("stress buddy N SEED", "stress slab N SEED").
 *
 * Design.  The command only dispatches on its first word; each subsystem
 * implements its own stress function in its own file (kernel/stress.h).
 * stress_slab is a weak reference, so a kernel without the slab layer's
 * stress code still links and says so.  The pieces every run needs (the
 * random sequence, the per-zone report) live here once.
 *
 * Context: the shell (process context, interrupts on).
 */
#include "shell.h"
#include "stress.h"
#include "mm/arch.h"

#pragma weak stress_slab

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

void stress_zones_report(const char *who, const struct buddy_snapshot *snap)
{
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		if (zone_populated(&zones[i]))
			printk("stress %s: zone %s free %u before, %u after\n",
			       who, zones[i].name, snap->free_pages[i],
			       zone_free_pages(&zones[i]));
}

static int cmd_stress(int argc, char **argv)
{
	if (argc < 2) {
		printk("usage: stress buddy|slab [N [SEED]]\n");
		return -EINVAL;
	}
	if (strcmp(argv[1], "buddy") == 0)
		return stress_buddy(argc - 1, argv + 1);
	if (strcmp(argv[1], "slab") == 0) {
		if (stress_slab)
			return stress_slab(argc - 1, argv + 1);
		printk("stress: slab stress is not built into this kernel\n");
		return -ENOENT;
	}
	printk("stress: no subsystem '%s' (buddy, slab)\n", argv[1]);
	return -ENOENT;
}
SHELL_COMMAND(stress, "stress", "buddy|slab [N [SEED]]",
	      "random allocations against a shadow record, then check",
	      cmd_stress);
