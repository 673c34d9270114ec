/*
 * The machine-level console commands: uptime/ticks, cpu, reboot, halt and
 * panic (which exists to test the panic path).
 *
 * Context: the shell.
 */
#include "cpu.h"
#include "shell.h"
#include "trap.h"
#include "mm/arch.h"

static int cmd_uptime(int argc, char **argv)
{
	uint64_t t = jiffies;
	uint32_t secs = (uint32_t)(t / PIT_HZ);

	(void)argc;
	(void)argv;
	printk("up %u.%02u s (%llu ticks at %u Hz)\n", secs,
	       (uint32_t)(t % PIT_HZ) * (100 / PIT_HZ), t, PIT_HZ);
	return 0;
}
SHELL_COMMAND(uptime, "uptime", "", "time since boot", cmd_uptime);

static int cmd_ticks(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("%llu\n", (uint64_t)jiffies);
	return 0;
}
SHELL_COMMAND(ticks, "ticks", "", "timer ticks since boot", cmd_ticks);

static int cmd_cpu(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("family %d, vendor %s, invlpg %s, PSE %s, PGE %s, TSC %s\n",
	       cpu.family, cpu.has_cpuid ? cpu.vendor : "(no cpuid)",
	       cpu.has_invlpg ? "yes" : "no", cpu.has_pse ? "yes" : "no",
	       cpu.has_pge ? "yes" : "no", cpu.has_tsc ? "yes" : "no");
	return 0;
}
SHELL_COMMAND(cpu, "cpu", "", "what CPUID reported", cmd_cpu);

static int cmd_reboot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("rebooting\n");
	arch_reboot();
}
SHELL_COMMAND(reboot, "reboot", "", "reset the machine", cmd_reboot);

static int cmd_halt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("halted\n");
	arch_halt(0);
}
SHELL_COMMAND(halt, "halt", "", "stop (leaves QEMU)", cmd_halt);

static int cmd_panic(int argc, char **argv)
{
	panic("requested from the console%s%s", argc > 1 ? ": " : "",
	      argc > 1 ? argv[1] : "");
}
SHELL_COMMAND(panic, "panic", "[WHY]", "test the panic path", cmd_panic);
