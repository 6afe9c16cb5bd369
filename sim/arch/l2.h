/*
 * l2.h: the L2 cache: slices grouped into partitions, with real tags.
 *
 * Modeled: lines of l2.line_bytes with per-sector valid bits, set-associative
 * slices (hashed line -> slice and set), LRU or seeded random replacement,
 * write-back + write-allocate, per-slice bandwidth (a reservation per slice),
 * MSHR merging (a line being filled holds its fill time; later requests wait
 * for it instead of going to DRAM again), near/far partitions (a line's home
 * slice is in one partition; SMs in the other partition pay the far latency;
 * with l2.replicate_far a far hit leaves a copy in the requester's partition, as
 * H100/A100 do, which costs near capacity), and the prefetcher's requests.
 * Approximated: no coherence between replicas and writes (the workloads never
 * read a tensor while writing it); the tag lookup latency is part of the hit
 * latency; prefetches do not take slice bandwidth. Under set sampling
 * (sim.l2_set_sampling = N) only 1 in N sets is simulated and each weighted line
 * stands for N; prefetches stay in the simulated sets (see l2_shadow).
 */
#ifndef GPUSIM_L2_H
#define GPUSIM_L2_H

#include <stdint.h>

#include "arch/dram.h"
#include "arch/hash.h"
#include "arch/mem_req.h"
#include "arch/owner.h"
#include "arch/prefetch.h"
#include "engine/stats.h"
#include "arch/xbar.h"
#include "config/config.h"

typedef struct l2 l2;

typedef struct l2_counters {
    uint64_t accesses, hits, misses, merges, replica_hits, writebacks;
    uint64_t pf_issued, pf_useful, pf_late, pf_polluting;
} l2_counters;

l2 *l2_create(const gpu_config *cfg, dram *d, prefetcher *pf, xbar *x);
void l2_destroy(l2 *c);
/* Per-op counts go to book b (owner.h; NULL: the L2's own one-row book). The
 * book must outlive the L2's use. */
void l2_set_owners(l2 *c, owner_book *b);
/* One line-sized request from SM partition `part`, sent at t_issue, standing for
 * `weight` lines (set sampling: its bandwidth and counts are multiplied); its
 * accesses, hits and the DRAM traffic it causes (miss, write-back of the line it
 * evicts, prefetches it triggers) are counted to r->op. Returns
 * the time the data are back at the SM (reads) or the write is accepted. */
uint64_t l2_access(l2 *c, const mem_req *r, int part, uint64_t t_issue, uint32_t weight);
/* Set sampling with a prefetcher: bulk line `addr` of SM `sm` for op `op`, sent at t_issue,
 * was not simulated (it is not in a simulated set, or went as a MEM_PROBE). If
 * the SM's latest simulated bulk line triggered the prefetcher (a miss or the
 * first use of a prefetched line), this line is taken to trigger it too: the
 * policy sees it and its proposals that fall in simulated sets are fetched, each
 * standing for `weight` lines. Without sampling or a prefetcher it does nothing. */
void l2_shadow(l2 *c, uint64_t addr, int sm, int op, uint64_t t_issue, uint32_t weight);
/* Whether l2_shadow would do anything for SM sm now (its latest simulated bulk line
 * triggered the prefetcher): callers skip computing a line's issue time otherwise. */
int l2_shadow_armed(const l2 *c, int sm);
/* 1 when the line holding addr lies in a simulated set under set sampling. */
int l2_sampled(const l2 *c, uint64_t addr);

/* The same test, inline, for callers that ask it of every line of a request.
 * A line's set within its slice is the high half of its hash mapped onto
 * [0, sets) (Lemire's fastrange); simulated sets are the multiples of the
 * sampling factor, tested without a division (Lemire, Kaser and Kurz 2019). */
typedef struct l2_sampler {
    uint64_t m;           /* 2^64 / sample, rounded up */
    uint32_t sets;        /* sets per slice */
    uint32_t line_shift;  /* log2 of the line size */
} l2_sampler;
void l2_get_sampler(const l2 *c, l2_sampler *s);
static inline uint32_t l2_set_index(uint64_t h, uint32_t sets) { return (uint32_t)(((h >> 32) * sets) >> 32); }
static inline int l2_sampler_simulated_set(const l2_sampler *s, uint32_t set) { return (uint64_t)set * s->m <= s->m - 1; }
static inline int l2_sampler_test_line(const l2_sampler *s, uint64_t line)
{
    return l2_sampler_simulated_set(s, l2_set_index(hash64(line), s->sets));
}
static inline int l2_sampler_test(const l2_sampler *s, uint64_t addr) { return l2_sampler_test_line(s, addr >> s->line_shift); }
/* A hint, with no effect on the simulation: the request for line `addr` from SM
 * partition `part` at about t_issue will come soon; the host memory it will
 * touch (its set's tags and state, the replica set, the slice's calendar) is
 * prefetched into the host's caches. A lookup in a set of a multi-megabyte tag
 * store is otherwise a host cache miss, most of the cost of an access. */
void l2_prefetch(l2 *c, uint64_t addr, int part, uint64_t t_issue);
/* Writes back every dirty line (counted to op) and invalidates all; returns when the last write is done. */
uint64_t l2_flush(l2 *c, int op, uint64_t t);
void l2_get_counters(const l2 *c, l2_counters *out);
/* The invariants, for assert() in checking builds (GPUSIM_CHECK; after a flush and at the end
 * of a run): every access is a hit or a miss; the owner rows (owner.h) sum to the L2's accesses
 * and hits and to the DRAM's read and written bytes (the L2 is the DRAM's only client); in every
 * live set, a way's fingerprint is 0 exactly when its tag is, a line sits in the set its hash
 * names and at most once, its sectors are within the line, a dirty line's set is marked dirty;
 * every slice's calendar holds bwcal_check. Returns 1 when they hold. O(lines). */
int l2_check(const l2 *c);
void l2_report(const l2 *c, stats *s);

#endif
