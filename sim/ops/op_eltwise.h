/* op_eltwise.h: the `eltwise` op kind: an element-wise kernel (kernels/eltwise.c runs it). */
#ifndef GPUSIM_OP_ELTWISE_H
#define GPUSIM_OP_ELTWISE_H

#include "ops/optable.h"

typedef struct eltwise_params {
    int64_t elems;           /* elements per input and output */
    double flops_per_elem;
    dtype_id dtype;
    int32_t in, out;         /* inputs read and outputs written per element */
    int src, dst;            /* where the inputs / outputs live: OP_MEM_DEVICE or OP_MEM_HOST (zero-copy) */
    int64_t ctas;            /* a fixed grid looping over the elements (grid-stride); 0: a CTA per 1024 elements */
} eltwise_params;

extern const op_type op_eltwise;

#endif
