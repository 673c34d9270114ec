/*
 * `selftest vmm`: the VMM, vmalloc, kernel stacks and kmap_local on the
 * real MMU.
 *
 * Faults the cases cause on purpose go through the page-fault handler and
 * the exception table (arch_probe_read/arch_probe_write), so a case sees
 * -EFAULT where the MMU refused an access.  Every case gives back what it
 * took; the frame counts of each zone are compared before and after.
 *
 * Locking: none here; the shell, interrupts on, and the VMM's calls take
 * the locks they need.
 */
#include "cpu.h"
#include "mmu.h"
#include "proc.h"
#include "sections.h"
#include "selftest.h"
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/kstack.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

#define USER_TEST_VA	0x40000000u
#define CYCLE_PAGES	16u
#define CYCLE_MAX	((VMALLOC_END - VMALLOC_START) / ((CYCLE_PAGES + 1) * PAGE_SIZE))

static const char ro_string[] = "read-only data";
static volatile uint8_t rw_byte = 1;
static void *cycle_areas[CYCLE_MAX];

/* Free frames per zone, vmalloc's empty descriptor slabs given back. */
static void snapshot(struct zone_free *s)
{
	vmalloc_shrink();
	zone_free_take(s);
}

static const char *compare(const struct zone_free *before)
{
	const char *why;

	vmalloc_shrink();
	why = zone_free_compare(before);
	if (why)
		return why;
	if (vmm_check(arch_mmu_current()) || vmalloc_check() ||
	    kstack_check() || buddy_check_all())
		return selftest_fail("checkers found violations (see above)");
	return NULL;
}

static bool maps_writable(uintptr_t va, bool *writable)
{
	unsigned int prot;

	if (vmm_translate(arch_mmu_current(), va, NULL, &prot) != 0)
		return false;
	*writable = prot & MMU_WRITE;
	return true;
}

SELFTEST(vmm, kernel_layout)
{
	const arch_pte_t *window_pd =
		(const arch_pte_t *)(PGTABLE_WINDOW + ARCH_PD_SELF * PAGE_SIZE);
	bool w;

	if (arch_mmu_current() != vmm_kernel_pd)
		return selftest_fail("CR3 holds pfn 0x%x, not the kernel's 0x%x",
				     arch_mmu_current(), vmm_kernel_pd);
	if (vmm_translate(vmm_kernel_pd, PAGE_OFFSET, NULL, NULL) != -ENOENT)
		return selftest_fail("frame 0 is mapped at 0x%x", PAGE_OFFSET);
	if (!maps_writable((uintptr_t)__text_start, &w) || w)
		return selftest_fail("kernel text is not mapped read-only");
	if (!maps_writable((uintptr_t)__rodata_start, &w) || w)
		return selftest_fail("rodata is not mapped read-only");
	if (!maps_writable((uintptr_t)__data_start, &w) || !w)
		return selftest_fail("data is not mapped writable");
	if (!maps_writable(PAGE_OFFSET + 0xb8000, &w) || !w)
		return selftest_fail("the VGA buffer is not mapped");
	if (arch_pte_pfn(window_pd[ARCH_PD_SELF]) != vmm_kernel_pd)
		return selftest_fail("the page-table window shows entry 0x%08x",
				     window_pd[ARCH_PD_SELF]);
	if (!(read_cr0() & CR0_WP))
		return selftest_fail("CR0.WP is off");
	return vmm_check(vmm_kernel_pd) ? selftest_fail("vmm_check failed") : NULL;
}

SELFTEST(vmm, text_readonly_fault)
{
	unsigned long fixups = x86_fixups_taken;
	uint8_t *text = (uint8_t *)(uintptr_t)selftest_vmm_text_readonly_fault;
	uint8_t before = *text, v;

	if (arch_probe_write(text, 0xcc) != -EFAULT)
		return selftest_fail("write to kernel text at %p did not fault",
				     text);
	if (*text != before)
		return selftest_fail("kernel text changed");
	if (arch_probe_write((void *)ro_string, 'X') != -EFAULT ||
	    ro_string[0] != 'r')
		return selftest_fail("write to rodata did not fault");
	if (arch_probe_read((const void *)(uintptr_t)PAGE_OFFSET, &v) != -EFAULT)
		return selftest_fail("read of frame 0's page did not fault");
	if (arch_probe_write((void *)&rw_byte, 7) != 0 || rw_byte != 7)
		return selftest_fail("write to data faulted");
	if (x86_fixups_taken != fixups + 3)
		return selftest_fail("%lu fix-ups taken, expected 3",
				     x86_fixups_taken - fixups);
	return NULL;
}

SELFTEST(vmm, map_protect_unmap)
{
	pfn_t pd = arch_mmu_current();
	volatile uint32_t *va = (volatile uint32_t *)USER_TEST_VA;
	struct zone_free before;
	struct vmm_stats st0, st;
	struct page *page;
	uint8_t v;

	snapshot(&before);
	vmm_stats(&st0);
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return selftest_fail("no frame");
	if (vmm_map(pd, USER_TEST_VA, page_to_pfn(page), MMU_WRITE) != 0) {
		__free_pages(page, 0);
		return selftest_fail("vmm_map failed");
	}
	*va = 0x386c0de;
	if (*(uint32_t *)page_address(page) != 0x386c0de)
		return selftest_fail("the mapping shows another frame");
	if (vmm_protect(pd, USER_TEST_VA, 0) != 0)
		return selftest_fail("vmm_protect failed");
	if (arch_probe_write((void *)va, 1) != -EFAULT)
		return selftest_fail("write after vmm_protect(0) did not fault");
	if (arch_probe_read((const void *)va, &v) != 0)
		return selftest_fail("read of a read-only page faulted");
	if (vmm_unmap(pd, USER_TEST_VA, NULL) != 0)
		return selftest_fail("vmm_unmap failed");
	if (arch_probe_read((const void *)va, &v) != -EFAULT)
		return selftest_fail("read after vmm_unmap did not fault");
	vmm_stats(&st);
	if (st.pgtables != st0.pgtables || st.tables_freed != st0.tables_freed + 1)
		return selftest_fail("page table not freed (%u tables, %u before)",
				     st.pgtables, st0.pgtables);
	__free_pages(page, 0);
	return compare(&before);
}

SELFTEST(vmm, other_address_space)
{
	struct zone_free before;
	struct page *page;
	pfn_t pd;
	uint32_t seen;

	snapshot(&before);
	pd = vmm_pgdir_create();
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (pd == PFN_NONE || !page ||
	    vmm_map(pd, USER_TEST_VA, page_to_pfn(page), MMU_WRITE) != 0) {
		/* Give back whichever half was had: a failure leaks nothing. */
		if (page)
			__free_pages(page, 0);
		if (pd != PFN_NONE)
			vmm_pgdir_destroy(pd);
		return selftest_fail(page && pd != PFN_NONE ?
				     "vmm_map in a new space failed" :
				     "no frame");
	}
	*(uint32_t *)page_address(page) = 0x5a5a1234;
	vmm_switch(pd);
	seen = *(volatile uint32_t *)USER_TEST_VA;
	vmm_switch(vmm_kernel_pd);
	if (seen != 0x5a5a1234)
		return selftest_fail("the new space reads 0x%x", seen);
	if (vmm_check(pd))
		return selftest_fail("vmm_check of the new space failed");
	if (vmm_translate(vmm_kernel_pd, USER_TEST_VA, NULL, NULL) != -ENOENT)
		return selftest_fail("a user mapping leaked into the kernel space");
	if (vmm_unmap(pd, USER_TEST_VA, NULL) != 0 || vmm_pgdir_destroy(pd) != 0)
		return selftest_fail("teardown failed");
	__free_pages(page, 0);
	return compare(&before);
}

SELFTEST(vmm, vmalloc_guard)
{
	struct zone_free before;
	uint8_t *p, v;
	unsigned int i;

	snapshot(&before);
	p = vmalloc(2 * PAGE_SIZE);
	if (!p)
		return selftest_fail("vmalloc failed");
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		p[i] = (uint8_t)i;
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		if (p[i] != (uint8_t)i)
			return selftest_fail("byte %u reads back 0x%x", i, p[i]);
	if (arch_probe_write(p + 2 * PAGE_SIZE, 1) != -EFAULT)
		return selftest_fail("the guard page took a write");
	if (vfree(p + PAGE_SIZE) != -EINVAL)
		return selftest_fail("vfree inside the area was accepted");
	if (vfree(p) != 0)
		return selftest_fail("vfree failed");
	if (arch_probe_read(p, &v) != -EFAULT)
		return selftest_fail("the area is still mapped after vfree");
	return compare(&before);
}

/* A kernel stack: writable through, a guard page below, gone when freed;
 * and the stack this case runs on (process 0's) has its guard too. */
SELFTEST(vmm, kstack_guard)
{
	struct zone_free before;
	uint8_t *p, v;
	unsigned int i;

	snapshot(&before);
	if (!kstack_in_guard((uintptr_t)proc0.kstack - 1) ||
	    arch_probe_write((uint8_t *)proc0.kstack - 1, 1) != -EFAULT)
		return selftest_fail("process 0's stack has no guard page");
	p = kstack_alloc();
	if (!p)
		return selftest_fail("kstack_alloc failed");
	for (i = 0; i < KSTACK_SIZE; i++)
		p[i] = (uint8_t)i;
	for (i = 0; i < KSTACK_SIZE; i++)
		if (p[i] != (uint8_t)i)
			return selftest_fail("byte %u reads back 0x%x", i, p[i]);
	if (arch_probe_write(p - 1, 1) != -EFAULT ||
	    arch_probe_write(p - PAGE_SIZE, 1) != -EFAULT)
		return selftest_fail("the guard page took a write");
	if (kstack_free(p + PAGE_SIZE) != -EINVAL)
		return selftest_fail("kstack_free inside the stack was accepted");
	if (kstack_free(p) != 0)
		return selftest_fail("kstack_free failed");
	if (arch_probe_read(p, &v) != -EFAULT)
		return selftest_fail("the stack is still mapped after kstack_free");
	return compare(&before);
}

/*
 * Take HIGHMEM away in 4 MiB blocks (kept on a chain) until it runs short,
 * then give one block back so that vmalloc finds at least 1024 frames there.
 */
static pfn_t drain_highmem(void)
{
	pfn_t chain = PFN_NONE;
	struct page *block;

	while ((block = alloc_pages(GFP_HIGHUSER | __GFP_NOWARN, MAX_ORDER))) {
		if (page_zonenum(block) != ZONE_HIGHMEM) {
			__free_pages(block, MAX_ORDER);
			break;
		}
		block->owner = chain;
		chain = page_to_pfn(block);
	}
	if (chain != PFN_NONE) {
		block = pfn_to_page(chain);
		chain = block->owner;
		__free_pages(block, MAX_ORDER);
	}
	return chain;
}

static void undrain(pfn_t chain)
{
	while (chain != PFN_NONE) {
		struct page *block = pfn_to_page(chain);

		chain = block->owner;
		__free_pages(block, MAX_ORDER);
	}
}

/* Fill one area; returns the number of its frames outside HIGHMEM. */
static unsigned int cycle_fill(uint8_t *p, unsigned int n)
{
	unsigned int i, low = 0;

	for (i = 0; i < CYCLE_PAGES; i++) {
		low += page_zonenum(vmalloc_to_page(p + i * PAGE_SIZE)) !=
		       ZONE_HIGHMEM;
		memset(p + i * PAGE_SIZE, (int)(n + i), PAGE_SIZE);
	}
	return low;
}

static const char *cycle_verify_and_free(unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		const uint8_t *p = cycle_areas[i];

		for (j = 0; j < CYCLE_PAGES; j++)
			if (p[j * PAGE_SIZE] != (uint8_t)(i + j) ||
			    p[j * PAGE_SIZE + PAGE_SIZE - 1] != (uint8_t)(i + j))
				return selftest_fail("area %u page %u lost its contents",
						     i, j);
		if (vfree(cycle_areas[i]) != 0)
			return selftest_fail("vfree of area %u failed", i);
	}
	return NULL;
}

SELFTEST(vmm, vmalloc_highmem_cycle)
{
	bool highmem = zone_populated(&zones[ZONE_HIGHMEM]);
	unsigned int n = 0, low = 0, high_frames = 0;
	struct zone_free before;
	const char *why;
	pfn_t chain;

	snapshot(&before);
	chain = highmem ? drain_highmem() : PFN_NONE;
	/* until an area needs frames from below HIGHMEM (a few more there) */
	while (n < CYCLE_MAX && low < 4 * CYCLE_PAGES) {
		uint8_t *p = vmalloc(CYCLE_PAGES * PAGE_SIZE);
		unsigned int l;

		if (!p)
			break;
		cycle_areas[n] = p;
		l = cycle_fill(p, n++);
		low += l;
		high_frames += CYCLE_PAGES - l;
	}
	printk("vmm: cycle: %u areas, %u HIGHMEM frames, %u from lower zones, HighMem free %u\n",
	       n, high_frames, low, zone_free_pages(&zones[ZONE_HIGHMEM]));
	why = cycle_verify_and_free(n);
	undrain(chain);
	if (why)
		return why;
	if (highmem && (high_frames == 0 || low == 0))
		return selftest_fail("HIGHMEM was not used up first (%u high, %u low)",
				     high_frames, low);
	return compare(&before);
}

SELFTEST(vmm, kmap_local)
{
	struct zone_free before;
	struct page *a, *b;
	uint32_t *pa, *pb;
	bool highmem = zone_populated(&zones[ZONE_HIGHMEM]);

	snapshot(&before);
	a = alloc_page(GFP_HIGHUSER);
	b = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!a || !b) {
		if (a)
			__free_pages(a, 0);
		if (b)
			__free_pages(b, 0);
		return selftest_fail("no frame");
	}
	if (highmem && (page_zonenum(a) != ZONE_HIGHMEM ||
			page_zonenum(b) != ZONE_HIGHMEM))
		return selftest_fail("GFP_HIGHUSER did not use HIGHMEM");
	pa = kmap_local(a);
	pb = kmap_local(b);
	if (highmem && ((uintptr_t)pa < KMAP_BASE || (uintptr_t)pb != (uintptr_t)pa + PAGE_SIZE))
		return selftest_fail("slots %p and %p are not stacked", pa, pb);
	if (pb[0] != 0 || pb[PAGE_SIZE / 4 - 1] != 0)
		return selftest_fail("a __GFP_ZERO HIGHMEM frame is not zero");
	pa[0] = 0xfeedf00d;
	pb[0] = 0x12345678;
	if (highmem && kunmap_local(pa) != -EINVAL)
		return selftest_fail("out-of-order kunmap_local accepted");
	kunmap_local(pb);
	kunmap_local(pa);
	/* each slot now shows the other frame: stale TLB entries would not */
	pb = kmap_local(b);
	pa = kmap_local(a);
	if (pb[0] != 0x12345678 || pa[0] != 0xfeedf00d)
		return selftest_fail("reused slots read 0x%x and 0x%x", pb[0], pa[0]);
	kunmap_local(pa);
	kunmap_local(pb);
	if (kmap_local_depth() != 0)
		return selftest_fail("%u slots left in use", kmap_local_depth());
	__free_pages(a, 0);
	__free_pages(b, 0);
	return compare(&before);
}
