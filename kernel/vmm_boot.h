/*
 * The VMM's boot stage: what vmm_boot_init() (declared in mm_init.h)
 * turned on and gave back, for the console commands.
 */
#ifndef KERNEL_VMM_BOOT_H
#define KERNEL_VMM_BOOT_H

#include "mm/types.h"

/* What vmm_boot_init() did.  Written once, at boot. */
struct vmm_boot_info {
	bool pse;	/* CR4.PSE: direct map in 4 MiB pages */
	bool pge;	/* CR4.PGE: the kernel half is global */
	bool wp;	/* CR0.WP: ring 0 obeys read-only pages */
	/* early page tables given to the buddy allocator */
	unsigned int early_tables_freed;
};

/*
 * vmm_boot_info - what the VMM's boot stage turned on and gave back.
 * Context: any.  Returns: the record (all zero before vmm_boot_init()).
 */
const struct vmm_boot_info *vmm_boot_info(void);

#endif /* KERNEL_VMM_BOOT_H */
