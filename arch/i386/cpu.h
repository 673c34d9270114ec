/*
 * CPU-level helpers for the i386 kernel: segment selectors, control
 * registers, port I/O and what CPUID told us at boot.
 */
#ifndef ARCH_I386_CPU_H
#define ARCH_I386_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include "io.h"

#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define USER_CS		(0x18 | 3)
#define USER_DS		(0x20 | 3)
#define TSS_SEL		0x28
#define DF_TSS_SEL	0x30	/* the double-fault task */
#define PERCPU_SEL	0x38	/* this CPU's area (arch/i386/percpu.h) */

#define EFLAGS_IF	(1u << 9)
#define EFLAGS_ID	(1u << 21)
#define EFLAGS_AC	(1u << 18)

#define CR0_MP		(1u << 1)	/* WAIT honours TS */
#define CR0_EM		(1u << 2)	/* no FPU: x87 instructions raise #NM */
#define CR0_TS		(1u << 3)	/* task switched: next FPU use raises #NM */
#define CR0_NE		(1u << 5)	/* x87 errors as #MF, not IRQ 13 (486+) */
#define CR0_WP		(1u << 16)
#define CR0_PG		(1u << 31)
#define CR4_PSE		(1u << 4)
#define CR4_PGE		(1u << 7)
#define CR4_OSFXSR	(1u << 9)	/* FXSAVE/FXRSTOR with SSE state, SSE on */
#define CR4_OSXMMEXCPT	(1u << 10)	/* unmasked SSE exceptions raise #XM */

/* What the CPU can do, filled by cpu_detect() at boot. */
struct cpu_info {
	int family;		/* 3 = 386, 4 = 486, 5 = Pentium, 6 = P6 ... */
	int model;		/* CPUID's, with its extended bits; 0 without CPUID */
	bool has_cpuid;
	bool has_invlpg;	/* 486 and later */
	bool has_pse;		/* 4 MiB pages */
	bool has_pge;		/* global pages */
	bool has_tsc;
	bool has_apic;		/* an enabled on-chip local APIC */
	bool has_fpu;		/* an x87 answered FNINIT (on chip from the 486DX) */
	bool has_fxsr;		/* FXSAVE/FXRSTOR */
	bool has_sse;
	char vendor[13];
};
extern struct cpu_info cpu;

void cpu_detect(void);
/* gdt_init - the boot CPU's descriptor tables and per-CPU area, loaded. */
void gdt_init(void);
/*
 * gdt_prepare_cpu - build CPU slot @cpu's GDT, TSS and double-fault TSS
 * (its stack ending at @df_stack_top); gdt_load_cpu - load them on the
 * CPU itself, with %fs = PERCPU_SEL.
 * Context: prepare on the boot CPU before that CPU starts; load on it.
 */
void gdt_prepare_cpu(unsigned int cpu, uint32_t df_stack_top);
void gdt_load_cpu(unsigned int cpu);
void tss_set_kernel_stack(uint32_t esp0);
/* The page directory (physical address) the double-fault task runs on. */
void tss_set_fault_cr3(uint32_t cr3);
/* The double-fault task's stack: [*lo, *hi).  Context: any. */
void df_stack_bounds(uintptr_t *lo, uintptr_t *hi);
void idt_init(void);
/* idt_load - load the IDT idt_init() built, on an AP.  Context: the AP. */
void idt_load(void);
void pic_init(void);
void pit_init(void);
bool arch_running_in_qemu(void);
__attribute__((noreturn)) void arch_halt(int status);
__attribute__((noreturn)) void arch_reboot(void);

static inline uint32_t read_cr0(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint32_t read_cr2(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_cr3(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/* CR4 does not exist on a 386 or early 486: only read it if CPUID does. */
static inline uint32_t read_cr4(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint32_t read_eflags(void)
{
	uint32_t v;
	__asm__ volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif /* ARCH_I386_CPU_H */
