/* prefetch_stream.c: see prefetch_stream.h. */
#include "prefetch_stream.h"

#include <stdlib.h>

typedef struct tracker {
    uint64_t region;   /* region number + 1; 0: free */
    uint64_t last;     /* last trigger line in it */
    uint64_t used;     /* LRU stamp */
    int dir;           /* +1 ascending, -1 descending, 0 not yet known */
    int steps;         /* consecutive steps in dir (saturates at STREAM_TRAIN) */
} tracker;

typedef struct stream_pf {
    int degree;
    int64_t distance;
    uint32_t region_shift; /* log2 of lines per region */
    uint64_t clock;
    int n;
    tracker t[];
} stream_pf;

static void *sp_create(const gpu_config *cfg)
{
    int n = (int)cfg->prefetch.table_entries;
    stream_pf *s = calloc(1, sizeof *s + (size_t)n * sizeof s->t[0]);
    if (!s) return NULL;
    s->degree = (int)cfg->prefetch.degree;
    s->distance = cfg->prefetch.distance;
    s->n = n;
    uint64_t lines = (uint64_t)cfg->prefetch.stream_region_kib * 1024 / (uint64_t)cfg->l2.line_bytes;
    while ((2ull << s->region_shift) <= lines) s->region_shift++;  /* floor(log2), at least one line */
    return s;
}

static void sp_destroy(void *st) { free(st); }

static int sp_trigger(void *st, uint64_t line, int sm, uint64_t *out, int max)
{
    (void)sm;
    stream_pf *s = st;
    uint64_t region = (line >> s->region_shift) + 1;
    tracker *e = NULL, *lru = &s->t[0];
    for (int i = 0; i < s->n; i++) {
        if (s->t[i].region == region) { e = &s->t[i]; break; }
        if (s->t[i].used < lru->used) lru = &s->t[i];
    }
    s->clock++;
    if (!e) { /* a new stream: remember where it starts */
        *lru = (tracker){ region, line, s->clock, 0, 0 };
        return 0;
    }
    e->used = s->clock;
    if (line == e->last) return 0;
    int dir = line > e->last ? 1 : -1;
    if (dir == e->dir) { if (e->steps < STREAM_TRAIN) e->steps++; }
    else { e->dir = dir; e->steps = 1; }
    e->last = line;
    int n = 0;
    if (e->steps >= STREAM_TRAIN)
        for (int i = 0; i < s->degree && n < max; i++) {
            int64_t target = (int64_t)line + dir * (s->distance + i);
            if (target >= 0) out[n++] = (uint64_t)target;
        }
    return n;
}

const prefetch_policy prefetch_stream_policy = { "stream", sp_create, sp_destroy, sp_trigger };
