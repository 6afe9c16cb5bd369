/*
 * cli.h: the gpusim command line (DESIGN.md section 1). The only place that
 * calls exit(); everything else returns codes.
 */
#ifndef GPUSIM_CLI_H
#define GPUSIM_CLI_H

#include <stdio.h>

#include "config/config.h"
#include "kernels/runner.h"
#include "trace/trace.h"

#define MAX_SETS 256
#define MAX_VARY 16
#define MAX_JOBS 1024 /* -j at most; a sweep also uses no more workers than points or processors */

typedef struct cli_args {
    const char *config;
    const char *trace;
    const char *db;           /* default gpusim.db */
    int no_db, json, quiet;
    const char *timeline;
    const char *sets[MAX_SETS];
    int nsets;
    /* sweep */
    int sweep;
    const char *vary[MAX_VARY];
    int nvary;
    int jobs;
    int resume;
} cli_args;

/* Parses argv; returns 0, 1 when it printed help/version (exit 0), or 2 with err. */
int cli_parse(cli_args *a, int argc, char **argv, char *err, size_t errlen);
void cli_usage(FILE *f);
/* 1 when a and b name the same file (the same path, or the same inode): an output must not be an input. */
int cli_same_file(const char *a, const char *b);

/* The human summary of a run whose rows are kept or spilled (rows.h: read back twice). Returns 0, or
 * -1 when the rows cannot be read back (the output is then cut short). */
int print_summary(FILE *f, const gpu_config *cfg, const trace *t, const run_result *r, double wall_s);
struct verdict;
/* The run as one JSON object; v (cli/verdict.h) may be NULL: no verdict object. Returns as print_summary. */
int print_json(FILE *f, const gpu_config *cfg, const char *config_path, const trace *t, const run_result *r,
               double wall_s, long long run_id, const struct verdict *v);
/* `gpusim sweep`; returns the exit status. */
int sweep_main(const cli_args *a);
/* `gpusim import PROFILE.json [-o OUT.trace]` (argv[0] = "import"); returns the exit status. */
int import_main(int argc, char **argv);
/* `gpusim gen mlp ...` (argv[0] = "gen"): writes a generated trace; returns the exit status. */
int gen_main(int argc, char **argv);
/* Writes the run as a Chrome trace-event timeline (open in Perfetto or chrome://tracing) to f (not
 * closed): tracks for the host thread, each stream and each copy engine, per-op figures, and counter
 * tracks for DRAM bandwidth and the SM clock (output.c). Returns 0, or -1 when a write failed. */
int write_timeline(FILE *f, const gpu_config *cfg, const trace *t, const run_result *r);

#endif
