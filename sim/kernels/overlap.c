/* overlap.c: unions of the ops' spans and the run's ratios (see overlap.h). */
#include "kernels/overlap.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/runner.h"
#include "ops/op_copy.h"
#include "ops/optable.h"

typedef overlap_span span;

static int span_cmp(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

/* Sorts s's spans and merges those that overlap or touch (as union_ps joins them): the same union in
 * fewer, disjoint spans. */
static void spans_merge(overlap_spans *s)
{
    if (s->n < 2) return;
    qsort(s->v, s->n, sizeof *s->v, span_cmp);
    size_t m = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (s->v[i].a > s->v[m].b) s->v[++m] = s->v[i];
        else if (s->v[i].b > s->v[m].b) s->v[m].b = s->v[i].b;
    }
    s->n = m + 1;
}

/* Appends [a, b); when full, merges first, closes the merged spans that end by wm (no later span
 * starts before it), and grows only while that frees less than half. */
static int spans_add(overlap_spans *s, uint64_t a, uint64_t b, uint64_t wm)
{
    if (s->n == s->cap) {
        spans_merge(s);
        size_t m = 0;
        while (m < s->n && s->v[m].b <= wm) { s->closed_ps += s->v[m].b - s->v[m].a; m++; }
        if (m) { memmove(s->v, s->v + m, (s->n - m) * sizeof *s->v); s->n -= m; }
        if (2 * s->n >= s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 256;
            span *v = realloc(s->v, cap * sizeof *v);
            if (!v) return -1;
            s->v = v;
            s->cap = cap;
        }
    }
    s->v[s->n++] = (span){ a, b };
    return 0;
}

/* Length of the union of s's spans, in ps. */
static uint64_t union_ps(overlap_spans *s)
{
    spans_merge(s);
    uint64_t len = s->closed_ps;
    for (size_t i = 0; i < s->n; i++) len += s->v[i].b - s->v[i].a;
    return len;
}

/* A host<->device copy (on a copy engine); a device-to-device copy is a kernel. */
static int is_link_copy(const trace_op *op)
{
    return op_type_of(op) == &op_copy && ((const copy_params *)op->params)->dir != DIR_D2D;
}

int overlap_acc_add(overlap_acc *acc, const gpu_config *cfg, const trace_op *op, const op_result *r)
{
    if (!op_type_of(op)->start || r->end_ps <= r->start_ps) return 0; /* host ops */
    double d = (double)(r->end_ps - r->start_ps);
    if (spans_add(&acc->all, r->start_ps, r->end_ps, acc->wm_ps)) return -1;
    acc->sum_all += d;
    if (is_link_copy(op)) {
        if (spans_add(&acc->c, r->start_ps, r->end_ps, acc->wm_ps)) return -1;
        acc->link_bytes += (double)((const copy_params *)op->params)->bytes * (double)op->repeat;
    } else {
        if (spans_add(&acc->k, r->start_ps, r->end_ps, acc->wm_ps)) return -1;
        acc->sum_k += d;
    }
    double peak = r->dt >= 0 && r->dtype[0] ? config_peak_tflops(cfg, (dtype_id)r->dt) : 0;
    if (r->flops > 0 && peak > 0) acc->ideal_ps += r->flops / peak; /* FLOP / (TFLOP/s) = ps */
    return 0;
}

void overlap_acc_free(overlap_acc *acc)
{
    free(acc->k.v);
    free(acc->c.v);
    free(acc->all.v);
    memset(acc, 0, sizeof *acc);
}

int overlap_acc_finish(overlap_acc *acc, const gpu_config *cfg, uint64_t total_ps, uint64_t host_busy_ps, const stats *st,
                       run_overlap *o)
{
    double gpu = (double)union_ps(&acc->k), cp = (double)union_ps(&acc->c), dev = (double)union_ps(&acc->all);
    double sum_k = acc->sum_k, sum_all = acc->sum_all;
    o->total_us = (double)total_ps / 1e6;
    o->gpu_busy_us = gpu / 1e6;
    o->copy_busy_us = cp / 1e6;
    o->host_busy_us = (double)host_busy_ps / 1e6;
    o->device_sum_us = sum_all / 1e6;
    o->gained_streams_us = (sum_k - gpu) / 1e6;
    o->gained_copies_us = (sum_all - dev - (sum_k - gpu)) / 1e6;
    o->compute_eff = total_ps ? acc->ideal_ps / (double)total_ps : 0;
    o->transfer_us = acc->link_bytes / config_pcie_gbps(cfg) / 1e3;
    double issued = stats_get(st, "prefetch", "issued", 0);
    o->prefetch_eff = issued > 0 ? stats_get(st, "prefetch", "useful", 0) / issued : -1;
    overlap_acc_free(acc);
    return 0;
}

int overlap_compute(const gpu_config *cfg, const trace *t, const op_result *ops, uint64_t total_ps,
                    uint64_t host_busy_ps, const stats *st, run_overlap *o)
{
    overlap_acc acc;
    memset(&acc, 0, sizeof acc);
    for (size_t i = 0; i < t->n; i++)
        if (overlap_acc_add(&acc, cfg, &t->ops[i], &ops[i])) { overlap_acc_free(&acc); return -1; }
    return overlap_acc_finish(&acc, cfg, total_ps, host_busy_ps, st, o);
}

const overlap_metric overlap_metrics[] = {
    { "gpu_busy_us", offsetof(run_overlap, gpu_busy_us), 0 },
    { "copy_engines_busy_us", offsetof(run_overlap, copy_busy_us), 0 },
    { "host_busy_us", offsetof(run_overlap, host_busy_us), 0 },
    { "device_ops_sum_us", offsetof(run_overlap, device_sum_us), 0 },
    { "gained_streams_us", offsetof(run_overlap, gained_streams_us), 0 },
    { "gained_async_copies_us", offsetof(run_overlap, gained_copies_us), 0 },
    { "compute_efficiency", offsetof(run_overlap, compute_eff), 0 },
    { "transfer_us", offsetof(run_overlap, transfer_us), 0 },
    { "prefetch_efficiency", offsetof(run_overlap, prefetch_eff), 1 },
};
const size_t overlap_metric_count = sizeof overlap_metrics / sizeof overlap_metrics[0];

int overlap_value(const run_overlap *o, size_t i, double *v)
{
    assert(i < overlap_metric_count);
    *v = *(const double *)((const char *)o + overlap_metrics[i].offset);
    return !(overlap_metrics[i].optional && *v < 0);
}

void overlap_report(const run_overlap *o, stats *st)
{
    for (size_t i = 0; i < overlap_metric_count; i++) {
        double v;
        if (overlap_value(o, i, &v)) stats_add(st, "overlap", overlap_metrics[i].name, v);
    }
}
