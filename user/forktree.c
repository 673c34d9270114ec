/*
 * forktree: a binary tree of forks DEPTH levels deep (2^DEPTH processes).
 * Every process inherits the copy-on-write pages with its parent's values,
 * checks them, writes its own, checks them again after its children ran,
 * and waits for its children.  Each also records its verdict in its own
 * slot of a MAP_SHARED page, which the root checks at the end: every
 * process must have reported, and every report must be right.
 */
#include "ulib.h"

#define DEPTH	4
#define NPAGES	16

static unsigned int *mem;
static volatile unsigned int *board;	/* MAP_SHARED: a slot per tag */
static unsigned int global_tag;		/* .data: COW of the image too */

static void fill(unsigned int tag)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++)
		mem[i * 1024 + (tag & 1023)] = tag * 1000 + i,
		mem[i * 1024] = tag * 1000 + i;
	global_tag = tag;
}

static int check(unsigned int tag)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++)
		if (mem[i * 1024] != tag * 1000 + i ||
		    mem[i * 1024 + (tag & 1023)] != tag * 1000 + i) {
			printf("FAIL: pid %d tag %u: page %u holds %u\n",
			       getpid(), tag, i, mem[i * 1024]);
			return 0;
		}
	return global_tag == tag;
}

int main(int argc, char **argv)
{
	int children[DEPTH], nchildren = 0, level, ok = 1, status, i;
	unsigned int tag = 1;

	(void)argc;
	(void)argv;
	mem = mmap(0, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	board = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || board == MAP_FAILED)
		fail("mmap");
	fill(tag);
	for (level = 0; level < DEPTH; level++) {
		int pid = fork();

		if (pid < 0)
			fail("fork at level %d: %d", level, pid);
		if (pid == 0) {
			nchildren = 0;
			ok &= check(tag);
			tag = tag * 2 + 1;
		} else {
			children[nchildren++] = pid;
			tag = tag * 2;
		}
		fill(tag);
	}
	yield();
	ok &= check(tag);
	for (i = 0; i < nchildren; i++) {
		if (waitpid(children[i], &status, 0) != children[i] || status)
			ok = 0;
	}
	ok &= check(tag);
	/* leaf tags are 2^DEPTH .. 2^(DEPTH+1)-1: one slot each */
	board[tag - (1u << DEPTH)] = ok ? tag * 7 + 1 : 0xbad;
	if (tag == 1u << DEPTH) {		/* the root: left-most path */
		for (i = 0; i < 1 << DEPTH; i++) {
			unsigned int t = (1u << DEPTH) + (unsigned int)i;

			if (board[i] != t * 7 + 1) {
				printf("FAIL: process of tag %u reported 0x%x\n",
				       t, board[i]);
				ok = 0;
			}
		}
		printf("forktree: %d processes\n", 1 << DEPTH);
		printf(ok ? "PASS\n" : "FAIL: a value was wrong\n");
	}
	return ok ? 0 : 1;
}
