// Local APIC (per CPU: timer, IPIs, EOI) and IOAPIC (device IRQ routing).
#ifndef ARCH_X86_APIC_H
#define ARCH_X86_APIC_H

#include "kernel/types.h"

// Interrupt vectors.
#define IRQ_BASE 0x20        // IOAPIC GSI n -> vector IRQ_BASE + n
#define VEC_TIMER 0xF0       // LAPIC timer tick
#define VEC_RESCHEDULE 0xF1  // IPI: run the scheduler
#define VEC_CALL_FUNCTION 0xF2 // IPI: run queued functions
#define VEC_TLB_SHOOTDOWN 0xF3 // IPI: flush TLB entries
#define VEC_PANIC_STOP 0xF4  // IPI: another CPU panicked, stop
#define VEC_SPURIOUS 0xFF

extern u64 lapic_phys; // from the MADT (default 0xFEE00000)

void lapic_init(void);  // enable this CPU's LAPIC
void lapic_eoi(void);
u32 lapic_id(void);
void lapic_timer_start_count(u32 count); // one-shot count, for calibration
u32 lapic_timer_current(void);
void lapic_timer_periodic(u32 hz, u8 vector);
void lapic_timer_oneshot(u64 ns, u8 vector); // one interrupt after ns
void lapic_send_ipi(u32 apic_id, u8 vector);
void lapic_send_init(u32 apic_id);
void lapic_send_sipi(u32 apic_id, u8 page);
void lapic_send_nmi(u32 apic_id); // delivery mode NMI: ignores the IF flag
// IOAPIC: route legacy IRQ irq (after MADT overrides) to vector on CPU apic_id.
void ioapic_route_irq(int irq, u8 vector, u32 apic_id);
void pic_disable(void);

// MADT interrupt source overrides: legacy IRQ -> GSI (acpi.c fills these).
struct irq_override {
	int gsi;
	u16 flags; // MPS INTI flags: polarity bits 0-1, trigger bits 2-3
};
extern struct irq_override irq_overrides[16];
extern u64 ioapic_phys; // default 0xFEC00000
extern u32 ioapic_gsi_base;

#endif
