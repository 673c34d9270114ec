/*
 * The user library: program entry, system-call stubs, printf() and fail()
 * on top of the kernel's own lib/printf.c and lib/string.c, which
 * user/user.mk builds again for ring 3.
 *
 * The kernel starts a program at _start with the stack holding a null
 * return address, argc and argv, the way a C call would leave it.
 */
#include <stdarg.h>
#include "ulib.h"

void _start(int argc, char **argv);

void _start(int argc, char **argv)
{
	exit(main(argc, argv));
}

long syscall5(long nr, long a, long b, long c, long d, long e)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return ret;
}

int shmget(int key, size_t size, int flags)
{
	return (int)syscall5(SYS_ipc, IPCCALL_SHMGET, key, (long)size, flags,
			     0);
}

void *shmat(int id, const void *addr, int flags)
{
	unsigned long at;
	long err = syscall5(SYS_ipc, IPCCALL_SHMAT, id, flags, (long)&at,
			    (long)addr);

	return err ? (void *)err : (void *)at;
}

int shmdt(const void *addr)
{
	return (int)syscall5(SYS_ipc, IPCCALL_SHMDT, 0, 0, 0, (long)addr);
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	return (int)syscall5(SYS_ipc, IPCCALL_SHMCTL, id, cmd | IPC_64, 0,
			     (long)buf);
}

void exit(int status)
{
	syscall5(SYS_exit, status, 0, 0, 0, 0);
	for (;;)
		;
}

int fork(void)
{
	return (int)syscall5(SYS_fork, 0, 0, 0, 0, 0);
}

int write(int fd, const void *buf, size_t len)
{
	return (int)syscall5(SYS_write, fd, (long)buf, (long)len, 0, 0);
}

int waitpid(int pid, int *status, int options)
{
	return (int)syscall5(SYS_waitpid, pid, (long)status, options, 0, 0);
}

int wait(int *status)
{
	return waitpid(-1, status, 0);
}

int getpid(void)
{
	return (int)syscall5(SYS_getpid, 0, 0, 0, 0, 0);
}

long brk(void *addr)
{
	return syscall5(SYS_brk, (long)addr, 0, 0, 0, 0);
}

void *sbrk(long incr)
{
	long old = brk(0), now;

	if (old < 0)
		return MAP_FAILED;
	now = brk((char *)old + incr);
	if (now < 0)
		return MAP_FAILED;
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	long r;

	(void)off;
	r = syscall5(SYS_mmap, (long)addr, (long)len, prot, flags, fd);
	if (r < 0 && r > -4096)
		return MAP_FAILED;
	return (void *)r;
}

int munmap(void *addr, size_t len)
{
	return (int)syscall5(SYS_munmap, (long)addr, (long)len, 0, 0, 0);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags,
	     void *new_addr)
{
	long r = syscall5(SYS_mremap, (long)old, (long)old_len, (long)new_len,
			  flags, (long)new_addr);

	if (r < 0 && r > -4096)
		return MAP_FAILED;
	return (void *)r;
}

int madvise(void *addr, size_t len, int advice)
{
	return (int)syscall5(SYS_madvise, (long)addr, (long)len, advice, 0, 0);
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)syscall5(SYS_mprotect, (long)addr, (long)len, prot, 0, 0);
}

int yield(void)
{
	return (int)syscall5(SYS_yield, 0, 0, 0, 0, 0);
}

unsigned int ticks(void)
{
	return (unsigned int)syscall5(SYS_times, 0, 0, 0, 0, 0);
}

int kmem_stats(struct kmem_ustats *st)
{
	return (int)syscall5(SYS_kmem_stats, (long)st, 0, 0, 0, 0);
}

int atoi(const char *s)
{
	int v = 0, neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

/* --- output: lib/printf.c formats ---------------------------------------- */

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	return write(1, buf, (size_t)n);
}

void fail(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: %s\n", buf);
	exit(1);
}
