/* pipe.c: in-order reservation of a pipelined datapath. */
#include "pipe.h"

uint64_t pipe_reserve(pipe_unit *p, uint64_t ready_ps, double work)
{
    uint64_t start = ready_ps > p->free_ps ? ready_ps : p->free_ps;
    uint64_t occ = (uint64_t)(work * p->ps_per_unit + 0.5);
    p->free_ps = start + occ;
    p->busy_ps += (double)occ;
    return start + occ + p->latency_ps;
}
