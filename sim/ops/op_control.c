/*
 * op_control.c: the rows of `sync` (the host waits for every stream), `flush`
 * (write back and invalidate every cache, kernels/micro.c) and `mode` (how the
 * host launches what follows: host/host.h).
 */
#include "ops/op_control.h"

#include "host/host.h"
#include "kernels/kernel.h"

const op_type op_sync = {
    .name = "sync",
    .syntax = "sync",
    .doc = "The host waits until every stream is idle (cudaDeviceSynchronize).",
    .flags = OPF_WAIT_ALL,
};

const op_type op_flush = {
    .name = "flush",
    .syntax = "flush",
    .doc = "Writes back dirty lines and invalidates the L1s and the L2, as a benchmark does between repetitions.",
    .start = flush_start,
};

static const char *const modes[] = { "graph", "eager", NULL };

static const op_key mode_keys[] = {
    OP_CHOICE_REQ(mode_params, mode, "mode", modes, "graph: CUDA-graph replay (one submission, a small gap between "
                                                   "kernels); eager: a launch gap per kernel (config section host)"),
};

static void mode_host(struct host *h, const void *params)
{
    host_set_mode(h, ((const mode_params *)params)->mode == LAUNCH_GRAPH);
}

const op_type op_mode = {
    .name = "mode",
    .syntax = "mode graph",
    .doc = "How the host launches the ops that follow, `mode graph` or `mode eager` (the default).",
    .keys = OP_KEYS(mode_keys),
    .params_size = sizeof(mode_params),
    .flags = OPF_WORD,
    .host = mode_host,
};
