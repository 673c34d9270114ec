/*
 * The `stress` console command: one entry point for every subsystem's
 * randomized stress run ("stress buddy N SEED", "stress slab N SEED",
 * each with "all" to run on every online CPU at once).
 *
 * Design.  The command only dispatches on its first word; each subsystem
 * implements its own stress function in its own command file, and the
 * pieces every run needs (arguments, the random sequence, the per-zone
 * report) are kernel/stress.c's (all declared in kernel/stress.h).
 *
 * Locking: none here; the shell (process context, interrupts on).
 */
#include "shell.h"
#include "stress.h"
#include "mm/arch.h"

static int cmd_stress(int argc, char **argv)
{
	if (argc < 2) {
		printk("usage: stress buddy|slab [N [SEED [all]]]\n");
		return -EINVAL;
	}
	if (strcmp(argv[1], "buddy") == 0)
		return stress_buddy(argc - 1, argv + 1);
	if (strcmp(argv[1], "slab") == 0)
		return stress_slab(argc - 1, argv + 1);
	printk("stress: no subsystem '%s' (buddy, slab)\n", argv[1]);
	return -ENOENT;
}
SHELL_COMMAND(stress, "stress", "buddy|slab [N [SEED [all]]]",
	      "random allocations against a shadow record, then check (all: on every CPU at once)",
	      cmd_stress);
