/*
 * pcie.h: the PCIe link and the copy engines.
 *
 * Modeled: per-direction link bandwidth from generation, lanes, line coding and
 * payload efficiency (TLP/DLLP overhead); a shared limit for both directions
 * together (host memory / root complex); a fixed per-copy latency (driver call,
 * DMA setup, completion); copy engines as a pool (a copy holds one while it
 * runs); pageable copies staged through a pinned bounce buffer chunk by chunk,
 * host memcpy of one chunk overlapping the DMA of the previous one.
 * Transfers are reserved in chunks so that concurrent copies share the link.
 */
#ifndef GPUSIM_PCIE_H
#define GPUSIM_PCIE_H

#include <stdint.h>

#include "arch/owner.h"
#include "engine/stats.h"
#include "config/config.h"

typedef struct pcie pcie;

#define PCIE_CHUNK_BYTES (1u << 20)

pcie *pcie_create(const gpu_config *cfg);
void pcie_destroy(pcie *p);
/* Per-op byte counts go to book b (owner.h; NULL: the link's own one-row book). */
void pcie_set_owners(pcie *p, owner_book *b);
/* DMA of `bytes` (<= one chunk) for op `op` (counted to it) in direction dir (0: h2d, 1: d2h)
 * ready at t; returns done. */
uint64_t pcie_dma(pcie *p, int op, int dir, uint64_t bytes, uint64_t t);
/* Host memcpy of a staging chunk of a pageable copy of `total` bytes; returns done.
 * zero_page (h2d): the source was never written, so every page maps the kernel's
 * zero page and the memcpy reads cached data at pcie.staging_zero_gbps. */
uint64_t pcie_stage(pcie *p, int dir, uint64_t bytes, uint64_t total, int zero_page, uint64_t t);
/* Fixed cost of a copy (pageable ones pay the staging setup too). */
uint64_t pcie_copy_latency_ps(const pcie *p, int pageable);
uint64_t pcie_latency_ps(const pcie *p);
/* Copy-engine pool: take one (returns index, or -1 when all busy) and give it back. */
int pcie_engine_take(pcie *p);
void pcie_engine_give(pcie *p, int idx);
uint64_t pcie_bytes(const pcie *p);
void pcie_report(const pcie *p, stats *s);

#endif
