/* power.c: exponential clock sag under tensor load (see power.h). */
#include "power.h"

#include <math.h>

void power_init(power *p, const gpu_config *cfg)
{
    p->max_mhz = (double)cfg->gpu.clock_mhz;
    /* dynamic power ~ n f V^2 with V ~ f: the capped clock for n busy SMs */
    double n = (double)cfg->gpu.sm_count;
    p->throttle_mhz = n > cfg->power.cap_sms ? p->max_mhz * cbrt(cfg->power.cap_sms / n) : p->max_mhz;
    p->tau_ps = cfg->power.tau_us * 1e6;
    p->busy_since_ps = p->last_active_ps = 0;
    p->active = 0;
    p->min_mhz_seen = p->max_mhz;
}

double power_mma_stretch(power *p, uint64_t t)
{
    if (p->throttle_mhz >= p->max_mhz) return 1.0;
    if (!p->active || (t > p->last_active_ps && (double)(t - p->last_active_ps) > p->tau_ps)) {
        p->busy_since_ps = t;
        p->active = 1;
    }
    if (t > p->last_active_ps) p->last_active_ps = t;
    double busy = t > p->busy_since_ps ? (double)(t - p->busy_since_ps) : 0;
    double mhz = p->throttle_mhz + (p->max_mhz - p->throttle_mhz) * exp(-busy / p->tau_ps);
    if (mhz < p->min_mhz_seen) p->min_mhz_seen = mhz;
    return p->max_mhz / mhz;
}
