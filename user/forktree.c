/*
 * forktree: a binary tree of forks DEPTH levels deep (2^DEPTH processes).
 * Every process inherits the shared pages with its parent's values, checks
 * them, writes its own, checks them again after its children ran, and
 * waits for its children; any wrong value anywhere fails the whole tree.
 */
#include "ulib.h"

#define DEPTH	4
#define NPAGES	16

static unsigned int *mem;
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
	if (mem == MAP_FAILED)
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
	if (tag == 1u << DEPTH) {		/* the root: left-most path */
		printf("forktree: %d processes\n", 1 << DEPTH);
		printf(ok ? "PASS\n" : "FAIL: a value was wrong\n");
	}
	return ok ? 0 : 1;
}
