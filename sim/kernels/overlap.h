/*
 * overlap.h: what a run overlapped, and the seed's ratios, from the ops' spans.
 *
 * GPU busy is the union of the kernels' spans (an op's span: from when it could
 * first run to its end), copy engines busy the union of the host<->device
 * copies' spans, host busy the host thread's own time (kernels/runner.c takes it
 * from host/host.h: launch calls and cpu ops, not its waits). Overlap gained is
 * what running device ops concurrently saved: the sum of their times minus the
 * union of their spans, split into kernels of different streams together
 * (streams) and the rest (copies under kernels or under each other: async
 * copies). Compute efficiency is achieved over peak FLOP/s: the time the ops'
 * FLOPs take at their dtype's peak, over the run's time. Transfer time is the
 * host<->device copies' bytes at the link rate. Prefetch efficiency is useful
 * over issued L2 prefetches (from the L2's statistics).
 * Approximated: spans include an op's wait for its launch once it could run; a
 * GEMM with split-K counts its reduction pass inside its span.
 */
#ifndef GPUSIM_OVERLAP_H
#define GPUSIM_OVERLAP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/stats.h"
#include "config/config.h"
#include "trace/trace.h"

struct op_result;

typedef struct run_overlap {
    double total_us;           /* the run */
    double gpu_busy_us;        /* some kernel running */
    double copy_busy_us;       /* some host<->device copy running */
    double host_busy_us;       /* the host thread launching or in cpu ops */
    double device_sum_us;      /* device ops' times added up, as if one after another */
    double gained_streams_us;  /* kernels of different streams running together */
    double gained_copies_us;   /* copies running under kernels or under each other */
    double compute_eff;        /* achieved / peak FLOP/s (0..1) */
    double transfer_us;        /* host<->device copies' bytes at the link rate */
    double prefetch_eff;       /* useful / issued L2 prefetches; -1: none issued */
} run_overlap;

/* Fills o from the ops (ops[i] ran t->ops[i]), the run's time, the host's busy time and
 * the component statistics st (the prefetcher's). Returns 0, or -1 when out of memory. */
int overlap_compute(const gpu_config *cfg, const trace *t, const struct op_result *ops, uint64_t total_ps,
                    uint64_t host_busy_ps, const stats *st, run_overlap *o);

/* The same, fed one op at a time in trace order (a run that streams its rows keeps none): the
 * sums grow in the order overlap_compute adds them (the same doubles), and the spans are merged
 * into disjoint ones whenever their arrays fill; merged spans that end at or before the watermark
 * wm_ps (no op added later starts before it: the runner's promise) leave the arrays, only their
 * length kept. So the memory follows the ops in flight, not the op count (the unions' lengths are
 * integers: merging early, or closing a span a later one could only touch, changes nothing). */
typedef struct overlap_span { uint64_t a, b; } overlap_span;
typedef struct overlap_spans {
    overlap_span *v;          /* spans (merged into disjoint ones when the array fills) */
    size_t n, cap;            /* used, allocated */
    uint64_t closed_ps;       /* the union's length of the spans that left */
} overlap_spans;
typedef struct overlap_acc {
    overlap_spans k, c, all;  /* kernels, host<->device copies, every device op */
    double sum_k, sum_all;    /* ps */
    double ideal_ps, link_bytes;
    uint64_t wm_ps;           /* every op added from now on starts at or after this (0: no promise) */
} overlap_acc;
/* Adds op (its row r). Returns 0, or -1 out of memory (acc unchanged but for its sums). */
int overlap_acc_add(overlap_acc *acc, const gpu_config *cfg, const trace_op *op, const struct op_result *r);
/* Fills o as overlap_compute does and frees acc's arrays (acc becomes empty). Returns 0 (cannot fail). */
int overlap_acc_finish(overlap_acc *acc, const gpu_config *cfg, uint64_t total_ps, uint64_t host_busy_ps, const stats *st,
                       run_overlap *o);
void overlap_acc_free(overlap_acc *acc);
/* The figures reported, one row each: the name the database (stats rows of component "overlap")
 * and --json (object "overlap") give it, and where it is in run_overlap. Every consumer reads this
 * table, so a new figure is one row. */
typedef struct overlap_metric {
    const char *name;   /* "gpu_busy_us" */
    size_t offset;      /* offsetof(run_overlap, its double) */
    int optional;       /* 1: a negative value means there is none (no prefetch issued) */
} overlap_metric;
extern const overlap_metric overlap_metrics[];
extern const size_t overlap_metric_count;
/* Metric i of o in *v; returns 0 when o has none (prefetch efficiency with no prefetch issued), else 1. */
int overlap_value(const run_overlap *o, size_t i, double *v);
/* Appends o to st as component "overlap" (the database's stats rows). */
void overlap_report(const run_overlap *o, stats *st);

#endif
