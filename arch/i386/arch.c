/*
 * The i386 implementation of include/mm/arch.h (apart from printk and
 * panic, which live with the console and the panic path).
 *
 * The direct map is a constant offset: low memory (below LOWMEM_LIMIT) is
 * mapped at PAGE_OFFSET.  Asking for the virtual address of a HIGHMEM frame
 * is a kernel bug, and panics with the address.
 *
 * Context: any.
 */
#include "cpu.h"
#include "lapic.h"
#include "mm/arch.h"

/*
 * The conversions and the interrupt flag are inline in mm/arch.h; these
 * are the out-of-line ends of the conversions' range checks.
 */
void arch_bad_phys(phys_addr_t pa)
{
	panic("phys_to_virt: 0x%llx is not in the direct map",
	      (unsigned long long)pa);
}

void arch_bad_virt(const void *va)
{
	panic("virt_to_phys: %p is not in the direct map", va);
}

/* A 386 has no invlpg: reloading CR3 flushes everything, which is correct. */
void arch_tlb_flush_page(uintptr_t va)
{
	if (cpu.has_invlpg)
		__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
	else
		write_cr3(read_cr3());
}

void arch_tlb_flush_all(void)
{
	write_cr3(read_cr3());
}

/*
 * The TSC in microseconds.  Without a calibrated TSC (none, or no local
 * APIC to calibrate against) no other CPU is started, so nothing waits
 * on another; a count of the calls keeps any loop on it bounded all the
 * same, each call standing for at least a microsecond of spinning.
 */
uint32_t arch_usecs(void)
{
	static uint32_t calls;
	uint32_t khz = lapic_tsc_khz();

	if (!khz)
		return calls++;
	return (uint32_t)(rdtsc() * 1000 / khz);
}
