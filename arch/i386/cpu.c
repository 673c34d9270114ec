/*
 * What CPU are we on, and the ways to stop it.
 *
 * kmem386 runs from the 386 up.  A 386 cannot toggle EFLAGS.AC, a 486
 * without CPUID cannot toggle EFLAGS.ID; everything newer answers CPUID.
 * The VMM needs to know two things from this: whether invlpg exists (486+)
 * and whether 4 MiB pages do (PSE).  The process layer needs to know
 * whether there is an FPU at all (a 386 or 486SX may have none: asked the
 * classic way, with FNINIT and a look at the status and control words,
 * since CPUID's FPU bit does not exist before the Pentium) and how to save
 * it (FXSR and SSE from CPUID).
 *
 * Context: cpu_detect() once at boot; the rest anywhere.
 */
#include "cpu.h"
#include "mm/arch.h"

struct cpu_info cpu;

static bool eflags_bit_toggles(uint32_t bit)
{
	uint32_t before, after;

	__asm__ volatile("pushfl\n\t"
			 "pushfl\n\t"
			 "popl %0\n\t"
			 "movl %0, %1\n\t"
			 "xorl %2, %1\n\t"
			 "pushl %1\n\t"
			 "popfl\n\t"
			 "pushfl\n\t"
			 "popl %1\n\t"
			 "popfl"
			 : "=&r"(before), "=&r"(after)
			 : "ri"(bit));
	return ((before ^ after) & bit) != 0;
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
		  uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

/*
 * FNINIT leaves status word 0 and control word 0x037f in an x87; without
 * one the no-wait stores write nothing and the sentinels stay.  CR0.EM and
 * TS must be clear for the x87 instructions to reach the chip.
 */
static bool fpu_probe(void)
{
	uint16_t sw = 0x5a5a, cw = 0x5a5a;

	write_cr0(read_cr0() & ~(CR0_EM | CR0_TS));
	__asm__ volatile("fninit\n\t"
			 "fnstsw %0\n\t"
			 "fnstcw %1"
			 : "+m"(sw), "+m"(cw));
	return sw == 0 && (cw & 0x103f) == 0x003f;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/*
 * The family and model CPUID leaf 1 means (Intel SDM vol. 2, CPUID; AMD's
 * CPUID specification says the same): a base family of 0xf is extended
 * by bits 27:20 (AMD's Zen is 0xf + 0x8 = 23), and the extended model,
 * bits 19:16, is the model's high nibble in families 6 and 0xf.
 */
static void cpuid_family_model(uint32_t eax, int *family, int *model)
{
	int base = (int)((eax >> 8) & 0xf);

	*family = base;
	*model = (int)((eax >> 4) & 0xf);
	if (base == 0xf)
		*family += (int)((eax >> 20) & 0xff);
	if (base == 0x6 || base == 0xf)
		*model += (int)((eax >> 16) & 0xf) << 4;
}

void cpu_detect(void)
{
	uint32_t a, b, c, d;

	cpu.family = 3;
	if (!eflags_bit_toggles(EFLAGS_AC))
		goto done;			/* a 386 */
	cpu.family = 4;
	if (!eflags_bit_toggles(EFLAGS_ID))
		goto done;			/* an early 486 */
	cpu.has_cpuid = true;
	cpuid(0, &a, &b, &c, &d);
	memcpy(cpu.vendor, &b, 4);
	memcpy(cpu.vendor + 4, &d, 4);
	memcpy(cpu.vendor + 8, &c, 4);
	cpu.vendor[12] = '\0';
	if (a >= 1) {
		cpuid(1, &a, &b, &c, &d);
		cpuid_family_model(a, &cpu.family, &cpu.model);
		cpu.has_pse = (d >> 3) & 1;
		cpu.has_tsc = (d >> 4) & 1;
		cpu.has_apic = (d >> 9) & 1;
		cpu.has_pge = (d >> 13) & 1;
		cpu.has_fxsr = (d >> 24) & 1;
		cpu.has_sse = (d >> 25) & 1;
	}
done:
	cpu.has_invlpg = cpu.family >= 4;
	cpu.has_fpu = fpu_probe();
	if (!cpu.has_fpu)
		cpu.has_fxsr = cpu.has_sse = false;
	printk("cpu: family %d%s%s, cpuid %s, invlpg %s, PSE %s, TSC %s, "
	       "FPU %s, FXSR %s, SSE %s\n",
	       cpu.family, cpu.has_cpuid ? " " : "",
	       cpu.has_cpuid ? cpu.vendor : "", yes_no(cpu.has_cpuid),
	       yes_no(cpu.has_invlpg), yes_no(cpu.has_pse),
	       yes_no(cpu.has_tsc), yes_no(cpu.has_fpu),
	       yes_no(cpu.has_fxsr), yes_no(cpu.has_sse));
}

/* QEMU's fw_cfg device answers "QEMU" to selector 0 on ports 0x510/0x511. */
bool arch_running_in_qemu(void)
{
	static int known = -1;
	char sig[4];
	int i;

	if (known >= 0)
		return known;
	outw(0x510, 0x0000);
	for (i = 0; i < 4; i++)
		sig[i] = (char)inb(0x511);
	known = memcmp(sig, "QEMU", 4) == 0;
	return known;
}

/*
 * Stop the machine.  Under QEMU, isa-debug-exit turns status V into the
 * process exit status 2V+1 (halt: 0 -> 1, panic: 1 -> 3).
 */
void arch_halt(int status)
{
	__asm__ volatile("cli");
	if (arch_running_in_qemu())
		outb(0xf4, (uint8_t)status);
	for (;;)
		__asm__ volatile("hlt");
}

void arch_reboot(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) null_idt = { 0, 0 };
	int i;

	__asm__ volatile("cli");
	for (i = 0; i < 100000 && (inb(0x64) & 2); i++)
		;
	outb(0x64, 0xfe);		/* 8042: pulse the reset line */
	/* Still here: a triple fault resets any PC. */
	__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	for (;;)
		__asm__ volatile("hlt");
}
