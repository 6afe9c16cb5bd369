/*
 * main.c: gpusim's entry point. Loads the config and the trace, simulates,
 * prints, and stores the run; the database is opened only after a successful
 * simulation, so bad input never touches it. A run that takes more than
 * PROGRESS_AFTER_S shows its progress on stderr when stderr is a terminal
 * (never with -q; stdout, --json included, never carries it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli/cli.h"
#include "engine/errors.h"
#include "cli/verdict.h"
#include "cli/mpi_link.h"
#include "kernels/rows.h"
#include "results/db.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An output must never overwrite an input: --timeline the database, the trace
 * or the config; --db the trace or the config. */
static int check_outputs(const cli_args *a, char *err, size_t errlen)
{
    const char *dbp = a->no_db ? NULL : a->db;
    const struct { const char *out, *opt; } outs[] = { { a->timeline, "--timeline" }, { dbp, "--db" } };
    for (int i = 0; i < 2; i++) {
        if (!outs[i].out) continue;
        const char *in[] = { a->config, a->trace, i == 0 ? dbp : NULL };
        const char *what[] = { "the config", "the trace", "the database (--db)" };
        for (int k = 0; k < 3; k++)
            if (cli_same_file(outs[i].out, in[k])) {
                snprintf(err, errlen, "%s %s: is %s: an output must not overwrite an input", outs[i].opt, outs[i].out, what[k]);
                return 2;
            }
    }
    return 0;
}

/* The timeline is written to a temporary file beside its path, created before the
 * run (an unwritable path fails at once, before anything is simulated or stored)
 * and renamed over the path only once the run is stored. */
typedef struct out_file {
    const char *path;
    char tmp[4200];
    FILE *f;
} out_file;

static int out_open(out_file *o, const char *path, char *err, size_t errlen)
{
    o->path = path;
    o->f = NULL;
    if (!path) return 0;
    snprintf(o->tmp, sizeof o->tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) { snprintf(err, errlen, "--timeline %s: cannot create: %s", path, strerror(errno)); return 2; }
    o->f = fdopen(fd, "w");
    if (!o->f) { close(fd); unlink(o->tmp); snprintf(err, errlen, "--timeline %s: cannot create", path); return 1; }
    return 0;
}

static void out_discard(out_file *o)
{
    if (!o->f) return;
    fclose(o->f);
    unlink(o->tmp);
    o->f = NULL;
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

/* What main keeps of the trace's bytes as they are read: their hash, and the text itself when kept. */
typedef struct trace_text {
    uint64_t h;
    char *text;
    size_t len, cap;
    int keep;
} trace_text;

static int text_take(void *ctx, const char *p, size_t n)
{
    trace_text *x = ctx;
    x->h = db_hash_add(x->h, p, n);
    if (!x->keep) return 0;
    if (x->len + n > x->cap) {
        size_t c = x->cap ? x->cap : 4096;
        while (c < x->len + n) c *= 2;
        char *b = realloc(x->text, c);
        if (!b) return -1;
        x->text = b;
        x->cap = c;
    }
    memcpy(x->text + x->len, p, n);
    x->len += n;
    return 0;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Blocks of 256 KB and more are mapped and unmapped, never reused from the heap: glibc otherwise
     * raises this threshold to the largest block freed (the L2's tag arrays, 10 MB, freed after each
     * prefix a periodic trace tries), and the heap then keeps tens of MB it cannot give back. */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
    if (argc > 1 && !strcmp(argv[1], "import")) return import_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "gen")) return gen_main(argc - 1, argv + 1);
    char err[1024] = "";
    cli_args a;
    int rc = cli_parse(&a, argc, argv, err, sizeof err);
    if (rc == 1) return 0;
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return 2; }
    if (a.sweep) {
        if (mpi_start(&argc, &argv)) { fprintf(stderr, "gpusim: sweep: cannot start MPI\n"); return 1; }
        int st = sweep_main(&a);
        mpi_stop();
        return st;
    }
    if ((rc = check_outputs(&a, err, sizeof err))) { fprintf(stderr, "gpusim: %s\n", err); return rc; }

    gpu_config cfg;
    rc = config_load(&cfg, a.config, a.sets, a.nsets, err, sizeof err);
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return gpusim_exit_status(rc); }
    /* the trace is parsed a chunk at a time as it is read, and the stored hash is of what ran. The
     * verdict's reruns (not with -q or --json) need the text: a pipe's is kept (a pipe cannot be read
     * again: a byte per trace byte), a regular file is read again for them (and its reruns skipped if
     * it changed meanwhile), so the run holds only the parsed trace. */
    struct stat tst;
    int reread = stat(a.trace, &tst) == 0 && S_ISREG(tst.st_mode);
    trace_text tx = { DB_HASH_INIT, NULL, 0, 0, !(a.quiet || a.json) && !reread };
    trace *t = NULL;
    rc = trace_load_stream(&t, a.trace, text_take, &tx, err, sizeof err);
    char *text = tx.text;
    size_t text_len = tx.len;
    char trace_hash[17];
    if (!rc) db_hash_fmt(tx.h, trace_hash);
    if (rc) { free(text); fprintf(stderr, "gpusim: %s\n", err); return gpusim_exit_status(rc); }
    out_file tl;
    if ((rc = out_open(&tl, a.timeline, err, sizeof err))) {
        fprintf(stderr, "gpusim: %s\n", err);
        trace_destroy(t);
        free(text);
        return rc;
    }

    /* The rows are not kept in memory: the database and the printers read them back from a temporary
     * file after the run (rows.h), or, with neither, they are dropped as they come. The timeline, which
     * sorts them by time, keeps them (as does a run whose temporary file cannot be made: same output). */
    row_spill *spill = NULL;
    run_sink drop = row_drop_sink(), to_spill;
    const run_sink *sink = NULL;
    if (!a.timeline && a.quiet && a.no_db) sink = &drop;
    else if (!a.timeline && (spill = row_spill_create())) { to_spill = row_spill_sink(spill); sink = &to_spill; }
    double t0 = now_s();
    run_result res;
    progress pr = { t0, 0 };
    run_progress pg = { show_progress, &pr };
    rc = runner_run_sink(&cfg, t, !a.quiet && isatty(2) ? &pg : NULL, sink, &res, err, sizeof err);
    double wall = now_s() - t0;
    if (pr.last_s) fprintf(stderr, "\r\033[K");
    if (rc) {
        fprintf(stderr, "gpusim: %s\n", err);
        out_discard(&tl);
        row_spill_destroy(spill);
        trace_destroy(t);
        free(text);
        return gpusim_exit_status(rc);
    }
    res.spill = spill;
    if (tl.f) {
        int bad = write_timeline(tl.f, &cfg, t, &res);
        bad |= fclose(tl.f) != 0;
        tl.f = NULL;
        if (bad) {
            unlink(tl.tmp);
            fprintf(stderr, "gpusim: --timeline %s: cannot write the timeline; the run was not stored\n", a.timeline);
            run_result_free(&res);
            row_spill_destroy(spill);
            trace_destroy(t);
            free(text);
            return 1;
        }
    }
    long long run_id = -1;
    int status = 0;
    if (!a.no_db) {
        db *d = NULL;
        run_record rec = { .config_path = a.config, .trace_path = a.trace, .cfg = &cfg, .res = &res, .wall_s = wall };
        db_hash_config(&cfg, rec.config_hash);
        snprintf(rec.trace_hash, sizeof rec.trace_hash, "%s", trace_hash);
        int64_t id = 0;
        if (db_open(&d, a.db, err, sizeof err) || db_store_run(d, &rec, &id, err, sizeof err)) {
            fprintf(stderr, "gpusim: %s\n", err);
            status = 1;
            db_abandon(d);
        } else {
            run_id = (long long)id;
            db_close(d);
        }
    }
    if (a.timeline) {
        if (status) unlink(tl.tmp);
        else if (rename(tl.tmp, a.timeline) != 0) {
            fprintf(stderr, "gpusim: --timeline %s: cannot write: %s\n", a.timeline, strerror(errno));
            unlink(tl.tmp);
            status = 1;
        }
    }
    if (!a.quiet) {
        verdict v;
        verdict_make(&res, &v);
        /* the file again, for the reruns (none past VERDICT_MAX_EVENTS): only if it is what ran */
        if (!a.json && reread && !text && res.events <= VERDICT_MAX_EVENTS) {
            char h2[17], e2[1024];
            if (trace_read(a.trace, &text, &text_len, e2, sizeof e2) == 0) {
                db_hash_hex(text, text_len, h2);
                if (strcmp(h2, trace_hash)) { free(text); text = NULL; text_len = 0; }
            }
        }
        if (!a.json && text) verdict_try(&v, &a, &cfg, text, text_len, res.events); /* a change whose run fails is left out */
        int bad;
        if (a.json) bad = print_json(stdout, &cfg, a.config, t, &res, wall, run_id, &v);
        else {
            bad = print_summary(stdout, &cfg, t, &res, wall);
            if (!bad) verdict_print(stdout, &v);
            if (!bad && run_id >= 0) printf("stored as run %lld in %s\n", run_id, a.db);
        }
        if (bad) {
            fflush(stdout);
            fprintf(stderr, "gpusim: cannot read the run's rows back (the temporary file failed); the output is incomplete\n");
            status = 1;
        }
    }
    free(text);
    run_result_free(&res);
    row_spill_destroy(spill);
    trace_destroy(t);
    /* a full disk or a closed pipe must not look like success: the results never reached the reader */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "gpusim: cannot write the results to standard output\n");
        status = 1;
    }
    return status;
}
