/*
 * metrics.h: every figure derived from a run's counts (TFLOP/s and % of peak,
 * DRAM GB/s and % of peak, L2 hit rate, PCIe GB/s, average power), computed
 * here once for an op or the whole run, and read by the summary table, --json
 * and the database alike. An op's bound (the largest part of its breakdown) is
 * decided by the runner, which alone has the raw parts (kernels/runner.c).
 * Rates are over the op's span (start to end, launch gaps included) or the run's
 * simulated time; a figure with nothing to divide by is 0, a % of peak with no
 * peak or no work is METRICS_NA.
 */
#ifndef GPUSIM_METRICS_H
#define GPUSIM_METRICS_H

#include "config/config.h"
#include "kernels/runner.h"

#define METRICS_NA (-1.0)

typedef struct metrics {
    double time_us;          /* span (op) or simulated time (run) */
    double tflops;           /* FLOPs over time_us, in TFLOP/s */
    double peak_tflops;      /* the op's dtype peak; the run's: fp16 tensor cores; 0: none */
    double pct_peak_tflops;  /* 100 tflops / peak_tflops, or METRICS_NA */
    double dram_gbps;        /* DRAM bytes (read + written) over time_us, GB/s */
    double peak_dram_gbps;
    double pct_peak_dram;    /* 100 dram_gbps / peak_dram_gbps, or METRICS_NA (no DRAM traffic) */
    double l2_hit_rate;      /* hits / accesses (0 with no access) */
    double pcie_gbps;        /* PCIe bytes over time_us, GB/s */
    double power_w;          /* energy_j over time_us */
} metrics;

/* An op's figures (cfg gives its dtype's peak). */
void metrics_op(const gpu_config *cfg, const run_result *r, const op_result *o, metrics *m);
/* The whole run's. */
void metrics_run(const run_result *r, metrics *m);

#endif
