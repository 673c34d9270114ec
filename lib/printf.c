/*
 * Formatted output into a bounded buffer: vsnprintf() and snprintf().
 *
 * One pass over the format: literal characters are copied, each
 * conversion is parsed into a struct fmt_spec (flags, width, precision,
 * length) and rendered by a function per kind (integer, string, char).
 * Every character goes through out_char(), which stores it only while it
 * fits and always counts it, which gives C99's return value (the length
 * the whole result would have) and a NUL-terminated, truncated buffer for
 * free.
 *
 * Supported: %d %i %u %o %x %X %c %s %p %pS %pB %%; the flags - 0 + space
 * #; a field width and a precision, either of them as '*'; the length
 * modifiers hh h l ll j z t.  %p prints "0x" and all the hex digits of a
 * pointer (8 on i386).  %pS names a code address as Linux does,
 * "symbol+0xoffset/0xsize", through kallsyms_lookup() (kernel/kallsyms.h),
 * and prints what %p would for an address in no symbol; only the width
 * and '-' apply to it.  %pB is %pS for a return address: it looks up the
 * address minus one, because a call that ends a function (to a function
 * that never returns) leaves a return address that is the first byte of
 * the next one, and prints the offset of the address itself.  A NULL %s prints "(null)", cut by the precision
 * like any string.  Not supported: floating point, %n (a write through a
 * format string is never wanted in a kernel), wide characters.  An
 * unknown conversion is copied to the output as written.
 *
 * 64-bit values are converted with 32-bit divisions only (div_small()),
 * so the i386 kernel needs no libgcc helper for %llu and friends.
 *
 * Locking: none; the functions touch only their arguments and the stack,
 * so any context may call them: IRQ handlers, interrupts off, the panic
 * path, early boot.
 */
#include <limits.h>
#include "mm/arch.h"
#include "kallsyms.h"

/*
 * The ring-3 programs link this file without the kernel's symbol table:
 * there the weak reference stays null and %pS prints the bare address.
 */
#pragma weak kallsyms_lookup

#define FMT_LEFT	0x01	/* '-': pad on the right */
#define FMT_ZERO	0x02	/* '0': pad numbers with zeros */
#define FMT_PLUS	0x04	/* '+': sign on non-negative numbers too */
#define FMT_SPACE	0x08	/* ' ': blank in place of a '+' sign */
#define FMT_ALT		0x10	/* '#': 0x prefix, leading 0 for octal */
#define FMT_UPPER	0x20	/* %X: upper-case digits and prefix */

enum fmt_length {
	LEN_INT,		/* none */
	LEN_CHAR,		/* hh */
	LEN_SHORT,		/* h */
	LEN_LONG,		/* l */
	LEN_LLONG,		/* ll */
	LEN_MAX,		/* j */
	LEN_SIZE,		/* z */
	LEN_PTRDIFF,		/* t */
};

struct fmt_spec {
	unsigned int flags;	/* FMT_* */
	int width;		/* minimum field width, 0 if none */
	int prec;		/* precision, -1 if none */
	enum fmt_length length;
	char conv;		/* conversion character */
};

/* The output buffer and the arguments, threaded through every helper. */
struct fmt_out {
	char *buf;
	size_t size;		/* bytes of buf, the NUL included */
	size_t len;		/* characters produced, stored or not */
	va_list ap;
};

/* Room for a 64-bit value in octal (22 digits). */
#define FMT_DIGITS_MAX	24

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/*
 * div_small - divide *n by @base (2..16) in place, return the remainder.
 * A 64-bit dividend is split into its high word and two 16-bit pieces of
 * the low word; each partial remainder is below @base, so every step fits
 * a 32-bit division and no __udivdi3 is needed.
 */
static unsigned int div_small(uint64_t *n, unsigned int base)
{
	uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n;
	uint32_t q_hi, q_mid, q_lo, rem;

	if (hi == 0) {
		*n = lo / base;
		return lo % base;
	}
	q_hi = hi / base;
	rem = hi % base;
	q_mid = ((rem << 16) | (lo >> 16)) / base;
	rem = ((rem << 16) | (lo >> 16)) % base;
	q_lo = ((rem << 16) | (lo & 0xffff)) / base;
	rem = ((rem << 16) | (lo & 0xffff)) % base;
	*n = ((uint64_t)q_hi << 32) | (q_mid << 16) | q_lo;
	return rem;
}

static const char *parse_flags(const char *f, struct fmt_spec *spec)
{
	for (;; f++) {
		switch (*f) {
		case '-': spec->flags |= FMT_LEFT; break;
		case '0': spec->flags |= FMT_ZERO; break;
		case '+': spec->flags |= FMT_PLUS; break;
		case ' ': spec->flags |= FMT_SPACE; break;
		case '#': spec->flags |= FMT_ALT; break;
		default: return f;
		}
	}
}

/*
 * A decimal number or '*' (taken from the arguments).  Absurd widths
 * saturate instead of overflowing an int.  Returns the character after it.
 */
static const char *parse_count(struct fmt_out *o, const char *f, int *val)
{
	if (*f == '*') {
		*val = va_arg(o->ap, int);
		return f + 1;
	}
	*val = 0;
	for (; *f >= '0' && *f <= '9'; f++) {
		if (*val <= (INT_MAX - 9) / 10)
			*val = *val * 10 + (*f - '0');
	}
	return f;
}

static const char *parse_length(const char *f, enum fmt_length *length)
{
	*length = LEN_INT;
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			*length = LEN_CHAR;
			return f + 2;
		}
		*length = LEN_SHORT;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			*length = LEN_LLONG;
			return f + 2;
		}
		*length = LEN_LONG;
		return f + 1;
	case 'j': *length = LEN_MAX; return f + 1;
	case 'z': *length = LEN_SIZE; return f + 1;
	case 't': *length = LEN_PTRDIFF; return f + 1;
	}
	return f;
}

/* Parse what follows '%'; returns a pointer to the conversion character. */
static const char *parse_spec(struct fmt_out *o, const char *f,
			      struct fmt_spec *spec)
{
	spec->flags = 0;
	spec->prec = -1;
	f = parse_flags(f, spec);
	f = parse_count(o, f, &spec->width);
	if (spec->width < 0) {
		/* A negative '*' width means '-' and its magnitude. */
		spec->flags |= FMT_LEFT;
		spec->width = spec->width == INT_MIN ? INT_MAX : -spec->width;
	}
	if (*f == '.') {
		f = parse_count(o, f + 1, &spec->prec);
		/* A negative '*' precision counts as none. */
		if (spec->prec < 0)
			spec->prec = -1;
	}
	f = parse_length(f, &spec->length);
	spec->conv = *f;
	return f;
}

static uint64_t fetch_unsigned(struct fmt_out *o, enum fmt_length length)
{
	switch (length) {
	case LEN_CHAR: return (unsigned char)va_arg(o->ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(o->ap, unsigned int);
	case LEN_LONG: return va_arg(o->ap, unsigned long);
	case LEN_LLONG: return va_arg(o->ap, unsigned long long);
	case LEN_MAX: return va_arg(o->ap, uintmax_t);
	case LEN_SIZE: return va_arg(o->ap, size_t);
	case LEN_PTRDIFF: return (size_t)va_arg(o->ap, ptrdiff_t);
	default: return va_arg(o->ap, unsigned int);
	}
}

static int64_t fetch_signed(struct fmt_out *o, enum fmt_length length)
{
	switch (length) {
	case LEN_CHAR: return (signed char)va_arg(o->ap, int);
	case LEN_SHORT: return (short)va_arg(o->ap, int);
	case LEN_LONG: return va_arg(o->ap, long);
	case LEN_LLONG: return va_arg(o->ap, long long);
	case LEN_MAX: return va_arg(o->ap, intmax_t);
	/* size_t has the width of long on both i386 and x86-64. */
	case LEN_SIZE: return (long)va_arg(o->ap, size_t);
	case LEN_PTRDIFF: return va_arg(o->ap, ptrdiff_t);
	default: return va_arg(o->ap, int);
	}
}

static unsigned int conv_base(char conv)
{
	switch (conv) {
	case 'o': return 8;
	case 'x':
	case 'X': return 16;
	default: return 10;
	}
}

/*
 * Render a number: [spaces] prefix [zeros] digits [spaces].  @prefix is
 * the sign or "0x"; the zeros come from the precision, from '#' on octal,
 * or from the '0' flag, which C ignores once a precision is given.
 */
static void fmt_number(struct fmt_out *o, const struct fmt_spec *spec,
		       uint64_t mag, const char *prefix)
{
	const char *xdigits = (spec->flags & FMT_UPPER) ? "0123456789ABCDEF"
							 : "0123456789abcdef";
	unsigned int base = conv_base(spec->conv);
	char digits[FMT_DIGITS_MAX];
	int ndigits = 0, zeros, pad, plen = 0;

	while (mag)
		digits[ndigits++] = xdigits[div_small(&mag, base)];
	while (prefix[plen])
		plen++;
	zeros = (spec->prec < 0 ? 1 : spec->prec) - ndigits;
	if (zeros < 0)
		zeros = 0;
	if (base == 8 && (spec->flags & FMT_ALT) && zeros == 0)
		zeros = 1;
	pad = spec->width - plen - zeros - ndigits;
	if (!(spec->flags & FMT_LEFT) && (spec->flags & FMT_ZERO) &&
	    spec->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(spec->flags & FMT_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, plen);
	out_repeat(o, '0', zeros);
	while (ndigits > 0)
		out_char(o, digits[--ndigits]);
	if (spec->flags & FMT_LEFT)
		out_repeat(o, ' ', pad);
}

static void fmt_signed(struct fmt_out *o, const struct fmt_spec *spec)
{
	int64_t val = fetch_signed(o, spec->length);
	/* Negate as unsigned: correct for the most negative value too. */
	uint64_t mag = val < 0 ? -(uint64_t)val : (uint64_t)val;
	const char *sign = "";

	if (val < 0)
		sign = "-";
	else if (spec->flags & FMT_PLUS)
		sign = "+";
	else if (spec->flags & FMT_SPACE)
		sign = " ";
	fmt_number(o, spec, mag, sign);
}

static void fmt_unsigned(struct fmt_out *o, struct fmt_spec *spec)
{
	uint64_t val = fetch_unsigned(o, spec->length);
	const char *prefix = "";

	if (spec->conv == 'X')
		spec->flags |= FMT_UPPER;
	if ((spec->flags & FMT_ALT) && val != 0 && spec->conv != 'o')
		prefix = spec->conv == 'X' ? "0X" : "0x";
	fmt_number(o, spec, val, prefix);
}

/* %p: "0x" and every hex digit of the pointer, whatever the flags say. */
static void fmt_address(struct fmt_out *o, struct fmt_spec *spec,
			uintptr_t val)
{
	spec->conv = 'x';
	spec->prec = 2 * sizeof(void *);
	spec->flags &= FMT_LEFT;
	fmt_number(o, spec, val, "0x");
}

/* Pad @s (@n characters) to the field width with spaces. */
static void fmt_padded(struct fmt_out *o, const struct fmt_spec *spec,
		       const char *s, size_t n)
{
	int pad = n < (size_t)spec->width ? spec->width - (int)n : 0;

	if (!(spec->flags & FMT_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, n);
	if (spec->flags & FMT_LEFT)
		out_repeat(o, ' ', pad);
}

/*
 * %pS and %pB (@conv 'S' or 'B'): "name+0xoff/0xsize", padded to the
 * width; the address as %p prints it when no symbol holds it.
 */
static void fmt_symbol(struct fmt_out *o, struct fmt_spec *spec, char conv)
{
	uintptr_t val = (uintptr_t)va_arg(o->ap, void *);
	uintptr_t at = conv == 'B' && val ? val - 1 : val;
	char sym[KSYM_SYMBOL_LEN];
	const char *name;
	uint32_t off, size;
	int n;

	if (!kallsyms_lookup || !kallsyms_lookup(at, &name, &off, &size)) {
		fmt_address(o, spec, val);
		return;
	}
	n = snprintf(sym, sizeof(sym), "%s+0x%x/0x%x", name,
		     (unsigned int)(off + (uint32_t)(val - at)),
		     (unsigned int)size);
	fmt_padded(o, spec, sym, n < (int)sizeof(sym) ? (size_t)n
						       : sizeof(sym) - 1);
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *spec)
{
	const char *s = va_arg(o->ap, const char *);
	size_t n = 0;

	if (!s)
		s = "(null)";
	/* The precision bounds the read: s need not be NUL-terminated. */
	while ((spec->prec < 0 || n < (size_t)spec->prec) && s[n])
		n++;
	fmt_padded(o, spec, s, n);
}

static void fmt_char(struct fmt_out *o, const struct fmt_spec *spec)
{
	char c = (char)va_arg(o->ap, int);

	fmt_padded(o, spec, &c, 1);
}

/* Render the conversion starting at @pct ('%'); returns what follows it. */
static const char *fmt_conversion(struct fmt_out *o, const char *pct)
{
	struct fmt_spec spec;
	const char *f = parse_spec(o, pct + 1, &spec);

	switch (spec.conv) {
	case 'd':
	case 'i':
		fmt_signed(o, &spec);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		fmt_unsigned(o, &spec);
		break;
	case 'p':
		if (f[1] == 'S' || f[1] == 'B') {
			fmt_symbol(o, &spec, f[1]);
			return f + 2;
		}
		fmt_address(o, &spec, (uintptr_t)va_arg(o->ap, void *));
		break;
	case 's': fmt_string(o, &spec); break;
	case 'c': fmt_char(o, &spec); break;
	case '%': out_char(o, '%'); break;
	case '\0':
		/* A '%' that ends the format: print what there is. */
		out_mem(o, pct, (size_t)(f - pct));
		return f;
	default:
		out_mem(o, pct, (size_t)(f + 1 - pct));
		break;
	}
	return f + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .size = size, .len = 0 };

	va_copy(o.ap, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = fmt_conversion(&o, fmt);
		else
			out_char(&o, *fmt++);
	}
	va_end(o.ap);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
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
