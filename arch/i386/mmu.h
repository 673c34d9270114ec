/*
 * The i386-only side of the MMU: control-register switches the VMM turns
 * on at boot, and the exception table that lets kernel code touch memory
 * that may fault (probing, and later copy_from_user / copy_to_user).
 */
#ifndef ARCH_I386_MMU_H
#define ARCH_I386_MMU_H

#include "trap.h"
#include "mm/types.h"

/* One exception-table entry: a fault at @insn resumes at @fixup. */
struct ex_entry {
	uint32_t insn;
	uint32_t fixup;
};

/*
 * x86_mmu_enable_pse - set CR4.PSE so 4 MiB directory entries work.
 * Context: boot, before loading a directory that uses them.
 * Returns: true if the CPU has PSE (and it is now on).
 */
bool x86_mmu_enable_pse(void);

/*
 * x86_mmu_enable_pge - set CR4.PGE: global entries survive CR3 loads.
 * Context: boot, after loading a directory whose kernel half is global.
 * Returns: true if the CPU has PGE (and it is now on).
 */
bool x86_mmu_enable_pge(void);

/*
 * x86_mmu_enable_wp - set CR0.WP: the kernel obeys read-only pages too.
 * Context: boot.  Returns: false on a 386, which has no WP bit.
 */
bool x86_mmu_enable_wp(void);

/*
 * x86_fixup_exception - resume a faulting kernel instruction at its fix-up
 * if the exception table has one.
 * Context: trap handlers.  Returns: true if @tf now points at the fix-up.
 */
bool x86_fixup_exception(struct trap_frame *tf);

/* Fix-ups taken since boot.  Context: any. */
extern unsigned long x86_fixups_taken;

/*
 * arch_probe_write / arch_probe_read - one byte access that may fault.
 * Context: any (the page-fault handler must be registered).
 * Returns: 0, or -EFAULT if the access faulted (nothing was written).
 */
int arch_probe_write(void *addr, uint8_t val);
int arch_probe_read(const void *addr, uint8_t *val);

#endif /* ARCH_I386_MMU_H */
