// Spinlock benchmark (`bench` on the kernel command line):
//   spinlock_contended_ns  every online CPU takes one lock, increments a
//                          counter and drops it, in a tight loop; the wall
//                          time per acquisition (all CPUs together).
// Under QEMU TCG with more vCPUs than host cores, a vCPU spinning for a
// ticket held by (or queued behind) a descheduled vCPU wastes its host
// time slice: this figure shows how bad that gets.
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "arch/x86/x86.h"
#include "kernel/atomic.h"
#include "kernel/ktest.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"

#define ROUNDS 1000

static DEFINE_SPINLOCK(bench_lock);
static u64 bench_count; // bench_lock
static atomic_t bench_arrived;

static void lock_rounds(void *arg)
{
	int cpus = (int)(long)arg;
	atomic_inc(&bench_arrived);
	while (atomic_read(&bench_arrived) < cpus) // start together
		cpu_relax();
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&bench_lock);
		bench_count++;
		spin_unlock(&bench_lock);
	}
}

KBENCH(spinlock_contended_ns)
{
	int cpus = cpumask_weight(&cpu_online_mask);
	bench_count = 0;
	atomic_set(&bench_arrived, 0);
	u64 t0 = clock_ns();
	smp_call_function_many(&cpu_online_mask, lock_rounds, (void *)(long)cpus, true);
	u64 ns = clock_ns() - t0;
	kprintf("# %d CPUs, %llu acquisitions\n", cpus, (unsigned long long)bench_count);
	kbench_report("spinlock_contended_ns", ns * 1000 / bench_count, "ns");
}
