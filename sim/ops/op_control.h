/* op_control.h: the op kinds that steer the run rather than compute: `sync`, `flush`, `mode`. */
#ifndef GPUSIM_OP_CONTROL_H
#define GPUSIM_OP_CONTROL_H

#include "ops/optable.h"

typedef enum { LAUNCH_GRAPH, LAUNCH_EAGER } launch_mode;

typedef struct mode_params {
    launch_mode mode;        /* how the host launches the ops that follow */
} mode_params;

extern const op_type op_sync, op_flush, op_mode;

#endif
