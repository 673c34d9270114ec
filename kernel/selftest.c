/*
 * The `selftest [SUITE]` command: runs the in-kernel test cases that
 * subsystems register with SELFTEST() (kernel/selftest.h), one line per
 * case and a total that pytest reads.
 *
 * Context: the shell (process context, IRQs on).  Cases run one after the
 * other; each must leave the allocators as it found them.
 */
#include <stdarg.h>
#include "kallsyms.h"
#include "selftest.h"
#include "shell.h"
#include "mm/zones.h"

extern const struct selftest __selftests_start[], __selftests_end[];

static char reason[256];

const char *selftest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return reason;
}

void zone_free_take(struct zone_free *s)
{
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++)
		s->free[i] = zone_free_pages(&zones[i]);
}

const char *zone_free_compare(const struct zone_free *before)
{
	struct zone_free now;
	unsigned int i;

	zone_free_take(&now);
	for (i = 0; i < MAX_NR_ZONES; i++)
		if (now.free[i] != before->free[i])
			return selftest_fail("zone %s: %u free frames, %u before",
					     zones[i].name, now.free[i],
					     before->free[i]);
	return NULL;
}

static bool suite_exists(const char *suite)
{
	const struct selftest *t;

	for (t = __selftests_start; t < __selftests_end; t++)
		if (strcmp(t->suite, suite) == 0)
			return true;
	return false;
}

static int cmd_selftest(int argc, char **argv)
{
	const char *suite = argc > 1 ? argv[1] : NULL;
	const struct selftest *t;
	unsigned int passed = 0, failed = 0;

	if (suite && !suite_exists(suite)) {
		printk("selftest: no suite '%s'\n", suite);
		return -ENOENT;
	}
	for (t = __selftests_start; t < __selftests_end; t++) {
		const char *why;

		if (suite && strcmp(t->suite, suite) != 0)
			continue;
		why = t->fn();
		if (why) {
			printk("FAIL %s.%s: %s\n", t->suite, t->name, why);
			failed++;
		} else {
			printk("PASS %s.%s\n", t->suite, t->name);
			passed++;
		}
	}
	printk("%u passed, %u failed\n", passed, failed);
	return failed ? -EINVAL : 0;
}
SHELL_COMMAND(selftest, "selftest", "[SUITE]", "run the in-kernel tests",
	      cmd_selftest);

/* The harness itself: these must hold for any other case to mean much. */
SELFTEST(core, parse_numbers)
{
	uint64_t v;

	if (shell_parse_u64("0x1F", &v) || v != 0x1f)
		return selftest_fail("0x1F parsed as 0x%llx", v);
	if (shell_parse_u64("64K", &v) || v != 65536)
		return selftest_fail("64K parsed as %llu", v);
	if (shell_parse_u64("3G", &v) || v != 3ull << 30)
		return selftest_fail("3G parsed as %llu", v);
	if (shell_parse_u64("12x", &v) != -EINVAL)
		return selftest_fail("12x accepted");
	if (shell_parse_u64("", &v) != -EINVAL)
		return selftest_fail("empty string accepted");
	return NULL;
}

/* The symbol table holds its invariants and names a function exactly. */
SELFTEST(core, kallsyms)
{
	uintptr_t fn = (uintptr_t)kallsyms_lookup;
	char buf[KSYM_SYMBOL_LEN];
	const char *name;
	uint32_t off, size;
	unsigned int bad = kallsyms_check();

	if (bad)
		return selftest_fail("kallsyms_check: %u violations", bad);
	if (!kallsyms_lookup(fn + 1, &name, &off, &size) ||
	    strcmp(name, "kallsyms_lookup") != 0 || off != 1 || size < 2)
		return selftest_fail("kallsyms_lookup+1 not found as such");
	if (!kallsyms_lookup(fn + size - 1, &name, &off, &size) ||
	    off != size - 1 || strcmp(name, "kallsyms_lookup") != 0)
		return selftest_fail("last byte of kallsyms_lookup not in it");
	if (kallsyms_lookup((uintptr_t)kallsyms_names, &name, &off, &size))
		return selftest_fail("rodata 0x%08x found in %s",
				     (unsigned int)(uintptr_t)kallsyms_names,
				     name);
	snprintf(buf, sizeof(buf), "%pS", (void *)fn);
	if (strncmp(buf, "kallsyms_lookup+0x0/0x", 22) != 0)
		return selftest_fail("%%pS printed '%s'", buf);
	return NULL;
}

SELFTEST(core, snprintf_formats)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%08x|%-4d|%5s|%llx", 0xbeefu, -3, "ab",
		 0x123456789abcull);
	if (strcmp(buf, "0000beef|-3  |   ab|123456789abc") != 0)
		return selftest_fail("got '%s'", buf);
	return NULL;
}
