/*
 * kernel.h: how an op becomes work on the machine model.
 *
 * The runner gives each op an op_exec (its buffers' addresses and a completion
 * callback); a kernel module starts it at a time and calls ex->done when the
 * last of its work has finished. Each op kind's row in the op table
 * (ops/optable.h) names its start function; a new kind of op is one new file
 * pair and one table row.
 */
#ifndef GPUSIM_KERNEL_H
#define GPUSIM_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "arch/gpu.h"
#include "arch/sm.h"
#include "kernels/breakdown.h"
#include "trace/trace.h"

typedef struct op_exec op_exec;
typedef void (*op_done_fn)(void *ctx, op_exec *ex, uint64_t t);

struct op_exec {
    const trace_op *op;
    gpu *g;
    uint64_t in_addr, in2_addr, w_addr, out_addr; /* buffers (device addresses); w_addr = in2_addr: the
                                                      operand besides the input (op_buffers.extra_bytes) */
    uint64_t out_bytes;
    uint64_t issue_ps;        /* host submitted it */
    uint64_t ready_ps;        /* submitted and its stream free: the op's reported start */
    uint64_t start_ps, end_ps; /* began executing; finished */
    double ns_per_load;      /* chase: timed average */
    char mapping[96];        /* gemm: the mapping used, for the results */
    void *state;             /* the kernel's own */
    void (*state_free)(void *state); /* frees state when a run is abandoned with the op unfinished (the
                                        clock reached its horizon); set with state */
    op_done_fn done;
    void *done_ctx;
    int is_kernel;           /* runs on SMs (gets launch overheads) */
    int graph;               /* submitted inside a CUDA-graph replay (host_start's gap: the host's
                                mode may have moved on by the time the op starts) */
    int graph_first;         /* the replay's first op: it starts behind earlier work as an eager
                                kernel does; its later iterations (repeat=) and the ops after it
                                follow inside the graph */
    int id;                  /* the op's index in the trace: its traffic and energy account (owner.h, power.h) */
    struct op_repeat *rep;   /* the runner's iteration books for repeat= > 1, else NULL */
    uint64_t iter_start_ps;  /* this iteration began (the runner sets it; a kernel timed inside moves it) */
    double bd_waits[BD_RAW_N]; /* this iteration's waits by label, summed over its CTAs (ps; breakdown.h) */
    uint64_t bd_slots;       /* CTAs of this iteration resident at once (breakdown.h); 0: 1 */
    gpu_counters extra;      /* traffic of the work its kernels extrapolated rather than simulated (a GEMM's
                                steady waves, sim.wave_sampling): not in the components' counters */
    uint64_t waves_extrapolated; /* waves its kernels did not simulate */
    int (*solo)(void *done_ctx, const op_exec *ex); /* the runner: 1 when nothing but this op can use the GPU
                                from now until it ends (NULL: never) */
};

/* Books [from, to) of one CTA's time to label l (breakdown.h). */
static inline void bd_book(op_exec *ex, bd_label l, uint64_t from, uint64_t to)
{
    if (to > from) ex->bd_waits[l] += (double)(to - from);
}

/* Books dur_ps to label l for every CTA slot at once: a wait the whole kernel
 * shares (a fence, a reduction pass), so it adds dur_ps to the balanced time. */
static inline void bd_book_all(op_exec *ex, bd_label l, uint64_t dur_ps)
{
    ex->bd_waits[l] += (double)dur_ps * (double)(ex->bd_slots ? ex->bd_slots : 1);
}

/* This iteration keeps `slots` CTAs resident at once (breakdown.h). */
static inline void bd_set_slots(op_exec *ex, uint64_t slots) { ex->bd_slots = slots; }

/* A kernel timed inside (OPF_TIMED_INSIDE) starts its timed part at t: the op's
 * reported start and this iteration's start move there (chase: after its warm-up). */
static inline void kernel_timed_from(op_exec *ex, uint64_t t)
{
    ex->ready_ps = ex->start_ps = ex->iter_start_ps = t;
}

/* The kernel keeps `state` while the op runs; free_fn frees it if the run is
 * abandoned with the op unfinished. */
static inline void kernel_keep_state(op_exec *ex, void *state, void (*free_fn)(void *state))
{
    ex->state = state;
    ex->state_free = free_fn;
}

/* The kernel has freed its state (its work is done). */
static inline void kernel_drop_state(op_exec *ex) { ex->state = NULL; }

/* The kernel's work is done at t: frees the state it keeps (with the free_fn it gave
 * kernel_keep_state) and reports the op done. The state must not be used after. */
static inline void kernel_finish(op_exec *ex, uint64_t t)
{
    void *state = ex->state;
    void (*free_fn)(void *) = ex->state_free;
    kernel_drop_state(ex);
    if (state && free_fn) free_fn(state);
    ex->done(ex->done_ctx, ex, t);
}

/* Makes fn(ctx) the op's completion callback; the one it replaces goes to
 * *old_fn / *old_ctx when they are not NULL (an op that waits for more than one
 * kernel interposes, then puts the old one back). */
static inline void kernel_swap_done(op_exec *ex, op_done_fn fn, void *ctx, op_done_fn *old_fn, void **old_ctx)
{
    if (old_fn) *old_fn = ex->done;
    if (old_ctx) *old_ctx = ex->done_ctx;
    ex->done = fn;
    ex->done_ctx = ctx;
}

/* CTAs of kd resident at once: the occupancy limit over all SMs, at most the grid. */
static inline uint64_t kernel_slots(gpu *g, const kernel_desc *kd)
{
    uint64_t s = (uint64_t)sm_occupancy(gpu_cfg(g), &kd->shape) * (uint64_t)gpu_sm_count(g);
    return s < kd->ctas ? s : kd->ctas;
}

/* Each returns 0, GPUSIM_EINPUT with err filled for an op the machine cannot run, or
 * GPUSIM_EFAIL when out of memory (engine/errors.h). */
int gemm_start(op_exec *ex, uint64_t t, char *err, size_t errlen);
int copy_start(op_exec *ex, uint64_t t, char *err, size_t errlen);
int chase_start(op_exec *ex, uint64_t t, char *err, size_t errlen);
int stream_start(op_exec *ex, uint64_t t, char *err, size_t errlen);
int flush_start(op_exec *ex, uint64_t t, char *err, size_t errlen);

/* Element-wise work (eltwise.c), for any op kind that is one: `elems` elements
 * of `eb` bytes; each CTA reads its slice of `nin` inputs (the first at in_addr,
 * the others after one another at in2_addr), does `flops` per element on the
 * CUDA cores in `dt`, and writes `nout` outputs from out_addr. src_host / dst_host:
 * the inputs / outputs are in mapped pinned host memory (zero-copy over PCIe);
 * ctas > 0: a fixed grid of that many CTAs looping over the slices (grid-stride). */
typedef struct eltwise_work {
    uint64_t elems, eb;
    int64_t nin, nout;
    double flops;
    dtype_id dt;
    int src_host, dst_host;
    uint64_t ctas;
    int dma;                 /* a device-to-device copy the copy engines move: no instructions, MEM_DMA bytes */
} eltwise_work;
/* Returns 0, or GPUSIM_EFAIL when out of memory. */
int eltwise_launch(op_exec *ex, uint64_t t, const eltwise_work *w);

#endif
