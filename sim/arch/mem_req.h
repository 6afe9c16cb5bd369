/*
 * mem_req.h: the request that travels SM -> crossbar -> L2 slice -> DRAM channel.
 *
 * Timing is by reservation: each component keeps, per port, bank or slice, the
 * time it is next free; a request arriving at t is served at max(t, free) and
 * pushes `free` on by its service time. A component returns the time the data
 * are back at the SM (reads) or accepted (writes). This folds per-hop events
 * into arithmetic while keeping queueing and contention; requests are issued from
 * events in time order, so reservations are made in (nearly) arrival order.
 */
#ifndef GPUSIM_MEM_REQ_H
#define GPUSIM_MEM_REQ_H

#include <stdint.h>

enum {
    MEM_WRITE = 1,   /* store (write-allocate in L2, posted) */
    MEM_L1 = 2,      /* cached in the SM's L1 (ld.ca); otherwise L1 is bypassed (TMA, cp.async.cg) */
    MEM_MSHR = 4,    /* bounded by the SM's outstanding-miss registers */
    MEM_STREAM = 8,  /* read-once data with an evict-first L2 hint: a miss inserts the line as its set's next
                      * victim and a hit does not promote it (TMA / ld cache hints on streamed operands) */
    MEM_PROBE = 16,  /* set sampling: the one unweighted line of a request with no simulated line, sent for its
                      * latency only; it does not trigger the prefetcher (l2_shadow speaks for it) */
    MEM_DMA = 32,    /* moved by a copy engine, not by load/store instructions: its bytes cost power.ce_pj_per_byte
                      * instead of power.lsu_pj_per_byte (a device-to-device copy) */
    MEM_EXACT = 64,  /* simulated line by line whatever sim.l2_set_sampling, as MEM_L1 loads are: a small block
                      * read over and over (stream's region mode), where a sampled line would stand for lines the
                      * block does not have and pile their traffic on one group of slices */
};

typedef struct mem_req {
    uint64_t addr;   /* byte address in device memory */
    uint32_t bytes;  /* within one line */
    int32_t sm;      /* issuing SM */
    uint32_t flags;  /* MEM_* */
    int32_t op;      /* the op it belongs to: its traffic is counted to it (owner.h; OWNER_NONE: none) */
} mem_req;

#endif
