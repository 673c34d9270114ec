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
#include "mm/arch.h"

void *arch_phys_to_virt(phys_addr_t pa)
{
	if (unlikely(pa >= LOWMEM_LIMIT))
		panic("phys_to_virt: 0x%llx is not in the direct map",
		      (unsigned long long)pa);
	return (void *)(uintptr_t)(pa + PAGE_OFFSET);
}

phys_addr_t arch_virt_to_phys(const void *va)
{
	uintptr_t v = (uintptr_t)va;

	if (unlikely(v < PAGE_OFFSET || v >= LOWMEM_VIRT_END))
		panic("virt_to_phys: %p is not in the direct map", va);
	return v - PAGE_OFFSET;
}

unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfl; popl %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & EFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
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
