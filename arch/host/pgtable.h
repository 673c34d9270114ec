/*
 * The host build simulates the i386 MMU: page tables in the arena have the
 * very format the CPU reads, so the host takes arch/i386/pgtable.h as is.
 */
#ifndef ARCH_HOST_PGTABLE_H
#define ARCH_HOST_PGTABLE_H

#include "../i386/pgtable.h"

#endif /* ARCH_HOST_PGTABLE_H */
