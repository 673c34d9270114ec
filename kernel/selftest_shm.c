/*
 * `selftest shm`: System V segments on the real MMU and allocator,
 * without running a process: two spaces and a fork of one attach a
 * segment, every one of them maps the same frame for a page whichever
 * touched it first, and the frames go back only when the segment is
 * removed and its last attach is gone.  shm_check(), mm_check() and
 * vmm_check() run after each step; the case ends with the free frames of
 * each zone as it found them.
 *
 * Context: the shell, interrupts on (the case runs with them off, as the
 * system calls do).
 */
#include "proc.h"
#include "selftest.h"
#include "mm/shm.h"
#include "mm/vmm.h"

#define SEG_PAGES	4u

static const char *checked(struct mm **mms, unsigned int n)
{
	unsigned int i, bad = shm_check();

	for (i = 0; i < n; i++)
		bad += mm_check(mms[i]) + vmm_check(mms[i]->pd);
	return bad ? selftest_fail("checkers found %u violations (see above)",
				   bad) : NULL;
}

static pfn_t frame_at(struct mm *mm, uintptr_t va, bool write)
{
	const char *why;
	pfn_t pfn;

	if (mm_fault(mm, va, FAULT_PRESENT | (write ? FAULT_WRITE : 0),
		     &why) != 0 ||
	    vmm_translate(mm->pd, va, &pfn, NULL) != 0)
		return PFN_NONE;
	return pfn;
}

/* mms[0] and mms[1] attach; mms[2] is a fork of mms[0]. */
static const char *share_body(struct mm **mms, int id)
{
	uintptr_t at[2];
	struct shm_stats s;
	unsigned int i;
	pfn_t first;

	for (i = 0; i < 2; i++)
		if (shm_attach(mms[i], id, 0, 0, &at[i]) != 0)
			return selftest_fail("attach %u failed", i);
	if (mm_fork(mms[0], &mms[2]) != 0)
		return selftest_fail("fork failed");
	for (i = 0; i < SEG_PAGES; i++) {
		first = frame_at(mms[i % 3], at[i % 3 == 1] + i * PAGE_SIZE,
				 i & 1);
		if (first == PFN_NONE ||
		    frame_at(mms[0], at[0] + i * PAGE_SIZE, false) != first ||
		    frame_at(mms[1], at[1] + i * PAGE_SIZE, true) != first ||
		    frame_at(mms[2], at[0] + i * PAGE_SIZE, true) != first)
			return selftest_fail("page %u: not one frame in all",
					     i);
	}
	shm_get_stats(&s);
	if (s.resident != SEG_PAGES)
		return selftest_fail("%u frames resident, not %u", s.resident,
				     SEG_PAGES);
	return checked(mms, 3);
}

SELFTEST(shm, shared_by_attach_and_fork)
{
	struct mm *mms[3] = { NULL, NULL, NULL };
	struct zone_free before;
	struct shm_stats s0, s1;
	unsigned long flags;
	const char *err;
	unsigned int i;
	int id = -1;

	proc_shrink_caches();
	zone_free_take(&before);
	flags = arch_irq_save();
	shm_get_stats(&s0);
	mms[0] = mm_create();
	mms[1] = mm_create();
	if (shm_get(IPC_PRIVATE, SEG_PAGES * PAGE_SIZE, 0600, 0, &id) != 0)
		err = selftest_fail("shmget failed");
	else if (!mms[0] || !mms[1])
		err = selftest_fail("mm_create failed");
	else
		err = share_body(mms, id);
	if (shm_ctl(id, IPC_RMID, NULL) != 0 && !err)
		err = selftest_fail("IPC_RMID failed");
	for (i = 0; i < 3; i++)
		if (mms[i])
			mm_destroy(mms[i]);
	shm_get_stats(&s1);
	if (!err && (s1.segments != s0.segments || s1.resident != s0.resident))
		err = selftest_fail("segment not freed with its last attach");
	if (!err && shm_check())
		err = selftest_fail("shm_check found violations (see above)");
	arch_irq_restore(flags);
	proc_shrink_caches();
	return err ? err : zone_free_compare(&before);
}
