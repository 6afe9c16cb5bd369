/* l2.c: sliced, partitioned, sectored L2 (see l2.h). */
#include "l2.h"

#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

enum { F_DIRTY = 1, F_PREFETCHED = 2 };
#define PF_MAX 64

struct l2 {
    uint64_t *tag;        /* line number + 1; 0 = invalid */
    uint64_t *stamp;      /* last use (LRU) */
    uint64_t *ready;      /* fill completion time (MSHR merge) */
    uint8_t *sect;        /* valid sectors */
    uint8_t *flags;       /* F_* */
    uint64_t *slice_free; /* per slice, next free time */
    uint32_t sets, ways, slices, spp;   /* sets per slice; slices per partition */
    uint32_t line_shift, sector_shift, line_bytes, sector_bytes;
    uint8_t full_mask;
    int replicate, random_repl;
    double ps_per_byte;   /* slice occupancy per byte */
    uint64_t near_ret_ps, far_ret_ps, xbar_ps;
    uint64_t clock;       /* LRU stamps */
    uint64_t rng;         /* xorshift state for random replacement */
    dram *dram;
    prefetcher *pf;
    xbar *x;
    l2_counters c;
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

l2 *l2_create(const gpu_config *cfg, dram *d, prefetcher *pf, xbar *x)
{
    l2 *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->line_bytes = (uint32_t)cfg->l2.line_bytes;
    c->sector_bytes = (uint32_t)cfg->l2.sector_bytes;
    while ((1u << c->line_shift) < c->line_bytes) c->line_shift++;
    while ((1u << c->sector_shift) < c->sector_bytes) c->sector_shift++;
    uint32_t nsect = c->line_bytes / c->sector_bytes;
    if (nsect > 8) nsect = 8;  /* sectors tracked in a byte; larger lines fill whole */
    c->full_mask = (uint8_t)((1u << nsect) - 1);
    c->ways = (uint32_t)cfg->l2.ways;
    c->slices = (uint32_t)cfg->l2.slices;
    c->spp = c->slices / (uint32_t)cfg->l2.partitions;
    uint64_t lines = (uint64_t)(cfg->l2.size_mib * 1048576.0) / c->line_bytes;
    c->sets = (uint32_t)(lines / c->ways / c->slices);
    c->replicate = cfg->l2.replicate_far && cfg->l2.partitions > 1;
    c->random_repl = cfg->l2.replacement == REPL_RANDOM;
    c->rng = (uint64_t)cfg->l2.seed * 0x9E3779B97F4A7C15ULL + 1;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    c->ps_per_byte = 1e6 / (double)cfg->gpu.clock_mhz / (double)cfg->l2.slice_bytes_per_clk;
    c->xbar_ps = x->latency_ps;
    uint64_t near = clock_ps(&clk, (double)cfg->l2.near_hit_cycles), far = clock_ps(&clk, (double)cfg->l2.far_hit_cycles);
    c->near_ret_ps = near > c->xbar_ps ? near - c->xbar_ps : 0;
    c->far_ret_ps = far > c->xbar_ps ? far - c->xbar_ps : 0;
    c->dram = d;
    c->pf = pf;
    c->x = x;
    size_t n = (size_t)c->sets * c->ways * c->slices;
    c->tag = calloc(n, sizeof *c->tag);
    c->stamp = calloc(n, sizeof *c->stamp);
    c->ready = calloc(n, sizeof *c->ready);
    c->sect = calloc(n, 1);
    c->flags = calloc(n, 1);
    c->slice_free = calloc(c->slices, sizeof *c->slice_free);
    if (!c->tag || !c->stamp || !c->ready || !c->sect || !c->flags || !c->slice_free) { l2_destroy(c); return NULL; }
    return c;
}

void l2_destroy(l2 *c)
{
    if (!c) return;
    free(c->tag); free(c->stamp); free(c->ready); free(c->sect); free(c->flags); free(c->slice_free);
    free(c);
}

/* First index of the set of `line` in `slice`. */
static inline size_t set_base(const l2 *c, uint32_t slice, uint64_t h)
{
    uint32_t set = (uint32_t)((h / c->slices) % c->sets);
    return ((size_t)slice * c->sets + set) * c->ways;
}

static inline int find(const l2 *c, size_t base, uint64_t line)
{
    const uint64_t *t = &c->tag[base];
    for (uint32_t w = 0; w < c->ways; w++) if (t[w] == line + 1) return (int)w;
    return -1;
}

static inline uint64_t slice_reserve(l2 *c, uint32_t slice, uint64_t t, uint32_t bytes)
{
    uint64_t start = t > c->slice_free[slice] ? t : c->slice_free[slice];
    c->slice_free[slice] = start + (uint64_t)((double)bytes * c->ps_per_byte + 0.5);
    return start;
}

/* Chooses a victim way in the set, writing it back if dirty; returns its index. */
static size_t evict(l2 *c, size_t base, uint64_t t)
{
    size_t v = base;
    if (c->random_repl) {
        for (uint32_t w = 0; w < c->ways; w++) if (c->tag[base + w] == 0) { v = base + w; goto found; }
        c->rng ^= c->rng << 13; c->rng ^= c->rng >> 7; c->rng ^= c->rng << 17;
        v = base + (size_t)(c->rng % c->ways);
    } else {
        for (uint32_t w = 0; w < c->ways; w++) {
            size_t i = base + w;
            if (c->tag[i] == 0) { v = i; goto found; }
            if (c->stamp[i] < c->stamp[v]) v = i;
        }
    }
found:
    if (c->tag[v]) {
        if (c->flags[v] & F_DIRTY) {
            uint64_t addr = (c->tag[v] - 1) << c->line_shift;
            uint32_t bytes = (uint32_t)__builtin_popcount(c->sect[v]) * c->sector_bytes;
            dram_access(c->dram, addr, bytes ? bytes : c->line_bytes, 1, t);
            c->c.writebacks++;
        }
        if (c->flags[v] & F_PREFETCHED) c->c.pf_polluting++;
    }
    c->tag[v] = 0;
    c->flags[v] = 0;
    c->sect[v] = 0;
    return v;
}

static uint8_t sector_mask(const l2 *c, uint64_t addr, uint32_t bytes)
{
    uint32_t off = (uint32_t)(addr & (c->line_bytes - 1));
    uint32_t first = off >> c->sector_shift, last = (off + (bytes ? bytes : 1) - 1) >> c->sector_shift;
    uint8_t m = 0;
    for (uint32_t s = first; s <= last && s < 8; s++) m |= (uint8_t)(1u << s);
    return m ? (m & c->full_mask) : c->full_mask;
}

static void prefetch_after_miss(l2 *c, uint64_t line, int sm, uint64_t t)
{
    uint64_t want[PF_MAX];
    int n = prefetch_on_miss(c->pf, line, sm, want, PF_MAX);
    for (int i = 0; i < n; i++) {
        uint64_t h = mix64(want[i]);
        size_t base = set_base(c, (uint32_t)(h % c->slices), h);
        if (find(c, base, want[i]) >= 0) continue;
        size_t v = evict(c, base, t);
        c->tag[v] = want[i] + 1;
        c->stamp[v] = ++c->clock;
        c->sect[v] = c->full_mask;
        c->flags[v] = F_PREFETCHED;
        c->ready[v] = dram_access(c->dram, want[i] << c->line_shift, c->line_bytes, 0, t);
        c->c.pf_issued++;
    }
}

uint64_t l2_access(l2 *c, const mem_req *r, int part, uint64_t t_issue)
{
    uint64_t line = r->addr >> c->line_shift;
    uint64_t h = mix64(line);
    uint32_t home = (uint32_t)(h % c->slices);
    int home_part = (int)(home / c->spp);
    uint64_t t = xbar_arrive(c->x, t_issue, r->bytes);
    uint8_t m = sector_mask(c, r->addr, r->bytes);
    c->c.accesses++;

    if (r->flags & MEM_WRITE) {
        uint64_t start = slice_reserve(c, home, t, r->bytes);
        size_t base = set_base(c, home, h);
        int w = find(c, base, line);
        size_t i = w >= 0 ? base + (size_t)w : evict(c, base, start);
        if (w < 0) { c->tag[i] = line + 1; c->sect[i] = 0; c->ready[i] = start; c->c.misses++; }
        else c->c.hits++;
        c->sect[i] |= m;
        c->flags[i] = (uint8_t)((c->flags[i] & ~F_PREFETCHED) | F_DIRTY);
        c->stamp[i] = ++c->clock;
        return start + c->near_ret_ps;
    }

    int far = home_part != part;
    size_t rbase = 0;
    if (far && c->replicate) {
        uint32_t rs = (uint32_t)part * c->spp + (uint32_t)(h % c->spp);
        uint64_t start = slice_reserve(c, rs, t, r->bytes);
        rbase = set_base(c, rs, h);
        int w = find(c, rbase, line);
        if (w >= 0 && (c->sect[rbase + w] & m) == m) {
            size_t i = rbase + (size_t)w;
            c->stamp[i] = ++c->clock;
            c->c.hits++;
            c->c.replica_hits++;
            uint64_t data = start;
            if (c->ready[i] > data) { data = c->ready[i]; c->c.merges++; }
            return data + c->near_ret_ps;
        }
    }
    uint64_t start = slice_reserve(c, home, t, r->bytes);
    size_t base = set_base(c, home, h);
    uint64_t ret = far ? c->far_ret_ps : c->near_ret_ps;
    int w = find(c, base, line);
    uint64_t data;
    if (w >= 0 && (c->sect[base + w] & m) == m) {
        size_t i = base + (size_t)w;
        c->stamp[i] = ++c->clock;
        c->c.hits++;
        data = start;
        if (c->flags[i] & F_PREFETCHED) {
            c->c.pf_useful++;
            if (c->ready[i] > start) c->c.pf_late++;
            c->flags[i] &= (uint8_t)~F_PREFETCHED;
        }
        if (c->ready[i] > data) { data = c->ready[i]; c->c.merges++; }
    } else {
        size_t i;
        uint8_t missing = m;
        if (w >= 0) { i = base + (size_t)w; missing = (uint8_t)(m & ~c->sect[i]); }
        else { i = evict(c, base, start); c->tag[i] = line + 1; }
        c->c.misses++;
        uint32_t bytes = (uint32_t)__builtin_popcount(missing) * c->sector_bytes;
        c->ready[i] = dram_access(c->dram, r->addr & ~(uint64_t)(c->line_bytes - 1), bytes, 0, start);
        c->sect[i] |= m;
        c->stamp[i] = ++c->clock;
        data = c->ready[i];
        if (prefetch_enabled(c->pf)) prefetch_after_miss(c, line, r->sm, start);
    }
    if (far && c->replicate) {
        int w2 = find(c, rbase, line);
        size_t i = w2 >= 0 ? rbase + (size_t)w2 : evict(c, rbase, start);
        if (w2 < 0) { c->tag[i] = line + 1; c->sect[i] = 0; }
        c->sect[i] |= m;
        c->ready[i] = data;
        c->stamp[i] = ++c->clock;
    }
    return data + ret;
}

uint64_t l2_flush(l2 *c, uint64_t t)
{
    uint64_t done = t;
    size_t n = (size_t)c->sets * c->ways * c->slices;
    for (size_t i = 0; i < n; i++) {
        if (c->tag[i] && (c->flags[i] & F_DIRTY)) {
            uint32_t bytes = (uint32_t)__builtin_popcount(c->sect[i]) * c->sector_bytes;
            uint64_t d = dram_access(c->dram, (c->tag[i] - 1) << c->line_shift, bytes, 1, t);
            if (d > done) done = d;
            c->c.writebacks++;
        }
    }
    memset(c->tag, 0, n * sizeof *c->tag);
    memset(c->flags, 0, n);
    memset(c->sect, 0, n);
    return done;
}

void l2_get_counters(const l2 *c, l2_counters *out) { *out = c->c; }

void l2_report(const l2 *c, stats *s)
{
    stats_add(s, "l2", "accesses", (double)c->c.accesses);
    stats_add(s, "l2", "hits", (double)c->c.hits);
    stats_add(s, "l2", "misses", (double)c->c.misses);
    stats_add(s, "l2", "mshr_merges", (double)c->c.merges);
    stats_add(s, "l2", "replica_hits", (double)c->c.replica_hits);
    stats_add(s, "l2", "writebacks", (double)c->c.writebacks);
    stats_add(s, "l2", "hit_rate", c->c.accesses ? (double)c->c.hits / (double)c->c.accesses : 0);
    stats_add(s, "prefetch", "issued", (double)c->c.pf_issued);
    stats_add(s, "prefetch", "useful", (double)c->c.pf_useful);
    stats_add(s, "prefetch", "late", (double)c->c.pf_late);
    stats_add(s, "prefetch", "polluting", (double)c->c.pf_polluting);
}
