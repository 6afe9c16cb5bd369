/* bwcal.c: bucketed bandwidth reservation (see bwcal.h). */
#include "bwcal.h"

#include "engine/engine.h"

#include <stdlib.h>

int bwcal_init(bwcal *c, double ps_per_byte, uint64_t bucket_ps, uint32_t nbuckets)
{
    c->nbuckets = nbuckets;
    c->bucket_ps = bucket_ps;
    c->ps_per_byte = ps_per_byte;
    double cap = (double)bucket_ps / ps_per_byte;
    c->cap = cap < 1 ? 1 : (uint32_t)cap;
    c->head = c->fill = 0;
    c->busy_ps = 0;
    c->used = calloc(nbuckets, sizeof *c->used);
    return c->used ? 0 : -1;
}

void bwcal_fini(bwcal *c)
{
    free(c->used);
    c->used = NULL;
}

uint64_t bwcal_reserve(bwcal *c, uint64_t t, uint32_t bytes)
{
    uint32_t mask = c->nbuckets - 1;
    uint64_t b = t / c->bucket_ps;
    if (b + c->nbuckets <= c->head) b = c->head - c->nbuckets + 1; /* older than the ring: clamp */
    if (c->fill + c->nbuckets <= c->head) c->fill = c->head - c->nbuckets + 1;
    if (b < c->fill) b = c->fill;
    for (;;) {
        if (b > c->head) { /* open new buckets */
            for (uint64_t x = c->head + 1; x <= b && x <= c->head + c->nbuckets; x++) c->used[x & mask] = 0;
            c->head = b;
        }
        uint32_t *u = &c->used[b & mask];
        if (*u < c->cap) {
            uint64_t start = ps_add(b * c->bucket_ps, ps_floor((double)*u * c->ps_per_byte));
            *u += bytes;   /* may overflow the bucket: the excess delays the next requests */
            if (*u > c->cap) { /* carry the excess forward so the rate holds */
                uint32_t excess = *u - c->cap;
                *u = c->cap;
                uint64_t nb = b + 1;
                while (excess) {
                    if (nb > c->head) { c->used[nb & mask] = 0; c->head = nb; }
                    uint32_t *v = &c->used[nb & mask];
                    uint32_t room = c->cap - (*v < c->cap ? *v : c->cap);
                    uint32_t take = excess < room ? excess : room;
                    *v += take;
                    excess -= take;
                    nb++;
                }
            }
            while (c->fill <= c->head && c->used[c->fill & mask] >= c->cap) c->fill++;
            c->busy_ps += (double)bytes * c->ps_per_byte;
            return start > t ? start : t;
        }
        b++;
    }
}
