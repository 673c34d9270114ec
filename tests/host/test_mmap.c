/*
 * Host tests of mm/mmap.c and mm/fault.c over the simulated i386 MMU:
 * the region tree, demand-zero and the zero page, image fill, stack
 * growth, copy-on-write after mm_fork(), munmap/mprotect/brk/mmap, the
 * reasons a fault is refused, and running out of memory in a fault and in
 * a fork.  mm_check() runs after every step; every case ends with the
 * free frame count it started with (no frame and no page table leaks).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mm/testing/fault_inject.h"
#include "vmm_harness.h"
#include "mm/mm.h"
#include "mm/slab.h"

#define TEXT	0x08048000u
#define ANON	0x20000000u
#define RW	(VM_READ | VM_WRITE)

static uint32_t boot_free;

static int setup(void **state)
{
	(void)state;
	vmm_machine_boot(MiB(64), false);
	assert_int_equal(kmem_cache_init(SLAB_DEBUG), 0);
	assert_int_equal(mm_subsys_init(), 0);
	boot_free = zones_total_free();
	host_log_clear();
	return 0;
}

static int teardown(void **state)
{
	struct mm_stats s;

	(void)state;
	mm_get_stats(&s);
	assert_int_equal(s.spaces, 0);
	assert_int_equal(s.vmas, 0);
	assert_int_equal(s.user_frames, 0);
	assert_int_equal(s.shmem_frames, 0);
	mm_shrink_caches();
	if (zones_total_free() != boot_free)
		fail_msg("%u free frames after the case, %u before",
			 zones_total_free(), boot_free);
	assert_int_equal(buddy_check_all(), 0);
	mm_subsys_reset();
	assert_int_equal(kmem_cache_teardown(), 0);
	vmm_machine_shutdown();
	return 0;
}

static void check(struct mm *mm)
{
	unsigned int bad = mm_check(mm) + vmm_check(mm->pd);

	if (bad)
		fail_msg("%u violations\n%s", bad, host_log());
}

static struct mm_stats stats(void)
{
	struct mm_stats s;

	mm_get_stats(&s);
	return s;
}

/* The byte at user address @va, through the simulated MMU. */
static uint8_t *uptr(struct mm *mm, uintptr_t va)
{
	pfn_t pfn;

	assert_int_equal(vmm_translate(mm->pd, va, &pfn, NULL), 0);
	return (uint8_t *)arch_phys_to_virt(PFN_PHYS(pfn)) + (va & 0xfff);
}

static pfn_t pfn_at(struct mm *mm, uintptr_t va)
{
	pfn_t pfn;

	assert_int_equal(vmm_translate(mm->pd, va, &pfn, NULL), 0);
	return pfn;
}

static unsigned int prot_at(struct mm *mm, uintptr_t va)
{
	unsigned int prot;

	assert_int_equal(vmm_translate(mm->pd, va, NULL, &prot), 0);
	return prot;
}

/* A user access the way the CPU would raise it: fault only if needed. */
static int access(struct mm *mm, uintptr_t va, bool write,
		  const char **reason)
{
	unsigned int prot;
	unsigned int acc = FAULT_USER | (write ? FAULT_WRITE : 0);

	*reason = NULL;
	if (vmm_translate(mm->pd, va, NULL, &prot) == 0) {
		if ((prot & MMU_USER) && (!write || (prot & MMU_WRITE)))
			return 0;
		acc |= FAULT_PRESENT;
	}
	return mm_fault(mm, va, acc, reason);
}

static void store(struct mm *mm, uintptr_t va, uint8_t value)
{
	const char *why;

	if (access(mm, va, true, &why) != 0)
		fail_msg("store at 0x%lx refused: %s", (unsigned long)va, why);
	*uptr(mm, va) = value;
	check(mm);
}

static uint8_t load(struct mm *mm, uintptr_t va)
{
	const char *why;

	if (access(mm, va, false, &why) != 0)
		fail_msg("load at 0x%lx refused: %s", (unsigned long)va, why);
	check(mm);
	return *uptr(mm, va);
}

static void refused(struct mm *mm, uintptr_t va, bool write,
		    const char *reason)
{
	const char *why;

	assert_int_equal(access(mm, va, write, &why), -EFAULT);
	assert_string_equal(why, reason);
	check(mm);
}

/* Regions in shuffled order: lookups, in-order walk, AVL shape. */
static void test_region_tree(void **state)
{
	struct mm *mm = mm_create();
	const unsigned int n = 300;
	unsigned int i, seen = 0;
	struct vma *v;

	(void)state;
	for (i = 0; i < n; i++) {
		unsigned int k = (i * 7919u) % n;	/* a permutation */

		assert_int_equal(mm_map_region(mm, ANON + k * 3 * PAGE_SIZE,
					       2 * PAGE_SIZE, RW, NULL, 0, 0),
				 0);
		if (i % 50 == 0)
			check(mm);
	}
	check(mm);
	assert_int_equal(mm->nr_vmas, n);
	assert_true(mm->root.node->height <= 13);	/* 1.44 log2(300) + 1 */
	assert_int_equal(mm_map_region(mm, ANON + PAGE_SIZE, 2 * PAGE_SIZE,
				       RW, NULL, 0, 0), -EEXIST);
	assert_int_equal(mm_map_region(mm, ANON + 2 * PAGE_SIZE, PAGE_SIZE,
				       RW, NULL, 0, 0), 0);
	assert_int_equal(mm_map_region(mm, 0x1000, PAGE_SIZE, RW, NULL, 0, 0),
			 -EINVAL);
	assert_int_equal(mm_map_region(mm, PAGE_OFFSET - PAGE_SIZE,
				       2 * PAGE_SIZE, RW, NULL, 0, 0), -EINVAL);
	v = mm_find_vma(mm, ANON + 3 * 17 * PAGE_SIZE + 5);
	assert_non_null(v);
	assert_int_equal(v->start, ANON + 3 * 17 * PAGE_SIZE);
	assert_null(mm_find_vma(mm, ANON + 3 * 17 * PAGE_SIZE + 2 * PAGE_SIZE));
	v = mm_next_vma(mm, ANON + 3 * 17 * PAGE_SIZE);
	assert_int_equal(v->start, ANON + 3 * 18 * PAGE_SIZE);
	for (v = mm_next_vma(mm, 0); v; v = mm_next_vma(mm, v->start))
		seen++;
	assert_int_equal(seen, n + 1);
	for (i = 0; i < n; i += 2)
		assert_int_equal(mm_unmap_region(mm, ANON + i * 3 * PAGE_SIZE,
						 2 * PAGE_SIZE), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, n / 2 + 1);
	mm_destroy(mm);
}

/* Reads map the zero page, writes a zeroed frame; only writes cost. */
static void test_demand_zero(void **state)
{
	struct mm *mm = mm_create();
	struct mm_stats s0 = stats(), s;
	uint32_t free0;
	unsigned int i;

	(void)state;
	assert_int_equal(mm_map_region(mm, ANON, 1024 * PAGE_SIZE, RW, NULL,
				       0, 0), 0);
	free0 = zones_total_free();
	for (i = 0; i < 1024; i += 64)
		assert_int_equal(load(mm, ANON + i * PAGE_SIZE + 7), 0);
	assert_int_equal(mm->zero_ptes, 16);
	assert_int_equal(mm->rss, 0);
	assert_int_equal(pfn_at(mm, ANON), mm_zero_pfn);
	assert_int_equal(prot_at(mm, ANON), MMU_USER);
	/* 1024 pages: one page table, no frame */
	assert_int_equal(free0 - zones_total_free(), 1);
	store(mm, ANON + 3, 0xaa);		/* zero page -> frame */
	store(mm, ANON + 5 * PAGE_SIZE, 0x55);		/* fresh frame */
	assert_int_equal(load(mm, ANON + 4), 0);
	assert_int_equal(load(mm, ANON + 3), 0xaa);
	assert_int_not_equal(pfn_at(mm, ANON), mm_zero_pfn);
	assert_int_equal(prot_at(mm, ANON), MMU_USER | MMU_WRITE);
	assert_int_equal(mm->rss, 2);
	assert_int_equal(mm->zero_ptes, 15);
	s = stats();
	assert_int_equal(s.zero_page - s0.zero_page, 16);
	assert_int_equal(s.demand_zero - s0.demand_zero, 2);
	assert_int_equal(s.user_frames, 2);
	assert_int_equal(free0 - zones_total_free(), 3);
	mm_destroy(mm);
}

/* Image pages get the image's bytes and zeros after them. */
static void test_image_fill(void **state)
{
	static uint8_t image[6000];
	struct mm *mm = mm_create();
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 13 + 1);
	/* data starting 0x100 into its first page; bss after it */
	assert_int_equal(mm_map_region(mm, TEXT, 3 * PAGE_SIZE,
				       RW | VM_IMAGE, image, TEXT + 0x100,
				       sizeof(image)), 0);
	assert_int_equal(load(mm, TEXT), 0);
	assert_int_equal(load(mm, TEXT + 0x100), image[0]);
	assert_int_equal(load(mm, TEXT + PAGE_SIZE + 17),
			 image[PAGE_SIZE + 17 - 0x100]);
	assert_int_equal(load(mm, TEXT + 0x100 + sizeof(image) - 1),
			 image[sizeof(image) - 1]);
	assert_int_equal(load(mm, TEXT + 0x100 + sizeof(image)), 0);
	assert_int_equal(load(mm, TEXT + 2 * PAGE_SIZE + 100), 0);
	assert_int_equal(stats().image_fill, 2);
	assert_int_equal(pfn_at(mm, TEXT + 2 * PAGE_SIZE + 100), mm_zero_pfn);
	store(mm, TEXT + 0x100, 1);
	assert_int_equal(mm->rss, 2);
	mm_destroy(mm);
}

/* Every illegal access is refused with its reason, nothing changes. */
static void test_fault_reasons(void **state)
{
	struct mm *mm = mm_create();
	struct mm_stats s0 = stats();

	(void)state;
	assert_int_equal(mm_map_region(mm, TEXT, PAGE_SIZE,
				       VM_READ | VM_EXEC, NULL, 0, 0), 0);
	assert_int_equal(mm_map_region(mm, TEXT + PAGE_SIZE, PAGE_SIZE,
				       VM_READ, NULL, 0, 0), 0);
	assert_int_equal(mm_map_region(mm, ANON, PAGE_SIZE, 0, NULL, 0, 0), 0);
	refused(mm, 0, false, "no region at this address");
	refused(mm, 0x70000000u, true, "no region at this address");
	refused(mm, TEXT + 8, true, "write to program text");
	refused(mm, TEXT + PAGE_SIZE, true, "write to read-only region");
	refused(mm, ANON, false, "access to a region without rights");
	refused(mm, PAGE_OFFSET + 0x100000, false, "user access to kernel half");
	refused(mm, 0xfffff000u, true, "user access to kernel half");
	assert_int_equal(load(mm, TEXT + PAGE_SIZE), 0);
	refused(mm, TEXT + PAGE_SIZE, true, "write to read-only region");
	assert_int_equal(mm->rss + mm->zero_ptes, 1);
	assert_int_equal(stats().demand_zero, s0.demand_zero);
	mm_destroy(mm);
}

/* The stack grows to its limit; below lies the guard gap. */
static void test_stack_growth(void **state)
{
	struct mm *mm = mm_create();
	uintptr_t top = USER_STACK_TOP;
	struct vma *v;

	(void)state;
	assert_int_equal(mm_map_region(mm, top - PAGE_SIZE, PAGE_SIZE,
				       RW | VM_GROWSDOWN, NULL, 0, 0), 0);
	store(mm, top - 4, 1);
	store(mm, top - 3 * PAGE_SIZE - 8, 2);
	v = mm_find_vma(mm, top - 1);
	assert_int_equal(v->start, top - 4 * PAGE_SIZE);
	assert_int_equal(stats().stack_grow, 1);
	store(mm, mm->stack_limit, 3);
	assert_int_equal(v->start, mm->stack_limit);
	refused(mm, mm->stack_limit - 4, true,
		"stack overflow into the guard gap");
	refused(mm, mm->stack_limit - USER_STACK_GUARD, false,
		"stack overflow into the guard gap");
	refused(mm, mm->stack_limit - USER_STACK_GUARD - 4, false,
		"no region at this address");
	assert_int_equal(mm->rss, 3);
	mm_destroy(mm);
}

/* Fork shares frames read-only; writes copy, the last writer reuses. */
static void test_fork_cow(void **state)
{
	struct mm *parent = mm_create(), *child;
	struct mm_stats s0, s;
	pfn_t shared;
	unsigned int i;

	(void)state;
	assert_int_equal(mm_map_region(parent, ANON, 8 * PAGE_SIZE, RW, NULL,
				       0, 0), 0);
	for (i = 0; i < 4; i++)
		store(parent, ANON + i * PAGE_SIZE, (uint8_t)(0x10 + i));
	assert_int_equal(load(parent, ANON + 5 * PAGE_SIZE), 0); /* zero page */
	s0 = stats();
	assert_int_equal(mm_fork(parent, &child), 0);
	check(parent);
	check(child);
	shared = pfn_at(parent, ANON);
	assert_int_equal(pfn_at(child, ANON), shared);
	assert_int_equal(prot_at(parent, ANON), MMU_USER);
	assert_int_equal(prot_at(child, ANON), MMU_USER);
	assert_int_equal(page_count(pfn_to_page(shared)), 2);
	assert_int_equal(child->rss, 4);
	assert_int_equal(child->zero_ptes, 1);
	assert_int_equal(stats().user_frames, 4);

	/* child writes: copy; parent keeps its data */
	store(child, ANON + 1, 0x99);
	assert_int_not_equal(pfn_at(child, ANON), shared);
	assert_int_equal(*uptr(child, ANON), 0x10);
	assert_int_equal(*uptr(child, ANON + 1), 0x99);
	assert_int_equal(*uptr(parent, ANON + 1), 0);
	assert_int_equal(page_count(pfn_to_page(shared)), 1);
	/* parent writes the same page: it is the last user, reuse */
	store(parent, ANON + 2, 0x77);
	assert_int_equal(pfn_at(parent, ANON), shared);
	/* the zero page stays shared, writes give each side a frame */
	store(child, ANON + 5 * PAGE_SIZE, 5);
	assert_int_equal(load(parent, ANON + 5 * PAGE_SIZE), 0);
	s = stats();
	assert_int_equal(s.cow_copy - s0.cow_copy, 1);
	assert_int_equal(s.cow_reuse - s0.cow_reuse, 1);
	assert_int_equal(s.forks - s0.forks, 1);
	assert_int_equal(s.user_frames, 6);

	/* the parent goes first: the child's shared frames stay intact */
	mm_destroy(parent);
	assert_int_equal(load(child, ANON + 3 * PAGE_SIZE), 0x13);
	store(child, ANON + 3 * PAGE_SIZE, 1);	/* reuse, not copy */
	assert_int_equal(stats().cow_copy - s0.cow_copy, 1);
	mm_destroy(child);
}

/* A shared region is populated at once and stays shared across fork. */
static void test_shared_region(void **state)
{
	struct mm *parent = mm_create(), *child;
	uintptr_t a, b;
	pfn_t pfn;

	(void)state;
	assert_int_equal(mm_mmap(parent, 3 * PAGE_SIZE, RW | VM_SHARED, &a), 0);
	check(parent);
	assert_int_equal(parent->rss, 3);
	assert_int_equal(load(parent, a + 2 * PAGE_SIZE + 9), 0);
	assert_int_equal(mm_mmap(parent, PAGE_SIZE, RW, &b), 0);
	store(parent, b, 1);
	assert_int_equal(mm_fork(parent, &child), 0);
	check(parent);
	check(child);
	pfn = pfn_at(parent, a);
	assert_int_equal(pfn_at(child, a), pfn);
	assert_int_equal(prot_at(child, a), MMU_USER | MMU_WRITE);
	assert_int_equal(prot_at(parent, a), MMU_USER | MMU_WRITE);
	assert_int_equal(prot_at(parent, b), MMU_USER); /* private: COW */
	store(child, a + 5, 42);
	assert_int_equal(load(parent, a + 5), 42);
	store(parent, a + PAGE_SIZE, 7);
	assert_int_equal(load(child, a + PAGE_SIZE), 7);
	/* read-only and back: writable again in place, never copied */
	assert_int_equal(mm_protect_region(child, a, PAGE_SIZE, VM_READ), 0);
	refused(child, a, true, "write to read-only region");
	assert_int_equal(mm_protect_region(child, a, PAGE_SIZE, RW), 0);
	store(child, a + 6, 43);
	assert_int_equal(pfn_at(child, a), pfn);
	assert_int_equal(load(parent, a + 6), 43);
	assert_int_equal(stats().cow_copy, 0);
	mm_destroy(parent);
	assert_int_equal(load(child, a + 5), 42);
	mm_destroy(child);
}

/* Populating a shared region that runs out of memory leaves nothing. */
static void test_shared_out_of_memory(void **state)
{
	struct mm *mm = mm_create();
	uintptr_t a;

	(void)state;
	fault_test_fail_nth(3);
	assert_int_equal(mm_mmap(mm, 8 * PAGE_SIZE, RW | VM_SHARED, &a),
			 -ENOMEM);
	fault_test_fail_nth(0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 0);
	assert_int_equal(mm->rss, 0);
	mm_destroy(mm);
}

/* munmap and mprotect split regions and act on the entries. */
static void test_unmap_protect(void **state)
{
	struct mm *mm = mm_create();
	uint32_t free0 = zones_total_free();
	unsigned int i;

	(void)state;
	assert_int_equal(mm_map_region(mm, ANON, 10 * PAGE_SIZE, RW, NULL,
				       0, 0), 0);
	for (i = 0; i < 10; i++)
		store(mm, ANON + i * PAGE_SIZE, (uint8_t)i);
	assert_int_equal(mm_unmap_region(mm, ANON + 4 * PAGE_SIZE,
					 2 * PAGE_SIZE), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 2);
	assert_int_equal(mm->rss, 8);
	refused(mm, ANON + 4 * PAGE_SIZE, false, "no region at this address");
	assert_int_equal(mm_protect_region(mm, ANON + PAGE_SIZE, PAGE_SIZE,
					   VM_READ), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 4);
	refused(mm, ANON + PAGE_SIZE, true, "write to read-only region");
	assert_int_equal(load(mm, ANON + PAGE_SIZE), 1);
	assert_int_equal(mm_protect_region(mm, ANON + 6 * PAGE_SIZE,
					   PAGE_SIZE, 0), 0);
	refused(mm, ANON + 6 * PAGE_SIZE, false,
		"access to a region without rights");
	assert_int_equal(mm_protect_region(mm, ANON + 6 * PAGE_SIZE,
					   PAGE_SIZE, RW), 0);
	store(mm, ANON + 6 * PAGE_SIZE + 1, 2);	/* reused: writable */
	assert_int_equal(load(mm, ANON + 6 * PAGE_SIZE), 6);
	assert_int_equal(mm_protect_region(mm, ANON, 10 * PAGE_SIZE, VM_READ),
			 -ENOMEM);			/* covers the hole */
	assert_int_equal(mm_protect_region(mm, ANON + 1, PAGE_SIZE, VM_READ),
			 -EINVAL);
	assert_int_equal(mm_unmap_region(mm, ANON, 10 * PAGE_SIZE), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 0);
	assert_int_equal(mm->rss, 0);
	mm_shrink_caches();
	assert_int_equal(zones_total_free(), free0); /* and the tables */
	mm_destroy(mm);
}

/* brk grows and shrinks the heap; mmap places areas top-down. */
static void test_brk_mmap(void **state)
{
	struct mm *mm = mm_create();
	uintptr_t b, a1, a2;

	(void)state;
	mm->brk_start = mm->brk = 0x08100000u;
	assert_int_equal(mm_brk(mm, 0, &b), 0);
	assert_int_equal(b, 0x08100000u);
	assert_int_equal(mm_brk(mm, 0x08100000u + 3 * PAGE_SIZE + 5, &b), 0);
	assert_int_equal(b, 0x08100000u + 3 * PAGE_SIZE + 5);
	check(mm);
	store(mm, 0x08100000u + 3 * PAGE_SIZE + 100, 1);
	assert_int_equal(mm_brk(mm, 0x08100000u + PAGE_SIZE, &b), 0);
	check(mm);
	assert_int_equal(mm->rss, 0);
	refused(mm, 0x08100000u + PAGE_SIZE, false, "no region at this address");
	assert_int_equal(mm_brk(mm, 0x08000000u, &b), -ENOMEM);
	assert_int_equal(b, 0x08100000u + PAGE_SIZE);

	/* a heap split by mprotect still grows at its top and shrinks */
	assert_int_equal(mm_brk(mm, 0x08100000u + 4 * PAGE_SIZE, &b), 0);
	assert_int_equal(mm_protect_region(mm, 0x08100000u + PAGE_SIZE,
					   PAGE_SIZE, VM_READ), 0);
	assert_int_equal(mm->nr_vmas, 3);
	assert_int_equal(mm_brk(mm, 0x08100000u + 6 * PAGE_SIZE, &b), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 3);
	store(mm, 0x08100000u + 5 * PAGE_SIZE, 1);
	refused(mm, 0x08100000u + PAGE_SIZE, true, "write to read-only region");
	assert_int_equal(mm_brk(mm, 0x08100000u + PAGE_SIZE / 2, &b), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 1);
	assert_int_equal(mm->rss, 0);

	assert_int_equal(mm_mmap(mm, 5000, RW, &a1), 0);
	assert_int_equal(a1, USER_MMAP_TOP - 2 * PAGE_SIZE);
	assert_int_equal(mm_mmap(mm, PAGE_SIZE, VM_READ, &a2), 0);
	assert_int_equal(a2, a1 - PAGE_SIZE);
	assert_int_equal(mm_unmap_region(mm, a1, 2 * PAGE_SIZE), 0);
	assert_int_equal(mm_mmap(mm, PAGE_SIZE, RW, &a1), 0);
	assert_int_equal(a1, USER_MMAP_TOP - PAGE_SIZE);
	assert_int_equal(mm_mmap(mm, MiB(1024), RW, &a1), -ENOMEM);
	assert_int_equal(mm_mmap(mm, 0, RW, &a1), -EINVAL);
	check(mm);
	mm_destroy(mm);
}

/* A fault without a frame fails with ENOMEM and leaves no trace. */
static void test_fault_out_of_memory(void **state)
{
	struct mm *mm = mm_create();
	const char *why;

	(void)state;
	assert_int_equal(mm_map_region(mm, ANON, 4 * PAGE_SIZE, RW, NULL, 0,
				       0), 0);
	fault_test_fail_all();
	assert_int_equal(access(mm, ANON, true, &why), -ENOMEM);
	assert_string_equal(why, "out of memory");
	fault_test_fail_nth(0);
	check(mm);
	assert_int_equal(mm->rss, 0);
	store(mm, ANON, 1);
	fault_test_fail_all();
	/* same table, so only the frame is wanted */
	assert_int_equal(access(mm, ANON + PAGE_SIZE, true, &why), -ENOMEM);
	fault_test_fail_nth(0);
	check(mm);
	assert_int_equal(mm->rss, 1);
	mm_destroy(mm);
}

/* A fork that runs out of memory at any step leaves nothing behind. */
static void test_fork_out_of_memory(void **state)
{
	struct mm *parent = mm_create(), *child;
	uint32_t free0;
	unsigned int i, n;

	(void)state;
	assert_int_equal(mm_map_region(parent, ANON, 8 * PAGE_SIZE, RW, NULL,
				       0, 0), 0);
	assert_int_equal(mm_map_region(parent, 0x30000000u, 2 * PAGE_SIZE,
				       RW, NULL, 0, 0), 0);
	for (i = 0; i < 8; i++)
		store(parent, ANON + i * PAGE_SIZE, (uint8_t)i);
	store(parent, 0x30000000u, 9);
	free0 = zones_total_free();
	for (n = 1;; n++) {
		int err;

		fault_test_fail_nth(n);
		err = mm_fork(parent, &child);
		fault_test_fail_nth(0);
		check(parent);
		if (err == 0)
			break;
		assert_int_equal(err, -ENOMEM);
		mm_shrink_caches();
		assert_int_equal(zones_total_free(), free0);
		for (i = 0; i < 8; i++)
			assert_int_equal(page_count(pfn_to_page(
				pfn_at(parent, ANON + i * PAGE_SIZE))), 1);
	}
	assert_true(n > 3);	/* directory, two tables, descriptors */
	assert_true(stats().fork_fail >= 3);
	check(child);
	assert_int_equal(*uptr(child, 0x30000000u), 9);
	mm_destroy(child);
	mm_destroy(parent);
}

/*
 * A region over three page tables, starting and ending inside a table:
 * fork shares exactly its present pages, munmap of a range that starts
 * and ends mid-table frees the tables it empties and keeps the others,
 * and destroying both spaces gives every frame and table back.
 */
#define SPAN	0x40000000u	/* 4 MiB aligned */

static void test_fork_unmap_across_tables(void **state)
{
	const uintptr_t start = SPAN + 0x3fc000, end = SPAN + 0x801000;
	uint32_t tables0, free0 = zones_total_free();
	struct mm *parent = mm_create(), *child;
	struct vmm_stats vs;
	uintptr_t va;
	unsigned int n = 0;

	(void)state;
	assert_int_equal(mm_map_region(parent, start, end - start, RW, NULL,
				       0, 0), 0);
	for (va = start; va < end; va += 3 * PAGE_SIZE, n++)
		store(parent, va, (uint8_t)n);
	store(parent, SPAN + MiB(8), 0xee);	/* the only page of table 2 */
	n++;
	assert_int_equal(load(parent, start + PAGE_SIZE), 0);	/* zero page */
	vmm_stats(&vs);
	tables0 = vs.pgtables;
	assert_int_equal(mm_fork(parent, &child), 0);
	check(parent);
	check(child);
	vmm_stats(&vs);
	assert_int_equal(vs.pgtables, tables0 + 1 + 3);	/* directory, tables */
	assert_int_equal(child->rss, n);
	assert_int_equal(child->zero_ptes, 1);
	assert_int_equal(pfn_at(child, start + 3 * PAGE_SIZE),
			 pfn_at(parent, start + 3 * PAGE_SIZE));
	assert_int_equal(page_count(pfn_to_page(pfn_at(parent, start))), 2);
	assert_int_equal(prot_at(parent, end - PAGE_SIZE), MMU_USER);

	/* the child drops [start + 4 pages, SPAN + 8 MiB): tables 0, 2 stay */
	assert_int_equal(mm_unmap_region(child, start + 4 * PAGE_SIZE,
					 SPAN + MiB(8) - start - 4 * PAGE_SIZE),
			 0);
	check(child);
	check(parent);
	vmm_stats(&vs);
	assert_int_equal(vs.pgtables, tables0 + 1 + 2);
	assert_int_equal(child->rss, 3);	/* start, +3 and SPAN + 8 MiB */
	assert_int_equal(child->zero_ptes, 1);
	assert_int_equal(page_count(pfn_to_page(pfn_at(parent, start))), 2);
	assert_int_equal(page_count(pfn_to_page(pfn_at(parent, start + 6 *
						       PAGE_SIZE))), 1);
	/* the parent writes a page the child dropped: reuse, no copy */
	store(parent, start + 6 * PAGE_SIZE, 0x55);
	assert_int_equal(stats().cow_copy, 0);
	mm_destroy(child);
	check(parent);
	assert_int_equal(page_count(pfn_to_page(pfn_at(parent, start))), 1);
	mm_destroy(parent);
	mm_shrink_caches();
	assert_int_equal(zones_total_free(), free0);
}

/* --- layout randomisation ------------------------------------------------ */

/*
 * The extreme layouts: every base inside its range, the ranges apart,
 * the stack growing to its moved limit, mmap placing below its moved
 * base, fork keeping the layout; out-of-range offsets refused.
 */
static void test_layout(void **state)
{
	static const uint32_t offs[][2] = {
		{ 0, 0 }, { USER_STACK_RND_PAGES - 1, USER_MMAP_RND_PAGES - 1 },
		{ 1234, 77 }, { USER_STACK_RND_PAGES - 1, 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		struct mm *mm = mm_create(), *child;
		uintptr_t top, a;
		struct vma *v;

		assert_int_equal(mm_set_layout(mm, offs[i][0], offs[i][1]), 0);
		top = USER_STACK_TOP - offs[i][0] * PAGE_SIZE;
		assert_int_equal(mm->stack_top, top);
		assert_int_equal(mm->stack_limit, top - USER_STACK_MAX);
		assert_int_equal(mm->mmap_base, top - USER_STACK_MAX -
				 USER_STACK_GUARD - offs[i][1] * PAGE_SIZE);
		assert_true(mm->mmap_base >= USER_MMAP_BASE_MIN);
		assert_true(mm->stack_limit >= USER_STACK_LIMIT_MIN);
		check(mm);
		assert_int_equal(mm_map_region(mm, top - PAGE_SIZE, PAGE_SIZE,
					       RW | VM_GROWSDOWN, NULL, 0, 0),
				 0);
		store(mm, mm->stack_limit, 1);		/* grows to the limit */
		v = mm_find_vma(mm, top - 1);
		assert_int_equal(v->start, mm->stack_limit);
		refused(mm, mm->stack_limit - 4, true,
			"stack overflow into the guard gap");
		assert_int_equal(mm_mmap(mm, PAGE_SIZE, RW, &a), 0);
		assert_int_equal(a, mm->mmap_base - PAGE_SIZE);
		assert_int_equal(mm_fork(mm, &child), 0);
		assert_int_equal(child->stack_top, mm->stack_top);
		assert_int_equal(child->mmap_base, mm->mmap_base);
		assert_int_equal(mm_mmap(child, PAGE_SIZE, RW, &a), 0);
		assert_int_equal(a, mm->mmap_base - 2 * PAGE_SIZE);
		check(child);
		/* regions exist: the layout is fixed now */
		assert_int_equal(mm_set_layout(mm, 0, 0), -EINVAL);
		mm_destroy(child);
		mm_destroy(mm);
	}
}

static void test_layout_refused(void **state)
{
	struct mm *mm = mm_create();

	(void)state;
	assert_int_equal(mm_set_layout(mm, USER_STACK_RND_PAGES, 0), -EINVAL);
	assert_int_equal(mm_set_layout(mm, 0, USER_MMAP_RND_PAGES), -EINVAL);
	assert_int_equal(mm->stack_top, USER_STACK_TOP);
	assert_int_equal(mm->mmap_base, USER_MMAP_TOP);
	check(mm);
	/* a corrupted layout is reported */
	mm->mmap_base = mm->stack_limit;
	host_log_clear();
	assert_int_equal(mm_check(mm), 1);
	assert_non_null(strstr(host_log(), "mm: bad layout"));
	mm->mmap_base = USER_MMAP_TOP;
	mm_destroy(mm);
}

/* The heap starts up to 32 MiB above the image, never past mmap_base. */
static void test_brk_start(void **state)
{
	struct mm *mm = mm_create();
	const uintptr_t end = TEXT + 5 * PAGE_SIZE + 123;
	uintptr_t b;

	(void)state;
	assert_int_equal(mm_set_layout(mm, 0, 0), 0);
	assert_int_equal(mm_brk_rnd_pages(mm, end), USER_BRK_RND_PAGES);
	assert_int_equal(mm_set_brk_start(mm, end, 0), 0);
	assert_int_equal(mm->brk_start, TEXT + 6 * PAGE_SIZE);
	assert_int_equal(mm_set_brk_start(mm, end, USER_BRK_RND_PAGES - 1), 0);
	assert_int_equal(mm->brk_start, TEXT + 6 * PAGE_SIZE +
			 (USER_BRK_RND_PAGES - 1) * PAGE_SIZE);
	assert_int_equal(mm->brk, mm->brk_start);
	assert_int_equal(mm_set_brk_start(mm, end, USER_BRK_RND_PAGES),
			 -EINVAL);
	check(mm);
	assert_int_equal(mm_brk(mm, mm->brk_start + 100, &b), 0);
	store(mm, mm->brk_start + 99, 1);
	/* an image ending 3 pages below mmap_base: 4 offsets fit */
	assert_int_equal(mm_brk_rnd_pages(mm, mm->mmap_base - 3 * PAGE_SIZE),
			 4);
	assert_int_equal(mm_brk_rnd_pages(mm, mm->mmap_base), 1);
	assert_int_equal(mm_brk_rnd_pages(mm, mm->mmap_base + 1), 1);
	assert_int_equal(mm_set_brk_start(mm, mm->mmap_base - 3 * PAGE_SIZE,
					  4), -EINVAL);
	mm_destroy(mm);
}

/* --- mmap placement, MAP_FIXED, MAP_FIXED_NOREPLACE ------------------------ */

/* Every slab allocation fails (@on), or none. */
static void fail_slab(bool on)
{
	struct fault_attr attr;

	if (!on) {
		fault_inject_off(FAULT_SLAB);
		return;
	}
	fault_attr_init(&attr);
	attr.probability = 100;
	fault_inject_boot_done();
	fault_inject_set(FAULT_SLAB, &attr);
}

/* Hints are taken when free and below the stack gap; else the search. */
static void test_mmap_hint(void **state)
{
	struct mm *mm = mm_create();
	uintptr_t a, b;

	(void)state;
	assert_int_equal(mm_mmap_at(mm, ANON, 2 * PAGE_SIZE, RW, 0, &a), 0);
	assert_int_equal(a, ANON);
	/* unaligned: rounded up to the next page */
	assert_int_equal(mm_mmap_at(mm, ANON + 5 * PAGE_SIZE + 1, PAGE_SIZE,
				    RW, 0, &a), 0);
	assert_int_equal(a, ANON + 6 * PAGE_SIZE);
	/* taken: the search decides, from the mmap base down */
	assert_int_equal(mm_mmap_at(mm, ANON + PAGE_SIZE, PAGE_SIZE, RW, 0,
				    &b), 0);
	assert_int_equal(b, USER_MMAP_TOP - PAGE_SIZE);
	/* in the stack's reserve or below USER_MIN: not honoured */
	assert_int_equal(mm_mmap_at(mm, mm->stack_limit, PAGE_SIZE, RW, 0,
				    &b), 0);
	assert_int_equal(b, USER_MMAP_TOP - 2 * PAGE_SIZE);
	assert_int_equal(mm_mmap_at(mm, 0x1000, PAGE_SIZE, RW, 0, &b), 0);
	assert_int_equal(b, USER_MMAP_TOP - 3 * PAGE_SIZE);
	/* a range that wraps past the top: not honoured either */
	assert_int_equal(mm_mmap_at(mm, 0xfffff001u, PAGE_SIZE, RW, 0, &b), 0);
	assert_int_equal(b, USER_MMAP_TOP - 4 * PAGE_SIZE);
	check(mm);
	assert_int_equal(mm->nr_vmas, 6);
	mm_destroy(mm);
}

/* Every refusal of mm_mmap_at(), each with nothing changed. */
static void test_mmap_errors(void **state)
{
	struct mm *mm = mm_create();
	uint32_t free0;
	uintptr_t a = 0x1234;

	(void)state;
	assert_int_equal(mm_map_region(mm, ANON, 4 * PAGE_SIZE, RW, NULL, 0,
				       0), 0);
	store(mm, ANON, 1);
	free0 = zones_total_free();
	assert_int_equal(mm_mmap_at(mm, 0, 0, RW, 0, &a), -EINVAL);
	assert_int_equal(mm_mmap_at(mm, 0, PAGE_SIZE, 0x80, 0, &a), -EINVAL);
	assert_int_equal(mm_mmap_at(mm, 0, PAGE_SIZE, RW, 0x4, &a), -EINVAL);
	assert_int_equal(mm_mmap_at(mm, ANON + 1, PAGE_SIZE, RW, MM_MAP_FIXED,
				    &a), -EINVAL);
	assert_int_equal(mm_mmap_at(mm, ANON + 1, PAGE_SIZE, RW,
				    MM_MAP_NOREPLACE, &a), -EINVAL);
	assert_int_equal(mm_mmap_at(mm, 0x1000, PAGE_SIZE, RW, MM_MAP_FIXED,
				    &a), -EPERM);
	assert_int_equal(mm_mmap_at(mm, PAGE_OFFSET - PAGE_SIZE,
				    2 * PAGE_SIZE, RW, MM_MAP_FIXED, &a),
			 -ENOMEM);
	assert_int_equal(mm_mmap_at(mm, PAGE_OFFSET, PAGE_SIZE, RW,
				    MM_MAP_FIXED, &a), -ENOMEM);
	assert_int_equal(mm_mmap_at(mm, 0, 0xfffff000u, RW, 0, &a), -ENOMEM);
	assert_int_equal(mm_mmap_at(mm, 0, MiB(1024), RW, 0, &a), -ENOMEM);
	/* NOREPLACE over a region, also with MM_MAP_FIXED: EEXIST */
	assert_int_equal(mm_mmap_at(mm, ANON + 3 * PAGE_SIZE, 2 * PAGE_SIZE,
				    RW, MM_MAP_NOREPLACE, &a), -EEXIST);
	assert_int_equal(mm_mmap_at(mm, ANON - PAGE_SIZE, 2 * PAGE_SIZE, RW,
				    MM_MAP_NOREPLACE | MM_MAP_FIXED, &a),
			 -EEXIST);
	/* no descriptor for a MAP_FIXED in the middle of a region */
	fail_slab(true);
	assert_int_equal(mm_mmap_at(mm, ANON + PAGE_SIZE, PAGE_SIZE, RW,
				    MM_MAP_FIXED, &a), -ENOMEM);
	fail_slab(false);
	assert_int_equal(a, 0x1234);
	check(mm);
	assert_int_equal(mm->nr_vmas, 1);
	assert_int_equal(load(mm, ANON), 1);
	mm_shrink_caches();
	assert_int_equal(zones_total_free(), free0);
	/* NOREPLACE where nothing is: exactly there */
	assert_int_equal(mm_mmap_at(mm, ANON + 4 * PAGE_SIZE, PAGE_SIZE, RW,
				    MM_MAP_NOREPLACE, &a), 0);
	assert_int_equal(a, ANON + 4 * PAGE_SIZE);
	check(mm);
	mm_destroy(mm);
}

/*
 * MAP_FIXED over populated pages of two regions: those pages are freed
 * (the frame count returns to what it was before they were touched), the
 * regions are cut, the new area reads zeros.
 */
static void test_mmap_fixed_replaces(void **state)
{
	struct mm *mm = mm_create(), *child;
	uint32_t free0;
	uintptr_t a;
	unsigned int i;

	(void)state;
	assert_int_equal(mm_map_region(mm, ANON, 4 * PAGE_SIZE, RW, NULL, 0,
				       0), 0);
	assert_int_equal(mm_map_region(mm, ANON + 4 * PAGE_SIZE,
				       4 * PAGE_SIZE, VM_READ, NULL, 0, 0), 0);
	store(mm, ANON, 0x11);		/* the page table comes with it */
	free0 = zones_total_free();
	for (i = 1; i < 4; i++)
		store(mm, ANON + i * PAGE_SIZE, (uint8_t)(0x11 + i));
	assert_int_equal(load(mm, ANON + 5 * PAGE_SIZE), 0);	/* zero page */
	assert_int_equal(mm_fork(mm, &child), 0);	/* shared frames */
	assert_int_equal(mm_mmap_at(mm, ANON + PAGE_SIZE, 5 * PAGE_SIZE, RW,
				    MM_MAP_FIXED, &a), 0);
	assert_int_equal(a, ANON + PAGE_SIZE);
	check(mm);
	assert_int_equal(mm->nr_vmas, 3);
	assert_int_equal(mm->rss, 1);
	assert_int_equal(mm->zero_ptes, 0);
	assert_int_equal(mm_find_vma(mm, ANON)->end, ANON + PAGE_SIZE);
	assert_int_equal(mm_find_vma(mm, ANON + PAGE_SIZE)->end,
			 ANON + 6 * PAGE_SIZE);
	assert_int_equal(mm_find_vma(mm, ANON + 6 * PAGE_SIZE)->flags,
			 VM_READ);
	assert_int_equal(load(mm, ANON + 2 * PAGE_SIZE), 0);
	store(mm, ANON + 5 * PAGE_SIZE, 3);	/* writable now */
	assert_int_equal(load(mm, ANON), 0x11);
	/* the child still has its copies */
	assert_int_equal(load(child, ANON + 2 * PAGE_SIZE), 0x13);
	mm_destroy(child);
	assert_int_equal(mm_unmap_region(mm, ANON + PAGE_SIZE, 5 * PAGE_SIZE),
			 0);
	assert_int_equal(mm->rss, 1);
	mm_shrink_caches();
	assert_int_equal(zones_total_free(), free0);
	mm_destroy(mm);
}

/* A shared MAP_FIXED is populated; out of memory it leaves nothing. */
static void test_mmap_fixed_shared(void **state)
{
	struct mm *mm = mm_create();
	uintptr_t a;

	(void)state;
	assert_int_equal(mm_mmap_at(mm, ANON, 3 * PAGE_SIZE, RW | VM_SHARED,
				    MM_MAP_FIXED, &a), 0);
	assert_int_equal(mm->rss, 3);
	check(mm);
	fault_test_fail_nth(2);
	assert_int_equal(mm_mmap_at(mm, ANON + 8 * PAGE_SIZE, 4 * PAGE_SIZE,
				    RW | VM_SHARED, MM_MAP_FIXED, &a), -ENOMEM);
	fault_test_fail_nth(0);
	check(mm);
	assert_int_equal(mm->rss, 3);
	assert_int_equal(mm->nr_vmas, 1);
	mm_destroy(mm);
}

/* --- madvise(MADV_DONTNEED) ----------------------------------------------- */

static void test_madvise_dontneed(void **state)
{
	static uint8_t image[PAGE_SIZE];
	struct mm *mm = mm_create();
	uint32_t free0;
	uintptr_t sh;
	unsigned int i;

	(void)state;
	memset(image, 0x5a, sizeof(image));
	assert_int_equal(mm_map_region(mm, TEXT, PAGE_SIZE, RW | VM_IMAGE,
				       image, TEXT, sizeof(image)), 0);
	assert_int_equal(mm_map_region(mm, ANON, 6 * PAGE_SIZE, RW, NULL, 0,
				       0), 0);
	assert_int_equal(mm_mmap(mm, PAGE_SIZE, RW | VM_SHARED, &sh), 0);
	store(mm, ANON, 1);
	free0 = zones_total_free();
	for (i = 1; i < 6; i++)
		store(mm, ANON + i * PAGE_SIZE, (uint8_t)(i + 1));
	store(mm, TEXT + 9, 9);
	store(mm, sh, 7);
	/* bad arguments, holes: nothing dropped */
	assert_int_equal(mm_madvise(mm, ANON + 1, PAGE_SIZE, true), -EINVAL);
	assert_int_equal(mm_madvise(mm, 0xfffff000u, 2 * PAGE_SIZE, true),
			 -EINVAL);
	assert_int_equal(mm_madvise(mm, ANON, 7 * PAGE_SIZE, true), -ENOMEM);
	assert_int_equal(mm_madvise(mm, PAGE_OFFSET - PAGE_SIZE, PAGE_SIZE,
				    true), -ENOMEM);
	assert_int_equal(mm_madvise(mm, ANON, 0, true), 0);
	assert_int_equal(mm_madvise(mm, ANON, 6 * PAGE_SIZE, false), 0);
	assert_int_equal(mm->rss, 8);
	/* pages 1-4 dropped (an unaligned length rounds up) */
	assert_int_equal(mm_madvise(mm, ANON + PAGE_SIZE, 3 * PAGE_SIZE + 1,
				    true), 0);
	check(mm);
	assert_int_equal(mm->rss, 4);
	assert_int_equal(mm->nr_vmas, 3);
	for (i = 1; i < 5; i++)
		assert_int_equal(load(mm, ANON + i * PAGE_SIZE + 3), 0);
	assert_int_equal(load(mm, ANON), 1);
	assert_int_equal(load(mm, ANON + 5 * PAGE_SIZE), 6);
	/* the image page reads the image again, shared memory stays */
	assert_int_equal(mm_madvise(mm, TEXT, PAGE_SIZE, true), 0);
	assert_int_equal(load(mm, TEXT + 9), 0x5a);
	assert_int_equal(mm_madvise(mm, sh, PAGE_SIZE, true), 0);
	assert_int_equal(load(mm, sh), 7);
	assert_int_equal(mm_madvise(mm, ANON, 6 * PAGE_SIZE, true), 0);
	assert_int_equal(mm->zero_ptes, 0);
	mm_shrink_caches();
	/*
	 * Against free0: the image page's frame and table are new, while
	 * page 0 and the table of ANON (emptied) are gone.
	 */
	assert_int_equal(zones_total_free(), free0);
	mm_destroy(mm);
}

/* --- mremap ----------------------------------------------------------------- */

static void fill(struct mm *mm, uintptr_t start, unsigned int pages,
		 uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		store(mm, start + i * PAGE_SIZE + i, (uint8_t)(seed + i));
}

static void expect(struct mm *mm, uintptr_t start, unsigned int pages,
		   uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		assert_int_equal(load(mm, start + i * PAGE_SIZE + i),
				 (uint8_t)(seed + i));
}

/* Shrink, grow in place, move on growth, move to a fixed place. */
static void test_mremap_paths(void **state)
{
	struct mm *mm = mm_create();
	uint32_t start = zones_total_free(), free0, rss;
	uintptr_t r, a;

	(void)state;
	assert_int_equal(mm_mmap_at(mm, ANON, 8 * PAGE_SIZE, RW, 0, &a), 0);
	store(mm, ANON, 0);		/* the page table */
	free0 = zones_total_free();
	fill(mm, ANON, 8, 0x20);
	/* shrink: the tail's frames go back */
	assert_int_equal(mm_mremap(mm, ANON, 8 * PAGE_SIZE, 5 * PAGE_SIZE, 0,
				   0, &r), 0);
	assert_int_equal(r, ANON);
	check(mm);
	assert_int_equal(mm->rss, 5);
	assert_int_equal(free0 - zones_total_free(), 4);	/* page 0 was */
	/* grow in place (free above), then again with an unaligned length */
	assert_int_equal(mm_mremap(mm, ANON, 5 * PAGE_SIZE, 7 * PAGE_SIZE, 0,
				   0, &r), 0);
	assert_int_equal(r, ANON);
	assert_int_equal(mm_find_vma(mm, ANON)->end, ANON + 7 * PAGE_SIZE);
	assert_int_equal(load(mm, ANON + 6 * PAGE_SIZE), 0);
	expect(mm, ANON, 5, 0x20);
	/* something above: no room in place; without MAYMOVE ENOMEM */
	assert_int_equal(mm_map_region(mm, ANON + 8 * PAGE_SIZE, PAGE_SIZE,
				       RW, NULL, 0, 0), 0);
	assert_int_equal(mm_mremap(mm, ANON, 7 * PAGE_SIZE, 9 * PAGE_SIZE, 0,
				   0, &r), -ENOMEM);
	/* with MAYMOVE: moved below the mmap base, contents and frames kept */
	rss = mm->rss;
	assert_int_equal(mm_mremap(mm, ANON, 7 * PAGE_SIZE, 9 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE, 0, &r), 0);
	assert_int_equal(r, USER_MMAP_TOP - 9 * PAGE_SIZE);
	check(mm);
	assert_int_equal(mm->rss, rss);
	assert_null(mm_find_vma(mm, ANON));
	expect(mm, r, 5, 0x20);
	assert_int_equal(load(mm, r + 8 * PAGE_SIZE), 0);
	/* fixed: onto the small region at ANON + 8 pages, shrinking */
	a = r;
	assert_int_equal(mm_mremap(mm, a, 9 * PAGE_SIZE, 3 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE | MM_REMAP_FIXED,
				   ANON + 7 * PAGE_SIZE, &r), 0);
	assert_int_equal(r, ANON + 7 * PAGE_SIZE);
	check(mm);
	assert_null(mm_find_vma(mm, a));
	assert_int_equal(mm_find_vma(mm, r)->end, r + 3 * PAGE_SIZE);
	assert_int_equal(mm->nr_vmas, 1);
	expect(mm, r, 3, 0x20);
	assert_int_equal(mm->rss, 3);
	/* part of a region moves; the rest stays */
	assert_int_equal(mm_mremap(mm, r + PAGE_SIZE, PAGE_SIZE, PAGE_SIZE,
				   MM_REMAP_MAYMOVE | MM_REMAP_FIXED,
				   ANON, &a), 0);
	check(mm);
	assert_int_equal(mm->nr_vmas, 3);
	assert_int_equal(load(mm, ANON + 1), 0x21);
	assert_int_equal(load(mm, r + 2 * PAGE_SIZE + 2), 0x22);
	assert_int_equal(mm_unmap_region(mm, ANON, 16 * PAGE_SIZE), 0);
	mm_shrink_caches();	/* every frame, table and descriptor back */
	assert_int_equal(zones_total_free(), start);
	mm_destroy(mm);
}

/* Every refusal of mm_mremap(), each with nothing changed. */
static void test_mremap_errors(void **state)
{
	struct mm *mm = mm_create();
	uint32_t free0;
	uintptr_t r = 0x1234;

	(void)state;
	mm->brk_start = mm->brk = 0x08100000u;
	assert_int_equal(mm_brk(mm, 0x08100000u + 2 * PAGE_SIZE, &r), 0);
	assert_int_equal(mm_map_region(mm, ANON, 4 * PAGE_SIZE, RW, NULL, 0,
				       0), 0);
	assert_int_equal(mm_map_region(mm, ANON + 4 * PAGE_SIZE, PAGE_SIZE,
				       VM_READ, NULL, 0, 0), 0);
	fill(mm, ANON, 4, 0x40);
	free0 = zones_total_free();
	r = 0x1234;
	assert_int_equal(mm_mremap(mm, ANON, PAGE_SIZE, PAGE_SIZE, 0x4, 0, &r),
			 -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON, PAGE_SIZE, 2 * PAGE_SIZE,
				   MM_REMAP_FIXED, ANON + MiB(1), &r), -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON + 1, PAGE_SIZE, PAGE_SIZE, 0, 0,
				   &r), -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON, PAGE_SIZE, 0, 0, 0, &r), -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON, 0, PAGE_SIZE, 0, 0, &r), -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON, 0xfffff800u, PAGE_SIZE, 0, 0,
				   &r), -EINVAL);
	/* fixed targets: unaligned, past the top, overlapping the old range */
	assert_int_equal(mm_mremap(mm, ANON, PAGE_SIZE, PAGE_SIZE,
				   MM_REMAP_MAYMOVE | MM_REMAP_FIXED,
				   ANON + MiB(1) + 8, &r), -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON, PAGE_SIZE, 2 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE | MM_REMAP_FIXED,
				   PAGE_OFFSET - PAGE_SIZE, &r), -EINVAL);
	assert_int_equal(mm_mremap(mm, ANON, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE | MM_REMAP_FIXED,
				   ANON + PAGE_SIZE, &r), -EINVAL);
	/* no region; crossing regions; the heap */
	assert_int_equal(mm_mremap(mm, ANON + MiB(1), PAGE_SIZE,
				   2 * PAGE_SIZE, MM_REMAP_MAYMOVE, 0, &r),
			 -EFAULT);
	assert_int_equal(mm_mremap(mm, ANON, 5 * PAGE_SIZE, 6 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE, 0, &r), -EFAULT);
	assert_int_equal(mm_mremap(mm, 0x08100000u, PAGE_SIZE, 4 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE, 0, &r), -EFAULT);
	/* no room anywhere; no memory for the descriptor or a table */
	assert_int_equal(mm_mremap(mm, ANON, 4 * PAGE_SIZE, MiB(2000),
				   MM_REMAP_MAYMOVE, 0, &r), -ENOMEM);
	fail_slab(true);
	assert_int_equal(mm_mremap(mm, ANON, 4 * PAGE_SIZE, 6 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE, 0, &r), -ENOMEM);
	fail_slab(false);
	fault_test_fail_all();		/* the new range needs a table */
	assert_int_equal(mm_mremap(mm, ANON, 4 * PAGE_SIZE, 6 * PAGE_SIZE,
				   MM_REMAP_MAYMOVE, 0, &r), -ENOMEM);
	fault_test_fail_nth(0);
	assert_int_equal(r, 0x1234);
	check(mm);
	assert_int_equal(mm->nr_vmas, 3);
	assert_int_equal(mm->rss, 4);
	expect(mm, ANON, 4, 0x40);
	mm_shrink_caches();
	assert_int_equal(zones_total_free(), free0);
	mm_destroy(mm);
}

/*
 * A move that runs out of memory at each step in turn (descriptor, the
 * new page table, the populated growth of a shared region) changes
 * nothing; the shared region's frames stay shared with the child.
 */
static void test_mremap_out_of_memory(void **state)
{
	struct mm *mm = mm_create(), *child;
	uintptr_t a, r;
	uint32_t free0;
	unsigned int n;
	int err;

	(void)state;
	assert_int_equal(mm_mmap_at(mm, ANON, 2 * PAGE_SIZE, RW | VM_SHARED,
				    MM_MAP_FIXED, &a), 0);
	fill(mm, ANON, 2, 0x60);
	assert_int_equal(mm_fork(mm, &child), 0);
	free0 = zones_total_free();
	for (n = 1;; n++) {
		fault_test_fail_nth(n);
		err = mm_mremap(mm, ANON, 2 * PAGE_SIZE, 4 * PAGE_SIZE,
				MM_REMAP_MAYMOVE | MM_REMAP_FIXED, SPAN, &r);
		fault_test_fail_nth(0);
		check(mm);
		if (err == 0)
			break;
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(mm->nr_vmas, 1);
		mm_shrink_caches();
		assert_int_equal(zones_total_free(), free0);
		expect(mm, ANON, 2, 0x60);
	}
	assert_true(n > 3);	/* descriptor, two frames, a table */
	assert_int_equal(r, SPAN);
	assert_int_equal(mm->rss, 4);
	store(mm, SPAN + 5, 0x77);	/* still shared with the child */
	assert_int_equal(load(child, ANON + 5), 0x77);
	assert_int_equal(load(mm, SPAN + 3 * PAGE_SIZE), 0);
	mm_destroy(child);
	mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_region_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_demand_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stack_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_cow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_region, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_protect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_mmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_out_of_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_unmap_across_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_fixed_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_fixed_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_madvise_dontneed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_out_of_memory, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
