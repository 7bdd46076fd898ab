// Red-black trees, in the shape of Linux's <linux/rbtree.h>.
//
// The tree is intrusive: objects embed a struct rb_node and are found back
// with rb_entry(). It does not compare keys itself. To insert, the caller
// walks down from the root to the empty link where the new node belongs,
// then calls rb_link_node() and rb_insert_color() to rebalance:
//
//	struct rb_node **link = &root->rb_node, *parent = NULL;
//	while (*link) {
//		parent = *link;
//		if (key < rb_entry(parent, struct thing, node)->key)
//			link = &parent->rb_left;
//		else
//			link = &parent->rb_right;
//	}
//	rb_link_node(&new->node, parent, link);
//	rb_insert_color(&new->node, root);
//
// (rb_add() does exactly this given a "less" function.) Every operation is
// O(log n). Nothing locks: the owner of the tree says which lock guards it.
//
// struct rb_root_cached also remembers the leftmost (smallest) node, so
// rb_first_cached() is O(1): the scheduler's run queue, ordered by
// vruntime, picks its next task that way.
//
// Unlike Linux, which packs the colour into the low bit of the parent
// pointer, a node keeps parent and colour in separate fields, for clarity.
#ifndef LIB_RBTREE_H
#define LIB_RBTREE_H

#include "kernel/types.h"

enum rb_color { RB_RED, RB_BLACK };

struct rb_node {
	struct rb_node *rb_parent; // NULL for the root
	struct rb_node *rb_left;
	struct rb_node *rb_right;
	enum rb_color rb_color;
};

struct rb_root {
	struct rb_node *rb_node;
};

struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost; // NULL when the tree is empty
};

#define RB_ROOT ((struct rb_root){ NULL })
#define RB_ROOT_CACHED ((struct rb_root_cached){ { NULL }, NULL })
#define rb_entry(ptr, type, member) container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member)                                     \
	({                                                                   \
		struct rb_node *rb_ptr_ = (ptr);                             \
		rb_ptr_ ? rb_entry(rb_ptr_, type, member) : NULL;            \
	})
#define RB_EMPTY_ROOT(root) ((root)->rb_node == NULL)

// A node that is on no tree points to itself: RB_CLEAR_NODE() marks it so
// and RB_EMPTY_NODE() tests it, so "is this task queued?" needs no flag.
#define RB_CLEAR_NODE(node) ((node)->rb_parent = (node))
#define RB_EMPTY_NODE(node) ((node)->rb_parent == (node))

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return node->rb_parent;
}

// NULL leaves count as black.
static inline bool rb_is_black(const struct rb_node *node)
{
	return !node || node->rb_color == RB_BLACK;
}

static inline bool rb_is_red(const struct rb_node *node)
{
	return !rb_is_black(node);
}

// Hangs node, as a new red leaf, at *link, which is parent's left or right
// child pointer (or the root's pointer, with parent NULL).
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = node->rb_right = NULL;
	node->rb_color = RB_RED;
	*link = node;
}

// Rebalances after rb_link_node(node, ...).
void rb_insert_color(struct rb_node *node, struct rb_root *root);
// Removes node from the tree and rebalances.
void rb_erase(struct rb_node *node, struct rb_root *root);

// In-order traversal; each returns NULL when there is no such node.
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

// As rb_insert_color; leftmost says whether the caller's walk went only
// left, i.e. node is the new smallest.
static inline void rb_insert_color_cached(struct rb_node *node,
					  struct rb_root_cached *root,
					  bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

static inline void rb_erase_cached(struct rb_node *node,
				   struct rb_root_cached *root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
}

static inline struct rb_node *rb_first_cached(const struct rb_root_cached *root)
{
	return root->rb_leftmost;
}

// Inserts node, placing it after every node it is not less than (so equal
// keys keep their insertion order).
static inline void rb_add(struct rb_node *node, struct rb_root *root,
			  bool (*less)(const struct rb_node *,
				       const struct rb_node *))
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = less(node, parent) ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, root);
}

// rb_add for a cached tree; returns true if node became the leftmost.
static inline bool rb_add_cached(struct rb_node *node,
				 struct rb_root_cached *root,
				 bool (*less)(const struct rb_node *,
					      const struct rb_node *))
{
	struct rb_node **link = &root->rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (less(node, parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, root, leftmost);
	return leftmost;
}

#endif
