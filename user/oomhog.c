/*
 * oomhog: processes side by side that together want more memory than the
 * machine has, for the out-of-memory killer.
 *
 *   oomhog STAGE OF MIB
 *
 * Each of the OF processes started together maps MIB MiB, then
 * waits until all OF have mapped (so that every request passes mmap's
 * check while memory is still free), then until the earlier stages are
 * done, and touches its memory in STAGE order.  A hog (every stage but
 * the last) then holds its memory until the worker says it is done; the
 * worker (the last stage) writes and sums its memory, prints the sum and
 * says done.  The board they share is a System V segment of key BOARD.
 * Started as
 *
 *   run oomhog 0 3 BIG & oomhog 1 3 SMALLER & oomhog 2 3 2
 *
 * on a machine too small for BIG + SMALLER, the second hog's faults run
 * out of frames and the killer takes the first hog (the largest), the
 * second and the worker finish.  Every wait gives up after WAIT_TICKS.
 */
#include "ulib.h"

#define WAIT_TICKS	6000		/* 60 s of guest time */
#define BOARD		0x6f6f6d	/* "oom" */

enum { MAPPED, STAGE_DONE, WORK_DONE };

static volatile unsigned int *board;

static void wait_for(unsigned int slot, unsigned int value, const char *what)
{
	unsigned int start = ticks();

	while (board[slot] < value) {
		if (ticks() - start > WAIT_TICKS)
			fail("pid %d: no %s after %u ticks", getpid(), what,
			     WAIT_TICKS);
		yield();
	}
}

static void touch(unsigned char *p, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i += PAGE_SIZE)
		p[i] = (unsigned char)(i >> 12);
}

/* Write the memory, sum it back: the result the worker prints. */
static unsigned int work(unsigned char *p, unsigned int bytes)
{
	unsigned int i, sum = 0;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(i * 7 + (i >> 12));
	for (i = 0; i < bytes; i++)
		sum += p[i];
	return sum;
}

int main(int argc, char **argv)
{
	int worker, stage, of, id;
	unsigned int bytes;
	unsigned char *mem;

	if (argc < 4)
		fail("usage: oomhog STAGE OF MIB");
	stage = atoi(argv[1]);
	of = atoi(argv[2]);
	bytes = (unsigned int)atoi(argv[3]) << 20;
	worker = stage == of - 1;
	id = shmget(BOARD, PAGE_SIZE, IPC_CREAT | 0600);
	if (id < 0)
		fail("shmget: %d", id);
	board = shmat(id, 0, 0);
	if ((unsigned long)board >= (unsigned long)-4095)
		fail("shmat: %d", (int)(long)board);
	mem = mmap(0, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fail("pid %d: mmap of %u MiB refused", getpid(), bytes >> 20);
	/* one instruction: the tick cannot split it (one CPU) */
	__asm__ volatile("lock; incl %0" : "+m"(board[MAPPED]));
	wait_for(MAPPED, (unsigned int)of, "mapping by all");
	wait_for(STAGE_DONE, (unsigned int)stage, "turn");
	if (worker) {
		unsigned int sum = work(mem, bytes);

		printf("oomhog: pid %d worked on %u MiB, sum %u\n", getpid(),
		       bytes >> 20, sum);
		board[WORK_DONE] = 1;
		shmctl(id, IPC_RMID, 0);
	} else {
		touch(mem, bytes);
		printf("oomhog: pid %d holds %u MiB\n", getpid(), bytes >> 20);
		board[STAGE_DONE] = (unsigned int)stage + 1;
		wait_for(WORK_DONE, 1, "word from the worker");
	}
	shmdt((const void *)board);
	return 0;
}
