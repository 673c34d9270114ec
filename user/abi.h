/*
 * The system-call interface between kmem386 and its user programs: call
 * numbers (Linux i386 numbering where Linux has the call), the flags of
 * mmap/mprotect, and the statistics record of SYS_kmem_stats.
 *
 * A call is "int $0x80" with the number in eax and the arguments in ebx,
 * ecx, edx, esi, edi; the result comes back in eax, a negative errno on
 * failure.  This header is included by the kernel and by user/ulib.
 */
#ifndef USER_ABI_H
#define USER_ABI_H

#define SYS_exit	1
#define SYS_fork	2
#define SYS_write	4
#define SYS_waitpid	7
#define SYS_times	43	/* clock ticks (100 Hz) since boot; arg 0 */
#define SYS_getpid	20
#define SYS_brk		45
#define SYS_munmap	91
#define SYS_ipc		117	/* ipc(call, first, second, third, ptr):
				   shared memory only */
#define SYS_mprotect	125
#define SYS_yield	158	/* sched_yield */
#define SYS_mremap	163	/* mremap(old, old_len, new_len, flags, new) */
#define SYS_mmap	192	/* mmap2(addr, len, prot, flags, fd): anonymous */
#define SYS_madvise	219	/* madvise(addr, len, advice) */
#define SYS_sched_setaffinity	241	/* (pid, len, mask *) */
#define SYS_sched_getaffinity	242	/* (pid, len, mask *): size */
#define SYS_getcpu	318	/* getcpu(unsigned *cpu, unsigned *node, 0) */
#define SYS_kmem_stats	500	/* kmem386: fill struct kmem_ustats */

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4

#define MAP_SHARED	0x01	/* populated at once, shared by fork */
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10	/* exactly at addr, replacing what is there */
#define MAP_ANONYMOUS	0x20
#define MAP_FIXED_NOREPLACE 0x100000	/* exactly at addr, or EEXIST */

#define MREMAP_MAYMOVE	1
#define MREMAP_FIXED	2	/* with MREMAP_MAYMOVE: move to new_addr */

#define MADV_NORMAL	0	/* advice 0-3: accepted, nothing to do */
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4	/* drop the pages: next touch reads zeros */

/* ipc() calls and System V shared-memory flags (Linux values). */
#define IPCCALL_SHMAT	21
#define IPCCALL_SHMDT	22
#define IPCCALL_SHMGET	23
#define IPCCALL_SHMCTL	24

/* The fault counters (low 32 bits) and the caller's own frame counts. */
struct kmem_ustats {
	unsigned int demand_zero;
	unsigned int zero_page;
	unsigned int cow_copy;
	unsigned int cow_reuse;
	unsigned int segfault;
	unsigned int oom_kill;
	unsigned int user_frames;	/* all processes */
	unsigned int free_pages;	/* all zones */
	unsigned int rss;		/* caller: entries mapping a frame */
	unsigned int zero_ptes;		/* caller: zero-page entries */
};

#endif /* USER_ABI_H */
