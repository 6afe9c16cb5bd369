/*
 * dram_sched_frfcfs.h: first-ready first-come first-served (Rixner et al.,
 * ISCA 2000): the oldest request whose row is open in its bank (a row hit)
 * goes first; with no row hit queued, the oldest request. Row hits need no
 * precharge or activate, so a stream that alternates rows in a bank is
 * served row by row instead of paying a row conflict per access.
 * Approximated: no starvation cap (a steady flow of hits to one row could delay
 * an old conflicting request indefinitely; the L2's bounded miss traffic does
 * not produce such flows in gpusim's workloads).
 */
#ifndef GPUSIM_DRAM_SCHED_FRFCFS_H
#define GPUSIM_DRAM_SCHED_FRFCFS_H

#include "arch/dram_sched.h"

extern const dram_scheduler dram_sched_frfcfs_policy;

#endif
