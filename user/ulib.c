/*
 * The user library: program entry, system-call stubs, string helpers and
 * a small printf (%d %i %u %x %s %c %p %%, l/ll, width, zero padding, '-').
 *
 * The kernel starts a program at _start with the stack holding a null
 * return address, argc and argv, the way a C call would leave it.
 */
#include <stdarg.h>
#include "ulib.h"

void _start(int argc, char **argv);

void _start(int argc, char **argv)
{
	exit(main(argc, argv));
}

long syscall5(long nr, long a, long b, long c, long d, long e)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return ret;
}

void exit(int status)
{
	syscall5(SYS_exit, status, 0, 0, 0, 0);
	for (;;)
		;
}

int fork(void)
{
	return (int)syscall5(SYS_fork, 0, 0, 0, 0, 0);
}

int write(int fd, const void *buf, size_t len)
{
	return (int)syscall5(SYS_write, fd, (long)buf, (long)len, 0, 0);
}

int waitpid(int pid, int *status, int options)
{
	return (int)syscall5(SYS_waitpid, pid, (long)status, options, 0, 0);
}

int wait(int *status)
{
	return waitpid(-1, status, 0);
}

int getpid(void)
{
	return (int)syscall5(SYS_getpid, 0, 0, 0, 0, 0);
}

long brk(void *addr)
{
	return syscall5(SYS_brk, (long)addr, 0, 0, 0, 0);
}

void *sbrk(long incr)
{
	long old = brk(0), now;

	if (old < 0)
		return MAP_FAILED;
	now = brk((char *)old + incr);
	if (now < 0)
		return MAP_FAILED;
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	long r;

	(void)off;
	r = syscall5(SYS_mmap, (long)addr, (long)len, prot, flags, fd);
	if (r < 0 && r > -4096)
		return MAP_FAILED;
	return (void *)r;
}

int munmap(void *addr, size_t len)
{
	return (int)syscall5(SYS_munmap, (long)addr, (long)len, 0, 0, 0);
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)syscall5(SYS_mprotect, (long)addr, (long)len, prot, 0, 0);
}

int yield(void)
{
	return (int)syscall5(SYS_yield, 0, 0, 0, 0, 0);
}

int kmem_stats(struct kmem_ustats *st)
{
	return (int)syscall5(SYS_kmem_stats, (long)st, 0, 0, 0, 0);
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int atoi(const char *s)
{
	int v = 0, neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

/* --- printf ------------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len;
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct out *o, unsigned long long v, unsigned int base,
		    int width, char pad, int left, int neg)
{
	char tmp[24];
	int n = 0, i, len;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	len = n;
	if (!left)
		for (i = n; i < width; i++)
			out_c(o, pad);
	while (n)
		out_c(o, tmp[--n]);
	if (left)
		for (i = len; i < width; i++)
			out_c(o, ' ');
}

static unsigned long long arg_u(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long arg_s(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void out_str(struct out *o, const char *s, int width, int left)
{
	int n = (int)strlen(s), i;

	if (!left)
		for (i = n; i < width; i++)
			out_c(o, ' ');
	while (*s)
		out_c(o, *s++);
	if (left)
		for (i = n; i < width; i++)
			out_c(o, ' ');
}

static void out_fmt(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, lng = 0, left = 0;
		char pad = ' ';

		if (*fmt != '%') {
			out_c(o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = 1;
			fmt++;
		}
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = arg_s(&ap, lng);

			out_num(o, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
				10, width, pad, left, v < 0);
			break;
		}
		case 'u':
			out_num(o, arg_u(&ap, lng), 10, width, pad, left, 0);
			break;
		case 'x':
			out_num(o, arg_u(&ap, lng), 16, width, pad, left, 0);
			break;
		case 'p':
			out_str(o, "0x", 0, 0);
			out_num(o, (unsigned long)va_arg(ap, void *), 16, 8, '0',
				0, 0);
			break;
		case 's':
			out_str(o, va_arg(ap, const char *), width, left);
			break;
		case 'c':
			out_c(o, (char)va_arg(ap, int));
			break;
		case '\0':
			return;
		default:
			out_c(o, *fmt);
		}
	}
}

static int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	out_fmt(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	return write(1, buf, (size_t)n);
}

void fail(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: %s\n", buf);
	exit(1);
}
