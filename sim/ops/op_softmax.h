/* op_softmax.h: the `softmax` op kind: y = exp(x - max(x)) / sum(exp(x - max(x))) per row. */
#ifndef GPUSIM_OP_SOFTMAX_H
#define GPUSIM_OP_SOFTMAX_H

#include "ops/optable.h"

typedef struct softmax_params {
    int64_t rows, cols;      /* normalised over cols, independently per row */
    dtype_id dtype;          /* of x and y; the arithmetic is fp32 */
} softmax_params;

/* fp32 operations per element: the max (1), two exponentials of the shifted value (range
 * reduction, MUFU.EX2 and scaling, about 8 each: one for the sum, one for the output), the
 * subtracts (2), the sum (1) and the scale by 1/sum (1). Counted from the algorithm. */
#define SOFTMAX_FLOPS_PER_ELEM 21.0
/* PyTorch (aten/src/ATen/native/cuda/SoftMax.cu): rows of at most this many elements run one
 * warp per row (softmax_warp_forward, 128-thread CTAs); longer rows one 1024-thread CTA per row
 * (cunn_SoftMaxForwardReg / ...Smem), as analysis/hw/h100_s3/softmax.csv shows. */
#define SOFTMAX_WARP_MAX_COLS 1024

extern const op_type op_softmax;

#endif
