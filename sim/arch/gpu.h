/*
 * gpu.h: the top of the machine model: SMs, crossbar, L2, prefetcher, DRAM,
 * PCIe and the CTA scheduler, built from one gpu_config, all driven by one
 * engine. Kernels (sim/kernels) talk to it through the functions below only.
 */
#ifndef GPUSIM_GPU_H
#define GPUSIM_GPU_H

#include <stdint.h>

#include "arch/cta_sched.h"
#include "arch/mem_req.h"
#include "arch/owner.h"
#include "arch/pcie.h"
#include "arch/power.h"
#include "arch/sm.h"
#include "engine/stats.h"
#include "config/config.h"
#include "engine/engine.h"

typedef struct gpu gpu;

/* Traffic counters: the whole GPU's, or one op's (owner.h). */
typedef owner_traffic gpu_counters;

gpu *gpu_create(const gpu_config *cfg, engine *e);
void gpu_destroy(gpu *g);
const gpu_config *gpu_cfg(const gpu *g);
engine *gpu_engine(gpu *g);
sm *gpu_sm(gpu *g, int i);
int gpu_sm_count(const gpu *g);
cta_sched *gpu_sched(gpu *g);
pcie *gpu_pcie(gpu *g);
/* The board power model: energy books and the SM clock controller. */
power *gpu_power(gpu *g);

/* The run's ops are 0..nops-1 (the trace's op indices, as the power model's):
 * their traffic rows are kept while they are in flight only (gpu_op_open,
 * gpu_op_retire). Returns 0, or -1 out of memory (unchanged). */
int gpu_set_ops(gpu *g, size_t nops);
/* Makes room for op's traffic row and power books before it runs. Returns 0,
 * or -1 out of memory. */
int gpu_op_open(gpu *g, int op);
/* Ops below end are done with: their rows were read (gpu_get_op_counters, the
 * power model's results); their traffic rows and power books are dropped
 * (what is counted to them later counts toward the run's totals only). */
void gpu_op_retire(gpu *g, size_t end);
/* Moves `rows` segments of `row_bytes`, `stride` apart from base, between SM
 * `smi` and memory from time t (MEM_* flags), for op `op`: the L2 and DRAM
 * traffic it causes is counted to op (owner.h). Returns when the last line is back
 * (reads) or accepted (writes). Their energy (SM<->L2 bytes, and the DRAM bytes
 * they cause) is booked to op as well (power.h). */
uint64_t gpu_mem_rows(gpu *g, int op, int smi, uint64_t base, uint64_t rows, uint64_t row_bytes,
                      uint64_t stride, uint32_t flags, uint64_t t);
/* Writes back and invalidates every cache for op `op` (its traffic and the
 * write-backs' energy are op's); returns when done. */
uint64_t gpu_flush(gpu *g, int op, uint64_t t);
/* The whole GPU's traffic so far. */
void gpu_get_counters(const gpu *g, gpu_counters *c);
/* Op op's traffic so far (OWNER_NONE: traffic no op owns). */
void gpu_get_op_counters(const gpu *g, int op, gpu_counters *c);
/* The invariants of the L2 (l2_check, its calendars included), the CTA scheduler
 * (cta_sched_check) and the per-op books (owner.h: the rows sum to the L2's, the DRAM's and
 * the PCIe link's counters), for assert() in checking builds. Returns 1 when they hold. */
int gpu_check(const gpu *g);
/* Appends every component's statistics; elapsed_ps is the run's simulated time. */
void gpu_report(const gpu *g, stats *s, uint64_t elapsed_ps);

#endif
