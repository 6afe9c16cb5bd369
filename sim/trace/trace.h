/*
 * trace.h: the workload trace, text -> array of ops (DESIGN.md section 2).
 *
 * One op per line: `kind key=value ...`; `#` starts a comment. Every error is
 * "FILE:LINE: message" and the reader returns -2; unknown keys are errors.
 */
#ifndef GPUSIM_TRACE_H
#define GPUSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { OP_GEMM, OP_ELTWISE, OP_COPY, OP_SYNC, OP_FLUSH, OP_MODE, OP_CHASE, OP_STREAM, OP_KINDS } op_kind;
typedef enum { DT_FP16, DT_BF16, DT_TF32, DT_FP32, DT_FP8, DT_COUNT } dtype_id;
typedef enum { DIR_H2D, DIR_D2H, DIR_D2D } copy_dir;

typedef struct trace_op {
    op_kind kind;
    char name[64];
    int line;            /* source line, for messages */
    int64_t stream;      /* ops of one stream run in order */
    /* gemm */
    int64_t m, n, k;
    dtype_id dtype;
    int64_t tile_m, tile_n, tile_k; /* 0: chosen by the default mapping */
    int64_t stages, warps, group_m, split_k; /* 0: default */
    int64_t trans_a, trans_b; /* layout: 1 = the operand is stored transposed (A as [k,m], B as [n,k]) */
    /* eltwise */
    int64_t elems, in, out;
    double flops_per_elem;
    /* copy */
    copy_dir dir;
    int64_t bytes;
    int64_t pinned;
    /* mode */
    int64_t graph;       /* 1: CUDA-graph replay, 0: eager */
    /* chase */
    int64_t footprint, hops, warmup;
    /* stream */
    int64_t sms;
} trace_op;

typedef struct trace {
    trace_op *ops;
    size_t n;
    char path[512];
} trace;

/* Reads path. Returns 0, or -2 with err = "FILE:LINE: ..." for bad input, or -1
 * when out of memory. *out is untouched on error. */
int trace_load(trace **out, const char *path, char *err, size_t errlen);
/* Parses text as if read from `name` (for tests and fuzzing). */
int trace_parse(trace **out, const char *name, const char *text, size_t len, char *err, size_t errlen);
void trace_destroy(trace *t);

const char *op_kind_name(op_kind k);
const char *dtype_name(dtype_id d);
int dtype_bytes(dtype_id d);
/* FLOPs of an op (2mnk for gemm). */
double op_flops(const trace_op *op);

#endif
