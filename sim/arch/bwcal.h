/*
 * bwcal.h: a bandwidth calendar, the reservation primitive of shared links
 * (SM ports, L2 slices, DRAM data buses).
 *
 * Time is cut into buckets of `bucket_ps`, each able to carry `rate x bucket`
 * bytes. A request of n bytes at time t takes the first bucket at or after t with
 * room, and starts where that bucket's earlier traffic ends. Unlike a single
 * "next free" time, this lets requests be reserved out of time order (a request
 * dated later, queued behind its SM's port, does not block the idle capacity
 * before it). Buckets form a ring: the horizon (buckets x bucket_ps) must exceed
 * how far ahead of the current time any request is dated.
 * Invariants: every bucket before `fill` is full; a ring slot holding bytes
 * lies in a page marked in `dirty` (marked when one of its slots goes from 0).
 */
#ifndef GPUSIM_BWCAL_H
#define GPUSIM_BWCAL_H

#include <stdint.h>

/* Defaults for the machine's links: 32 ns buckets, a 131 us horizon. */
#define BWCAL_BUCKET_PS 32000u
#define BWCAL_BUCKETS 4096u

typedef struct bwcal {
    uint32_t *used;       /* bytes reserved per bucket (ring) */
    uint64_t *dirty;      /* a bit per page of slots: written since it was last emptied */
    uint32_t page_shift;  /* log2 of the slots in a page: 64, or fewer in a ring smaller than 128 */
    uint32_t nbuckets;    /* power of two */
    uint32_t cap;         /* bytes per bucket */
    uint64_t bucket_ps;
    double ps_per_byte;
    uint64_t head;        /* highest bucket index in use */
    uint64_t fill;        /* lowest bucket index that may have room */
    double busy_ps;       /* total reserved time */
    uint64_t cleared;     /* ring slots emptied so far (the cost of opening buckets; tests) */
} bwcal;

/* rate: bytes per picosecond given as ps_per_byte. Returns 0 or -1 (out of memory). */
int bwcal_init(bwcal *c, double ps_per_byte, uint64_t bucket_ps, uint32_t nbuckets);
void bwcal_fini(bwcal *c);
/* A hint with no effect: a reservation from about t will come soon (prefetches
 * its bucket into the host's cache). */
static inline void bwcal_prefetch(const bwcal *c, uint64_t t)
{
    __builtin_prefetch(&c->used[(t / c->bucket_ps) & (c->nbuckets - 1)], 1);
}
/* Reserves `bytes` from t; returns the time the transfer starts (it takes bytes x ps_per_byte). */
uint64_t bwcal_reserve(bwcal *c, uint64_t t, uint32_t bytes);
/* The invariants, for assert() in checking builds (GPUSIM_CHECK): no bucket holds more
 * than its capacity, every bucket of the ring's window before `fill` is full, fill <= head + 1.
 * Returns 1 when they hold. O(buckets). */
int bwcal_check(const bwcal *c);

#endif
