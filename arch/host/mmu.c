/*
 * Host MMU shim: the privileged half of include/mm/arch.h's MMU section.
 *
 * The host simulates the i386 MMU only as far as the VMM's own code goes:
 * page directories and tables are arena frames in the i386 format, edited
 * through the arena (there is no page-table window), and CR3 is a variable.
 * Nothing translates addresses: tests ask vmm_translate() what a virtual
 * address of the simulated space maps to.
 *
 * Locking: none; host tests are single-threaded.
 */
#include "mm/arch.h"
#include "mmu.h"

static pfn_t cr3 = PFN_NONE;
static bool has_pse;
unsigned long host_mmu_switches;

void host_mmu_reset(void)
{
	cr3 = PFN_NONE;
	has_pse = false;
	host_mmu_switches = 0;
}

void host_mmu_set_pse(bool on)
{
	has_pse = on;
}

pfn_t arch_mmu_current(void)
{
	return cr3;
}

void arch_mmu_switch(pfn_t pd)
{
	cr3 = pd;
	host_mmu_switches++;
	arch_tlb_flush_all();
}

bool arch_mmu_has_pse(void)
{
	return has_pse;
}

arch_pte_t *arch_pgtable_virt(pfn_t pd, unsigned int pdx, pfn_t table)
{
	(void)pd;
	(void)pdx;
	return arch_phys_to_virt(PFN_PHYS(table));
}
