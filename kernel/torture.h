// The container torture suite (kernel/torture.c, kernel/torture_check.c).
//
// Booted with torture=SECONDS,SEED[,WORKERS] (make torture, scripts/torture),
// init runs torture_run() instead of a shell: kernel workers on every CPU
// do random container operations through the same system calls a shell
// user's commands make, a console injector types random lines and bytes
// into a shell, and every TORTURE_INTERVAL_S the workers are parked, the
// hierarchies torn down and every count compared with its baseline. The
// last line is "torture: PASS seed=S ops=N (X ops/s) in D s" or
// "torture: FAIL seed=S ...", and the machine powers off with the result.
#ifndef KERNEL_TORTURE_H
#define KERNEL_TORTURE_H

#include "kernel/types.h"

struct torture_params {
	u64 seconds;  // run length
	u64 seed;     // 0: from the clock (printed, so it can be given back)
	int workers;  // 0: two per CPU
	bool no_top_writes; // no random writes to the hierarchies' top files
	int only_op;        // -1, or the only operation the workers do (only=NAME:
			    // mkdir, write, sh, console (the injector alone)...)
};

// Parse the value of torture= ("SECONDS[,SEED[,WORKERS]][,notop][,only=NAME]"):
// 0 or -EINVAL.
int torture_parse(const char *s, struct torture_params *p);
// Run the suite (init's task); 0 on PASS.
int torture_run(const struct torture_params *p);
// Called on a fatal error: if a torture run is in progress, print its
// seed and every worker's last operations (panic_end).
void torture_abort_report(void);

// ---- Between torture.c and torture_check.c ----

// A snapshot of everything that must come back after a quiesce.
#define TORTURE_MAX_CACHES 64
#define TORTURE_MAX_NODES 8
struct torture_counts {
	u64 node_free[TORTURE_MAX_NODES]; // free pages per node, plus pages in
		// slabs (objects are counted per cache; how they pack is not a
		// leak) and page tables made since boot (they stay)
	int nr_caches;
	char cache_name[TORTURE_MAX_CACHES][32];
	u64 cache_objs[TORTURE_MAX_CACHES]; // active objects per slab cache
	long files, inodes, dentries, pipes;
	int tasks, css_sets, hierarchies, containers;
	int containers_allocated; // container_count: freed ones too (lifetimes)
	int css[8];               // container_css_count per subsystem id
	char proc_containers[512]; // /proc/containers as read
};
void torture_counts_take(struct torture_counts *c);
// The number of differences between base and now among the objects
// (files... /proc/containers) and/or the memory counts (pages, slab
// objects); each is printed if print. The caller is the only one comparing.
#define TORTURE_OBJECTS 1
#define TORTURE_MEMORY 2
int torture_counts_compare(const struct torture_counts *base, const struct torture_counts *now,
			   unsigned what_to_compare, bool print);
// Leak reports: torture_slab_prepare (at the start, before any count: it
// allocates) sets aside room to record every slab object's address;
// torture_slab_snapshot records them with the memory baseline;
// torture_slab_report prints, for each cache with more objects in now than
// in base, the objects that were not there (their words and text), and
// returns how many; torture_slab_release gives the room back (tests).
void torture_slab_prepare(void);
void torture_slab_snapshot(const struct torture_counts *c);
long torture_slab_report(const struct torture_counts *base, const struct torture_counts *now);
void torture_slab_release(void);

#endif
