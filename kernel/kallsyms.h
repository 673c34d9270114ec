/*
 * kallsyms: the kernel's own text symbols, to name a code address in a
 * report as Linux does, "kmem_cache_free+0x1c/0x90" (symbol+offset/size).
 *
 * The table is generated at link time by tools/kallsyms from a first link
 * of the kernel and linked into the second (the Makefile and
 * docs/DESIGN.md tell how); it lives in .rodata.  printk's %pS and %pB
 * (lib/printf.c) print through kallsyms_lookup().
 *
 * Invariants of the table (kallsyms_check()):
 *  S1. Addresses strictly increase.
 *  S2. Every symbol has a size of at least one byte and ends no later
 *      than the next one starts: symbols never overlap.
 *  S3. Every name offset lies inside kallsyms_names and points at a
 *      non-empty name of at most KALLSYMS_NAME_MAX characters.
 *
 * Locking: none; the table is constant.  Every function may be called
 * from any context, the panic path included.
 */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest name the table holds (tools/kallsyms refuses longer). */
#define KALLSYMS_NAME_MAX	127

/* Room for "name+0xoffset/0xsize" and its NUL. */
#define KSYM_SYMBOL_LEN		(KALLSYMS_NAME_MAX + 24)

/*
 * kallsyms_lookup - the text symbol that holds @addr.
 * On success *@name is the symbol's name (in the table: do not free),
 * *@offset the distance of @addr from its start, *@size its length.
 * Returns: true, or false when @addr lies in no symbol (outside the
 * kernel text, or in the padding between two functions); then the
 * outputs are untouched.
 */
bool kallsyms_lookup(uintptr_t addr, const char **name, uint32_t *offset,
		     uint32_t *size);

/*
 * kallsyms_check - invariants S1-S3 of the table.
 * Returns: the number of violations, each printed in one line.
 */
unsigned int kallsyms_check(void);

/*
 * The table, written by tools/kallsyms: kallsyms_num symbols in address
 * order; symbol i starts at kallsyms_addresses[i], is kallsyms_sizes[i]
 * bytes long and is named at kallsyms_names + kallsyms_name_offsets[i].
 */
extern const uint32_t kallsyms_num;
extern const uint32_t kallsyms_addresses[];
extern const uint16_t kallsyms_sizes[];
extern const uint32_t kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const uint32_t kallsyms_names_size;	/* bytes, NULs included */

#endif /* KERNEL_KALLSYMS_H */
