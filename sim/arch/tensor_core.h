/*
 * tensor_core.h: the tensor cores of one SM, one per sub-partition.
 *
 * Modeled: per-dtype dense MMA rate (datasheet FLOPs/clock/SM split evenly over
 * the sub-partitions) times a sustained fraction, and a pipeline latency. An MMA
 * of a k-tile issued by a warp runs on its sub-partition's tensor core.
 * Approximated: operand delivery from shared memory and register banks is folded
 * into the sustained fraction (config tensor.sustained_fraction).
 * Power: the rate follows the SM clock the power controller sets (power.h), and
 * each MMA's energy is booked to the op whose CTA holds the SM.
 */
#ifndef GPUSIM_TENSOR_CORE_H
#define GPUSIM_TENSOR_CORE_H

#include "arch/pipe.h"
#include "arch/power.h"
#include "config/config.h"
#include "engine/engine.h"
#include "trace/trace.h"

typedef struct tensor_core tensor_core;

/* pw: the chip's power state (shared by all SMs), may be NULL; smi: this SM. */
tensor_core *tensor_core_create(const gpu_config *cfg, power *pw, int smi);
void tensor_core_destroy(tensor_core *tc);
/* Dense FLOPs per SM clock for dtype; 0 when the SM has no tensor path for it. */
double tensor_core_rate(const gpu_config *cfg, dtype_id dt);
/* Runs `flops` of dtype on sub-partition sp at `fraction` of the datasheet rate (the kernel
 * family's sustained share: wgmma or mma.sync), operands ready at ready_ps; returns done time. */
uint64_t tensor_core_mma(tensor_core *tc, int sp, dtype_id dt, double flops, double fraction, uint64_t ready_ps);
double tensor_core_busy_ps(const tensor_core *tc);

#endif
