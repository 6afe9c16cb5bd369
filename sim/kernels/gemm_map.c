/*
 * gemm_map.c: the GEMM kernel families, their selection, and explicit mappings
 * (see gemm_map.h).
 *
 * The estimate is deliberately coarse (it ranks candidates; the simulation then
 * measures the chosen one): per k-tile time = max(MMA time, operand bytes over
 * the SM's share of L2 bandwidth, load/store-unit issue time) + k-tile sync;
 * total = waves x per-tile time + a separate split-K reduce, floored by the
 * compulsory DRAM traffic and by the L2 slices' total bandwidth.
 * Family rates come from the config: tensor.sustained_fraction (wgmma),
 * tensor.mma_sync_fraction (mma.sync), cuda.sustained_fraction (FFMA) and
 * sm.lsu_instr_per_clk (per-thread loads); nothing here is fitted.
 */
#include "gemm_map.h"
#include "engine/errors.h"

#include <math.h>
#include <stdio.h>

#include "arch/tensor_core.h"

/* Tiles each family ships (cuBLAS 13 on sm_90: nvjet, cutlass_80/75 tensorop, sm80 xmma ffma / cutlass simt).
 * nvjet tiles, in this trace's (row-major) coordinates: cuBLAS's kernel named AxB (column-major, C^T = B^T A^T)
 * is a tile of B rows of C by A columns here. */
static const int64_t wgmma_tiles[][2] = { {8, 64}, {16, 64}, {24, 64}, {32, 64}, {40, 64}, {48, 64}, {64, 64}, {80, 64},
                                          {128, 64}, {256, 64}, {64, 96}, {128, 96}, {8, 128}, {16, 128}, {32, 128},
                                          {64, 128}, {80, 128}, {96, 128}, {128, 128}, {160, 128}, {192, 128}, {256, 128},
                                          {64, 160}, {32, 192}, {96, 192}, {128, 192}, {192, 192}, {64, 224}, {96, 256},
                                          {128, 256}, {128, 320}, {64, 384}, {64, 448}, {64, 32}, {96, 64} };
/* cuBLAS's tf32 kernels on sm_90 are sm90_xmma (not nvjet) with four tiles: 64x128, 128x128, 64x256 and
 * 128x256 in its naming (here rows x columns of C: 128x64, 128x128, 256x64, 256x128; gemm_more.csv,
 * gemm_kernels.csv) */
static const int64_t wgmma_tf32_tiles[][2] = { {128, 64}, {128, 128}, {256, 64}, {256, 128} };
static const int64_t mma_tiles[][2] = { {64, 64}, {64, 128}, {128, 64}, {128, 128}, {64, 256}, {256, 64},
                                        {128, 256}, {256, 128} };
/* cuBLAS's sm75 kernels for rows not 4-byte aligned (cutlass_75_tensorop_s1688gemm_..._align1) come in
 * 64x64, 128x128 and 256x128 tiles (either way round here; every H100 file: gemm_more.csv,
 * h100_s2/misaligned.csv), and for fp16 in 32x32 (cutlass_75_wmma_tensorop_f16_s161616gemm_f16_32x32_64x2:
 * wmma 16x16x16, 4 warps of 16x16, k-tiles of 64; h100_s10/mis_skinny.csv); gemm.select=best may use the
 * sm80 tiles (mma_tiles). Which one runs: turing_tile_fits, and turing_s1688_choice at short K */
static const int64_t turing_tiles[][2] = { {32, 32}, {64, 64}, {128, 128}, {128, 256}, {256, 128} };
/* cuBLAS's SIMT tiles, from the kernel names in every H100 file: sm80 xmma ffma tilesizeAxB is A rows of C by
 * B columns here (9792x7552x16 runs 128x32 on a [77, 236] grid), cutlass simt sgemm AxB is B x A (4x1024x1024
 * runs 128x32 on [8, 1, 16]) */
/* cuBLAS's cutlass_80_simt_sgemm kernels (named BxA: 64x64, 128x32, 128x64, 256x128), its split-K SIMT kernels */
static const int64_t cutlass_simt_tiles[][2] = { {64, 64}, {32, 128}, {64, 128}, {128, 256} };
static const int64_t simt_tiles[][2] = { {32, 32}, {32, 128}, {64, 32}, {64, 64}, {64, 128}, {64, 256}, {128, 32},
                                         {128, 64}, {128, 128}, {128, 256}, {256, 64}, {256, 128} };
static const int64_t gemv_tiles[][2] = { {1, 64}, {1, 128}, {1, 256}, {1, 512} };
/* gemmSN_NN_kernel: grid [N/64, M/4] of 256 threads (h100_s2/fp32_skinny.csv) */
static const int64_t sn_tiles[][2] = { {4, 64} };
/* sgemm_largek_lds64: grid [N/32, M/32, splits] of 256 threads (h100_s10/linear32.csv) */
static const int64_t largek_tiles[][2] = { {32, 32} };
#define NT(a) (int)(sizeof a / sizeof a[0])

const gemm_family gemm_families[GF_COUNT] = {
    [GF_HOPPER_WGMMA] = { .name = "hopper_wgmma", .tensor = 1, .tma = 1, .min_vec_bytes = 16, .max_vec_bytes = 16,
                          .split = 1, .group_m = 8, .tiles = wgmma_tiles, .ntiles = NT(wgmma_tiles), .k_bytes = 128,
                          .max_stages = 16,
                          .doc = "TMA bulk loads into a stage ring, a producer warpgroup feeding consumer warpgroups that "
                                 "issue wgmma; persistent CTAs with stream-K; asynchronous TMA-store epilogue; clusters "
                                 "of 2 multicast the A block" },
    [GF_AMPERE_MMA] = { .name = "ampere_mma", .tensor = 1, .min_vec_bytes = 4, .max_vec_bytes = 16, .split = 1,
                        .group_m = 8, .tiles = mma_tiles, .ntiles = NT(mma_tiles), .k_bytes = 128, .max_stages = 6,
                        .doc = "cp.async (4-16 byte vectors, one instruction per vector per thread) into shared memory, "
                               "ldmatrix into registers, mma.sync; one CTA per tile, split-K with a reduce kernel" },
    [GF_TURING_MMA] = { .name = "turing_mma", .tensor = 1, .min_vec_bytes = 2, .max_vec_bytes = 2, .split = 1,
                        .group_m = 8, .tiles = turing_tiles, .ntiles = NT(turing_tiles), .k_bytes = 64, .max_stages = 2,
                        .doc = "2-byte global loads into registers then shared-memory stores (no cp.async below 4 "
                               "bytes), ldmatrix, mma.sync; for rows not 4-byte aligned" },
    [GF_SIMT] = { .name = "simt", .min_vec_bytes = 4, .max_vec_bytes = 16, .smem_operands = 1, .split = 1, .group_m = 8,
                  .tiles = simt_tiles, .ntiles = NT(simt_tiles), .k_bytes = 32, .max_stages = 4,
                  .doc = "FP32 FFMA outer products on the CUDA cores from shared-memory tiles; split-K with a reduce "
                         "kernel" },
    [GF_GEMV] = { .name = "gemv", .min_vec_bytes = 4, .max_vec_bytes = 16, .gemv = 1, .warps = 4, .split = 1,
                  .group_m = 8, .tiles = gemv_tiles, .ntiles = NT(gemv_tiles), .k_bytes = 256, .max_stages = 8,
                  .doc = "a matrix-vector kernel: each CTA streams a block of the matrix once; split over K when the "
                         "other dimension is short" },
    [GF_GEMM_SN] = { .name = "gemm_sn", .min_vec_bytes = 4, .max_vec_bytes = 16, .max_m = 16, .warps = 8, .group_m = 1,
                     .tiles = sn_tiles, .ntiles = NT(sn_tiles), .k_bytes = 32, .max_stages = 2,
                     .doc = "cuBLAS's small-M SIMT kernel (gemmSN): each 256-thread CTA computes 4 rows x 64 columns "
                            "of C over the whole K, reading its B columns once per 4 rows of A; no split" },
    [GF_LARGEK] = { .name = "largek", .min_vec_bytes = 4, .max_vec_bytes = 8, .smem_operands = 1, .warps = 8, .split = 1,
                    .group_m = 1, .tiles = largek_tiles, .ntiles = NT(largek_tiles), .k_bytes = 32, .max_stages = 1,
                    .atomic_split = 1, .bias_kernel = 1,
                    .doc = "cuBLAS's legacy path for a tiny fp32 GEMM with a bias: a scal kernel clears C, then "
                           "sgemm_largek_lds64 (32x32 tiles on 256 threads, loads through registers: each k-tile "
                           "waits for its own loads; K split in up to 5 parts added into C; gemm.largek_fixed_us "
                           "more), then a bias kernel" },
};

static int fid_of(const gemm_family *f) { return (int)(f - gemm_families); }

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* 1 when tm x tn is one of the n tiles */
static int tile_in(const int64_t (*tiles)[2], int n, int64_t tm, int64_t tn)
{
    for (int i = 0; i < n; i++) if (tiles[i][0] == tm && tiles[i][1] == tn) return 1;
    return 0;
}

static int out_bytes(dtype_id dt) { return dt == DT_FP16 || dt == DT_BF16 || dt == DT_FP8 ? 2 : 4; }

int gemm_align_bytes(const gemm_params *op)
{
    int64_t eb = dtype_bytes(op->dtype);
    int64_t lda = op->trans_a ? op->m : op->k, ldb = op->trans_b ? op->k : op->n, ldc = op->n;
    int a = 16;
    while (a > 1 && ((lda * eb) % a || (ldb * eb) % a || (ldc * out_bytes(op->dtype)) % a)) a /= 2;
    return a;
}

double gemm_lsu_instrs_per_ktile(const gemm_map *m, int eb)
{
    /* TMA (also a Triton kernel on a TMA machine), except a one-stage Triton kernel: without software
     * pipelining Triton issues no asynchronous copies, its tiles go global -> registers -> shared memory
     * (triton_gemm.csv: num_stages=1 runs 1.2-1.3x num_stages=2 at every tile) */
    if (m->tma || !m->fam || (m->fam->tma && m->stages > 1)) return 0;
    double gbytes = (double)(m->tm + m->tn) * (double)m->tk * eb;
    /* every vector takes two LSU slots: the global read and the shared-memory write (cp.async does
     * both in one instruction, LDG + STS in two; fit: the same rate explains the 2- and 4-byte kernels) */
    double instrs = gbytes / (32.0 * m->vec_bytes) * 2;
    if (m->tensor) /* ldmatrix: each consumer warp reads its A rows and B columns, 16 B per lane */
        instrs += (double)(m->tm * m->wn + m->tn * m->wm) * (double)m->tk * eb / 512.0;
    return instrs;
}

/* Below this K, cuBLAS's sm75 s1688 kernels run as cuBLAS runs them (turing_s1688_choice): tile, split,
 * and the LSU charged for C's rows and columns only. There the K loop is a few k-tiles and
 * the time is the CTAs' count, prologue and C's stores, which follow the tile. At longer K gpusim's k-loop
 * of cuBLAS's own 64x64 and 128x128 tiles runs slow against the measurements (with the rule at every K:
 * 2543x8665x1006 +20%, 15909x2626x1133 +27%, 154x7893x906 +21%, h100_s10/mis_skinny.csv 64x6753x8902
 * +46%, 8560x63x3225 +24%, h100_s2/misaligned.csv 1024x1023x1024 +12%: 128x128 measures 114-134 TFLOPS
 * where its LSU charge allows ~120), so the estimate keeps choosing its tile and split there, under the
 * whole-tile charge it was fitted with. The shapes of gemm_more.csv with K 17..401 gain, those with
 * K 906..1133 lose: any bound between them draws the same line. */
#define TURING_SHORT_K 512
static int turing_short_k(const gemm_params *op) { return op->k < TURING_SHORT_K; }

double gemm_lsu_edge_share(const gpu_config *cfg, const gemm_params *op, const gemm_map *m, double rows_a, double cols_b)
{
    if (!m->fam || fid_of(m->fam) != GF_TURING_MMA) return 1;
    if ((m->tm != 32 || m->tn != 32) && !turing_short_k(op)) return 1;
    /* a narrow load's warp instruction spans 32 elements of an operand's contiguous run: past C's edge
     * along the run its lanes are predicated off and cost nothing, past the edge across it (rows of
     * another run) whole warps are off and still take sm.lsu_off_warp_fraction of a load's time. A runs
     * along K unless transposed (along M), B along N unless transposed (along K).
     * The wmma kernel, and the s1688 kernels at short K, where their tile and split follow cuBLAS's
     * (turing_short_k): cuBLAS's s1688 kernels show the same (h100_s10/mis_skinny.csv, at their own
     * tiles and splits: 3.0-3.6 elements a cycle an SM inside C at 64x64..256x128, against 2.7-5.6 over
     * whole tiles); at longer K gpusim's estimate does not choose their tiles and splits as cuBLAS does,
     * and charging those only C's rows and columns moved gemm_more.csv's check half 8.5 -> 8.7%; they
     * keep the whole-tile charge there. */
    double off = cfg->sm.lsu_off_warp_fraction;
    double pa = (double)m->tm - rows_a, pb = (double)m->tn - cols_b;
    double la = rows_a + (op->trans_a ? 0 : off * pa), lb = cols_b + (op->trans_b ? off * pb : 0);
    return (la + lb) / (double)(m->tm + m->tn);
}

double gemm_lds_bytes_per_ktile(const gemm_map *m)
{
    if (!m->fam || !m->fam->smem_operands) return 0;
    /* a SIMT kernel's threads each hold a tr x tc block of accumulators and, for every k, read tr
     * A values and tc B values from shared memory (4 bytes each) for tr * tc FMAs */
    double threads = (double)m->warps * 32, acc = (double)(m->tm * m->tn) / threads;
    double tr = 1;
    while (tr * tr * 4 <= acc) tr *= 2;
    double tc = acc / tr;
    if (tc < 1) tc = 1;
    return threads * (tr + tc) * 4.0 * (double)m->tk;
}

double gemm_lsu_store_instrs_per_elem(const gemm_map *m, int eb)
{
    if (m->tma || !m->fam || m->fam->tma) return 0; /* a TMA store drains asynchronously */
    /* the epilogue stages the accumulators through shared memory; each output vector (the kernel's
     * alignment in elements, also for fp32 split-K partials) is then a shared-memory read and a global
     * store: two LSU slots, as a loaded vector */
    double vec_elems = (double)m->vec_bytes / (double)eb;
    return 2.0 / (32.0 * (vec_elems < 1 ? 1 : vec_elems));
}

static void fill_shape(const gemm_params *op, gemm_map *m, int64_t regs)
{
    int eb = dtype_bytes(op->dtype);
    m->shape.threads = m->warps * 32;
    m->shape.regs_per_thread = regs > 255 ? 255 : regs;
    int64_t stage_bytes = (m->tm * m->tk + m->tk * m->tn) * eb;
    m->shape.smem_bytes = m->stages * stage_bytes;
}

int64_t gemm_ktile_sync_cycles(const gpu_config *cfg, const gemm_map *m)
{
    return m->fam && m->fam->tma ? cfg->tensor.ktile_sync_cycles : cfg->sm.ktile_barrier_cycles;
}

int gemm_mma_hold(const gpu_config *cfg, const gemm_map *m)
{
    /* wgmma is asynchronous: the consumers keep one MMA group in flight (wait_group 1) and free a
     * stage only when the group reading it has finished, so one stage more is held than the loads
     * ahead: with 2 stages no load overlaps an MMA (triton_gemm.csv: s2 is 1.7x s3 at 128-wide tiles) */
    return m->tensor && m->fam && m->fam->tma && cfg->sm.tma && m->stages >= 2;
}

double gemm_mma_fraction(const gpu_config *cfg, const gemm_map *m)
{
    if (!m->tensor) return cfg->cuda.sustained_fraction;
    return m->fam && m->fam->tma ? cfg->tensor.sustained_fraction : cfg->tensor.mma_sync_fraction;
}

/* gemm_simt_issue for a mapping whose occupancy (CTAs an SM) the caller has */
static double simt_issue(const gpu_config *cfg, const gemm_params *op, const gemm_map *m, int64_t occ)
{
    if (m->tensor) return 1;
    /* the warps of this kernel a sub-partition holds: its CTAs an SM (occupancy, or fewer when the grid
     * does not fill the SMs) x consumer warps / sub-partitions; each keeps the pipe busy
     * cuda.warp_issue_fraction of the cycles */
    int64_t ctas = cdiv(op->m, m->tm) * cdiv(op->n, m->tn) * m->split_k;
    int64_t per_sm = cdiv(ctas, cfg->gpu.sm_count);
    if (per_sm < occ) occ = per_sm;
    if (occ < 1) occ = 1;
    double wps = (double)(occ * m->consumer_warps) / (double)cfg->sm.subpartitions;
    double u = wps * cfg->cuda.warp_issue_fraction;
    return u < 1 ? u : 1;
}

double gemm_simt_issue(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    return simt_issue(cfg, op, m, sm_occupancy(cfg, &m->shape));
}

double gemm_reduce_s(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    /* cuBLAS's splitKreduce, queued behind the GEMM kernel. Behind a Hopper (TMA) kernel it starts as that
     * one ends, as with a programmatic dependent launch (h100_s13: the op's time less its kernels' durations
     * is the same ~3.4 us with or without it), and takes gemm.reduce_fixed_us beyond its loads; behind the
     * Ampere- and Turing-style kernels it pays the front end's set-up (host.kernel_setup_us: the fp32 files,
     * h100_s10/linear32.csv and h100_s11/fp32_narrow.csv, lose 1-2 points of MAPE without it). Each thread
     * sums its outputs' split_k partials (just written: L2 hits across the chip) with gemm.reduce_loads in
     * flight; a large C is bandwidth-bound (h100_s6/simt_small.csv: 1.5 us at 4 splits, 5.6 us at 128 for a
     * 64x64 C) */
    double clk = (double)cfg->gpu.clock_mhz * 1e6;
    double bytes = (double)op->m * (double)op->n * (4.0 * (double)m->split_k + (double)out_bytes(op->dtype));
    /* cuBLAS's sm80 xmma ffma kernels reduce in place with a second launch of the same kernel whose
     * threads add the partials one split after the other: one far L2 hit each, none overlapped
     * (h100_s11/fp32_narrow.csv: ~2.2 us + ~0.25 us a split, 7.7 us at 24 splits) */
    double inflight = m->serial_reduce ? 1.0 : (double)cfg->gemm.reduce_loads;
    double lat = ceil((double)m->split_k / inflight) * (double)cfg->l2.far_hit_cycles / clk;
    double fixed = m->fam && m->fam->tma ? cfg->gemm.reduce_fixed_us : cfg->host.kernel_setup_us;
    return fixed * 1e-6 + fmax(bytes / (config_peak_dram_gbps(cfg) * 1e9), lat);
}

/* A small helper kernel of the library's that moves `bytes`: its set-up, then the bytes at DRAM bandwidth. */
static double helper_kernel_s(const gpu_config *cfg, double bytes)
{
    return cfg->host.kernel_setup_us * 1e-6 + bytes / (config_peak_dram_gbps(cfg) * 1e9);
}

double gemm_prep_s(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    if (!m->fam || !m->fam->atomic_split) return 0;
    /* a workspace memset and the scal kernel that clears C, then the main kernel's own fixed time
     * (gemm.largek_fixed_us) */
    return helper_kernel_s(cfg, 0) + helper_kernel_s(cfg, (double)op->m * (double)op->n * 4.0) +
           cfg->gemm.largek_fixed_us * 1e-6;
}

double gemm_post_s(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    if (!m->fam || !m->fam->bias_kernel) return 0;
    /* cublasLt's epilogue kernel: reads C and the bias, writes C */
    return helper_kernel_s(cfg, 2.0 * (double)op->m * (double)op->n * (double)out_bytes(op->dtype));
}

static double estimate(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    int eb = dtype_bytes(op->dtype);
    double clk = (double)cfg->gpu.clock_mhz * 1e6;
    int64_t nsm = cfg->gpu.sm_count;
    int64_t occ = sm_occupancy(cfg, &m->shape);
    if (occ < 1) return INFINITY;
    double rate = (m->tensor ? tensor_core_rate(cfg, op->dtype) : cfg->cuda.fp32_flops_per_clk) *
                  gemm_mma_fraction(cfg, m) * simt_issue(cfg, op, m, occ);
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
    /* the LSU pipe: global loads, and a SIMT kernel's operand reads from shared memory */
    double lsu_kt = gemm_lsu_edge_share(cfg, op, m, rows, cols) * gemm_lsu_instrs_per_ktile(m, eb) /
                    cfg->sm.lsu_instr_per_clk / clk +
                    gemm_lds_bytes_per_ktile(m) / (double)cfg->sm.smem_bytes_per_clk / clk;
    double sync_kt = (double)gemm_ktile_sync_cycles(cfg, m) / clk;
    double kt = fmax(fmax(mma_kt, mem_kt), lsu_kt) + sync_kt;
    /* tensor-core kernels: the k-tiles loaded ahead must cover a load's latency (an L2 hit across
     * the chip) and transfer (the SIMT kernels' shallow k-tiles are hidden by their CTAs per SM) */
    if (m->tensor || m->stages < 2) { /* (one stage: each k-tile waits for its own loads) */
        double ahead = (double)(m->stages - 1 - gemm_mma_hold(cfg, m));
        double load = (double)cfg->l2.far_hit_cycles / clk + mem_kt;
        kt = ahead < 1 ? kt + load : fmax(kt, load / ahead + sync_kt);
    }
    double epi = (double)m->tm * (double)m->tn * out_bytes(op->dtype) / (m->tma ? (double)cfg->sm.smem_bytes_per_clk * clk : port);
    double fixed = ((double)cfg->l2.far_hit_cycles + (double)cfg->sm.cta_launch_cycles +
                    (double)cfg->sm.gemm_prologue_cycles) / clk + cfg->memory.latency_ns * 1e-9;
    int64_t jobs = cdiv(op->m, m->tm) * cdiv(op->n, m->tn) * m->split_k;
    double dram_bw = config_peak_dram_gbps(cfg) * 1e9;
    double t;
    if (m->stream_k) {
        double per_cta = (double)jobs * nkt / slots;                  /* k-tiles */
        double frags = per_cta / nkt + 1;                             /* tile pieces per CTA */
        /* partials out and in, and the round trip between the two CTAs: the one that finishes a tile
         * waits for its partner's partial to reach the L2 and then reads it (two far L2 latencies) */
        double fixup = 2.0 * (double)m->tm * (double)m->tn * 4 / port + 2.0 * (double)cfg->l2.far_hit_cycles / clk;
        double sk_kt = kt;
        double waves = (double)jobs / slots;
        double sk_jobs = (double)jobs - (waves >= 1 ? (floor(waves) - 1) * slots : 0);
        double foot = ((double)op->m * op->k + (double)op->k * op->n) * eb + (double)op->m * op->n * out_bytes(op->dtype) +
                      sk_jobs * (double)m->tm * (double)m->tn * 4;
        if (foot > 0.7 * cfg->l2.size_mib * 1048576.0) { /* the split part streams its operands from DRAM */
            double share = sk_jobs / (double)jobs;
            sk_kt = (1 - share) * kt + share * fmax(mma_kt, (a_rows + cols) * (double)m->tk * eb / (dram_bw / (double)nsm));
        }
        t = per_cta * sk_kt * (double)occ + frags * (epi + fixup) + fixed;
    } else {
        double waves = ceil((double)jobs / slots);
        /* CTAs that share an SM: `occ` when the grid fills the slots, fewer when it does not */
        double share = (double)cdiv(jobs, nsm);
        if (share > (double)occ) share = (double)occ;
        t = waves * (nkt * kt + epi) * share + fixed;
    }
    double dram = ((double)op->m * op->k + (double)op->k * op->n) * eb + (double)op->m * op->n * out_bytes(op->dtype);
    /* split-K: the GEMM kernel writes fp32 partials instead of C; the reduce kernel, which runs after it
     * (its time is not hidden under the GEMM kernel's DRAM floor), reads them and writes C */
    int reduce = m->split_k > 1 && !m->stream_k && !m->fam->atomic_split;
    if (reduce)
        dram += (double)m->split_k * (double)op->m * (double)op->n * 4.0 - (double)op->m * op->n * out_bytes(op->dtype);
    double dram_t = dram / dram_bw;
    /* every CTA's operand traffic crosses the L2 slices: their total bandwidth is a floor */
    double l2_bytes = (double)jobs * nkt * (a_rows + cols) * (double)m->tk * eb;
    /* at half the slices' peak: DRAM fills, far-partition copies and hashing imbalance share them */
    double l2_t = l2_bytes / (0.5 * (double)cfg->l2.slices * (double)cfg->l2.slice_bytes_per_clk * clk) + fixed;
    return fmax(fmax(t, dram_t), l2_t) + (reduce ? gemm_reduce_s(cfg, op, m) : 0) + gemm_prep_s(cfg, op, m) +
           gemm_post_s(cfg, op, m);
}

/* The K split cuBLAS gives its sm80 xmma ffma kernels (m's tile, warps and k-tile filled in): K is cut
 * until the grid holds about two warps per SM sub-partition (presumably so that each FFMA pipe has a
 * second warp to issue while one waits on its shared-memory operands), keeping more than 8 k-tiles per
 * split; 1 where C's tiles alone fill that. Applied where C is at most 64 wide (the data's range). h100_s11/fp32_narrow.csv: the rule gives the measured grid z of 69 of 95
 * kernels (128x32 on 11..122 tiles: 24, 20, 17, 18, 14, 29, 8, 9, ..., 2; 32x32 at K 273..621:
 * 4..9, set by the k-tiles), most others within a factor of 2 (nn 64x32 at times half the split). */
static int64_t simt_library_split(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    int64_t tiles = cdiv(op->m, m->tm) * cdiv(op->n, m->tn);
    int64_t warps = 2 * cfg->gpu.sm_count * cfg->sm.subpartitions;
    int64_t s = warps / (tiles * m->warps);
    int64_t kmax = (cdiv(op->k, m->tk) - 1) / 8;
    if (s > kmax) s = kmax;
    return s < 1 ? 1 : s;
}

/* cuBLAS's nvjet kernels (its Hopper family for fp16, bf16 and fp8) split K (a splitK kernel and a separate
 * splitKreduce) only where the tile's grid covers at most NVJET_SPLIT_WAVE of the SMs and the K loop is at
 * least NVJET_SPLIT_KT k-tiles: K is cut until the CTAs fill the SMs once, at least 16 k-tiles a split; and
 * are not stream-K (no workspace memset before them below ~2.6 waves of tiles; above, where a memset
 * comes, gpusim's stream-K made gemm_more.csv's nvjet rows worse, check half 7.6 -> 10.1%, and its
 * data-parallel persistent kernels are kept). Each tile is ranked with its split. With cuBLAS's own tile
 * the rule says whether cuBLAS split on 348 of the 360 nvjet shapes of h100_s13 (nvjet_grids.csv,
 * random_grids.csv) and h100_s2/decode.csv (43 split); the 12 others split at up to half a wave with 128+
 * k-tiles (5504x64x9088, 400x2288x12240, decode's M <= 64 x 4096 x 11008), which the rule leaves out:
 * with it, gpusim's larger tiles split 512x4096x16384 (workloads/ffn_4k.trace: +7%, mlp.csv's check half
 * 7.9 -> 8.6%). Its factor is within one of the grid's CTAs per tile on 22 of h100_s13's 29 split shapes
 * (above on the rest) */
#define NVJET_SPLIT_WAVE 0.36
#define NVJET_SPLIT_KT 43
static int64_t nvjet_split(const gpu_config *cfg, const gemm_params *op, const gemm_map *m)
{
    int64_t tiles = cdiv(op->m, m->tm) * cdiv(op->n, m->tn), kt = cdiv(op->k, m->tk);
    if ((double)tiles > NVJET_SPLIT_WAVE * (double)cfg->gpu.sm_count || kt < NVJET_SPLIT_KT) return 1;
    int64_t z = cfg->gpu.sm_count / tiles;
    if (z > kt / 16) z = kt / 16;
    return z < 2 ? 2 : z;
}

/* Whether family f can run op on cfg at all (the machine's view, for gemm.select = best). */
static int family_runs(const gpu_config *cfg, const gemm_family *f, const gemm_params *op, int align)
{
    int eb = dtype_bytes(op->dtype);
    if (f->gemv) return (op->dtype == DT_FP32 || op->dtype == DT_TF32) && (op->m == 1 || op->n == 1);
    if (f->bias_kernel && !op->bias) return 0;
    if (f->tensor != (op->dtype != DT_FP32)) return 0;
    if (f->tensor && tensor_core_rate(cfg, op->dtype) <= 0) return 0;
    if (f->tma && !cfg->sm.tma) return 0;
    if (align < f->min_vec_bytes || eb > f->max_vec_bytes) return 0;
    if (f->gemv && op->m != 1 && op->n != 1) return 0;
    if (f->max_m && op->m > f->max_m) return 0;
    if (op->dtype == DT_FP8 && !f->tma) return 0; /* fp8 MMA is wgmma-only */
    return 1;
}

/* Whether a GEMM library ships family f for this dtype and alignment (cuBLAS on sm_90 / sm_80). */
static int family_shipped(const gpu_config *cfg, int fid, const gemm_params *op, int align)
{
    /* cuBLAS(Lt) runs an fp32 GEMM with a bias of fewer than 2^21 multiply-adds on its legacy path (scal,
     * sgemm_largek_lds64, a bias kernel: h100_s10/linear32.csv, every such shape of 64..1000 x 10..128 x
     * 128..784, and none above); larger ones too at times (1000x64x784, 4096x10x4096), not modelled */
    if (op->dtype == DT_FP32 && op->bias && op->m > 1 && op->n > 1 && (double)op->m * (double)op->n * (double)op->k < 2097152.0)
        return fid == GF_LARGEK;
    if ((op->m == 1 || op->n == 1) && (op->dtype == DT_FP32 || op->dtype == DT_TF32))
        return fid == GF_GEMV; /* fp32 data with a vector operand: the GEMV kernel, tf32 or not */
    if (op->dtype == DT_TF32 && cfg->sm.tma && align >= 16) { /* cuBLAS's tf32 heuristic: sm90 kernels for large, */
        double mnk = (double)op->m * (double)op->n * (double)op->k;  /* not skinny, not shallow shapes, else sm80 */
        int64_t lo = op->m < op->n ? op->m : op->n, hi = op->m < op->n ? op->n : op->m;
        int wgmma = (lo > 128 && op->k > 64 && mnk > 1.5e8) || (hi >= 8192 && mnk > 1e9);
        return fid == (wgmma ? GF_HOPPER_WGMMA : GF_AMPERE_MMA);
    }
    /* cuBLAS runs gemmSN for fp32 with a few rows of A against a wide B that is not too deep (h100_s2/
     * fp32_skinny.csv: M 4 and 16, N 4096 and 16384, K up to 4096; deeper or narrower shapes run split-K
     * sgemm kernels) */
    int sn = op->dtype == DT_FP32 && op->m >= 2 && op->m <= 16 && op->n >= 4096 && op->k <= 4096;
    switch (fid) {
    case GF_HOPPER_WGMMA: return align >= 16;
    case GF_AMPERE_MMA: return !cfg->sm.tma || align < 16; /* on Hopper only where wgmma cannot run */
    case GF_TURING_MMA: return align < 4;
    case GF_SIMT: return op->m != 1 && op->n != 1 && !sn;
    case GF_GEMV: return 1;
    case GF_GEMM_SN: return sn;
    default: return 0; /* GF_LARGEK only by the bias rule above */
    }
}

/* Fills the warp layout, stage count and CTA shape of candidate m; 0 when it does not fit. */
static int complete(const gpu_config *cfg, const gemm_params *op, gemm_map *m)
{
    int eb = dtype_bytes(op->dtype);
    const gemm_family *f = m->fam;
    m->tk = f->k_bytes / eb;
    if (fid_of(f) == GF_TURING_MMA && m->tm == 32 && m->tn == 32) m->tk = 128 / eb; /* the wmma kernel's k-tile */
    if (m->tk < 1) m->tk = 1;
    m->group_m = f->group_m;
    m->cluster = 1;
    if (f->tma) {
        /* two consumer warpgroups ("coop") above 128x160 outputs, else one */
        m->consumer_warps = m->tm * m->tn > 128 * 160 ? 8 : 4;
        m->warps = m->consumer_warps + 4;
        m->persistent = 1;
        m->tma = 1;
        /* pairs of CTAs along n multicast their A block (nvjet kernels name their cluster, e.g. _2x1_);
         * cuBLAS runs tf32 on sm90_xmma kernels that name none: no multicast (gemm_more.csv) */
        m->cluster = cdiv(op->n, m->tn) >= 2 && op->dtype != DT_TF32 ? 2 : 1;
    } else {
        /* cuBLAS's SIMT kernels give a warp 32x16 to 32x32 outputs in their smallest tiles: 32x32 and
         * 64x32 run 2 warps (sm80 xmma ffma ..._warpsize1x2x1; gemm_kernels.csv, gemm_more.csv) */
        m->warps = f->warps ? f->warps : m->tm * m->tn >= 128 * 128 ? 8 : !f->tensor && m->tm * m->tn <= 64 * 32 ? 2 : 4;
        /* cuBLAS's s1688 128x128 kernel runs 4 warps of 64x64 at every K ([128, 1, 1] blocks, 252 registers:
         * two CTAs an SM; every 128x128 kernel of h100_s12/gemm_more_grids.csv), its 256x128 8 (229
         * registers, one CTA) */
        if (fid_of(f) == GF_TURING_MMA && m->tm == 128 && m->tn == 128) m->warps = 4;
        m->consumer_warps = m->warps;
    }
    m->wm = m->tm >= m->tn && m->consumer_warps >= 8 ? 4 : 2; /* more warps along the longer side */
    if (m->wm > m->consumer_warps) m->wm = m->consumer_warps;
    m->wn = m->consumer_warps / m->wm;
    int64_t stage_bytes = (m->tm * m->tk + m->tk * m->tn) * eb;
    int64_t budget = cfg->sm.smem_per_cta_kib * 1024 - (f->tma ? 16384 : 0);
    m->stages = budget / stage_bytes;
    if (m->stages > f->max_stages) m->stages = f->max_stages;
    if (m->stages < (f->max_stages < 2 ? 1 : 2)) return 0;
    int64_t acc = m->tm * m->tn / ((f->tma ? m->consumer_warps : m->warps) * 32); /* accumulators per thread */
    int64_t regs = f->tma ? acc + 8 : acc + 40;
    if (f->tma && regs < 168) regs = 168;
    /* cuBLAS's SIMT (sm80 xmma ffma) kernels hold ~3 registers per accumulator (A and B fragments,
     * double-buffered, and addressing): 72-80 at 16 accumulators a thread, 118-121 at 32, 220-224 at 64,
     * 254-255 (the cap) at 128 (the profiler's registers per thread, analysis/hw/h100_s5/occ.csv) */
    if (!f->tensor && !f->gemv) regs = 3 * acc + 24 > 255 ? 255 : 3 * acc + 24;
    if (regs > 255) return 0;
    fill_shape(op, m, regs);
    return sm_occupancy(cfg, &m->shape) >= 1;
}

/* cuBLAS's choice of its sm75 wmma kernel (cutlass_75_wmma_tensorop_f16_s161616gemm_f16_32x32_*): fp16 only
 * (Turing has no bf16 MMA: bf16 with 11..24 rows runs s1688 64x64), and only for a C of at most
 * TURING_WMMA_MAX_M rows or TURING_WMMA_MAX_N columns, where it is the only tile that runs; elsewhere the
 * s1688 tiles, chosen by the estimate. Every fp16 row of gemm_more.csv and h100_s10/mis_skinny.csv: M 8..16
 * and N 15..35 run wmma 32x32 (21 rows), M 23, 24, 24, 32 and N 37..95 run s1688 64x64 or 128x128. */
#define TURING_WMMA_MAX_M 21
#define TURING_WMMA_MAX_N 35
static int turing_tile_fits(const gemm_params *op, int64_t tm, int64_t tn)
{
    int wmma = op->dtype == DT_FP16 && (op->m <= TURING_WMMA_MAX_M || op->n <= TURING_WMMA_MAX_N);
    return wmma == (tm == 32 && tn == 32);
}

/* cuBLAS's tile and split for its sm75 s1688 align1 kernels (cutlass_75_tensorop_*_s1688gemm_*_{64x64,128x128,
 * 256x128,128x64}_nn_align1) at short K (turing_short_k), from the grids of h100_s12/gemm_more_grids.csv and
 * h100_s10/mis_skinny.csv (71 shapes). The names are column-major: grid x counts tiles of C's rows (times
 * the CTA swizzle, 1..8), so a 256x128 kernel is gpusim's 128x256. Tile: 64x64 where C's short side is at
 * most 128 (109x9850x199, 35x14253x340, 8842x57x401), else 128x128 (1888x6924x113, 9088x7232x37,
 * 6706x12792x43, 13556x2071x17, 561x6112x263, 12608x15360x43, 5952x7040x23; 6272x896x25 runs 64x64).
 * Split: cuBLAS splits K until tiles times splits fill one round of resident CTAs, two an SM at 128x128
 * (252 registers, 128 threads; 458x317x2981 z 22, 357x1319x7083 z 8, 23x5510x15907 z 6, 118x1043x4113
 * z 29, 241x894x4121 z 18, 10577x57x9224 z 3, 96x1227x11551 z 26) and four at 64x64 (96 registers;
 * 32x3636x2231 z 9, 2560x27x7424 z 13, 4194x45x9788 z 8, 3562x37x7765 z 9, 12x2083x9235 z 16,
 * 8340x63x10550 z 4, 24x583x10927 z 51), at most 2 k-tiles a split; 0 where the tiles fill that round
 * alone (the estimate then chooses). Most of those splits are at long K, where the rule is not applied; at
 * K < 512 cuBLAS splits none of gemm_more.csv's 11 shapes while this splits 35x14253x340 2 ways and
 * 8842x57x401 3 ways (measured 23.0 and 22.5 us; gpusim unsplit 16.4 and 19.6, split 22.6 and 22.5:
 * what slows cuBLAS's unsplit kernel there is not modelled). */
static void turing_s1688_choice(const gpu_config *cfg, const gemm_params *op, int64_t tk, int64_t *tm, int64_t *tn,
                                int64_t *split)
{
    int64_t lo = op->m < op->n ? op->m : op->n;
    *tm = *tn = lo <= 128 ? 64 : 128;
    int64_t tiles = cdiv(op->m, *tm) * cdiv(op->n, *tn);
    int64_t z = (*tm == 64 ? 4 : 2) * cfg->gpu.sm_count / tiles, kmax = cdiv(op->k, tk) / 2;
    if (z > kmax) z = kmax;
    *split = z >= 2 ? z : 0;
}

/* Keeps the best `max` candidates (by estimate) in out[], sorted. */
static void consider(gemm_map *out, double *score, int *n, int max, const gemm_map *m, double t)
{
    int i;
    if (*n < max) i = (*n)++;
    else if (t >= score[max - 1]) return;
    else i = max - 1;
    while (i > 0 && score[i - 1] > t) { out[i] = out[i - 1]; score[i] = score[i - 1]; i--; }
    out[i] = *m;
    score[i] = t;
}

int gemm_map_candidates(const gpu_config *cfg, const gemm_params *op, int all_families, gemm_map *out, int max)
{
    static const int64_t splits[] = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128 };
    double score[16];
    int n = 0, align = gemm_align_bytes(op);
    if (max > 16) max = 16;
    for (int fid = 0; fid < GF_COUNT; fid++) {
        const gemm_family *f = &gemm_families[fid];
        if (!family_runs(cfg, f, op, align)) continue;
        if (!all_families && !family_shipped(cfg, fid, op, align)) continue;
        int vec = align < f->max_vec_bytes ? align : f->max_vec_bytes;
        /* cuBLAS ships its sm80/sm75 kernels with 16-, 4- and 2-byte vectors, no 8-byte variant: rows
         * 8-byte aligned run the 4-byte kernel (fp16 K=36 runs ..._align2; gemm_more.csv, h100_s4/writes.csv) */
        if (!all_families && vec == 8) vec = 4;
        const int64_t (*tiles)[2] = f->tiles;
        int ntiles = f->ntiles;
        if (!all_families && f->tma && op->dtype == DT_TF32) { tiles = wgmma_tf32_tiles; ntiles = NT(wgmma_tf32_tiles); }
        if (all_families && fid == GF_TURING_MMA) { tiles = mma_tiles; ntiles = NT(mma_tiles); }
        /* cuBLAS's tile and split of an s1688 kernel at short K (turing_s1688_choice), once per family */
        int s1688 = !all_families && fid == GF_TURING_MMA && turing_short_k(op);
        /* cuBLAS's nvjet kernels: each tile with its split rule (nvjet_split), no stream-K; tf32 runs sm90_xmma */
        int nvjet = !all_families && f->tma && op->dtype != DT_TF32;
        int64_t s1688_tm = 0, s1688_tn = 0, s1688_split = 0;
        if (s1688) turing_s1688_choice(cfg, op, f->k_bytes / dtype_bytes(op->dtype), &s1688_tm, &s1688_tn, &s1688_split);
        for (int i = 0; i < ntiles; i++) {
            for (size_t s = 0; s < sizeof splits / sizeof splits[0]; s++) {
                gemm_map m = { 0 };
                m.fam = f;
                m.tensor = f->tensor;
                m.vec_bytes = vec;
                m.tm = tiles[i][0];
                m.tn = tiles[i][1];
                if (!all_families && fid == GF_TURING_MMA && !turing_tile_fits(op, m.tm, m.tn)) continue;
                m.split_k = splits[s];
                int64_t rule_split = 0; /* cuBLAS's split of an s1688 kernel */
                if (s1688 && !(m.tm == 32 && m.tn == 32)) {
                    if (m.tm != s1688_tm || m.tn != s1688_tn || (s1688_split && s)) continue;
                    rule_split = s1688_split;
                    if (rule_split) m.split_k = rule_split;
                }
                /* sgemm_largek splits K into up to 5 parts of at least 32 (h100_s10/linear32.csv: K 128 in 4,
                 * 784 in 5) */
                if (f->atomic_split) {
                    if (s) continue;
                    m.split_k = op->k / 32 > 5 ? 5 : op->k / 32 < 1 ? 1 : op->k / 32;
                }
                if (nvjet && s) continue;
                if (f->tma && m.split_k > 2) continue;  /* Hopper kernels split by stream-K */
                if (!f->split && m.split_k > 1) continue;
                /* cuBLAS splits K of an fp32 GEMM with few tiles (16 or fewer) with cutlass_80_simt_sgemm_..._align1
                 * kernels and a separate reduce: one 4-byte element per load; with more tiles, in place with
                 * the 16-byte sm80 xmma kernels (h100_s2/fp32_skinny.csv: [1, 1, 128], [8, 1, 64], [2, 1, 64]
                 * grids vs [1, 32, 33], [1, 64, 4]; the seed's profile: [2, 1, 7]) */
                /* (the rule is measured on C at most 64 wide, where the K loop is most of the work; wider C
                 * keeps the estimate's split) */
                int few = cdiv(op->m, m.tm) * cdiv(op->n, m.tn) <= 16;
                int xmma = !all_families && fid == GF_SIMT && !few && (op->m <= 64 || op->n <= 64);
                if (xmma && s) continue; /* its split follows from the tile (simt_library_split) */
                if (!all_families && fid == GF_SIMT && m.split_k > 1) {
                    /* with a bias the sm80 kernels do not split K over two kernels: only the cutlass kernels'
                     * splitKreduce adds one, where C has 16 64x64 tiles or fewer (h100_s10/linear32.csv:
                     * 64x128x784 and 1000x32x784 split 7 ways on 64x64; 1000x128x784, 256x512x784 and
                     * 4096x128x784 run sm80 tiles unsplit) */
                    if (op->bias && cdiv(op->m, 64) * cdiv(op->n, 64) > 16) continue;
                    if (few && !tile_in(cutlass_simt_tiles, NT(cutlass_simt_tiles), m.tm, m.tn)) continue;
                    if (few && m.vec_bytes > 4) m.vec_bytes = 4;
                }
                /* the sm80 xmma ffma kernels are all ..._aligna4_alignc4: 4-byte loads whatever the rows'
                 * alignment (every H100 file's kernel names). Not where C has at most 64 rows and more
                 * columns: there cuBLAS's 32x128..64x256 kernels (h100_s2/fp32_skinny.csv, M 16 and 64)
                 * run as fast as 16-byte loads would (+20-60% at 4 bytes), and split K through a memset
                 * (grid z 8-33) that is not modelled */
                if (!all_families && fid == GF_SIMT && !(op->m <= 64 && op->n > 64) && m.vec_bytes > 4) m.vec_bytes = 4;
                m.stream_k = f->tma && m.split_k == 2 && !nvjet;
                if (m.stream_k) m.split_k = 1;
                if (!complete(cfg, op, &m)) continue;
                if (xmma && !op->bias) m.split_k = simt_library_split(cfg, op, &m);
                m.serial_reduce = !all_families && fid == GF_SIMT && !few && m.split_k > 1;
                if (m.split_k > 1 && !f->atomic_split && !rule_split && cdiv(op->k, m.tk) / m.split_k < 4) continue;
                if (nvjet) m.split_k = nvjet_split(cfg, op, &m);
                double t = estimate(cfg, op, &m);
                consider(out, score, &n, max, &m, t * (1.0 + 0.02 * (double)(i + s) / 64.0));
            }
        }
    }
    return n;
}

int gemm_map_choose(const gpu_config *cfg, const gemm_params *op, gemm_map *m, char *err, size_t errlen)
{
    int tensor = op->dtype != DT_FP32;
    if (tensor && tensor_core_rate(cfg, op->dtype) <= 0) {
        snprintf(err, errlen, "gemm: dtype=%s: this GPU has no %s tensor cores (tensor.%s_flops_per_clk = 0)",
                 dtype_name(op->dtype), dtype_name(op->dtype), dtype_name(op->dtype));
        return GPUSIM_EINPUT;
    }
    if (!op->tile_m) {
        *m = (gemm_map){ 0 };
        int all = cfg->gemm.select == GEMM_SELECT_BEST;
        if (gemm_map_candidates(cfg, op, all, m, 1) < 1 && gemm_map_candidates(cfg, op, 1, m, 1) < 1) {
            snprintf(err, errlen, "gemm: no kernel family can run this GEMM here (dtype %s, rows aligned to %d bytes): "
                     "no tile fits one SM's limits (sm.max_threads = %lld, sm.registers = %lld, sm.smem_per_cta_kib = %lld)",
                     dtype_name(op->dtype), gemm_align_bytes(op), (long long)cfg->sm.max_threads,
                     (long long)cfg->sm.registers, (long long)cfg->sm.smem_per_cta_kib);
            return GPUSIM_EINPUT;
        }
    } else {
        *m = (gemm_map){ 0 };
        /* Triton: pipelined 16-byte loads (one instruction per vector), wgmma where the SM has it, else
         * mma.sync; non-persistent, every warp computes */
        m->fam = &gemm_families[!tensor ? GF_SIMT : cfg->sm.tma ? GF_HOPPER_WGMMA : GF_AMPERE_MMA];
        m->vec_bytes = gemm_align_bytes(op);
        m->tensor = tensor;
        m->tm = op->tile_m; m->tn = op->tile_n; m->tk = op->tile_k;
        m->stages = op->stages ? op->stages : 3;
        m->warps = op->warps ? op->warps : 4;
        m->consumer_warps = m->warps;
        m->wm = m->warps >= 8 ? 4 : 2;
        if (m->wm > m->warps) m->wm = m->warps;
        m->wn = m->warps / m->wm;
        m->group_m = op->group_m ? op->group_m : 1;
        m->split_k = 1;
        m->cluster = 1;
        /* Triton: fp32 accumulators in registers plus operand fragments and addressing */
        fill_shape(op, m, m->tm * m->tn / (m->warps * 32) + 64);
    }
    if (op->split_k) { m->split_k = op->split_k; m->stream_k = 0; }
    if (op->group_m) m->group_m = op->group_m;
    if (sm_occupancy(cfg, &m->shape) < 1) {
        char why[300];
        snprintf(err, errlen, "gemm: tile %lldx%lldx%lld with %lld stages and %lld warps does not fit one SM (%s)",
                 (long long)m->tm, (long long)m->tn, (long long)m->tk, (long long)m->stages, (long long)m->warps,
                 sm_misfit(cfg, &m->shape, why, sizeof why));
        return GPUSIM_EINPUT;
    }
    return 0;
}

void gemm_map_describe(const gemm_map *m, char *buf, size_t len)
{
    snprintf(buf, len, "%s %lldx%lldx%lld s%lld w%lld g%lld k%lld v%d%s%s%s%s", m->fam ? m->fam->name : "?",
             (long long)m->tm, (long long)m->tn, (long long)m->tk, (long long)m->stages, (long long)m->warps,
             (long long)m->group_m, (long long)m->split_k, m->vec_bytes, m->persistent ? " persistent" : "",
             m->stream_k ? " streamk" : "", m->cluster > 1 ? " cluster2" : "", m->split_k > 1 && !m->stream_k ? " splitk" : "");
}
