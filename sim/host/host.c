/* host.c: launch timing (see host.h). */
#include "host.h"

#include "engine/engine.h"

void host_init(host *h, const gpu_config *cfg)
{
    h->now_ps = 0;
    h->busy_ps = 0;
    h->graph = 0;
    h->graph_launched = 0;
    h->eager_gap_ps[HOST_CALL_KERNEL] = us_to_ps(cfg->host.eager_gap_us);
    h->eager_gap_ps[HOST_CALL_GEMM] = us_to_ps(cfg->host.eager_gemm_us);
    h->eager_gap_ps[HOST_CALL_COPY] = us_to_ps(cfg->host.eager_copy_us);
    h->graph_gap_ps = us_to_ps(cfg->host.graph_gap_us);
    h->latency_ps = us_to_ps(cfg->host.launch_latency_us);
    h->setup_ps = us_to_ps(cfg->host.kernel_setup_us);
}

void host_set_mode(host *h, int graph)
{
    h->graph = graph;
    h->graph_launched = 0;
}

uint64_t host_submit(host *h, host_call call)
{
    if (h->graph) {
        if (!h->graph_launched) {
            h->graph_launched = 1;
            h->graph_issue_ps = h->now_ps;
            h->now_ps += h->eager_gap_ps[HOST_CALL_KERNEL]; /* the graph launch call */
            h->busy_ps += h->eager_gap_ps[HOST_CALL_KERNEL];
        }
        return h->graph_issue_ps;
    }
    uint64_t t = h->now_ps;
    h->now_ps += h->eager_gap_ps[call];
    h->busy_ps += h->eager_gap_ps[call];
    return t;
}

uint64_t host_submit_n(host *h, host_call call, uint64_t n, uint64_t *spacing_ps)
{
    uint64_t t = host_submit(h, call);
    *spacing_ps = h->graph ? 0 : h->eager_gap_ps[call];
    if (!h->graph && n > 1) {
        h->now_ps += (n - 1) * h->eager_gap_ps[call];
        h->busy_ps += (n - 1) * h->eager_gap_ps[call];
    }
    return t;
}

uint64_t host_start(const host *h, uint64_t issue_ps, uint64_t stream_free_ps, int graph)
{
    uint64_t a = issue_ps + h->latency_ps;
    uint64_t b = stream_free_ps ? stream_free_ps + (graph ? h->graph_gap_ps : h->setup_ps) : 0;
    return a > b ? a : b;
}

void host_busy(host *h, uint64_t dur_ps)
{
    h->now_ps += dur_ps;
    h->busy_ps += dur_ps;
    h->graph_launched = 0;
}

void host_wait(host *h, uint64_t t)
{
    if (t > h->now_ps) h->now_ps = t;
    h->graph_launched = 0;
}
