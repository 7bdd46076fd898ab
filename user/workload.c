// Workload tools for trying out the containers:
//   spin SECONDS          burn CPU for SECONDS of wall time
//   memhog [-t SECS] MIB  allocate and touch MIB MiB, print where its pages
//                         are (/proc/<pid>/numa: `node N: PAGES pages`),
//                         then hold them until killed or for SECS
//   fdhog N               open N files and hold them
//   spawnmany N           spawn N children that sleep, and wait for them
// A tool that hits a limit says how far it got (`opened K`, `spawned K`)
// before the error, so a test can see the limit.
#include "user/applib.h"
#include "user/corral.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-t") == 0) {
		if (applib_parse_seconds(argv[i + 1], &hold_ns) < 0)
			return applib_error("memhog", argv[i + 1], EINVAL);
		i += 2;
	}
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
	if (applib_wants_help(argc, argv,
			   "usage: spawnmany N\nSpawn N children running `sleep 1000` and wait for them.\n"
			   "If a spawn fails, print how many started, kill them and fail.\n"))
		return 0;
	unsigned long n;
	if (argc != 2 || applib_parse_ulong(argv[1], &n) < 0 || n > 1000000) {
		fprintf(stderr, "usage: spawnmany N\n");
		return 1;
	}
	pid_t *pids = malloc(sizeof(pid_t) * (n ? n : 1));
	if (!pids)
		return applib_error("spawnmany", "malloc", ENOMEM);
	char *child[] = {"sleep", "1000", NULL};
	unsigned long k;
	int status = 0;
	for (k = 0; k < n; k++) {
		pids[k] = spawn("sleep", child, NULL);
		if (pids[k] < 0)
			break;
	}
	if (k < n) {
		int err = errno;
		printf("spawned %lu\n", k);
		fflush(stdout);
		status = applib_error("spawnmany", "spawn", err);
		for (unsigned long i = 0; i < k; i++)
			kill(pids[i], SIGKILL);
	} else {
		printf("spawned %lu\n", n);
		fflush(stdout);
	}
	for (unsigned long i = 0; i < k; i++) {
		int st;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
	}
	free(pids);
	return status;
}
APP(spawnmany, spawnmany_main, "spawn many sleeping children");
