/*
 * Kernel randomness: one entropy pool (lib/entropy.c) for layout
 * randomisation of user address spaces.
 *
 * Design.  random_init() seeds the pool with what differs from boot to
 * boot: the TSC where the CPU has one (CPUID), the PIT channel 0 count,
 * which runs at 1.19 MHz whatever the CPU, and the RTC's time of day.
 * After that every hardware interrupt (the timer, the keyboard, the
 * serial line) mixes in its number and the moment it arrived (the TSC, or
 * the PIT count on a CPU without one), so the pool moves with the timing
 * of the machine's events.  Values are drawn with interrupts off.  This is
 * layout randomisation, not a cryptographic generator (see
 * lib/entropy.h): the samples are timing and could be estimated by
 * someone who measures the machine.
 *
 * Locking: the pool is touched with interrupts off (interrupt handlers,
 * and arch_irq_save() around the other calls); kmem386 takes interrupts
 * on one CPU only.
 */
#include "cmdline.h"
#include "cpu.h"
#include "random.h"
#include "mm/arch.h"
#include "../lib/entropy.h"

#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define RTC_INDEX	0x70
#define RTC_DATA	0x71

static struct entropy_pool pool;
static bool layout_random;

/* The PIT channel 0 count, latched so both bytes belong together. */
static uint32_t pit_count(void)
{
	uint32_t lo, hi;

	outb(PIT_CMD, 0x00);		/* latch channel 0 */
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	return (hi << 8) | lo;
}

/* Seconds, minutes, hours, day and month of the RTC, packed. */
static uint32_t rtc_time(void)
{
	static const uint8_t regs[] = { 0x00, 0x02, 0x04, 0x07, 0x08 };
	uint32_t t = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		outb(RTC_INDEX, regs[i]);
		t = (t << 6) ^ inb(RTC_DATA);
	}
	return t;
}

/* The moment, as finely as the CPU can tell it. */
static uint32_t timestamp(void)
{
	if (cpu.has_tsc) {
		uint64_t t = rdtsc();

		return (uint32_t)t ^ (uint32_t)(t >> 32);
	}
	return pit_count() ^ ((uint32_t)arch_ticks() << 16);
}

void random_init(void)
{
	unsigned long flags = arch_irq_save();

	entropy_mix(&pool, timestamp());
	entropy_mix(&pool, pit_count());
	entropy_mix(&pool, rtc_time());
	entropy_mix(&pool, timestamp());
	arch_irq_restore(flags);
	layout_random = !cmdline_has_flag("norandmaps");
	printk("random: layout randomisation %s (seeded from %s, PIT, RTC)\n",
	       layout_random ? "on" : "off (norandmaps)",
	       cpu.has_tsc ? "TSC" : "no TSC");
}

void random_add_interrupt(unsigned int irq)
{
	entropy_mix(&pool, timestamp() ^ (irq << 27));
}

uint32_t get_random_u32(void)
{
	unsigned long flags = arch_irq_save();
	uint32_t v = entropy_extract(&pool);

	arch_irq_restore(flags);
	return v;
}

uint32_t random_layout(uint32_t bound)
{
	unsigned long flags;
	uint32_t v;

	if (!layout_random)
		return 0;
	flags = arch_irq_save();
	v = entropy_below(&pool, bound);
	arch_irq_restore(flags);
	return v;
}

bool random_layout_enabled(void)
{
	return layout_random;
}
