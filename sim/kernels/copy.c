/*
 * copy.c: host<->device copies on the copy engines.
 *
 * A copy takes a copy engine if one is free, pays the fixed
 * per-copy latency, then moves 1 MiB chunks over the PCIe link, one event per
 * chunk so that concurrent copies share the link. Pageable copies go through a
 * pinned staging buffer: per staging chunk, a host memcpy (h2d: before the DMA;
 * d2h: after it), the memcpy of one chunk overlapping the DMA of the next; a
 * d2h memcpy into a destination never touched also faults in its pages (pcie.h).
 * Device-to-device copies are copy kernels (eltwise.c).
 */
#include <stdlib.h>

#include "arch/pcie.h"
#include "kernels/kernel.h"
#include "ops/op_copy.h"

typedef struct copy_run {
    op_exec *ex;
    gpu *g;
    engine *e;
    int dir;
    int engine_idx;
    uint64_t left;          /* bytes not yet moved */
    uint64_t bytes;         /* the whole copy */
    uint64_t chunk;         /* bytes per step */
    int pageable;
    pcie_host_pages pages;  /* pageable: the host buffer's pages (never written, never touched) */
    uint64_t stage_done;    /* pageable h2d: last staged chunk */
    uint64_t last_done;
    int op;                 /* its traffic and energy account (owner.h, power.h) */
} copy_run;

static void step(void *ctx, uint64_t arg);

static void begin(copy_run *c, uint64_t t)
{
    uint64_t at = t + pcie_copy_latency_ps(gpu_pcie(c->g), c->pageable);
    c->stage_done = at;
    c->last_done = at;
    engine_schedule(c->e, at, PRIO_NORMAL, step, c, 0);
}

static void step(void *ctx, uint64_t arg)
{
    (void)arg;
    copy_run *c = ctx;
    uint64_t t = engine_now(c->e);
    pcie *p = gpu_pcie(c->g);
    if (c->left == 0) {
        if (c->last_done > t) { engine_schedule(c->e, c->last_done, PRIO_NORMAL, step, c, 0); return; }
        op_exec *ex = c->ex;
        if (c->engine_idx >= 0) pcie_engine_give(p, c->engine_idx);
        bd_book(ex, BD_PCIE, ex->iter_start_ps, t); /* setup latency, staging and DMA alike */
        kernel_finish(ex, t);
        return;
    }
    uint64_t n = c->left < c->chunk ? c->left : c->chunk;
    c->left -= n;
    uint64_t done;
    if (!c->pageable) {
        done = pcie_dma(p, c->op, c->dir, n, t);
        power_add_span(gpu_power(c->g), PW_PCIE, (double)n, c->op, t, t, done);
    } else if (c->dir == 0) {
        /* the memcpy of the next chunk (into the other half of the staging buffer)
         * starts when this one's memcpy ends, overlapping this chunk's DMA */
        c->stage_done = pcie_stage(p, 0, n, c->bytes, c->pages, c->stage_done > t ? c->stage_done : t);
        done = pcie_dma(p, c->op, 0, n, c->stage_done);
        power_add_span(gpu_power(c->g), PW_PCIE, (double)n, c->op, t, c->stage_done, done);
        if (done > c->last_done) c->last_done = done;
        engine_schedule(c->e, c->stage_done, PRIO_NORMAL, step, c, 0);
        return;
    } else {
        uint64_t d = pcie_dma(p, c->op, 1, n, t);
        power_add_span(gpu_power(c->g), PW_PCIE, (double)n, c->op, t, t, d);
        done = pcie_stage(p, 1, n, c->bytes, c->pages, d);
        /* the next DMA may start once this one is off the link */
        engine_schedule(c->e, d, PRIO_NORMAL, step, c, 0);
        c->last_done = done;
        return;
    }
    c->last_done = done;
    engine_schedule(c->e, done, PRIO_NORMAL, step, c, 0);
}

int copy_start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    const copy_params *p = ex->op->params;
    if (p->dir == DIR_D2D) { /* a copy kernel, one byte per "element" */
        eltwise_work w = { .elems = (uint64_t)p->bytes, .eb = 1, .nin = 1, .nout = 1, .dt = DT_FP32, .dma = 1 };
        return eltwise_launch(ex, t, &w);
    }
    copy_run *c = calloc(1, sizeof *c);
    if (!c) return -1;
    c->ex = ex;
    c->g = ex->g;
    c->e = gpu_engine(ex->g);
    c->dir = p->dir == DIR_H2D ? 0 : 1;
    c->op = ex->id;
    c->left = c->bytes = (uint64_t)p->bytes;
    c->pageable = !p->pinned;
    c->pages = p->zero_page ? PCIE_HOST_ZERO_PAGE : p->first_touch ? PCIE_HOST_FIRST_TOUCH : PCIE_HOST_TOUCHED;
    c->chunk = c->pageable ? (uint64_t)gpu_cfg(ex->g)->pcie.staging_chunk_kib * 1024 : PCIE_CHUNK_BYTES;
    kernel_keep_state(ex, c, free);
    c->engine_idx = pcie_engine_take(gpu_pcie(ex->g));
    /* More concurrent copies than engines: the extra ones share the link without
     * an engine of their own (their bandwidth share is what matters). */
    begin(c, t);
    return 0;
}
