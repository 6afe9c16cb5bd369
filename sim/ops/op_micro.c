/*
 * op_micro.c: the rows of the microbenchmark ops that reproduce
 * ../shared/hw/h100/latency.csv (`chase`) and bw_vs_sms.csv (`stream`).
 * Both are timed inside the kernel, as those benchmarks are: no kernel tail.
 */
#include "ops/op_micro.h"
#include "engine/errors.h"

#include <stdio.h>

#include "kernels/kernel.h"

#define MAX_BYTES (1LL << 50)

static const op_key chase_keys[] = {
    OP_INT_REQ(chase_params, footprint, "footprint", 128, MAX_BYTES, "bytes the chain walks through, one line per hop"),
    OP_INT_REQ(chase_params, hops, "hops", 1, 100000000, "timed dependent loads"),
    OP_INT(chase_params, warmup, "warmup", 0, 100000000, 0, "one pass over the footprint, at most 2^20",
           "untimed loads first"),
    OP_CHOICE(chase_params, src, "src", op_mem_choices, OP_MEM_DEVICE,
              "where the chain lives: `host` = mapped pinned host memory, each hop a zero-copy read over PCIe"),
};

static uint64_t chase_footprint(const void *params)
{
    const chase_params *p = params;
    return p->src == OP_MEM_HOST ? 0 : (uint64_t)p->footprint;
}

static void chase_buffers(const void *params, op_buffers *b) { b->in_bytes = chase_footprint(params); }

const op_type op_chase = {
    .name = "chase",
    .syntax = "chase footprint=65536 hops=100000",
    .doc = "Pointer chase: one thread on SM 0 follows a chain through `footprint` bytes in a pseudo-random "
           "cyclic order, each load depending on the previous one; `ns_per_load` in the results is the mean "
           "of the timed hops.",
    .keys = OP_KEYS(chase_keys),
    .params_size = sizeof(chase_params),
    .flags = OPF_KERNEL | OPF_TIMED_INSIDE,
    .footprint = chase_footprint,
    .buffers = chase_buffers,
    .start = chase_start,
};

static const op_key stream_keys[] = {
    OP_INT_REQ(stream_params, bytes, "bytes", 1, MAX_BYTES, "bytes read"),
    OP_INT_REQ(stream_params, sms, "sms", 1, 4096, "SMs that read (one 1024-thread CTA each), at most gpu.sm_count"),
    OP_INT(stream_params, region, "region", 0, MAX_BYTES, 0, "0",
           "0: one grid-stride pass over `bytes`; else SM s reads region s / share (this many bytes, from the "
           "buffer's start) once untimed, then `passes` times timed: the L2-resident reads of "
           "analysis/hw/h100_s14/l2_bw.csv"),
    OP_INT(stream_params, passes, "passes", 1, 1000000, 1, "1", "region mode: timed passes over each region"),
    OP_INT(stream_params, share, "share", 1, 4096, 1, "1", "region mode: SMs reading the same region"),
};

static uint64_t stream_footprint(const void *params) { return (uint64_t)((const stream_params *)params)->bytes; }

static void stream_buffers(const void *params, op_buffers *b) { b->in_bytes = stream_footprint(params); }

static int stream_fits(const gpu_config *cfg, const void *params, char *msg, size_t len)
{
    const stream_params *p = params;
    if (p->region && (p->sms + p->share - 1) / p->share * p->region > p->bytes) {
        long long n = (long long)((p->sms + p->share - 1) / p->share);
        snprintf(msg, len, "region: %lld regions of %lld bytes need bytes >= %lld (bytes=%lld)", n,
                 (long long)p->region, n * (long long)p->region, (long long)p->bytes);
        return GPUSIM_EINPUT;
    }
    if (p->sms <= cfg->gpu.sm_count) return 0;
    snprintf(msg, len, "stream: sms=%lld is more than gpu.sm_count = %lld", (long long)p->sms, (long long)cfg->gpu.sm_count);
    return GPUSIM_EINPUT;
}

const op_type op_stream = {
    .name = "stream",
    .syntax = "stream bytes=67108864 sms=4",
    .doc = "A read of `bytes` by exactly `sms` SMs, grid-stride, each SM keeping as many 4 KiB batches in "
           "flight as its MSHRs allow (bandwidth against SM count); with `region=`, each SM reads its region "
           "(`share` SMs the same one) `passes` times after one untimed pass (L2 bandwidth against SMs and sharing).",
    .keys = OP_KEYS(stream_keys),
    .params_size = sizeof(stream_params),
    .flags = OPF_KERNEL | OPF_TIMED_INSIDE,
    .footprint = stream_footprint,
    .buffers = stream_buffers,
    .fits = stream_fits,
    .start = stream_start,
};
