// TSC clock and LAPIC-timer calibration against the PIT.
//
// The PIT's channel 2 (its gate and output visible at port 0x61) counts
// 1.193182 MHz: we let it count down 10 ms while reading the TSC and the
// LAPIC timer, which gives both frequencies. Under QEMU TCG the guest TSC
// runs at the host TSC rate, so the clock is stable.
#include "kernel/time.h"
#include "arch/x86/apic.h"
#include "arch/x86/x86.h"

#define PIT_HZ 1193182ULL
#define CALIBRATE_MS 10

u64 tsc_hz;
u64 lapic_timer_hz;
static u64 tsc_boot;
static u64 ns_mult; // ns = (tsc * ns_mult) >> 32

static void pit_start(u64 ms)
{
	u64 count = PIT_HZ * ms / 1000;
	u8 v = (inb(0x61) & ~0x02) | 0x01; // gate on, speaker off
	outb(0x61, v);
	outb(0x43, 0xB0); // channel 2, lobyte/hibyte, mode 0
	outb(0x42, count & 0xff);
	outb(0x42, (count >> 8) & 0xff);
	outb(0x61, v & ~1); // restart: gate low then high
	outb(0x61, v | 1);
}

static bool pit_done(void) { return inb(0x61) & 0x20; }

void time_init(void)
{
	tsc_boot = rdtsc();
	lapic_timer_start_count(0xFFFFFFFF);
	pit_start(CALIBRATE_MS);
	u64 t0 = rdtsc();
	u32 a0 = lapic_timer_current();
	while (!pit_done())
		cpu_relax();
	u64 t1 = rdtsc();
	u32 a1 = lapic_timer_current();
	lapic_timer_start_count(0);
	tsc_hz = (t1 - t0) * 1000 / CALIBRATE_MS;
	lapic_timer_hz = (u64)(a0 - a1) * 1000 / CALIBRATE_MS;
	ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
}

u64 tsc_to_ns(u64 d) { return (u64)(((unsigned __int128)d * ns_mult) >> 32); }

u64 clock_ns(void)
{
	if (!tsc_hz)
		return 0;
	return tsc_to_ns(rdtsc() - tsc_boot);
}

void udelay(u64 us)
{
	u64 end = rdtsc() + tsc_hz * us / 1000000;
	while (rdtsc() < end)
		cpu_relax();
}

u64 pit_measure_ns(u64 ms)
{
	u64 t0 = clock_ns();
	pit_start(ms);
	while (!pit_done())
		cpu_relax();
	return clock_ns() - t0;
}
