/*
 * dram.h: the DRAM channels (HBM pseudo-channels or GDDR channels), behind one
 * call for the L2: dram_access. Two timing models (memory.model):
 *
 * reservation (default): address interleaving over channels (dram_map.h),
 * per-channel data-bus bandwidth as a reservation calendar, banks with one row
 * each (row hit vs precharge+activate, or activate alone after the closed row
 * policy's auto-precharge, dram_rowpol.h; a bank's first access pays the
 * whole row miss, as before the row policies), refresh as a share of bus time, and
 * an access latency; an access reserves its bank and a bus slot when it
 * arrives and its completion time is known at once. Writes (L2 write-backs)
 * use the same bus. Approximated: no command-bus or tFAW constraints, no
 * read/write turnaround; requests are served in arrival (call) order, with the
 * bank parallelism an FR-FCFS controller reaches on streams. Fast: right for
 * bandwidth-bound streams, and what the shipped configs are fitted with.
 *
 * queued: the controller of dram_queued.h (bounded queue per channel,
 * scheduler, row policy, back-pressure, completion events). dram_access is its
 * requester for the L2, whose miss path needs a completion time at once: each
 * channel's controller runs on its own engine, which the call advances to the
 * request's arrival, waits on while the queue is full (back-pressure: the
 * arrival becomes the time a slot freed), and for a read runs until the
 * scheduler has placed the request (its completion time is then fixed). A
 * write is posted: done once queued, scheduled later among the requests that
 * follow it (the scheduler may serve reads first). So reads meet the
 * scheduler one at a time: FR-FCFS can reorder only reads around queued
 * writes here (README: the DRAM models). Calls come in nearly, not exactly,
 * arrival order (a tile load dates its lines ahead): one that arrives before
 * its channel's engine time is queued then, but its commands and burst go from
 * its own arrival where its bank and the bus calendar have room, as in the
 * reservation model. Row-conflict and locality studies; slower.
 * Reference: DRAMsim3's channel/bank state split; HBM3 JESD238 for magnitudes.
 */
#ifndef GPUSIM_DRAM_H
#define GPUSIM_DRAM_H

#include <stdint.h>

#include "config/config.h"

typedef struct dram dram;

dram *dram_create(const gpu_config *cfg);
void dram_destroy(dram *d);
/* Reads or writes `bytes` at addr, request at the channel at t; returns the time
 * the data are back at the L2 (reads) or the channel has taken the write (its
 * bus slot, or under memory.model=queued its queue entry: the L2's write-back
 * buffer entry is free then). Under L2 set sampling one access stands for
 * `weight`: the bus takes weight bursts (reservation: as a fluid within its
 * calendar buckets); the request waits for its own burst. */
uint64_t dram_access(dram *d, uint64_t addr, uint32_t bytes, uint32_t weight, int write, uint64_t t);
int dram_channel_of(const dram *d, uint64_t addr);

typedef struct dram_counters {
    uint64_t reads, writes, read_bytes, write_bytes, row_hits, row_misses;
    double busy_ps;   /* summed over channels */
    uint64_t stalls;  /* queued model: accesses that found their channel's queue full and waited */
    double stall_ps;  /* ... and the time they waited, summed */
} dram_counters;
void dram_get_counters(const dram *d, dram_counters *out);

#endif
