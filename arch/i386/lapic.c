/*
 * Local APIC driver: base, mapping, enable, EOI, the timer and the ICR.
 *
 * Design.  The registers are found through IA32_APIC_BASE on P6 and
 * later; a Pentium has no such MSR and its APIC sits at 0xfee00000 for
 * good.  They are mapped once with ioremap() (PCD|PWT: device registers
 * must not be cached) at an address every CPU shares, each CPU seeing its
 * own APIC there.  The boot CPU calibrates once: PIT channel 2 counts
 * down a known interval in mode 0 (gate on, speaker off, OUT2 polled in
 * port 0x61) while the APIC timer counts down from its maximum and the
 * TSC runs; the APIC timer's rate gives the periodic count for one tick
 * at ARCH_HZ on every CPU (they share the bus clock), and the TSC's the
 * unit of udelay() and of the ICR timeout.  Polling needs no interrupt,
 * so calibration runs with interrupts off, before the scheduler's tick.
 *
 * The boot CPU's tick then moves from the PIT (IRQ 0, masked) to its APIC
 * timer, so that every CPU ticks the same way: jiffies and the scheduler's
 * tick_hook run on the boot CPU's APIC timer interrupt, as they did on
 * the PIT's.  trap_dispatch() sends the EOI of every local APIC vector but
 * the spurious one (which takes none) before the handler runs, as it does
 * for the PIC: a handler may switch to another process and return late.
 *
 * Locking: lapic_init() once on the boot CPU at boot; the calibration
 * results are read-only afterwards.  Every other function touches only
 * the calling CPU's APIC; lapic_send() writes the ICR pair with interrupts
 * off so that no handler's IPI lands between the two writes.
 */
#include "cpu.h"
#include "irq.h"
#include "lapic.h"
#include "percpu.h"
#include "trap.h"
#include "mm/arch.h"
#include "mm/lock.h"
#include "mm/vmalloc.h"

#define REG_ID		0x020
#define REG_VERSION	0x030
#define REG_TPR		0x080
#define REG_EOI		0x0b0
#define REG_SVR		0x0f0
#define REG_ESR		0x280
#define REG_ICR_LO	0x300
#define REG_ICR_HI	0x310
#define REG_LVT_TIMER	0x320
#define REG_LVT_LINT0	0x350
#define REG_LVT_LINT1	0x360
#define REG_LVT_ERROR	0x370
#define REG_TIMER_INIT	0x380
#define REG_TIMER_CUR	0x390
#define REG_TIMER_DIV	0x3e0

#define SVR_ENABLE	0x100u
#define LVT_MASKED	0x10000u
#define LVT_PERIODIC	0x20000u
#define LVT_NMI		0x400u
#define LVT_EXTINT	0x700u
#define ICR_PENDING	0x1000u
#define TIMER_DIV_16	0x3u

#define MSR_APIC_BASE	0x1b
#define APIC_BASE_EN	(1u << 11)

#define PIT_BASE_HZ	1193182u
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_PORT_B	0x61	/* bit 0 gate 2, bit 1 speaker, bit 5 OUT2 */
#define CAL_MS		20u
#define CAL_RUNS	3u
#define CAL_POLLS	50000000u	/* a PIT that never counts down */

static volatile uint32_t *regs;
static uint32_t base_phys;
static uint32_t timer_count;	/* APIC timer counts per tick, divide 16 */
static uint32_t tsc_khz;

static inline uint32_t rd(unsigned int reg)
{
	return regs[reg / 4];
}

static inline void wr(unsigned int reg, uint32_t val)
{
	regs[reg / 4] = val;
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

bool lapic_present(void)
{
	return regs != NULL;
}

uint32_t lapic_phys(void)
{
	return base_phys;
}

uint8_t lapic_id(void)
{
	return (uint8_t)(rd(REG_ID) >> 24);
}

uint32_t lapic_version(void)
{
	return rd(REG_VERSION);
}

uint32_t lapic_timer_count(void)
{
	return timer_count;
}

uint32_t lapic_tsc_khz(void)
{
	return tsc_khz;
}

void lapic_eoi(void)
{
	wr(REG_EOI, 0);
}

void udelay(uint32_t us)
{
	uint64_t end = rdtsc() + (uint64_t)us * tsc_khz / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

int lapic_send(uint8_t dest, uint32_t low)
{
	unsigned long flags = arch_irq_save();
	uint64_t end;
	int err = 0;

	wr(REG_ICR_HI, (uint32_t)dest << 24);
	wr(REG_ICR_LO, low);
	end = rdtsc() + tsc_khz;		/* one millisecond */
	while (rd(REG_ICR_LO) & ICR_PENDING) {
		if (rdtsc() > end) {
			err = -ETIMEDOUT;
			break;
		}
		cpu_relax();
	}
	arch_irq_restore(flags);
	return err;
}

/*
 * Software-enable this CPU's APIC (the LVTs can only be unmasked once it
 * is): the boot CPU keeps LINT0 as the PIC's ExtINT wire and LINT1 as
 * NMI (virtual wire mode); an AP masks both.
 */
static void lapic_enable(bool boot)
{
	wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
	wr(REG_TPR, 0);
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_LVT_LINT0, boot ? LVT_EXTINT : LVT_MASKED);
	wr(REG_LVT_LINT1, boot ? LVT_NMI : LVT_MASKED);
	wr(REG_LVT_ERROR, LVT_MASKED);
	wr(REG_ESR, 0);				/* the ESR latches on write */
	wr(REG_ESR, 0);
	lapic_eoi();				/* nothing left in service */
}

void lapic_lint0_mask(void)
{
	wr(REG_LVT_LINT0, LVT_MASKED | LVT_EXTINT);
}

static void timer_start(void)
{
	wr(REG_TIMER_DIV, TIMER_DIV_16);
	wr(REG_LVT_TIMER, LVT_PERIODIC | LAPIC_TIMER_VECTOR);
	wr(REG_TIMER_INIT, timer_count);
}

/*
 * One run: APIC timer counts and TSC cycles over CAL_MS of PIT channel 2.
 * Returns: false if OUT2 never rose.
 */
static bool calibrate_run(uint32_t *counts, uint64_t *cycles)
{
	uint32_t latch = PIT_BASE_HZ * CAL_MS / 1000, left, polls = 0;
	uint8_t port_b = inb(PIT_PORT_B);
	uint64_t t0, t1;

	outb(PIT_PORT_B, (port_b & ~0x02) | 0x01);
	outb(PIT_CMD, 0xb0);			/* channel 2, lo/hi, mode 0 */
	wr(REG_TIMER_DIV, TIMER_DIV_16);
	wr(REG_LVT_TIMER, LVT_MASKED);
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);		/* counting starts */
	wr(REG_TIMER_INIT, 0xffffffffu);
	t0 = rdtsc();
	while (!(inb(PIT_PORT_B) & 0x20) && ++polls < CAL_POLLS)
		;
	t1 = rdtsc();
	left = rd(REG_TIMER_CUR);
	wr(REG_TIMER_INIT, 0);
	outb(PIT_PORT_B, port_b);
	*counts = 0xffffffffu - left;
	*cycles = t1 - t0;
	return polls < CAL_POLLS;
}

/*
 * The shortest of CAL_RUNS runs: a run can only come out long (the CPU
 * held up between the PIT's end and the poll that sees it, as a busy
 * emulator's virtual CPU is), never short.
 * Returns: 0, or -ENODEV if the PIT never counted down.
 */
static int calibrate(void)
{
	uint32_t counts, best = 0xffffffffu;
	uint64_t cycles, best_cycles = 0;
	unsigned int i;

	for (i = 0; i < CAL_RUNS; i++) {
		if (!calibrate_run(&counts, &cycles))
			return -ENODEV;
		if (counts < best) {
			best = counts;
			best_cycles = cycles;
		}
	}
	timer_count = (uint32_t)((uint64_t)best * 1000 / CAL_MS / ARCH_HZ);
	tsc_khz = (uint32_t)(best_cycles / CAL_MS);
	return timer_count && tsc_khz ? 0 : -ENODEV;
}

/*
 * Every CPU's tick; the boot CPU's also drives jiffies and the scheduler.
 * Once several CPUs run, each tick also honours the allocators' drain
 * requests to this CPU (mm_cpu_drain_kicked(): a few loads when there
 * are none), so a request whose kick this CPU never took waits one tick
 * at most.
 */
static void lapic_timer_irq(struct trap_frame *tf)
{
	this_cpu_inc(ticks);
	if (mm_lock_mode & MM_LOCK_SMP)
		mm_cpu_drain_kicked();
	if (smp_processor_id() == 0)
		timer_tick(tf);		/* jiffies, then tick_hook */
	else if (tick_hook)
		tick_hook(tf);		/* the scheduler's, on every CPU */
}

/* A spurious interrupt takes no EOI (SDM vol. 3, 10.9). */
static void lapic_spurious_irq(struct trap_frame *tf)
{
	(void)tf;
}

/* Where the registers are: the MSR on P6 and later, else the fixed base. */
static uint32_t find_base(void)
{
	uint64_t msr;

	if (cpu.family < 6)
		return LAPIC_DEFAULT_PHYS;
	msr = rdmsr(MSR_APIC_BASE);
	if (!(msr & APIC_BASE_EN))
		return 0;
	return (uint32_t)msr & ~0xfffu;
}

int lapic_init(void)
{
	if (!cpu.has_apic || !cpu.has_tsc)
		return -ENODEV;
	base_phys = find_base();
	if (!base_phys) {
		printk("lapic: IA32_APIC_BASE says the APIC is disabled\n");
		return -ENODEV;
	}
	regs = ioremap(base_phys, PAGE_SIZE);
	if (!regs)
		return -ENODEV;
	trap_register(LAPIC_SPURIOUS_VECTOR, lapic_spurious_irq);
	lapic_enable(true);
	this_cpu_write(apic_id, lapic_id());
	if (calibrate() < 0) {
		printk("lapic: PIT channel 2 never counted down: the tick "
		       "stays on the PIT\n");
		return 0;
	}
	trap_register(LAPIC_TIMER_VECTOR, lapic_timer_irq);
	irq_mask(IRQ_TIMER);
	timer_start();
	printk("lapic: local APIC at %#x (%s), id %u, version %#x; timer "
	       "%u counts per tick at %u Hz (divide 16, calibrated on PIT "
	       "channel 2), TSC %u kHz; the tick moves from the PIT\n",
	       base_phys, cpu.family < 6 ? "fixed" : "IA32_APIC_BASE",
	       lapic_id(), lapic_version() & 0xff, timer_count, ARCH_HZ,
	       tsc_khz);
	return 0;
}

void lapic_cpu_init(void)
{
	lapic_enable(false);
	this_cpu_write(apic_id, lapic_id());
	if (timer_count)
		timer_start();
}
