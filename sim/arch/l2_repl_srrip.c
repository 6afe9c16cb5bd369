/* l2_repl_srrip.c: see l2_repl_srrip.h. Stateless beyond the per-way RRPVs. */
#include "l2_repl_srrip.h"

static void *srrip_create(const gpu_config *cfg, const l2_repl_env *env)
{
    (void)cfg; (void)env;
    static const char token; /* a non-NULL state that owns nothing */
    return (void *)&token;
}

static void srrip_destroy(void *st) { (void)st; }
static void srrip_hit(void *st, uint32_t *meta, uint32_t way) { (void)st; meta[way] = 0; }

static void srrip_insert(void *st, uint32_t *meta, uint32_t way, uint32_t victim_meta, int hint)
{
    (void)st; (void)victim_meta;
    meta[way] = hint == L2_INS_EVICT_FIRST ? SRRIP_DISTANT : SRRIP_LONG;
}

static uint32_t srrip_victim(void *st, uint32_t *meta, uint32_t ways)
{
    (void)st;
    for (;;) {
        for (uint32_t w = 0; w < ways; w++) if (meta[w] >= SRRIP_DISTANT) return w;
        for (uint32_t w = 0; w < ways; w++) meta[w]++;
    }
}

const l2_repl_policy l2_repl_srrip_policy = { "srrip", srrip_create, srrip_destroy, srrip_hit, srrip_insert, srrip_victim };
