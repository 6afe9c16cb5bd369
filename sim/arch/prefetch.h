/*
 * prefetch.h: the L2 prefetcher: a policy chosen by name (prefetch.policy) from
 * the registry in prefetch.c.
 *
 * A policy sees each prefetch trigger of the L2 (a demand miss, or the first
 * demand use of a prefetched line: tagged prefetching) as (line number, SM) and
 * proposes lines to fetch. The L2 issues them to DRAM if absent, marks them
 * prefetched, and counts issued, useful (a demand hit them), late (a demand
 * arrived before the data) and polluting (evicted unused).
 *
 * Adding a policy = one file pair (prefetch_<name>.c/.h defining a
 * prefetch_policy with its own state) + one row in the table in prefetch.c. The
 * config's choice list for prefetch.policy (sim/config/params.c) and the names
 * printed and stored with a run come from that table.
 */
#ifndef GPUSIM_PREFETCH_H
#define GPUSIM_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* One registry row. */
typedef struct prefetch_policy {
    const char *name;  /* the value of prefetch.policy */
    /* Builds the policy's state from the prefetch.* keys; NULL on out of memory.
     * NULL create: a stateless policy (its hooks get a NULL state). */
    void *(*create)(const gpu_config *cfg);
    void (*destroy)(void *state);  /* accepts NULL */
    /* A trigger of `line` by `sm`: writes up to max proposed line numbers to out
     * and returns how many. NULL: the policy never prefetches ("none"). */
    int (*on_trigger)(void *state, uint64_t line, int sm, uint64_t *out, int max);
} prefetch_policy;

/* Row i of the registry (the index prefetch.policy stores), NULL past the end. */
const prefetch_policy *prefetch_policy_at(size_t i);
/* Its name, NULL past the end: the choice list of prefetch.policy. */
const char *prefetch_policy_name(size_t i);
/* Registry index of a name, or -1. */
int prefetch_policy_index(const char *name);

typedef struct prefetcher prefetcher;

/* The policy cfg->prefetch.policy names, with its state. NULL on out of memory. */
prefetcher *prefetch_create(const gpu_config *cfg);
void prefetch_destroy(prefetcher *p);
/* Proposes up to max line numbers after a trigger of `line` by `sm`. */
int prefetch_on_miss(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max);
int prefetch_enabled(const prefetcher *p);

#endif
