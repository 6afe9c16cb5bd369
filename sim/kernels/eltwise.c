/*
 * eltwise.c: element-wise kernels (and device-to-device copies).
 *
 * Modeled: a grid of 128-thread CTAs, 8 elements per thread (as PyTorch's
 * vectorized element-wise kernels), placed by the CTA scheduler under the
 * occupancy limits; each CTA loads its slice of every input through L1/L2/DRAM,
 * bounded by the SM's outstanding-miss registers (Little's law sets the per-SM
 * bandwidth), computes `flops` per element on the CUDA cores, and stores its
 * outputs (write-allocate in L2; DRAM sees them as write-backs).
 * Events per CTA: two (data in, stores accepted).
 * Breakdown (breakdown.h): a CTA books its loads and stores as memory and its
 * arithmetic as compute.
 */
#include <stdlib.h>

#include "kernels/kernel.h"

#define ELT_THREADS 128
#define ELT_PER_THREAD 8
#define ELT_PER_CTA (ELT_THREADS * ELT_PER_THREAD)

typedef struct elt_run {
    op_exec *ex;
    gpu *g;
    engine *e;
    kernel_desc kd;
    uint64_t elems;
    uint64_t eb;            /* bytes per element */
    int64_t nin, nout;
    double flops;
    dtype_id dt;
} elt_run;

static uint64_t pack(uint64_t cta, int smi) { return (cta << 13) | (uint64_t)smi; }

static void span(const elt_run *r, uint64_t cta, uint64_t *first, uint64_t *bytes)
{
    uint64_t e0 = cta * ELT_PER_CTA;
    uint64_t n = r->elems - e0 < ELT_PER_CTA ? r->elems - e0 : ELT_PER_CTA;
    *first = e0 * r->eb;
    *bytes = n * r->eb;
}

static void cta_done(void *ctx, uint64_t arg)
{
    elt_run *r = ctx;
    cta_sched_done(gpu_sched(r->g), &r->kd, (int)(arg & 8191), engine_now(r->e));
}

static void data_in(void *ctx, uint64_t arg)
{
    elt_run *r = ctx;
    uint64_t t = engine_now(r->e), cta = arg >> 13, off, bytes;
    int smi = (int)(arg & 8191);
    span(r, cta, &off, &bytes);
    sm *s = gpu_sm(r->g, smi);
    uint64_t done = t;
    if (r->flops > 0) {
        int nsp = (int)gpu_cfg(r->g)->sm.subpartitions;
        double per_sp = r->flops * (double)(bytes / r->eb) / (double)nsp;
        for (int sp = 0; sp < nsp; sp++) {
            uint64_t d = cuda_core_exec(s->cc, sp, r->dt, per_sp, 1.0, t);
            if (d > done) done = d;
        }
    }
    bd_book(r->ex, BD_COMPUTE, t, done);
    uint64_t acc = done;
    for (int64_t o = 0; o < r->nout; o++) {
        uint64_t d = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->out_addr + (uint64_t)o * r->elems * r->eb + off, 1, bytes, bytes,
                                  MEM_WRITE, done);
        if (d > acc) acc = d;
    }
    bd_book(r->ex, BD_MEM, done, acc);
    engine_schedule(r->e, acc, PRIO_NORMAL, cta_done, r, arg);
}

static void start_cta(void *ctx, int smi, uint64_t cta, uint64_t t)
{
    elt_run *r = ctx;
    uint64_t off, bytes, ready = t;
    span(r, cta, &off, &bytes);
    for (int64_t i = 0; i < r->nin; i++) {
        uint64_t base = i == 0 ? r->ex->in_addr : r->ex->in2_addr + (uint64_t)(i - 1) * r->elems * r->eb;
        uint64_t d = gpu_mem_rows(r->g, r->ex->id, smi, base + off, 1, bytes, bytes, MEM_L1 | MEM_MSHR, t);
        if (d > ready) ready = d;
    }
    bd_book(r->ex, BD_MEM, t, ready);
    engine_schedule(r->e, ready, PRIO_NORMAL, data_in, r, pack(cta, smi));
}

static void finished(void *ctx, uint64_t t)
{
    elt_run *r = ctx;
    op_exec *ex = r->ex;
    free(r);
    ex->state = NULL;
    ex->done(ex->done_ctx, ex, t);
}

int eltwise_launch(op_exec *ex, uint64_t t, const eltwise_work *w)
{
    elt_run *r = calloc(1, sizeof *r);
    if (!r) return -1;
    r->ex = ex;
    r->g = ex->g;
    r->e = gpu_engine(ex->g);
    r->elems = w->elems; r->eb = w->eb;
    r->nin = w->nin; r->nout = w->nout; r->flops = w->flops; r->dt = w->dt;
    r->kd.shape = (cta_shape){ ELT_THREADS, 32, 0 };
    r->kd.ctas = (r->elems + ELT_PER_CTA - 1) / ELT_PER_CTA;
    r->kd.ctx = r;
    r->kd.start_cta = start_cta;
    r->kd.finished = finished;
    ex->bd_slots = kernel_slots(ex->g, &r->kd);
    ex->state = r;
    ex->state_free = free;
    return cta_sched_launch(gpu_sched(ex->g), &r->kd, t);
}
