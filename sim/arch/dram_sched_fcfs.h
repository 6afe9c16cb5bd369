/*
 * dram_sched_fcfs.h: first-come first-served: the oldest request goes next,
 * whatever its bank's open row. The baseline against which FR-FCFS's
 * reordering is measured.
 */
#ifndef GPUSIM_DRAM_SCHED_FCFS_H
#define GPUSIM_DRAM_SCHED_FCFS_H

#include "arch/dram_sched.h"

extern const dram_scheduler dram_sched_fcfs_policy;

#endif
