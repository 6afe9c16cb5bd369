/* l1.c: L1 tags with a variable number of active ways (see l1.h). */
#include "l1.h"

#include <stdlib.h>
#include <string.h>

struct l1 {
    uint64_t *tag;      /* sets * ways, line number + 1 (0 = invalid) */
    uint32_t *stamp;    /* last use, for LRU */
    uint32_t sets, ways, active_ways;
    uint32_t used_ways; /* ways at or above this index hold no line in any set (<= active_ways) */
    uint32_t gen;       /* bumped by l1_invalidate: a set whose set_gen differs is empty */
    uint32_t *set_gen;  /* per set: the generation of its tags (cleared when next looked up) */
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
    c->set_gen = calloc(c->sets, sizeof *c->set_gen);
    if (!c->tag || !c->stamp || !c->set_gen) { l1_destroy(c); return NULL; }
    return c;
}

void l1_destroy(l1 *c)
{
    if (!c) return;
    free(c->tag);
    free(c->stamp);
    free(c->set_gen);
    free(c);
}

/* line mod sets (a mask when sets is a power of two, as with the shipped configs) */
static inline uint32_t set_of(const l1 *c, uint64_t line)
{
    return (c->sets & (c->sets - 1)) ? (uint32_t)(line % c->sets) : (uint32_t)(line & (c->sets - 1));
}

int l1_lookup(l1 *c, uint64_t addr)
{
    if (c->active_ways == 0) { c->misses++; return 0; }
    uint64_t line = addr >> c->line_shift;
    uint32_t set = set_of(c, line);
    uint64_t *t = &c->tag[(size_t)set * c->ways];
    if (c->set_gen[set] != c->gen) { memset(t, 0, c->ways * sizeof *t); c->set_gen[set] = c->gen; }
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
    if (victim >= c->used_ways) c->used_ways = victim + 1;
    c->misses++;
    return 0;
}

void l1_set_smem(l1 *c, uint64_t smem_bytes)
{
    uint64_t avail = smem_bytes >= c->total_bytes ? 0 : c->total_bytes - smem_bytes;
    uint32_t ways = (uint32_t)(avail * c->ways / c->total_bytes);
    /* the ways given to shared memory lose their lines; only ways that ever held
     * one are walked (a CTA start on an SM whose L1 was never used costs nothing) */
    if (ways < c->used_ways) {
        for (uint32_t set = 0; set < c->sets; set++)
            for (uint32_t w = ways; w < c->used_ways; w++) c->tag[(size_t)set * c->ways + w] = 0;
        c->used_ways = ways;
    }
    c->active_ways = ways;
}

/* In time independent of the capacity: the sets are emptied when next looked up
 * (all at once only when the 32-bit generation wraps). */
void l1_invalidate(l1 *c)
{
    if (++c->gen == 0) {
        memset(c->tag, 0, (size_t)c->sets * c->ways * sizeof *c->tag);
        memset(c->set_gen, 0, c->sets * sizeof *c->set_gen);
    }
    c->used_ways = 0;
}
uint64_t l1_hits(const l1 *c) { return c->hits; }
uint64_t l1_misses(const l1 *c) { return c->misses; }

void l1_prefetch(const l1 *c, uint64_t addr)
{
    uint32_t set = set_of(c, addr >> c->line_shift);
    __builtin_prefetch(&c->tag[(size_t)set * c->ways], 1);
    __builtin_prefetch(&c->stamp[(size_t)set * c->ways], 1);
    __builtin_prefetch(&c->set_gen[set], 0);
}
