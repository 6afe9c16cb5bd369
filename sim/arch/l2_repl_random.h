/*
 * l2_repl_random.h: random replacement from a xorshift64 generator seeded by
 * l2.seed (deterministic). Uses no per-way metadata.
 */
#ifndef GPUSIM_L2_REPL_RANDOM_H
#define GPUSIM_L2_REPL_RANDOM_H

#include "arch/l2_repl.h"

extern const l2_repl_policy l2_repl_random_policy;

#endif
