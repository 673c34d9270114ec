/*
 * kallsyms - the kernel's text symbol table as C source, from the output
 * of `nm -n -f sysv` on a linked kernel.
 *
 * Usage: nm -n -f sysv kmem386.elf | kallsyms > table.c
 *        kallsyms --empty > table.c     (a table of no symbols)
 *
 * The kernel is linked twice (the Makefile says how): first with the
 * empty table, then with the table this tool made from that first link.
 * The table holds data only, placed after all text, so the second link
 * leaves every text symbol where the first put it; the Makefile checks
 * that by running the tool on the second link too and comparing.
 *
 * Which symbols: those nm lists in section .text between the linker
 * script's markers __text_start and __text_end (the markers themselves
 * are no functions), of class T, t, W or w, and of type FUNC (C
 * functions, static ones and compiler clones such as foo.cold included)
 * or NOTYPE (assembly labels).  A NOTYPE name with a '.' is an assembly
 * local label (nasm names ".hang" under "higher_half" as
 * "higher_half.hang"): it is part of its parent and left out.
 *
 * Extents: a FUNC symbol ends after its ELF size; a NOTYPE symbol (or a
 * FUNC of size 0) ends where the next symbol starts, or at __text_end.
 * Either ends no later than the next symbol's start, so the table's
 * symbols never overlap.  Of several symbols at one address the table
 * keeps one: a FUNC before a NOTYPE, then the first name in byte order.
 *
 * Output (declared in kernel/kallsyms.h): kallsyms_num, and in address
 * order kallsyms_addresses[] (u32), kallsyms_sizes[] (u16),
 * kallsyms_name_offsets[] (u32, into kallsyms_names), kallsyms_names
 * (the names, each ended by a NUL) and kallsyms_names_size (its bytes).
 *
 * Exit status: 0 on success; 1 if the input cannot be used (a marker
 * missing, a symbol longer than KALLSYMS_SIZE_MAX bytes or with a name
 * longer than KALLSYMS_NAME_MAX characters) or memory runs out, with one
 * line saying why on standard error and nothing on standard output.
 * A longer input line than NM_LINE_MAX - 2 bytes is refused too (nm's
 * lines for names within the limit are far shorter).
 *
 * Locking: single-threaded program.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KALLSYMS_NAME_MAX	127		/* kernel/kallsyms.h's bound */
#define KALLSYMS_SIZE_MAX	0xffffu		/* what a u16 size holds */
#define NM_LINE_MAX		1024

struct ksym {
	char *name;
	uint32_t addr;
	uint32_t size;		/* ELF size; 0 when nm gives none */
	bool func;		/* FUNC, else NOTYPE */
};

struct ksym_list {
	struct ksym *v;
	size_t n, cap;
	bool have_start, have_end;
	uint32_t text_start, text_end;
};

/* Strip blanks at both ends of @s in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Split a sysv line at '|' into @max fields; returns how many. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		char *bar = strchr(line, '|');

		if (bar)
			*bar = '\0';
		f[n++] = trim(line);
		if (!bar)
			break;
		line = bar + 1;
	}
	return n;
}

static int ksym_nomem(void)
{
	fprintf(stderr, "kallsyms: out of memory\n");
	return -1;
}

static int ksym_add(struct ksym_list *l, const char *name, uint32_t addr,
		    uint32_t size, bool func)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		struct ksym *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return ksym_nomem();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	if (!l->v[l->n].name)
		return ksym_nomem();
	l->v[l->n].addr = addr;
	l->v[l->n].size = size;
	l->v[l->n].func = func;
	l->n++;
	return 0;
}

/* Is this a text symbol the table may hold (before the range check)? */
static bool ksym_wanted(const char *name, const char *cls, const char *type,
			const char *section)
{
	if (strcmp(section, ".text") != 0 || strlen(cls) != 1 ||
	    !strchr("TtWw", cls[0]))
		return false;
	if (strcmp(type, "FUNC") == 0)
		return true;
	return strcmp(type, "NOTYPE") == 0 && !strchr(name, '.');
}

/* One line of nm's sysv output: a marker, a wanted symbol, or nothing. */
static int ksym_parse_line(struct ksym_list *l, char *line)
{
	char *f[7];
	uint32_t addr, size;

	if (split(line, f, 7) != 7 || !*f[1])
		return 0;
	addr = (uint32_t)strtoul(f[1], NULL, 16);
	size = *f[4] ? (uint32_t)strtoul(f[4], NULL, 16) : 0;
	if (strcmp(f[0], "__text_start") == 0) {
		l->have_start = true;
		l->text_start = addr;
		return 0;
	}
	if (strcmp(f[0], "__text_end") == 0) {
		l->have_end = true;
		l->text_end = addr;
		return 0;
	}
	if (!ksym_wanted(f[0], f[2], f[3], f[6]))
		return 0;
	if (strlen(f[0]) > KALLSYMS_NAME_MAX) {
		fprintf(stderr, "kallsyms: symbol %s at 0x%08x: name longer "
			"than %d characters\n", f[0], addr, KALLSYMS_NAME_MAX);
		return -1;
	}
	return ksym_add(l, f[0], addr, size, strcmp(f[3], "FUNC") == 0);
}

/* Address order; at one address a FUNC first, then by name. */
static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->func != y->func)
		return x->func ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Sort, keep one symbol per address inside [__text_start, __text_end),
 * and give each its extent (the rules at the top of the file).
 */
static int ksym_finish(struct ksym_list *l)
{
	size_t i, n = 0;

	if (!l->have_start || !l->have_end || l->text_end < l->text_start) {
		fprintf(stderr, "kallsyms: no __text_start/__text_end pair in "
			"the input (is it `nm -n -f sysv` of the kernel?)\n");
		return -1;
	}
	qsort(l->v, l->n, sizeof(*l->v), ksym_cmp);
	for (i = 0; i < l->n; i++) {
		struct ksym *s = &l->v[i];

		if (s->addr < l->text_start || s->addr >= l->text_end ||
		    (n > 0 && l->v[n - 1].addr == s->addr)) {
			free(s->name);
			continue;
		}
		l->v[n++] = *s;
	}
	l->n = n;
	for (i = 0; i < n; i++) {
		struct ksym *s = &l->v[i];
		uint32_t room = (i + 1 < n ? l->v[i + 1].addr : l->text_end) -
				s->addr;

		if (!s->func || s->size == 0 || s->size > room)
			s->size = room;
		if (s->size > KALLSYMS_SIZE_MAX) {
			fprintf(stderr, "kallsyms: symbol %s at 0x%08x is %u "
				"bytes, more than the table's %u\n", s->name,
				s->addr, s->size, KALLSYMS_SIZE_MAX);
			return -1;
		}
	}
	return 0;
}

static void emit_header(FILE *out, size_t n)
{
	fprintf(out, "/* The kernel's text symbols (kernel/kallsyms.h), "
		"written by tools/kallsyms. */\n");
	fprintf(out, "#include \"kallsyms.h\"\n\n");
	fprintf(out, "const uint32_t kallsyms_num = %zu;\n", n);
}

/* One array of numbers, six to a line. */
static void emit_array(FILE *out, const char *decl, const uint32_t *v,
		       size_t n, const char *fmt)
{
	size_t i;

	fprintf(out, "\n%s[] = {", decl);
	for (i = 0; i < n; i++) {
		fputs(i % 6 ? " " : "\n\t", out);
		fprintf(out, fmt, v[i]);
		fputc(',', out);
	}
	fprintf(out, "\n};\n");
}

static int emit_table(FILE *out, const struct ksym_list *l)
{
	uint32_t *col = calloc(l->n ? l->n : 1, sizeof(*col));
	uint32_t off = 0;
	size_t i;

	if (!col)
		return ksym_nomem();
	emit_header(out, l->n);
	for (i = 0; i < l->n; i++)
		col[i] = l->v[i].addr;
	emit_array(out, "const uint32_t kallsyms_addresses", col, l->n,
		   "0x%08x");
	for (i = 0; i < l->n; i++)
		col[i] = l->v[i].size;
	emit_array(out, "const uint16_t kallsyms_sizes", col, l->n, "%u");
	for (i = 0; i < l->n; i++) {
		col[i] = off;
		off += (uint32_t)strlen(l->v[i].name) + 1;
	}
	emit_array(out, "const uint32_t kallsyms_name_offsets", col, l->n,
		   "%u");
	fprintf(out, "\nconst char kallsyms_names[] =");
	for (i = 0; i < l->n; i++)
		fprintf(out, "\n\t\"%s\\0\"", l->v[i].name);
	fprintf(out, "%s;\n", l->n ? "" : " \"\"");
	fprintf(out, "\nconst uint32_t kallsyms_names_size = %u;\n", off);
	free(col);
	return 0;
}

static void ksym_free(struct ksym_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * kallsyms_generate - read nm's listing from @in (none if @empty) and
 * write the table to @out.  Returns: 0, or -1 after a message on stderr.
 */
int kallsyms_generate(FILE *in, FILE *out, bool empty)
{
	struct ksym_list l = { 0 };
	char line[NM_LINE_MAX];
	int err = 0;

	if (!empty) {
		while (!err && fgets(line, sizeof(line), in)) {
			if (!strchr(line, '\n') && !feof(in)) {
				fprintf(stderr, "kallsyms: an input line is "
					"longer than %d bytes\n", NM_LINE_MAX - 2);
				err = -1;
				break;
			}
			err = ksym_parse_line(&l, line);
		}
		if (!err)
			err = ksym_finish(&l);
	}
	if (!err)
		err = emit_table(out, &l);
	ksym_free(&l);
	return err;
}

#ifndef KALLSYMS_NO_MAIN
int main(int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	bool empty = argc == 2 && strcmp(argv[1], "--empty") == 0;
	int err;

	if (argc > 2 || (argc == 2 && !empty)) {
		fprintf(stderr, "usage: nm -n -f sysv ELF | kallsyms\n"
			"       kallsyms --empty\n");
		return 1;
	}
	if (!mem)
		return 1;
	/* Nothing reaches stdout unless the whole table could be made. */
	err = kallsyms_generate(stdin, mem, empty);
	fclose(mem);
	if (!err)
		fwrite(buf, 1, len, stdout);
	free(buf);
	return err ? 1 : 0;
}
#endif
