// Time since boot. clock_ns() reads the TSC and scales it by the
// frequency calibrated against the PIT at boot (arch/x86/time.c).
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "kernel/types.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL
#define HZ 100 // scheduler tick rate on every CPU

u64 clock_ns(void);       // nanoseconds since boot, monotonic
extern u64 tsc_hz;        // calibrated TSC frequency
extern u64 lapic_timer_hz; // calibrated LAPIC timer input (after divide)
extern u64 time_calibration_ppm; // the boot calibration's error bound
u64 tsc_to_ns(u64 tsc_delta);
void time_init(void);     // calibrate TSC and LAPIC timer (BSP, at boot)

// One calibration against the PIT (arch/x86/time.c): the best of a few
// short windows, with its error bound in parts per million. It uses this
// CPU's LAPIC timer: the caller stops the tick (interrupts off) and
// restarts it after.
struct time_calibration {
	u64 tsc_hz;
	u64 lapic_hz;
	u64 error_ppm;
};
void time_calibrate(struct time_calibration *out);
// Busy-wait (interrupts may stay on); for early boot and drivers.
void udelay(u64 us);
// Measure elapsed PIT time, in ns, while running fn; used by tests to
// cross-check the clock against an independent source.
u64 pit_measure_ns(u64 ms);

#endif
