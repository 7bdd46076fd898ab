// Tests for the memory policy (sys_set_mempolicy and its use in
// alloc_pages_nodemask's node choice): BIND places every page on its
// nodes, PREFERRED tries its node first, INTERLEAVE takes its nodes in
// turn, a mask the caller names is not overridden, bad modes and nodes are
// EINVAL. Each test runs in the ktest task, restores the default policy
// and checks that the free count is back where it was.
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/syscall.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

static nodemask_t one_node(int nid)
{
	nodemask_t m = NODE_MASK_NONE;
	node_set(nid, &m);
	return m;
}

// The online nodes that have memory; their count.
static int nodes_with_memory(nodemask_t *m)
{
	int nid, n = 0;
	nodes_clear(m);
	for_each_online_node(nid)
		if (node_total_pages(nid)) {
			node_set(nid, m);
			n++;
		}
	return n;
}

KTEST(mempolicy, bind_places_every_page_on_its_node)
{
	kmem_cache_shrink_all();
	u64 base = nr_free_pages();
	nodemask_t mem;
	nodes_with_memory(&mem);
	int nid;
	for_each_node_mask(nid, &mem) {
		nodemask_t m = one_node(nid);
		ASSERT_EQ(sys_set_mempolicy(MPOL_BIND, &m), 0);
		for (unsigned order = 0; order < 4; order += 3) {
			void *p = alloc_pages(GFP_KERNEL, order);
			EXPECT_TRUE(p != NULL);
			if (p) {
				EXPECT_EQ(page_to_nid(p), nid);
				free_pages(p, order);
			}
		}
	}
	EXPECT_EQ(sys_set_mempolicy(MPOL_DEFAULT, &mem), 0);
	kmem_cache_shrink_all();
	EXPECT_EQ(nr_free_pages(), base);
}

KTEST(mempolicy, preferred_node_comes_before_the_local_one)
{
	nodemask_t mem;
	if (nodes_with_memory(&mem) < 2) {
		kprintf("# skip: fewer than 2 nodes with memory\n");
		return;
	}
	int local = numa_node_id(), other = -1, nid;
	for_each_node_mask(nid, &mem)
		if (nid != local && other < 0)
			other = nid;
	nodemask_t m = one_node(other);
	ASSERT_EQ(sys_set_mempolicy(MPOL_PREFERRED, &m), 0);
	void *p = alloc_pages(GFP_KERNEL, 0);
	EXPECT_EQ(sys_set_mempolicy(MPOL_DEFAULT, &m), 0);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_to_nid(p), other);
	free_pages(p, 0);
}

KTEST(mempolicy, interleave_takes_its_nodes_in_turn)
{
	nodemask_t mem;
	int n = nodes_with_memory(&mem);
	if (n < 2) {
		kprintf("# skip: fewer than 2 nodes with memory\n");
		return;
	}
	ASSERT_EQ(sys_set_mempolicy(MPOL_INTERLEAVE, &mem), 0);
	void *p[8];
	int count[MAX_NUMNODES] = {0};
	for (int k = 0; k < 8; k++)
		p[k] = alloc_pages(GFP_KERNEL, 0);
	EXPECT_EQ(sys_set_mempolicy(MPOL_DEFAULT, &mem), 0);
	for (int k = 0; k < 8; k++) {
		ASSERT_TRUE(p[k] != NULL);
		count[page_to_nid(p[k])]++;
		if (k > 0) // consecutive pages come from different nodes
			EXPECT_NE(page_to_nid(p[k]), page_to_nid(p[k - 1]));
	}
	int nid;
	for_each_node_mask(nid, &mem)
		EXPECT_GE(count[nid], 8 / n - 1);
	for (int k = 0; k < 8; k++)
		free_pages(p[k], 0);
}

KTEST(mempolicy, a_mask_the_caller_names_is_not_overridden)
{
	nodemask_t mem;
	if (nodes_with_memory(&mem) < 2) {
		kprintf("# skip: fewer than 2 nodes with memory\n");
		return;
	}
	int first = first_node(&mem), nid, last = first;
	for_each_node_mask(nid, &mem)
		last = nid;
	nodemask_t bind = one_node(first), named = one_node(last);
	ASSERT_EQ(sys_set_mempolicy(MPOL_BIND, &bind), 0);
	void *p = alloc_pages_nodemask(&named, GFP_KERNEL, 0);
	EXPECT_EQ(sys_set_mempolicy(MPOL_DEFAULT, &bind), 0);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_to_nid(p), last);
	free_pages(p, 0);
}

KTEST(mempolicy, bad_modes_and_nodes_are_einval)
{
	nodemask_t none = NODE_MASK_NONE, offline = one_node(MAX_NUMNODES - 1), mem;
	nodes_with_memory(&mem);
	EXPECT_EQ(sys_set_mempolicy(7, &mem), -EINVAL);
	EXPECT_EQ(sys_set_mempolicy(-1, &mem), -EINVAL);
	EXPECT_EQ(sys_set_mempolicy(MPOL_BIND, &none), -EINVAL);
	EXPECT_EQ(sys_set_mempolicy(MPOL_INTERLEAVE, &none), -EINVAL);
	EXPECT_EQ(sys_set_mempolicy(MPOL_PREFERRED, &none), -EINVAL);
	if (!node_online(MAX_NUMNODES - 1))
		EXPECT_EQ(sys_set_mempolicy(MPOL_BIND, &offline), -EINVAL);
	int mode = -1;
	nodemask_t got;
	EXPECT_EQ(sys_get_mempolicy(&mode, &got), 0);
	EXPECT_EQ(mode, MPOL_DEFAULT); // a refused call changed nothing
	EXPECT_EQ(sys_set_mempolicy(MPOL_DEFAULT, &none), 0);
}

KTEST(mempolicy, bind_outside_the_allowed_nodes_uses_the_allowed_ones)
{
	nodemask_t mem;
	if (nodes_with_memory(&mem) < 2) {
		kprintf("# skip: fewer than 2 nodes with memory\n");
		return;
	}
	int first = first_node(&mem), nid, last = first;
	for_each_node_mask(nid, &mem)
		last = nid;
	// As a memset whose nodes changed under a bound task: bound to one
	// node, allowed only another.
	nodemask_t bind = one_node(first), allowed = one_node(last);
	nodemask_t saved = *task_mems_allowed();
	ASSERT_EQ(sys_set_mempolicy(MPOL_BIND, &bind), 0);
	set_mems_allowed(current, &allowed); // as memset would
	void *p = alloc_pages(GFP_KERNEL, 0);
	set_mems_allowed(current, &saved);
	EXPECT_EQ(sys_set_mempolicy(MPOL_DEFAULT, &bind), 0);
	ASSERT_TRUE(p != NULL);
	EXPECT_EQ(page_to_nid(p), last);
	free_pages(p, 0);
}
