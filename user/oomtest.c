/*
 * oomtest: map and touch 1 MiB at a time until the kernel refuses, then
 * check the memory and exit cleanly.  "oomtest kill" maps without touching
 * (each request alone fits) until the address space is full, and then
 * touches it all: on a machine with less memory than that, the kernel runs
 * out of frames in a fault and kills the process with "out of memory".
 */
#include "ulib.h"

#define CHUNK	(256 * PAGE_SIZE)
#define MAXCHUNKS 4096

static unsigned char *chunks[MAXCHUNKS];

static void touch(unsigned char *p, unsigned int tag)
{
	unsigned int i;

	for (i = 0; i < CHUNK; i += PAGE_SIZE)
		p[i] = (unsigned char)(tag + i / PAGE_SIZE);
}

int main(int argc, char **argv)
{
	int kill = argc > 1 && !strcmp(argv[1], "kill");
	unsigned int n = 0, i, j;

	while (n < MAXCHUNKS) {
		unsigned char *p = mmap(0, CHUNK, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

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
		for (i = 0; i < n; i++)
			touch(chunks[i], i);
		fail("touched %u MiB without running out", n);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < CHUNK; j += PAGE_SIZE)
			if (chunks[i][j] != (unsigned char)(i + j / PAGE_SIZE))
				fail("chunk %u page %u lost its value", i,
				     j / PAGE_SIZE);
	printf("oomtest: refused after %u MiB\n", n);
	printf("PASS\n");
	return 0;
}
