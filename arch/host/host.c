/*
 * Host platform shim: include/mm/arch.h implemented over a plain Linux
 * process, so that the unchanged mm/ sources run under valgrind.
 *
 * "Physical memory" is one mmap'd arena (MAP_NORESERVE, so a 2 GiB pool
 * costs only the pages touched) mapped at physical 0; the direct map is
 * therefore arena + pa for every address.  Interrupts are a flag, panics
 * can be caught by tests, and printk goes into a growing log that tests
 * search (echoed to stderr when KMEM_VERBOSE is set).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm/arch.h"
#include "host.h"

static unsigned char *arena;
static uint64_t arena_size;

int host_mem_init(uint64_t bytes)
{
	void *p;

	host_mem_fini();
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	arena = p;
	arena_size = bytes;
	return 0;
}

void host_mem_fini(void)
{
	if (arena)
		munmap(arena, arena_size);
	arena = NULL;
	arena_size = 0;
}

uint64_t host_mem_size(void)
{
	return arena_size;
}

void *arch_phys_to_virt(phys_addr_t pa)
{
	if (!arena || pa >= arena_size)
		panic("phys_to_virt: 0x%llx outside the host arena (%llu bytes)",
		      (unsigned long long)pa, (unsigned long long)arena_size);
	return arena + pa;
}

phys_addr_t arch_virt_to_phys(const void *va)
{
	const unsigned char *p = va;

	if (!arena || p < arena || p >= arena + arena_size)
		panic("virt_to_phys: %p outside the host arena", va);
	return (phys_addr_t)(p - arena);
}

/* Interrupts: a flag, so tests can see that allocator calls restore it. */
static unsigned long irq_enabled = 1;

unsigned long arch_irq_save(void)
{
	unsigned long old = irq_enabled;

	irq_enabled = 0;
	return old;
}

void arch_irq_restore(unsigned long flags)
{
	irq_enabled = flags;
}

bool host_irqs_enabled(void)
{
	return irq_enabled != 0;
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

/* The printk log grows as needed; tests clear it between cases. */
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

int vprintk(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	log_append(line, (size_t)n);
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

/* Fault injection counters: see host.h. */
static unsigned long fail_countdown;
static bool fail_sticky;

void host_fail_alloc_nth(unsigned long n)
{
	fail_countdown = n;
	fail_sticky = false;
}

void host_fail_alloc_from(unsigned long n)
{
	fail_countdown = n;
	fail_sticky = true;
}

/* Builds without MM_FAULT_INJECT (bench) get arch.h's inline stub. */
#ifdef MM_FAULT_INJECT
bool arch_should_fail_alloc(void)
{
	if (fail_countdown == 0)
		return false;
	if (fail_countdown == 1) {
		if (!fail_sticky)
			fail_countdown = 0;
		return true;
	}
	fail_countdown--;
	return false;
}
#endif
