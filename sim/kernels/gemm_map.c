/*
 * gemm_map.c: explicit and default GEMM mappings (see gemm_map.h).
 *
 * The default mapping's estimate is deliberately coarse (it only ranks
 * candidates, the simulation then measures the chosen one): per-tile time =
 * max(MMA time, operand bytes over the SM's share of L2 bandwidth) + epilogue +
 * k-tile sync; total = waves x per-tile time, floored by compulsory DRAM traffic.
 */
#include "gemm_map.h"

#include <math.h>
#include <stdio.h>

#include "arch/tensor_core.h"

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int out_bytes(dtype_id dt) { return dt == DT_FP16 || dt == DT_BF16 || dt == DT_FP8 ? 2 : 4; }

static void fill_shape(const gpu_config *cfg, const trace_op *op, gemm_map *m, int64_t regs)
{
    int eb = dtype_bytes(op->dtype);
    m->shape.threads = m->warps * 32;
    m->shape.regs_per_thread = regs > 255 ? 255 : regs;
    int64_t stage_bytes = (m->tm * m->tk + m->tk * m->tn) * eb;
    m->shape.smem_bytes = m->stages * stage_bytes;
    (void)cfg;
}

static double estimate(const gpu_config *cfg, const trace_op *op, const gemm_map *m)
{
    int eb = dtype_bytes(op->dtype);
    double clk = (double)cfg->gpu.clock_mhz * 1e6;
    double rate = m->tensor ? tensor_core_rate(cfg, op->dtype) * cfg->tensor.sustained_fraction
                            : cfg->cuda.fp32_flops_per_clk * cfg->cuda.sustained_fraction;
    int64_t nsm = cfg->gpu.sm_count;
    int64_t occ = sm_occupancy(cfg, &m->shape);
    if (occ < 1) return INFINITY;
    double slots = (double)(nsm * occ);
    double nkt = (double)cdiv(cdiv(op->k, m->tk), m->split_k);
    double rows = (double)(op->m < m->tm ? op->m : m->tm), cols = (double)(op->n < m->tn ? op->n : m->tn);
    double a_rows = m->cluster > 1 ? rows / m->cluster : rows;
    double port = (double)cfg->sm.ldst_bytes_per_clk * clk;
    double l2_share = (double)cfg->l2.slices * (double)cfg->l2.slice_bytes_per_clk * clk / (double)nsm;
    if (port < l2_share) l2_share = port;
    /* one k-tile of one CTA, with `occ` CTAs sharing the SM */
    double mma_kt = 2.0 * (double)m->tm * (double)m->tn * (double)m->tk / rate / clk;
    double mem_kt = (a_rows + cols) * (double)m->tk * eb / l2_share;
    double sync_kt = (double)cfg->tensor.ktile_sync_cycles / clk;
    double kt = fmax(mma_kt, mem_kt) + sync_kt;
    double epi = (double)m->tm * (double)m->tn * out_bytes(op->dtype) / (m->tma ? 128.0 * clk : port);
    double fixed = ((double)cfg->l2.far_hit_cycles + (double)cfg->sm.cta_launch_cycles) / clk + cfg->memory.latency_ns * 1e-9;
    int64_t jobs = cdiv(op->m, m->tm) * cdiv(op->n, m->tn) * m->split_k;
    double t;
    if (m->stream_k) {
        double per_cta = (double)jobs * nkt / slots;                  /* k-tiles */
        double frags = per_cta / nkt + 1;                             /* tile pieces per CTA */
        double fixup = 2.0 * (double)m->tm * (double)m->tn * 4 / port; /* partials out and in */
        double sk_kt = kt;
        double waves = (double)jobs / slots;
        double sk_jobs = (double)jobs - (waves >= 1 ? (floor(waves) - 1) * slots : 0);
        double foot = ((double)op->m * op->k + (double)op->k * op->n) * eb + (double)op->m * op->n * out_bytes(op->dtype) +
                      sk_jobs * (double)m->tm * (double)m->tn * 4;
        if (foot > 0.7 * cfg->l2.size_mib * 1048576.0) { /* the split part streams its operands from DRAM */
            double dram_share = config_peak_dram_gbps(cfg) * 1e9 / (double)nsm;
            double share = sk_jobs / (double)jobs;
            sk_kt = (1 - share) * kt + share * fmax(mma_kt, (a_rows + cols) * (double)m->tk * eb / dram_share);
        }
        t = per_cta * sk_kt * (double)occ + frags * (epi + fixup) + fixed;
    } else {
        double waves = ceil((double)jobs / slots);
        t = waves * (nkt * kt + epi) * (double)occ + fixed;
    }
    double dram = ((double)op->m * op->k + (double)op->k * op->n) * eb + (double)op->m * op->n * out_bytes(op->dtype);
    if (m->split_k > 1) dram += (double)m->split_k * op->m * op->n * 4.0;
    double dram_t = dram / (config_peak_dram_gbps(cfg) * 1e9);
    /* every CTA's operand traffic crosses the L2 slices: their total bandwidth is a floor */
    double l2_bytes = (double)jobs * nkt * (a_rows + cols) * (double)m->tk * eb;
    double l2_t = l2_bytes / ((double)cfg->l2.slices * (double)cfg->l2.slice_bytes_per_clk * clk) + fixed;
    return fmax(fmax(t, dram_t), l2_t);
}

static void default_map(const gpu_config *cfg, const trace_op *op, gemm_map *best)
{
    int eb = dtype_bytes(op->dtype);
    int tensor = op->dtype != DT_FP32 && tensor_core_rate(cfg, op->dtype) > 0;
    static const int64_t tc_tiles[][2] = { {256, 128}, {128, 256}, {128, 128}, {128, 64}, {64, 128},
                                           {64, 64}, {64, 32}, {64, 16}, {64, 8} };
    static const int64_t simt_tiles[][2] = { {256, 128}, {128, 128}, {128, 64}, {64, 64} }; /* cutlass SIMT sgemm tiles */
    static const int64_t splits[] = { 1, 2, 3, 4, 6, 8, 16 };
    double best_t = INFINITY;
    int ntiles = tensor ? 9 : 4;
    for (int i = 0; i < ntiles; i++) {
        for (size_t s = 0; s < 2 * sizeof splits / sizeof splits[0]; s++) {
            int sk = s >= sizeof splits / sizeof splits[0];
            gemm_map m = { 0 };
            m.tensor = tensor;
            m.tm = tensor ? tc_tiles[i][0] : simt_tiles[i][0];
            m.tn = tensor ? tc_tiles[i][1] : simt_tiles[i][1];
            m.tk = tensor ? 128 / eb : 8;
            m.split_k = splits[s % (sizeof splits / sizeof splits[0])];
            if (m.split_k > 1 && cdiv(op->k, m.tk) / m.split_k < 4) continue;
            if (m.split_k > 1 && tensor && cfg->sm.tma) continue; /* stream-K covers it */
            if (sk && !(tensor && cfg->sm.tma)) continue;
            if (!tensor && m.split_k > 1) continue; /* cuBLAS's SIMT kernels do not split K */
            m.group_m = 8;
            if (tensor && cfg->sm.tma) {
                m.consumer_warps = m.tm >= 128 ? 8 : 4;
                m.warps = m.consumer_warps + 4;
                m.persistent = 1;
                m.tma = 1;
                m.stream_k = sk;
                m.cluster = (m.tm >= 128 && m.tn >= 128) ? 2 : 1;
            } else {
                m.warps = m.tm * m.tn >= 128 * 128 ? 8 : 4;
                m.consumer_warps = m.warps;
                m.persistent = 0;
                m.cluster = 1;
            }
            int64_t stage_bytes = (m.tm * m.tk + m.tk * m.tn) * eb;
            int64_t budget = cfg->sm.smem_per_cta_kib * 1024 - (tensor ? 16384 : 0);
            m.stages = budget / stage_bytes;
            if (m.stages > (tensor ? 8 : 4)) m.stages = tensor ? 8 : 4;
            if (m.stages < 2) continue;
            int64_t regs = tensor && cfg->sm.tma ? 168 : m.tm * m.tn / (m.warps * 32) + 40;
            fill_shape(cfg, op, &m, regs);
            double t = estimate(cfg, op, &m);
            if (t < best_t * 0.98) { best_t = t; *best = m; }
        }
    }
}

int gemm_map_choose(const gpu_config *cfg, const trace_op *op, gemm_map *m, char *err, size_t errlen)
{
    int tensor = op->dtype != DT_FP32;
    if (tensor && tensor_core_rate(cfg, op->dtype) <= 0) {
        snprintf(err, errlen, "gemm: dtype=%s: this GPU has no %s tensor cores (tensor.%s_flops_per_clk = 0)",
                 dtype_name(op->dtype), dtype_name(op->dtype), dtype_name(op->dtype));
        return -2;
    }
    if (!op->tile_m) {
        *m = (gemm_map){ 0 };
        default_map(cfg, op, m);
        if (!m->tm) { snprintf(err, errlen, "gemm: no mapping fits this GPU's shared memory"); return -2; }
    } else {
        *m = (gemm_map){ 0 };
        m->tensor = tensor;
        m->tm = op->tile_m; m->tn = op->tile_n; m->tk = op->tile_k;
        m->stages = op->stages ? op->stages : 3;
        m->warps = op->warps ? op->warps : 4;
        m->consumer_warps = m->warps;
        m->group_m = op->group_m ? op->group_m : 1;
        m->split_k = 1;
        m->cluster = 1;
        /* Triton: fp32 accumulators in registers plus operand fragments and addressing */
        fill_shape(cfg, op, m, m->tm * m->tn / (m->warps * 32) + 64);
    }
    if (op->split_k) m->split_k = op->split_k;
    if (op->group_m) m->group_m = op->group_m;
    if (sm_occupancy(cfg, &m->shape) < 1) {
        snprintf(err, errlen, "gemm: tile %lldx%lldx%lld with %lld stages and %lld warps does not fit one SM "
                 "(%lld KiB shared memory, %lld threads; sm.smem_per_cta_kib = %lld)",
                 (long long)m->tm, (long long)m->tn, (long long)m->tk, (long long)m->stages, (long long)m->warps,
                 (long long)(m->shape.smem_bytes / 1024), (long long)m->shape.threads, (long long)cfg->sm.smem_per_cta_kib);
        return -2;
    }
    return 0;
}

void gemm_map_describe(const gemm_map *m, char *buf, size_t len)
{
    snprintf(buf, len, "%lldx%lldx%lld s%lld w%lld g%lld k%lld%s%s%s", (long long)m->tm, (long long)m->tn, (long long)m->tk,
             (long long)m->stages, (long long)m->warps, (long long)m->group_m, (long long)m->split_k,
             m->persistent ? " persistent" : "", m->stream_k ? " streamk" : "", m->cluster > 1 ? " cluster2" : "");
}
