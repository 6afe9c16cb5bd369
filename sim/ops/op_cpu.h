/* op_cpu.h: the `cpu` op kind: work on the host thread (host/host.h), overlapping the GPU's streams. */
#ifndef GPUSIM_OP_CPU_H
#define GPUSIM_OP_CPU_H

#include "ops/optable.h"

typedef struct cpu_params {
    double us;               /* host time the op occupies, microseconds */
} cpu_params;

#define CPU_MAX_US 1e9       /* 1000 s: longer is a typo, not a workload */

extern const op_type op_cpu;

#endif
