/*
 * verdict.h: the run-level verdict (issue 14): the run's largest breakdown
 * part (run_breakdown, kernels/runner.h) and, where a change is known to
 * address a part, that change simulated in-process, so that a suggestion is
 * printed only with a simulated number behind it.
 *
 * One row per label says what to try (verdict.c, fixes[]): `mode graph` for
 * launch gaps, +20% gpu.sm_count for issue time and tail, +20% power.limit_w
 * for the capped clock, +20% memory.channels for DRAM; a label without a row
 * gets the verdict alone. The parts are tried largest first, those of at
 * least VERDICT_MIN_SHARE of the run, until one change gives VERDICT_HELPS or
 * VERDICT_MAX_TRIES were simulated. Each try costs about the run's own time,
 * so a try is made only while the run's events times the tries so far plus
 * one stay within VERDICT_MAX_EVENTS (events, not wall time: the output must
 * not depend on the machine's load): the seed MLP (under 1,000 events) gets
 * its suggestion for a few ms, a GEMV (about 100,000) two tries, an 8192^3
 * GEMM (about 520,000, 1.2 s) the verdict alone, keeping its speed target. The main command simulates the tries for
 * the summary only: --json (what scripts and analysis/validate read, many
 * short runs) carries the verdict and its parts without extra runs.
 */
#ifndef GPUSIM_VERDICT_H
#define GPUSIM_VERDICT_H

#include <stdio.h>

#include "cli/cli.h"

#define VERDICT_MAX_EVENTS 250000 /* the tries' events (estimated as the run's each) stay within this:
                                     about 0.5 to 1 s of wall time */
#define VERDICT_MAX_TRIES 2
#define VERDICT_MIN_SHARE 0.1  /* a part tried is at least this share of the run's time */
#define VERDICT_HELPS 1.05     /* a speedup that ends the tries: a smaller one leaves the next part to try (two
                                  parts close to each other are both near-binding: busy-first attribution, breakdown.h) */

typedef struct verdict_try_result {
    int label;                /* the part it addresses */
    char change[160];         /* "mode graph", "--set memory.channels=115" */
    char was[64];             /* the key's value in the run ("96"); "" for a trace change */
    double new_us;            /* simulated time with the change */
} verdict_try_result;

typedef struct verdict {
    int label;                /* breakdown.h label of the largest part; -1: no time at all */
    double parts_us[BD_N];    /* the run's parts; they sum to time_us */
    double time_us;           /* the run's simulated time */
    verdict_try_result tries[VERDICT_MAX_TRIES];
    int ntries;
} verdict;

/* The verdict of run r (no suggestion yet). */
void verdict_make(const run_result *r, verdict *v);

/* Simulates the changes (see above): the config of a with its --set and the
 * change's, or the trace text changed. A change whose run fails is skipped. */
void verdict_try(verdict *v, const cli_args *a, const gpu_config *cfg, const char *trace_text, size_t len,
                 uint64_t events);

/* One line: "verdict: launch-bound: 41.2 of 63.5 us are ...; `mode graph` gives 25.3 us (2.51x)". */
void verdict_print(FILE *f, const verdict *v);
/* The --json object. */
void verdict_json(FILE *f, const verdict *v);

#endif
