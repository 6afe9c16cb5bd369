/* gpu.c: builds the components and routes memory requests (see gpu.h). */
#include "gpu.h"

#include <stdlib.h>

#include "arch/dram.h"
#include "arch/l2.h"
#include "arch/prefetch.h"
#include "arch/xbar.h"

/* Set sampling: chunks of 64 lines whose simulated-set mask is remembered (a
 * power of two; 16 B each; 16384 chunks cover 128 MiB of 128-byte lines). */
#define SAMPLE_MEMO 16384u
typedef struct sample_chunk {
    uint64_t tag;         /* chunk index + 1 (0: empty) */
    uint64_t bits;        /* bit i: line chunk*64+i lies in a simulated set */
} sample_chunk;

/* Sampled requests of single-line rows (GEMM tile blocks) remembered by their
 * lines: which rows fall in simulated sets (a power of two of entries,
 * direct-mapped; a block with more than ROWS_MEMO_MAX sampled rows is scanned). */
#define ROWS_MEMO 512u
#define ROWS_MEMO_MAX 32u
typedef struct rows_memo {
    uint64_t line0, dl, rows; /* key: first line, lines between rows, rows (rows = 0: empty) */
    uint32_t count;           /* sampled rows; ROWS_MEMO_MAX + 1: too many, not remembered */
    uint32_t row[ROWS_MEMO_MAX]; /* their indices, ascending */
} rows_memo;

struct gpu {
    gpu_config cfg;
    engine *e;
    sm *sms;
    int nsm;
    xbar x;
    dram *dram;
    prefetcher *pf;
    l2 *l2;
    pcie *pcie;
    cta_sched *sched;
    uint32_t line_bytes;
    uint64_t l1_hit_ps;
    uint32_t sample;      /* L2 set sampling factor for bulk traffic */
    int pf_on;            /* an L2 prefetcher is on (sampled lines need l2_shadow) */
    l2_sampler sampler;   /* which lines the L2 simulates (inline test per line) */
    power *pw;            /* board power model and SM clock controller */
    sample_chunk *sample_memo; /* SAMPLE_MEMO entries, direct-mapped by chunk index */
    rows_memo *rows_memo;      /* ROWS_MEMO entries, direct-mapped by a hash of the key */
    owner_book owners;    /* per-op traffic (owner.h), counted by the L2 and the PCIe link */
};

gpu *gpu_create(const gpu_config *cfg, engine *e)
{
    gpu *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->cfg = *cfg;
    g->e = e;
    g->nsm = (int)cfg->gpu.sm_count;
    g->line_bytes = (uint32_t)cfg->l2.line_bytes;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    g->l1_hit_ps = clock_ps(&clk, (double)cfg->l1.hit_cycles);
    g->sample = (uint32_t)cfg->sim.l2_set_sampling;
    g->sms = calloc((size_t)g->nsm, sizeof *g->sms);
    g->sample_memo = calloc(SAMPLE_MEMO, sizeof *g->sample_memo);
    g->rows_memo = calloc(ROWS_MEMO, sizeof *g->rows_memo);
    if (!g->sms || !g->sample_memo || !g->rows_memo || owner_init(&g->owners)) {
        free(g->sms); free(g->sample_memo); free(g->rows_memo); owner_fini(&g->owners); free(g);
        return NULL;
    }
    g->pw = power_create(&g->cfg, g->nsm);
    if (!g->pw) { free(g->sms); free(g->sample_memo); free(g->rows_memo); owner_fini(&g->owners); free(g); return NULL; }
    for (int i = 0; i < g->nsm; i++)
        if (sm_init(&g->sms[i], &g->cfg, i, g->pw)) { gpu_destroy(g); return NULL; }
    xbar_init(&g->x, &g->cfg);
    g->dram = dram_create(&g->cfg);
    g->pf = prefetch_create(&g->cfg);
    g->l2 = g->dram && g->pf ? l2_create(&g->cfg, g->dram, g->pf, &g->x) : NULL;
    g->pf_on = g->pf && prefetch_enabled(g->pf);
    if (g->l2) l2_get_sampler(g->l2, &g->sampler);
    g->pcie = pcie_create(&g->cfg);
    g->sched = cta_sched_create(e, g->sms, g->nsm, clock_ps(&clk, (double)cfg->sm.cta_launch_cycles), g->pw);
    if (!g->l2 || !g->pcie || !g->sched) { gpu_destroy(g); return NULL; }
    l2_set_owners(g->l2, &g->owners);
    pcie_set_owners(g->pcie, &g->owners);
    return g;
}

void gpu_destroy(gpu *g)
{
    if (!g) return;
    if (g->sms) for (int i = 0; i < g->nsm; i++) sm_fini(&g->sms[i]);
    free(g->sms);
    l2_destroy(g->l2);
    prefetch_destroy(g->pf);
    dram_destroy(g->dram);
    pcie_destroy(g->pcie);
    cta_sched_destroy(g->sched);
    power_destroy(g->pw);
    free(g->sample_memo);
    free(g->rows_memo);
    owner_fini(&g->owners);
    free(g);
}

int gpu_set_ops(gpu *g, size_t nops) { return owner_resize(&g->owners, nops) || power_set_ops(g->pw, nops) ? -1 : 0; }

int gpu_op_open(gpu *g, int op) { return owner_open(&g->owners, op) || power_op_open(g->pw, op) ? -1 : 0; }

void gpu_op_retire(gpu *g, size_t end)
{
    owner_retire(&g->owners, end);
    power_op_retire(g->pw, end);
}

const gpu_config *gpu_cfg(const gpu *g) { return &g->cfg; }
engine *gpu_engine(gpu *g) { return g->e; }
sm *gpu_sm(gpu *g, int i) { return &g->sms[i]; }
int gpu_sm_count(const gpu *g) { return g->nsm; }
cta_sched *gpu_sched(gpu *g) { return g->sched; }
pcie *gpu_pcie(gpu *g) { return g->pcie; }
power *gpu_power(gpu *g) { return g->pw; }

static uint64_t dram_bytes(const gpu *g)
{
    dram_counters d;
    dram_get_counters(g->dram, &d);
    return d.read_bytes + d.write_bytes;
}

/* Bulk traffic (everything but L1-cached loads) is set-sampled when
 * sim.l2_set_sampling > 1: only lines of simulated sets go to the L2, each
 * standing for that many lines; a request with no such line sends its last
 * line alone, unweighted, so it still sees the memory latency (a MEM_PROBE).
 * With a prefetcher, every line not simulated is shown to l2_shadow, so that the
 * prefetches it would trigger into simulated sets are made. */
/* Which of the 64 lines of chunk `ch` (lines ch*64 .. ch*64+63) lie in
 * simulated sets: a pure function of the address, remembered in a
 * direct-mapped table so that a line read by many CTAs (a GEMM's A and B
 * blocks) is hashed about once rather than once per request. */
static inline uint64_t sampled_bits(gpu *g, uint64_t ch)
{
    sample_chunk *e = &g->sample_memo[ch & (SAMPLE_MEMO - 1)];
    if (e->tag != ch + 1) {
        uint64_t bits = 0;
        for (uint64_t i = 0; i < 64; i++) bits |= (uint64_t)l2_sampler_test_line(&g->sampler, (ch << 6) | i) << i;
        e->tag = ch + 1;
        e->bits = bits;
    }
    return e->bits;
}

/* Whether the line holding addr lies in a simulated set (sampled_bits' memo: l2_sampler_test's answer). */
static inline int line_sampled(gpu *g, uint64_t addr)
{
    uint64_t l = addr >> g->sampler.line_shift;
    return (int)((sampled_bits(g, l >> 6) >> (l & 63)) & 1);
}

/* Sampled lines found but not yet sent: they are sent in batches, in order,
 * after each has been announced to the L2 (l2_prefetch), so that the host
 * cache misses of their set lookups overlap instead of coming one at a time. */
#define SAMPLED_BATCH 16
typedef struct sampled_batch {
    uint64_t addr[SAMPLED_BATCH], n[SAMPLED_BATCH];
    uint32_t bytes[SAMPLED_BATCH];
    int k;
} sampled_batch;

static uint64_t send_batch(gpu *g, sm *s, mem_req *r, sampled_batch *q, uint64_t start, double line_ps,
                           uint32_t weight, uint64_t done)
{
    for (int i = 0; i < q->k; i++) {
        r->addr = q->addr[i];
        r->bytes = q->bytes[i];
        uint64_t d = l2_access(g->l2, r, s->partition, start + (uint64_t)((double)q->n[i] * line_ps), weight);
        if (d > done) done = d;
    }
    q->k = 0;
    return done;
}

static inline void add_sampled(gpu *g, sm *s, sampled_batch *q, uint64_t a, uint64_t bytes, uint64_t n,
                               uint64_t start, double line_ps)
{
    l2_prefetch(g->l2, a, s->partition, start + (uint64_t)((double)n * line_ps));
    q->addr[q->k] = a;
    q->bytes[q->k] = (uint32_t)bytes;
    q->n[q->k] = n;
    q->k++;
}

/* The sampled lines of a request whose unsampled lines need nothing (set
 * sampling, and no l2_shadow to feed): the same requests, in the same order and
 * with the same issue times as the general loop of gpu_mem_rows, without its
 * per-line bookkeeping for the lines that are skipped. */
static uint64_t mem_rows_sampled(gpu *g, sm *s, mem_req *r, uint64_t base, uint64_t rows, uint64_t row_bytes,
                                 uint64_t stride, uint64_t start, double line_ps, uint32_t weight)
{
    const uint32_t sh = g->sampler.line_shift;
    const uint32_t flags = r->flags;
    uint64_t done = start, n = 0, sent = 0, rows_done = 0;
    sampled_batch q;
    q.k = 0;
    if (row_bytes == 0) return done;
    uint64_t lb = (uint64_t)1 << sh;
    if ((base & (lb - 1)) + row_bytes <= lb && (stride & (lb - 1)) == 0) {
        /* every row lies within one line, rows a whole number of lines apart (a
         * GEMM tile's rows of tile_k elements): row i is line l0 + i * dl */
        uint64_t l0 = base >> sh, dl = stride >> sh, off = base & (lb - 1);
        /* the same block is loaded by many CTAs (A by every column of tiles, B by
         * every row): its sampled rows are remembered by (first line, stride, rows) */
        rows_memo *mm = &g->rows_memo[hash64(l0 ^ (dl << 40) ^ (rows << 52)) & (ROWS_MEMO - 1)];
        int hit = mm->line0 == l0 && mm->dl == dl && mm->rows == rows && mm->count <= ROWS_MEMO_MAX;
        uint32_t found = 0, keep[ROWS_MEMO_MAX];
        uint64_t cur = UINT64_MAX, bits = 0, l = l0;
        for (uint64_t k = 0; hit ? k < mm->count : k < rows; k++) {
            if (hit) {
                n = mm->row[k];
                l = l0 + n * dl;
            } else {
                n = k;
                l = l0 + k * dl;
                if (l >> 6 != cur) { cur = l >> 6; bits = sampled_bits(g, cur); }
                if (!((bits >> (l & 63)) & 1)) continue;
                if (found < ROWS_MEMO_MAX) keep[found] = (uint32_t)n;
                found++;
            }
            add_sampled(g, s, &q, (l << sh) | off, row_bytes, n, start, line_ps);
            sent++;
            if (q.k == SAMPLED_BATCH) done = send_batch(g, s, r, &q, start, line_ps, weight, done);
        }
        if (!hit && rows <= UINT32_MAX) {
            mm->line0 = l0;
            mm->dl = dl;
            mm->rows = rows;
            mm->count = found <= ROWS_MEMO_MAX ? found : ROWS_MEMO_MAX + 1;
            for (uint32_t k = 0; k < found && k < ROWS_MEMO_MAX; k++) mm->row[k] = keep[k];
        }
        n = rows;
        rows_done = rows;
    }
    uint64_t a0 = base + rows_done * stride;
    for (uint64_t row = rows_done; row < rows; row++, a0 += stride) {
        uint64_t end = a0 + row_bytes;
        uint64_t first = a0 >> sh, last = (end - 1) >> sh;
        if (first == last) { /* a row within one line (a tile row of tile_k elements): the common case */
            if ((sampled_bits(g, first >> 6) >> (first & 63)) & 1) {
                add_sampled(g, s, &q, a0, row_bytes, n, start, line_ps);
                sent++;
                if (q.k == SAMPLED_BATCH) done = send_batch(g, s, r, &q, start, line_ps, weight, done);
            }
            n++;
            continue;
        }
        for (uint64_t ch = first >> 6; ch <= last >> 6; ch++) {
            uint64_t bits = sampled_bits(g, ch);
            if (ch == first >> 6) bits &= ~0ull << (first & 63);
            if (ch == last >> 6) bits &= ~0ull >> (63 - (last & 63));
            while (bits) {
                uint64_t l = (ch << 6) | (uint64_t)__builtin_ctzll(bits);
                bits &= bits - 1;
                uint64_t a = l == first ? a0 : l << sh, le = (l + 1) << sh;
                add_sampled(g, s, &q, a, (le < end ? le : end) - a, n + (l - first), start, line_ps);
                sent++;
                if (q.k == SAMPLED_BATCH) done = send_batch(g, s, r, &q, start, line_ps, weight, done);
            }
        }
        n += last - first + 1;
    }
    done = send_batch(g, s, r, &q, start, line_ps, weight, done);
    if (sent == 0 && n > 0) {
        /* no line in a simulated set: the request's last line goes alone, unweighted (a probe) */
        uint64_t row0 = base + (rows - 1) * stride, end = row0 + row_bytes;
        uint64_t la = ((end - 1) >> sh) << sh;
        r->addr = la > row0 ? la : row0;
        r->bytes = (uint32_t)(end - r->addr);
        r->flags = flags | MEM_PROBE;
        uint64_t d = l2_access(g->l2, r, s->partition, start + (uint64_t)((double)(n - 1) * line_ps), 1);
        if (d > done) done = d;
    }
    return done;
}

#define GPU_LINES_AHEAD 8
static inline void prefetch_line(gpu *g, sm *s, uint32_t flags, uint64_t a, uint64_t t)
{
    if ((flags & MEM_L1) && !(flags & MEM_WRITE)) l1_prefetch(s->l1, a);
    l2_prefetch(g->l2, a, s->partition, t);
}

uint64_t gpu_mem_rows(gpu *g, int op, int smi, uint64_t base, uint64_t rows, uint64_t row_bytes,
                      uint64_t stride, uint32_t flags, uint64_t t)
{
    sm *s = &g->sms[smi];
    uint64_t lb = g->line_bytes;
    int ids[SM_MAX_MSHR_GROUPS], nids = 0;
    if (flags & MEM_MSHR) {
        uint64_t lines = rows * ((row_bytes + lb - 1) / lb + (((base | stride) & (lb - 1)) ? 1 : 0));
        t = sm_mshr_take(s, t, lines, ids, &nids);
    }
    uint64_t start = sm_port_reserve(s, t, rows * row_bytes);
    double line_ps = s->port_ps_per_byte * (double)lb;
    uint64_t done = start, n = 0, sent = 0;
    mem_req r = { 0, 0, smi, flags, op };
    uint32_t weight = (flags & (MEM_L1 | MEM_EXACT)) ? 1 : g->sample;
    int shadow = weight > 1 && g->pf_on;
    uint64_t dram0 = dram_bytes(g), slow_rows = rows;
    if (weight > 1 && !(shadow && !(flags & MEM_WRITE))) {
        done = mem_rows_sampled(g, s, &r, base, rows, row_bytes, stride, start, line_ps, weight);
        slow_rows = 0;
    }
    /* a sampled read with a prefetcher whose rows each lie within one line (a GEMM tile's rows): the
     * loop below, specialised (the same requests and l2_shadow calls, in the same order) */
    if (shadow && !(flags & MEM_WRITE) && (base & (lb - 1)) + row_bytes <= lb && (stride & (lb - 1)) == 0) {
        for (uint64_t row = 0; row < slow_rows; row++, n++) {
            uint64_t a = base + row * stride;
            int sampled = line_sampled(g, a);
            if (sampled || (row + 1 == rows && sent == 0)) {
                r.addr = a;
                r.bytes = (uint32_t)row_bytes;
                r.flags = sampled ? flags : flags | MEM_PROBE;
                uint64_t d = l2_access(g->l2, &r, s->partition, ps_add(start, ps_floor((double)n * line_ps)),
                                       sampled ? weight : 1);
                if (d > done) done = d;
                sent++;
            }
            if (!sampled && l2_shadow_armed(g->l2, smi))
                l2_shadow(g->l2, a, smi, op, ps_add(start, ps_floor((double)n * line_ps)), weight);
        }
        slow_rows = 0;
    }
    /* exact lines (weight 1: L1-cached loads, sampling off) are announced to the
     * caches a few lines ahead (host prefetches only, l2_prefetch) */
    int ahead = weight == 1;
    for (uint64_t row = 0; row < slow_rows; row++) {
        uint64_t a = base + row * stride, end = a + row_bytes;
        if (ahead)
            for (uint64_t k = 0, la = a & ~(lb - 1); k < GPU_LINES_AHEAD && la < end; k++, la += lb)
                prefetch_line(g, s, flags, la, start);
        while (a < end) {
            if (ahead) {
                uint64_t la = (a & ~(lb - 1)) + GPU_LINES_AHEAD * lb;
                if (la < end) prefetch_line(g, s, flags, la, start);
            }
            uint64_t le = (a | (lb - 1)) + 1;
            uint64_t b = (le < end ? le : end) - a;
            int last = le >= end && row + 1 == rows;
            uint32_t w = weight == 1 || line_sampled(g, a) ? weight : (last && sent == 0 ? 1 : 0);
            if (w) {
                uint64_t ti = ps_add(start, ps_floor((double)n * line_ps));
                uint64_t d;
                if ((flags & MEM_L1) && !(flags & MEM_WRITE) && l1_lookup(s->l1, a)) d = ti + g->l1_hit_ps;
                else {
                    r.addr = a;
                    r.bytes = (uint32_t)b;
                    r.flags = w == weight ? flags : flags | MEM_PROBE;
                    d = l2_access(g->l2, &r, s->partition, ti, w);
                }
                if (d > done) done = d;
                sent++;
            }
            if (shadow && w != weight && !(flags & MEM_WRITE) && l2_shadow_armed(g->l2, smi))
                l2_shadow(g->l2, a, smi, op, ps_add(start, ps_floor((double)n * line_ps)), weight);
            n++;
            a += b;
        }
    }
    if (nids) sm_mshr_hold(s, ids, nids, done);
    /* the traffic is drawn while it moves: from t to its completion; its energy is the owner's too */
    power_add_span(g->pw, PW_L2, (double)(rows * row_bytes), op, t, t, done);
    /* loads through L1 and stores are load/store instructions (a GEMM's tile loads are bulk copies) */
    if (flags & MEM_DMA) power_add_span(g->pw, PW_CE, (double)(rows * row_bytes), op, t, t, done);
    else if (flags & (MEM_L1 | MEM_MSHR | MEM_WRITE)) power_add_span(g->pw, PW_LSU, (double)(rows * row_bytes), op, t, t, done);
    uint64_t dram1 = dram_bytes(g);
    if (dram1 > dram0) power_add_span(g->pw, PW_DRAM, (double)(dram1 - dram0), op, t, t, done);
    return done;
}

uint64_t gpu_flush(gpu *g, int op, uint64_t t)
{
    for (int i = 0; i < g->nsm; i++) l1_invalidate(g->sms[i].l1);
    uint64_t dram0 = dram_bytes(g);
    uint64_t done = l2_flush(g->l2, op, t);
    uint64_t dram1 = dram_bytes(g);
    if (dram1 > dram0) power_add(g->pw, PW_DRAM, (double)(dram1 - dram0), op, t);
    return done;
}

void gpu_get_counters(const gpu *g, gpu_counters *c)
{
    dram_counters d;
    l2_counters l;
    dram_get_counters(g->dram, &d);
    l2_get_counters(g->l2, &l);
    c->dram_read_bytes = d.read_bytes;
    c->dram_write_bytes = d.write_bytes;
    c->l2_accesses = l.accesses;
    c->l2_hits = l.hits;
    c->pcie_bytes = pcie_bytes(g->pcie);
}

void gpu_get_op_counters(const gpu *g, int op, gpu_counters *c)
{
    owner_get(&g->owners, op, c);
}

int gpu_check(const gpu *g)
{
    owner_traffic sum;
    owner_sum(&g->owners, &sum);
    return sum.pcie_bytes == pcie_bytes(g->pcie) && l2_check(g->l2) && cta_sched_check(g->sched);
}

void gpu_report(const gpu *g, stats *s, uint64_t elapsed_ps)
{
    double el = elapsed_ps ? (double)elapsed_ps : 1;
    double tc = 0, cc = 0, port = 0;
    uint64_t l1h = 0, l1m = 0;
    for (int i = 0; i < g->nsm; i++) {
        tc += tensor_core_busy_ps(g->sms[i].tc);
        cc += cuda_core_busy_ps(g->sms[i].cc);
        port += (double)g->sms[i].port_bytes;
        l1h += l1_hits(g->sms[i].l1);
        l1m += l1_misses(g->sms[i].l1);
    }
    stats_add(s, "tensor_core", "utilization", tc / g->nsm / el);
    stats_add(s, "cuda_core", "utilization", cc / g->nsm / el);
    stats_add(s, "sm", "port_bytes", port);
    stats_add(s, "l1", "hits", (double)l1h);
    stats_add(s, "l1", "misses", (double)l1m);
    stats_add(s, "xbar", "bytes", (double)g->x.bytes);
    l2_report(g->l2, s);
    dram_counters d;
    dram_get_counters(g->dram, &d);
    stats_add(s, "dram", "read_bytes", (double)d.read_bytes);
    stats_add(s, "dram", "write_bytes", (double)d.write_bytes);
    stats_add(s, "dram", "row_hits", (double)d.row_hits);
    stats_add(s, "dram", "row_misses", (double)d.row_misses);
    stats_add(s, "dram", "utilization", d.busy_ps / (double)g->cfg.memory.channels / el);
    pcie_report(g->pcie, s);
}
