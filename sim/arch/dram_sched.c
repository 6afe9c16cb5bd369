/*
 * dram_sched.c: the DRAM scheduler registry (see dram_sched.h). Row order is
 * the index stored in gpu_config.memory.scheduler: append new rows.
 */
#include "dram_sched.h"

#include <string.h>

#include "arch/dram_sched_fcfs.h"
#include "arch/dram_sched_frfcfs.h"

static const dram_scheduler *const registry[] = {
    &dram_sched_frfcfs_policy,
    &dram_sched_fcfs_policy,
};

const dram_scheduler *dram_scheduler_at(size_t i)
{
    return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const char *dram_scheduler_name(size_t i)
{
    const dram_scheduler *p = dram_scheduler_at(i);
    return p ? p->name : NULL;
}

int dram_scheduler_index(const char *name)
{
    for (size_t i = 0; dram_scheduler_at(i); i++)
        if (!strcmp(registry[i]->name, name)) return (int)i;
    return -1;
}
