/*
 * The virtual memory manager: page directories and page tables built from
 * buddy frames, the kernel's final page tables, and the kernel half of the
 * page-fault path.
 *
 * An address space is named by the frame of its page directory (what CR3
 * holds).  The kernel half (PAGE_OFFSET and up) is the same in every space:
 * vmm_kernel_init() creates every page table it will ever need, and each
 * new directory copies those entries, so no space is ever synchronised.
 * Rights are the MMU_* bits of mm/arch.h.
 *
 * Locking: one lock (vmm_lock, IRQ-safe) guards every page-table edit; all
 * functions may be called with interrupts on or off, none sleeps.
 */
#ifndef MM_VMM_H
#define MM_VMM_H

#include "mm/page.h"
#include "mm/zones.h"

/* The kernel's page directory (the init address space); PFN_NONE before init. */
extern pfn_t vmm_kernel_pd;

/* What vmm_kernel_init() direct-maps and how. */
struct vmm_boot_layout {
	const struct pfn_range *ram;	/* RAM, sorted, disjoint */
	unsigned int nr_ram;
	pfn_t lowmem_end;		/* direct map stops here (<= LOWMEM_PFN) */
	pfn_t isa_end;			/* [1, isa_end) mapped RAM or not (ISA holes) */
	pfn_t ro_start, ro_end;		/* kernel text + rodata: read-only */
	bool use_pse;			/* 4 MiB pages where a whole 4 MiB is RAM */
	bool use_global;		/* kernel-half leaf entries MMU_GLOBAL */
};

/*
 * vmm_kernel_init - build the kernel page directory from buddy frames.
 * The direct map covers the RAM of @l below lowmem_end plus the frames
 * [1, isa_end); frame 0 stays unmapped; [ro_start, ro_end) is read-only.
 * Page tables are created for the whole direct map, the vmalloc area and
 * the kmap window; the directory maps itself at PGTABLE_WINDOW.  With
 * use_global, every kernel-half page then and later is MMU_GLOBAL (the
 * platform must flush such entries page by page).  The new
 * directory is not loaded: see vmm_switch().
 * Context: early boot, once (host tests: after vmm_reset()).
 * Returns: 0, -EBUSY if already built, -ENOMEM (nothing is left allocated).
 */
int vmm_kernel_init(const struct vmm_boot_layout *l);

/*
 * vmm_reset - free the kernel page directory and its tables, forget state.
 * Context: host tests between cases.
 */
void vmm_reset(void);

/*
 * vmm_pgdir_create - a new address space: an empty user half and the
 * kernel half shared with vmm_kernel_pd.
 * Context: any.  Returns: the directory's frame, or PFN_NONE.
 */
pfn_t vmm_pgdir_create(void);

/*
 * vmm_pgdir_destroy - free a directory from vmm_pgdir_create() and its
 * user page tables.  The frames the user half still maps are not freed:
 * their owner unmaps them first (the mappings are reported and dropped).
 * Context: any, not on the loaded directory.
 * Returns: 0, or -EINVAL for the kernel or the loaded directory (refused).
 */
int vmm_pgdir_destroy(pfn_t pd);

/* Load @pd into the MMU.  Context: any, interrupts off or on.  Returns: nothing. */
void vmm_switch(pfn_t pd);

/*
 * vmm_map - map the frame @pfn at page-aligned @va with rights @prot.
 * A user-half page table is allocated when needed.
 * Context: any.
 * Returns: 0; -EINVAL (unaligned, or @va in the page-table window or in
 * no area of the kernel half), -EEXIST (already mapped), -EBUSY (inside a
 * 4 MiB mapping), -ENOMEM.
 */
int vmm_map(pfn_t pd, uintptr_t va, pfn_t pfn, unsigned int prot);

/*
 * vmm_unmap - remove the mapping at @va; a user-half page table left empty
 * is freed.  The frame itself is the caller's.
 * @old: if not NULL, receives the frame that was mapped.
 * Context: any.
 * Returns: 0, -ENOENT (nothing mapped), -EINVAL, -EBUSY (4 MiB mapping).
 */
int vmm_unmap(pfn_t pd, uintptr_t va, pfn_t *old);

/*
 * vmm_protect - change the rights of the mapping at @va to @prot.
 * Context: any.
 * Returns: 0, -ENOENT, -EINVAL, -EBUSY (4 MiB mapping).
 */
int vmm_protect(pfn_t pd, uintptr_t va, unsigned int prot);

/*
 * vmm_unmap_range - remove every mapping of [@start, @end), walking each
 * page table once; user-half tables left empty are freed.  Each frame that
 * was mapped goes to @fn (if not NULL) after its entry is cleared and
 * flushed, with vmm_lock held: @fn may drop references and free frames
 * but must not edit page tables.  Nothing is changed unless the whole
 * range passes the checks.
 * Context: any.
 * Returns: 0 (also when nothing was mapped); -EINVAL (unaligned, empty,
 * across PAGE_OFFSET or into the page-table window: reported), -EBUSY (a
 * 4 MiB mapping in the range).
 */
int vmm_unmap_range(pfn_t pd, uintptr_t start, uintptr_t end,
		    void (*fn)(void *arg, pfn_t pfn), void *arg);

#define VMM_COPY_COW	0x1u	/* write-protect writable entries on both sides */

/*
 * vmm_copy_range - map in @dst_pd every frame that @src_pd maps in the
 * user-half range [@start, @end), with the same rights (with
 * VMM_COPY_COW, writable source entries become read-only first and both
 * copies are read-only).  Each copied frame goes to @fn (if not NULL),
 * with vmm_lock held, to take its reference; source tables are read once
 * and one TLB policy covers the range.
 * Context: any.
 * Returns: 0; -EINVAL (bad range, flags or directories, the same
 * directory twice: reported), -EBUSY (a 4 MiB mapping), -EEXIST (the
 * destination maps a page of the range), both with nothing changed;
 * -ENOMEM (a destination table: the entries copied so far stay, each
 * given to @fn, and their source entries stay read-only).
 */
int vmm_copy_range(pfn_t dst_pd, pfn_t src_pd, uintptr_t start,
		   uintptr_t end, unsigned int flags,
		   void (*fn)(void *arg, pfn_t pfn), void *arg);

/*
 * vmm_translate - what @va maps to in @pd (4 MiB mappings included).
 * @pfn, @prot: if not NULL, receive the frame and the MMU_* rights.
 * Context: any (takes no lock: a snapshot).
 * Returns: 0, or -ENOENT if nothing is mapped.
 */
int vmm_translate(pfn_t pd, uintptr_t va, pfn_t *pfn, unsigned int *prot);

/*
 * vmm_lookup - the raw directory and table entries for @va (0 if absent);
 * for `pgtable` and tests.  Context: any.
 * Returns: 0, -ENOENT if the PDE is absent, -EINVAL if @pd is no directory.
 */
int vmm_lookup(pfn_t pd, uintptr_t va, arch_pte_t *pde, arch_pte_t *pte);

/*
 * The kernel half of the page-fault path.  The platform decodes its fault
 * into struct vmm_fault and calls vmm_fault(); what the VMM cannot resolve
 * goes to the exception-table fix-ups, then to a panic with
 * vmm_fault_reason().
 */
struct vmm_fault {
	uintptr_t addr;		/* the address that faulted (CR2) */
	uintptr_t ip;		/* the instruction */
	bool present;		/* protection violation on a present page */
	bool write;
	bool user;		/* raised in user mode */
	bool fetch;		/* instruction fetch */
	bool rsvd;		/* reserved bit set in an entry */
};

/*
 * vmm_fault - try to resolve a page fault in address space @pd.  Kernel
 * addresses are never resolved (nothing is mapped lazily there); user
 * faults go on to the process layer (user_fault() in kernel/proc.c).
 * Context: the page-fault handler.  Returns: 0 if resolved, -EFAULT.
 */
int vmm_fault(pfn_t pd, const struct vmm_fault *f);

/*
 * vmm_fault_reason - the decoded cause: "not-present read", "write to
 * read-only", ...  Context: any.  Returns: a static string.
 */
const char *vmm_fault_reason(const struct vmm_fault *f);

struct vmm_stats {
	uint32_t pgtables;		/* PG_pgtable frames: directories + tables */
	uint32_t kernel_pgtables;	/* of which the kernel directory's */
	uint32_t large_pages;		/* 4 MiB entries of the direct map */
	uint32_t direct_pages;		/* 4 KiB entries of the direct map */
	uint64_t maps, unmaps, protects;
	uint64_t tables_freed;		/* user-half tables freed when empty */
};

/* Fill @st with the counters.  Context: any.  Returns: nothing. */
void vmm_stats(struct vmm_stats *st);

/*
 * vmm_check - the invariants of directory @pd (see mm/vmm.c).
 * Context: any.
 * Returns: the number of violations, each printed in one line.
 */
unsigned int vmm_check(pfn_t pd);

/*
 * vmm_kernel_back - map @nr fresh order-0 frames of @gfp, each marked
 * @flag (a PG_* mask, or 0), at the kernel-half range from @va.
 * vmm_kernel_unback - unmap and free the @nr frames mapped there, clearing
 * @flag; a page found unmapped is corrupted kernel state, a panic naming
 * @who.  They back vmalloc areas and kernel stacks.
 * Context: any, no VMM or zone lock held.
 * Returns: back: 0, or -ENOMEM with nothing left mapped; *@high counts
 * the HIGHMEM frames.  unback: how many of the frames were HIGHMEM.
 */
int vmm_kernel_back(uintptr_t va, uint32_t nr, gfp_t gfp, uint32_t flag,
		    uint32_t *high);
uint32_t vmm_kernel_unback(uintptr_t va, uint32_t nr, uint32_t flag,
			   const char *who);

#endif /* MM_VMM_H */
