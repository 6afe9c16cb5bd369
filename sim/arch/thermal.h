/*
 * thermal.h: a first-order model of the GPU die temperature.
 *
 * Modeled: the die temperature relaxes toward power.ambient_c + P x
 * power.r_th_c_per_w (P = board power averaged over a power.control_us
 * interval) with time constant power.thermal_tau_ms, exactly (exponential step
 * per interval). A run starts at the idle steady state (the card at rest with a
 * context open, as the data's loops start).
 *
 * What it can claim: the steady die temperature of a sustained load within a
 * few degrees (fit on power_idle.csv and the energy files' loops), and the
 * fast (~0.1 s) rise at the start of a load seen in clock_trace.csv. What it
 * cannot: the heat sink's and the fans' slow response (tens of seconds: the
 * data's loops start 55-70 C depending on the loop before, and the die cools
 * 1-2 C once the fans catch up), hot spots, or any effect of temperature on
 * power: leakage is taken at the data's 55-75 C (power.sm_static_w) and the
 * clock is limited by power (the data's throttle reason is the software power
 * cap, never thermal), so the temperature is reported and feeds nothing back.
 * Units: degrees C, W, ps. Invariant: temp_c lies between its start and the
 * target of every interval so far (a relaxation never overshoots).
 * Reference: ../shared/hw/h100 power_idle.csv, energy_*.csv temp_c, clock_trace.csv.
 */
#ifndef GPUSIM_THERMAL_H
#define GPUSIM_THERMAL_H

#include "config/config.h"

typedef struct thermal {
    double ambient_c;         /* die temperature at zero power */
    double r_c_per_w;         /* steady rise per watt of board power */
    double tau_ps;            /* time constant */
    double temp_c;            /* current die temperature */
    double peak_c;            /* highest so far */
} thermal;

/* Starts at the steady state of idle_w. */
void thermal_init(thermal *th, const gpu_config *cfg, double idle_w);
/* Steady temperature at board power w. */
double thermal_steady_c(const thermal *th, double w);
/* dt_ps at board power w: moves temp_c and returns the integral of the
 * temperature over the step (C ps). */
double thermal_step(thermal *th, double w, double dt_ps);

#endif
