/*
 * The page-fault handler: the kernel's entry for vector 14.
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include "trap.h"

/*
 * do_page_fault - decode the fault of @tf and have it resolved (the VMM,
 * then the process layer, then the exception table), or panic.
 * Context: the page-fault trap (registered by vmm_boot_init()),
 * interrupts off.  Returns: only if the fault was resolved or fixed up,
 * or the faulting process was ended.
 */
void do_page_fault(struct trap_frame *tf);

/*
 * do_double_fault - panic for a double fault, @tf being the interrupted
 * context: "kernel stack overflow" with the process, the CPU and the
 * guard page hit when the faulting address or esp is in a kernel stack's
 * guard page; "double fault" with the same facts otherwise.
 * Context: the double-fault task (arch/i386/gdt.c), on its own stack,
 * interrupts off.  Returns: never.
 */
__attribute__((noreturn)) void do_double_fault(struct trap_frame *tf);

/*
 * fault_user_write - resolve the write fault the CPU would raise for a
 * kernel write to user page @va if CR0.WP were on (@present: an entry
 * maps @va), through the same owners as do_page_fault().
 * Context: process context, interrupts off (copy_to_user without CR0.WP).
 * Returns: 0 if the page may now be written, -EFAULT.
 */
int fault_user_write(uintptr_t va, bool present);

#endif /* KERNEL_FAULT_H */
