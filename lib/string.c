/*
 * Freestanding memory and string functions for the kernel.
 *
 * The kernel links no libc, yet the compiler emits calls to memset, memcpy
 * and memmove on its own (structure copies, large initialisers), and mm/
 * calls them by name.  memset and memcpy move the aligned bulk with
 * "rep stosl" / "rep movsl", which is the fastest simple form on every CPU
 * from the 386 on, and the odd bytes at either end with "rep stosb/movsb".
 * The string functions are plain loops: they only ever see short strings
 * (command lines, names).
 *
 * GCC may recognise a copy or fill loop and replace it with a call to
 * memcpy or memset, which would recurse here; the only such loop
 * (memmove's backward copy) carries a compiler barrier to prevent that.
 *
 * Locking: none; every function works only on its arguments and may be
 * called in any context, including IRQ handlers and the panic path.  The
 * string instructions assume the direction flag is clear, as the i386 ABI
 * guarantees at every function call.
 */
#include "mm/arch.h"
#include "kstring.h"

/* Below this size the alignment work costs more than "rep stosl" saves. */
#define STRING_BULK_MIN	16

static inline void *rep_stosb(void *dst, uint8_t val, size_t n)
{
	__asm__ volatile("rep stosb"
			 : "+D"(dst), "+c"(n)
			 : "a"(val)
			 : "memory");
	return dst;
}

static inline void *rep_stosl(void *dst, uint32_t val, size_t n)
{
	__asm__ volatile("rep stosl"
			 : "+D"(dst), "+c"(n)
			 : "a"(val)
			 : "memory");
	return dst;
}

/* Copy forward; returns the advanced destination, updates *src. */
static inline void *rep_movsb(void *dst, const void **src, size_t n)
{
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(*src), "+c"(n)
			 :
			 : "memory");
	return dst;
}

static inline void *rep_movsl(void *dst, const void **src, size_t n)
{
	__asm__ volatile("rep movsl"
			 : "+D"(dst), "+S"(*src), "+c"(n)
			 :
			 : "memory");
	return dst;
}

/* Bytes needed to bring @p up to a 4-byte boundary. */
static inline size_t misalign_bytes(const void *p)
{
	return (size_t)(-(uintptr_t)p & 3);
}

void *memset(void *s, int c, size_t n)
{
	uint8_t byte = (uint8_t)c;
	void *p = s;
	size_t head;

	if (n >= STRING_BULK_MIN) {
		head = misalign_bytes(p);
		p = rep_stosb(p, byte, head);
		n -= head;
		p = rep_stosl(p, byte * 0x01010101u, n / 4);
		n &= 3;
	}
	rep_stosb(p, byte, n);
	return s;
}

/*
 * Forward copy.  Also correct for overlapping buffers when @dst is below
 * @src, which memmove relies on: every byte is read before the copy
 * reaches it.
 */
static void copy_forward(void *dst, const void *src, size_t n)
{
	size_t head;

	if (n >= STRING_BULK_MIN) {
		/* Align the destination: misaligned stores cost the most. */
		head = misalign_bytes(dst);
		dst = rep_movsb(dst, &src, head);
		n -= head;
		dst = rep_movsl(dst, &src, n / 4);
		n &= 3;
	}
	rep_movsb(dst, &src, n);
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

/*
 * The backward case is rare (moving a buffer up onto itself), so it is a
 * byte loop rather than "std; rep movsb": running with the direction flag
 * set would hand any interrupt taken meanwhile a reversed string unit.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n) {
		copy_forward(dst, src, n);
		return dst;
	}
	while (n--) {
		d[n] = s[n];
		/* Keeps GCC from turning this loop into a memmove() call. */
		__asm__ volatile("" : : : "memory");
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != q[i])
			return p[i] - q[i];
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Characters compare as unsigned char, as in C's strcmp. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q || *p == '\0')
			return *p - *q;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t n;

	if (size > 0) {
		n = len < size ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
