// Tests for arch/x86/smp.c and the spinlock across CPUs: every CPU came up
// with its own identity, node and timer; cross-CPU calls reach exactly the
// CPUs asked for, also from several callers at once and with interrupts
// off; a TLB shootdown reaches every CPU; a spinlock excludes the other
// CPUs. On one CPU the cross-CPU parts reduce to the caller alone.
// Also the ipi_roundtrip_us benchmark.
#include "arch/x86/smp.h"
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/x86.h"
#include "kernel/atomic.h"
#include "kernel/errno.h"
#include "kernel/ktest.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmap.h"

static int online_count(void) { return cpumask_weight(&cpu_online_mask); }

// An online CPU other than this one, or -1. The caller keeps preemption
// off (a held spinlock does) so that "this one" stays true.
static int other_cpu(void)
{
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu != smp_processor_id())
			return cpu;
	return -1;
}

// What each CPU recorded, indexed by the CPU id it read from this_cpu().
static volatile int seen[NR_CPUS];
static volatile u32 seen_apic[NR_CPUS];

static void seen_clear(void)
{
	for (int i = 0; i < NR_CPUS; i++)
		seen[i] = 0;
}

static void record_cpu(void *arg)
{
	(void)arg;
	int id = this_cpu()->id;
	__atomic_add_fetch(&seen[id], 1, __ATOMIC_SEQ_CST);
	seen_apic[id] = lapic_id();
}

// ---- smp: the CPUs that came up ----------------------------------------

KTEST(smp, every_online_cpu_has_its_own_struct_cpu)
{
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		ASSERT_TRUE(cpus[cpu] != NULL);
		EXPECT_EQ(cpus[cpu]->id, cpu);
		EXPECT_TRUE(cpus[cpu]->online);
		EXPECT_TRUE(cpus[cpu]->self == cpus[cpu]);
		for (int other = 0; other < cpu; other++)
			if (cpumask_test_cpu(other, &cpu_online_mask))
				EXPECT_NE(cpus[other]->apic_id, cpus[cpu]->apic_id);
	}
	EXPECT_EQ(ncpus, online_count());
}

KTEST(smp, each_cpu_reads_its_own_id_and_apic_id)
{
	int cpu;
	seen_clear();
	smp_call_function_many(&cpu_online_mask, record_cpu, NULL, true);
	for_each_cpu(cpu, &cpu_online_mask) {
		EXPECT_EQ(seen[cpu], 1);
		EXPECT_EQ(seen_apic[cpu], cpus[cpu]->apic_id);
	}
}

KTEST(smp, cpu_nodes_are_cpu_to_node)
{
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		EXPECT_EQ(cpus[cpu]->node, cpu_to_node(cpu));
		EXPECT_TRUE(node_online(cpus[cpu]->node));
	}
}

KTEST(smp, timer_ticks_advance_on_every_cpu)
{
	u64 before[NR_CPUS];
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		before[cpu] = cpus[cpu]->ticks;
	// 2 ticks each is 20 ms at HZ=100; a host that keeps a vCPU off the
	// processor can delay a CPU's ticks well past that, so wait up to 5 s.
	u64 deadline = clock_ns() + 5 * NSEC_PER_SEC;
	bool all;
	do {
		udelay(10000);
		all = true;
		for_each_cpu(cpu, &cpu_online_mask)
			all &= cpus[cpu]->ticks >= before[cpu] + 2;
	} while (!all && clock_ns() < deadline);
	for_each_cpu(cpu, &cpu_online_mask)
		EXPECT_GE(cpus[cpu]->ticks, before[cpu] + 2);
}

KTEST(smp, trampoline_identity_mapping_is_gone)
{
	u64 pa;
	EXPECT_FALSE(pgtable_translate(AP_TRAMPOLINE_PA, &pa));
}

extern u64 ap_boot_stack[NR_CPUS]; // smp.c: each AP's idle stack top

KTEST(smp, ap_stacks_are_guarded_and_on_the_cpus_node)
{
	char name[16];
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask) {
		if (cpu == 0)
			continue; // the boot CPU runs on boot.S's stack
		u64 guard = ap_boot_stack[cpu] - KSTACK_SIZE - PAGE_SIZE;
		snprintf(name, sizeof(name), "idle/%d", cpu);
		const char *found = stack_describe(guard);
		ASSERT_TRUE(found != NULL);
		EXPECT_STREQ(found, name);
		int nid = cpus[cpu]->node;
		if (node_total_pages(nid)) { // else they come from another node
			EXPECT_EQ(page_to_nid((u8 *)cpus[cpu]->ist_stacks[0] - PAGE_SIZE), nid);
			u64 pa;
			ASSERT_TRUE(pgtable_translate(ap_boot_stack[cpu] - PAGE_SIZE, &pa));
			EXPECT_EQ(page_to_nid(phys_to_virt(pa)), nid);
		}
	}
}

KTEST(smp, smp_init_is_fast)
{
	// The reference is 20-40 ms for 3 APs; a second means something waits
	// for a timeout.
	EXPECT_LT(smp_boot_ns, 1000 * NSEC_PER_MSEC);
}

// ---- ipi: cross-CPU calls ------------------------------------------------

KTEST(ipi, call_many_runs_once_on_every_online_cpu)
{
	int cpu;
	seen_clear();
	EXPECT_EQ(smp_call_function_many(&cpu_online_mask, record_cpu, NULL, true), 0);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(seen[cpu], cpumask_test_cpu(cpu, &cpu_online_mask) ? 1 : 0);
}

KTEST(ipi, call_many_skips_the_caller_when_not_in_the_mask)
{
	cpumask_t others = cpu_online_mask;
	int cpu;
	preempt_disable(); // the tests run in a task, which could move
	cpumask_clear_cpu(smp_processor_id(), &others);
	seen_clear();
	smp_call_function_many(&others, record_cpu, NULL, true);
	preempt_enable();
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		EXPECT_EQ(seen[cpu], cpumask_test_cpu(cpu, &others) ? 1 : 0);
}

KTEST(ipi, call_single_runs_on_that_cpu_only)
{
	int cpu, other;
	for_each_cpu(cpu, &cpu_online_mask) {
		seen_clear();
		EXPECT_EQ(smp_call_function_single(cpu, record_cpu, NULL, true), 0);
		for_each_cpu(other, &cpu_online_mask)
			EXPECT_EQ(seen[other], other == cpu ? 1 : 0);
	}
}

KTEST(ipi, call_single_to_an_offline_cpu_fails_enxio)
{
	EXPECT_EQ(smp_call_function_single(NR_CPUS - 1, record_cpu, NULL, true),
		  cpumask_test_cpu(NR_CPUS - 1, &cpu_online_mask) ? 0 : -ENXIO);
	EXPECT_EQ(smp_call_function_single(-1, record_cpu, NULL, true), -ENXIO);
}

static atomic_t async_runs;

static void async_inc(void *arg)
{
	(void)arg;
	atomic_inc(&async_runs);
}

KTEST(ipi, call_without_wait_runs_everywhere_soon)
{
	int rounds = 50;
	atomic_set(&async_runs, 0);
	for (int i = 0; i < rounds; i++) // reuses each slot before it is free
		smp_call_function_many(&cpu_online_mask, async_inc, NULL, false);
	u64 deadline = clock_ns() + 2 * NSEC_PER_SEC;
	while (atomic_read(&async_runs) < rounds * online_count() && clock_ns() < deadline)
		cpu_relax();
	EXPECT_EQ(atomic_read(&async_runs), rounds * online_count());
}

// Every CPU, inside a call, calls every CPU: n callers at once, all with
// interrupts off (fn runs with them off), all waiting for each other.
static atomic_t nested_runs;

static void nested_inc(void *arg)
{
	(void)arg;
	atomic_inc(&nested_runs);
}

static void call_everyone(void *arg)
{
	(void)arg;
	smp_call_function_many(&cpu_online_mask, nested_inc, NULL, true);
}

KTEST(ipi, concurrent_callers_with_interrupts_off_do_not_deadlock)
{
	int n = online_count();
	atomic_set(&nested_runs, 0);
	smp_call_function_many(&cpu_online_mask, call_everyone, NULL, true);
	EXPECT_EQ(atomic_read(&nested_runs), n * n);
}

KTEST(ipi, call_from_a_caller_with_interrupts_off_completes)
{
	seen_clear();
	cli();
	smp_call_function_many(&cpu_online_mask, record_cpu, NULL, true);
	sti();
	int cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		EXPECT_EQ(seen[cpu], 1);
}

// TLB shootdown: every CPU reads a page through a vmap address (so its TLB
// holds the translation), the address is pointed at another physical page
// by rewriting the page-table entry, tlb_shootdown runs, and every CPU
// must then read the new page's contents.
static void *shoot_va;

static void read_shoot_va(void *arg)
{
	(void)arg;
	seen[this_cpu()->id] = *(volatile int *)shoot_va;
}

KTEST(ipi, tlb_shootdown_makes_every_cpu_see_the_new_page)
{
	int *old_page = alloc_page(__GFP_ZERO), *new_page = alloc_page(__GFP_ZERO), cpu;
	shoot_va = vmap_reserve(PAGE_SIZE);
	ASSERT_TRUE(old_page && new_page && shoot_va);
	*old_page = 1111;
	*new_page = 2222;
	ASSERT_EQ(vmap_map_page(shoot_va, old_page, PAGE_KERNEL), 0);

	seen_clear();
	smp_call_function_many(&cpu_online_mask, read_shoot_va, NULL, true);
	for_each_cpu(cpu, &cpu_online_mask)
		EXPECT_EQ(seen[cpu], 1111);

	// The address is ours alone (reserved above), so rewriting its entry
	// needs no vmap lock; the shootdown is what is under test.
	u64 *pte = pgtable_walk(kernel_pml4, (u64)shoot_va, PGTABLE_NOALLOC);
	ASSERT_TRUE(pte != NULL);
	*pte = (*pte & ~PTE_ADDR) | virt_to_phys(new_page);
	tlb_shootdown((u64)shoot_va, PAGE_SIZE);

	seen_clear();
	smp_call_function_many(&cpu_online_mask, read_shoot_va, NULL, true);
	for_each_cpu(cpu, &cpu_online_mask)
		EXPECT_EQ(seen[cpu], 2222);

	EXPECT_TRUE(vmap_unmap_page(shoot_va) == new_page);
	vmap_release(shoot_va, PAGE_SIZE);
	free_page(old_page);
	free_page(new_page);
}

// ---- spinlock: across CPUs -------------------------------------------------

// 100000 increments in all, shared by the CPUs. A ticket lock hands over
// to the next waiter in line; when QEMU has more vCPUs than the host has
// cores, that waiter's thread may not be running and each hand-over can
// take a host time slice (milliseconds). So each CPU also stops at a
// deadline: the check is that the counter equals the sum of what every CPU
// says it added, however many that was.
#define LOCK_TOTAL 100000
#define LOCK_DEADLINE_NS (2 * NSEC_PER_SEC)
static DEFINE_SPINLOCK(count_lock);
static u64 locked_count; // count_lock
static atomic_t lock_arrived;
static int lock_per_cpu;
static u64 lock_deadline;
static int lock_done[NR_CPUS]; // increments made by each CPU

static void count_under_lock(void *arg)
{
	(void)arg;
	int me = this_cpu()->id, i;
	// Start together, so that the CPUs really contend.
	atomic_inc(&lock_arrived);
	while (atomic_read(&lock_arrived) < online_count())
		cpu_relax();
	for (i = 0; i < lock_per_cpu; i++) {
		if ((i & 63) == 0 && clock_ns() > lock_deadline)
			break;
		spin_lock(&count_lock);
		locked_count++; // a plain read-modify-write: only the lock keeps it exact
		spin_unlock(&count_lock);
	}
	lock_done[me] = i;
}

KTEST(spinlock, counter_incremented_from_every_cpu_is_exact)
{
	u64 sum = 0;
	int cpu;
	lock_per_cpu = LOCK_TOTAL / online_count();
	locked_count = 0;
	atomic_set(&lock_arrived, 0);
	lock_deadline = clock_ns() + LOCK_DEADLINE_NS;
	smp_call_function_many(&cpu_online_mask, count_under_lock, NULL, true);
	for_each_cpu(cpu, &cpu_online_mask) {
		EXPECT_GE(lock_done[cpu], 64); // every CPU took part
		sum += lock_done[cpu];
	}
	EXPECT_EQ(locked_count, sum);
	EXPECT_FALSE(spin_is_locked(&count_lock));
	if (sum < (u64)lock_per_cpu * online_count())
		kprintf("# %llu of %d increments before the deadline (vCPUs outnumber host cores?)\n",
			sum, lock_per_cpu * online_count());
}

static volatile int trylock_result;

static void try_count_lock(void *arg)
{
	(void)arg;
	trylock_result = spin_trylock(&count_lock);
	if (trylock_result)
		spin_unlock(&count_lock);
}

KTEST(spinlock, trylock_fails_while_another_cpu_holds_the_lock)
{
	spin_lock(&count_lock);
	int other = other_cpu();
	if (other < 0) { // one CPU
		spin_unlock(&count_lock);
		return;
	}
	trylock_result = -1;
	smp_call_function_single(other, try_count_lock, NULL, true);
	EXPECT_EQ(trylock_result, 0);
	EXPECT_TRUE(spin_held(&count_lock));
	spin_unlock(&count_lock);
	smp_call_function_single(other, try_count_lock, NULL, true);
	EXPECT_EQ(trylock_result, 1);
}

static volatile int held_result;

static void check_held(void *arg)
{
	(void)arg;
	held_result = spin_held(&count_lock);
}

KTEST(spinlock, a_lock_held_by_another_cpu_is_not_held_here)
{
	spin_lock(&count_lock);
	int other = other_cpu();
	if (other < 0) { // one CPU
		spin_unlock(&count_lock);
		return;
	}
	held_result = -1;
	smp_call_function_single(other, check_held, NULL, true);
	EXPECT_EQ(held_result, 0);
	EXPECT_TRUE(spin_held(&count_lock));
	spin_unlock(&count_lock);
}

KTEST(spinlock, irqsave_disables_and_restores_interrupts)
{
	ASSERT_TRUE(irqs_enabled());
	unsigned long flags = spin_lock_irqsave(&count_lock);
	EXPECT_FALSE(irqs_enabled());
	EXPECT_TRUE(spin_held(&count_lock));
	spin_unlock_irqrestore(&count_lock, flags);
	EXPECT_TRUE(irqs_enabled());
	EXPECT_FALSE(spin_is_locked(&count_lock));
}

// ---- atomic (kernel/atomic.h): semantics, and exactness across CPUs ----

KTEST(atomic, operations_return_what_linux_returns)
{
	atomic_t v = ATOMIC_INIT(5);
	EXPECT_EQ(atomic_add_return(3, &v), 8);
	EXPECT_EQ(atomic_sub_return(10, &v), -2);
	EXPECT_EQ(atomic_inc_return(&v), -1);
	EXPECT_FALSE(atomic_dec_and_test(&v)); // -2
	atomic_set(&v, 1);
	EXPECT_TRUE(atomic_dec_and_test(&v));
	EXPECT_EQ(atomic_xchg(&v, 7), 0);
	EXPECT_EQ(atomic_cmpxchg(&v, 6, 9), 7); // fails: returns what it found
	EXPECT_EQ(atomic_read(&v), 7);
	EXPECT_EQ(atomic_cmpxchg(&v, 7, 9), 7); // succeeds: returns the old value
	EXPECT_EQ(atomic_read(&v), 9);

	atomic64_t w = ATOMIC64_INIT(1LL << 40);
	atomic64_inc(&w);
	EXPECT_EQ(atomic64_read(&w), (1LL << 40) + 1);
	EXPECT_EQ(atomic64_cmpxchg(&w, (1LL << 40) + 1, 3), (1LL << 40) + 1);
	EXPECT_EQ(atomic64_sub_return(3, &w), 0);
}

#define ATOMIC_ROUNDS 20000
static atomic_t shared_counter;

static void inc_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < ATOMIC_ROUNDS; i++)
		atomic_inc(&shared_counter);
}

KTEST(atomic, increments_from_every_cpu_are_all_counted)
{
	atomic_set(&shared_counter, 0);
	smp_call_function_many(&cpu_online_mask, inc_many, NULL, true);
	EXPECT_EQ(atomic_read(&shared_counter), ATOMIC_ROUNDS * online_count());
}

// ---- Benchmark -------------------------------------------------------------

static void nothing(void *arg) { (void)arg; }

// This CPU calls another one and waits for it, 1000 times: the time from
// queueing the request and sending the IPI to seeing it done.
KBENCH(ipi_roundtrip_us)
{
	const int rounds = 1000;
	preempt_disable();
	int target = other_cpu();
	if (target < 0) {
		preempt_enable();
		kprintf("ipi_roundtrip_us: skipped (one CPU)\n");
		return;
	}
	smp_call_function_single(target, nothing, NULL, true); // warm up
	u64 t0 = clock_ns();
	for (int i = 0; i < rounds; i++)
		smp_call_function_single(target, nothing, NULL, true);
	u64 ns = (clock_ns() - t0) / rounds;
	int me = smp_processor_id();
	preempt_enable();
	kprintf("# cpu %d -> cpu %d\n", me, target);
	kbench_report("ipi_roundtrip_us", ns, "us"); // ns = us * 1000
}
