/*
 * The `cpus` console command: one line per usable CPU, as the kernel sees
 * it (APIC id, CPUID family and model where known, online or not, the
 * timer ticks it took and the IPIs it received), and the firmware table
 * it came from.
 *
 * Context: the shell.
 */
#include "cpu.h"
#include "cpus.h"
#include "percpu.h"
#include "shell.h"
#include "trap.h"
#include "mm/arch.h"

static void cpus_line(unsigned int i)
{
	const struct cpu_slot *s = &cpu_slots[i];

	printk("cpu%u: apic %u", i, s->apic_id);
	if (i == 0 && cpu.has_cpuid)
		printk(", family %d model %d", cpu.family, cpu.model);
	if (!s->online) {
		printk(", offline\n");
		return;
	}
	printk(", online%s, ticks %u, ipis %u\n", i == 0 ? ", boot" : "",
	       percpu_read_remote(i, ticks), percpu_read_remote(i, ipis));
}

static int cmd_cpus(int argc, char **argv)
{
	unsigned int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < nr_cpu_slots; i++)
		cpus_line(i);
	printk("source: %s\n", smp_source_name(smp_firmware.source));
	return 0;
}
SHELL_COMMAND(cpus, "cpus", "", "the CPUs the kernel may use", cmd_cpus);
