/*
 * cuda_core.h: the CUDA cores (SIMT FMA datapaths) of one SM, per sub-partition.
 *
 * Modeled: FP32 and packed-FP16 FLOP rates per clock, split over sub-partitions,
 * and a dependent-issue latency. Used for fp32 GEMMs (no tensor cores) and for
 * the arithmetic of element-wise kernels. The rate follows the SM clock the
 * power controller sets, and each FLOP's energy is booked to the SM's op (power.h).
 */
#ifndef GPUSIM_CUDA_CORE_H
#define GPUSIM_CUDA_CORE_H

#include "arch/pipe.h"
#include "arch/power.h"
#include "config/config.h"
#include "trace/trace.h"

typedef struct cuda_core cuda_core;

/* pw: the chip's power state, may be NULL; smi: this SM. */
cuda_core *cuda_core_create(const gpu_config *cfg, power *pw, int smi);
void cuda_core_destroy(cuda_core *cc);
/* Runs `flops` of dtype on sub-partition sp at `fraction` of peak; returns done time. */
uint64_t cuda_core_exec(cuda_core *cc, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps);
double cuda_core_busy_ps(const cuda_core *cc);

#endif
