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
 * Lines end at LF, CR LF or a lone CR.  Only the first LINE_KEEP - 1
 * bytes of a line are kept (the rest is read and dropped), so a huge line
 * costs no memory; a cut line whose kept part holds "e820" counts as
 * unreadable.  "[mem 0x0000000000000000-0xffffffffffffffff]" (2^64 bytes)
 * is read exactly, as two halves.
 *
 * Exit status: 0 on success; 1 if the input cannot be read or holds no
 * E820 line; 2 if a line looks like an E820 line but cannot be read (bad
 * hex, end before start, unknown type name, too long): a message names
 * the line and quotes at most QUOTE_MAX bytes of it ("..." if cut), and
 * no map is printed.
 *
 * Design: the output is whatever mm/e820.c prints (it goes to the host
 * printk log), followed by the zone table; the tool adds no formatting of
 * its own to the map lines, so they are the kernel's lines to the byte.
 * Locking: single-threaded program.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mm/e820.h"
#include "mm/zones.h"

#define MAX_ENTRIES	4096
#define LINE_KEEP	1024	/* a line's bytes kept; E820 lines need ~100 */
#define QUOTE_MAX	160	/* a bad line's bytes quoted */

static struct e820_entry entries[MAX_ENTRIES];
static struct e820_change changes[E820_CHANGES(MAX_ENTRIES)];
static struct pfn_range usable[MAX_ENTRIES];

/*
 * Read one line of @in into @buf, ended by "\n", "\r\n" or a lone "\r"
 * (old Mac files; without this every line after the first would be
 * lost).  The first LINE_KEEP - 1 bytes are kept; the rest is read and
 * dropped.  Returns false at the end of the input; *@cut says whether
 * bytes were dropped.
 */
static bool read_line(FILE *in, char buf[LINE_KEEP], bool *cut)
{
	size_t n = 0;
	int c;

	*cut = false;
	while ((c = getc(in)) != EOF && c != '\n' && c != '\r') {
		if (n < LINE_KEEP - 1)
			buf[n++] = (char)c;
		else
			*cut = true;
	}
	if (c == '\r' && (c = getc(in)) != '\n' && c != EOF)
		ungetc(c, in);
	buf[n] = '\0';
	return n > 0 || *cut || c != EOF;
}

/* Report an E820 line that cannot be read, quoted up to QUOTE_MAX bytes. */
static void report_line(const char *name, unsigned long lineno,
			const char *why, const char *line, bool cut)
{
	bool longer = cut || strlen(line) > QUOTE_MAX;

	fprintf(stderr, "e820: %s:%lu: %s: %.*s%s\n", name, lineno, why,
		QUOTE_MAX, line, longer ? "..." : "");
}

/* Read every E820 line of @in into @map.  Returns 0 or the exit status. */
static int read_map(FILE *in, const char *name, struct e820_map *map)
{
	static char line[LINE_KEEP];
	unsigned long lineno = 0;
	bool cut;

	while (read_line(in, line, &cut)) {
		struct e820_entry e[E820_LINE_ENTRIES];
		int r, i;

		lineno++;
		r = e820_parse_line(line, e);
		if (r == 0 && !(cut && strstr(line, "e820")))
			continue;
		if (r <= 0 || cut) {
			report_line(name, lineno, cut ? "E820 line too long" :
				    "unreadable E820 line", line, cut);
			return 2;
		}
		for (i = 0; i < r; i++) {
			const struct e820_entry *x = &e[i];

			if (e820_add(map, x->addr, x->size, x->type) < 0) {
				report_line(name, lineno, "too many E820 lines",
					    line, false);
				return 2;
			}
		}
	}
	if (ferror(in)) {
		perror(name);
		return 1;
	}
	return 0;
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
	e820_print_unused(dropped);
	fputs(host_log(), stdout);
	print_zones(&map);
	host_log_clear();
	return 0;
}
