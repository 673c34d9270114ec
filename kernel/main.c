/*
 * kmain: from the boot stub to the console prompt.
 *
 * Order matters: the console first (so everything after can speak), then
 * the CPU tables (GDT, IDT, PIC, PIT) so that a fault in the memory
 * bring-up is reported, not a silent triple fault; then memory; then the
 * CPUs (discovery maps firmware tables, so it needs the VMM); then
 * interrupts on and the shell.
 */
#include "console.h"
#include "cpu.h"
#include "mm_init.h"
#include "multiboot.h"
#include "shell.h"
#include "smp_boot.h"
#include "trap.h"
#include "mm/arch.h"

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
	smp_boot_init();
	serial_enable_irq();
	kbd_init();
	__asm__ volatile("sti");
	fault_boot();
	printk("kmem386: ready; type 'help'\n");
	shell_run();
}
