/*
 * oomtest: map and touch 1 MiB at a time until the kernel refuses, then
 * check the memory and exit cleanly.  "oomtest fork" then forks children
 * that wait without touching memory until fork fails with -ENOMEM, and
 * ends them all: the refused fork must leave nothing behind.  "oomtest kill" maps without touching
 * (each request alone fits) until the address space is full, and then
 * touches it all: on a machine with less memory than that, the kernel runs
 * out of frames in a fault and the out-of-memory killer takes the process
 * (the only one, so the largest).  "oomtest copy" does the same with the
 * kernel's copies: kmem_stats() writes into one untouched page after
 * another, so memory runs out in a copy_to_user() inside a system call,
 * and the process dies when that call returns.
 */
#include "ulib.h"

#define CHUNK	(256 * PAGE_SIZE)
#define MAXCHUNKS 4096
/*
 * Copies run side by side (`run -n 8 oomtest`) take memory in turns: one
 * that finds none at all yields until another gives its memory back,
 * this many times at most, before it calls that a failure.
 */
#define FIRST_WAITS 100000

static unsigned char *chunks[MAXCHUNKS];

/*
 * Fork until refused, with no memory write but to the MAP_SHARED page
 * @board: every other page is shared copy-on-write with the children by
 * then, and a write would need a frame that is not there.  So the loop is
 * registers only: the children yield until board[0] is set, then exit;
 * the parent stores fork's error in board[1], sets board[0] and reaps
 * every child (waitpid with no status pointer).  Returns: children made.
 */
static int fork_until_refused(volatile unsigned int *board)
{
	int n;

	__asm__ volatile("	xor %%edi, %%edi\n"
			 "1:	mov %[fork], %%eax\n"
			 "	int $0x80\n"
			 "	test %%eax, %%eax\n"
			 "	jz 3f\n"
			 "	js 2f\n"
			 "	inc %%edi\n"
			 "	jmp 1b\n"
			 "3:	mov %[yield], %%eax\n"	/* child */
			 "	int $0x80\n"
			 "	cmpl $0, (%%esi)\n"
			 "	je 3b\n"
			 "	mov %[exit], %%eax\n"
			 "	xor %%ebx, %%ebx\n"
			 "	int $0x80\n"
			 "2:	mov %%eax, 4(%%esi)\n"	/* parent: refused */
			 "	movl $1, (%%esi)\n"
			 "4:	mov %[wait], %%eax\n"
			 "	mov $-1, %%ebx\n"
			 "	xor %%ecx, %%ecx\n"
			 "	xor %%edx, %%edx\n"
			 "	int $0x80\n"
			 "	test %%eax, %%eax\n"
			 "	jg 4b\n"
			 : "=D"(n)
			 : "S"(board), [fork] "i"(SYS_fork),
			   [yield] "i"(SYS_yield), [exit] "i"(SYS_exit),
			   [wait] "i"(SYS_waitpid)
			 : "eax", "ebx", "ecx", "edx", "memory", "cc");
	return n;
}

static int fork_mode(unsigned int mib)
{
	volatile unsigned int *board = mmap(0, PAGE_SIZE,
					    PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int n, pid, status;

	if (board == MAP_FAILED)
		fail("no shared page after %u MiB", mib);
	n = fork_until_refused(board);
	printf("oomtest: %u MiB touched, fork refused (%d) after %d children\n",
	       mib, (int)board[1], n);
	if ((int)board[1] != -12)
		fail("fork returned %d, not -ENOMEM", (int)board[1]);
	pid = fork();			/* the memory is back: fork works */
	if (pid == 0)
		exit(0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
		fail("fork after the children ended: %d", pid);
	printf("PASS\n");
	return 0;
}

static void touch(unsigned char *p, unsigned int tag)
{
	unsigned int i;

	for (i = 0; i < CHUNK; i += PAGE_SIZE)
		p[i] = (unsigned char)(tag + i / PAGE_SIZE);
}

/* Let the kernel's copy_to_user() fault in every page of every chunk. */
static void copy_into(unsigned int n)
{
	struct kmem_ustats *st;
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < CHUNK; j += PAGE_SIZE) {
			st = (struct kmem_ustats *)(chunks[i] + j);
			if (kmem_stats(st) != 0)
				fail("kmem_stats into chunk %u page %u failed",
				     i, j / PAGE_SIZE);
		}
	}
}

int main(int argc, char **argv)
{
	int copy = argc > 1 && !strcmp(argv[1], "copy");
	int kill = copy || (argc > 1 && !strcmp(argv[1], "kill"));
	int forks = argc > 1 && !strcmp(argv[1], "fork");
	unsigned int n = 0, waits = 0, i, j;

	while (n < MAXCHUNKS) {
		unsigned char *p = mmap(0, CHUNK, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED && n == 0 && waits < FIRST_WAITS) {
			waits++;	/* copies beside it hold it all */
			yield();
			continue;
		}
		if (p == MAP_FAILED)
			break;
		chunks[n] = p;
		if (!kill)
			touch(p, n);
		n++;
	}
	if (n == 0)
		fail("not even 1 MiB");
	if (kill) {
		printf("oomtest: %u MiB mapped, touching\n", n);
		if (copy)
			copy_into(n);
		for (i = 0; i < n; i++)
			touch(chunks[i], i);
		fail("touched %u MiB without running out", n);
	}
	if (forks)
		return fork_mode(n);
	for (i = 0; i < n; i++)
		for (j = 0; j < CHUNK; j += PAGE_SIZE)
			if (chunks[i][j] != (unsigned char)(i + j / PAGE_SIZE))
				fail("chunk %u page %u lost its value", i,
				     j / PAGE_SIZE);
	printf("oomtest: refused after %u MiB\n", n);
	printf("PASS\n");
	return 0;
}
