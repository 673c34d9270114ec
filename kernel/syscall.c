/*
 * System calls: int 0x80 from ring 3, number in eax, arguments in ebx,
 * ecx, edx, esi, edi, result in eax (a negative errno on failure).  The
 * numbers and flags are user/abi.h, shared with the user library.
 *
 * Every user pointer is checked before use: the range must lie below
 * PAGE_OFFSET and every region it crosses must allow the access (a
 * PROT_NONE page is still readable by the kernel, so the region is what
 * counts); the copy itself goes through copy_from_user / copy_to_user,
 * which return -EFAULT through the exception table where no page can be
 * had.  A bad pointer costs the caller -EFAULT, never the kernel a fault.
 *
 * Locking: entered through an interrupt gate, so interrupts are off until
 * the return to ring 3, but for the preemption points of a long write.
 */
#include "console.h"
#include "ipc.h"
#include "proc.h"
#include "usercopy.h"
#include "../user/abi.h"
#include "mm/zones.h"

int user_ok(uintptr_t a, size_t n, bool write)
{
	struct mm *mm = current->mm;
	uintptr_t end = a + n;

	if (n == 0)
		return 0;
	if (a >= PAGE_OFFSET || n > PAGE_OFFSET - a)
		return -EFAULT;
	while (a < end) {
		struct vma *v = mm_find_vma(mm, a);

		if (!v) {
			/* maybe the stack's next page: the fault decides */
			v = mm_next_vma(mm, a);
			a = v ? v->start : end;
			continue;
		}
		if (!(v->flags & (write ? VM_WRITE : VM_PROT_MASK)))
			return -EFAULT;
		a = v->end;
	}
	return 0;
}

/*
 * Write to the console CONSOLE_BURST bytes at a time, with a preemption
 * point after each burst: however long the buffer, interrupts are off for
 * one burst at most, the clock keeps time and other processes keep their
 * turns.  A Ctrl-C stops the write, as a signal does on Linux: it returns
 * what it wrote, or -EINTR if that was nothing, and the shell then ends
 * the program.  One process writes at a time (console_writer): another
 * CPU's writer waits for the whole write, so a process's line is never
 * cut by another's, as on a Linux terminal for writes of a line.  A
 * writer killed at a preemption point never comes back: ending it gives
 * the console up (console_write_forget()).
 */
static struct proc *console_writer;

static long console_write_user(uintptr_t buf, size_t len)
{
	char chunk[CONSOLE_BURST];
	size_t done = 0;
	long err = 0;

	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		if (console_intr_pending()) {
			err = -EINTR;
			break;
		}
		if (copy_from_user(chunk, (const void *)(buf + done), n)) {
			err = -EFAULT;
			break;
		}
		console_write(chunk, n);
		done += n;
		sched_preempt_point();
	}
	return done ? (long)done : err;
}

static long sys_write(int fd, uintptr_t buf, size_t len)
{
	long ret;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (user_ok(buf, len, false))
		return -EFAULT;
	while (console_writer) {
		if (current->killed)
			return -EINTR;
		sched_yield();		/* lets the kernel lock go */
	}
	console_writer = current;
	ret = console_write_user(buf, len);
	console_writer = NULL;
	return ret;
}

void console_write_forget(const struct proc *p)
{
	if (console_writer == p)
		console_writer = NULL;
}

/* Linux's times(2) without the struct: clock ticks (PIT_HZ) since boot. */
static long sys_times(uintptr_t ubuf)
{
	if (ubuf)
		return -EINVAL;
	return (long)(uint32_t)jiffies;
}

static long sys_waitpid(int pid, uintptr_t ustatus)
{
	int status, ret;

	if (ustatus && user_ok(ustatus, sizeof(int), true))
		return -EFAULT;
	ret = proc_wait(pid, &status);
	if (ret > 0 && ustatus &&
	    copy_to_user((void *)ustatus, &status, sizeof(status)))
		return -EFAULT;
	return ret;
}

static unsigned int vm_prot(long prot)
{
	unsigned int f = 0;

	if (prot & PROT_READ)
		f |= VM_READ;
	if (prot & PROT_WRITE)
		f |= VM_READ | VM_WRITE;
	if (prot & PROT_EXEC)
		f |= VM_READ | VM_EXEC;
	return f;
}

#define MAP_KNOWN	(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | \
			 MAP_FIXED_NOREPLACE)

static long sys_mmap(uintptr_t hint, size_t len, long prot, long flags,
		     long fd)
{
	long type = flags & (MAP_SHARED | MAP_PRIVATE);
	unsigned int how = 0;
	uintptr_t addr;
	int err;

	if (!(flags & MAP_ANONYMOUS) || fd != -1 || (flags & ~MAP_KNOWN) ||
	    (type != MAP_SHARED && type != MAP_PRIVATE) ||
	    (prot & ~(long)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (flags & MAP_FIXED)
		how |= MM_MAP_FIXED;
	if (flags & MAP_FIXED_NOREPLACE)
		how |= MM_MAP_NOREPLACE;
	err = mm_mmap_at(current->mm, hint, len,
			 vm_prot(prot) | (type == MAP_SHARED ? VM_SHARED : 0),
			 how, &addr);
	return err ? err : (long)addr;
}

/* Linux's mremap(2); the flag values are mm_mremap()'s. */
static long sys_mremap(uintptr_t old, size_t old_len, size_t new_len,
		       long flags, uintptr_t new_addr)
{
	uintptr_t addr;
	int err;

	if (flags & ~(long)(MREMAP_MAYMOVE | MREMAP_FIXED))
		return -EINVAL;
	err = mm_mremap(current->mm, old, old_len, new_len,
			((flags & MREMAP_MAYMOVE) ? MM_REMAP_MAYMOVE : 0) |
			((flags & MREMAP_FIXED) ? MM_REMAP_FIXED : 0),
			new_addr, &addr);
	return err ? err : (long)addr;
}

/* Linux's madvise(2): MADV_DONTNEED drops pages, 0-3 are accepted. */
static long sys_madvise(uintptr_t addr, size_t len, long advice)
{
	if (advice < MADV_NORMAL || advice > MADV_DONTNEED)
		return -EINVAL;
	return mm_madvise(current->mm, addr, len, advice == MADV_DONTNEED);
}

static long sys_range(long nr, uintptr_t addr, size_t len, long prot)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || len == 0 ||
	    len > PAGE_OFFSET - PAGE_SIZE)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (nr == SYS_munmap)
		return mm_unmap_region(current->mm, addr, len);
	if (prot & ~(long)(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	return mm_protect_region(current->mm, addr, len, vm_prot(prot));
}

static long sys_brk(uintptr_t new_brk)
{
	uintptr_t now;
	int err = mm_brk(current->mm, new_brk, &now);

	return err ? err : (long)now;
}

static long sys_kmem_stats(uintptr_t ust)
{
	struct kmem_ustats u;
	struct mm_stats s;

	if (user_ok(ust, sizeof(u), true))
		return -EFAULT;
	mm_get_stats(&s);
	u.demand_zero = (unsigned int)s.demand_zero;
	u.zero_page = (unsigned int)s.zero_page;
	u.cow_copy = (unsigned int)s.cow_copy;
	u.cow_reuse = (unsigned int)s.cow_reuse;
	u.segfault = (unsigned int)s.segfault;
	u.oom_kill = (unsigned int)s.oom_kill;
	u.user_frames = s.user_frames;
	u.free_pages = zones_total_free();
	u.rss = current->mm->rss;
	u.zero_ptes = current->mm->zero_ptes;
	return copy_to_user((void *)ust, &u, sizeof(u));
}

static long syscall_do(struct trap_frame *tf)
{
	switch (tf->eax) {
	case SYS_exit:
		proc_exit(((int)tf->ebx & 0xff) << 8);
	case SYS_fork:
		return proc_fork(tf);
	case SYS_write:
		return sys_write((int)tf->ebx, tf->ecx, tf->edx);
	case SYS_waitpid:
		return sys_waitpid((int)tf->ebx, tf->ecx);
	case SYS_getpid:
		return current->pid;
	case SYS_times:
		return sys_times(tf->ebx);
	case SYS_brk:
		return sys_brk(tf->ebx);
	case SYS_mmap:
		return sys_mmap(tf->ebx, tf->ecx, (long)tf->edx,
				(long)tf->esi, (long)tf->edi);
	case SYS_mremap:
		return sys_mremap(tf->ebx, tf->ecx, tf->edx, (long)tf->esi,
				  tf->edi);
	case SYS_madvise:
		return sys_madvise(tf->ebx, tf->ecx, (long)tf->edx);
	case SYS_munmap:
	case SYS_mprotect:
		return sys_range(tf->eax, tf->ebx, tf->ecx, (long)tf->edx);
	case SYS_yield:
		sched_yield();
		return 0;
	case SYS_sched_setaffinity:
		return sys_sched_setaffinity((int)tf->ebx, tf->ecx, tf->edx);
	case SYS_sched_getaffinity:
		return sys_sched_getaffinity((int)tf->ebx, tf->ecx, tf->edx);
	case SYS_getcpu:
		return sys_getcpu(tf->ebx, tf->ecx);
	case SYS_kmem_stats:
		return sys_kmem_stats(tf->ebx);
	case SYS_ipc:
		return sys_ipc(tf->ebx, (long)tf->ecx, (long)tf->edx,
			       (long)tf->esi, tf->edi);
	default:
		return -ENOSYS;
	}
}

void syscall_entry(struct trap_frame *tf)
{
	if ((tf->cs & 3) != 3 || current == &proc0) {
		tf->eax = (uint32_t)-ENOSYS;
		return;
	}
	tf->eax = (uint32_t)syscall_do(tf);
	if (current->oom_victim)
		proc_exit(SIGKILL);	/* chosen in a copy of this call */
}
