/*
 * micro.c: the microbenchmark ops and the cache flush.
 *
 * chase: one thread on SM 0 follows a pointer chain through `footprint` bytes,
 *   one line per hop in a pseudo-random cyclic order (a full-period LCG over a
 *   power of two, walking past values outside the footprint), each load
 *   depending on the previous one, through L1, L2 and DRAM. `warmup` hops
 *   (default: one pass over the footprint, at most 2^20) run first and are not timed; the op's
 *   time covers the `hops` timed loads, and ns_per_load is their mean. With
 *   src=host the chain is in host memory: each hop a zero-copy read (arch/pcie.h).
 * stream: a read of `bytes` by exactly `sms` SMs, one 1024-thread CTA each,
 *   grid-stride order (each iteration the grid reads 16 KiB per SM,
 *   contiguous), each SM keeping as many 4 KiB batches in flight as its MSHRs
 *   allow; one event per batch. With region=R: SM s reads bytes
 *   [s / share * R, s / share * R + R) in 4 KiB batches, once untimed (every SM
 *   finishes that pass before the timed part starts: the regions are then in
 *   the L2, as after the measurement's warm-ups) and then `passes` times, every
 *   line simulated (MEM_EXACT: a few KiB, not a sample of a large read).
 * flush: writes back dirty lines and invalidates L1s and L2.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/errors.h"
#include "kernels/kernel.h"
#include "ops/op_micro.h"

/* ---- chase ---- */

typedef struct chase_run {
    op_exec *ex;
    engine *e;
    uint64_t nlines, mod, x, line_bytes;
    uint64_t warm_left, timed_left, timed_start;
    uint64_t hops;          /* timed loads */
    int host;               /* the chain is in host memory (zero-copy) */
} chase_run;

static uint64_t chase_next(chase_run *c)
{
    do { c->x = (c->x * 6364136223846793005ULL + 1442695040888963407ULL) & (c->mod - 1); } while (c->x >= c->nlines);
    return c->x;
}

static void chase_step(void *ctx, uint64_t arg)
{
    (void)arg;
    chase_run *c = ctx;
    uint64_t t = engine_now(c->e);
    for (int i = 0; i < 4096; i++) {
        if (c->warm_left == 0 && c->timed_start == UINT64_MAX) {
            c->timed_start = t;
            /* the op's energy, clock and temperature cover the span its time does: the warm-up's stay the run's */
            power_op_restart(gpu_power(c->ex->g), c->ex->id, t);
        }
        if (c->warm_left == 0 && c->timed_left == 0) {
            op_exec *ex = c->ex;
            ex->ns_per_load = (double)(t - c->timed_start) / 1e3 / (double)c->hops;
            kernel_timed_from(ex, c->timed_start);
            bd_book(ex, BD_LATENCY, c->timed_start, t);
            kernel_finish(ex, t);
            return;
        }
        uint64_t line = chase_next(c);
        if (c->host) t = pcie_zc_read(gpu_pcie(c->ex->g), c->ex->id, 8, t); /* zero-copy: no cache holds it */
        else t = gpu_mem_rows(c->ex->g, c->ex->id, 0, c->ex->in_addr + line * c->line_bytes, 1, 8, 8, MEM_L1, t);
        if (c->warm_left) c->warm_left--; else c->timed_left--;
        /* the link's calendar reaches PCIE_AHEAD_PS past the present: hops over PCIe (a microsecond
         * each) go on in the next event before they would be dated beyond it */
        if (c->host && t - engine_now(c->e) >= PCIE_AHEAD_PS) break;
    }
    engine_schedule(c->e, t, PRIO_NORMAL, chase_step, c, 0);
}

int chase_start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    const chase_params *p = ex->op->params;
    chase_run *c = calloc(1, sizeof *c);
    if (!c) return GPUSIM_EFAIL;
    c->ex = ex;
    c->e = gpu_engine(ex->g);
    c->line_bytes = (uint64_t)gpu_cfg(ex->g)->l2.line_bytes;
    c->host = p->src == OP_MEM_HOST;
    c->nlines = (uint64_t)p->footprint / c->line_bytes;
    if (c->nlines == 0) c->nlines = 1;
    c->mod = 1;
    while (c->mod < c->nlines) c->mod <<= 1;
    uint64_t hops = (uint64_t)p->hops;
    /* default warm-up: one pass over the footprint (as a benchmark's repetitions do), at most 2^20 hops */
    c->warm_left = p->warmup ? (uint64_t)p->warmup : (c->nlines < (1u << 20) ? c->nlines : (1u << 20));
    c->hops = hops;
    c->timed_left = hops;
    c->timed_start = UINT64_MAX;
    kernel_keep_state(ex, c, free);
    return engine_schedule(c->e, t, PRIO_NORMAL, chase_step, c, 0);
}

/* ---- stream ---- */

#define STREAM_BATCH 4096u
#define STREAM_ITER 16384u

typedef struct stream_run {
    op_exec *ex;
    engine *e;
    uint64_t nsm, batches_total, inflight_per_sm;
    uint64_t bytes;         /* read in all */
    uint64_t *next_batch;  /* per SM: its next batch index in its own sequence */
    uint64_t outstanding;
    uint64_t end_ps;
    uint64_t region, share, rbatches, passes; /* region mode (region > 0): batches a region, passes this phase */
    int warm;               /* region mode: the untimed pass is running */
} stream_run;

/* Region mode: the offset of SM s's region. */
static uint64_t stream_region(const stream_run *r, uint64_t s) { return s / r->share * r->region; }

/* Offset of the b-th batch of SM s, or UINT64_MAX past its last (grid-stride: 4 batches per iteration;
 * region mode: its region, `passes` times over). */
static uint64_t stream_addr(const stream_run *r, uint64_t s, uint64_t b)
{
    if (r->region) {
        if (b >= r->rbatches * r->passes) return UINT64_MAX;
        return stream_region(r, s) + b % r->rbatches * STREAM_BATCH;
    }
    uint64_t per_iter = STREAM_ITER / STREAM_BATCH;
    uint64_t it = b / per_iter;
    return ((it * r->nsm + s) * per_iter + b % per_iter) * STREAM_BATCH;
}

static int stream_issue(stream_run *r, uint64_t s, uint64_t t);

/* Every SM's first batches, as many as its MSHRs keep in flight, at t. */
static void stream_issue_all(stream_run *r, uint64_t t)
{
    for (uint64_t s = 0; s < r->nsm; s++)
        for (uint64_t i = 0; i < r->inflight_per_sm; i++) stream_issue(r, s, t);
}

static void stream_back(void *ctx, uint64_t s)
{
    stream_run *r = ctx;
    uint64_t t = engine_now(r->e);
    r->outstanding--;
    if (t > r->end_ps) r->end_ps = t;
    stream_issue(r, s, t);
    if (r->outstanding == 0 && r->warm) { /* every region is in: the timed passes start together */
        const stream_params *p = r->ex->op->params;
        r->warm = 0;
        r->passes = (uint64_t)p->passes;
        kernel_timed_from(r->ex, t);
        power_op_restart(gpu_power(r->ex->g), r->ex->id, t);
        for (uint64_t i = 0; i < r->nsm; i++) r->next_batch[i] = 0;
        stream_issue_all(r, t);
        return;
    }
    if (r->outstanding == 0) {
        op_exec *ex = r->ex;
        bd_book(ex, BD_MEM, ex->iter_start_ps, t);
        kernel_finish(ex, t);
    }
}

static int stream_issue(stream_run *r, uint64_t s, uint64_t t)
{
    uint64_t b = r->next_batch[s];
    uint64_t addr = stream_addr(r, s, b);
    if (addr >= r->bytes) return 0;
    r->next_batch[s]++;
    uint64_t end = r->region ? stream_region(r, s) + r->region : r->bytes;
    uint64_t len = end - addr < STREAM_BATCH ? end - addr : STREAM_BATCH;
    uint64_t d = gpu_mem_rows(r->ex->g, r->ex->id, (int)s, r->ex->in_addr + addr, 1, len, len, r->region ? MEM_EXACT : 0, t);
    r->outstanding++;
    return engine_schedule(r->e, d, PRIO_NORMAL, stream_back, r, s);
}

static void stream_state_free(void *state)
{
    stream_run *r = state;
    free(r->next_batch);
    free(r);
}

int stream_start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    const gpu_config *cfg = gpu_cfg(ex->g);
    const stream_params *p = ex->op->params;
    if (p->sms > cfg->gpu.sm_count) {
        snprintf(err, errlen, "stream: sms=%lld is more than gpu.sm_count = %lld", (long long)p->sms,
                 (long long)cfg->gpu.sm_count);
        return GPUSIM_EINPUT;
    }
    stream_run *r = calloc(1, sizeof *r);
    if (!r) return GPUSIM_EFAIL;
    r->ex = ex;
    r->e = gpu_engine(ex->g);
    r->nsm = (uint64_t)p->sms;
    r->bytes = (uint64_t)p->bytes;
    if (p->region) {
        r->region = (uint64_t)p->region;
        r->share = (uint64_t)p->share;
        r->rbatches = (r->region + STREAM_BATCH - 1) / STREAM_BATCH;
        r->passes = 1;
        r->warm = 1;
    }
    r->next_batch = calloc(r->nsm, sizeof *r->next_batch);
    if (!r->next_batch) { free(r); return GPUSIM_EFAIL; }
    r->inflight_per_sm = (uint64_t)cfg->sm.max_inflight_lines * (uint64_t)cfg->l2.line_bytes / STREAM_BATCH;
    if (r->inflight_per_sm < 1) r->inflight_per_sm = 1;
    kernel_keep_state(ex, r, stream_state_free);
    uint64_t launch = t + clock_ps(&(clock_domain){ (uint32_t)cfg->gpu.clock_mhz }, (double)cfg->sm.cta_launch_cycles);
    stream_issue_all(r, launch);
    return 0; /* bytes >= 1, so SM 0 has at least one batch in flight */
}

/* ---- flush ---- */

static void flush_done(void *ctx, uint64_t arg)
{
    (void)arg;
    op_exec *ex = ctx;
    bd_book(ex, BD_DRAM, ex->iter_start_ps, engine_now(gpu_engine(ex->g)));
    ex->done(ex->done_ctx, ex, engine_now(gpu_engine(ex->g)));
}

int flush_start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    uint64_t done = gpu_flush(ex->g, ex->id, t);
    return engine_schedule(gpu_engine(ex->g), done, PRIO_NORMAL, flush_done, ex, 0);
}
