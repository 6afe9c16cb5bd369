/*
 * l2_repl.h: L2 replacement policies, chosen by name (l2.replacement) from the
 * registry in l2_repl.c.
 *
 * The L2 keeps one 32-bit word of replacement metadata per way (`meta`: an LRU
 * stamp, an RRPV, ...), stored with the set's tags; a policy reads and writes
 * only the words of the set it is handed, plus its own state. The L2 itself
 * fills free ways first; a policy picks a victim only in a full set.
 *
 * Adding a policy = one file pair (l2_repl_<name>.c/.h defining an
 * l2_repl_policy with its own state) + one row in the table in l2_repl.c. The
 * choice list of l2.replacement (sim/config/params.c) comes from that table.
 */
#ifndef GPUSIM_L2_REPL_H
#define GPUSIM_L2_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

/* Where a newly filled line goes in its set's order. */
enum {
    L2_INS_NORMAL = 0,      /* a demand or prefetch fill: as a recently used line */
    L2_INS_EVICT_FIRST = 1, /* an evict-first hint (MEM_STREAM) or a far line's replica: the
                             * set's next victim unless it is used again (LIP-style) */
};

/* What the L2 offers a policy: a way to age every set at once (LRU stamps
 * renormalised before they wrap), given to create. */
typedef struct l2_repl_env {
    void *l2;
    void (*halve_all_meta)(void *l2); /* meta >>= 1 in every way of every set */
} l2_repl_env;

/* One registry row. */
typedef struct l2_repl_policy {
    const char *name;  /* the value of l2.replacement */
    /* The policy's state from the config (l2.seed, ...); NULL on out of memory. */
    void *(*create)(const gpu_config *cfg, const l2_repl_env *env);
    void (*destroy)(void *state);  /* accepts NULL */
    /* A demand use of the line in `way` (a hit, a write, a sector fill of a present line). */
    void (*hit)(void *state, uint32_t *meta, uint32_t way);
    /* A line was placed in `way`; victim_meta is the meta of the line it replaced
     * (0 if the way was free); hint is L2_INS_*. */
    void (*insert)(void *state, uint32_t *meta, uint32_t way, uint32_t victim_meta, int hint);
    /* The way to evict from a full set of `ways` ways. */
    uint32_t (*victim)(void *state, uint32_t *meta, uint32_t ways);
} l2_repl_policy;

/* Row i of the registry (the index l2.replacement stores), NULL past the end. */
const l2_repl_policy *l2_repl_policy_at(size_t i);
/* Its name, NULL past the end: the choice list of l2.replacement. */
const char *l2_repl_policy_name(size_t i);
/* Registry index of a name, or -1. */
int l2_repl_policy_index(const char *name);

#endif
