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
 * Every CPU at once ("stress ... all").  The boot CPU hands each other
 * online CPU its share through the call IPI (arch/i386/ipi.c), runs its
 * own, then waits for the others' done bits.  A share runs in the call's
 * handler with interrupts off: it takes no interrupt, so a drain the
 * allocators ask of it is honoured at its next allocator entry rather
 * than by the drain IPI, and it prints nothing (the console is the boot
 * CPU's); each records its result where the boot CPU reads it once its
 * done bit is set.  Only the boot CPU polls for a Ctrl-C; it raises
 * stress_stop, which every share reads at its poll points.  The wait is
 * bounded by the boot CPU's own time, as every share has the same work.
 *
 * Locking: none; the shell (process context, interrupts on), and the
 * shares on other CPUs.  stress_stop and stress_done are atomic; a
 * share's record is written by its CPU before its done bit (release)
 * and read by the boot CPU after it (acquire).  The zone report reads
 * free counts without the zone lock (single words).
 */
#include "console.h"
#include "cpus.h"
#include "ipi.h"
#include "shell.h"
#include "stress.h"
#include "tlb.h"
#include "mm/arch.h"

#define STRESS_DEFAULT_OPS	10000u
#define STRESS_DEFAULT_SEED	1u

int stress_args(int argc, char **argv, uint32_t *n, uint32_t *seed,
		bool *all)
{
	uint64_t v;

	*n = STRESS_DEFAULT_OPS;
	*seed = STRESS_DEFAULT_SEED;
	*all = false;
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
	if (argc > 3) {
		if (argc > 4 || strcmp(argv[3], "all") != 0)
			goto usage;
		*all = true;
	}
	return 0;
usage:
	printk("usage: stress %s [N [SEED [all]]]\n", argv[0]);
	return -EINVAL;
}

uint32_t stress_cpu_seed(uint32_t seed, unsigned int cpu)
{
	return seed + cpu * 0x9e3779b9u;	/* 2^32 / golden ratio */
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

static unsigned int stress_stop;	/* the boot CPU saw a Ctrl-C */
static uint32_t stress_done;		/* bit c: CPU c's share returned */
static uint32_t stress_started;		/* bit c: CPU c took its share */
static void (*stress_share)(unsigned int cpu);

bool stress_interrupted(const char *who, uint32_t step, uint32_t n)
{
	if (step % STRESS_POLL_EVERY != 0)
		return false;
	if (arch_cpu_id() != 0) {
		tlb_answer();	/* a share runs with interrupts off */
		return __atomic_load_n(&stress_stop, __ATOMIC_ACQUIRE);
	}
	if (!console_interrupted())
		return false;
	printk("stress %s: interrupted at op %u of %u\n", who, step, n);
	__atomic_store_n(&stress_stop, 1, __ATOMIC_RELEASE);
	return true;
}

bool stress_shadow_flip(uint32_t *map, uint32_t bit, bool taking)
{
	uint8_t was;

	if (taking)
		__asm__ volatile("lock btsl %2, %0; setc %1"
				 : "+m"(map[bit / 32]), "=q"(was)
				 : "r"(bit % 32) : "memory", "cc");
	else
		__asm__ volatile("lock btrl %2, %0; setc %1"
				 : "+m"(map[bit / 32]), "=q"(was)
				 : "r"(bit % 32) : "memory", "cc");
	return was != taking;
}

bool stress_busy(const char *who)
{
	uint32_t busy = stress_started &
			~__atomic_load_n(&stress_done, __ATOMIC_ACQUIRE);

	if (busy)
		printk("stress %s: CPUs 0x%x are still in an earlier run's share: not started\n",
		       who, busy);
	return busy != 0;
}

/* The call IPI's function on another CPU: its share, then its done bit. */
static void stress_share_call(void)
{
	unsigned int cpu = arch_cpu_id();

	stress_share(cpu);
	__atomic_or_fetch(&stress_done, 1u << cpu, __ATOMIC_RELEASE);
}

/* Hand every other online CPU its share; returns those that took it. */
static uint32_t stress_start_others(const char *who, bool *refused)
{
	uint32_t cpus = 0;
	unsigned int c;
	int err;

	for (c = 1; c < nr_cpu_slots && c < MM_MAX_CPUS; c++) {
		if (!__atomic_load_n(&cpu_slots[c].online, __ATOMIC_ACQUIRE))
			continue;
		err = ipi_call(c, stress_share_call);
		if (err) {
			printk("stress %s: cpu%u did not take its share (error %d)\n",
			       who, c, err);
			*refused = true;
			continue;
		}
		cpus |= 1u << c;
	}
	return cpus;
}

/* Wait up to @limit_us for @cpus to be done, taking a Ctrl-C. */
static uint32_t stress_wait_others(const char *who, uint32_t cpus,
				   uint32_t limit_us)
{
	uint32_t start = arch_usecs();

	while ((__atomic_load_n(&stress_done, __ATOMIC_ACQUIRE) & cpus) !=
	       cpus) {
		if (arch_usecs() - start > limit_us)
			break;
		if (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED) &&
		    console_interrupted()) {
			printk("stress %s: interrupted while the other CPUs run\n",
			       who);
			__atomic_store_n(&stress_stop, 1, __ATOMIC_RELEASE);
		}
		arch_cpu_relax();
	}
	return cpus & ~__atomic_load_n(&stress_done, __ATOMIC_ACQUIRE);
}

int stress_on_cpus(const char *who, void (*share)(unsigned int cpu),
		   uint32_t *cpus, uint32_t *late)
{
	uint32_t start, took, limit;
	bool refused = false;
	unsigned int c;

	*cpus = *late = 0;
	if (stress_busy(who))
		return -EBUSY;
	__atomic_store_n(&stress_stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&stress_done, 0, __ATOMIC_RELAXED);
	stress_share = share;
	start = arch_usecs();
	*cpus = stress_start_others(who, &refused);
	stress_started = *cpus;
	share(0);
	took = arch_usecs() - start;
	limit = took > 900000000u ? 3600000000u : 4 * took;
	limit = MAX(limit, STRESS_WAIT_MIN_S * 1000000u);
	*late = stress_wait_others(who, *cpus, limit);
	*cpus |= 1u;
	for (c = 1; c < MM_MAX_CPUS; c++)
		if (*late & (1u << c))
			printk("stress %s: cpu%u did not finish within %u s\n",
			       who, c, limit / 1000000u);
	if (*late)
		return -ETIMEDOUT;
	return refused ? -EBUSY : 0;
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

int stress_all(const struct stress_all_run *run)
{
	uint32_t cpus, late;
	const char *error;
	unsigned int c, bad = 0;

	if (stress_on_cpus(run->who, run->share, &cpus, &late) == -ETIMEDOUT) {
		printk("stress %s: FAILED (a CPU did not finish; no check run)\n",
		       run->who);
		return -ETIMEDOUT;
	}
	if (!cpus)
		return stress_verdict(run->who, "nothing ran");
	for (c = 0; c < MM_MAX_CPUS; c++)
		if (cpus & (1u << c))
			bad += !run->cpu_line(c);
	error = run->final_checks();
	stress_zones_report(run->who, run->snap);
	if (!error && bad)
		error = "a CPU's share failed";
	return stress_verdict(run->who, error);
}

int stress_verdict(const char *who, const char *error)
{
	if (error) {
		printk("stress %s: FAILED (%s)\n", who, error);
		return -EINVAL;
	}
	printk("stress %s: ok\n", who);
	return 0;
}
