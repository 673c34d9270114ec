/*
 * Tests of the host tool build/host/e820 (tools/e820.c): it is run on the
 * maps in tests/data and its standard output, standard error and exit
 * status are checked.  The tool is found next to this test binary (the
 * Makefile builds it before this test).  Run from the top of the tree.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static char tool[4096];

struct run {
	int status;		/* exit status */
	char *out;		/* standard output */
	char *err;		/* standard error */
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	assert_non_null(f);
	m = open_memstream(&buf, &len);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/*
 * Run "@before TOOL @args" in the shell: @before may be a pipe into the
 * tool or a ulimit, @args may hold "< file".
 */
static struct run run_shell(const char *before, const char *args)
{
	char out[] = "/tmp/e820-tool-out-XXXXXX", err[] = "/tmp/e820-tool-err-XXXXXX";
	char cmd[8192];
	struct run r;
	int fo = mkstemp(out), fe = mkstemp(err), st;

	assert_true(fo >= 0 && fe >= 0);
	close(fo);
	close(fe);
	snprintf(cmd, sizeof(cmd), "%s %s %s >%s 2>%s", before, tool, args,
		 out, err);
	st = system(cmd);
	assert_true(WIFEXITED(st));
	r.status = WEXITSTATUS(st);
	r.out = slurp(out);
	r.err = slurp(err);
	unlink(out);
	unlink(err);
	return r;
}

static struct run run_tool(const char *args)
{
	return run_shell("", args);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static const char *const real_maps[] = {
	"ec2-r5d-32g", "haos-minipc", "qemu-i440fx-2g", "tencent-cvm-16g",
	"firecracker-1g", "vmware-1g", "dell-mm061", "sis740-512m",
	"pc1999-320m", "ubuntu-4g-remap", "overlap-unaligned",
};

/* Every map gives its recorded output, from a file and from stdin. */
static void test_expected_outputs(void **state)
{
	char args[512], path[512];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(real_maps) / sizeof(real_maps[0]); i++) {
		struct run r;
		char *want;

		snprintf(path, sizeof(path), "tests/data/%s.expected", real_maps[i]);
		want = slurp(path);
		snprintf(args, sizeof(args), "tests/data/%s.txt", real_maps[i]);
		r = run_tool(args);
		assert_int_equal(r.status, 0);
		assert_string_equal(r.out, want);
		assert_string_equal(r.err, "");
		run_free(&r);
		snprintf(args, sizeof(args), "< tests/data/%s.txt", real_maps[i]);
		r = run_tool(args);
		assert_int_equal(r.status, 0);
		assert_string_equal(r.out, want);
		run_free(&r);
		free(want);
	}
}

/* The synthetic map, worked out by hand (see tests/data/overlap-unaligned.txt). */
static void test_overlap_unaligned_by_hand(void **state)
{
	struct run r = run_tool("tests/data/overlap-unaligned.txt");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out,
		"e820: [mem 0x0000000000000000-0x000000000009efff] usable\n"
		"e820: [mem 0x000000000009f000-0x00000000000fffff] reserved\n"
		"e820: [mem 0x0000000000100000-0x0000000000ffffff] usable\n"
		"e820: [mem 0x0000000001000000-0x00000000010003ff] ACPI NVS\n"
		"e820: [mem 0x0000000001000400-0x0000000003feffff] usable\n"
		"e820: [mem 0x0000000003ff0000-0x0000000003ffffff] ACPI data\n"
		"e820: [mem 0x0000000004000000-0x0000000004000fff] unusable\n"
		"e820: [mem 0x0000000004001000-0x0000000004010fff] ACPI data\n"
		"e820: [mem 0x0000000004011000-0x0000000007efffff] usable\n"
		"e820: [mem 0x0000000007f00000-0x00000000080007ff] reserved\n"
		"e820: [mem 0x0000000008000800-0x0000000008ffffff] usable\n"
		"e820: [mem 0x00000000fee00000-0x00000000fee00fff] reserved\n"
		"e820: [mem 0x00000000fffc0000-0x00000001000fffff] reserved\n"
		"e820: [mem 0x0000000100100000-0x000000013fffffff] usable\n"
		"e820: dropped [mem 0x0000000100000000-0x00000001000fffff] reserved: at or above 0x100000000, not addressable without PAE\n"
		"e820: dropped [mem 0x0000000100100000-0x000000013fffffff] usable: at or above 0x100000000, not addressable without PAE\n"
		"e820: 1023 MiB of RAM above 4 GiB unused (no PAE)\n"
		"Zone ranges:\n"
		"  DMA      [mem 0x0000000000000000-0x0000000000ffffff] present 3999 pages (15996 kB)\n"
		"  Normal   [mem 0x0000000001001000-0x0000000008ffffff] present 32477 pages (129908 kB)\n"
		"  HighMem  empty\n");
	run_free(&r);
}

/* Old form (exclusive end) comes out in the new form (inclusive end). */
static void test_old_form_and_highmem(void **state)
{
	struct run r = run_tool("tests/data/sis740-512m.txt");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out,
		"e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"));
	assert_non_null(strstr(r.out,
		"e820: [mem 0x00000000fffc0000-0x00000000ffffffff] reserved\n"));
	assert_non_null(strstr(r.out, "  HighMem  empty\n"));
	run_free(&r);
	/* Dell: usable RAM ends inside a frame; the frame is not counted */
	r = run_tool("tests/data/dell-mm061.txt");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out,
		"  HighMem  [mem 0x0000000038000000-0x00000000bfed2fff] present 556755 pages (2227020 kB)\n"));
	run_free(&r);
}

static void test_bad_lines(void **state)
{
	struct run r = run_tool("tests/data/bad-hex.txt");

	(void)state;
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err,
		"e820: tests/data/bad-hex.txt:4: unreadable E820 line: "
		"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x0000000007fdzfff] usable\n");
	run_free(&r);
	r = run_tool("< tests/data/end-before-start.txt");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err,
		"e820: <stdin>:3: unreadable E820 line: "
		" BIOS-e820: 0000000000100000 - 00000000000f0000 (usable)\n");
	run_free(&r);
}

static void test_no_map_and_usage(void **state)
{
	struct run r = run_tool("tests/data/no-e820.txt");

	(void)state;
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "e820: tests/data/no-e820.txt: no E820 lines found\n");
	run_free(&r);
	r = run_tool("tests/data/does-not-exist.txt");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, "");
	run_free(&r);
	r = run_tool("a b");
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "usage: e820 [FILE]\n");
	run_free(&r);
}

/*
 * A 256 MiB line is read with a bounded buffer (the tool runs under a
 * 32 MiB address-space limit), consumed whole, and quoted cut; a long
 * line with no E820 text in its first KiB is skipped like any other.
 */
static void test_long_lines(void **state)
{
	char want[512];
	struct run r;

	(void)state;
	r = run_shell("ulimit -v 32768; { printf 'x BIOS-e820: [mem 0x'; "
		      "head -c 268435456 /dev/zero | tr '\\0' '0'; "
		      "printf -- '-0x1] usable\\n'; } |", "");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.out, "");
	snprintf(want, sizeof(want),
		 "e820: <stdin>:1: E820 line too long: x BIOS-e820: [mem 0x%0140d...\n", 0);
	assert_string_equal(r.err, want);
	run_free(&r);
	r = run_shell("ulimit -v 32768; { head -c 268435456 /dev/zero | "
		      "tr '\\0' 'y'; printf 'e820\\n'; "
		      "cat tests/data/qemu-i440fx-2g.txt; } |", "");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "Zone ranges:\n"));
	run_free(&r);
	/* a bad line under the buffer but over the quote: cut at 160 bytes */
	r = run_shell("printf 'BIOS-e820: [mem 0x1-0x0] usable%0200d\\n' 0 |", "");
	assert_int_equal(r.status, 2);
	snprintf(want, sizeof(want),
		 "e820: <stdin>:1: unreadable E820 line: "
		 "BIOS-e820: [mem 0x1-0x0] usable%0129d...\n", 0);
	assert_string_equal(r.err, want);
	run_free(&r);
}

/* Lines ended by a lone CR, or by CR LF, give the map LF ends give. */
static void test_line_endings(void **state)
{
	char *want = slurp("tests/data/qemu-i440fx-2g.expected");
	struct run r;

	(void)state;
	r = run_shell("tr '\\n' '\\r' < tests/data/qemu-i440fx-2g.txt |", "");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, want);
	run_free(&r);
	r = run_shell("sed 's/$/\\r/' tests/data/qemu-i440fx-2g.txt |", "");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, want);
	run_free(&r);
	free(want);
	/* lines are counted at each CR: the bad one is the third */
	r = run_shell("printf 'a\\rb\\r\\nBIOS-e820: nonsense\\rc' |", "");
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err,
		"e820: <stdin>:3: unreadable E820 line: BIOS-e820: nonsense\n");
	run_free(&r);
}

/* [mem 0x0-0xffffffffffffffff] is 2^64 bytes: read exactly, in halves. */
static void test_whole_space(void **state)
{
	struct run r = run_shell("printf 'BIOS-e820: [mem 0x0000000000000000-"
				 "0xffffffffffffffff] reserved\\n' |", "");

	(void)state;
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out,
		"e820: [mem 0x0000000000000000-0x7fffffffffffffff] reserved\n"
		"e820: [mem 0x8000000000000000-0xffffffffffffffff] reserved\n"
		"e820: dropped [mem 0x0000000100000000-0x7fffffffffffffff] reserved: at or above 0x100000000, not addressable without PAE\n"
		"e820: dropped [mem 0x8000000000000000-0xffffffffffffffff] reserved: at or above 0x100000000, not addressable without PAE\n"
		"Zone ranges:\n"
		"  DMA      empty\n"
		"  Normal   empty\n"
		"  HighMem  empty\n");
	run_free(&r);
	r = run_shell("printf 'BIOS-e820: [mem 0x0000000000000000-"
		      "0xffffffffffffffff] usable\\n' |", "");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out,
		"e820: 17592186040320 MiB of RAM above 4 GiB unused (no PAE)\n"));
	run_free(&r);
}

/* RAM dropped above 4 GiB is said in KiB or bytes under 1 MiB, never "0 MiB". */
static void test_unused_units(void **state)
{
	static const struct {
		const char *last, *says;
	} cases[] = {
		{ "1000001ff", "512 bytes" },
		{ "1000003ff", "1 KiB" },
		{ "1000ffbff", "1023 KiB" },
		{ "1000ffffe", "1048575 bytes" },
		{ "1000fffff", "1 MiB" },
	};
	char pipe[256], want[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;

		snprintf(pipe, sizeof(pipe),
			 "printf 'BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\\n"
			 "BIOS-e820: [mem 0x0000000100000000-0x%016llx] usable\\n' |",
			 strtoull(cases[i].last, NULL, 16));
		r = run_shell(pipe, "");
		assert_int_equal(r.status, 0);
		snprintf(want, sizeof(want),
			 "e820: %s of RAM above 4 GiB unused (no PAE)\n",
			 cases[i].says);
		if (!strstr(r.out, want))
			fail_msg("%s: wanted '%s' in:\n%s", cases[i].last, want, r.out);
		run_free(&r);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expected_outputs),
		cmocka_unit_test(test_overlap_unaligned_by_hand),
		cmocka_unit_test(test_old_form_and_highmem),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_no_map_and_usage),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_whole_space),
		cmocka_unit_test(test_unused_units),
	};
	const char *slash = strrchr(argv[0], '/');

	(void)argc;
	snprintf(tool, sizeof(tool), "%.*se820",
		 slash ? (int)(slash - argv[0] + 1) : 0, argv[0]);
	if (access(tool, X_OK) != 0) {
		fprintf(stderr, "%s: not built (make %s)\n", tool, tool);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
