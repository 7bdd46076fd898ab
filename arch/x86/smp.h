// Multiprocessing: starting the other CPUs, and making them do things.
//
// smp_init() (kernel/init.c, after mm_init) starts every CPU the MADT lists
// as enabled, all at once, with INIT-SIPI-SIPI and the real-mode trampoline
// of ap_boot.S, and returns without waiting for them; it gives each a
// struct cpu (cpus[id]) first. Logical CPU ids are 0 for the boot CPU, then
// MADT order. smp_cpus_done() (after sched_init and fs_init) waits for
// them: a CPU that does not answer within a second of smp_init is reported
// and left out, its id unused, so walk cpu_online_mask rather than
// 0..ncpus-1. Each started CPU sets up its struct cpu (GDT, TSS, IST
// stacks, GS), its LAPIC and its timer tick, marks itself in
// cpu_online_mask, sleeps (hlt) until smp_cpus_done has waited for all,
// then calls ap_main() with interrupts enabled. Between the two calls
// cpu_online_mask grows: code that runs there must not take it as final.
//
// smp_cpus_done ends by printing the topology, one line each, for the
// end-to-end tests to compare with QEMU's flags:
//   topology: cpus=4 nodes=2
//   node 0 cpus: 0-1                 (logical ids, list format; one line
//   node 1 cpus: 2-3                  per online node, empty if it has none)
//   node distances: 10,20 20,10      (one row per online node in node
//                                     order, columns in the same order)
//
// Cross-CPU calls:
//   smp_call_function_many(mask, fn, arg, wait)
//       runs fn(arg) on every online CPU in mask: by IPI on the others, with
//       interrupts disabled, and directly (interrupts also disabled) on this
//       CPU if it is in mask. wait: return only when every CPU has run it;
//       otherwise return once every request is queued (arg must then stay
//       valid until fn has run). Returns 0.
//   smp_call_function_single(cpu, fn, arg, wait)   the same for one CPU;
//       -ENXIO if that CPU is not online
//   tlb_shootdown(va, len)   flush [va, va+len) from every online CPU's
//       TLB and wait (mm/vmap.h's hook)
//   smp_wait_relax()         one step of a spin that must keep serving
//       the calls of other CPUs (see the rules below)
//   smp_send_reschedule(cpu) IPI VEC_RESCHEDULE; the handler calls the
//       scheduler's sched_ipi()
//   smp_stop_others()        panic: NMI every other CPU so it halts
//
// Rules for the calls. fn runs in interrupt context: it must be short and
// must not sleep or wait for another CPU. The caller must not hold a
// spinlock that fn takes. The call may be made with interrupts disabled,
// from an interrupt handler, and from several CPUs at once: a CPU waiting
// for its requests with interrupts off runs the requests queued for itself
// meanwhile, so two CPUs calling each other cannot deadlock. (Linux forbids
// calls with interrupts off instead; Corral's boot path runs with them
// off.) The same goes for a CPU waiting for a spinlock with interrupts off
// (kernel/spinlock.c), so fn must not take a spinlock at all: the CPU it
// runs on may be waiting for that very lock. A target CPU that spins with
// interrupts off any other way, forever, makes a waiting caller wait
// forever.
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

// Where the AP trampoline is copied: real-mode code must sit below 1 MiB,
// and the SIPI vector is its page number. mm never hands out the first MiB.
#define AP_TRAMPOLINE_PA 0x8000

#ifndef __ASSEMBLER__
#include "kernel/types.h"
#include "lib/cpumask.h"

void smp_init(void);
void smp_cpus_done(void);
// Run by each AP once it is online and smp_cpus_done has returned, with
// interrupts enabled, on its idle stack. Weak default: halt until an
// interrupt, forever. The scheduler overrides it to enter its idle loop.
// Note that ap_main may start before sched_init has run (and the timer
// ticks on the APs, calling sched_tick, from before smp_cpus_done); a
// wait for sched_init is best done with hlt, not by spinning, for the
// reason ap_entry in smp.c gives.
void ap_main(void) __attribute__((noreturn));
// The scheduler's reaction to VEC_RESCHEDULE (kernel/sched.c; the
// interrupt return path's irq_exit_hook does the actual preemption).
void sched_ipi(void);

int smp_call_function_many(const cpumask_t *mask, void (*fn)(void *), void *arg, bool wait);
int smp_call_function_single(int cpu, void (*fn)(void *), void *arg, bool wait);
void smp_send_reschedule(int cpu);
void tlb_shootdown(u64 va, u64 len);
// One step of a wait for another CPU: with interrupts off, runs the calls
// queued for this CPU (a TLB shootdown another CPU waits for), then
// cpu_relax(). For code that must spin with interrupts off, such as a page
// fault waiting for a page being moved (mm/vmap.c).
void smp_wait_relax(void);
void smp_stop_others(void);

// From smp_init to every CPU online (ns), for the boot report and the tests.
extern u64 smp_boot_ns;
#endif

#endif
