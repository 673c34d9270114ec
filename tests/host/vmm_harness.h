/*
 * A booted machine with the kernel page directory built, for the VMM and
 * vmalloc host tests.
 *
 *	vmm_machine_boot(MiB(64), false);	machine + vmm_kernel_init()
 *	...
 *	vmm_machine_shutdown();			vmalloc, kmap, VMM, machine
 *
 * The slab layer is up (debug on) with vmalloc's descriptor cache.
 * The simulated kernel image: frames [1, 256) are reserved as in
 * machine_boot(); [VMM_TEST_RO_START, VMM_TEST_RO_END) stands for its text
 * and rodata (read-only in the direct map), and the buddy allocator gets
 * the frames from VMM_TEST_FREE_START up.
 */
#ifndef TESTS_HOST_VMM_HARNESS_H
#define TESTS_HOST_VMM_HARNESS_H

#include "mm/testing/fault_inject.h"
#include "machine.h"
#include "mmu.h"
#include "mm/highmem.h"
#include "mm/kstack.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

#define VMM_TEST_RO_START	0x100
#define VMM_TEST_RO_END		0x140
#define VMM_TEST_FREE_START	0x200

static inline struct vmm_boot_layout vmm_test_layout(uint64_t bytes,
						     const struct pfn_range *ram,
						     unsigned int nr_ram,
						     bool pse)
{
	pfn_t nr = (pfn_t)(bytes >> PAGE_SHIFT);
	struct vmm_boot_layout l = {
		.ram = ram,
		.nr_ram = nr_ram,
		.lowmem_end = nr < LOWMEM_PFN ? nr : LOWMEM_PFN,
		.isa_end = 0x100,
		.ro_start = VMM_TEST_RO_START,
		.ro_end = VMM_TEST_RO_END,
		.use_pse = pse,
	};
	return l;
}

/* Boot with usable RAM @ram (free from VMM_TEST_FREE_START) and build. */
static inline void vmm_machine_boot_ranges(uint64_t bytes,
					   const struct pfn_range *ram,
					   unsigned int nr_ram, bool pse)
{
	struct pfn_range free[8];
	struct vmm_boot_layout l;
	unsigned int i, n = 0;

	for (i = 0; i < nr_ram && n < 8; i++) {
		pfn_t start = ram[i].start > VMM_TEST_FREE_START ?
			      ram[i].start : VMM_TEST_FREE_START;

		if (start < ram[i].end)
			free[n++] = (struct pfn_range){ start, ram[i].end };
	}
	machine_boot_ranges(bytes, ram, nr_ram, free, n);
	host_mmu_reset();
	host_mmu_set_pse(pse);
	l = vmm_test_layout(bytes, ram, nr_ram, pse);
	if (vmm_kernel_init(&l) != 0)
		machine_die("vmm_kernel_init failed");
	if (kmem_cache_init(SLAB_DEBUG) != 0 || vmalloc_init() != 0)
		machine_die("no slab cache for vmalloc");
}

static inline void vmm_machine_boot(uint64_t bytes, bool pse)
{
	struct pfn_range ram = { 1, (pfn_t)(bytes >> PAGE_SHIFT) };

	vmm_machine_boot_ranges(bytes, &ram, 1, pse);
}

static inline void vmm_machine_shutdown(void)
{
	kstack_reset();
	vmalloc_reset();
	if (kmem_cache_teardown() != 0)
		machine_die("slab caches left busy");
	kmap_local_reset();
	vmm_reset();
	host_mmu_reset();
	fault_test_fail_nth(0);
	machine_shutdown();
}

#endif /* TESTS_HOST_VMM_HARNESS_H */
