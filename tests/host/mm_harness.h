/*
 * A booted machine with the slab layer and the address-space caches up,
 * for the host tests of user address spaces (System V segments, the OOM
 * killer's weights), and user accesses made the way the CPU makes them.
 *
 *	mm_machine_boot();		machine, VMM, slab, mm_subsys_init()
 *	...
 *	mm_machine_shutdown();		checks every frame came back
 */
#ifndef TESTS_HOST_MM_HARNESS_H
#define TESTS_HOST_MM_HARNESS_H

#include "vmm_harness.h"
#include "mm/mm.h"
#include "mm/slab.h"

static uint32_t mm_boot_free;

static inline void mm_machine_boot(void)
{
	vmm_machine_boot(MiB(64), false);
	assert_int_equal(kmem_cache_init(SLAB_DEBUG), 0);
	assert_int_equal(mm_subsys_init(), 0);
	mm_boot_free = zones_total_free();
	host_log_clear();
}

/* No space, region or user frame left; every frame back; all torn down. */
static inline void mm_machine_shutdown(void)
{
	struct mm_stats s;

	mm_get_stats(&s);
	assert_int_equal(s.spaces, 0);
	assert_int_equal(s.vmas, 0);
	assert_int_equal(s.user_frames, 0);
	mm_shrink_caches();
	kmem_cache_shrink_all();
	if (zones_total_free() != mm_boot_free)
		fail_msg("%u free frames after the case, %u before",
			 zones_total_free(), mm_boot_free);
	assert_int_equal(buddy_check_all(), 0);
	mm_subsys_reset();
	assert_int_equal(kmem_cache_teardown(), 0);
	vmm_machine_shutdown();
}

/* The frame that maps user address @va. */
static inline pfn_t mm_pfn_at(struct mm *mm, uintptr_t va)
{
	pfn_t pfn;

	assert_int_equal(vmm_translate(mm->pd, va, &pfn, NULL), 0);
	return pfn;
}

/* The byte at user address @va, through the simulated MMU. */
static inline uint8_t *mm_uptr(struct mm *mm, uintptr_t va)
{
	return (uint8_t *)arch_phys_to_virt(PFN_PHYS(mm_pfn_at(mm, va))) +
	       (va & 0xfff);
}

/* A user access as the CPU raises it: a fault only if one is needed. */
static inline int mm_user_access(struct mm *mm, uintptr_t va, bool write,
				 const char **why)
{
	unsigned int prot, acc = FAULT_USER | (write ? FAULT_WRITE : 0);

	*why = NULL;
	if (vmm_translate(mm->pd, va, NULL, &prot) == 0) {
		if ((prot & MMU_USER) && (!write || (prot & MMU_WRITE)))
			return 0;
		acc |= FAULT_PRESENT;
	}
	return mm_fault(mm, va, acc, why);
}

#endif /* TESTS_HOST_MM_HARNESS_H */
