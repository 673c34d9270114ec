/*
 * Host tests of mm/oom.c: an address space's usage in the terms of the
 * killer's line (total-vm, anon-rss, shmem-rss, page tables), its badness
 * score, and oom_reclaim() giving back empty slabs and hot frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm_harness.h"
#include "mm/oom.h"
#include "mm/shm.h"

#define ANON	0x20000000u
#define RW	(VM_READ | VM_WRITE)

static int setup(void **state)
{
	(void)state;
	mm_machine_boot();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_machine_shutdown();
	return 0;
}

static void touch(struct mm *mm, uintptr_t va)
{
	const char *why;

	assert_int_equal(mm_fault(mm, va, FAULT_USER | FAULT_WRITE, &why), 0);
}

/* Regions, frames, a segment's frames and tables, counted apart. */
static void test_usage_and_badness(void **state)
{
	struct mm *mm = mm_create();
	struct oom_usage u;
	uintptr_t at;
	unsigned int i;
	int id;

	(void)state;
	mm_oom_usage(mm, &u);
	assert_int_equal(u.total_vm + u.anon_rss + u.shmem_rss + u.pgtables,
			 0);
	assert_int_equal(mm_oom_badness(mm), 0);
	/* 8 pages in one table, 2 more regions' pages untouched */
	assert_int_equal(mm_map_region(mm, ANON, 8 * PAGE_SIZE, RW, NULL, 0,
				       0), 0);
	assert_int_equal(mm_map_region(mm, ANON + MiB(8), 2 * PAGE_SIZE, RW,
				       NULL, 0, 0), 0);
	for (i = 0; i < 5; i++)
		touch(mm, ANON + i * PAGE_SIZE);
	assert_int_equal(shm_get(IPC_PRIVATE, 3 * PAGE_SIZE, 0600, 1, &id), 0);
	assert_int_equal(shm_attach(mm, id, 0, 0, &at), 0);
	touch(mm, at);
	touch(mm, at + 2 * PAGE_SIZE);
	mm_oom_usage(mm, &u);
	assert_int_equal(u.total_vm, 8 + 2 + 3);
	assert_int_equal(u.anon_rss, 5);
	assert_int_equal(u.shmem_rss, 2);
	assert_int_equal(u.pgtables, 2);	/* ANON's and the segment's */
	assert_int_equal(mm_oom_badness(mm), 5 + 2 + 2);
	/* a read maps the zero page: no frame, but its new table counts */
	{
		const char *why;

		assert_int_equal(mm_fault(mm, ANON + MiB(8), FAULT_USER, &why),
				 0);
	}
	assert_int_equal(mm_oom_badness(mm), 9 + 1);
	mm_oom_usage(mm, &u);
	assert_int_equal(u.anon_rss, 5);
	assert_int_equal(u.pgtables, 3);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	mm_destroy(mm);
}

/* Empty slabs come back as free frames. */
static void test_reclaim(void **state)
{
	struct kmem_cache *c = kmem_cache_create("oom_test", 512, 0, 0, NULL);
	void *objs[64];
	uint32_t before;
	unsigned int i;

	(void)state;
	assert_non_null(c);
	for (i = 0; i < 64; i++)
		assert_non_null(objs[i] = kmem_cache_alloc(c, GFP_KERNEL));
	for (i = 0; i < 64; i++)
		kmem_cache_free(c, objs[i]);
	before = zones_total_free();
	assert_true(oom_reclaim() > 0);
	assert_true(zones_total_free() > before);
	assert_int_equal(oom_reclaim(), 0);	/* nothing left to give */
	kmem_cache_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage_and_badness, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reclaim, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
