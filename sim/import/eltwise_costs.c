/* eltwise_costs.c: see eltwise_costs.h.
 * Measured (analysis/hw/h100_s8/act.csv): each activation's kernel on 4 Mi fp16 elements whose
 * tensors stay in L2, where relu, add, mul and threshold_backward all take 4.0-4.1 us (the memory
 * floor) and a kernel that issues more arithmetic per element takes longer: its time x 132 SMs x
 * 1980 MHz / elements = SM clocks per element, x 256 (fp32 flops an SM issues a clock: 4 x 32
 * lanes x an FMA's 2) = the flops below. The same kernels on 64 Mi elements from DRAM are within
 * 0-7% of relu's (DRAM-bound); the FFN profile's gelu (L2-resident, 12.6 us for 8 Mi) checks
 * gelu's. The rest are estimates from the operation count. */
#include "import/eltwise_costs.h"

#include <string.h>

static const struct { const char *op; double flops; } costs[] = {
    { "gelu", 97 },                   /* 6.10 us at 4 Mi (0.380 clocks an element) */
    { "gelu_backward", 129 },         /* 8.11 us (0.505) */
    { "silu", 86 },                   /* 5.37 us (0.335) */
    { "silu_backward", 97 },          /* 6.07 us (0.378) */
    { "sigmoid", 81 },                /* 5.06 us (0.315) */
    { "tanh", 70 },                   /* 4.39 us (0.274) */
    { "exp", 2 },                     /* 3.84 us: at the memory floor */
    { "log", 2 }, { "softmax", 5 }, { "_softmax", 5 }, { "log_softmax", 5 }, { "_log_softmax", 5 },
    { "_softmax_backward_data", 3 }, { "native_layer_norm", 8 }, { "layer_norm", 8 },
    { "native_layer_norm_backward", 12 }, { "rms_norm", 6 }, { "_fused_rms_norm", 6 }, { "lerp_", 3 },
    { "_foreach_lerp_", 3 }, { "addcmul_", 2 }, { "_foreach_addcmul_", 2 }, { "addcdiv_", 2 },
    { "_foreach_addcdiv_", 2 }, { "_fused_adam_", 12 }, { "_fused_adamw_", 13 }, { "copy_", 0 }, { "fill_", 0 },
    { "zero_", 0 }, { "_to_copy", 0 }, { "mse_loss", 2 }, { "mse_loss_backward", 3 },
};

double eltwise_flops_per_elem(const char *n)
{
    if (!strncmp(n, "aten::", 6)) n += 6;
    for (size_t i = 0; i < sizeof costs / sizeof costs[0]; i++)
        if (!strcmp(n, costs[i].op)) return costs[i].flops;
    return 1;
}
