// The IDT: 256 gates pointing at the stubs of trap_entry.S. Double fault
// runs on IST1, NMI on IST2, machine check on IST3.
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"

struct idt_gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const u64 trap_stub_table[256];

void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		u64 a = trap_stub_table[v];
		idt[v] = (struct idt_gate){
			.off_lo = a & 0xFFFF, .sel = KERNEL_CS, .ist = 0,
			.type = 0x8E, // present, ring 0, interrupt gate
			.off_mid = (a >> 16) & 0xFFFF, .off_hi = a >> 32,
		};
	}
	idt[8].ist = 1;
	idt[2].ist = 2;
	idt[18].ist = 3;
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (u64)idt};
	__asm__ volatile("lidt %0" ::"m"(idtr));
}
