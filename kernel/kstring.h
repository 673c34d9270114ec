/*
 * String helpers the kernel has beyond the compiler's freestanding set.
 *
 * memset, memcpy, memmove, memcmp, strlen, strcmp and strncmp are declared
 * in include/mm/arch.h, because mm/ uses them and the host build takes
 * them from libc.  The extras here are kernel-only; lib/string.c
 * implements both sets.
 */
#ifndef KERNEL_KSTRING_H
#define KERNEL_KSTRING_H

#include "mm/arch.h"

/*
 * strchr - find the first @c (converted to char) in @s.  The terminating
 * NUL counts as part of the string, so strchr(s, '\0') finds the end.
 * Context: any.
 * Returns: a pointer to the character, or NULL if it does not occur.
 */
char *strchr(const char *s, int c);

/*
 * strlcpy - copy @src into @dst of @size bytes, truncating if needed.
 * The result is always NUL-terminated when @size > 0.
 * Context: any.
 * Returns: strlen(@src); a value >= @size means it was truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* KERNEL_KSTRING_H */
