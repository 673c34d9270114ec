#ifndef KERNEL_MM_INIT_H
#define KERNEL_MM_INIT_H

/*
 * Boot stages, in call order.  Declared weak while the tree grows: a stage
 * whose subsystem is not built yet is a no-op (and mm_init() says so).
 */
void bootmem_init(void);	/* kernel/bootmem.c: E820, memblock, zones, buddy */
void slab_boot_init(void);	/* kernel/cmd_slab.c: slab caches, kmalloc */
void vmm_boot_init(void);	/* kernel/vmm_boot.c: page tables, vmalloc, faults */
void proc_boot_init(void);	/* kernel/proc.c: processes and system calls */

/* Run every stage.  Context: early boot, interrupts off, once. */
void mm_init(void);

#endif /* KERNEL_MM_INIT_H */
