/*
 * Host platform shim: include/mm/arch.h implemented over a plain Linux
 * process, so that the unchanged mm/ sources run under valgrind.
 *
 * "Physical memory" is one mmap'd arena (MAP_NORESERVE, so a 2 GiB pool
 * costs only the pages touched) mapped at physical 0; the direct map is
 * therefore arena + pa for every address.  Interrupts are a flag, panics
 * can be caught by tests, and printk goes into a growing log that tests
 * search (echoed to stderr when KMEM_VERBOSE is set).
 *
 * printk formats with the C library, which knows no %pS or %pB: before
 * formatting, vprintk rewrites them into conversions of its own
 * (HOST_SPEC_SYM, HOST_SPEC_RET) that a glibc printf handler renders as
 * the kernel does, "name+0xoff/0xsize", from dladdr1(): the name and size
 * of the dynamic symbol holding the address.  Host programs are linked
 * with -rdynamic so that their global functions are dynamic symbols;
 * static functions are not, and an address in one prints as %p does.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <printf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#include "mm/arch.h"
#include "mm/lock.h"
#include "host.h"

/* The arena and the interrupt flag: arch.h inlines their readers. */
unsigned char *host_arena;
uint64_t host_arena_size;
__thread unsigned long host_irq_flag = 1;
__thread unsigned int host_cpu_id;

int host_mem_init(uint64_t bytes)
{
	void *p;

	host_mem_fini();
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	host_arena = p;
	host_arena_size = bytes;
	return 0;
}

void host_mem_fini(void)
{
	if (host_arena)
		munmap(host_arena, host_arena_size);
	host_arena = NULL;
	host_arena_size = 0;
}

uint64_t host_mem_size(void)
{
	return host_arena_size;
}

/* The direct map is arena + pa; arch.h checks the range and calls these. */
void arch_bad_phys(phys_addr_t pa)
{
	panic("phys_to_virt: 0x%llx outside the host arena (%llu bytes)",
	      (unsigned long long)pa, (unsigned long long)host_arena_size);
}

void arch_bad_virt(const void *va)
{
	panic("virt_to_phys: %p outside the host arena", va);
}

/* Interrupts: a flag, so tests can see that allocator calls restore it. */
bool host_irqs_enabled(void)
{
	return host_irq_flag != 0;
}

void host_cpu_enter(unsigned int cpu)
{
	if (cpu >= MM_MAX_CPUS)
		panic("host_cpu_enter: CPU %u, the model has %u", cpu,
		      MM_MAX_CPUS);
	host_cpu_id = cpu;
	host_irq_flag = 1;
}

/*
 * One turn of a spin-wait.  A waiter whose CPU is a core of its own must
 * see the holder's release within a turn, so a turn is a `pause`, as on
 * the kernel's CPUs: a sched_yield() every turn would make each handoff
 * of a contended lock wait for the waiter's system call to return.  But
 * the host may deschedule any thread-CPU (more threads than cores,
 * valgrind running one thread at a time), and a ticket lock handed to a
 * descheduled waiter stalls every CPU behind it, so one turn in
 * HOST_RELAX_SPINS yields the processor instead: a wait longer than that
 * gives the thread it waits for a chance to run.  The turns are counted
 * per thread, across waits.
 */
#define HOST_RELAX_SPINS	1024u

static __thread unsigned int host_relax_turns;

void host_cpu_relax(void)
{
	if (++host_relax_turns % HOST_RELAX_SPINS == 0) {
		sched_yield();
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ volatile("" : : : "memory");
#endif
}

/*
 * Kicks: a mailbox word per CPU, the model of an IPI that stays pending
 * until its CPU takes it.  host_kicks counts every kick, taken or not.
 */
static unsigned int host_mailbox[MM_MAX_CPUS];
unsigned int host_kicks[MM_MAX_CPUS];

void arch_cpu_kick(unsigned int cpu)
{
	__atomic_store_n(&host_mailbox[cpu], 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&host_kicks[cpu], 1, __ATOMIC_RELAXED);
}

bool host_cpu_poll(void)
{
	unsigned long flags;

	if (!__atomic_exchange_n(&host_mailbox[host_cpu_id], 0,
				 __ATOMIC_ACQUIRE))
		return false;
	flags = arch_irq_save();	/* as an interrupt handler runs */
	mm_cpu_drain_kicked();
	arch_irq_restore(flags);
	return true;
}

uint32_t arch_usecs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000000u +
			  (uint64_t)ts.tv_nsec / 1000u);
}

unsigned long host_tlb_page_flushes, host_tlb_full_flushes;

void arch_tlb_flush_page(uintptr_t va)
{
	(void)va;
	host_tlb_page_flushes++;
}

void arch_tlb_flush_all(void)
{
	host_tlb_full_flushes++;
}

/* Host CPUs are threads sharing one arena: no TLB to shoot down. */
void arch_tlb_shootdown(pfn_t pd, uintptr_t va, unsigned int npages)
{
	(void)pd;
	(void)va;
	(void)npages;
}

/*
 * The printk log grows as needed; tests clear it between cases.  CPUs
 * are threads, so appending takes a mutex.
 */
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len, log_cap;

static void log_append(const char *s, size_t n)
{
	if (log_len + n + 1 > log_cap) {
		size_t cap = log_cap ? log_cap : 4096;
		char *nb;

		while (cap < log_len + n + 1)
			cap *= 2;
		nb = realloc(log_buf, cap);
		if (!nb)
			abort();
		log_buf = nb;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

/* Conversion characters glibc leaves free, taken for %pS and %pB. */
#define HOST_SPEC_SYM	'W'
#define HOST_SPEC_RET	'Y'

/* Render @addr as %pS does (%pB if @ret) into @buf. */
static void host_sprint_symbol(char *buf, size_t size, uintptr_t addr,
			       bool ret)
{
	uintptr_t at = ret && addr ? addr - 1 : addr;
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	if (dladdr1((void *)at, &info, (void **)&sym, RTLD_DL_SYMENT) &&
	    info.dli_sname && sym)
		snprintf(buf, size, "%s+0x%lx/0x%lx", info.dli_sname,
			 (unsigned long)(addr - (uintptr_t)info.dli_saddr),
			 (unsigned long)sym->st_size);
	else
		snprintf(buf, size, "%p", (void *)addr);
}

static int host_print_symbol(FILE *stream, const struct printf_info *pi,
			     const void *const *args)
{
	const void *addr = *(const void *const *)args[0];
	char buf[256];

	host_sprint_symbol(buf, sizeof(buf), (uintptr_t)addr,
			   pi->spec == HOST_SPEC_RET);
	return fprintf(stream, "%*s", pi->left ? -pi->width : pi->width, buf);
}

static int host_symbol_arginfo(const struct printf_info *pi, size_t n,
			       int *argtypes, int *size)
{
	(void)pi;
	if (n > 0) {
		argtypes[0] = PA_POINTER;
		size[0] = sizeof(void *);
	}
	return 1;
}

__attribute__((constructor)) static void host_printf_init(void)
{
	register_printf_specifier(HOST_SPEC_SYM, host_print_symbol,
				  host_symbol_arginfo);
	register_printf_specifier(HOST_SPEC_RET, host_print_symbol,
				  host_symbol_arginfo);
}

/*
 * Copy @fmt into @out (@size bytes) with every %pS and %pB turned into
 * HOST_SPEC_SYM and HOST_SPEC_RET, flags and width kept.  Returns: @out,
 * or @fmt itself when it has none or does not fit.
 */
static const char *host_rewrite_format(const char *fmt, char *out,
				       size_t size)
{
	const char *f = fmt;
	size_t n = 0;
	bool changed = false;

	while (*f && n + 2 < size) {
		char c = *f++;

		out[n++] = c;
		if (c != '%')
			continue;
		while (*f && strchr("-+ #0123456789.*hlLqjzt", *f) &&
		       n + 2 < size)
			out[n++] = *f++;
		if (f[0] == 'p' && (f[1] == 'S' || f[1] == 'B')) {
			out[n++] = f[1] == 'S' ? HOST_SPEC_SYM : HOST_SPEC_RET;
			f += 2;
			changed = true;
		} else if (*f) {
			out[n++] = *f++;
		}
	}
	if (*f || !changed)
		return fmt;
	out[n] = '\0';
	return out;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[1024], host_fmt[512];
	int n;

	fmt = host_rewrite_format(fmt, host_fmt, sizeof(host_fmt));
	n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	pthread_mutex_lock(&log_mutex);
	log_append(line, (size_t)n);
	pthread_mutex_unlock(&log_mutex);
	if (getenv("KMEM_VERBOSE"))
		fputs(line, stderr);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void host_log_clear(void)
{
	free(log_buf);
	log_buf = NULL;
	log_len = log_cap = 0;
}

const char *host_log(void)
{
	return log_buf ? log_buf : "";
}

bool host_log_contains(const char *needle)
{
	return strstr(host_log(), needle) != NULL;
}

unsigned int host_log_count(const char *needle)
{
	unsigned int n = 0;
	const char *p = host_log();
	size_t len = strlen(needle);

	if (len == 0)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += len;
	}
	return n;
}

jmp_buf *host_panic_jmp;

void panic(const char *fmt, ...)
{
	va_list ap;

	printk("PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	if (host_panic_jmp)
		longjmp(*host_panic_jmp, 1);
	fprintf(stderr, "%s", host_log());
	abort();
}

/* The tick count: see host.h. */
static unsigned long host_ticks;

unsigned long arch_ticks(void)
{
	return host_ticks;
}

void host_ticks_advance(unsigned long n)
{
	host_ticks += n;
}
