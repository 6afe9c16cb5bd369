/* l2.c: sliced, partitioned, sectored L2 (see l2.h). */
#include "l2.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "arch/bwcal.h"
#include "arch/hash.h"
#include "arch/l2_repl.h"
#include "engine/engine.h"

enum { F_DIRTY = 1, F_PREFETCHED = 2, F_REPLICA = 4 };
#define PF_MAX 64
#define PF_MEMO 4096   /* recent proposals remembered under set sampling (a power of two) */

/*
 * Storage: each set is one contiguous block (tags, fill times, LRU stamps,
 * sector masks, flags of its ways), so that a lookup touches a few adjacent host
 * cache lines.
 * Way i of a set at byte b: tag at b + 8i, ready at b + 8W + 8i, replacement
 * word (the policy's meta, l2_repl.h) at b + 16W + 4i, sect at b + 20W + i,
 * flags at b + 21W + i.
 */
struct l2 {
    unsigned char *mem;   /* all sets */
    size_t set_bytes;     /* stride between sets */
    bwcal *slice_bw;      /* per slice bandwidth calendar */
    bwcal *pool_bw;       /* set sampling: one calendar per group of `group` slices, at their summed rate */
    uint32_t group, groups;
    uint32_t sets, ways, slices, spp;   /* sets per slice; slices per partition */
    uint32_t line_shift, sector_shift, line_bytes, sector_bytes;
    uint8_t full_mask;
    int replicate;
    uint32_t dirty_ways;  /* most dirty lines per set (0: no limit) */
    double ps_per_byte;   /* slice occupancy per byte */
    uint64_t near_ret_ps, far_ret_ps, xbar_ps;
    const l2_repl_policy *repl; /* replacement policy (registry row) */
    void *repl_state;     /* its own state */
    uint32_t sample;      /* set sampling factor */
    l2_sampler sampler;   /* which sets are simulated (l2.h) */
    uint8_t *pf_shadow;   /* per SM: did its last sampled bulk line trigger the prefetcher (miss or first use)? */
    uint64_t *last_lat_ps;/* per SM: load-to-use latency of its last sampled bulk read (0: none yet) */
    int nsm;
    uint64_t *pf_memo;    /* set sampling: line + 1 of recent prefetch proposals, direct-mapped */
    dram *dram;
    prefetcher *pf;
    xbar *x;
    l2_counters c;
    owner_book *owners;   /* per-op counts (owner.h): the GPU's book, else own_book */
    owner_book own_book;  /* counts of an L2 with no GPU's book (one unowned row) */
    /* flush in proportion to the dirty lines: a flush bumps `gen` instead of
     * clearing every set; a set whose set_gen differs is empty and is cleared
     * when next touched (set_base). dirty_sets marks, in set order, the sets that
     * may hold a dirty line of the current generation. */
    uint32_t gen;
    uint32_t *set_gen;    /* per set: generation of its contents */
    uint64_t *dirty_sets; /* bitmap over all sets (slice * sets + set) */
};


#define W (c->ways)
#define TAG(b, i) (((uint64_t *)(c->mem + (b)))[i])
#define READY(b, i) (((uint64_t *)(c->mem + (b) + 8 * W))[i])
#define STAMP(b, i) (((uint32_t *)(c->mem + (b) + 16 * W))[i])
#define META(b) ((uint32_t *)(c->mem + (b) + 16 * W))   /* the set's replacement words */
#define SECT(b, i) ((c->mem + (b) + 20 * W)[i])
#define FLAGS(b, i) ((c->mem + (b) + 21 * W)[i])
#define FP(b) (c->mem + (b) + 22 * W)   /* the set's tag fingerprints (fp_of; 0: way empty) */

/* A lookup compares one byte per way first (16 ways in one SSE2 compare), then
 * the full tag of the ways whose byte matches. The byte is 7 bits of the line's
 * hash that neither the slice (low half's top bits) nor the set (top bits)
 * choose, with the high bit set so that 0 means an empty way. Invariant: FP of a
 * way is 0 exactly when its TAG is 0. */
static inline uint8_t fp_of(uint64_t h) { return (uint8_t)(0x80u | ((h >> 8) & 0x7fu)); }

/* Bit w set when fingerprint w of the set at fp equals v (w < ways <= 64). Reads
 * the fingerprints in 16-byte groups: the set layout pads them to a multiple of 16. */
static inline uint64_t fp_match(const unsigned char *fp, uint8_t v, uint32_t ways)
{
    uint64_t m = 0;
#if defined(__SSE2__)
    __m128i key = _mm_set1_epi8((char)v);
    for (uint32_t k = 0; k < ways; k += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(fp + k));
        m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, key)) << k;
    }
#else
    for (uint32_t k = 0; k < ways; k++) m |= (uint64_t)(fp[k] == v) << k;
#endif
    return ways >= 64 ? m : m & ((1ull << ways) - 1);
}

/* The replacement policy's aging of every set (l2_repl_env). */
static void halve_all_meta(void *ctx)
{
    l2 *c = ctx;
    size_t nsets = (size_t)c->sets * c->slices;
    for (size_t i = 0; i < nsets; i++)
        for (uint32_t k = 0; k < c->ways; k++) STAMP(i * c->set_bytes, k) >>= 1;
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
    c->sampler.sets = c->sets;
    c->sampler.line_shift = c->line_shift;
    c->replicate = cfg->l2.replicate_far && cfg->l2.partitions > 1;
    c->dirty_ways = (uint32_t)cfg->l2.dirty_ways;
    c->sample = (uint32_t)cfg->sim.l2_set_sampling;
    c->sampler.m = UINT64_MAX / c->sample + 1;
    clock_domain clk = { (uint32_t)cfg->gpu.clock_mhz };
    c->ps_per_byte = 1e6 / (double)cfg->gpu.clock_mhz / (double)cfg->l2.slice_bytes_per_clk;
    c->xbar_ps = x->latency_ps;
    uint64_t near = clock_ps(&clk, (double)cfg->l2.near_hit_cycles), far = clock_ps(&clk, (double)cfg->l2.far_hit_cycles);
    c->near_ret_ps = near > c->xbar_ps ? near - c->xbar_ps : 0;
    c->far_ret_ps = far > c->xbar_ps ? far - c->xbar_ps : 0;
    c->dram = d;
    c->pf = pf;
    c->x = x;
    c->set_bytes = ((size_t)22 * c->ways + ((size_t)c->ways + 15) / 16 * 16 + 63) / 64 * 64;
    c->mem = aligned_alloc(64, c->set_bytes * c->sets * c->slices);
    c->slice_bw = calloc(c->slices, sizeof *c->slice_bw);
    c->group = c->sample / 2 > 1 ? c->sample / 2 : 1; /* matched against exact runs (tests/integration/test_cli.sh) */
    if (c->group > c->slices) c->group = c->slices;
    c->groups = c->sample > 1 ? (c->slices + c->group - 1) / c->group : 0;
    c->pool_bw = c->groups ? calloc(c->groups, sizeof *c->pool_bw) : NULL;
    c->nsm = (int)cfg->gpu.sm_count;
    c->pf_shadow = calloc((size_t)c->nsm, 1);
    c->last_lat_ps = calloc((size_t)c->nsm, sizeof *c->last_lat_ps);
    c->pf_memo = calloc(PF_MEMO, sizeof *c->pf_memo);
    c->owners = &c->own_book;
    if (owner_init(&c->own_book)) { l2_destroy(c); return NULL; }
    if (!c->mem || !c->slice_bw || (c->groups && !c->pool_bw) || !c->pf_shadow || !c->last_lat_ps || !c->pf_memo) {
        l2_destroy(c);
        return NULL;
    }
    for (uint32_t i = 0; i < c->slices; i++)
        if (bwcal_init(&c->slice_bw[i], c->ps_per_byte, BWCAL_BUCKET_PS, BWCAL_BUCKETS)) { l2_destroy(c); return NULL; }
    for (uint32_t g = 0; g < c->groups; g++) {
        uint32_t n = g + 1 < c->groups ? c->group : c->slices - g * c->group;
        if (bwcal_init(&c->pool_bw[g], c->ps_per_byte / n, BWCAL_BUCKET_PS, BWCAL_BUCKETS)) { l2_destroy(c); return NULL; }
    }
    memset(c->mem, 0, c->set_bytes * c->sets * c->slices);
    size_t nsets = (size_t)c->sets * c->slices;
    c->set_gen = calloc(nsets, sizeof *c->set_gen);
    c->dirty_sets = calloc((nsets + 63) / 64, sizeof *c->dirty_sets);
    if (!c->set_gen || !c->dirty_sets) { l2_destroy(c); return NULL; }
    c->repl = l2_repl_policy_at((size_t)cfg->l2.replacement);
    l2_repl_env env = { c, halve_all_meta };
    if (!c->repl || !(c->repl_state = c->repl->create(cfg, &env))) { l2_destroy(c); return NULL; }
    return c;
}

void l2_destroy(l2 *c)
{
    if (!c) return;
    if (c->repl && c->repl_state) c->repl->destroy(c->repl_state);
    free(c->mem);
    if (c->slice_bw) for (uint32_t i = 0; i < c->slices; i++) bwcal_fini(&c->slice_bw[i]);
    free(c->slice_bw);
    if (c->pool_bw) for (uint32_t g = 0; g < c->groups; g++) bwcal_fini(&c->pool_bw[g]);
    free(c->pool_bw);
    free(c->pf_shadow);
    free(c->last_lat_ps);
    free(c->pf_memo);
    free(c->set_gen);
    free(c->dirty_sets);
    owner_fini(&c->own_book);
    free(c);
}

/* Maps 32 hash bits uniformly onto [0, n) without a division (Lemire's fastrange). */
static inline uint32_t range32(uint64_t bits32, uint32_t n) { return (uint32_t)(((bits32 & 0xffffffffu) * n) >> 32); }
/* A line's home slice (low hash bits) and set within a slice (high hash bits). */
static inline uint32_t slice_of(const l2 *c, uint64_t h) { return range32(h, c->slices); }
static inline uint32_t set_of(const l2 *c, uint64_t h) { return l2_set_index(h, c->sets); }

/* Byte offset of the set of a line (hash h) in `slice`; a set left over from
 * before the last flush is emptied first (as the flush would have). */
static inline size_t set_base(l2 *c, uint32_t slice, uint64_t h)
{
    size_t idx = (size_t)slice * c->sets + set_of(c, h);
    if (c->set_gen[idx] != c->gen) {
        memset(c->mem + idx * c->set_bytes, 0, c->set_bytes);
        c->set_gen[idx] = c->gen;
    }
    return idx * c->set_bytes;
}

/* The set at byte offset b may now hold a dirty line. */
static inline void mark_dirty(l2 *c, size_t b)
{
    size_t idx = b / c->set_bytes;
    c->dirty_sets[idx >> 6] |= 1ull << (idx & 63);
}

/* The way of the set at b holding line (hash h), or -1. */
static inline int find(const l2 *c, size_t b, uint64_t line, uint64_t h)
{
    for (uint64_t m = fp_match(FP(b), fp_of(h), c->ways); m; m &= m - 1) {
        int w = __builtin_ctzll(m);
        if (TAG(b, w) == line + 1) return w;
    }
    return -1;
}

/* Way w of the set at b now holds line (hash h). */
static inline void set_tag(l2 *c, size_t b, uint32_t w, uint64_t line, uint64_t h)
{
    TAG(b, w) = line + 1;
    FP(b)[w] = fp_of(h);
}

/* A demand use of way w of the set at b. */
static inline void use(l2 *c, size_t b, uint32_t w) { c->repl->hit(c->repl_state, META(b), w); }
/* Way w of the set at b was just filled (L2_INS_* hint; victim_meta: what the replaced line had). */
static inline void placed(l2 *c, size_t b, uint32_t w, uint32_t victim_meta, int hint)
{
    c->repl->insert(c->repl_state, META(b), w, victim_meta, hint);
}

/* Reserves `bytes` on a slice from t; returns the service start. Under set
 * sampling a request stands for `weight` lines, which in the machine live on
 * `weight` different slices (the hash spreads them): its bytes are reserved on
 * the pooled calendar of its slice's group of `sample / 2` slices, at their
 * summed rate, rather than all on its own slice (there, a line that many CTAs
 * read at once queued N times too long: a 1536^3 GEMM came out 12% slower than
 * exact, Triton 4096^3 GEMMs 16%). Pooled over `sample` slices, sampled runs
 * came out 1-5% faster than exact (too smooth); over sample / 2, within about
 * 2.5% either way, Triton's one-stage kernels -5%.
 * An L1-cached load or a MEM_EXACT read (always exact) also takes its own slice, so that its hot
 * lines queue as they would. The calendars spread time as a fluid within
 * their buckets. */
static inline uint64_t slice_reserve(l2 *c, uint32_t slice, uint64_t t, uint32_t bytes, uint32_t weight, uint32_t flags)
{
    if (!c->groups) return bwcal_reserve(&c->slice_bw[slice], t, bytes * weight);
    uint64_t s = bwcal_reserve(&c->pool_bw[slice / c->group], t, bytes * weight);
    if (flags & (MEM_L1 | MEM_EXACT)) {
        uint64_t s1 = bwcal_reserve(&c->slice_bw[slice], t, bytes);
        if (s1 > s) s = s1;
    }
    return s;
}

static inline int simulated_set(const l2 *c, uint32_t set) { return l2_sampler_simulated_set(&c->sampler, set); }

void l2_get_sampler(const l2 *c, l2_sampler *s) { *s = c->sampler; }

int l2_sampled(const l2 *c, uint64_t addr)
{
    if (c->sample == 1) return 1;
    return simulated_set(c, set_of(c, hash64(addr >> c->line_shift)));
}

/* What a dirty line's write-back stands for under set sampling: a line of a
 * simulated set was written by weighted (sampled) traffic and stands for
 * `sample` lines; a line of another set was written alone (a request's
 * unweighted last line) and stands for itself. */
static uint32_t wb_weight(const l2 *c, uint64_t addr) { return l2_sampled(c, addr) ? c->sample : 1; }

/* A DRAM access made on behalf of op, counted to it as the channel counts it (owner.h). */
static inline uint64_t dram_for(l2 *c, int op, uint64_t addr, uint32_t bytes, uint32_t weight, int write, uint64_t t)
{
    owner_traffic *o = owner_row(c->owners, op);
    if (write) o->dram_write_bytes += (uint64_t)bytes * weight;
    else o->dram_read_bytes += (uint64_t)bytes * weight;
    return dram_access(c->dram, addr, bytes, weight, write, t);
}

void l2_set_owners(l2 *c, owner_book *b) { c->owners = b ? b : &c->own_book; }

/* Chooses a victim way in the set at b (a free way, else the replacement
 * policy's choice), writing it back if dirty; returns it emptied, and in
 * *old_stamp the victim's replacement word (an evict-first fill, as a replica's,
 * may take its place in the order: LIP insertion under LRU). The write-back is op's. */
static int evict(l2 *c, int op, size_t b, uint64_t t, uint32_t *old_stamp, uint64_t *wb_done)
{
    int v = -1;
    uint64_t empty = fp_match(FP(b), 0, c->ways);
    if (empty) { v = __builtin_ctzll(empty); goto found; }
    v = (int)c->repl->victim(c->repl_state, META(b), c->ways);
    if (FLAGS(b, v) & F_DIRTY) {
        uint64_t addr = (TAG(b, v) - 1) << c->line_shift;
        uint32_t bytes = (uint32_t)__builtin_popcount(SECT(b, v)) * c->sector_bytes;
        uint64_t d = dram_for(c, op, addr, bytes ? bytes : c->line_bytes, wb_weight(c, addr), 1, t);
        if (wb_done && d > *wb_done) *wb_done = d;
        c->c.writebacks++;
    }
    if (FLAGS(b, v) & F_PREFETCHED) c->c.pf_polluting += wb_weight(c, (TAG(b, v) - 1) << c->line_shift);
found:
    if (old_stamp) *old_stamp = TAG(b, v) ? STAMP(b, v) : 0;
    TAG(b, v) = 0;
    FP(b)[v] = 0;
    FLAGS(b, v) = 0;
    SECT(b, v) = 0;
    return v;
}

/* The set at b holds more than dirty_ways dirty lines after way `keep` was
 * written: another dirty line is written back and stays, clean (the least
 * recently used under LRU, whose replacement words are stamps; the smallest
 * word under SRRIP; the lowest such way under random, which keeps none). */
static uint64_t clean_over_cap(l2 *c, int op, size_t b, uint32_t keep, uint64_t t)
{
    uint32_t n = 0, v = keep;
    for (uint32_t w = 0; w < c->ways; w++) {
        if (!(FLAGS(b, w) & F_DIRTY)) continue;
        n++;
        if (w != keep && (v == keep || STAMP(b, w) < STAMP(b, v))) v = w;
    }
    if (n <= c->dirty_ways || v == keep) return 0;
    uint64_t addr = (TAG(b, v) - 1) << c->line_shift;
    uint32_t bytes = (uint32_t)__builtin_popcount(SECT(b, v)) * c->sector_bytes;
    uint64_t d = dram_for(c, op, addr, bytes ? bytes : c->line_bytes, wb_weight(c, addr), 1, t);
    c->c.writebacks++;
    FLAGS(b, v) &= (uint8_t)~F_DIRTY;
    return d;
}

static uint8_t sector_mask(const l2 *c, uint64_t addr, uint32_t bytes)
{
    uint32_t off = (uint32_t)(addr & (c->line_bytes - 1));
    uint32_t first = off >> c->sector_shift, last = (off + (bytes ? bytes : 1) - 1) >> c->sector_shift;
    if (last > 7) last = 7;   /* sectors first..last (at most 8 tracked) */
    uint8_t m = first > last ? 0 : (uint8_t)(((2u << last) - 1) & ~((1u << first) - 1));
    return m ? (m & c->full_mask) : c->full_mask;
}

/*
 * Prefetching under set sampling. A trigger (a demand miss, or the first use of
 * a prefetched line) proposes lines; in exact simulation (weight 1) each is
 * fetched if absent. A weighted trigger is a line of sampled bulk traffic
 * standing for `weight` lines: only its proposals that fall in simulated sets are
 * fetched, each standing for `weight` lines as a demand line does, so the sampled
 * sets hold the same mix of demand and prefetched lines as in exact simulation.
 * The trigger lines of the stream are mostly in sets that are not simulated:
 * their proposals into simulated sets are made by l2_shadow, which takes the
 * trigger decision of the SM's latest simulated bulk line (the estimator set
 * sampling makes everywhere: a simulated line's fate stands for its neighbours').
 */
static void prefetch_after_miss(l2 *c, uint64_t line, int sm, int op, uint64_t t, uint32_t weight)
{
    uint64_t want[PF_MAX];
    int n = prefetch_on_miss(c->pf, line, sm, want, PF_MAX);
    for (int i = 0; i < n; i++) {
        if (weight > 1) {
            /* a line proposed moments ago (consecutive triggers of a stream propose
             * overlapping lines) is present, in flight, or not simulated: skip it
             * without hashing it again */
            uint64_t *memo = &c->pf_memo[want[i] & (PF_MEMO - 1)];
            if (*memo == want[i] + 1) continue;
            *memo = want[i] + 1;
        }
        uint64_t h = hash64(want[i]);
        if (weight > 1 && !simulated_set(c, set_of(c, h))) continue; /* not simulated */
        size_t b = set_base(c, slice_of(c, h), h);
        if (find(c, b, want[i], h) >= 0) continue;
        uint32_t old = 0;
        int v = evict(c, op, b, t, &old, NULL);
        set_tag(c, b, (uint32_t)v, want[i], h);
        placed(c, b, (uint32_t)v, old, L2_INS_NORMAL);
        SECT(b, v) = c->full_mask;
        FLAGS(b, v) = F_PREFETCHED;
        READY(b, v) = dram_for(c, op, want[i] << c->line_shift, c->line_bytes, weight, 0, t);
        c->c.pf_issued += weight;
    }
}

int l2_shadow_armed(const l2 *c, int sm) { return c->pf_shadow[sm]; }

void l2_shadow(l2 *c, uint64_t addr, int sm, int op, uint64_t t_issue, uint32_t weight)
{
    if (weight > 1 && c->pf_shadow[sm] && prefetch_enabled(c->pf))
        prefetch_after_miss(c, addr >> c->line_shift, sm, op, t_issue + c->xbar_ps, weight);
}

static inline void prefetch_set(const l2 *c, size_t idx)
{
    const unsigned char *p = c->mem + idx * c->set_bytes;
    for (size_t o = 0; o < c->set_bytes; o += 64) __builtin_prefetch(p + o, 1);
    __builtin_prefetch(&c->set_gen[idx], 1);
}

void l2_prefetch(l2 *c, uint64_t addr, int part, uint64_t t_issue)
{
    uint64_t h = hash64(addr >> c->line_shift);
    uint32_t home = slice_of(c, h);
    prefetch_set(c, (size_t)home * c->sets + set_of(c, h));
    bwcal_prefetch(c->groups ? &c->pool_bw[home / c->group] : &c->slice_bw[home], t_issue + c->xbar_ps);
    if ((int)(home / c->spp) != part && c->replicate) {
        uint32_t rs = (uint32_t)part * c->spp + range32(h, c->spp);
        prefetch_set(c, (size_t)rs * c->sets + set_of(c, h));
        bwcal_prefetch(c->groups ? &c->pool_bw[rs / c->group] : &c->slice_bw[rs], t_issue + c->xbar_ps);
    }
}

/* A store of request r (line, hash h) at its home slice from t: write-allocate,
 * the line dirty, the set's dirty cap kept; returns when the store is taken. */
static inline uint64_t store(l2 *c, const mem_req *r, uint64_t line, uint64_t h, uint32_t home, uint8_t m,
                             uint64_t t, uint32_t weight, owner_traffic *own)
{
    uint64_t start = slice_reserve(c, home, t, r->bytes, weight, r->flags);
    size_t b = set_base(c, home, h);
    int w = find(c, b, line, h);
    uint64_t wb = 0;
    uint32_t old = 0;
    int i = w >= 0 ? w : evict(c, r->op, b, start, &old, &wb);
    if (w < 0) { set_tag(c, b, (uint32_t)i, line, h); SECT(b, i) = 0; READY(b, i) = start; c->c.misses += weight; }
    else { c->c.hits += weight; own->l2_hits += weight; }
    SECT(b, i) |= m;
    FLAGS(b, i) = (uint8_t)((FLAGS(b, i) & ~F_PREFETCHED) | F_DIRTY);
    mark_dirty(c, b);
    if (c->dirty_ways) { uint64_t d = clean_over_cap(c, r->op, b, (uint32_t)i, start); if (d > wb) wb = d; }
    if (w >= 0) use(c, b, (uint32_t)i);
    else placed(c, b, (uint32_t)i, old, L2_INS_NORMAL);
    /* back-pressure: a store that evicts a dirty line completes when the
     * DRAM channel has taken the write-back (immediately, unless its queue is
     * backed up, as after a large write) */
    return start + c->near_ret_ps > wb ? start + c->near_ret_ps : wb;
}

/* A read of request r at its home set b (reserved from start): a hit (a
 * prefetched line's first use keeps its stream going), else the missing sectors
 * from DRAM into the line (allocated if absent). Returns when the data are in the
 * slice; *trigger: whether it triggered the prefetcher. */
static inline uint64_t home_read(l2 *c, const mem_req *r, uint64_t line, uint64_t h, size_t b, uint8_t m,
                                 uint64_t start, uint32_t weight, owner_traffic *own, int *trigger)
{
    int may_pf = !(r->flags & MEM_PROBE);
    int w = find(c, b, line, h);
    uint64_t data;
    if (w >= 0 && (SECT(b, w) & m) == m) {
        if (!(r->flags & MEM_STREAM)) use(c, b, (uint32_t)w);
        c->c.hits += weight;
        own->l2_hits += weight;
        data = start;
        if (FLAGS(b, w) & F_PREFETCHED) {
            c->c.pf_useful += weight;
            if (READY(b, w) > start) c->c.pf_late += weight;
            FLAGS(b, w) &= (uint8_t)~F_PREFETCHED;
            /* tagged prefetching: the first use of a prefetched line keeps the stream going */
            *trigger = 1;
            if (may_pf) prefetch_after_miss(c, line, r->sm, r->op, start, weight);
        }
        if (READY(b, w) > data) { data = READY(b, w); c->c.merges += weight; }
        return data;
    }
    int i;
    uint8_t missing = m;
    uint32_t lru = 0;
    if (w >= 0) { i = w; missing = (uint8_t)(m & ~SECT(b, i)); }
    else { i = evict(c, r->op, b, start, &lru, NULL); set_tag(c, b, (uint32_t)i, line, h); }
    c->c.misses += weight;
    uint32_t bytes = (uint32_t)__builtin_popcount(missing) * c->sector_bytes;
    READY(b, i) = dram_for(c, r->op, r->addr & ~(uint64_t)(c->line_bytes - 1), bytes, weight, 0, start);
    SECT(b, i) |= m;
    if (w >= 0) { if (!(r->flags & MEM_STREAM)) use(c, b, (uint32_t)i); }
    else placed(c, b, (uint32_t)i, lru, (r->flags & MEM_STREAM) ? L2_INS_EVICT_FIRST : L2_INS_NORMAL);
    data = READY(b, i);
    *trigger = 1;
    if (may_pf && prefetch_enabled(c->pf)) prefetch_after_miss(c, line, r->sm, r->op, start, weight);
    return data;
}

/* A far read leaves a copy (evict-first) in the near partition's set rb, ready at `data`. */
static inline void replicate(l2 *c, int op, size_t rb, uint64_t line, uint64_t h, uint8_t m, uint64_t start, uint64_t data)
{
    int w2 = find(c, rb, line, h);
    uint32_t lru = 0;
    int i = w2 >= 0 ? w2 : evict(c, op, rb, start, &lru, NULL);
    if (w2 < 0) {
        set_tag(c, rb, (uint32_t)i, line, h); SECT(rb, i) = 0; FLAGS(rb, i) = F_REPLICA;
        placed(c, rb, (uint32_t)i, lru, L2_INS_EVICT_FIRST);
    }
    SECT(rb, i) |= m;
    READY(rb, i) = data;
}

uint64_t l2_access(l2 *c, const mem_req *r, int part, uint64_t t_issue, uint32_t weight)
{
    /* With a prefetcher, a read probe does not go to an unsampled set, where no
     * prefetch ever lands (it would always miss where the lines it stands for are
     * prefetched): it takes the latency of the SM's latest simulated bulk read. */
    if ((r->flags & MEM_PROBE) && !(r->flags & MEM_WRITE) && c->last_lat_ps[r->sm] && prefetch_enabled(c->pf)) {
        return t_issue + c->last_lat_ps[r->sm];
    }
    uint64_t line = r->addr >> c->line_shift;
    uint64_t h = hash64(line);
    uint32_t home = slice_of(c, h);
    int home_part = (int)(home / c->spp);
    uint64_t t = xbar_arrive(c->x, t_issue, r->bytes);
    uint8_t m = sector_mask(c, r->addr, r->bytes);
    c->c.accesses += weight;
    owner_traffic *own = owner_row(c->owners, r->op);
    own->l2_accesses += weight;
    if (r->flags & MEM_WRITE) return store(c, r, line, h, home, m, t, weight, own);

    int far = home_part != part;
    size_t rb = 0;
    /* a weighted line records whether it triggered the prefetcher, for l2_shadow; a probe (an
     * unsampled request's latency stand-in) triggers nothing: l2_shadow speaks for it */
    int sampled_bulk = weight > 1, trigger = 0;
    if (far && c->replicate) { /* the near partition's copy first */
        uint32_t rs = (uint32_t)part * c->spp + range32(h, c->spp);
        uint64_t start = slice_reserve(c, rs, t, r->bytes, weight, r->flags);
        rb = set_base(c, rs, h);
        int w = find(c, rb, line, h);
        if (w >= 0 && (SECT(rb, w) & m) == m) {
            use(c, rb, (uint32_t)w);
            c->c.hits += weight;
            own->l2_hits += weight;
            c->c.replica_hits += weight;
            if (sampled_bulk) c->pf_shadow[r->sm] = 0;
            uint64_t data = start;
            if (READY(rb, w) > data) { data = READY(rb, w); c->c.merges += weight; }
            if (sampled_bulk) c->last_lat_ps[r->sm] = data + c->near_ret_ps - t_issue;
            return data + c->near_ret_ps;
        }
    }
    uint64_t start = slice_reserve(c, home, t, r->bytes, weight, r->flags);
    uint64_t ret = far ? c->far_ret_ps : c->near_ret_ps;
    uint64_t data = home_read(c, r, line, h, set_base(c, home, h), m, start, weight, own, &trigger);
    if (sampled_bulk) {
        c->pf_shadow[r->sm] = (uint8_t)trigger;
        c->last_lat_ps[r->sm] = data + ret - t_issue;
    }
    if (far && c->replicate) replicate(c, r->op, rb, line, h, m, start, data);
    return data + ret;
}

uint64_t l2_flush(l2 *c, int op, uint64_t t)
{
    uint64_t done = t;
    size_t nsets = (size_t)c->sets * c->slices;
    /* the write-backs go in set order, as a walk over every set would send them */
    for (size_t word = 0; word < (nsets + 63) / 64; word++) {
        for (uint64_t bits = c->dirty_sets[word]; bits; bits &= bits - 1) {
            size_t b = (word * 64 + (size_t)__builtin_ctzll(bits)) * c->set_bytes;
            for (uint32_t w = 0; w < c->ways; w++) {
                if (TAG(b, w) && (FLAGS(b, w) & F_DIRTY)) {
                    uint32_t bytes = (uint32_t)__builtin_popcount(SECT(b, w)) * c->sector_bytes;
                    uint64_t addr = (TAG(b, w) - 1) << c->line_shift;
                    uint64_t d = dram_for(c, op, addr, bytes, wb_weight(c, addr), 1, t);
                    if (d > done) done = d;
                    c->c.writebacks++;
                }
            }
        }
        c->dirty_sets[word] = 0;
    }
    /* every set is now empty: cleared lazily by set_base (a wrap of the 32-bit
     * generation after 2^32 flushes clears them all at once) */
    if (++c->gen == 0) {
        memset(c->mem, 0, c->set_bytes * nsets);
        memset(c->set_gen, 0, nsets * sizeof *c->set_gen);
    }
#ifdef GPUSIM_CHECK
    assert(l2_check(c));
#endif
    return done;
}

int l2_check(const l2 *c)
{
    if (c->c.hits + c->c.misses != c->c.accesses) return 0;
    owner_traffic sum;
    owner_sum(c->owners, &sum);
    dram_counters d;
    dram_get_counters(c->dram, &d);
    if (sum.l2_accesses != c->c.accesses || sum.l2_hits != c->c.hits || sum.dram_read_bytes != d.read_bytes
        || sum.dram_write_bytes != d.write_bytes) return 0;
    size_t nsets = (size_t)c->sets * c->slices;
    for (size_t idx = 0; idx < nsets; idx++) {
        if (c->set_gen[idx] != c->gen) continue; /* emptied by a flush, cleared when next touched */
        size_t b = idx * c->set_bytes;
        for (uint32_t w = 0; w < c->ways; w++) {
            if ((TAG(b, w) == 0) != (FP(b)[w] == 0)) return 0;
            if (!TAG(b, w)) continue;
            uint64_t h = hash64(TAG(b, w) - 1);
            if (set_of(c, h) != idx % c->sets || FP(b)[w] != fp_of(h) || (SECT(b, w) & ~c->full_mask)) return 0;
            if ((FLAGS(b, w) & F_DIRTY) && !((c->dirty_sets[idx >> 6] >> (idx & 63)) & 1)) return 0;
            for (uint32_t v = w + 1; v < c->ways; v++)
                if (TAG(b, v) == TAG(b, w)) return 0;
        }
    }
    for (uint32_t i = 0; i < c->slices; i++)
        if (!bwcal_check(&c->slice_bw[i])) return 0;
    for (uint32_t g = 0; g < c->groups; g++)
        if (!bwcal_check(&c->pool_bw[g])) return 0;
    return 1;
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
