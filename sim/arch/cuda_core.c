/* cuda_core.c: per-sub-partition SIMT pipes (see cuda_core.h). */
#include "cuda_core.h"

#include "engine/engine.h"

#include <stdlib.h>

struct cuda_core {
    pipe_unit sp[16];
    double ps_per_flop_fp32;  /* per sub-partition at peak */
    double ps_per_flop_fp16;
    int nsp;
    power *pw;
    int smi;
};

cuda_core *cuda_core_create(const gpu_config *cfg, power *pw, int smi)
{
    cuda_core *cc = calloc(1, sizeof *cc);
    if (!cc) return NULL;
    cc->nsp = (int)cfg->sm.subpartitions;
    cc->pw = pw;
    cc->smi = smi;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    double ps_per_clk = 1e6 / (double)cfg->gpu.clock_mhz;
    cc->ps_per_flop_fp32 = ps_per_clk / (cfg->cuda.fp32_flops_per_clk / cc->nsp);
    cc->ps_per_flop_fp16 = ps_per_clk / (cfg->cuda.fp16_flops_per_clk / cc->nsp);
    for (int i = 0; i < cc->nsp; i++) cc->sp[i].latency_ps = clock_ps(&clk, (double)cfg->cuda.latency_cycles);
    return cc;
}

void cuda_core_destroy(cuda_core *cc) { free(cc); }

uint64_t cuda_core_exec(cuda_core *cc, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps)
{
    pipe_unit *p = &cc->sp[sp % cc->nsp];
    double base = (dt == DT_FP16 || dt == DT_BF16) ? cc->ps_per_flop_fp16 : cc->ps_per_flop_fp32;
    double stretch = cc->pw ? power_stretch(cc->pw, ready_ps) : 1.0;
    p->ps_per_unit = base * stretch / fraction;
    uint64_t start = ready_ps > p->free_ps ? ready_ps : p->free_ps;
    uint64_t done = pipe_reserve(p, ready_ps, flops);
    if (cc->pw) { /* the energy is drawn while the pipe works on it */
        int op = power_sm_op(cc->pw, cc->smi);
        power_add_span(cc->pw, PW_FMA, flops, op != POWER_NO_OP ? op : power_current_op(cc->pw), ready_ps, start, p->free_ps);
    }
    return done;
}

double cuda_core_busy_ps(const cuda_core *cc)
{
    double b = 0;
    for (int i = 0; i < cc->nsp; i++) b += cc->sp[i].busy_ps;
    return b / cc->nsp;
}
