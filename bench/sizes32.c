/*
 * The i386 metadata figures for the benchmark table: the size of a frame
 * descriptor and of a zone as the kernel build lays them out, and the
 * bytes of the zones' free maps for each benchmark pool.  Compiled with
 * gcc -m32 against the kernel's headers, run on the host, one JSON line
 * on stdout.
 */
#include <stdio.h>

#include "mm/zones.h"

/* Bytes zones_init() takes beyond the descriptors: the free maps. */
static unsigned int map_bytes(unsigned int mib)
{
	pfn_t frames = (pfn_t)mib << (20 - PAGE_SHIFT);

	return (unsigned int)(zones_map_bytes(frames) -
			      (size_t)frames * sizeof(struct page));
}

int main(void)
{
	printf("{\"sizeof_page\": %u, \"sizeof_zone\": %u, "
	       "\"nr_zones\": %u, \"sizeof_pointer\": %u, "
	       "\"map_bytes\": {\"16\": %u, \"256\": %u, \"2048\": %u}}\n",
	       (unsigned int)sizeof(struct page),
	       (unsigned int)sizeof(struct zone), (unsigned int)MAX_NR_ZONES,
	       (unsigned int)sizeof(void *), map_bytes(16), map_bytes(256),
	       map_bytes(2048));
	return 0;
}
