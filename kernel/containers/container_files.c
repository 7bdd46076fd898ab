// The container core's control files -- tasks (and cgroup.procs, Linux's
// name for the same file: Corral has no threads), notify_on_release,
// release_agent -- the listing of a container's files (the core's, then
// each bound subsystem's as "<subsys>.<name>"), reading and writing them
// for the container filesystem, and the /proc views of membership.
// Locking: container_mutex (container.c) around every read and write.
#include "kernel/containers/container.h"
#include "kernel/containers/internal.h"
#include "kernel/errno.h"
#include "kernel/task.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/slab.h"

// ---- control files -----------------------------------------------------------

static int tasks_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	int n;
	pid_t *pids = container_pids(c, &n); // creation order; pids may be reused
	if (!pids)
		return -ENOMEM;
	for (int i = 1; i < n; i++) { // insertion sort: small lists
		pid_t v = pids[i];
		int j = i;
		for (; j > 0 && pids[j - 1] > v; j--)
			pids[j] = pids[j - 1];
		pids[j] = v;
	}
	for (int i = 0; i < n; i++)
		seq_printf(s, "%d\n", pids[i]);
	kfree(pids);
	return 0;
}

int container_parse_bool(const char *buf, bool *out)
{
	long long v;
	int err = kstrtoll(buf, 10, &v);
	if (err)
		return err; // -ERANGE past 64 bits
	if (v != 0 && v != 1)
		return -EINVAL;
	*out = v;
	return 0;
}

static int tasks_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	long long pid;
	int err = kstrtoll(buf, 10, &pid);
	if (err)
		return err; // -ERANGE past 64 bits, else -EINVAL
	if (pid < 0 || pid > __INT_MAX__)
		return -ESRCH; // a number, but no task has it
	return container_attach_pid_locked(c, (pid_t)pid); // the write holds container_mutex
}

static int notify_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%d\n", test_bit(CONT_NOTIFY_ON_RELEASE, &c->flags) ? 1 : 0);
	return 0;
}

static int notify_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	bool v;
	int err = container_parse_bool(buf, &v);
	if (err)
		return err;
	if (v)
		set_bit(CONT_NOTIFY_ON_RELEASE, &c->flags);
	else
		clear_bit(CONT_NOTIFY_ON_RELEASE, &c->flags);
	return 0;
}

static int agent_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)cft;
	seq_printf(s, "%s\n", c->hierarchy->release_agent);
	return 0;
}

static int agent_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)cft;
	if (strlen(buf) >= RELEASE_AGENT_MAX)
		return -EINVAL;
	strlcpy(c->hierarchy->release_agent, buf, RELEASE_AGENT_MAX);
	return 0;
}

static const struct cftype core_files[] = {
	{.name = "tasks", .read = tasks_read, .write = tasks_write},
	{.name = "cgroup.procs", .read = tasks_read, .write = tasks_write},
	{.name = "notify_on_release", .read = notify_read, .write = notify_write},
	{.name = "release_agent", .read = agent_read, .write = agent_write,
	 .flags = CFT_ONLY_ON_ROOT},
	{0},
};

static bool cft_applies(struct container *c, const struct cftype *cft)
{
	if ((cft->flags & CFT_ONLY_ON_ROOT) && c->parent)
		return false;
	if ((cft->flags & CFT_NOT_ON_ROOT) && !c->parent)
		return false;
	return true;
}

const struct cftype *container_file(struct container *c, int idx, char *name, size_t len)
{
	int k = 0;
	for (const struct cftype *cft = core_files; cft->name; cft++) {
		if (!cft_applies(c, cft))
			continue;
		if (k++ == idx) {
			strlcpy(name, cft->name, len);
			return cft;
		}
	}
	unsigned long bits = c->hierarchy->subsys_bits;
	for (int i = 0; i < container_subsys_count; i++) {
		if (!(bits & (1UL << i)) || !container_subsys_by_id(i)->files)
			continue;
		for (const struct cftype *cft = container_subsys_by_id(i)->files; cft->name; cft++) {
			if (!cft_applies(c, cft))
				continue;
			if (k++ == idx) {
				snprintf(name, len, "%s.%s", container_subsys_by_id(i)->name, cft->name);
				return cft;
			}
		}
	}
	return NULL;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	size_t n = strlen(want);
	return n == len && !memcmp(name, want, n);
}

const struct cftype *container_file_lookup(struct container *c, const char *name, size_t len)
{
	for (const struct cftype *cft = core_files; cft->name; cft++)
		if (cft_applies(c, cft) && name_is(name, len, cft->name))
			return cft;
	size_t prefix = 0;
	while (prefix < len && name[prefix] != '.')
		prefix++;
	if (prefix == len)
		return NULL;
	const char *dot = name + prefix;
	unsigned long bits = c->hierarchy->subsys_bits;
	for (int i = 0; i < container_subsys_count; i++) {
		struct container_subsys *ss = container_subsys_by_id(i);
		if (!(bits & (1UL << i)) || !ss->files || !name_is(name, prefix, ss->name))
			continue;
		for (const struct cftype *cft = ss->files; cft->name; cft++)
			if (cft_applies(c, cft) && name_is(dot + 1, len - prefix - 1, cft->name))
				return cft;
	}
	return NULL;
}

int container_file_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	if (!cft->read)
		return -EINVAL;
	container_lock();
	int err = test_bit(CONT_REMOVED, &c->flags) ? -ENODEV : cft->read(c, cft, s);
	container_unlock();
	return err;
}

bool container_file_writable(struct container *c, const struct cftype *cft)
{
	return cft->write && !((cft->flags & CFT_READONLY_ON_ROOT) && !c->parent);
}

int container_file_write(struct container *c, const struct cftype *cft, const char *buf,
			 size_t len)
{
	if (!cft->write)
		return -EINVAL;
	if (!container_file_writable(c, cft))
		return -EACCES;
	// Most writes are a number or a short list: those need no allocation.
	char small[64];
	char *kbuf = len < sizeof(small) ? small : kmalloc(len + 1, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	memcpy(kbuf, buf, len);
	kbuf[len] = '\0';
	if (len && kbuf[len - 1] == '\n')
		kbuf[len - 1] = '\0';
	int err = -EINVAL; // an embedded NUL
	if (strlen(kbuf) == (len && buf[len - 1] == '\n' ? len - 1 : len)) {
		container_lock();
		err = test_bit(CONT_REMOVED, &c->flags) ? -ENODEV : cft->write(c, cft, kbuf);
		container_unlock();
	}
	if (kbuf != small)
		kfree(kbuf);
	return err;
}

// ---- /proc -------------------------------------------------------------------

static void seq_subsys_names(struct seq_buf *s, unsigned long bits)
{
	bool first = true;
	for (int i = 0; i < container_subsys_count; i++) {
		if (bits & (1UL << i)) {
			seq_printf(s, "%s%s", first ? "" : ",", container_subsys_by_id(i)->name);
			first = false;
		}
	}
}

// One line per hierarchy that exists, mounted or not (an unmounted one
// kept alive by its children still confines its tasks, and Linux lists
// it too): "ID:SUBSYS[,SUBSYS]:/path". Subsystems bound nowhere are in
// the dummy hierarchy, which Linux does not list either.
int proc_container_show(struct task *t, struct seq_buf *s)
{
	int err = 0;
	container_lock();
	struct hierarchy *h;
	list_for_each_entry(h, &hierarchy_list, list) {
		char *path = container_path_alloc(task_container(t, h)); // any length
		if (!path) {
			err = -ENOMEM;
			break;
		}
		seq_printf(s, "%d:", h->id);
		seq_subsys_names(s, h->subsys_bits);
		seq_printf(s, ":");
		seq_write(s, path, strlen(path));
		seq_printf(s, "\n");
		kfree(path);
	}
	container_unlock();
	return err;
}

// A header, then per subsystem its hierarchy's id (0: bound nowhere) and
// container count. count_name is the third column's name.
static int subsys_table_show(struct seq_buf *s, const char *count_name)
{
	seq_printf(s, "#subsys_name\thierarchy\t%s\tenabled\n", count_name);
	container_lock();
	for (int i = 0; i < container_subsys_count; i++) {
		struct hierarchy *h = container_subsys_by_id(i)->hierarchy;
		seq_printf(s, "%s\t%d\t%d\t1\n", container_subsys_by_id(i)->name, h->id, h->nr_containers);
	}
	container_unlock();
	return 0;
}

int proc_containers_show(struct seq_buf *s) // /proc/containers
{
	return subsys_table_show(s, "num_containers");
}

int proc_cgroups_show(struct seq_buf *s) // /proc/cgroups, Linux's name and columns
{
	return subsys_table_show(s, "num_cgroups");
}

// "rw" and the subsystems bound to h, for the mount listing's options
// (Linux's /proc/mounts: "rw,relatime,cpu,cpuacct").
void container_show_options(struct hierarchy *h, struct seq_buf *s)
{
	container_lock();
	seq_printf(s, "rw,");
	seq_subsys_names(s, h->subsys_bits);
	if (h->release_agent[0])
		seq_printf(s, ",release_agent=%s", h->release_agent);
	container_unlock();
}
