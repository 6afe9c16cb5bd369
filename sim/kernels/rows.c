/* rows.c: rows appended to a temporary file and read back (see rows.h). */
#include "kernels/rows.h"

#include <stdio.h>
#include <stdlib.h>

#define ROWS_BATCH 1024 /* rows per write or read (248 KB): one call, one lock of the FILE, per batch */

struct row_spill {
    FILE *f;                  /* unlinked temporary file (tmpfile), unbuffered: the batch is its buffer */
    op_result *buf;           /* ROWS_BATCH rows: those not yet written, or those read */
    size_t nbuf;              /* rows in buf not yet written */
    size_t n;                 /* rows appended */
    int failed;               /* a write failed: the rows are incomplete */
    int read;                 /* the file was read since the last append: appends go to its end */
};

row_spill *row_spill_create(void)
{
    row_spill *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->f = tmpfile();
    s->buf = malloc(ROWS_BATCH * sizeof *s->buf);
    if (!s->f || !s->buf) { row_spill_destroy(s); return NULL; }
    setvbuf(s->f, NULL, _IONBF, 0);
    return s;
}

void row_spill_destroy(row_spill *s)
{
    if (!s) return;
    if (s->f) fclose(s->f);
    free(s->buf);
    free(s);
}

/* Writes the rows waiting in buf. */
static int spill_flush(row_spill *s)
{
    if (s->nbuf && fwrite(s->buf, sizeof *s->buf, s->nbuf, s->f) != s->nbuf) s->failed = 1;
    s->nbuf = 0;
    return s->failed ? -1 : 0;
}

static int spill_row(void *ctx, size_t i, const op_result *o)
{
    row_spill *s = ctx;
    if (s->failed || i != s->n || (s->read && fseek(s->f, 0, SEEK_END))) { s->failed = 1; return -1; }
    s->read = 0;
    s->buf[s->nbuf++] = *o;
    s->n++;
    return s->nbuf == ROWS_BATCH ? spill_flush(s) : 0;
}

run_sink row_spill_sink(row_spill *s)
{
    return (run_sink){ spill_row, s };
}

static int drop_row(void *ctx, size_t i, const op_result *o)
{
    (void)ctx;
    (void)i;
    (void)o;
    return 0;
}

run_sink row_drop_sink(void)
{
    return (run_sink){ drop_row, NULL };
}

/* Reads s's rows back from the start. */
static int spill_each(const run_result *res, row_spill *s, run_row_fn fn, void *ctx)
{
    if (s->failed || s->n != res->nops || spill_flush(s) || fseek(s->f, 0, SEEK_SET)) return -1;
    s->read = 1;
    for (size_t i = 0; i < s->n;) {
        size_t k = s->n - i < ROWS_BATCH ? s->n - i : ROWS_BATCH;
        if (fread(s->buf, sizeof *s->buf, k, s->f) != k) { s->failed = 1; return -1; }
        for (size_t j = 0; j < k; j++, i++) {
            op_result *o = &s->buf[j];
            o->temp_c = run_row_temp(res, o);
            int rc = fn(ctx, i, o);
            if (rc) return rc;
        }
    }
    return 0;
}

int run_rows_each(const run_result *res, run_row_fn fn, void *ctx)
{
    if (!res->ops) return res->spill ? spill_each(res, res->spill, fn, ctx) : -1;
    for (size_t i = 0; i < res->nops; i++) {
        op_result c;
        const op_result *o = &res->ops[i];
        if (o->temp_c != o->temp_c) { c = *o; c.temp_c = run_row_temp(res, o); o = &c; } /* kept rows are resolved */
        int rc = fn(ctx, i, o);
        if (rc) return rc;
    }
    return 0;
}
