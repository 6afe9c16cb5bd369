/* dram_queued.c: the queued DRAM controller (see dram_queued.h). */
#include "dram_queued.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "arch/bwcal.h"
#include "arch/dram_map.h"
#include "arch/dram_rowpol.h"
#include "arch/dram_sched.h"

typedef struct payload {
    uint32_t bytes, weight;
    event_fn done;
    void *ctx;
    uint64_t arg;
    uint64_t *done_at;
} payload;

typedef struct qbank {
    uint64_t col_ok_ps;  /* earliest column command to the open row (activate + tRCD) */
    uint64_t pre_ok_ps;  /* earliest precharge (end of the last burst) */
    uint64_t act_ok_ps;  /* earliest activate of a precharged bank */
} qbank;

typedef struct waiter { event_fn fn; void *ctx; uint64_t arg; } waiter;

typedef struct qchan {
    struct dram_queued *owner;
    engine *e;
    dram_sched_entry *q;   /* waiting requests, oldest first */
    payload *pay;          /* by entry tag: depth slots */
    uint32_t *free_tags;   /* stack of free payload slots */
    int n, nfree;          /* waiting; free slots in pay */
    int scheduled;         /* picked, burst not yet begun: they still hold a queue slot */
    uint64_t *open_row;    /* per bank: row + 1 open after the last scheduled access, 0: closed */
    qbank *banks;
    bwcal bus;             /* data bus: the reservation model's calendar */
    uint64_t bus_free_ps;  /* end of the latest scheduled burst (paces the decisions) */
    int pick_pending;      /* a pick event is in the engine */
    waiter *w;             /* requesters waiting for a slot (FIFO) */
    size_t nw, capw;
} qchan;

struct dram_queued {
    qchan *ch;
    dram_map map;
    int depth;
    double ps_per_byte;    /* bus time per byte, refresh included */
    uint64_t trp_ps, trcd_ps, latency_ps, window_ps;
    const dram_scheduler *sched;
    void *sched_state;
    const dram_row_policy *rowpol;
    void *rowpol_state;
    dram_queued_counters c;
};

static void chan_fini(qchan *c)
{
    free(c->q);
    free(c->pay);
    free(c->free_tags);
    free(c->open_row);
    free(c->banks);
    free(c->w);
    bwcal_fini(&c->bus);
}

dram_queued *dram_queued_create(const gpu_config *cfg, engine *const *e)
{
    dram_queued *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    dram_map_init(&d->map, cfg);
    d->depth = (int)cfg->memory.queue_depth;
    d->ps_per_byte = 1e3 / cfg->memory.channel_gbps / (1.0 - cfg->memory.refresh_fraction);
    uint64_t miss_ps = ns_to_ps(cfg->memory.row_miss_ns);
    d->trp_ps = ps_from((double)miss_ps * cfg->memory.precharge_fraction);
    d->trcd_ps = miss_ps - d->trp_ps;
    d->latency_ps = ns_to_ps(cfg->memory.latency_ns);
    d->window_ps = miss_ps;
    d->sched = dram_scheduler_at((size_t)cfg->memory.scheduler);
    d->rowpol = dram_row_policy_at((size_t)cfg->memory.row_policy);
    assert(d->sched && d->rowpol);
    d->ch = calloc((size_t)d->map.nch, sizeof *d->ch);
    if (!d->ch) goto fail;
    if (d->sched->create && !(d->sched_state = d->sched->create(cfg))) goto fail;
    if (d->rowpol->create && !(d->rowpol_state = d->rowpol->create(cfg))) goto fail;
    for (uint64_t i = 0; i < d->map.nch; i++) {
        qchan *c = &d->ch[i];
        c->owner = d;
        c->e = e[i];
        c->q = calloc((size_t)d->depth, sizeof *c->q);
        c->pay = calloc((size_t)d->depth, sizeof *c->pay);
        c->free_tags = calloc((size_t)d->depth, sizeof *c->free_tags);
        c->open_row = calloc((size_t)d->map.nbanks, sizeof *c->open_row);
        c->banks = calloc((size_t)d->map.nbanks, sizeof *c->banks);
        if (!c->q || !c->pay || !c->free_tags || !c->open_row || !c->banks) goto fail;
        if (bwcal_init(&c->bus, d->ps_per_byte, BWCAL_BUCKET_PS, BWCAL_BUCKETS)) goto fail;
        for (int k = 0; k < d->depth; k++) c->free_tags[k] = (uint32_t)(d->depth - 1 - k);
        c->nfree = d->depth;
    }
    return d;
fail:
    dram_queued_destroy(d);
    return NULL;
}

void dram_queued_destroy(dram_queued *d)
{
    if (!d) return;
    if (d->ch) for (uint64_t i = 0; i < d->map.nch; i++) chan_fini(&d->ch[i]);
    free(d->ch);
    if (d->sched && d->sched->destroy) d->sched->destroy(d->sched_state);
    if (d->rowpol && d->rowpol->destroy) d->rowpol->destroy(d->rowpol_state);
    free(d);
}

static inline qchan *chan_of(const dram_queued *d, uint64_t addr, dram_loc *l)
{
    *l = dram_map_locate(&d->map, addr);
    return &d->ch[l->channel];
}

static inline int occupancy(const qchan *c) { return c->n + c->scheduled; }
static inline uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

int dram_queued_will_accept(const dram_queued *d, uint64_t addr)
{
    dram_loc l;
    return occupancy(chan_of(d, addr, &l)) < d->depth;
}

int dram_queued_occupancy(const dram_queued *d, uint64_t addr)
{
    dram_loc l;
    return occupancy(chan_of(d, addr, &l));
}

static void pick_ev(void *ctx, uint64_t arg);

/* The next decision: when the bus can take a burst less the time a row miss
 * needs to be ready for it, and not before now. */
static void schedule_pick(qchan *c)
{
    dram_queued *d = c->owner;
    uint64_t now = engine_now(c->e);
    uint64_t t = c->bus_free_ps > d->window_ps ? c->bus_free_ps - d->window_ps : 0;
    if (engine_schedule(c->e, umax(t, now), PRIO_NORMAL, pick_ev, c, 0) == 0) c->pick_pending = 1;
}

/* A scheduled burst begins: its column command has issued, its slot is free. */
static void slot_ev(void *ctx, uint64_t arg)
{
    (void)arg;
    qchan *c = ctx;
    assert(c->scheduled > 0);
    c->scheduled--;
    if (c->nw) {
        waiter w = c->w[0];
        memmove(c->w, c->w + 1, (c->nw - 1) * sizeof *c->w);
        c->nw--;
        engine_schedule(c->e, engine_now(c->e), PRIO_HIGH, w.fn, w.ctx, w.arg);
    }
}

static void pick_ev(void *ctx, uint64_t arg)
{
    (void)arg;
    qchan *c = ctx;
    dram_queued *d = c->owner;
    uint64_t now = engine_now(c->e);
    c->pick_pending = 0;
    if (!c->n) return;
    dram_sched_view v = { c->q, c->n, c->open_row, now };
    int i = d->sched->pick(d->sched_state, &v);
    assert(i >= 0 && i < c->n);
    dram_sched_entry s = c->q[i];
    payload p = c->pay[s.tag];
    memmove(c->q + i, c->q + i + 1, (size_t)(c->n - i - 1) * sizeof *c->q);
    c->n--;
    c->free_tags[c->nfree++] = s.tag;
    if (i) d->c.reordered++;

    /* commands go from the request's arrival (before now only for a requester
     * that called late: the synchronous L2, dram.h) where its bank allows */
    qbank *b = &c->banks[s.bank];
    uint64_t lo = s.arrive_ps, col;
    if (c->open_row[s.bank] == s.row) {
        col = umax(lo, b->col_ok_ps);
        d->c.row_hits += p.weight;
    } else {
        uint64_t act = c->open_row[s.bank] ? ps_add(umax(lo, b->pre_ok_ps), d->trp_ps) /* conflict: precharge first */
                                           : umax(lo, b->act_ok_ps);                   /* precharged bank */
        col = ps_add(act, d->trcd_ps);
        b->col_ok_ps = col;
        d->c.row_misses += p.weight;
    }
    uint64_t burst = ps_from((double)p.bytes * d->ps_per_byte);
    uint64_t start = bwcal_reserve(&c->bus, col, p.bytes * p.weight), end = ps_add(start, burst);
    uint64_t busy_end = ps_add(start, ps_from((double)p.bytes * p.weight * d->ps_per_byte));
    c->bus_free_ps = umax(c->bus_free_ps, busy_end);
    d->c.busy_ps += (double)burst * p.weight;
    int pending = 0;
    for (int k = 0; k < c->n; k++) pending += c->q[k].bank == s.bank && c->q[k].row == s.row;
    if (d->rowpol->keep_open(d->rowpol_state, pending)) {
        c->open_row[s.bank] = s.row;
        b->pre_ok_ps = end;
    } else {
        c->open_row[s.bank] = 0;
        b->act_ok_ps = ps_add(end, d->trp_ps);   /* auto-precharge behind the burst */
    }
    uint64_t done = s.write ? end : ps_add(end, d->latency_ps);
    if (p.done_at) *p.done_at = done;
    if (p.done) engine_schedule(c->e, umax(done, now), PRIO_NORMAL, p.done, p.ctx, p.arg);
    c->scheduled++;
    engine_schedule(c->e, umax(start, now), PRIO_HIGH, slot_ev, c, 0);
    if (c->n) schedule_pick(c);
}

int dram_queued_enqueue(dram_queued *d, const dram_queued_req *r)
{
    dram_loc l;
    qchan *c = chan_of(d, r->addr, &l);
    if (occupancy(c) >= d->depth) { d->c.refused++; return -1; }
    assert(c->nfree > 0);
    uint32_t tag = c->free_tags[--c->nfree];
    c->pay[tag] = (payload){ r->bytes, r->weight ? r->weight : 1, r->done, r->ctx, r->arg, r->done_at };
    uint64_t now = engine_now(c->e);
    c->q[c->n++] = (dram_sched_entry){ r->arrive_ps < now ? r->arrive_ps : now, l.row, l.bank, tag, r->write };
    if ((uint64_t)occupancy(c) > d->c.max_occupancy) d->c.max_occupancy = (uint64_t)occupancy(c);
    if (!c->pick_pending) schedule_pick(c);
    return 0;
}

int dram_queued_on_space(dram_queued *d, uint64_t addr, event_fn fn, void *ctx, uint64_t arg)
{
    dram_loc l;
    qchan *c = chan_of(d, addr, &l);
    if (c->nw == c->capw) {
        size_t cap = c->capw ? 2 * c->capw : 8;
        waiter *w = realloc(c->w, cap * sizeof *w);
        if (!w) return -1;
        c->w = w;
        c->capw = cap;
    }
    c->w[c->nw++] = (waiter){ fn, ctx, arg };
    return 0;
}

void dram_queued_get_counters(const dram_queued *d, dram_queued_counters *out) { *out = d->c; }
