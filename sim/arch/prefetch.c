/*
 * prefetch.c: prefetch policies.
 *   next_line: on a miss of line L, fetch L+distance .. L+distance+degree-1.
 *   stride: a table of `table_entries` streams indexed by SM; when a miss repeats
 *     the previous stride of its stream, fetch L+distance*s .. L+(distance+degree-1)*s (Chen & Baer's
 *     reference prediction table without the PC, which an L2 does not see).
 */
#include "prefetch.h"

#include <stdlib.h>

typedef struct stream_entry {
    uint64_t last;     /* last missed line */
    int64_t stride;    /* last stride in lines */
    int confident;     /* stride seen twice in a row */
} stream_entry;

typedef int (*policy_fn)(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max);

struct prefetcher {
    policy_fn fn;
    int degree;
    int64_t distance;
    int nentries;
    stream_entry *table;
};

static int pf_next_line(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max)
{
    (void)sm;
    int n = 0;
    for (int i = 0; i < p->degree && n < max; i++) out[n++] = line + (uint64_t)(p->distance + i);
    return n;
}

static int pf_stride(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max)
{
    stream_entry *e = &p->table[sm % p->nentries];
    int64_t stride = (int64_t)(line - e->last);
    int n = 0;
    if (stride != 0 && stride == e->stride) {
        if (e->confident)
            for (int i = 0; i < p->degree && n < max; i++) {
                int64_t target = (int64_t)line + stride * (p->distance + i);
                if (target >= 0) out[n++] = (uint64_t)target;
            }
        e->confident = 1;
    } else {
        e->confident = 0;
    }
    e->stride = stride;
    e->last = line;
    return n;
}

static const struct { const char *name; policy_fn fn; } policies[] = {
    { "none", NULL },
    { "next_line", pf_next_line },
    { "stride", pf_stride },
};

prefetcher *prefetch_create(const gpu_config *cfg)
{
    prefetcher *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->fn = policies[cfg->prefetch.policy].fn;
    p->degree = (int)cfg->prefetch.degree;
    p->distance = cfg->prefetch.distance;
    p->nentries = (int)cfg->prefetch.table_entries;
    p->table = calloc((size_t)p->nentries, sizeof *p->table);
    if (!p->table) { free(p); return NULL; }
    return p;
}

void prefetch_destroy(prefetcher *p)
{
    if (!p) return;
    free(p->table);
    free(p);
}

int prefetch_enabled(const prefetcher *p) { return p->fn != NULL && p->degree > 0; }

int prefetch_on_miss(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max)
{
    return p->fn ? p->fn(p, line, sm, out, max) : 0;
}
