/* l2_repl_lru.c: see l2_repl_lru.h. */
#include "l2_repl_lru.h"

#include <stdlib.h>

typedef struct lru { uint32_t clock; l2_repl_env env; } lru;

static void *lru_create(const gpu_config *cfg, const l2_repl_env *env)
{
    (void)cfg;
    lru *s = calloc(1, sizeof *s);
    if (s) s->env = *env;
    return s;
}

static void lru_destroy(void *st) { free(st); }

static void lru_hit(void *st, uint32_t *meta, uint32_t way)
{
    lru *s = st;
    if (++s->clock == UINT32_MAX) {
        s->env.halve_all_meta(s->env.l2);
        s->clock = UINT32_MAX / 2 + 1;
    }
    meta[way] = s->clock;
}

static void lru_insert(void *st, uint32_t *meta, uint32_t way, uint32_t victim_meta, int hint)
{
    if (hint == L2_INS_EVICT_FIRST) meta[way] = victim_meta;
    else lru_hit(st, meta, way);
}

static uint32_t lru_victim(void *st, uint32_t *meta, uint32_t ways)
{
    (void)st;
    uint32_t v = 0;
    for (uint32_t w = 1; w < ways; w++) if (meta[w] < meta[v]) v = w;
    return v;
}

const l2_repl_policy l2_repl_lru_policy = { "lru", lru_create, lru_destroy, lru_hit, lru_insert, lru_victim };
