/*
 * The i386 page-table format (two levels, no PAE), as the CPU reads it.
 *
 * mm/vmm.c edits page tables itself, so it needs this format; it reaches
 * it through include/mm/arch.h, which includes the platform's "pgtable.h":
 * this file in the kernel, arch/host/pgtable.h (which includes this file,
 * because the host build simulates the same MMU) in host builds.  Only the
 * MMU_* rights of arch.h cross the boundary; the X86_PTE_* bits stay here.
 *
 *  linear address:  31        22 21        12 11            0
 *                  +------------+------------+---------------+
 *                  | dir index  | table index|    offset     |
 *                  +------------+------------+---------------+
 *
 *  entry:           31                   12 11  9 8 7 6 5 4 3 2 1 0
 *                  +-----------------------+-----+-+-+-+-+-+-+-+-+-+
 *                  | frame (4 MiB: 31..22) | AVL |G|S|D|A|C|T|U|W|P|
 *                  +-----------------------+-----+-+-+-+-+-+-+-+-+-+
 *  S = PS (4 MiB page, directory entries only), C = PCD, T = PWT.
 */
/* arch.h defines the MMU_* rights and includes this file after them. */
#include "mm/arch.h"

#ifndef ARCH_I386_PGTABLE_H
#define ARCH_I386_PGTABLE_H

#define X86_PTE_P	0x001u	/* present */
#define X86_PTE_W	0x002u	/* writable */
#define X86_PTE_U	0x004u	/* user accessible */
#define X86_PTE_PWT	0x008u	/* write-through */
#define X86_PTE_PCD	0x010u	/* cache disabled */
#define X86_PTE_A	0x020u	/* accessed (set by the CPU) */
#define X86_PTE_D	0x040u	/* dirty (set by the CPU; PTEs and 4 MiB PDEs) */
#define X86_PTE_PS	0x080u	/* 4 MiB page (PDE with CR4.PSE) */
#define X86_PTE_G	0x100u	/* global (CR4.PGE) */
#define X86_PTE_FRAME	0xfffff000u
#define X86_PDE_LARGE_FRAME 0xffc00000u

/* Page-fault error code bits (pushed by the CPU, vector 14). */
#define X86_PF_P	0x01u	/* 1: protection violation, 0: not present */
#define X86_PF_W	0x02u	/* 1: write access */
#define X86_PF_U	0x04u	/* 1: in ring 3 */
#define X86_PF_RSVD	0x08u	/* reserved bit set in an entry */
#define X86_PF_I	0x10u	/* instruction fetch (NX; not on i386) */

typedef uint32_t arch_pte_t;

#define ARCH_PT_SHIFT		10			/* 1024 entries per level */
#define ARCH_PT_ENTRIES		(1u << ARCH_PT_SHIFT)
#define ARCH_PDE_SHIFT		(PAGE_SHIFT + ARCH_PT_SHIFT)
#define ARCH_LARGE_PAGE_SIZE	(1u << ARCH_PDE_SHIFT)	/* 4 MiB */
#define ARCH_LARGE_PAGE_PFNS	ARCH_PT_ENTRIES
/* The directory entry that maps the directory into itself. */
#define ARCH_PD_SELF		(PGTABLE_WINDOW >> ARCH_PDE_SHIFT)

static inline unsigned int arch_pdx(uintptr_t va)
{
	return (unsigned int)(va >> ARCH_PDE_SHIFT) & (ARCH_PT_ENTRIES - 1);
}

static inline unsigned int arch_ptx(uintptr_t va)
{
	return (unsigned int)(va >> PAGE_SHIFT) & (ARCH_PT_ENTRIES - 1);
}

static inline uint32_t x86_prot_bits(unsigned int prot)
{
	uint32_t e = X86_PTE_P;

	if (prot & MMU_WRITE)
		e |= X86_PTE_W;
	if (prot & MMU_USER)
		e |= X86_PTE_U;
	if (prot & MMU_NOCACHE)
		e |= X86_PTE_PCD | X86_PTE_PWT;
	if (prot & MMU_GLOBAL)
		e |= X86_PTE_G;
	return e;
}

/* A present 4 KiB page-table entry for @pfn with rights @prot (MMU_*). */
static inline arch_pte_t arch_pte_make(pfn_t pfn, unsigned int prot)
{
	return ((arch_pte_t)pfn << PAGE_SHIFT) | x86_prot_bits(prot);
}

/*
 * A directory entry pointing at the page table in frame @table.  The
 * directory grants the most; each page-table entry restricts.  Kernel-half
 * entries leave U clear so no user access gets through whatever a PTE says.
 */
static inline arch_pte_t arch_pde_make_table(pfn_t table, bool user)
{
	return ((arch_pte_t)table << PAGE_SHIFT) | X86_PTE_P | X86_PTE_W |
	       (user ? X86_PTE_U : 0);
}

/* A 4 MiB directory entry (CR4.PSE) mapping the frames from @pfn. */
static inline arch_pte_t arch_pde_make_large(pfn_t pfn, unsigned int prot)
{
	return ((arch_pte_t)pfn << PAGE_SHIFT) | x86_prot_bits(prot) |
	       X86_PTE_PS;
}

static inline bool arch_pte_present(arch_pte_t e)
{
	return (e & X86_PTE_P) != 0;
}

static inline bool arch_pde_large(arch_pte_t e)
{
	return (e & (X86_PTE_P | X86_PTE_PS)) == (X86_PTE_P | X86_PTE_PS);
}

static inline pfn_t arch_pte_pfn(arch_pte_t e)
{
	if (arch_pde_large(e))
		return (e & X86_PDE_LARGE_FRAME) >> PAGE_SHIFT;
	return (e & X86_PTE_FRAME) >> PAGE_SHIFT;
}

/* The MMU_* rights of a present entry. */
static inline unsigned int arch_pte_prot(arch_pte_t e)
{
	unsigned int prot = 0;

	if (e & X86_PTE_W)
		prot |= MMU_WRITE;
	if (e & X86_PTE_U)
		prot |= MMU_USER;
	if (e & X86_PTE_PCD)
		prot |= MMU_NOCACHE;
	if (e & X86_PTE_G)
		prot |= MMU_GLOBAL;
	return prot;
}

/* Equal but for the accessed and dirty bits, which the CPU sets. */
static inline bool arch_pte_same(arch_pte_t a, arch_pte_t b)
{
	return ((a ^ b) & ~(X86_PTE_A | X86_PTE_D)) == 0;
}

/* Same frame and flags, new rights (accessed/dirty/global are kept). */
static inline arch_pte_t arch_pte_modify(arch_pte_t e, unsigned int prot)
{
	const uint32_t rights = X86_PTE_W | X86_PTE_U | X86_PTE_PCD |
				X86_PTE_PWT;

	return (e & ~rights) | (x86_prot_bits(prot) & rights);
}

#endif /* ARCH_I386_PGTABLE_H */
