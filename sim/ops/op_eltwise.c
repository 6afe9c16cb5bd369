/*
 * op_eltwise.c: the `eltwise` row. The kernel (CTAs, loads, CUDA-core
 * arithmetic, stores) is kernels/eltwise.c; this file says what it is given.
 */
#include "ops/op_eltwise.h"

#include "kernels/kernel.h"

#define MAX_ELEMS (1LL << 50)

static const op_key keys[] = {
    OP_INT_REQ(eltwise_params, elems, "elems", 1, MAX_ELEMS, "elements of each input and output"),
    OP_DTYPE(eltwise_params, dtype, DT_FP16, "element type"),
    OP_INT(eltwise_params, in, "in", 0, 16, 1, NULL, "inputs read per element"),
    OP_INT(eltwise_params, out, "out", 0, 16, 1, NULL, "outputs written per element"),
    OP_NUM(eltwise_params, flops_per_elem, "flops", 0, 1e6, 1, "per element", "arithmetic per element, on the CUDA cores at the fp32 rate (PyTorch computes 16-bit tensors in float); PyTorch activations measured on the H100: gelu 97, silu 86, sigmoid 81, tanh 70, gelu_backward 129 (sim/import/eltwise_costs.c)"),
    OP_CHOICE(eltwise_params, src, "src", op_mem_choices, OP_MEM_DEVICE,
              "where the inputs live: `host` = mapped pinned host memory, read over PCIe by the kernel (zero-copy)"),
    OP_CHOICE(eltwise_params, dst, "dst", op_mem_choices, OP_MEM_DEVICE,
              "where the outputs go: `host` = mapped pinned host memory, written over PCIe (posted; zero-copy)"),
    OP_INT(eltwise_params, ctas, "ctas", 0, 1048576, 0, "one CTA per 1024 elements",
           "a fixed grid of this many CTAs, each looping over every ctas-th 1024-element slice (grid-stride)"),
};

static double flops(const void *params)
{
    const eltwise_params *p = params;
    return (double)p->elems * p->flops_per_elem;
}

static uint64_t footprint(const void *params)
{
    const eltwise_params *p = params;
    /* operands in host memory take no device memory */
    int on_dev = (p->src == OP_MEM_HOST ? 0 : p->in) + (p->dst == OP_MEM_HOST ? 0 : p->out);
    return (uint64_t)((double)p->elems * dtype_bytes(p->dtype) * (double)on_dev);
}

static void buffers(const void *params, op_buffers *b)
{
    const eltwise_params *p = params;
    uint64_t bytes = (uint64_t)p->elems * (uint64_t)dtype_bytes(p->dtype);
    b->in_bytes = bytes;
    if (p->in > 1) b->extra_bytes = bytes * (uint64_t)(p->in - 1);
    b->out_bytes = bytes * (uint64_t)(p->out ? p->out : 1);
}

static int start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    const eltwise_params *p = ex->op->params;
    eltwise_work w = { .elems = (uint64_t)p->elems, .eb = (uint64_t)dtype_bytes(p->dtype), .nin = p->in, .nout = p->out,
                       .flops = p->flops_per_elem, .dt = p->dtype, .src_host = p->src == OP_MEM_HOST,
                       .dst_host = p->dst == OP_MEM_HOST, .ctas = (uint64_t)p->ctas };
    return eltwise_launch(ex, t, &w);
}

const op_type op_eltwise = {
    .name = "eltwise",
    .syntax = "eltwise name=relu1 elems=8192 dtype=fp16 flops=1",
    .doc = "An element-wise kernel (PyTorch's vectorized kernels: 128-thread CTAs, 8 elements per thread): "
           "reads `in` inputs, does `flops` per element, writes `out` outputs (kernels/eltwise.c). The first "
           "input is the stream's previous output when that is large enough. `src=host` / `dst=host`: "
           "zero-copy, the kernel reads / writes mapped pinned host memory over PCIe (arch/pcie.h).",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(eltwise_params),
    .flags = OPF_KERNEL,
    .flops = flops,
    .footprint = footprint,
    .buffers = buffers,
    .start = start,
};
