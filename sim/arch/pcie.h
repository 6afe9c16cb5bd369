/*
 * pcie.h: the PCIe link and the copy engines.
 *
 * Modeled: per-direction link bandwidth from generation, lanes, line coding and
 * payload efficiency (TLP/DLLP overhead); a shared limit for both directions
 * together (host memory / root complex); a fixed per-copy latency (driver call,
 * DMA setup, completion); copy engines as a pool (a copy holds one while it
 * runs); pageable copies staged through a pinned bounce buffer chunk by chunk,
 * host memcpy of one chunk overlapping the DMA of the previous one; a first
 * touch of a pageable destination's pages costs a page fault each (host side).
 * Transfers are reserved in chunks so that concurrent copies share the link.
 *
 * Zero-copy (a kernel reading or writing mapped pinned host memory, `src=host` /
 * `dst=host`): a read request (one CTA's slice, a GEMM's block, a chase's line)
 * crosses the link (h2d) at the zero-copy payload efficiency (one line per TLP)
 * and its data are back pcie.zc_latency_ns after they left. How many requests
 * are in flight is the kernel's: an element-wise CTA waits for its slice before
 * the next, so one CTA reads at most slice / round trip (~4 KB / 1.1 us). Host
 * memory serves a request in a time that varies: its link time is drawn from an
 * exponential distribution with the mean of its bytes (stratified draws from a
 * generator the link owns: repeatable, and a short kernel's total is near the mean). That variability is what keeps a few CTAs from saturating the
 * link (8 CTAs: 45 GB/s of 51; closed-system queueing at the knee, as mean-value
 * analysis predicts), while many CTAs do. Writes are posted: the SM is done with
 * a write once the link (d2h) took it; it lands half a round trip later; the
 * kernel completes when its last write has landed (system-scope fence), plus
 * pcie.zc_kernel_us for any kernel that touched host memory (measured, not
 * explained: zerocopy.csv's 1 MiB rows take ~4 us more than launch, link time
 * and round trip). Zero-copy traffic and copies share each direction of the
 * link through a bandwidth calendar (bwcal.h) in wire bytes, so a copy during a
 * zero-copy kernel slows both. Approximated: host-memory lines are not cached in
 * L2 (each read goes over the link; a GEMM re-reads its host operand per tile);
 * the requests' upstream TLPs and the shared both-directions limit are not
 * charged to zero-copy traffic.
 * Reference: ../shared/hw/h100/zerocopy.csv (analysis/validate, zerocopy.csv).
 */
#ifndef GPUSIM_PCIE_H
#define GPUSIM_PCIE_H

#include <stdint.h>

#include "arch/owner.h"
#include "engine/stats.h"
#include "config/config.h"

typedef struct pcie pcie;

#define PCIE_CHUNK_BYTES (1u << 20)
/* How far past the present a zero-copy access may be dated (ps): the link's calendar
 * holds about 1 ms; a caller that runs ahead (a chase's loop of hops) stops here. */
#define PCIE_AHEAD_PS 100000000ull

pcie *pcie_create(const gpu_config *cfg);
void pcie_destroy(pcie *p);
/* Per-op byte counts go to book b (owner.h; NULL: the link's own one-row book). */
void pcie_set_owners(pcie *p, owner_book *b);
/* DMA of `bytes` (<= one chunk) for op `op` (counted to it) in direction dir (0: h2d, 1: d2h)
 * ready at t; returns done. */
uint64_t pcie_dma(pcie *p, int op, int dir, uint64_t bytes, uint64_t t);
/* A pageable copy's host buffer, as its staging memcpy finds it. */
typedef enum {
    PCIE_HOST_TOUCHED,     /* its pages are mapped (written or read before): memcpy at the staging rate */
    PCIE_HOST_ZERO_PAGE,   /* h2d source never written: every page maps the kernel's zero page, so the
                              memcpy reads cached data at pcie.staging_zero_gbps */
    PCIE_HOST_FIRST_TOUCH  /* d2h destination never touched since it was mapped: the memcpy's first write
                              to each page faults, and the kernel allocates and zeroes it
                              (host.page_fault_us per PCIE_HOST_PAGE_BYTES page, on top of the memcpy) */
} pcie_host_pages;
/* x86-64 Linux base page: the unit a first touch faults in (no transparent huge pages). */
#define PCIE_HOST_PAGE_BYTES 4096u

/* Host memcpy of a staging chunk of a pageable copy of `total` bytes whose host buffer is in
 * state `pages`; returns done. */
uint64_t pcie_stage(pcie *p, int dir, uint64_t bytes, uint64_t total, pcie_host_pages pages, uint64_t t);
/* Fixed cost of a copy (pageable ones pay the staging setup too). */
uint64_t pcie_copy_latency_ps(const pcie *p, int pageable);
uint64_t pcie_latency_ps(const pcie *p);
/* Copy-engine pool: take one (returns index, or -1 when all busy) and give it back. */
int pcie_engine_take(pcie *p);
void pcie_engine_give(pcie *p, int idx);
uint64_t pcie_bytes(const pcie *p);

/* Zero-copy read request of `bytes` of host memory from t for op (its bytes are counted to it);
 * returns when its data are back. */
uint64_t pcie_zc_read(pcie *p, int op, uint64_t bytes, uint64_t t);
/* Zero-copy (posted) write of `bytes` from t; returns when the link took the
 * last byte (the SM is free to go on); *landed gets when it reaches host memory. */
uint64_t pcie_zc_write(pcie *p, int op, uint64_t bytes, uint64_t t, uint64_t *landed);
/* Extra time at the end of a kernel that accessed host memory (pcie.zc_kernel_us). */
uint64_t pcie_zc_kernel_ps(const pcie *p);
void pcie_report(const pcie *p, stats *s);

#endif
