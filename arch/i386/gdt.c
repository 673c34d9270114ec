/*
 * Segmentation, set up once per CPU and then forgotten: a flat GDT
 * (kernel and user code/data over the whole 4 GiB), the TSS whose esp0 the
 * process code updates on every switch so that traps from ring 3 land on
 * the right kernel stack, a second TSS for the double-fault task, and the
 * per-CPU data segment (arch/i386/percpu.h).
 *
 * Each CPU has its own copy of the table, the same selectors in each:
 *
 *   0x00 null   0x08 kernel code   0x10 kernel data   0x18 user code
 *   0x20 user data   0x28 TSS   0x30 double-fault TSS   0x38 per-CPU
 *
 * Only the last three differ between CPUs (their bases): a TSS is busy
 * while a CPU runs on it, so no two CPUs may share one, and the per-CPU
 * descriptor is what makes %fs name this CPU's area.
 *
 * The double fault arrives through a task gate (arch/i386/trap.c), not an
 * interrupt gate: when a kernel stack overflows into its guard page, the
 * page fault cannot push its frame on that stack, and neither could a
 * double-fault handler entered the usual way (that would be the triple
 * fault that resets the machine).  A task switch needs no stack from the
 * interrupted context: the CPU saves every register into the running TSS
 * and loads the double-fault TSS, whose stack is its own and whose CR3 is
 * the kernel page directory.  Every CPU has its own double-fault TSS and
 * stack, since two CPUs can fault at once: the boot CPU's stack is static
 * (it may fault before memory is up), the others' are kernel stacks the
 * boot CPU allocates before starting them.  tss_saved_frame() reads the
 * interrupted registers back for the panic report.
 *
 * Context: gdt_init() at early boot; gdt_prepare_cpu() on the boot CPU
 * before an AP starts, gdt_load_cpu() on that AP; tss_set_kernel_stack()
 * and tss_set_fault_cr3() with IRQs off; tss_saved_frame() in the
 * double-fault task.
 */
#include "cpu.h"
#include "percpu.h"
#include "trap.h"
#include "mm/arch.h"

struct gdt_entry {
	uint16_t limit_lo;
	uint16_t base_lo;
	uint8_t base_mid;
	uint8_t access;
	uint8_t flags_limit_hi;
	uint8_t base_hi;
} __attribute__((packed));

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
} __attribute__((packed));

#define DF_STACK_SIZE	4096
#define GDT_ENTRIES	8

/* One CPU's descriptor tables.  Written by the boot CPU before that CPU
 * loads them; then only tss.esp0 changes, on its own CPU. */
struct cpu_tables {
	struct gdt_entry gdt[GDT_ENTRIES];
	struct tss tss, df_tss;
};

_Static_assert(PERCPU_SEL == 7 * 8, "the per-CPU descriptor is entry 7");

static struct cpu_tables tables[SMP_MAX_CPUS];
static uint8_t df_stack[DF_STACK_SIZE] __attribute__((aligned(16)));
static uint32_t fault_cr3;	/* 0 until tss_set_fault_cr3() */

static void gdt_set(struct gdt_entry *gdt, int i, uint32_t base,
		    uint32_t limit, uint8_t access, uint8_t flags)
{
	gdt[i].limit_lo = limit & 0xffff;
	gdt[i].base_lo = base & 0xffff;
	gdt[i].base_mid = (base >> 16) & 0xff;
	gdt[i].access = access;
	gdt[i].flags_limit_hi = (uint8_t)((flags << 4) | ((limit >> 16) & 0xf));
	gdt[i].base_hi = (base >> 24) & 0xff;
}

void df_stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
	*lo = (uintptr_t)df_stack;
	*hi = *lo + DF_STACK_SIZE;
}

/* The double-fault task: its own stack, interrupts off, the kernel
 * directory (the boot one until tss_set_fault_cr3() names the final). */
static void df_tss_init(struct tss *t, uint32_t stack_top)
{
	memset(t, 0, sizeof(*t));
	t->eip = (uint32_t)double_fault_task;
	t->esp = t->esp0 = stack_top;
	t->ss = t->ss0 = KERNEL_DS;
	t->ds = t->es = t->gs = KERNEL_DS;
	t->fs = PERCPU_SEL;
	t->cs = KERNEL_CS;
	t->eflags = 0x2;
	t->cr3 = fault_cr3 ? fault_cr3 : read_cr3();
	t->iomap_base = sizeof(*t);
}

void gdt_prepare_cpu(unsigned int cpu, uint32_t df_stack_top)
{
	struct cpu_tables *t = &tables[cpu];
	struct gdt_entry *gdt = t->gdt;

	memset(t, 0, sizeof(*t));
	gdt_set(gdt, 0, 0, 0, 0, 0);
	gdt_set(gdt, 1, 0, 0xfffff, 0x9a, 0xc);	/* kernel code, ring 0 */
	gdt_set(gdt, 2, 0, 0xfffff, 0x92, 0xc);	/* kernel data */
	gdt_set(gdt, 3, 0, 0xfffff, 0xfa, 0xc);	/* user code, ring 3 */
	gdt_set(gdt, 4, 0, 0xfffff, 0xf2, 0xc);	/* user data */
	t->tss.ss0 = KERNEL_DS;
	t->tss.iomap_base = sizeof(t->tss);	/* no I/O bitmap */
	gdt_set(gdt, 5, (uint32_t)&t->tss, sizeof(t->tss) - 1, 0x89, 0x0);
	df_tss_init(&t->df_tss, df_stack_top);
	gdt_set(gdt, 6, (uint32_t)&t->df_tss, sizeof(t->df_tss) - 1, 0x89,
		0x0);
	/* per-CPU data: byte granular, exactly one area */
	gdt_set(gdt, 7, (uint32_t)&percpu_areas[cpu], PERCPU_AREA_SIZE - 1,
		0x92, 0x4);
}

void gdt_load_cpu(unsigned int cpu)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(tables[cpu].gdt) - 1,
					   (uint32_t)tables[cpu].gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%gs\n\t"
			 "mov %1, %%ss\n\t"
			 "mov %4, %%fs\n\t"
			 "ljmp %2, $1f\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "r"(KERNEL_DS), "i"(KERNEL_CS),
			   "r"(TSS_SEL), "r"(PERCPU_SEL)
			 : "memory");
}

void gdt_init(void)
{
	percpu_setup(0, 0);
	gdt_prepare_cpu(0, (uint32_t)df_stack + DF_STACK_SIZE);
	gdt_load_cpu(0);
}

void tss_set_kernel_stack(uint32_t esp0)
{
	tables[smp_processor_id()].tss.esp0 = esp0;
}

/* Every CPU's double-fault task, those not yet prepared included (they
 * take fault_cr3 when gdt_prepare_cpu() builds their TSS). */
void tss_set_fault_cr3(uint32_t cr3)
{
	unsigned int i;

	fault_cr3 = cr3;
	for (i = 0; i < SMP_MAX_CPUS; i++)
		if (tables[i].df_tss.eip)
			tables[i].df_tss.cr3 = cr3;
}

void tss_saved_frame(struct trap_frame *tf)
{
	const struct tss *tss = &tables[smp_processor_id()].tss;

	tf->gs = tss->gs;
	tf->fs = tss->fs;
	tf->es = tss->es;
	tf->ds = tss->ds;
	tf->edi = tss->edi;
	tf->esi = tss->esi;
	tf->ebp = tss->ebp;
	/* trap_dump() prints kernel_esp + 20, the esp before the trap's pushes
	 * (pusha saw five words more); the task switch saved the real one. */
	tf->kernel_esp = tss->esp - 20;
	tf->ebx = tss->ebx;
	tf->edx = tss->edx;
	tf->ecx = tss->ecx;
	tf->eax = tss->eax;
	tf->eip = tss->eip;
	tf->cs = tss->cs;
	tf->eflags = tss->eflags;
	tf->user_esp = tss->esp;
	tf->user_ss = tss->ss;
}
