/*
 * owner.h: memory traffic booked to the op that caused it.
 *
 * Every memory request carries its op (mem_req.op); the L2 counts its accesses
 * and hits, and the DRAM bytes it reads and writes on the request's behalf, to
 * that op's row, and the PCIe link counts each DMA to the copy's op. So per-op
 * figures are counts by owner, not differences of global counters, and ops that
 * overlap on streams are never charged each other's traffic.
 * Who owns what: a demand access and its miss, the dirty line it evicts (its
 * write-back) and the prefetches it triggers belong to the requesting op; a
 * flush's write-backs to the flush. Counts carry the set-sampling weight exactly
 * as the components' global counters do.
 * Invariant: for every counter, the rows (the ops' and the `unowned` row, where
 * requests with no op go) sum to the component's global counter.
 * Cost: one indexed add per count; rows are allocated once per run (owner_resize).
 */
#ifndef GPUSIM_OWNER_H
#define GPUSIM_OWNER_H

#include <stddef.h>
#include <stdint.h>

/* An op's traffic (bytes; L2 counts in lines, weighted under set sampling). */
typedef struct owner_traffic {
    uint64_t dram_read_bytes, dram_write_bytes;
    uint64_t l2_accesses, l2_hits;
    uint64_t pcie_bytes;
} owner_traffic;

/* No op: traffic made before any op began, or by a caller that names none. */
#define OWNER_NONE (-1)

typedef struct owner_book {
    owner_traffic *row;   /* nops + 1 rows; row[nops] is the unowned row */
    size_t nops;
} owner_book;

/* An empty book (one unowned row). Returns 0, or -1 out of memory. */
int owner_init(owner_book *b);
/* Makes rows for ops 0..nops-1, all zero (the counts so far are dropped). 0, or -1 (unchanged). */
int owner_resize(owner_book *b, size_t nops);
void owner_fini(owner_book *b);

/* The row of op (OWNER_NONE or out of range: the unowned row). */
static inline owner_traffic *owner_row(owner_book *b, int op)
{
    return &b->row[op >= 0 && (size_t)op < b->nops ? (size_t)op : b->nops];
}

/* A copy of op's row (as owner_row). */
static inline void owner_get(const owner_book *b, int op, owner_traffic *out)
{
    *out = b->row[op >= 0 && (size_t)op < b->nops ? (size_t)op : b->nops];
}

/* The sum of every row (the component totals, by the invariant above). */
void owner_sum(const owner_book *b, owner_traffic *out);

#endif
