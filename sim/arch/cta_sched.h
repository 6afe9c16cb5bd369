/*
 * cta_sched.h: the CTA (thread block) scheduler.
 *
 * Modeled: kernels queue in launch order; CTAs are placed breadth-first, one per
 * SM per round, wherever the occupancy limits (threads, registers, shared
 * memory, CTAs) allow; a later kernel gets SMs only where the earlier ones leave
 * room, so kernels of different streams overlap. Starting a CTA costs
 * sm.cta_launch_cycles. A kernel may be limited to its first `max_sms` SMs.
 * It tells the power model when an SM becomes busy (and for which op) and idle.
 */
#ifndef GPUSIM_CTA_SCHED_H
#define GPUSIM_CTA_SCHED_H

#include <stdint.h>

#include "arch/power.h"
#include "arch/sm.h"
#include "engine/engine.h"

typedef struct kernel_desc {
    cta_shape shape;
    uint64_t ctas;        /* grid size */
    int64_t max_sms;      /* 0: all */
    void *ctx;
    void (*start_cta)(void *ctx, int sm, uint64_t cta, uint64_t t);
    void (*finished)(void *ctx, uint64_t t); /* all CTAs done */
    /* scheduler state */
    int op;               /* the op it runs (power_current_op at launch), for energy */
    uint64_t next_cta, done_ctas;
    struct kernel_desc *next;
} kernel_desc;

typedef struct cta_sched cta_sched;

/* pw: the chip's power state (may be NULL). */
cta_sched *cta_sched_create(engine *e, sm *sms, int nsm, uint64_t cta_launch_ps, power *pw);
void cta_sched_destroy(cta_sched *s);
/* Queues a kernel at t; returns -2 when its CTA does not fit on any SM. */
int cta_sched_launch(cta_sched *s, kernel_desc *k, uint64_t t);
/* k's grid shrinks by n CTAs that are not yet placed (fewer than it has left): the kernel accounts
 * for their work itself (wave sampling, kernels/gemm.c). */
void cta_sched_drop(kernel_desc *k, uint64_t n);
/* A CTA of k finished on sm at t. */
void cta_sched_done(cta_sched *s, kernel_desc *k, int sm, uint64_t t);
/* The invariants, for assert() in checking builds (GPUSIM_CHECK; run after every launch and
 * every finished CTA): each SM's resources in use are within its limits (none when it holds no
 * CTA); every queued kernel has CTAs left to place and none of them fits any SM it may use
 * (placement is work-conserving); the queue's tail is its last kernel. Returns 1 when they hold. */
int cta_sched_check(const cta_sched *s);

#endif
