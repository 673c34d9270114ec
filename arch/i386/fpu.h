/*
 * The FPU of ring-3 processes (x87, and the SSE registers where the CPU
 * has them): one save area per process and a lazy switch through CR0.TS
 * and the device-not-available exception (#NM, vector 7).
 *
 * The process layer keeps a struct fpu_state in each process and calls
 * fpu_switch() when it switches, fpu_trap() from the #NM handler,
 * fpu_flush() before copying a state (fork) and fpu_release() when a
 * process ends.  The kernel itself never executes an FPU instruction
 * (it is built with -mno-80387 -mno-sse) apart from the ones in fpu.c.
 *
 * Context: every function with interrupts off (schedule(), trap handlers,
 * system calls); fpu_init() once at boot.
 */
#ifndef ARCH_I386_FPU_H
#define ARCH_I386_FPU_H

#include <stdbool.h>
#include <stdint.h>

#ifndef ENODEV
#define ENODEV		19
#endif

#define FPU_FNSAVE_SIZE	108	/* 32-bit protected-mode FNSAVE image */
#define FPU_FXSAVE_SIZE	512	/* FXSAVE image, 16-byte aligned */

#define FPU_INIT_CW	0x037f	/* FNINIT: all exceptions masked, 64 bits */
#define FPU_INIT_MXCSR	0x1f80	/* reset: all SSE exceptions masked */

/*
 * A process's FPU registers while they are not in the FPU, in the format
 * of fpu_mode: FNSAVE (the first 108 bytes) or FXSAVE (all 512, which is
 * why the area is 16-byte aligned).  Changed only by fpu.c.
 */
struct fpu_state {
	uint8_t area[FPU_FXSAVE_SIZE];
} __attribute__((aligned(16)));

enum fpu_mode {
	FPU_NONE,	/* no FPU (or no387): CR0.EM set, x87 use raises #NM */
	FPU_FNSAVE,	/* x87 only, FNSAVE/FRSTOR */
	FPU_FXSAVE,	/* FXSAVE/FXRSTOR, CR4.OSFXSR (and SSE if the CPU has it) */
};

extern enum fpu_mode fpu_mode;

/* Counters since boot (vmstat). */
struct fpu_stats {
	uint64_t traps;		/* #NM taken by a process */
	uint64_t restores;	/* a process's registers loaded into the FPU */
	uint64_t saves;		/* an owner's registers written to its area */
};

/*
 * fpu_init - set CR0 (MP, NE; or EM without an FPU) and CR4 (OSFXSR,
 * OSXMMEXCPT) and choose the save format; @disable (the no387 option)
 * treats the FPU as absent.  Prints one "fpu: " line.
 * Context: boot, after cpu_detect().
 */
void fpu_init(bool disable);

/*
 * fpu_ap_init - set an application processor's CR0/CR4 for the mode the
 * boot CPU chose, and reset its FPU; it owns no process state.
 * Context: the AP, IRQs off, after fpu_init() ran on the boot CPU.
 */
void fpu_ap_init(void);

/* Fill @s with the state FNINIT gives (and MXCSR 0x1f80, XMM zero). */
void fpu_state_init(struct fpu_state *s);

/*
 * fpu_switch - the scheduler is about to run the process of @next: let it
 * use the FPU directly if it owns it, else set CR0.TS so that its first
 * FPU instruction raises #NM.
 */
void fpu_switch(const struct fpu_state *next);

/*
 * fpu_trap - #NM from the process of @cur: save the owner's registers in
 * its area, load @cur's, make @cur the owner.
 * Returns: 0, or -ENODEV if there is no FPU (the caller ends the process).
 */
int fpu_trap(struct fpu_state *cur);

/*
 * fpu_flush - if @s owns the FPU, write the registers to @s and give the
 * FPU up (the next use traps), so that @s can be copied.
 */
void fpu_flush(struct fpu_state *s);

/*
 * fpu_switch_out - @prev is being switched out on this CPU: with several
 * CPUs running processes, its registers go to its area now (it may next
 * run elsewhere) and this CPU's FPU is owned by no one.  One CPU: nothing.
 */
void fpu_switch_out(struct fpu_state *prev);

/* @s is going away: if it owns a CPU's FPU, that FPU is owned by no one. */
void fpu_release(const struct fpu_state *s);

/* This CPU's owner's area, or NULL. */
const struct fpu_state *fpu_owner(void);

/* Whether @s owns any CPU's FPU; how many CPUs' FPUs have an owner. */
bool fpu_owned(const struct fpu_state *s);
unsigned int fpu_owners(void);

void fpu_get_stats(struct fpu_stats *st);

/* The control word and MXCSR of a saved state (tests, dumps). */
uint16_t fpu_state_cw(const struct fpu_state *s);
uint32_t fpu_state_mxcsr(const struct fpu_state *s);

#endif /* ARCH_I386_FPU_H */
