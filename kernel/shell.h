/*
 * The console shell: a command table that any subsystem extends by
 * dropping a SHELL_COMMAND() into its own file.  The entries are gathered
 * by the linker into the .shell_cmds section, so adding a command touches
 * no shared file.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include "mm/types.h"

#define SHELL_MAX_ARGS	16

struct shell_cmd {
	const char *name;
	const char *usage;	/* arguments, e.g. "ADDR" or "[N SEED]" */
	const char *help;	/* one line */
	int (*fn)(int argc, char **argv);	/* argv[0] is the name; 0 = ok */
};

#define SHELL_COMMAND(sym, name_, usage_, help_, fn_)			\
	static const struct shell_cmd __shell_cmd_##sym			\
	__attribute__((used, section(".shell_cmds"), aligned(4))) =	\
		{ name_, usage_, help_, fn_ }

/* Run the read-eval loop forever.  Context: process, IRQs on. */
__attribute__((noreturn)) void shell_run(void);

/* Execute one command line (also used by boot-time scripts). */
int shell_exec(char *line);

/* Parse a number: decimal, or hex with 0x; K/M/G suffixes allowed. */
int shell_parse_u64(const char *s, uint64_t *out);

#endif /* KERNEL_SHELL_H */
