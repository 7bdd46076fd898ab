// mm_init: memory management at boot (a stage of kernel/init.c). Runs on
// the boot CPU after acpi_init has recorded the NUMA topology and before
// smp_init starts the other CPUs:
//   numa_init        freeze the topology (one node without SRAT)
//   memblock_init    usable RAM from the memory map, minus what is in use
//   pgtable_init     kernel page tables: direct map of all RAM; switch CR3
//   page_alloc_init  nodes, zones, struct pages; free memory to the buddy
//   slab_init        kmalloc caches
//   vmap_init        the kernel mapping area
// and prints one line per node and the time it took.
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "mm/memblock.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/vmap.h"
#include "mm/zone.h"

static u64 pages_to_mib(u64 pages) { return (pages * PAGE_SIZE + (1 << 19)) >> 20; }

static void mm_report_nodes(void)
{
	char cpus[64];
	int nid;
	for_each_online_node(nid) {
		node_cpulist_print(nid, cpus, sizeof(cpus));
		pr_info("node %d: cpus %s, %llu MiB, %llu MiB free\n", nid, cpus[0] ? cpus : "none",
			pages_to_mib(node_total_pages(nid)), pages_to_mib(node_free_pages(nid)));
	}
}

void mm_init(void)
{
	u64 start = clock_ns();
	numa_init();
	memblock_init();
	pgtable_init();
	page_alloc_init();
	slab_init();
	vmap_init();
	u64 took = clock_ns() - start;
	mm_report_nodes();
	pr_info("mm: %d node%s, %llu MiB free, mm_init took %llu us\n", nodes_weight(&node_online_map),
		nodes_weight(&node_online_map) == 1 ? "" : "s", pages_to_mib(nr_free_pages()),
		took / 1000);
}
