/*
 * The page-fault handler: from CR2 and the error code to whoever can
 * resolve the fault, or a panic that says what happened.
 *
 * Design.  The x86 error code and CR2 are decoded once into struct
 * vmm_fault, the form mm/ understands, then offered in turn to:
 *
 *  1. vmm_fault() - the VMM; it resolves nothing in the kernel half
 *     (nothing is mapped lazily there);
 *  2. user_fault() - the process layer (kernel/proc.c): demand-zero,
 *     copy-on-write, or the end of a process that faulted in ring 3;
 *  3. the exception table - a kernel instruction allowed to fault (the
 *     user copies, arch_probe_read/write) resumes at its fix-up;
 *
 * and what none of them takes is a panic naming the decoded reason, the
 * address, EIP and, for a vmalloc or kernel-stack address, the area or
 * guard page hit.  This file is glue only: each step's policy lives with
 * its owner.
 *
 * A kernel stack that runs into its guard page (mm/kstack.c) faults, but
 * the CPU cannot push the page fault's frame on that same stack: the page
 * fault becomes a double fault, which the double-fault task takes on a
 * stack of its own (arch/i386/gdt.c).  do_double_fault() tells that case
 * by CR2 (the push that failed) or esp falling in a guard page, and names
 * the process whose kernel was running, the CPU and the stack.
 *
 * Without CR0.WP a kernel write to a read-only user page does not fault;
 * copy_to_user then asks fault_user_write() first, which builds the
 * fault the CPU would have raised and offers it to the same owners
 * (arch/i386/usercopy.c).
 *
 * Locking: runs as the handler of vector 14 (an interrupt gate), in the
 * double-fault task, or from copy_to_user with interrupts off, so
 * interrupts are off throughout; it takes no lock itself.
 */
#include "cpu.h"
#include "fault.h"
#include "mmu.h"
#include "pgtable.h"
#include "proc.h"
#include "mm/kstack.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

static struct vmm_fault decode(const struct trap_frame *tf)
{
	uint32_t ec = tf->error_code;
	struct vmm_fault f = {
		.addr = read_cr2(),
		.ip = tf->eip,
		.present = ec & X86_PF_P,
		.write = ec & X86_PF_W,
		.user = ec & X86_PF_U,
		.fetch = ec & X86_PF_I,
		.rsvd = ec & X86_PF_RSVD,
	};
	return f;
}

void do_page_fault(struct trap_frame *tf)
{
	struct vmm_fault f = decode(tf);
	const char *area;

	if (vmm_fault(arch_mmu_current(), &f) == 0)
		return;
	if (user_fault(tf, &f) == 0)
		return;
	if (!f.user && x86_fixup_exception(tf))
		return;
	area = vmalloc_describe(f.addr);
	if (!*area)
		area = kstack_describe(f.addr);
	trap_panic(tf, "page fault: %s at 0x%08x, eip 0x%08x (%s mode)%s%s",
		   vmm_fault_reason(&f), (unsigned int)f.addr, tf->eip,
		   f.user ? "user" : "kernel", *area ? ", " : "", area);
}

void do_double_fault(struct trap_frame *tf)
{
	uintptr_t esp = (tf->cs & 3) ? tf->user_esp : tf->kernel_esp + 20;
	uintptr_t cr2 = read_cr2();
	uintptr_t hit = kstack_in_guard(cr2) ? cr2 : esp;
	const char *where = kstack_describe(hit);
	/* an AP runs no process: its current is NULL */
	const struct proc *p = current;
	int pid = p ? p->pid : -1;
	const char *name = p ? p->name : "idle";

	if ((tf->cs & 3) == 0 && kstack_in_guard(hit))
		trap_panic(tf, "kernel stack overflow: pid %d (%s) cpu%u esp "
			   "0x%08x at 0x%08x, %s", pid, name,
			   smp_processor_id(), (unsigned int)esp,
			   (unsigned int)hit, where);
	trap_panic(tf, "double fault: pid %d (%s) cpu%u esp 0x%08x%s%s", pid,
		   name, smp_processor_id(), (unsigned int)esp,
		   *where ? ", " : "", where);
}

int fault_user_write(uintptr_t va, bool present)
{
	struct vmm_fault f = {
		.addr = va,
		.ip = (uintptr_t)__builtin_return_address(0),
		.present = present,
		.write = true,
	};

	if (vmm_fault(arch_mmu_current(), &f) == 0)
		return 0;
	return user_fault(NULL, &f) == 0 ? 0 : -EFAULT;
}
