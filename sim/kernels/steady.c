/* steady.c: the steady-state test and mean (see steady.h). */
#include "steady.h"

#include <math.h>
#include <string.h>

void steady_push(steady_win *w, const steady_sample *s)
{
    if (w->n == STEADY_HIST) memmove(w->s, w->s + 1, (STEADY_HIST - 1) * sizeof *w->s);
    else w->n++;
    w->s[w->n - 1] = *s;
}

/* Metric m of a sample: time, DRAM bytes, L2 accesses, L2 hits, PCIe bytes, energy. */
#define STEADY_METRICS 6
static double metric(const steady_sample *s, int m)
{
    return m == 0 ? (double)s->ps
         : m == 1 ? (double)(s->dc.dram_read_bytes + s->dc.dram_write_bytes)
         : m == 2 ? (double)s->dc.l2_accesses
         : m == 3 ? (double)s->dc.l2_hits
         : m == 4 ? (double)s->dc.pcie_bytes
                  : s->books.op_j;
}

static int noisy(int m) { return m == 1 || m == 3; } /* DRAM bytes, L2 hits */

int steady_count(const steady_win *w)
{
    if (w->n < STEADY_WINDOW) return 0;
    int ok = 1;
    for (int m = 0; m < STEADY_METRICS && ok; m++) {
        double tol = noisy(m) ? STEADY_TRAFFIC_TOL : STEADY_TOL;
        double lo = 0, hi = 0;
        for (int j = w->n - STEADY_WINDOW; j < w->n; j++) {
            double v = metric(&w->s[j], m);
            if (j == w->n - STEADY_WINDOW || v < lo) lo = v;
            if (j == w->n - STEADY_WINDOW || v > hi) hi = v;
        }
        if (hi - lo > tol * hi) ok = 0;
    }
    if (ok) return STEADY_WINDOW;
    if (w->n < STEADY_HIST) return 0;
    for (int m = 0; m < STEADY_METRICS; m++) {
        double tol = noisy(m) ? STEADY_TRAFFIC_TOL : STEADY_TOL;
        double beat = noisy(m) ? STEADY_TRAFFIC_TOL : STEADY_BEAT_TOL;
        double half[2] = { 0, 0 }, mean;
        for (int j = 0; j < STEADY_HIST; j++) half[2 * j / STEADY_HIST] += metric(&w->s[j], m);
        mean = (half[0] + half[1]) / STEADY_HIST;
        if (fabs(half[1] - half[0]) > tol * (half[0] > half[1] ? half[0] : half[1])) return 0;
        for (int j = 0; j < STEADY_HIST; j++)
            if (fabs(metric(&w->s[j], m) - mean) > beat * mean) return 0;
    }
    return STEADY_HIST;
}

int steady_count_periodic(const steady_win *w)
{
    for (int p = 2; p <= STEADY_HIST / 2 && 2 * p <= w->n; p++) {
        int h = 2 * p;
        const steady_sample *s = w->s + w->n - h;
        int ok = 1;
        for (int m = 0; m < STEADY_METRICS && ok; m++) {
            int timing = m == 0 || m == 5; /* time and energy; the rest is traffic */
            double half[2] = { 0, 0 };
            for (int j = 0; j < h; j++) half[j / p] += metric(&s[j], m);
            if (fabs(half[1] - half[0]) > (timing ? STEADY_TOL : STEADY_TRAFFIC_TOL) * fmax(half[0], half[1])) ok = 0;
            /* each sample as the one a period before */
            for (int j = p; j < h && ok; j++) {
                double a = metric(&s[j], m), b = metric(&s[j - p], m);
                if (fabs(a - b) > (timing ? STEADY_BEAT_TOL : STEADY_TRAFFIC_TOL) * fmax(a, b)) ok = 0;
            }
        }
        if (ok) return h;
    }
    return 0;
}

void steady_add_counters(gpu_counters *a, const gpu_counters *b, uint64_t k)
{
    a->dram_read_bytes += b->dram_read_bytes * k;
    a->dram_write_bytes += b->dram_write_bytes * k;
    a->l2_accesses += b->l2_accesses * k;
    a->l2_hits += b->l2_hits * k;
    a->pcie_bytes += b->pcie_bytes * k;
}

void steady_mean(const steady_win *w, int n, steady_sample *out)
{
    uint64_t ps = 0;
    power_books mb = { 0, 0, 0, 0, 0, 0 };
    gpu_counters mc = { 0, 0, 0, 0, 0 };
    for (int j = w->n - n; j < w->n; j++) {
        const power_books *wb = &w->s[j].books;
        steady_add_counters(&mc, &w->s[j].dc, 1);
        ps += w->s[j].ps;
        mb.idle_j += wb->idle_j / n;
        mb.share_j += wb->share_j / n;
        mb.clk_mhz_ps += wb->clk_mhz_ps / n;
        mb.op_j += wb->op_j / n;
        mb.rail_top_j += wb->rail_top_j / n;
        mb.fixed_j += wb->fixed_j / n;
    }
    uint64_t nw = (uint64_t)n;
    out->ps = ps / nw;
    out->books = mb;
    out->dc = (gpu_counters){ (mc.dram_read_bytes + nw / 2) / nw, (mc.dram_write_bytes + nw / 2) / nw,
                              (mc.l2_accesses + nw / 2) / nw, (mc.l2_hits + nw / 2) / nw, (mc.pcie_bytes + nw / 2) / nw };
}

gpu_counters steady_counters_diff(const gpu_counters *b, const gpu_counters *a)
{
    return (gpu_counters){ b->dram_read_bytes - a->dram_read_bytes, b->dram_write_bytes - a->dram_write_bytes,
                           b->l2_accesses - a->l2_accesses, b->l2_hits - a->l2_hits, b->pcie_bytes - a->pcie_bytes };
}

power_books steady_books_diff(const power_books *b, const power_books *a)
{
    return (power_books){ b->idle_j - a->idle_j, b->share_j - a->share_j, b->clk_mhz_ps - a->clk_mhz_ps,
                          b->op_j - a->op_j, b->rail_top_j - a->rail_top_j, b->fixed_j - a->fixed_j };
}
