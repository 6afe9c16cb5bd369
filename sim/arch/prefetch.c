/*
 * prefetch.c: the prefetch policy registry and the prefetcher that runs the
 * chosen row (see prefetch.h). Row order is the index stored in
 * gpu_config.prefetch.policy: append new rows, so stored indices keep meaning.
 */
#include "prefetch.h"

#include <stdlib.h>
#include <string.h>

#include "arch/prefetch_next_line.h"
#include "arch/prefetch_stream.h"
#include "arch/prefetch_stride.h"

static const prefetch_policy pf_none = { "none", NULL, NULL, NULL };

static const prefetch_policy *const registry[] = {
    &pf_none,
    &prefetch_next_line_policy,
    &prefetch_stride_policy,
    &prefetch_stream_policy,
};

const prefetch_policy *prefetch_policy_at(size_t i)
{
    return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const char *prefetch_policy_name(size_t i)
{
    const prefetch_policy *p = prefetch_policy_at(i);
    return p ? p->name : NULL;
}

int prefetch_policy_index(const char *name)
{
    for (size_t i = 0; prefetch_policy_at(i); i++)
        if (!strcmp(registry[i]->name, name)) return (int)i;
    return -1;
}

struct prefetcher {
    const prefetch_policy *pol;
    void *state;          /* the policy's own */
    int degree;           /* 0: prefetching off whatever the policy */
};

prefetcher *prefetch_create(const gpu_config *cfg)
{
    const prefetch_policy *pol = prefetch_policy_at((size_t)cfg->prefetch.policy);
    if (!pol) return NULL;  /* config_load only stores registry indices */
    prefetcher *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->pol = pol;
    p->degree = (int)cfg->prefetch.degree;
    if (pol->create && !(p->state = pol->create(cfg))) { free(p); return NULL; }
    return p;
}

void prefetch_destroy(prefetcher *p)
{
    if (!p) return;
    if (p->pol->destroy) p->pol->destroy(p->state);
    free(p);
}

int prefetch_enabled(const prefetcher *p) { return p->pol->on_trigger != NULL && p->degree > 0; }

int prefetch_on_miss(prefetcher *p, uint64_t line, int sm, uint64_t *out, int max)
{
    return p->pol->on_trigger ? p->pol->on_trigger(p->state, line, sm, out, max) : 0;
}
