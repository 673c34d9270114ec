/*
 * The kernel's access to user memory: checked copies in and out of the
 * user half, built on one copy routine whose faults the exception table
 * turns into an error (arch/i386/usercopy.c, arch/i386/user_copy.asm).
 */
#ifndef ARCH_I386_USERCOPY_H
#define ARCH_I386_USERCOPY_H

#include "mm/types.h"

/*
 * copy_from_user / copy_to_user - copy @n bytes between kernel memory and
 * the user half of the loaded address space.
 * Context: process context (a system call), the process's space loaded.
 * Returns: 0, or -EFAULT (a range not wholly below PAGE_OFFSET, or a page
 * the process may not access in that way).
 */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);

/*
 * user_copy - copy @n bytes, in arch/i386/user_copy.asm; a fault in the
 * copy ends it through the exception table.  Callers check the range.
 * Context: as copy_from_user.  Returns: the bytes not copied (0: all).
 */
uint32_t user_copy(void *dst, const void *src, uint32_t n);

/*
 * usercopy_write_fault - NULL while CR0.WP makes ring 0 fault on read-only
 * user pages; without it, the fault path's entry that copy_to_user calls
 * for a user page at @va whose entry does not let it write (@present: an
 * entry exists).  Set once at boot (kernel/vmm_boot.c).
 * Returns: 0 if the page is now writable, -EFAULT.
 */
extern int (*usercopy_write_fault)(uintptr_t va, bool present);

/* The pages copy_to_user handed to usercopy_write_fault. */
extern unsigned long usercopy_soft_faults;

#endif /* ARCH_I386_USERCOPY_H */
