/*
 * cowtest: after fork, parent and child write the same pages and each
 * sees only its own data.  Each of the NPAGES pages is written by both:
 * the first writer copies the shared frame, the second finds itself its
 * last user and reuses it, which the fault counters show.  Then the child
 * has the kernel write (SYS_kmem_stats) into a page it still shares with
 * the parent: the kernel's write must copy the page as the child's own
 * would, even where ring 0 ignores read-only entries (a 386, "nowp").
 */
#include "ulib.h"

#define NPAGES	32

static unsigned int data_page[1024];	/* .bss: image region, COW too */
static unsigned int kwrite_page[1024] __attribute__((aligned(PAGE_SIZE)));

#define SENTINEL	0x5a5a0000u

/*
 * The child has the kernel fill a struct in a page shared with the
 * parent; the parent's copy must keep the sentinels it wrote before fork.
 */
static void kernel_write_after_fork(void)
{
	unsigned int i, n = sizeof(struct kmem_ustats) / sizeof(unsigned int);
	int pid, status;

	for (i = 0; i < 1024; i++)
		kwrite_page[i] = SENTINEL + i;
	pid = fork();
	if (pid < 0)
		fail("fork: %d", pid);
	if (pid == 0) {
		if (kmem_stats((struct kmem_ustats *)kwrite_page) != 0)
			exit(2);
		/* the kernel wrote the child's page: it holds the stats */
		exit(kwrite_page[0] == SENTINEL ? 3 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid");
	if (status != 0)
		fail("kernel-write child status 0x%x", status);
	for (i = 0; i < 1024; i++)
		if (kwrite_page[i] != SENTINEL + i)
			fail("the child's kernel write reached the parent: "
			     "word %u of %u is 0x%x", i, n, kwrite_page[i]);
	printf("cowtest: kernel write after fork stayed in the child\n");
}

static void fill(unsigned int *p, unsigned int tag)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++)
		p[i * 1024] = tag + i, p[i * 1024 + 1023] = ~(tag + i);
}

static int check(const unsigned int *p, unsigned int tag, const char *who)
{
	unsigned int i;

	for (i = 0; i < NPAGES; i++)
		if (p[i * 1024] != tag + i ||
		    p[i * 1024 + 1023] != ~(tag + i)) {
			printf("FAIL: %s page %u holds 0x%x, expected 0x%x\n",
			       who, i, p[i * 1024], tag + i);
			return 0;
		}
	return 1;
}

int main(int argc, char **argv)
{
	unsigned int *p = mmap(0, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct kmem_ustats s0, s1;
	int pid, status;

	(void)argc;
	(void)argv;
	if (p == MAP_FAILED)
		fail("mmap");
	fill(p, 0x1000);
	data_page[0] = 1;
	kmem_stats(&s0);
	pid = fork();
	if (pid < 0)
		fail("fork: %d", pid);
	if (pid == 0) {
		if (!check(p, 0x1000, "child before writing"))
			exit(1);
		fill(p, 0x2000);
		data_page[0] = 2;
		yield();
		if (!check(p, 0x2000, "child") || data_page[0] != 2)
			exit(1);
		exit(0);
	}
	/* half the pages while the child may still share them */
	if (!check(p, 0x1000, "parent before writing"))
		return 1;
	fill(p, 0x3000);
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid");
	if (status != 0)
		fail("child status 0x%x", status);
	if (!check(p, 0x3000, "parent") || data_page[0] != 1)
		return 1;
	fill(p, 0x4000);		/* sole user now: no copy */
	if (!check(p, 0x4000, "parent after the child"))
		return 1;
	kernel_write_after_fork();
	kmem_stats(&s1);
	printf("cowtest: %u copies, %u reuses, rss %u\n",
	       s1.cow_copy - s0.cow_copy, s1.cow_reuse - s0.cow_reuse, s1.rss);
	if (s1.cow_copy - s0.cow_copy < NPAGES)
		fail("only %u copies", s1.cow_copy - s0.cow_copy);
	if (s1.cow_reuse - s0.cow_reuse < NPAGES)
		fail("only %u reuses", s1.cow_reuse - s0.cow_reuse);
	printf("PASS\n");
	return 0;
}
