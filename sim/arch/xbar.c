/* xbar.c: crossbar latency (see xbar.h). */
#include "xbar.h"

#include "engine/engine.h"

void xbar_init(xbar *x, const gpu_config *cfg)
{
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    x->latency_ps = clock_ps(&clk, (double)cfg->xbar.latency_cycles);
    x->bytes = 0;
}
