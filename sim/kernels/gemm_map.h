/*
 * gemm_map.h: how a GEMM is cut into CTAs, and which kernel family runs it.
 *
 * A kernel family is one way a GEMM library builds a kernel, with its own
 * instruction path, rates and limits. The families are rows of one table
 * (gemm_families[], gemm_map.c), each documented there:
 *   hopper_wgmma  TMA bulk loads + wgmma, warp-specialised persistent CTAs,
 *                 stream-K; needs sm.tma and 16-byte-aligned operand rows
 *   ampere_mma    cp.async (4-16 byte vectors) + ldmatrix + mma.sync; split-K
 *                 with a separate reduce kernel
 *   turing_mma    2-byte loads + shared-memory stores + mma.sync (rows that
 *                 are not even 4-byte aligned); split-K
 *   simt          FP32 FFMA on the CUDA cores; split-K
 *   gemv          a GEMV-like SIMT kernel when M or N is 1: streams the matrix
 *   gemm_sn       cuBLAS's small-M SIMT kernel (gemmSN): 4 rows x 64 columns of C
 *                 per 256-thread CTA, the whole K, no split
 * An explicit mapping comes from the trace (tile, stages, warps, group_m, as a
 * Triton kernel takes them: non-persistent, every warp computes).
 * Selection (gemm.select): `library` restricts the candidates to the families
 * a GEMM library ships for the dtype and operand alignment (cuBLAS on the
 * H100: 16-byte rows -> hopper_wgmma, or ampere_mma for tf32; 4-byte ->
 * ampere_mma; 2-byte -> turing_mma; fp32 -> simt, gemv when M or N is 1,
 * gemm_sn when 2 <= M <= 16 with N >= 4096 and K <= 4096) and
 * takes the tile, split and stage count that minimise an estimate of waves x
 * per-tile time; `best` admits every family the machine can run (say
 * wgmma for tf32 or fp8-free mma.sync tiles a library lacks) and takes the
 * candidate with the best estimate: the answer for a design point no library
 * has been tuned for. (Candidates are ranked by the estimate, not simulated.)
 */
#ifndef GPUSIM_GEMM_MAP_H
#define GPUSIM_GEMM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "arch/sm.h"
#include "config/config.h"
#include "ops/op_gemm.h"

typedef struct gemm_family {
    const char *name;
    int tensor;              /* 1: tensor cores; 0: CUDA cores */
    int tma;                 /* TMA loads, wgmma, warp specialisation, persistent stream-K */
    int min_vec_bytes;       /* smallest operand vector it loads (rows must be aligned to it) */
    int max_vec_bytes;       /* widest vector it loads */
    int gemv;                /* 1: only when M or N is 1 */
    int64_t max_m;           /* largest M it runs (0: any) */
    int smem_operands;       /* 1: every k step re-reads A and B fragments from shared memory (SIMT FFMA) */
    int warps;               /* warps per CTA when the family fixes them (0: from the tile) */
    int split;               /* 1: may split K over CTAs (a reduce kernel, or stream-K on TMA kernels) */
    int group_m;             /* CTA swizzle: tiles of group_m rows run together */
    const int64_t (*tiles)[2]; /* CTA tiles (m x n) it ships */
    int ntiles;
    int64_t k_bytes;         /* k-tile depth in bytes of one operand row */
    int max_stages;
    int atomic_split;        /* 1: the K splits add into C (cleared by a scal kernel first): no reduce kernel */
    int bias_kernel;         /* 1: a bias runs as its own kernel after it */
    const char *doc;
} gemm_family;

enum { GF_HOPPER_WGMMA, GF_AMPERE_MMA, GF_TURING_MMA, GF_SIMT, GF_GEMV, GF_GEMM_SN, GF_LARGEK, GF_COUNT };
extern const gemm_family gemm_families[GF_COUNT];

typedef struct gemm_map {
    const gemm_family *fam;
    int vec_bytes;           /* operand vector width used */
    int64_t tm, tn, tk;      /* CTA tile */
    int64_t stages;          /* k-tiles buffered in shared memory */
    int64_t warps;           /* per CTA */
    int64_t consumer_warps;  /* warps that issue MMAs */
    int64_t wm, wn;          /* consumer warps along m and n */
    int64_t group_m;         /* CTA swizzle */
    int64_t split_k;         /* k slices; > 1 without stream-K adds a reduce kernel */
    int serial_reduce;       /* 1: that reduce adds the partials one split at a time (cuBLAS's sm80 xmma
                              * ffma split-K kernel), 0: gemm.reduce_loads partials in flight (splitKreduce) */
    int persistent;          /* grid = SM slots, CTAs loop over tiles */
    int stream_k;            /* the last waves' k-iterations are split evenly over the CTAs */
    int cluster;             /* CTAs per cluster sharing the A operand */
    int tensor;              /* 1: tensor cores, 0: CUDA cores */
    int tma;                 /* TMA loads and asynchronous TMA-store epilogue */
    cta_shape shape;
} gemm_map;

/* Operand row alignment in bytes (1..16) of op's A, B and C as laid out. */
int gemm_align_bytes(const gemm_params *op);
/* Fills m for op on cfg by estimate; returns 0 or GPUSIM_EINPUT with err for a mapping that cannot run. */
int gemm_map_choose(const gpu_config *cfg, const gemm_params *op, gemm_map *m, char *err, size_t errlen);
/* The best `max` default candidates by estimate (any family the machine runs when all_families),
 * fastest first; returns how many. */
int gemm_map_candidates(const gpu_config *cfg, const gemm_params *op, int all_families, gemm_map *out, int max);
/* Per k-tile synchronisation cost of m's family (wgmma consumers or a CTA barrier), SM cycles. */
int64_t gemm_ktile_sync_cycles(const gpu_config *cfg, const gemm_map *m);
/* Share of the datasheet MMA (or FFMA) rate m's family sustains on cfg. */
/* 1 when the family's MMAs are asynchronous (wgmma) and hold one more stage than the loads ahead */
int gemm_mma_hold(const gpu_config *cfg, const gemm_map *m);
double gemm_mma_fraction(const gpu_config *cfg, const gemm_map *m);
/* A CUDA-core mapping's (simt, gemv, gemm_sn) share of its sub-partitions' FMA pipes that its warps
 * keep busy: warps a sub-partition x cuda.warp_issue_fraction, at most 1 (1 for tensor-core mappings). */
double gemm_simt_issue(const gpu_config *cfg, const gemm_params *op, const gemm_map *m);
/* Load/store-unit instructions per k-tile of one CTA (0 for TMA kernels). */
double gemm_lsu_instrs_per_ktile(const gemm_map *m, int eb);
/* Share of a k-tile's load/store-unit time (gemm_lsu_instrs_per_ktile) a CTA whose tile holds rows_a
 * rows of A and cols_b columns of B inside C spends: 1 but for the sm75 wmma kernel's 2-byte loads, whose
 * lanes past C's edge are predicated off (sm.lsu_off_warp_fraction). */
double gemm_lsu_edge_share(const gpu_config *cfg, const gemm_params *op, const gemm_map *m, double rows_a, double cols_b);
/* Shared-memory bytes one CTA of a SIMT kernel reads per k-tile into its FMAs' operands (0 otherwise). */
double gemm_lds_bytes_per_ktile(const gemm_map *m);
/* LSU warp instructions per output element of a non-TMA epilogue (0 for TMA stores); eb: operand bytes */
double gemm_lsu_store_instrs_per_elem(const gemm_map *m, int eb);
/* Seconds the split-K reduce kernel of m adds after the GEMM (0 is never returned: m must split K). */
double gemm_reduce_s(const gpu_config *cfg, const gemm_params *op, const gemm_map *m);
/* Seconds of kernels before m's main kernel (an atomic-split family's memset and scal, and its fixed
 * cost), and of its bias kernel after it; 0 for the other families. */
double gemm_prep_s(const gpu_config *cfg, const gemm_params *op, const gemm_map *m);
double gemm_post_s(const gpu_config *cfg, const gemm_params *op, const gemm_map *m);
void gemm_map_describe(const gemm_map *m, char *buf, size_t len);

#endif
