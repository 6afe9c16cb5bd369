/*
 * steady.h: is a repeated piece of work in a steady state, and what is its mean?
 *
 * One test for every extrapolation: an op's repeat= iterations (runner.c) and a
 * big GEMM's waves (gemm.c). Each sample is what one repetition added: its
 * time, its traffic and the power model's books. Steady: the last
 * STEADY_WINDOW samples agree within STEADY_TOL, metric by metric (time, energy,
 * L2 accesses, PCIe bytes; DRAM bytes and L2 hits within STEADY_TRAFFIC_TOL:
 * random L2 replacement varies them by a few percent), or (work that beats with
 * the power controller's interval: 2048^3 fp16 on the H100 varies ~1% from one
 * iteration to the next, periodically) the last STEADY_HIST do on average: the
 * means of their halves agree within the same tolerances and each lies within
 * STEADY_BEAT_TOL of their mean.
 */
#ifndef GPUSIM_STEADY_H
#define GPUSIM_STEADY_H

#include <stdint.h>

#include "arch/gpu.h"
#include "arch/power.h"

#define STEADY_WINDOW 3
#define STEADY_HIST 8
#define STEADY_TOL 0.005
#define STEADY_BEAT_TOL 0.03
/* DRAM bytes and L2 hits (an 8 MiB copy resident in L2: 340-347 KB of DRAM traffic an iteration) */
#define STEADY_TRAFFIC_TOL 0.05

typedef struct steady_sample {
    uint64_t ps;              /* its time */
    gpu_counters dc;          /* its traffic */
    power_books books;        /* what it added to the power model's books (books.op_j: its energy) */
} steady_sample;

typedef struct steady_win {
    steady_sample s[STEADY_HIST]; /* the last samples, oldest first */
    int n;
} steady_win;

/* Appends a sample (the oldest drops out of a full window). */
void steady_push(steady_win *w, const steady_sample *s);
/* How many of the last samples to extrapolate from: STEADY_WINDOW, STEADY_HIST, or 0 (not steady). */
int steady_count(const steady_win *w);
/* For work whose traffic repeats with a period of a few samples (a GEMM's waves: the tile order brings
 * new rows of A every 2, 3 or 4 waves, and their DRAM bytes vary by +-20% with it): the last 2P samples
 * for the shortest period P of 2, 3 or 4 (1 passes as 2) where every sample is the one P before (time and
 * energy within STEADY_BEAT_TOL, traffic within STEADY_TRAFFIC_TOL) and the means of the two periods agree
 * (time and energy within STEADY_TOL, traffic within STEADY_TRAFFIC_TOL): their mean is whole periods'.
 * Returns 4, 6, 8 or 0. */
int steady_count_periodic(const steady_win *w);
/* The mean of the last n samples (traffic rounded to whole bytes). */
void steady_mean(const steady_win *w, int n, steady_sample *out);
/* b - a, counter by counter. */
gpu_counters steady_counters_diff(const gpu_counters *b, const gpu_counters *a);
/* b - a, book by book. */
power_books steady_books_diff(const power_books *b, const power_books *a);
/* *a += k * *b. */
void steady_add_counters(gpu_counters *a, const gpu_counters *b, uint64_t k);

#endif
