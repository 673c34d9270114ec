/*
 * The System V IPC system call: i386's ipc() multiplexer (number 117),
 * of which kmem386 has the shared-memory calls; the segments themselves
 * are mm/shm.c's.
 *
 * The arguments are Linux's: ipc(call, first, second, third, ptr,
 * fifth), the version in the top 16 bits of call.  SHMAT (21) attaches
 * segment first at ptr with flags second and, as Linux's ipc() does,
 * stores the address it chose at the user pointer third and returns 0;
 * SHMDT (22) detaches the attach at ptr; SHMGET (23) takes key first,
 * size second, flags third and returns the id; SHMCTL (24) runs command
 * second on id first with buffer ptr.  IPC_STAT answers in the IPC_64
 * layout only (struct shmid64_ds, what the C libraries ask for); the old
 * layout is refused with EINVAL.  Semaphores and message queues are not
 * there: ENOSYS.
 *
 * Locking: a system call (interrupts off).
 */
#include "ipc.h"
#include "proc.h"
#include "usercopy.h"
#include "mm/shm.h"

#define IPC_SHMAT	21
#define IPC_SHMDT	22
#define IPC_SHMGET	23
#define IPC_SHMCTL	24

static long ipc_shmat(int id, uintptr_t addr, int flags, uintptr_t uret,
		      unsigned int version)
{
	uintptr_t at;
	uint32_t ret;
	int err;

	if (version == 1)
		return -EINVAL;		/* the iBCS2 entry */
	err = shm_attach(current->mm, id, addr, flags, &at);
	if (err)
		return err;
	ret = (uint32_t)at;
	if (user_ok(uret, sizeof(ret), true) ||
	    copy_to_user((void *)uret, &ret, sizeof(ret)))
		return -EFAULT;		/* attached all the same, as Linux */
	return 0;
}

static long ipc_shmctl(int id, int cmd, uintptr_t ubuf)
{
	struct shmid64_ds ds;
	int err;

	if ((cmd & ~IPC_64) == IPC_STAT && !(cmd & IPC_64))
		return -EINVAL;
	cmd &= ~IPC_64;
	err = shm_ctl(id, cmd, &ds);
	if (err || cmd != IPC_STAT)
		return err;
	if (user_ok(ubuf, sizeof(ds), true) ||
	    copy_to_user((void *)ubuf, &ds, sizeof(ds)))
		return -EFAULT;
	return 0;
}

long sys_ipc(uint32_t call, long first, long second, long third,
	     uintptr_t ptr)
{
	unsigned int version = call >> 16;
	int id;
	int err;

	switch (call & 0xffff) {
	case IPC_SHMAT:
		return ipc_shmat((int)first, ptr, (int)second,
				 (uintptr_t)third, version);
	case IPC_SHMDT:
		return shm_detach(current->mm, ptr);
	case IPC_SHMGET:
		err = shm_get((int32_t)first, (size_t)(uint32_t)second,
			      (int)third, current->pid, &id);
		return err ? err : id;
	case IPC_SHMCTL:
		return ipc_shmctl((int)first, (int)second, ptr);
	default:
		return -ENOSYS;
	}
}
