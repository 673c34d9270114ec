/*
 * `selftest proc`: address spaces on the real MMU and allocator, without
 * running a process: demand-zero, copy-on-write after mm_fork() (with
 * HIGHMEM frames, copied through kmap_local, on machines that have them),
 * an ELF image loaded into regions, and the same invariants the host
 * tests check (mm_check(), vmm_check()).  The spaces are never loaded;
 * pages are read through kmap_local().  Every case ends with the free
 * frames of each zone as it found them.  One more case drives the FPU
 * hand-over (arch/i386/fpu.c) with two save areas of its own: owner, CR0.TS
 * and the images the hardware writes back.
 *
 * Context: the shell, interrupts on (each case runs with them off, as
 * the fault path does).
 */
#include "cpu.h"
#include "proc.h"
#include "selftest.h"
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/vmm.h"

#define ANON	0x20000000u
#define NPAGES	64u

/* Free frames per zone, the process caches' empty slabs given back. */
static void proc_zone_free_take(struct zone_free *s)
{
	proc_shrink_caches();
	zone_free_take(s);
}

static const char *proc_zone_free_compare(const struct zone_free *before)
{
	proc_shrink_caches();
	return zone_free_compare(before);
}

static int touch(struct mm *mm, uintptr_t va, bool write)
{
	const char *why;
	unsigned int prot;
	unsigned int access = write ? FAULT_WRITE : 0;

	if (vmm_translate(mm->pd, va, NULL, &prot) == 0) {
		if (!write || (prot & MMU_WRITE))
			return 0;
		access |= FAULT_PRESENT;
	}
	return mm_fault(mm, va, access, &why);
}

/* Read (or write, if @set) the word at @va through a temporary mapping. */
static int word(struct mm *mm, uintptr_t va, uint32_t *val, bool set)
{
	uint32_t *p;
	pfn_t pfn;

	if (vmm_translate(mm->pd, va, &pfn, NULL) != 0)
		return -ENOENT;
	p = kmap_local(pfn_to_page(pfn));
	if (set)
		p[(va & (PAGE_SIZE - 1)) / 4] = *val;
	else
		*val = p[(va & (PAGE_SIZE - 1)) / 4];
	kunmap_local(p);
	return 0;
}

static const char *check_spaces(struct mm *a, struct mm *b)
{
	if (mm_check(a) || vmm_check(a->pd) || (b && (mm_check(b) ||
						     vmm_check(b->pd))))
		return selftest_fail("checkers found violations (see above)");
	return NULL;
}

/* Write every page of the parent, fork, write again in the child. */
static const char *cow_round(struct mm *parent, struct mm *child)
{
	uint32_t v, i;

	for (i = 0; i < NPAGES; i++) {
		if (touch(child, ANON + i * PAGE_SIZE, true) != 0)
			return selftest_fail("child write fault %u failed", i);
		v = 0x5000 + i;
		word(child, ANON + i * PAGE_SIZE, &v, true);
		word(parent, ANON + i * PAGE_SIZE, &v, false);
		if (v != 0x1000 + i)
			return selftest_fail("parent page %u reads 0x%x after the child wrote",
					     i, v);
	}
	for (i = 0; i < NPAGES; i++)
		if (touch(parent, ANON + i * PAGE_SIZE, true) != 0)
			return selftest_fail("parent write fault %u failed", i);
	return check_spaces(parent, child);
}

static const char *fork_cow_body(struct mm *parent)
{
	struct mm_stats s0, s1;
	struct mm *child;
	const char *err;
	uint32_t v, i;

	if (mm_map_region(parent, ANON, NPAGES * PAGE_SIZE,
			  VM_READ | VM_WRITE, NULL, 0, 0) != 0)
		return selftest_fail("mm_map_region failed");
	for (i = 0; i < NPAGES; i++) {
		if (touch(parent, ANON + i * PAGE_SIZE, true) != 0)
			return selftest_fail("write fault %u failed", i);
		v = 0x1000 + i;
		word(parent, ANON + i * PAGE_SIZE, &v, true);
	}
	mm_get_stats(&s0);
	if (mm_fork(parent, &child) != 0)
		return selftest_fail("fork failed");
	err = cow_round(parent, child);
	mm_destroy(child);
	mm_get_stats(&s1);
	if (!err && (s1.cow_copy - s0.cow_copy != NPAGES ||
		     s1.cow_reuse - s0.cow_reuse != NPAGES))
		err = selftest_fail("%llu copies and %llu reuses, expected %u each",
				    s1.cow_copy - s0.cow_copy,
				    s1.cow_reuse - s0.cow_reuse, NPAGES);
	return err;
}

static const char *demand_zero_body(struct mm *mm)
{
	uint32_t v = 1;

	if (mm_map_region(mm, ANON, 1024 * PAGE_SIZE, VM_READ | VM_WRITE,
			  NULL, 0, 0) != 0)
		return selftest_fail("mm_map_region failed");
	if (touch(mm, ANON + 5 * PAGE_SIZE, false) != 0 ||
	    word(mm, ANON + 5 * PAGE_SIZE + 12, &v, false) != 0 || v != 0 ||
	    mm->zero_ptes != 1 || mm->rss != 0)
		return selftest_fail("read fault: value %u, %u zero-page entries, rss %u",
				     v, mm->zero_ptes, mm->rss);
	if (touch(mm, ANON + 5 * PAGE_SIZE, true) != 0 ||
	    word(mm, ANON + 5 * PAGE_SIZE + 12, &v, false) != 0 || v != 0 ||
	    mm->zero_ptes != 0 || mm->rss != 1)
		return selftest_fail("write after read: value %u, %u zero-page entries, rss %u",
				     v, mm->zero_ptes, mm->rss);
	return NULL;
}

static const char *load_image_body(struct mm *mm)
{
	const struct user_prog *prog = user_prog_find("hello");
	char *argv[] = { "hello", "x" };
	uintptr_t entry, sp;
	uint32_t v;

	if (!prog)
		return selftest_fail("no program 'hello' in the image");
	if (elf_load(mm, prog, 2, argv, &entry, &sp) != 0)
		return selftest_fail("elf_load failed");
	/* the first word of text (user.ld: file offset 0x1000), and argc */
	if (touch(mm, entry, false) != 0 ||
	    word(mm, 0x08048000u, &v, false) != 0 ||
	    v != *(const uint32_t *)(prog->image + 0x1000))
		return selftest_fail("text page does not hold the image's bytes");
	if (word(mm, sp + 4, &v, false) != 0 || v != 2)
		return selftest_fail("argc on the new stack reads %u", v);
	return NULL;
}

/*
 * Run @body on a new address space with interrupts off, check and
 * destroy the space, and compare the free frames of every zone.
 */
static const char *on_new_space(const char *(*body)(struct mm *mm))
{
	struct zone_free before;
	unsigned long flags;
	const char *err;
	struct mm *mm;

	proc_zone_free_take(&before);
	flags = arch_irq_save();
	mm = mm_create();
	err = mm ? body(mm) : selftest_fail("mm_create failed");
	if (!err)
		err = check_spaces(mm, NULL);
	if (mm)
		mm_destroy(mm);
	arch_irq_restore(flags);
	return err ? err : proc_zone_free_compare(&before);
}

SELFTEST(proc, fork_cow)
{
	return on_new_space(fork_cow_body);
}

SELFTEST(proc, demand_zero_and_zero_page)
{
	return on_new_space(demand_zero_body);
}

SELFTEST(proc, load_program_image)
{
	return on_new_space(load_image_body);
}

static bool ts_is_set(void)
{
	return (read_cr0() & CR0_TS) != 0;
}

/* a owns the FPU, b takes it over, b flushes it; a owns it and dies. */
static const char *fpu_handover(struct fpu_state *a, struct fpu_state *b)
{
	struct fpu_stats s0, s1;

	fpu_get_stats(&s0);
	if (fpu_trap(a) != 0 || fpu_owner() != a || ts_is_set())
		return selftest_fail("first trap: owner %p (a %p), TS %d",
				     (const void *)fpu_owner(), (void *)a,
				     ts_is_set());
	fpu_switch(b);
	if (!ts_is_set())
		return selftest_fail("switch to a non-owner left CR0.TS clear");
	fpu_switch(a);
	if (ts_is_set())
		return selftest_fail("switch back to the owner left CR0.TS set");
	if (fpu_trap(b) != 0 || fpu_owner() != b)
		return selftest_fail("second trap did not hand the FPU to b");
	fpu_flush(b);
	if (fpu_owner() || !ts_is_set())
		return selftest_fail("flush: owner %p, TS %d",
				     (const void *)fpu_owner(), ts_is_set());
	if (fpu_state_cw(a) != FPU_INIT_CW || fpu_state_cw(b) != FPU_INIT_CW ||
	    (fpu_mode == FPU_FXSAVE &&
	     (fpu_state_mxcsr(a) != FPU_INIT_MXCSR ||
	      fpu_state_mxcsr(b) != FPU_INIT_MXCSR)))
		return selftest_fail("saved control word 0x%x/0x%x, MXCSR 0x%x/0x%x",
				     fpu_state_cw(a), fpu_state_cw(b),
				     fpu_state_mxcsr(a), fpu_state_mxcsr(b));
	fpu_trap(a);
	fpu_release(a);
	fpu_switch(b);
	fpu_get_stats(&s1);
	if (fpu_owner() || !ts_is_set() || s1.restores - s0.restores != 3 ||
	    s1.saves - s0.saves != 2)
		return selftest_fail("after release: owner %p, TS %d, %llu restores and %llu saves (expected 3 and 2)",
				     (const void *)fpu_owner(), ts_is_set(),
				     s1.restores - s0.restores,
				     s1.saves - s0.saves);
	return NULL;
}

SELFTEST(proc, fpu_handover)
{
	static struct fpu_state a, b;
	unsigned long flags;
	const char *err;

	if (fpu_owner())
		return selftest_fail("the FPU is owned while no process runs");
	fpu_state_init(&a);
	fpu_state_init(&b);
	flags = arch_irq_save();
	if (fpu_mode == FPU_NONE)
		err = fpu_trap(&a) == -ENODEV && !fpu_owner() &&
		      (read_cr0() & CR0_EM) ? NULL :
		      selftest_fail("without an FPU: owner %p, CR0 0x%x",
				    (const void *)fpu_owner(), read_cr0());
	else
		err = fpu_handover(&a, &b);
	arch_irq_restore(flags);
	return err;
}
