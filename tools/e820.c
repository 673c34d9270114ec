/*
 * e820 - clean a memory map pasted from a Linux boot log, as kmem386 would.
 *
 * Usage: e820 [FILE]   (standard input without FILE)
 *
 * Reads text, picks out the E820 lines in either form Linux has printed
 * ("BIOS-e820: [mem 0x...-0x...] usable", inclusive end, and the older
 * "BIOS-e820: 0000000000000000 - 000000000009f000 (usable)", exclusive
 * end), whatever stands before them, and ignores every other line.  Then
 * it runs the kernel's own mm/e820.c on them and prints the cleaned map,
 * what an i386 kernel without PAE drops above 4 GiB, and the zones the
 * usable frames fall into.
 *
 * Exit status: 0 on success; 1 if the input cannot be read or holds no
 * E820 line; 2 if a line looks like an E820 line but cannot be read (bad
 * hex, end before start, unknown type name): a message names the line and
 * no map is printed.
 *
 * Design: the output is whatever mm/e820.c prints (it goes to the host
 * printk log), followed by the zone table; the tool adds no formatting of
 * its own to the map lines, so they are the kernel's lines to the byte.
 * Locking: single-threaded program.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mm/e820.h"
#include "mm/zones.h"

#define MAX_ENTRIES	4096

static struct e820_entry entries[MAX_ENTRIES];
static struct e820_change changes[E820_CHANGES(MAX_ENTRIES)];
static struct pfn_range usable[MAX_ENTRIES];

/* Read every E820 line of @in into @map.  Returns 0 or the exit status. */
static int read_map(FILE *in, const char *name, struct e820_map *map)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int status = 0;

	while (getline(&line, &cap, in) >= 0) {
		struct e820_entry e;
		int r;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		r = e820_parse_line(line, &e);
		if (r == 0)
			continue;
		if (r < 0 || e820_add(map, e.addr, e.size, e.type) < 0) {
			fprintf(stderr, "e820: %s:%lu: %s: %s\n", name, lineno,
				r < 0 ? "unreadable E820 line" :
					"too many E820 lines", line);
			status = 2;
			break;
		}
	}
	if (!status && ferror(in)) {
		perror(name);
		status = 1;
	}
	free(line);
	return status;
}

/* The zones the usable frames of a clipped map fall into, Linux-style. */
static void print_zones(const struct e820_map *map)
{
	static const char *const names[MAX_NR_ZONES] = { "DMA", "Normal", "HighMem" };
	uint64_t present[MAX_NR_ZONES] = { 0 };
	pfn_t first[MAX_NR_ZONES], last[MAX_NR_ZONES];
	unsigned int nr, i, z;

	if (e820_usable_pfns(map, E820_LIMIT_4G, usable, MAX_ENTRIES, &nr) < 0)
		nr = 0;
	for (i = 0; i < nr; i++) {
		pfn_t p;

		for (p = usable[i].start; p < usable[i].end; p++) {
			z = zone_type_of_pfn(p);
			if (!present[z])
				first[z] = p;
			last[z] = p;
			present[z]++;
		}
	}
	printf("Zone ranges:\n");
	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (!present[z]) {
			printf("  %-8s empty\n", names[z]);
			continue;
		}
		printf("  %-8s [mem 0x%016llx-0x%016llx] present %llu pages (%llu kB)\n",
		       names[z], (unsigned long long)PFN_PHYS(first[z]),
		       (unsigned long long)PFN_PHYS(last[z] + 1) - 1,
		       (unsigned long long)present[z],
		       (unsigned long long)present[z] * (PAGE_SIZE / 1024));
	}
}

int main(int argc, char **argv)
{
	struct e820_map map = { 0, MAX_ENTRIES, entries };
	const char *name = "<stdin>";
	FILE *in = stdin;
	uint64_t dropped;
	int status;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		fprintf(stderr, "usage: e820 [FILE]\n");
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "-") != 0) {
		name = argv[1];
		in = fopen(name, "r");
		if (!in) {
			perror(name);
			return 1;
		}
	}
	status = read_map(in, name, &map);
	if (in != stdin)
		fclose(in);
	if (status)
		return status;
	if (map.nr == 0) {
		fprintf(stderr, "e820: %s: no E820 lines found\n", name);
		return 1;
	}
	host_log_clear();
	if (e820_clean(&map, changes, E820_CHANGES(MAX_ENTRIES)) < 0) {
		fprintf(stderr, "e820: the cleaned map does not fit\n");
		return 1;
	}
	e820_print(&map, "e820: ");
	dropped = e820_clip(&map, E820_LIMIT_4G);
	fputs(host_log(), stdout);
	if (dropped)
		printf("e820: %llu MiB of RAM above 4 GiB unused (no PAE)\n",
		       (unsigned long long)(dropped >> 20));
	print_zones(&map);
	host_log_clear();
	return 0;
}
