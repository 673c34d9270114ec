/*
 * The multiprocessor stage of boot (kernel/smp_boot.c).
 */
#ifndef KERNEL_SMP_BOOT_H
#define KERNEL_SMP_BOOT_H

/*
 * smp_boot_init - apply "nosmp" and "maxcpus=N", discover the CPUs, move
 * the device interrupts to the IO-APIC (unless "noapic") and start the
 * other CPUs.
 * Context: boot, after the VMM stage of mm_init(), on the boot CPU.
 */
void smp_boot_init(void);

#endif /* KERNEL_SMP_BOOT_H */
