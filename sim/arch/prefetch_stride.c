/* prefetch_stride.c: see prefetch_stride.h. */
#include "prefetch_stride.h"

#include <stdlib.h>

typedef struct stride_entry {
    uint64_t last;     /* last trigger line */
    int64_t stride;    /* last stride in lines */
    int confident;     /* stride seen twice in a row */
} stride_entry;

typedef struct stride_pf {
    int degree;
    int64_t distance;
    int nentries;
    stride_entry table[];
} stride_pf;

static void *st_create(const gpu_config *cfg)
{
    int n = (int)cfg->prefetch.table_entries;
    stride_pf *s = calloc(1, sizeof *s + (size_t)n * sizeof s->table[0]);
    if (!s) return NULL;
    s->degree = (int)cfg->prefetch.degree;
    s->distance = cfg->prefetch.distance;
    s->nentries = n;
    return s;
}

static void st_destroy(void *st) { free(st); }

static int st_trigger(void *st, uint64_t line, int sm, uint64_t *out, int max)
{
    stride_pf *p = st;
    stride_entry *e = &p->table[sm % p->nentries];
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

const prefetch_policy prefetch_stride_policy = { "stride", st_create, st_destroy, st_trigger };
