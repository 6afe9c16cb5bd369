/* metrics.c: derived figures (see metrics.h). */
#include "metrics.h"

static void fill(metrics *m, double t_us, double flops, double peak_tf, uint64_t dram, double peak_bw,
                 uint64_t l2_acc, uint64_t l2_hits, uint64_t pcie, double energy_j)
{
    m->time_us = t_us;
    m->tflops = t_us > 0 ? flops / t_us / 1e6 : 0;
    m->peak_tflops = peak_tf;
    m->pct_peak_tflops = flops > 0 && peak_tf > 0 ? 100 * m->tflops / peak_tf : METRICS_NA;
    m->dram_gbps = t_us > 0 ? (double)dram / t_us / 1e3 : 0;
    m->peak_dram_gbps = peak_bw;
    m->pct_peak_dram = dram > 0 && peak_bw > 0 ? 100 * m->dram_gbps / peak_bw : METRICS_NA;
    m->l2_hit_rate = l2_acc ? (double)l2_hits / (double)l2_acc : 0;
    m->pcie_gbps = t_us > 0 ? (double)pcie / t_us / 1e3 : 0;
    m->power_w = t_us > 0 ? energy_j / (t_us * 1e-6) : 0;
}

void metrics_op(const gpu_config *cfg, const run_result *r, const op_result *o, metrics *m)
{
    double peak = o->dt >= 0 ? config_peak_tflops(cfg, (dtype_id)o->dt) : 0;
    fill(m, (double)(o->end_ps - o->start_ps) / 1e6, o->flops, peak, o->dram_bytes, r->peak_dram_gbps, o->l2_accesses,
         o->l2_hits, o->pcie_bytes, o->energy_j);
}

void metrics_run(const run_result *r, metrics *m)
{
    fill(m, (double)r->total_ps / 1e6, r->flops, r->peak_tflops, r->dram_bytes, r->peak_dram_gbps, r->l2_accesses,
         r->l2_hits, r->pcie_bytes, r->energy_j);
}
