/*
 * User address spaces: a page directory whose kernel half is shared with
 * every other space, and the regions (VMAs) of its user half.
 *
 * A region is a page-aligned range with rights (VM_READ/WRITE/EXEC) that is
 * either anonymous (zero-filled on first touch) or backed by a program
 * image (its bytes are copied into a private frame on first touch).  Nothing
 * is mapped when a region is made: mm_fault() fills pages on demand, maps
 * the shared zero page for reads of untouched anonymous memory, and copies
 * or reuses a frame on a write to a copy-on-write page.  mm_fork() shares
 * every frame of the parent with the child, read-only on both sides,
 * except in VM_SHARED regions, whose frames (all present from creation)
 * stay writable and shared: parent and child see each other's writes.
 *
 * User layout (every process; see docs/DESIGN.md for the diagram):
 *
 *   USER_MIN      lowest address a region may start at (NULL pages below)
 *   0x08048000    program image (text, rodata, data+bss)
 *   brk_start     the brk heap: image end + 0..USER_BRK_RND_PAGES pages
 *   ...           mmap areas, placed top-down from mmap_base
 *   mmap_base     stack_limit - USER_STACK_GUARD - 0..USER_MMAP_RND_PAGES
 *   +- USER_STACK_GUARD: never mapped (guard gap)
 *   stack_limit   stack_top - USER_STACK_MAX: the stack grows down to here
 *   stack_top     PAGE_OFFSET - 0..USER_STACK_RND_PAGES pages
 *   PAGE_OFFSET   the kernel half starts here
 *
 * The three random offsets are drawn when a program is loaded
 * (mm_set_layout(), mm_set_brk_start()); fork copies them.  With offsets of
 * zero the layout is the fixed one: stack_top = USER_STACK_TOP, mmap_base
 * = USER_MMAP_TOP, brk_start = the image's end.
 *
 * Locking: an address space is used by its process (system calls, faults)
 * and by the process layer while that process is not running; kmem386
 * never preempts kernel code, so no lock of its own is needed.  Page-table
 * edits take vmm_lock inside mm/vmm.c.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "mm/avl.h"
#include "mm/page.h"

/* Region flags (struct vma.flags). */
#define VM_READ		0x01u
#define VM_WRITE	0x02u
#define VM_EXEC		0x04u
#define VM_GROWSDOWN	0x08u	/* the stack: grows down on demand */
#define VM_IMAGE	0x10u	/* backed by a program image */
#define VM_HEAP		0x20u	/* the brk heap */
#define VM_SHARED	0x40u	/* populated when made, shared by fork */
#define VM_SHM		0x80u	/* a System V segment's attach (mm/shm.c);
				   VM_SHARED too */
#define VM_NOWRITE	0x100u	/* never writable: mprotect refuses
				   (a SHM_RDONLY attach) */
#define VM_PROT_MASK	(VM_READ | VM_WRITE | VM_EXEC)

#define USER_MIN		0x00010000u
#define USER_STACK_TOP		PAGE_OFFSET
#define USER_STACK_MAX		0x00800000u	/* 8 MiB */
#define USER_STACK_GUARD	0x00100000u	/* 1 MiB below the limit */
#define USER_MMAP_TOP		(USER_STACK_TOP - USER_STACK_MAX - \
				 USER_STACK_GUARD)
#define MM_MAX_VMAS		1024u

struct shm_segment;

/*
 * Layout randomisation, in pages, as Linux on i386: 11 bits for the stack
 * top (8 MiB), 8 bits for the mmap base (1 MiB) and the brk start within
 * 32 MiB of the image's end.
 */
#define USER_STACK_RND_PAGES	2048u
#define USER_MMAP_RND_PAGES	256u
#define USER_BRK_RND_PAGES	8192u
/* The lowest stack_limit and mmap_base any layout has. */
#define USER_STACK_LIMIT_MIN	(USER_STACK_TOP - USER_STACK_MAX - \
				 (USER_STACK_RND_PAGES - 1) * PAGE_SIZE)
#define USER_MMAP_BASE_MIN	(USER_STACK_LIMIT_MIN - USER_STACK_GUARD - \
				 (USER_MMAP_RND_PAGES - 1) * PAGE_SIZE)

/*
 * A region [start, end).  For VM_IMAGE, the bytes of [img_start,
 * img_start + img_len) come from @image (kernel memory that outlives every
 * process); the rest of the region reads as zero.  Tree fields and bounds
 * change only through mm/mmap.c.
 */
struct vma {
	uintptr_t start, end;
	unsigned int flags;		/* VM_* */
	const uint8_t *image;
	uintptr_t img_start;
	uint32_t img_len;
	struct shm_segment *shm;	/* VM_SHM: the segment attached */
	uintptr_t shm_base;		/* VM_SHM: where its page 0 is mapped
					   (splits keep it) */
	struct avl_node node;		/* in mm->root, by start */
};

/*
 * An address space.
 *
 * Invariants (mm_check()):
 *  M1. The regions are page-aligned, non-empty, disjoint, inside
 *      [USER_MIN, PAGE_OFFSET), and nr_vmas counts them.
 *  M2. The region tree is an AVL tree ordered by start (avl_check():
 *      links, stored heights, balance, order).
 *  M3. Every present user-half entry lies inside a region and carries
 *      MMU_USER; it is writable only if the region is, and never when it
 *      maps the zero page.
 *  M4. rss counts the present entries that map a frame other than the
 *      zero page, zero_ptes those that map the zero page, shm_rss those
 *      of rss whose frame is PG_shm; every such frame is PG_user with a
 *      reference count of at least one.
 *  M5. brk_start <= brk, and the heap regions (one, or its pieces after
 *      mprotect) lie inside [brk_start, ALIGN_UP(brk)).
 *  M6. total_vm is the pages of all regions; hiwater_vm >= total_vm and
 *      hiwater_rss >= rss (high-water marks, raised wherever they grow).
 *  M7. The layout is one mm_set_layout() can make: stack_top page-aligned
 *      in [USER_STACK_TOP - (USER_STACK_RND_PAGES - 1) pages,
 *      USER_STACK_TOP], stack_limit = stack_top - USER_STACK_MAX, and
 *      mmap_base page-aligned, at most stack_limit - USER_STACK_GUARD and
 *      at least USER_MMAP_RND_PAGES - 1 pages below that; brk_start is at
 *      most mmap_base.
 */
struct mm {
	pfn_t pd;			/* page directory */
	struct avl_root root;		/* the regions, by start */
	unsigned int nr_vmas;
	struct vma *cache;		/* last region found */
	uintptr_t brk_start, brk;	/* heap: set by the loader, brk() */
	uintptr_t stack_top;		/* top of the first stack page */
	uintptr_t stack_limit;		/* the stack grows down to here */
	uintptr_t mmap_base;		/* mmap areas go top-down from here */
	uint32_t rss;			/* entries mapping a frame */
	uint32_t zero_ptes;		/* entries mapping the zero page */
	uint32_t total_vm;		/* pages of all regions */
	uint32_t hiwater_vm;		/* the most total_vm has been */
	uint32_t hiwater_rss;		/* the most rss has been */
	uint32_t shm_rss;		/* of rss, entries mapping a PG_shm
					   frame (a System V segment's) */
	int pid;			/* owner, set by the process layer
					   (shm_lpid); 0 if none */
};

/* Access bits of a fault (mm_fault()). */
#define FAULT_WRITE	0x1u
#define FAULT_PRESENT	0x2u	/* the entry may be present (without it:
				   known absent, the CPU said so) */
#define FAULT_USER	0x4u	/* raised in user mode */

/* Event counters (monotonic) and frames in use, for `vmstat`. */
struct mm_stats {
	uint64_t demand_zero;		/* write fault: a zeroed frame */
	uint64_t zero_page;		/* read fault: the zero page */
	uint64_t image_fill;		/* fault in a program image */
	uint64_t cow_copy;		/* write to a shared frame: copied */
	uint64_t cow_reuse;		/* write to a COW frame, last user */
	uint64_t stack_grow;		/* faults that grew a stack */
	uint64_t segfault;		/* killed for a bad access */
	uint64_t oom_kill;		/* processes killed: no frame */
	uint64_t forks, fork_fail;
	uint64_t faults;		/* faults resolved in a region */
	uint32_t user_frames;		/* frames in user spaces now */
	uint32_t shmem_frames;		/* of those, of VM_SHARED regions */
	uint32_t spaces;		/* live address spaces */
	uint32_t vmas;			/* live regions */
};

/*
 * mm_subsys_init - caches for spaces and regions, and the zero page.
 * Context: boot, after the slab layer (host tests: after machine boot,
 * vmm_kernel_init() and kmem_cache_init()).
 * Returns: 0, or -ENOMEM.
 */
int mm_subsys_init(void);

/*
 * mm_subsys_reset - free the zero page and the caches (host tests).
 * Context: no space left.  Returns: nothing.
 */
void mm_subsys_reset(void);

/* The zero page's frame (PFN_NONE before mm_subsys_init()). */
extern pfn_t mm_zero_pfn;

/*
 * mm_create - an empty address space (kernel half shared).
 * Context: process context.  Returns: the space, or NULL.
 */
struct mm *mm_create(void);

/*
 * mm_destroy - unmap every page, drop every frame, free every page table,
 * the directory and the regions.  Context: not on the loaded directory.
 * Returns: nothing.
 */
void mm_destroy(struct mm *mm);

/*
 * mm_fork - a copy of @parent that shares its frames copy-on-write: every
 * writable entry of the parent becomes read-only, the child maps the same
 * frames read-only and each frame's count goes up.
 * Context: process context.
 * Returns: 0 with *@child set, or -ENOMEM (nothing is left allocated; the
 * parent is intact, apart from entries now read-only).
 */
int mm_fork(struct mm *parent, struct mm **child);

/*
 * mm_find_vma - the region containing @addr.  O(log n).
 * Returns: the region, or NULL.
 */
struct vma *mm_find_vma(struct mm *mm, uintptr_t addr);

/*
 * mm_next_vma - the first region that starts above @addr.  O(log n).
 * Returns: the region, or NULL.
 */
struct vma *mm_next_vma(struct mm *mm, uintptr_t addr);

/*
 * mm_map_region - add region [@start, @start + @len) with @flags; for
 * VM_IMAGE, @image holds the @img_len bytes that belong at @img_start.
 * Returns: 0, -EINVAL (unaligned, empty, outside the user half),
 * -EEXIST (overlaps a region), -ENOMEM.
 */
int mm_map_region(struct mm *mm, uintptr_t start, size_t len,
		  unsigned int flags, const uint8_t *image,
		  uintptr_t img_start, size_t img_len);

/*
 * mm_unmap_region - remove [@start, @start + @len) from every region
 * (splitting regions) and drop the frames mapped there.
 * Returns: 0, -EINVAL (unaligned or outside the user half), -ENOMEM (a
 * split needed a region descriptor).
 */
int mm_unmap_region(struct mm *mm, uintptr_t start, size_t len);

/*
 * mm_protect_region - set the rights (VM_PROT_MASK bits of @prot) of every
 * page in [@start, @start + @len), which must be covered by regions.
 * Returns: 0, -EINVAL, -EACCES (write asked of a VM_NOWRITE region),
 * -ENOMEM (a hole, or a split needed a descriptor).
 */
int mm_protect_region(struct mm *mm, uintptr_t start, size_t len,
		      unsigned int prot);

/*
 * mm_mmap - an anonymous region of @len bytes with rights @prot (and
 * VM_SHARED: every page gets its zeroed frame now), placed at the highest
 * free range below mm->mmap_base: mm_mmap_at() without a hint.
 * Returns: 0 with *@addr set, -EINVAL, -ENOMEM (nothing left mapped).
 */
int mm_mmap(struct mm *mm, size_t len, unsigned int prot, uintptr_t *addr);

/* How mm_mmap_at() takes its address (Linux's MAP_FIXED and
 * MAP_FIXED_NOREPLACE); without either it is a hint. */
#define MM_MAP_FIXED		0x1u	/* exactly there, replacing */
#define MM_MAP_NOREPLACE	0x2u	/* exactly there, or -EEXIST */

/*
 * mm_mmap_at - an anonymous region of @len bytes (rounded up to pages)
 * with rights @prot (VM_PROT_MASK and VM_SHARED).  Without @how, @hint
 * (rounded up to a page) is taken if the range there is free and below
 * the stack's guard gap, else the highest free range below mm->mmap_base.
 * MM_MAP_FIXED: exactly at @hint; whatever was mapped there is unmapped
 * first (its frames dropped, entries flushed).  MM_MAP_NOREPLACE: exactly
 * at @hint if no region overlaps.  Every argument is checked before
 * anything changes.
 * Returns: 0 with *@addr set; -EINVAL (zero length, unknown @prot or @how
 * bits, unaligned @hint with @how), -EPERM (@how and @hint below
 * USER_MIN), -ENOMEM (past PAGE_OFFSET, no room, over the commit limit,
 * no descriptor), -EEXIST (MM_MAP_NOREPLACE over a region).  A VM_SHARED
 * region that cannot be populated is unmapped again: with MM_MAP_FIXED
 * what it replaced is gone, as on Linux.
 */
int mm_mmap_at(struct mm *mm, uintptr_t hint, size_t len, unsigned int prot,
	       unsigned int how, uintptr_t *addr);

/*
 * mm_unmapped_area - the highest page-aligned range of @len bytes below
 * mm->mmap_base (and above USER_MIN) that no region overlaps.
 * Returns: 0 with *@addr set, -ENOMEM if there is none.
 */
int mm_unmapped_area(struct mm *mm, size_t len, uintptr_t *addr);

/* mm_mremap() flags (Linux's MREMAP_MAYMOVE and MREMAP_FIXED). */
#define MM_REMAP_MAYMOVE	0x1u
#define MM_REMAP_FIXED		0x2u

/*
 * mm_mremap - resize the anonymous mapping [@old, @old + @old_len) to
 * @new_len bytes (both rounded up to pages), as Linux's mremap(): a
 * shrink unmaps the tail; a growth extends the region in place if the
 * range after it is free, else (MM_REMAP_MAYMOVE) moves its pages, frames
 * and contents, to a free range; MM_REMAP_FIXED moves it to @new_addr,
 * replacing what was there.  Only private or VM_SHARED anonymous regions
 * grow or move (not the image, the heap or the stack).  Everything that
 * can fail is checked or allocated before the first change.
 * Returns: 0 with *@result the new address; -EINVAL (unknown flags,
 * MM_REMAP_FIXED without MM_REMAP_MAYMOVE, unaligned addresses, zero
 * length, a fixed range past PAGE_OFFSET or overlapping the old one),
 * -EFAULT (no region at @old, the old range crosses regions, or a region
 * that cannot grow or move), -ENOMEM (no room in place without
 * MM_REMAP_MAYMOVE, no free range, over the commit limit, no memory).
 */
int mm_mremap(struct mm *mm, uintptr_t old, size_t old_len, size_t new_len,
	      unsigned int flags, uintptr_t new_addr, uintptr_t *result);

/*
 * mm_madvise - advice on [@start, @start + @len) (@len rounded up).
 * @dontneed: drop the pages (Linux's MADV_DONTNEED): every frame of a
 * private region there is unmapped and put, and the next touch is
 * demand-zero (program-image pages read the image again); VM_SHARED
 * regions keep their frames, as shared memory does on Linux.  Without
 * @dontneed the advice only has its range checked.  The regions stay.
 * Returns: 0 (also for @len 0); -EINVAL (unaligned @start, a range that
 * wraps), -ENOMEM (part of the range is not mapped: nothing is dropped).
 */
int mm_madvise(struct mm *mm, uintptr_t start, size_t len, bool dontneed);

/*
 * mm_set_layout - place the stack top @stack_pages pages below
 * USER_STACK_TOP and the mmap base @mmap_pages pages below the stack's
 * guard gap (see the layout at the top).  Context: an empty space, before
 * the program is loaded.
 * Returns: 0, or -EINVAL (an offset out of range, or regions exist).
 */
int mm_set_layout(struct mm *mm, uint32_t stack_pages, uint32_t mmap_pages);

/*
 * mm_brk_rnd_pages - how many brk start offsets fit between @image_end
 * and mm->mmap_base: USER_BRK_RND_PAGES, or fewer where room is short.
 * Returns: the count (at least 1: offset 0 always fits, or the load fails).
 */
uint32_t mm_brk_rnd_pages(const struct mm *mm, uintptr_t image_end);

/*
 * mm_set_brk_start - start the heap @pages pages above the page-aligned
 * @image_end.  Returns: 0, or -EINVAL (offset out of range, or the heap
 * would start above mm->mmap_base).
 */
int mm_set_brk_start(struct mm *mm, uintptr_t image_end, uint32_t pages);

/*
 * mm_brk - move the heap's end to @new_brk (0: just ask).  The heap never
 * shrinks below brk_start nor grows into another region.
 * Returns: 0 with *@result = the break now, -ENOMEM.
 */
int mm_brk(struct mm *mm, uintptr_t new_brk, uintptr_t *result);

/*
 * mm_commit_ok - may a region of @pages more pages be promised?  Refuses
 * a request larger than the free frames less a reserve, so a program that
 * allocates until refused stops before the machine runs dry.
 * Returns: true or false.
 */
bool mm_commit_ok(size_t pages);

/*
 * mm_commit_limit - the most mm_commit_ok() promises in one request, with
 * every managed frame free (meminfo's CommitLimit:).
 * Returns: that many pages.
 */
uint32_t mm_commit_limit(void);

/*
 * mm_fault - resolve a fault at @addr (FAULT_* in @access) in @mm:
 * demand-zero, zero page, image fill, stack growth, copy-on-write.
 * Context: the page-fault handler (or a system call touching user pages).
 * Returns: 0 if resolved; -EFAULT with *@reason naming the illegal access;
 * -ENOMEM with *@reason "out of memory".
 */
int mm_fault(struct mm *mm, uintptr_t addr, unsigned int access,
	     const char **reason);

/*
 * mm_populate - give every page of region @v a zeroed frame now.
 * Returns: 0, or -ENOMEM (the pages done so far stay mapped).
 */
int mm_populate(struct mm *mm, struct vma *v);

/*
 * mm_count_kill - count a process killed after mm_fault() refused it
 * (@oom: for want of memory).  Context: any.
 */
void mm_count_kill(bool oom);

/* Fill @st.  Context: any. */
void mm_get_stats(struct mm_stats *st);

/*
 * The sizes /proc/PID/status reports, in pages, as Linux defines them:
 * data is the private writable regions but the stack, exec the
 * executable read-only ones but the stack, text the executable regions
 * of the program image (exec less text is Linux's VmLib), committed the
 * writable regions (what Committed_AS sums), pte_tables the page tables
 * of the user half.
 */
struct mm_vm_stats {
	uint32_t total_vm, hiwater_vm;
	uint32_t rss, hiwater_rss, rss_shmem;
	uint32_t data, stack, exec, text;
	uint32_t pte_tables;
	uint32_t committed;
};

/*
 * mm_vm_stats - fill @st for @mm (walks its regions, and the page tables
 * of its VM_SHARED regions).  Context: @mm not changing.
 */
void mm_vm_stats(struct mm *mm, struct mm_vm_stats *st);

/*
 * mm_check - the invariants M1-M7 of @mm (see struct mm).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int mm_check(struct mm *mm);

/* Shrink the space and region caches (after the last process). */
void mm_shrink_caches(void);

#endif /* MM_MM_H */
