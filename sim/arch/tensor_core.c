/* tensor_core.c: per-sub-partition MMA pipes (see tensor_core.h). */
#include "tensor_core.h"

#include <stdlib.h>

struct tensor_core {
    pipe_unit sp[16];               /* one per sub-partition */
    double ps_per_flop[DT_COUNT];   /* per sub-partition, at the datasheet rate */
    int nsp;
    power *pw;
    int smi;                        /* the SM it belongs to (energy attribution) */
};

double tensor_core_rate(const gpu_config *cfg, dtype_id dt) { return config_tensor_flops_per_clk(cfg, dt); }

tensor_core *tensor_core_create(const gpu_config *cfg, power *pw, int smi)
{
    tensor_core *tc = calloc(1, sizeof *tc);
    if (!tc) return NULL;
    tc->pw = pw;
    tc->smi = smi;
    tc->nsp = (int)cfg->sm.subpartitions;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    for (int d = 0; d < DT_COUNT; d++) {
        double rate = tensor_core_rate(cfg, (dtype_id)d) / (double)tc->nsp;
        tc->ps_per_flop[d] = rate > 0 ? 1e6 / (double)cfg->gpu.clock_mhz / rate : 0;
    }
    for (int i = 0; i < tc->nsp; i++) tc->sp[i].latency_ps = clock_ps(&clk, (double)cfg->tensor.latency_cycles);
    return tc;
}

void tensor_core_destroy(tensor_core *tc) { free(tc); }

uint64_t tensor_core_mma(tensor_core *tc, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps)
{
    pipe_unit *p = &tc->sp[sp % tc->nsp];
    double stretch = tc->pw ? power_stretch(tc->pw, ready_ps) : 1.0;
    p->ps_per_unit = tc->ps_per_flop[dt] / fraction * stretch;
    uint64_t start = ready_ps > p->free_ps ? ready_ps : p->free_ps;
    uint64_t done = pipe_reserve(p, ready_ps, flops);
    if (tc->pw) { /* the energy is drawn while the pipe works on it */
        int op = power_sm_op(tc->pw, tc->smi);
        power_add_span(tc->pw, power_mma_unit(dt), flops, op != POWER_NO_OP ? op : power_current_op(tc->pw), ready_ps,
                       start, p->free_ps);
    }
    return done;
}

double tensor_core_busy_ps(const tensor_core *tc)
{
    double b = 0;
    for (int i = 0; i < tc->nsp; i++) b += tc->sp[i].busy_ps;
    return b / tc->nsp;
}
