/* dram.c: channel / bank reservation, and the queued controller's requester (see dram.h). */
#include "dram.h"

#include <assert.h>
#include <stdlib.h>

#include "arch/bwcal.h"
#include "arch/dram_map.h"
#include "arch/dram_queued.h"
#include "arch/dram_rowpol.h"
#include "engine/engine.h"

#define ROW_CLOSED UINT64_MAX  /* a bank precharged by the row policy (0: never opened) */

typedef struct bank {
    uint64_t open_row;   /* row + 1; 0: never opened; ROW_CLOSED: precharged */
    uint64_t free_ps;    /* next time it can start an access */
} bank;

typedef struct channel {
    bwcal bus;           /* data bus */
    bank *banks;
} channel;

struct dram {
    dram_map map;
    channel *ch;             /* reservation model */
    double ps_per_byte;      /* bus time per byte including refresh */
    uint64_t latency_ps, row_miss_ps, precharge_ps, activate_ps;
    const dram_row_policy *rowpol;
    void *rowpol_state;
    dram_queued *q;          /* queued model (NULL: reservation) */
    engine **qe;             /* its per-channel engines */
    dram_counters c;
};

dram *dram_create(const gpu_config *cfg)
{
    dram *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    dram_map_init(&d->map, cfg);
    int nch = (int)d->map.nch;
    d->ps_per_byte = 1e3 / cfg->memory.channel_gbps / (1.0 - cfg->memory.refresh_fraction);
    d->latency_ps = ns_to_ps(cfg->memory.latency_ns);
    d->row_miss_ps = ns_to_ps(cfg->memory.row_miss_ns);
    d->precharge_ps = ps_from((double)d->row_miss_ps * cfg->memory.precharge_fraction);
    d->activate_ps = d->row_miss_ps - d->precharge_ps;
    d->rowpol = dram_row_policy_at((size_t)cfg->memory.row_policy);
    assert(d->rowpol);
    if (d->rowpol->create && !(d->rowpol_state = d->rowpol->create(cfg))) { free(d); return NULL; }
    if (cfg->memory.model == DRAM_MODEL_QUEUED) {
        d->qe = calloc((size_t)nch, sizeof *d->qe);
        if (!d->qe) { dram_destroy(d); return NULL; }
        for (int i = 0; i < nch; i++)
            if (!(d->qe[i] = engine_create())) { dram_destroy(d); return NULL; }
        if (!(d->q = dram_queued_create(cfg, d->qe))) { dram_destroy(d); return NULL; }
        return d;
    }
    d->ch = calloc((size_t)nch, sizeof *d->ch);
    if (!d->ch) { dram_destroy(d); return NULL; }
    for (int i = 0; i < nch; i++) {
        d->ch[i].banks = calloc(d->map.nbanks, sizeof(bank));
        if (!d->ch[i].banks || bwcal_init(&d->ch[i].bus, d->ps_per_byte, BWCAL_BUCKET_PS, BWCAL_BUCKETS)) {
            dram_destroy(d);
            return NULL;
        }
    }
    return d;
}

void dram_destroy(dram *d)
{
    if (!d) return;
    if (d->ch) for (uint64_t i = 0; i < d->map.nch; i++) { free(d->ch[i].banks); bwcal_fini(&d->ch[i].bus); }
    free(d->ch);
    dram_queued_destroy(d->q);
    if (d->qe) for (uint64_t i = 0; i < d->map.nch; i++) engine_destroy(d->qe[i]);
    free(d->qe);
    if (d->rowpol->destroy) d->rowpol->destroy(d->rowpol_state);
    free(d);
}

int dram_channel_of(const dram *d, uint64_t addr)
{
    return (int)dram_map_locate(&d->map, addr).channel;
}

static void flag_ev(void *ctx, uint64_t arg) { (void)arg; *(int *)ctx = 1; }

/* Fires every event of e before t (and those at t that outrank PRIO_LOW); e's
 * time is then max(t, its time before). */
static void run_until(engine *e, uint64_t t)
{
    int fired = 0;
    if (engine_now(e) >= t || engine_schedule(e, t, PRIO_LOW, flag_ev, &fired, 0)) return;
    while (!fired && engine_step(e)) {}
}

/* memory.model=queued: the L2's side of the back-pressure contract (dram.h). */
static uint64_t queued_access(dram *d, uint64_t addr, uint32_t bytes, uint32_t weight, int write, uint64_t t)
{
    engine *e = d->qe[dram_map_locate(&d->map, addr).channel];
    run_until(e, t);
    uint64_t arrive = t;   /* before the engine's time when this call comes late */
    if (!dram_queued_will_accept(d->q, addr)) {
        arrive = engine_now(e);
        d->c.stalls += weight;
        do {
            int woke = 0;
            if (dram_queued_on_space(d->q, addr, flag_ev, &woke, 0)) return SIM_MAX_PS;  /* out of memory: saturates the run */
            while (!woke && engine_step(e)) {}
            assert(woke);
        } while (!dram_queued_will_accept(d->q, addr));
        d->c.stall_ps += (double)(engine_now(e) - arrive) * weight;
        arrive = engine_now(e);   /* it reaches the queue when a slot frees */
    }
    uint64_t done = 0;
    dram_queued_req r = { addr, arrive, bytes, weight, write, NULL, NULL, 0, write ? NULL : &done };
    int rc = dram_queued_enqueue(d->q, &r);
    assert(rc == 0);
    (void)rc;
    if (write) {
        d->c.writes += weight;
        d->c.write_bytes += (uint64_t)bytes * weight;
        return arrive;
    }
    d->c.reads += weight;
    d->c.read_bytes += (uint64_t)bytes * weight;
    while (!done && engine_step(e)) {}
    assert(done);
    return done;
}

uint64_t dram_access(dram *d, uint64_t addr, uint32_t bytes, uint32_t weight, int write, uint64_t t)
{
    if (d->q) return queued_access(d, addr, bytes, weight, write, t);
    dram_loc l = dram_map_locate(&d->map, addr);
    channel *ch = &d->ch[l.channel];
    bank *b = &ch->banks[l.bank];
    /* The bank serialises its own row operations; the data bus is a throughput
     * slot taken in arrival order, so one bank's activate overlaps other banks'
     * bursts (what an FR-FCFS controller with bank parallelism achieves). */
    uint64_t ready = t > b->free_ps ? t : b->free_ps;
    if (b->open_row != l.row) {
        ready += b->open_row == ROW_CLOSED ? d->activate_ps : d->row_miss_ps;
        b->open_row = l.row;
        d->c.row_misses += weight;
    } else {
        d->c.row_hits += weight;
    }
    uint64_t burst = ps_from((double)bytes * d->ps_per_byte);
    uint64_t slot = bwcal_reserve(&ch->bus, t, bytes * weight);
    uint64_t start = ready > slot ? ready : slot;
    b->free_ps = ps_add(ready, burst);
    if (!d->rowpol->keep_open(d->rowpol_state, -1)) {
        b->open_row = ROW_CLOSED;   /* auto-precharge: the bank is busy for tRP after the burst */
        b->free_ps = ps_add(b->free_ps, d->precharge_ps);
    }
    d->c.busy_ps += (double)burst * weight;
    /* a write is done, for whoever waits on it, once the channel has taken it into its queue */
    if (write) { d->c.writes += weight; d->c.write_bytes += (uint64_t)bytes * weight; return slot; }
    d->c.reads += weight;
    d->c.read_bytes += (uint64_t)bytes * weight;
    return start + burst + d->latency_ps;
}

void dram_get_counters(const dram *d, dram_counters *out)
{
    *out = d->c;
    if (d->q) {
        dram_queued_counters qc;
        dram_queued_get_counters(d->q, &qc);
        out->row_hits = qc.row_hits;
        out->row_misses = qc.row_misses;
        out->busy_ps = qc.busy_ps;
    }
}
