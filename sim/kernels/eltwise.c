/*
 * eltwise.c: element-wise kernels (and device-to-device copies).
 *
 * Modeled: a grid of 128-thread CTAs, 8 elements per thread (as PyTorch's
 * vectorized element-wise kernels), placed by the CTA scheduler under the
 * occupancy limits; each CTA loads its slice of every input through L1/L2/DRAM,
 * bounded by the SM's outstanding-miss registers (Little's law sets the per-SM
 * bandwidth), computes `flops` per element on the CUDA cores, and stores its
 * outputs (write-allocate in L2; DRAM sees them as write-backs).
 * Operands in host memory (zero-copy, `src=host` / `dst=host`) go over PCIe
 * instead (arch/pcie.h): a slice's read is one request with a round trip;
 * writes are posted, and the kernel completes when the last one has landed in
 * host memory (plus pcie.zc_kernel_us).
 * A fixed grid (`ctas=`) is a grid-stride loop: CTA c takes slices c, c+grid,
 * ...; it issues the next slice's loads when this slice's data are in (one
 * slice in flight per CTA: a loop without unrolling) and, when it reads
 * nothing, the next slice's stores when this slice's were taken.
 * Energy: each slice books its warp instructions beyond FMAs (ELT_INST_*, power.inst_pj).
 * A device-to-device copy (`dma`) is timed as a copy kernel of 1-byte elements, but the
 * H100 moves it with a copy engine (analysis/hw/h100_s7: no kernel under Nsight Compute):
 * it books no instructions, and its bytes (MEM_DMA) cost power.ce_pj_per_byte instead of
 * the load/store energy. Approximated: its CTAs still take SM slots and SM-active power.
 * Events per slice: two (data in, stores accepted), three in a grid-stride loop.
 * Breakdown (breakdown.h): a CTA books its device loads and stores as memory,
 * its zero-copy waits as pcie and its arithmetic as compute; in a grid-stride
 * loop, the time from its previous booking to each slice's end (stores may overlap the next slice).
 */
#include <math.h>
#include <stdlib.h>

#include "kernels/kernel.h"
#include "engine/errors.h"

#define ELT_THREADS 128
#define ELT_PER_THREAD 8
#define ELT_PER_CTA (ELT_THREADS * ELT_PER_THREAD)
/* Warp instructions beyond its FMAs that a thread issues for its ELT_PER_THREAD elements
 * (power.inst_pj), as PyTorch's vectorized_elementwise_kernel compiles: ELT_INST_FIXED of
 * thread index, bounds check, address arithmetic and exit; one vector load or store per
 * ELT_VEC_BYTES of each input and output; and, with arithmetic on a narrower type than
 * fp32, a convert per element of each input and output. ELT_INST_FIXED from Nsight Compute
 * on the H100 (analysis/hw/h100_s7/eltwise_instrs_ncu.csv: an fp16 add of 4 Mi elements
 * issues 835,584 warp instructions, 51 a warp = 24 + 3 vectors + 24 converts; relu_ issues
 * 75 a warp, its clamp's NaN handling ~4 instructions an element more, not modelled). */
#define ELT_INST_FIXED 24
#define ELT_VEC_BYTES 16

typedef struct elt_run {
    op_exec *ex;
    gpu *g;
    engine *e;
    pcie *p;
    kernel_desc kd;
    uint64_t elems;
    uint64_t eb;            /* bytes per element */
    int64_t nin, nout;
    double flops;
    dtype_id math_dt;       /* the arithmetic's type: PyTorch computes 16-bit tensors in float (opmath) */
    int src_host, dst_host; /* inputs / outputs in host memory (zero-copy) */
    uint32_t dma;           /* MEM_DMA: a device-to-device copy the copy engines move (no instructions), else 0 */
    uint64_t slices;        /* ELT_PER_CTA-element slices */
    int grid_stride;        /* a fixed grid (ctas=): each CTA loops over its slices */
    uint64_t *next;         /* grid-stride, per CTA: its next slice to issue */
    uint64_t *pending;      /* grid-stride, per CTA: slices issued, not finished */
    uint64_t *acct;         /* grid-stride, per CTA: its time is booked up to here */
    uint64_t landed_ps;     /* the last posted host write reaches host memory */
} elt_run;

static uint64_t pack(uint64_t slice, int smi) { return (slice << 13) | (uint64_t)smi; }

static void span(const elt_run *r, uint64_t slice, uint64_t *first, uint64_t *bytes)
{
    uint64_t e0 = slice * ELT_PER_CTA;
    uint64_t n = r->elems - e0 < ELT_PER_CTA ? r->elems - e0 : ELT_PER_CTA;
    *first = e0 * r->eb;
    *bytes = n * r->eb;
}

/* Books [from, to) of the slice's CTA to label l; a grid-stride CTA books from where it left off. */
static void book(elt_run *r, uint64_t slice, bd_label l, uint64_t from, uint64_t to)
{
    if (r->grid_stride) {
        uint64_t *a = &r->acct[slice % r->kd.ctas];
        if (to <= *a) return;
        from = *a;
        *a = to;
    }
    bd_book(r->ex, l, from, to);
}

static void issue(elt_run *r, uint64_t slice, int smi, uint64_t t);

static void issue_next(void *ctx, uint64_t arg)
{
    elt_run *r = ctx;
    uint64_t cta = arg >> 13;
    if (r->next[cta] < r->slices) issue(r, r->next[cta], (int)(arg & 8191), engine_now(r->e));
}

static void slice_done(void *ctx, uint64_t arg)
{
    elt_run *r = ctx;
    int smi = (int)(arg & 8191);
    uint64_t cta = arg >> 13;
    if (r->grid_stride) {
        cta %= r->kd.ctas;
        if (--r->pending[cta] > 0 || r->next[cta] < r->slices) return;
    }
    cta_sched_done(gpu_sched(r->g), &r->kd, smi, engine_now(r->e));
}

/* Warp instructions (not FMAs) the slice's threads issue: see ELT_INST_FIXED. */
static double slice_insts(const elt_run *r, uint64_t bytes)
{
    uint64_t elems = bytes / r->eb;
    double warps = ceil((double)elems / (32.0 * ELT_PER_THREAD));
    double vec = ceil((double)(ELT_PER_THREAD * r->eb) / ELT_VEC_BYTES);
    double per_warp = ELT_INST_FIXED + (double)(r->nin + r->nout) * vec;
    if (r->flops > 0 && r->eb < 4) per_warp += (double)(r->nin + r->nout) * ELT_PER_THREAD;
    return warps * per_warp;
}

static void data_in(void *ctx, uint64_t arg)
{
    elt_run *r = ctx;
    uint64_t t = engine_now(r->e), slice = arg >> 13, off, bytes;
    int smi = (int)(arg & 8191);
    span(r, slice, &off, &bytes);
    sm *s = gpu_sm(r->g, smi);
    uint64_t done = t;
    if (r->flops > 0) {
        int nsp = (int)gpu_cfg(r->g)->sm.subpartitions;
        double per_sp = r->flops * (double)(bytes / r->eb) / (double)nsp;
        for (int sp = 0; sp < nsp; sp++) {
            uint64_t d = sm_fma(s, sp, r->math_dt, per_sp, 1.0, t);
            if (d > done) done = d;
        }
    }
    book(r, slice, BD_COMPUTE, t, done);
    uint64_t acc = done;
    for (int64_t o = 0; o < r->nout; o++) {
        uint64_t d, landed;
        if (r->dst_host) {
            d = pcie_zc_write(r->p, r->ex->id, bytes, done, &landed);
            power_add_span(gpu_power(r->g), PW_PCIE, (double)bytes, r->kd.op, t, done, landed);
            if (landed > r->landed_ps) r->landed_ps = landed;
        } else
            d = gpu_mem_rows(r->g, r->ex->id, smi, r->ex->out_addr + (uint64_t)o * r->elems * r->eb + off, 1, bytes, bytes,
                             MEM_WRITE | r->dma, done);
        if (d > acc) acc = d;
    }
    book(r, slice, r->dst_host ? BD_PCIE : BD_MEM, done, acc);
    if (!r->dma) power_add_span(gpu_power(r->g), PW_INST, slice_insts(r, bytes), r->kd.op, t, t, acc > t ? acc : t);
    engine_schedule(r->e, acc, PRIO_NORMAL, slice_done, r, arg);
    if (r->grid_stride && r->nin == 0) engine_schedule(r->e, acc, PRIO_NORMAL, issue_next, r, pack(slice % r->kd.ctas, smi));
}

/* Issues the loads of one slice on SM smi at t. */
static void issue(elt_run *r, uint64_t slice, int smi, uint64_t t)
{
    uint64_t off, bytes, ready = t;
    span(r, slice, &off, &bytes);
    for (int64_t i = 0; i < r->nin; i++) {
        uint64_t d;
        if (r->src_host) {
            d = pcie_zc_read(r->p, r->ex->id, bytes, t);
            power_add_span(gpu_power(r->g), PW_PCIE, (double)bytes, r->kd.op, t, t, d);
        } else {
            uint64_t base = i == 0 ? r->ex->in_addr : r->ex->in2_addr + (uint64_t)(i - 1) * r->elems * r->eb;
            d = gpu_mem_rows(r->g, r->ex->id, smi, base + off, 1, bytes, bytes, MEM_L1 | MEM_MSHR | r->dma, t);
        }
        if (d > ready) ready = d;
    }
    book(r, slice, r->src_host ? BD_PCIE : BD_MEM, t, ready);
    engine_schedule(r->e, ready, PRIO_NORMAL, data_in, r, pack(slice, smi));
    if (r->grid_stride) {
        uint64_t cta = slice % r->kd.ctas;
        r->pending[cta]++;
        r->next[cta] = slice + r->kd.ctas;
        if (r->nin > 0 && r->next[cta] < r->slices) engine_schedule(r->e, ready, PRIO_NORMAL, issue_next, r, pack(cta, smi));
    }
}

static void start_cta(void *ctx, int smi, uint64_t cta, uint64_t t)
{
    elt_run *r = ctx;
    if (r->grid_stride) r->acct[cta] = t;
    issue(r, cta, smi, t);
}

static void run_free(void *state)
{
    elt_run *r = state;
    free(r->next);
    free(r->pending);
    free(r->acct);
    free(r);
}

static void complete(void *ctx, uint64_t arg)
{
    (void)arg;
    elt_run *r = ctx;
    kernel_finish(r->ex, engine_now(r->e));
}

static void finished(void *ctx, uint64_t t)
{
    elt_run *r = ctx;
    if (r->src_host || r->dst_host) {
        /* the kernel's end waits for its posted host writes (system-scope fence), then pcie.zc_kernel_us */
        uint64_t end = ps_add(r->landed_ps > t ? r->landed_ps : t, pcie_zc_kernel_ps(r->p));
        bd_book_all(r->ex, BD_PCIE, end - t); /* every slot waits */
        engine_schedule(r->e, end, PRIO_NORMAL, complete, r, 0);
        return;
    }
    complete(r, 0);
}

int eltwise_launch(op_exec *ex, uint64_t t, const eltwise_work *w)
{
    elt_run *r = calloc(1, sizeof *r);
    if (!r) return GPUSIM_EFAIL;
    r->ex = ex;
    r->g = ex->g;
    r->e = gpu_engine(ex->g);
    r->p = gpu_pcie(ex->g);
    r->elems = w->elems; r->eb = w->eb;
    r->nin = w->nin; r->nout = w->nout; r->flops = w->flops;
    r->math_dt = w->dt == DT_FP16 || w->dt == DT_BF16 ? DT_FP32 : w->dt;
    r->src_host = w->src_host; r->dst_host = w->dst_host;
    r->dma = w->dma ? MEM_DMA : 0;
    r->slices = (r->elems + ELT_PER_CTA - 1) / ELT_PER_CTA;
    r->kd.shape = (cta_shape){ ELT_THREADS, 32, 0 };
    r->kd.ctas = r->slices;
    if (w->ctas > 0 && w->ctas < r->slices) {
        r->grid_stride = 1;
        r->kd.ctas = w->ctas;
        r->next = calloc(w->ctas, sizeof *r->next);
        r->pending = calloc(w->ctas, sizeof *r->pending);
        r->acct = calloc(w->ctas, sizeof *r->acct);
        if (!r->next || !r->pending || !r->acct) { run_free(r); return GPUSIM_EFAIL; }
    }
    r->kd.ctx = r;
    r->kd.start_cta = start_cta;
    r->kd.finished = finished;
    bd_set_slots(ex, kernel_slots(ex->g, &r->kd));
    kernel_keep_state(ex, r, run_free);
    return cta_sched_launch(gpu_sched(ex->g), &r->kd, t);
}
