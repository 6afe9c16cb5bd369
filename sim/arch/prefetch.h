/*
 * prefetch.h: the L2 prefetcher, a policy chosen by name (prefetch.policy).
 *
 * A policy sees each L2 demand miss (line number, SM) and proposes lines to
 * fetch. The L2 issues them to DRAM if absent, marks them prefetched, and counts
 * issued, useful (a demand hit them), late (a demand arrived before the data)
 * and polluting (evicted unused). Adding a policy = one function + one row in
 * the table in prefetch.c.
 */
#ifndef GPUSIM_PREFETCH_H
#define GPUSIM_PREFETCH_H

#include <stdint.h>

#include "config/config.h"

typedef struct prefetcher prefetcher;

prefetcher *prefetch_create(const gpu_config *cfg);
void prefetch_destroy(prefetcher *p);
/* Proposes up to max line numbers after a demand miss of `line` by `sm`. */
int prefetch_on_miss(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max);
int prefetch_enabled(const prefetcher *p);

#endif
