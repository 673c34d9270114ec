/*
 * Segmentation, set up once and then forgotten: a flat GDT (kernel and user
 * code/data over the whole 4 GiB) and one TSS, whose esp0 the process code
 * updates on every switch so that traps from ring 3 land on the right
 * kernel stack.
 *
 * Context: gdt_init() at early boot; tss_set_kernel_stack() with IRQs off.
 */
#include "cpu.h"

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

static struct gdt_entry gdt[6];
static struct tss tss;

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
