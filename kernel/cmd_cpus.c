/*
 * The `cpus` console command: one line per usable CPU, as the kernel sees
 * it (APIC id, CPUID family and model where known, online or not, the
 * timer ticks it took, the IPIs it received, the TLB shootdowns it sent
 * and answered), the firmware table it came from, the scheduler's
 * context switches and kernel-lock waits, then the device interrupts'
 * controller and the routing of each ISA IRQ in use (irq_dump()).
 * `cpus ping` sends the ping IPI to each online AP and waits, with a
 * bound, for each one's count of received IPIs to move; `cpus ping all`
 * sends one IPI with the all-but-self shorthand instead.
 *
 * Context: the shell.
 */
#include "cpu.h"
#include "cpus.h"
#include "ipi.h"
#include "irq.h"
#include "lapic.h"
#include "percpu.h"
#include "proc.h"
#include "shell.h"
#include "tlb.h"
#include "trap.h"
#include "mm/arch.h"

#define PING_TIMEOUT_US	100000u

static bool cpu_online(unsigned int i)
{
	return __atomic_load_n(&cpu_slots[i].online, __ATOMIC_ACQUIRE);
}

static void cpus_line(unsigned int i)
{
	const struct cpu_slot *s = &cpu_slots[i];
	struct tlb_stats t;

	printk("cpu%u: apic %u", i, s->apic_id);
	if (i == 0 && cpu.has_cpuid)
		printk(", family %d model %d", cpu.family, cpu.model);
	if (!cpu_online(i)) {
		printk(", offline\n");
		return;
	}
	tlb_get_stats(i, &t);
	printk(", online%s, ticks %u, ipis %u, shootdowns %u sent %u "
	       "answered (%u pages, %u full, %u lazy)\n",
	       i == 0 ? ", boot" : "", percpu_read_remote(i, ticks),
	       percpu_read_remote(i, ipis), t.sent, t.received, t.pages,
	       t.full, t.lazy_leaves);
}

/* What a shootdown costs its sender, on average (TSC cycles). */
static void cpus_shootdown_cost(void)
{
	uint64_t cycles;
	uint32_t n;

	tlb_get_cost(&cycles, &n);
	printk("tlb: %u shootdowns, %llu cycles each on average\n", n,
	       n ? cycles / n : 0);
}

/* Send the ping to every online AP, one by one or all at once. */
static int cpus_ping_send(bool all, uint32_t *before)
{
	unsigned int i;
	int err = 0;

	for (i = 1; i < nr_cpu_slots; i++)
		before[i] = percpu_read_remote(i, ipis);
	if (all)
		return ipi_send_others(IPI_PING_VECTOR);
	for (i = 1; i < nr_cpu_slots; i++)
		if (cpu_online(i) && ipi_send(i, IPI_PING_VECTOR) < 0)
			err = -ETIMEDOUT;
	return err;
}

static int cpus_ping(bool all)
{
	uint32_t before[SMP_MAX_CPUS], us;
	unsigned int i, asked = 0, answered = 0;
	uint64_t sent;

	if (!lapic_present()) {
		printk("ping: no local APIC: no IPIs\n");
		return -ENODEV;
	}
	sent = rdtsc();
	cpus_ping_send(all, before);
	for (i = 1; i < nr_cpu_slots; i++) {
		if (!cpu_online(i))
			continue;
		asked++;
		if (ipi_ping_wait(i, before[i], sent, PING_TIMEOUT_US, &us)) {
			answered++;
			printk("ping: cpu%u (APIC id %u) answered in %u us\n",
			       i, cpu_slots[i].apic_id, us);
		} else {
			printk("ping: cpu%u (APIC id %u) did not answer within "
			       "%u ms\n", i, cpu_slots[i].apic_id,
			       PING_TIMEOUT_US / 1000);
		}
	}
	printk("ping: %u of %u CPUs answered\n", answered, asked);
	return answered == asked ? 0 : -ETIMEDOUT;
}

static int cmd_cpus(int argc, char **argv)
{
	unsigned int i;

	if (argc == 2 && strcmp(argv[1], "ping") == 0)
		return cpus_ping(false);
	if (argc == 3 && strcmp(argv[1], "ping") == 0 &&
	    strcmp(argv[2], "all") == 0)
		return cpus_ping(true);
	if (argc != 1) {
		printk("usage: cpus [ping [all]]\n");
		return -EINVAL;
	}
	for (i = 0; i < nr_cpu_slots; i++)
		cpus_line(i);
	printk("source: %s\n", smp_source_name(smp_firmware.source));
	printk("sched: %u context switches, %lu kernel lock waits\n",
	       sched_switch_count(), klock_contended());
	cpus_shootdown_cost();
	irq_dump();
	return 0;
}
SHELL_COMMAND(cpus, "cpus", "[ping [all]]",
	      "the CPUs the kernel may use; ping: an IPI to each online AP "
	      "(all: one to all others at once)", cmd_cpus);
