// Boot sequencing after the boot CPU can take interrupts and tell time.
//
// Each stage is a function its subsystem defines (declared in
// kernel/init.h; every one is required: a missing stage is a link
// error, not a silent no-op). Order:
//   acpi_init    read MADT/SRAT/SLIT (needs only the direct map)
//   mm_init      nodes, zones, buddy, slab (needs SRAT + memory map)
//   smp_init     start the other CPUs (needs the page allocator); they
//                come up while the boot CPU goes on
//   sched_init   tasks and run queues on every CPU started
//   fs_init      VFS, ramfs, devfs, procfs
//   smp_cpus_done    wait for the other CPUs (before anything that takes
//                    cpu_online_mask as final: the root cpuset, tasks)
//   container_init   the container core and its subsystems' root state
//                    (before any task but the idle ones is created)
//   confs_init   the container filesystem and its /proc files
#include "kernel/init.h"
#include "arch/x86/layout.h"
#include "arch/x86/x86.h"
#include "kernel/types.h"

void boot_late_init(void)
{
	acpi_init();
	mm_init();
	smp_init();
	sched_init();
	fs_init();
	smp_cpus_done();
	container_init();
	confs_init();
}
