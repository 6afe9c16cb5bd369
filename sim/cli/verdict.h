/*
 * verdict.h: the run-level verdict (issue 14): the run's largest breakdown
 * part (kernels/breakdown.h) and, where a change is known to address it, that
 * change simulated in-process so that the suggestion carries a number.
 *
 * The run's parts are run_breakdown's (kernels/runner.h).
 * One row per label says what to try (verdict.c, fixes[]); a label without a
 * row gets the verdict alone.
 */
#ifndef GPUSIM_VERDICT_H
#define GPUSIM_VERDICT_H

#include <stdio.h>

#include "cli/cli.h"

#define VERDICT_MAX_WALL_S 2.0 /* the suggestion is simulated only when the run took less wall time */

typedef struct verdict {
    int label;                /* breakdown.h label of the largest part; -1: no time at all */
    double parts_us[BD_N];    /* the run's parts; they sum to time_us */
    double time_us;           /* the run's simulated time */
    char change[160];          /* what was tried ("mode graph", "--set memory.channels=115"); "" none */
    char was[64];              /* the key's value in the run ("96"); "" for a trace change */
    int tried;                /* 1: `change` was simulated */
    double new_us;            /* its simulated time */
} verdict;

/* The verdict of run r (no suggestion yet). */
void verdict_make(const run_result *r, verdict *v);

/* Simulates the change for v's label, when there is one and wall_s is under
 * VERDICT_MAX_WALL_S: the config of a with its --set and the change's, or the
 * trace text with the change in front. Returns 0 (v->tried says whether it
 * ran), -1 when the changed run failed (no suggestion; not an error of the run). */
int verdict_try(verdict *v, const cli_args *a, const gpu_config *cfg, const char *trace_text, size_t len,
                double wall_s);

/* One line: "verdict: launch-bound: 41.2 of 63.5 us are ...; `mode graph` gives 25.3 us (2.51x)". */
void verdict_print(FILE *f, const verdict *v);
/* The --json object (no leading comma). */
void verdict_json(FILE *f, const verdict *v);

#endif
