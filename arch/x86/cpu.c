// Per-CPU setup: GDT, TSS with IST stacks, GS base, IDT.
//
// Each CPU has its own GDT (because the TSS descriptor's busy bit is per
// TSS) and its own TSS whose IST slots give the double-fault, NMI and
// machine-check handlers known-good stacks, so a kernel stack overflow
// still produces a report.
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"
#include "arch/x86/x86.h"
#include "lib/string.h"

_Static_assert(offsetof(struct cpu, self) == 0, "gs:0");
_Static_assert(offsetof(struct cpu, current_task) == 8, "gs:8");
_Static_assert(offsetof(struct cpu, preempt_count) == 16, "gs:16");

struct cpu *cpus[NR_CPUS];
int ncpus = 1;
cpumask_t cpu_online_mask;

#define IST_SIZE 8192
static struct cpu bsp_cpu;
static u8 bsp_ist[3][IST_SIZE] __attribute__((aligned(16)));

void cpu_early_init_bsp(void)
{
	bsp_cpu.self = &bsp_cpu;
	bsp_cpu.id = 0;
	bsp_cpu.online = true;
	for (int i = 0; i < 3; i++)
		bsp_cpu.ist_stacks[i] = bsp_ist[i] + IST_SIZE;
	cpus[0] = &bsp_cpu;
	cpumask_set_cpu(0, &cpu_online_mask);
	wrmsr(MSR_GS_BASE, (u64)&bsp_cpu);
}

static void gdt_load(struct cpu *c)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) gdtr = {sizeof(c->gdt) - 1, (u64)c->gdt};
	__asm__ volatile("lgdt %0\n"
			 "pushq %1\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1:\n"
			 "movw %w2, %%ds\n"
			 "movw %w2, %%es\n"
			 "movw %w2, %%ss\n"
			 :
			 : "m"(gdtr), "i"(KERNEL_CS), "r"(KERNEL_DS)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(TSS_SEL));
}

void cpu_init(struct cpu *c)
{
	c->gdt[0] = 0;
	c->gdt[1] = 0x00AF9A000000FFFFULL; // 64-bit code, ring 0
	c->gdt[2] = 0x00CF92000000FFFFULL; // data
	u64 base = (u64)&c->tss, limit = sizeof(c->tss) - 1;
	c->gdt[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ULL << 40) |
		    (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	c->gdt[4] = base >> 32;
	memset(&c->tss, 0, sizeof(c->tss));
	for (int i = 0; i < 3; i++)
		c->tss.ist[i] = (u64)c->ist_stacks[i];
	c->tss.iomap_base = sizeof(c->tss);
	gdt_load(c);
	wrmsr(MSR_GS_BASE, (u64)c);
	idt_load();
}
