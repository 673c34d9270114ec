/*
 * Host tests of tools/kallsyms, the generator of the kernel's symbol
 * table (compiled in here without its main()): which of nm's symbols it
 * keeps, the extent it gives each, the C it writes, and what it refuses.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define KALLSYMS_NO_MAIN
#include "../../tools/kallsyms.c"

/* Run the generator on @in; returns its status, output in *@out. */
static int generate(const char *in, bool empty, char **out)
{
	FILE *fin = fmemopen((void *)in, strlen(in), "r");
	size_t len = 0;
	FILE *fout;
	int err;

	assert_non_null(fin);
	fout = open_memstream(out, &len);
	assert_non_null(fout);
	err = kallsyms_generate(fin, fout, empty);
	fclose(fout);
	fclose(fin);
	return err;
}

#define NM_HEADER							\
	"\n\nSymbols from kmem386.elf:\n\n"				\
	"Name                  Value   Class        Type         Size     Line  Section\n\n"

/*
 * What nm -n -f sysv prints for a kernel, cut down: the boot code, the
 * markers, assembly labels and a local label, C functions and a clone,
 * an object in .text, two names at one address, data and absolutes.
 */
static const char nm_kernel[] = NM_HEADER
	"BOOT_STACK_SIZE     |00004000|   a  |            NOTYPE|        |     |*ABS*\n"
	"_start              |00100010|   T  |            NOTYPE|        |     |.boot\n"
	"__text_start        |c0101000|   T  |            NOTYPE|        |     |.text\n"
	"higher_half         |c0101000|   t  |            NOTYPE|        |     |.text\n"
	"higher_half.hang    |c010101f|   t  |            NOTYPE|        |     |.text\n"
	"trap_stub_0         |c0101030|   T  |            NOTYPE|        |     |.text\n"
	"trap_stub_1         |c0101039|   T  |            NOTYPE|        |     |.text\n"
	"user_copy.done      |c0101040|   t  |            OBJECT|00000004|     |.text\n"
	"kfree               |c0101050|   T  |              FUNC|00000020|     |.text\n"
	"kfree_alias         |c0101050|   W  |              FUNC|00000020|     |.text\n"
	"slab_free.cold      |c0101070|   t  |              FUNC|00000009|     |.text\n"
	"last_asm            |c0101080|   T  |            NOTYPE|        |     |.text\n"
	"__text_end          |c0101090|   T  |            NOTYPE|        |     |.text\n"
	"__rodata_start      |c0102000|   R  |            NOTYPE|        |     |.rodata\n"
	"jiffies             |c0103000|   B  |            OBJECT|00000008|     |.bss\n";

static const char table_kernel[] =
	"/* The kernel's text symbols (kernel/kallsyms.h), written by tools/kallsyms. */\n"
	"#include \"kallsyms.h\"\n"
	"\n"
	"const uint32_t kallsyms_num = 6;\n"
	"\n"
	"const uint32_t kallsyms_addresses[] = {\n"
	"\t0xc0101000, 0xc0101030, 0xc0101039, 0xc0101050, 0xc0101070, 0xc0101080,\n"
	"};\n"
	"\n"
	"const uint16_t kallsyms_sizes[] = {\n"
	"\t48, 9, 23, 32, 9, 16,\n"
	"};\n"
	"\n"
	"const uint32_t kallsyms_name_offsets[] = {\n"
	"\t0, 12, 24, 36, 42, 57,\n"
	"};\n"
	"\n"
	"const char kallsyms_names[] =\n"
	"\t\"higher_half\\0\"\n"
	"\t\"trap_stub_0\\0\"\n"
	"\t\"trap_stub_1\\0\"\n"
	"\t\"kfree\\0\"\n"
	"\t\"slab_free.cold\\0\"\n"
	"\t\"last_asm\\0\";\n"
	"\n"
	"const uint32_t kallsyms_names_size = 66;\n";

/*
 * Kept: assembly labels (each to the next symbol: trap_stub_1 runs over
 * the object in .text up to kfree), C functions (their ELF size), one
 * name per address (kfree, not its alias), the clone.  Left out: the
 * boot code, the markers, the local label, the object, data, absolutes.
 */
static void test_kernel_listing(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(generate(nm_kernel, false, &out), 0);
	assert_string_equal(out, table_kernel);
	free(out);
}

/* nm's order is not relied on; a FUNC wins over a label at its address. */
static void test_order_and_ties(void **state)
{
	static const char in[] = NM_HEADER
		"__text_end          |c0101100|   T  |            NOTYPE|        |     |.text\n"
		"b_label             |c0101010|   T  |            NOTYPE|        |     |.text\n"
		"a_func              |c0101010|   t  |              FUNC|00000100|     |.text\n"
		"__text_start        |c0101000|   T  |            NOTYPE|        |     |.text\n"
		"first               |c0101000|   T  |              FUNC|00000000|     |.text\n";
	char *out = NULL;

	(void)state;
	assert_int_equal(generate(in, false, &out), 0);
	/* first: size 0 -> to a_func; a_func: 0x100 cut at __text_end */
	assert_non_null(strstr(out, "\t0xc0101000, 0xc0101010,\n"));
	assert_non_null(strstr(out, "\t16, 240,\n"));
	assert_non_null(strstr(out, "\t\"first\\0\"\n\t\"a_func\\0\";\n"));
	assert_null(strstr(out, "b_label"));
	free(out);
}

static void test_empty_table(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(generate("", true, &out), 0);
	assert_non_null(strstr(out, "const uint32_t kallsyms_num = 0;\n"));
	assert_non_null(strstr(out, "const uint32_t kallsyms_addresses[] = {\n};\n"));
	assert_non_null(strstr(out, "const char kallsyms_names[] = \"\";\n"));
	assert_non_null(strstr(out, "const uint32_t kallsyms_names_size = 0;\n"));
	free(out);
}

/* Refusals: no markers, a symbol too long for a u16, a name too long. */
static void test_refusals(void **state)
{
	char in[2 * NM_LINE_MAX], name[NM_LINE_MAX + 100];
	char *out = NULL;

	(void)state;
	assert_int_equal(generate(NM_HEADER "kfree |c0101050|   T  |  FUNC|00000020|     |.text\n",
				  false, &out), -1);
	free(out);
	out = NULL;
	assert_int_equal(generate(NM_HEADER
		"__text_start        |c0100000|   T  |            NOTYPE|        |     |.text\n"
		"huge                |c0100000|   T  |            NOTYPE|        |     |.text\n"
		"__text_end          |c0110000|   T  |            NOTYPE|        |     |.text\n",
		false, &out), -1);
	free(out);
	out = NULL;
	memset(name, 'x', 128);
	name[128] = '\0';
	snprintf(in, sizeof(in), NM_HEADER
		 "__text_start|c0100000|T|NOTYPE||     |.text\n"
		 "%s|c0100000|T|FUNC|00000010|     |.text\n"
		 "__text_end|c0100100|T|NOTYPE||     |.text\n", name);
	assert_int_equal(generate(in, false, &out), -1);
	free(out);
	out = NULL;
	/* a line past NM_LINE_MAX: its end alone would read as a symbol */
	memset(name, 'y', NM_LINE_MAX + 50);
	name[NM_LINE_MAX + 50] = '\0';
	snprintf(in, sizeof(in),
		 "__text_start|c0100000|T|NOTYPE||     |.text\n"
		 "%s|c0100000|T|FUNC|00000010|     |.text\n"
		 "__text_end|c0100100|T|NOTYPE||     |.text\n", name);
	assert_int_equal(generate(in, false, &out), -1);
	free(out);
	out = NULL;
	name[127] = '\0';		/* 127 characters: the most allowed */
	snprintf(in, sizeof(in), NM_HEADER
		 "__text_start|c0100000|T|NOTYPE||     |.text\n"
		 "%s|c0100000|T|FUNC|00000010|     |.text\n"
		 "__text_end|c0100100|T|NOTYPE||     |.text\n", name);
	assert_int_equal(generate(in, false, &out), 0);
	assert_non_null(strstr(out, name));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_listing),
		cmocka_unit_test(test_order_and_ties),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
