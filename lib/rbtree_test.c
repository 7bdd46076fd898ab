// Tests for lib/rbtree.c: a few hundred keys inserted and erased in
// pseudo-random order, with the red-black rules and the in-order sequence
// checked after every step.
#include "kernel/ktest.h"
#include "lib/rbtree.h"

#define NKEYS 300

// Key permutations live in static arrays ("static int order[NKEYS]") rather
// than on the small kernel stack; tests run one at a time.

struct item {
	u64 key;
	struct rb_node node;
};

static struct item items[NKEYS];

// A fixed xorshift generator, so a failure can be reproduced.
static u64 rng_state;

static u64 rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

// Fills order[] with a random permutation of 0..n-1 (Fisher-Yates).
static void shuffle(int *order, int n, u64 seed)
{
	rng_state = seed;
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = rng_next() % (i + 1);
		int t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

static bool item_less(const struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct item, node)->key <
	       rb_entry(b, struct item, node)->key;
}

static u64 key_of(const struct rb_node *n)
{
	return rb_entry(n, struct item, node)->key;
}

// Inserts the way callers do, by walking down to the link by hand.
static void insert(struct rb_root_cached *root, struct item *it)
{
	struct rb_node **link = &root->rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (it->key < key_of(parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_color_cached(&it->node, root, leftmost);
}

// Checks the subtree at n: parent links, rule 2 (no red node has a red
// child) and rule 3 (equal black heights), and that its keys lie in
// [lo, hi]. Returns its black height, or -1 if a rule is broken.
static int check_subtree(const struct rb_node *n, const struct rb_node *parent,
			 u64 lo, u64 hi)
{
	int left, right;

	if (!n)
		return 1;
	if (n->rb_parent != parent || key_of(n) < lo || key_of(n) > hi)
		return -1;
	if (rb_is_red(n) && (rb_is_red(n->rb_left) || rb_is_red(n->rb_right)))
		return -1;
	left = check_subtree(n->rb_left, n, lo, key_of(n));
	right = check_subtree(n->rb_right, n, key_of(n), hi);
	if (left < 0 || right < 0 || left != right)
		return -1;
	return left + rb_is_black(n);
}

// Checks the whole tree, including rule 1 (black root), the cached
// leftmost, and that rb_next visits exactly count nodes in order.
static bool tree_is_valid(const struct rb_root_cached *root, int count)
{
	const struct rb_node *n, *prev = NULL;
	int seen = 0;

	if (!rb_is_black(root->rb_root.rb_node))
		return false;
	if (check_subtree(root->rb_root.rb_node, NULL, 0, ~0ULL) < 0)
		return false;
	if (rb_first_cached(root) != rb_first(&root->rb_root))
		return false;
	for (n = rb_first(&root->rb_root); n; prev = n, n = rb_next(n)) {
		if (prev && key_of(prev) > key_of(n))
			return false;
		seen++;
	}
	return seen == count;
}

// Inserts keys 0..NKEYS-1 (times 10) in shuffled order.
static void fill_tree(struct rb_root_cached *root, u64 seed)
{
	static int order[NKEYS];

	*root = RB_ROOT_CACHED;
	shuffle(order, NKEYS, seed);
	for (int i = 0; i < NKEYS; i++) {
		items[order[i]].key = (u64)order[i] * 10;
		insert(root, &items[order[i]]);
	}
}

KTEST(rbtree, empty_tree_has_no_nodes)
{
	struct rb_root_cached root = RB_ROOT_CACHED;

	EXPECT_TRUE(RB_EMPTY_ROOT(&root.rb_root));
	EXPECT_EQ(rb_first(&root.rb_root), NULL);
	EXPECT_EQ(rb_last(&root.rb_root), NULL);
	EXPECT_EQ(rb_first_cached(&root), NULL);
}

KTEST(rbtree, random_inserts_traverse_in_sorted_order)
{
	struct rb_root_cached root;
	struct rb_node *n;
	u64 expect = 0;

	fill_tree(&root, 12345);
	for (n = rb_first(&root.rb_root); n; n = rb_next(n)) {
		EXPECT_EQ(key_of(n), expect);
		expect += 10;
	}
	EXPECT_EQ(expect, NKEYS * 10);
}

KTEST(rbtree, prev_walks_backwards_from_last)
{
	struct rb_root_cached root;
	struct rb_node *n;
	u64 expect = (NKEYS - 1) * 10;
	int seen = 0;

	fill_tree(&root, 777);
	for (n = rb_last(&root.rb_root); n; n = rb_prev(n)) {
		EXPECT_EQ(key_of(n), expect);
		expect -= 10;
		seen++;
	}
	EXPECT_EQ(seen, NKEYS);
}

KTEST(rbtree, invariants_hold_after_every_insert)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	static int order[NKEYS];

	shuffle(order, NKEYS, 42);
	for (int i = 0; i < NKEYS; i++) {
		items[i].key = order[i];
		insert(&root, &items[i]);
		ASSERT_TRUE(tree_is_valid(&root, i + 1));
	}
}

KTEST(rbtree, invariants_hold_after_sorted_inserts)
{
	struct rb_root_cached root = RB_ROOT_CACHED;

	// Ascending keys are the classic worst case for an unbalanced tree.
	for (int i = 0; i < NKEYS; i++) {
		items[i].key = i;
		insert(&root, &items[i]);
	}
	EXPECT_TRUE(tree_is_valid(&root, NKEYS));
	EXPECT_EQ(rb_first_cached(&root), &items[0].node);
}

KTEST(rbtree, invariants_hold_after_every_erase)
{
	struct rb_root_cached root;
	static int order[NKEYS];

	fill_tree(&root, 99);
	shuffle(order, NKEYS, 2024);
	for (int i = 0; i < NKEYS; i++) {
		rb_erase_cached(&items[order[i]].node, &root);
		ASSERT_TRUE(tree_is_valid(&root, NKEYS - i - 1));
	}
	EXPECT_TRUE(RB_EMPTY_ROOT(&root.rb_root));
	EXPECT_EQ(rb_first_cached(&root), NULL);
}

KTEST(rbtree, mixed_inserts_and_erases_keep_the_right_keys)
{
	struct rb_root_cached root;
	static int order[NKEYS];
	int count = NKEYS;
	struct rb_node *n;

	fill_tree(&root, 5);
	// Erase every key that is a multiple of 3, in random order.
	shuffle(order, NKEYS, 6);
	for (int i = 0; i < NKEYS; i++) {
		if (order[i] % 3 == 0) {
			rb_erase_cached(&items[order[i]].node, &root);
			count--;
		}
	}
	ASSERT_TRUE(tree_is_valid(&root, count));
	for (n = rb_first(&root.rb_root); n; n = rb_next(n))
		EXPECT_NE(key_of(n) / 10 % 3, 0);
	// Put them back and check the full tree again.
	for (int i = 0; i < NKEYS; i += 3)
		insert(&root, &items[i]);
	EXPECT_TRUE(tree_is_valid(&root, NKEYS));
}

KTEST(rbtree, cached_leftmost_follows_the_minimum)
{
	struct rb_root_cached root;

	fill_tree(&root, 31337);
	for (int i = 0; i < NKEYS; i++) {
		// Like a scheduler: always take the leftmost.
		struct rb_node *first = rb_first_cached(&root);

		ASSERT_EQ(first, &items[i].node);
		rb_erase_cached(first, &root);
	}
	EXPECT_EQ(rb_first_cached(&root), NULL);
}

KTEST(rbtree, rb_add_keeps_equal_keys_in_insertion_order)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct rb_node *n;
	int i = 0;

	for (int j = 0; j < 8; j++) {
		items[j].key = 5;
		EXPECT_EQ(rb_add_cached(&items[j].node, &root, item_less), j == 0);
	}
	items[8].key = 1;
	EXPECT_TRUE(rb_add_cached(&items[8].node, &root, item_less));
	EXPECT_EQ(rb_first_cached(&root), &items[8].node);
	for (n = rb_next(&items[8].node); n; n = rb_next(n))
		EXPECT_EQ(n, &items[i++].node);
	EXPECT_EQ(i, 8);
	EXPECT_TRUE(tree_is_valid(&root, 9));
}

KTEST(rbtree, rb_add_builds_a_valid_plain_tree)
{
	struct rb_root root = RB_ROOT;
	struct rb_root_cached view;
	static int order[NKEYS];

	shuffle(order, NKEYS, 8);
	for (int i = 0; i < NKEYS; i++) {
		items[i].key = order[i];
		rb_add(&items[i].node, &root, item_less);
	}
	view.rb_root = root;
	view.rb_leftmost = rb_first(&root);
	EXPECT_TRUE(tree_is_valid(&view, NKEYS));
}

KTEST(rbtree, clear_node_marks_a_node_as_off_tree)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	struct item it = { .key = 1 };

	RB_CLEAR_NODE(&it.node);
	EXPECT_TRUE(RB_EMPTY_NODE(&it.node));
	EXPECT_EQ(rb_next(&it.node), NULL);
	insert(&root, &it);
	EXPECT_FALSE(RB_EMPTY_NODE(&it.node));
	rb_erase_cached(&it.node, &root);
	RB_CLEAR_NODE(&it.node);
	EXPECT_TRUE(RB_EMPTY_NODE(&it.node));
	EXPECT_TRUE(RB_EMPTY_ROOT(&root.rb_root));
}
