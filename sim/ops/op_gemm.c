/*
 * op_gemm.c: the `gemm` row: keys, checks, FLOPs, footprint and buffers of a
 * GEMM. How it runs (mapping, tiles, CTAs) is kernels/gemm.c and gemm_map.c.
 */
#include "ops/op_gemm.h"
#include "engine/errors.h"

#include <stdio.h>
#include <string.h>

#include "host/host.h"
#include "kernels/kernel.h"

#define MAX_DIM (1LL << 31)

static int parse_tile(void *params, const char *v)
{
    gemm_params *p = params;
    long long a, b, c;
    char tail;
    if (sscanf(v, "%lldx%lldx%lld%c", &a, &b, &c, &tail) != 3 || a < 1 || b < 1 || c < 1 || a > 1024 || b > 1024 || c > 1024)
        return GPUSIM_EINPUT;
    p->tile_m = (int32_t)a; p->tile_n = (int32_t)b; p->tile_k = (int32_t)c;
    return 0;
}

static int parse_layout(void *params, const char *v)
{
    gemm_params *p = params;
    if (v[0] != 'n' && v[0] != 't') return GPUSIM_EINPUT;
    if (v[1] != 'n' && v[1] != 't') return GPUSIM_EINPUT;
    if (v[2]) return GPUSIM_EINPUT;
    p->trans_a = v[0] == 't';
    p->trans_b = v[1] == 't';
    return 0;
}

static int parse_src(void *params, const char *v)
{
    gemm_params *p = params;
    static const char *const names[] = { "device", "host", "a", "b" };
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, names[i])) {
            p->host_a = i == 1 || i == 2;
            p->host_b = i == 1 || i == 3;
            return 0;
        }
    return GPUSIM_EINPUT;
}

static const op_key keys[] = {
    OP_INT_REQ(gemm_params, m, "m", 1, MAX_DIM, "rows of A and C"),
    OP_INT_REQ(gemm_params, n, "n", 1, MAX_DIM, "columns of B and C"),
    OP_INT_REQ(gemm_params, k, "k", 1, MAX_DIM, "columns of A, rows of B (the reduction)"),
    OP_DTYPE(gemm_params, dtype, DT_FP16, "operand type; fp32 runs on the CUDA cores (SIMT), the others on tensor cores; "
                                         "C is fp32 for fp32 and tf32, else 16-bit"),
    OP_CUSTOM("layout", parse_layout, "nn, nt, tn or tt (A then B; t = stored transposed)", "nn",
              "operand storage: `nt` = B stored transposed, as `nn.Linear` computes"),
    OP_CUSTOM("tile", parse_tile, "MxNxK with each in [1, 1024]", "chosen",
              "CTA tile; with it, the mapping is explicit (else the simulator picks a kernel family and a tile as cuBLAS would)"),
    OP_INT(gemm_params, stages, "stages", 1, 16, 0, "3 with tile=, else chosen", "k-tiles prefetched into shared memory ahead of use (1 = none: no asynchronous copies, tiles load through registers)"),
    OP_INT(gemm_params, warps, "warps", 1, 32, 0, "4 with tile=, else chosen", "warps per CTA"),
    OP_INT(gemm_params, group_m, "group_m", 1, 1024, 0, "1 with tile=, else chosen", "CTA swizzle for L2 reuse: tiles of group_m rows run together (1 = plain order)"),
    OP_INT(gemm_params, split_k, "split_k", 1, 256, 0, "chosen", "splits of k over CTAs, reduced by a second pass"),
    OP_CUSTOM("src", parse_src, "device, host (A and B), a or b", "device",
              "operands in mapped pinned host memory, read over PCIe by every CTA that needs them (zero-copy; "
              "not cached in L2)"),
    OP_CHOICE(gemm_params, dst, "dst", op_mem_choices, OP_MEM_DEVICE,
              "where C goes: `host` = mapped pinned host memory, written over PCIe (posted; zero-copy)"),
    OP_INT(gemm_params, bias, "bias", 0, 1, 0, "0", "1 = a bias vector is added to C (addmm, nn.Linear with a bias): "
           "free in the tensor-core kernels' epilogue; fp32 takes cuBLAS's bias paths (tiny GEMMs: scal + "
           "sgemm_largek + a bias kernel; no two-kernel sm80 split-K)"),
};

static int check(const void *params, char *msg, size_t len)
{
    const gemm_params *p = params;
    double mnk = (double)p->m * (double)p->n * (double)p->k;
    if (mnk > 9.0e18) { snprintf(msg, len, "m*n*k = %.3g overflows (at most 9e18)", mnk); return GPUSIM_EINPUT; }
    if (p->tile_m && (int64_t)p->tile_m * p->tile_n > 65536) {
        snprintf(msg, len, "tile: %lldx%lld outputs per CTA is more than 65536", (long long)p->tile_m, (long long)p->tile_n);
        return GPUSIM_EINPUT;
    }
    return 0;
}

static double flops(const void *params)
{
    const gemm_params *p = params;
    return 2.0 * (double)p->m * (double)p->n * (double)p->k;
}

static uint64_t footprint(const void *params)
{
    const gemm_params *p = params;
    double eb = dtype_bytes(p->dtype);
    /* operands in host memory take no device memory */
    return (uint64_t)(((p->host_a ? 0 : (double)p->m * p->k) + (p->host_b ? 0 : (double)p->k * p->n)) * eb +
                      (p->dst == OP_MEM_HOST ? 0 : (double)p->m * p->n * 4));
}

static void buffers(const void *params, op_buffers *b)
{
    const gemm_params *p = params;
    uint64_t eb = (uint64_t)dtype_bytes(p->dtype);
    b->in_bytes = (uint64_t)p->m * (uint64_t)p->k * eb;
    b->extra_bytes = (uint64_t)p->k * (uint64_t)p->n * eb;
    /* C, and with split-K as much again for the fp32 partials */
    b->out_bytes = (uint64_t)p->m * (uint64_t)p->n * (p->dtype == DT_FP32 || p->dtype == DT_TF32 ? 4 : 2) *
                   (uint64_t)(p->split_k > 1 ? 2 : 1);
}

const op_type op_gemm = {
    .name = "gemm",
    .syntax = "gemm name=fc1 m=64 n=128 k=784 dtype=fp16",
    .doc = "C[m,n] = A[m,k] x B[k,n], row-major: tiles -> CTAs -> k-tile loads at real addresses and MMAs "
           "(kernels/gemm.c). A reads the stream's previous output when it is large enough.",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(gemm_params),
    .flags = OPF_KERNEL,
    .host_call = HOST_CALL_GEMM,
    .check = check,
    .flops = flops,
    .footprint = footprint,
    .buffers = buffers,
    .start = gemm_start,
};
