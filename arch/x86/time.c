// TSC clock and LAPIC-timer calibration against the PIT.
//
// The PIT's channel 2 (its gate and output visible at port 0x61) counts
// 1.193182 MHz, a rate we know exactly. We let it count down a short
// window while reading the TSC and the LAPIC timer, which gives both
// frequencies. Under QEMU TCG the guest TSC runs at the host TSC rate.
//
// One window is fragile on a loaded host: the vCPU can lose the host CPU
// between starting the PIT and reading the TSC (the window looks short) or
// between the PIT running out and our noticing (it looks long). So every
// reading is bracketed by two TSC reads, which bounds when the event it
// samples happened, and each window gets an error bound: the width of its
// brackets. We run up to CALIBRATE_WINDOWS short windows and keep the one
// with the tightest bound; a window during which the vCPU was descheduled
// at a moment that matters has a wide bound and loses. Boot time matters,
// so a window within CALIBRATE_GOOD_PPM ends the search: on a quiet host
// the first one usually is (500-2000 ppm at boot). Under TCG the first
// pass through this code is slow (it is being translated), which would
// spoil the first window (~15000 ppm): a short warm-up window goes first.
#include "kernel/time.h"
#include "arch/x86/apic.h"
#include "arch/x86/x86.h"

#define PIT_HZ 1193182ULL
#define CALIBRATE_WINDOWS 5
#define CALIBRATE_US 2000 // per window
#define CALIBRATE_GOOD_PPM 2000 // 0.2%: good enough to stop
#define CALIBRATE_WARM_UP_US 100

u64 tsc_hz;
u64 lapic_timer_hz;
u64 time_calibration_ppm;
extern u64 boot_tsc; // arch/x86/boot.S: the TSC at the kernel's entry, clock_ns()'s zero
static u64 ns_mult; // ns = (tsc * ns_mult) >> 32

// Channel 2 in one-shot mode 0, counting down us microseconds. A real PIT
// starts counting when its gate goes high (it is low while we load the
// count); QEMU's starts when the count's high byte is written. So the
// start is split: pit_load does the slow set-up, and pit_go, which callers
// bracket with TSC reads, writes the high byte and raises the gate.
static u16 pit_load(u64 us)
{
	u16 count = (u16)(PIT_HZ * us / 1000000);
	outb(0x61, inb(0x61) & ~0x03); // gate low, speaker off
	outb(0x43, 0xB0);              // channel 2, lobyte/hibyte, mode 0
	outb(0x42, count & 0xff);
	return count;
}

static void pit_go(u16 count, u8 port61)
{
	outb(0x42, count >> 8);
	outb(0x61, port61 | 1);
}

static bool pit_done(void) { return inb(0x61) & 0x20; }

// One window of us microseconds. Each sample (the PIT start, its end, a
// LAPIC count) happened somewhere between the TSC values read either side
// of it; we use the middle and return the sum of the bracket widths, in
// TSC ticks, as the window's error bound.
static u64 calibrate_window(u64 us, struct time_calibration *out)
{
	lapic_timer_start_count(0xFFFFFFFF);
	u16 count = pit_load(us);
	u8 port61 = inb(0x61);
	u64 s0 = rdtsc();
	pit_go(count, port61);
	u64 s1 = rdtsc();
	u32 a0 = lapic_timer_current();
	u64 s2 = rdtsc();
	// The PIT ran out after the last sample that saw it running (taken
	// after `before`) and before the first that saw it done (`now`).
	u64 before = s1, prev = s2, now;
	for (;;) {
		bool done = pit_done();
		now = rdtsc();
		if (done)
			break;
		before = prev;
		prev = now;
	}
	u64 e0 = rdtsc();
	u32 a1 = lapic_timer_current();
	u64 e1 = rdtsc();
	lapic_timer_start_count(0);

	u64 pit_ticks = (before + now) / 2 - (s0 + s1) / 2;
	out->tsc_hz = pit_ticks * PIT_HZ / count; // count is us, rounded down
	u64 apic_ticks = (e0 + e1) / 2 - (s1 + s2) / 2;
	out->lapic_hz = (u64)(a0 - a1) * out->tsc_hz / apic_ticks;
	out->error_ppm = ((s1 - s0) + (now - before) + (s2 - s1) + (e1 - e0)) * 1000000 /
			 pit_ticks;
	return out->error_ppm;
}

void time_calibrate(struct time_calibration *best)
{
	struct time_calibration warm_up;
	calibrate_window(CALIBRATE_WARM_UP_US, &warm_up);
	best->error_ppm = ~0ULL;
	for (int i = 0; i < CALIBRATE_WINDOWS && best->error_ppm > CALIBRATE_GOOD_PPM; i++) {
		struct time_calibration w;
		if (calibrate_window(CALIBRATE_US, &w) < best->error_ppm)
			*best = w;
	}
}

void time_init(void)
{
	struct time_calibration c;
	time_calibrate(&c);
	tsc_hz = c.tsc_hz;
	lapic_timer_hz = c.lapic_hz;
	time_calibration_ppm = c.error_ppm;
	ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
}

u64 tsc_to_ns(u64 d) { return (u64)(((unsigned __int128)d * ns_mult) >> 32); }

u64 clock_ns(void)
{
	if (!tsc_hz)
		return 0;
	return tsc_to_ns(rdtsc() - boot_tsc);
}

void udelay(u64 us)
{
	u64 end = rdtsc() + tsc_hz * us / 1000000;
	while (rdtsc() < end)
		cpu_relax();
}

u64 pit_measure_ns(u64 ms)
{
	u16 count = pit_load(ms * 1000);
	u8 port61 = inb(0x61);
	u64 t0 = clock_ns();
	pit_go(count, port61);
	while (!pit_done())
		cpu_relax();
	return clock_ns() - t0;
}
