// Trap dispatch and the fatal-trap report.
//
// Exceptions (vectors 0-31) are fatal unless a test asked for one with
// trap_expect(), or a page fault hit a page that mm is moving (vmap_fault:
// it waits for the move and the access is retried): the report names the exception, shows the error code,
// RIP, CR2 for page faults, every register and a symbolized backtrace, then
// powers the machine off with the failure status. Vectors >= 32 go to the
// handler registered with irq_register().
#include "arch/x86/trap.h"
#include "arch/x86/apic.h"
#include "arch/x86/cpu.h"
#include "arch/x86/x86.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/pgtable.h"
#include "mm/vmap.h"

static irq_handler_t irq_handlers[256];

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 floating point", "#AC alignment check", "#MC machine check",
	"#XM SIMD floating point", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
	"reserved 27", "#HV hypervisor injection", "#VC VMM communication",
	"#SX security", "reserved 31",
};

void irq_register(u8 vector, irq_handler_t h) { irq_handlers[vector] = h; }

// Per-CPU expected trap (tests only); indexed by CPU id.
static struct {
	int vector;
	volatile int *hit;
} expected[NR_CPUS];

void trap_expect(int vector, volatile int *hit)
{
	int id = this_cpu()->id;
	expected[id].hit = hit;
	expected[id].vector = vector;
}

static bool trap_expected(struct trap_frame *tf)
{
	int id = this_cpu()->id;
	if (!expected[id].hit || expected[id].vector != (int)tf->vector)
		return false;
	(*expected[id].hit)++;
	expected[id].hit = NULL;
	if (tf->vector == 6)
		tf->rip += 2; // skip ud2
	return true;
}

void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector < 32) {
		if (tf->vector == 14 && vmap_fault(read_cr2(), tf->error))
			return;
		if (trap_expected(tf))
			return;
		trap_fatal(tf, exception_names[tf->vector]);
	}
	struct cpu *c = this_cpu();
	if (c->irq_depth++ == 0)
		c->irq_frame = tf;
	irq_handler_t h = irq_handlers[tf->vector];
	if (h)
		h(tf);
	if (tf->vector != VEC_SPURIOUS)
		lapic_eoi();
	c->irq_depth--;
	if (c->irq_depth == 0) {
		c->irq_frame = NULL;
		irq_exit_hook(tf);
	}
}

// ---- Symbols ---------------------------------------------------------
// The table is generated after the first link (Makefile, scripts/ksyms)
// and placed in .ksyms: sorted addresses with offsets into a name blob.
struct ksym {
	u64 addr;
	u64 name;
};
extern const u64 ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];

void symbolize(u64 addr, char *buf, size_t len)
{
	u64 lo = 0, hi = ksyms_count;
	if (hi == 0 || addr < ksyms_table[0].addr) {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return;
	}
	while (hi - lo > 1) { // last entry with addr <= target
		u64 mid = (lo + hi) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	snprintf(buf, len, "%s+0x%llx", ksyms_names + ksyms_table[lo].name,
		 (unsigned long long)(addr - ksyms_table[lo].addr));
}

static bool plausible_frame(u64 rbp)
{
	return rbp >= 0xFFFF800000000000ULL && (rbp & 7) == 0;
}

// Walks the frame-pointer chain. Consecutive frames with the same return
// address (a recursion) are printed once with a count, so that a stack
// overflow's report still reaches the code that started the recursion.
#define BACKTRACE_LINES 32
#define BACKTRACE_FRAMES 4096

static void backtrace_line(u64 ret, u64 repeats)
{
	char sym[128];
	symbolize(ret - 1, sym, sizeof(sym));
	if (repeats > 1)
		kprintf("  [<%016llx>] %s (%llu times)\n", (unsigned long long)ret, sym,
			(unsigned long long)repeats);
	else
		kprintf("  [<%016llx>] %s\n", (unsigned long long)ret, sym);
}

void backtrace_from(u64 rip, u64 rbp)
{
	char sym[128];
	symbolize(rip, sym, sizeof(sym));
	kprintf("Backtrace:\n  [<%016llx>] %s\n", (unsigned long long)rip, sym);
	u64 last = 0, repeats = 0;
	int lines = 1;
	for (int depth = 0; depth < BACKTRACE_FRAMES && plausible_frame(rbp); depth++) {
		if (!kernel_address_mapped(rbp) || !kernel_address_mapped(rbp + 8))
			break;
		u64 next = ((u64 *)rbp)[0], ret = ((u64 *)rbp)[1];
		if (ret < 0xFFFFFFFF80000000ULL)
			break;
		if (ret == last) {
			repeats++;
		} else {
			if (repeats)
				backtrace_line(last, repeats);
			if (repeats && ++lines >= BACKTRACE_LINES) {
				repeats = 0;
				break;
			}
			last = ret;
			repeats = 1;
		}
		if (next <= rbp)
			break;
		rbp = next;
	}
	if (repeats)
		backtrace_line(last, repeats);
}

// "RSP is in the guard page of task stack (of sh/12): stack overflow"
static void report_guard_hit(const char *reg, u64 addr)
{
	const char *st = stack_describe(addr);
	char owner[64];
	if (!st)
		return;
	if (stack_owner_describe(addr, owner, sizeof(owner)))
		kprintf("%s is in the guard page of %s (of %s): stack overflow\n", reg, st, owner);
	else
		kprintf("%s is in the guard page of %s: stack overflow\n", reg, st);
}

void trap_fatal(struct trap_frame *tf, const char *why)
{
	panic_begin();
	struct cpu *c = this_cpu();
	char sym[128];
	symbolize(tf->rip, sym, sizeof(sym));
	kprintf("\n*** KERNEL TRAP on cpu %d: vector %llu (%s), error code 0x%llx\n",
		c ? c->id : -1, (unsigned long long)tf->vector, why,
		(unsigned long long)tf->error);
	kprintf("RIP: %016llx %s\n", (unsigned long long)tf->rip, sym);
	if (tf->vector == 14) {
		u64 cr2 = read_cr2();
		kprintf("CR2: %016llx (%s %s, %s)\n", (unsigned long long)cr2,
			tf->error & 1 ? "protection violation" : "page not present",
			tf->error & 2 ? "on write" : "on read",
			tf->error & 16 ? "instruction fetch" : "data");
		report_guard_hit("CR2", cr2);
	}
	if (tf->vector == 8)
		report_guard_hit("RSP", tf->rsp);
	char task[64];
	if (current_task_describe(task, sizeof(task)))
		kprintf("Task: %s\n", task);
	kprintf("RSP: %016llx RFLAGS: %016llx CS: %llx SS: %llx\n",
		(unsigned long long)tf->rsp, (unsigned long long)tf->rflags,
		(unsigned long long)tf->cs, (unsigned long long)tf->ss);
	kprintf("RAX: %016llx RBX: %016llx RCX: %016llx\n", (unsigned long long)tf->rax,
		(unsigned long long)tf->rbx, (unsigned long long)tf->rcx);
	kprintf("RDX: %016llx RSI: %016llx RDI: %016llx\n", (unsigned long long)tf->rdx,
		(unsigned long long)tf->rsi, (unsigned long long)tf->rdi);
	kprintf("RBP: %016llx R8:  %016llx R9:  %016llx\n", (unsigned long long)tf->rbp,
		(unsigned long long)tf->r8, (unsigned long long)tf->r9);
	kprintf("R10: %016llx R11: %016llx R12: %016llx\n", (unsigned long long)tf->r10,
		(unsigned long long)tf->r11, (unsigned long long)tf->r12);
	kprintf("R13: %016llx R14: %016llx R15: %016llx\n", (unsigned long long)tf->r13,
		(unsigned long long)tf->r14, (unsigned long long)tf->r15);
	kprintf("CR0: %016llx CR3: %016llx CR4: %016llx\n", (unsigned long long)read_cr0(),
		(unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	backtrace_from(tf->rip, tf->rbp);
	panic_end();
}
