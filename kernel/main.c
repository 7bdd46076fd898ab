// kmain: the boot CPU's path from the 64-bit entry to the scheduler.
//
// Order matters: per-CPU GS first (spinlocks and printk use this_cpu()),
// then the UART, the loader's information (copied before anything can
// reuse its memory), traps, interrupt controllers and time.
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/multiboot.h"
#include "arch/x86/trap.h"
#include "arch/x86/uart.h"
#include "arch/x86/x86.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/containers/container.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/time.h"
#include "kernel/timer.h"

extern u64 boot_pml4[512];

// The one-shot LAPIC timer fires for the scheduler tick (every 1/HZ) or
// for a timer due before it (kernel/timer.c).
static void timer_irq(struct trap_frame *tf)
{
	if (timer_interrupt()) {
		struct cpu *c = this_cpu();
		c->tick_rip = tf->rip;
		c->tick_rflags = tf->rflags;
		c->ticks++;
		sched_tick(); // runs the expired timers too
	} else {
		timer_tick();
	}
	timer_interrupt_done();
}

static void uart_irq_handler(struct trap_frame *tf)
{
	(void)tf;
	uart_irq();
}

// Interrupts, timers and the console device for the boot CPU.
static void arch_init(u32 magic, u32 info)
{
	idt_init();
	cpu_init(cpus[0]);
	multiboot_parse(magic, info);
	pic_disable();
	lapic_init();
	cpus[0]->apic_id = lapic_id();
	time_init();
	timer_init_bases(); // before any CPU starts its tick (smp_init)
	irq_register(VEC_TIMER, timer_irq);
	irq_register(IRQ_BASE + 4, uart_irq_handler);
	ioapic_route_irq(4, IRQ_BASE + 4, cpus[0]->apic_id);
}

void kmain(u32 magic, u32 info)
{
	cpu_early_init_bsp();
	uart_init();
	arch_init(magic, info);
	cmdline_parse(boot_info.cmdline, &cmdline);
	if (cmdline.quiet)
		console_loglevel = 4;
	if (cmdline.loglevel >= 0)
		console_loglevel = cmdline.loglevel;
	pr_info("Corral booting (multiboot%d), cmdline '%s'\n", boot_info.version,
		boot_info.cmdline);
	pr_info("tsc %llu kHz, lapic timer %llu kHz (within %llu ppm)\n",
		(unsigned long long)(tsc_hz / 1000), (unsigned long long)(lapic_timer_hz / 1000),
		(unsigned long long)time_calibration_ppm);

	boot_late_init(); // memory, SMP, scheduler... (kernel/init.c)
	timer_start_cpu();
	sti();

	// The kernel threads first, parentless: the boot context may not
	// sleep (it is about to be CPU 0's idle task), and creating a task
	// can wait for container_mutex (cgroup_post_fork), which nobody holds
	// until pid 1 runs.
	task_reaper_start();   // frees orphans' zombies as they die
	container_late_init(); // the release worker
	// pid 1 runs the tests, the benchmarks or the console (init_task.c);
	// this boot context becomes CPU 0's idle task.
	init_task_start();
	cpu_idle_loop();
}
