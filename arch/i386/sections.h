/*
 * The kernel image's layout as arch/i386/linker.ld lays it out: the
 * boundaries of the image and of its text, rodata and data, as virtual
 * addresses.  Only their addresses mean anything.  The tables the linker
 * gathers into rodata (shell commands, self-tests, the exception table,
 * user programs) are declared, with their element type, in the one file
 * that walks each.
 */
#ifndef ARCH_I386_SECTIONS_H
#define ARCH_I386_SECTIONS_H

extern char __kernel_start[], __kernel_end[];	/* the image; end 4 KiB aligned */
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

#endif /* ARCH_I386_SECTIONS_H */
