/*
 * System V shared memory: segments named by a key, attached into any
 * number of address spaces, every attacher seeing the same frames.
 *
 * A segment is a run of pages that get their frames on first touch by
 * any attacher (zeroed), and keep them until the segment is destroyed.
 * An attach is a VM_SHM region (VM_SHARED too): fork gives the child the
 * same frames writable, never a copy, and the child's region is one more
 * attach.  IPC_RMID frees the segment at once if nothing is attached, or
 * else marks it SHM_DEST (its key becomes IPC_PRIVATE, so shmget no
 * longer finds it) and the last detach (shmdt, munmap, exit, kill)
 * frees it.
 *
 * Ids are slot + SHMMNI * sequence: a slot's sequence goes up each time
 * it is given out again, so a stale id does not name the new segment.
 * Errors are Linux's: EINVAL (bad size, flags, id or address), ENOENT
 * (no segment with that key and no IPC_CREAT), EEXIST (IPC_CREAT |
 * IPC_EXCL and the key exists), ENOSPC (SHMMNI segments, or SHMALL pages
 * in all), ENOMEM (no descriptor, or no room in the address space).
 * EIDRM is Linux's answer to an id removed between its lookup and its
 * use by another CPU; kmem386's calls run whole, so it never arises.
 *
 * Locking: as include/mm/mm.h: a caller on one CPU with interrupts off
 * (system calls, the fault handler, the shell).
 */
#ifndef MM_SHM_H
#define MM_SHM_H

#include "mm/mm.h"

/*
 * Limits.  SHMMAX bounds one segment (its descriptor and frame table
 * then fit one block of at most order 3); SHMALL bounds the pages of all
 * segments together, so that segments nobody removes cannot take a whole
 * small machine; SHMMNI is the size of the id table, which every key
 * lookup walks.
 */
#define SHMMIN		1u
#define SHMMAX		(16u << 20)		/* bytes */
#define SHMALL		8192u			/* pages (32 MiB) */
#define SHMMNI		32u
#define SHMLBA		PAGE_SIZE

/* shmget() flags and shmctl() commands (Linux values). */
#define IPC_PRIVATE	0
#define IPC_CREAT	01000
#define IPC_EXCL	02000
#define IPC_RMID	0
#define IPC_SET		1
#define IPC_STAT	2
#define IPC_64		0x0100
#define SHM_RDONLY	010000
#define SHM_RND		020000
#define SHM_DEST	01000		/* shm_perm.mode: removed, attached */

/* Linux's struct ipc64_perm and struct shmid64_ds, i386 (IPC_64). */
struct ipc64_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint16_t mode;
	uint16_t pad1;
	uint16_t seq;
	uint16_t pad2;
	uint32_t unused1, unused2;
};

struct shmid64_ds {
	struct ipc64_perm shm_perm;
	uint32_t shm_segsz;		/* bytes, as asked for */
	uint32_t shm_atime, shm_atime_high;
	uint32_t shm_dtime, shm_dtime_high;
	uint32_t shm_ctime, shm_ctime_high;
	int32_t shm_cpid;		/* creator */
	int32_t shm_lpid;		/* last shmat/shmdt */
	uint32_t shm_nattch;
	uint32_t unused4, unused5;
};

_Static_assert(sizeof(struct ipc64_perm) == 36, "Linux i386 ipc64_perm");
_Static_assert(sizeof(struct shmid64_ds) == 84, "Linux i386 shmid64_ds");

/* Totals for `ipcs` and the tests. */
struct shm_stats {
	uint32_t segments;		/* live, SHM_DEST ones included */
	uint32_t pages;			/* shm_tot: pages of all segments */
	uint32_t resident;		/* of those, with a frame */
	uint64_t created, destroyed;
};

/*
 * shm_get - the id of the segment of @key, made if @flags has IPC_CREAT
 * and it does not exist (IPC_PRIVATE: always a new one) with @size bytes
 * (rounded up to pages) and mode @flags & 0777, creator @pid.
 * Returns: 0 with *@id set, -EINVAL, -ENOENT, -EEXIST, -ENOSPC, -ENOMEM.
 */
int shm_get(int32_t key, size_t size, int flags, int pid, int *id);

/*
 * shm_attach - map segment @id into @mm at @addr (0: the highest free
 * range below USER_MMAP_TOP; SHM_RND in @flags rounds @addr down to
 * SHMLBA), read-only with SHM_RDONLY.  Nothing is mapped until touched.
 * Returns: 0 with *@out set, -EINVAL (bad id, unaligned or overlapping
 * address), -ENOMEM.
 */
int shm_attach(struct mm *mm, int id, uintptr_t addr, int flags,
	       uintptr_t *out);

/*
 * shm_detach - unmap the attach that starts at @addr (every piece of it
 * that mprotect or munmap left).  Returns: 0, or -EINVAL (none there).
 */
int shm_detach(struct mm *mm, uintptr_t addr);

/*
 * shm_ctl - IPC_RMID, or IPC_STAT into *@buf, on segment @id (@cmd
 * without IPC_64).  Returns: 0, -EINVAL (bad id or command).
 */
int shm_ctl(int id, int cmd, struct shmid64_ds *buf);

/*
 * shm_fault - give page @va of VM_SHM region @v its segment's frame,
 * allocating (zeroed) the segment's frame on first touch.
 * Context: mm_fault().  Returns: 0, -ENOMEM.
 */
int shm_fault(struct mm *mm, const struct vma *v, uintptr_t va);

/* One more region @v of a segment (fork, split).  Context: mm/mmap.c. */
void shm_vma_open(struct vma *v);

/*
 * shm_vma_close - region @v of @mm is going: one attach less, and the
 * segment is freed if it was the last of a removed one.
 */
void shm_vma_close(struct mm *mm, struct vma *v);

/* Print the segments as Linux's `ipcs -m`.  Context: the shell. */
void shm_dump(void);

/* Fill @st.  Context: any. */
void shm_get_stats(struct shm_stats *st);

/*
 * shm_check - the invariants S1-S5 (see struct shm_segment in mm/shm.c).
 * Returns: the number of violations, each printed in one line.
 */
unsigned int shm_check(void);

#endif /* MM_SHM_H */
