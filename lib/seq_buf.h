// A growable text buffer for generated file contents (procfs, container
// control files): seq_printf() appends, growing the kmalloc'd buffer as
// needed. A failed allocation sets .overflow; the reader reports -ENOMEM.
#ifndef LIB_SEQ_BUF_H
#define LIB_SEQ_BUF_H

#include "kernel/types.h"

struct seq_buf {
	char *buf;
	size_t len, size;
	bool overflow;
};

#define SEQ_BUF_INIT {NULL, 0, 0, false}
int seq_printf(struct seq_buf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int seq_write(struct seq_buf *s, const void *data, size_t n);
void seq_buf_free(struct seq_buf *s);

#endif
