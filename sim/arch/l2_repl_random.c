/* l2_repl_random.c: see l2_repl_random.h. */
#include "l2_repl_random.h"

#include <stdlib.h>

typedef struct rnd { uint64_t rng; } rnd;

static void *rnd_create(const gpu_config *cfg, const l2_repl_env *env)
{
    (void)env;
    rnd *s = calloc(1, sizeof *s);
    if (s) s->rng = (uint64_t)cfg->l2.seed * 0x9E3779B97F4A7C15ULL + 1;
    return s;
}

static void rnd_destroy(void *st) { free(st); }
static void rnd_hit(void *st, uint32_t *meta, uint32_t way) { (void)st; (void)meta; (void)way; }

static void rnd_insert(void *st, uint32_t *meta, uint32_t way, uint32_t victim_meta, int hint)
{
    (void)st; (void)meta; (void)way; (void)victim_meta; (void)hint;
}

static uint32_t rnd_victim(void *st, uint32_t *meta, uint32_t ways)
{
    (void)meta;
    rnd *s = st;
    s->rng ^= s->rng << 13; s->rng ^= s->rng >> 7; s->rng ^= s->rng << 17;
    return (uint32_t)(s->rng % ways);
}

const l2_repl_policy l2_repl_random_policy = { "random", rnd_create, rnd_destroy, rnd_hit, rnd_insert, rnd_victim };
