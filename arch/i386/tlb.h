/*
 * TLB shootdown: making a page-table change that removes or downgrades a
 * mapping visible on every CPU before what it mapped is reused.
 *
 * The mm side (mm/vmm.c, mm/vmm_range.c) flushes its own CPU and calls
 * arch_tlb_shootdown() (include/mm/arch.h) for the others; this file
 * decides which CPUs may cache the entries, interrupts them (vector
 * IPI_TLB_VECTOR) and waits for every one to acknowledge.
 *
 * Which CPUs: for the kernel half every online CPU (its entries are in
 * every address space and global); for a user address space the CPUs
 * whose CR3 holds its directory (tlb_loaded[]), which is the space's CPU
 * mask.  A CPU that runs no process of that space but still has its
 * directory loaded is lazy (it switched to an idle context without
 * reloading CR3, so that the process it ran costs no reload if it comes
 * back): a shootdown makes it load the kernel directory instead of
 * flushing, so it never runs that process again on stale entries.
 *
 * Locking: one shootdown is in flight at a time, under tlb_lock (an mm
 * lock of class MM_LOCK_TLB, innermost).  Every spin-wait of the kernel
 * (mm locks, the kernel lock, this wait) answers a request addressed to
 * its CPU (arch_cpu_relax() calls tlb_answer()), so two CPUs that shoot
 * at each other, or a target spinning with interrupts off for a lock the
 * sender holds, never deadlock.  tlb_loaded[] and the lazy flags are
 * written by their CPU only, with interrupts off, and read by senders;
 * a user space's set cannot grow during a shootdown because CPUs load a
 * process's directory only in schedule(), under the kernel lock that
 * every change of a process's page tables holds.
 */
#ifndef ARCH_I386_TLB_H
#define ARCH_I386_TLB_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/arch.h"

#define IPI_TLB_VECTOR	0xf4

/* Per-CPU counters, written by their CPU. */
struct tlb_stats {
	uint32_t sent;		/* shootdowns this CPU started */
	uint32_t received;	/* requests this CPU answered */
	uint32_t pages;		/* pages it flushed one by one for others */
	uint32_t full;		/* full flushes it made for others */
	uint32_t lazy_leaves;	/* lazy directories it gave up */
};

/* Register the IPI handler.  Context: boot CPU, before the APs start. */
void tlb_init(void);

/* This CPU loaded @pd (arch_mmu_switch()); it runs a process of it. */
void tlb_note_switch(pfn_t pd);

/*
 * tlb_set_lazy - this CPU goes on with its directory loaded but runs no
 * process of it (idle), or runs one again.  Context: the scheduler.
 */
void tlb_set_lazy(bool lazy);

/* Answer a request addressed to this CPU, if any.  Context: any. */
void tlb_answer(void);

/* A copy of CPU @cpu's counters.  Context: any. */
void tlb_get_stats(unsigned int cpu, struct tlb_stats *st);

/*
 * tlb_get_cost - the TSC cycles all shootdowns took, from the first IPI
 * to the last answer, and how many there were.  Context: any, no mm lock.
 */
void tlb_get_cost(uint64_t *cycles, uint32_t *count);

#endif /* ARCH_I386_TLB_H */
