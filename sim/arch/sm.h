/*
 * sm.h: one streaming multiprocessor.
 *
 * Modeled: occupancy limits (threads, registers, shared memory, CTAs), four
 * sub-partitions each with a warp scheduler, a tensor core and CUDA cores; the
 * L1; the SM's port into the crossbar (bytes per clock); and the outstanding-miss
 * registers (MSHRs) that bound how many lines a non-TMA load stream keeps in
 * flight, tracked as groups of 8 lines (a k-server queue).
 */
#ifndef GPUSIM_SM_H
#define GPUSIM_SM_H

#include <stdint.h>

#include "arch/bwcal.h"
#include "arch/cuda_core.h"
#include "arch/l1.h"
#include "arch/tensor_core.h"
#include "config/config.h"

typedef struct cta_shape {
    int64_t threads;         /* per CTA */
    int64_t regs_per_thread;
    int64_t smem_bytes;      /* per CTA */
} cta_shape;

#define SM_MSHR_GROUP CONFIG_MSHR_GROUP_LINES /* lines per tracked MSHR group (config.h: config_resolve) */
#define SM_MAX_MSHR_GROUPS 512

typedef struct sm {
    int id;
    int partition;            /* L2 partition it is near */
    int64_t threads, regs, smem, ctas; /* in use */
    int next_sp;              /* round-robin warp placement */
    tensor_core *tc;
    cuda_core *cc;
    l1 *l1;
    bwcal port;               /* crossbar port */
    double port_ps_per_byte;
    uint64_t port_bytes;
    uint64_t lsu_free_ps;     /* load/store-unit issue pipe busy until (non-TMA operand loads) */
    uint64_t mshr_free_ps[SM_MAX_MSHR_GROUPS];
    int mshr_groups;
    const gpu_config *cfg;
} sm;

int sm_init(sm *s, const gpu_config *cfg, int id, power *pw);
void sm_fini(sm *s);
/* Max CTAs of this shape one SM holds (0: does not fit at all). */
int64_t sm_occupancy(const gpu_config *cfg, const cta_shape *shape);
/* Why a CTA of this shape does not fit one SM: each limit it exceeds (threads,
 * registers, shared memory) with its config key, "; "-separated, into buf. */
const char *sm_misfit(const gpu_config *cfg, const cta_shape *shape, char *buf, size_t len);
int sm_fits(const sm *s, const cta_shape *shape);
void sm_alloc(sm *s, const cta_shape *shape);
void sm_release(sm *s, const cta_shape *shape);
/* Places a CTA's `warps` warps round-robin over the sub-partitions; returns the
 * sub-partition of its first warp (the next CTA's start after this one's). */
int sm_place_warps(sm *s, int64_t warps);
/* Runs `flops` of dt on sub-partition sp's tensor core at `fraction` of its rate,
 * operands ready at ready_ps; returns the done time (tensor_core.h). */
uint64_t sm_mma(sm *s, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps);
/* The same on sub-partition sp's CUDA cores (cuda_core.h). */
uint64_t sm_fma(sm *s, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps);
/* Reserves the port for `bytes` from t; returns the time the first byte leaves. */
uint64_t sm_port_reserve(sm *s, uint64_t t, uint64_t bytes);
/* Occupies the load/store unit's issue pipe for busy_ps from t (first come,
 * first served); returns when the last instruction has issued. */
uint64_t sm_lsu_reserve(sm *s, uint64_t t, uint64_t busy_ps);
/* Takes enough MSHR groups for `lines` lines from t; returns the time they are
 * all free (the request may go then) and the groups taken in ids/n. */
uint64_t sm_mshr_take(sm *s, uint64_t t, uint64_t lines, int *ids, int *n);
/* Marks groups busy until done_ps. */
void sm_mshr_hold(sm *s, const int *ids, int n, uint64_t done_ps);

#endif
