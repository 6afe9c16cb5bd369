/* rows.c: rows appended to a temporary file and read back (see rows.h). */
#include "kernels/rows.h"

#include <stdio.h>
#include <stdlib.h>

#define ROWS_BUF (256u << 10) /* stdio buffer: a thousand rows per write or read */

struct row_spill {
    FILE *f;                  /* unlinked temporary file (tmpfile) */
    char *buf;                /* its stdio buffer */
    size_t n;                 /* rows appended */
    int failed;               /* a write failed: the rows are incomplete */
};

row_spill *row_spill_create(void)
{
    row_spill *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->f = tmpfile();
    s->buf = malloc(ROWS_BUF);
    if (!s->f || !s->buf) { row_spill_destroy(s); return NULL; }
    setvbuf(s->f, s->buf, _IOFBF, ROWS_BUF);
    return s;
}

void row_spill_destroy(row_spill *s)
{
    if (!s) return;
    if (s->f) fclose(s->f);
    free(s->buf);
    free(s);
}

static int spill_row(void *ctx, size_t i, const op_result *o)
{
    row_spill *s = ctx;
    if (s->failed || i != s->n || fwrite(o, sizeof *o, 1, s->f) != 1) { s->failed = 1; return -1; }
    s->n++;
    return 0;
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
    if (s->failed || s->n != res->nops || fflush(s->f) || fseek(s->f, 0, SEEK_SET)) return -1;
    op_result o;
    for (size_t i = 0; i < s->n; i++) {
        if (fread(&o, sizeof o, 1, s->f) != 1) { s->failed = 1; return -1; }
        o.temp_c = run_row_temp(res, &o);
        int rc = fn(ctx, i, &o);
        if (rc) return rc;
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
