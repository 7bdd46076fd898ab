// NUMA topology: which node owns each range of memory and each CPU, and how
// far apart the nodes are.
//
// Filled by the ACPI code (SRAT memory and CPU affinity, SLIT distances)
// during acpi_init, then frozen by numa_init() at the start of mm_init. The
// setters are boot-only and run on the boot CPU before any other CPU is up,
// so nothing here takes a lock: after mm_init every table is read-only.
//
// Without any SRAT memory entry the machine is one node, 0, owning all
// memory and every CPU. Distances follow ACPI: 10 = local; without a SLIT,
// every remote node is 20 away.
//
// CPUs are known to ACPI by APIC id and to the rest of the kernel by logical
// id (cpus[cpu]); cpu_to_node() goes from one to the other through
// cpus[cpu]->apic_id, so it is right as soon as the SMP code has filled in a
// CPU's apic_id; the hot paths read the copy in cpus[cpu]->node instead.
#ifndef MM_NUMA_H
#define MM_NUMA_H

#include "arch/x86/cpu.h"
#include "kernel/types.h"
#include "lib/cpumask.h"

#define NUMA_NO_NODE (-1)
#define LOCAL_DISTANCE 10
#define REMOTE_DISTANCE 20
#define MAX_LOCAL_APIC 256     // APIC ids we can map to nodes (xAPIC range)
#define MAX_NUMA_MEMBLKS 64    // SRAT memory ranges we keep

// ---- Setters: ACPI, boot CPU, before mm_init ----
void numa_add_memory(int nid, u64 base, u64 len); // SRAT memory affinity
void numa_set_cpu_node(u32 apic_id, int nid);     // SRAT CPU affinity
void numa_set_distance(int from, int to, u8 dist); // SLIT entry

// ---- Queries (valid after mm_init; lock-free, the tables never change) ----
extern int nr_node_ids;            // highest online node + 1
extern nodemask_t node_online_map; // nodes with memory or CPUs

#define for_each_online_node(nid) for_each_node_mask(nid, &node_online_map)

static inline bool node_online(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES && node_isset(nid, &node_online_map);
}

int cpu_to_node(int cpu); // logical CPU id -> node
// The node of the CPU we are running on: struct cpu caches it (smp.c sets
// it for each CPU it starts, numa_init for the boot CPU).
static inline int numa_node_id(void) { return this_cpu()->node; }
int node_distance(int a, int b);
// All online nodes sorted by distance from nid (ties by node id), nid
// itself first, terminated by -1.
const int *node_fallback_order(int nid);
// The online CPUs (logical ids) of node nid.
void node_to_cpumask(int nid, cpumask_t *mask);
// The CPUs of node nid as a list ("0-1") for messages, as far as they are
// known at the time: before the other CPUs are started that is the APIC ids
// SRAT placed on the node (QEMU numbers them like logical CPUs); without
// SRAT, node 0 has every CPU ("all"). snprintf semantics.
int node_cpulist_print(int nid, char *buf, size_t size);

// ---- For mm/ ----
// Freezes the topology: the one-node default without SRAT, online map,
// nr_node_ids, fallback orders. Called first thing in mm_init.
void numa_init(void);
// The node SRAT puts physical address pa on and the end of that stretch
// (clamped to limit); for an address SRAT does not cover, the default node
// and the start of the next covered stretch (clamped to limit).
int numa_node_of_range(u64 pa, u64 limit, u64 *stretch_end);

#endif
