/*
 * Kernel stacks: KSTACK_SIZE bytes each, in a dedicated area of the kernel
 * half, with an unmapped guard page below every stack.
 *
 * A stack grows down, so running off its bottom touches the guard page
 * and faults instead of overwriting whatever lies below.  The area is
 * [KSTACK_AREA_START, KSTACK_AREA_END), cut into slots of one guard page
 * and the stack's pages:
 *
 *   slot n:  | guard (unmapped) | stack page 0 | stack page 1 |
 *            ^ KSTACK_AREA_START + n * KSTACK_SLOT
 *
 * The frames are order-0 allocations, HIGHMEM first (GFP_HIGHUSER): a
 * stack is only ever reached through this mapping, which every address
 * space shares (its page tables exist from boot).
 *
 * Locking: kstack_lock (IRQs off) guards the slot bitmap and counters;
 * frames are allocated and mapped outside it.  Context for every
 * function: any, after vmm_kernel_init(); none sleeps.
 */
#ifndef MM_KSTACK_H
#define MM_KSTACK_H

#include "mm/page.h"

#define KSTACK_PAGES	2u
#define KSTACK_SIZE	(KSTACK_PAGES * PAGE_SIZE)
#define KSTACK_SLOT	(KSTACK_SIZE + PAGE_SIZE)	/* guard + stack */
#define KSTACK_SLOTS	((KSTACK_AREA_END - KSTACK_AREA_START) / KSTACK_SLOT)

/*
 * kstack_alloc - map a fresh kernel stack (contents undefined) above a
 * guard page.
 * Returns: its lowest byte (the top is that + KSTACK_SIZE), or NULL when
 * every slot is taken or frames ran out (nothing is left allocated).
 */
void *kstack_alloc(void);

/*
 * kstack_free - unmap a stack from kstack_alloc() and free its frames.
 * NULL is a no-op.  Anything else that is not a live stack's lowest byte
 * (a double free, an address inside a stack or its guard, a foreign
 * pointer) is reported in one line and refused.
 * Returns: 0, or -EINVAL when refused.
 */
int kstack_free(void *stack);

/*
 * kstack_describe - name the stack slot around @addr for a fault report:
 * "guard page 0x...-0x... below kernel stack 0x...-0x...",
 * "in kernel stack 0x...-0x..." or "" (not a live slot).
 * Context: any, the panic path included (takes no lock).
 * Returns: a static string.
 */
const char *kstack_describe(uintptr_t addr);

/*
 * kstack_bounds - the live stack holding @addr (not its guard page):
 * its lowest byte in *@lo and its top (one past the end) in *@hi.
 * Context: any, the panic path included (takes no lock).
 * Returns: true, or false (outputs untouched) when no live stack holds it.
 */
bool kstack_bounds(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);

/* kstack_in_guard - does @addr fall in the guard page of a live stack?
 * Context: any, the panic path included (takes no lock). */
bool kstack_in_guard(uintptr_t addr);

struct kstack_stats {
	uint32_t stacks;		/* live stacks */
	uint32_t highmem_pages;		/* of their frames, from HIGHMEM */
	uint32_t slots;			/* KSTACK_SLOTS */
	uint64_t allocs, frees;		/* successful calls */
	uint64_t failed;		/* kstack_alloc() calls that got NULL */
	uint64_t refused_frees;		/* kstack_free() misuse refused */
};

/* Fill @st.  Context: any. */
void kstack_stats(struct kstack_stats *st);

/*
 * kstack_check - the invariants of the stack area (see mm/kstack.c).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int kstack_check(void);

/* kstack_reset - free every stack and zero the counters (host tests). */
void kstack_reset(void);

#endif /* MM_KSTACK_H */
