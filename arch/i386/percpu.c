/*
 * Per-CPU areas: the storage behind percpu.h.
 *
 * The areas are static, one per CPU slot, so the boot CPU's exists before
 * memory is set up and no CPU's ever moves: the GDT descriptor that
 * points at it is written once (arch/i386/gdt.c).
 *
 * Locking: percpu_setup() runs on the boot CPU, for each area before its
 * CPU loads %fs with it; afterwards an area belongs to its CPU.
 */
#include "percpu.h"
#include "mm/arch.h"

struct percpu percpu_areas[SMP_MAX_CPUS];

void percpu_setup(unsigned int cpu, uint8_t apic_id)
{
	struct percpu *p;

	if (cpu >= SMP_MAX_CPUS)
		panic("percpu: CPU slot %u beyond the %u areas", cpu,
		      SMP_MAX_CPUS);
	p = &percpu_areas[cpu];
	memset(p, 0, sizeof(*p));
	p->self = p;
	p->cpu = cpu;
	p->apic_id = apic_id;
}
