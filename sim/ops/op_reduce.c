/*
 * op_reduce.c: the `reduce` op kind, row and kernel: a full reduction (torch.sum).
 *
 * Modeled (PyTorch's reduce_kernel for a contiguous input and one output; constants in
 * op_reduce.h): REDUCE_THREADS-thread CTAs; a thread reads its values REDUCE_VEC at a time
 * into REDUCE_VEC fp32 accumulators. A large input is split over CTAs (at most
 * REDUCE_CTAS_PER_SM per SM, so one wave) and each CTA, after its loads (through L1/L2/DRAM,
 * bounded by the SM's MSHRs), adds its values on the CUDA cores, but no faster than one
 * thread's chain of dependent adds (cuda.dependent_op_cycles each), reduces across the block
 * (sm.block_reduce_cycles), writes its partial to a staging buffer, waits for that write to
 * be visible (the fence: the store's round trip) and increments a semaphore (an atomic: a
 * second round trip). The CTA whose increment lands last reads every partial, reduces them
 * across its block and writes the result. A small input is one CTA: loads, adds, one block
 * reduction, the write.
 * Approximated: the atomics of different CTAs do not queue behind one another at the L2; the
 * semaphore's clear (a memset PyTorch issues before the kernel) is not part of the op.
 * What makes a reduction slower than its bytes: the block reductions and the two round
 * trips after the loads, which overlap only with the other CTAs resident on the SM, and the
 * last CTA's serial tail.
 * Energy: besides its bytes and adds, each CTA books the warp instructions it issues
 * (op_reduce.h REDUCE_INST_*, power.inst_pj): a reduction issues several per 8 bytes it reads,
 * which is why it draws more than a copy of twice its bytes (energy_mem.csv).
 * Events per CTA: three (data in, partial visible, arrival); the last CTA two more.
 */
#include "ops/op_reduce.h"
#include "engine/errors.h"

#include <math.h>
#include <stdlib.h>

#include "kernels/kernel.h"

#define MAX_ELEMS (1LL << 50)
#define SEM_OFF 128             /* the semaphore, after the result */
#define STAGE_OFF 256           /* the partials, after the semaphore */

static const op_key keys[] = {
    OP_INT_REQ(reduce_params, elems, "elems", 1, MAX_ELEMS, "elements of the input, all reduced to one value"),
    OP_DTYPE(reduce_params, dtype, DT_FP16, "type of the input and the result: fp16, bf16 or fp32 (fp32 accumulation)"),
};

static int check(const void *params, char *msg, size_t len)
{
    const reduce_params *p = params;
    return op_check_rows("reduce", 1, p->elems, p->dtype, msg, len);
}

static double flops(const void *params)
{
    const reduce_params *p = params;
    return (double)p->elems;
}

static void buffers(const void *params, op_buffers *b)
{
    const reduce_params *p = params;
    b->in_bytes = (uint64_t)p->elems * (uint64_t)dtype_bytes(p->dtype);
    b->out_bytes = REDUCE_STAGING_BYTES;
}

static uint64_t footprint(const void *params)
{
    const reduce_params *p = params;
    return (uint64_t)p->elems * (uint64_t)dtype_bytes(p->dtype) + REDUCE_STAGING_BYTES;
}

typedef struct rd_run {
    op_exec *ex;
    gpu *g;
    engine *e;
    kernel_desc kd;
    uint64_t elems, eb, per_cta;
    uint64_t arrived;        /* CTAs whose semaphore increment has landed */
    uint64_t chain_ps;       /* one thread's dependent adds over its values */
    uint64_t block_ps;       /* one block-wide reduction */
    uint64_t fence_ps;       /* a device-wide fence beyond the wait for own writes */
    double threads;
    double loads;            /* vector loads per thread */
} rd_run;

static uint64_t pack(uint64_t cta, int smi) { return (cta << 13) | (uint64_t)smi; }

static uint64_t cta_elems(const rd_run *r, uint64_t cta, uint64_t *first)
{
    *first = cta * r->per_cta;
    uint64_t left = r->elems - *first;
    return left < r->per_cta ? left : r->per_cta;
}

static void cta_done(void *ctx, uint64_t arg)
{
    rd_run *r = ctx;
    cta_sched_done(gpu_sched(r->g), &r->kd, (int)(arg & 8191), engine_now(r->e));
}

/* The last CTA: read the partials, reduce them across the block, write the result. */
static void last_cta(rd_run *r, int smi, uint64_t t, uint64_t arg)
{
    uint64_t out = r->ex->out_addr;
    uint64_t stage = r->kd.ctas * 4 < REDUCE_STAGING_BYTES - STAGE_OFF ? r->kd.ctas * 4 : REDUCE_STAGING_BYTES - STAGE_OFF;
    uint64_t in = gpu_mem_rows(r->g, r->ex->id, smi, out + STAGE_OFF, 1, stage, stage, MEM_MSHR, t);
    bd_book(r->ex, BD_MEM, t, in);
    uint64_t red = in + r->block_ps;
    bd_book(r->ex, BD_SYNC, in, red);
    power_add_span(gpu_power(r->g), PW_INST, r->threads / 32.0 * REDUCE_INST_FINAL, r->kd.op, t, t, red);
    uint64_t w = gpu_mem_rows(r->g, r->ex->id, smi, out, 1, r->eb, r->eb, MEM_WRITE, red);
    bd_book(r->ex, BD_MEM, red, w);
    engine_schedule(r->e, w > red ? w : red, PRIO_NORMAL, cta_done, r, arg);
}

static void arrived(void *ctx, uint64_t arg)
{
    rd_run *r = ctx;
    uint64_t t = engine_now(r->e);
    if (++r->arrived == r->kd.ctas) last_cta(r, (int)(arg & 8191), t + r->fence_ps, arg); /* the acquire fence */
    else cta_done(r, arg);
}

/* The partial is visible (the fence): increment the semaphore, a second round trip. */
static void visible(void *ctx, uint64_t arg)
{
    rd_run *r = ctx;
    uint64_t t = engine_now(r->e);
    uint64_t a = gpu_mem_rows(r->g, r->ex->id, (int)(arg & 8191), r->ex->out_addr + SEM_OFF, 1, 4, 4, MEM_WRITE, t);
    bd_book(r->ex, BD_SYNC, t, a);
    engine_schedule(r->e, a > t ? a : t, PRIO_NORMAL, arrived, r, arg);
}

static void data_in(void *ctx, uint64_t arg)
{
    rd_run *r = ctx;
    uint64_t t = engine_now(r->e), cta = arg >> 13, first;
    int smi = (int)(arg & 8191);
    uint64_t n = cta_elems(r, cta, &first);
    sm *s = gpu_sm(r->g, smi);
    uint64_t done = t + r->chain_ps;
    int nsp = (int)gpu_cfg(r->g)->sm.subpartitions;
    for (int sp = 0; sp < nsp; sp++) {
        uint64_t d = sm_fma(s, sp, DT_FP32, (double)n / (double)nsp, 1.0, t);
        if (d > done) done = d;
    }
    bd_book(r->ex, BD_COMPUTE, t, done);
    uint64_t red = done + r->block_ps;
    bd_book(r->ex, BD_SYNC, done, red);
    /* the CTA's instructions beyond its adds (op_reduce.h), issued from its first load to its block's sum */
    double per_load = REDUCE_INST_LOOP + (r->eb < 4 ? REDUCE_VEC : 0);
    power_add_span(gpu_power(r->g), PW_INST, r->threads / 32.0 * (REDUCE_INST_FIXED + r->loads * per_load), r->kd.op,
                   t, t, red);
    if (r->kd.ctas == 1) { /* one CTA: its block's sum is the result */
        uint64_t w = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->out_addr, 1, r->eb, r->eb, MEM_WRITE, red);
        bd_book(r->ex, BD_MEM, red, w);
        engine_schedule(r->e, w > red ? w : red, PRIO_NORMAL, cta_done, r, arg);
        return;
    }
    uint64_t slot = (cta * 4) % (REDUCE_STAGING_BYTES - STAGE_OFF);
    uint64_t w = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->out_addr + STAGE_OFF + slot, 1, 4, 4, MEM_WRITE, red);
    if (red + r->fence_ps > w) w = red + r->fence_ps;
    bd_book(r->ex, BD_SYNC, red, w);
    engine_schedule(r->e, w, PRIO_NORMAL, visible, r, arg);
}

static void start_cta(void *ctx, int smi, uint64_t cta, uint64_t t)
{
    rd_run *r = ctx;
    uint64_t first, n = cta_elems(r, cta, &first);
    uint64_t ready = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->in_addr + first * r->eb, 1, n * r->eb, n * r->eb,
                                  MEM_L1 | MEM_MSHR, t);
    bd_book(r->ex, BD_MEM, t, ready);
    engine_schedule(r->e, ready, PRIO_NORMAL, data_in, r, pack(cta, smi));
}

static void finished(void *ctx, uint64_t t)
{
    rd_run *r = ctx;
    kernel_finish(r->ex, t);
}

static int start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    const reduce_params *p = ex->op->params;
    const gpu_config *cfg = gpu_cfg(ex->g);
    rd_run *r = calloc(1, sizeof *r);
    if (!r) return GPUSIM_EFAIL;
    r->ex = ex;
    r->g = ex->g;
    r->e = gpu_engine(ex->g);
    r->elems = (uint64_t)p->elems;
    r->eb = (uint64_t)dtype_bytes(p->dtype);
    /* block: REDUCE_THREADS threads, fewer (a power of two, at least a warp) for a short input */
    uint64_t threads = REDUCE_THREADS;
    while (threads > 32 && threads / 2 >= r->elems) threads /= 2;
    /* values per thread with one CTA; split over CTAs when that is large (setReduceConfig) */
    uint64_t vpt = (r->elems + threads - 1) / threads, ctas = 1;
    if (vpt >= REDUCE_GLOBAL_MIN_VALUES) {
        uint64_t wave = (uint64_t)gpu_sm_count(ex->g) * REDUCE_CTAS_PER_SM;
        uint64_t by_min = (vpt + REDUCE_MIN_VALUES - 1) / REDUCE_MIN_VALUES;
        uint64_t by_max = (vpt + REDUCE_GLOBAL_MIN_VALUES - 1) / REDUCE_GLOBAL_MIN_VALUES;
        ctas = wave < by_min ? wave : by_min;
        if (by_max > ctas) ctas = by_max;
    }
    r->per_cta = (r->elems + ctas - 1) / ctas;
    r->threads = (double)threads;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    double loads = ceil((double)r->per_cta / (double)threads / REDUCE_VEC);
    r->loads = loads;
    r->chain_ps = clock_ps(&clk, loads * (double)cfg->cuda.dependent_op_cycles);
    r->block_ps = clock_ps(&clk, (double)cfg->sm.block_reduce_cycles);
    r->fence_ps = clock_ps(&clk, (double)cfg->sm.fence_cycles);
    r->kd.shape = (cta_shape){ (int64_t)threads, 32, 0 };
    r->kd.ctas = (r->elems + r->per_cta - 1) / r->per_cta;
    r->kd.ctx = r;
    r->kd.start_cta = start_cta;
    r->kd.finished = finished;
    bd_set_slots(ex, kernel_slots(ex->g, &r->kd));
    kernel_keep_state(ex, r, free);
    return cta_sched_launch(gpu_sched(ex->g), &r->kd, t);
}

const op_type op_reduce = {
    .name = "reduce",
    .syntax = "reduce name=loss elems=4194304 dtype=fp16",
    .doc = "A full reduction to one value (torch.sum), as PyTorch's reduce_kernel runs it: 512-thread "
           "CTAs; a large input is split over at most 4 CTAs per SM, each adds its slice (fp32), reduces "
           "across its block (sm.block_reduce_cycles), writes its partial, fences and increments a "
           "semaphore; the last CTA reduces the partials (ops/op_reduce.c).",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(reduce_params),
    .flags = OPF_KERNEL,
    .check = check,
    .flops = flops,
    .footprint = footprint,
    .buffers = buffers,
    .start = start,
};
