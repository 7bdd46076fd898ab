// Starting the other CPUs, and cross-CPU calls. See smp.h for the interface
// and the rules for callers.
//
// Start-up (boot CPU, interrupts off, no other CPU running yet): for each
// enabled MADT CPU, allocate on its node a struct cpu, IST stacks and an
// idle stack; copy the trampoline to AP_TRAMPOLINE_PA and identity-map it;
// then the Intel SDM's sequence (vol. 3A, "MP Initialization Example") to
// all of them at once: INIT, wait 10 ms, SIPI, wait 200 us, SIPI again to
// those not yet running (the waits shortened on CPUs that allow it, see
// INIT_DELAY_US). smp_init returns then: an AP takes milliseconds to come
// up under QEMU, and the boot CPU does the rest of its set-up meanwhile
// (sched_init, fs_init) instead of spinning on a host core the APs need.
// smp_cpus_done then waits (up to a second from the start) for each. The
// boot CPU and an AP meet through ap_state[id]: the AP moves it from
// AP_WAITING to AP_RUNNING when it arrives, the boot CPU from AP_WAITING
// to AP_ABANDONED when it gives up on it, so a late AP sees that it must
// not come online.
//
// Cross-CPU calls: every CPU has a queue of requests for it (struct
// call_queue) and one request per target CPU that it sends with (its
// "slots"), reused once the target has run it, as Linux's call_single_data.
// A request is queued, then the target gets a VEC_CALL_FUNCTION IPI and
// runs everything in its queue. A TLB shootdown is such a call, so
// VEC_TLB_SHOOTDOWN is not used; neither is VEC_PANIC_STOP (see
// smp_stop_others).
//
// Locks: each call_queue.lock protects that queue's list; it is taken with
// interrupts off and nothing else is taken under it. A slot's busy flag is
// its owner's until set, the target's until cleared.
#include "arch/x86/smp.h"
#include "arch/x86/acpi.h"
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/multiboot.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"
#include "kernel/timer.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/numa.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "mm/vmap.h"

_Static_assert(NR_CPUS == 64, "ap_boot.S scans 64 slots");

#define MSR_EFER 0xC0000080
#define EFER_LMA (1ULL << 10)
#define CR4_PCIDE (1ULL << 17)
#define CR4_PGE (1ULL << 7)
#define IST_ORDER 1                    // 8 KiB, as the boot CPU's
// The SDM's delays (vol. 3A, "MP Initialization Example"): 10 ms after
// INIT, 200 us after each SIPI. They are for the external 82489DX APIC and
// early processors; with an integrated APIC, INIT takes effect at once, and
// Linux (smp_quirk_init_udelay, since 4.3) skips the 10 ms and waits 10 us
// after a SIPI on Intel family 6 and later and on AMD family 0Fh and later.
// So do we: QEMU's default CPU (qemu64) is AMD family 0Fh, and its APs act on
// INIT and SIPI in the order sent, whatever the delays. Any other CPU gets
// the SDM's delays.
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
#define MODERN_INIT_DELAY_US 0
#define MODERN_SIPI_DELAY_US 10
#define AP_TIMEOUT_NS (1000 * NSEC_PER_MSEC)

u64 smp_boot_ns;

// ---- Cross-CPU calls ----------------------------------------------------

struct call_request {
	struct call_request *next; // in the target's queue (its lock)
	void (*fn)(void *);
	void *arg;
	int busy; // 1 from queueing until the target has run fn
};

struct call_queue {
	struct spinlock lock; // protects head and tail
	struct call_request *head, *tail;
};

// A CPU's call state, allocated on its node before it comes online.
struct cpu_calls {
	struct call_queue queue;            // requests for this CPU
	struct call_request slots[NR_CPUS]; // this CPU's requests, by target
	bool taking; // call_queue_run is taking queue.lock (this CPU only)
};

static struct cpu_calls *cpu_calls[NR_CPUS];

// Runs every request queued for this CPU. Interrupts are off: from the
// IPI handler, or from a waiting caller (call_wait_relax).
static void call_queue_run(void)
{
	struct cpu_calls *calls = cpu_calls[smp_processor_id()];
	struct call_queue *q = &calls->queue;
	if (!READ_ONCE(q->head) || calls->taking) // nothing, or see below
		return;
	// spin_lock serves calls while it waits with interrupts off: not
	// while it waits for this very lock. (A fn may wait for other CPUs,
	// and serve calls meanwhile: that nesting is fine.)
	calls->taking = true;
	spin_lock(&q->lock);
	struct call_request *req = q->head;
	q->head = q->tail = NULL;
	spin_unlock(&q->lock);
	calls->taking = false;
	while (req) {
		// Once busy is clear the sender may reuse req: read it first.
		struct call_request *next = req->next;
		req->fn(req->arg);
		__atomic_store_n(&req->busy, 0, __ATOMIC_RELEASE);
		req = next;
	}
}

// One step of waiting for another CPU. With interrupts off this CPU would
// never see its own call IPIs, so it serves its queue itself: another CPU
// may be waiting for us just as we wait for it.
static void call_wait_relax(void)
{
	if (!irqs_enabled() && cpu_calls[smp_processor_id()])
		call_queue_run();
	cpu_relax();
}

void smp_wait_relax(void) { call_wait_relax(); }

static void call_wait(struct call_request *req)
{
	while (__atomic_load_n(&req->busy, __ATOMIC_ACQUIRE))
		call_wait_relax();
}

// Queues fn(arg) for cpu in this CPU's slot for it and sends the IPI.
static void call_queue_add(int cpu, void (*fn)(void *), void *arg)
{
	struct call_request *req = &cpu_calls[smp_processor_id()]->slots[cpu];
	struct call_queue *q = &cpu_calls[cpu]->queue;
	// Interrupts off from finding the slot free to queueing it: a call made
	// by an interrupt handler here must not find it busy but unqueued.
	unsigned long flags = local_irq_save();
	call_wait(req); // the previous request to cpu, if it was not waited for
	req->fn = fn;
	req->arg = arg;
	req->next = NULL;
	req->busy = 1;
	spin_lock(&q->lock);
	if (q->tail)
		q->tail->next = req;
	else
		q->head = req;
	q->tail = req;
	spin_unlock(&q->lock);
	local_irq_restore(flags);
	lapic_send_ipi(cpus[cpu]->apic_id, VEC_CALL_FUNCTION);
}

int smp_call_function_many(const cpumask_t *mask, void (*fn)(void *), void *arg, bool wait)
{
	cpumask_t targets;
	int cpu;
	preempt_disable(); // the slots are this CPU's: stay here
	int me = smp_processor_id();
	cpumask_and(&targets, mask, &cpu_online_mask);
	bool self = cpumask_test_cpu(me, &targets);
	cpumask_clear_cpu(me, &targets);

	for_each_cpu(cpu, &targets)
		call_queue_add(cpu, fn, arg);
	if (self) { // as the others do: with interrupts off
		unsigned long flags = local_irq_save();
		fn(arg);
		local_irq_restore(flags);
	}
	if (wait)
		for_each_cpu(cpu, &targets)
			call_wait(&cpu_calls[me]->slots[cpu]);
	preempt_enable();
	return 0;
}

int smp_call_function_single(int cpu, void (*fn)(void *), void *arg, bool wait)
{
	cpumask_t mask = CPU_MASK_NONE;
	if (cpu < 0 || cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_online_mask))
		return -ENXIO;
	cpumask_set_cpu(cpu, &mask);
	return smp_call_function_many(&mask, fn, arg, wait);
}

// ---- TLB shootdown, reschedule, stop ------------------------------------

// Above this many pages, flushing the whole TLB is cheaper than invlpg.
#define TLB_FLUSH_ALL_PAGES 32

struct tlb_range {
	u64 start, end;
};

static void tlb_flush_range(void *arg)
{
	const struct tlb_range *r = arg;
	if (r->end - r->start > TLB_FLUSH_ALL_PAGES * PAGE_SIZE) {
		u64 cr4 = read_cr4();
		if (cr4 & CR4_PGE) { // toggling PGE drops global entries too
			write_cr4(cr4 & ~CR4_PGE);
			write_cr4(cr4);
		} else {
			write_cr3(read_cr3());
		}
		return;
	}
	for (u64 a = r->start; a < r->end; a += PAGE_SIZE)
		invlpg(a);
}

void tlb_shootdown(u64 va, u64 len)
{
	if (len == 0)
		return;
	struct tlb_range r = {ALIGN_DOWN(va, PAGE_SIZE), ALIGN_UP(va + len, PAGE_SIZE)};
	smp_call_function_many(&cpu_online_mask, tlb_flush_range, &r, true);
}

void smp_send_reschedule(int cpu)
{
	if (cpu >= 0 && cpu < NR_CPUS && cpumask_test_cpu(cpu, &cpu_online_mask))
		lapic_send_ipi(cpus[cpu]->apic_id, VEC_RESCHEDULE);
}

// An NMI, not the maskable VEC_PANIC_STOP, reaches a CPU spinning with
// interrupts off too. It lands in trap_dispatch -> trap_fatal ->
// panic_begin, which sees that another CPU is panicking and halts this
// one for good, interrupts off.
void smp_stop_others(void)
{
	int me = this_cpu()->id, cpu;
	for_each_cpu(cpu, &cpu_online_mask)
		if (cpu != me)
			lapic_send_nmi(cpus[cpu]->apic_id);
}

static void call_function_irq(struct trap_frame *tf)
{
	(void)tf;
	call_queue_run();
}

static void reschedule_irq(struct trap_frame *tf)
{
	(void)tf;
	sched_ipi();
}

// ---- AP start-up --------------------------------------------------------

// ap_boot.S reads these: a started CPU finds its slot (= logical id) by
// APIC id and takes its stack. 0xFFFFFFFF: no CPU.
u32 ap_boot_apic_id[NR_CPUS];
u64 ap_boot_stack[NR_CPUS];

enum { AP_NONE, AP_WAITING, AP_RUNNING, AP_ONLINE, AP_ABANDONED };
static int ap_state[NR_CPUS]; // see the top of the file
static bool smp_boot_done;    // smp_cpus_done has finished waiting (set once)

// The parameter block at the end of the trampoline (ap_boot.S).
struct ap_trampoline_params {
	u32 cr0, cr3, cr4, efer;
	u64 entry;
} __attribute__((packed));

extern const u8 ap_trampoline_start[], ap_trampoline_end[], ap_trampoline_params[];
extern void ap_start64(void);

// C entry of a started AP, on its idle stack, from ap_boot.S.
void ap_entry(int id) __attribute__((noreturn));
void ap_entry(int id)
{
	int expect = AP_WAITING;
	if (!__atomic_compare_exchange_n(&ap_state[id], &expect, AP_RUNNING, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		for (;;) // the boot CPU gave up on us: stay out of the way
			hlt();
	struct cpu *c = cpus[id];
	cpu_init(c); // GDT, TSS, GS, IDT: this_cpu() works from here on
	lapic_init();
	if (lapic_id() != c->apic_id)
		pr_warn("smp: cpu %d: LAPIC id %u, expected %u\n", id, lapic_id(), c->apic_id);
	timer_start_cpu();
	c->online = true;
	cpumask_set_cpu(id, &cpu_online_mask);
	__atomic_add_fetch(&ncpus, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ap_state[id], AP_ONLINE, __ATOMIC_RELEASE);
	// Sleep until smp_cpus_done: under QEMU the vCPUs share the host's
	// cores, and an AP spinning in ap_main would slow down the boot CPU
	// and the APs still starting. Interrupts stay off between the check
	// and the hlt (sti's one-instruction shadow), so the wake-up call
	// cannot slip in between.
	for (;;) {
		cli();
		if (__atomic_load_n(&smp_boot_done, __ATOMIC_ACQUIRE))
			break;
		__asm__ volatile("sti; hlt" ::: "memory");
	}
	sti();
	ap_main();
}

static void *alloc_on_node(int nid, size_t size)
{
	void *p = kmalloc_node(size, __GFP_ZERO, nid);
	return p ? p : kzalloc(size, GFP_KERNEL);
}

static void *ist_alloc(int nid)
{
	void *p = alloc_pages_node(nid, GFP_KERNEL, IST_ORDER);
	return p ? p : alloc_pages(GFP_KERNEL, IST_ORDER);
}

// Allocates everything CPU id (APIC id apic_id) needs, on its node.
static bool ap_prepare(int id, u32 apic_id)
{
	// cpu_to_node() finds a CPU's node through cpus[id]->apic_id: ask it
	// with a stand-in before allocating the struct cpu on that node.
	struct cpu stand_in = {.id = id, .apic_id = apic_id};
	cpus[id] = &stand_in;
	int nid = cpu_to_node(id);
	cpus[id] = NULL;

	struct cpu *c = alloc_on_node(nid, sizeof(*c));
	struct cpu_calls *calls = alloc_on_node(nid, sizeof(*calls));
	char name[16];
	if (!c || !calls)
		goto fail;
	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	c->node = nid;
	for (int i = 0; i < 3; i++) {
		u8 *ist = ist_alloc(nid);
		if (!ist)
			goto fail;
		c->ist_stacks[i] = ist + (PAGE_SIZE << IST_ORDER);
	}
	snprintf(name, sizeof(name), "idle/%d", id);
	ap_boot_stack[id] = (u64)kstack_alloc(nid, name);
	if (!ap_boot_stack[id])
		goto fail;
	spin_lock_init(&calls->queue.lock, "call_queue");
	cpu_calls[id] = calls;
	cpus[id] = c;
	ap_boot_apic_id[id] = apic_id;
	ap_state[id] = AP_WAITING;
	return true;
fail:
	// Early boot: running out here means a tiny machine. Leave the CPU out
	// (what was allocated is not worth the error paths to give back).
	pr_warn("smp: no memory for cpu %d (APIC id %u), not started\n", id, apic_id);
	return false;
}

static bool trampoline_page_is_ram(void)
{
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mem_range *r = &boot_info.mmap[i];
		if (r->type == 1 && r->base <= AP_TRAMPOLINE_PA &&
		    r->base + r->len >= AP_TRAMPOLINE_PA + PAGE_SIZE)
			return true;
	}
	return false;
}

// Copies the trampoline below 1 MiB, fills in its parameters, maps it.
static bool trampoline_install(void)
{
	size_t size = ap_trampoline_end - ap_trampoline_start;
	if (!trampoline_page_is_ram() || kernel_cr3 >> 32 || size > PAGE_SIZE) {
		pr_warn("smp: cannot place the AP trampoline (page %#x RAM? cr3 %#llx): one CPU\n",
			AP_TRAMPOLINE_PA, kernel_cr3);
		return false;
	}
	u8 *low = phys_to_virt(AP_TRAMPOLINE_PA);
	memcpy(low, ap_trampoline_start, size);
	struct ap_trampoline_params *p =
		(void *)(low + (ap_trampoline_params - ap_trampoline_start));
	// The APs start with the boot CPU's control registers, except PCIDE
	// (it cannot be set outside long mode) and LMA (the CPU sets it).
	p->cr0 = (u32)read_cr0();
	p->cr3 = (u32)kernel_cr3;
	p->cr4 = (u32)(read_cr4() & ~CR4_PCIDE);
	p->efer = (u32)(rdmsr(MSR_EFER) & ~EFER_LMA);
	p->entry = (u64)ap_start64;
	if (vmap_identity_map_low(AP_TRAMPOLINE_PA, PAGE_SIZE) != 0) {
		pr_warn("smp: cannot identity-map the AP trampoline: one CPU\n");
		vmap_identity_unmap_low();
		return false;
	}
	return true;
}

static int ap_state_read(int id) { return __atomic_load_n(&ap_state[id], __ATOMIC_ACQUIRE); }

// Waits until no CPU of mask is in state from, or until deadline.
static void ap_wait_leave(const cpumask_t *mask, int from, u64 deadline)
{
	int id;
	for (;;) {
		bool waiting = false;
		for_each_cpu(id, mask)
			waiting |= ap_state_read(id) == from;
		if (!waiting || clock_ns() > deadline)
			return;
		cpu_relax();
	}
}

// Whether the boot CPU is one whose start-up IPIs need no long delays
// (see INIT_DELAY_US): Intel family 6 and later, AMD family 0Fh and later.
static bool apic_is_integrated_modern(void)
{
	u32 a, b, c, d;
	cpuid(0, 0, &a, &b, &c, &d);
	bool intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e; // GenuineIntel
	bool amd = b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;   // AuthenticAMD
	cpuid(1, 0, &a, &b, &c, &d);
	unsigned family = (a >> 8) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	return (intel && family >= 6) || (amd && family >= 0xf);
}

// INIT-SIPI-SIPI to every CPU in mask at once. Returns without waiting for
// them: see ap_wait_all.
static void ap_start_all(const cpumask_t *mask)
{
	u8 vector = AP_TRAMPOLINE_PA >> PAGE_SHIFT;
	bool modern = apic_is_integrated_modern();
	u64 init_us = modern ? MODERN_INIT_DELAY_US : INIT_DELAY_US;
	u64 sipi_us = modern ? MODERN_SIPI_DELAY_US : SIPI_DELAY_US;
	int id;
	for_each_cpu(id, mask)
		lapic_send_init(cpus[id]->apic_id);
	udelay(init_us);
	for_each_cpu(id, mask)
		lapic_send_sipi(cpus[id]->apic_id, vector);
	udelay(sipi_us);
	for_each_cpu(id, mask)
		if (ap_state_read(id) == AP_WAITING) // a running AP ignores it anyway
			lapic_send_sipi(cpus[id]->apic_id, vector);
}

// Returns once every CPU of mask is online or given up on (a second from
// deadline_start on).
static void ap_wait_all(const cpumask_t *mask, u64 deadline_start)
{
	int id;
	ap_wait_leave(mask, AP_WAITING, deadline_start + AP_TIMEOUT_NS);
	for_each_cpu(id, mask) {
		int expect = AP_WAITING;
		if (__atomic_compare_exchange_n(&ap_state[id], &expect, AP_ABANDONED, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			pr_err("smp: cpu %d (APIC id %u) did not start; left out\n", id,
			       cpus[id]->apic_id);
	}
	// Those that arrived finish their set-up in microseconds.
	ap_wait_leave(mask, AP_RUNNING, clock_ns() + AP_TIMEOUT_NS);
	for_each_cpu(id, mask)
		if (ap_state_read(id) == AP_RUNNING)
			pr_err("smp: cpu %d (APIC id %u) started but did not come online\n", id,
			       cpus[id]->apic_id);
}

static void smp_wake(void *arg) { (void)arg; } // the IPI is the point

// The lines the end-to-end tests compare with QEMU's flags (smp.h).
static void topology_print(void)
{
	char buf[400];
	cpumask_t mask;
	int nid, other;
	pr_info("topology: cpus=%d nodes=%d\n", cpumask_weight(&cpu_online_mask),
		nodes_weight(&node_online_map));
	for_each_online_node(nid) {
		node_to_cpumask(nid, &mask);
		cpumask_print(buf, sizeof(buf), &mask);
		pr_info("node %d cpus: %s\n", nid, buf);
	}
	size_t n = 0;
	buf[0] = 0;
	for_each_online_node(nid) {
		const char *sep = n ? " " : "";
		for_each_online_node(other) {
			if (n >= sizeof(buf))
				break; // too many nodes for one line: truncated
			n += snprintf(buf + n, sizeof(buf) - n, "%s%d", sep, node_distance(nid, other));
			sep = ",";
		}
	}
	pr_info("node distances: %s\n", buf);
}

// Set by smp_init for smp_cpus_done: the CPUs started, and when.
static cpumask_t smp_starting = CPU_MASK_NONE;
static u64 smp_start_ns;

void smp_init(void)
{
	int next_id = 1;
	smp_start_ns = clock_ns();

	irq_register(VEC_CALL_FUNCTION, call_function_irq);
	irq_register(VEC_RESCHEDULE, reschedule_irq);
	cpus[0]->node = cpu_to_node(0);
	cpu_calls[0] = alloc_on_node(cpus[0]->node, sizeof(*cpu_calls[0]));
	if (!cpu_calls[0])
		panic("smp: no memory for the boot CPU's call queue");
	spin_lock_init(&cpu_calls[0]->queue.lock, "call_queue");
	for (int i = 0; i < NR_CPUS; i++)
		ap_boot_apic_id[i] = 0xFFFFFFFF;

	const u32 *apic_ids = acpi_cpu_apic_ids();
	for (int i = 0; i < acpi_cpu_count(); i++) {
		if (apic_ids[i] == cpus[0]->apic_id)
			continue;
		if (next_id == NR_CPUS) {
			pr_warn("smp: more than %d CPUs, the rest are left out\n", NR_CPUS);
			break;
		}
		if (ap_prepare(next_id, apic_ids[i]))
			cpumask_set_cpu(next_id, &smp_starting);
		next_id++;
	}
	if (!cpumask_empty(&smp_starting) && !trampoline_install())
		cpumask_clear(&smp_starting);
	if (!cpumask_empty(&smp_starting))
		ap_start_all(&smp_starting);
}

void smp_cpus_done(void)
{
	if (!cpumask_empty(&smp_starting)) {
		ap_wait_all(&smp_starting, smp_start_ns);
		vmap_identity_unmap_low(); // and shoots down the APs' TLB entries
	}
	__atomic_store_n(&smp_boot_done, true, __ATOMIC_RELEASE);
	smp_call_function_many(&cpu_online_mask, smp_wake, NULL, false);
	smp_boot_ns = clock_ns() - smp_start_ns;
	pr_info("smp: %d of %d CPUs online, %llu us after smp_init began\n", ncpus,
		MAX(acpi_cpu_count(), 1), smp_boot_ns / 1000);
	topology_print();
}
