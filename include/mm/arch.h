/*
 * The few services mm/ needs from the platform.
 *
 * The mm/ sources include this header and no other platform header: the i386 kernel
 * implements it in arch/i386/, the host test build in arch/host/ (where an
 * mmap'd arena stands in for physical memory).  Keep it small; everything
 * that knows a CPU, a firmware or a boot loader lives behind it.
 */
#ifndef MM_ARCH_H
#define MM_ARCH_H

#include <stdarg.h>
#include "mm/types.h"

/*
 * Kernel virtual layout constants.  PAGE_OFFSET is where the direct map of
 * low memory starts; LOWMEM_LIMIT is the physical address where it ends
 * (896 MiB, leaving the top 128 MiB of virtual space for vmalloc, the kmap
 * window and the page-table window).
 */
#define PAGE_OFFSET	0xC0000000u
#define LOWMEM_LIMIT	0x38000000u		/* 896 MiB */
#define LOWMEM_PFN	(LOWMEM_LIMIT >> PAGE_SHIFT)
#define DMA_LIMIT	0x01000000u		/* 16 MiB: ISA DMA reach */
#define DMA_PFN		(DMA_LIMIT >> PAGE_SHIFT)

/*
 * The kernel half of every address space (drawn in docs/DESIGN.md):
 *
 *   0xC0000000  direct map of low memory (DMA + NORMAL), up to 896 MiB
 *   0xF8000000  4 MiB unmapped gap: catches runs off the end of lowmem
 *   0xF8400000  kernel stacks, a guard page below each (include/mm/kstack.h)
 *   0xF8800000  vmalloc area, a guard page after each area
 *   0xFF800000  kmap window: 1024 fixed slots for temporary mappings
 *   0xFFC00000  page-table window (the page directory maps itself here)
 */
#define LOWMEM_VIRT_END		(PAGE_OFFSET + LOWMEM_LIMIT)
#define KSTACK_AREA_START	0xF8400000u
#define KSTACK_AREA_END		0xF8800000u
#define VMALLOC_START		0xF8800000u
#define VMALLOC_END		0xFF800000u
#define KMAP_BASE		0xFF800000u
#define KMAP_SLOTS		1024u
#define PGTABLE_WINDOW		0xFFC00000u

/*
 * arch_bad_phys, arch_bad_virt - panic for an address outside the direct
 * map (the out-of-line end of the conversions below).
 * Context: any.  Returns: never.
 */
__attribute__((noreturn, cold)) void arch_bad_phys(phys_addr_t pa);
__attribute__((noreturn, cold)) void arch_bad_virt(const void *va);

#ifdef MM_HOST
/*
 * The host: "physical memory" is one arena mapped at physical 0 (see
 * arch/host/host.c, which owns these), and the interrupt flag is a word
 * that tests read back through host_irqs_enabled().  A single-threaded
 * host process has no interrupts to mask, so the word exists for the
 * tests' sake only: the benchmark build (MM_DEBUG 0) leaves it out and
 * its lock pairs are the compiler barriers alone, as the kernel's
 * pushfl/cli and sti are to the compiler.  (What masking interrupts
 * costs on real hardware, the kernel's own `bench` command measures.)
 */
extern unsigned char *host_arena;
extern uint64_t host_arena_size;
extern __thread unsigned long host_irq_flag;	/* 1: interrupts enabled */
extern __thread unsigned int host_cpu_id;	/* set by host_cpu_enter() */
#else
#include "percpu.h"
#endif

/*
 * CPUs mm keeps per-CPU state for.  Eight: the Pentium and Pentium III
 * generation's multiprocessors (MP specification, APIC bus) were built
 * with two or four sockets, and eight-way boards were the largest of
 * them; a larger machine needs only a larger number here.
 */
#define MM_MAX_CPUS	8u

/*
 * arch_cpu_id - the number of the CPU running this code, 0 to
 * MM_MAX_CPUS - 1.  The host models CPUs as threads: the harness gives
 * each thread its number (host_cpu_enter()); the kernel asks its per-CPU
 * segment.  Context: any; stable while interrupts are off.
 */
static inline unsigned int arch_cpu_id(void)
{
#ifdef MM_HOST
	return host_cpu_id;
#else
	return smp_processor_id();
#endif
}

/*
 * Direct map.  Valid for physical addresses of the DMA and NORMAL zones
 * only (on the host: anything inside the arena); anything else panics.
 * Inline, because page_address() and virt_to_page() sit on allocation
 * paths: the conversion is one add or subtract and one compare.
 * Context: any.
 */
static inline void *arch_phys_to_virt(phys_addr_t pa)
{
#ifdef MM_HOST
	if (__builtin_expect(pa >= host_arena_size, 0))
		arch_bad_phys(pa);
	return host_arena + pa;
#else
	if (__builtin_expect(pa >= LOWMEM_LIMIT, 0))
		arch_bad_phys(pa);
	return (void *)(uintptr_t)(pa + PAGE_OFFSET);
#endif
}

/*
 * arch_virt_is_direct - whether @va lies in the direct map, the only
 * addresses arch_virt_to_phys() converts; callers that take an address
 * from outside (a free by address) test it first and refuse the rest.
 * Context: any.
 */
static inline bool arch_virt_is_direct(const void *va)
{
#ifdef MM_HOST
	return (uintptr_t)va - (uintptr_t)host_arena < host_arena_size;
#else
	return (uintptr_t)va - PAGE_OFFSET < LOWMEM_LIMIT;
#endif
}

static inline phys_addr_t arch_virt_to_phys(const void *va)
{
#ifdef MM_HOST
	uintptr_t off = (uintptr_t)va - (uintptr_t)host_arena;

	if (__builtin_expect(off >= host_arena_size, 0))
		arch_bad_virt(va);
	return off;
#else
	uintptr_t off = (uintptr_t)va - PAGE_OFFSET;

	if (__builtin_expect(off >= LOWMEM_LIMIT, 0))
		arch_bad_virt(va);
	return off;
#endif
}

/*
 * Interrupt state.  arch_irq_save() disables interrupts and returns the old
 * state for arch_irq_restore().  Inline: every allocator lock is one pair,
 * and a call each way would cost more than the fast path's work.  Both are
 * compiler barriers, as the instructions they stand for.
 * Context: any.
 */
#define ARCH_EFLAGS_IF	(1u << 9)

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;

#if defined(MM_HOST) && MM_DEBUG
	__asm__ volatile("" : : : "memory");
	flags = host_irq_flag;
	host_irq_flag = 0;
	__asm__ volatile("" : : : "memory");
#elif defined(MM_HOST)
	flags = 1;
	__asm__ volatile("" : : : "memory");
#else
	__asm__ volatile("pushfl; popl %0; cli" : "=r"(flags) : : "memory");
#endif
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
#if defined(MM_HOST) && MM_DEBUG
	__asm__ volatile("" : : : "memory");
	host_irq_flag = flags;
#elif defined(MM_HOST)
	(void)flags;
	__asm__ volatile("" : : : "memory");
#else
	if (flags & ARCH_EFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
#endif
}

/*
 * arch_cpu_relax - one turn of a spin-wait loop: `pause` (a nop before
 * the Pentium 4) in the kernel, which then answers a TLB shootdown
 * addressed to this CPU (a CPU spinning with interrupts off for a lock
 * whose holder waits for that answer would otherwise never give it).
 * The host's CPUs are threads that the host may deschedule, and a ticket
 * lock handed to a descheduled waiter stalls every CPU behind it: the
 * host pauses too, and yields the processor one turn in many
 * (arch/host/host.c).
 * Context: any.
 */
#ifdef MM_HOST
void host_cpu_relax(void);
#endif

#ifdef MM_KERNEL
void arch_spin_relax(void);
#endif

static inline void arch_cpu_relax(void)
{
#ifdef MM_HOST
	host_cpu_relax();
#elif defined(MM_KERNEL)
	arch_spin_relax();
#else
	__asm__ volatile("rep; nop" : : : "memory");
#endif
}

/*
 * arch_cmpxchg32 - if *@p holds @old, store @new there, as one atomic
 * step visible to every CPU (with release and acquire order); returns
 * what *@p held.  The kernel is built for the 386, which has no CMPXCHG:
 * call it only once a second CPU may run (MM_LOCK_SMP), which proves a
 * Pentium or later; on one CPU, interrupts off make a test and a store
 * one step instead.
 * Context: any.
 */
static inline int32_t arch_cmpxchg32(int32_t *p, int32_t old, int32_t new)
{
#ifdef MM_HOST
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	return old;
#else
	__asm__ volatile("lock; cmpxchgl %2, %1"
			 : "+a"(old), "+m"(*p)
			 : "r"(new)
			 : "memory", "cc");
	return old;
#endif
}

/*
 * arch_cpu_kick - ask CPU @cpu to call mm_cpu_drain_kicked() soon, on
 * itself: the kernel sends it the drain IPI, the host leaves a word in
 * the CPU's mailbox that its thread polls (host_cpu_poll()).  Called by
 * mm/buddy_pcp.c and mm/slab_pcpu.c for each CPU whose drain request bit
 * (of a zone, of a cache) it has just set; the request itself is the
 * bit, which the CPU also honours at its next allocator entry (and, in
 * the kernel, at its next tick), so a kick that is late or lost only
 * delays the drain.
 * Context: any, interrupts off, zone or cache locks may be held; never
 * waits for the CPU kicked.
 */
void arch_cpu_kick(unsigned int cpu);

/*
 * arch_usecs - a microsecond clock for bounded waits, wrapping at 2^32;
 * only differences of two readings on one CPU mean anything.  The kernel
 * reads the TSC (where it has none calibrated, no other CPU runs mm code
 * and nothing waits).  ARCH_KICK_WAIT_US - how long a CPU that failed a
 * request waits for the CPUs it kicked to drain their lists: a few
 * milliseconds in the kernel, where a kicked CPU answers within an
 * interrupt; a second on the host, whose thread-CPUs the host may
 * deschedule for a time slice and valgrind runs one at a time.
 * ARCH_SYNC_WAIT_US - how long a CPU that needs every other CPU's lists
 * or magazines back, and is on no allocation path (a shrink, a destroy,
 * a snapshot of the free counts), waits for them: seconds, since a
 * virtual CPU whose host thread is not running takes its kick only when
 * the host runs it again, and such a CPU is still alive.
 * Context: any.
 */
uint32_t arch_usecs(void);
#ifdef MM_HOST
#define ARCH_KICK_WAIT_US	1000000u
#define ARCH_SYNC_WAIT_US	20000000u
#else
#define ARCH_KICK_WAIT_US	5000u
#define ARCH_SYNC_WAIT_US	10000000u
#endif

/*
 * Timer ticks since boot, ARCH_HZ of them a second, wrapping: the clock
 * of rate limits (include/mm/ratelimit.h).  The host's count moves only
 * when a test moves it (host_ticks_advance()).  Context: any.
 */
#define ARCH_HZ	100
unsigned long arch_ticks(void);

/* TLB maintenance for the current address space.  Context: any. */
void arch_tlb_flush_page(uintptr_t va);
void arch_tlb_flush_all(void);

/*
 * arch_tlb_shootdown - after changing entries of directory @pd (PFN_NONE:
 * the kernel half, which every directory shares) that removed or
 * downgraded mappings in [@va, @va + @npages pages), and flushing this
 * CPU, make every other CPU that may cache them flush them too (@npages
 * 0: everything of @pd), and return once each has.  A CPU that has @pd
 * loaded but runs no process of it loads the kernel directory instead.
 * Call it before the frames or tables the entries mapped are reused.
 * Context: any, with any mm lock held; interrupts off or on.
 */
void arch_tlb_shootdown(pfn_t pd, uintptr_t va, unsigned int npages);

/*
 * Console output and the end of the world.  printk understands
 * %d %i %u %x %X %lx %llx %llu %s %c %p %%, widths and zero padding, and
 * %pS (%pB for a return address) to name a code address as
 * "symbol+0xoffset/0xsize", or print it as %p when no symbol holds it;
 * misuse reports name their caller so.  snprintf knows no %pS on the
 * host, where it is the C library's: reports use printk.
 * panic() prints "PANIC: <reason>", a register dump, and never returns.
 */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

/*
 * Valgrind annotations.  On the host build (MM_VALGRIND) these are
 * memcheck's mempool client requests; in the kernel they vanish.
 */
#ifdef MM_VALGRIND
#include <valgrind/memcheck.h>
#define mm_pool_create(pool)		VALGRIND_CREATE_MEMPOOL(pool, 0, 0)
#define mm_pool_destroy(pool)		VALGRIND_DESTROY_MEMPOOL(pool)
#define mm_pool_alloc(pool, p, n)	VALGRIND_MEMPOOL_ALLOC(pool, p, n)
#define mm_pool_free(pool, p)		VALGRIND_MEMPOOL_FREE(pool, p)
#define mm_mark_noaccess(p, n)		VALGRIND_MAKE_MEM_NOACCESS(p, n)
#define mm_mark_undefined(p, n)		VALGRIND_MAKE_MEM_UNDEFINED(p, n)
#define mm_mark_defined(p, n)		VALGRIND_MAKE_MEM_DEFINED(p, n)
#else
#define mm_pool_create(pool)		do { (void)(pool); } while (0)
#define mm_pool_destroy(pool)		do { (void)(pool); } while (0)
#define mm_pool_alloc(pool, p, n)	do { (void)(pool); (void)(p); (void)(n); } while (0)
#define mm_pool_free(pool, p)		do { (void)(pool); (void)(p); } while (0)
#define mm_mark_noaccess(p, n)		do { (void)(p); (void)(n); } while (0)
#define mm_mark_undefined(p, n)		do { (void)(p); (void)(n); } while (0)
#define mm_mark_defined(p, n)		do { (void)(p); (void)(n); } while (0)
#endif

/*
 * MMU.  mm/vmm.c builds and edits the two-level page tables itself; the
 * platform supplies the entry format and the privileged operations.  The
 * platform's "pgtable.h" (arch/i386/pgtable.h; on the host
 * arch/host/pgtable.h, which simulates the same MMU) defines arch_pte_t,
 * ARCH_PT_ENTRIES, ARCH_PDE_SHIFT, ARCH_PD_SELF, arch_pdx()/arch_ptx() and
 * the entry helpers arch_pte_make(), arch_pde_make_table(),
 * arch_pde_make_large(), arch_pte_present(), arch_pde_large(),
 * arch_pte_pfn(), arch_pte_prot(), arch_pte_modify() and arch_pte_same(),
 * which speak the MMU_* rights below.
 */
#define MMU_WRITE	0x1u	/* writable, by the kernel too (CR0.WP) */
#define MMU_USER	0x2u	/* reachable from user mode */
#define MMU_NOCACHE	0x4u	/* uncached, for device memory */
#define MMU_GLOBAL	0x8u	/* survives CR3 loads (kernel half only) */
#include "pgtable.h"

/* Frame of the page directory the MMU uses now (CR3).  Context: any. */
pfn_t arch_mmu_current(void);

/*
 * Load page directory @pd (CR3), which maps itself at ARCH_PD_SELF; this
 * flushes the TLB.  Context: any, interrupts off.
 */
void arch_mmu_switch(pfn_t pd);

/* True if the CPU maps 4 MiB pages (CPUID PSE).  Context: any. */
bool arch_mmu_has_pse(void);

/*
 * arch_pgtable_virt - where the kernel reads and writes a page table.
 * @pd: the page directory; @pdx: the directory entry that points to the
 * table, or ARCH_PD_SELF for the directory itself; @table: its frame.
 * The i386 kernel answers with the page-table window when @pd is the live
 * directory and through the direct map otherwise (page tables are low
 * memory); the host through its arena.
 * Context: any.  Returns: the table's 1024 entries.
 */
arch_pte_t *arch_pgtable_virt(pfn_t pd, unsigned int pdx, pfn_t table);

/* The compiler's freestanding builtins; lib/string.c or libc provides them. */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif /* MM_ARCH_H */
