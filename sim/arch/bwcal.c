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
    c->head = c->fill = c->cleared = 0;
    c->busy_ps = 0;
    c->page_shift = 0;
    while (c->page_shift < 6 && (2u << c->page_shift) <= nbuckets) c->page_shift++; /* 64, or the ring */
    uint32_t pages = nbuckets >> c->page_shift;
    c->used = calloc(nbuckets, sizeof *c->used);
    c->dirty = calloc((pages + 63) / 64, sizeof *c->dirty);
    if (c->used && c->dirty) return 0;
    bwcal_fini(c);
    return -1;
}

void bwcal_fini(bwcal *c)
{
    free(c->used);
    free(c->dirty);
    c->used = NULL;
    c->dirty = NULL;
}

static inline void mark(bwcal *c, uint32_t slot)
{
    uint32_t p = slot >> c->page_shift;
    c->dirty[p >> 6] |= 1ull << (p & 63);
}

/* Empties n ring slots from slot `from` (not wrapping past the ring's end),
 * skipping the pages nothing was written to since they were last emptied: the
 * whole pages inside the range are found from the dirty bits, a word at a time. */
static void clear_slots(bwcal *c, uint32_t from, uint32_t n)
{
    const uint32_t sh = c->page_shift, psz = 1u << sh;
    uint32_t end = from + n;
    uint32_t p = from >> sh;
    if (from & (psz - 1)) { /* a leading part of a page */
        uint32_t k = psz - (from & (psz - 1));
        if (k > n) k = n;
        if (c->dirty[p >> 6] & (1ull << (p & 63))) { memset(&c->used[from], 0, (size_t)k * sizeof *c->used); c->cleared += k; }
        from += k;
        p++;
    }
    uint32_t p_end = end >> sh; /* whole pages p .. p_end-1 */
    while (p < p_end) {
        uint32_t w = p >> 6, lo = p & 63, hi = p_end - (w << 6) < 64 ? p_end - (w << 6) : 64;
        uint64_t range = (hi == 64 ? ~0ull : (1ull << hi) - 1) & (~0ull << lo);
        uint64_t bits = c->dirty[w] & range;
        c->dirty[w] &= ~range; /* emptied below (or already empty) */
        while (bits) {
            uint32_t q = (w << 6) | (uint32_t)__builtin_ctzll(bits);
            bits &= bits - 1;
            memset(&c->used[(size_t)q << sh], 0, (size_t)psz * sizeof *c->used);
            c->cleared += psz;
        }
        p = (w + 1) << 6;
    }
    if (from < end && (end & (psz - 1)) && (end >> sh) >= (from >> sh)) { /* a trailing part of a page */
        uint32_t q = end >> sh, start = q << sh > from ? q << sh : from;
        if (c->dirty[q >> 6] & (1ull << (q & 63))) {
            memset(&c->used[start], 0, (size_t)(end - start) * sizeof *c->used);
            c->cleared += end - start;
        }
    }
}

/* Opens buckets head+1 .. b (empties their ring slots) and makes b the head.
 * After an idle gap (between kernels) this spans hundreds or thousands of
 * buckets on every calendar of the machine, most of them never written in the
 * last lap of the ring (a small kernel touches a few buckets of a few
 * calendars): only the pages written since they were last emptied are cleared,
 * so the cost follows the traffic, not the simulated time (clearing every
 * bucket a gap spans was most of the CPU time of small kernels). */
static void open_buckets(bwcal *c, uint64_t b)
{
    uint32_t mask = c->nbuckets - 1;
    uint64_t n = b - c->head;
    if (n >= c->nbuckets) {
        clear_slots(c, 0, c->nbuckets);
    } else {
        uint32_t first = (uint32_t)((c->head + 1) & mask);
        uint32_t run = c->nbuckets - first < n ? c->nbuckets - first : (uint32_t)n;
        if (n < 64) { /* the usual step of a busy calendar: plainly (the dirty bits may stay set) */
            memset(&c->used[first], 0, (size_t)run * sizeof *c->used);
            if (run < n) memset(c->used, 0, (size_t)(n - run) * sizeof *c->used);
            c->cleared += n;
        } else {
            clear_slots(c, first, run);
            if (run < n) clear_slots(c, 0, (uint32_t)(n - run));
        }
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
            if (!*u) mark(c, (uint32_t)(b & mask)); /* a slot with bytes is in a marked page already */
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
                    if (!*v && take) mark(c, (uint32_t)(nb & mask));
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
