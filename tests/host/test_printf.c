/*
 * Host tests of lib/printf.c, the kernel's vsnprintf/snprintf.
 *
 * The host library takes snprintf from libc, so the kernel formatter is
 * compiled into this file under other names (ksnprintf, kvsnprintf) and
 * checked two ways: against fixed expected strings, including what is
 * ours alone (%p width, "(null)", unknown conversions), and against the
 * host libc for tens of thousands of random formats and values over every
 * supported conversion, flag, width, precision, length modifier and
 * buffer size.  Each output buffer is malloc'd at exactly its size, so
 * valgrind reports any write past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define vsnprintf kvsnprintf
#define snprintf ksnprintf
#include "../../lib/printf.c"
#undef vsnprintf
#undef snprintf

#define RANDOM_CASES	60000
#define CANARY		0xa5

static char out[512];

/* Format with ksnprintf into a large buffer; compare with @want. */
static void vcheck(const char *want, const char *fmt, va_list ap)
{
	int n = kvsnprintf(out, sizeof(out), fmt, ap);

	if (strcmp(out, want) != 0 || n != (int)strlen(want))
		fail_msg("format \"%s\": got \"%s\" (%d), want \"%s\" (%zu)",
			 fmt, out, n, want, strlen(want));
}

__attribute__((format(printf, 2, 3)))
static void check(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(want, fmt, ap);
	va_end(ap);
}

/* The same for formats the compiler's printf checker rightly rejects. */
static void check_unchecked(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(want, fmt, ap);
	va_end(ap);
}

static void test_integers(void **state)
{
	(void)state;
	check("0", "%d", 0);
	check("42 -42", "%d %i", 42, -42);
	check("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
	check("4294967295", "%u", UINT_MAX);
	check("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	check("10 777", "%o %o", 8u, 0777u);
	check("ffffffff 4294967295", "%lx %lu", 0xffffffffUL, 4294967295UL);
	check("-2147483648", "%ld", (long)INT_MIN);
	check("123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
	check("18446744073709551615", "%llu", ULLONG_MAX);
	check("-9223372036854775808", "%lld", LLONG_MIN);
	check("9223372036854775807", "%lld", LLONG_MAX);
	check("-56 2345 ff", "%hhd %hx %hhx", 200, 0x12345, 0x1ff);
	check("4096 -1", "%zu %td", (size_t)4096, (ptrdiff_t)-1);
	check("-1 18446744073709551615", "%jd %ju", (intmax_t)-1,
	      (uintmax_t)UINTMAX_MAX);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	check("   42|", "%5d|", 42);
	check("42   |", "%-5d|", 42);
	check("-0042", "%05d", -42);
	check("0000beef", "%08x", 0xbeefu);
	check("00000000deadbeef", "%016llx", 0xdeadbeefULL);
	check_unchecked("42   |", "%-05d|", 42);
	check("    42|", "%*d|", 6, 42);
	check("42    |", "%-*d|", 6, 42);
	check("42    |", "%*d|", -6, 42);
	check("+7 -7  7", "%+d %+d % d", 7, -7, 7);
	check("0x1f 0X1F 017 0", "%#x %#X %#o %#x", 0x1fu, 0x1fu, 017u, 0u);
	check("   007|", "%6.3d|", 7);
	check("|", "%.0d|", 0);
	check_unchecked("  -003", "%06.3d", -3);
	check("12345", "%2d", 12345);
}

static void test_strings_and_chars(void **state)
{
	const char unterminated[3] = { 'a', 'b', 'c' };

	(void)state;
	check("hello", "%s", "hello");
	check_unchecked("(null)", "%s", (char *)NULL);
	check_unchecked("  (null)|", "%8s|", (char *)NULL);
	check("abc", "%.3s", "abcdef");
	check("ab", "%.*s", 2, "abc");
	check("abc", "%.*s", -1, "abc");
	check("abc", "%.3s", unterminated);
	check("   hi|hi   |", "%5s|%-5s|", "hi", "hi");
	check("A", "%c", 'A');
	check("  x|x  |", "%3c|%-3c|", 'x', 'x');
	check("100%", "%d%%", 100);
}

static void test_pointer(void **state)
{
	(void)state;
	if (sizeof(void *) == 8) {
		check("0x0000000000001234", "%p", (void *)0x1234);
		check("0x0000000000000000", "%p", NULL);
		check("0xc00b8000000000ff  |", "%-20p|",
		      (void *)0xc00b8000000000ffULL);
	} else {
		check("0x00001234", "%p", (void *)0x1234);
		check("0x00000000", "%p", NULL);
		check("  0xc00b8000|", "%12p|", (void *)0xc00b8000);
	}
}

/*
 * Linked without a symbol table (as the ring-3 programs are), %pS and
 * %pB print the address as %p does; tests/host/test_kallsyms.c has them
 * with a table.
 */
static void test_symbol_without_table(void **state)
{
	char want[64];

	(void)state;
	assert_null(&kallsyms_lookup);
	snprintf(want, sizeof(want), "0x%0*lx|", (int)(2 * sizeof(void *)),
		 (unsigned long)(uintptr_t)test_pointer);
	check_unchecked(want, "%pS|", (void *)test_pointer);
	check_unchecked(want, "%pB|", (void *)test_pointer);
}

static void test_unusual_formats(void **state)
{
	(void)state;
	check_unchecked("", "");
	check_unchecked("%q", "%q");
	check_unchecked("%5q", "%5q");
	check_unchecked("50%", "50%");
	check_unchecked("a%-", "a%-");
	check_unchecked("1%y2", "%d%%y%d", 1, 2);
}

static void test_truncation(void **state)
{
	char buf[16];
	int n;

	(void)state;
	memset(buf, CANARY, sizeof(buf));
	n = ksnprintf(buf, 5, "hello %s", "world");
	assert_int_equal(n, 11);
	assert_string_equal(buf, "hell");
	assert_int_equal((unsigned char)buf[5], CANARY);

	memset(buf, CANARY, sizeof(buf));
	n = ksnprintf(buf, 1, "%d", 12345);
	assert_int_equal(n, 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal((unsigned char)buf[1], CANARY);

	assert_int_equal(ksnprintf(NULL, 0, "%08llx%s", 1ULL, "abc"), 11);

	memset(buf, CANARY, sizeof(buf));
	n = ksnprintf(buf, 0, "%d", 1);
	assert_int_equal(n, 1);
	assert_int_equal((unsigned char)buf[0], CANARY);

	n = ksnprintf(buf, sizeof(buf), "%1000d", 7);
	assert_int_equal(n, 1000);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

static void test_div_small(void **state)
{
	static const unsigned int bases[] = { 8, 10, 16 };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned int i, b;

	(void)state;
	for (i = 0; i < 20000; i++) {
		uint64_t n, want;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x >> (i % 64);
		want = n;
		b = bases[i % 3];
		assert_int_equal(div_small(&n, b), want % b);
		assert_true(n == want / b);
	}
}

/* --- random comparison against the host libc ---------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* Values with every magnitude, and the edges, equally likely. */
static uint64_t rnd_value(void)
{
	static const uint64_t edges[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
		0x80000000, 0xffffffff, 0x100000000ULL, INT64_MAX,
		(uint64_t)INT64_MIN, UINT64_MAX, (uint64_t)-1000,
	};

	switch (rnd_below(3)) {
	case 0: return edges[rnd_below(ARRAY_SIZE(edges))];
	case 1: return rnd() >> rnd_below(64);
	default: return rnd();
	}
}

struct rcase {
	char fmt[64];
	int stars[2];
	int nstars;
	char conv;
	enum fmt_length length;
};

static const char *const length_text[] = {
	[LEN_INT] = "", [LEN_CHAR] = "hh", [LEN_SHORT] = "h",
	[LEN_LONG] = "l", [LEN_LLONG] = "ll", [LEN_MAX] = "j",
	[LEN_SIZE] = "z", [LEN_PTRDIFF] = "t",
};

/* Flags whose meaning C defines for the conversion. */
static const char *allowed_flags(char conv)
{
	switch (conv) {
	case 'd':
	case 'i': return "-0+ ";
	case 'u': return "-0";
	case 'o':
	case 'x':
	case 'X': return "-0#";
	default: return "-";
	}
}

static void rnd_count(struct rcase *rc, char *p, int lo, int hi)
{
	if (rnd_below(3) == 0) {
		strcat(p, "*");
		rc->stars[rc->nstars++] = lo + (int)rnd_below(hi - lo + 1);
	} else {
		sprintf(p + strlen(p), "%u", rnd_below(hi > 0 ? hi + 1 : 1));
	}
}

static void rnd_case(struct rcase *rc)
{
	static const char convs[] = "diuoxXcs";
	const char *flags;
	char *p = rc->fmt;
	unsigned int i;

	memset(rc, 0, sizeof(*rc));
	rc->conv = convs[rnd_below(sizeof(convs) - 1)];
	strcpy(p, rnd_below(2) ? "<" : "");
	flags = allowed_flags(rc->conv);
	strcat(p, "%");
	for (i = 0; flags[i]; i++)
		if (rnd_below(4) == 0)
			strncat(p, &flags[i], 1);
	if (rnd_below(3))
		rnd_count(rc, p, -25, 25);
	if (rc->conv != 'c' && rnd_below(2)) {
		strcat(p, ".");
		rnd_count(rc, p, -3, 25);
	}
	if (rc->conv != 'c' && rc->conv != 's')
		rc->length = rnd_below(ARRAY_SIZE(length_text));
	strcat(p, length_text[rc->length]);
	strncat(p, &rc->conv, 1);
	strcat(p, rnd_below(2) ? ">" : "");
}

static size_t case_size;
static unsigned int cases_run;

/* Run one format on both formatters with exact-size buffers; compare. */
static void compare(const char *fmt, ...)
{
	char *mine = case_size ? malloc(case_size) : NULL;
	/* libc gets a buffer even for size 0: gcc rejects a NULL one. */
	char *ref = malloc(case_size ? case_size : 1);
	va_list ap, aq;
	int n_mine, n_ref;

	if (case_size) {
		memset(mine, CANARY, case_size);
		memset(ref, CANARY, case_size);
	}
	va_start(ap, fmt);
	va_copy(aq, ap);
	n_mine = kvsnprintf(mine, case_size, fmt, ap);
	n_ref = vsnprintf(ref, case_size, fmt, aq);
	va_end(aq);
	va_end(ap);
	if (n_mine != n_ref ||
	    (case_size && memcmp(mine, ref, case_size) != 0))
		fail_msg("case %u format \"%s\" size %zu: got \"%.*s\" (%d), "
			 "libc \"%.*s\" (%d)", cases_run, fmt, case_size,
			 (int)case_size, mine ? mine : "", n_mine,
			 (int)case_size, ref, n_ref);
	free(mine);
	free(ref);
	cases_run++;
}

/* Call compare() with the '*' arguments, then the value as type T. */
#define COMPARE(rc, T, v)						\
	do {								\
		if ((rc)->nstars == 0)					\
			compare((rc)->fmt, (T)(v));			\
		else if ((rc)->nstars == 1)				\
			compare((rc)->fmt, (rc)->stars[0], (T)(v));	\
		else							\
			compare((rc)->fmt, (rc)->stars[0],		\
				(rc)->stars[1], (T)(v));		\
	} while (0)

static void compare_signed(const struct rcase *rc, uint64_t v)
{
	switch (rc->length) {
	case LEN_LONG: COMPARE(rc, long, v); break;
	case LEN_LLONG: COMPARE(rc, long long, v); break;
	case LEN_MAX: COMPARE(rc, intmax_t, v); break;
	case LEN_SIZE: COMPARE(rc, ssize_t, v); break;
	case LEN_PTRDIFF: COMPARE(rc, ptrdiff_t, v); break;
	default: COMPARE(rc, int, v); break;
	}
}

static void compare_unsigned(const struct rcase *rc, uint64_t v)
{
	switch (rc->length) {
	case LEN_LONG: COMPARE(rc, unsigned long, v); break;
	case LEN_LLONG: COMPARE(rc, unsigned long long, v); break;
	case LEN_MAX: COMPARE(rc, uintmax_t, v); break;
	case LEN_SIZE: COMPARE(rc, size_t, v); break;
	case LEN_PTRDIFF: COMPARE(rc, ptrdiff_t, v); break;
	default: COMPARE(rc, unsigned int, v); break;
	}
}

static const char *rnd_string(void)
{
	static const char *const pool[] = {
		"", "a", "hello", "kmem386 buddy allocator",
		"0123456789abcdefghijklmnopqrstuvwxyz0123456789",
	};

	return pool[rnd_below(ARRAY_SIZE(pool))];
}

static void test_random_against_libc(void **state)
{
	struct rcase rc;
	unsigned int i;

	(void)state;
	for (i = 0; i < RANDOM_CASES; i++) {
		rnd_case(&rc);
		/* Mostly roomy buffers, often tight ones, sometimes none. */
		case_size = rnd_below(4) ? rnd_below(80) : rnd_below(4);
		switch (rc.conv) {
		case 'd':
		case 'i': compare_signed(&rc, rnd_value()); break;
		case 'c': COMPARE(&rc, int, rnd_below(256)); break;
		case 's': COMPARE(&rc, const char *, rnd_string()); break;
		default: compare_unsigned(&rc, rnd_value()); break;
		}
	}
	assert_int_equal(cases_run, RANDOM_CASES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_symbol_without_table),
		cmocka_unit_test(test_unusual_formats),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_div_small),
		cmocka_unit_test(test_random_against_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
