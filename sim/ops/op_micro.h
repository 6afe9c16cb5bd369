/* op_micro.h: the microbenchmark op kinds `chase` and `stream` (kernels/micro.c runs them). */
#ifndef GPUSIM_OP_MICRO_H
#define GPUSIM_OP_MICRO_H

#include "ops/optable.h"

typedef struct chase_params {
    int64_t footprint, hops; /* bytes walked; timed loads */
    int64_t warmup;          /* untimed loads first; 0: one pass over the footprint, at most 2^20 */
    int src;                 /* OP_MEM_DEVICE, or OP_MEM_HOST: the chain is in host memory (zero-copy) */
} chase_params;

typedef struct stream_params {
    int64_t bytes;
    int64_t sms;             /* exactly this many SMs read */
} stream_params;

extern const op_type op_chase, op_stream;

#endif
