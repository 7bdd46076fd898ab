// Boot sequencing hooks between kmain and the subsystems. Every stage
// is required: each subsystem defines its own, with no weak stand-in.
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include "kernel/types.h"

void kmain(u32 magic, u32 info); // from the boot trampoline (arch/x86/boot.S)
void boot_late_init(void); // kernel/init.c: everything after time_init
void acpi_init(void);
void mm_init(void);
void smp_init(void);
void smp_cpus_done(void);
void sched_init(void);
void fs_init(void);
void container_init(void);
void confs_init(void);
void container_late_init(void);
void sched_tick(void);     // called from the timer interrupt on every CPU
void console_main(void);   // the interactive console (never returns normally)

#endif
