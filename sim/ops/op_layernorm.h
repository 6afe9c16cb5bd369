/* op_layernorm.h: the `layernorm` op kind: y = (x - mean) / sqrt(var + eps) * gamma + beta, per row. */
#ifndef GPUSIM_OP_LAYERNORM_H
#define GPUSIM_OP_LAYERNORM_H

#include "ops/optable.h"

typedef struct layernorm_params {
    int64_t rows, cols;      /* normalised over cols, independently per row */
    dtype_id dtype;          /* of x, y, gamma and beta; the arithmetic is fp32 */
} layernorm_params;

/* FLOPs per element: a Welford update for the statistics (about 5) and the
 * affine normalisation (x - mean) * rstd * gamma + beta (about 3, one FMA). */
#define LAYERNORM_FLOPS_PER_ELEM 8.0

extern const op_type op_layernorm;

#endif
