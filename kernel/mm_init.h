#ifndef KERNEL_MM_INIT_H
#define KERNEL_MM_INIT_H

/*
 * Boot stages, in call order, each defined by its subsystem's glue.
 * Context: early boot, interrupts off, once each, from mm_init().
 */
void bootmem_init(void);	/* kernel/bootmem.c: E820, memblock, zones, buddy */
void slab_boot_init(void);	/* kernel/slab_boot.c: slab caches, kmalloc */
void vmm_boot_init(void);	/* kernel/vmm_boot.c: page tables, vmalloc, faults */
void proc_boot_init(void);	/* kernel/proc_boot.c: processes and system calls */

/* Run every stage.  Context: early boot, interrupts off, once. */
void mm_init(void);

/*
 * The end of boot for fault injection (kernel/cmd_fault.c): the boot
 * options fail_page_alloc= and failslab= are applied and injection may
 * begin.  Context: kmain, once, when every boot allocation is done.
 */
void fault_boot(void);

#endif /* KERNEL_MM_INIT_H */
