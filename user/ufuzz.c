/*
 * ufuzz [SEED [CHILDREN [CALLS]]]: random system calls and memory accesses
 * from ring 3.  Each of CHILDREN forked children (default 200) makes CALLS
 * (default 500) random moves from its own seed, then exits 0; a move is a
 * known system call with hostile arguments, an arbitrary system-call
 * number, or a read or write at an arbitrary address.  The kernel must
 * answer each call with a result or an error and each illegal access by
 * killing only that child.  The parent classifies every child's end and
 * prints one summary line; an end that is neither an exit with status 0,
 * a segfault kill nor an out-of-memory kill is a failure.
 *
 * Left out of the random moves: exit and fork (the parent counts its
 * children), and write with a buffer that could be readable (random bytes
 * on the console would read as console output).  Everything a child maps,
 * breaks or protects dies with it, so the free counts after the run must
 * be those before it: the tests check that.
 */
#include <stdbool.h>
#include "ulib.h"

#define SIGKILL		9
#define SIGSEGV		11
#define NR_MAX		520	/* arbitrary numbers: known ones and beyond */

static uint32_t rng;
static char scratch[2 * PAGE_SIZE];	/* a buffer that is really ours */

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return next() % n;
}

/* An address: ours, the user half's edges, unmapped, or the kernel's. */
static uint32_t addr_arg(void)
{
	switch (below(10)) {
	case 0: return 0;
	case 1: return (uint32_t)(uintptr_t)scratch + below(sizeof(scratch));
	case 2: return 0x08048000u + below(64) * PAGE_SIZE;	/* image */
	case 3: return 0xbffff000u - below(256) * PAGE_SIZE;	/* stack */
	case 4: return 0x40000000u + below(4096) * PAGE_SIZE;	/* mmap area */
	case 5: return 0xc0000000u + below(1u << 20) * 16u;	/* kernel */
	case 6: return 0xc0000000u - 1u - below(64);		/* boundary */
	case 7: return 0xfffff000u + below(PAGE_SIZE);
	case 8: return next() & ~(PAGE_SIZE - 1);
	default: return next();
	}
}

/* A length or count: small, page multiples, huge, negative. */
static uint32_t len_arg(void)
{
	switch (below(6)) {
	case 0: return below(16);
	case 1: return below(64) * PAGE_SIZE;
	case 2: return below(1u << 16);
	case 3: return 0x7ffff000u;
	case 4: return 0xffffffffu - below(PAGE_SIZE);
	default: return next();
	}
}

static uint32_t any_arg(void)
{
	return below(2) ? addr_arg() : len_arg();
}

static uint32_t prot_arg(void)
{
	return below(4) ? below(8) : next();
}

static uint32_t flags_arg(void)
{
	static const uint32_t usual[] = {
		MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
		MAP_PRIVATE, MAP_SHARED, 0,
	};

	return below(4) ? usual[below(5)] : next();
}

/*
 * A pointer that is never readable from ring 3: the kernel half.  (A user
 * address is not: a child may have mapped it, and its bytes would reach
 * the console.)
 */
static uint32_t unreadable_arg(void)
{
	static const uint32_t bad[] = { 0xc0000000u, 0xc0100000u,
					0xfffff000u };

	return bad[below(3)];
}

static bool forbidden(uint32_t nr)
{
	return nr == SYS_exit || nr == SYS_fork || nr == SYS_write ||
	       nr == 11 /* execve */ || nr == 117 /* ipc: outlives us */ ||
	       nr == 120 /* clone */ || nr == 190 /* vfork */;
}

static void known_call(void)
{
	switch (below(10)) {
	case 0: getpid(); break;
	case 1: syscall5(SYS_times, addr_arg(), 0, 0, 0, 0); break;
	case 2: syscall5(SYS_waitpid, any_arg(), addr_arg(), any_arg(), 0, 0);
		break;
	case 3: syscall5(SYS_brk, below(2) ? addr_arg() : 0, 0, 0, 0, 0);
		break;
	case 4: syscall5(SYS_mmap, below(2) ? 0 : addr_arg(), len_arg(),
			 prot_arg(), flags_arg(), below(4) ? 0xffffffffu : any_arg());
		break;
	case 5: syscall5(SYS_munmap, addr_arg(), len_arg(), 0, 0, 0); break;
	case 6: syscall5(SYS_mprotect, addr_arg(), len_arg(), prot_arg(), 0, 0);
		break;
	case 7: yield(); break;
	case 8: syscall5(SYS_kmem_stats, addr_arg(), 0, 0, 0, 0); break;
	default:
		syscall5(SYS_write, below(4), unreadable_arg(), len_arg(), 0, 0);
		break;
	}
}

static void arbitrary_call(void)
{
	uint32_t nr;

	do
		nr = below(NR_MAX);
	while (forbidden(nr));
	syscall5(nr, any_arg(), any_arg(), any_arg(), any_arg(), any_arg());
}

/* A read or write where the address says: may end this child. */
static void touch(void)
{
	volatile char *p = (volatile char *)(uintptr_t)addr_arg();

	if (below(2))
		(void)*p;
	else
		*p = (char)next();
}

static __attribute__((noreturn)) void child(uint32_t seed, int calls)
{
	rng = seed ? seed : 1;
	for (int i = 0; i < calls; i++) {
		uint32_t what = below(1000);

		if (what < 700)
			known_call();
		else if (what < 998)
			arbitrary_call();
		else
			touch();
	}
	exit(0);
}

struct tally {
	int exited, segv, oom, forkfail;
};

/* Fork with a few retries: a child that just hit out-of-memory may still
 * hold its frames while the parent tries again. */
static int fork_retry(void)
{
	int pid = -1;

	for (int tries = 0; tries < 50 && pid < 0; tries++) {
		pid = fork();
		if (pid < 0)
			yield();
	}
	return pid;
}

static void wait_one(int pid, int n, uint32_t seed, struct tally *t)
{
	int status = 0;

	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid(%d) for child %d", pid, n);
	if (status == 0)
		t->exited++;
	else if (status == SIGSEGV)
		t->segv++;
	else if (status == SIGKILL)
		t->oom++;
	else
		fail("child %d (seed %u) ended with status 0x%x", n,
		     (unsigned int)seed, (unsigned int)status);
}

int main(int argc, char **argv)
{
	uint32_t seed = argc > 1 ? (uint32_t)atoi(argv[1]) : 1;
	int children = argc > 2 ? atoi(argv[2]) : 200;
	int calls = argc > 3 ? atoi(argv[3]) : 500;
	struct tally t = { 0, 0, 0, 0 };

	if (children <= 0 || calls <= 0)
		fail("usage: ufuzz [SEED [CHILDREN [CALLS]]]");
	for (int n = 0; n < children; n++) {
		uint32_t cseed = seed * 1000003u + (uint32_t)n;
		int pid = fork_retry();

		if (pid < 0) {
			t.forkfail++;
			continue;
		}
		if (pid == 0)
			child(cseed, calls);
		wait_one(pid, n, cseed, &t);
	}
	printf("ufuzz: seed %u: %d children, %d calls each: %d exited, "
	       "%d segfault, %d oom, %d fork refused\n", (unsigned int)seed,
	       children, calls, t.exited, t.segv, t.oom, t.forkfail);
	printf("ufuzz: PASS\n");
	return 0;
}
