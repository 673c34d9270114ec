/*
 * copy_from_user / copy_to_user: the kernel's only way into user memory.
 *
 * A range is refused unless it lies wholly below PAGE_OFFSET (so a user
 * pointer can never make the kernel read or write its own half); the copy
 * itself is arch/i386/user_copy.asm, whose faults are first offered to
 * the process layer (a page not touched yet, a copy-on-write page: CR0.WP
 * makes the kernel fault on read-only user pages too) and otherwise end at the
 * exception-table fix-up, so a bad pointer costs -EFAULT, never a kernel
 * fault.  Region rights (a PROT_NONE region the kernel could still read)
 * are the system-call layer's check.
 *
 * Without CR0.WP (a 386, or the "nowp" boot option) ring 0 writes through
 * read-only entries: a copy into a page shared after fork or into the
 * zero page would land in the shared frame.  There copy_to_user goes page
 * by page, and before each page looks at its entry: one that is missing,
 * read-only or not user-accessible is handed to usercopy_write_fault (set
 * by kernel/vmm_boot.c to the page-fault path's entry) as the write fault
 * the CPU did not raise, and only then written.  Reads need no help.
 *
 * Locking: none; process context (a system call), with the process's
 * address space loaded.  A copy may fault, and the fault may allocate a
 * frame (demand-zero, copy-on-write).  The entry checked and the write
 * that follows run with interrupts off (the system-call gate), so nothing
 * can share the page again in between.
 */
#include "usercopy.h"
#include "mm/arch.h"
#include "mm/vmm.h"

int (*usercopy_write_fault)(uintptr_t va, bool present);
unsigned long usercopy_soft_faults;

static bool user_range_ok(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	return a < PAGE_OFFSET && n <= PAGE_OFFSET - a;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return user_copy(dst, usrc, n) ? -EFAULT : 0;
}

/* Make the page at @va writable for the kernel as a write fault would. */
static int user_page_prepare(uintptr_t va)
{
	const unsigned int want = MMU_USER | MMU_WRITE;
	unsigned int prot;
	bool present;

	present = vmm_translate(arch_mmu_current(), va, NULL, &prot) == 0;
	if (present && (prot & want) == want)
		return 0;
	usercopy_soft_faults++;
	return usercopy_write_fault(va, present);
}

/* copy_to_user without CR0.WP: check each page's entry, then write it. */
static int copy_to_user_nowp(uintptr_t udst, const uint8_t *src, size_t n)
{
	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (udst & (PAGE_SIZE - 1)));

		if (user_page_prepare(ALIGN_DOWN(udst, PAGE_SIZE)) != 0 ||
		    user_copy((void *)udst, src, chunk) != 0)
			return -EFAULT;
		udst += chunk;
		src += chunk;
		n -= chunk;
	}
	return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	if (usercopy_write_fault)
		return copy_to_user_nowp((uintptr_t)udst, src, n);
	return user_copy(udst, src, n) ? -EFAULT : 0;
}
