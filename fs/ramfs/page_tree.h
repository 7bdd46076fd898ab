// A sparse array of data pages indexed by page number: ramfs's file
// contents. A radix tree of one-page nodes with 512 slots each, whose
// height grows with the highest index (height h covers 512^h pages); a
// missing page is a hole that reads as zeros. Not locked: the owner
// (the inode's lock) serialises.
#ifndef FS_RAMFS_PAGE_TREE_H
#define FS_RAMFS_PAGE_TREE_H

#include "kernel/types.h"

struct page_tree {
	void **root;    // a node (height >= 1) or NULL
	int height;
	u64 nr_pages;   // data pages present
};

// The data page at idx, or NULL (a hole).
void *page_tree_lookup(struct page_tree *t, u64 idx);
// The data page at idx, allocating a zeroed one (from the current task's
// allowed nodes) if missing, charged to the current task's bc container
// (bc.physpages) until truncated away; NULL when out of memory or past the
// container's barrier.
void *page_tree_get(struct page_tree *t, u64 idx);
// Free every data page at index first and beyond, and nodes left empty.
void page_tree_truncate(struct page_tree *t, u64 first);
// Diagnostics, without the owner's lock (on a quiet system): is page one
// of t's data pages? Follows only pointers into the direct map.
bool page_tree_holds(struct page_tree *t, void *page);

#endif
