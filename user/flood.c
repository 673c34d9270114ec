/*
 * flood: one write() of 4 MiB to the console while a child counts.  The
 * write must neither stop the clock nor keep the child from its turns:
 * the parent reports the ticks the write took and the ticks in which the
 * child was seen counting.  "flood loop" writes the buffer again and
 * again, until a Ctrl-C at the console ends both processes.
 */
#include "ulib.h"

#define FLOOD_BYTES	(4u << 20)
#define LINE_BYTES	64u

/* Shared with the child: the parent sets done, the child counts. */
struct board {
	volatile unsigned int done;
	volatile unsigned int seen;	/* ticks in which the child ran */
};

/* Spin without yielding; count each tick seen to pass while running. */
static __attribute__((noreturn)) void counter(struct board *b)
{
	unsigned int last = ticks();

	while (!b->done) {
		unsigned int now = ticks();

		if (now != last) {
			b->seen++;
			last = now;
		}
	}
	exit(0);
}

/* LINE_BYTES-byte lines, "flood NNNNNN " and dots, so none is "mm> ". */
static void fill(char *buf)
{
	unsigned int i, j;

	for (i = 0; i < FLOOD_BYTES / LINE_BYTES; i++) {
		char *line = buf + i * LINE_BYTES;
		int n = snprintf(line, LINE_BYTES, "flood %06u ", i);

		for (j = (unsigned int)n; j < LINE_BYTES - 1; j++)
			line[j] = '.';
		line[LINE_BYTES - 1] = '\n';
	}
}

int main(int argc, char **argv)
{
	int loop = argc > 1 && !strcmp(argv[1], "loop");
	unsigned int t0, t1, s0, s1;
	struct board *b;
	char *buf;
	int pid, status, n;

	b = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		fail("no shared page");
	pid = fork();
	if (pid < 0)
		fail("fork: %d", pid);
	if (pid == 0)
		counter(b);
	buf = mmap(0, FLOOD_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		fail("no room for %u bytes", FLOOD_BYTES);
	fill(buf);
	do {
		s0 = b->seen;
		t0 = ticks();
		n = write(1, buf, FLOOD_BYTES);
		t1 = ticks();
		s1 = b->seen;
	} while (loop);
	b->done = 1;
	if (waitpid(pid, &status, 0) != pid || status)
		fail("counter: status %d", status);
	printf("flood: wrote %d bytes in %u ticks, counter ran %u ticks\n",
	       n, t1 - t0, s1 - s0);
	if (n != (int)FLOOD_BYTES)
		fail("write returned %d", n);
	printf("PASS\n");
	return 0;
}
