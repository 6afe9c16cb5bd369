/* overlap.c: unions of the ops' spans and the run's ratios (see overlap.h). */
#include "kernels/overlap.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>

#include "kernels/runner.h"
#include "ops/op_copy.h"
#include "ops/optable.h"

typedef struct span {
    uint64_t a, b;
} span;

static int span_cmp(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

/* Length of the union of n spans (sorted in place), in ps. */
static uint64_t union_ps(span *s, size_t n)
{
    qsort(s, n, sizeof *s, span_cmp);
    uint64_t len = 0, a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || s[i].a > b) {
            len += b - a;
            a = s[i].a;
            b = s[i].b;
        } else if (s[i].b > b)
            b = s[i].b;
    }
    return n ? len + (b - a) : 0;
}

/* A host<->device copy (on a copy engine); a device-to-device copy is a kernel. */
static int is_link_copy(const trace_op *op)
{
    return op_type_of(op) == &op_copy && ((const copy_params *)op->params)->dir != DIR_D2D;
}

int overlap_compute(const gpu_config *cfg, const trace *t, const op_result *ops, uint64_t total_ps,
                    uint64_t host_busy_ps, const stats *st, run_overlap *o)
{
    size_t n = t->n;
    span *k = malloc((n ? n : 1) * sizeof *k), *c = malloc((n ? n : 1) * sizeof *c), *all = malloc((n ? n : 1) * sizeof *all);
    if (!k || !c || !all) { free(k); free(c); free(all); return -1; }
    size_t nk = 0, nc = 0, na = 0;
    double sum_k = 0, sum_all = 0, ideal_ps = 0, link_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const op_result *r = &ops[i];
        const trace_op *op = &t->ops[i];
        if (!op_type_of(op)->start || r->end_ps <= r->start_ps) continue; /* host ops */
        span s = { r->start_ps, r->end_ps };
        double d = (double)(r->end_ps - r->start_ps);
        all[na++] = s;
        sum_all += d;
        if (is_link_copy(op)) {
            c[nc++] = s;
            link_bytes += (double)((const copy_params *)op->params)->bytes * (double)op->repeat;
        } else {
            k[nk++] = s;
            sum_k += d;
        }
        double peak = r->dt >= 0 && r->dtype[0] ? config_peak_tflops(cfg, (dtype_id)r->dt) : 0;
        if (r->flops > 0 && peak > 0) ideal_ps += r->flops / peak; /* FLOP / (TFLOP/s) = ps */
    }
    double gpu = (double)union_ps(k, nk), cp = (double)union_ps(c, nc), dev = (double)union_ps(all, na);
    free(k); free(c); free(all);
    o->total_us = (double)total_ps / 1e6;
    o->gpu_busy_us = gpu / 1e6;
    o->copy_busy_us = cp / 1e6;
    o->host_busy_us = (double)host_busy_ps / 1e6;
    o->device_sum_us = sum_all / 1e6;
    o->gained_streams_us = (sum_k - gpu) / 1e6;
    o->gained_copies_us = (sum_all - dev - (sum_k - gpu)) / 1e6;
    o->compute_eff = total_ps ? ideal_ps / (double)total_ps : 0;
    o->transfer_us = link_bytes / config_pcie_gbps(cfg) / 1e3;
    double issued = stats_get(st, "prefetch", "issued", 0);
    o->prefetch_eff = issued > 0 ? stats_get(st, "prefetch", "useful", 0) / issued : -1;
    return 0;
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
