/* op_gemm.h: the `gemm` op kind: C[m,n] = A[m,k] x B[k,n] (kernels/gemm.c runs it). */
#ifndef GPUSIM_OP_GEMM_H
#define GPUSIM_OP_GEMM_H

#include "ops/optable.h"

typedef struct gemm_params {
    int64_t m, n, k;                 /* C is m x n; k is the reduction */
    dtype_id dtype;                  /* of A and B; C is fp32 for fp32/tf32, else 16-bit */
    int32_t tile_m, tile_n, tile_k;  /* 0: chosen by the default mapping */
    int32_t stages, warps, group_m, split_k; /* 0: default */
    uint8_t trans_a, trans_b;        /* layout: 1 = the operand is stored transposed (A as [k,m], B as [n,k]) */
    uint8_t host_a, host_b;          /* src=: 1 = the operand is in mapped pinned host memory (zero-copy) */
    int dst;                         /* OP_MEM_DEVICE, or OP_MEM_HOST: C is written to host memory (zero-copy) */
    int bias;                        /* 1: C gets a bias vector (addmm, nn.Linear with a bias) */
} gemm_params;

extern const op_type op_gemm;

#endif
