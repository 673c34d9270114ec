/*
 * zerotest: a large sparse anonymous mapping reads as zero everywhere and
 * costs frames only where written.  Reads map the shared zero page (no
 * frame); one write every STRIDE pages costs one frame each.
 */
#include "ulib.h"

#define STRIDE	64

int main(int argc, char **argv)
{
	struct kmem_ustats s0, s1, s2;
	unsigned int pages = 8192, i, sum = 0, written;
	unsigned char *p;

	(void)argc;
	(void)argv;
	/* 32 MiB, or less on a small machine (the kernel refuses more) */
	for (;;) {
		p = mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED || pages <= 256)
			break;
		pages /= 2;
	}
	if (p == MAP_FAILED)
		fail("mmap of %u pages refused", pages);
	kmem_stats(&s0);
	for (i = 0; i < pages; i++)
		sum |= p[i * PAGE_SIZE + (i & 0xfff)];
	if (sum)
		fail("untouched memory is not zero");
	kmem_stats(&s1);
	if (s1.zero_ptes - s0.zero_ptes != pages)
		fail("%u zero-page entries after reading %u pages",
		     s1.zero_ptes - s0.zero_ptes, pages);
	if (s1.rss != s0.rss)
		fail("reads cost %u frames", s1.rss - s0.rss);
	for (i = 0; i < pages; i += STRIDE)
		p[i * PAGE_SIZE + 7] = (unsigned char)(i / STRIDE + 1);
	written = pages / STRIDE;
	kmem_stats(&s2);
	for (i = 0; i < pages; i++) {
		unsigned char want = i % STRIDE ? 0 :
				     (unsigned char)(i / STRIDE + 1);

		if (p[i * PAGE_SIZE + 7] != want || p[i * PAGE_SIZE + 8])
			fail("page %u reads %u, expected %u", i,
			     p[i * PAGE_SIZE + 7], want);
	}
	if (s2.rss - s1.rss != written)
		fail("%u writes cost %u frames", written, s2.rss - s1.rss);
	/* page tables: one per 4 MiB, allocated by the reads */
	if (s0.free_pages - s2.free_pages > written + pages / 1024 + 8)
		fail("%u frames gone for %u written pages",
		     s0.free_pages - s2.free_pages, written);
	printf("zerotest: %u pages mapped, %u written, %u frames used\n",
	       pages, written, s0.free_pages - s2.free_pages);
	if (munmap(p, pages * PAGE_SIZE) != 0)
		fail("munmap");
	printf("PASS\n");
	return 0;
}
