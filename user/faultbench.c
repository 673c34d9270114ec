/*
 * faultbench: the cost of each kind of page fault, in TSC cycles per page
 * (under QEMU's -icount shift=0, one cycle per instruction), each figure
 * the median of REPS repetitions:
 *
 *   demand-zero  write one byte per page of a fresh 1024-page mapping
 *   zero-page    read one byte per page of another
 *   cow-copy     the parent touches 256 pages and forks; the child writes
 *                one byte per page (every write copies)
 *   cow-reuse    then the parent writes them after the child has exited
 *                (the parent is the last user: no copy)
 *   fork         fork + child exit + wait, 1 MiB touched, per round
 *   brk          grow the heap by 4 MiB and touch it, per page
 *
 * Children report through a MAP_SHARED page.
 */
#include "ulib.h"

#define REPS		5
#define ZPAGES		1024
#define CPAGES		256
#define BRK_BYTES	(4u << 20)

static volatile uint32_t *shared;

static uint32_t median(uint32_t *v)
{
	int i, j;

	for (i = 1; i < REPS; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[REPS / 2];
}

static volatile unsigned char *map(unsigned int pages)
{
	void *p = mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap of %u pages", pages);
	return p;
}

static uint32_t demand_zero(void)
{
	volatile unsigned char *p = map(ZPAGES);
	uint64_t t0, t1;
	unsigned int i;

	t0 = rdtsc();
	for (i = 0; i < ZPAGES; i++)
		p[i * PAGE_SIZE] = 1;
	t1 = rdtsc();
	munmap((void *)p, ZPAGES * PAGE_SIZE);
	return (uint32_t)((t1 - t0) / ZPAGES);
}

static uint32_t zero_page(void)
{
	volatile unsigned char *p = map(ZPAGES);
	unsigned int i, sum = 0;
	uint64_t t0, t1;

	t0 = rdtsc();
	for (i = 0; i < ZPAGES; i++)
		sum += p[i * PAGE_SIZE];
	t1 = rdtsc();
	munmap((void *)p, ZPAGES * PAGE_SIZE);
	if (sum)
		fail("zero page reads %u", sum);
	return (uint32_t)((t1 - t0) / ZPAGES);
}

/* One round of (c): the child's copy figure lands in shared[rep]. */
static uint32_t cow(int rep)
{
	volatile unsigned char *p = map(CPAGES);
	uint64_t t0, t1;
	unsigned int i;
	int pid, status;

	for (i = 0; i < CPAGES; i++)
		p[i * PAGE_SIZE] = 1;
	pid = fork();
	if (pid < 0)
		fail("fork: %d", pid);
	if (pid == 0) {
		t0 = rdtsc();
		for (i = 0; i < CPAGES; i++)
			p[i * PAGE_SIZE] = 2;
		t1 = rdtsc();
		shared[rep] = (uint32_t)((t1 - t0) / CPAGES);
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || status)
		fail("cow child");
	t0 = rdtsc();
	for (i = 0; i < CPAGES; i++)
		p[i * PAGE_SIZE] = 3;
	t1 = rdtsc();
	munmap((void *)p, CPAGES * PAGE_SIZE);
	return (uint32_t)((t1 - t0) / CPAGES);
}

static uint32_t fork_round(volatile unsigned char *mib)
{
	uint64_t t0, t1;
	int pid, status;

	(void)mib;
	t0 = rdtsc();
	pid = fork();
	if (pid == 0)
		exit(0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		fail("fork round");
	t1 = rdtsc();
	return (uint32_t)(t1 - t0);
}

static uint32_t brk_touch(void)
{
	volatile unsigned char *p;
	uint64_t t0, t1;
	unsigned int i;

	t0 = rdtsc();
	p = sbrk(BRK_BYTES);
	if (p == MAP_FAILED)
		fail("sbrk");
	for (i = 0; i < BRK_BYTES; i += PAGE_SIZE)
		p[i] = 1;
	t1 = rdtsc();
	if (sbrk(-(long)BRK_BYTES) == MAP_FAILED)
		fail("sbrk shrink");
	return (uint32_t)((t1 - t0) / (BRK_BYTES / PAGE_SIZE));
}

int main(int argc, char **argv)
{
	uint32_t a[REPS], b[REPS], c[REPS], r[REPS], d[REPS], e[REPS];
	volatile unsigned char *mib;
	unsigned int i;
	int rep;

	(void)argc;
	(void)argv;
	shared = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		fail("shared page");
	for (rep = 0; rep < REPS; rep++) {
		a[rep] = demand_zero();
		b[rep] = zero_page();
		r[rep] = cow(rep);
		c[rep] = shared[rep];
		e[rep] = brk_touch();
	}
	mib = map(CPAGES);
	for (i = 0; i < CPAGES; i++)
		mib[i * PAGE_SIZE] = 1;
	for (rep = 0; rep < REPS; rep++)
		d[rep] = fork_round(mib);
	printf("faultbench: cycles per page, median of %d\n", REPS);
	printf("faultbench: demand-zero %u\n", median(a));
	printf("faultbench: zero-page %u\n", median(b));
	printf("faultbench: cow-copy %u\n", median(c));
	printf("faultbench: cow-reuse %u\n", median(r));
	printf("faultbench: fork-exit-wait %u (per round, 1 MiB touched)\n",
	       median(d));
	printf("faultbench: brk-touch %u\n", median(e));
	printf("PASS\n");
	return 0;
}
