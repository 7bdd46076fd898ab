// vsnprintf() and snprintf(); see lib/printf.h for the supported formats.
//
// vsnprintf walks the format once. Each conversion is parsed into a
// struct format_spec (flags, width, precision, length) and printed by one
// helper per kind: print_number() for integers and pointers, print_string()
// for %s and %c. All output goes through out_char(), which counts every
// character but stores only those that fit, so the return value is the full
// length as C99 requires.
#include "lib/printf.h"
#include "lib/string.h"

// Where the output goes; len counts characters even past the end of buf.
struct out {
	char *buf;
	size_t size;
	size_t len;
};

enum {
	FLAG_LEFT = 1 << 0,  // '-'
	FLAG_ZERO = 1 << 1,  // '0'
	FLAG_PLUS = 1 << 2,  // '+'
	FLAG_SPACE = 1 << 3, // ' '
	FLAG_ALT = 1 << 4,   // '#'
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T };

struct format_spec {
	unsigned flags;
	int width;     // minimum field width, 0 if none
	int precision; // -1 if none
	enum length length;
};

// Bounds what a width or precision written in the format can ask for, so
// parsing "%99999999999d" cannot overflow an int.
#define FIELD_MAX 4096

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

// Prints s (n chars) in a field of spec->width, padded with spaces.
static void print_string(struct out *o, const char *s, size_t n,
			 const struct format_spec *spec)
{
	int pad = spec->width > (int)n ? spec->width - (int)n : 0;

	if (!(spec->flags & FLAG_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, s, n);
	if (spec->flags & FLAG_LEFT)
		out_repeat(o, ' ', pad);
}

// Prints an integer: [spaces][sign][prefix][zeros]digits[spaces].
// sign is '-', '+', ' ' or 0; prefix is "", "0x" or "0X".
static void print_number(struct out *o, unsigned long long val, char sign,
			 unsigned base, bool upper, const char *prefix,
			 const struct format_spec *spec)
{
	const char *digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24]; // 64 bits in octal is 22 digits
	int ndigits = 0, zeros, len, pad;

	// C99: printing 0 with precision 0 produces no digits at all.
	if (!(val == 0 && spec->precision == 0)) {
		do {
			digits[ndigits++] = digit_chars[val % base];
			val /= base;
		} while (val);
	}

	zeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	// '#' with %o: the first digit printed must be a 0.
	if (base == 8 && (spec->flags & FLAG_ALT) && zeros == 0 &&
	    (ndigits == 0 || digits[ndigits - 1] != '0'))
		zeros = 1;

	len = (sign ? 1 : 0) + (int)strlen(prefix) + zeros + ndigits;
	// '0' pads with zeros after the sign and prefix, unless '-' or a
	// precision was given (C99 says the '0' flag is then ignored).
	if ((spec->flags & FLAG_ZERO) && !(spec->flags & FLAG_LEFT) &&
	    spec->precision < 0 && spec->width > len) {
		zeros += spec->width - len;
		len = spec->width;
	}
	pad = spec->width > len ? spec->width - len : 0;

	if (!(spec->flags & FLAG_LEFT))
		out_repeat(o, ' ', pad);
	if (sign)
		out_char(o, sign);
	out_mem(o, prefix, strlen(prefix));
	out_repeat(o, '0', zeros);
	while (ndigits)
		out_char(o, digits[--ndigits]);
	if (spec->flags & FLAG_LEFT)
		out_repeat(o, ' ', pad);
}

static long long fetch_signed(enum length length, va_list *ap)
{
	switch (length) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return va_arg(*ap, ssize_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static unsigned long long fetch_unsigned(enum length length, va_list *ap)
{
	switch (length) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (unsigned long long)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

// Parses a width or precision: decimal digits or '*'. Returns the value
// (saturated at FIELD_MAX; '*' may give a negative one) and advances *fmt.
static int parse_field(const char **fmt, va_list *ap)
{
	int n = 0;

	if (**fmt == '*') {
		(*fmt)++;
		n = va_arg(*ap, int);
		return n > FIELD_MAX ? FIELD_MAX : n < -FIELD_MAX ? -FIELD_MAX : n;
	}
	while (isdigit(**fmt)) {
		n = n * 10 + (*(*fmt)++ - '0');
		if (n > FIELD_MAX)
			n = FIELD_MAX;
	}
	return n;
}

// Parses flags, width, precision and length after a '%', leaving *fmt on
// the conversion character.
static void parse_spec(const char **fmt, va_list *ap, struct format_spec *spec)
{
	static const char flag_chars[] = "-0+ #"; // in FLAG_* bit order
	const char *p;

	spec->flags = 0;
	while (**fmt && (p = strchr(flag_chars, **fmt))) {
		spec->flags |= 1u << (p - flag_chars);
		(*fmt)++;
	}

	spec->width = parse_field(fmt, ap);
	if (spec->width < 0) { // "%*d" with a negative width means '-'
		spec->flags |= FLAG_LEFT;
		spec->width = -spec->width;
	}

	spec->precision = -1;
	if (**fmt == '.') {
		(*fmt)++;
		spec->precision = parse_field(fmt, ap);
		if (spec->precision < 0) // negative '*' precision: none
			spec->precision = -1;
	}

	spec->length = LEN_NONE;
	switch (**fmt) {
	case 'h':
		spec->length = (*fmt)[1] == 'h' ? LEN_HH : LEN_H;
		break;
	case 'l':
		spec->length = (*fmt)[1] == 'l' ? LEN_LL : LEN_L;
		break;
	case 'z':
		spec->length = LEN_Z;
		break;
	case 't':
		spec->length = LEN_T;
		break;
	}
	if (spec->length == LEN_HH || spec->length == LEN_LL)
		*fmt += 2;
	else if (spec->length != LEN_NONE)
		*fmt += 1;
}

// Prints one conversion, conv being its character ("diuoxXpcs").
static void print_conversion(struct out *o, char conv, struct format_spec *spec,
			     va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		long long v = fetch_signed(spec->length, ap);
		char sign = v < 0 ? '-' : (spec->flags & FLAG_PLUS) ? '+' :
			(spec->flags & FLAG_SPACE) ? ' ' : 0;
		unsigned long long mag = (unsigned long long)v;

		if (v < 0) // negating in unsigned is right even for LLONG_MIN
			mag = 0 - mag;
		print_number(o, mag, sign, 10, false, "", spec);
		break;
	}
	case 'u':
		print_number(o, fetch_unsigned(spec->length, ap), 0, 10, false,
			     "", spec);
		break;
	case 'o':
		print_number(o, fetch_unsigned(spec->length, ap), 0, 8, false,
			     "", spec);
		break;
	case 'x':
	case 'X': {
		unsigned long long v = fetch_unsigned(spec->length, ap);
		const char *prefix = "";

		if ((spec->flags & FLAG_ALT) && v != 0)
			prefix = conv == 'x' ? "0x" : "0X";
		print_number(o, v, 0, 16, conv == 'X', prefix, spec);
		break;
	}
	case 'p':
		print_number(o, (unsigned long)va_arg(*ap, void *), 0, 16, false,
			     "0x", spec);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);

		print_string(o, &c, 1, spec);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);

		if (!s)
			s = "(null)";
		print_string(o, s,
			     strnlen(s, spec->precision < 0 ? (size_t)-1 :
							     (size_t)spec->precision),
			     spec);
		break;
	}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct format_spec spec;
	va_list args;

	// Copy so the helpers can take a va_list * portably.
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		parse_spec(&fmt, &args, &spec);
		if (*fmt && strchr("diuoxXpcs", *fmt)) {
			print_conversion(&o, *fmt++, &spec, &args);
		} else if (*fmt == '%') {
			out_char(&o, '%');
			fmt++;
		} else {
			// Unknown conversion (or '%' at the end): copy it as is.
			if (*fmt)
				fmt++;
			out_mem(&o, start, fmt - start);
		}
	}
	va_end(args);

	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
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
