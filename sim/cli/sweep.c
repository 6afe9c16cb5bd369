/*
 * sweep.c: `gpusim sweep`: the cartesian product of --vary values, one stored
 * run per point.
 *
 * The config (with its bases and the --set overrides) and the trace are read
 * once; every point's config is built from that copy (config_src), at run time
 * and at store time. --vary specs are parsed and checked in vary.c; the sweep's
 * identity (its JSON spec) holds the effective config's and the trace's hashes.
 * Points are simulated by N worker processes (fork; -j N) that the parent feeds
 * point indices one at a time over a pipe (dynamic assignment: a slow point
 * never holds up the rest); each worker sends its result back serialised and
 * the parent alone writes the database, one transaction per point, so a sweep
 * killed at any moment leaves only whole points, and --resume skips the points
 * already stored under the same sweep spec. Progress (points done/total,
 * elapsed, ETA) goes to stderr when it is a terminal.
 * Under mpirun (built with MPI) the same protocol runs over MPI instead of
 * pipes: rank 0 validates, owns the database and hands out points one at a time;
 * the other ranks simulate.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/errors.h"
#include "cli/mpi_link.h"
#include "cli/vary.h"
#include "results/db.h"

#include <json-c/json.h>

#define POINT_SET_LEN 400      /* "section.key=value" of one knob (values are at most 255 bytes) */

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The --vary overrides of point p (the --set ones are in the config source) and its key. */
static int point_sets(const knob *ks, int nk, uint64_t p, char sets[][POINT_SET_LEN], const char **ptr, char *key,
                      size_t keylen)
{
    key[0] = 0;
    size_t kl = 0;
    for (int i = nk - 1; i >= 0; i--) {
        const char *v = ks[i].vals[p % (uint64_t)ks[i].nvals];
        p /= (uint64_t)ks[i].nvals;
        snprintf(sets[i], POINT_SET_LEN, "%s=%s", ks[i].key, v);
        ptr[i] = sets[i];
    }
    for (int i = 0; i < nk; i++) kl += (size_t)snprintf(key + kl, kl < keylen ? keylen - kl : 0, "%s%s", i ? ";" : "", sets[i]);
    return nk;
}

/* ---- result serialisation between a worker and the parent ---- */

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t n)
{
    char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r < 0) { if (errno == EINTR) continue; return -1; }
        if (r == 0) return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

typedef struct msg_head {
    int32_t status;       /* 0 ok, else the exit status the error deserves */
    uint64_t point;
    double wall_s;
    run_result res;       /* pointers are rebuilt on receipt */
    char err[512];
} msg_head;

/* A run_result is plain data but for its four arrays (rows, stats, string pool, names), which follow
 * the header; the rows' name pointers are the worker's, rebound on receipt (take_result). */
static int recv_result(int fd, msg_head *h)
{
    if (read_all(fd, h, sizeof *h)) return -1;
    if (h->status) return 0;
    run_result *r = &h->res;
    r->ops = calloc(r->nops ? r->nops : 1, sizeof *r->ops);
    r->st.rows = calloc(r->st.n ? r->st.n : 1, sizeof *r->st.rows);
    r->st.cap = r->st.n;
    r->strs = malloc(r->strs_len ? r->strs_len : 1);
    r->names = malloc(r->names_len ? r->names_len : 1);
    if (!r->ops || !r->st.rows || !r->strs || !r->names) return -1;
    if (read_all(fd, r->ops, r->nops * sizeof *r->ops)) return -1;
    if (read_all(fd, r->st.rows, r->st.n * sizeof *r->st.rows)) return -1;
    if (read_all(fd, r->strs, r->strs_len)) return -1;
    return read_all(fd, r->names, r->names_len);
}

/* The same message as one buffer (for MPI). Returns its length, or 0. */
static size_t pack_result(char **out, uint64_t point, int status, const run_result *r, double wall, const char *err)
{
    msg_head h;
    memset(&h, 0, sizeof h);
    h.status = status;
    h.point = point;
    h.wall_s = wall;
    if (r) h.res = *r;
    snprintf(h.err, sizeof h.err, "%s", err ? err : "");
    size_t n = sizeof h;
    if (!status && r) n += r->nops * sizeof *r->ops + r->st.n * sizeof *r->st.rows + r->strs_len + r->names_len;
    char *b = malloc(n);
    if (!b) return 0;
    memcpy(b, &h, sizeof h);
    if (!status && r) {
        memcpy(b + sizeof h, r->ops, r->nops * sizeof *r->ops);
        memcpy(b + sizeof h + r->nops * sizeof *r->ops, r->st.rows, r->st.n * sizeof *r->st.rows);
        if (r->strs_len) memcpy(b + n - r->names_len - r->strs_len, r->strs, r->strs_len);
        if (r->names_len) memcpy(b + n - r->names_len, r->names, r->names_len);
    }
    *out = b;
    return n;
}

static int send_result(int fd, uint64_t point, int status, const run_result *r, double wall, const char *err)
{
    char *buf = NULL;
    size_t n = pack_result(&buf, point, status, r, wall, err);
    int rc = n ? write_all(fd, buf, n) : -1;
    free(buf);
    return rc;
}

static int unpack_result(const char *b, size_t n, msg_head *h)
{
    if (n < sizeof *h) return -1;
    memcpy(h, b, sizeof *h);
    if (h->status) return 0;
    run_result *r = &h->res;
    size_t need = sizeof *h + r->nops * sizeof *r->ops + r->st.n * sizeof *r->st.rows + r->strs_len + r->names_len;
    if (n != need) return -1;
    r->ops = calloc(r->nops ? r->nops : 1, sizeof *r->ops);
    r->st.rows = calloc(r->st.n ? r->st.n : 1, sizeof *r->st.rows);
    r->st.cap = r->st.n;
    r->strs = malloc(r->strs_len ? r->strs_len : 1);
    r->names = malloc(r->names_len ? r->names_len : 1);
    if (!r->ops || !r->st.rows || !r->strs || !r->names) return -1;
    memcpy(r->ops, b + sizeof *h, r->nops * sizeof *r->ops);
    memcpy(r->st.rows, b + sizeof *h + r->nops * sizeof *r->ops, r->st.n * sizeof *r->st.rows);
    memcpy(r->strs, b + n - r->names_len - r->strs_len, r->strs_len);
    memcpy(r->names, b + n - r->names_len, r->names_len);
    return 0;
}

/* ---- the sweep ---- */

typedef struct sweep_ctx {
    const cli_args *a;
    knob ks[MAX_VARY];
    int nk;
    uint64_t npoints;
    trace *t;              /* read once */
    config_src *src;       /* the config and its bases, read once, with the --set overrides */
    char *spec;            /* the sweep's identity (JSON), malloc'd */
} sweep_ctx;

static int simulate_point(const sweep_ctx *s, uint64_t p, gpu_config *cfg, run_result *res, char *err, size_t errlen)
{
    char sets[MAX_VARY][POINT_SET_LEN];
    const char *ptr[MAX_VARY];
    char key[MAX_VARY * POINT_SET_LEN];
    int n = point_sets(s->ks, s->nk, p, sets, ptr, key, sizeof key);
    int rc = config_src_build(s->src, ptr, n, "--vary", cfg, err, errlen);
    if (rc) return gpusim_exit_status(rc);
    rc = runner_run(cfg, s->t, res, err, errlen);
    return gpusim_exit_status(rc);
}

static void worker(const sweep_ctx *s, int in_fd, int out_fd)
{
    uint64_t p;
    while (read_all(in_fd, &p, sizeof p) == 0) {
        gpu_config cfg;
        run_result res;
        char err[512] = "";
        double t0 = mono_s();
        int st = simulate_point(s, p, &cfg, &res, err, sizeof err);
        double wall = mono_s() - t0;
        int wr = send_result(out_fd, p, st, st ? NULL : &res, wall, err);
        if (!st) run_result_free(&res);
        if (wr) break;
    }
    _exit(0);
}

/* An MPI worker rank: simulate points until told to stop. */
static void mpi_worker(const sweep_ctx *s)
{
    uint64_t p;
    while (mpi_recv_point(&p) == 0) {
        gpu_config cfg;
        run_result res;
        char err[512] = "";
        double t0 = mono_s();
        int st = simulate_point(s, p, &cfg, &res, err, sizeof err);
        char *buf = NULL;
        size_t n = pack_result(&buf, p, st, st ? NULL : &res, mono_s() - t0, err);
        if (!st) run_result_free(&res);
        if (!n || mpi_send_result(buf, n)) { free(buf); break; }
        free(buf);
    }
}

static void progress(double t0, uint64_t done, uint64_t total)
{
    double el = mono_s() - t0;
    double eta = done ? el / (double)done * (double)(total - done) : 0;
    fprintf(stderr, "\rsweep: %llu/%llu points, %.1f s elapsed, ETA %.1f s   ", (unsigned long long)done,
            (unsigned long long)total, el, eta);
    fflush(stderr);
}

static int store_point(db *d, const sweep_ctx *s, int64_t sweep_id, uint64_t p, const run_result *res, double wall,
                       const char *trace_hash, char *err, size_t errlen)
{
    char sets[MAX_VARY][POINT_SET_LEN];
    const char *ptr[MAX_VARY];
    char key[MAX_VARY * POINT_SET_LEN];
    int n = point_sets(s->ks, s->nk, p, sets, ptr, key, sizeof key);
    gpu_config cfg;
    /* from the config as read at the start: the settings the point ran with, even if a file changed since */
    if (config_src_build(s->src, ptr, n, "--vary", &cfg, err, errlen)) return -1;
    run_record rec = { .config_path = s->a->config, .trace_path = s->a->trace, .cfg = &cfg, .res = res, .wall_s = wall,
                       .sweep_id = sweep_id, .point_key = key };
    db_hash_config(&cfg, rec.config_hash);
    snprintf(rec.trace_hash, sizeof rec.trace_hash, "%s", trace_hash);
    return db_store_run(d, &rec, NULL, err, errlen);
}

/* Stores (or reports) one point's result from a worker and frees it; returns
 * -1 when the database refused it. */
static int take_result(db *d, const sweep_ctx *s, int64_t sweep_id, const char *trace_hash, msg_head *h, int tty,
                       uint64_t *done, uint64_t *failed)
{
    char err[1024];
    int rc = 0;
    if (h->status) {
        (*failed)++;
        fprintf(stderr, "%sgpusim: sweep point %llu: %s\n", tty ? "\n" : "", (unsigned long long)h->point, h->err);
    } else if (run_result_rebind(&h->res)) {
        fprintf(stderr, "gpusim: sweep point %llu: the worker's result lacks its ops' names\n", (unsigned long long)h->point);
        rc = -1;
    } else if (store_point(d, s, sweep_id, h->point, &h->res, h->wall_s, trace_hash, err, sizeof err)) {
        fprintf(stderr, "gpusim: %s\n", err);
        rc = -1;
    } else {
        (*done)++;
    }
    free(h->res.ops);
    free(h->res.st.rows);
    free(h->res.strs);
    free(h->res.names);
    return rc;
}

static void free_knobs(sweep_ctx *s) { vary_free(s->ks, s->nk); }

/* hash_kv's buffer: "key=value\n" of every parameter as the config source has it */
typedef struct cfgtext { char *buf; size_t len, cap; int oom; } cfgtext;

static void cfg_line(void *ctx, const char *key, const char *val)
{
    cfgtext *c = ctx;
    size_t need = strlen(key) + strlen(val) + 2;
    if (c->len + need + 1 > c->cap) {
        size_t cap = (c->cap + need + 1) * 2;
        char *b = realloc(c->buf, cap);
        if (!b) { c->oom = 1; return; }
        c->buf = b;
        c->cap = cap;
    }
    c->len += (size_t)snprintf(c->buf + c->len, c->cap - c->len, "%s=%s\n", key, val);
}

/* The sweep's identity, stored in `sweeps` and matched by --resume: valid JSON of
 * any length; keyed on what runs (the effective config before --vary and the
 * trace's contents), not only on the paths. */
static char *sweep_spec(const cli_args *a, const config_src *src, const char *trace_hash)
{
    cfgtext ct = { NULL, 0, 0, 0 };
    config_src_foreach(src, cfg_line, &ct);
    char config_hash[17] = "";
    if (!ct.oom) db_hash_hex(ct.buf ? ct.buf : "", ct.len, config_hash);
    free(ct.buf);
    if (ct.oom) return NULL;
    json_object *o = json_object_new_object();
    json_object *sets = json_object_new_array(), *vary = json_object_new_array();
    json_object_object_add(o, "config", json_object_new_string(a->config));
    json_object_object_add(o, "config_hash", json_object_new_string(config_hash));
    json_object_object_add(o, "trace", json_object_new_string(a->trace));
    json_object_object_add(o, "trace_hash", json_object_new_string(trace_hash));
    for (int i = 0; i < a->nsets; i++) json_object_array_add(sets, json_object_new_string(a->sets[i]));
    for (int i = 0; i < a->nvary; i++) json_object_array_add(vary, json_object_new_string(a->vary[i]));
    json_object_object_add(o, "set", sets);
    json_object_object_add(o, "vary", vary);
    const char *txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *spec = txt ? strdup(txt) : NULL;
    json_object_put(o);
    return spec;
}

/* How many worker processes: -j, but no more than the points to run and the
 * machine's processors (more would only share them). */
static int workers_for(int jobs, uint64_t ntodo)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int nw = jobs < 1 ? 1 : jobs;
    if (cpus > 0 && nw > cpus) nw = (int)cpus;
    if ((uint64_t)nw > ntodo) nw = (int)ntodo;
    return nw;
}

/* Reads and checks everything a sweep needs before the database is touched: the
 * --vary knobs, the config (once, with its bases and --set), the trace (once: the
 * hash is of what runs, and a pipe cannot be read again), every point's config
 * (cross-checks between knobs included) and the sweep's identity. Returns 0, or
 * the exit status (2: bad input, 1: other) with err filled; s holds what was read
 * either way (sweep_free). */
static int sweep_prepare(sweep_ctx *s, const cli_args *a, char trace_hash[17], char *err, size_t errlen)
{
    s->a = a;
    s->nk = a->nvary;
    s->npoints = 1;
    int rc = vary_parse(a->vary, s->nk, s->ks, &s->npoints, err, errlen);
    if (rc) return rc;
    int cr = config_src_load(&s->src, a->config, a->sets, a->nsets, err, errlen);
    if (cr) return gpusim_exit_status(cr);
    char *text = NULL;
    size_t len = 0;
    int tr = trace_read(a->trace, &text, &len, err, errlen);
    if (!tr) tr = trace_parse(&s->t, a->trace, text, len, err, errlen);
    if (!tr) db_hash_hex(text, len, trace_hash);
    free(text);
    if (tr) return gpusim_exit_status(tr);
    /* every value was checked alone (vary_parse); now every point's config */
    int tty = isatty(2);
    double tv = mono_s();
    for (uint64_t p = 0; p < s->npoints; p++) {
        char sets[MAX_VARY][POINT_SET_LEN];
        const char *ptr[MAX_VARY];
        char key[MAX_VARY * POINT_SET_LEN];
        int n = point_sets(s->ks, s->nk, p, sets, ptr, key, sizeof key);
        gpu_config cfg;
        cr = config_src_build(s->src, ptr, n, "--vary", &cfg, err, errlen);
        if (cr) {
            size_t el = strlen(err);
            snprintf(err + el, errlen - el, " (at the point %.300s)", key);
            return gpusim_exit_status(cr);
        }
        if (tty && !a->quiet && (p + 1) % 4096 == 0 && mono_s() - tv > 1.0) {
            fprintf(stderr, "\rsweep: validating %llu/%llu points", (unsigned long long)(p + 1), (unsigned long long)s->npoints);
            fflush(stderr);
        }
    }
    if (!(s->spec = sweep_spec(a, s->src, trace_hash))) { snprintf(err, errlen, "out of memory"); return 1; }
    return 0;
}

static void sweep_free(sweep_ctx *s)
{
    free_knobs(s);
    trace_destroy(s->t);
    config_src_destroy(s->src);
    free(s->spec);
}

/* The storing side of a running sweep (rank 0, or the parent of the local workers). */
typedef struct sweep_run {
    db *d;
    int64_t sweep_id;
    const char *trace_hash;
    int tty;
    double t0;             /* when the points began running */
    uint64_t *todo, ntodo; /* the points to run (not already stored) */
    uint64_t done, failed; /* stored; failed to simulate */
} sweep_run;

/* The points not yet stored (all, without --resume). Returns 0, or 1 when the database cannot be read. */
static int collect_todo(const sweep_ctx *s, sweep_run *w)
{
    for (uint64_t p = 0; p < s->npoints; p++) {
        char sets[MAX_VARY][POINT_SET_LEN];
        const char *ptr[MAX_VARY];
        char key[MAX_VARY * POINT_SET_LEN];
        point_sets(s->ks, s->nk, p, sets, ptr, key, sizeof key);
        int has = s->a->resume ? db_sweep_has_point(w->d, w->sweep_id, key) : 0;
        if (has < 0) { fprintf(stderr, "gpusim: %s: cannot read the sweep's points\n", s->a->db); return 1; }
        if (!has) w->todo[w->ntodo++] = p;
    }
    return 0;
}

/* Rank 0 under MPI: hands out points one at a time and stores results as they come.
 * Returns 0, or 1 on a bad message or a refused store. */
static int run_mpi(const sweep_ctx *s, sweep_run *w, int ranks)
{
    int rc = 0;
    uint64_t next = 0;
    int active = 0;
    for (int r = 1; r < ranks; r++) {
        if (next < w->ntodo) { mpi_send_point(r, w->todo[next++]); active++; }
        else mpi_send_stop(r);
    }
    while (active > 0) {
        char *buf = NULL;
        size_t len = 0;
        int rank = 0;
        msg_head h;
        memset(&h, 0, sizeof h);
        if (mpi_recv_result(&buf, &len, &rank) || unpack_result(buf, len, &h)) {
            fprintf(stderr, "gpusim: sweep: bad message from rank %d\n", rank);
            free(buf);
            rc = 1;
            break;
        }
        free(buf);
        if (take_result(w->d, s, w->sweep_id, w->trace_hash, &h, w->tty, &w->done, &w->failed)) rc = 1;
        if (next < w->ntodo) mpi_send_point(rank, w->todo[next++]);
        else { mpi_send_stop(rank); active--; }
        if (w->tty && !s->a->quiet) progress(w->t0, w->done + w->failed, w->ntodo);
    }
    w->ntodo = w->done + w->failed + (w->ntodo - next); /* what was not handed out never runs */
    return rc;
}

/* nw local worker processes, fed a point at a time through pipes; the parent stores
 * the results. Returns 0, or 1 when a worker could not start or died, or a store failed. */
static int run_local(const sweep_ctx *s, sweep_run *w, int nw)
{
    int rc = 0;
    int to_w[MAX_JOBS], from_w[MAX_JOBS];
    pid_t pids[MAX_JOBS];
    int alive = 0;
    uint64_t next = 0;
    signal(SIGPIPE, SIG_IGN);
    for (int k = 0; !rc && k < nw && w->ntodo; k++) {
        int p1[2], p2[2];
        if (pipe(p1) || pipe(p2)) { perror("gpusim: pipe"); rc = 1; break; }
        pid_t pid = fork();
        if (pid < 0) { perror("gpusim: fork"); rc = 1; break; }
        if (pid == 0) {
            close(p1[1]);
            close(p2[0]);
            for (int j = 0; j < k; j++) { close(to_w[j]); close(from_w[j]); }
            db_forget(w->d); /* the child must not touch the parent's connection */
            worker(s, p1[0], p2[1]);
        }
        close(p1[0]);
        close(p2[1]);
        pids[k] = pid;
        to_w[k] = p1[1];
        from_w[k] = p2[0];
        alive++;
        if (next < w->ntodo) { write_all(to_w[k], &w->todo[next], sizeof w->todo[next]); next++; }
    }
    int open_w[MAX_JOBS];
    for (int k = 0; k < alive; k++) open_w[k] = 1;
    /* poll, not select: with 1024 or more descriptors open (inherited from a job launcher) an fd_set overflows */
    struct pollfd pfd[MAX_JOBS];
    int pw[MAX_JOBS];
    while (!rc && w->done + w->failed < w->ntodo) {
        int np = 0;
        for (int k = 0; k < alive; k++)
            if (open_w[k]) { pfd[np].fd = from_w[k]; pfd[np].events = POLLIN; pfd[np].revents = 0; pw[np++] = k; }
        if (np == 0) break;
        if (poll(pfd, (nfds_t)np, -1) < 0) { if (errno == EINTR) continue; perror("gpusim: poll"); rc = 1; break; }
        for (int j = 0; j < np; j++) {
            int k = pw[j];
            if (!(pfd[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            msg_head h;
            memset(&h, 0, sizeof h);
            if (recv_result(from_w[k], &h)) { open_w[k] = 0; fprintf(stderr, "gpusim: sweep worker %d died\n", k); rc = 1; continue; }
            if (take_result(w->d, s, w->sweep_id, w->trace_hash, &h, w->tty, &w->done, &w->failed)) rc = 1;
            if (next < w->ntodo) { write_all(to_w[k], &w->todo[next], sizeof w->todo[next]); next++; }
            if (w->tty && !s->a->quiet) progress(w->t0, w->done + w->failed, w->ntodo);
        }
    }
    for (int k = 0; k < alive; k++) { close(to_w[k]); close(from_w[k]); }
    for (int k = 0; k < alive; k++) waitpid(pids[k], NULL, 0);
    return rc;
}

int sweep_main(const cli_args *a)
{
    char trace_hash[17] = "";
    char err[1024] = "";
    sweep_ctx s;
    memset(&s, 0, sizeof s);
    int rc = sweep_prepare(&s, a, trace_hash, err, sizeof err);
    if (rc) {
        fprintf(stderr, "gpusim: %s\n", err);
        sweep_free(&s);
        return rc;
    }
    if (mpi_size() > 1 && mpi_rank() != 0) {
        mpi_worker(&s);
        sweep_free(&s);
        return 0;
    }

    sweep_run w;
    memset(&w, 0, sizeof w);
    w.trace_hash = trace_hash;
    w.tty = isatty(2);
    w.todo = malloc(s.npoints * sizeof *w.todo);
    if (!w.todo || db_open(&w.d, a->db, err, sizeof err) || db_sweep_begin(w.d, s.spec, a->resume, &w.sweep_id, err, sizeof err)) {
        fprintf(stderr, "gpusim: %s\n", err[0] ? err : "out of memory");
        db_abandon(w.d);
        free(w.todo);
        sweep_free(&s);
        return 1;
    }
    rc = collect_todo(&s, &w);
    w.t0 = mono_s();
    int ranks = mpi_size();
    int nw = workers_for(a->jobs, w.ntodo);
    if (!a->quiet) {
        if (ranks > 1) fprintf(stderr, "sweep %lld: %llu points, %llu to run, %d MPI worker ranks\n", (long long)w.sweep_id,
                               (unsigned long long)s.npoints, (unsigned long long)w.ntodo, ranks - 1);
        else fprintf(stderr, "sweep %lld: %llu points, %llu to run, %d worker%s\n", (long long)w.sweep_id,
                     (unsigned long long)s.npoints, (unsigned long long)w.ntodo, nw, nw != 1 ? "s" : "");
    }
    if (ranks > 1) { if (run_mpi(&s, &w, ranks)) rc = 1; }
    else if (!rc && run_local(&s, &w, nw)) rc = 1;
    if (w.tty && !a->quiet) fprintf(stderr, "\n");
    if (!a->quiet)
        printf("sweep %lld: %llu points stored, %llu failed, %llu already stored, %.2f s\n", (long long)w.sweep_id,
               (unsigned long long)w.done, (unsigned long long)w.failed, (unsigned long long)(s.npoints - w.ntodo),
               mono_s() - w.t0);
    if (rc || w.failed) db_abandon(w.d); /* removes a database this sweep created and stored nothing in */
    else db_close(w.d);
    free(w.todo);
    sweep_free(&s);
    if (rc) return rc;
    return w.failed ? 1 : 0;
}
