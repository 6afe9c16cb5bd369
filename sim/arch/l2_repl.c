/*
 * l2_repl.c: the L2 replacement policy registry (see l2_repl.h). Row order is
 * the index stored in gpu_config.l2.replacement: append new rows.
 */
#include "l2_repl.h"

#include <string.h>

#include "arch/l2_repl_lru.h"
#include "arch/l2_repl_random.h"
#include "arch/l2_repl_srrip.h"

static const l2_repl_policy *const registry[] = {
    &l2_repl_lru_policy,
    &l2_repl_random_policy,
    &l2_repl_srrip_policy,
};

const l2_repl_policy *l2_repl_policy_at(size_t i)
{
    return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const char *l2_repl_policy_name(size_t i)
{
    const l2_repl_policy *p = l2_repl_policy_at(i);
    return p ? p->name : NULL;
}

int l2_repl_policy_index(const char *name)
{
    for (size_t i = 0; l2_repl_policy_at(i); i++)
        if (!strcmp(registry[i]->name, name)) return (int)i;
    return -1;
}
