/*
 * Segmentation, set up once and then forgotten: a flat GDT (kernel and user
 * code/data over the whole 4 GiB), the TSS whose esp0 the process code
 * updates on every switch so that traps from ring 3 land on the right
 * kernel stack, and a second TSS for the double-fault task.
 *
 * The double fault arrives through a task gate (arch/i386/trap.c), not an
 * interrupt gate: when a kernel stack overflows into its guard page, the
 * page fault cannot push its frame on that stack, and neither could a
 * double-fault handler entered the usual way (that would be the triple
 * fault that resets the machine).  A task switch needs no stack from the
 * interrupted context: the CPU saves every register into the running TSS
 * and loads the double-fault TSS, whose stack is its own (df_stack) and
 * whose CR3 is the kernel page directory.  tss_saved_frame() reads the
 * interrupted registers back for the panic report.
 *
 * Context: gdt_init() at early boot; tss_set_kernel_stack() and
 * tss_set_fault_cr3() with IRQs off; tss_saved_frame() in the double-fault
 * task.
 */
#include "cpu.h"
#include "trap.h"

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

static struct gdt_entry gdt[7];
static struct tss tss, df_tss;
static uint8_t df_stack[DF_STACK_SIZE] __attribute__((aligned(16)));

static void gdt_set(int i, uint32_t base, uint32_t limit, uint8_t access,
		    uint8_t flags)
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

/* The double-fault task: its own stack, interrupts off, the boot CR3
 * until tss_set_fault_cr3() names the final kernel directory. */
static void df_tss_init(void)
{
	df_tss.eip = (uint32_t)double_fault_task;
	df_tss.esp = df_tss.esp0 = (uint32_t)df_stack + DF_STACK_SIZE;
	df_tss.ss = df_tss.ss0 = KERNEL_DS;
	df_tss.ds = df_tss.es = df_tss.fs = df_tss.gs = KERNEL_DS;
	df_tss.cs = KERNEL_CS;
	df_tss.eflags = 0x2;
	df_tss.cr3 = read_cr3();
	df_tss.iomap_base = sizeof(df_tss);
}

void gdt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };

	gdt_set(0, 0, 0, 0, 0);
	gdt_set(1, 0, 0xfffff, 0x9a, 0xc);	/* kernel code, ring 0 */
	gdt_set(2, 0, 0xfffff, 0x92, 0xc);	/* kernel data */
	gdt_set(3, 0, 0xfffff, 0xfa, 0xc);	/* user code, ring 3 */
	gdt_set(4, 0, 0xfffff, 0xf2, 0xc);	/* user data */
	tss.ss0 = KERNEL_DS;
	tss.iomap_base = sizeof(tss);		/* no I/O bitmap */
	gdt_set(5, (uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);
	df_tss_init();
	gdt_set(6, (uint32_t)&df_tss, sizeof(df_tss) - 1, 0x89, 0x0);

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%fs\n\t"
			 "mov %1, %%gs\n\t"
			 "mov %1, %%ss\n\t"
			 "ljmp %2, $1f\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "r"(KERNEL_DS), "i"(KERNEL_CS),
			   "r"(TSS_SEL)
			 : "memory");
}

void tss_set_kernel_stack(uint32_t esp0)
{
	tss.esp0 = esp0;
}

void tss_set_fault_cr3(uint32_t cr3)
{
	df_tss.cr3 = cr3;
}

void tss_saved_frame(struct trap_frame *tf)
{
	tf->gs = tss.gs;
	tf->fs = tss.fs;
	tf->es = tss.es;
	tf->ds = tss.ds;
	tf->edi = tss.edi;
	tf->esi = tss.esi;
	tf->ebp = tss.ebp;
	/* trap_dump() prints kernel_esp + 20, the esp before the trap's pushes
	 * (pusha saw five words more); the task switch saved the real one. */
	tf->kernel_esp = tss.esp - 20;
	tf->ebx = tss.ebx;
	tf->edx = tss.edx;
	tf->ecx = tss.ecx;
	tf->eax = tss.eax;
	tf->eip = tss.eip;
	tf->cs = tss.cs;
	tf->eflags = tss.eflags;
	tf->user_esp = tss.esp;
	tf->user_ss = tss.ss;
}
