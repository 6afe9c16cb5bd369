/* op_reduce.h: the `reduce` op kind: y = sum(x) over all elements (a full reduction, torch.sum). */
#ifndef GPUSIM_OP_REDUCE_H
#define GPUSIM_OP_REDUCE_H

#include "ops/optable.h"

typedef struct reduce_params {
    int64_t elems;           /* elements of x, all reduced to one value */
    dtype_id dtype;          /* of x and y; the accumulation is fp32 */
} reduce_params;

/* PyTorch's reduce_kernel (aten/src/ATen/native/cuda/Reduce.cuh, setReduceConfig) for a
 * contiguous input reduced to one output: 512-thread CTAs (REDUCE_THREADS), each thread
 * loading REDUCE_VEC elements at a time; when a thread would have at least
 * REDUCE_GLOBAL_MIN_VALUES values, the input is split over CTAs so that each thread keeps at
 * least REDUCE_MIN_VALUES (at most 4 CTAs of 512 threads per SM: one wave), and the CTAs'
 * partials meet in global memory (a staging write, a fence, an atomic on a semaphore; the
 * last CTA to arrive reduces the partials). Numbers from that file's constants. */
#define REDUCE_THREADS 512
#define REDUCE_VEC 4
#define REDUCE_MIN_VALUES 16
#define REDUCE_GLOBAL_MIN_VALUES 256
#define REDUCE_CTAS_PER_SM 4
/* Warp instructions beyond the adds (those are FLOPs: power.fma_pj) that each warp issues
 * (power.inst_pj), measured with Nsight Compute on the H100 (analysis/hw/h100_s7:
 * reduce_instrs_ncu.csv, smsp__inst_executed of torch.sum): 312 a warp at 16 fp16 values a
 * thread (1 Mi and 4 Mi elements), 979 at 248 values (64 Mi), 297 for fp32 at 16: a fixed
 * 266 a warp (the thread's setup and index arithmetic, the block reduction's halving steps
 * and shuffles, the staging store, fence and semaphore) and 2.87 a value for fp16 (1.87 for
 * fp32) with its add. REDUCE_INST_FIXED is that fixed part; per vector of REDUCE_VEC values
 * REDUCE_INST_LOOP (the load, index and loop test: 0.87 a value) and, for fp16/bf16, a
 * convert to fp32 per value; the last CTA's second pass over the partials is
 * REDUCE_INST_FINAL (a block reduction, the convert and the store; estimated from the code). */
#define REDUCE_INST_FIXED 266
#define REDUCE_INST_LOOP 3.5
#define REDUCE_INST_FINAL 60
/* the staging buffer for the partials (4 B each) and the semaphore: at most this many bytes */
#define REDUCE_STAGING_BYTES 65536

extern const op_type op_reduce;

#endif
