/*
 * The multiprocessor stage of boot: the boot CPU's local APIC (its tick
 * moves there), the command line's say on how many CPUs to use, CPU
 * discovery, the device interrupts moved to the IO-APIC the firmware
 * lists, then the start of the other usable CPUs.
 *
 * "nosmp" keeps the boot CPU alone; "maxcpus=N" keeps the first N usable
 * CPUs (N = 0 is taken as 1: the boot CPU always runs).  "fail_ap_start=N"
 * sends CPU N its INIT but no STARTUP, so that it never answers: the
 * path of a CPU that does not start, on a machine whose CPUs all do.  A
 * malformed value is reported and ignored, never guessed at.  "noapic"
 * keeps the device interrupts on the 8259 PIC; "nosmp" does not (as in
 * Linux: one CPU still takes them through the IO-APIC).
 *
 * Context: boot, once, after the VMM is up (discovery maps the firmware
 * tables), on the boot CPU.
 */
#include "cmdline.h"
#include "cpus.h"
#include "irq.h"
#include "lapic.h"
#include "smp.h"
#include "acpi_reclaim.h"
#include "smp_boot.h"
#include "mm/arch.h"

#define MAXCPUS_NONE	0xffffffffu

/* The value of "@name=N", or MAXCPUS_NONE if absent or malformed. */
static unsigned int number_option(const char *name)
{
	const char *val;
	size_t pos = 0, len, i;
	unsigned int n = 0;

	if (!cmdline_next_option(name, &pos, &val, &len))
		return MAXCPUS_NONE;
	for (i = 0; i < len && val[i] >= '0' && val[i] <= '9'; i++)
		n = MIN(n * 10 + (unsigned int)(val[i] - '0'), 1000u);
	if (len == 0 || i != len) {
		printk("smp: %s=%.*s: not a number, ignored\n", name,
		       (int)len, val);
		return MAXCPUS_NONE;
	}
	return n;
}

void smp_boot_init(void)
{
	unsigned int max = number_option("maxcpus");
	unsigned int silent = number_option("fail_ap_start");

	lapic_init();
	if (cmdline_has_flag("nosmp"))
		cpus_discover(1, "nosmp");
	else
		cpus_discover(max, "maxcpus");
	irq_route_init(cmdline_has_flag("noapic") ? "noapic" : NULL);
	acpi_reclaim_boot();		/* the tables are read and unmapped */
	smp_start_aps(silent == MAXCPUS_NONE ? 0 : silent);
}
