/* pipe.c: in-order reservation of a pipelined datapath. */
#include "pipe.h"

#include "engine/engine.h"

uint64_t pipe_reserve(pipe_unit *p, uint64_t ready_ps, double work)
{
    uint64_t start = ready_ps > p->free_ps ? ready_ps : p->free_ps;
    uint64_t occ = ps_from(work * p->ps_per_unit);
    p->free_ps = ps_add(start, occ);
    p->busy_ps += (double)occ;
    return ps_add(p->free_ps, p->latency_ps);
}
