/*
 * The scheduler's system calls: sched_setaffinity (241),
 * sched_getaffinity (242) and getcpu (318), with Linux's numbers,
 * arguments and errors.  A mask is a bit per CPU; kmem386 has at most
 * SMP_MAX_CPUS of them, so a mask of 4 bytes or more holds them all.
 *
 * Setting the calling process's own mask so that it excludes the CPU it
 * runs on moves it at once: it gives the CPU up and another allowed CPU
 * takes it from the run queue.  Another process's new mask takes effect
 * when it is next scheduled.
 *
 * Locking: the kernel lock, as every system call.
 */
#include "cpus.h"
#include "proc.h"
#include "usercopy.h"

#define ESRCH		3
#define EINVAL		22

/* The live process @pid (0: the caller), or NULL. */
static struct proc *affinity_target(int pid)
{
	struct proc *p;

	if (pid == 0)
		return current;
	for (p = proc_first(); p; p = p->next)
		if (p->pid == pid && p->state != PROC_ZOMBIE)
			return p;
	return NULL;
}

static uint32_t online_mask(void)
{
	uint32_t m = 0;
	unsigned int i;

	for (i = 0; i < nr_cpu_slots; i++)
		if (__atomic_load_n(&cpu_slots[i].online, __ATOMIC_ACQUIRE))
			m |= 1u << i;
	return m;
}

long sys_sched_setaffinity(int pid, uint32_t len, uintptr_t umask)
{
	struct proc *p = affinity_target(pid);
	uint32_t mask = 0;

	if (!p)
		return -ESRCH;
	if (len < sizeof(mask))
		return -EINVAL;
	if (user_ok(umask, sizeof(mask), false) ||
	    copy_from_user(&mask, (const void *)umask, sizeof(mask)))
		return -EFAULT;
	if (!(mask & online_mask()))
		return -EINVAL;
	p->cpus_allowed = mask;
	if (p == current && !(mask & (1u << smp_processor_id())))
		schedule();		/* taken up by an allowed CPU */
	return 0;
}

long sys_sched_getaffinity(int pid, uint32_t len, uintptr_t umask)
{
	struct proc *p = affinity_target(pid);
	uint32_t mask;

	if (!p)
		return -ESRCH;
	if (len < sizeof(mask))
		return -EINVAL;
	mask = p->cpus_allowed & online_mask();
	if (user_ok(umask, sizeof(mask), true) ||
	    copy_to_user((void *)umask, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

long sys_getcpu(uintptr_t ucpu, uintptr_t unode)
{
	unsigned int cpu = smp_processor_id(), node = 0;

	if (ucpu && (user_ok(ucpu, sizeof(cpu), true) ||
		     copy_to_user((void *)ucpu, &cpu, sizeof(cpu))))
		return -EFAULT;
	if (unode && (user_ok(unode, sizeof(node), true) ||
		      copy_to_user((void *)unode, &node, sizeof(node))))
		return -EFAULT;
	return 0;
}
