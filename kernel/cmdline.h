/*
 * The kernel command line, as the boot loader passed it (GRUB's
 * "multiboot" line after the image name, or QEMU's -append).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "mm/types.h"

/* The whole line ("" if none).  Context: any, after early boot. */
const char *kernel_cmdline(void);

/* True if a word of the line equals @word exactly (e.g. "slab_debug"). */
bool cmdline_has_flag(const char *word);

/*
 * cmdline_next_option - iterate over "key=value" words with a given key.
 * @key: e.g. "memmap"
 * @pos: cursor, start with 0
 * @val/@len: the value of the next match
 * Returns: true while a match was found.
 */
bool cmdline_next_option(const char *key, size_t *pos, const char **val,
			 size_t *len);

#endif /* KERNEL_CMDLINE_H */
