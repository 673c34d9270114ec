/*
 * The host's simulated MMU, as host tests drive it: a fake CR3 and a
 * switch for the CPU feature the VMM asks about.
 */
#ifndef ARCH_HOST_MMU_H
#define ARCH_HOST_MMU_H

#include "mm/types.h"

/* Forget the loaded page directory (CR3 = none) and restore PSE = off. */
void host_mmu_reset(void);

/* Pretend the CPU has (or lacks) 4 MiB pages. */
void host_mmu_set_pse(bool on);

/* Page-directory loads since the last reset. */
extern unsigned long host_mmu_switches;

#endif /* ARCH_HOST_MMU_H */
