/*
 * The System V IPC system call (kernel/ipc.c).
 */
#ifndef KERNEL_IPC_H
#define KERNEL_IPC_H

#include "mm/types.h"

/*
 * sys_ipc - i386's ipc() multiplexer, shared-memory calls only: SHMAT,
 * SHMDT, SHMGET, SHMCTL with Linux's arguments (kernel/ipc.c).
 * Context: a system call of the current process.
 * Returns: the call's result, or a negative errno (-ENOSYS for the
 * calls kmem386 does not have).
 */
long sys_ipc(uint32_t call, long first, long second, long third,
	     uintptr_t ptr);

#endif /* KERNEL_IPC_H */
