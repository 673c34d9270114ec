/*
 * Memory bring-up order at boot.
 *
 * Each stage is a function of its subsystem's kernel glue.  The order is
 * what matters: the boot-time allocator and zones first (they place the
 * page descriptors and hand free frames to the buddy allocator), then the
 * slab layer (it needs only buddy frames in the direct map), then the VMM
 * (its bookkeeping lives in slab caches), then processes.
 *
 * The stages are weak references so that a kernel built without one of
 * them still boots; mm_init() names any stage that is missing.
 */
#include "mm/arch.h"
#include "mm_init.h"

#pragma weak bootmem_init
#pragma weak slab_boot_init
#pragma weak vmm_boot_init
#pragma weak proc_boot_init

static void run_stage(void (*stage)(void), const char *name)
{
	if (stage)
		stage();
	else
		printk("mm: %s not built into this kernel\n", name);
}

void mm_init(void)
{
	run_stage(bootmem_init, "bootmem_init");
	run_stage(slab_boot_init, "slab_boot_init");
	run_stage(vmm_boot_init, "vmm_boot_init");
	run_stage(proc_boot_init, "proc_boot_init");
}
