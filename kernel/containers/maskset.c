// Shared rules of cpuset and memset (see maskset.h).
#include "kernel/containers/maskset.h"
#include "kernel/errno.h"
#include "lib/bitmap.h"

static struct maskset *ms_of(const struct maskset_type *mt, struct container *c)
{
	return mt->of(container_css(c, *mt->subsys_id));
}

void maskset_init(const struct maskset_type *mt, struct container *c, struct maskset *ms)
{
	ms->mask = c->parent ? 0 : mt->online();
	ms->exclusive = !c->parent; // the root owns everything
}

// c's task count (no sleeping; container_mutex held so none can attach).
static bool has_tasks(struct container *c) { return container_task_count(c) > 0; }

int maskset_check_mask(const struct maskset_type *mt, struct container *c, const char *buf,
		       unsigned long *out)
{
	if (!c->parent)
		return -EACCES;
	unsigned long m;
	int err = bitmap_parselist(buf, &m, 64); // "" (or blanks) is the empty set
	if (err)
		return err; // -EINVAL, or -ERANGE past 63
	if (m & ~mt->online())
		return -ERANGE;
	if (m & ~ms_of(mt, c->parent)->mask)
		return -EACCES;
	struct container *ch;
	list_for_each_entry(ch, &c->children, sibling)
		if (ms_of(mt, ch)->mask & ~m)
			return -EBUSY;
	struct maskset *ms = ms_of(mt, c);
	list_for_each_entry(ch, &c->parent->children, sibling) {
		struct maskset *sib = ms_of(mt, ch);
		if (ch != c && (ms->exclusive || sib->exclusive) && (sib->mask & m))
			return -EINVAL;
	}
	if (!m && has_tasks(c))
		return -ENOSPC;
	*out = m;
	return 0;
}

int maskset_write_exclusive(const struct maskset_type *mt, struct container *c,
			    const char *buf)
{
	bool v;
	int err = container_parse_bool(buf, &v);
	if (err)
		return err;
	if (!c->parent)
		return -EACCES;
	struct maskset *ms = ms_of(mt, c);
	struct container *ch;
	if (v) {
		if (!ms_of(mt, c->parent)->exclusive)
			return -EACCES;
		list_for_each_entry(ch, &c->parent->children, sibling)
			if (ch != c && (ms_of(mt, ch)->mask & ms->mask))
				return -EINVAL;
	} else {
		list_for_each_entry(ch, &c->children, sibling)
			if (ms_of(mt, ch)->exclusive)
				return -EBUSY;
	}
	ms->exclusive = v;
	return 0;
}

int maskset_show_mask(struct maskset *ms, struct seq_buf *s)
{
	char buf[200];
	unsigned long m = READ_ONCE(ms->mask);
	bitmap_print_list(buf, sizeof(buf), &m, 64);
	seq_printf(s, "%s\n", buf);
	return 0;
}

int maskset_can_attach(struct maskset *ms) { return READ_ONCE(ms->mask) ? 0 : -ENOSPC; }
