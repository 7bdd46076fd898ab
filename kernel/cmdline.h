// The kernel command line (DESIGN.md §2): ktest, ktest=PATTERN, init="CMD",
// bench, quiet, loglevel=N, torture=SECONDS[,SEED[,WORKERS]]. Unknown words are warned about and ignored.
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

struct cmdline {
	bool ktest;
	char ktest_pattern[128];
	bool bench;
	char bench_pattern[128];
	char init[1024]; // empty: interactive shell
	char torture[64]; // torture=SECONDS[,SEED[,WORKERS]] (kernel/torture.h)
	bool quiet;
	int loglevel;    // -1 = not given
};

extern struct cmdline cmdline;
// Parse s into cmdline; returns the number of words not understood.
int cmdline_parse(const char *s, struct cmdline *out);

#endif
