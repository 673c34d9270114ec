/*
 * shmtest: System V shared memory between processes that are not parent
 * and child.
 *
 *   shmtest put KEY    make a 64 KiB segment of KEY, fill it, detach, exit
 *   shmtest get KEY    attach KEY's segment read-only, check what put
 *                      wrote, remove it, detach: the segment is gone
 *   shmtest hold KEY   make or find KEY's segment, fill it, stay attached
 *                      and spin until killed
 *   shmtest ping KEY   with "shmtest pong KEY" started beside it (`run
 *   shmtest pong KEY`  shmtest ping K & shmtest pong K`): ROUNDS requests
 *                      and answers through one page, then both detach
 *   shmtest errors KEY every errno of shmget/shmat/shmdt/shmctl, and fork
 *                      sharing an attach (the child's writes seen)
 */
#include "ulib.h"

#define SEG_SIZE	(64 * 1024)
#define ROUNDS		200

static int is_err(const void *p)
{
	return (unsigned long)p >= (unsigned long)-4095;
}

static unsigned char pattern(int key, unsigned int i)
{
	return (unsigned char)(key + i / PAGE_SIZE * 7 + i % 251);
}

static struct shmid_ds stat_of(int id)
{
	struct shmid_ds ds;
	int err = shmctl(id, IPC_STAT, &ds);

	if (err)
		fail("IPC_STAT of %d: %d", id, err);
	return ds;
}

static unsigned char *attach(int id, const void *at, int flags)
{
	unsigned char *p = shmat(id, at, flags);

	if (is_err(p))
		fail("shmat(%d) = %d", id, (int)(long)p);
	return p;
}

static void fill(unsigned char *p, int key)
{
	unsigned int i;

	for (i = 0; i < SEG_SIZE; i++)
		p[i] = pattern(key, i);
}

static int put(int key)
{
	int id = shmget(key, SEG_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	struct shmid_ds ds;
	unsigned char *p;

	if (id < 0)
		fail("shmget(0x%x) = %d", key, id);
	p = attach(id, 0, 0);
	fill(p, key);
	ds = stat_of(id);
	if (ds.shm_segsz != SEG_SIZE || ds.shm_nattch != 1 ||
	    ds.shm_cpid != getpid() || ds.shm_lpid != getpid() ||
	    ds.key != key || (ds.mode & 0777) != 0600)
		fail("IPC_STAT: %u bytes, %lu attached, cpid %d lpid %d",
		     (unsigned int)ds.shm_segsz, ds.shm_nattch, ds.shm_cpid,
		     ds.shm_lpid);
	if (shmdt(p))
		fail("shmdt");
	printf("shmtest: put %d bytes in segment %d (key 0x%08x) by pid %d\n",
	       SEG_SIZE, id, key, getpid());
	return 0;
}

static int get(int key)
{
	int id = shmget(key, 0, 0), err;
	struct shmid_ds ds;
	unsigned char *p;
	unsigned int i;

	if (id < 0)
		fail("shmget(0x%x) = %d", key, id);
	p = attach(id, 0, SHM_RDONLY);
	ds = stat_of(id);
	if (ds.shm_nattch != 1 || ds.shm_cpid == getpid() ||
	    ds.shm_segsz != SEG_SIZE)
		fail("IPC_STAT: %lu attached, cpid %d", ds.shm_nattch,
		     ds.shm_cpid);
	for (i = 0; i < SEG_SIZE; i++)
		if (p[i] != pattern(key, i))
			fail("byte %u: 0x%02x, not 0x%02x", i, p[i],
			     pattern(key, i));
	if (shmctl(id, IPC_RMID, 0))
		fail("IPC_RMID");
	ds = stat_of(id);		/* removed, still attached */
	if (!(ds.mode & SHM_DEST) || ds.key != IPC_PRIVATE ||
	    shmget(key, 0, 0) != -2)
		fail("after IPC_RMID: mode 0%o key 0x%x", ds.mode, ds.key);
	if (shmdt(p))
		fail("shmdt");
	err = shmctl(id, IPC_STAT, &ds);
	if (err != -22)
		fail("IPC_STAT after the last detach: %d", err);
	printf("shmtest: got %d bytes from pid %d, segment removed\n",
	       SEG_SIZE, ds.shm_cpid);
	printf("PASS\n");
	return 0;
}

static int hold(int key)
{
	int id = shmget(key, SEG_SIZE, IPC_CREAT | 0600);
	unsigned char *p;

	if (id < 0)
		fail("shmget(0x%x) = %d", key, id);
	p = attach(id, 0, 0);
	fill(p, key);
	printf("shmtest: pid %d holds segment %d\n", getpid(), id);
	for (;;)
		;
}

/* ping asks board[0] = n, pong answers board[1] = 2n. */
static int ping_pong(int key, int ping)
{
	int id = shmget(key, PAGE_SIZE, IPC_CREAT | 0600);
	volatile unsigned int *board;
	unsigned int n, spins = 0;

	if (id < 0)
		fail("shmget(0x%x) = %d", key, id);
	board = (volatile unsigned int *)attach(id, 0, 0);
	for (n = 1; n <= ROUNDS; n++) {
		if (ping)
			board[0] = n;
		else
			while (board[0] != n)
				spins++, yield();
		if (!ping)
			board[1] = 2 * n;
		else
			while (board[1] != 2 * n)
				spins++, yield();
	}
	if (ping && shmctl(id, IPC_RMID, 0))
		fail("IPC_RMID");
	if (shmdt((const void *)board))
		fail("shmdt");
	printf("shmtest: %s pid %d: %u rounds through segment %d\n",
	       ping ? "ping" : "pong", getpid(), ROUNDS, id);
	return 0;
}

static void expect(const char *what, long got, long want)
{
	if (got != want)
		fail("%s: %ld, not %ld", what, got, want);
}

/* Every error of the four calls. */
static void errors_table(int key, int id)
{
	struct shmid_ds ds;
	unsigned char *p;
	void *none;

	expect("shmget EEXIST", shmget(key, 10, IPC_CREAT | IPC_EXCL), -17);
	expect("shmget larger", shmget(key, 2 * PAGE_SIZE, 0), -22);
	expect("shmget size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT), -22);
	expect("shmget > SHMMAX", shmget(IPC_PRIVATE, 17 << 20, 0), -22);
	expect("shmat stale id", (long)shmat(id + 32, 0, 0), -22);
	expect("shmat unaligned", (long)shmat(id, (void *)0x40000001, 0), -22);
	p = attach(id, (void *)0x40000001, SHM_RND);
	expect("shmat SHM_RND", (long)p, 0x40000000);
	expect("shmat overlap", (long)shmat(id, p, 0), -22);
	expect("shmdt inside", shmdt(p + 16), -22);
	expect("shmdt", shmdt(p), 0);
	expect("shmdt again", shmdt(p), -22);
	p = attach(id, 0, SHM_RDONLY);
	expect("mprotect of SHM_RDONLY", mprotect(p, PAGE_SIZE,
						  PROT_READ | PROT_WRITE), -13);
	expect("shmdt read-only", shmdt(p), 0);
	expect("shmctl cmd", shmctl(id, 99, &ds), -22);
	expect("shmctl bad buf", shmctl(id, IPC_STAT, (void *)0xc0000000),
	       -14);
	none = mmap(0, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	if (none == MAP_FAILED)
		fail("mmap PROT_NONE");
	expect("shmctl PROT_NONE buf", shmctl(id, IPC_STAT, none), -14);
	munmap(none, PAGE_SIZE);
	expect("IPC_STAT old layout",
	       syscall5(SYS_ipc, IPCCALL_SHMCTL, id, IPC_STAT, 0, (long)&ds),
	       -22);
	expect("semop", syscall5(SYS_ipc, 1, 0, 0, 0, 0), -38);
}

/* A child inherits the attach: shared, counted, its writes seen. */
static void errors_fork(int id)
{
	unsigned char *p = attach(id, 0, 0);
	int pid, status;

	p[0] = 1;
	pid = fork();
	if (pid == 0) {
		if (stat_of(id).shm_nattch != 2)
			fail("child: %lu attached", stat_of(id).shm_nattch);
		p[0] = 2;
		p[100] = 5;
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
		fail("fork: %d, status %d", pid, status);
	if (p[0] != 2 || p[100] != 5)
		fail("the child's writes are not seen: %d %d", p[0], p[100]);
	if (stat_of(id).shm_nattch != 1 || stat_of(id).shm_lpid != pid)
		fail("after the child: %lu attached, lpid %d",
		     stat_of(id).shm_nattch, stat_of(id).shm_lpid);
	expect("IPC_RMID", shmctl(id, IPC_RMID, 0), 0);
	expect("shmdt", shmdt(p), 0);
}

static int errors(int key)
{
	int id;

	expect("shmget ENOENT", shmget(key, PAGE_SIZE, 0), -2);
	id = shmget(key, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		fail("shmget: %d", id);
	errors_table(key, id);
	errors_fork(id);
	expect("IPC_STAT removed", shmctl(id, IPC_STAT, 0), -22);
	printf("PASS\n");
	return 0;
}

int main(int argc, char **argv)
{
	int key;

	if (argc < 3)
		fail("usage: shmtest put|get|hold|ping|pong|errors KEY");
	key = atoi(argv[2]);
	if (!strcmp(argv[1], "put"))
		return put(key);
	if (!strcmp(argv[1], "get"))
		return get(key);
	if (!strcmp(argv[1], "hold"))
		return hold(key);
	if (!strcmp(argv[1], "ping") || !strcmp(argv[1], "pong"))
		return ping_pong(key, !strcmp(argv[1], "ping"));
	if (!strcmp(argv[1], "errors"))
		return errors(key);
	fail("unknown mode %s", argv[1]);
}
