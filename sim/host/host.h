/*
 * host.h: the host thread that launches ops, eagerly or by CUDA-graph replay.
 *
 * Modeled: eager launches cost host time per op (framework + driver), so short
 * kernels leave the GPU idle between them; a graph is launched once and its
 * kernels follow each other with a small GPU-side gap; a kernel on an idle GPU
 * starts `launch_latency` after the host submits it; an eagerly launched kernel
 * already queued behind its stream predecessor starts `kernel_setup` after that
 * predecessor ends (the front end processes the launch only then). Host work
 * of its own (the `cpu` op: data loading, framework overhead, a CPU optimizer
 * step) occupies the host thread while the GPU's streams keep running; what the
 * host submits after it is submitted when it ends.
 */
#ifndef GPUSIM_HOST_H
#define GPUSIM_HOST_H

#include <stdint.h>

#include "config/config.h"

/* What an eager launch calls on the host: a framework kernel launch (host.eager_gap_us),
 * a GEMM library call (cuBLAS heuristics and descriptors: host.eager_gemm_us) or a
 * memcpy call (cudaMemcpyAsync, no kernel set-up of the framework's: host.eager_copy_us). */
typedef enum host_call { HOST_CALL_KERNEL, HOST_CALL_GEMM, HOST_CALL_COPY, HOST_CALLS } host_call;

typedef struct host {
    uint64_t now_ps;          /* host thread time */
    int graph;                /* current launch mode */
    int graph_launched;       /* the current graph segment has been submitted */
    uint64_t graph_issue_ps;  /* when it was */
    uint64_t eager_gap_ps[HOST_CALLS];  /* host time per eager launch, by what it calls */
    uint64_t graph_gap_ps, latency_ps;
    uint64_t setup_ps;        /* GPU-side start of a kernel queued behind its stream predecessor (eager) */
    uint64_t busy_ps;         /* host thread time spent launching (eager calls, graph launches) and in cpu ops;
                                 not its waits (sync, pageable copies) */
} host;

void host_init(host *h, const gpu_config *cfg);
void host_set_mode(host *h, int graph);
/* The host submits the next op (an eager launch costs the host call's time);
 * returns its submit time and advances host time. */
uint64_t host_submit(host *h, host_call call);
/* The host submits an op that runs n times back to back (repeat=n): one launch
 * per iteration, so eager mode advances host time by n launch gaps (a graph
 * segment is still submitted once). Returns the first iteration's submit time;
 * *spacing_ps gets the time between iterations' submissions. */
uint64_t host_submit_n(host *h, host_call call, uint64_t n, uint64_t *spacing_ps);
/* Earliest start of a kernel submitted at issue_ps whose stream is free at stream_free_ps;
 * graph: it was submitted inside a graph replay (the gap behind the stream's previous op is
 * host.graph_gap_us, else host.kernel_setup_us). */
uint64_t host_start(const host *h, uint64_t issue_ps, uint64_t stream_free_ps, int graph);
/* The host thread works for dur_ps (a `cpu` op): host time advances and nothing
 * is submitted meanwhile. In graph mode the graph segment ends there (host code
 * cannot run inside a graph replay): the ops that follow are a new graph launch. */
void host_busy(host *h, uint64_t dur_ps);
/* The host blocks until t (sync, pageable copy). */
void host_wait(host *h, uint64_t t);

#endif
