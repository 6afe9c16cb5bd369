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
 * (power.inst_pj), estimated from that file's code, not counted by a profiler:
 * REDUCE_INST_FIXED for the thread's setup (indices, the config's offsets: ~40), the block
 * reduction (a shared-memory step per halving of 512 threads down to a warp, each a barrier, a
 * test, a load, an add and a store, then 5 shuffle steps: ~45) and the global one (staging
 * store, fence, barrier, semaphore atomic, last-block test: ~30); per vector load, the load,
 * the index and loop test (REDUCE_INST_LOOP) and, for fp16/bf16, a convert to fp32 per value;
 * the last CTA's second pass over the partials (REDUCE_INST_FINAL: a block reduction, the
 * convert and the store). A full reduction issues several instructions per 8 bytes it reads,
 * where a copy kernel issues about one per 16. */
#define REDUCE_INST_FIXED 115
#define REDUCE_INST_LOOP 3
#define REDUCE_INST_FINAL 60
/* the staging buffer for the partials (4 B each) and the semaphore: at most this many bytes */
#define REDUCE_STAGING_BYTES 65536

extern const op_type op_reduce;

#endif
