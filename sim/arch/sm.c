/* sm.c: occupancy bookkeeping, port and MSHR reservation (see sm.h). */
#include "sm.h"

#include <string.h>

int sm_init(sm *s, const gpu_config *cfg, int id, power *pw)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    s->cfg = cfg;
    s->partition = (int)((int64_t)id * cfg->l2.partitions / cfg->gpu.sm_count);
    s->tc = tensor_core_create(cfg, pw, id);
    s->cc = cuda_core_create(cfg, pw, id);
    s->l1 = l1_create(cfg);
    if (!s->tc || !s->cc || !s->l1) { sm_fini(s); return -1; }
    s->port_ps_per_byte = 1e6 / (double)cfg->gpu.clock_mhz / (double)cfg->sm.ldst_bytes_per_clk;
    if (bwcal_init(&s->port, s->port_ps_per_byte, BWCAL_BUCKET_PS, BWCAL_BUCKETS)) { sm_fini(s); return -1; }
    s->mshr_groups = (int)(cfg->sm.max_inflight_lines / SM_MSHR_GROUP);
    if (s->mshr_groups < 1) s->mshr_groups = 1;
    if (s->mshr_groups > SM_MAX_MSHR_GROUPS) s->mshr_groups = SM_MAX_MSHR_GROUPS;
    return 0;
}

void sm_fini(sm *s)
{
    tensor_core_destroy(s->tc);
    cuda_core_destroy(s->cc);
    l1_destroy(s->l1);
    bwcal_fini(&s->port);
    s->tc = NULL; s->cc = NULL; s->l1 = NULL;
}

static int64_t regs_of(const cta_shape *c)
{
    /* registers are allocated per warp in units of 256 */
    int64_t warps = (c->threads + 31) / 32;
    int64_t per_warp = ((c->regs_per_thread * 32 + 255) / 256) * 256;
    return warps * per_warp;
}

int64_t sm_occupancy(const gpu_config *cfg, const cta_shape *c)
{
    int64_t n = cfg->sm.max_ctas;
    int64_t r = regs_of(c);
    if (c->threads > cfg->sm.max_threads || r > cfg->sm.registers ||
        c->smem_bytes > cfg->sm.smem_per_cta_kib * 1024) return 0;
    if (c->threads) { int64_t x = cfg->sm.max_threads / c->threads; if (x < n) n = x; }
    if (r) { int64_t x = cfg->sm.registers / r; if (x < n) n = x; }
    if (c->smem_bytes) { int64_t x = cfg->sm.smem_kib * 1024 / c->smem_bytes; if (x < n) n = x; }
    return n;
}

const char *sm_misfit(const gpu_config *cfg, const cta_shape *c, char *buf, size_t len)
{
    int64_t r = regs_of(c);
    size_t n = 0;
    buf[0] = 0;
    if (c->threads > cfg->sm.max_threads)
        n += (size_t)snprintf(buf + n, len - n, "%lld threads > sm.max_threads = %lld", (long long)c->threads,
                              (long long)cfg->sm.max_threads);
    if (r > cfg->sm.registers && n < len)
        n += (size_t)snprintf(buf + n, len - n, "%s%lld registers > sm.registers = %lld", n ? "; " : "", (long long)r,
                              (long long)cfg->sm.registers);
    if (c->smem_bytes > cfg->sm.smem_per_cta_kib * 1024 && n < len)
        snprintf(buf + n, len - n, "%s%lld KiB shared memory > sm.smem_per_cta_kib = %lld KiB", n ? "; " : "",
                 (long long)((c->smem_bytes + 1023) / 1024), (long long)cfg->sm.smem_per_cta_kib);
    return buf;
}

int sm_fits(const sm *s, const cta_shape *c)
{
    const gpu_config *cfg = s->cfg;
    return s->ctas + 1 <= cfg->sm.max_ctas && s->threads + c->threads <= cfg->sm.max_threads &&
           s->regs + regs_of(c) <= cfg->sm.registers && s->smem + c->smem_bytes <= cfg->sm.smem_kib * 1024;
}

void sm_alloc(sm *s, const cta_shape *c)
{
    s->ctas++;
    s->threads += c->threads;
    s->regs += regs_of(c);
    s->smem += c->smem_bytes;
    l1_set_smem(s->l1, (uint64_t)s->smem);
}

void sm_release(sm *s, const cta_shape *c)
{
    s->ctas--;
    s->threads -= c->threads;
    s->regs -= regs_of(c);
    s->smem -= c->smem_bytes;
    l1_set_smem(s->l1, (uint64_t)s->smem);
}

int sm_place_warps(sm *s, int64_t warps)
{
    int first = s->next_sp;
    s->next_sp = (s->next_sp + (int)warps) % (int)s->cfg->sm.subpartitions;
    return first;
}

uint64_t sm_mma(sm *s, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps)
{
    return tensor_core_mma(s->tc, sp, dt, flops, fraction, ready_ps);
}

uint64_t sm_fma(sm *s, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps)
{
    return cuda_core_exec(s->cc, sp, dt, flops, fraction, ready_ps);
}

uint64_t sm_lsu_reserve(sm *s, uint64_t t, uint64_t busy_ps)
{
    uint64_t start = s->lsu_free_ps > t ? s->lsu_free_ps : t;
    s->lsu_free_ps = start + busy_ps;
    return s->lsu_free_ps;
}

uint64_t sm_port_reserve(sm *s, uint64_t t, uint64_t bytes)
{
    s->port_bytes += bytes;
    /* a long transfer is reserved in 4 KiB pieces so that it spreads over buckets */
    uint64_t start = UINT64_MAX;
    while (bytes) {
        uint32_t n = bytes > 4096 ? 4096 : (uint32_t)bytes;
        uint64_t st = bwcal_reserve(&s->port, t, n);
        if (st < start) start = st;
        bytes -= n;
    }
    return start == UINT64_MAX ? t : start;
}

uint64_t sm_mshr_take(sm *s, uint64_t t, uint64_t lines, int *ids, int *n)
{
    int need = (int)((lines + SM_MSHR_GROUP - 1) / SM_MSHR_GROUP);
    if (need > s->mshr_groups) need = s->mshr_groups;
    if (need <= 0) { *n = 0; return t; }
    /* the `need` earliest-free groups, ties to the lower index: one pass keeping
     * them sorted by (free time, index) in ids (insertion; need is small) */
    int k = 0;
    for (int g = 0; g < s->mshr_groups; g++) {
        uint64_t f = s->mshr_free_ps[g];
        if (k == need && f >= s->mshr_free_ps[ids[k - 1]]) continue;
        int j = k < need ? k++ : k - 1;
        while (j > 0 && s->mshr_free_ps[ids[j - 1]] > f) { ids[j] = ids[j - 1]; j--; }
        ids[j] = g;
    }
    *n = k;
    uint64_t start = t;
    if (k && s->mshr_free_ps[ids[k - 1]] > start) start = s->mshr_free_ps[ids[k - 1]];
    return start;
}

void sm_mshr_hold(sm *s, const int *ids, int n, uint64_t done_ps)
{
    for (int i = 0; i < n; i++) s->mshr_free_ps[ids[i]] = done_ps;
}
