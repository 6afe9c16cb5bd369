/*
 * dram_queued.h: the queued DRAM controller (memory.model = queued): per
 * channel, a bounded request queue, per-bank row state and a data bus, with a
 * scheduler (memory.scheduler, dram_sched.h) choosing the next request and a
 * row policy (memory.row_policy, dram_rowpol.h) deciding what a bank keeps
 * open. Events go through an engine (sim/engine), one per channel as given to
 * create (the same engine for every channel is fine).
 *
 * The contract is DRAMsim3's back-pressure one: a requester asks
 * dram_queued_will_accept first and calls dram_queued_enqueue only then (an
 * enqueue into a full queue is refused and changes nothing); a refused
 * requester waits for a slot with dram_queued_on_space (a one-shot event) and
 * asks again; the request's completion is an event (and, for a requester that
 * cannot wait for it, the completion time written as soon as it is scheduled).
 * Nothing is dropped.
 *
 * Timing (all from the memory.* keys): a row hit issues its burst at once; a
 * bank with another row open pays precharge then activate (tRP + tRCD =
 * memory.row_miss_ns, split by memory.precharge_fraction); a precharged bank
 * pays the activate (tRCD). A burst occupies the channel's bus for bytes /
 * memory.channel_gbps, stretched by memory.refresh_fraction, on the
 * reservation model's bus calendar (bwcal.h: 32 ns buckets, fluid within a
 * bucket, so a late requester's burst can fill idle time before the latest
 * scheduled one); read data are back memory.latency_ns after the burst
 * (CAS, PHY and controller latency: the model's row-hit latency), a write is
 * done at the end of its burst. A request holds its queue slot from enqueue
 * until its burst starts (its column command issues).
 *
 * Approximated: the scheduler decides the request for the bus's next burst
 * memory.row_miss_ns before the bus frees (the latest time a row miss can
 * still be ready), so banks prepare rows in parallel behind earlier bursts and
 * a request arriving inside that window waits for the next decision; one queue
 * per channel for reads and writes; no tFAW/tRRD, read/write turnaround or
 * refresh commands (refresh is the bus-time share, as in the reservation
 * model). Under L2 set sampling a request standing for `weight` accesses takes
 * `weight` bursts of bus time; its own data come with the first.
 * Reference: DRAMsim3 (Li et al., IEEE CAL 2020): MemorySystem::WillAcceptTransaction /
 * AddTransaction, completion callbacks, trans_queue_size; Rixner et al., ISCA
 * 2000 for FR-FCFS.
 */
#ifndef GPUSIM_DRAM_QUEUED_H
#define GPUSIM_DRAM_QUEUED_H

#include <stdint.h>

#include "config/config.h"
#include "engine/engine.h"

typedef struct dram_queued dram_queued;

/* One request, copied by enqueue. */
typedef struct dram_queued_req {
    uint64_t addr;       /* byte address */
    uint64_t arrive_ps;  /* when it reached the controller: the engine's time (a later value counts as
                          * that); earlier only for a requester that calls late (the synchronous L2,
                          * dram.h), whose commands may then go from that time where bank and bus allow */
    uint32_t bytes;      /* burst size */
    uint32_t weight;     /* accesses it stands for (L2 set sampling; 1 otherwise) */
    int write;           /* 1: a write (an L2 write-back) */
    event_fn done;       /* completion event, fired at the completion time; NULL: none */
    void *ctx;           /* its context and argument */
    uint64_t arg;
    uint64_t *done_at;   /* if not NULL: the completion time, written when the controller schedules the request */
} dram_queued_req;

typedef struct dram_queued_counters {
    uint64_t row_hits, row_misses;   /* weighted, as dram_counters */
    uint64_t reordered;              /* picks that were not the oldest request */
    uint64_t refused;                /* enqueues refused (queue full) */
    uint64_t max_occupancy;          /* most requests one channel's queue held */
    double busy_ps;                  /* bus time, summed over channels */
} dram_queued_counters;

/* The controller of every channel of cfg; e[ch] times channel ch's events.
 * NULL on out of memory. */
dram_queued *dram_queued_create(const gpu_config *cfg, engine *const *e);
void dram_queued_destroy(dram_queued *q);  /* accepts NULL */
/* 1 if the queue of addr's channel has a free slot now. */
int dram_queued_will_accept(const dram_queued *q, uint64_t addr);
/* Queues r at its channel's engine time. 0, or -1 when the queue is full
 * (nothing changed: wait with dram_queued_on_space). */
int dram_queued_enqueue(dram_queued *q, const dram_queued_req *r);
/* fn(ctx, arg) fires once, as an event, when a slot of addr's channel frees
 * (another requester may take it first: ask will_accept again). 0, or -1 out of memory. */
int dram_queued_on_space(dram_queued *q, uint64_t addr, event_fn fn, void *ctx, uint64_t arg);
/* Requests queued (waiting, or scheduled with their burst not yet begun) on addr's channel. */
int dram_queued_occupancy(const dram_queued *q, uint64_t addr);
void dram_queued_get_counters(const dram_queued *q, dram_queued_counters *out);

#endif
