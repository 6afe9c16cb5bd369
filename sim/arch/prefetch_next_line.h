/*
 * prefetch_next_line.h: the next-line prefetcher. On a trigger of line L it
 * fetches L+distance .. L+distance+degree-1 (prefetch.distance, prefetch.degree):
 * the simplest sequential prefetcher (Smith 1982), stateless.
 */
#ifndef GPUSIM_PREFETCH_NEXT_LINE_H
#define GPUSIM_PREFETCH_NEXT_LINE_H

#include "arch/prefetch.h"

extern const prefetch_policy prefetch_next_line_policy;

#endif
