/*
 * l2_repl_srrip.h: static re-reference interval prediction (SRRIP-HP, Jaleel et
 * al., ISCA 2010) with 2-bit RRPVs. meta = the line's RRPV, 0 (re-use expected
 * soon) .. 3 (distant). A use sets it to 0 (hit priority); a fill gets 2 (long),
 * an evict-first fill 3 (distant). The victim is the first way with RRPV 3;
 * if there is none every RRPV in the set ages by one and the search repeats.
 * Lines used once (a scan) thus leave before a re-used working set, where LRU
 * lets a scan longer than the associativity flush it.
 */
#ifndef GPUSIM_L2_REPL_SRRIP_H
#define GPUSIM_L2_REPL_SRRIP_H

#include "arch/l2_repl.h"

#define SRRIP_BITS 2                        /* RRPV width (the paper's 2-bit SRRIP) */
#define SRRIP_DISTANT ((1u << SRRIP_BITS) - 1)
#define SRRIP_LONG (SRRIP_DISTANT - 1)

extern const l2_repl_policy l2_repl_srrip_policy;

#endif
