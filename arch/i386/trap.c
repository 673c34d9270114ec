/*
 * The IDT, the dispatcher every trap stub calls, and the panic dumps.
 *
 * All 256 vectors but one have a stub (arch/i386/isr.asm) behind an
 * interrupt gate (IF cleared on entry); only vector 0x80's may be called
 * from ring 3 (DPL 3).  The double fault is the exception: a task gate
 * switches to a task with a stack of its own (arch/i386/gdt.c says why),
 * which reads the interrupted registers from the saved TSS and hands them
 * to the vector's handler like any other frame.  An exception nobody registered for dumps the frame and
 * panics: the kernel never silently ignores a fault.
 *
 * Every CPU loads the same IDT (idt_load()); the double-fault task gate
 * names DF_TSS_SEL, which each CPU's own GDT resolves to its own task.
 *
 * Locking: the handler table has no lock: trap_register() runs at boot
 * or with IRQs off, before the application processors start, and every
 * handler runs with IRQs off.
 */
#include "cpu.h"
#include "irq.h"
#include "klock.h"
#include "lapic.h"
#include "random.h"
#include "trap.h"
#include "mm/arch.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256];
static trap_handler_t handlers[256];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault",
	"general protection fault", "page fault", "reserved",
	"x87 floating-point error", "alignment check", "machine check",
	"SIMD floating-point error", "virtualization", "control protection",
	"reserved", "reserved", "reserved", "reserved", "reserved",
	"reserved", "hypervisor injection", "VMM communication",
	"security exception", "reserved",
};

static void idt_set(unsigned int v, uint32_t handler, uint8_t type_attr)
{
	idt[v].off_lo = handler & 0xffff;
	idt[v].sel = KERNEL_CS;
	idt[v].zero = 0;
	idt[v].type_attr = type_attr;
	idt[v].off_hi = handler >> 16;
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void idt_init(void)
{
	unsigned int v;

	for (v = 0; v < 256; v++)
		idt_set(v, trap_stubs[v], 0x8e);	/* present, DPL 0, int gate */
	idt_set(T_SYSCALL, trap_stubs[T_SYSCALL], 0xee); /* DPL 3 int gate */
	idt_set(T_DOUBLE_FAULT, 0, 0x85);	/* present, DPL 0, task gate */
	idt[T_DOUBLE_FAULT].sel = DF_TSS_SEL;
	idt_load();
}

void trap_register(unsigned int vector, trap_handler_t handler)
{
	if (vector < 256)
		handlers[vector] = handler;
}

const char *trap_name(unsigned int vector)
{
	if (vector < 32)
		return exception_names[vector];
	if (vector >= IRQ_BASE && vector < IRQ_BASE + 16)
		return "IRQ";
	return "interrupt";
}

void trap_dispatch(struct trap_frame *tf)
{
	unsigned int v = tf->vector;

	if ((tf->cs & 3) == 3 && (v == T_SYSCALL || (v < 32 && v != T_NM)))
		klock_acquire();	/* the process layer's: klock.h */

	if (v >= IRQ_BASE && v < IRQ_BASE + 16) {
		unsigned int irq = v - IRQ_BASE;

		if (!irq_ack(irq))
			return;
		random_add_interrupt(irq);	/* its timing feeds the pool */
		if (handlers[v])
			handlers[v](tf);
		return;
	}
	/* The local APIC's vectors: EOI first, as for the PIC (lapic.c). */
	if (v >= LAPIC_VECTOR_FIRST && v != LAPIC_SPURIOUS_VECTOR &&
	    lapic_present())
		lapic_eoi();
	if (handlers[v]) {
		handlers[v](tf);
		return;
	}
	trap_panic(tf, "unhandled %s (vector %u)", trap_name(v), v);
}

void trap_double_fault(uint32_t error_code)
{
	struct trap_frame tf;

	tss_saved_frame(&tf);
	tf.vector = T_DOUBLE_FAULT;
	tf.error_code = error_code;
	if (handlers[T_DOUBLE_FAULT])
		handlers[T_DOUBLE_FAULT](&tf);
	trap_panic(&tf, "unhandled %s (vector %u)", trap_name(T_DOUBLE_FAULT),
		   T_DOUBLE_FAULT);
}

void trap_dump(const struct trap_frame *tf)
{
	bool user = (tf->cs & 3) == 3;

	printk("trap: vector %u (%s) error code 0x%x%s\n", tf->vector,
	       trap_name(tf->vector), tf->error_code, user ? " from ring 3" : "");
	printk("EIP: %04x:%08x EFLAGS: %08x CR2: %08x\n", tf->cs, tf->eip,
	       tf->eflags, read_cr2());
	printk("EIP is at %pS\n", (void *)(uintptr_t)tf->eip);
	printk("EAX: %08x EBX: %08x ECX: %08x EDX: %08x\n", tf->eax, tf->ebx,
	       tf->ecx, tf->edx);
	printk("ESI: %08x EDI: %08x EBP: %08x ESP: %08x\n", tf->esi, tf->edi,
	       tf->ebp, user ? tf->user_esp : tf->kernel_esp + 20);
	printk("DS: %04x ES: %04x FS: %04x GS: %04x\n", tf->ds & 0xffff,
	       tf->es & 0xffff, tf->fs & 0xffff, tf->gs & 0xffff);
	if (user)
		printk("user SS: %04x ESP: %08x\n", tf->user_ss & 0xffff,
		       tf->user_esp);
}
