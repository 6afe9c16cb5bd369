/* prefetch_next_line.c: see prefetch_next_line.h. */
#include "prefetch_next_line.h"

#include <stdlib.h>

typedef struct next_line { int degree; int64_t distance; } next_line;

static void *nl_create(const gpu_config *cfg)
{
    next_line *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->degree = (int)cfg->prefetch.degree;
    s->distance = cfg->prefetch.distance;
    return s;
}

static void nl_destroy(void *st) { free(st); }

static int nl_trigger(void *st, uint64_t line, int sm, uint64_t *out, int max)
{
    (void)sm;
    const next_line *s = st;
    int n = 0;
    for (int i = 0; i < s->degree && n < max; i++) out[n++] = line + (uint64_t)(s->distance + i);
    return n;
}

const prefetch_policy prefetch_next_line_policy = { "next_line", nl_create, nl_destroy, nl_trigger };
