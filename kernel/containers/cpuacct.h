// cpuacct.load's arithmetic: a small ring of per-second samples of a
// container's total CPU usage, recorded lazily by the charges themselves,
// so that reading the load needs no timer. Used by cpuacct.c; declared
// here so that cpuacct_test.c can check the arithmetic on made-up samples.
#ifndef KERNEL_CONTAINERS_CPUACCT_H
#define KERNEL_CONTAINERS_CPUACCT_H

#include "kernel/types.h"

#define CPUACCT_LOAD_WINDOW_NS (10ULL * 1000 * 1000 * 1000)
// Slots indexed by second % CPUACCT_LOAD_SLOTS: the seconds of the last
// window and the one before it are always in distinct slots.
#define CPUACCT_LOAD_SLOTS 12

struct cpuacct_load {
	u64 last_sec; // the second of the latest sample (~0: none yet)
	struct {
		u64 at_ns; // when it was taken (clock_ns), 0 for none
		u64 usage; // total usage (ns) just before that moment's charge
	} sample[CPUACCT_LOAD_SLOTS];
};

void cpuacct_load_init(struct cpuacct_load *l);
// Called with every charge at time now, before adding it: records usage
// if this is the first charge of now's second (once, if CPUs race here).
void cpuacct_load_record(struct cpuacct_load *l, u64 now, u64 usage);
// The percentage of one CPU used over the last CPUACCT_LOAD_WINDOW_NS
// (the time since boot if shorter), given the total usage now.
u64 cpuacct_load_percent(const struct cpuacct_load *l, u64 now, u64 usage);

#endif
