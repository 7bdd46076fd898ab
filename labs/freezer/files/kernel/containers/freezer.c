// freezer: stop and restart every task of a container (Linux's cgroup v1
// freezer). Lab freezer: labs/freezer/README.md says what to build.
//
//   freezer.state   not in the root. Reads THAWED, FREEZING (FROZEN was
//                   written but some task has not stopped yet) or FROZEN
//                   (every task of the container is stopped). Takes FROZEN
//                   or THAWED; anything else is EINVAL.
//
// TODO: say where a task stops, how it is restarted, and what each lock
// protects.
#include "kernel/containers/freezer.h"
#include "kernel/containers/container.h"
#include "kernel/errno.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "mm/slab.h"

struct freezer {
	struct container_subsys_state css;
	// TODO: the container's state.
};

static struct container_subsys freezer_subsys;

static struct freezer *css_fz(struct container_subsys_state *css)
{
	return container_of(css, struct freezer, css);
}

void freezer_try_to_freeze(void)
{
	// TODO: stop the current task while its container is frozen.
}

static struct container_subsys_state *freezer_create(struct container_subsys *ss,
						     struct container *c)
{
	(void)ss, (void)c;
	struct freezer *fz = kzalloc(sizeof(*fz), GFP_KERNEL);
	if (!fz)
		return NULL;
	return &fz->css;
}

static void freezer_destroy(struct container_subsys *ss, struct container *c)
{
	kfree(css_fz(container_css(c, ss->subsys_id)));
}

static int state_read(struct container *c, const struct cftype *cft, struct seq_buf *s)
{
	(void)c, (void)cft;
	seq_printf(s, "THAWED\n"); // TODO
	return 0;
}

static int state_write(struct container *c, const struct cftype *cft, const char *buf)
{
	(void)c, (void)cft, (void)buf;
	return -ENOSYS; // TODO
}

static const struct cftype freezer_files[] = {
	{.name = "state", .read = state_read, .write = state_write, .flags = CFT_NOT_ON_ROOT},
	{0},
};

static struct container_subsys freezer_subsys = {
	.name = "freezer",
	.create = freezer_create,
	.destroy = freezer_destroy,
	.files = freezer_files,
};
CONTAINER_SUBSYS(freezer_subsys, 8);
