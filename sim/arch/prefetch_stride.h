/*
 * prefetch_stride.h: the stride prefetcher. A table of prefetch.table_entries
 * streams indexed by SM; when a trigger repeats the previous stride s of its
 * stream (twice in a row), it fetches L+distance*s .. L+(distance+degree-1)*s
 * (Chen & Baer's reference prediction table without the PC, which an L2 does
 * not see).
 */
#ifndef GPUSIM_PREFETCH_STRIDE_H
#define GPUSIM_PREFETCH_STRIDE_H

#include "arch/prefetch.h"

extern const prefetch_policy prefetch_stride_policy;

#endif
