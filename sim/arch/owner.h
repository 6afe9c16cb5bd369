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
 * Cost: one indexed add per count; rows exist only for the ops in flight (owner_open, owner_retire).
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

/* The rows of the ops in flight only: a ring of the rows of ops [lo, lo + cap), op's at op & (cap - 1);
 * an op's row is opened (owner_open) before it makes traffic and retired once its figures were read
 * (owner_retire, in op order), its counts then folded into one `retired` row. So the book grows with
 * the spread of the ops in flight, not with the trace. */
typedef struct owner_book {
    owner_traffic *row;   /* cap rows (0 or a power of two): the ring */
    size_t cap;
    size_t lo;            /* ops below lo are retired */
    size_t nops;          /* ops of the run: others (and OWNER_NONE) are unowned */
    owner_traffic unowned, retired;
} owner_book;

/* An empty book (no ops: every count is unowned). Returns 0 (cannot fail). */
int owner_init(owner_book *b);
/* Makes the book one for ops 0..nops-1, none open, every count zero (the counts so far are dropped).
 * Returns 0 (cannot fail). */
int owner_resize(owner_book *b, size_t nops);
void owner_fini(owner_book *b);
/* Makes room for op's row (zero until it counts), growing the ring: rows handed out before move. Ops
 * out of range, retired or already open: nothing to do. Returns 0, or -1 out of memory (unchanged). */
int owner_open(owner_book *b, int op);
/* Retires the rows of ops below end (their counts go to the retired row). */
void owner_retire(owner_book *b, size_t end);

/* owner_row's rare path: op beyond the ring, opened now (the unowned row when out of memory). */
owner_traffic *owner_row_open(owner_book *b, int op);

/* The row of op: OWNER_NONE or out of range: the unowned row; retired: the retired row; not open yet:
 * opened (the runner opens each op before it runs, so rows never move under a caller). One compare
 * more than an array's. */
static inline owner_traffic *owner_row(owner_book *b, int op)
{
    if (op < 0 || (size_t)op >= b->nops) return &b->unowned;
    if ((size_t)op < b->lo) return &b->retired;
    return (size_t)op - b->lo < b->cap ? &b->row[(size_t)op & (b->cap - 1)] : owner_row_open(b, op);
}

/* A copy of op's row (OWNER_NONE or out of range: the unowned row); a retired op's figures are gone,
 * and an op never opened has none: zeros. */
static inline void owner_get(const owner_book *b, int op, owner_traffic *out)
{
    static const owner_traffic zero;
    if (op < 0 || (size_t)op >= b->nops) *out = b->unowned;
    else if ((size_t)op >= b->lo && (size_t)op - b->lo < b->cap) *out = b->row[(size_t)op & (b->cap - 1)];
    else *out = zero;
}

/* The sum of every row (the component totals, by the invariant above). */
void owner_sum(const owner_book *b, owner_traffic *out);

#endif
