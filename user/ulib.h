/*
 * The user library of kmem386's ring-3 programs: system-call stubs, the
 * kernel's string functions and formatter, and a printf that writes each
 * call's output with one write(), so lines from concurrent processes never
 * interleave.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "abi.h"

#define PAGE_SIZE	4096u
#define MAP_FAILED	((void *)-1)

__attribute__((noreturn)) void exit(int status);
int fork(void);
int write(int fd, const void *buf, size_t len);
int waitpid(int pid, int *status, int options);
int wait(int *status);
int getpid(void);
long brk(void *addr);		/* new break, or -errno */
void *sbrk(long incr);		/* old break, or MAP_FAILED */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
/* MAP_FAILED on error (the errno: call syscall5(SYS_mremap, ...)) */
void *mremap(void *old, size_t old_len, size_t new_len, int flags,
	     void *new_addr);
int madvise(void *addr, size_t len, int advice);	/* 0 or -errno */
int yield(void);
int kmem_stats(struct kmem_ustats *st);
unsigned int ticks(void);	/* clock ticks (100 Hz) since boot */
long syscall5(long nr, long a, long b, long c, long d, long e);

/* System V shared memory through ipc() (Linux values and layout). */
#define IPC_PRIVATE	0
#define IPC_CREAT	01000
#define IPC_EXCL	02000
#define IPC_RMID	0
#define IPC_STAT	2
#define IPC_64		0x0100
#define SHM_RDONLY	010000
#define SHM_RND		020000
#define SHM_DEST	01000

struct shmid_ds {			/* struct shmid64_ds, i386 */
	int key;
	unsigned int uid, gid, cuid, cgid;
	unsigned short mode, pad1, seq, pad2;
	unsigned long unused1, unused2;
	size_t shm_segsz;
	unsigned long shm_atime, shm_atime_high;
	unsigned long shm_dtime, shm_dtime_high;
	unsigned long shm_ctime, shm_ctime_high;
	int shm_cpid, shm_lpid;
	unsigned long shm_nattch, unused4, unused5;
};

int shmget(int key, size_t size, int flags);	/* id, or -errno */
void *shmat(int id, const void *addr, int flags); /* or (void *)-errno */
int shmdt(const void *addr);
int shmctl(int id, int cmd, struct shmid_ds *buf); /* IPC_64 added */

/* lib/string.c and lib/printf.c, as in the kernel */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int atoi(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "FAIL: why" and exit 1. */
__attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...);

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile(".byte 0x0f, 0x31" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

int main(int argc, char **argv);

#endif /* USER_ULIB_H */
