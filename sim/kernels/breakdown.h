/*
 * breakdown.h: where an op's time went, as the model spent it (a CPI stack).
 *
 * One row per label in bd_labels[] (breakdown.c): its name (the SQLite column
 * is bd_<name>_us, the --json key the name), what it counts, and whether a
 * verdict can suggest a change for it. Every consumer (runner, db, json,
 * summary, verdict, README) reads that table.
 *
 * How the parts are made (the invariant: they add up to the op's time):
 *  - the kernels book, at each wait of each CTA, what it waited for
 *    (bd_book: data loads, MMA / CUDA-core issue, the k-tile barrier, epilogue
 *    stores, shared memory, PCIe, a dependent load's latency), summed over the
 *    op's CTAs, and say how many CTAs could be resident at once (bd_slots);
 *  - per iteration the runner takes the kernel's time D (start to last CTA
 *    done): the booked waits divided by the slots are the balanced time B;
 *    `tail` = D - B (wave quantisation, CTA launch and SM imbalance: time some
 *    slots sat idle), and B is split in proportion to the booked waits;
 *  - `launch` is the rest of the op's time: host launch latency and gaps,
 *    the kernel tail, gaps between repeat= iterations;
 *  - at the end of the run, issue time is split at the op's mean clock into
 *    `compute` (what it would take at gpu.clock_mhz) and `clock` (the rest),
 *    and memory waits (BD_MEM, booked but never reported) into `dram` (the
 *    share of the op's device time the DRAM was busy), `l2` (of the rest, the
 *    share the L2 slices were busy) and `latency` (what is left: latency not
 *    hidden).
 * Approximated: the memory split uses the op's utilisations, not the state of
 * each request; CTAs of the op are pooled (not the one critical CTA); an
 * extrapolated repeat= iteration repeats the last simulated one's parts.
 * Cost: a few additions per k-tile and per CTA; nothing per cache line.
 */
#ifndef GPUSIM_BREAKDOWN_H
#define GPUSIM_BREAKDOWN_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    BD_LAUNCH,   /* host launch latency and gaps, kernel tail, gaps between iterations */
    BD_HOST,     /* host work of a cpu op */
    BD_TAIL,     /* CTA launch, wave quantisation, SM imbalance */
    BD_COMPUTE,  /* tensor / CUDA-core issue at gpu.clock_mhz */
    BD_CLOCK,    /* issue time lost because the clock ran below gpu.clock_mhz */
    BD_SMEM,     /* L1 / shared memory */
    BD_L2,       /* L2 bandwidth */
    BD_DRAM,     /* DRAM bandwidth */
    BD_LATENCY,  /* memory latency not hidden */
    BD_PCIE,     /* PCIe transfers */
    BD_SYNC,     /* barriers and synchronisation between k-tiles */
    BD_N,        /* reported labels */
    BD_MEM = BD_N, /* booked by kernels: a wait for memory, split into dram / l2 / latency by the runner */
    BD_RAW_N
} bd_label;

typedef struct bd_row {
    const char *name;      /* label; column bd_<name>_us; --json breakdown key */
    const char *doc;       /* meaning (README) */
} bd_row;

extern const bd_row bd_labels[BD_N];

/* The per-iteration split: D_ps the kernel's time, waits[] what its CTAs booked
 * (summed), slots the CTAs resident at once; adds D_ps split into parts_ps[]. */
void bd_split_iteration(const double waits[BD_RAW_N], uint64_t slots, uint64_t D_ps, double parts_ps[BD_RAW_N]);

/* The end-of-run split of an op's parts: issue time at mean_mhz vs nominal_mhz,
 * memory waits by the DRAM and L2 utilisations (0..1) over its device time. */
void bd_finish(double parts_ps[BD_RAW_N], double mean_mhz, double nominal_mhz, double u_dram, double u_l2);

/* The largest reported part, or -1 if all are 0. */
int bd_largest(const double parts[BD_RAW_N]);

#endif
