/*
 * Host tests of mm/shm.c over the simulated i386 MMU: the key and id
 * table with every errno, attach and detach, frames shared by every
 * attacher and demand-zero on first touch by any of them, fork keeping an
 * attach shared, munmap and mprotect splitting an attach, and the rule
 * that frames are freed when the id is removed and the last attach is
 * gone.  mm_check() and shm_check() run after every step; every case ends
 * with the free frame count it started with.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mm/testing/fault_inject.h"
#include "mm_harness.h"
#include "mm/shm.h"

#define KEY	0x1234
#define AT	0x40000000u

static int setup(void **state)
{
	(void)state;
	mm_machine_boot();
	return 0;
}

static int teardown(void **state)
{
	struct shm_stats ss;

	(void)state;
	shm_get_stats(&ss);
	assert_int_equal(ss.segments, 0);
	assert_int_equal(ss.pages, 0);
	assert_int_equal(ss.resident, 0);
	mm_machine_shutdown();
	return 0;
}

static void check(struct mm *mm)
{
	unsigned int bad = shm_check();

	if (mm)
		bad += mm_check(mm) + vmm_check(mm->pd);
	if (bad)
		fail_msg("%u violations\n%s", bad, host_log());
}

static struct mm *space(int pid)
{
	struct mm *mm = mm_create();

	assert_non_null(mm);
	mm->pid = pid;
	return mm;
}

static void store(struct mm *mm, uintptr_t va, uint8_t value)
{
	const char *why;

	if (mm_user_access(mm, va, true, &why) != 0)
		fail_msg("store at 0x%lx refused: %s", (unsigned long)va, why);
	*mm_uptr(mm, va) = value;
	check(mm);
}

static uint8_t load(struct mm *mm, uintptr_t va)
{
	const char *why;

	if (mm_user_access(mm, va, false, &why) != 0)
		fail_msg("load at 0x%lx refused: %s", (unsigned long)va, why);
	check(mm);
	return *mm_uptr(mm, va);
}

static struct shmid64_ds stat_of(int id)
{
	struct shmid64_ds ds;

	assert_int_equal(shm_ctl(id, IPC_STAT, &ds), 0);
	return ds;
}

static struct shm_stats sstats(void)
{
	struct shm_stats s;

	shm_get_stats(&s);
	return s;
}

/* shmget: keys, IPC_PRIVATE, sizes and every error of the table. */
static void test_get_errors(void **state)
{
	int id, id2, again, big, ids[SHMMNI];
	unsigned int i;

	(void)state;
	assert_int_equal(shm_get(KEY, 4096, 0600, 1, &id), -ENOENT);
	assert_int_equal(shm_get(KEY, 0, IPC_CREAT | 0600, 1, &id), -EINVAL);
	assert_int_equal(shm_get(KEY, SHMMAX + 1, IPC_CREAT, 1, &id), -EINVAL);
	assert_int_equal(shm_get(KEY, 5000, IPC_CREAT | 0640, 7, &id), 0);
	check(NULL);
	assert_int_equal(stat_of(id).shm_segsz, 5000);
	assert_int_equal(stat_of(id).shm_perm.mode, 0640);
	assert_int_equal(stat_of(id).shm_perm.key, KEY);
	assert_int_equal(stat_of(id).shm_cpid, 7);
	assert_int_equal(stat_of(id).shm_lpid, 0);
	assert_int_equal(sstats().pages, 2);		/* rounded to pages */
	/* the same key: the same id, whatever size up to the segment's */
	assert_int_equal(shm_get(KEY, 0, 0, 2, &again), 0);
	assert_int_equal(again, id);
	assert_int_equal(shm_get(KEY, 5000, IPC_CREAT, 2, &again), 0);
	assert_int_equal(again, id);
	assert_int_equal(shm_get(KEY, 5001, 0, 2, &again), -EINVAL);
	assert_int_equal(shm_get(KEY, 10, IPC_CREAT | IPC_EXCL, 2, &again),
			 -EEXIST);
	/* IPC_PRIVATE: always new */
	assert_int_equal(shm_get(IPC_PRIVATE, 10, 0, 1, &id2), 0);
	assert_int_not_equal(id2, id);
	/* SHMALL pages in all */
	assert_int_equal(shm_get(KEY + 1, SHMMAX, IPC_CREAT, 1, &big), 0);
	assert_int_equal(shm_get(KEY + 2, SHMMAX, IPC_CREAT, 1, &again),
			 -ENOSPC);
	assert_int_equal(shm_ctl(big, IPC_RMID, NULL), 0);
	/* SHMMNI ids */
	for (i = 2; i < SHMMNI; i++)
		assert_int_equal(shm_get(IPC_PRIVATE, 1, 0, 1, &ids[i]), 0);
	assert_int_equal(shm_get(IPC_PRIVATE, 1, 0, 1, &again), -ENOSPC);
	check(NULL);
	for (i = 2; i < SHMMNI; i++)
		assert_int_equal(shm_ctl(ids[i], IPC_RMID, NULL), 0);
	/* commands and ids */
	assert_int_equal(shm_ctl(id, 99, NULL), -EINVAL);
	assert_int_equal(shm_ctl(-1, IPC_STAT, NULL), -EINVAL);
	assert_int_equal(shm_ctl(id + SHMMNI, IPC_RMID, NULL), -EINVAL);
	assert_int_equal(shm_ctl(id2, IPC_RMID, NULL), 0);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	/* a removed id is stale, even once its slot is given out again */
	assert_int_equal(shm_ctl(id, IPC_STAT, NULL), -EINVAL);
	assert_int_equal(shm_get(KEY, 4096, IPC_CREAT, 1, &again), 0);
	assert_int_not_equal(again, id);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), -EINVAL);
	assert_int_equal(shm_ctl(again, IPC_RMID, NULL), 0);
	check(NULL);
	/* no block for the descriptor: ENOMEM, nothing taken */
	fault_test_fail_all();
	assert_int_equal(shm_get(KEY, 4096, IPC_CREAT, 1, &again), -ENOMEM);
	fault_test_fail_nth(0);
	assert_int_equal(sstats().segments, 0);
	assert_int_equal(shm_get(KEY, 4096, 0, 1, &again), -ENOENT);
	check(NULL);
}

/* Two spaces that share nothing else see the same frames. */
static void test_attach_share(void **state)
{
	struct mm *a = space(1), *b = space(2);
	uintptr_t pa, pb;
	int id;

	(void)state;
	assert_int_equal(shm_get(KEY, 3 * PAGE_SIZE, IPC_CREAT | 0600, 1,
				 &id), 0);
	assert_int_equal(shm_attach(a, id, 0, 0, &pa), 0);
	assert_int_equal(pa, USER_MMAP_TOP - 3 * PAGE_SIZE);
	assert_int_equal(shm_attach(b, id, AT, 0, &pb), 0);
	assert_int_equal(pb, AT);
	assert_int_equal(stat_of(id).shm_nattch, 2);
	assert_int_equal(stat_of(id).shm_lpid, 2);
	check(a);
	check(b);
	assert_int_equal(sstats().resident, 0);	/* nothing until touched */
	/* a read by b is the segment's frame, not the zero page */
	assert_int_equal(load(b, pb + PAGE_SIZE), 0);
	assert_int_equal(sstats().resident, 1);
	store(a, pa + PAGE_SIZE, 0x5a);
	assert_int_equal(load(b, pb + PAGE_SIZE), 0x5a);
	assert_int_equal(mm_pfn_at(a, pa + PAGE_SIZE),
			 mm_pfn_at(b, pb + PAGE_SIZE));
	store(b, pb + 2 * PAGE_SIZE + 7, 0x77);
	assert_int_equal(load(a, pa + 2 * PAGE_SIZE + 7), 0x77);
	assert_int_equal(a->rss, 2);
	assert_int_equal(a->shm_rss, 2);
	assert_int_equal(page_count(pfn_to_page(mm_pfn_at(a, pa + PAGE_SIZE))),
			 3);
	/* detach and attach again: the bytes stayed in the segment */
	assert_int_equal(shm_detach(a, pa), 0);
	check(a);
	assert_int_equal(a->rss, 0);
	assert_int_equal(a->shm_rss, 0);
	assert_int_equal(stat_of(id).shm_nattch, 1);
	assert_int_equal(stat_of(id).shm_lpid, 1);
	assert_int_equal(shm_attach(a, id, 0, SHM_RDONLY, &pa), 0);
	assert_int_equal(load(a, pa + PAGE_SIZE), 0x5a);
	{
		const char *why;

		assert_int_equal(mm_user_access(a, pa, true, &why), -EFAULT);
		assert_string_equal(why, "write to read-only region");
		/* and it cannot be made writable */
		assert_int_equal(mm_protect_region(a, pa, PAGE_SIZE,
						   VM_READ | VM_WRITE),
				 -EACCES);
		assert_int_equal(mm_protect_region(a, pa, PAGE_SIZE, 0), 0);
		check(a);
	}
	mm_destroy(a);
	mm_destroy(b);
	assert_int_equal(stat_of(id).shm_nattch, 0);
	assert_int_equal(sstats().resident, 2);	/* kept: not removed */
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	assert_int_equal(sstats().resident, 0);
	check(NULL);
}

/* Attach and detach errors leave the space as it was. */
static void test_attach_errors(void **state)
{
	struct mm *mm = space(3);
	uintptr_t at;
	int id;

	(void)state;
	assert_int_equal(shm_get(IPC_PRIVATE, 2 * PAGE_SIZE, 0600, 3, &id), 0);
	assert_int_equal(shm_attach(mm, id + SHMMNI, 0, 0, &at), -EINVAL);
	assert_int_equal(shm_attach(mm, id, AT + 1, 0, &at), -EINVAL);
	assert_int_equal(shm_attach(mm, id, AT + 1, SHM_RND, &at), 0);
	assert_int_equal(at, AT);
	assert_int_equal(shm_attach(mm, id, AT + PAGE_SIZE, 0, &at), -EINVAL);
	assert_int_equal(shm_attach(mm, id, PAGE_OFFSET - PAGE_SIZE, 0, &at),
			 -EINVAL);
	assert_int_equal(shm_detach(mm, AT + PAGE_SIZE), -EINVAL);
	assert_int_equal(shm_detach(mm, 0x50000000u), -EINVAL);
	assert_int_equal(mm_mmap(mm, PAGE_SIZE, VM_READ | VM_WRITE, &at), 0);
	assert_int_equal(shm_detach(mm, at), -EINVAL);	/* not shm */
	/* no region descriptor: ENOMEM, no attach counted */
	{
		struct fault_attr attr;

		fault_attr_init(&attr);
		attr.probability = 100;
		fault_inject_set(FAULT_SLAB, &attr);
		assert_int_equal(shm_attach(mm, id, 0, 0, &at), -ENOMEM);
		fault_inject_off(FAULT_SLAB);
	}
	check(mm);
	assert_int_equal(mm->nr_vmas, 2);
	assert_int_equal(stat_of(id).shm_nattch, 1);
	/* no frame for a touch: ENOMEM, nothing kept */
	fault_test_fail_all();
	{
		const char *why;

		assert_int_equal(mm_user_access(mm, AT, true, &why), -ENOMEM);
	}
	fault_test_fail_nth(0);
	check(mm);
	assert_int_equal(sstats().resident, 0);
	assert_int_equal(mm->rss, 0);
	assert_int_equal(shm_detach(mm, AT), 0);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	mm_destroy(mm);
	check(NULL);
}

/* IPC_RMID while attached: key gone, frames kept until the last goes. */
static void test_remove_attached(void **state)
{
	struct mm *a = space(1), *b = space(2);
	uintptr_t pa, pb;
	uint32_t free0;
	int id, id2;

	(void)state;
	assert_int_equal(shm_get(KEY, PAGE_SIZE, IPC_CREAT, 1, &id), 0);
	assert_int_equal(shm_attach(a, id, 0, 0, &pa), 0);
	assert_int_equal(shm_attach(b, id, 0, 0, &pb), 0);
	store(a, pa, 9);
	free0 = zones_total_free();
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	check(NULL);
	assert_int_equal(stat_of(id).shm_perm.mode & SHM_DEST, SHM_DEST);
	assert_int_equal(stat_of(id).shm_perm.key, IPC_PRIVATE);
	/* the key names nothing now: a new segment */
	assert_int_equal(shm_get(KEY, PAGE_SIZE, 0, 1, &id2), -ENOENT);
	assert_int_equal(load(b, pb), 9);
	assert_int_equal(shm_detach(a, pa), 0);
	assert_int_equal(sstats().segments, 1);
	assert_int_equal(zones_total_free(), free0);
	mm_destroy(b);				/* the last attach: freed */
	assert_int_equal(sstats().segments, 0);
	assert_int_equal(sstats().destroyed, sstats().created);
	assert_int_equal(shm_ctl(id, IPC_STAT, NULL), -EINVAL);
	check(a);
	mm_destroy(a);
}

/* fork shares the attach (no copy); pieces of a split count as attaches. */
static void test_fork_and_split(void **state)
{
	struct mm *parent = space(1), *child;
	uintptr_t p;
	int id;

	(void)state;
	assert_int_equal(shm_get(IPC_PRIVATE, 4 * PAGE_SIZE, 0600, 1, &id), 0);
	assert_int_equal(shm_attach(parent, id, 0, 0, &p), 0);
	store(parent, p, 1);
	assert_int_equal(mm_fork(parent, &child), 0);
	child->pid = 2;
	check(child);
	assert_int_equal(stat_of(id).shm_nattch, 2);
	assert_int_equal(child->shm_rss, 1);
	store(child, p, 2);			/* no copy-on-write */
	assert_int_equal(load(parent, p), 2);
	store(child, p + 3 * PAGE_SIZE, 3);	/* first touch by the child */
	assert_int_equal(load(parent, p + 3 * PAGE_SIZE), 3);
	assert_int_equal(mm_pfn_at(child, p), mm_pfn_at(parent, p));
	/* mprotect splits the child's attach in three */
	assert_int_equal(mm_protect_region(child, p + PAGE_SIZE, PAGE_SIZE,
					   VM_READ), 0);
	check(child);
	assert_int_equal(stat_of(id).shm_nattch, 4);
	/* munmap of the first page: shmdt at p no longer finds it */
	assert_int_equal(mm_unmap_region(child, p, PAGE_SIZE), 0);
	assert_int_equal(stat_of(id).shm_nattch, 3);
	assert_int_equal(shm_detach(child, p), -EINVAL);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	/* shmdt in the parent, exit of the child: freed */
	assert_int_equal(shm_detach(parent, p), 0);
	assert_int_equal(sstats().segments, 1);
	mm_destroy(child);
	assert_int_equal(sstats().segments, 0);
	check(parent);
	mm_destroy(parent);
}

/* shmdt removes every piece of the attach, not only the first. */
static void test_detach_pieces(void **state)
{
	struct mm *mm = space(1);
	uintptr_t p;
	int id;

	(void)state;
	assert_int_equal(shm_get(IPC_PRIVATE, 4 * PAGE_SIZE, 0600, 1, &id), 0);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);	/* no attach */
	assert_int_equal(sstats().segments, 0);
	assert_int_equal(shm_get(IPC_PRIVATE, 4 * PAGE_SIZE, 0600, 1, &id), 0);
	assert_int_equal(shm_attach(mm, id, 0, 0, &p), 0);
	store(mm, p + 3 * PAGE_SIZE, 1);
	assert_int_equal(mm_unmap_region(mm, p + PAGE_SIZE, PAGE_SIZE), 0);
	assert_int_equal(mm_protect_region(mm, p + 3 * PAGE_SIZE, PAGE_SIZE,
					   VM_READ), 0);
	assert_int_equal(stat_of(id).shm_nattch, 3);
	assert_int_equal(shm_ctl(id, IPC_RMID, NULL), 0);
	assert_int_equal(shm_detach(mm, p), 0);
	assert_int_equal(mm->nr_vmas, 0);
	assert_int_equal(sstats().segments, 0);
	check(mm);
	mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_attached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_and_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_pieces, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
