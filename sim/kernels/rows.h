/*
 * rows.h: a run's rows kept out of the process's memory, and read back.
 *
 * A run can hand its rows to a run_sink as they become final (runner_run_sink)
 * instead of keeping them; what still needs them after the run (the database
 * writer, the summary and JSON printers, which go over them once or twice, in
 * order, after the run's totals are known) reads them back from a row_spill: an
 * unlinked temporary file the rows are appended to, byte for byte. The rows then
 * cost the process nothing per op; the file costs the disk 248 bytes per op
 * while the run's results are written, and disappears when it is closed.
 * Invariant: rows are read back in the order they were appended (trace order),
 * as the same bytes; a row's name pointer stays the appender's (the trace's
 * names, which must outlive the reading).
 */
#ifndef GPUSIM_ROWS_H
#define GPUSIM_ROWS_H

#include <stddef.h>

#include "kernels/runner.h"

typedef struct row_spill row_spill;

/* An empty spill. NULL when no temporary file can be made (or out of memory). */
row_spill *row_spill_create(void);
/* Closes and removes the file; NULL is a no-op. */
void row_spill_destroy(row_spill *s);
/* The sink that appends to s (a run's rows come in trace order). */
run_sink row_spill_sink(row_spill *s);

/* The sink that drops every row: for a caller that needs the run's totals only. */
run_sink row_drop_sink(void);

/* Calls fn(ctx, i, row) for each of res's rows in trace order (res->ops, else res->spill), the row's
 * temperature as reported (run_row_temp). Stops at fn's first non-zero return and returns it; -1 when
 * the rows cannot be read (they were not kept, or the spill could not be written or read back). */
typedef int (*run_row_fn)(void *ctx, size_t i, const op_result *o);
int run_rows_each(const run_result *res, run_row_fn fn, void *ctx);

#endif
