/*
 * torch_import.h: a PyTorch profiler trace (Chrome trace JSON written by
 * torch.profiler with record_shapes=True) -> a gpusim trace (DESIGN.md section 2).
 *
 * Every GPU event (kernel, gpu_memcpy, gpu_memset) is linked to the aten op that
 * launched it (its "External id", else its launch call's, through "correlation")
 * and becomes one trace op, in GPU time order:
 *   mm / addmm / matmul / linear / bmm / baddbmm -> gemm (layout from the strides;
 *     cuBLAS helper kernels of the same aten op, split-K reduce, epilogue, scal,
 *     workspace memset, are folded into it: gpusim models split-K itself);
 *   a reduction of a whole tensor to one value (its dim list "[]" in "Concrete Inputs",
 *     or neither a dim list nor a scalar dim: torch.mean(x), x.sum()) run by PyTorch's
 *     reduce_kernel -> reduce;
 *   any other kernel of an aten op with shapes -> eltwise, element count, inputs,
 *     outputs and dtype from "Input Dims" / "Input type" (the op's kernels share it);
 *   memcpy -> copy (pinned or pageable from the event name; a pageable d2h into a host
 *     buffer larger than any before it: first_touch=1, see torch_import.c); memset -> eltwise
 *     in=0 out=1 by bytes.
 * Anything else (no aten op, no shapes, an unknown copy direction) becomes a
 * memory-bound eltwise from what the event tells (bytes, or its thread count) and
 * is listed in the summary: nothing is dropped silently.
 * Host time between launches becomes `cpu us=` ops, less the launch cost gpusim
 * charges per op (opts->eager_gap_us; the rule is in torch_import.c); host
 * synchronisations become `sync`.
 *
 * The JSON is read in one pass: a small scanner splits the top-level object and
 * the traceEvents array, json-c parses one event at a time, and only compact
 * records are kept, so a large profile is never held in memory as a JSON tree.
 */
#ifndef GPUSIM_TORCH_IMPORT_H
#define GPUSIM_TORCH_IMPORT_H

#include <stddef.h>
#include <stdio.h>

typedef struct torch_import_summary {
    int gpu_events;      /* kernels, memcpys and memsets in the profile */
    int ops;             /* trace ops written (gemm + eltwise + reduce + copy + memset + unmapped) */
    int gemm, eltwise, copy, memset;
    int reduce;          /* reductions to one value (reduce_kernel of torch.sum / torch.mean of a whole tensor) */
    int folded;          /* helper kernels folded into their GEMM */
    int unmapped;        /* written as memory-bound eltwise from the event alone */
    int syncs;           /* host synchronisations written as `sync` */
    int host_gaps;       /* `# host gap` comments: host time between two launches */
    double host_gap_us;  /* their sum (the launch calls and syncs excluded) */
    int cpu_ops;         /* `cpu` ops written for them */
    double cpu_us;       /* their sum */
    double overcharged_us; /* host time gpusim charges beyond the profile's: launches issued faster
                              than opts->eager_gap_us apart */
    int graph_ops;       /* ops launched by a CUDA-graph replay */
    int first_touch;     /* pageable d2h copies marked first_touch=1 (a fresh host buffer) */
} torch_import_summary;

typedef struct torch_import_opts {
    double eager_gap_us;  /* host time gpusim charges per eager launch (host.eager_gap_us of the config
                             the trace is for): subtracted from the profile's host time per launch */
    double eager_gemm_us; /* ... per eager GEMM (host.eager_gemm_us); 0: eager_gap_us */
    double eager_copy_us; /* ... per eager copy (host.eager_copy_us); 0: eager_gap_us */
} torch_import_opts;

/* Reads the profile from `in` (named `name` in messages) and writes the trace to
 * `out`; `opts` NULL: nothing subtracted from the host time (eager_gap_us 0);
 * `diag` (may be NULL) gets the list of unmapped events. Returns 0; -2 for
 * input that is not JSON or not a profiler trace, with err = "NAME[:LINE]: ...";
 * -1 when out of memory or a write fails. `sum` (may be NULL) is filled on success. */
int torch_import(FILE *in, const char *name, const torch_import_opts *opts, FILE *out, FILE *diag,
                 torch_import_summary *sum, char *err, size_t errlen);

#endif
