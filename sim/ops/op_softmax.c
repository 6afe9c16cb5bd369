/*
 * op_softmax.c: the `softmax` op kind, row and kernel.
 *
 * Modeled (as PyTorch runs a row softmax, analysis/hw/h100_s3/softmax.csv):
 * - rows of up to SOFTMAX_WARP_MAX_COLS elements: one warp per row (two for rows of
 *   up to 128), four warps per 128-thread CTA; the row's max and sum are warp
 *   shuffles (sm.warp_reduce_cycles each);
 * - longer rows: one 1024-thread CTA per row; the max and the sum are block-wide
 *   reductions through shared memory with barriers (sm.block_reduce_cycles each).
 * Per CTA: its rows are read once through L1/L2/DRAM (bounded by the SM's MSHRs),
 * then the two reductions run one after the other, the exponentials
 * (SOFTMAX_FLOPS_PER_ELEM in fp32) run on the CUDA cores of the SM's
 * sub-partitions (throughput), but no faster than one thread's chain of
 * dependent operations over its elements of the row (cuda.dependent_op_cycles
 * each: a warp alone on a long row is latency-bound), and the rows are written. CTAs are placed by the CTA scheduler
 * under the occupancy limits, so the reductions' latency overlaps only with the
 * other CTAs resident on the SM: that is what makes a softmax slower than its bytes.
 * Events per CTA: two (data in, stores accepted).
 */
#include "ops/op_softmax.h"
#include "engine/errors.h"

#include <math.h>
#include <stdlib.h>

#include "kernels/kernel.h"

#define MAX_DIM (1LL << 31)
#define WARP_CTA_WARPS 4
#define BLOCK_CTA_THREADS 1024

static const op_key keys[] = {
    OP_INT_REQ(softmax_params, rows, "rows", 1, MAX_DIM, "rows, each normalised on its own"),
    OP_INT_REQ(softmax_params, cols, "cols", 1, MAX_DIM, "elements per row (the softmax dimension)"),
    OP_DTYPE(softmax_params, dtype, DT_FP16, "type of the input and output: fp16, bf16 or fp32"),
};

static int check(const void *params, char *msg, size_t len)
{
    const softmax_params *p = params;
    return op_check_rows("softmax", p->rows, p->cols, p->dtype, msg, len);
}

static double flops(const void *params)
{
    const softmax_params *p = params;
    return (double)p->rows * (double)p->cols * SOFTMAX_FLOPS_PER_ELEM;
}

static void buffers(const void *params, op_buffers *b)
{
    const softmax_params *p = params;
    b->in_bytes = (uint64_t)p->rows * (uint64_t)p->cols * (uint64_t)dtype_bytes(p->dtype);
    b->out_bytes = b->in_bytes;
}

static uint64_t footprint(const void *params)
{
    op_buffers b = { 0, 0, 0 };
    buffers(params, &b);
    return b.in_bytes + b.out_bytes;
}

typedef struct sm_run {
    op_exec *ex;
    gpu *g;
    engine *e;
    kernel_desc kd;
    uint64_t rows, row_bytes, rows_per_cta;
    double flops_per_row;
    uint64_t reduce_ps;      /* the two reductions, one after the other */
    uint64_t chain_ps;       /* one thread's dependent arithmetic over its elements of a row */
} sm_run;

static uint64_t pack(uint64_t cta, int smi) { return (cta << 13) | (uint64_t)smi; }

static uint64_t cta_rows(const sm_run *r, uint64_t cta, uint64_t *first)
{
    *first = cta * r->rows_per_cta;
    uint64_t left = r->rows - *first;
    return left < r->rows_per_cta ? left : r->rows_per_cta;
}

static void cta_done(void *ctx, uint64_t arg)
{
    sm_run *r = ctx;
    cta_sched_done(gpu_sched(r->g), &r->kd, (int)(arg & 8191), engine_now(r->e));
}

static void data_in(void *ctx, uint64_t arg)
{
    sm_run *r = ctx;
    uint64_t t = engine_now(r->e), cta = arg >> 13, first;
    int smi = (int)(arg & 8191);
    uint64_t n = cta_rows(r, cta, &first);
    sm *s = gpu_sm(r->g, smi);
    uint64_t done = t + r->chain_ps + r->reduce_ps;
    int nsp = (int)gpu_cfg(r->g)->sm.subpartitions;
    double per_sp = r->flops_per_row * (double)n / (double)nsp;
    for (int sp = 0; sp < nsp; sp++) {
        uint64_t d = sm_fma(s, sp, DT_FP32, per_sp, 1.0, t);
        if (d + r->reduce_ps > done) done = d + r->reduce_ps;
    }
    uint64_t w = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->out_addr + first * r->row_bytes, 1, n * r->row_bytes, n * r->row_bytes,
                              MEM_WRITE, done);
    bd_book(r->ex, BD_COMPUTE, t, done - r->reduce_ps);
    bd_book(r->ex, BD_SYNC, done - r->reduce_ps, done);
    bd_book(r->ex, BD_MEM, done, w);
    engine_schedule(r->e, w > done ? w : done, PRIO_NORMAL, cta_done, r, arg);
}

static void start_cta(void *ctx, int smi, uint64_t cta, uint64_t t)
{
    sm_run *r = ctx;
    uint64_t first, n = cta_rows(r, cta, &first);
    uint64_t ready = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->in_addr + first * r->row_bytes, 1, n * r->row_bytes,
                                  n * r->row_bytes, MEM_L1 | MEM_MSHR, t);
    bd_book(r->ex, BD_MEM, t, ready);
    engine_schedule(r->e, ready, PRIO_NORMAL, data_in, r, pack(cta, smi));
}

static void finished(void *ctx, uint64_t t)
{
    sm_run *r = ctx;
    kernel_finish(r->ex, t);
}

static int start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    const softmax_params *p = ex->op->params;
    const gpu_config *cfg = gpu_cfg(ex->g);
    sm_run *r = calloc(1, sizeof *r);
    if (!r) return GPUSIM_EFAIL;
    r->ex = ex;
    r->g = ex->g;
    r->e = gpu_engine(ex->g);
    r->rows = (uint64_t)p->rows;
    r->row_bytes = (uint64_t)p->cols * (uint64_t)dtype_bytes(p->dtype);
    r->flops_per_row = SOFTMAX_FLOPS_PER_ELEM * (double)p->cols;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    if (p->cols <= SOFTMAX_WARP_MAX_COLS) {
        r->rows_per_cta = WARP_CTA_WARPS * (p->cols <= 128 ? 2 : 1);
        r->kd.shape = (cta_shape){ WARP_CTA_WARPS * 32, 32, 0 };
        r->reduce_ps = 2 * clock_ps(&clk, (double)cfg->sm.warp_reduce_cycles);
        r->chain_ps = clock_ps(&clk, ceil((double)p->cols / 32.0) * SOFTMAX_FLOPS_PER_ELEM * (double)cfg->cuda.dependent_op_cycles);
    } else {
        r->rows_per_cta = 1;
        r->kd.shape = (cta_shape){ BLOCK_CTA_THREADS, 32, 0 };
        r->reduce_ps = 2 * clock_ps(&clk, (double)cfg->sm.block_reduce_cycles);
        r->chain_ps = clock_ps(&clk, ceil((double)p->cols / BLOCK_CTA_THREADS) * SOFTMAX_FLOPS_PER_ELEM *
                                         (double)cfg->cuda.dependent_op_cycles);
    }
    r->kd.ctas = (r->rows + r->rows_per_cta - 1) / r->rows_per_cta;
    r->kd.ctx = r;
    r->kd.start_cta = start_cta;
    r->kd.finished = finished;
    bd_set_slots(ex, kernel_slots(ex->g, &r->kd));
    kernel_keep_state(ex, r, free);
    return cta_sched_launch(gpu_sched(ex->g), &r->kd, t);
}

const op_type op_softmax = {
    .name = "softmax",
    .syntax = "softmax name=attn rows=16384 cols=4096 dtype=fp16",
    .doc = "Row softmax over the last dimension, as PyTorch runs it: one warp per row for rows of up to "
           "1024 elements, else one 1024-thread CTA per row; each row is read once and written once, "
           "with two reductions (max, sum: sm.warp_reduce_cycles or sm.block_reduce_cycles each) and "
           "21 fp32 operations per element (ops/op_softmax.c). x is the stream's previous output when "
           "that is large enough. Checked against analysis/hw/h100_s3/softmax.csv.",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(softmax_params),
    .flags = OPF_KERNEL,
    .check = check,
    .flops = flops,
    .footprint = footprint,
    .buffers = buffers,
    .start = start,
};
