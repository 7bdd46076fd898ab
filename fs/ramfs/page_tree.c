// ramfs's sparse page array; see page_tree.h.
#include "fs/ramfs/page_tree.h"
#include "kernel/containers/bc.h"
#include "mm/page_alloc.h"
#include "mm/zone.h"
#include "arch/x86/layout.h"

#define SLOTS 512
#define SLOT_SHIFT 9

static u64 tree_span(int height) // pages covered by a tree of this height
{
	return height >= 7 ? ~0ULL : 1ULL << (SLOT_SHIFT * height);
}

void *page_tree_lookup(struct page_tree *t, u64 idx)
{
	if (!t->root || idx >= tree_span(t->height))
		return NULL;
	void **node = t->root;
	for (int h = t->height; h > 1; h--) {
		node = node[(idx >> (SLOT_SHIFT * (h - 1))) % SLOTS];
		if (!node)
			return NULL;
	}
	return node[idx % SLOTS];
}

void *page_tree_get(struct page_tree *t, u64 idx)
{
	while (!t->root || idx >= tree_span(t->height)) {
		void **node = alloc_page(__GFP_ZERO);
		if (!node)
			return NULL;
		node[0] = t->root; // NULL for an empty tree: harmless
		t->root = node;
		t->height++;
	}
	void **node = t->root;
	for (int h = t->height; h > 1; h--) {
		void **slot = &node[(idx >> (SLOT_SHIFT * (h - 1))) % SLOTS];
		if (!*slot && !(*slot = alloc_page(__GFP_ZERO)))
			return NULL;
		node = *slot;
	}
	void **slot = &node[idx % SLOTS];
	if (!*slot) {
		void *page = alloc_page(__GFP_ZERO);
		if (page && bc_charge_pages(page, 0) < 0) { // the writer's bc barrier
			free_page(page);
			page = NULL;
		}
		if (!page)
			return NULL;
		*slot = page;
		t->nr_pages++;
	}
	return *slot;
}

// Free pages >= first under node (covering base.. at height h); returns
// true if the node is now empty (and was freed, unless it is kept).
static bool truncate_node(struct page_tree *t, void **node, int h, u64 base, u64 first)
{
	u64 child_span = tree_span(h - 1);
	bool empty = true;
	for (int i = 0; i < SLOTS; i++) {
		if (!node[i])
			continue;
		u64 start = base + i * child_span;
		if (h == 1) {
			if (start >= first) {
				bc_uncharge_pages(node[i], 0); // to the writer's container
				free_page(node[i]);
				node[i] = NULL;
				t->nr_pages--;
			}
		} else if (start + child_span > first &&
			   truncate_node(t, node[i], h - 1, start, first)) {
			free_page(node[i]);
			node[i] = NULL;
		}
		if (node[i])
			empty = false;
	}
	return empty;
}

void page_tree_truncate(struct page_tree *t, u64 first)
{
	if (!t->root)
		return;
	if (truncate_node(t, t->root, t->height, 0, first)) {
		free_page(t->root);
		t->root = NULL;
		t->height = 0;
	}
}

static bool plausible_node(const void *p)
{
	u64 a = (u64)p;
	return a >= PHYS_BASE && a < (u64)phys_to_virt(max_pfn << PAGE_SHIFT) &&
	       a % PAGE_SIZE == 0;
}

// Is page under node (at height h)? Walks the tree as it is: no recursion
// per level of anything but the tree's height (at most 7).
static bool node_holds(void **node, int h, void *page)
{
	for (int i = 0; i < SLOTS; i++) {
		void *p = READ_ONCE(node[i]);
		if (!p || !plausible_node(p))
			continue;
		if (h == 1 ? p == page : node_holds(p, h - 1, page))
			return true;
	}
	return false;
}

bool page_tree_holds(struct page_tree *t, void *page)
{
	void **root = READ_ONCE(t->root);
	int h = READ_ONCE(t->height);
	return root && plausible_node(root) && h >= 1 && h <= 7 && node_holds(root, h, page);
}
