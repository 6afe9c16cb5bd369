/*
 * xbar.h: the crossbar between SMs and L2 slices.
 *
 * Modeled: a one-way traversal latency, the SM-side port bandwidth (in sm.c)
 * and the L2-partition an address is homed in (slice hashing). Approximated:
 * no per-link contention inside the crossbar; contention appears at the SM
 * ports and at the L2 slices, where the bandwidth limits are.
 */
#ifndef GPUSIM_XBAR_H
#define GPUSIM_XBAR_H

#include <stdint.h>

#include "config/config.h"

typedef struct xbar {
    uint64_t latency_ps;   /* one way */
    uint64_t bytes;        /* carried, both directions */
} xbar;

void xbar_init(xbar *x, const gpu_config *cfg);
/* Time a request sent at t arrives at its slice. */
static inline uint64_t xbar_arrive(xbar *x, uint64_t t, uint32_t bytes)
{
    x->bytes += bytes;
    return t + x->latency_ps;
}

#endif
