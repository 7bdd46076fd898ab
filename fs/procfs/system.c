// The system-wide /proc files: meminfo, cpuinfo, uptime, loadavg, mounts,
// zoneinfo, nodes and sys/fs/file-nr. Formats follow Linux where Linux has
// the file; /proc/nodes is ours (numactl --hardware reads it).
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "fs/procfs/procfs.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "lib/cpumask.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/task_heap.h"

#define PAGE_KB (PAGE_SIZE / 1024)

static u64 total_pages(void)
{
	u64 n = 0;
	int nid;
	for_each_online_node(nid)
		n += node_total_pages(nid);
	return n;
}

static int meminfo_show(struct seq_buf *s)
{
	seq_printf(s, "%-16s%8llu kB\n", "MemTotal:", total_pages() * PAGE_KB);
	seq_printf(s, "%-16s%8llu kB\n", "MemFree:", nr_free_pages() * PAGE_KB);
	seq_printf(s, "%-16s%8llu kB\n", "MemAvailable:", nr_free_pages() * PAGE_KB);
	return 0;
}

static void cpu_model(char model[49])
{
	u32 r[12], a, b, c, d;
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000004) {
		strlcpy(model, "unknown", 49);
		return;
	}
	for (u32 i = 0; i < 3; i++)
		cpuid(0x80000002 + i, 0, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2], &r[4 * i + 3]);
	memcpy(model, r, 48);
	model[48] = 0;
}

static int cpuinfo_show(struct seq_buf *s)
{
	char model[49];
	cpu_model(model);
	const char *m = model;
	while (*m == ' ')
		m++;
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		seq_printf(s, "processor\t: %d\n", cpu);
		seq_printf(s, "model name\t: %s\n", m);
		seq_printf(s, "cpu MHz\t\t: %llu.%03llu\n", tsc_hz / 1000000, (tsc_hz / 1000) % 1000);
		seq_printf(s, "apicid\t\t: %u\n", cpus[cpu]->apic_id);
		seq_printf(s, "node\t\t: %d\n\n", cpu_to_node(cpu));
	}
	return 0;
}

// Seconds since boot and seconds the CPUs spent idle, with hundredths.
static int uptime_show(struct seq_buf *s)
{
	u64 up = clock_ns(), idle = 0;
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		idle += READ_ONCE(cpus[cpu]->idle_ns);
	seq_printf(s, "%llu.%02llu %llu.%02llu\n", up / NSEC_PER_SEC, up / 10000000 % 100,
		   idle / NSEC_PER_SEC, idle / 10000000 % 100);
	return 0;
}

#define FSHIFT 11 // sched_loadavg's fixed point
#define FIXED_1 (1 << FSHIFT)

static bool count_running(struct task *t, void *arg)
{
	if (t->state == TASK_RUNNING)
		++*(int *)arg;
	return true;
}

static bool find_last_pid(struct task *t, void *arg)
{
	*(pid_t *)arg = t->pid; // creation order: the last one is the newest
	return true;
}

// "1.00 0.50 0.25 running/total last_pid", as Linux prints it.
static int loadavg_show(struct seq_buf *s)
{
	unsigned long l[3];
	int running = 0;
	pid_t last = 0;
	sched_loadavg(l);
	for_each_task(count_running, &running);
	for_each_task(find_last_pid, &last);
	for (int i = 0; i < 3; i++) {
		unsigned long v = l[i] + FIXED_1 / 200; // round to hundredths
		seq_printf(s, "%lu.%02lu ", v >> FSHIFT, ((v & (FIXED_1 - 1)) * 100) >> FSHIFT);
	}
	seq_printf(s, "%d/%d %d\n", running, nr_tasks(), last);
	return 0;
}

static int zoneinfo_show(struct seq_buf *s)
{
	int nid;
	for_each_online_node(nid) {
		u64 free, present;
		const char *name;
		for (int z = 0; zone_stats(nid, z, &free, &present, &name) == 0; z++) {
			seq_printf(s, "Node %d, zone %8s\n", nid, name);
			seq_printf(s, "  pages free     %llu\n", free);
			seq_printf(s, "        used     %llu\n", present - free);
			seq_printf(s, "        present  %llu\n", present);
		}
	}
	return 0;
}

// One line per online node, then one line of distances per node:
//   node N cpus LIST size_kb S free_kb F
//   distances N: d0 d1 ...
static int nodes_show(struct seq_buf *s)
{
	int nid, to;
	for_each_online_node(nid) {
		cpumask_t mask;
		char list[256];
		node_to_cpumask(nid, &mask);
		cpumask_print(list, sizeof(list), &mask);
		seq_printf(s, "node %d cpus %s size_kb %llu free_kb %llu\n", nid,
			   list, node_total_pages(nid) * PAGE_KB,
			   node_free_pages(nid) * PAGE_KB);
	}
	for_each_online_node(nid) {
		seq_printf(s, "distances %d:", nid);
		for_each_online_node(to)
			seq_printf(s, " %d", node_distance(nid, to));
		seq_printf(s, "\n");
	}
	return 0;
}

// "allocated 0 max", as Linux's file-nr.
static int file_nr_show(struct seq_buf *s)
{
	seq_printf(s, "%ld\t0\t%d\n", files_count(), FILES_MAX);
	return 0;
}

// Linux's names for the counters we have: heap pages moved by memset's
// memory_migrate, and moves refused for want of memory (ENOMEM).
static int vmstat_show(struct seq_buf *s)
{
	seq_printf(s, "pgmigrate_success %llu\n", (unsigned long long)heap_pages_migrated());
	seq_printf(s, "pgmigrate_fail %llu\n", (unsigned long long)heap_migrations_failed());
	return 0;
}

int proc_system_files_init(void)
{
	static const struct {
		const char *path;
		int (*show)(struct seq_buf *s);
	} files[] = {
		{"meminfo", meminfo_show},   {"cpuinfo", cpuinfo_show},
		{"uptime", uptime_show},     {"loadavg", loadavg_show},
		{"mounts", mounts_show},     {"zoneinfo", zoneinfo_show},
		{"nodes", nodes_show},       {"sys/fs/file-nr", file_nr_show},
		{"vmstat", vmstat_show},
	};
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		int err = proc_create(files[i].path, files[i].show, NULL);
		if (err)
			return err;
	}
	return 0;
}
