/*
 * The slab layer's boot stage: the boot caches and the kmalloc caches.
 *
 * Design.  slab_boot_init() is kmem_cache_init() plus the one boot option
 * that shapes it: "slab_debug" turns red zones, poisoning and the
 * per-object checks on for every kmalloc cache.  The slab layer needs
 * nothing but buddy frames in the direct map, so this stage runs right
 * after the zones are filled and before the VMM, whose bookkeeping lives
 * in slab caches.
 *
 * Locking: none; slab_boot_init() runs once at boot (kernel/mm_init.c),
 * one CPU, interrupts off.
 */
#include "cmdline.h"
#include "mm_init.h"
#include "mm/arch.h"
#include "mm/slab.h"

void slab_boot_init(void)
{
	bool debug = cmdline_has_flag("slab_debug");

	if (kmem_cache_init(debug ? SLAB_DEBUG : 0) != 0)
		panic("slab: cannot create the kmalloc caches");
	printk("slab: %u kmalloc caches, %u..%u bytes, debug %s\n",
	       KMALLOC_NR_CACHES, KMALLOC_MIN_SIZE, KMALLOC_MAX_CACHE_SIZE,
	       debug ? "on" : "off");
}
