/*
 * The i386 metadata figures for the benchmark table: the size of a frame
 * descriptor and of a zone as the kernel build lays them out.  Compiled
 * with gcc -m32 against the kernel's headers, run on the host, one JSON
 * line on stdout.
 */
#include <stdio.h>

#include "mm/zones.h"

int main(void)
{
	printf("{\"sizeof_page\": %u, \"sizeof_zone\": %u, "
	       "\"nr_zones\": %u, \"sizeof_pointer\": %u}\n",
	       (unsigned int)sizeof(struct page),
	       (unsigned int)sizeof(struct zone), (unsigned int)MAX_NR_ZONES,
	       (unsigned int)sizeof(void *));
	return 0;
}
