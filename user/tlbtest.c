/*
 * tlbtest MODE [ROUNDS]: a TLB entry left stale on another CPU would be
 * seen.  It needs two CPUs (A = 1, B = 0) and moves itself between them
 * with sched_setaffinity(), checking each move with getcpu().  Each round:
 *
 *  cow       write page P on A, move to B (A idles with this space still
 *            loaded), fork there (P becomes copy-on-write: read-only in
 *            both spaces), move back to A and write P again.  The write
 *            must fault and copy: the child, kept on B, must still read
 *            the first value.  Without a shootdown A would reuse its
 *            writable entry and the write would land in the shared frame.
 *  unmap     a child writes P on A, moves to B, unmaps P, moves back to A
 *            and reads P: it must be killed (segfault), not read a frame
 *            that went back to the allocator.
 *  mprotect  the same with mprotect(PROT_READ) and a write.
 *
 * Prints "tlbtest MODE: N rounds" and PASS, or FAIL with the round.
 */
#include <stdbool.h>
#include "ulib.h"

#define CPU_A	1
#define CPU_B	0
#define WSTATUS_SIG(s)	((s) & 0x7f)

static void move_to(unsigned int cpu)
{
	uint32_t mask = 1u << cpu;
	unsigned int now = ~0u;

	if (syscall5(SYS_sched_setaffinity, 0, sizeof(mask), (long)&mask, 0,
		     0) != 0)
		fail("sched_setaffinity to CPU %u refused", cpu);
	if (syscall5(SYS_getcpu, (long)&now, 0, 0, 0, 0) != 0 || now != cpu)
		fail("asked for CPU %u, running on %u", cpu, now);
}

static volatile unsigned char *map_page(int flags)
{
	void *p = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap of one page");
	return p;
}

static void round_cow(unsigned int r)
{
	volatile unsigned char *p = map_page(MAP_PRIVATE);
	volatile unsigned char *go = map_page(MAP_SHARED);
	int pid, status;

	move_to(CPU_A);
	p[0] = 1;
	move_to(CPU_B);
	pid = fork();			/* the child inherits B alone */
	if (pid < 0)
		fail("round %u: fork refused", r);
	if (pid == 0) {
		while (!go[0])
			yield();
		exit(p[0] == 1 ? 0 : 1);
	}
	move_to(CPU_A);
	p[0] = 2;			/* must fault and copy */
	go[0] = 1;
	if (waitpid(pid, &status, 0) != pid)
		fail("round %u: waitpid", r);
	if (status != 0)
		fail("round %u: the child read %s after the parent's write on "
		     "CPU %u", r, status == 256 ? "the new value" : "?", CPU_A);
	if (p[0] != 2)
		fail("round %u: the parent lost its own write", r);
	munmap((void *)p, PAGE_SIZE);
	munmap((void *)go, PAGE_SIZE);
}

/* In a child: P written on A, taken away on B, touched again on A. */
static void child_stale(bool unmap)
{
	volatile unsigned char *p = map_page(MAP_PRIVATE);

	move_to(CPU_A);
	p[0] = 7;
	move_to(CPU_B);
	if (unmap ? munmap((void *)p, PAGE_SIZE) :
		    mprotect((void *)p, PAGE_SIZE, PROT_READ))
		fail("%s refused", unmap ? "munmap" : "mprotect");
	move_to(CPU_A);
	if (unmap)
		(void)p[0];
	else
		p[0] = 8;
	exit(1);			/* the access went through: stale */
}

static void round_stale(unsigned int r, bool unmap)
{
	int pid = fork(), status;

	if (pid < 0)
		fail("round %u: fork refused", r);
	if (pid == 0)
		child_stale(unmap);
	if (waitpid(pid, &status, 0) != pid)
		fail("round %u: waitpid", r);
	if (WSTATUS_SIG(status) != 11)
		fail("round %u: the child's %s on CPU %u after %s on CPU %u "
		     "was not refused (status %#x)", r,
		     unmap ? "read" : "write", CPU_A,
		     unmap ? "munmap" : "mprotect", CPU_B, status);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "cow";
	unsigned int rounds = 20, r;

	if (argc > 2)
		rounds = (unsigned int)atoi(argv[2]);
	for (r = 0; r < rounds; r++) {
		if (strcmp(mode, "cow") == 0)
			round_cow(r);
		else if (strcmp(mode, "unmap") == 0)
			round_stale(r, true);
		else if (strcmp(mode, "mprotect") == 0)
			round_stale(r, false);
		else
			fail("unknown mode '%s' (cow, unmap, mprotect)", mode);
	}
	printf("tlbtest %s: %u rounds\n", mode, rounds);
	printf("PASS\n");
	return 0;
}
