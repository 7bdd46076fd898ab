// Workload tools for trying out the containers:
//   spin SECONDS          burn CPU for SECONDS of wall time
//   memhog [-t SECS] MIB  allocate and touch MIB MiB, print where its pages
//                         are (/proc/<pid>/numa: `node N: PAGES pages`),
//                         then hold them until killed or for SECS
//   fdhog N               open N files and hold them
//   spawnmany [-t SECS] N spawn N children that sleep until killed (or for
//                         SECS) and return, leaving them asleep
// A tool that hits a limit says how far it got (`opened K`, `spawned K`)
// before the error, so a test can see the limit.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hold_forever(void)
{
	for (;;)
		applib_sleep_ns(3600LL * 1000000000LL);
}

static int spin_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: spin [SECONDS]\nBurn CPU for SECONDS of wall time (forever without).\n"))
		return 0;
	long long ns = -1;
	if (applib_operands("spin", &argc, argv) < 0)
		return 1;
	if (argc > 2 || (argc == 2 && applib_parse_seconds(argv[1], &ns) < 0)) {
		if (argc == 2)
			return applib_error("spin", argv[1], EINVAL);
		fprintf(stderr, "usage: spin [SECONDS]\n");
		return 1;
	}
	long long end = applib_now_ns() + ns;
	volatile unsigned long work = 0;
	while (ns < 0 || applib_now_ns() < end)
		for (int i = 0; i < 10000; i++)
			work += (unsigned long)i;
	return 0;
}
APP(spin, spin_main, "burn CPU for some seconds");

static int memhog_main(int argc, char **argv)
{
	static const char usage[] =
		"usage: memhog [-t SECONDS] MIB\n"
		"Allocate and touch MIB MiB, print `node N: PAGES pages` for each\n"
		"node holding them, then hold them until killed (or SECONDS).\n";
	if (applib_wants_help(argc, argv, usage))
		return 0;
	long long hold_ns = -1;
	unsigned long mib;
	struct applib_opts op;
	applib_opts_init(&op, "memhog", argc, argv, "t:", NULL);
	op.usage = usage;
	for (int c; (c = applib_getopt(&op)) != -1;) {
		if (c != 't')
			return 1;
		if (applib_parse_seconds(op.arg, &hold_ns) < 0)
			return applib_error("memhog", op.arg, EINVAL);
	}
	argc = op.argc;
	int i = op.ind;
	if (i + 1 != argc) {
		fputs(usage, stderr);
		return 1;
	}
	if (applib_parse_ulong(argv[i], &mib) < 0 || mib > (1UL << 20))
		return applib_error("memhog", argv[i], EINVAL);
	size_t bytes = (size_t)mib << 20;
	char *mem = bytes ? malloc(bytes) : NULL;
	if (bytes && !mem)
		return applib_error("memhog", "malloc", ENOMEM);
	for (size_t off = 0; off < bytes; off += 4096)
		mem[off] = 1; // touch every page, so it is really allocated
	char path[64], rpath[300];
	snprintf(path, sizeof(path), "/proc/%d/numa", (int)getpid());
	size_t len;
	char *text = applib_read_file(applib_sys_path(path, rpath, sizeof(rpath)), &len);
	int status = 0;
	if (!text) {
		status = applib_error("memhog", path, errno);
	} else {
		fwrite(text, 1, len, stdout);
		free(text);
	}
	fflush(stdout);
	if (hold_ns < 0)
		hold_forever();
	applib_sleep_ns(hold_ns);
	free(mem);
	return status;
}
APP(memhog, memhog_main, "allocate memory, show its nodes, and hold it");

static int fdhog_main(int argc, char **argv)
{
	if (applib_wants_help(argc, argv,
			   "usage: fdhog N\nOpen /dev/null N times and hold the files until killed.\n"))
		return 0;
	unsigned long n;
	if (applib_operands("fdhog", &argc, argv) < 0)
		return 1;
	if (argc != 2 || applib_parse_ulong(argv[1], &n) < 0) {
		fprintf(stderr, "usage: fdhog N\n");
		return 1;
	}
	for (unsigned long k = 0; k < n; k++) {
		if (open("/dev/null", O_RDONLY) < 0) {
			int err = errno;
			printf("opened %lu\n", k);
			fflush(stdout);
			return applib_error("fdhog", "open", err);
		}
	}
	printf("opened %lu\n", n);
	fflush(stdout);
	hold_forever();
	return 0;
}
APP(fdhog, fdhog_main, "open many files and hold them");

static int spawnmany_main(int argc, char **argv)
{
	static const char usage[] =
		"usage: spawnmany [-t SECONDS] N\n"
		"Spawn N children that sleep until killed (or for SECONDS), print\n"
		"`spawned K` and return, leaving them asleep. If a spawn fails, print\n"
		"how many started and the error, and fail; the started ones sleep on.\n";
	if (applib_wants_help(argc, argv, usage))
		return 0;
	char *seconds = "100000000"; // "until killed": about three years
	struct applib_opts op;
	applib_opts_init(&op, "spawnmany", argc, argv, "t:", NULL);
	op.usage = usage;
	for (int c; (c = applib_getopt(&op)) != -1;) {
		long long ns;
		if (c != 't')
			return 1;
		if (applib_parse_seconds(op.arg, &ns) < 0)
			return applib_error("spawnmany", op.arg, EINVAL);
		seconds = (char *)op.arg;
	}
	argc = op.argc;
	int i = op.ind;
	unsigned long n;
	if (i + 1 != argc) {
		fputs(usage, stderr);
		return 1;
	}
	if (applib_parse_ulong(argv[i], &n) < 0 || n > 1000000)
		return applib_error("spawnmany", argv[i], EINVAL);
	char *child[] = {"sleep", seconds, NULL};
	unsigned long k;
	for (k = 0; k < n; k++)
		if (spawn("sleep", child, NULL) < 0)
			break;
	int err = errno;
	printf("spawned %lu\n", k);
	fflush(stdout);
	// The children are not waited for: when spawnmany exits they go to
	// init, and the kernel reaps them when they end.
	return k < n ? applib_error("spawnmany", "spawn", err) : 0;
}
APP(spawnmany, spawnmany_main, "spawn many sleeping children");
