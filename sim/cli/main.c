/*
 * main.c: gpusim's entry point. Loads the config and the trace, simulates,
 * prints, and stores the run; the database is opened only after a successful
 * simulation, so bad input never touches it. A run that takes more than
 * PROGRESS_AFTER_S shows its progress on stderr when stderr is a terminal
 * (never with -q; stdout, --json included, never carries it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/mpi_link.h"
#include "results/db.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int trace_file_hash(const char *path, char out[17])
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *b = realloc(buf, cap);
            if (!b) { free(buf); fclose(f); return -1; }
            buf = b;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (!r) break;
        n += r;
    }
    fclose(f);
    db_hash_hex(buf, n, out);
    free(buf);
    return 0;
}

#define PROGRESS_AFTER_S 2.0
#define PROGRESS_EVERY_S 0.5

typedef struct progress {
    double t0, last_s;       /* run start; last line shown (0: none yet) */
} progress;

static void show_progress(void *ctx, size_t ops_done, size_t nops, uint64_t sim_ps)
{
    progress *p = ctx;
    double now = now_s();
    if (now - p->t0 < PROGRESS_AFTER_S || (p->last_s && now - p->last_s < PROGRESS_EVERY_S)) return;
    p->last_s = now;
    fprintf(stderr, "\rgpusim: %zu/%zu ops done, %.1f us simulated, %.0f s\033[K", ops_done, nops, (double)sim_ps / 1e6,
            now - p->t0);
    fflush(stderr);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "import")) return import_main(argc - 1, argv + 1);
    char err[1024] = "";
    cli_args a;
    int rc = cli_parse(&a, argc, argv, err, sizeof err);
    if (rc == 1) return 0;
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return 2; }
    if (a.sweep) {
        char th[17];
        if (trace_file_hash(a.trace, th)) { fprintf(stderr, "gpusim: %s: cannot read\n", a.trace); return 2; }
        if (mpi_start(&argc, &argv)) { fprintf(stderr, "gpusim: sweep: cannot start MPI\n"); return 1; }
        int st = sweep_main(&a, th);
        mpi_stop();
        return st;
    }

    gpu_config cfg;
    rc = config_load(&cfg, a.config, a.sets, a.nsets, err, sizeof err);
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return rc == -2 ? 2 : 1; }
    trace *t = NULL;
    rc = trace_load(&t, a.trace, err, sizeof err);
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return rc == -2 ? 2 : 1; }

    double t0 = now_s();
    run_result res;
    progress pr = { t0, 0 };
    run_progress pg = { show_progress, &pr };
    rc = runner_run_progress(&cfg, t, !a.quiet && isatty(2) ? &pg : NULL, &res, err, sizeof err);
    double wall = now_s() - t0;
    if (pr.last_s) fprintf(stderr, "\r\033[K");
    if (rc) {
        fprintf(stderr, "gpusim: %s\n", err);
        trace_destroy(t);
        return rc == -2 ? 2 : 1;
    }
    long long run_id = -1;
    int status = 0;
    if (!a.no_db) {
        db *d = NULL;
        run_record rec = { .config_path = a.config, .trace_path = a.trace, .cfg = &cfg, .res = &res, .wall_s = wall };
        db_hash_config(&cfg, rec.config_hash);
        if (trace_file_hash(a.trace, rec.trace_hash)) snprintf(rec.trace_hash, sizeof rec.trace_hash, "unknown");
        int64_t id = 0;
        if (db_open(&d, a.db, err, sizeof err) || db_store_run(d, &rec, &id, err, sizeof err)) {
            fprintf(stderr, "gpusim: %s\n", err);
            status = 1;
        } else {
            run_id = (long long)id;
        }
        db_close(d);
    }
    if (a.timeline && write_timeline(a.timeline, t, &res)) {
        fprintf(stderr, "gpusim: %s: cannot write the timeline\n", a.timeline);
        status = 1;
    }
    if (!a.quiet) {
        if (a.json) print_json(stdout, &cfg, a.config, t, &res, wall, run_id);
        else {
            print_summary(stdout, &cfg, t, &res, wall);
            if (run_id >= 0) printf("stored as run %lld in %s\n", run_id, a.db);
        }
    }
    run_result_free(&res);
    trace_destroy(t);
    /* a full disk or a closed pipe must not look like success: the results never reached the reader */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gpusim: cannot write the results to standard output\n");
        status = 1;
    }
    return status;
}
