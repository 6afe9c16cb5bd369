/*
 * dram.h: the DRAM channels (HBM pseudo-channels or GDDR channels).
 *
 * Modeled: address interleaving over channels (hashed, `interleave_bytes`
 * granules), per-channel data-bus bandwidth, banks with one open row each
 * (row hit vs precharge+activate), refresh as a share of bus time, and an access
 * latency. Writes (L2 write-backs) use the same bus. Approximated: no command-bus
 * or tFAW constraints, no read/write turnaround; FR-FCFS reordering is replaced
 * by first-come service (requests arrive in time order).
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
 * bus slot: the L2's write-back buffer entry is free then). Under L2 set sampling
 * one access stands for `weight`: the bus calendar takes weight bursts (as a
 * fluid within its buckets); the request waits for its own burst. */
uint64_t dram_access(dram *d, uint64_t addr, uint32_t bytes, uint32_t weight, int write, uint64_t t);
int dram_channel_of(const dram *d, uint64_t addr);

typedef struct dram_counters {
    uint64_t reads, writes, read_bytes, write_bytes, row_hits, row_misses;
    double busy_ps;   /* summed over channels */
} dram_counters;
void dram_get_counters(const dram *d, dram_counters *out);

#endif
