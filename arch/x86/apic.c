// Local APIC and IOAPIC. See apic.h. Registers are reached through the
// direct map (the boot tables map the whole low 4 GiB, MMIO included).
#include "arch/x86/apic.h"
#include "arch/x86/layout.h"
#include "arch/x86/x86.h"

u64 lapic_phys = 0xFEE00000;
u64 ioapic_phys = 0xFEC00000;
u32 ioapic_gsi_base;
struct irq_override irq_overrides[16] = {
	{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}, {7, 0},
	{8, 0}, {9, 0}, {10, 0}, {11, 0}, {12, 0}, {13, 0}, {14, 0}, {15, 0},
};

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define LVT_MASKED (1 << 16)
#define LVT_PERIODIC (1 << 17)

static inline volatile u32 *lapic_reg(u32 off)
{
	return (volatile u32 *)phys_to_virt(lapic_phys + off);
}
static inline u32 lapic_read(u32 off) { return *lapic_reg(off); }
static inline void lapic_write(u32 off, u32 v) { *lapic_reg(off) = v; }

void lapic_init(void)
{
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIV, 0x3); // divide by 16
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
u32 lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void lapic_timer_start_count(u32 count)
{
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, count);
}

u32 lapic_timer_current(void) { return lapic_read(LAPIC_TIMER_CUR); }

void lapic_timer_periodic(u32 hz, u8 vector)
{
	extern u64 lapic_timer_hz;
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INIT, (u32)(lapic_timer_hz / hz));
}

void lapic_timer_oneshot(u64 ns, u8 vector)
{
	extern u64 lapic_timer_hz;
	u64 count = ns * lapic_timer_hz / 1000000000ULL;
	if (count == 0)
		count = 1;
	if (count > 0xffffffffULL)
		count = 0xffffffffULL;
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, vector); // one-shot mode
	lapic_write(LAPIC_TIMER_INIT, (u32)count);
}

static void lapic_icr(u32 apic_id, u32 lo)
{
	unsigned long f = local_irq_save();
	while (lapic_read(LAPIC_ICR_LO) & (1 << 12)) // delivery pending
		cpu_relax();
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, lo);
	local_irq_restore(f);
}

void lapic_send_ipi(u32 apic_id, u8 vector) { lapic_icr(apic_id, vector); }
void lapic_send_init(u32 apic_id) { lapic_icr(apic_id, 0x4500); }
void lapic_send_sipi(u32 apic_id, u8 page) { lapic_icr(apic_id, 0x4600 | page); }
void lapic_send_nmi(u32 apic_id) { lapic_icr(apic_id, 0x4400); }

static void ioapic_write(u32 reg, u32 v)
{
	volatile u32 *base = phys_to_virt(ioapic_phys);
	base[0] = reg;
	base[4] = v;
}

void ioapic_route_irq(int irq, u8 vector, u32 apic_id)
{
	int gsi = irq_overrides[irq].gsi - (int)ioapic_gsi_base;
	u16 fl = irq_overrides[irq].flags;
	u32 lo = vector;
	if ((fl & 3) == 3)
		lo |= 1 << 13; // active low
	if (((fl >> 2) & 3) == 3)
		lo |= 1 << 15; // level triggered
	ioapic_write(0x11 + 2 * gsi, apic_id << 24);
	ioapic_write(0x10 + 2 * gsi, lo);
}

void pic_disable(void)
{
	// Remap the 8259s away from the exception vectors, then mask them.
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, 0x20);
	outb(0xA1, 0x28);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}
