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
    int64_t region;          /* 0: one grid-stride pass over `bytes`; else each SM reads a region this long */
    int64_t passes;          /* region mode: timed passes over the region (after one untimed pass) */
    int64_t share;           /* region mode: SMs s and s' read the same region when s / share == s' / share */
} stream_params;

extern const op_type op_chase, op_stream;

#endif
