/*
 * l2_repl_lru.h: least recently used. meta = a stamp from a clock shared by the
 * whole L2 (a use sets it to the next tick); the victim is the smallest stamp
 * (the first such way). An evict-first fill takes the victim's stamp: it sits at
 * the LRU position and displaces the working set only if used again (LIP,
 * Qureshi et al. 2007). Before the clock wraps every stamp is halved, which
 * keeps the order within each set approximately.
 */
#ifndef GPUSIM_L2_REPL_LRU_H
#define GPUSIM_L2_REPL_LRU_H

#include "arch/l2_repl.h"

extern const l2_repl_policy l2_repl_lru_policy;

#endif
