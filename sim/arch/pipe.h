/*
 * pipe.h: a throughput/latency pipeline (a CUDA-core or tensor-core datapath).
 *
 * Work enters in order; it occupies the pipe for work / rate and its result is
 * ready `latency` after it leaves the issue stage. Busy time is accumulated for
 * utilisation statistics.
 */
#ifndef GPUSIM_PIPE_H
#define GPUSIM_PIPE_H

#include <stdint.h>

typedef struct pipe_unit {
    double ps_per_unit;    /* issue occupancy per unit of work (ps/FLOP) */
    uint64_t latency_ps;   /* issue to result */
    uint64_t free_ps;      /* next time the issue stage is free */
    double busy_ps;        /* total occupied time */
} pipe_unit;

/* Reserves the pipe for `work` units, ready at ready_ps; returns the result time. */
uint64_t pipe_reserve(pipe_unit *p, uint64_t ready_ps, double work);

#endif
