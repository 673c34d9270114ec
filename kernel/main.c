/*
 * kmain: from the boot stub to the console prompt.
 *
 * Order matters: the console first (so everything after can speak), then
 * the CPU tables (GDT, IDT, PIC, PIT) so that a fault in the memory
 * bring-up is reported, not a silent triple fault; then memory; then the
 * CPUs (discovery maps firmware tables, so it needs the VMM); then
 * interrupts on and the shell.  Once memory is up the kernel leaves the
 * boot stack for a kernel stack with a guard page below it (process 0's),
 * so that the shell's commands overflowing it fault instead of silently
 * overwriting .bss.
 */
#include "console.h"
#include "cpu.h"
#include "mm_init.h"
#include "multiboot.h"
#include "proc.h"
#include "random.h"
#include "shell.h"
#include "smp_boot.h"
#include "trap.h"
#include "mm/arch.h"

/* The rest of the boot, on process 0's own stack. */
__attribute__((noreturn)) static void kmain_late(void)
{
	smp_boot_init();
	random_init();
	serial_enable_irq();
	kbd_init();
	__asm__ volatile("sti");
	fault_boot();
	printk("kmem386: ready; type 'help'\n");
	shell_run();
}

void kmain(void)
{
	console_init();
	printk("kmem386: i386 kernel memory subsystem\n");
	if (boot_magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot loader (magic 0x%x)",
		      boot_magic);
	gdt_init();
	idt_init();
	pic_init();
	pit_init();
	cpu_detect();
	mm_init();
	proc0_stack_run(kmain_late);
}
