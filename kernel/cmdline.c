/*
 * The kernel command line from the Multiboot information.
 *
 * The line is copied once, on first use, into a static buffer, so that it
 * stays readable whatever becomes of the boot loader's memory.  Both GRUB
 * and QEMU's -kernel loader put the image's path in front of the options
 * ("/boot/kmem386.elf memmap=exactmap ..."); a first word that holds a '/'
 * is taken for that path and skipped.  Words are separated by spaces;
 * quoting is not supported (no option needs it).
 *
 * The string is read through the direct map; at the first call (early in
 * bootmem_init()) only the boot mapping of 0-4 MiB exists, so a line the
 * loader put above that is ignored with a warning.
 *
 * Locking: none.  The first call happens at early boot on one CPU; after
 * that the buffer is read-only.
 */
#include "cmdline.h"
#include "early_paging.h"
#include "multiboot.h"
#include "mm/arch.h"

#define CMDLINE_MAX	4096

static char line[CMDLINE_MAX];
static const char *options = "";
static bool loaded;

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy the loader's string, if there is one and it is mapped. */
static void cmdline_load(void)
{
	const struct multiboot_info *mbi;
	const char *src;
	size_t n = 0;

	loaded = true;
	if (boot_magic != MULTIBOOT_BOOTLOADER_MAGIC ||
	    boot_mbi_phys + sizeof(*mbi) > early_paging_mapped_end())
		return;
	mbi = (const struct multiboot_info *)(uintptr_t)(boot_mbi_phys + PAGE_OFFSET);
	if (!(mbi->flags & MB_INFO_CMDLINE))
		return;
	if (mbi->cmdline >= early_paging_mapped_end()) {
		printk("cmdline: at 0x%x, beyond the early direct map: ignored\n",
		       mbi->cmdline);
		return;
	}
	src = (const char *)(uintptr_t)(mbi->cmdline + PAGE_OFFSET);
	while (n < CMDLINE_MAX - 1 &&
	       mbi->cmdline + n + 1 < early_paging_mapped_end() && src[n]) {
		line[n] = src[n];
		n++;
	}
	line[n] = '\0';
	if (src[n])
		printk("cmdline: longer than %u bytes, cut\n", CMDLINE_MAX - 1);
	options = line;
	while (*options && is_space(*options))
		options++;
	for (n = 0; options[n] && !is_space(options[n]); n++)
		if (options[n] == '/') {
			options += n;
			while (*options && !is_space(*options))
				options++;
			break;
		}
	while (*options && is_space(*options))
		options++;
}

const char *kernel_cmdline(void)
{
	if (!loaded)
		cmdline_load();
	return options;
}

/* The word starting at or after *@pos: sets *@pos past it. */
static bool next_word(size_t *pos, const char **word, size_t *len)
{
	const char *s = kernel_cmdline();
	size_t i = *pos, start;

	while (s[i] && is_space(s[i]))
		i++;
	if (!s[i])
		return false;
	start = i;
	while (s[i] && !is_space(s[i]))
		i++;
	*word = s + start;
	*len = i - start;
	*pos = i;
	return true;
}

bool cmdline_has_flag(const char *word)
{
	size_t pos = 0, len, n = strlen(word);
	const char *w;

	while (next_word(&pos, &w, &len))
		if (len == n && memcmp(w, word, n) == 0)
			return true;
	return false;
}

bool cmdline_next_option(const char *key, size_t *pos, const char **val,
			 size_t *len)
{
	size_t n = strlen(key), wlen;
	const char *w;

	while (next_word(pos, &w, &wlen)) {
		if (wlen > n && w[n] == '=' && memcmp(w, key, n) == 0) {
			*val = w + n + 1;
			*len = wlen - n - 1;
			return true;
		}
	}
	return false;
}
