/*
 * TLB shootdown (the rules are in tlb.h).
 *
 * A request is one range of one directory (or of the kernel half) and the
 * set of CPUs that still owe an answer, `tlb_pending`, a bit per CPU.
 * The sender fills the request under tlb_lock, sets the bits with a
 * release store, interrupts the targets and spins until the bits are
 * clear; a target answers in its IPI handler or in any spin-wait it is
 * in (tlb_answer()): it flushes the range, or loads the kernel directory
 * if it holds @pd lazily, then clears its bit with a locked AND.  Code
 * that runs long with interrupts off and no spin-wait (a stress share in
 * a call IPI) answers at its poll points.  A target that has not answered
 * after TLB_WAIT_US is named in one line; after TLB_PATIENCE times that
 * it is a CPU that stopped: corrupted kernel state, so the sender panics
 * naming it.
 *
 * Up to TLB_PAGE_LIMIT pages are flushed one by one (invlpg), more with
 * a full flush: a CR3 reload for a user space; for the kernel half,
 * whose entries are global (a CR3 reload keeps them), always page by
 * page.
 */
#include "cpu.h"
#include "cpus.h"
#include "io.h"
#include "ipi.h"
#include "lapic.h"
#include "percpu.h"
#include "tlb.h"
#include "trap.h"
#include "mm/lock.h"
#include "mm/vmm.h"

#define TLB_PAGE_LIMIT	32
#define TLB_WAIT_US	1000000u	/* then one line */
#define TLB_PATIENCE	30u		/* times that: a stopped CPU */

struct tlb_request {
	pfn_t pd;		/* PFN_NONE: the kernel half */
	uintptr_t va;
	unsigned int npages;	/* 0: all of pd */
};

static mm_lock_t tlb_lock = MM_LOCK_INIT(MM_LOCK_TLB);
static struct tlb_request tlb_req;
static uint32_t tlb_pending;		/* CPUs yet to answer tlb_req */
static bool tlb_ready;			/* the IPI handler is registered */
static pfn_t tlb_loaded[SMP_MAX_CPUS];	/* each CPU's CR3 */
static uint32_t tlb_seen;		/* CPUs that have noted a CR3 */
static bool tlb_lazy[SMP_MAX_CPUS];
static struct tlb_stats tlb_stats[SMP_MAX_CPUS];
static uint64_t tlb_cycles;		/* TSC cycles of every shootdown */
static uint32_t tlb_count;		/* ... and how many (tlb_lock) */

static void pending_clear(uint32_t bit)
{
	__asm__ volatile("lock andl %1, %0"
			 : "+m"(tlb_pending) : "r"(~bit) : "memory", "cc");
}

static void flush_range(const struct tlb_request *r, struct tlb_stats *st)
{
	unsigned int i;

	if (r->pd != PFN_NONE &&
	    (r->npages == 0 || r->npages > TLB_PAGE_LIMIT)) {
		arch_tlb_flush_all();
		st->full++;
		return;
	}
	for (i = 0; i < r->npages; i++)
		arch_tlb_flush_page(r->va + i * PAGE_SIZE);
	st->pages += r->npages;
}

void tlb_answer(void)
{
	unsigned int cpu = smp_processor_id();
	uint32_t bit = 1u << cpu;
	struct tlb_request r;
	unsigned long flags;

	if (!(__atomic_load_n(&tlb_pending, __ATOMIC_ACQUIRE) & bit))
		return;
	flags = arch_irq_save();
	r = tlb_req;
	if (r.pd == PFN_NONE)
		flush_range(&r, &tlb_stats[cpu]);
	else if (tlb_loaded[cpu] == r.pd && tlb_lazy[cpu]) {
		arch_mmu_switch(vmm_kernel_pd);	/* notes the switch */
		tlb_stats[cpu].lazy_leaves++;
	} else if (tlb_loaded[cpu] == r.pd)
		flush_range(&r, &tlb_stats[cpu]);
	tlb_stats[cpu].received++;
	pending_clear(bit);
	arch_irq_restore(flags);
}

static void tlb_irq(struct trap_frame *tf)
{
	(void)tf;
	this_cpu_inc(ipis);
	tlb_answer();
}

void arch_spin_relax(void)
{
	__asm__ volatile("rep; nop" : : : "memory");
	if (__atomic_load_n(&tlb_pending, __ATOMIC_RELAXED))
		tlb_answer();
}

void tlb_init(void)
{
	trap_register(IPI_TLB_VECTOR, tlb_irq);
	tlb_ready = true;
}

void tlb_note_switch(pfn_t pd)
{
	unsigned int cpu = smp_processor_id();

	__atomic_store_n(&tlb_loaded[cpu], pd, __ATOMIC_RELEASE);
	tlb_lazy[cpu] = false;
	if (!(__atomic_load_n(&tlb_seen, __ATOMIC_RELAXED) & (1u << cpu)))
		__atomic_or_fetch(&tlb_seen, 1u << cpu, __ATOMIC_RELEASE);
}

void tlb_set_lazy(bool lazy)
{
	tlb_lazy[smp_processor_id()] = lazy;
}

/* The online CPUs other than this one: each may cache the kernel half. */
static uint32_t tlb_kernel_targets(void)
{
	unsigned int self = smp_processor_id(), i;
	uint32_t mask = 0;

	for (i = 0; i < nr_cpu_slots; i++)
		if (i != self &&
		    __atomic_load_n(&cpu_slots[i].online, __ATOMIC_ACQUIRE))
			mask |= 1u << i;
	return mask;
}

/*
 * The CPUs other than this one that may cache entries of @pd: for a user
 * directory, those among the CPUs that ever loaded one (tlb_seen) whose
 * CR3 holds it, one bit scan per such CPU.
 */
static uint32_t tlb_targets(pfn_t pd)
{
	uint32_t cpus, mask = 0;
	unsigned int i;

	if (pd == PFN_NONE)
		return tlb_kernel_targets();
	cpus = __atomic_load_n(&tlb_seen, __ATOMIC_ACQUIRE) &
	       ~(1u << smp_processor_id());
	while (cpus) {
		i = (unsigned int)__builtin_ctz(cpus);
		cpus &= cpus - 1;
		if (__atomic_load_n(&tlb_loaded[i], __ATOMIC_ACQUIRE) == pd)
			mask |= 1u << i;
	}
	return mask;
}

static void tlb_wait(uint32_t mask)
{
	uint64_t start = rdtsc();
	uint64_t limit = (uint64_t)TLB_WAIT_US * lapic_tsc_khz() / 1000;
	uint32_t left;
	bool late = false;

	while ((left = __atomic_load_n(&tlb_pending, __ATOMIC_ACQUIRE))) {
		if (rdtsc() - start > TLB_PATIENCE * limit)
			panic("tlb: CPU %u did not answer a shootdown of pd "
			      "0x%x va 0x%08x (%u pages) in %u ms (targets "
			      "%#x, waiting for %#x)",
			      (unsigned int)__builtin_ctz(left), tlb_req.pd,
			      (unsigned int)tlb_req.va, tlb_req.npages,
			      TLB_PATIENCE * TLB_WAIT_US / 1000, mask, left);
		if (!late && rdtsc() - start > limit) {
			late = true;
			printk("tlb: CPU %u has not answered a shootdown for "
			       "%u ms; waiting\n",
			       (unsigned int)__builtin_ctz(left),
			       TLB_WAIT_US / 1000);
		}
		__asm__ volatile("rep; nop" : : : "memory");
	}
}

void arch_tlb_shootdown(pfn_t pd, uintptr_t va, unsigned int npages)
{
	unsigned long flags;
	uint32_t mask;
	unsigned int i;

	if (!tlb_ready || nr_cpu_slots < 2)
		return;
	/* the set cannot grow meanwhile (tlb.h): no lock when it is empty */
	mask = tlb_targets(pd);
	if (!mask)
		return;
	flags = mm_lock_irqsave(&tlb_lock);
	mask = tlb_targets(pd);		/* lazy CPUs may have left since */
	if (mask) {
		uint64_t start = rdtsc();

		tlb_req.pd = pd;
		tlb_req.va = va;
		tlb_req.npages = npages;
		__atomic_store_n(&tlb_pending, mask, __ATOMIC_RELEASE);
		for (i = 0; i < nr_cpu_slots; i++)
			if (mask & (1u << i))
				ipi_send(i, IPI_TLB_VECTOR);
		tlb_wait(mask);
		tlb_stats[smp_processor_id()].sent++;
		tlb_cycles += rdtsc() - start;
		tlb_count++;
	}
	mm_unlock_irqrestore(&tlb_lock, flags);
}

void tlb_get_stats(unsigned int cpu, struct tlb_stats *st)
{
	const uint32_t *from = (const uint32_t *)&tlb_stats[cpu];
	uint32_t *to = (uint32_t *)st;
	unsigned int i;

	for (i = 0; i < sizeof(*st) / sizeof(uint32_t); i++)
		to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
}

void tlb_get_cost(uint64_t *cycles, uint32_t *count)
{
	unsigned long flags = mm_lock_irqsave(&tlb_lock);

	*cycles = tlb_cycles;
	*count = tlb_count;
	mm_unlock_irqrestore(&tlb_lock, flags);
}
