/* bwcal.c: bucketed bandwidth reservation (see bwcal.h). */
#include "bwcal.h"

#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

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

/* Opens buckets head+1 .. b (empties their ring slots) and makes b the head.
 * After an idle gap (between kernels) this is hundreds of buckets on every
 * calendar of the machine: cleared as at most two memsets, and the whole ring
 * at most once, however long the gap. */
static void open_buckets(bwcal *c, uint64_t b)
{
    uint32_t mask = c->nbuckets - 1;
    uint64_t n = b - c->head;
    if (n >= c->nbuckets) memset(c->used, 0, (size_t)c->nbuckets * sizeof *c->used);
    else {
        uint32_t first = (uint32_t)((c->head + 1) & mask);
        uint32_t run = c->nbuckets - first < n ? c->nbuckets - first : (uint32_t)n;
        memset(&c->used[first], 0, (size_t)run * sizeof *c->used);
        if (run < n) memset(c->used, 0, (size_t)(n - run) * sizeof *c->used);
    }
    c->head = b;
}

int bwcal_check(const bwcal *c)
{
    uint32_t mask = c->nbuckets - 1;
    if (!c->used || c->nbuckets == 0 || (c->nbuckets & mask) || c->fill > c->head + 1 || c->busy_ps < 0) return 0;
    for (uint32_t i = 0; i < c->nbuckets; i++)
        if (c->used[i] > c->cap) return 0;
    /* the buckets of the ring's window [head - nbuckets + 1, head] below fill */
    uint64_t lo = c->head + 1 >= c->nbuckets ? c->head + 1 - c->nbuckets : 0;
    for (uint64_t b = lo; b < c->fill; b++)
        if (c->used[b & mask] < c->cap) return 0;
    return 1;
}

uint64_t bwcal_reserve(bwcal *c, uint64_t t, uint32_t bytes)
{
    uint32_t mask = c->nbuckets - 1;
    uint64_t b = t / c->bucket_ps;
    if (b + c->nbuckets <= c->head) b = c->head - c->nbuckets + 1; /* older than the ring: clamp */
    if (c->fill + c->nbuckets <= c->head) c->fill = c->head - c->nbuckets + 1;
    if (b < c->fill) b = c->fill;
    for (;;) {
        if (b > c->head) { open_buckets(c, b); }
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
