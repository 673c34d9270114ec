/*
 * Page descriptors: one struct page per physical frame, in one array
 * (mem_map) indexed by pfn, placed at boot by the boot-time allocator.
 *
 * The descriptor is 12 bytes on i386 (Linux spends 32): a flags word that
 * also carries the zone index and a block order, a word for the owner of
 * an allocated frame, and a count (or the slab's pointer).  A free frame
 * needs none of them: the buddy allocator keeps its free blocks in
 * per-zone bitmaps (include/mm/zones.h), so a free frame's descriptor is
 * its zone bits and nothing else, and freeing or merging a block reads
 * and writes no descriptor but the freed block's own.
 *
 *  flags:  31       22 21 20 19   16 15            0
 *         +-----------+-----+-------+---------------+
 *         |  (spare)  |zone | order |   PG_* bits   |
 *         +-----------+-----+-------+---------------+
 *
 *  state            owner              count word (union)
 *  free             0 or stale         0
 *  hot (free)       stale              0
 *  allocated head   owner's word       _refcount (users)
 *  allocated tail   owner's word       0, or the owner's (private)
 *  PG_slab frame    owner's word       private (the slab)
 *
 * The frames of an allocated block after its head (its tail) are not
 * written by the allocator: they keep the zone bits of a free frame, and
 * an owner that marks them (the slab layer sets PG_slab and private on
 * each) clears them again before it frees the block.
 *
 * page_count() is meaningful for allocated frames only.
 *
 * Who may change a field: the buddy allocator owns every field of a free
 * frame and the order/zone bits always; the owner of an allocated frame
 * (slab, VMM, a kmalloc'd large block) owns the owner's word and may use
 * private when it set PG_slab; _refcount changes only through
 * get_page()/put_page() and the allocator.  Those two take and drop a
 * reference to a plain allocated head (PG_head without PG_slab or
 * PG_reserved) with one atomic instruction and no lock, unless it is the
 * last reference (mm/buddy.c, "references"); every other change of the
 * count is made with the zone lock held.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include "mm/arch.h"

struct page {
	uint32_t flags;
	uint32_t owner;			/* allocated: the owner's to use */
	union {
		int32_t _refcount;	/* allocated: users of the frame */
		void *private;		/* PG_slab head: the slab layer's data */
	};
};

#if defined(__i386__)
_Static_assert(sizeof(struct page) == 12, "struct page must stay 12 bytes");
#endif

/* PG_* bits: what a frame is now. */
enum pageflags {
	PG_reserved	= 1u << 0,	/* not for the buddy: hole, firmware, kernel, boot data */
	/* 1u << 1: spare (free frames carry no bit: see the zone's maps) */
	PG_hot		= 1u << 2,	/* free order-0 frame on the zone's hot list */
	PG_head		= 1u << 3,	/* head of an allocated block (order bits valid) */
	/* 1u << 4: spare (the frames after a head carry no bit: buddy.c) */
	PG_slab		= 1u << 5,	/* belongs to a slab */
	PG_large_kmalloc = 1u << 6,	/* head of a kmalloc block from the buddy allocator */
	PG_pgtable	= 1u << 7,	/* a page directory or page table */
	PG_zero		= 1u << 8,	/* the shared zero page */
	PG_vmalloc	= 1u << 9,	/* backs a vmalloc area */
	PG_user		= 1u << 10,	/* mapped into a user address space */
	PG_shmem	= 1u << 11,	/* PG_user frame of a VM_SHARED region */
	PG_shm		= 1u << 12,	/* a page of a System V segment (mm/shm.c) */
};

#define PG_ORDER_SHIFT	16
#define PG_ORDER_MASK	(0xfu << PG_ORDER_SHIFT)
#define PG_ZONE_SHIFT	20
#define PG_ZONE_MASK	(0x3u << PG_ZONE_SHIFT)
#define PG_FLAGS_MASK	0xffffu

extern struct page *mem_map;	/* descriptor of pfn p is mem_map[p] */
extern pfn_t max_pfn;		/* one past the highest pfn with a descriptor */

static inline struct page *pfn_to_page(pfn_t pfn)
{
	return &mem_map[pfn];
}

static inline pfn_t page_to_pfn(const struct page *page)
{
	return (pfn_t)(page - mem_map);
}

static inline bool pfn_valid(pfn_t pfn)
{
	return mem_map != NULL && pfn < max_pfn;
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

static inline unsigned int page_order(const struct page *page)
{
	return (page->flags & PG_ORDER_MASK) >> PG_ORDER_SHIFT;
}

static inline void set_page_order(struct page *page, unsigned int order)
{
	page->flags = (page->flags & ~PG_ORDER_MASK) |
		      ((uint32_t)order << PG_ORDER_SHIFT);
}

static inline unsigned int page_zonenum(const struct page *page)
{
	return (page->flags & PG_ZONE_MASK) >> PG_ZONE_SHIFT;
}

static inline void set_page_zonenum(struct page *page, unsigned int zone)
{
	page->flags = (page->flags & ~PG_ZONE_MASK) |
		      ((uint32_t)zone << PG_ZONE_SHIFT);
}

static inline bool page_test(const struct page *page, uint32_t bit)
{
	return (page->flags & bit) != 0;
}

static inline void page_set(struct page *page, uint32_t bit)
{
	page->flags |= bit;
}

static inline void page_clear(struct page *page, uint32_t bit)
{
	page->flags &= ~bit;
}

/*
 * The count is read with acquire order: a reference dropped on another
 * CPU without a lock (put_page()'s path for a frame still shared) is
 * then seen together with everything that CPU did to the frame before.
 */
static inline int page_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_ACQUIRE);
}

/* Kernel virtual address of a direct-mapped frame (DMA or NORMAL zone). */
static inline void *page_address(const struct page *page)
{
	return arch_phys_to_virt(page_to_phys(page));
}

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(PHYS_PFN(arch_virt_to_phys(addr)));
}

#endif /* MM_PAGE_H */
