// The memory-like devices: null (reads EOF, swallows writes), zero (reads
// zeros, swallows writes) and kmsg (reads the kernel log ring from its
// oldest byte still kept to its end, then EOF; a write is logged).
#include "fs/devfs/devfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "lib/string.h"

static ssize_t null_read(struct file *f, char *buf, size_t n, off_t *pos)
{
	(void)f, (void)buf, (void)n, (void)pos;
	return 0;
}

static ssize_t sink_write(struct file *f, const char *buf, size_t n, off_t *pos)
{
	(void)f, (void)buf, (void)pos;
	return (ssize_t)n;
}

static ssize_t zero_read(struct file *f, char *buf, size_t n, off_t *pos)
{
	(void)f, (void)pos;
	memset(buf, 0, n);
	return (ssize_t)n;
}

static const struct file_operations null_fops = {.read = null_read, .write = sink_write};
static const struct file_operations zero_fops = {.read = zero_read, .write = sink_write};

// kmsg: f->private holds the file's position in the log's byte sequence.
static ssize_t kmsg_read(struct file *f, char *buf, size_t n, off_t *pos)
{
	(void)pos;
	u64 seq = (u64)(uintptr_t)f->private;
	size_t k = log_read(&seq, buf, n);
	f->private = (void *)(uintptr_t)seq;
	return (ssize_t)k;
}

static ssize_t kmsg_write(struct file *f, const char *buf, size_t n, off_t *pos)
{
	(void)f, (void)pos;
	int k = (int)MIN(n, 400);
	bool nl = k > 0 && buf[k - 1] == '\n';
	printk(KERN_INFO "%.*s%s", k, buf, nl ? "" : "\n");
	return (ssize_t)n;
}

static const struct file_operations kmsg_fops = {
	.read = kmsg_read,
	.write = kmsg_write,
	.llseek = noseek_llseek,
};

int mem_devs_init(void)
{
	int err = devfs_register("null", MKDEV(1, 3), &null_fops);
	if (!err)
		err = devfs_register("zero", MKDEV(1, 5), &zero_fops);
	if (!err)
		err = devfs_register("kmsg", MKDEV(1, 11), &kmsg_fops);
	return err;
}
