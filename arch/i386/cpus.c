/*
 * CPU discovery at boot: which processors exist and which the kernel may
 * use.
 *
 * The firmware tables are read by the pure readers (smp_tables.h) through
 * a one-window mapping made with memremap_ro(): ACPI tables usually sit in
 * "ACPI data" frames outside the direct map, and the BIOS areas the
 * readers scan are reserved frames the kernel does not map either.  The
 * boot CPU finds itself in the table by its local APIC id, read from the
 * APIC's ID register through a temporary ioremap(); slot 0 is always the
 * boot CPU, the others follow in table order, and the caller's limit (the
 * command line's "nosmp" or "maxcpus=N") keeps the first slots.
 *
 * A CPU without a local APIC (a 486, or a Pentium whose APIC the firmware
 * disabled) has no way to start another processor: the tables are not
 * read at all and the kernel runs as it always has, on one CPU.
 *
 * Locking: none; boot, one CPU.  The tables are not kept mapped.
 */
#include "cpu.h"
#include "cpus.h"
#include "lapic.h"
#include "percpu.h"
#include "mm/arch.h"
#include "mm/vmalloc.h"

#define LAPIC_REG_ID	0x20u	/* bits 24-31: this CPU's APIC id */

struct smp_config smp_firmware;
struct cpu_slot cpu_slots[SMP_MAX_CPUS];
unsigned int nr_cpu_slots = 1;

static const void *fw_window;

/* The readers' fw_map_fn: one memremap_ro() window, the last one dropped. */
static const void *fw_window_map(void *ctx, uint32_t phys, uint32_t len)
{
	(void)ctx;
	if (fw_window)
		iounmap(fw_window);
	fw_window = memremap_ro(phys, len);
	return fw_window;
}

/*
 * Drop the last window, and the descriptor slab the windows took: nothing
 * of discovery stays behind, so the free counts after boot are those of a
 * kernel that never read a table (tests compare against them after
 * reclaim, which would hand that empty slab back).
 */
static void fw_window_close(void)
{
	if (fw_window)
		iounmap(fw_window);
	fw_window = NULL;
	vmalloc_shrink();
}

/* The boot CPU's local APIC id, or -1 if its registers cannot be mapped. */
static int boot_apic_id(uint32_t fw_phys)
{
	volatile const uint32_t *regs;
	int id;

	if (lapic_present())
		return lapic_id();
	regs = ioremap(fw_phys, PAGE_SIZE);
	if (!regs)
		return -1;
	id = (int)(regs[LAPIC_REG_ID / 4] >> 24);
	iounmap((const void *)regs);
	return id;
}

static void print_firmware(const struct smp_config *c)
{
	unsigned int i;

	printk("smp: %s at %#x: %u CPU%s (APIC id", smp_source_name(c->source),
	       c->table_phys, c->nr_cpus, c->nr_cpus == 1 ? "" : "s");
	for (i = 0; i < c->nr_cpus; i++)
		printk(" %u", c->cpus[i].apic_id);
	printk(")");
	if (c->cpus_disabled)
		printk(", %u disabled", c->cpus_disabled);
	printk(", %u IO-APIC%s, local APIC at %#x\n", c->nr_ioapics,
	       c->nr_ioapics == 1 ? "" : "s", c->lapic_phys);
}

/* Slot 0 is the boot CPU; the others follow in the table's order. */
static void fill_slots(const struct smp_config *c, uint8_t boot_id)
{
	unsigned int i;

	cpu_slots[0].apic_id = boot_id;
	cpu_slots[0].online = true;
	nr_cpu_slots = 1;
	for (i = 0; i < c->nr_cpus; i++)
		if (c->cpus[i].apic_id != boot_id)
			cpu_slots[nr_cpu_slots++].apic_id = c->cpus[i].apic_id;
}

static bool table_lists(const struct smp_config *c, int apic_id)
{
	unsigned int i;

	for (i = 0; i < c->nr_cpus; i++)
		if (c->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

void cpus_discover(unsigned int limit, const char *why)
{
	struct smp_config *c = &smp_firmware;
	const struct fw_mem mem = { .map = fw_window_map, .ctx = NULL };
	int boot_id;

	cpu_slots[0].online = true;
	if (!cpu.has_apic) {
		printk("smp: no local APIC: one CPU\n");
		return;
	}
	smp_tables_read(&mem, c);
	boot_id = c->source != SMP_SRC_NONE ? boot_apic_id(c->lapic_phys) : -1;
	fw_window_close();
	if (c->source == SMP_SRC_NONE)
		return;
	print_firmware(c);
	if (lapic_present() && c->lapic_phys != lapic_phys())
		printk("smp: the %s puts the local APIC at %#x, the CPU at %#x: "
		       "the CPU's address is used\n", smp_source_name(c->source),
		       c->lapic_phys, lapic_phys());
	if (boot_id < 0 || !table_lists(c, boot_id)) {
		printk("smp: the boot CPU's APIC id %d is not in the table: "
		       "the boot CPU alone\n", boot_id);
		cpu_slots[0].apic_id = boot_id < 0 ? 0 : (uint8_t)boot_id;
		return;
	}
	fill_slots(c, (uint8_t)boot_id);
	this_cpu_write(apic_id, (uint8_t)boot_id);
	limit = MAX(1u, limit);
	if (limit < nr_cpu_slots) {
		printk("smp: %s: %u of %u CPUs used\n", why, limit,
		       nr_cpu_slots);
		nr_cpu_slots = limit;
	}
	printk("smp: boot CPU is APIC id %d; %u CPU%s usable, 1 online\n",
	       boot_id, nr_cpu_slots, nr_cpu_slots == 1 ? "" : "s");
}
