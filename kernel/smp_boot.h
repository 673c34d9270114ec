/*
 * The multiprocessor stage of boot (kernel/smp_boot.c).
 */
#ifndef KERNEL_SMP_BOOT_H
#define KERNEL_SMP_BOOT_H

/*
 * smp_boot_init - apply "nosmp" and "maxcpus=N" and discover the CPUs.
 * Context: boot, after the VMM stage of mm_init(), on the boot CPU.
 */
void smp_boot_init(void);

#endif /* KERNEL_SMP_BOOT_H */
