/*
 * FPU state of ring-3 processes: detection of the save format, the CR0
 * and CR4 set-up, and a lazy switch.
 *
 * Design.  One process at a time owns the FPU: its registers are in the
 * chip, everyone else's in their struct fpu_state.  A switch only sets
 * CR0.TS when the next process is not the owner (fpu_switch()); that
 * process's first FPU instruction then raises #NM, and fpu_trap() writes
 * the owner's registers to its area, loads the new process's and makes it
 * the owner.  A process that never touches the FPU costs nothing, and one
 * that runs alone with it keeps it across system calls, interrupts and
 * switches to process 0.  CR0.MP makes WAIT/FWAIT trap as well, so a
 * process cannot wait on another's pending exception.  The kernel never
 * uses the FPU, so nothing is saved on a trap or a system call.
 *
 * Formats: FXSAVE (512 bytes, 16-byte aligned; x87, MXCSR and XMM
 * registers) where CPUID says FXSR, with CR4.OSFXSR (which also enables
 * SSE) and CR4.OSXMMEXCPT (unmasked SSE exceptions raise #XM instead of
 * #UD); FNSAVE (108 bytes) otherwise.  FNSAVE reinitialises the FPU and
 * so clears a pending exception; after FXSAVE a set error summary bit is
 * cleared with FNCLEX, so that no saved exception fires in the kernel.
 * A new process starts from the state FNINIT gives, built in memory
 * (fpu_state_init()), with MXCSR at its reset value and XMM registers zero
 * as well, which FNINIT does not touch.
 *
 * Without an FPU (a 386 or 486SX without coprocessor, or the no387
 * option) CR0.EM is set: every x87 instruction raises #NM and fpu_trap()
 * says -ENODEV; there is no math emulator.
 *
 * Several CPUs.  Each CPU has its own FPU, owner and CR0.TS.  A process
 * may next run on another CPU, where its registers must come from its
 * area, so while more than one CPU may run processes a switch writes the
 * outgoing owner's registers to its area at once (fpu_switch_out()) and
 * leaves that CPU's FPU without an owner; loading stays lazy (the #NM
 * trap).  With one CPU nothing is saved at a switch.
 *
 * Locking: interrupts off; a CPU's owner, TS flag and counters are
 * written by that CPU only (fpu_release() clears another CPU's owner
 * only for a process that runs nowhere).  fpu_ap_init() touches only the
 * calling CPU's registers.
 */
#include "cpu.h"
#include "fpu.h"
#include "percpu.h"
#include "mm/lock.h"
#include "mm/arch.h"

/* Offsets into the images (Intel SDM vol. 1, 8.1.10 and 10.5.1). */
#define FN_CW		0	/* FNSAVE: control word (32-bit slot) */
#define FN_TW		8	/* FNSAVE: full tag word, 0xffff = empty */
#define FX_CW		0	/* FXSAVE: control word (16 bits) */
#define FX_SW		2	/* FXSAVE: status word */
#define FX_MXCSR	24
#define FSW_ES		0x0080	/* error summary: an exception is pending */

enum fpu_mode fpu_mode;
/* Per CPU: the owner, CR0.TS as last written, the counters. */
static struct fpu_cpu {
	struct fpu_state *owner;
	bool ts_set;
	struct fpu_stats stats;
} fpu_cpus[SMP_MAX_CPUS];

#define this_fpu	(fpu_cpus[smp_processor_id()])

static void ts_write(bool set)
{
	struct fpu_cpu *c = &fpu_cpus[smp_processor_id()];
	uint32_t cr0;

	if (set == c->ts_set)
		return;
	cr0 = read_cr0();
	write_cr0(set ? cr0 | CR0_TS : cr0 & ~CR0_TS);
	c->ts_set = set;
}

static const char *const mode_names[] = {
	[FPU_NONE] = "none (CR0.EM): a floating-point instruction ends the process",
	[FPU_FNSAVE] = "x87, FNSAVE 108-byte areas",
	[FPU_FXSAVE] = "x87, FXSAVE 512-byte areas",
};

void fpu_init(bool disable)
{
	uint32_t cr0 = read_cr0() & ~(CR0_EM | CR0_MP | CR0_TS | CR0_NE);

	if (!cpu.has_fpu || disable) {
		fpu_mode = FPU_NONE;
		write_cr0(cr0 | CR0_EM);
		printk("fpu: %s%s\n", mode_names[fpu_mode],
		       cpu.has_fpu ? " (no387)" : "");
		return;
	}
	cr0 |= CR0_MP | CR0_TS;
	if (cpu.family >= 4)
		cr0 |= CR0_NE;		/* the 386 reports through IRQ 13 */
	write_cr0(cr0);
	fpu_cpus[0].ts_set = true;
	fpu_mode = FPU_FNSAVE;
	if (cpu.has_fxsr) {
		uint32_t cr4 = read_cr4() | CR4_OSFXSR;

		if (cpu.has_sse)
			cr4 |= CR4_OSXMMEXCPT;
		write_cr4(cr4);
		fpu_mode = FPU_FXSAVE;
	}
	printk("fpu: %s%s, lazy switch (CR0.TS, #NM)\n", mode_names[fpu_mode],
	       cpu.has_sse && fpu_mode == FPU_FXSAVE ? ", SSE on" : "");
}

/*
 * An application processor runs no process, so its FPU belongs to no one:
 * the same CR0/CR4 set-up as the boot CPU's mode, TS clear (there is no
 * owner to switch), the chip reset by FNINIT.  It prints nothing: the
 * console belongs to the boot CPU.
 */
void fpu_ap_init(void)
{
	uint32_t cr0 = read_cr0() & ~(CR0_EM | CR0_MP | CR0_TS | CR0_NE);

	if (fpu_mode == FPU_NONE) {
		write_cr0(cr0 | CR0_EM);
		return;
	}
	write_cr0(cr0 | CR0_MP | CR0_NE);	/* APs are Pentiums or later */
	__asm__ volatile("fninit");
	if (fpu_mode == FPU_FXSAVE)
		write_cr4(read_cr4() | CR4_OSFXSR |
			  (cpu.has_sse ? CR4_OSXMMEXCPT : 0));
}

void fpu_state_init(struct fpu_state *s)
{
	uint16_t cw = FPU_INIT_CW, tw = 0xffff;
	uint32_t mxcsr = FPU_INIT_MXCSR;

	memset(s, 0, sizeof(*s));
	if (fpu_mode == FPU_FXSAVE) {
		/* abridged tag word 0 (all empty) is already there */
		memcpy(s->area + FX_CW, &cw, sizeof(cw));
		memcpy(s->area + FX_MXCSR, &mxcsr, sizeof(mxcsr));
	} else {
		memcpy(s->area + FN_CW, &cw, sizeof(cw));
		memcpy(s->area + FN_TW, &tw, sizeof(tw));
	}
}

/* Registers to @s.  TS must be clear. */
static void fpu_save(struct fpu_state *s)
{
	uint16_t sw;

	if (fpu_mode == FPU_FXSAVE) {
		__asm__ volatile("fxsave %0" : "=m"(*s));
		memcpy(&sw, s->area + FX_SW, sizeof(sw));
		if (sw & FSW_ES)
			__asm__ volatile("fnclex");
	} else {
		__asm__ volatile("fnsave %0" : "=m"(*s));
	}
	this_fpu.stats.saves++;
}

static void fpu_restore(const struct fpu_state *s)
{
	if (fpu_mode == FPU_FXSAVE)
		__asm__ volatile("fxrstor %0" : : "m"(*s));
	else
		__asm__ volatile("frstor %0" : : "m"(*s));
	this_fpu.stats.restores++;
}

void fpu_switch(const struct fpu_state *next)
{
	if (fpu_mode != FPU_NONE)
		ts_write(next != this_fpu.owner);
}

int fpu_trap(struct fpu_state *cur)
{
	this_fpu.stats.traps++;
	if (fpu_mode == FPU_NONE)
		return -ENODEV;
	ts_write(false);
	if (this_fpu.owner == cur)
		return 0;
	if (this_fpu.owner)
		fpu_save(this_fpu.owner);
	else
		__asm__ volatile("fninit");	/* a dead owner's leftovers */
	fpu_restore(cur);
	this_fpu.owner = cur;
	return 0;
}

void fpu_flush(struct fpu_state *s)
{
	if (fpu_mode == FPU_NONE || this_fpu.owner != s)
		return;
	ts_write(false);
	fpu_save(s);
	this_fpu.owner = NULL;
	ts_write(true);
}

void fpu_switch_out(struct fpu_state *prev)
{
	if (fpu_mode == FPU_NONE || this_fpu.owner != prev ||
	    !(mm_lock_mode & MM_LOCK_SMP))
		return;
	ts_write(false);
	fpu_save(prev);
	this_fpu.owner = NULL;
}

void fpu_release(const struct fpu_state *s)
{
	unsigned int i;

	for (i = 0; i < SMP_MAX_CPUS; i++)
		if (fpu_cpus[i].owner == s)
			fpu_cpus[i].owner = NULL;
}

const struct fpu_state *fpu_owner(void)
{
	return this_fpu.owner;
}

bool fpu_owned(const struct fpu_state *s)
{
	unsigned int i;

	for (i = 0; i < SMP_MAX_CPUS; i++)
		if (__atomic_load_n(&fpu_cpus[i].owner, __ATOMIC_RELAXED) == s)
			return true;
	return false;
}

unsigned int fpu_owners(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < SMP_MAX_CPUS; i++)
		n += __atomic_load_n(&fpu_cpus[i].owner, __ATOMIC_RELAXED) != NULL;
	return n;
}

void fpu_get_stats(struct fpu_stats *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < SMP_MAX_CPUS; i++) {
		st->traps += fpu_cpus[i].stats.traps;
		st->restores += fpu_cpus[i].stats.restores;
		st->saves += fpu_cpus[i].stats.saves;
	}
}

uint16_t fpu_state_cw(const struct fpu_state *s)
{
	uint16_t cw;

	memcpy(&cw, s->area + (fpu_mode == FPU_FXSAVE ? FX_CW : FN_CW),
	       sizeof(cw));
	return cw;
}

uint32_t fpu_state_mxcsr(const struct fpu_state *s)
{
	uint32_t mxcsr = 0;

	if (fpu_mode == FPU_FXSAVE)
		memcpy(&mxcsr, s->area + FX_MXCSR, sizeof(mxcsr));
	return mxcsr;
}
