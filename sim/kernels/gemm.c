/*
 * gemm.c: a GEMM as CTAs that pipeline k-tiles through shared memory.
 *
 * Modeled per CTA: its jobs (output tiles, or k-slices of them with split-K;
 * one job for a plain CTA, every grid-th job for a persistent one); per k-tile a
 * load of the A block (tile_m rows of tile_k elements) and the B block (tile_k
 * rows of tile_n elements) at their real row-major addresses through the SM
 * port, crossbar, L2 and DRAM; `stages` shared-memory slots, so the load of
 * k-tile j may start only when the MMA of k-tile j-stages has finished (stages=1:
 * no overlap; wgmma keeps one MMA group in flight, so its slot frees one MMA
 * later); MMAs of a k-tile split over the consumer warps, each on its
 * sub-partition's tensor core (or CUDA cores for fp32) after a per-k-tile
 * barrier/issue cost; the epilogue stores the C tile (a non-TMA epilogue issues
 * its vectors through the SM's LSU, as the loads do), and the next job's MMAs
 * wait for it while its loads run ahead (persistent kernels).
 * Stream-K (default mapping on persistent kernels): the tiles of all full waves
 * but the last are dealt out data-parallel (CTA c takes tiles c, c+grid, ...);
 * the k-iterations of the remaining tiles are split evenly over all CTAs, so no
 * SM idles in a last partial wave. A CTA that covers only part of a tile's k
 * range writes fp32 partials; the one that finishes the tile reads the others'
 * partials and writes C (the wait for them is not modeled).
 * A one-stage explicit-tile kernel (Triton num_stages=1) loads with plain loads into registers:
 * its k-tile loads hold the SM's miss registers (sm.max_inflight_lines) as a streaming kernel's
 * do; TMA and cp.async loads do not.
 * Zero-copy (src=host|a|b, dst=host): a block of a host operand is one read
 * request over PCIe per k-tile (not cached: every CTA that needs it reads it),
 * C is written to host memory posted, and the kernel ends when the writes have
 * landed plus pcie.zc_kernel_us (arch/pcie.h); its data waits are booked as pcie.
 * Folded: a k-tile load is one reservation sweep over its lines, not one event
 * per line; MMAs of a k-tile are one reservation per warp.
 * Events per k-tile: about two (data ready, slot free).
 * Wave sampling (sim.wave_sampling): a grid of 9 or more waves of data-parallel jobs
 * (a wave: as many jobs as CTAs are resident) takes a checkpoint each time another
 * wave's worth of jobs has finished: the time, the op's traffic, the power model's
 * books and the CTAs' time by label since the last one. Once the op's L2 misses
 * have refilled the L2 and the waves between the last 4, 6 or 8 checkpoints are
 * steady (steady.h: two periods of 2, 3 or 4 waves agree, wave by wave; a wave's
 * traffic repeats every few waves with the tile order) while the op has the GPU
 * to itself (op_exec.solo), every wave that no CTA has begun loading but the
 * last is not simulated: a persistent
 * CTA skips as many of its jobs, a non-persistent grid as many waves of CTAs. When
 * the last CTA is done, the kernel's end moves by their time: the mean wave's
 * traffic (op_exec.extra), CTA time and power books, k times, with the clock where
 * the power controller's slow loop takes it (power_extrapolate). Against every
 * wave simulated: test_cli.sh (8192^3: time within 0.5%, energy 1%).
 * Breakdown (breakdown.h): each CTA books its consumers' time as it goes, per
 * MMA issue: busy with the previous MMA (compute), waiting for the k-tile's data
 * (memory), for the previous job's epilogue (shared memory with TMA stores, else
 * memory), for the k-tile barrier spacing (sync); the first wave's prologue is
 * tail; the end of a CTA is its last MMA then its stores.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/errors.h"
#include "kernels/gemm_map.h"
#include "kernels/kernel.h"
#include "kernels/steady.h"

typedef struct gemm_run gemm_run;

typedef struct cta_run {
    gemm_run *run;
    int sm;
    int sp_base;             /* first sub-partition of its warps */
    uint64_t cta;
    uint64_t njobs;          /* data-parallel jobs of this CTA */
    uint64_t nkt;            /* k-tiles per job */
    uint64_t sk_begin, sk_end; /* its stream-K iterations (global, over the stream-K tiles) */
    uint64_t total;          /* njobs * nkt + stream-K iterations */
    uint64_t loaded, issued; /* k-tiles whose loads / MMAs have been issued */
    uint64_t last_issue_ps;  /* previous MMA issue (sync spacing) */
    uint64_t ep_idx;         /* local k-tile that ended the segment whose epilogue is due */
    uint64_t seg_start_kk;   /* k-tile (within its job) where the current MMA segment began */
    uint64_t ep_start_kk;    /* the same, for the segment whose epilogue is due */
    uint64_t ep_at_ps;       /* its last MMA's finish; 0: none due */
    uint64_t ep_done_ps;     /* consumers busy with the epilogue until */
    uint64_t wake_ps;        /* earliest pending tick */
    uint64_t gen;            /* bumped per CTA started in this slot; stale ticks are ignored */
    int ending;              /* last epilogue issued, waiting to finish */
    uint64_t store_done_ps;  /* asynchronous (TMA) stores drained */
    uint64_t acct_ps;        /* its time is booked (breakdown) up to here */
    uint64_t mma_done_ps;    /* latest MMA finish */
    uint64_t *ready_ps;      /* per slot: data in shared memory */
    uint64_t *done_ps;       /* per slot: MMA finished, slot reusable */
    uint64_t skip_at, skip_n; /* wave sampling: its data-parallel jobs from local job skip_at on are skip_n later */
    int live;                /* started, not finished */
    struct cta_run *next_free;
} cta_run;

struct gemm_run {
    op_exec *ex;
    gpu *g;
    engine *e;
    gemm_map map;
    kernel_desc kd;
    int eb, ob;
    uint64_t tiles_m, tiles_n, ktiles, jobs, grid;
    uint64_t dp_jobs;        /* jobs dealt out data-parallel; the rest are stream-K */
    uint64_t sk_iters;       /* (jobs - dp_jobs) * k-tiles per job */
    uint64_t sync_ps;
    uint64_t mma_hold;       /* 1: asynchronous wgmma keeps one MMA group in flight, whose stage is not yet free */
    double smem_ps_per_byte; /* shared-memory bandwidth (sm.smem_bytes_per_clk) */
    double mma_fraction;     /* share of the datasheet MMA/FFMA rate the family sustains */
    double lsu_ps_per_byte;  /* load/store-unit issue time per operand byte (non-TMA families) */
    double lsu_store_ps_per_elem; /* the same per output element of a non-TMA epilogue */
    uint64_t store_ret_ps;   /* a store's return from the L2 once taken (l2.near_hit_cycles) */
    uint64_t lds_ps;         /* SIMT: one k-tile's operand reads from shared memory through the LSU pipe */
    uint64_t ws_addr;        /* split-K partials: split s at ws_addr + s * m * n * 4 */
    uint64_t prologue_ps;    /* library kernels: first-wave CTA start before the first load */
    uint64_t first_wave;     /* CTAs of the first wave (SM slots) */
    uint32_t a_flags, b_flags; /* MEM_STREAM for an operand that only one row (column) of tiles reads */
    cta_run *pool;           /* one per resident CTA slot */
    uint64_t *slots;         /* ring storage for the pool */
    cta_run *free_list;
    int zc;                  /* an operand is in host memory (zero-copy, arch/pcie.h) */
    int zc_read;             /* A or B is: data waits are PCIe's */
    int fenced;              /* zero-copy: the end-of-kernel wait is done */
    uint64_t landed_ps;      /* zero-copy: the last posted write of C reaches host memory */
    /* wave sampling (sim.wave_sampling): a checkpoint every `wave` whole data-parallel jobs finished */
    uint64_t wave;           /* jobs a wave: CTAs resident at once */
    uint64_t jobs_done;
    int sampling;            /* still looking for steady waves */
    uint64_t l2_turn;        /* L2 misses (lines) since its start after which the L2 holds only its data */
    uint64_t misses0;        /* the op's L2 misses at its start */
    steady_win win;          /* the waves between checkpoints (steady.h) */
    int cp_set;              /* a checkpoint was taken: */
    uint64_t cp_ps;          /* its time, the op's traffic and power books, and its CTA time by label */
    gpu_counters cp_c;
    power_books cp_b;
    double cp_bd[BD_RAW_N];
    double wave_bd[STEADY_HIST][BD_RAW_N]; /* each sampled wave's CTA time by label (ps), oldest first */
    uint64_t skip_waves;     /* waves not simulated: their time, traffic and energy are the mean wave's
                                (0 again once finished has added them) */
    steady_sample skip_mean;
    double skip_bd[BD_RAW_N];
    uint64_t skip_from, skip_n; /* non-persistent: CTAs [skip_from, skip_from + skip_n) are not simulated */
};

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
static uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* Tile coordinates of job j, with Triton's group_m swizzle. */
static void job_tile(const gemm_run *r, uint64_t j, uint64_t *pm, uint64_t *pn, uint64_t *split)
{
    uint64_t tile = j / (uint64_t)r->map.split_k;
    *split = j % (uint64_t)r->map.split_k;
    uint64_t gm = (uint64_t)r->map.group_m;
    uint64_t in_group = gm * r->tiles_n;
    uint64_t group = tile / in_group;
    uint64_t first_m = group * gm;
    uint64_t size_m = umin(r->tiles_m - first_m, gm);
    *pm = first_m + (tile % in_group) % size_m;
    *pn = (tile % in_group) / size_m;
}

/* Where local k-tile idx of CTA c falls: its job, its k-tile within the job,
 * and whether it starts / ends a segment (a run of k-tiles of one job). */
static void ktile_info(const cta_run *c, uint64_t idx, uint64_t *job, uint64_t *kk, int *first, int *last)
{
    const gemm_run *r = c->run;
    uint64_t dp = c->njobs * c->nkt;
    if (idx < dp) {
        uint64_t jl = idx / c->nkt;
        if (jl >= c->skip_at) jl += c->skip_n;
        *job = r->map.persistent ? c->cta + jl * r->grid : c->cta;
        *kk = idx % c->nkt;
        *first = *kk == 0;
        *last = *kk == c->nkt - 1;
        return;
    }
    uint64_t g = c->sk_begin + (idx - dp);
    *job = r->dp_jobs + g / c->nkt;
    *kk = g % c->nkt;
    *first = *kk == 0 || g == c->sk_begin;
    *last = *kk == c->nkt - 1 || g == c->sk_end - 1;
}

static void tick(void *ctx, uint64_t arg);

static void wake(cta_run *c, uint64_t t)
{
    if (c->wake_ps && c->wake_ps <= t && c->wake_ps >= engine_now(c->run->e)) return;
    c->wake_ps = t;
    engine_schedule(c->run->e, t, PRIO_NORMAL, tick, c, c->gen);
}

/* Books the CTA's time up to t to label l (breakdown.h). */
static void book_to(cta_run *c, bd_label l, uint64_t t)
{
    if (t <= c->acct_ps) return;
    bd_book(c->run->ex, l, c->acct_ps, t);
    c->acct_ps = t;
}

/* Books the time before an MMA issued at `at` from a tick at t: the previous MMA, then what held it. */
static void book_issue(cta_run *c, uint64_t t, uint64_t at, int after_epilogue)
{
    book_to(c, BD_COMPUTE, c->mma_done_ps < at ? c->mma_done_ps : at);
    book_to(c, after_epilogue ? (c->run->map.tma ? BD_SMEM : BD_MEM) : c->run->zc_read ? BD_PCIE : BD_MEM, t < at ? t : at);
    book_to(c, BD_SYNC, at);
}

/* A block of a host operand (zero-copy): one read request over PCIe from t; returns when it is in. */
static uint64_t zc_load(gemm_run *r, uint64_t bytes, uint64_t t)
{
    uint64_t d = pcie_zc_read(gpu_pcie(r->g), r->ex->id, bytes, t);
    power_add_span(gpu_power(r->g), PW_PCIE, (double)bytes, r->kd.op, t, t, d);
    return d;
}

/* Issues the loads of k-tile idx of CTA c at t; returns when both blocks are in shared memory. */
static uint64_t load_ktile(cta_run *c, uint64_t idx, uint64_t t)
{
    gemm_run *r = c->run;
    const gemm_params *op = r->ex->op->params;
    const gemm_map *m = &r->map;
    uint64_t pm, pn, split, job, kk;
    int first, last;
    ktile_info(c, idx, &job, &kk, &first, &last);
    job_tile(r, job, &pm, &pn, &split);
    uint64_t kt = split * r->ktiles / (uint64_t)m->split_k + kk;
    uint64_t k0 = kt * (uint64_t)m->tk;
    if (k0 >= (uint64_t)op->k) return t;
    uint64_t kw = umin((uint64_t)m->tk, (uint64_t)op->k - k0);
    uint64_t m0 = pm * (uint64_t)m->tm, n0 = pn * (uint64_t)m->tn;
    uint64_t rows_a = umin((uint64_t)m->tm, (uint64_t)op->m - m0);
    uint64_t cols_b = umin((uint64_t)m->tn, (uint64_t)op->n - n0);
    uint64_t first_a = 0, step_a = 1;
    if (m->cluster > 1) { first_a = pn % (uint64_t)m->cluster; step_a = (uint64_t)m->cluster; }
    uint64_t ra = rows_a > first_a ? (rows_a - first_a + step_a - 1) / step_a : 0;
    uint64_t eb = (uint64_t)r->eb;
    uint64_t da = t, db;
    /* layout: A is [m,k] row-major, or [k,m] when transposed; B is [k,n], or [n,k] when transposed */
    if (ra && op->host_a) /* zero-copy: the block is one read request over PCIe */
        da = zc_load(r, ra * kw * eb, t);
    else if (ra && !op->trans_a)
        da = gpu_mem_rows(r->g, r->ex->id, c->sm, r->ex->in_addr + ((m0 + first_a) * (uint64_t)op->k + k0) * eb, ra, kw * eb,
                          step_a * (uint64_t)op->k * eb, r->a_flags, t);
    else if (ra) /* a cluster's CTAs share the block: each loads its share of the columns */
        da = gpu_mem_rows(r->g, r->ex->id, c->sm, r->ex->in_addr + (k0 * (uint64_t)op->m + m0 + first_a * ra) * eb, kw, ra * eb,
                          (uint64_t)op->m * eb, r->a_flags, t);
    if (op->host_b)
        db = zc_load(r, cols_b * kw * eb, t);
    else if (!op->trans_b)
        db = gpu_mem_rows(r->g, r->ex->id, c->sm, r->ex->w_addr + (k0 * (uint64_t)op->n + n0) * eb, kw, cols_b * eb,
                          (uint64_t)op->n * eb, r->b_flags, t);
    else
        db = gpu_mem_rows(r->g, r->ex->id, c->sm, r->ex->w_addr + (n0 * (uint64_t)op->k + k0) * eb, cols_b, kw * eb,
                          (uint64_t)op->k * eb, r->b_flags, t);
    uint64_t done = da > db ? da : db;
    if (r->lsu_ps_per_byte > 0) { /* non-TMA: every operand byte is a load instruction's share through the SM's LSU;
        the rows and columns past C's edge too: their loads are predicated off, still issued (narrow loads:
        gemm_lsu_edge_share) */
        double share = gemm_lsu_edge_share(gpu_cfg(r->g), op, m, (double)rows_a, (double)cols_b);
        uint64_t busy = ps_floor((double)(((uint64_t)m->tm + (uint64_t)m->tn) * kw * eb) * share * r->lsu_ps_per_byte);
        uint64_t end = sm_lsu_reserve(gpu_sm(r->g, c->sm), t, busy);
        if (end > done) done = end;
    }
    return done;
}

/* Stores the result of the segment ending at local k-tile idx at t; returns when
 * the stores are accepted. A whole tile writes C; a stream-K piece writes fp32
 * partials, and the piece that finishes the tile first reads a partial tile. */
static uint64_t epilogue(cta_run *c, uint64_t idx, uint64_t t)
{
    gemm_run *r = c->run;
    const gemm_params *op = r->ex->op->params;
    uint64_t pm, pn, split, job, kk;
    int first, last;
    ktile_info(c, idx, &job, &kk, &first, &last);
    job_tile(r, job, &pm, &pn, &split);
    uint64_t m0 = pm * (uint64_t)r->map.tm, n0 = pn * (uint64_t)r->map.tn;
    uint64_t rows = umin((uint64_t)r->map.tm, (uint64_t)op->m - m0);
    uint64_t cols = umin((uint64_t)r->map.tn, (uint64_t)op->n - n0);
    int whole = c->seg_start_kk == 0 && kk == c->nkt - 1;
    uint64_t ob = (r->map.split_k > 1 || !whole) ? 4 : (uint64_t)r->ob;
    uint64_t done = t;
    if (!whole && kk == c->nkt - 1) {
        done = gpu_mem_rows(r->g, r->ex->id, c->sm, r->ex->out_addr + (m0 * (uint64_t)op->n + n0) * 4, rows, cols * 4,
                            (uint64_t)op->n * 4, 0, t);
        ob = (uint64_t)r->ob;
    }
    uint64_t base = r->ex->out_addr;
    if (r->map.split_k > 1) base = r->ws_addr + split * (uint64_t)op->m * (uint64_t)op->n * 4;
    uint64_t w, lsu_end = 0;
    if (!r->map.tma && r->lsu_store_ps_per_elem > 0) {
        /* a non-TMA epilogue: every output vector is a shared-memory read and a global store, issued
         * by the LSU pipe; the stores leave for the L2 as the pipe issues them */
        uint64_t busy = (uint64_t)((double)(rows * cols) * r->lsu_store_ps_per_elem);
        lsu_end = sm_lsu_reserve(gpu_sm(r->g, c->sm), done, busy);
        done = lsu_end - busy;
    }
    if (op->dst == OP_MEM_HOST && r->map.split_k == 1 && (whole || kk == c->nkt - 1)) { /* C to host: posted */
        uint64_t landed;
        w = pcie_zc_write(gpu_pcie(r->g), r->ex->id, rows * cols * ob, done, &landed);
        power_add_span(gpu_power(r->g), PW_PCIE, (double)(rows * cols * ob), r->kd.op, t, done, landed);
        if (landed > r->landed_ps) r->landed_ps = landed;
    } else
        w = gpu_mem_rows(r->g, r->ex->id, c->sm, base + (m0 * (uint64_t)op->n + n0) * ob, rows, cols * ob,
                         (uint64_t)op->n * ob, MEM_WRITE, done);
    if (r->map.tma) {
        /* Hopper: the consumers write the tile to shared memory and a TMA store
         * drains it asynchronously; they are free after the shared-memory write. */
        c->store_done_ps = w > c->store_done_ps ? w : c->store_done_ps;
        uint64_t smem = ps_add(done, ps_floor((double)(rows * cols * ob) * r->smem_ps_per_byte));
        return smem;
    }
    if (lsu_end) {
        /* a store the L2 cannot take yet (its write-back waits for the DRAM) holds the pipe: the
         * SM's other CTAs' loads and shared-memory reads wait behind it (analysis/hw/h100_s6) */
        if (w > lsu_end + r->store_ret_ps) sm_lsu_reserve(gpu_sm(r->g, c->sm), lsu_end, w - r->store_ret_ps - lsu_end);
        if (lsu_end > w) w = lsu_end;
    }
    return w > done ? w : done;
}

static uint64_t mma(cta_run *c, uint64_t t)
{
    gemm_run *r = c->run;
    const gemm_map *m = &r->map;
    sm *s = gpu_sm(r->g, c->sm);
    double flops = 2.0 * (double)m->tm * (double)m->tn * (double)m->tk / (double)m->consumer_warps;
    uint64_t done = t;
    for (int64_t w = 0; w < m->consumer_warps; w++) {
        int sp = (c->sp_base + (int)w) % (int)gpu_cfg(r->g)->sm.subpartitions;
        uint64_t d = m->tensor ? sm_mma(s, sp, ((const gemm_params *)r->ex->op->params)->dtype, flops, r->mma_fraction, t)
                               : sm_fma(s, sp, DT_FP32, flops, r->mma_fraction, t);
        if (d > done) done = d;
    }
    if (r->lds_ps > 0) { /* the operands' shared-memory reads share the LSU pipe with loads and stores */
        uint64_t e = sm_lsu_reserve(s, t, r->lds_ps);
        if (e > done) done = e;
    }
    return done;
}

/* Wave sampling: once the waves between checkpoints are steady (steady.h), the waves that no CTA has begun
 * loading, but the last WAVE_KEEP of them, are not simulated: each persistent CTA skips as many of its jobs
 * (every CTA the same number: whole waves), a non-persistent grid as many waves of CTAs, and the kernel's
 * end moves by their time (finished: the mean wave's, through the power model's slow loop). */
#define WAVE_KEEP 1
#define WAVE_MIN (1 + 4 + 1 + WAVE_KEEP + 2) /* waves a grid needs: the first, a window, in flight, kept, skipped */
static void skip_waves(gemm_run *r, int nst)
{
    uint64_t k = UINT64_MAX;
    if (r->map.persistent) {
        for (uint64_t i = 0; i < r->wave; i++) { /* the grid: every CTA resident */
            const cta_run *c = &r->pool[i];
            uint64_t jl = cdiv(c->loaded, c->nkt); /* its first job with no load issued */
            uint64_t left = c->live && jl < c->njobs ? c->njobs - jl : 0;
            if (left < k) k = left;
        }
    } else {
        k = (r->kd.ctas - r->kd.next_cta) / r->wave;
    }
    r->sampling = 0;
    if (k == UINT64_MAX || k <= WAVE_KEEP) return;
    k -= WAVE_KEEP;
    if (r->map.persistent) {
        for (uint64_t i = 0; i < r->wave; i++) {
            cta_run *c = &r->pool[i];
            c->skip_at = cdiv(c->loaded, c->nkt);
            c->skip_n = k;
            c->njobs -= k;
            c->total -= k * c->nkt;
        }
    } else {
        r->skip_from = r->kd.next_cta;
        r->skip_n = k * r->wave;
        cta_sched_drop(&r->kd, r->skip_n);
    }
    r->skip_waves = k;
    steady_mean(&r->win, nst, &r->skip_mean);
    for (int j = 0; j < BD_RAW_N; j++) {
        double sum = 0;
        for (int w = r->win.n - nst; w < r->win.n; w++) sum += r->wave_bd[w][j];
        r->skip_bd[j] = sum / nst;
    }
}

/* Another `wave` jobs finished at t: the wave since the last checkpoint joins the window while the kernel
 * has the GPU to itself (op_exec.solo), and a steady window skips waves. */
static void checkpoint(gemm_run *r, uint64_t t)
{
    op_exec *ex = r->ex;
    gpu_counters c;
    power_books b;
    gpu_get_op_counters(r->g, ex->id, &c);
    power_snapshot(gpu_power(r->g), ex->id, t, &b);
    /* not before its misses have refilled the L2: until then its lines displace what was there (an earlier
     * op's dirty lines, written back as they go) and its written tiles fill the L2 before they must be
     * written back, transients far longer than a few waves (16384x4096x64: 80 waves of 0.6 us) */
    int sample = c.l2_accesses - c.l2_hits - r->misses0 >= r->l2_turn && ex->solo && ex->solo(ex->done_ctx, ex);
    if (!sample) r->win.n = 0;
    if (sample && r->cp_set) {
        steady_sample smp = { t - r->cp_ps, steady_counters_diff(&c, &r->cp_c), steady_books_diff(&b, &r->cp_b) };
        if (r->win.n == STEADY_HIST) memmove(r->wave_bd, r->wave_bd + 1, (STEADY_HIST - 1) * sizeof r->wave_bd[0]);
        for (int j = 0; j < BD_RAW_N; j++) r->wave_bd[r->win.n < STEADY_HIST ? r->win.n : STEADY_HIST - 1][j] = ex->bd_waits[j] - r->cp_bd[j];
        steady_push(&r->win, &smp);
    }
    r->cp_set = 1;
    r->cp_ps = t;
    r->cp_c = c;
    r->cp_b = b;
    memcpy(r->cp_bd, ex->bd_waits, sizeof r->cp_bd);
    int nst = steady_count_periodic(&r->win);
    if (nst) skip_waves(r, nst);
}

static void cta_finish(cta_run *c, uint64_t t)
{
    gemm_run *r = c->run;
    c->live = 0;
    c->next_free = r->free_list;
    r->free_list = c;
    cta_sched_done(gpu_sched(r->g), &r->kd, c->sm, t);
}

static void cta_end(void *ctx, uint64_t gen)
{
    cta_run *c = ctx;
    if (gen == c->gen) cta_finish(c, engine_now(c->run->e));
}

static void tick(void *ctx, uint64_t gen)
{
    cta_run *c = ctx;
    gemm_run *r = c->run;
    uint64_t t = engine_now(r->e);
    uint64_t S = (uint64_t)r->map.stages;
    if (gen != c->gen || c->ending) return;
    if (c->wake_ps == t) c->wake_ps = 0;
    /* epilogue of a finished job */
    if (c->ep_at_ps && c->ep_at_ps <= t) {
        uint64_t keep = c->seg_start_kk;
        c->seg_start_kk = c->ep_start_kk;
        c->ep_done_ps = epilogue(c, c->ep_idx, t);
        c->seg_start_kk = keep;
        c->ep_at_ps = 0;
        if (r->sampling && c->ep_idx < c->njobs * c->nkt && ++r->jobs_done % r->wave == 0) checkpoint(r, t);
        if (c->ep_idx + 1 == c->total) {
            c->ending = 1;
            uint64_t end = c->ep_done_ps > c->store_done_ps ? c->ep_done_ps : c->store_done_ps;
            book_to(c, BD_COMPUTE, c->mma_done_ps);
            book_to(c, r->map.tma ? BD_SMEM : BD_MEM, c->ep_done_ps);
            book_to(c, BD_MEM, end);
            engine_schedule(r->e, end, PRIO_NORMAL, cta_end, c, c->gen);
            return;
        }
    }
    /* loads into free slots */
    while (c->loaded < c->total) {
        if (c->loaded + r->mma_hold >= S) { /* its slot's last reader (and the MMA in flight) finished */
            uint64_t prev = c->loaded + r->mma_hold - S;
            if (prev >= c->issued || c->done_ps[prev % S] > t) break;
        }
        c->ready_ps[c->loaded % S] = load_ktile(c, c->loaded, t);
        c->loaded++;
    }
    /* MMAs in order, once their data are in and the consumers are free */
    while (c->issued < c->loaded && !c->ep_at_ps) {
        uint64_t slot = c->issued % S, job, kk;
        int first, last;
        if (c->ready_ps[slot] > t) break;
        ktile_info(c, c->issued, &job, &kk, &first, &last);
        if (first && c->ep_done_ps > t) break;
        if (first) c->seg_start_kk = kk;
        uint64_t at = c->last_issue_ps + r->sync_ps;
        if (at < t) at = t;
        book_issue(c, t, at, first && c->ep_done_ps >= c->ready_ps[slot]);
        c->last_issue_ps = at;
        c->done_ps[slot] = mma(c, at);
        if (c->done_ps[slot] > c->mma_done_ps) c->mma_done_ps = c->done_ps[slot];
        if (last) { c->ep_at_ps = c->done_ps[slot]; c->ep_idx = c->issued; c->ep_start_kk = c->seg_start_kk; }
        c->issued++;
    }
    /* next wake: the earliest time something above can progress */
    uint64_t next = UINT64_MAX;
    if (c->ep_at_ps) next = c->ep_at_ps;
    if (c->issued < c->loaded && !c->ep_at_ps) {
        uint64_t x = c->ready_ps[c->issued % S], job, kk;
        int first, last;
        ktile_info(c, c->issued, &job, &kk, &first, &last);
        if (first && c->ep_done_ps > x) x = c->ep_done_ps;
        if (x < next) next = x;
    }
    if (c->loaded < c->total && c->loaded + r->mma_hold >= S && c->loaded + r->mma_hold - S < c->issued) {
        uint64_t x = c->done_ps[(c->loaded + r->mma_hold - S) % S];
        if (x < next) next = x;
    }
    if (next != UINT64_MAX) wake(c, next > t ? next : t + 1);
}

static void start_cta(void *ctx, int smi, uint64_t cta, uint64_t t)
{
    gemm_run *r = ctx;
    cta_run *c = r->free_list;
    r->free_list = c->next_free;
    if (r->skip_n && cta >= r->skip_from) cta += r->skip_n; /* past the waves not simulated */
    c->sm = smi;
    c->cta = cta;
    sm *s = gpu_sm(r->g, smi);
    c->sp_base = sm_place_warps(s, r->map.consumer_warps);
    c->nkt = cdiv(r->ktiles, (uint64_t)r->map.split_k);
    c->njobs = r->map.persistent ? (r->dp_jobs > cta ? (r->dp_jobs - cta + r->grid - 1) / r->grid : 0) : 1;
    c->sk_begin = r->sk_iters * cta / r->grid;
    c->sk_end = r->sk_iters * (cta + 1) / r->grid;
    c->total = c->njobs * c->nkt + (c->sk_end - c->sk_begin);
    c->skip_at = c->skip_n = 0;
    c->live = 1;
    c->loaded = c->issued = 0;
    c->last_issue_ps = 0;
    c->ep_idx = 0;
    c->seg_start_kk = c->ep_start_kk = 0;
    c->ep_at_ps = c->ep_done_ps = 0;
    c->store_done_ps = 0;
    c->wake_ps = 0;
    c->gen++;
    c->ending = 0;
    if (cta < r->first_wave) {
        bd_book(r->ex, BD_TAIL, t, t + r->prologue_ps);
        t += r->prologue_ps;
    }
    c->acct_ps = c->mma_done_ps = t;
    if (c->total == 0) { engine_schedule(r->e, t, PRIO_NORMAL, cta_end, c, c->gen); return; }
    wake(c, t);
}

static void gemm_state_free(void *state)
{
    gemm_run *r = state;
    free(r->pool);
    free(r->slots);
    free(r);
}

static void reduced(void *ctx, uint64_t arg);

static void release(gemm_run *r, uint64_t t)
{
    if (r->zc && !r->fenced) { /* its posted host writes land, then pcie.zc_kernel_us (arch/pcie.h) */
        r->fenced = 1;
        uint64_t end = ps_add(r->landed_ps > t ? r->landed_ps : t, pcie_zc_kernel_ps(gpu_pcie(r->g)));
        bd_book_all(r->ex, BD_PCIE, end - t);
        engine_schedule(r->e, end, PRIO_NORMAL, reduced, r, 0);
        return;
    }
    kernel_finish(r->ex, t);
}

static void reduced(void *ctx, uint64_t arg)
{
    (void)arg;
    gemm_run *r = ctx;
    release(r, engine_now(r->e));
}

/* The waves not simulated, from t (every CTA done, the GPU the kernel's alone): the mean wave's time,
 * traffic, CTA time by label and power books, k times, where the power model's slow loop moves the clock
 * (power_extrapolate; the share of the wave's CTA time that is issue-bound stretches). Returns their time. */
static uint64_t waves_extrapolate(gemm_run *r, uint64_t t)
{
    op_exec *ex = r->ex;
    const steady_sample *m = &r->skip_mean;
    double slots = (double)(ex->bd_slots ? ex->bd_slots : 1);
    double beta = m->ps ? r->skip_bd[BD_COMPUTE] / (slots * (double)m->ps) : 0;
    uint64_t k = 0, room = SIM_MAX_PS - (t < SIM_MAX_PS ? t : SIM_MAX_PS);
    uint64_t took = m->ps ? power_extrapolate(gpu_power(r->g), ex->id, t, m->ps, &m->books, beta, r->skip_waves, room, &k) : 0;
    if (!k) return 0;
    steady_add_counters(&ex->extra, &m->dc, k);
    double stretch = (double)took / ((double)k * (double)m->ps);
    for (int j = 0; j < BD_RAW_N; j++) ex->bd_waits[j] += (double)k * r->skip_bd[j] * stretch;
    ex->waves_extrapolated += k;
    return took;
}

static void finished(void *ctx, uint64_t t);

static void waves_done(void *ctx, uint64_t arg)
{
    (void)arg;
    gemm_run *r = ctx;
    finished(r, engine_now(r->e));
}

static void finished(void *ctx, uint64_t t)
{
    gemm_run *r = ctx;
    if (r->skip_waves) {
        uint64_t took = waves_extrapolate(r, t);
        r->skip_waves = 0;
        if (took) { engine_schedule(r->e, t + took, PRIO_NORMAL, waves_done, r, 0); return; }
    }
    const gpu_config *cfg = gpu_cfg(r->g);
    const gemm_params *op = r->ex->op->params;
    /* the library's kernel behind the GEMM on its stream: an atomic-split family's bias kernel (its
     * splits were added into C: gemm_post_s), or split-K's reduce, which reads the split_k fp32 partial
     * tiles and writes C (gemm_reduce_s) */
    double after = r->map.fam && r->map.fam->bias_kernel ? gemm_post_s(cfg, op, &r->map)
                 : r->map.split_k > 1 ? gemm_reduce_s(cfg, op, &r->map) : 0;
    if (after > 0) {
        uint64_t dur = (uint64_t)(after * 1e12);
        /* booked as every slot waiting for memory, so that it adds dur to the balanced time */
        bd_book_all(r->ex, BD_MEM, dur);
        engine_schedule(r->e, t + dur, PRIO_NORMAL, reduced, r, 0);
        return;
    }
    release(r, t);
}

static void launch_main(void *ctx, uint64_t arg)
{
    (void)arg;
    gemm_run *r = ctx;
    cta_sched_launch(gpu_sched(r->g), &r->kd, engine_now(r->e)); /* the mapping's occupancy is >= 1 */
}

int gemm_start(op_exec *ex, uint64_t t, char *err, size_t errlen)
{
    const gpu_config *cfg = gpu_cfg(ex->g);
    const gemm_params *op = ex->op->params;
    gemm_run *r = calloc(1, sizeof *r);
    if (!r) return GPUSIM_EFAIL;
    if (gemm_map_choose(cfg, op, &r->map, err, errlen)) { free(r); return GPUSIM_EINPUT; }
    gemm_map_describe(&r->map, ex->mapping, sizeof ex->mapping);
    r->ex = ex;
    r->g = ex->g;
    r->e = gpu_engine(ex->g);
    r->eb = dtype_bytes(op->dtype);
    r->ob = op->dtype == DT_TF32 || op->dtype == DT_FP32 ? 4 : 2;
    r->tiles_m = cdiv((uint64_t)op->m, (uint64_t)r->map.tm);
    r->tiles_n = cdiv((uint64_t)op->n, (uint64_t)r->map.tn);
    r->ktiles = cdiv((uint64_t)op->k, (uint64_t)r->map.tk);
    r->jobs = r->tiles_m * r->tiles_n * (uint64_t)r->map.split_k;
    int64_t occ = sm_occupancy(cfg, &r->map.shape);
    uint64_t slots = (uint64_t)occ * (uint64_t)gpu_sm_count(ex->g);
    r->grid = r->map.persistent ? umin(r->jobs, slots) : r->jobs;
    r->first_wave = slots;
    r->dp_jobs = r->jobs;
    if (r->map.stream_k && r->jobs % slots) {
        uint64_t waves = r->jobs / slots;  /* full waves; the last one joins the remainder */
        r->dp_jobs = waves >= 1 ? (waves - 1) * slots : 0;
        r->grid = slots;
    }
    r->sk_iters = (r->jobs - r->dp_jobs) * cdiv(r->ktiles, (uint64_t)r->map.split_k);
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    r->sync_ps = clock_ps(&clk, (double)gemm_ktile_sync_cycles(cfg, &r->map));
    r->mma_hold = (uint64_t)gemm_mma_hold(cfg, &r->map); /* a stage is free once the MMA after it finished */
    r->prologue_ps = op->tile_m ? 0 : clock_ps(&clk, (double)cfg->sm.gemm_prologue_cycles);
    r->smem_ps_per_byte = 1e6 / (double)cfg->gpu.clock_mhz / (double)cfg->sm.smem_bytes_per_clk;
    r->mma_fraction = gemm_mma_fraction(cfg, &r->map) * gemm_simt_issue(cfg, op, &r->map);
    double lsu = gemm_lsu_instrs_per_ktile(&r->map, r->eb);
    if (lsu > 0) {
        r->lsu_ps_per_byte = lsu / cfg->sm.lsu_instr_per_clk * (1e6 / (double)cfg->gpu.clock_mhz) /
                             ((double)(r->map.tm + r->map.tn) * (double)r->map.tk * (double)r->eb);
        r->lsu_store_ps_per_elem = gemm_lsu_store_instrs_per_elem(&r->map, r->eb) / cfg->sm.lsu_instr_per_clk *
                                   (1e6 / (double)cfg->gpu.clock_mhz);
    }
    r->lds_ps = (uint64_t)(gemm_lds_bytes_per_ktile(&r->map) * r->smem_ps_per_byte);
    r->store_ret_ps = (uint64_t)((double)cfg->l2.near_hit_cycles * 1e6 / (double)cfg->gpu.clock_mhz);
    r->ws_addr = ex->out_addr + ex->out_bytes + (1u << 20);
    /* A library loads an operand that is read once (one row or column of tiles) with an evict-first hint */
    r->a_flags = r->tiles_n == 1 ? MEM_STREAM : 0;
    r->b_flags = r->tiles_m == 1 ? MEM_STREAM : 0;
    if (!r->map.tma && r->map.stages == 1) { /* plain loads into registers (no asynchronous copies: a
                          one-stage Triton kernel) are bounded by the SM's outstanding loads
                          (sm.max_inflight_lines), as a streaming kernel's; TMA and cp.async are not */
        r->a_flags |= MEM_MSHR;
        r->b_flags |= MEM_MSHR;
    }
    r->zc_read = op->host_a || op->host_b;
    r->zc = r->zc_read || op->dst == OP_MEM_HOST;
    uint64_t npool = umin(slots, r->grid);
    uint64_t S = (uint64_t)r->map.stages;
    r->pool = calloc(npool, sizeof *r->pool);
    r->slots = calloc(npool * 2 * S, sizeof *r->slots);
    if (!r->pool || !r->slots) { free(r->pool); free(r->slots); free(r); return GPUSIM_EFAIL; }
    for (uint64_t i = 0; i < npool; i++) {
        r->pool[i].run = r;
        r->pool[i].ready_ps = &r->slots[i * 2 * S];
        r->pool[i].done_ps = &r->slots[i * 2 * S + S];
        r->pool[i].next_free = i + 1 < npool ? &r->pool[i + 1] : NULL;
    }
    r->free_list = &r->pool[0];
    /* wave sampling: whole waves of data-parallel jobs, enough of them to find a steady window, skip some
     * and keep the last; not with zero-copy operands */
    r->wave = npool;
    r->sampling = cfg->sim.wave_sampling && !r->zc && r->dp_jobs / r->wave >= WAVE_MIN;
    if (r->sampling) {
        gpu_counters c0;
        gpu_get_op_counters(r->g, ex->id, &c0);
        r->misses0 = c0.l2_accesses - c0.l2_hits;
        r->l2_turn = (uint64_t)(cfg->l2.size_mib * 1048576.0) / (uint64_t)cfg->l2.line_bytes;
    }
    r->kd.shape = r->map.shape;
    r->kd.ctas = r->grid;
    r->kd.ctx = r;
    r->kd.start_cta = start_cta;
    r->kd.finished = finished;
    bd_set_slots(ex, npool);
    kernel_keep_state(ex, r, gemm_state_free);
    /* kernels the library runs first (an atomic-split family's memset and scal: gemm_prep_s) */
    uint64_t prep = (uint64_t)(gemm_prep_s(cfg, op, &r->map) * 1e12);
    if (prep) {
        bd_book_all(ex, BD_TAIL, prep);
        engine_schedule(r->e, t + prep, PRIO_NORMAL, launch_main, r, 0);
        return 0;
    }
    return cta_sched_launch(gpu_sched(ex->g), &r->kd, t);
}
