/*
 * What every benchmark worker shares outside its timed loops: the fatal
 * error line, a malloc that cannot fail quietly and the number parser of
 * the command lines.
 *
 * Locking: none; bench_die() may be called from any thread and ends the
 * process.
 */
#include <stdarg.h>

#include "bench.h"

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *bench_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		bench_die("out of host memory (%zu bytes)", n);
	return p;
}

uint64_t bench_parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*s == '\0' || *end != '\0')
		bench_die("%s: not a number: %s", what, s);
	return v;
}
