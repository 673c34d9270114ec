/*
 * The i386 MMU: CR3, the page-table window, the control-register switches
 * and the exception table.
 *
 * Page tables are edited through the page-table window when the directory
 * is the one loaded: each VMM-built directory maps itself at ARCH_PD_SELF,
 * so table i of the live space appears at PGTABLE_WINDOW + i * 4 KiB and
 * the directory itself at the window's last page.  Any other directory's
 * tables (one being built, another process's) are reached through the
 * direct map, which is why the VMM takes page tables from low memory.
 * The window is trusted only after arch_mmu_switch() loaded a VMM
 * directory; the boot directory has no self-map.  TLB flushes (invlpg on
 * a 486 and later, a CR3 reload on a 386) are in arch.c.
 *
 * The exception table (__ex_table, gathered by the linker script) pairs a
 * kernel instruction that may fault with where to resume; the page-fault
 * handler consults it when the VMM cannot resolve a fault.
 *
 * Locking: none of its own; callers hold vmm_lock or run at boot.  The
 * window is per CPU: each CPU's CR3 is its own.
 */
#include "cpu.h"
#include "mmu.h"
#include "percpu.h"
#include "pgtable.h"
#include "tlb.h"

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

/* Each CPU's live directory with a self-map (a CPU uses only its own). */
static pfn_t window_pd[SMP_MAX_CPUS] = {
	[0 ... SMP_MAX_CPUS - 1] = PFN_NONE
};
unsigned long x86_fixups_taken;

pfn_t arch_mmu_current(void)
{
	return PHYS_PFN(read_cr3());
}

void arch_mmu_switch(pfn_t pd)
{
	write_cr3((uint32_t)PFN_PHYS(pd));
	window_pd[smp_processor_id()] = pd;
	tlb_note_switch(pd);
}

bool arch_mmu_has_pse(void)
{
	return cpu.has_pse;
}

arch_pte_t *arch_pgtable_virt(pfn_t pd, unsigned int pdx, pfn_t table)
{
	if (pd == window_pd[smp_processor_id()])
		return (arch_pte_t *)(PGTABLE_WINDOW + pdx * PAGE_SIZE);
	return arch_phys_to_virt(PFN_PHYS(table));
}

static void cr4_set(uint32_t bits)
{
	uint32_t cr4;

	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= bits;
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

bool x86_mmu_enable_pse(void)
{
	if (!cpu.has_pse)
		return false;
	cr4_set(CR4_PSE);
	return true;
}

bool x86_mmu_enable_pge(void)
{
	if (!cpu.has_pge)
		return false;
	cr4_set(CR4_PGE);
	return true;
}

bool x86_mmu_enable_wp(void)
{
	uint32_t cr0 = read_cr0();

	if (cpu.family < 4)
		return false;
	cr0 |= CR0_WP;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	return true;
}

bool x86_fixup_exception(struct trap_frame *tf)
{
	const struct ex_entry *e;

	for (e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == tf->eip) {
			tf->eip = e->fixup;
			x86_fixups_taken++;
			return true;
		}
	}
	return false;
}

int arch_probe_write(void *addr, uint8_t val)
{
	int err = 0;

	__asm__ volatile("1:	movb %2, (%1)\n\t"
			 "	jmp 3f\n\t"
			 "2:	movl %3, %0\n\t"
			 "3:\n\t"
			 ".pushsection __ex_table, \"a\"\n\t"
			 ".balign 4\n\t"
			 ".long 1b, 2b\n\t"
			 ".popsection"
			 : "+r"(err)
			 : "r"(addr), "q"(val), "i"(-EFAULT)
			 : "memory");
	return err;
}

int arch_probe_read(const void *addr, uint8_t *val)
{
	int err = 0;
	uint8_t v = 0;

	__asm__ volatile("1:	movb (%2), %1\n\t"
			 "	jmp 3f\n\t"
			 "2:	movl %3, %0\n\t"
			 "3:\n\t"
			 ".pushsection __ex_table, \"a\"\n\t"
			 ".balign 4\n\t"
			 ".long 1b, 2b\n\t"
			 ".popsection"
			 : "+r"(err), "+q"(v)
			 : "r"(addr), "i"(-EFAULT)
			 : "memory");
	*val = v;
	return err;
}
