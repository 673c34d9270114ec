/*
 * vmalloc: virtually contiguous kernel memory from frames of any zone,
 * and mappings of frames the caller names (ioremap).
 *
 * Areas live in [VMALLOC_START, VMALLOC_END) of the kernel half, each
 * followed by an unmapped guard page.  vmalloc areas are backed by order-0
 * frames taken HIGHMEM first (GFP_HIGHUSER) and marked PG_vmalloc;
 * ioremap areas map the caller's frames, device registers or firmware
 * tables, which need not have a struct page.
 *
 * Locking: vmalloc_lock (IRQs off) guards the area tree and counters; the
 * frames are allocated and mapped outside it.  Context for every function:
 * any, after vmm_kernel_init(); none sleeps.
 */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include "mm/page.h"

/*
 * vmalloc_init - create the cache of area descriptors.
 * Context: boot, after the slab layer (host tests: after kmem_cache_init()).
 * Returns: 0, -EBUSY if done already, -ENOMEM.
 */
int vmalloc_init(void);

/*
 * vmalloc - reserve @size bytes (rounded up to pages) of kernel virtual
 * space plus a guard page, and map fresh frames there (contents
 * undefined).
 * Returns: the area's first byte, or NULL: quietly for size 0, with one
 * report line when too big or out of memory (nothing is left allocated).
 */
void *vmalloc(size_t size);

/* vzalloc - vmalloc() with the memory zeroed.  Returns: as vmalloc(). */
void *vzalloc(size_t size);

/*
 * vfree - unmap an area from vmalloc() and free its frames.  NULL is a
 * no-op.  An address that is not the start of a live area (a double free,
 * a pointer into an area, a foreign pointer) is reported in one line and
 * refused.
 * Returns: 0, or -EINVAL when refused.
 */
int vfree(const void *addr);

/*
 * vmalloc_to_page - the frame behind a vmalloc address.
 * Returns: the frame's descriptor, or NULL if @addr maps nothing.
 */
struct page *vmalloc_to_page(const void *addr);

/*
 * vmalloc_describe - name the area around @addr for a fault report:
 * "in area 0x...-0x...", "guard page of area 0x...-0x..." or "".
 * Context: any, the panic path included (takes no lock).
 * Returns: a static string.
 */
const char *vmalloc_describe(uintptr_t addr);

/*
 * ioremap - map the device registers at [phys, phys + size) uncached and
 * writable into the vmalloc area (whole pages; the pointer keeps phys's
 * offset in its page).  The frames stay the caller's: nothing is
 * allocated or freed but the area.
 * Returns: the address of @phys, or NULL with one report line (empty or
 * wrapping range, beyond 4 GiB, no room).
 */
void *ioremap(phys_addr_t phys, size_t size);

/*
 * memremap_ro - map [phys, phys + size) read-only and cached, for memory
 * the kernel only reads in place (firmware tables).  As ioremap().
 */
void *memremap_ro(phys_addr_t phys, size_t size);

/*
 * iounmap - end a mapping made by ioremap() or memremap_ro(); @addr is the
 * pointer they returned.  Anything else is reported and refused.
 * Returns: 0, or -EINVAL when refused.
 */
int iounmap(const void *addr);

struct vmalloc_stats {
	uint32_t areas;			/* live vmalloc areas */
	uint32_t pages;			/* frames mapped by them */
	uint32_t ioremap_areas;		/* live ioremap/memremap_ro areas */
	uint32_t ioremap_pages;		/* pages they map */
	uint32_t highmem_pages;		/* of which from ZONE_HIGHMEM */
	uint32_t largest_free;		/* bytes of the largest free range */
	uint64_t allocs, frees;		/* successful calls */
	uint64_t failed;		/* vmalloc() calls that returned NULL */
	uint64_t refused_frees;		/* vfree()/iounmap() misuse refused */
};

/* Fill @st.  Context: any. */
void vmalloc_stats(struct vmalloc_stats *st);

/* Print every area in /proc/vmallocinfo's format, by address. */
void vmallocinfo_dump(void);

/*
 * vmalloc_check - the invariants of the area tree (see mm/vmalloc.c).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int vmalloc_check(void);

/*
 * vmalloc_shrink - give the descriptor cache's empty slabs back.
 * Returns: the number of frames released.
 */
unsigned int vmalloc_shrink(void);

/*
 * vmalloc_reset - free every area and destroy the descriptor cache (host
 * tests, before vmm_reset() and kmem_cache_teardown()).
 */
void vmalloc_reset(void);

#endif /* MM_VMALLOC_H */
