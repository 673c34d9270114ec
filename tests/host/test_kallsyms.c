/*
 * Host tests of kernel/kallsyms.c, the lookup of a code address in the
 * kernel's symbol table, its invariant checker, and of %pS and %pB in
 * lib/printf.c, the kernel's formatter (compiled in here under other
 * names, as tests/host/test_printf.c does).  The table is this file's own:
 *
 *   0x1000 alpha       16 bytes
 *   0x1010 beta        32 bytes, then 16 bytes of padding
 *   0x1040 gamma.cold  64 bytes, then a gap up to
 *   0x2000 delta        8 bytes, the last
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define vsnprintf kvsnprintf
#define snprintf ksnprintf
#include "../../lib/printf.c"
#undef vsnprintf
#undef snprintf
#include "../../kernel/kallsyms.c"
#include "host.h"

const uint32_t kallsyms_num = 4;
const uint32_t kallsyms_addresses[] = { 0x1000, 0x1010, 0x1040, 0x2000 };
const uint16_t kallsyms_sizes[] = { 16, 32, 64, 8 };
const uint32_t kallsyms_name_offsets[] = { 0, 6, 11, 22 };
const char kallsyms_names[] = "alpha\0beta\0gamma.cold\0delta\0";
const uint32_t kallsyms_names_size = 28;

struct hit {
	uintptr_t addr;
	const char *name;	/* NULL: in no symbol */
	uint32_t offset, size;
};

static void test_lookup(void **state)
{
	static const struct hit hits[] = {
		{ 0x0fff, NULL, 0, 0 },			/* below the first */
		{ 0x1000, "alpha", 0, 16 },		/* its first byte */
		{ 0x1007, "alpha", 7, 16 },		/* inside */
		{ 0x100f, "alpha", 15, 16 },		/* its last byte */
		{ 0x1010, "beta", 0, 32 },		/* the next, adjacent */
		{ 0x102f, "beta", 31, 32 },
		{ 0x1030, NULL, 0, 0 },			/* padding after beta */
		{ 0x103f, NULL, 0, 0 },
		{ 0x1040, "gamma.cold", 0, 64 },
		{ 0x107f, "gamma.cold", 63, 64 },
		{ 0x1080, NULL, 0, 0 },			/* between symbols */
		{ 0x1fff, NULL, 0, 0 },
		{ 0x2000, "delta", 0, 8 },		/* the last */
		{ 0x2007, "delta", 7, 8 },
		{ 0x2008, NULL, 0, 0 },			/* above the last */
		{ 0xffffffff, NULL, 0, 0 },
		{ (uintptr_t)0x100001000ull, NULL, 0, 0 }, /* beyond 32 bits */
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(hits) / sizeof(hits[0]); i++) {
		const struct hit *h = &hits[i];
		const char *name = "untouched";
		uint32_t off = 0xdead, size = 0xbeef;
		bool found = kallsyms_lookup(h->addr, &name, &off, &size);

		if (!h->name) {
			if (found)
				fail_msg("0x%lx: found %s", (unsigned long)h->addr,
					 name);
			assert_string_equal(name, "untouched");
			assert_int_equal(off, 0xdead);
			assert_int_equal(size, 0xbeef);
			continue;
		}
		if (!found)
			fail_msg("0x%lx: not found", (unsigned long)h->addr);
		assert_string_equal(name, h->name);
		assert_int_equal(off, h->offset);
		assert_int_equal(size, h->size);
	}
}

static void test_lookup_empty_table(void **state)
{
	struct ksym_table t = { 0 };
	const char *name;
	uint32_t off, size;

	(void)state;
	assert_false(ksym_lookup(&t, 0x1000, &name, &off, &size));
	assert_int_equal(ksym_check(&t), 0);
}

/* Format with the kernel's formatter; compare with @want. */
static void check(const char *want, const char *fmt, ...)
{
	char out[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	if (strcmp(out, want) != 0 || n != (int)strlen(want))
		fail_msg("format \"%s\": got \"%s\" (%d), want \"%s\"", fmt,
			 out, n, want);
}

static void test_printf_symbol(void **state)
{
	(void)state;
	check("alpha+0x0/0x10", "%pS", (void *)0x1000);
	check("beta+0x1f/0x20", "%pS", (void *)0x102f);
	check("(caller gamma.cold+0x3f/0x40)", "(caller %pS)", (void *)0x107f);
	check("delta+0x7/0x8 x", "%pS x", (void *)0x2007);
	/* in no symbol: as %p prints it */
	check("0x0000000000001030", "%pS", (void *)0x1030);
	check("0x0000000000000fff", "%pS", (void *)0x0fff);
	check("0x0000000000002008", "%pS", (void *)0x2008);
	check("0x0000000000000000", "%pS", NULL);
	/* width and '-' pad the whole; the other flags are ignored */
	check("     alpha+0x1/0x10|", "%19pS|", (void *)0x1001);
	check("alpha+0x1/0x10     |", "%-19pS|", (void *)0x1001);
	check("alpha+0x1/0x10|", "%+#04pS|", (void *)0x1001);
	/* a lone 'S' after %p is what it always was: %p, then an S */
	check("0x0000000000001000s", "%ps", (void *)0x1000);
	check("%pS", "%%pS");
}

/* %pB: a return address names the call's function, offset kept. */
static void test_printf_return_address(void **state)
{
	(void)state;
	check("beta+0x20/0x20", "%pB", (void *)0x1030); /* after its end */
	check("gamma.cold+0x1/0x40", "%pB", (void *)0x1041);
	check("0x0000000000001000", "%pB", (void *)0x1000); /* 0xfff: none */
	check("alpha+0x10/0x10", "%pB", (void *)0x1010);
	check("0x0000000000000000", "%pB", NULL);
}

static void test_check_accepts_the_table(void **state)
{
	(void)state;
	host_log_clear();
	assert_int_equal(kallsyms_check(), 0);
	assert_string_equal(host_log(), "");
}

/* A copy of the test table the checker may be shown broken. */
struct bad_table {
	uint32_t addresses[4];
	uint16_t sizes[4];
	uint32_t name_offsets[4];
	struct ksym_table t;
};

static void bad_table_init(struct bad_table *b)
{
	memcpy(b->addresses, kallsyms_addresses, sizeof(b->addresses));
	memcpy(b->sizes, kallsyms_sizes, sizeof(b->sizes));
	memcpy(b->name_offsets, kallsyms_name_offsets,
	       sizeof(b->name_offsets));
	b->t = (struct ksym_table){
		.num = 4, .addresses = b->addresses, .sizes = b->sizes,
		.name_offsets = b->name_offsets, .names = kallsyms_names,
		.names_size = kallsyms_names_size,
	};
	host_log_clear();
}

static void expect_violation(struct bad_table *b, const char *line)
{
	assert_int_equal(ksym_check(&b->t), 1);
	if (!host_log_contains(line) || host_log_count("\n") != 1)
		fail_msg("expected '%s', log:\n%s", line, host_log());
}

static void test_check_catches_damage(void **state)
{
	struct bad_table b;

	(void)state;
	bad_table_init(&b);
	b.addresses[2] = 0x1010;
	expect_violation(&b, "kallsyms_check: S1 symbol 2 at 0x00001010 follows 0x00001010\n");
	bad_table_init(&b);
	b.sizes[1] = 0x31;
	expect_violation(&b, "kallsyms_check: S2 symbol 1 at 0x00001010, 49 bytes, overlaps the next at 0x00001040\n");
	bad_table_init(&b);
	b.sizes[3] = 0;
	expect_violation(&b, "kallsyms_check: S2 symbol 3 at 0x00002000 has size 0\n");
	bad_table_init(&b);
	b.name_offsets[0] = 28;
	expect_violation(&b, "kallsyms_check: S3 symbol 0: name offset 28 beyond 28 bytes of names\n");
	bad_table_init(&b);
	b.name_offsets[1] = 5;		/* the NUL after "alpha" */
	expect_violation(&b, "kallsyms_check: S3 symbol 1 at 0x00001010: name of 0 characters at offset 5\n");
	bad_table_init(&b);
	b.t.names_size = 25;		/* "delta" runs past the end */
	expect_violation(&b, "kallsyms_check: S3 symbol 3 at 0x00002000: name of 3 characters at offset 22\n");
	host_log_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_empty_table),
		cmocka_unit_test(test_printf_symbol),
		cmocka_unit_test(test_printf_return_address),
		cmocka_unit_test(test_check_accepts_the_table),
		cmocka_unit_test(test_check_catches_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
