// NUMA topology store: SRAT/SLIT facts in, node queries out. See numa.h.
//
// Locking: none. Setters run on the boot CPU before mm_init; numa_init()
// freezes the tables; afterwards they are only read.
#include "mm/numa.h"
#include "arch/x86/cpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"

int nr_node_ids = 1;
nodemask_t node_online_map;

// SRAT memory affinity ranges, [start, end).
static struct numa_memblk {
	u64 start, end;
	int nid;
} memblks[MAX_NUMA_MEMBLKS];
static int nr_memblks;

static s8 apic_to_node[MAX_LOCAL_APIC]; // node + 1; 0 = SRAT did not say
static bool have_cpu_affinity;
static u8 distance[MAX_NUMNODES][MAX_NUMNODES]; // 0 = no SLIT entry
static int fallback[MAX_NUMNODES][MAX_NUMNODES + 1];
static int default_node; // for CPUs and memory SRAT does not place

static bool nid_valid(int nid, const char *what)
{
	if (nid >= 0 && nid < MAX_NUMNODES)
		return true;
	pr_warn("numa: %s: node %d out of range, ignored\n", what, nid);
	return false;
}

void numa_add_memory(int nid, u64 base, u64 len)
{
	if (len == 0 || !nid_valid(nid, "memory"))
		return;
	if (nr_memblks == MAX_NUMA_MEMBLKS) {
		pr_warn("numa: too many memory ranges, [%#llx+%#llx) ignored\n", base, len);
		return;
	}
	memblks[nr_memblks++] = (struct numa_memblk){base, base + len, nid};
	node_set(nid, &node_online_map);
}

void numa_set_cpu_node(u32 apic_id, int nid)
{
	if (!nid_valid(nid, "cpu"))
		return;
	if (apic_id >= MAX_LOCAL_APIC) {
		pr_warn("numa: apic id %u too large, cpu left on node 0\n", apic_id);
		return;
	}
	apic_to_node[apic_id] = (s8)(nid + 1);
	have_cpu_affinity = true;
	node_set(nid, &node_online_map);
}

void numa_set_distance(int from, int to, u8 dist)
{
	if (nid_valid(from, "distance") && nid_valid(to, "distance"))
		distance[from][to] = dist;
}

int node_distance(int a, int b)
{
	if (a < 0 || b < 0 || a >= MAX_NUMNODES || b >= MAX_NUMNODES)
		return REMOTE_DISTANCE;
	if (distance[a][b])
		return distance[a][b];
	if (distance[b][a]) // a half-filled SLIT: assume symmetry
		return distance[b][a];
	return a == b ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}

int cpu_to_node(int cpu)
{
	if (cpu < 0 || cpu >= NR_CPUS || !cpus[cpu])
		return default_node;
	u32 apic = cpus[cpu]->apic_id;
	if (apic < MAX_LOCAL_APIC && apic_to_node[apic])
		return apic_to_node[apic] - 1;
	return default_node;
}

void node_to_cpumask(int nid, cpumask_t *mask)
{
	int cpu;
	cpumask_clear(mask);
	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu_to_node(cpu) == nid)
			cpumask_set_cpu(cpu, mask);
}

int node_cpulist_print(int nid, char *buf, size_t size)
{
	DECLARE_BITMAP(apics, MAX_LOCAL_APIC);
	if (!have_cpu_affinity)
		return snprintf(buf, size, "%s", nid == default_node ? "all" : "");
	bitmap_zero(apics, MAX_LOCAL_APIC);
	for (int a = 0; a < MAX_LOCAL_APIC; a++)
		if (apic_to_node[a] == nid + 1)
			__set_bit(a, apics);
	return bitmap_print_list(buf, size, apics, MAX_LOCAL_APIC);
}

const int *node_fallback_order(int nid)
{
	if (!node_online(nid))
		nid = default_node;
	return fallback[nid];
}

// Does node a come before node b in nid's fallback order? Nearer first;
// nid itself before any other node at the same distance; then by id.
static bool fallback_before(int nid, int a, int b)
{
	int da = node_distance(nid, a), db = node_distance(nid, b);
	if (da != db)
		return da < db;
	if (a == nid || b == nid)
		return a == nid;
	return a < b;
}

// fallback[nid]: the online nodes in fallback order (insertion sort:
// MAX_NUMNODES is small).
static void build_fallback(int nid)
{
	int n = 0, other;
	for_each_online_node(other) {
		int i = n++;
		while (i > 0 && fallback_before(nid, other, fallback[nid][i - 1])) {
			fallback[nid][i] = fallback[nid][i - 1];
			i--;
		}
		fallback[nid][i] = other;
	}
	fallback[nid][n] = -1;
}

int numa_node_of_range(u64 pa, u64 limit, u64 *stretch_end)
{
	u64 next = limit;
	for (int i = 0; i < nr_memblks; i++) {
		if (pa >= memblks[i].start && pa < memblks[i].end) {
			*stretch_end = MIN(memblks[i].end, limit);
			return memblks[i].nid;
		}
		if (memblks[i].start > pa && memblks[i].start < next)
			next = memblks[i].start;
	}
	*stretch_end = next;
	return default_node;
}

void numa_init(void)
{
	int nid;
	if (nr_memblks == 0) { // no SRAT: one node with everything
		nodes_clear(&node_online_map);
		have_cpu_affinity = false;
		for (int a = 0; a < MAX_LOCAL_APIC; a++)
			apic_to_node[a] = 0;
	}
	if (nodes_empty(&node_online_map))
		node_set(0, &node_online_map);
	default_node = first_node(&node_online_map);
	for_each_online_node(nid)
		nr_node_ids = nid + 1;
	for_each_online_node(nid)
		build_fallback(nid);
	for (int cpu = 0; cpu < NR_CPUS; cpu++) // the boot CPU, so far
		if (cpus[cpu])
			cpus[cpu]->node = cpu_to_node(cpu);
}
