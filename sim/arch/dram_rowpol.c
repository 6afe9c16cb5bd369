/*
 * dram_rowpol.c: the DRAM row-policy registry (see dram_rowpol.h). Row order is
 * the index stored in gpu_config.memory.row_policy: append new rows.
 */
#include "dram_rowpol.h"

#include <string.h>

#include "arch/dram_rowpol_closed.h"
#include "arch/dram_rowpol_open.h"

static const dram_row_policy *const registry[] = {
    &dram_rowpol_open_policy,
    &dram_rowpol_closed_policy,
};

const dram_row_policy *dram_row_policy_at(size_t i)
{
    return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const char *dram_row_policy_name(size_t i)
{
    const dram_row_policy *p = dram_row_policy_at(i);
    return p ? p->name : NULL;
}

int dram_row_policy_index(const char *name)
{
    for (size_t i = 0; dram_row_policy_at(i); i++)
        if (!strcmp(registry[i]->name, name)) return (int)i;
    return -1;
}
