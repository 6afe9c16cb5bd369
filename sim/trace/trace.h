/*
 * trace.h: the workload trace, text -> array of ops (DESIGN.md section 2).
 *
 * One op per line: `kind key=value ...`; `#` starts a comment. Every error is
 * "FILE:LINE: message" and the reader returns GPUSIM_EINPUT; unknown keys are errors.
 * The kinds, their keys, ranges, defaults and checks all come from the op
 * table (ops/optable.h); this reader knows none of them by name.
 */
#ifndef GPUSIM_TRACE_H
#define GPUSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/dtype.h"

#define TRACE_MAX_REPEAT 1000000000 /* repeat= at most (the count stays exact in a double) */


#define TRACE_NAME_MAX 64 /* an op's name= is 1 to TRACE_NAME_MAX - 1 bytes */

/* One op: what every kind has; the rest is the kind's own params struct (its
 * row in the op table, ops/optable.h, says which). 24 bytes, plus the name's
 * bytes, plus the params where no earlier op of its kind had the same. */
typedef struct trace_op {
    void *params;        /* the kind's params struct, in the trace's arena, shared by the ops of its kind
                            with the same params (read-only); NULL for kinds without keys */
    uint32_t name_off;   /* its name: trace_op_name(), at this offset in the trace's name pool */
    int32_t line;        /* source line, for messages */
    uint32_t repeat;     /* runs this many times back to back on its stream (repeat=, default 1) */
    uint8_t kind;        /* its row in the op table: op_type_of(op) */
    uint8_t stream;      /* ops of one stream run in order (0..63) */
} trace_op;

typedef struct trace {
    trace_op *ops;
    size_t n;
    void *arena;         /* every op's params, 8-byte aligned, in trace order */
    char *names;         /* every op's name, NUL-terminated, in trace order */
    size_t names_len;    /* bytes in names */
    char path[512];
} trace;

/* The op's name (NUL-terminated, in t's name pool). */
static inline const char *trace_op_name(const trace *t, const trace_op *op) { return t->names + op->name_off; }

/* Reads path. Returns 0, or GPUSIM_EINPUT with err = "FILE:LINE: ..." for bad input,
 * or GPUSIM_EFAIL when out of memory (engine/errors.h). *out is untouched on error. */
int trace_load(trace **out, const char *path, char *err, size_t errlen);
#define TRACE_MAX_BYTES (64 << 20) /* the largest trace read (64 MiB) */
/* Reads a whole trace file or pipe (read once: a pipe cannot be read again) into
 * *out (malloc'd, not terminated), refusing devices, directories and sockets and
 * anything over TRACE_MAX_BYTES. Returns 0, GPUSIM_EINPUT (bad input) or GPUSIM_EFAIL with err. */
int trace_read(const char *path, char **out, size_t *len, char *err, size_t errlen);
/* trace_load, but reading and parsing a chunk at a time: the text is never held whole (the peak is
 * the parsed trace, not it as well). on_bytes (may be NULL) is given every byte read, in order, while
 * the parse goes well (to hash them, or keep them); non-zero from it is out of memory. The same
 * errors as trace_read's, which come first, then trace_parse's. */
int trace_load_stream(trace **out, const char *path, int (*on_bytes)(void *ctx, const char *p, size_t n), void *ctx,
                      char *err, size_t errlen);
/* Parses text as if read from `name` (for tests and fuzzing). */
int trace_parse(trace **out, const char *name, const char *text, size_t len, char *err, size_t errlen);
void trace_destroy(trace *t);

/* The trace reference (Markdown, docs/trace.md): the format and every op kind's keys. */
void trace_write_reference(FILE *f);

#endif
