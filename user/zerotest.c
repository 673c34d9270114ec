/*
 * zerotest: a large sparse anonymous mapping reads as zero everywhere and
 * costs frames only where written.  Reads map the shared zero page (no
 * frame); one write every STRIDE pages costs one frame each.  A write by
 * the kernel (SYS_kmem_stats) into a page that maps the zero page, or
 * into a page never touched, gets the page its own frame, and the zero
 * page stays zero, even where ring 0 ignores read-only entries (a 386,
 * "nowp").
 */
#include "ulib.h"

#define STRIDE	64

static void kernel_write_zero_page(void)
{
	struct kmem_ustats s0, s1;
	unsigned char *p = mmap(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile unsigned char *q = p;
	unsigned int i, sum = 0;

	if (p == MAP_FAILED)
		fail("mmap of 3 pages");
	(void)q[0];			/* pages 0 and 2 map the zero page */
	(void)q[2 * PAGE_SIZE];
	kmem_stats(&s0);
	if (kmem_stats((struct kmem_ustats *)p) != 0 ||
	    kmem_stats((struct kmem_ustats *)(p + PAGE_SIZE)) != 0)
		fail("kmem_stats into fresh pages refused");
	kmem_stats(&s1);
	for (i = 0; i < PAGE_SIZE; i++)
		sum |= q[2 * PAGE_SIZE + i];
	if (sum)
		fail("the kernel wrote into the zero page");
	if (((struct kmem_ustats *)p)->free_pages == 0 ||
	    ((struct kmem_ustats *)(p + PAGE_SIZE))->free_pages == 0)
		fail("the kernel's write is not in the pages written");
	if (s1.rss - s0.rss != 2 || s0.zero_ptes - s1.zero_ptes != 1)
		fail("kernel writes: rss +%u, zero entries -%u (want 2, 1)",
		     s1.rss - s0.rss, s0.zero_ptes - s1.zero_ptes);
	if (munmap(p, 3 * PAGE_SIZE) != 0)
		fail("munmap");
	printf("zerotest: kernel writes got their own frames\n");
}

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
	kernel_write_zero_page();
	printf("PASS\n");
	return 0;
}
