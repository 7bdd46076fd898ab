// /proc/<pid>/ files: status, cmdline, numa.
#include "fs/procfs/procfs.h"
#include "arch/x86/layout.h"
#include "kernel/app.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "lib/cpumask.h"
#include "mm/numa.h"
#include "mm/vmap.h"

static const char *state_name(char c)
{
	switch (c) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk sleep";
	case 'Z': return "zombie";
	case 'T': return "stopped";
	case 'N': return "new";
	default: return "dead";
	}
}

// Name, State, Pid, PPid, Cpu (where it last ran) and its Node, the allowed CPUs and
// nodes as lists, VmAllocated (bytes its heap holds), VmRSS (kB of its heap
// pages and kernel stack, as charged to bc.physpages) and SumExecRuntime
// (ns of CPU used). Only the DESIGN.md §8 lines contain "Cpu" or
// "allowed", so `grep -E 'Cpu|allowed' /proc/N/status` shows just those.
// The pages t holds: its heap's and its kernel stack's (what bc.physpages
// charges for t itself; ramfs and pipe pages belong to files). A zombie's
// stack, uncharged at its exit though not yet freed, counts no more.
static u64 task_pages(struct task *t)
{
	char state = task_state_char(t);
	u64 n = t->kstack_top && state != 'Z' && state != 'X' ? KSTACK_SIZE / PAGE_SIZE : 0;
	int nid;
	for_each_online_node(nid)
		n += app_heap_node_pages(t, nid);
	return n;
}

static int status_show(struct task *t, struct seq_buf *s)
{
	char cpus[256], mems[256];
	cpumask_print(cpus, sizeof(cpus), &t->cpus_allowed);
	nodemask_print(mems, sizeof(mems), &t->mems_allowed);
	char state = task_state_char(t);
	seq_printf(s, "Name:\t%s\n", t->name);
	seq_printf(s, "State:\t%c (%s)\n", state, state_name(state));
	seq_printf(s, "Pid:\t%d\n", t->pid);
	seq_printf(s, "PPid:\t%d\n", task_ppid(t));
	int cpu = READ_ONCE(t->cpu);
	seq_printf(s, "Cpu:\t%d\n", cpu);
	seq_printf(s, "Node:\t%d\n", cpu_to_node(cpu));
	seq_printf(s, "Cpus_allowed_list:\t%s\n", cpus);
	seq_printf(s, "Mems_allowed_list:\t%s\n", mems);
	seq_printf(s, "VmAllocated:\t%llu\n", app_heap_allocated_bytes(t));
	seq_printf(s, "VmRSS:\t%llu kB\n", task_pages(t) * (PAGE_SIZE / 1024));
	seq_printf(s, "SumExecRuntime:\t%llu\n", task_cpu_time_ns(t));
	return 0;
}

// The command line, NUL-terminated: the task's name (tasks keep no argv).
static int cmdline_show(struct task *t, struct seq_buf *s)
{
	seq_printf(s, "%s", t->name);
	return seq_write(s, "", 1);
}

// One line per online node: the pages of the task's heap there. (The
// app_heap_* calls keep the heap alive against the task's exit.)
static int numa_show(struct task *t, struct seq_buf *s)
{
	int nid;
	for_each_online_node(nid)
		seq_printf(s, "node %d: %llu pages\n", nid, app_heap_node_pages(t, nid));
	return 0;
}

int proc_task_files_init(void)
{
	int err = proc_create_task_file("status", status_show);
	if (!err)
		err = proc_create_task_file("cmdline", cmdline_show);
	if (!err)
		err = proc_create_task_file("numa", numa_show);
	return err;
}
