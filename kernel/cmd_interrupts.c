/*
 * The `interrupts` console command: Linux's /proc/interrupts (the i386
 * layout with the controller type in one column): a header of the online
 * CPUs, one row per ISA IRQ a driver uses with its count on each CPU, its
 * controller ("IO-APIC-edge", "IO-APIC-level" or "XT-PIC") and its
 * driver; then LOC, each CPU's local APIC timer interrupts (when the
 * APIC timer ticks), and ERR, the spurious 8259 interrupts.
 *
 * Context: the shell.
 */
#include "cpus.h"
#include "irq.h"
#include "lapic.h"
#include "percpu.h"
#include "shell.h"
#include "trap.h"
#include "mm/arch.h"

/* The driver behind each ISA IRQ the kernel uses, by Linux's names. */
static const char *irq_driver(unsigned int irq)
{
	switch (irq) {
	case IRQ_TIMER:
		return "timer";
	case IRQ_KEYBOARD:
		return "i8042";
	case IRQ_COM1:
		return "serial";
	default:
		return "";
	}
}

static bool online(unsigned int cpu)
{
	return __atomic_load_n(&cpu_slots[cpu].online, __ATOMIC_ACQUIRE);
}

static void irq_row(unsigned int irq)
{
	unsigned int cpu;

	printk("%3u: ", irq);
	for (cpu = 0; cpu < nr_cpu_slots; cpu++)
		if (online(cpu))
			printk("%10u ", irq_count(cpu, irq));
	printk(" %14s  %s\n", irq_type_name(irq), irq_driver(irq));
}

static int cmd_interrupts(int argc, char **argv)
{
	uint16_t used = irq_used();
	unsigned int cpu, irq;

	(void)argv;
	if (argc != 1) {
		printk("usage: interrupts\n");
		return -EINVAL;
	}
	printk("           ");
	for (cpu = 0; cpu < nr_cpu_slots; cpu++)
		if (online(cpu))
			printk("CPU%-8u", cpu);
	printk("\n");
	for (irq = 0; irq < NR_ISA_IRQS; irq++)
		if (used & (1u << irq))
			irq_row(irq);
	if (lapic_present() && lapic_timer_count()) {
		printk("LOC: ");
		for (cpu = 0; cpu < nr_cpu_slots; cpu++)
			if (online(cpu))
				printk("%10u ", percpu_read_remote(cpu, ticks));
		printk("\n");
	}
	printk("ERR: %10u\n", irq_spurious_count());
	return 0;
}
SHELL_COMMAND(interrupts, "interrupts", "",
	      "interrupts per IRQ and CPU, as Linux's /proc/interrupts",
	      cmd_interrupts);
