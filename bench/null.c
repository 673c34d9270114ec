/*
 * The "null" allocator: the loop's own floor.
 *
 * Same signatures as alloc_pages/__free_pages and kmalloc/kfree, kept in
 * their own translation unit and marked noinline, so a workload calls them
 * exactly as it calls the real allocator: the time it then measures is the
 * loop, the calls and the workload's bookkeeping, with no allocator work.
 * The pointers returned are fixed and never dereferenced by the workloads.
 *
 * Locking: none; nothing is shared.
 */
#include "bench.h"

static uint64_t null_object[8];

__attribute__((noinline)) struct page *null_alloc_pages(gfp_t gfp,
							unsigned int order)
{
	(void)gfp;
	(void)order;
	return (struct page *)null_object;
}

__attribute__((noinline)) int null_free_pages(struct page *page,
					      unsigned int order)
{
	(void)page;
	(void)order;
	return 0;
}

__attribute__((noinline)) void *null_kmalloc(size_t size, gfp_t gfp)
{
	(void)size;
	(void)gfp;
	return null_object;
}

__attribute__((noinline)) void null_kfree(const void *p)
{
	(void)p;
}
