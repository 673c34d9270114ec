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
 * User layout (every process):
 *
 *   USER_MIN      lowest address a region may start at (NULL pages below)
 *   0x08048000    program image (text, rodata, data+bss), then the brk heap
 *   ...           mmap areas, placed top-down from USER_MMAP_TOP
 *   USER_MMAP_TOP +- USER_STACK_GUARD: never mapped (guard gap)
 *   stack_limit   lowest address the stack may grow down to
 *   PAGE_OFFSET   top of the stack; the kernel half starts here
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
 */
struct mm {
	pfn_t pd;			/* page directory */
	struct avl_root root;		/* the regions, by start */
	unsigned int nr_vmas;
	struct vma *cache;		/* last region found */
	uintptr_t brk_start, brk;	/* heap: set by the loader, brk() */
	uintptr_t stack_limit;		/* the stack grows down to here */
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
 * free range below USER_MMAP_TOP.
 * Returns: 0 with *@addr set, -EINVAL, -ENOMEM (nothing left mapped).
 */
int mm_mmap(struct mm *mm, size_t len, unsigned int prot, uintptr_t *addr);

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
 * mm_check - the invariants M1-M5 of @mm (see struct mm).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int mm_check(struct mm *mm);

/* Shrink the space and region caches (after the last process). */
void mm_shrink_caches(void);

#endif /* MM_MM_H */
