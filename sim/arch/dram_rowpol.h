/*
 * dram_rowpol.h: DRAM row-buffer policies, chosen by name (memory.row_policy)
 * from the registry in dram_rowpol.c. Both DRAM models (memory.model:
 * reservation and queued, dram.h) ask the policy the same question after every
 * column access (a read or write burst): leave the bank's row open, or close it
 * at once (a precharge folded into the access: auto-precharge)?
 *
 * Open row: a later access to the same row is a row hit (the burst alone); an
 * access to another row pays precharge + activate (tRP + tRCD,
 * memory.row_miss_ns). Closed row: every access finds its bank precharged and
 * pays the activate alone (tRCD, the share of memory.row_miss_ns not given to
 * memory.precharge_fraction); the precharge is paid behind the access, while the
 * bank is idle. Open wins on row locality, closed on random rows with idle time
 * between accesses (the precharge is off the critical path).
 *
 * Adding a policy = one file pair (dram_rowpol_<name>.c/.h defining a
 * dram_row_policy with its own state) + one row in the table in dram_rowpol.c;
 * the choice list of memory.row_policy (sim/config/params.c) comes from it.
 * Reference: DRAMsim3's row_buf_policy (OPEN_PAGE / CLOSE_PAGE).
 */
#ifndef GPUSIM_DRAM_ROWPOL_H
#define GPUSIM_DRAM_ROWPOL_H

#include <stddef.h>

#include "config/config.h"

/* One registry row. */
typedef struct dram_row_policy {
    const char *name;  /* the value of memory.row_policy */
    /* The policy's state from the config; NULL on out of memory. NULL create: a
     * stateless policy (its hook gets a NULL state). */
    void *(*create)(const gpu_config *cfg);
    void (*destroy)(void *state);  /* accepts NULL */
    /* After a column access of a bank's row: 1 keeps the row open, 0 closes it
     * (auto-precharge). pending_hits: requests waiting in the queued
     * controller's queue for the same row, -1 where unknown (the reservation
     * model has no queue). */
    int (*keep_open)(void *state, int pending_hits);
} dram_row_policy;

/* Row i of the registry (the index memory.row_policy stores), NULL past the end. */
const dram_row_policy *dram_row_policy_at(size_t i);
/* Its name, NULL past the end: the choice list of memory.row_policy. */
const char *dram_row_policy_name(size_t i);
/* Registry index of a name, or -1. */
int dram_row_policy_index(const char *name);

#endif
