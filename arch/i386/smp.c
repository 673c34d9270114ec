/*
 * Starting the application processors (MP spec appendix B.4, SDM vol. 3
 * 8.4.4), and what they do once up.
 *
 * Design.  Two frames below 1 MiB are set aside while memblock is the
 * allocator: the real-mode trampoline (arch/i386/trampoline.asm) goes in
 * the first, a start-up page directory in the second.  That directory
 * holds one entry twice, the kernel's entry for the first 4 MiB of the
 * direct map, at PAGE_OFFSET and at 0: an AP turning paging on runs at the
 * trampoline's physical address, so that address must be mapped as
 * itself for one jump, and the kernel's own directory maps nothing at 0.
 *
 * For each AP in turn the boot CPU allocates its kernel stack and its
 * double-fault stack (guarded kernel stacks, include/mm/kstack.h), fills
 * its per-CPU area and its GDT/TSS pair (gdt_prepare_cpu()), writes the
 * trampoline's data block (CR0, CR4, the two directories, the stack, the
 * entry, the slot), then sends INIT (assert, de-assert), waits 10 ms,
 * sends STARTUP, waits 200 us, sends STARTUP again, and waits up to
 * AP_START_TIMEOUT_US for the AP to say it is online.  One that does not
 * is reported, put back in INIT (wait-for-STARTUP) so it cannot wake in
 * memory given back, its stacks freed, and the kernel goes on.  When every
 * AP is done, the two frames go to the buddy allocator.
 *
 * An AP in ap_entry() loads its GDT (its own TSS, double-fault TSS and
 * per-CPU segment), the kernel IDT, CR4.PGE if the boot CPU uses global
 * pages, its FPU set-up and its local APIC with the timer, enters the
 * allocators (mm_cpu_online(): its own hot lists; a refusal is left in
 * ap_mm_err[] for the boot CPU to report, and the AP stops there, left
 * offline), marks itself online and enters its idle context in the
 * scheduler (kernel/sched.c: sched_ap_idle()), from which it runs
 * processes, its ticks and IPIs (the allocators' drain IPI, TLB
 * shootdowns, calls such as a `stress ... all` share).
 *
 * Locking: smp_start_aps() runs once on the boot CPU.  cpu_slots[i].online
 * is written once by AP i (release) and read by others (acquire).
 */
#include "cpu.h"
#include "cpus.h"
#include "fpu.h"
#include "ipi.h"
#include "lapic.h"
#include "percpu.h"
#include "proc.h"
#include "smp.h"
#include "tlb.h"
#include "mm/arch.h"
#include "mm/buddy.h"
#include "mm/lock.h"
#include "mm/kstack.h"
#include "mm/memblock.h"
#include "mm/vmm.h"
#include "mm/zones.h"

#define TRAMPOLINE_FRAMES	2	/* code + data, start-up directory */
#define TRAMPOLINE_LIMIT	0x100000u	/* real mode reaches 1 MiB */
#define INIT_WAIT_US		10000u
#define STARTUP_WAIT_US		200u
#define AP_START_TIMEOUT_US	100000u
#define AP_POLL_US		100u

/* The data block at the trampoline's end (trampoline.asm's td_*). */
struct trampoline_data {
	uint32_t cr0;
	uint32_t cr4;		/* 0: leave CR4 alone */
	uint32_t boot_pd;	/* physical: the start-up directory */
	uint32_t kernel_pd;	/* physical: the kernel's */
	uint32_t stack;		/* top of the AP's kernel stack */
	uint32_t entry;		/* ap_entry */
	uint32_t cpu;		/* the AP's slot */
};

extern const char trampoline_start[], trampoline_end[], trampoline_data[];

static phys_addr_t tramp_phys;	/* 0: no frames below 1 MiB */
static struct trampoline_data *tramp_data;
static uint32_t boot_cr4;
static void *ap_stack[SMP_MAX_CPUS], *ap_df_stack[SMP_MAX_CPUS];
static int ap_mm_err[SMP_MAX_CPUS];	/* mm_cpu_online()'s refusal */

void smp_trampoline_reserve(void)
{
	tramp_phys = memblock_alloc(TRAMPOLINE_FRAMES * PAGE_SIZE, PAGE_SIZE,
				    TRAMPOLINE_LIMIT, "AP start-up trampoline");
	if (!tramp_phys)
		printk("smp: no free frames below 1 MiB for the AP start-up "
		       "trampoline\n");
}

unsigned int smp_online_cpus(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_cpu_slots; i++)
		n += __atomic_load_n(&cpu_slots[i].online, __ATOMIC_ACQUIRE);
	return n;
}

/* Copy the code, build the start-up directory, fill what every AP shares. */
static void trampoline_setup(void)
{
	uint8_t *code = arch_phys_to_virt(tramp_phys);
	arch_pte_t *pd = arch_phys_to_virt(tramp_phys + PAGE_SIZE);
	const arch_pte_t *kpd = arch_phys_to_virt(PFN_PHYS(vmm_kernel_pd));
	unsigned int high = arch_pdx(PAGE_OFFSET);

	memcpy(code, trampoline_start, trampoline_end - trampoline_start);
	memset(pd, 0, PAGE_SIZE);
	pd[0] = pd[high] = kpd[high];
	tramp_data = (struct trampoline_data *)(code + (trampoline_data -
							trampoline_start));
	tramp_data->cr0 = read_cr0() & ~CR0_TS;
	boot_cr4 = cpu.has_cpuid ? read_cr4() : 0;
	tramp_data->cr4 = boot_cr4 & ~CR4_PGE;
	tramp_data->boot_pd = (uint32_t)(tramp_phys + PAGE_SIZE);
	tramp_data->kernel_pd = (uint32_t)PFN_PHYS(vmm_kernel_pd);
	tramp_data->entry = (uint32_t)ap_entry;
}

/* The frames were memblock's; the buddy allocator takes them now. */
static void trampoline_release(void)
{
	pfn_t pfn = PHYS_PFN(tramp_phys);

	if (!tramp_phys)
		return;
	buddy_free_bootmem(&zones[zone_type_of_pfn(pfn)], pfn,
			   pfn + TRAMPOLINE_FRAMES);
}

static bool ap_wait_online(unsigned int cpu)
{
	uint32_t waited;

	for (waited = 0; waited < AP_START_TIMEOUT_US; waited += AP_POLL_US) {
		if (__atomic_load_n(&cpu_slots[cpu].online, __ATOMIC_ACQUIRE))
			return true;
		if (__atomic_load_n(&ap_mm_err[cpu], __ATOMIC_ACQUIRE))
			return false;
		udelay(AP_POLL_US);
	}
	return __atomic_load_n(&cpu_slots[cpu].online, __ATOMIC_ACQUIRE);
}

/* INIT, 10 ms, STARTUP, 200 us, STARTUP (not when @silent: INIT only).
 * Returns: 0 or -ETIMEDOUT. */
static int ap_send_startup(uint8_t apic_id, bool silent)
{
	uint32_t sipi = LAPIC_DM_STARTUP | (uint32_t)(tramp_phys >> 12);
	int err;

	err = lapic_send(apic_id, LAPIC_DM_INIT | LAPIC_ICR_LEVEL |
				  LAPIC_ICR_ASSERT);
	err = err ?: lapic_send(apic_id, LAPIC_DM_INIT | LAPIC_ICR_LEVEL);
	udelay(INIT_WAIT_US);
	if (silent)
		return err;
	err = err ?: lapic_send(apic_id, sipi);
	udelay(STARTUP_WAIT_US);
	err = err ?: lapic_send(apic_id, sipi);
	return err;
}

static void ap_free_stacks(unsigned int cpu)
{
	kstack_free(ap_stack[cpu]);
	kstack_free(ap_df_stack[cpu]);
	ap_stack[cpu] = ap_df_stack[cpu] = NULL;
}

/* Start CPU slot @cpu.  Returns: true if it came online. */
static bool ap_start(unsigned int cpu, bool silent)
{
	uint8_t id = cpu_slots[cpu].apic_id;

	ap_stack[cpu] = kstack_alloc();
	ap_df_stack[cpu] = kstack_alloc();
	if (!ap_stack[cpu] || !ap_df_stack[cpu]) {
		printk("smp: CPU %u (APIC id %u): no kernel stack: left "
		       "offline\n", cpu, id);
		ap_free_stacks(cpu);
		return false;
	}
	percpu_setup(cpu, id);
	gdt_prepare_cpu(cpu, (uint32_t)ap_df_stack[cpu] + KSTACK_SIZE);
	tramp_data->stack = (uint32_t)ap_stack[cpu] + KSTACK_SIZE;
	tramp_data->cpu = cpu;
	if (ap_send_startup(id, silent) == 0 && ap_wait_online(cpu))
		return true;
	/* back to wait-for-STARTUP before its memory goes */
	lapic_send(id, LAPIC_DM_INIT | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT);
	lapic_send(id, LAPIC_DM_INIT | LAPIC_ICR_LEVEL);
	if (ap_mm_err[cpu])
		printk("smp: CPU %u (APIC id %u): the allocators refused it "
		       "(mm_cpu_online: %d): left offline\n", cpu, id,
		       ap_mm_err[cpu]);
	else
		printk("smp: CPU %u (APIC id %u) did not start\n", cpu, id);
	ap_free_stacks(cpu);
	return false;
}

/* Why APs cannot be started here, or NULL if they can. */
static const char *smp_cannot_start(void)
{
	if (!lapic_present())
		return "no local APIC";
	if (!lapic_tsc_khz())
		return "no calibrated TSC to time the start-up";
	if (!tramp_phys)
		return "no trampoline frames below 1 MiB";
	return NULL;
}

void smp_start_aps(unsigned int silent)
{
	const char *why = nr_cpu_slots > 1 ? smp_cannot_start() : NULL;
	unsigned int n = nr_cpu_slots, i;

	/* The allocators keep per-CPU lists for MM_MAX_CPUS CPUs at most. */
	if (n > MM_MAX_CPUS) {
		printk("smp: the allocators serve %u CPUs: CPUs %u-%u stay offline\n",
		       MM_MAX_CPUS, MM_MAX_CPUS, n - 1);
		n = MM_MAX_CPUS;
	}
	if (n > 1 && !why && mm_smp_prepare(n) < 0)
		why = "no memory for the other CPUs' allocator lists";
	if (why)
		printk("smp: %s: the other CPUs stay offline\n", why);
	if (nr_cpu_slots > 1 && !why) {
		ipi_init();
		tlb_init();
		trampoline_setup();
		for (i = 1; i < n; i++)
			ap_start(i, i == silent);
	}
	trampoline_release();
	printk("smp: %u of %u CPU%s online", smp_online_cpus(), nr_cpu_slots,
	       nr_cpu_slots == 1 ? "" : "s");
	if (tramp_phys)
		printk("; start-up trampoline [mem 0x%08x-0x%08x] given back",
		       (unsigned int)tramp_phys,
		       (unsigned int)(tramp_phys +
				      TRAMPOLINE_FRAMES * PAGE_SIZE - 1));
	printk("\n");
}

void ap_entry(unsigned int cpu)
{
	int err;

	gdt_load_cpu(cpu);
	idt_load();
	if (boot_cr4 & CR4_PGE)
		write_cr4(read_cr4() | CR4_PGE);	/* flushes the TLB */
	fpu_ap_init();
	lapic_cpu_init();
	err = mm_cpu_online();
	if (err) {	/* the boot CPU reports it and puts us back in INIT */
		__atomic_store_n(&ap_mm_err[cpu], err, __ATOMIC_RELEASE);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	__atomic_store_n(&cpu_slots[cpu].online, true, __ATOMIC_RELEASE);
	sched_ap_idle(cpu);
}
