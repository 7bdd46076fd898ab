// seq_buf: see seq_buf.h.
#include "lib/seq_buf.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"

static bool seq_reserve(struct seq_buf *s, size_t extra)
{
	if (s->overflow)
		return false;
	if (s->len + extra + 1 <= s->size)
		return true;
	size_t nsize = s->size ? s->size : 256;
	while (nsize < s->len + extra + 1)
		nsize *= 2;
	char *nb = kmalloc(nsize, GFP_KERNEL);
	if (!nb) {
		s->overflow = true;
		return false;
	}
	if (s->buf) {
		memcpy(nb, s->buf, s->len);
		kfree(s->buf);
	}
	s->buf = nb;
	s->size = nsize;
	return true;
}

int seq_write(struct seq_buf *s, const void *data, size_t n)
{
	if (!seq_reserve(s, n))
		return -1;
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = 0;
	return 0;
}

int seq_printf(struct seq_buf *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !seq_reserve(s, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
	return 0;
}

void seq_buf_free(struct seq_buf *s)
{
	kfree(s->buf);
	s->buf = NULL;
	s->len = s->size = 0;
}
