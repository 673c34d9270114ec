/*
 * mmaptest: mmap with an address hint, MAP_FIXED and MAP_FIXED_NOREPLACE,
 * madvise(MADV_DONTNEED) and mremap (shrink, grow in place, move, fixed
 * move) from ring 3, and the errno of every bad call.  Contents must
 * survive each mremap, MADV_DONTNEED must read back zeros, and the
 * caller's frame count (kmem_stats rss) must drop by exactly the pages
 * given back.  Ends with everything unmapped, "PASS"; the QEMU test
 * checks that the free frame counts are back where they were.
 */
#include "ulib.h"

#define RW	(PROT_READ | PROT_WRITE)
#define ANON	(MAP_PRIVATE | MAP_ANONYMOUS)
#define HINT	0x40000000u
#define FIXED	0x41000000u
#define EPERM	1
#define EFAULT	14
#define EEXIST	17
#define EINVAL	22
#define ENOMEM	12

static long raw_mmap(uintptr_t addr, size_t len, int flags)
{
	return syscall5(SYS_mmap, (long)addr, (long)len, RW, flags, -1);
}

static long raw_mremap(uintptr_t old, size_t old_len, size_t new_len,
		       int flags, uintptr_t to)
{
	return syscall5(SYS_mremap, (long)old, (long)old_len, (long)new_len,
			flags, (long)to);
}

static unsigned int rss(void)
{
	struct kmem_ustats st;

	if (kmem_stats(&st) != 0)
		fail("kmem_stats failed");
	return st.rss;
}

/* Write a pattern into each of @pages pages at @p (one frame each). */
static void fill(char *p, unsigned int pages, char seed)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		memset(p + i * PAGE_SIZE, seed + (char)i, PAGE_SIZE);
}

static void expect(const char *p, unsigned int pages, char seed,
		   const char *what)
{
	unsigned int i, j;

	for (i = 0; i < pages; i++)
		for (j = 0; j < PAGE_SIZE; j += 511)
			if (p[i * PAGE_SIZE + j] != (char)(seed + (char)i))
				fail("%s: page %u byte %u is 0x%x", what, i,
				     j, p[i * PAGE_SIZE + j] & 0xff);
}

static void expect_zero(const char *p, unsigned int pages, const char *what)
{
	unsigned int i;

	for (i = 0; i < pages * PAGE_SIZE; i += 64)
		if (p[i])
			fail("%s: byte %u is 0x%x, not 0", what, i,
			     p[i] & 0xff);
}

static void check(long got, long want, const char *what)
{
	if (got != want)
		fail("%s: %ld, expected %ld", what, got, want);
}

static void hints_and_fixed(void)
{
	char *a, *b;
	unsigned int r0;

	a = mmap((void *)HINT, 4 * PAGE_SIZE, RW, ANON, -1, 0);
	check((long)a, (long)HINT, "mmap at a free hint");
	b = mmap((void *)HINT, PAGE_SIZE, RW, ANON, -1, 0);
	if (b == MAP_FAILED || b == a)
		fail("mmap at a taken hint gave %p", b);
	fill(a, 4, 0x10);
	r0 = rss();
	/* MAP_FIXED over pages 1-2: their frames go, the new pages read 0 */
	check(raw_mmap(HINT + PAGE_SIZE, 2 * PAGE_SIZE, ANON | MAP_FIXED),
	      HINT + PAGE_SIZE, "MAP_FIXED over populated pages");
	check(rss(), r0 - 2, "rss after MAP_FIXED");
	expect_zero(a + PAGE_SIZE, 2, "MAP_FIXED pages");
	expect(a, 1, 0x10, "page before MAP_FIXED");
	expect(a + 3 * PAGE_SIZE, 1, 0x13, "page after MAP_FIXED");
	check(raw_mmap(HINT + 3 * PAGE_SIZE, 2 * PAGE_SIZE,
		       ANON | MAP_FIXED_NOREPLACE), -EEXIST,
	      "MAP_FIXED_NOREPLACE over a mapping");
	check(raw_mmap(HINT + 8 * PAGE_SIZE, PAGE_SIZE,
		       ANON | MAP_FIXED_NOREPLACE), HINT + 8 * PAGE_SIZE,
	      "MAP_FIXED_NOREPLACE at a free place");
	check(munmap(a, 9 * PAGE_SIZE), 0, "munmap");
	check(munmap(b, PAGE_SIZE), 0, "munmap");
	printf("mmaptest: hint, MAP_FIXED, MAP_FIXED_NOREPLACE ok\n");
}

static void dontneed(void)
{
	char *a = mmap(NULL, 6 * PAGE_SIZE, RW, ANON, -1, 0);
	unsigned int r0;

	if (a == MAP_FAILED)
		fail("mmap failed");
	fill(a, 6, 0x30);
	r0 = rss();
	check(madvise(a + PAGE_SIZE, 4 * PAGE_SIZE, MADV_DONTNEED), 0,
	      "madvise(MADV_DONTNEED)");
	check(rss(), r0 - 4, "rss after MADV_DONTNEED");
	expect_zero(a + PAGE_SIZE, 4, "pages after MADV_DONTNEED");
	expect(a, 1, 0x30, "page before the advice");
	expect(a + 5 * PAGE_SIZE, 1, 0x35, "page after the advice");
	a[PAGE_SIZE] = 1;		/* demand-zero again, writable */
	check(madvise(a, 6 * PAGE_SIZE, MADV_WILLNEED), 0, "MADV_WILLNEED");
	check(munmap(a, 6 * PAGE_SIZE), 0, "munmap");
	printf("mmaptest: MADV_DONTNEED gives zeros ok\n");
}

static void remaps(void)
{
	char *a = mmap((void *)FIXED, 4 * PAGE_SIZE, RW, ANON, -1, 0);
	char *wall, *m;
	unsigned int r0;
	int pid, status = -1;

	check((long)a, (long)FIXED, "mmap for mremap");
	fill(a, 4, 0x50);
	/* grow in place: nothing above */
	check((long)mremap(a, 4 * PAGE_SIZE, 6 * PAGE_SIZE, 0, NULL),
	      (long)a, "mremap grow in place");
	expect(a, 4, 0x50, "after growing in place");
	expect_zero(a + 4 * PAGE_SIZE, 2, "the grown part");
	/* a wall above: no room; without MREMAP_MAYMOVE ENOMEM */
	wall = mmap(a + 6 * PAGE_SIZE, PAGE_SIZE, RW, ANON, -1, 0);
	check((long)wall, (long)(a + 6 * PAGE_SIZE), "mmap the wall");
	check(raw_mremap((uintptr_t)a, 6 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0),
	      -ENOMEM, "mremap without room or MREMAP_MAYMOVE");
	r0 = rss();
	m = mremap(a, 6 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, NULL);
	if (m == MAP_FAILED || m == a)
		fail("mremap(MREMAP_MAYMOVE) gave %p", m);
	expect(m, 4, 0x50, "after the move");
	check(rss(), r0, "rss after the move");
	check(madvise(a, PAGE_SIZE, MADV_NORMAL), -ENOMEM,
	      "the old range is unmapped");
	/* a child sees the moved contents (copy-on-write) */
	pid = fork();
	if (pid == 0) {
		expect(m, 4, 0x50, "moved contents in the child");
		m[0] = 0x7f;
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		fail("child after the move: status 0x%x", status);
	expect(m, 1, 0x50, "parent after the child wrote");
	/* fixed move back onto the wall, shrinking to 3 pages */
	check(raw_mremap((uintptr_t)m, 8 * PAGE_SIZE, 3 * PAGE_SIZE,
			 MREMAP_MAYMOVE | MREMAP_FIXED, (uintptr_t)wall),
	      (long)wall, "mremap(MREMAP_FIXED)");
	expect(wall, 3, 0x50, "after the fixed move");
	check(rss(), r0 - 1, "rss after the fixed move");	/* page 3 */
	/* shrink in place */
	check((long)mremap(wall, 3 * PAGE_SIZE, PAGE_SIZE, 0, NULL),
	      (long)wall, "mremap shrink");
	check(rss(), r0 - 3, "rss after the shrink");
	expect(wall, 1, 0x50, "after the shrink");
	check(munmap(wall, PAGE_SIZE), 0, "munmap");
	printf("mmaptest: mremap grow, move, fixed move, shrink ok\n");
}

static void errors(void)
{
	char *a = mmap(NULL, 2 * PAGE_SIZE, RW, ANON, -1, 0);

	if (a == MAP_FAILED)
		fail("mmap failed");
	check(raw_mmap(0, 0, ANON), -EINVAL, "mmap of length 0");
	check(raw_mmap(FIXED + 1, PAGE_SIZE, ANON | MAP_FIXED), -EINVAL,
	      "MAP_FIXED unaligned");
	check(raw_mmap(0x1000, PAGE_SIZE, ANON | MAP_FIXED), -EPERM,
	      "MAP_FIXED below the lowest user address");
	check(raw_mmap(0xbffff000u, 2 * PAGE_SIZE, ANON | MAP_FIXED), -ENOMEM,
	      "MAP_FIXED across the kernel half");
	check(raw_mmap(0, PAGE_SIZE, ANON | 0x4000000), -EINVAL,
	      "mmap with an unknown flag");
	check(raw_mmap(0, 0xf0000000u, ANON), -ENOMEM, "mmap larger than room");
	check(raw_mremap((uintptr_t)a, PAGE_SIZE, PAGE_SIZE, 8, 0), -EINVAL,
	      "mremap with an unknown flag");
	check(raw_mremap((uintptr_t)a, PAGE_SIZE, PAGE_SIZE, MREMAP_FIXED,
			 FIXED), -EINVAL, "MREMAP_FIXED alone");
	check(raw_mremap((uintptr_t)a, PAGE_SIZE, 0, 0, 0), -EINVAL,
	      "mremap to length 0");
	check(raw_mremap((uintptr_t)a + 1, PAGE_SIZE, PAGE_SIZE, 0, 0),
	      -EINVAL, "mremap unaligned");
	check(raw_mremap(0x70000000u, PAGE_SIZE, 2 * PAGE_SIZE,
			 MREMAP_MAYMOVE, 0), -EFAULT, "mremap of nothing");
	check(raw_mremap((uintptr_t)a, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
			 MREMAP_MAYMOVE | MREMAP_FIXED,
			 (uintptr_t)a + PAGE_SIZE), -EINVAL,
	      "MREMAP_FIXED onto itself");
	check(madvise(a + 1, PAGE_SIZE, MADV_DONTNEED), -EINVAL,
	      "madvise unaligned");
	check(madvise(a, PAGE_SIZE, 99), -EINVAL, "madvise unknown advice");
	check(madvise((char *)0x70000000u, PAGE_SIZE, MADV_DONTNEED), -ENOMEM,
	      "madvise of a hole");
	check(munmap(a, 2 * PAGE_SIZE), 0, "munmap");
	printf("mmaptest: every bad call refused ok\n");
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	hints_and_fixed();
	dontneed();
	remaps();
	errors();
	printf("PASS\n");
	return 0;
}
