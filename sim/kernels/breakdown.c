/* breakdown.c: the label table and the splits (see breakdown.h). */
#include "kernels/breakdown.h"

const bd_row bd_labels[BD_N] = {
    [BD_LAUNCH] = { "launch", "host launch latency and gaps between kernels (eager or graph), the kernel tail, "
                              "gaps between repeat= iterations" },
    [BD_HOST] = { "host", "host work of a `cpu` op" },
    [BD_TAIL] = { "tail", "CTA launch and prologue, wave quantisation and SM imbalance: time some CTA slots sat idle "
                          "while the kernel ran" },
    [BD_COMPUTE] = { "compute", "tensor-core or CUDA-core issue, timed at gpu.clock_mhz" },
    [BD_CLOCK] = { "clock", "issue time lost because the (power- or thermally-capped) clock ran below gpu.clock_mhz" },
    [BD_SMEM] = { "smem", "L1 / shared memory (a TMA epilogue's shared-memory write)" },
    [BD_L2] = { "l2", "waits for data while the L2 slices were busy (L2 bandwidth)" },
    [BD_DRAM] = { "dram", "waits for data while the DRAM was busy (DRAM bandwidth); a cache flush" },
    [BD_LATENCY] = { "latency", "memory latency not hidden: waits for data while neither DRAM nor L2 was busy; "
                                "a dependent-load chase; a stream with too few requests in flight" },
    [BD_PCIE] = { "pcie", "host-device copies over PCIe (their setup latency, pageable staging and the transfer); a kernel's "
                          "zero-copy reads and writes of host memory" },
    [BD_SYNC] = { "sync", "barriers and issue spacing between a GEMM's k-tiles; a softmax's reductions" },
};

void bd_split_iteration(const double waits[BD_RAW_N], uint64_t slots, uint64_t D_ps, double parts_ps[BD_RAW_N])
{
    double sum = 0;
    for (int i = 0; i < BD_RAW_N; i++) sum += waits[i];
    double D = (double)D_ps;
    if (sum <= 0) { parts_ps[BD_TAIL] += D; return; }
    double B = sum / (double)(slots ? slots : 1);
    if (B > D) B = D;
    parts_ps[BD_TAIL] += D - B;
    for (int i = 0; i < BD_RAW_N; i++) parts_ps[i] += B * waits[i] / sum;
}

void bd_finish(double p[BD_RAW_N], double mean_mhz, double nominal_mhz, double u_dram, double u_l2)
{
    if (mean_mhz > 0 && nominal_mhz > 0 && mean_mhz < nominal_mhz) {
        double at_nominal = p[BD_COMPUTE] * mean_mhz / nominal_mhz;
        p[BD_CLOCK] += p[BD_COMPUTE] - at_nominal;
        p[BD_COMPUTE] = at_nominal;
    }
    double fd = u_dram < 0 ? 0 : u_dram > 1 ? 1 : u_dram;
    double fl = u_l2 < 0 ? 0 : u_l2 > 1 ? 1 : u_l2;
    double m = p[BD_MEM];
    p[BD_DRAM] += m * fd;
    p[BD_L2] += m * (1 - fd) * fl;
    p[BD_LATENCY] += m * (1 - fd) * (1 - fl);
    p[BD_MEM] = 0;
}

int bd_largest(const double p[BD_RAW_N])
{
    int best = -1;
    for (int i = 0; i < BD_N; i++)
        if (p[i] > 0 && (best < 0 || p[i] > p[best])) best = i;
    return best;
}
