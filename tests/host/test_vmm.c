/*
 * Host tests of mm/vmm.c and mm/highmem.c over a simulated i386 MMU: the
 * page directory and tables are arena frames in the CPU's format, CR3 is
 * a variable, and every mapping is checked through vmm_translate() and
 * the raw entries (vmm_lookup()).  vmm_check() runs after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/testing/fault_inject.h"
#include "vmm_harness.h"

#define USER_VA		0x08048000u

static struct vmm_stats st(void)
{
	struct vmm_stats s;

	vmm_stats(&s);
	return s;
}

static void assert_maps(pfn_t pd, uintptr_t va, pfn_t pfn, unsigned int prot)
{
	pfn_t got;
	unsigned int got_prot;

	assert_int_equal(vmm_translate(pd, va, &got, &got_prot), 0);
	assert_int_equal(got, pfn);
	assert_int_equal(got_prot, prot);
}

static void assert_unmapped(pfn_t pd, uintptr_t va)
{
	assert_int_equal(vmm_translate(pd, va, NULL, NULL), -ENOENT);
}

/* The kernel directory: direct map rights, frame 0, holes, area tables. */
static void test_kernel_layout(void **state)
{
	const pfn_t nr = MiB(64) >> PAGE_SHIFT;
	struct vmm_stats s;
	arch_pte_t pde, pte;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	s = st();
	/* directory + 16 direct-map tables + 1 kernel-stack + 28 vmalloc +
	 * 1 kmap */
	assert_int_equal(s.pgtables, 1 + 16 + 1 + 28 + 1);
	assert_int_equal(s.kernel_pgtables, s.pgtables);
	assert_int_equal(s.large_pages, 0);
	assert_int_equal(s.direct_pages, nr - 1);
	assert_true(page_test(pfn_to_page(vmm_kernel_pd), PG_pgtable));

	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET);		/* NULL page */
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET + 0xfff);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0xb8000, 0xb8, MMU_WRITE);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(VMM_TEST_RO_START),
		    VMM_TEST_RO_START, 0);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(VMM_TEST_RO_END - 1),
		    VMM_TEST_RO_END - 1, 0);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(VMM_TEST_RO_END),
		    VMM_TEST_RO_END, MMU_WRITE);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(nr - 1) + 5, nr - 1,
		    MMU_WRITE);
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(nr));
	assert_unmapped(vmm_kernel_pd, KSTACK_AREA_START);
	assert_unmapped(vmm_kernel_pd, VMALLOC_START);
	assert_unmapped(vmm_kernel_pd, KMAP_BASE);

	/* the page-table window: the directory maps itself */
	assert_int_equal(vmm_lookup(vmm_kernel_pd, PGTABLE_WINDOW, &pde, &pte), 0);
	assert_int_equal(arch_pte_pfn(pde), vmm_kernel_pd);
	assert_int_equal(pde & (X86_PTE_P | X86_PTE_W | X86_PTE_U),
			 X86_PTE_P | X86_PTE_W);
	/* kernel-half directory entries never grant user access */
	assert_int_equal(vmm_lookup(vmm_kernel_pd, PAGE_OFFSET, &pde, &pte), 0);
	assert_int_equal(pde & X86_PTE_U, 0);
	assert_int_equal(pte, 0);
	/* the gap below the kernel stacks has no table; their area has one */
	assert_int_equal(vmm_lookup(vmm_kernel_pd, LOWMEM_VIRT_END, &pde, &pte),
			 -ENOENT);
	assert_int_equal(vmm_lookup(vmm_kernel_pd, KSTACK_AREA_START, &pde,
				    &pte), 0);
	assert_int_equal(pte, 0);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
	vmm_machine_shutdown();
}

/* RAM holes: ISA holes stay mapped (uncached), others are left out. */
static void test_kernel_layout_holes(void **state)
{
	const struct pfn_range ram[] = {
		{ 1, 0x9f }, { 0x100, 0x3000 }, { 0x3010, 0x4000 },
	};

	(void)state;
	vmm_machine_boot_ranges(MiB(64), ram, ARRAY_SIZE(ram), false);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0x9e000, 0x9e, MMU_WRITE);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0xa0000, 0xa0,
		    MMU_WRITE | MMU_NOCACHE);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0xb8000, 0xb8,
		    MMU_WRITE | MMU_NOCACHE);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0x2fff000, 0x2fff, MMU_WRITE);
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET + 0x3000000);
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET + 0x300f000);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0x3010000, 0x3010, MMU_WRITE);
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET + 0x4000000);
	assert_int_equal(st().direct_pages, 0x4000 - 1 - 0x10);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
	vmm_machine_shutdown();
}

/* PSE: 4 MiB entries for whole RAM chunks, 4 KiB pages for the rest. */
static void test_kernel_layout_pse(void **state)
{
	const struct pfn_range ram[] = { { 1, 0x3000 }, { 0x3010, 0x4000 } };
	arch_pte_t pde, pte;
	struct vmm_stats s;

	(void)state;
	vmm_machine_boot_ranges(MiB(64), ram, ARRAY_SIZE(ram), true);
	s = st();
	/* chunk 0 (frame 0, kernel) and chunk 12 (the hole) take tables */
	assert_int_equal(s.large_pages, 14);
	assert_int_equal(s.pgtables, 1 + 2 + 1 + 28 + 1);
	assert_int_equal(s.direct_pages, 1023 + 1024 - 16);
	assert_int_equal(vmm_lookup(vmm_kernel_pd, PAGE_OFFSET + MiB(5), &pde,
				    &pte), 0);
	assert_true(pde & X86_PTE_PS);
	assert_int_equal(pte, 0);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + MiB(5) + 0x3000,
		    (MiB(5) >> PAGE_SHIFT) + 3, MMU_WRITE);
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(VMM_TEST_RO_START),
		    VMM_TEST_RO_START, 0);
	assert_unmapped(vmm_kernel_pd, PAGE_OFFSET + 0x3000000);
	/* 4 MiB mappings cannot be edited page by page */
	assert_int_equal(vmm_map(vmm_kernel_pd, PAGE_OFFSET + MiB(8), 5, 0),
			 -EBUSY);
	assert_int_equal(vmm_unmap(vmm_kernel_pd, PAGE_OFFSET + MiB(8), NULL),
			 -EBUSY);
	assert_int_equal(vmm_protect(vmm_kernel_pd, PAGE_OFFSET + MiB(8), 0),
			 -EBUSY);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
	vmm_machine_shutdown();
}

/* Global pages: every kernel-half leaf is MMU_GLOBAL, nothing else is. */
static void test_kernel_layout_global(void **state)
{
	const struct pfn_range ram = { 1, MiB(64) >> PAGE_SHIFT };
	struct vmm_boot_layout l = vmm_test_layout(MiB(64), &ram, 1, true);
	arch_pte_t pde, pte;
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	vmm_reset();
	l.use_global = true;
	assert_int_equal(vmm_kernel_init(&l), 0);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0x1000, 1,
		    MMU_WRITE | MMU_GLOBAL);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + PFN_PHYS(VMM_TEST_RO_START),
		    VMM_TEST_RO_START, MMU_GLOBAL);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0xa0000, 0xa0,
		    MMU_WRITE | MMU_GLOBAL);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + MiB(9), MiB(9) >> PAGE_SHIFT,
		    MMU_WRITE | MMU_GLOBAL);			/* 4 MiB entry */
	assert_int_equal(vmm_map(vmm_kernel_pd, VMALLOC_START, 300, MMU_WRITE), 0);
	assert_maps(vmm_kernel_pd, VMALLOC_START, 300, MMU_WRITE | MMU_GLOBAL);
	assert_int_equal(vmm_protect(vmm_kernel_pd, VMALLOC_START, 0), 0);
	assert_maps(vmm_kernel_pd, VMALLOC_START, 300, MMU_GLOBAL);

	pd = vmm_pgdir_create();
	assert_int_equal(vmm_map(pd, USER_VA, 301, MMU_USER), 0);
	assert_maps(pd, USER_VA, 301, MMU_USER);	/* user pages never */
	/* directory entries (tables, the self-map) carry no G bit */
	assert_int_equal(vmm_lookup(pd, PGTABLE_WINDOW, &pde, &pte), 0);
	assert_int_equal(pde & X86_PTE_G, 0);
	assert_int_equal(vmm_lookup(pd, VMALLOC_START, &pde, &pte), 0);
	assert_int_equal(pde & X86_PTE_G, 0);
	assert_true(pte & X86_PTE_G);
	assert_int_equal(vmm_check(pd), 0);
	assert_int_equal(vmm_unmap(pd, USER_VA, NULL), 0);
	assert_int_equal(vmm_unmap(pd, VMALLOC_START, NULL), 0);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);

	vmm_reset();		/* the next build without it has no G bits */
	l.use_global = false;
	assert_int_equal(vmm_kernel_init(&l), 0);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + 0x1000, 1, MMU_WRITE);
	vmm_machine_shutdown();
}

/* User half: map, translate, protect, unmap; the table comes and goes. */
static void test_map_unmap_round_trip(void **state)
{
	uint32_t free0, tables0;
	pfn_t pd, old = 0;
	struct page *frame;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd = vmm_pgdir_create();
	assert_int_not_equal(pd, PFN_NONE);
	assert_int_equal(vmm_check(pd), 0);
	free0 = zones_total_free();
	tables0 = st().pgtables;
	frame = alloc_page(GFP_KERNEL);
	assert_non_null(frame);

	assert_int_equal(vmm_map(pd, USER_VA, page_to_pfn(frame),
				 MMU_WRITE | MMU_USER), 0);
	assert_int_equal(st().pgtables, tables0 + 1);
	assert_maps(pd, USER_VA + 0x123, page_to_pfn(frame),
		    MMU_WRITE | MMU_USER);
	assert_unmapped(vmm_kernel_pd, USER_VA);	/* not in other spaces */
	assert_int_equal(vmm_check(pd), 0);
	assert_int_equal(vmm_map(pd, USER_VA, 7, MMU_USER), -EEXIST);
	assert_maps(pd, USER_VA, page_to_pfn(frame), MMU_WRITE | MMU_USER);

	assert_int_equal(vmm_protect(pd, USER_VA, MMU_USER), 0);
	assert_maps(pd, USER_VA, page_to_pfn(frame), MMU_USER);
	assert_int_equal(vmm_protect(pd, USER_VA + PAGE_SIZE, 0), -ENOENT);

	assert_int_equal(vmm_unmap(pd, USER_VA, &old), 0);
	assert_int_equal(old, page_to_pfn(frame));
	assert_unmapped(pd, USER_VA);
	assert_int_equal(st().pgtables, tables0);
	assert_int_equal(st().tables_freed, 1);
	assert_int_equal(vmm_unmap(pd, USER_VA, NULL), -ENOENT);
	assert_int_equal(vmm_check(pd), 0);

	__free_pages(frame, 0);
	assert_int_equal(zones_total_free(), free0);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	vmm_machine_shutdown();
}

/* A table stays while any entry is left; two tables are independent. */
static void test_tables_freed_when_empty(void **state)
{
	const uintptr_t a = 0x00400000, b = 0x40000000;
	uint32_t tables0;
	unsigned int i;
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd = vmm_pgdir_create();
	tables0 = st().pgtables;
	for (i = 0; i < 8; i++) {
		assert_int_equal(vmm_map(pd, a + i * PAGE_SIZE, 300 + i, MMU_USER), 0);
		assert_int_equal(vmm_map(pd, b + i * PAGE_SIZE, 400 + i, MMU_USER), 0);
	}
	assert_int_equal(st().pgtables, tables0 + 2);
	assert_int_equal(vmm_check(pd), 0);
	for (i = 0; i < 7; i++) {
		assert_int_equal(vmm_unmap(pd, a + i * PAGE_SIZE, NULL), 0);
		assert_int_equal(vmm_check(pd), 0);
	}
	assert_int_equal(st().pgtables, tables0 + 2);
	assert_int_equal(vmm_unmap(pd, a + 7 * PAGE_SIZE, NULL), 0);
	assert_int_equal(st().pgtables, tables0 + 1);
	assert_maps(pd, b + 3 * PAGE_SIZE, 403, MMU_USER);
	for (i = 0; i < 8; i++)
		assert_int_equal(vmm_unmap(pd, b + i * PAGE_SIZE, NULL), 0);
	assert_int_equal(st().pgtables, tables0);
	assert_int_equal(vmm_check(pd), 0);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	vmm_machine_shutdown();
}

/* TLB flushes: on change of a live or kernel mapping only. */
static void test_tlb_flushes(void **state)
{
	unsigned long before;
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd = vmm_pgdir_create();
	before = host_tlb_page_flushes;
	assert_int_equal(vmm_map(pd, USER_VA, 300, MMU_USER), 0);
	assert_int_equal(vmm_protect(pd, USER_VA, MMU_USER | MMU_WRITE), 0);
	assert_int_equal(vmm_map(pd, USER_VA + PAGE_SIZE, 301, MMU_USER), 0);
	assert_int_equal(vmm_unmap(pd, USER_VA, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, before);	/* not live */

	vmm_switch(pd);
	assert_int_equal(arch_mmu_current(), pd);
	assert_int_equal(vmm_protect(pd, USER_VA + PAGE_SIZE, MMU_USER), 0);
	assert_int_equal(host_tlb_page_flushes, before + 1);
	/* last entry: the page, the window slot and the range are flushed */
	assert_int_equal(vmm_unmap(pd, USER_VA + PAGE_SIZE, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, before + 4);

	vmm_switch(vmm_kernel_pd);
	assert_int_equal(vmm_map(vmm_kernel_pd, VMALLOC_START, 300, MMU_WRITE), 0);
	assert_int_equal(vmm_unmap(pd, VMALLOC_START, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, before + 5);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	vmm_machine_shutdown();
}

/* Kernel mappings made after a space was created are seen in it. */
static void test_kernel_half_shared(void **state)
{
	pfn_t pd1, pd2;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd1 = vmm_pgdir_create();
	assert_int_equal(vmm_map(vmm_kernel_pd, VMALLOC_START + PAGE_SIZE, 321,
				 MMU_WRITE), 0);
	pd2 = vmm_pgdir_create();
	assert_maps(pd1, VMALLOC_START + PAGE_SIZE, 321, MMU_WRITE);
	assert_maps(pd2, VMALLOC_START + PAGE_SIZE, 321, MMU_WRITE);
	assert_maps(pd1, PAGE_OFFSET + 0x300000, 0x300, MMU_WRITE);
	assert_int_equal(vmm_map(pd2, KMAP_BASE, 322, MMU_WRITE), 0);
	assert_maps(vmm_kernel_pd, KMAP_BASE, 322, MMU_WRITE);
	assert_int_equal(vmm_check(pd1), 0);
	assert_int_equal(vmm_check(pd2), 0);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
	assert_int_equal(vmm_unmap(pd1, KMAP_BASE, NULL), 0);
	assert_int_equal(vmm_unmap(pd2, VMALLOC_START + PAGE_SIZE, NULL), 0);
	assert_unmapped(vmm_kernel_pd, VMALLOC_START + PAGE_SIZE);
	assert_int_equal(vmm_pgdir_destroy(pd1), 0);
	assert_int_equal(vmm_pgdir_destroy(pd2), 0);
	vmm_machine_shutdown();
}

static void test_bad_arguments(void **state)
{
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd = vmm_pgdir_create();
	assert_int_equal(vmm_map(pd, USER_VA + 1, 5, 0), -EINVAL);
	assert_int_equal(vmm_map(pd, PGTABLE_WINDOW, 5, 0), -EINVAL);
	assert_int_equal(vmm_map(pd, PGTABLE_WINDOW + MiB(1), 5, 0), -EINVAL);
	assert_int_equal(vmm_map(pd, LOWMEM_VIRT_END, 5, 0), -EINVAL);
	assert_int_equal(vmm_map(PFN_NONE, USER_VA, 5, 0), -EINVAL);
	assert_int_equal(vmm_map(300, USER_VA, 5, 0), -EINVAL); /* not a pd */
	assert_int_equal(vmm_unmap(pd, USER_VA + 2, NULL), -EINVAL);
	assert_int_equal(vmm_unmap(pd, USER_VA, NULL), -ENOENT);
	assert_int_equal(vmm_unmap(pd, VMALLOC_START, NULL), -ENOENT);
	assert_int_equal(vmm_protect(pd, USER_VA, 0), -ENOENT);
	assert_int_equal(vmm_translate(pd, USER_VA, NULL, NULL), -ENOENT);

	host_log_clear();
	assert_int_equal(vmm_pgdir_destroy(vmm_kernel_pd), -EINVAL);
	assert_true(host_log_contains("vmm: refused to destroy page directory pfn 0x"));
	vmm_switch(pd);
	assert_int_equal(vmm_pgdir_destroy(pd), -EINVAL);
	assert_int_equal(host_log_count("vmm: refused to destroy"), 2);
	vmm_switch(vmm_kernel_pd);
	assert_int_equal(vmm_check(pd), 0);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	vmm_machine_shutdown();
}

/* A directory destroyed with mappings left says so and frees its tables. */
static void test_pgdir_destroy_reports_leftovers(void **state)
{
	uint32_t free0;
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	free0 = zones_total_free();
	pd = vmm_pgdir_create();
	assert_int_equal(vmm_map(pd, USER_VA, 300, MMU_USER), 0);
	assert_int_equal(vmm_map(pd, 0x40000000, 301, MMU_USER), 0);
	assert_int_equal(vmm_map(pd, 0x40001000, 302, MMU_USER), 0);
	host_log_clear();
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	assert_true(host_log_contains(
		"destroyed with 3 pages still mapped"));
	assert_int_equal(zones_total_free(), free0);
	vmm_machine_shutdown();
}

/* Out of frames: the map fails cleanly, nothing half-done. */
static void test_map_out_of_memory(void **state)
{
	uint32_t free0, tables0;
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd = vmm_pgdir_create();
	free0 = zones_total_free();
	tables0 = st().pgtables;
	fault_test_fail_nth(1);
	assert_int_equal(vmm_map(pd, USER_VA, 300, MMU_USER), -ENOMEM);
	assert_int_equal(zones_total_free(), free0);
	assert_int_equal(st().pgtables, tables0);
	assert_unmapped(pd, USER_VA);
	assert_int_equal(vmm_check(pd), 0);
	assert_int_equal(vmm_map(pd, USER_VA, 300, MMU_USER), 0);
	assert_int_equal(vmm_unmap(pd, USER_VA, NULL), 0);

	fault_test_fail_nth(1);
	assert_int_equal(vmm_pgdir_create(), PFN_NONE);
	assert_int_equal(zones_total_free(), free0);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	vmm_machine_shutdown();
}

/* vmm_kernel_init() failing at every allocation leaks nothing. */
static void test_kernel_init_out_of_memory(void **state)
{
	const struct pfn_range ram = { 1, MiB(64) >> PAGE_SHIFT };
	struct vmm_boot_layout l = vmm_test_layout(MiB(64), &ram, 1, false);
	unsigned long n;
	uint32_t free0;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	assert_int_equal(vmm_kernel_init(&l), -EBUSY);
	vmm_reset();
	assert_int_equal(vmm_kernel_pd, PFN_NONE);
	free0 = zones_total_free();
	for (n = 1; n <= 47; n += 5) {
		fault_test_fail_nth(n);
		assert_int_equal(vmm_kernel_init(&l), -ENOMEM);
		assert_int_equal(vmm_kernel_pd, PFN_NONE);
		assert_int_equal(zones_total_free(), free0);
		assert_int_equal(st().pgtables, 0);
	}
	fault_test_fail_nth(0);
	assert_int_equal(vmm_kernel_init(&l), 0);
	assert_int_equal(zones_total_free(), free0 - 47);
	vmm_machine_shutdown();
}

/* The checker finds a corrupted count, a stray entry and a broken self-map. */
static void test_check_catches_corruption(void **state)
{
	arch_pte_t *dir;
	struct page *table;
	pfn_t pd;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	pd = vmm_pgdir_create();
	assert_int_equal(vmm_map(pd, USER_VA, 300, MMU_USER), 0);
	dir = arch_pgtable_virt(pd, ARCH_PD_SELF, pd);
	table = pfn_to_page(arch_pte_pfn(dir[arch_pdx(USER_VA)]));

	host_log_clear();
	table->owner++;
	assert_int_equal(vmm_check(pd), 1);
	assert_true(host_log_contains("vmm_check: V2 pd"));
	table->owner--;

	dir[ARCH_PD_SELF] ^= X86_PTE_W;
	assert_int_equal(vmm_check(pd), 1);
	assert_true(host_log_contains("vmm_check: V4 pd"));
	dir[ARCH_PD_SELF] ^= X86_PTE_W;

	dir[arch_pdx(VMALLOC_START)] = 0;
	assert_int_equal(vmm_check(pd), 1);
	assert_true(host_log_contains("vmm_check: V5 pd"));
	dir[arch_pdx(VMALLOC_START)] =
		arch_pgtable_virt(vmm_kernel_pd, ARCH_PD_SELF,
				  vmm_kernel_pd)[arch_pdx(VMALLOC_START)];
	assert_int_equal(vmm_check(pd), 0);
	assert_int_equal(vmm_unmap(pd, USER_VA, NULL), 0);
	assert_int_equal(vmm_pgdir_destroy(pd), 0);
	vmm_machine_shutdown();
}

static void test_fault_reasons(void **state)
{
	struct vmm_fault f = { .addr = 0, .ip = 0xc0100000 };

	(void)state;
	assert_string_equal(vmm_fault_reason(&f), "not-present read");
	f.write = true;
	assert_string_equal(vmm_fault_reason(&f), "not-present write");
	f.present = true;
	assert_string_equal(vmm_fault_reason(&f), "write to read-only");
	f.write = false;
	f.user = true;
	assert_string_equal(vmm_fault_reason(&f), "user read of kernel page");
	f.rsvd = true;
	assert_string_equal(vmm_fault_reason(&f), "reserved bit set");
	f.rsvd = false;
	f.user = false;
	f.addr = PAGE_OFFSET;
	assert_int_equal(vmm_fault(PFN_NONE, &f), -EFAULT);
}

/* kmap_local: HIGHMEM frames in stacked slots, others via the direct map. */
static void test_kmap_local(void **state)
{
	struct page *high1, *high2, *low;
	void *p1, *p2, *pl;
	unsigned long flushes;

	(void)state;
	vmm_machine_boot(GiB(1), false);
	high1 = alloc_page(GFP_HIGHUSER);
	high2 = alloc_page(GFP_HIGHUSER);
	low = alloc_page(GFP_KERNEL);
	assert_int_equal(page_zonenum(high1), ZONE_HIGHMEM);
	assert_int_equal(page_zonenum(high2), ZONE_HIGHMEM);

	pl = kmap_local(low);
	assert_ptr_equal(pl, page_address(low));
	assert_int_equal(kmap_local_depth(), 0);
	p1 = kmap_local(high1);
	p2 = kmap_local(high2);
	assert_int_equal((uintptr_t)p1, KMAP_BASE);
	assert_int_equal((uintptr_t)p2, KMAP_BASE + PAGE_SIZE);
	assert_int_equal(kmap_local_depth(), 2);
	assert_maps(vmm_kernel_pd, KMAP_BASE, page_to_pfn(high1), MMU_WRITE);
	assert_maps(vmm_kernel_pd, KMAP_BASE + PAGE_SIZE, page_to_pfn(high2),
		    MMU_WRITE);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);

	host_log_clear();
	assert_int_equal(kunmap_local(p1), -EINVAL);
	assert_true(host_log_contains(
		"kmap: kunmap_local of 0xff800000 out of order on CPU 0 (2 slots in use)"));
	assert_int_equal(kmap_local_refused(), 1);
	assert_int_equal(kmap_local_depth(), 2);

	flushes = host_tlb_page_flushes;
	assert_int_equal(kunmap_local((char *)p2 + 100), 0);
	assert_int_equal(host_tlb_page_flushes, flushes + 1);
	assert_unmapped(vmm_kernel_pd, KMAP_BASE + PAGE_SIZE);
	assert_int_equal(kunmap_local(p1), 0);
	assert_int_equal(kunmap_local(pl), 0);
	assert_int_equal(kmap_local_depth(), 0);
	assert_unmapped(vmm_kernel_pd, KMAP_BASE);
	assert_int_equal(kunmap_local(p1), -EINVAL);	/* nothing left */

	/* the slot is reused for another frame */
	p2 = kmap_local(high2);
	assert_int_equal((uintptr_t)p2, KMAP_BASE);
	assert_maps(vmm_kernel_pd, KMAP_BASE, page_to_pfn(high2), MMU_WRITE);
	assert_int_equal(kunmap_local(p2), 0);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
	__free_pages(high1, 0);
	__free_pages(high2, 0);
	__free_pages(low, 0);
	vmm_machine_shutdown();
}

/* --- range operations --------------------------------------------------- */

#define RANGE_VA	0x40000000u	/* 4 MiB aligned: tables at R, R+4M, R+8M */

struct frame_log {
	unsigned int calls;
	pfn_t last;
};

static void get_cb(void *arg, pfn_t pfn)
{
	struct frame_log *log = arg;

	get_page(pfn_to_page(pfn));
	log->calls++;
	log->last = pfn;
}

static void put_cb(void *arg, pfn_t pfn)
{
	struct frame_log *log = arg;

	put_page(pfn_to_page(pfn));
	log->calls++;
	log->last = pfn;
}

/* Map a fresh frame at @va of @pd with @prot; returns its pfn. */
static pfn_t map_new_frame(pfn_t pd, uintptr_t va, unsigned int prot)
{
	struct page *page = alloc_page(GFP_KERNEL);

	assert_non_null(page);
	assert_int_equal(vmm_map(pd, va, page_to_pfn(page), prot), 0);
	return page_to_pfn(page);
}

static bool pde_present(pfn_t pd, uintptr_t va)
{
	arch_pte_t pde, pte;

	return vmm_lookup(pd, va, &pde, &pte) == 0;
}

/*
 * Pages over three tables, copied and unmapped by ranges that start and
 * end inside a table: rights, refcounts, table counts and freeing.
 */
static void test_range_round_trip(void **state)
{
	const uintptr_t va[] = {
		RANGE_VA + 0x3fe000, RANGE_VA + 0x3ff000,	/* table 0 */
		RANGE_VA + 0x400000, RANGE_VA + 0x401000,	/* table 1 */
		RANGE_VA + 0x402000,
		RANGE_VA + 0x800000, RANGE_VA + 0x9ff000,	/* table 2 */
	};
	const uintptr_t lo = RANGE_VA + 0x3ff000, hi = RANGE_VA + 0xa00000;
	struct frame_log log = { 0, 0 };
	pfn_t src, dst, pfn[ARRAY_SIZE(va)];
	uint32_t free0, tables0;
	struct vmm_stats s0;
	unsigned int i;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	free0 = zones_total_free();
	src = vmm_pgdir_create();
	dst = vmm_pgdir_create();
	for (i = 0; i < ARRAY_SIZE(va); i++)
		pfn[i] = map_new_frame(src, va[i], MMU_USER |
				       (i == 3 ? 0 : MMU_WRITE));
	tables0 = st().pgtables;
	s0 = st();
	assert_int_equal(vmm_copy_range(dst, src, lo, hi, VMM_COPY_COW,
					get_cb, &log), 0);
	assert_int_equal(log.calls, ARRAY_SIZE(va) - 1);
	assert_int_equal(st().pgtables, tables0 + 3);
	assert_int_equal(st().maps - s0.maps, ARRAY_SIZE(va) - 1);
	assert_int_equal(st().protects - s0.protects, ARRAY_SIZE(va) - 2);
	assert_maps(src, va[0], pfn[0], MMU_USER | MMU_WRITE); /* outside */
	assert_unmapped(dst, va[0]);
	assert_int_equal(page_count(pfn_to_page(pfn[0])), 1);
	for (i = 1; i < ARRAY_SIZE(va); i++) {
		assert_maps(src, va[i], pfn[i], MMU_USER);
		assert_maps(dst, va[i], pfn[i], MMU_USER);
		assert_int_equal(page_count(pfn_to_page(pfn[i])), 2);
	}
	assert_int_equal(vmm_check(src) + vmm_check(dst), 0);

	/* the whole copy goes: every table of dst is freed */
	log.calls = 0;
	s0 = st();
	assert_int_equal(vmm_unmap_range(dst, lo, hi, put_cb, &log), 0);
	assert_int_equal(log.calls, ARRAY_SIZE(va) - 1);
	assert_int_equal(st().tables_freed - s0.tables_freed, 3);
	assert_int_equal(st().unmaps - s0.unmaps, ARRAY_SIZE(va) - 1);
	assert_int_equal(st().pgtables, tables0);
	for (i = 0; i < 3; i++)
		assert_false(pde_present(dst, RANGE_VA + i * MiB(4)));
	for (i = 1; i < ARRAY_SIZE(va); i++)
		assert_int_equal(page_count(pfn_to_page(pfn[i])), 1);

	/* partial tables: 0 and 1 keep an entry each, 2 goes */
	log.calls = 0;
	assert_int_equal(vmm_unmap_range(src, lo, RANGE_VA + 0x402000, put_cb,
					 &log), 0);
	assert_int_equal(log.calls, 3);
	assert_maps(src, va[0], pfn[0], MMU_USER | MMU_WRITE);
	assert_maps(src, va[4], pfn[4], MMU_USER);
	assert_unmapped(src, va[1]);
	assert_unmapped(src, va[2]);
	assert_int_equal(vmm_check(src), 0);
	assert_int_equal(vmm_unmap_range(src, RANGE_VA + 0x403000,
					 RANGE_VA + 0x800000, put_cb, &log), 0);
	assert_int_equal(log.calls, 3);		/* nothing mapped there */
	assert_int_equal(vmm_unmap_range(src, RANGE_VA + 0x800000, hi, put_cb,
					 &log), 0);
	assert_false(pde_present(src, RANGE_VA + MiB(8)));
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA + MiB(8),
					 put_cb, &log), 0);
	assert_int_equal(log.calls, ARRAY_SIZE(va));
	assert_int_equal(st().pgtables, tables0 - 3);
	assert_int_equal(vmm_check(src) + vmm_check(dst), 0);
	assert_int_equal(vmm_pgdir_destroy(src), 0);
	assert_int_equal(vmm_pgdir_destroy(dst), 0);
	assert_false(host_log_contains("still mapped"));
	assert_int_equal(zones_total_free(), free0);
	vmm_machine_shutdown();
}

/* Without COW, rights are copied as they are; no callback is allowed. */
static void test_copy_range_shared(void **state)
{
	pfn_t src, dst, a, b;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	src = vmm_pgdir_create();
	dst = vmm_pgdir_create();
	a = map_new_frame(src, RANGE_VA, MMU_USER | MMU_WRITE);
	b = map_new_frame(src, RANGE_VA + PAGE_SIZE, MMU_USER);
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA, RANGE_VA + MiB(1),
					0, NULL, NULL), 0);
	assert_maps(src, RANGE_VA, a, MMU_USER | MMU_WRITE);
	assert_maps(dst, RANGE_VA, a, MMU_USER | MMU_WRITE);
	assert_maps(dst, RANGE_VA + PAGE_SIZE, b, MMU_USER);
	assert_int_equal(page_count(pfn_to_page(a)), 1);	/* no callback */
	assert_int_equal(vmm_check(dst), 0);
	assert_int_equal(vmm_unmap_range(dst, RANGE_VA, RANGE_VA + MiB(1),
					 NULL, NULL), 0);
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA + MiB(1),
					 NULL, NULL), 0);
	assert_int_equal(page_count(pfn_to_page(a)), 1);
	__free_pages(pfn_to_page(a), 0);
	__free_pages(pfn_to_page(b), 0);
	assert_int_equal(vmm_pgdir_destroy(src), 0);
	assert_int_equal(vmm_pgdir_destroy(dst), 0);
	vmm_machine_shutdown();
}

/* One flush policy per range: nothing unless live, few pages, or all. */
static void test_range_flushes(void **state)
{
	unsigned long pages, full;
	pfn_t src, dst;
	unsigned int i;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	src = vmm_pgdir_create();
	dst = vmm_pgdir_create();
	for (i = 0; i < 40; i++)
		map_new_frame(src, RANGE_VA + i * PAGE_SIZE, MMU_USER | MMU_WRITE);
	pages = host_tlb_page_flushes;
	full = host_tlb_full_flushes;
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA, RANGE_VA + 4 *
					PAGE_SIZE, VMM_COPY_COW, NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages);		/* not live */
	vmm_switch(src);
	full = host_tlb_full_flushes;
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA + 4 * PAGE_SIZE,
					RANGE_VA + 8 * PAGE_SIZE, VMM_COPY_COW,
					NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages + 4);
	assert_int_equal(host_tlb_full_flushes, full);
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA + 8 * PAGE_SIZE,
					RANGE_VA + 40 * PAGE_SIZE, VMM_COPY_COW,
					NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages + 4 + 16);
	assert_int_equal(host_tlb_full_flushes, full + 1);
	/* read-only already: nothing to flush */
	assert_int_equal(vmm_unmap_range(dst, RANGE_VA, RANGE_VA + MiB(4),
					 NULL, NULL), 0);
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA, RANGE_VA + MiB(4),
					VMM_COPY_COW, NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages + 20);
	assert_int_equal(host_tlb_full_flushes, full + 1);

	/* unmap in the live space: 3 pages one by one, then a batch of 32 */
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA + 3 *
					 PAGE_SIZE, NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages + 23);
	assert_int_equal(vmm_unmap_range(src, RANGE_VA + 3 * PAGE_SIZE,
					 RANGE_VA + 35 * PAGE_SIZE, NULL,
					 NULL), 0);
	assert_int_equal(host_tlb_full_flushes, full + 2);
	/* the last 5: pages, then the emptied table's window slot and va */
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA + MiB(4),
					 NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages + 23 + 5 + 2);
	assert_false(pde_present(src, RANGE_VA));
	vmm_switch(vmm_kernel_pd);
	assert_int_equal(vmm_unmap_range(dst, RANGE_VA, RANGE_VA + MiB(4),
					 NULL, NULL), 0);
	assert_int_equal(host_tlb_page_flushes, pages + 30);

	/* kernel half: global entries, always page by page; tables stay */
	for (i = 0; i < 20; i++)
		assert_int_equal(vmm_map(vmm_kernel_pd, VMALLOC_START + i *
					 PAGE_SIZE, 300 + i, MMU_WRITE), 0);
	full = host_tlb_full_flushes;
	assert_int_equal(vmm_unmap_range(vmm_kernel_pd, VMALLOC_START,
					 VMALLOC_START + MiB(1), NULL, NULL),
			 0);
	assert_int_equal(host_tlb_page_flushes, pages + 50);
	assert_int_equal(host_tlb_full_flushes, full);
	assert_true(pde_present(vmm_kernel_pd, VMALLOC_START));
	assert_unmapped(vmm_kernel_pd, VMALLOC_START + 19 * PAGE_SIZE);
	assert_int_equal(vmm_check(vmm_kernel_pd) + vmm_check(src) +
			 vmm_check(dst), 0);
	assert_int_equal(vmm_pgdir_destroy(src), 0);
	assert_int_equal(vmm_pgdir_destroy(dst), 0);
	vmm_machine_shutdown();
}

/* Misuse is reported and refused; a refused range changes nothing. */
static void test_range_bad_arguments(void **state)
{
	struct frame_log log = { 0, 0 };
	pfn_t src, dst, a;

	(void)state;
	vmm_machine_boot_ranges(MiB(64), &(struct pfn_range){ 1, 0x4000 }, 1,
				true);
	src = vmm_pgdir_create();
	dst = vmm_pgdir_create();
	a = map_new_frame(src, RANGE_VA, MMU_USER | MMU_WRITE);
	host_log_clear();
	assert_int_equal(vmm_unmap_range(src, RANGE_VA + 1, RANGE_VA + MiB(1),
					 NULL, NULL), -EINVAL);
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA, NULL, NULL),
			 -EINVAL);
	assert_int_equal(vmm_unmap_range(src, PAGE_OFFSET - PAGE_SIZE,
					 PAGE_OFFSET + PAGE_SIZE, NULL, NULL),
			 -EINVAL);
	assert_int_equal(vmm_unmap_range(src, KMAP_BASE, PGTABLE_WINDOW +
					 PAGE_SIZE, NULL, NULL), -EINVAL);
	assert_int_equal(vmm_unmap_range(300, RANGE_VA, RANGE_VA + PAGE_SIZE,
					 NULL, NULL), -EINVAL);
	assert_int_equal(host_log_count("vmm: bad range 0x"), 5);
	assert_true(host_log_contains("vmm: bad range 0x40000001-0x40100000 in page directory pfn 0x"));
	assert_int_equal(vmm_copy_range(dst, src, VMALLOC_START, VMALLOC_START +
					PAGE_SIZE, 0, NULL, NULL), -EINVAL);
	assert_int_equal(host_log_count("vmm: bad range 0x"), 6);
	assert_int_equal(vmm_copy_range(src, src, RANGE_VA, RANGE_VA +
					PAGE_SIZE, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vmm_copy_range(300, src, RANGE_VA, RANGE_VA +
					PAGE_SIZE, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA, RANGE_VA +
					PAGE_SIZE, 0x80, NULL, NULL), -EINVAL);
	assert_int_equal(host_log_count("vmm: refused copy of 0x40000000-0x40001000 from page directory pfn 0x"),
			 3);
	/* a 4 MiB entry inside the range: -EBUSY */
	assert_int_equal(vmm_unmap_range(vmm_kernel_pd, PAGE_OFFSET + MiB(4),
					 PAGE_OFFSET + MiB(4) + PAGE_SIZE,
					 NULL, NULL), -EBUSY);
	assert_maps(vmm_kernel_pd, PAGE_OFFSET + MiB(4), MiB(4) >> PAGE_SHIFT,
		    MMU_WRITE);
	/* the destination maps a page of the range: -EEXIST, no change */
	assert_int_equal(vmm_map(dst, RANGE_VA + MiB(3), 301, MMU_USER), 0);
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA, RANGE_VA + MiB(4),
					VMM_COPY_COW, get_cb, &log), -EEXIST);
	assert_int_equal(log.calls, 0);
	assert_maps(src, RANGE_VA, a, MMU_USER | MMU_WRITE);
	assert_unmapped(dst, RANGE_VA);
	assert_int_equal(page_count(pfn_to_page(a)), 1);
	assert_int_equal(vmm_unmap(dst, RANGE_VA + MiB(3), NULL), 0);
	assert_int_equal(vmm_check(src) + vmm_check(dst), 0);
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA + PAGE_SIZE,
					 put_cb, &log), 0);
	assert_int_equal(vmm_pgdir_destroy(src), 0);
	assert_int_equal(vmm_pgdir_destroy(dst), 0);
	vmm_machine_shutdown();
}

/* No table for the destination: what was copied stays, and is counted. */
static void test_copy_range_out_of_memory(void **state)
{
	struct frame_log log = { 0, 0 };
	pfn_t src, dst, a, b;
	uint32_t free0;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	free0 = zones_total_free();
	src = vmm_pgdir_create();
	dst = vmm_pgdir_create();
	a = map_new_frame(src, RANGE_VA, MMU_USER | MMU_WRITE);
	b = map_new_frame(src, RANGE_VA + MiB(4), MMU_USER | MMU_WRITE);
	fault_test_fail_nth(2);
	assert_int_equal(vmm_copy_range(dst, src, RANGE_VA, RANGE_VA + MiB(8),
					VMM_COPY_COW, get_cb, &log), -ENOMEM);
	fault_test_fail_nth(0);
	assert_int_equal(log.calls, 1);
	assert_maps(dst, RANGE_VA, a, MMU_USER);
	assert_maps(src, RANGE_VA, a, MMU_USER);
	assert_maps(src, RANGE_VA + MiB(4), b, MMU_USER | MMU_WRITE);
	assert_false(pde_present(dst, RANGE_VA + MiB(4)));
	assert_int_equal(vmm_check(src) + vmm_check(dst), 0);
	assert_int_equal(vmm_unmap_range(dst, RANGE_VA, RANGE_VA + MiB(8),
					 put_cb, &log), 0);
	assert_int_equal(vmm_unmap_range(src, RANGE_VA, RANGE_VA + MiB(8),
					 put_cb, &log), 0);
	assert_int_equal(log.calls, 4);
	assert_int_equal(vmm_pgdir_destroy(src), 0);
	assert_int_equal(vmm_pgdir_destroy(dst), 0);
	assert_int_equal(zones_total_free(), free0);
	vmm_machine_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_layout),
		cmocka_unit_test(test_kernel_layout_holes),
		cmocka_unit_test(test_kernel_layout_pse),
		cmocka_unit_test(test_kernel_layout_global),
		cmocka_unit_test(test_map_unmap_round_trip),
		cmocka_unit_test(test_tables_freed_when_empty),
		cmocka_unit_test(test_tlb_flushes),
		cmocka_unit_test(test_kernel_half_shared),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_pgdir_destroy_reports_leftovers),
		cmocka_unit_test(test_map_out_of_memory),
		cmocka_unit_test(test_kernel_init_out_of_memory),
		cmocka_unit_test(test_check_catches_corruption),
		cmocka_unit_test(test_fault_reasons),
		cmocka_unit_test(test_kmap_local),
		cmocka_unit_test(test_range_round_trip),
		cmocka_unit_test(test_copy_range_shared),
		cmocka_unit_test(test_range_flushes),
		cmocka_unit_test(test_range_bad_arguments),
		cmocka_unit_test(test_copy_range_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
