/*
 * dram_sched.h: DRAM command schedulers of the queued controller
 * (memory.model = queued, dram_queued.h), chosen by name (memory.scheduler)
 * from the registry in dram_sched.c.
 *
 * Whenever a channel's data bus can take the next burst, the controller shows
 * the scheduler its queue (oldest first) and every bank's open row, and the
 * scheduler names the request whose column command goes next; the controller
 * then issues what that request needs (precharge, activate, the burst). A
 * scheduler decides order only; timing is the controller's.
 *
 * Adding a scheduler = one file pair (dram_sched_<name>.c/.h defining a
 * dram_scheduler with its own state) + one row in the table in dram_sched.c;
 * the choice list of memory.scheduler (sim/config/params.c) comes from it.
 * Reference: DRAMsim3's command queue arbitration; Rixner et al., "Memory
 * access scheduling", ISCA 2000 (FR-FCFS).
 */
#ifndef GPUSIM_DRAM_SCHED_H
#define GPUSIM_DRAM_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* What a scheduler sees of one queued request. */
typedef struct dram_sched_entry {
    uint64_t arrive_ps;  /* when it entered the queue */
    uint64_t row;        /* its row in its bank, + 1 */
    uint32_t bank;       /* its bank in the channel */
    uint32_t tag;        /* the controller's handle: not for the scheduler */
    int write;           /* 1: a write (L2 write-back) */
} dram_sched_entry;

typedef struct dram_sched_view {
    const dram_sched_entry *q;  /* the waiting requests, oldest first */
    int n;                      /* how many (> 0) */
    const uint64_t *open_row;   /* per bank: row + 1 open after the last access already scheduled, 0: closed */
    uint64_t now_ps;
} dram_sched_view;

/* One registry row. */
typedef struct dram_scheduler {
    const char *name;  /* the value of memory.scheduler */
    /* Its state from the config; NULL on out of memory. NULL create: stateless. */
    void *(*create)(const gpu_config *cfg);
    void (*destroy)(void *state);  /* accepts NULL */
    /* Index in v->q (0 .. n-1) of the request served next. */
    int (*pick)(void *state, const dram_sched_view *v);
} dram_scheduler;

/* Row i of the registry (the index memory.scheduler stores), NULL past the end. */
const dram_scheduler *dram_scheduler_at(size_t i);
/* Its name, NULL past the end: the choice list of memory.scheduler. */
const char *dram_scheduler_name(size_t i);
/* Registry index of a name, or -1. */
int dram_scheduler_index(const char *name);

#endif
