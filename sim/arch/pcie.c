/* pcie.c: link, staging and copy-engine reservation (see pcie.h). */
#include "pcie.h"

#include <math.h>
#include <stdlib.h>

#include "arch/bwcal.h"
#include "engine/engine.h"

/* The link calendars: 256 ns buckets (16 KB at Gen5 x16), a 1 ms horizon (a pageable
 * copy's DMA is dated at most one staging chunk ahead, under 0.3 ms). */
#define PCIE_CAL_BUCKET_PS 256000u
#define PCIE_CAL_BUCKETS 4096u
/* Quantile bands of host memory's service-time draws (exp_sample). */
#define PCIE_STRATA 64u

struct pcie {
    uint64_t dir_free[2];     /* per direction */
    uint64_t shared_free;     /* both directions together */
    uint64_t stage_free[2];   /* host staging memcpy, per direction */
    double dir_gbps, bidir_gbps, stage_gbps[2], cached_gbps, zero_gbps;
    uint64_t cache_bytes, pageable_ps;
    uint64_t page_fault_ps;   /* host.page_fault_us: first touch of one host page */
    uint64_t latency_ps;
    int engines, engine_busy[16];
    uint64_t bytes[2];
    bwcal link[2];            /* per direction, wire bytes: copies and zero-copy traffic */
    double dma_wire, zc_wire; /* wire bytes per payload byte: copies, zero-copy */
    int zc_used;              /* a zero-copy access has been made: copies see the calendar */
    uint64_t zc_latency_ps;
    uint64_t rng;             /* xorshift state: host memory's service times */
    uint8_t strata[PCIE_STRATA]; /* the quantile bands of the current run of draws, shuffled */
    uint32_t strat_i;         /* next draw's place in the run */
    uint64_t zc_kernel_ps;
    owner_book *owners;       /* per-op byte counts (owner.h): the GPU's book, else own_book */
    owner_book own_book;
};

pcie *pcie_create(const gpu_config *cfg)
{
    pcie *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->dir_gbps = config_pcie_gbps(cfg);
    p->bidir_gbps = cfg->pcie.bidir_gbps;
    p->stage_gbps[0] = cfg->pcie.staging_h2d_gbps;
    p->stage_gbps[1] = cfg->pcie.staging_d2h_gbps;
    p->latency_ps = us_to_ps(cfg->pcie.latency_us);
    p->cached_gbps = cfg->pcie.staging_cached_gbps;
    p->zero_gbps = cfg->pcie.staging_zero_gbps;
    p->cache_bytes = (uint64_t)cfg->pcie.host_cache_mib << 20;
    p->pageable_ps = us_to_ps(cfg->pcie.pageable_extra_us);
    p->page_fault_ps = us_to_ps(cfg->host.page_fault_us);
    p->engines = (int)cfg->pcie.copy_engines;
    double raw_gbps = p->dir_gbps / cfg->pcie.payload_efficiency;
    p->dma_wire = 1.0 / cfg->pcie.payload_efficiency;
    p->zc_wire = 1.0 / cfg->pcie.zc_payload_efficiency;
    p->zc_latency_ps = (uint64_t)(cfg->pcie.zc_latency_ns * 1e3 + 0.5);
    p->rng = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < PCIE_STRATA; i++) p->strata[i] = (uint8_t)i;
    p->zc_kernel_ps = us_to_ps(cfg->pcie.zc_kernel_us);
    p->owners = &p->own_book;
    if (owner_init(&p->own_book) || bwcal_init(&p->link[0], 1e3 / raw_gbps, PCIE_CAL_BUCKET_PS, PCIE_CAL_BUCKETS) ||
        bwcal_init(&p->link[1], 1e3 / raw_gbps, PCIE_CAL_BUCKET_PS, PCIE_CAL_BUCKETS)) {
        pcie_destroy(p);
        return NULL;
    }
    return p;
}

void pcie_destroy(pcie *p)
{
    if (!p) return;
    bwcal_fini(&p->link[0]);
    bwcal_fini(&p->link[1]);
    owner_fini(&p->own_book);
    free(p);
}

/* Wire bytes of `bytes` of payload at `wire` per byte, as the calendar takes them. */
static uint32_t wire_bytes(uint64_t bytes, double wire)
{
    double w = (double)bytes * wire + 0.5;
    return w > 4e9 ? 4000000000u : (uint32_t)w;
}

void pcie_set_owners(pcie *p, owner_book *b) { p->owners = b ? b : &p->own_book; }

uint64_t pcie_dma(pcie *p, int op, int dir, uint64_t bytes, uint64_t t)
{
    uint64_t start = t > p->dir_free[dir] ? t : p->dir_free[dir];
    /* the calendar holds every transfer; copies defer to it only once zero-copy traffic shares the
     * link (before that their own next-free times are exact, and results stay as they were) */
    uint64_t cal = bwcal_reserve(&p->link[dir], start, wire_bytes(bytes, p->dma_wire));
    if (p->zc_used && cal > start) start = cal;
    uint64_t link_done = start + bytes_ps((double)bytes, p->dir_gbps);
    uint64_t sh = start > p->shared_free ? start : p->shared_free;
    uint64_t sh_done = sh + bytes_ps((double)bytes, p->bidir_gbps);
    p->shared_free = sh_done;
    uint64_t done = link_done > sh_done ? link_done : sh_done;
    p->dir_free[dir] = done;
    p->bytes[dir] += bytes;
    owner_row(p->owners, op)->pcie_bytes += bytes;
    return done;
}

uint64_t pcie_stage(pcie *p, int dir, uint64_t bytes, uint64_t total, pcie_host_pages pages, uint64_t t)
{
    uint64_t start = t > p->stage_free[dir] ? t : p->stage_free[dir];
    double gbps = total <= p->cache_bytes ? p->cached_gbps : p->stage_gbps[dir];
    if (pages == PCIE_HOST_ZERO_PAGE && dir == 0) gbps = p->zero_gbps;
    uint64_t faults_ps = 0;
    if (pages == PCIE_HOST_FIRST_TOUCH && dir == 1)
        faults_ps = (bytes + PCIE_HOST_PAGE_BYTES - 1) / PCIE_HOST_PAGE_BYTES * p->page_fault_ps;
    p->stage_free[dir] = start + bytes_ps((double)bytes, gbps) + faults_ps;
    return p->stage_free[dir];
}

uint64_t pcie_latency_ps(const pcie *p) { return p->latency_ps; }
uint64_t pcie_copy_latency_ps(const pcie *p, int pageable) { return p->latency_ps + (pageable ? p->pageable_ps : 0); }

int pcie_engine_take(pcie *p)
{
    for (int i = 0; i < p->engines; i++) if (!p->engine_busy[i]) { p->engine_busy[i] = 1; return i; }
    return -1;
}

void pcie_engine_give(pcie *p, int idx) { p->engine_busy[idx] = 0; }

uint64_t pcie_bytes(const pcie *p) { return p->bytes[0] + p->bytes[1]; }

/* xorshift64*: the link's own generator. */
static uint64_t next_u64(pcie *p)
{
    p->rng ^= p->rng >> 12;
    p->rng ^= p->rng << 25;
    p->rng ^= p->rng >> 27;
    return p->rng * 2685821657736338717ULL;
}

/* The next sample of the exponential distribution of mean 1, stratified: each run of
 * PCIE_STRATA draws takes one value from each 1/PCIE_STRATA quantile band, in a shuffled
 * order. The draws are as spread and as unordered as independent ones, but any run of
 * them averages close to 1, so a short kernel's total link time is not a lucky or
 * unlucky draw. Deterministic (a fixed seed). */
static double exp_sample(pcie *p)
{
    if (p->strat_i == 0) /* a new run: shuffle the bands (Fisher-Yates) */
        for (uint32_t i = PCIE_STRATA - 1; i > 0; i--) {
            uint32_t j = (uint32_t)(next_u64(p) % (i + 1));
            uint8_t x = p->strata[i];
            p->strata[i] = p->strata[j];
            p->strata[j] = x;
        }
    double v = (double)(next_u64(p) >> 11) * 0x1.0p-53; /* [0, 1) within the band */
    double u = ((double)p->strata[p->strat_i] + v) / PCIE_STRATA;
    p->strat_i = (p->strat_i + 1) % PCIE_STRATA;
    return -log1p(-u);
}

uint64_t pcie_zc_read(pcie *p, int op, uint64_t bytes, uint64_t t)
{
    /* host memory serves the request in a time that varies (exponential, mean = its wire time) */
    double wire = (double)wire_bytes(bytes, p->zc_wire) * exp_sample(p);
    uint32_t w = wire > 4e9 ? 4000000000u : (uint32_t)(wire + 0.5);
    p->zc_used = 1;
    uint64_t on = bwcal_reserve(&p->link[0], t, w);
    p->bytes[0] += bytes;
    owner_row(p->owners, op)->pcie_bytes += bytes;
    return ps_add(on, ps_floor((double)w * p->link[0].ps_per_byte) + p->zc_latency_ps);
}

uint64_t pcie_zc_write(pcie *p, int op, uint64_t bytes, uint64_t t, uint64_t *landed)
{
    uint32_t wire = wire_bytes(bytes, p->zc_wire);
    p->zc_used = 1;
    uint64_t on = bwcal_reserve(&p->link[1], t, wire);
    uint64_t took = ps_add(on, ps_floor((double)wire * p->link[1].ps_per_byte));
    if (landed) *landed = ps_add(took, p->zc_latency_ps / 2);
    p->bytes[1] += bytes;
    owner_row(p->owners, op)->pcie_bytes += bytes;
    return took;
}

void pcie_report(const pcie *p, stats *s)
{
    stats_add(s, "pcie", "h2d_bytes", (double)p->bytes[0]);
    stats_add(s, "pcie", "d2h_bytes", (double)p->bytes[1]);
    stats_add(s, "pcie", "link_GBps_per_dir", p->dir_gbps);
}

uint64_t pcie_zc_kernel_ps(const pcie *p) { return p->zc_kernel_ps; }
