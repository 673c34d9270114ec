/*
 * acpi_reclaim: the frames of the firmware's "ACPI data" ranges (E820
 * type 3) given to the page allocator once CPU discovery has read the
 * tables, when the boot option `acpi_reclaim` asks for it (off by
 * default, as the frames are the firmware's until the kernel says it is
 * done with the tables).  "ACPI NVS" (type 4) is the firmware's for good
 * and never touched.
 */
#ifndef KERNEL_ACPI_RECLAIM_H
#define KERNEL_ACPI_RECLAIM_H

#include <stdint.h>

/*
 * acpi_reclaim_boot - with the option, give every frame of the cleaned
 * map's ACPI data ranges that a zone spans and the kernel image does not
 * hold to its zone's free maps, one line per range; without it, one line
 * saying how much stays reserved.
 * Context: boot, after cpus_discover() (no table is mapped any more) and
 * before the other CPUs start.
 */
void acpi_reclaim_boot(void);

/* Frames given back (0 without the option).  Context: any. */
uint32_t acpi_reclaimed_pages(void);

/* Print the ranges and what became of them (`memmap`).  Context: shell. */
void acpi_reclaim_print(void);

#endif /* KERNEL_ACPI_RECLAIM_H */
