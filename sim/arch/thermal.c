/* thermal.c: first-order die temperature (see thermal.h). */
#include "thermal.h"

#include <math.h>

void thermal_init(thermal *th, const gpu_config *cfg, double idle_w)
{
    th->ambient_c = cfg->power.ambient_c;
    th->r_c_per_w = cfg->power.r_th_c_per_w;
    th->tau_ps = cfg->power.thermal_tau_ms * 1e9;
    th->temp_c = thermal_steady_c(th, idle_w);
    th->peak_c = th->temp_c;
}

double thermal_steady_c(const thermal *th, double w) { return th->ambient_c + th->r_c_per_w * w; }

double thermal_step(thermal *th, double w, double dt_ps)
{
    if (!(dt_ps > 0)) return 0;
    double target = thermal_steady_c(th, w);
    double a = exp(-dt_ps / th->tau_ps);
    double t0 = th->temp_c;
    th->temp_c = target + (t0 - target) * a;
    if (th->temp_c > th->peak_c) th->peak_c = th->temp_c;
    /* integral of target + (t0 - target) e^(-s/tau) over [0, dt] */
    return target * dt_ps + (t0 - target) * th->tau_ps * (1 - a);
}
