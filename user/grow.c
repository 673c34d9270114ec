/*
 * grow: a program whose resident size grows while the console watches
 * (`run grow N &`, then `status PID` and `maps PID`).  It maps a private
 * and a shared anonymous page, extends its heap by N pages (64 if not
 * given) and touches one heap page every GAP ticks (5), then stays STAY
 * ticks (500) and ends.  It yields while it waits, so the shell and
 * other processes keep their turns, and prints nothing (the console is
 * the shell's while it runs in the background).
 */
#include "ulib.h"

static void wait_ticks(unsigned int n)
{
	unsigned int t0 = ticks();

	while (ticks() - t0 < n)
		yield();
}

int main(int argc, char **argv)
{
	unsigned int pages = argc > 1 ? (unsigned int)atoi(argv[1]) : 64;
	unsigned int gap = argc > 2 ? (unsigned int)atoi(argv[2]) : 5;
	unsigned int stay = argc > 3 ? (unsigned int)atoi(argv[3]) : 500;
	volatile char *heap, *priv, *shared;
	unsigned int i;

	priv = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	heap = sbrk((long)(pages * PAGE_SIZE));
	if (priv == MAP_FAILED || shared == MAP_FAILED || heap == MAP_FAILED)
		fail("grow: no memory for %u pages", pages);
	priv[0] = 1;
	shared[0] = 1;
	for (i = 0; i < pages; i++) {
		heap[i * PAGE_SIZE] = (char)i;
		wait_ticks(gap);
	}
	wait_ticks(stay);
	return 0;
}
