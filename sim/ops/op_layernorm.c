/*
 * op_layernorm.c: the `layernorm` op kind, row and kernel.
 *
 * Modeled: a memory-bound row-wise kernel, as PyTorch's vectorized layer norm
 * is: it reads the input once (the row statistics stay in registers), reads
 * gamma and beta, does LAYERNORM_FLOPS_PER_ELEM in fp32 on the CUDA cores and
 * writes the output. It runs on the element-wise machinery (kernels/eltwise.c:
 * one input, one output, 1024-element CTAs, MSHR-bounded loads) with those
 * counts; gamma and beta (2 x cols elements) are read once through the L2 as
 * the kernel starts, and the op ends when both are done.
 * Approximated: the CTA shape is the element-wise one, not one row per CTA;
 * the warp reductions of the row statistics cost nothing beyond their FLOPs;
 * the re-reads of gamma and beta by every CTA hit in L1/L2 and are not timed.
 * Not validated against hardware (no layer-norm measurements in shared/hw).
 */
#include "ops/op_layernorm.h"
#include "engine/errors.h"

#include <stdlib.h>

#include "kernels/kernel.h"

#define MAX_DIM (1LL << 31)

static const op_key keys[] = {
    OP_INT_REQ(layernorm_params, rows, "rows", 1, MAX_DIM, "rows (tokens), each normalised on its own"),
    OP_INT_REQ(layernorm_params, cols, "cols", 1, MAX_DIM, "elements per row (the hidden size); gamma and beta have as many"),
    OP_DTYPE(layernorm_params, dtype, DT_FP16, "type of the input, output, gamma and beta: fp16, bf16 or fp32"),
};

static int check(const void *params, char *msg, size_t len)
{
    const layernorm_params *p = params;
    return op_check_rows("layernorm", p->rows, p->cols, p->dtype, msg, len);
}

static double flops(const void *params)
{
    const layernorm_params *p = params;
    return (double)p->rows * (double)p->cols * LAYERNORM_FLOPS_PER_ELEM;
}

static void buffers(const void *params, op_buffers *b)
{
    const layernorm_params *p = params;
    uint64_t eb = (uint64_t)dtype_bytes(p->dtype);
    b->in_bytes = (uint64_t)p->rows * (uint64_t)p->cols * eb;
    b->extra_bytes = 2 * (uint64_t)p->cols * eb;   /* gamma, beta */
    b->out_bytes = b->in_bytes;
}

static uint64_t footprint(const void *params)
{
    op_buffers b = { 0, 0, 0 };
    buffers(params, &b);
    return b.in_bytes + b.extra_bytes + b.out_bytes;
}

/* The op ends when the element-wise grid and the gamma/beta read are both done. */
typedef struct ln_run {
    op_done_fn done;         /* the runner's */
    void *done_ctx;
    uint64_t affine_ps;      /* gamma and beta are in */
} ln_run;

static void grid_done(void *ctx, op_exec *ex, uint64_t t)
{
    ln_run *l = ctx;
    uint64_t end = t > l->affine_ps ? t : l->affine_ps;
    kernel_swap_done(ex, l->done, l->done_ctx, NULL, NULL);
    free(l);
    ex->done(ex->done_ctx, ex, end);
}

static int start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    const layernorm_params *p = ex->op->params;
    uint64_t eb = (uint64_t)dtype_bytes(p->dtype);
    ln_run *l = malloc(sizeof *l);
    if (!l) return GPUSIM_EFAIL;
    uint64_t affine = 2 * (uint64_t)p->cols * eb;
    l->affine_ps = gpu_mem_rows(ex->g, ex->id, 0, ex->w_addr, 1, affine, affine, 0, t);
    kernel_swap_done(ex, grid_done, l, &l->done, &l->done_ctx);
    eltwise_work w = { .elems = (uint64_t)p->rows * (uint64_t)p->cols, .eb = eb, .nin = 1, .nout = 1,
                       .flops = LAYERNORM_FLOPS_PER_ELEM, .dt = DT_FP32 };
    int rc = eltwise_launch(ex, t, &w);
    if (rc) {
        kernel_swap_done(ex, l->done, l->done_ctx, NULL, NULL);
        free(l);
    }
    return rc;
}

const op_type op_layernorm = {
    .name = "layernorm",
    .syntax = "layernorm name=ln1 rows=4096 cols=4096 dtype=bf16",
    .doc = "Layer normalisation over the last dimension, y = (x - mean) / sqrt(var + eps) * gamma + beta: a "
           "memory-bound row-wise kernel that reads x once plus gamma and beta and writes y, with "
           "8 fp32 FLOPs per element, run on the element-wise machinery (ops/op_layernorm.c). x is the "
           "stream's previous output when that is large enough. Not validated against hardware.",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(layernorm_params),
    .flags = OPF_KERNEL,
    .check = check,
    .flops = flops,
    .footprint = footprint,
    .buffers = buffers,
    .start = start,
};
