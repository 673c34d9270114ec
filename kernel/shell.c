/*
 * The console shell: read a line with simple editing, split it into words,
 * run the command of that name.
 *
 * Commands live in the .shell_cmds section (SHELL_COMMAND in kernel/shell.h)
 * so each subsystem brings its own.  Line editing: Backspace, Ctrl-U
 * (erase line), Ctrl-C (abandon line), and Up/Down through a short history
 * (ANSI escape sequences from a serial terminal).
 *
 * Context: process context with interrupts enabled (input blocks).
 */
#include "console.h"
#include "klock.h"
#include "shell.h"
#include "mm/arch.h"

#define LINE_MAX	256
#define HISTORY		8
#define PROMPT		"mm> "

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

static char history[HISTORY][LINE_MAX];
static unsigned int history_len;

static const struct shell_cmd *shell_find(const char *name)
{
	const struct shell_cmd *c;

	for (c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int split_words(char *line, char **argv)
{
	int argc = 0;

	while (*line) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		if (argc == SHELL_MAX_ARGS)
			return -E2BIG;
		argv[argc++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	return argc;
}

/* A command runs holding the kernel lock, interrupts as it left them. */
static int shell_run_cmd(const struct shell_cmd *c, int argc, char **argv)
{
	unsigned long flags = arch_irq_save();
	int ret;

	klock_acquire();
	arch_irq_restore(flags);
	ret = c->fn(argc, argv);
	flags = arch_irq_save();
	klock_release();
	arch_irq_restore(flags);
	return ret;
}

int shell_exec(char *line)
{
	char *argv[SHELL_MAX_ARGS + 1];
	const struct shell_cmd *c;
	int argc = split_words(line, argv);

	if (argc < 0) {
		printk("too many arguments (at most %d)\n", SHELL_MAX_ARGS);
		return argc;
	}
	if (argc == 0)
		return 0;
	argv[argc] = NULL;
	c = shell_find(argv[0]);
	if (!c) {
		printk("%s: unknown command (try 'help')\n", argv[0]);
		return -ENOENT;
	}
	return shell_run_cmd(c, argc, argv);
}

static void erase_chars(unsigned int n)
{
	while (n--)
		console_write("\b \b", 3);
}

static void replace_line(char *buf, unsigned int *len, const char *with)
{
	erase_chars(*len);
	*len = (unsigned int)strlen(with);
	memcpy(buf, with, *len);
	console_write(buf, *len);
}

/* The line @back entries before the newest (1: the newest). */
static const char *history_entry(unsigned int back)
{
	return history[(history_len - back) % HISTORY];
}

/*
 * ESC [ A / ESC [ B: walk the history.  Up stops at the oldest entry
 * kept, the one HISTORY lines back at most: older ones have been
 * overwritten by newer ones, which Up would otherwise show again.
 */
static void handle_escape(char *buf, unsigned int *len, unsigned int *hpos)
{
	unsigned int kept = MIN(history_len, (unsigned int)HISTORY);
	int c1 = console_getc(), c2;

	if (c1 != '[')
		return;
	c2 = console_getc();
	if (c2 == 'A' && *hpos < kept) {
		(*hpos)++;
		replace_line(buf, len, history_entry(*hpos));
	} else if (c2 == 'B' && *hpos > 0) {
		(*hpos)--;
		replace_line(buf, len, *hpos ? history_entry(*hpos) : "");
	}
}

static void history_add(const char *line)
{
	if (!*line)
		return;
	memcpy(history[history_len % HISTORY], line, strlen(line) + 1);
	history_len++;
}

static void read_line(char *buf)
{
	unsigned int len = 0, hpos = 0;

	for (;;) {
		int c = console_getc();

		if (c == '\n' || c == '\r') {
			console_write("\n", 1);
			buf[len] = '\0';
			return;
		} else if (c == '\b') {
			if (len) {
				len--;
				erase_chars(1);
			}
		} else if (c == 0x15) {			/* Ctrl-U */
			erase_chars(len);
			len = 0;
		} else if (c == 0x03) {			/* Ctrl-C */
			console_write("^C\n", 3);
			len = 0;
			buf[0] = '\0';
			return;
		} else if (c == 0x1b) {
			handle_escape(buf, &len, &hpos);
		} else if (c >= ' ' && c < 0x7f && len < LINE_MAX - 1) {
			buf[len++] = (char)c;
			console_putc((char)c);
		}
	}
}

void shell_run(void)
{
	static char line[LINE_MAX];

	for (;;) {
		console_write(PROMPT, sizeof(PROMPT) - 1);
		read_line(line);
		history_add(line);
		shell_exec(line);
	}
}

static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	default: return -1;
	}
}

int shell_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned int base = 10, digits = 0;
	int shift;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (!digits)
		return -EINVAL;
	if (*s) {
		shift = suffix_shift(*s);
		if (shift < 0 || s[1] || (v >> (64 - shift)))
			return -EINVAL;
		v <<= shift;
	}
	*out = v;
	return 0;
}

/* The command after @prev in name order (NULL: the first). */
static const struct shell_cmd *next_by_name(const struct shell_cmd *prev)
{
	const struct shell_cmd *c, *best = NULL;

	for (c = __shell_cmds_start; c < __shell_cmds_end; c++) {
		if (prev && strcmp(c->name, prev->name) <= 0)
			continue;
		if (!best || strcmp(c->name, best->name) < 0)
			best = c;
	}
	return best;
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *c;

	(void)argc;
	(void)argv;
	for (c = next_by_name(NULL); c; c = next_by_name(c))
		printk("  %-12s %-14s %s\n", c->name, c->usage, c->help);
	return 0;
}
SHELL_COMMAND(help, "help", "", "list the commands", cmd_help);
