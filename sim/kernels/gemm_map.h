/*
 * gemm_map.h: how a GEMM is cut into CTAs.
 *
 * An explicit mapping comes from the trace (tile, stages, warps, group_m, as a
 * Triton kernel takes them: non-persistent, every warp computes). Without one,
 * gemm_map_choose acts as a Hopper/Ampere GEMM library: tensor-core k-tiles of
 * 128 bytes, the tile shape, split-K and stage count that minimise an estimate
 * of waves x per-tile time on this machine, persistent CTAs (one per SM slot),
 * warp specialisation (a producer warpgroup feeding two consumer warpgroups),
 * clusters of 2 CTAs sharing (multicasting) one operand.
 */
#ifndef GPUSIM_GEMM_MAP_H
#define GPUSIM_GEMM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "arch/sm.h"
#include "config/config.h"
#include "trace/trace.h"

typedef struct gemm_map {
    int64_t tm, tn, tk;        /* CTA tile */
    int64_t stages;            /* k-tiles buffered in shared memory */
    int64_t warps;             /* per CTA */
    int64_t consumer_warps;    /* warps that issue MMAs */
    int64_t group_m;           /* CTA swizzle */
    int64_t split_k;
    int persistent;            /* grid = SM slots, CTAs loop over tiles */
    int stream_k;              /* the last waves' k-iterations are split evenly over the CTAs */
    int cluster;               /* CTAs per cluster sharing the A operand */
    int tensor;                /* 1: tensor cores, 0: CUDA cores */
    int tma;                   /* TMA loads and asynchronous TMA-store epilogue */
    cta_shape shape;
} gemm_map;

/* Fills m for op on cfg; returns 0 or -2 with err for a mapping that cannot run. */
int gemm_map_choose(const gpu_config *cfg, const trace_op *op, gemm_map *m, char *err, size_t errlen);
void gemm_map_describe(const gemm_map *m, char *buf, size_t len);

#endif
