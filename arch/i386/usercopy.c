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
 * Locking: none; process context (a system call), with the process's
 * address space loaded.  A copy may fault, and the fault may allocate a
 * frame (demand-zero, copy-on-write).
 */
#include "usercopy.h"
#include "mm/arch.h"

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

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return user_copy(udst, src, n) ? -EFAULT : 0;
}
