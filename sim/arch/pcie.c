/* pcie.c: link, staging and copy-engine reservation (see pcie.h). */
#include "pcie.h"

#include <stdlib.h>

#include "engine/engine.h"

struct pcie {
    uint64_t dir_free[2];     /* per direction */
    uint64_t shared_free;     /* both directions together */
    uint64_t stage_free[2];   /* host staging memcpy, per direction */
    double dir_gbps, bidir_gbps, stage_gbps[2], cached_gbps, zero_gbps;
    uint64_t cache_bytes, pageable_ps;
    uint64_t latency_ps;
    int engines, engine_busy[16];
    uint64_t bytes[2];
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
    p->engines = (int)cfg->pcie.copy_engines;
    p->owners = &p->own_book;
    if (owner_init(&p->own_book)) { free(p); return NULL; }
    return p;
}

void pcie_destroy(pcie *p)
{
    if (!p) return;
    owner_fini(&p->own_book);
    free(p);
}

void pcie_set_owners(pcie *p, owner_book *b) { p->owners = b ? b : &p->own_book; }

uint64_t pcie_dma(pcie *p, int op, int dir, uint64_t bytes, uint64_t t)
{
    uint64_t start = t > p->dir_free[dir] ? t : p->dir_free[dir];
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

uint64_t pcie_stage(pcie *p, int dir, uint64_t bytes, uint64_t total, int zero_page, uint64_t t)
{
    uint64_t start = t > p->stage_free[dir] ? t : p->stage_free[dir];
    double gbps = total <= p->cache_bytes ? p->cached_gbps : p->stage_gbps[dir];
    if (zero_page && dir == 0) gbps = p->zero_gbps;
    p->stage_free[dir] = start + bytes_ps((double)bytes, gbps);
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

void pcie_report(const pcie *p, stats *s)
{
    stats_add(s, "pcie", "h2d_bytes", (double)p->bytes[0]);
    stats_add(s, "pcie", "d2h_bytes", (double)p->bytes[1]);
    stats_add(s, "pcie", "link_GBps_per_dir", p->dir_gbps);
}
