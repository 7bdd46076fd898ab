// Tests for mm/numa.c: the topology is consistent with itself (whatever
// QEMU's -numa flags were): local distance 10, symmetric distances,
// fallback orders sorted by distance, every CPU and page on an online node.
#include "arch/x86/cpu.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"

KTEST(numa, online_nodes_are_below_nr_node_ids)
{
	int nid, highest = -1;
	ASSERT_GE(nodes_weight(&node_online_map), 1);
	for_each_online_node(nid)
		highest = nid;
	EXPECT_EQ(highest + 1, nr_node_ids);
	kprintf("# %d online node(s)\n", nodes_weight(&node_online_map));
}

KTEST(numa, local_distance_is_10)
{
	int nid;
	for_each_online_node(nid)
		EXPECT_EQ(node_distance(nid, nid), LOCAL_DISTANCE);
}

KTEST(numa, distances_are_symmetric_and_remote_is_farther)
{
	int a, b;
	for_each_online_node(a) {
		for_each_online_node(b) {
			EXPECT_EQ(node_distance(a, b), node_distance(b, a));
			if (a != b)
				EXPECT_GT(node_distance(a, b), LOCAL_DISTANCE);
		}
	}
}

KTEST(numa, fallback_order_starts_local_and_is_sorted_by_distance)
{
	int nid;
	for_each_online_node(nid) {
		const int *order = node_fallback_order(nid);
		nodemask_t seen = NODE_MASK_NONE;
		EXPECT_EQ(order[0], nid);
		// Printed for tests/test_topology.py, which checks it against
		// the distances QEMU was given.
		char line[3 * MAX_NUMNODES + 1] = "";
		for (int k = 0; order[k] >= 0; k++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%d",
				 k ? "," : "", order[k]);
		kprintf("# node %d fallback: %s\n", nid, line);
		int i = 0;
		for (; order[i] >= 0; i++) {
			EXPECT_TRUE(node_online(order[i]));
			EXPECT_FALSE(node_isset(order[i], &seen));
			node_set(order[i], &seen);
			if (i > 0)
				EXPECT_LE(node_distance(nid, order[i - 1]), node_distance(nid, order[i]));
		}
		EXPECT_TRUE(nodes_equal(&seen, &node_online_map));
	}
}

KTEST(numa, every_online_cpu_is_on_an_online_node)
{
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		EXPECT_TRUE(node_online(cpu_to_node(cpu)));
	EXPECT_EQ(numa_node_id(), cpu_to_node(smp_processor_id()));
}

KTEST(numa, node_cpumasks_partition_the_online_cpus)
{
	cpumask_t all = CPU_MASK_NONE, mask;
	int nid, total = 0;
	for_each_online_node(nid) {
		node_to_cpumask(nid, &mask);
		EXPECT_FALSE(cpumask_intersects(&all, &mask));
		cpumask_or(&all, &all, &mask);
		total += cpumask_weight(&mask);
	}
	EXPECT_TRUE(cpumask_equal(&all, &cpu_online_mask));
	EXPECT_EQ(total, cpumask_weight(&cpu_online_mask));
}

KTEST(numa, node_memory_is_reported_and_free_fits_in_it)
{
	int nid;
	u64 total = 0;
	for_each_online_node(nid) {
		EXPECT_LE(node_free_pages(nid), node_total_pages(nid));
		total += node_total_pages(nid);
	}
	EXPECT_GT(total, 0);
	EXPECT_LE(nr_free_pages(), total);
}
