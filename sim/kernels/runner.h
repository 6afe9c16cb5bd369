/*
 * runner.h: runs a trace on a GPU: the host thread submitting ops (eager or
 * graph), streams (in-order queues that overlap each other), buffers, and the
 * per-op results.
 */
#ifndef GPUSIM_RUNNER_H
#define GPUSIM_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "engine/stats.h"
#include "config/config.h"
#include "kernels/breakdown.h"
#include "kernels/overlap.h"
#include "trace/trace.h"

/* An op's row. Its longer strings are not kept per row: name points into the
 * run's copy of the trace's names (run_result.names; a row handed to a run_sink:
 * into the trace's), and the mapping is an offset into the run's string pool
 * (run_op_mapping). A row copied from another process (sweep workers) gets its
 * name pointer back from run_result_rebind. 248 bytes. */
typedef struct op_result {
    const char *name;           /* the trace op's name=, in run_result.names */
    char kind[12];              /* op kind name */
    char dtype[8];
    int32_t dt;                 /* the same as a dtype_id (config/dtype.h); -1: none */
    uint32_t mapping_at;        /* its mapping's offset in the run's string pool; 0: none (run_op_mapping) */
    uint64_t start_ps, end_ps;  /* start: when it could first run (submitted + latency, stream free) */
    double flops;
    uint64_t dram_bytes;
    uint64_t l2_accesses, l2_hits;
    uint64_t pcie_bytes;
    double ns_per_load;         /* chase only, else 0 */
    double energy_j;            /* booked to this op, with its share of idle power (power.h) */
    double avg_power_w;         /* energy_j over the op's time */
    double clock_mhz;           /* mean SM clock while it ran */
    double temp_c;              /* mean die temperature while it ran (arch/thermal.h); a host op that took no time:
                                 * the run's at its end, NaN in a row handed to a run_sink (run_row_temp) */
    char bound[12];             /* the largest part of bd_us (a breakdown.h label); - (an op that took no time) */
    double bd_us[BD_RAW_N];     /* where its time went, by breakdown.h label (the first BD_N); sums to end - start (us).
                                 * While the run lasts, the runner's raw parts in ps (BD_MEM included): the row is
                                 * the op's only per-op breakdown state, so none is kept beside it */
} op_result;

struct row_spill;

typedef struct run_result {
    op_result *ops;             /* the rows, in trace order; NULL when they went to a run_sink (runner_run_sink) */
    size_t nops;                /* rows (the trace's ops), kept or not */
    struct row_spill *spill;    /* where the rows went, to be read back (rows.h); NULL: nowhere (or kept) */
    char *strs;                 /* string pool: the ops' mappings, each once, NUL-terminated; strs[0] = 0 */
    size_t strs_len;            /* bytes used (strs_len of them travel with a sweep point) */
    char *names;                /* the ops' names, NUL-terminated, in row order (a copy of the trace's) */
    size_t names_len;           /* bytes */
    uint64_t total_ps;          /* simulated time of the whole trace */
    double cycles;              /* in SM clocks */
    double flops;
    uint64_t dram_bytes, l2_accesses, l2_hits, pcie_bytes;
    uint64_t events;
    double peak_tflops, peak_dram_gbps, pcie_gbps; /* peak_tflops: fp16 tensor cores, the run's reference */
    double energy_j;            /* whole run, board level (idle included) */
    double avg_power_w, peak_power_w; /* peak: highest power.control_us average */
    double clock_mhz;           /* time-weighted mean SM clock */
    double temp_c, peak_temp_c; /* die temperature at the end, and its highest (arch/thermal.h) */
    run_overlap ov;             /* GPU / copy engines / host busy, overlap gained, the ratios (kernels/overlap.h) */
    double bd_parts_us[BD_N];   /* the rows' breakdowns summed, in trace order (run_breakdown, without the rows) */
    double bd_sum_us;           /* their parts summed, row by row */
    stats st;
} run_result;

/* Where a run's rows go when they are not kept (runner_run_sink): row i (0 .. the trace's op count - 1)
 * is handed over once, as soon as it and every row before it are final, so a sink sees them in trace
 * order, from the run's start; the runner keeps none it has handed over. A row handed over is the
 * sink's to copy: its pointer is valid during the call only. Returns 0, or -1 to fail the run (out of
 * memory, no room): the run then stops with -1. A run that fails later may have handed over rows: the
 * sink's owner discards them. */
typedef struct run_sink {
    int (*row)(void *ctx, size_t i, const op_result *o);
    void *ctx;
} run_sink;

/* Progress of a run, for a caller that shows it: called every RUNNER_PROGRESS_EVENTS
 * events with the ops finished so far (host ops included), the trace's op
 * count, and the simulated time. */
#define RUNNER_PROGRESS_EVENTS 256  /* events are 1 us to 1 ms of work; the hook reads the clock */
typedef struct run_progress {
    void (*fn)(void *ctx, size_t ops_done, size_t nops, uint64_t sim_ps);
    void *ctx;
} run_progress;

/* runner_run_progress, handing the rows to sink rather than keeping them (res->ops NULL, res->nops the
 * trace's op count, the rows' names in t's pool: t must outlive their use); sink NULL: kept, as
 * runner_run does. What needs every row is summed as they pass (the overlap figures, run_breakdown's
 * parts). Kept nonetheless, as today, until the run's end: a periodic trace's simulated prefix when its
 * periods are extrapolated (its rows are copied), and with sim.loops_before the first run's (the result
 * when no second run follows). */
int runner_run_sink(const gpu_config *cfg, const trace *t, const run_progress *pg, const run_sink *sink, run_result *res,
                    char *err, size_t errlen);
/* runner_run, reporting progress to pg (may be NULL). */
int runner_run_progress(const gpu_config *cfg, const trace *t, const run_progress *pg, run_result *res, char *err,
                        size_t errlen);
/* Simulates trace t on cfg. Returns 0; -2 for an op the machine cannot run
 * (err = "TRACE:LINE: ..."); -1 on out of memory. */
int runner_run(const gpu_config *cfg, const trace *t, run_result *res, char *err, size_t errlen);
void run_result_free(run_result *res);

/* The op's mapping ("" when it has none). Inline: the database and the output read rows
 * without linking the runner (the fuzzing harnesses). */
static inline const char *run_op_mapping(const run_result *res, const op_result *o)
{
    return o->mapping_at && o->mapping_at < res->strs_len ? res->strs + o->mapping_at : "";
}

/* A row's die temperature as reported: a host op that took no time (NaN in the row, run_sink) has the
 * run's at its end. Inline, as run_op_mapping. */
static inline double run_row_temp(const run_result *res, const op_result *o)
{
    return o->temp_c != o->temp_c ? res->temp_c : o->temp_c;
}

/* Points each row's name at its string in res->names (row order), after the rows
 * were copied from another process. Returns 0, or -1 when names holds fewer. */
int run_result_rebind(run_result *res);

/* The run's breakdown (us): its ops' parts summed, the time no op covers (the
 * host submitting, gaps between ops) added to launch; when streams overlap,
 * scaled to the run's time (overlapping ops share it in proportion to their
 * parts: an approximation). The parts sum to total_ps. */
void run_breakdown(const run_result *res, double parts_us[BD_N]);

#endif
