/*
 * prefetch_stream.h: the stream prefetcher (the L2 "streamer" of CPUs, e.g.
 * IBM POWER4's and Intel's L2 streamer, after Jouppi's stream buffers).
 *
 * Modeled: prefetch.table_entries stream trackers, each following one region of
 * prefetch.stream_region_kib (a page-sized window of addresses, shared by every
 * SM that touches it). A trigger in a region without a tracker takes the least
 * recently used one. Each later trigger in the region moves the stream in the
 * direction of its step (ascending or descending), whatever the step size, so
 * accesses interleaved from several SMs or with irregular gaps still form one
 * stream; a change of direction starts over. Once a tracker has seen
 * STREAM_TRAIN steps in one direction, every trigger at line L fetches
 * L + dir*distance .. L + dir*(distance+degree-1) (prefetch.distance,
 * prefetch.degree), which may run past the region.
 * Versus stride: stride needs the same step twice from one SM; stream needs
 * only a direction within a region, from any SM.
 */
#ifndef GPUSIM_PREFETCH_STREAM_H
#define GPUSIM_PREFETCH_STREAM_H

#include "arch/prefetch.h"

/* Steps in one direction before a tracker prefetches (a named constant: two, as
 * in the POWER4 streamer's confirmation; not a hardware size). */
#define STREAM_TRAIN 2

extern const prefetch_policy prefetch_stream_policy;

#endif
