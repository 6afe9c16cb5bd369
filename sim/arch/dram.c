/* dram.c: channel / bank reservation (see dram.h). */
#include "dram.h"

#include <stdlib.h>

#include "arch/bwcal.h"
#include "arch/hash.h"
#include "engine/engine.h"

typedef struct bank {
    uint64_t open_row;   /* row + 1; 0: closed */
    uint64_t free_ps;    /* next time it can start an access */
} bank;

typedef struct channel {
    bwcal bus;           /* data bus */
    bank *banks;
} channel;

struct dram {
    channel *ch;
    int nch, nbanks;
    uint64_t interleave, row_bytes;
    double ps_per_byte;      /* bus time per byte including refresh */
    uint64_t latency_ps, row_miss_ps;
    dram_counters c;
    int interleave_shift, row_shift, bank_shift; /* log2 of those sizes when powers of two, else -1 */
};

/* x / n, as a shift when n = 2^shift (shift >= 0): the same quotient without a division. */
static inline uint64_t udiv(uint64_t x, uint64_t n, int shift) { return shift >= 0 ? x >> shift : x / n; }
static inline uint64_t umod(uint64_t x, uint64_t n, int shift) { return shift >= 0 ? x & (n - 1) : x % n; }
static int log2_exact(uint64_t n)
{
    if (n == 0 || (n & (n - 1))) return -1;
    int s = 0;
    while ((1ull << s) < n) s++;
    return s;
}

dram *dram_create(const gpu_config *cfg)
{
    dram *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->nch = (int)cfg->memory.channels;
    d->nbanks = (int)cfg->memory.banks;
    d->interleave = (uint64_t)cfg->memory.interleave_bytes;
    d->row_bytes = (uint64_t)cfg->memory.row_bytes;
    d->ps_per_byte = 1e3 / cfg->memory.channel_gbps / (1.0 - cfg->memory.refresh_fraction);
    d->latency_ps = ns_to_ps(cfg->memory.latency_ns);
    d->row_miss_ps = ns_to_ps(cfg->memory.row_miss_ns);
    d->interleave_shift = log2_exact(d->interleave);
    d->row_shift = log2_exact(d->row_bytes);
    d->bank_shift = log2_exact((uint64_t)d->nbanks);
    d->ch = calloc((size_t)d->nch, sizeof *d->ch);
    if (!d->ch) { free(d); return NULL; }
    for (int i = 0; i < d->nch; i++) {
        d->ch[i].banks = calloc((size_t)d->nbanks, sizeof(bank));
        if (!d->ch[i].banks || bwcal_init(&d->ch[i].bus, d->ps_per_byte, BWCAL_BUCKET_PS, BWCAL_BUCKETS)) {
            dram_destroy(d);
            return NULL;
        }
    }
    return d;
}

void dram_destroy(dram *d)
{
    if (!d) return;
    if (d->ch) for (int i = 0; i < d->nch; i++) { free(d->ch[i].banks); bwcal_fini(&d->ch[i].bus); }
    free(d->ch);
    free(d);
}


int dram_channel_of(const dram *d, uint64_t addr)
{
    return (int)(hash64(addr / d->interleave) % (uint64_t)d->nch);
}

uint64_t dram_access(dram *d, uint64_t addr, uint32_t bytes, uint32_t weight, int write, uint64_t t)
{
    uint64_t granule = udiv(addr, d->interleave, d->interleave_shift);
    channel *ch = &d->ch[hash64(granule) % (uint64_t)d->nch];
    /* channel-local address: granules of this channel packed densely */
    uint64_t local = (granule / (uint64_t)d->nch) * d->interleave + umod(addr, d->interleave, d->interleave_shift);
    uint64_t row_global = udiv(local, d->row_bytes, d->row_shift);
    bank *b = &ch->banks[umod(hash64(row_global), (uint64_t)d->nbanks, d->bank_shift)];
    uint64_t row = udiv(row_global, (uint64_t)d->nbanks, d->bank_shift) + 1;
    /* The bank serialises its own row operations; the data bus is a throughput
     * slot taken in arrival order, so one bank's activate overlaps other banks'
     * bursts (what an FR-FCFS controller with bank parallelism achieves). */
    uint64_t ready = t > b->free_ps ? t : b->free_ps;
    if (b->open_row != row) {
        ready += d->row_miss_ps;
        b->open_row = row;
        d->c.row_misses += weight;
    } else {
        d->c.row_hits += weight;
    }
    uint64_t burst = ps_from((double)bytes * d->ps_per_byte);
    uint64_t slot = bwcal_reserve(&ch->bus, t, bytes * weight);
    uint64_t start = ready > slot ? ready : slot;
    b->free_ps = ps_add(ready, burst);
    d->c.busy_ps += (double)burst * weight;
    /* a write is done, for whoever waits on it, once the channel has taken it into its queue */
    if (write) { d->c.writes += weight; d->c.write_bytes += (uint64_t)bytes * weight; return slot; }
    d->c.reads += weight;
    d->c.read_bytes += (uint64_t)bytes * weight;
    return start + burst + d->latency_ps;
}

void dram_get_counters(const dram *d, dram_counters *out) { *out = d->c; }
