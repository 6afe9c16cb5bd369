/* dram_sched_fcfs.c: see dram_sched_fcfs.h. Stateless. */
#include "dram_sched_fcfs.h"

static int fcfs_pick(void *st, const dram_sched_view *v) { (void)st; (void)v; return 0; }

const dram_scheduler dram_sched_fcfs_policy = { "fcfs", NULL, NULL, fcfs_pick };
