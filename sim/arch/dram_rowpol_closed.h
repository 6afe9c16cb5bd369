/*
 * dram_rowpol_closed.h: closed-page policy (auto-precharge after every access,
 * DRAMsim3's CLOSE_PAGE). Strict: the row closes even when the queue holds
 * another request for it, so two accesses to one row both pay the activate.
 */
#ifndef GPUSIM_DRAM_ROWPOL_CLOSED_H
#define GPUSIM_DRAM_ROWPOL_CLOSED_H

#include "arch/dram_rowpol.h"

extern const dram_row_policy dram_rowpol_closed_policy;

#endif
