/*
 * The machine's processors as the kernel sees them: which the firmware
 * lists, which the command line lets the kernel use, which are online.
 */
#ifndef ARCH_I386_CPUS_H
#define ARCH_I386_CPUS_H

#include "smp_tables.h"

/* One usable CPU; slot 0 is always the boot CPU. */
struct cpu_slot {
	uint8_t apic_id;
	bool online;
};

/* What the firmware tables said (source NONE when none was verified). */
extern struct smp_config smp_firmware;

/* The CPUs the kernel may use, boot CPU first; at least one. */
extern struct cpu_slot cpu_slots[SMP_MAX_CPUS];
extern unsigned int nr_cpu_slots;

/*
 * cpus_discover - read the firmware tables (ACPI MADT, else MP), find the
 * boot CPU among them by its local APIC id, and fill cpu_slots with at
 * most @limit CPUs (@why names the limit in the report: "nosmp",
 * "maxcpus").  A CPU without a local APIC, or a machine whose tables
 * fail their checks, runs on the boot CPU alone.
 * Context: boot, after vmalloc_init() (tables are read through
 * memremap_ro()), one CPU.
 */
void cpus_discover(unsigned int limit, const char *why);

#endif /* ARCH_I386_CPUS_H */
