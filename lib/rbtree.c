// Red-black tree rebalancing and traversal (see lib/rbtree.h).
//
// The rules kept after every operation:
//   1. every node is red or black, and the root is black;
//   2. a red node has no red child;
//   3. every path from a node down to a NULL leaf crosses the same number
//      of black nodes (its "black height").
// Together they keep the longest path at most twice the shortest, so the
// height is O(log n). The fix-ups below follow Cormen et al., "Introduction
// to Algorithms", chapter 13, with NULL standing for the black leaves; each
// case is written out for the left side and mirrored for the right.
#include "lib/rbtree.h"

// Makes parent's pointer to old (or the root pointer, if parent is NULL)
// point to new instead.
static void change_child(struct rb_root *root, struct rb_node *parent,
			 struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 *     x                y
 *    / \              / \
 *   a   y     =>     x   c
 *      / \          / \
 *     b   c        a   b
 */
static void rotate_left(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->rb_right;

	x->rb_right = y->rb_left;
	if (y->rb_left)
		y->rb_left->rb_parent = x;
	y->rb_parent = x->rb_parent;
	change_child(root, x->rb_parent, x, y);
	y->rb_left = x;
	x->rb_parent = y;
}

// The mirror image of rotate_left.
static void rotate_right(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->rb_left;

	x->rb_left = y->rb_right;
	if (y->rb_right)
		y->rb_right->rb_parent = x;
	y->rb_parent = x->rb_parent;
	change_child(root, x->rb_parent, x, y);
	y->rb_right = x;
	x->rb_parent = y;
}

// node was just linked in red, which can only break rule 2 (if its parent
// is red) or rule 1 (if it is the root).
void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent, *uncle;

	while ((parent = node->rb_parent) && parent->rb_color == RB_RED) {
		// A red parent is not the root, so gparent exists.
		gparent = parent->rb_parent;
		if (parent == gparent->rb_left) {
			uncle = gparent->rb_right;
			if (rb_is_red(uncle)) {
				// Case 1: push gparent's black down to both
				// children; gparent may now clash with its parent.
				parent->rb_color = uncle->rb_color = RB_BLACK;
				gparent->rb_color = RB_RED;
				node = gparent;
				continue;
			}
			if (node == parent->rb_right) {
				// Case 2: turn the zig-zag into a straight line.
				rotate_left(root, parent);
				node = parent;
				parent = node->rb_parent;
			}
			// Case 3: parent takes gparent's place, black.
			parent->rb_color = RB_BLACK;
			gparent->rb_color = RB_RED;
			rotate_right(root, gparent);
		} else {
			uncle = gparent->rb_left;
			if (rb_is_red(uncle)) {
				parent->rb_color = uncle->rb_color = RB_BLACK;
				gparent->rb_color = RB_RED;
				node = gparent;
				continue;
			}
			if (node == parent->rb_left) {
				rotate_right(root, parent);
				node = parent;
				parent = node->rb_parent;
			}
			parent->rb_color = RB_BLACK;
			gparent->rb_color = RB_RED;
			rotate_left(root, gparent);
		}
	}
	root->rb_node->rb_color = RB_BLACK;
}

// A black node was removed above x (a node or NULL), whose parent is
// parent: the paths through x are one black short. Either find a red node
// to blacken, or rotate a black over from x's sibling w.
static void erase_fixup(struct rb_root *root, struct rb_node *x,
			struct rb_node *parent)
{
	struct rb_node *w;

	while (x != root->rb_node && rb_is_black(x)) {
		// w exists: its side of parent has black height >= 1.
		if (x == parent->rb_left) {
			w = parent->rb_right;
			if (rb_is_red(w)) {
				// Case 1: make the sibling black.
				w->rb_color = RB_BLACK;
				parent->rb_color = RB_RED;
				rotate_left(root, parent);
				w = parent->rb_right;
			}
			if (rb_is_black(w->rb_left) && rb_is_black(w->rb_right)) {
				// Case 2: take a black off both sides and
				// pass the shortage up to parent.
				w->rb_color = RB_RED;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (rb_is_black(w->rb_right)) {
				// Case 3: give w a red right child.
				w->rb_left->rb_color = RB_BLACK;
				w->rb_color = RB_RED;
				rotate_right(root, w);
				w = parent->rb_right;
			}
			// Case 4: rotating w up adds the missing black.
			w->rb_color = parent->rb_color;
			parent->rb_color = RB_BLACK;
			w->rb_right->rb_color = RB_BLACK;
			rotate_left(root, parent);
			x = root->rb_node;
		} else {
			w = parent->rb_left;
			if (rb_is_red(w)) {
				w->rb_color = RB_BLACK;
				parent->rb_color = RB_RED;
				rotate_right(root, parent);
				w = parent->rb_left;
			}
			if (rb_is_black(w->rb_left) && rb_is_black(w->rb_right)) {
				w->rb_color = RB_RED;
				x = parent;
				parent = x->rb_parent;
				continue;
			}
			if (rb_is_black(w->rb_left)) {
				w->rb_right->rb_color = RB_BLACK;
				w->rb_color = RB_RED;
				rotate_left(root, w);
				w = parent->rb_left;
			}
			w->rb_color = parent->rb_color;
			parent->rb_color = RB_BLACK;
			w->rb_left->rb_color = RB_BLACK;
			rotate_right(root, parent);
			x = root->rb_node;
		}
	}
	if (x)
		x->rb_color = RB_BLACK;
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *child, *parent;
	enum rb_color removed_color;

	if (!node->rb_left || !node->rb_right) {
		// At most one child: it takes node's place.
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = node->rb_parent;
		removed_color = node->rb_color;
		if (child)
			child->rb_parent = parent;
		change_child(root, parent, node, child);
	} else {
		// Two children: node's successor (the leftmost node of its
		// right subtree, which has no left child) moves into node's
		// place and colour; the tree loses a node where succ was.
		struct rb_node *succ = node->rb_right;

		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		removed_color = succ->rb_color;
		if (succ->rb_parent == node) {
			parent = succ;
		} else {
			parent = succ->rb_parent;
			parent->rb_left = child;
			if (child)
				child->rb_parent = parent;
			succ->rb_right = node->rb_right;
			succ->rb_right->rb_parent = succ;
		}
		succ->rb_left = node->rb_left;
		succ->rb_left->rb_parent = succ;
		succ->rb_parent = node->rb_parent;
		succ->rb_color = node->rb_color;
		change_child(root, node->rb_parent, node, succ);
	}
	// Removing a red node breaks no rule; removing a black one shortens
	// the paths through child.
	if (removed_color == RB_BLACK)
		erase_fixup(root, child, parent);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_left)
		n = n->rb_left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	if (!n)
		return NULL;
	while (n->rb_right)
		n = n->rb_right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	// The leftmost node of the right subtree, if there is one...
	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	// ...else the first ancestor we reach from its left side.
	while ((parent = node->rb_parent) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = node->rb_parent) && node == parent->rb_left)
		node = parent;
	return parent;
}
