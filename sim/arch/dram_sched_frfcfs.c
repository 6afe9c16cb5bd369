/* dram_sched_frfcfs.c: see dram_sched_frfcfs.h. Stateless. */
#include "dram_sched_frfcfs.h"

static int frfcfs_pick(void *st, const dram_sched_view *v)
{
    (void)st;
    for (int i = 0; i < v->n; i++)
        if (v->open_row[v->q[i].bank] == v->q[i].row) return i;   /* oldest row hit */
    return 0;                                                       /* else the oldest */
}

const dram_scheduler dram_sched_frfcfs_policy = { "frfcfs", NULL, NULL, frfcfs_pick };
