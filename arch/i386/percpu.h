/*
 * Per-CPU areas: one struct percpu per processor, reached in one
 * instruction through %fs.
 *
 * Every CPU has its own GDT (arch/i386/gdt.c) whose PERCPU_SEL descriptor
 * has that CPU's area as its base, and the kernel keeps PERCPU_SEL in %fs:
 * the same selector names a different area on each CPU, so a %fs-relative
 * load reads this CPU's copy without knowing which CPU it is.  The trap
 * entry (arch/i386/isr.asm) saves the interrupted %fs and loads
 * PERCPU_SEL, so nothing ring 3 puts in %fs reaches the kernel (ring 3
 * cannot load PERCPU_SEL itself: its DPL is 0).
 *
 *   percpu_areas[]    one PERCPU_AREA_SIZE area per CPU slot, each
 *                     starting on its own cache lines
 *   +0    self       the area's own address (for pointers into it)
 *   +4    cpu        index in cpu_slots[] (0 = the boot CPU)
 *   +8    apic_id    local APIC id
 *   +12   cur_proc   the process running on this CPU (kernel/proc.h)
 *   +16   ticks      timer ticks this CPU took
 *   +20   ipis       IPIs this CPU received
 *   +24   ...        free to PERCPU_AREA_SIZE, for per-CPU caches
 *
 * Locking: an area's fields are written by its own CPU only, with
 * interrupts off (or from its interrupt handlers, which run with them
 * off); the boot CPU fills an area once before that CPU starts.  Another
 * CPU reads ticks and ipis with percpu_read_remote(): one aligned 32-bit
 * load, atomic on x86.
 */
#ifndef ARCH_I386_PERCPU_H
#define ARCH_I386_PERCPU_H

#include <stddef.h>
#include <stdint.h>
#include "smp_tables.h"

#define PERCPU_AREA_SIZE	256u

struct percpu {
	struct percpu *self;
	uint32_t cpu;
	uint32_t apic_id;
	void *cur_proc;
	uint32_t ticks;
	uint32_t ipis;
} __attribute__((aligned(PERCPU_AREA_SIZE)));

_Static_assert(sizeof(struct percpu) == PERCPU_AREA_SIZE,
	       "the per-CPU segment's limit is PERCPU_AREA_SIZE - 1");

extern struct percpu percpu_areas[SMP_MAX_CPUS];

/* The %fs-relative accessors take 32-bit fields only: one instruction. */
#define PERCPU_CHECK(field)						\
	_Static_assert(sizeof(((struct percpu *)0)->field) == 4,	\
		       "per-CPU accessors move 32 bits")

/* this_cpu_read - this CPU's @field.  Context: any, %fs = PERCPU_SEL. */
#define this_cpu_read(field)						\
	({								\
		PERCPU_CHECK(field);					\
		__typeof__(((struct percpu *)0)->field) v__;		\
		__asm__ volatile("movl %%fs:%c1, %0"			\
				 : "=r"(v__)				\
				 : "i"(offsetof(struct percpu, field)));	\
		v__;							\
	})

/* this_cpu_write - set this CPU's @field.  Context: as this_cpu_read. */
#define this_cpu_write(field, val)					\
	do {								\
		PERCPU_CHECK(field);					\
		__typeof__(((struct percpu *)0)->field) v__ = (val);	\
		__asm__ volatile("movl %0, %%fs:%c1"			\
				 :					\
				 : "r"(v__),				\
				   "i"(offsetof(struct percpu, field))	\
				 : "memory");				\
	} while (0)

/* this_cpu_inc - add one to this CPU's counter @field, in one
 * instruction, so an interrupt cannot split the update. */
#define this_cpu_inc(field)						\
	do {								\
		PERCPU_CHECK(field);					\
		__asm__ volatile("incl %%fs:%c0"			\
				 :					\
				 : "i"(offsetof(struct percpu, field))	\
				 : "memory", "cc");			\
	} while (0)

/*
 * smp_processor_id - the index of the CPU running this (0 = boot CPU).
 * Context: any, once percpu_init_boot() ran; the caller must not migrate
 * (kmem386 never moves a context between CPUs).
 */
static inline unsigned int smp_processor_id(void)
{
	return this_cpu_read(cpu);
}

/* this_cpu_ptr - this CPU's area.  Context: as smp_processor_id(). */
static inline struct percpu *this_cpu_ptr(void)
{
	return this_cpu_read(self);
}

/* percpu_read_remote - another CPU's 32-bit counter, read atomically. */
#define percpu_read_remote(i, field)					\
	__atomic_load_n(&percpu_areas[(i)].field, __ATOMIC_RELAXED)

/*
 * percpu_setup - fill the area of CPU slot @cpu before that CPU uses it.
 * Context: the boot CPU; for slot 0 before gdt_init() loads %fs.
 */
void percpu_setup(unsigned int cpu, uint8_t apic_id);

#endif /* ARCH_I386_PERCPU_H */
