// Shared between the torture suite's workers (kernel/torture.c) and its
// controller (kernel/torture_run.c). See kernel/torture.h.
//
// Locks: torture_mount_mutex serialises mount/umount of the slots and guards
// torture.slot_mounted. Everything else in `torture` is written by the
// controller while the workers are parked, or by each worker for its own
// struct torture_worker (the controller reads the counters racily).
#ifndef KERNEL_TORTURE_INTERNAL_H
#define KERNEL_TORTURE_INTERNAL_H

#include "kernel/atomic.h"
#include "kernel/mutex.h"
#include "kernel/torture.h"
#include "kernel/types.h"
#include "lib/printf.h"

#define TORTURE_INTERVAL_S 15
#define MAX_WORKERS 16
#define MAX_SLOTS 3
#define RING 16
#define HELD_MAX 6   // files a worker holds open
#define KIDS_MAX 6   // children a worker has at once
#define DEPTH_MAX 6  // usual container depth (sometimes up to DEEP_MAX)
#define DEEP_MAX 24
#define PARK_TIMEOUT_S 120

enum op {
	OP_MKDIR, OP_RMDIR, OP_RENAME, OP_ATTACH, OP_SPAWN, OP_REAP, OP_KILL,
	OP_MOUNT, OP_WRITE, OP_READ, OP_OPEN, OP_CLOSE, OP_SH, OP_CONSOLE, OP_NR
};
extern const char *const op_names[OP_NR];

// Control files: writable ones first (the top's config files among them
// are restored at each quiesce), then read-only ones.
extern const char *const torture_files[];
#define NR_FILES 24
#define NR_CONFIG_FILES 15 // torture_files[1..14]: the top's settings (not tasks)

struct op_record {
	u64 seq;
	u8 op;
	int result;
	char text[88];
};

struct torture_worker {
	int id;
	pid_t pid;
	u64 rng;
	u64 ops, op_count[OP_NR];
	struct op_record ring[RING];
	int fds[HELD_MAX], nfds;
	pid_t kids[KIDS_MAX];
	int nkids;
	int tmp_seq;
	volatile bool parked; // set by the worker while it is parked
	// Its shell scripts (kernel/torture_sh.c): the one running (0: none;
	// stays set if it could not be killed), and counts for the summary.
	pid_t sh_pid;
	u64 sh_run, sh_killed, sh_paused; // started; killed at the deadline, at a pause
	u64 sh_status[256];               // ended by themselves, per status (128+N: signal N)
};

struct torture_state {
	bool running;
	bool no_top_writes;         // notop: no writes to the tops' files, no
				    // rmdir of the mountpoints
	u64 seed, seconds;
	int nworkers;               // plus the injector, which is worker[nworkers]
	int nslots;
	char opts[MAX_SLOTS][64];   // mount options per slot
	volatile int pause, done;
	atomic_t parked;
	int only_op;                // -1, or the one op the workers do (only=NAME)
	atomic_t failures;          // torture_fail() calls: the controller stops
	bool slot_mounted[MAX_SLOTS]; // torture_mount_mutex
	struct torture_worker w[MAX_WORKERS + 1];
	char root_values[MAX_SLOTS][NR_CONFIG_FILES][80];
	long root_usage[MAX_SLOTS], root_held[MAX_SLOTS];
	u64 reports_at_start;
};
extern struct torture_state torture;
// Guards torture.slot_mounted[] and makes a slot's mount or umount and
// the flag's update one step (workers' op_mount, the controller's remount).
extern struct mutex torture_mount_mutex;

// ---- PRNG (xorshift64*, seeded through splitmix64) ----

static inline u64 splitmix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline u64 rnd64(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static inline unsigned rnd(u64 *s, unsigned n) { return n ? (unsigned)(rnd64(s) >> 33) % n : 0; }

static inline void slot_dir(int slot, char *buf, size_t len)
{
	snprintf(buf, len, "/torture/h%d", slot);
}

// Mount slot's hierarchy at dir (torture_mount_mutex held) on a fresh
// empty directory: what a script or the console wrote into the unmounted
// directory moves aside to old (if given, a buffer of 48) instead of being
// hidden under the mount, where its pages would keep the writers' bc
// containers busy (bc.physpages) with nothing able to remove them.
int torture_mount_fresh(int slot, const char *dir, const char *opts, char *old);

// Append an entry to w's ring of recent operations; it can be updated
// (its result) until the next one.
struct op_record *torture_record(struct torture_worker *w, enum op op, int result, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
// A worker found a failure that no count shows (a script that cannot be
// killed): say what, and the controller ends the run.
void torture_fail(struct torture_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// "torture:   WHAT PID NAME: state, cpu, allowed CPUs and nodes" (or gone).
void torture_print_task(const char *what, pid_t pid);

// ---- Shell scripts (kernel/torture_sh.c) ----
#define SH_SCRIPT_MAX 2048
// A random script for worker w into buf (SH_SCRIPT_MAX bytes): its length.
size_t torture_sh_generate(struct torture_worker *w, char *buf);
// The op: generate, run as `sh FILE` with a deadline, kill, check.
void torture_op_sh(struct torture_worker *w);
// fds 0-2 of the worker (and so of its scripts) become /dev/null.
void torture_sh_setup(struct torture_worker *w);
// The whole script of each worker running one (failure reports).
void torture_print_scripts(void);

// `echo VALUE > PATH` without O_CREAT: write's result or the first error.
long torture_write_file(const char *path, const char *s, size_t n);
long torture_write_str(const char *path, const char *s);
// PATH into buf, NUL-terminated: read's result or open's error.
long torture_read_file(const char *path, char *buf, size_t len);
// s with control characters as \xNN.
void torture_print_text(const char *s);
void torture_print_rings(void);
int torture_worker_main(void *arg);   // arg: its struct torture_worker
int torture_injector_main(void *arg); // arg: torture.w[torture.nworkers]

#endif
