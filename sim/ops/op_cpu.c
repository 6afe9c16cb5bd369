/*
 * op_cpu.c: the `cpu` op kind: the host thread works for `us` microseconds
 * (data loading, framework overhead, a CPU optimizer step, the host time an
 * imported profile spent between launches).
 *
 * Modeled: a host op (no device work). It advances the host thread's time
 * (host_busy, host/host.h); the GPU's streams keep running what was submitted
 * before it, and the ops after it are submitted when it ends (each eager launch
 * still pays host.eager_gap_us on top). In graph mode it ends the graph segment:
 * the ops after it are a new graph launch. A `sync` after it waits for the later
 * of the host and the streams. Its result row spans the host time it took
 * (bound "host"); it does not wait for anything itself.
 * Approximated: the host is one thread with a fixed time per op; CPU work does
 * not contend with the GPU for anything (no host-memory bandwidth shared with
 * pageable copies or zero-copy kernels, no CPU frequency effects).
 */
#include "ops/op_cpu.h"

#include "host/host.h"
#include "engine/engine.h"

static const op_key keys[] = {
    { "us", KEY_NUM, OP_F(cpu_params, us), 0, CPU_MAX_US, 1, 0, NULL, NULL, NULL, "us",
      "host time the op occupies, in microseconds" },
};

static void cpu_host(struct host *h, const void *params)
{
    host_busy(h, us_to_ps(((const cpu_params *)params)->us));
}

const op_type op_cpu = {
    .name = "cpu",
    .syntax = "cpu name=load us=120",
    .doc = "Work on the host thread for `us` microseconds (data loading, framework overhead, a CPU optimizer "
           "step). The GPU's streams keep running what was submitted before it; the ops after it are submitted "
           "when it ends (eager launches still pay `host.eager_gap_us` each; in graph mode it ends the graph "
           "segment). `stream=` is accepted and ignored: the host is one thread (ops/op_cpu.c).",
    .keys = OP_KEYS(keys),
    .params_size = sizeof(cpu_params),
    .host = cpu_host,
};
