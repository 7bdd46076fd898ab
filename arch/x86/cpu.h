// Per-CPU data, reached through the GS base.
//
// Every CPU has one struct cpu; GS base points at it, and its first two
// fields are read with single %gs-relative loads so that this_cpu() and
// current are preemption-safe. Fields are private to their CPU unless a
// comment says otherwise.
#ifndef ARCH_X86_CPU_H
#define ARCH_X86_CPU_H

#include "kernel/types.h"
#include "lib/cpumask.h"

struct task;
struct rq;

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

#define GDT_ENTRIES 5 /* null, code, data, tss (2 slots) */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SEL 0x18

struct trap_frame;

struct cpu {
	struct cpu *self;      // gs:0
	struct task *current_task; // gs:8, the task running here (read via current)
	int preempt_count;     // gs:16, >0: no preemption (spinlock held...)
	int irq_depth;         // nesting of interrupt handlers
	int id;                // logical CPU number, 0..ncpus-1
	u32 apic_id;
	int node;              // NUMA node
	bool online;
	volatile u64 ticks;    // timer ticks seen by this CPU
	// Debug, written by this CPU only, read racily by sched_dump and the
	// torture suite: where the last tick interrupted (rip, rflags), and
	// the frame of the outermost interrupt running now (NULL outside one).
	volatile u64 tick_rip;
	volatile u64 tick_rflags;
	struct trap_frame *irq_frame;
	struct rq *rq;         // scheduler run queue (kernel/sched.c)
	struct task *idle;     // this CPU's idle task
	u64 idle_ns, busy_ns;  // time accounting (scheduler; under rq->lock)
	volatile bool need_resched; // reschedule at the next chance; set by any
				    // CPU under this CPU's rq->lock
	volatile bool polling; // idle and watching need_resched: no IPI needed
	void *locks_held_hint; // debug: last lock taken (spinlock.c)
	int locks_held;        // debug: spinlocks held
	u64 gdt[GDT_ENTRIES];
	struct tss tss;
	void *ist_stacks[3];   // double fault, NMI, machine check
};

extern struct cpu *cpus[NR_CPUS];
extern int ncpus; // CPUs brought online
extern cpumask_t cpu_online_mask;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}
static inline struct task *get_current(void)
{
	struct task *t;
	__asm__ volatile("movq %%gs:8, %0" : "=r"(t));
	return t;
}
#define current get_current()

// An int field of this CPU's struct cpu, read with one %gs-relative load.
// this_cpu()->field is two loads, and a task preempted between them and
// moved reads the field of the CPU it left: another CPU's irq_depth of 1
// made a mutex_lock in plain task context panic ("locked in atomic
// context"). Use this wherever preemption may be on.
#define this_cpu_read_int(field)                                               \
	({                                                                     \
		_Static_assert(sizeof(((struct cpu *)0)->field) == sizeof(int), \
			       #field " is not an int");                        \
		int v_;                                                        \
		__asm__ volatile("movl %%gs:%c1, %0"                           \
				 : "=r"(v_)                                    \
				 : "i"(__builtin_offsetof(struct cpu, field)));\
		v_;                                                            \
	})
static inline int smp_processor_id(void) { return this_cpu()->id; }

static inline void preempt_disable(void)
{
	__asm__ volatile("incl %%gs:16" ::: "memory");
}
// kernel/sched.c: preempt_enable() may reschedule when the count drops to 0;
// preempt_check_resched() reschedules if one is pending and allowed.
void preempt_enable(void);
void preempt_check_resched(void);
static inline void preempt_enable_no_resched(void)
{
	__asm__ volatile("decl %%gs:16" ::: "memory");
}
static inline int preempt_count(void)
{
	int v;
	__asm__ volatile("movl %%gs:16, %0" : "=r"(v));
	return v;
}

// Set up per-CPU state for cpu (GS base, GDT, TSS with IST stacks, IDT).
void cpu_init(struct cpu *c);
// Early: point GS at the boot CPU's struct so this_cpu() works.
void cpu_early_init_bsp(void);

#endif
