/* l1.c: L1 tags with a variable number of active ways (see l1.h). */
#include "l1.h"

#include <stdlib.h>
#include <string.h>

struct l1 {
    uint64_t *tag;      /* sets * ways, line number + 1 (0 = invalid) */
    uint32_t *stamp;    /* last use, for LRU */
    uint32_t sets, ways, active_ways;
    uint32_t line_shift;
    uint32_t clock;     /* LRU stamp counter */
    uint64_t total_bytes;
    uint64_t hits, misses;
};

l1 *l1_create(const gpu_config *cfg)
{
    l1 *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->total_bytes = (uint64_t)cfg->sm.l1_smem_kib * 1024;
    c->ways = (uint32_t)cfg->l1.ways;
    uint32_t line = (uint32_t)cfg->l1.line_bytes;
    while ((1u << c->line_shift) < line) c->line_shift++;
    c->sets = (uint32_t)(c->total_bytes / line / c->ways);
    if (c->sets == 0) c->sets = 1;
    c->active_ways = c->ways;
    c->tag = calloc((size_t)c->sets * c->ways, sizeof *c->tag);
    c->stamp = calloc((size_t)c->sets * c->ways, sizeof *c->stamp);
    if (!c->tag || !c->stamp) { l1_destroy(c); return NULL; }
    return c;
}

void l1_destroy(l1 *c)
{
    if (!c) return;
    free(c->tag);
    free(c->stamp);
    free(c);
}

int l1_lookup(l1 *c, uint64_t addr)
{
    if (c->active_ways == 0) { c->misses++; return 0; }
    uint64_t line = addr >> c->line_shift;
    uint32_t set = (uint32_t)(line % c->sets);
    uint64_t *t = &c->tag[(size_t)set * c->ways];
    uint32_t *s = &c->stamp[(size_t)set * c->ways];
    uint32_t victim = 0;
    int have_invalid = 0;
    c->clock++;
    for (uint32_t w = 0; w < c->active_ways; w++) {
        if (t[w] == line + 1) { s[w] = c->clock; c->hits++; return 1; }
        if (have_invalid) continue;
        if (t[w] == 0) { victim = w; have_invalid = 1; }
        else if (s[w] < s[victim]) victim = w;
    }
    t[victim] = line + 1;
    s[victim] = c->clock;
    c->misses++;
    return 0;
}

void l1_set_smem(l1 *c, uint64_t smem_bytes)
{
    uint64_t avail = smem_bytes >= c->total_bytes ? 0 : c->total_bytes - smem_bytes;
    uint32_t ways = (uint32_t)(avail * c->ways / c->total_bytes);
    if (ways < c->active_ways)
        for (uint32_t set = 0; set < c->sets; set++)
            for (uint32_t w = ways; w < c->active_ways; w++) c->tag[(size_t)set * c->ways + w] = 0;
    c->active_ways = ways;
}

void l1_invalidate(l1 *c) { memset(c->tag, 0, (size_t)c->sets * c->ways * sizeof *c->tag); }
uint64_t l1_hits(const l1 *c) { return c->hits; }
uint64_t l1_misses(const l1 *c) { return c->misses; }
