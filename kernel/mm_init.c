/*
 * Memory bring-up order at boot.
 *
 * Design.  Each stage is a function of its subsystem's kernel glue
 * (kernel/mm_init.h says which file).  The order is what matters: the
 * boot-time allocator and zones first (they place the page descriptors
 * and hand free frames to the buddy allocator), then the slab layer (it
 * needs only buddy frames in the direct map), then the VMM (its
 * bookkeeping lives in slab caches), then processes.  A stage that
 * cannot do its work panics with the reason; there is no partial boot.
 * The `lockdebug` option is read first, while no lock has been taken, so
 * that lock debugging sees every acquisition from the start.
 *
 * Locking: none; early boot, one CPU, interrupts off.
 */
#include "cmdline.h"
#include "mm/lockdebug.h"
#include "mm_init.h"

void mm_init(void)
{
	if (cmdline_has_flag("lockdebug")) {
		lockdebug_enable();
		printk("lockdebug: checking recursion, foreign releases and the mm lock order\n");
	}
	bootmem_init();
	slab_boot_init();
	vmm_boot_init();
	proc_boot_init();
}
