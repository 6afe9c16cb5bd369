/*
 * dram_rowpol_open.h: open-page policy. A bank keeps the row of its last access
 * open until an access to another row needs the bank (then precharge +
 * activate). The policy of the reservation model before the registry existed,
 * and the default.
 */
#ifndef GPUSIM_DRAM_ROWPOL_OPEN_H
#define GPUSIM_DRAM_ROWPOL_OPEN_H

#include "arch/dram_rowpol.h"

extern const dram_row_policy dram_rowpol_open_policy;

#endif
