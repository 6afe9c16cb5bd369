/*
 * l1.h: an SM's L1 data cache (the part of the L1/shared array that shared
 * memory does not use).
 *
 * Modeled: set-associative tags with LRU, the capacity shrinking as resident CTAs
 * claim shared memory (the carve-out), write-through without allocation, hit
 * latency. Only loads flagged MEM_L1 (ld.ca) look it up; TMA and cp.async.cg
 * bulk copies into shared memory bypass it, as on the hardware.
 */
#ifndef GPUSIM_L1_H
#define GPUSIM_L1_H

#include <stdint.h>

#include "config/config.h"

typedef struct l1 l1;

l1 *l1_create(const gpu_config *cfg);
void l1_destroy(l1 *c);
/* Looks up the line holding addr; allocates it on a miss. Returns 1 on a hit. */
int l1_lookup(l1 *c, uint64_t addr);
/* Sets the shared memory in use, which takes capacity from the L1 (flushes removed ways). */
void l1_set_smem(l1 *c, uint64_t smem_bytes);
void l1_invalidate(l1 *c);
/* A hint with no effect on the simulation: prefetches the host memory of the set of addr. */
void l1_prefetch(const l1 *c, uint64_t addr);
uint64_t l1_hits(const l1 *c);
uint64_t l1_misses(const l1 *c);

#endif
