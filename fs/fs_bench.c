// File-system benchmarks (KBENCH): open+close of an existing ramfs file,
// a 4 KiB read, create+unlink, and a one-byte pipe round trip between two
// tasks.
#include "fs/fs_test.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "mm/slab.h"

// kbench_report prints value/1000 with 3 decimals: pass ns for "us".
static void report_us(const char *name, u64 total_ns, u64 ops)
{
	kbench_report(name, total_ns / ops, "us");
}

KBENCH(open_close_us)
{
	fs_test_write_file("/tmp/bench_oc", "x");
	const int n = 20000;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++)
		sys_close(sys_open("/tmp/bench_oc", O_RDONLY, 0));
	report_us("open_close_us", clock_ns() - t0, n);
	sys_unlink("/tmp/bench_oc");
}

KBENCH(read_4k_us)
{
	char *buf = kmalloc(4096, GFP_KERNEL);
	memset(buf, 'r', 4096);
	int fd = sys_open("/tmp/bench_rd", O_RDWR | O_CREAT | O_TRUNC, 0644);
	sys_write(fd, buf, 4096);
	const int n = 20000;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		sys_lseek(fd, 0, SEEK_SET);
		sys_read(fd, buf, 4096);
	}
	report_us("read_4k_us", clock_ns() - t0, n);
	sys_close(fd);
	sys_unlink("/tmp/bench_rd");
	kfree(buf);
}

KBENCH(create_unlink_us)
{
	const int n = 10000;
	u64 t0 = clock_ns();
	for (int i = 0; i < n; i++) {
		sys_close(sys_open("/tmp/bench_cu", O_RDWR | O_CREAT | O_EXCL, 0644));
		sys_unlink("/tmp/bench_cu");
	}
	report_us("create_unlink_us", clock_ns() - t0, n);
}

#define PINGS 5000

// The echo side: fd 0 is the ping pipe's read end, fd 1 the pong's write
// end. arg: the CPU to run on, or -1 for any.
static int pong_task(void *arg)
{
	int cpu = (int)(long)arg;
	if (cpu >= 0) {
		cpumask_t mask = CPU_MASK_NONE;
		cpumask_set_cpu(cpu, &mask);
		sched_setaffinity(0, &mask);
	}
	char c;
	while (sys_read(0, &c, 1) == 1)
		sys_write(1, &c, 1);
	return 0;
}

// One byte to the pong task and back, PINGS times. With same_cpu, both
// tasks share this CPU, so the figure is the pipe's own cost (copy,
// wake-up, switch); otherwise it includes waking another CPU, which under
// QEMU on a busy host can take milliseconds.
static void pipe_roundtrip(const char *name, bool same_cpu)
{
	int ping[2], pong[2];
	if (sys_pipe(ping) < 0 || sys_pipe(pong) < 0)
		return;
	cpumask_t saved_mask, one = CPU_MASK_NONE;
	sched_getaffinity(0, &saved_mask);
	int cpu = -1;
	if (same_cpu) {
		cpu = smp_processor_id();
		cpumask_set_cpu(cpu, &one);
		sched_setaffinity(0, &one);
		cpu = smp_processor_id();
	}
	int saved0 = sys_dup(0), saved1 = sys_dup(1);
	sys_dup2(ping[0], 0);
	sys_dup2(pong[1], 1);
	pid_t pid = kernel_spawn("pong", pong_task, (void *)(long)cpu);
	sys_dup2(saved0, 0);
	sys_dup2(saved1, 1);
	sys_close(saved0);
	sys_close(saved1);
	sys_close(ping[0]);
	sys_close(pong[1]);
	char c = 'p';
	sys_write(ping[1], &c, 1); // warm up: the pong task is running
	sys_read(pong[0], &c, 1);
	u64 t0 = clock_ns();
	for (int i = 0; i < PINGS; i++) {
		sys_write(ping[1], &c, 1);
		sys_read(pong[0], &c, 1);
	}
	report_us(name, clock_ns() - t0, PINGS);
	sys_close(ping[1]); // pong sees EOF and exits
	int status;
	do_waitpid(pid, &status, 0);
	sys_close(pong[0]);
	sched_setaffinity(0, &saved_mask);
}

KBENCH(pipe_roundtrip_us)
{
	pipe_roundtrip("pipe_roundtrip_us", true);
}

KBENCH(pipe_roundtrip_xcpu_us)
{
	pipe_roundtrip("pipe_roundtrip_xcpu_us", false);
}
