/*
 * power.h: the board power cap as an SM clock that sags under sustained tensor load.
 *
 * Modeled: while the tensor cores are kept busy, the SM clock falls from
 * gpu.clock_mhz towards the clock the power cap allows with time constant
 * power.tau_us (the GPU's power management keeps the board under its limit);
 * an idle gap of more than tau resets it to the full clock. The capped clock
 * follows dynamic power ~ n f^3 (voltage tracks frequency): with n SMs busy,
 * f = gpu.clock_mhz x (power.cap_sms / n)^(1/3), so fewer SMs throttle less.
 * Approximated: one clock for the whole chip, all gpu.sm_count SMs counted as
 * busy, driven by tensor activity only (CUDA-core and memory power are not
 * modeled); the clock scales the tensor-core rate only.
 */
#ifndef GPUSIM_POWER_H
#define GPUSIM_POWER_H

#include <stdint.h>

#include "config/config.h"

typedef struct power {
    double max_mhz, throttle_mhz;
    double tau_ps;
    uint64_t busy_since_ps;   /* start of the current busy period */
    uint64_t last_active_ps;  /* latest tensor activity seen */
    int active;
    double min_mhz_seen;      /* statistic */
} power;

void power_init(power *p, const gpu_config *cfg);
/* Notes tensor activity at t; returns the factor (>= 1) by which MMA time stretches. */
double power_mma_stretch(power *p, uint64_t t);

#endif
