/*
 * dram_map.h: where an address lives in DRAM (channel, bank, row), shared by the
 * reservation-timed channels (dram.c) and the queued controller
 * (dram_queued.c), so that both models see the same row hits and conflicts.
 *
 * Channels: `interleave_bytes` granules hashed over the channels. Within a
 * channel the granules are packed densely; a row is `row_bytes` of that
 * channel-local space, and rows are hashed over the banks (the XOR bank hashing
 * of GPU memory controllers, so that power-of-two strides do not all hit one
 * bank). Bank rows are numbered from 1: 0 means "no row" in a bank's state.
 */
#ifndef GPUSIM_DRAM_MAP_H
#define GPUSIM_DRAM_MAP_H

#include <stdint.h>

#include "arch/hash.h"
#include "config/config.h"

typedef struct dram_map {
    uint64_t interleave, row_bytes;  /* bytes */
    uint64_t nch, nbanks;            /* channels; banks per channel */
    int interleave_shift, row_shift, bank_shift; /* log2 of those sizes when powers of two, else -1 */
} dram_map;

typedef struct dram_loc {
    uint32_t channel, bank;
    uint64_t row;                    /* row within the bank + 1 (never 0) */
} dram_loc;

/* x / n, as a shift when n = 2^shift (shift >= 0): the same quotient without a division. */
static inline uint64_t dram_udiv(uint64_t x, uint64_t n, int shift) { return shift >= 0 ? x >> shift : x / n; }
static inline uint64_t dram_umod(uint64_t x, uint64_t n, int shift) { return shift >= 0 ? x & (n - 1) : x % n; }
static inline int dram_log2_exact(uint64_t n)
{
    if (n == 0 || (n & (n - 1))) return -1;
    int s = 0;
    while ((1ull << s) < n) s++;
    return s;
}

static inline void dram_map_init(dram_map *m, const gpu_config *cfg)
{
    m->nch = (uint64_t)cfg->memory.channels;
    m->nbanks = (uint64_t)cfg->memory.banks;
    m->interleave = (uint64_t)cfg->memory.interleave_bytes;
    m->row_bytes = (uint64_t)cfg->memory.row_bytes;
    m->interleave_shift = dram_log2_exact(m->interleave);
    m->row_shift = dram_log2_exact(m->row_bytes);
    m->bank_shift = dram_log2_exact(m->nbanks);
}

static inline dram_loc dram_map_locate(const dram_map *m, uint64_t addr)
{
    dram_loc l;
    uint64_t granule = dram_udiv(addr, m->interleave, m->interleave_shift);
    l.channel = (uint32_t)(hash64(granule) % m->nch);
    /* channel-local address: granules of this channel packed densely */
    uint64_t local = (granule / m->nch) * m->interleave + dram_umod(addr, m->interleave, m->interleave_shift);
    uint64_t row_global = dram_udiv(local, m->row_bytes, m->row_shift);
    l.bank = (uint32_t)dram_umod(hash64(row_global), m->nbanks, m->bank_shift);
    l.row = dram_udiv(row_global, m->nbanks, m->bank_shift) + 1;
    return l;
}

#endif
