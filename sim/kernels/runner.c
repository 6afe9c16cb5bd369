/*
 * runner.c: the host thread, streams and buffer placement.
 *
 * The host submits ops in trace order: eager mode costs host.eager_gap_us per
 * op, a graph segment (ops after `mode graph`) is submitted once. An op starts
 * when it has been submitted (plus the launch latency) and its stream's previous
 * op has finished (plus the inter-kernel gap). `sync` makes the host wait for
 * every stream; a pageable copy blocks the host until it is done; a `cpu` op
 * occupies the host (no submissions meanwhile) while the streams run on.
 * Buffers: every op gets fresh output memory from a bump allocator (wrapping
 * at the device capacity); an op's first input is the output of the previous
 * op in its stream when that is large enough (a layer reads what the last one
 * wrote, so L2 reuse between ops is real), else fresh memory.
 * repeat=N: the op runs N times on its stream with the same buffers, each
 * iteration launched like a separate op (eager: the host spends a launch gap
 * per iteration); its row reports the totals, from its first iteration's start
 * to its last one's end. With sim.steady_state on, once the last STEADY_WINDOW
 * iterations that ran alone on the GPU (no other op began or ended meanwhile,
 * none runs or waits on another stream)
 * agree within STEADY_TOL in time, energy, L2 accesses and PCIe bytes (and
 * within STEADY_TRAFFIC_TOL in DRAM bytes and L2 hits), or the last STEADY_HIST
 * do on average (steady.h), the remaining iterations are extrapolated: the clock
 * jumps by their time, their counters and energy (the window's mean) are added
 * to the op and the run, and the power model's books advance
 * (power_extrapolate: where the power controller's slow loop moves the clock,
 * the iterations' time stretches by their issue-bound share and their energy
 * follows). Extrapolation stops
 * short of the host's next submission, so a later op on another stream still
 * overlaps simulated iterations. Component statistics (gpu_report) cover the
 * simulated iterations only; "runner" stats count both kinds.
 * Breakdown (breakdown.h): per iteration the kernel's time is split by the
 * waits its CTAs booked; the rest of the op's time (launch latency and gaps,
 * kernel tail, gaps between iterations) is `launch`; an extrapolated iteration
 * repeats the last simulated one's parts; the clock and memory splits are made
 * at the end of the run, when the op's mean clock is known. `bound` is the
 * largest part.
 * Periodic traces (sim.steady_state on): a trace whose ops from some point on
 * each equal the op P lines earlier (names aside) is simulated up to its head,
 * PERIOD_SIM(warm) periods and its remainder; when the window of PERIOD_WINDOW
 * periods is steady (period_steady), the periods between the window and the
 * last PERIOD_DRAIN are extrapolated (period_expand): every op keeps its row, a
 * copy of its counterpart's in the window shifted by whole periods, and the
 * run's totals are its rows' (plus idle time no op covers). Approximated:
 * extrapolated periods repeat the window's periods rather than continuing
 * their noise; component statistics cover the simulated ops only; events
 * count simulated ones. A window that is not steady doubles the warm-up;
 * at worst the whole trace is simulated as well.
 * Everything that depends on the op's kind (its buffers, footprint, whether it
 * is a kernel or blocks the host, how it starts) comes from its row in the op
 * table (ops/optable.h).
 * Rows: an op's row lives in its exec slot while it runs, is complete when the
 * op ends but for its energy, which is taken once the power model can book
 * nothing more to it (power_op_settled: an SM it made busy may still be busy
 * with a later op's CTAs), and leaves in trace order, through a ring holding
 * the rows that wait for an earlier one: to res->ops, or to the caller's
 * run_sink (runner_run_sink), in which case none stays. What needs every row
 * (the run's FLOPs, the overlap's spans, the breakdown's sums) is summed as they
 * leave. A periodic trace's prefix keeps its rows until it is extrapolated.
 */
#include "runner.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/gpu.h"
#include "arch/hash.h"
#include "host/host.h"
#include "engine/engine.h"
#include "kernels/kernel.h"
#include "kernels/rows.h"
#include "ops/optable.h"
#include "kernels/steady.h"

#define MAX_STREAMS 64
#define ALIGN (64u << 10)

typedef struct stream_q {
    size_t *ops;        /* ring of the indices of submitted ops not yet finished, in order */
    size_t cap;         /* ring slots (0 or a power of two): grows with the queue's depth, not the trace */
    size_t head, n;     /* ops finished / submitted on this stream: the queue is ops[head .. n) mod cap */
    int busy;
    uint64_t free_ps;   /* when its last op finished */
    uint64_t last_out, last_out_bytes;
} stream_q;

/* Appends op i to the stream's queue (growing its ring when full). Returns 0, or -1 out of memory. */
static int stream_push(stream_q *q, size_t i)
{
    if (q->n - q->head == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 8;
        size_t *ops = malloc(cap * sizeof *ops);
        if (!ops) return -1;
        for (size_t k = q->head; k < q->n; k++) ops[k & (cap - 1)] = q->ops[k & (q->cap - 1)];
        free(q->ops);
        q->ops = ops;
        q->cap = cap;
    }
    q->ops[q->n++ & (q->cap - 1)] = i;
    return 0;
}

struct op_repeat {
    uint64_t done;                          /* iterations finished, simulated or extrapolated */
    uint64_t skipped;                       /* of which extrapolated */
    uint64_t issue0_ps, spacing_ps;         /* iteration k is submitted at issue0 + k * spacing */
    uint64_t last_end_ps;                   /* previous iteration's completion */
    gpu_counters c_prev;                    /* the op's counters at the previous iteration's completion */
    power_books b_prev;                     /* the power model's books then */
    uint64_t epoch;                         /* runner epoch when this iteration began */
    steady_win win;                         /* the last iterations that ran alone (steady.h) */
    gpu_counters extra;                     /* extrapolated traffic */
    double last_bd[BD_RAW_N];               /* the last simulated iteration's device parts (ps) */
};

/* A trace that repeats a period of ops (trace_period): ops [s, n) each equal
 * (kind, params, stream, repeat; not the name) to the op P positions earlier. */
#define PERIOD_MAX_OPS 4096   /* longest period looked for */
#define PERIOD_TRIES 64       /* candidate periods tried (earlier ops equal to the last one) */
#define PERIOD_WARM 16        /* periods simulated before the window at first (caches, queues, the controller);
                                 twice as many at each retry while the window is not steady */
#define PERIOD_WINDOW 64      /* periods that must agree; extrapolated periods repeat them in turn */
#define PERIOD_DRAIN 2        /* periods simulated after the window: they become the trace's last ones */
#define PERIOD_SIM(warm) ((warm) + PERIOD_WINDOW + PERIOD_DRAIN) /* periods simulated */
/* A period's traffic varies from one period to the next by a few percent (random L2 replacement, set
 * sampling, addresses that differ each period: +-3.2% in 32 periods of bench/run's trace, +-11% with
 * GEMMs of 128x256x256), and an op's start and end by about 1% of the period. So the window is tested for a trend, not for equal periods:
 * the means of its two halves agree within PERIOD_TREND_TOL, metric by metric; single periods within
 * PERIOD_NOISE_TOL of the window's mean, ops' starts and ends within PERIOD_JITTER_TOL of the period.
 * Halves of 32 periods keep a false trend (noise) rare: their means' difference has a standard error
 * of about 0.3% for a period whose traffic varies by 1.5%. Extrapolated periods repeat the window's
 * periods in turn, so their mean is the window's. */
#define PERIOD_TREND_TOL 0.01
#define PERIOD_NOISE_TOL 0.25
#define PERIOD_JITTER_TOL 0.03

typedef struct period_plan {
    size_t s, P;              /* ops [0, s) are a head; from s on, periods of P ops */
    size_t nper, rem;         /* whole periods in the trace, and ops after the last one */
    size_t warm;              /* periods simulated before the window */
    uint64_t host_at[PERIOD_WINDOW + 1]; /* host time when it took op s + q * P, q = warm - 1 .. warm + WINDOW - 1 */
    uint64_t busy_at[PERIOD_WINDOW + 1]; /* host busy time then */
    uint64_t host_end_ps, host_busy_ps; /* the host's clock and busy time at the end of the run */
} period_plan;

/* The state of an op from its submission to its end, its row included, taken
 * from a free list and found through a ring (runner.live): the runner's memory
 * grows with the ops in flight, not with the trace. */
typedef struct exec_slot {
    op_exec ex;               /* first: an op_exec the kernels hand back is its slot */
    size_t i;                 /* its index in the trace */
    op_result row;            /* its row while it runs (the breakdown's raw parts grow here) */
    struct exec_slot *next;   /* free list */
} exec_slot;

typedef struct runner {
    const gpu_config *cfg;
    const trace *t;
    engine *e;
    gpu *g;
    host h;
    exec_slot **live;         /* the slots of ops submitted and unfinished, op i's at i & (live_cap - 1): a ring
                               * of ops [emit_next, next_op) (an op's row leaves after it ends), else NULL */
    size_t live_cap;          /* 0 or a power of two */
    exec_slot *free_slots;    /* slots of finished ops, for reuse */
    size_t nslots;            /* slots allocated: the most ops in flight at once (stat runner.exec_slots) */
    run_result *res;
    stream_q streams[MAX_STREAMS];
    size_t next_op;           /* next op the host submits */
    uint64_t epoch;           /* ops begun + ops finished: an iteration during which it moved did not run alone */
    gpu_counters extra;       /* extrapolated traffic of all ops (not in the components' counters) */
    uint64_t iters_simulated, iters_extrapolated;
    uint64_t waves_extrapolated; /* GEMM waves not simulated (sim.wave_sampling) */
    size_t ops_done;          /* finished, host ops included (progress) */
    size_t outstanding;       /* submitted, not finished */
    int host_blocked;         /* waiting for sync or a blocking op */
    size_t blocking_op;       /* SIZE_MAX: sync (all) */
    uint64_t bump, capacity;
    struct period_plan *pp;    /* periodic trace: where to record the host's time at period starts; NULL */
    uint32_t *strtab;         /* the string pool's entries (offsets; 0: empty slot), open addressing */
    size_t strtab_cap, strtab_n; /* slots (0 or a power of two), entries */
    size_t strs_cap;          /* bytes allocated for res->strs */
    /* finished rows wait here until every earlier row is out (ops of different streams finish out of
     * trace order): a ring of the rows [emit_next, emit_next + pend_cap), grown with the spread of the
     * ops in flight, not with the trace */
    op_result *pend;          /* pend_cap slots, row i at i & (pend_cap - 1) */
    unsigned char *pend_ok;   /* whether row i is there */
    uint64_t *pend_issue;     /* its op's issue time (host ops: UINT64_MAX), for the watermark */
    overlap_acc *wm_to;       /* the overlap's spans: told the watermark (NULL: none) */
    size_t pend_cap;          /* 0 or a power of two */
    size_t emit_next;         /* rows [0, emit_next) are out */
    const run_sink *out;      /* where they go (NULL: none), in trace order */
    int collect;              /* also keep them in res->ops */
    uint64_t last_issue_ps;   /* the last device op submitted's issue time (issue times never decrease in trace order) */
    uint64_t rows_end_ps;     /* the latest end among the rows final */
    size_t horizon_row;       /* the first row final that ends at SIM_MAX_PS or later; SIZE_MAX: none */
    int failed;
    char *err;
    size_t errlen;
} runner;

/* Op i's slot (submitted, not finished). */
static exec_slot *live_slot(const runner *r, size_t i)
{
    assert(r->live_cap && r->live[i & (r->live_cap - 1)] && r->live[i & (r->live_cap - 1)]->i == i);
    return r->live[i & (r->live_cap - 1)];
}

/* A zeroed slot for op i, the next op submitted (reused when one is free). NULL when out of memory. */
static exec_slot *slot_take(runner *r, size_t i)
{
    if (i - r->emit_next >= r->live_cap) { /* the ring spans [emit_next, i]: grow it */
        size_t cap = r->live_cap ? 2 * r->live_cap : 16;
        while (i - r->emit_next >= cap) cap *= 2;
        exec_slot **live = calloc(cap, sizeof *live);
        if (!live) return NULL;
        for (size_t k = 0; k < r->live_cap; k++)
            if (r->live[k]) live[r->live[k]->i & (cap - 1)] = r->live[k];
        free(r->live);
        r->live = live;
        r->live_cap = cap;
    }
    exec_slot *s = r->free_slots;
    if (s) r->free_slots = s->next;
    else if ((s = malloc(sizeof *s))) r->nslots++;
    else return NULL;
    memset(s, 0, sizeof *s);
    s->i = i;
    r->live[i & (r->live_cap - 1)] = s;
    return s;
}

static void slot_give(runner *r, size_t i)
{
    exec_slot *s = live_slot(r, i);
    r->live[i & (r->live_cap - 1)] = NULL;
    s->next = r->free_slots;
    r->free_slots = s;
}

/* Row i is out: the run's sums over rows (trace order, as they always were), then the sink. */
static int row_out(runner *r, size_t i, const op_result *o)
{
    r->res->flops += o->flops;
    if (r->collect) r->res->ops[i] = *o;
    return r->out ? r->out->row(r->out->ctx, i, o) : 0;
}

/* The rows waiting in the ring go out in order while the first one is settled: its op ended and the
 * power model books nothing more to it (no SM it made busy is still busy, it is not the current op:
 * power_op_settled); its energy is taken then (an SM shared with a later op keeps booking its active
 * energy to the op that made it busy). force: the run is over, every op is settled. Returns 0, or -1
 * (the sink failed: r->failed and err are set). */
static uint64_t watermark(const runner *r);

static int rows_flush(runner *r, int force)
{
    size_t first = r->emit_next;
    int rc = 0;
    power *pw = gpu_power(r->g);
    while (r->pend_cap && r->pend_ok[r->emit_next & (r->pend_cap - 1)]) {
        size_t i = r->emit_next, k = i & (r->pend_cap - 1);
        if (!force && !power_op_settled(pw, (int)i)) break;
        op_result *o = &r->pend[k];
        o->energy_j = power_op_result(pw, (int)i)->energy_j;
        o->avg_power_w = o->end_ps > o->start_ps ? o->energy_j / ((double)(o->end_ps - o->start_ps) * 1e-12) : 0;
        r->pend_ok[k] = 0;
        r->emit_next++;
        gpu_op_retire(r->g, r->emit_next); /* its traffic row and power books were read */
        if (row_out(r, i, o)) {
            snprintf(r->err, r->errlen, "cannot keep the run's rows (out of memory, or no room for them)");
            r->failed = -1;
            rc = -1;
            break;
        }
    }
    if (r->wm_to && r->emit_next != first) r->wm_to->wm_ps = watermark(r);
    return rc;
}

/* A time no row still to leave starts before: a device op starts no earlier than its issue, and issue
 * times never decrease in trace order; so the issue of the first device op among the rows waiting or in
 * flight, else of the last one submitted (the ops not yet submitted will be issued no earlier). */
static uint64_t watermark(const runner *r)
{
    for (size_t j = r->emit_next; j < r->next_op; j++) {
        if (r->pend_cap && j - r->emit_next < r->pend_cap && r->pend_ok[j & (r->pend_cap - 1)]) {
            uint64_t is = r->pend_issue[j & (r->pend_cap - 1)];
            if (is != UINT64_MAX) return is;
            continue; /* a host op: no span */
        }
        if (r->live_cap && r->live[j & (r->live_cap - 1)] && r->live[j & (r->live_cap - 1)]->i == j)
            return r->live[j & (r->live_cap - 1)]->ex.issue_ps;
        return 0; /* not expected: no promise */
    }
    return r->last_issue_ps;
}

/* Op i's row (final but for its energy: rows_flush) joins the ring, and what can go out goes. Returns
 * 0, or -1 (out of memory, or the sink failed: r->failed and err are set). */
static int row_put(runner *r, size_t i, const op_result *o, uint64_t issue_ps)
{
    assert(i >= r->emit_next);
    if (o->end_ps > r->rows_end_ps) r->rows_end_ps = o->end_ps;
    if (o->end_ps >= SIM_MAX_PS && i < r->horizon_row) r->horizon_row = i;
    if (i - r->emit_next >= r->pend_cap) {
        size_t cap = r->pend_cap ? r->pend_cap : 16;
        while (i - r->emit_next >= cap) cap *= 2;
        op_result *rows = malloc(cap * sizeof *rows);
        unsigned char *ok = calloc(cap, 1);
        uint64_t *issue = malloc(cap * sizeof *issue);
        if (!rows || !ok || !issue) {
            free(rows);
            free(ok);
            free(issue);
            snprintf(r->err, r->errlen, "out of memory");
            r->failed = -1;
            return -1;
        }
        for (size_t j = r->emit_next; r->pend_cap && j < r->emit_next + r->pend_cap; j++)
            if (r->pend_ok[j & (r->pend_cap - 1)]) {
                rows[j & (cap - 1)] = r->pend[j & (r->pend_cap - 1)];
                ok[j & (cap - 1)] = 1;
                issue[j & (cap - 1)] = r->pend_issue[j & (r->pend_cap - 1)];
            }
        free(r->pend);
        free(r->pend_ok);
        free(r->pend_issue);
        r->pend = rows;
        r->pend_ok = ok;
        r->pend_issue = issue;
        r->pend_cap = cap;
    }
    r->pend[i & (r->pend_cap - 1)] = *o;
    r->pend_ok[i & (r->pend_cap - 1)] = 1;
    r->pend_issue[i & (r->pend_cap - 1)] = issue_ps;
    return rows_flush(r, 0);
}

static uint64_t str_hash(const char *s) { return fnv1a_add(FNV1A_INIT, s, strlen(s)); }

/* s in the run's string pool, each distinct string once (an op's mapping: a
 * trace's GEMMs share a few). Returns its offset (0 for ""), or 0 with
 * r->failed = -1 when out of memory. */
static uint32_t str_intern(runner *r, const char *s)
{
    if (!s[0]) return 0;
    run_result *res = r->res;
    if (2 * (r->strtab_n + 1) > r->strtab_cap) { /* at most half full */
        size_t cap = r->strtab_cap ? 2 * r->strtab_cap : 64;
        uint32_t *tab = calloc(cap, sizeof *tab);
        if (!tab) { snprintf(r->err, r->errlen, "out of memory"); r->failed = -1; return 0; }
        for (size_t k = 0; k < r->strtab_cap; k++) {
            uint32_t at = r->strtab[k];
            if (!at) continue;
            size_t j = (size_t)str_hash(res->strs + at) & (cap - 1);
            while (tab[j]) j = (j + 1) & (cap - 1);
            tab[j] = at;
        }
        free(r->strtab);
        r->strtab = tab;
        r->strtab_cap = cap;
    }
    size_t j = (size_t)str_hash(s) & (r->strtab_cap - 1);
    for (; r->strtab[j]; j = (j + 1) & (r->strtab_cap - 1))
        if (!strcmp(res->strs + r->strtab[j], s)) return r->strtab[j];
    size_t len = strlen(s) + 1, used = res->strs_len ? res->strs_len : 1; /* strs[0]: the empty string */
    if (used + len > UINT32_MAX) { snprintf(r->err, r->errlen, "out of memory"); r->failed = -1; return 0; }
    if (used + len > r->strs_cap) {
        size_t cap = r->strs_cap ? r->strs_cap : 256;
        while (cap < used + len) cap *= 2;
        char *b = realloc(res->strs, cap);
        if (!b) { snprintf(r->err, r->errlen, "out of memory"); r->failed = -1; return 0; }
        b[0] = 0;
        res->strs = b;
        r->strs_cap = cap;
    }
    memcpy(res->strs + used, s, len);
    res->strs_len = used + len;
    r->strtab[j] = (uint32_t)used;
    r->strtab_n++;
    return (uint32_t)used;
}

static size_t index_of(const op_exec *ex) { return ((const exec_slot *)(const void *)ex)->i; }

static uint64_t alloc(runner *r, uint64_t bytes)
{
    bytes = (bytes + ALIGN - 1) / ALIGN * ALIGN;
    if (r->bump + bytes > r->capacity) r->bump = 0;
    uint64_t a = r->bump;
    r->bump += bytes;
    return a;
}

static void host_step(void *ctx, uint64_t arg);

static void try_start(runner *r, int s);

static void op_begin(void *ctx, uint64_t i);
static void op_finish(runner *r, size_t i, uint64_t t);
static void finish_row(const runner *r, size_t i, op_result *o);

/* No op runs or waits to start on any stream but s (ops queued behind this one on s wait for it). */
static int others_idle(const runner *r, int s)
{
    for (int k = 0; k < MAX_STREAMS; k++)
        if (k != s && r->streams[k].head != r->streams[k].n) return 0;
    return 1;
}

/* op_exec.solo: nothing but ex can use the GPU until it ends: no op runs or waits on another stream, and
 * the host, unless it waits, submits nothing to another stream before its next sync or the trace's end
 * (looked for among its next SOLO_LOOKAHEAD ops; farther: not solo). */
#define SOLO_LOOKAHEAD 64
static int op_solo(void *ctx, const op_exec *ex)
{
    const runner *r = ctx;
    int s = (int)ex->op->stream;
    if (!others_idle(r, s)) return 0;
    if (r->host_blocked) return 1; /* on a sync, or on an op that ends no earlier than ex */
    for (size_t j = r->next_op; j < r->t->n; j++) {
        const trace_op *o = &r->t->ops[j];
        if (j - r->next_op == SOLO_LOOKAHEAD) return 0;
        if (op_flags(o) & OPF_WAIT_ALL) return 1;
        if (op_type_of(o)->start && (int)o->stream != s) return 0;
    }
    return 1;
}

static void op_final(void *ctx, uint64_t i)
{
    runner *r = ctx;
    op_finish(r, (size_t)i, engine_now(r->e));
}

/* An iteration of a repeated op completed at t: book it, maybe extrapolate,
 * and schedule the next iteration or the op's end. Returns 0 when the op ends
 * now (the last iteration was simulated). */
static int iteration_end(runner *r, size_t i, uint64_t t)
{
    op_exec *ex = &live_slot(r, i)->ex;
    struct op_repeat *rp = ex->rep;
    power *pw = gpu_power(r->g);
    gpu_counters c;
    gpu_get_op_counters(r->g, (int)i, &c);
    steady_add_counters(&c, &ex->extra, 1); /* its kernels' extrapolated waves */
    power_books b;
    power_snapshot(pw, (int)i, t, &b);
    steady_sample smp = { t - rp->last_end_ps, steady_counters_diff(&c, &rp->c_prev), steady_books_diff(&b, &rp->b_prev) };
    gpu_counters dc = smp.dc;
    if (rp->epoch == r->epoch && others_idle(r, ex->op->stream)) steady_push(&rp->win, &smp);
    else rp->win.n = 0;
    rp->done++;
    r->iters_simulated++;
    rp->c_prev = c;
    rp->b_prev = b;
    uint64_t left = ex->op->repeat - rp->done;
    int nst = left && r->cfg->sim.steady_state ? steady_count(&rp->win) : 0;
    if (nst) {
        /* the window's mean iteration: its time, power books and traffic */
        steady_sample mean;
        steady_mean(&rp->win, nst, &mean);
        uint64_t ps = mean.ps;
        power_books mb = mean.books;
        dc = mean.dc;
        /* stop short of the host's next submission: what it submits must meet simulated iterations */
        uint64_t room = UINT64_MAX, horizon = SIM_MAX_PS - (t < SIM_MAX_PS ? t : SIM_MAX_PS);
        if (!r->host_blocked && r->next_op < r->t->n) room = r->h.now_ps > t ? r->h.now_ps - t : 0;
        int to_horizon = room > horizon;
        if (to_horizon) room = horizon;
        double beta = ps ? rp->last_bd[BD_COMPUTE] / (double)ps : 0;
        uint64_t k = 0, took = ps ? power_extrapolate(pw, (int)i, t, ps, &mb, beta, left, room, &k) : 0;
        if (k) {
            steady_add_counters(&rp->extra, &dc, k);
            steady_add_counters(&r->extra, &dc, k);
            /* the iterations' parts, stretched with them where the slow loop lowered the clock */
            double stretch = (double)took / ((double)k * (double)ps);
            for (int j = 0; j < BD_RAW_N; j++) live_slot(r, i)->row.bd_us[j] += (double)k * rp->last_bd[j] * stretch;
            rp->done += k;
            rp->skipped += k;
            r->iters_extrapolated += k;
            t += took;
            power_snapshot(pw, (int)i, t, &rp->b_prev);
            left -= k;
        }
        if (left && k < left && to_horizon && ps) {
            /* the rest lies beyond the clock's horizon: end there (run_sim reports it) */
            rp->done += left;
            left = 0;
            t = SIM_MAX_PS;
        }
    }
    rp->last_end_ps = t;
    stream_q *q = &r->streams[ex->op->stream];
    q->free_ps = t;
    if (!left) {
        if (t == engine_now(r->e)) return 0;
        engine_schedule(r->e, t, PRIO_NORMAL, op_final, r, i);
        return 1;
    }
    uint64_t issue = rp->issue0_ps + rp->done * rp->spacing_ps;
    uint64_t at = ex->is_kernel ? host_start(&r->h, issue, t, ex->graph) : (issue > t ? issue : t);
    engine_schedule(r->e, at, PRIO_NORMAL, op_begin, r, i);
    return 1;
}

/* An iteration's completion becomes visible (after the kernel tail). */
static void op_complete(void *ctx, uint64_t i)
{
    runner *r = ctx;
    uint64_t t = engine_now(r->e);
    if (live_slot(r, i)->ex.rep && iteration_end(r, (size_t)i, t)) return;
    op_finish(r, (size_t)i, t);
}

/* The op's last iteration is done at t: book it, start what waits on it. */
static void op_finish(runner *r, size_t i, uint64_t t)
{
    op_exec *ex = &live_slot(r, i)->ex;
    const trace_op *op = ex->op;
    ex->end_ps = t;
    power_op_end(gpu_power(r->g), (int)i, t);
    gpu_counters c1; /* its traffic, counted by owner (owner.h), and what its extrapolated iterations add */
    gpu_get_op_counters(r->g, (int)i, &c1);
    steady_add_counters(&c1, &ex->extra, 1);
    steady_add_counters(&r->extra, &ex->extra, 1);
    r->waves_extrapolated += ex->waves_extrapolated;
    if (ex->rep) steady_add_counters(&c1, &ex->rep->extra, 1);
    op_result *o = &live_slot(r, i)->row;
    o->name = trace_op_name(r->t, op);
    snprintf(o->kind, sizeof o->kind, "%s", op_type_of(op)->name);
    int dt = op_dtype(op);
    o->dt = dt;
    if (dt >= 0) snprintf(o->dtype, sizeof o->dtype, "%s", dtype_name((dtype_id)dt));
    o->mapping_at = str_intern(r, ex->mapping);
    o->start_ps = ex->ready_ps;
    o->end_ps = t;
    o->flops = op_flops(op) * (double)op->repeat;
    o->dram_bytes = c1.dram_read_bytes + c1.dram_write_bytes;
    o->l2_accesses = c1.l2_accesses;
    o->l2_hits = c1.l2_hits;
    o->pcie_bytes = c1.pcie_bytes;
    o->ns_per_load = ex->ns_per_load;
    /* launch: the op's time outside its kernels (the device parts are disjoint iterations within it) */
    double *bd = o->bd_us, dev = 0, span = (double)(o->end_ps - o->start_ps);
    for (int j = 0; j < BD_RAW_N; j++) dev += bd[j];
    if (dev > span) for (int j = 0; j < BD_RAW_N; j++) bd[j] *= span / dev; /* not expected; keeps the sum */
    else bd[BD_LAUNCH] += span - dev;
    finish_row(r, i, o);
    row_put(r, i, o, ex->issue_ps);
    free(ex->rep);
    ex->rep = NULL;
    slot_give(r, i);
    int s = (int)op->stream;
    stream_q *q = &r->streams[s];
    q->busy = 0;
    q->free_ps = t;
    q->head++;
    r->outstanding--;
    r->epoch++;
    r->ops_done++;
    try_start(r, s);
    if (r->host_blocked && ((r->blocking_op == SIZE_MAX && r->outstanding == 0) || r->blocking_op == i)) {
        r->host_blocked = 0;
        host_wait(&r->h, t);
        engine_schedule(r->e, t, PRIO_LOW, host_step, r, 0);
    }
}

static void op_done(void *ctx, op_exec *ex, uint64_t t)
{
    runner *r = ctx;
    const trace_op *op = ex->op;
    size_t i = index_of(ex);
    double it[BD_RAW_N] = { 0 };
    bd_split_iteration(ex->bd_waits, ex->bd_slots, t > ex->iter_start_ps ? t - ex->iter_start_ps : 0, it);
    for (int j = 0; j < BD_RAW_N; j++) live_slot(r, i)->row.bd_us[j] += it[j];
    if (ex->rep) memcpy(ex->rep->last_bd, it, sizeof it);
    if (ex->is_kernel && !(op_flags(op) & OPF_TIMED_INSIDE)) t += us_to_ps(r->cfg->host.kernel_tail_us);
    engine_schedule(r->e, t, PRIO_NORMAL, op_complete, r, (uint64_t)i);
}

/* The op is submitted and its stream free (its reported start), its kernel not yet launched. */
static void op_ready(void *ctx, uint64_t i)
{
    runner *r = ctx;
    power_op_ready(gpu_power(r->g), (int)i, engine_now(r->e));
}

/* An iteration starts (the first: the op starts). */
static void op_begin(void *ctx, uint64_t i)
{
    runner *r = ctx;
    op_exec *ex = &live_slot(r, i)->ex;
    uint64_t t = engine_now(r->e);
    struct op_repeat *rp = ex->rep;
    if (!rp || rp->done == 0) {
        ex->start_ps = t;
        r->epoch++;
        if (rp) {
            gpu_get_op_counters(r->g, (int)i, &rp->c_prev);
            power_snapshot(gpu_power(r->g), (int)i, t, &rp->b_prev);
            rp->last_end_ps = ex->ready_ps;
        }
    }
    if (rp) rp->epoch = r->epoch;
    power_op_begin(gpu_power(r->g), (int)i, t); /* later iterations: only makes it the current op again */
    ex->iter_start_ps = t;
    memset(ex->bd_waits, 0, sizeof ex->bd_waits);
    ex->bd_slots = 0;
    int rc = op_type_of(ex->op)->start(ex, t, r->err, r->errlen);
    if (rc) {
        if (rc == -2) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", r->err);
            snprintf(r->err, r->errlen, "%s:%d: %s", r->t->path, ex->op->line, msg);
        } else {
            snprintf(r->err, r->errlen, "out of memory");
        }
        r->failed = rc; /* nothing new starts; work in flight drains */
    }
}

static void try_start(runner *r, int s)
{
    stream_q *q = &r->streams[s];
    if (q->busy || q->head == q->n || r->failed) return;
    size_t i = q->ops[q->head & (q->cap - 1)];
    op_exec *ex = &live_slot(r, i)->ex;
    q->busy = 1;
    uint64_t at = ex->is_kernel ? host_start(&r->h, ex->issue_ps, q->free_ps, ex->graph && !ex->graph_first)
                                : (ex->issue_ps > q->free_ps ? ex->issue_ps : q->free_ps);
    if (at < engine_now(r->e)) at = engine_now(r->e);
    uint64_t ready = ex->issue_ps > q->free_ps ? ex->issue_ps : q->free_ps;
    ex->ready_ps = ready < engine_now(r->e) ? engine_now(r->e) : ready;
    /* the op's idle share starts with its reported time, before the host's launch gap */
    if (ex->ready_ps < at) {
        if (ex->ready_ps == engine_now(r->e)) power_op_ready(gpu_power(r->g), (int)i, ex->ready_ps);
        else engine_schedule(r->e, ex->ready_ps, PRIO_NORMAL, op_ready, r, i);
    }
    engine_schedule(r->e, at, PRIO_NORMAL, op_begin, r, i);
}

/* Places the op's buffers (op_buffers says in which order). */
static void place(runner *r, op_exec *ex)
{
    const trace_op *op = ex->op;
    const op_type *ty = op_type_of(op);
    stream_q *q = &r->streams[op->stream];
    op_buffers b = { 0, 0, 0 };
    if (ty->buffers) ty->buffers(op->params, &b);
    if (b.extra_bytes) ex->w_addr = ex->in2_addr = alloc(r, b.extra_bytes);
    if (b.in_bytes) ex->in_addr = (q->last_out_bytes >= b.in_bytes) ? q->last_out : alloc(r, b.in_bytes);
    ex->out_bytes = b.out_bytes;
    if (ex->out_bytes) {
        ex->out_addr = alloc(r, ex->out_bytes);
        q->last_out = ex->out_addr;
        q->last_out_bytes = ex->out_bytes;
    }
}

/* A host op (no device work): its effect (cpu: host time), a result row, and for
 * sync the wait. */
static int host_op(runner *r, size_t i)
{
    const trace_op *op = &r->t->ops[i];
    const op_type *ty = op_type_of(op);
    unsigned flags = op_flags(op);
    uint64_t before = r->h.now_ps;
    if (ty->host) ty->host(&r->h, op->params);
    r->next_op++;
    r->ops_done++;
    uint64_t now = r->h.now_ps;
    if ((flags & OPF_WAIT_ALL) && engine_now(r->e) > now) now = engine_now(r->e);
    op_result row, *o = &row;
    /* a host op that takes host time (cpu) spans it; the others are instants */
    int busy = !(flags & OPF_WAIT_ALL) && now > before;
    memset(o, 0, sizeof *o); /* padding included: results travel between sweep workers as bytes */
    o->dt = -1;
    snprintf(o->bound, sizeof o->bound, "-");
    o->start_ps = busy ? before : now;
    o->end_ps = now;
    if (busy) o->bd_us[BD_HOST] = (double)(now - before);
    snprintf(o->kind, sizeof o->kind, "%s", ty->name);
    o->name = trace_op_name(r->t, op);
    finish_row(r, i, o);
    if (row_put(r, i, o, UINT64_MAX)) return 1;
    if (flags & OPF_WAIT_ALL) {
        if (r->outstanding) { r->host_blocked = 1; r->blocking_op = SIZE_MAX; return 1; }
        host_wait(&r->h, now);
    }
    return 0;
}

/* Periodic trace: the host's clock when it takes the first op of a period. */
static void period_mark(runner *r, size_t i)
{
    period_plan *pp = r->pp;
    if (!pp || i < pp->s || (i - pp->s) % pp->P) return;
    size_t q = (i - pp->s) / pp->P;
    if (q + 1 < pp->warm || q >= pp->warm + PERIOD_WINDOW) return;
    pp->host_at[q + 1 - pp->warm] = r->h.now_ps;
    pp->busy_at[q + 1 - pp->warm] = r->h.busy_ps;
}

static void host_step(void *ctx, uint64_t arg)
{
    (void)arg;
    runner *r = ctx;
    while (r->next_op < r->t->n && !r->failed) {
        size_t i = r->next_op;
        const trace_op *op = &r->t->ops[i];
        if (!op_type_of(op)->start) {
            period_mark(r, i);
            if (host_op(r, i)) return; /* blocked until the streams drain */
            continue;
        }
        if (r->h.now_ps > engine_now(r->e)) { /* the host is busy until then */
            engine_schedule(r->e, r->h.now_ps, PRIO_LOW, host_step, r, 0);
            return;
        }
        period_mark(r, i);
        exec_slot *sl = slot_take(r, i);
        if (!sl || gpu_op_open(r->g, (int)i)) { snprintf(r->err, r->errlen, "out of memory"); r->failed = -1; return; }
        op_exec *ex = &sl->ex;
        ex->op = op;
        ex->g = r->g;
        ex->done = op_done;
        ex->done_ctx = r;
        ex->solo = op_solo;
        ex->id = (int)i;
        unsigned flags = op_flags(op);
        ex->is_kernel = (flags & OPF_KERNEL) != 0;
        /* a graph's first kernel starts behind the stream's earlier work as an eager one does
         * (kernel_setup_us); the ones after it follow inside the graph (graph_gap_us) */
        ex->graph = r->h.graph;
        ex->graph_first = r->h.graph && !r->h.graph_launched;
        if (op->repeat > 1) {
            ex->rep = calloc(1, sizeof *ex->rep);
            if (!ex->rep) { snprintf(r->err, r->errlen, "out of memory"); r->failed = -1; return; }
            ex->issue_ps = host_submit_n(&r->h, (host_call)op_type_of(op)->host_call, op->repeat, &ex->rep->spacing_ps);
            ex->rep->issue0_ps = ex->issue_ps;
        } else {
            ex->issue_ps = host_submit(&r->h, (host_call)op_type_of(op)->host_call);
        }
        r->last_issue_ps = ex->issue_ps;
        place(r, ex);
        stream_q *q = &r->streams[op->stream];
        if (stream_push(q, i)) { snprintf(r->err, r->errlen, "out of memory"); r->failed = -1; return; }
        r->outstanding++;
        r->next_op++;
        try_start(r, (int)op->stream);
        if (flags & OPF_BLOCKS_HOST) {
            r->host_blocked = 1;
            r->blocking_op = i;
            return;
        }
    }
}

/* The op's breakdown at the end of the run: the clock and memory splits (breakdown.h), in us, and its bound. */
static void finish_breakdown(const runner *r, op_result *o)
{
    const gpu_config *cfg = r->cfg;
    double *p = o->bd_us; /* raw parts (ps) until now */
    double dev_s = 0;
    for (int j = 0; j < BD_RAW_N; j++)
        if (j != BD_LAUNCH && j != BD_HOST) dev_s += p[j] * 1e-12;
    double u_dram = 0, u_l2 = 0;
    if (dev_s > 0) {
        u_dram = (double)o->dram_bytes / (config_peak_dram_gbps(cfg) * 1e9 * dev_s);
        double l2_bps = (double)cfg->l2.slices * (double)cfg->l2.slice_bytes_per_clk * cfg->gpu.clock_mhz * 1e6;
        u_l2 = (double)o->l2_accesses * (double)cfg->l2.line_bytes / (l2_bps * dev_s); /* a line per access: at most */
    }
    bd_finish(p, o->clock_mhz, (double)cfg->gpu.clock_mhz, u_dram, u_l2);
    int b = bd_largest(p);
    for (int j = 0; j < BD_N; j++) o->bd_us[j] = p[j] * 1e-6;
    o->bd_us[BD_MEM] = 0; /* split into dram, l2 and latency */
    snprintf(o->bound, sizeof o->bound, "%s", b < 0 ? "-" : bd_labels[b].name);
}

/* Op i's row when the op ends (its power books closed: its mean clock and temperature are known), but
 * for its energy (rows_flush takes it once nothing more can be booked to the op) and the die
 * temperature of a host op that took no time (sync, mode): the run's at its end, unknown yet, NaN
 * until then (run_row_temp). */
static void finish_row(const runner *r, size_t i, op_result *o)
{
    const power_op *po = power_op_result(gpu_power(r->g), (int)i);
    o->clock_mhz = po->clock_mhz > 0 ? po->clock_mhz : (double)r->cfg->gpu.clock_mhz;
    o->temp_c = po->temp_c > 0 || o->end_ps > o->start_ps ? po->temp_c : NAN;
    /* a host op that took no time (sync, mode) has no parts (host_op zeroed its row and set bound
     * "-"): it has no parts to finish */
    if (op_type_of(&r->t->ops[i])->start || o->end_ps > o->start_ps) finish_breakdown(r, o);
}

int runner_run(const gpu_config *cfg, const trace *t, run_result *res, char *err, size_t errlen)
{
    return runner_run_progress(cfg, t, NULL, res, err, errlen);
}

/* A run whose clock reached SIM_MAX_PS (engine.h) is refused, naming the op it was in. */
static void horizon_error(const trace *t, size_t i, char *err, size_t errlen)
{
    const trace_op *op = &t->ops[i < t->n ? i : t->n - 1];
    snprintf(err, errlen, "%s:%d: %s: the simulated time passes the model's horizon of 2^63 ps (about 106 days): "
             "a rate in the config is too small for this work (e.g. tensor.*_flops_per_clk, memory.channel_gbps) "
             "or repeat= too large; no result", t->path, op->line, trace_op_name(t, op));
}

/* sim.loops_before: the slow power loop's state at the start of a run (power_preload). */
typedef struct slow_preload { double act_w, fixed_w, dt_ps; } slow_preload;

/* Simulates every op of t: the rows, the run's totals and the components' statistics; the power
 * summary in *ps, the host's busy time in *host_busy_ps and the runner's iterations simulated and
 * extrapolated and slots in rs (the caller adds their statistics). pp: a
 * periodic trace's plan, whose host times are recorded; NULL. */
static int run_sim(const gpu_config *cfg, const trace *t, const run_progress *pg, const slow_preload *pre,
                   period_plan *pp, const run_sink *out, int collect, overlap_acc *wm_to, run_result *res,
                   power_summary *ps_out, uint64_t *host_busy_ps, double rs[4], char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    double cap = cfg->gpu.memory_gib * 1073741824.0;
    for (size_t i = 0; i < t->n; i++) {
        const trace_op *op = &t->ops[i];
        if ((double)op_footprint(op) > cap) {
            snprintf(err, errlen, "%s:%d: %s: needs %.3g GiB of device memory, more than gpu.memory_gib = %g",
                     t->path, op->line, trace_op_name(t, op), (double)op_footprint(op) / 1073741824.0, cfg->gpu.memory_gib);
            return -2;
        }
        char msg[400];
        if (op_type_of(op)->fits && op_type_of(op)->fits(cfg, op->params, msg, sizeof msg)) {
            snprintf(err, errlen, "%s:%d: %s", t->path, op->line, msg);
            return -2;
        }
    }
    runner *r = calloc(1, sizeof *r);
    if (!r) return -1;
    r->cfg = cfg;
    r->t = t;
    r->res = res;
    r->err = err;
    r->errlen = errlen;
    r->capacity = (uint64_t)cap;
    r->pp = pp;
    r->out = out;
    r->collect = collect;
    r->wm_to = wm_to;
    r->horizon_row = SIZE_MAX;
    r->e = engine_create();
    r->g = r->e ? gpu_create(cfg, r->e) : NULL;
    if (collect) res->ops = calloc(t->n ? t->n : 1, sizeof *res->ops);
    int rc = (!r->g || (collect && !res->ops) || gpu_set_ops(r->g, t->n)) ? -1 : 0;
    if (!rc) {
        if (pre) power_preload(gpu_power(r->g), pre->act_w, pre->fixed_w, pre->dt_ps);
        host_init(&r->h, cfg);
        engine_schedule(r->e, 0, PRIO_LOW, host_step, r, 0);
        if (pg && pg->fn) {
            for (uint64_t n = 1; engine_step(r->e); n++)
                if (n % RUNNER_PROGRESS_EVENTS == 0) pg->fn(pg->ctx, r->ops_done, t->n, engine_now(r->e));
        } else {
            engine_run(r->e);
        }
        rc = r->failed;
        if (!rc && power_lost_books(gpu_power(r->g))) { snprintf(err, errlen, "out of memory"); rc = -1; }
        if (!rc && engine_saturated(r->e)) {
            /* a wrapped or saturated clock would be reported as a plausible, wrong time */
            size_t bad = r->next_op ? r->next_op - 1 : 0;
            for (size_t k = 0; k < r->live_cap; k++) /* the first op unfinished */
                if (r->live[k] && r->live[k]->i < bad) bad = r->live[k]->i;
            horizon_error(t, bad, err, errlen);
            rc = -2;
        }
        if (!rc && r->outstanding && !r->failed) { snprintf(err, errlen, "internal: %zu ops never finished", r->outstanding); rc = -1; }
    } else {
        snprintf(err, errlen, "out of memory");
    }
    if (!rc) {
        uint64_t end = r->rows_end_ps;
        if (r->h.now_ps > end) end = r->h.now_ps;
        res->total_ps = end;
        if (end >= SIM_MAX_PS) {
            size_t bad = r->horizon_row != SIZE_MAX ? r->horizon_row : t->n ? t->n - 1 : 0;
            horizon_error(t, bad, err, errlen);
            rc = -2;
        }
    }
#ifdef GPUSIM_CHECK
    if (!rc) assert(gpu_check(r->g));
#endif
    if (!rc) {
        uint64_t end = res->total_ps;
        res->cycles = clock_cycles(&(clock_domain){ (uint32_t)cfg->gpu.clock_mhz }, end);
        gpu_counters c;
        gpu_get_counters(r->g, &c);
        steady_add_counters(&c, &r->extra, 1);
        res->dram_bytes = c.dram_read_bytes + c.dram_write_bytes;
        res->l2_accesses = c.l2_accesses;
        res->l2_hits = c.l2_hits;
        res->pcie_bytes = c.pcie_bytes;
        res->events = engine_fired(r->e);
        res->peak_dram_gbps = config_peak_dram_gbps(cfg);
        res->pcie_gbps = config_pcie_gbps(cfg);
        res->peak_tflops = config_peak_tflops(cfg, DT_FP16);
        power_summary ps;
        power_finish(gpu_power(r->g), end, &ps);
        rc = rows_flush(r, 1); /* the power books are closed: the rows still waiting go out */
        assert(rc || r->emit_next == t->n);
        res->nops = t->n;
        res->energy_j = ps.energy_j;
        res->avg_power_w = ps.avg_power_w;
        res->peak_power_w = ps.peak_power_w;
        res->clock_mhz = ps.mean_clock_mhz;
        res->temp_c = ps.temp_c;
        res->peak_temp_c = ps.peak_temp_c;
        for (size_t i = 0; collect && i < t->n; i++) res->ops[i].temp_c = run_row_temp(res, &res->ops[i]);
        *ps_out = ps;
        if (pp) { pp->host_end_ps = r->h.now_ps; pp->host_busy_ps = r->h.busy_ps; }
        gpu_report(r->g, &res->st, end);
        rs[0] = (double)r->iters_simulated;
        rs[1] = (double)r->iters_extrapolated;
        rs[2] = (double)r->nslots;
        rs[3] = (double)r->waves_extrapolated;
        *host_busy_ps = r->h.busy_ps;
    }
    for (size_t k = 0; k < r->live_cap; k++) if (r->live[k]) free(r->live[k]->ex.rep); /* ops a failure left unfinished */
    for (int s = 0; s < MAX_STREAMS; s++) free(r->streams[s].ops);
    gpu_destroy(r->g);
    engine_destroy(r->e);
    /* kernels a run abandoned mid-way (the clock reached its horizon) still own their state */
    for (size_t k = 0; k < r->live_cap; k++)
        if (r->live[k]) {
            op_exec *ex = &r->live[k]->ex;
            if (ex->state && ex->state_free) ex->state_free(ex->state);
            free(r->live[k]);
        }
    free(r->live);
    while (r->free_slots) {
        exec_slot *s = r->free_slots;
        r->free_slots = s->next;
        free(s);
    }
    free(r->strtab);
    free(r->pend);
    free(r->pend_ok);
    free(r->pend_issue);
    free(r);
    if (rc) { run_result_free(res); res->nops = 0; }
    return rc;
}

/* The same op but for its name: kind, stream, repeat and every parameter. */
static int op_same(const trace_op *a, const trace_op *b)
{
    if (a->kind != b->kind || a->stream != b->stream || a->repeat != b->repeat) return 0;
    size_t sz = op_type_of(a)->params_size;
    return !sz || (a->params && b->params && !memcmp(a->params, b->params, sz));
}

/* Finds the shortest period of t's tail that repeats at least 2 * PERIOD_SIM(PERIOD_WARM) times (periods of up to
 * PERIOD_MAX_OPS ops, among the PERIOD_TRIES latest ops equal to the last one). Returns 1 and fills
 * pp's s, P, nper and rem; 0 when there is none. O(n) per candidate that matches. */
static int trace_period(const trace *t, period_plan *pp)
{
    size_t n = t->n;
    if (n < 2 * PERIOD_SIM(PERIOD_WARM)) return 0;
    const trace_op *ops = t->ops;
    int tries = 0;
    for (size_t P = 1; P <= PERIOD_MAX_OPS && P < n && tries < PERIOD_TRIES; P++) {
        if (!op_same(&ops[n - 1], &ops[n - 1 - P])) continue;
        tries++;
        size_t i = n - 1;
        while (i >= P && op_same(&ops[i], &ops[i - P])) i--;
        size_t s = i + 1 - P; /* ops (i, n) equal the op P earlier: periods start at i + 1 - P */
        size_t nper = (n - s) / P;
        if (nper < 2 * PERIOD_SIM(PERIOD_WARM)) continue;
        pp->s = s;
        pp->P = P;
        pp->nper = nper;
        pp->rem = (n - s) % P;
        return 1;
    }
    return 0;
}

/* First op of period q. */
static size_t period_op(const period_plan *pp, size_t q) { return pp->s + q * pp->P; }

static double rel_off(double v, double ref) { double d = v > ref ? v - ref : ref - v; return ref > 0 ? d / ref : d; }

/* The simulated prefix (PERIOD_SIM(warm) periods and the remainder) reached a steady state in its window
 * (periods warm .. warm + PERIOD_WINDOW - 1): the period's time T (first op to first op)
 * the same in the window's two halves within STEADY_TOL; every op started and ended T after its
 * counterpart in the period before, within PERIOD_JITTER_TOL of T; the host took each
 * period's first op T_host after the last, within STEADY_TOL; the periods' summed op time, traffic and
 * energy without a trend (halves within PERIOD_TREND_TOL, each within PERIOD_NOISE_TOL of the mean);
 * and the power limit never bound (every control interval's power under the fast loop's limit, the clock
 * never lowered, and the prefix's mean power under 0.98 power.limit_w, so that the slow loop, which
 * converges to that mean, keeps the clock at gpu.clock_mhz in every later period too).
 * Returns 1 and T, T_host, the host's busy time per period; else 0. */
static int period_steady(const gpu_config *cfg, const period_plan *pp, const op_result *win, size_t lo, const run_result *res,
                         const power_summary *ps, uint64_t *T_ps, uint64_t *Th_ps, uint64_t *busy_ps)
{
#define ROW(i) win[(i) - lo] /* win: the rows [lo, period_window_end(pp)) */
    size_t P = pp->P, w0 = pp->warm, w1 = pp->warm + PERIOD_WINDOW;
    /* neither loop of the power controller bound, nor will the slow one: the periods' mean power is under its limit */
    if (res->peak_power_w >= cfg->power.limit_w * cfg->power.fast_limit_ratio || ps->min_clock_mhz < (double)cfg->gpu.clock_mhz
        || res->avg_power_w >= 0.98 * cfg->power.limit_w) return 0;
    uint64_t a = ROW(period_op(pp, w0 - 1)).start_ps, b = ROW(period_op(pp, w1 - 1)).start_ps;
    if (b <= a) return 0;
    uint64_t T = (b - a) / PERIOD_WINDOW;
    /* the period's time: the window's two halves agree within STEADY_TOL (single ops jitter more) */
    uint64_t mid = ROW(period_op(pp, w0 - 1 + PERIOD_WINDOW / 2)).start_ps;
    if (mid < a || mid > b || rel_off((double)(mid - a), (double)(b - mid)) > STEADY_TOL) return 0;
    uint64_t ha = pp->host_at[0], hb = pp->host_at[PERIOD_WINDOW];
    if (hb < ha || pp->busy_at[PERIOD_WINDOW] < pp->busy_at[0]) return 0;
    uint64_t Th = (hb - ha) / PERIOD_WINDOW;
    double sum[PERIOD_WINDOW][6] = { { 0 } }, mean[6] = { 0 };
    for (size_t q = w0; q < w1; q++) {
        if (pp->host_at[q + 1 - w0] < pp->host_at[q - w0]
            || rel_off((double)(pp->host_at[q + 1 - w0] - pp->host_at[q - w0]), (double)Th) > STEADY_TOL) return 0;
        for (size_t j = 0; j < P; j++) {
            const op_result *x = &ROW(period_op(pp, q) + j), *y = &ROW(period_op(pp, q - 1) + j);
            if (x->start_ps < y->start_ps || x->end_ps < y->end_ps) return 0;
            if (fabs((double)(x->start_ps - y->start_ps) - (double)T) > PERIOD_JITTER_TOL * (double)T) return 0;
            if (fabs((double)(x->end_ps - y->end_ps) - (double)T) > PERIOD_JITTER_TOL * (double)T) return 0;
            double v[6] = { (double)(x->end_ps - x->start_ps), (double)x->dram_bytes, (double)x->l2_accesses,
                            (double)x->l2_hits, (double)x->pcie_bytes, x->energy_j };
            for (int m = 0; m < 6; m++) sum[q - w0][m] += v[m];
        }
    }
    for (int m = 0; m < 6; m++) {
        double half[2] = { 0, 0 };
        for (int q = 0; q < PERIOD_WINDOW; q++) {
            mean[m] += sum[q][m] / PERIOD_WINDOW;
            half[2 * q / PERIOD_WINDOW] += sum[q][m] / (PERIOD_WINDOW / 2);
        }
        if (rel_off(half[1], half[0]) > PERIOD_TREND_TOL) return 0;
        for (int q = 0; q < PERIOD_WINDOW; q++)
            if (rel_off(sum[q][m], mean[m]) > PERIOD_NOISE_TOL) return 0;
    }
    *T_ps = T;
    *Th_ps = Th;
    *busy_ps = (pp->busy_at[PERIOD_WINDOW] - pp->busy_at[0]) / PERIOD_WINDOW;
    return 1;
#undef ROW
}

/* Time in [a, b) that no row of ops[0, n) covers; -1 (as UINT64_MAX) when out of memory. */
typedef struct span { uint64_t s, e; } span;
static int span_cmp(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return p->s < q->s ? -1 : p->s > q->s;
}
static uint64_t uncovered(const op_result *ops, size_t n, uint64_t a, uint64_t b)
{
    span *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return UINT64_MAX;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t s0 = ops[i].start_ps > a ? ops[i].start_ps : a, e0 = ops[i].end_ps < b ? ops[i].end_ps : b;
        if (s0 < e0) v[m++] = (span){ s0, e0 };
    }
    qsort(v, m, sizeof *v, span_cmp);
    uint64_t covered = 0, at = a;
    for (size_t i = 0; i < m; i++) {
        uint64_t s0 = v[i].s > at ? v[i].s : at;
        if (v[i].e > s0) { covered += v[i].e - s0; at = v[i].e; }
    }
    free(v);
    return (b - a) - covered;
}

/* The rows of a periodic trace whose periods are extrapolated, made one at a time from the prefix's (pre,
 * L = t->n - k * P rows): ops before the window's end are the simulated ones, and so are the last
 * PERIOD_DRAIN periods and the remainder (the prefix's tail, shifted by k * T); the k periods between
 * repeat the window's periods in turn, shifted by whole periods. Rows after the window also carry the die
 * temperature's further rise (period_expand). */
typedef struct period_rows {
    const op_result *pre;     /* the prefix's rows */
    const trace *t;
    const period_plan *pp;
    size_t k;                 /* periods extrapolated */
    size_t tail0;             /* the first row after the window */
    uint64_t T;               /* the period (ps) */
    double t_ss, tau_ps;      /* the temperature the window's power heads for, and its time constant */
} period_rows;

/* Row i of the whole trace (0 .. t->n - 1). */
static void period_row(const period_rows *g, size_t i, op_result *o)
{
    size_t P = g->pp->P, kP = g->k * P;
    if (i < g->tail0) {
        *o = g->pre[i];
        o->name = trace_op_name(g->t, &g->t->ops[i]);
        return;
    }
    uint64_t d;
    if (i >= g->tail0 + kP) { /* the tail moved by k periods */
        *o = g->pre[i - kP];
        d = (uint64_t)g->k * g->T;
    } else {
        size_t m = (i - g->tail0) / P, j = (i - g->tail0) % P;
        size_t q = g->pp->warm + PERIOD_WINDOW + m;      /* the period it becomes */
        size_t wq = g->pp->warm + m % PERIOD_WINDOW;     /* the window's period it repeats */
        *o = g->pre[period_op(g->pp, wq) + j];
        d = (uint64_t)(q - wq) * g->T;
    }
    o->start_ps += d;
    o->end_ps += d;
    /* the die temperature (reported only: it feeds nothing back, thermal.h) keeps rising toward the steady
     * value of the window's board power over the added time: a row moved by d relaxes by exp(-d / tau) */
    o->temp_c = g->t_ss + (o->temp_c - g->t_ss) * exp(-(double)d / g->tau_ps);
    o->name = trace_op_name(g->t, &g->t->ops[i]);
}

/* The run's figures for the whole trace from its simulated prefix (res, L = res->nops rows in res->ops,
 * left as they are): the run's totals grow by the extrapolated rows' figures; the energy also by the
 * window's idle time no op covers, at the prefix's mean power outside ops. Fills g, from which the rows
 * come (period_row); res->nops becomes t->n. Returns 0 or -1 (out of memory; res unchanged). */
static int period_expand(const gpu_config *cfg, const trace *t, const period_plan *pp, uint64_t T, uint64_t Th,
                         run_result *res, power_summary *ps, period_rows *g)
{
    size_t P = pp->P, L = res->nops, n = t->n;
    size_t k = pp->nper - PERIOD_SIM(pp->warm);
    const op_result *ops = res->ops;
    /* prefix figures: gap energy and its time */
    double e_ops = 0;
    for (size_t i = 0; i < L; i++) e_ops += ops[i].energy_j;
    uint64_t gap_all = uncovered(ops, L, 0, res->total_ps);
    uint64_t w_start = ops[period_op(pp, pp->warm)].start_ps;
    uint64_t gap_w = uncovered(ops, L, w_start, w_start + PERIOD_WINDOW * T);
    if (gap_all == UINT64_MAX || gap_w == UINT64_MAX) return -1;
    double gap_w_per_period = (double)gap_w / PERIOD_WINDOW;
    double gap_power_w = gap_all ? (ps->energy_j - e_ops) / ((double)gap_all * 1e-12) : 0;
    if (gap_power_w < 0) gap_power_w = 0;
    double clk_ps = ps->mean_clock_mhz * (double)res->total_ps;
    /* the tail moves to the end; the k periods between repeat the window */
    size_t tail0 = period_op(pp, pp->warm + PERIOD_WINDOW);
    uint64_t shift = (uint64_t)k * T;
    double flops = 0, energy = 0, dev_ps = 0, dev_clk = 0;
    uint64_t dram = 0, l2a = 0, l2h = 0, pcie_b = 0;
    for (size_t m = 0; m < k; m++) {
        size_t wq = pp->warm + m % PERIOD_WINDOW;         /* the window's period it repeats */
        for (size_t j = 0; j < P; j++) {
            const op_result *x = &ops[period_op(pp, wq) + j]; /* shifting moves neither figure nor span */
            flops += x->flops;
            energy += x->energy_j;
            dram += x->dram_bytes;
            l2a += x->l2_accesses;
            l2h += x->l2_hits;
            pcie_b += x->pcie_bytes;
            dev_ps += (double)(x->end_ps - x->start_ps);
            dev_clk += x->clock_mhz * (double)(x->end_ps - x->start_ps);
        }
    }
    double w_energy = gap_power_w * (double)gap_w * 1e-12;
    for (size_t i = period_op(pp, pp->warm); i < tail0; i++) w_energy += ops[i].energy_j;
    double w_power = w_energy / ((double)(PERIOD_WINDOW * T) * 1e-12);
    *g = (period_rows){ ops, t, pp, k, tail0, T, cfg->power.ambient_c + cfg->power.r_th_c_per_w * w_power,
                        cfg->power.thermal_tau_ms * 1e9 };
    ps->temp_c = g->t_ss + (ps->temp_c - g->t_ss) * exp(-(double)shift / g->tau_ps);
    if (ps->temp_c > ps->peak_temp_c) ps->peak_temp_c = ps->temp_c;
    res->temp_c = ps->temp_c;
    res->peak_temp_c = ps->peak_temp_c;
    res->nops = n;
    uint64_t end = 0;
    for (size_t i = 0; i < n; i++) {
        op_result o;
        period_row(g, i, &o);
        if (o.end_ps > end) end = o.end_ps;
    }
    uint64_t host_end = pp->host_end_ps + (uint64_t)k * Th;
    if (host_end > end) end = host_end;
    double gap_j = gap_power_w * gap_w_per_period * 1e-12 * (double)k;
    uint64_t added_ps = end - res->total_ps;
    res->total_ps = end;
    res->cycles = clock_cycles(&(clock_domain){ (uint32_t)cfg->gpu.clock_mhz }, end);
    res->flops += flops;
    res->dram_bytes += dram;
    res->l2_accesses += l2a;
    res->l2_hits += l2h;
    res->pcie_bytes += pcie_b;
    ps->energy_j += energy + gap_j;
    res->energy_j = ps->energy_j;
    ps->avg_power_w = end ? ps->energy_j / ((double)end * 1e-12) : 0;
    res->avg_power_w = ps->avg_power_w;
    /* the added time ran at the window's clock: its ops' where they ran, gpu.clock_mhz (never capped) elsewhere */
    double busy = dev_ps < (double)added_ps ? dev_ps : (double)added_ps;
    double clk_added = dev_ps > 0 ? dev_clk / dev_ps * busy : 0;
    clk_added += (double)cfg->gpu.clock_mhz * ((double)added_ps - busy);
    ps->mean_clock_mhz = end ? (clk_ps + clk_added) / (double)end : ps->mean_clock_mhz;
    res->clock_mhz = ps->mean_clock_mhz;
    return 0;
}

/* The final rows of a run, in trace order, on their way to the caller's sink (or to res->ops): what
 * the run's figures need of every row is summed here, as the rows pass (the overlap's spans, the
 * breakdown's parts), so that no row has to stay. */
typedef struct emitter {
    const gpu_config *cfg;
    const trace *t;
    const run_sink *user;     /* NULL: the rows are collected in res->ops instead */
    overlap_acc ov;
    double parts_us[BD_N];    /* the rows' breakdowns summed (run_breakdown) */
    double parts_sum_us;
} emitter;

static int emit_row(void *ctx, size_t i, const op_result *o)
{
    emitter *em = ctx;
    if (overlap_acc_add(&em->ov, em->cfg, &em->t->ops[i], o)) return -1;
    for (int j = 0; j < BD_N; j++) { em->parts_us[j] += o->bd_us[j]; em->parts_sum_us += o->bd_us[j]; }
    return em->user ? em->user->row(em->user->ctx, i, o) : 0;
}

static int own_names(run_result *res, const trace *t);

/* An extrapolated periodic run's rows (g) go out in order: to the caller's sink, made one at a time, or
 * made into res->ops (then the result's own names). res->ops holds the prefix's rows until then.
 * Returns 0, -1 out of memory, -2 the sink failed. */
static int emit_period(emitter *em, const run_sink *out, const period_rows *g, run_result *res)
{
    if (em->user) {
        for (size_t i = 0; i < res->nops; i++) {
            op_result o;
            period_row(g, i, &o);
            if (out->row(out->ctx, i, &o)) return -2;
        }
        free(res->ops);
        res->ops = NULL;
        return 0;
    }
    op_result *all = malloc((res->nops ? res->nops : 1) * sizeof *all);
    if (!all) return -1;
    for (size_t i = 0; i < res->nops; i++) period_row(g, i, &all[i]);
    free(res->ops);
    res->ops = all;
    if (own_names(res, g->t)) return -1;
    for (size_t i = 0; i < res->nops; i++)
        if (out->row(out->ctx, i, &res->ops[i])) return -2;
    return 0;
}

/* The run's power, thermal and overlap statistics (after any extrapolation). */
static int run_stats(const gpu_config *cfg, const power_summary *ps, uint64_t host_busy_ps,
                     const double rs[4], const period_plan *pp, size_t k, emitter *em, run_result *res, char *err, size_t errlen)
{
    stats_add(&res->st, "power", "energy_j", ps->energy_j);
    stats_add(&res->st, "power", "avg_power_w", ps->avg_power_w);
    stats_add(&res->st, "power", "peak_power_w", ps->peak_power_w);
    stats_add(&res->st, "power", "mean_clock_mhz", ps->mean_clock_mhz);
    stats_add(&res->st, "power", "min_clock_mhz", ps->min_clock_mhz);
    stats_add(&res->st, "thermal", "temp_c", ps->temp_c);
    stats_add(&res->st, "thermal", "peak_temp_c", ps->peak_temp_c);
    stats_add(&res->st, "thermal", "mean_temp_c", ps->mean_temp_c);
    stats_add(&res->st, "engine", "events", (double)res->events);
    stats_add(&res->st, "runner", "iterations_simulated", rs[0]);
    stats_add(&res->st, "runner", "iterations_extrapolated", rs[1]);
    stats_add(&res->st, "runner", "exec_slots", rs[2]);
    stats_add(&res->st, "runner", "gemm_waves_extrapolated", rs[3]);
    if (pp->P) stats_add(&res->st, "runner", "period_ops", (double)pp->P);
    if (k) {
        stats_add(&res->st, "runner", "period_warm", (double)pp->warm);
        stats_add(&res->st, "runner", "periods_extrapolated", (double)k);
        stats_add(&res->st, "runner", "ops_extrapolated", (double)(k * pp->P));
    }
    if (overlap_acc_finish(&em->ov, cfg, res->total_ps, host_busy_ps, &res->st, &res->ov)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    overlap_report(&res->ov, &res->st);
    memcpy(res->bd_parts_us, em->parts_us, sizeof res->bd_parts_us);
    res->bd_sum_us = em->parts_sum_us;
    return 0;
}


/* A periodic trace's prefix while it is tried: every row goes to a temporary file, those period_steady
 * reads (periods warm - 1 .. warm + PERIOD_WINDOW - 1) are also kept; the rest come back only when the
 * window is steady (then extrapolated), so a prefix that is not costs no memory per op. */
typedef struct attempt_rows {
    run_sink spill;
    op_result *win;           /* rows [lo, hi) */
    size_t lo, hi;
} attempt_rows;

static int attempt_row(void *ctx, size_t i, const op_result *o)
{
    attempt_rows *a = ctx;
    if (i >= a->lo && i < a->hi) a->win[i - a->lo] = *o;
    return a->spill.row(a->spill.ctx, i, o);
}

static int copy_row(void *ctx, size_t i, const op_result *o)
{
    op_result *ops = ctx;
    ops[i] = *o;
    return 0;
}

/* One run of the whole trace (periodic extrapolation where it applies); pre: the slow loop's preload or NULL;
 * the power summary in *ps. The rows go to user in trace order (the rows of a periodic trace's
 * prefix, needed whole to extrapolate, are kept until then); user NULL: they stay in res->ops. */
static int run_all(const gpu_config *cfg, const trace *t, const run_progress *pg, const slow_preload *pre,
                   const run_sink *user, run_result *res, power_summary *ps_out, char *err, size_t errlen)
{
    emitter em;
    memset(&em, 0, sizeof em);
    em.cfg = cfg;
    em.t = t;
    em.user = user;
    run_sink out = { emit_row, &em };
    power_summary ps;
    uint64_t busy_ps = 0;
    double rs[4] = { 0, 0, 0, 0 };
    period_plan pp;
    memset(&pp, 0, sizeof pp);
    int found = cfg->sim.steady_state && trace_period(t, &pp);
    /* simulate the head, PERIOD_SIM(warm) periods and the remainder; if the window is steady, the periods
     * between it and the last PERIOD_DRAIN are extrapolated, else retry with twice the warm-up while that
     * leaves half the periods to extrapolate (at most twice the last prefix's cost in all), else
     * simulate the whole trace */
    for (pp.warm = PERIOD_WARM; found && 2 * PERIOD_SIM(pp.warm) <= pp.nper; pp.warm *= 2) {
        trace head = *t;
        size_t k = pp.nper - PERIOD_SIM(pp.warm);
        head.n = t->n - k * pp.P;
        uint64_t T, Th, busy_per;
        attempt_rows ar = { { NULL, NULL }, NULL, period_op(&pp, pp.warm - 1), period_op(&pp, pp.warm + PERIOD_WINDOW) };
        row_spill *sp = row_spill_create();
        ar.win = sp ? malloc((ar.hi - ar.lo) * sizeof *ar.win) : NULL;
        if (sp) ar.spill = row_spill_sink(sp);
        run_sink as = { attempt_row, &ar };
        /* no temporary file (or no memory for the window): the prefix's rows are kept */
        int keep = !ar.win;
        if (run_sim(cfg, &head, pg, pre, &pp, keep ? NULL : &as, keep, NULL, res, &ps, &busy_ps, rs, err, errlen)) {
            free(ar.win);
            row_spill_destroy(sp);
            break;
        }
        int steady = period_steady(cfg, &pp, keep ? res->ops + ar.lo : ar.win, ar.lo, res, &ps, &T, &Th, &busy_per);
        free(ar.win);
        int rc = 0;
        if (steady && !keep) { /* its rows back from the file, to be extrapolated */
            op_result *ops = malloc((res->nops ? res->nops : 1) * sizeof *ops);
            res->spill = sp;
            rc = ops ? run_rows_each(res, copy_row, ops) : -1;
            res->spill = NULL;
            res->ops = ops;
        }
        row_spill_destroy(sp);
        if (rc) {
            snprintf(err, errlen, "cannot keep the run's rows (out of memory, or no room for them)");
            run_result_free(res);
            res->nops = 0;
            *ps_out = ps;
            return -1;
        }
        if (steady) {
            period_rows g;
            rc = period_expand(cfg, t, &pp, T, Th, res, &ps, &g);
            if (!rc) rc = emit_period(&em, &out, &g, res);
            if (rc == -1) snprintf(err, errlen, "out of memory");
            if (rc == -2) {
                snprintf(err, errlen, "cannot keep the run's rows (out of memory, or no room for them)");
                rc = -1;
            }
            if (!rc) rc = run_stats(cfg, &ps, busy_ps + (uint64_t)k * busy_per, rs, &pp, k, &em, res, err, errlen);
            if (rc) { overlap_acc_free(&em.ov); run_result_free(res); res->nops = 0; }
            *ps_out = ps;
            return rc;
        }
        run_result_free(res);
    }
    int rc = run_sim(cfg, t, pg, pre, NULL, &out, !user, &em.ov, res, &ps, &busy_ps, rs, err, errlen);
    if (!rc && (rc = run_stats(cfg, &ps, busy_ps, rs, &pp, 0, &em, res, err, errlen) || (!user && own_names(res, t)))) {
        snprintf(err, errlen, "out of memory");
        run_result_free(res);
        res->nops = 0;
        rc = -1;
    }
    overlap_acc_free(&em.ov);
    *ps_out = ps;
    return rc;
}

int runner_run_progress(const gpu_config *cfg, const trace *t, const run_progress *pg, run_result *res, char *err,
                        size_t errlen)
{
    return runner_run_sink(cfg, t, pg, NULL, res, err, errlen);
}

int runner_run_sink(const gpu_config *cfg, const trace *t, const run_progress *pg, const run_sink *sink, run_result *res,
                    char *err, size_t errlen)
{
    power_summary ps;
    int twice = cfg->sim.loops_before > 0;
    /* sim.loops_before: the first run's rows are the result only if no second run follows: kept until then */
    int rc = run_all(cfg, t, pg, NULL, twice ? NULL : sink, res, &ps, err, errlen);
    if (rc || !twice) return rc;
    /* sim.loops_before: the slow loop as the earlier runs (this one's mean activity) leave it; a second run
     * from there, unless the slow loop cannot bind in it (then it is the same run) */
    double run_ps = (double)res->total_ps;
    slow_preload pre = { ps.in_act_w, ps.in_fixed_w, (double)cfg->sim.loops_before * run_ps };
    if (!power_preload_binds(cfg, (int)cfg->gpu.sm_count, pre.act_w, pre.fixed_w, pre.dt_ps, run_ps, ps.in_peak_w)) {
        if (!sink) return 0;
        for (size_t i = 0; i < res->nops; i++)
            if (sink->row(sink->ctx, i, &res->ops[i])) {
                snprintf(err, errlen, "cannot keep the run's rows (out of memory, or no room for them)");
                run_result_free(res);
                res->nops = 0;
                return -1;
            }
        free(res->ops); /* the names stay: the rows handed out point into them */
        res->ops = NULL;
        return 0;
    }
    run_result_free(res);
    return run_all(cfg, t, pg, &pre, sink, res, &ps, err, errlen);
}

void run_result_free(run_result *res)
{
    free(res->ops);
    res->ops = NULL;
    free(res->strs);
    res->strs = NULL;
    res->strs_len = 0;
    free(res->names);
    res->names = NULL;
    res->names_len = 0;
    stats_free(&res->st);
}

void run_breakdown(const run_result *res, double parts_us[BD_N])
{
    double total = (double)res->total_ps / 1e6, sum = 0;
    for (int j = 0; j < BD_N; j++) parts_us[j] = 0;
    if (!res->ops) { /* rows streamed: their sums, taken as they passed (the same order, the same doubles) */
        memcpy(parts_us, res->bd_parts_us, sizeof res->bd_parts_us);
        sum = res->bd_sum_us;
    }
    for (size_t i = 0; res->ops && i < res->nops; i++)
        for (int j = 0; j < BD_N; j++) { parts_us[j] += res->ops[i].bd_us[j]; sum += res->ops[i].bd_us[j]; }
    if (sum < total) parts_us[BD_LAUNCH] += total - sum;
    else if (sum > 0) for (int j = 0; j < BD_N; j++) parts_us[j] *= total / sum;
}

int run_result_rebind(run_result *res)
{
    size_t at = 0;
    for (size_t i = 0; i < res->nops; i++) {
        const char *end = at < res->names_len ? memchr(res->names + at, 0, res->names_len - at) : NULL;
        if (!end) return -1;
        res->ops[i].name = res->names + at;
        at = (size_t)(end - res->names) + 1;
    }
    return 0;
}

/* The rows' names become the result's own (a copy of the trace's pool), so the
 * result outlives the trace. Returns 0, or -1 out of memory. */
static int own_names(run_result *res, const trace *t)
{
    res->names = malloc(t->names_len ? t->names_len : 1);
    if (!res->names) return -1;
    memcpy(res->names, t->names, t->names_len);
    res->names_len = t->names_len;
    return run_result_rebind(res);
}
