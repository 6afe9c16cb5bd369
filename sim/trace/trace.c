/*
 * trace.c: line-oriented trace parser.
 *
 * Accepts CRLF, tabs, a UTF-8 byte-order mark and trailing comments. Each op kind
 * has a table of the keys it takes; numbers are range-checked and products that
 * size memory (m*n*k, bytes) are checked for overflow.
 */
#include "trace.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[OP_KINDS] = { "gemm", "eltwise", "copy", "sync", "flush", "mode", "chase", "stream" };
static const char *const dtype_names[DT_COUNT] = { "fp16", "bf16", "tf32", "fp32", "fp8" };
static const int dtype_size[DT_COUNT] = { 2, 2, 4, 4, 1 };

const char *op_kind_name(op_kind k) { return k < OP_KINDS ? kind_names[k] : "?"; }
const char *dtype_name(dtype_id d) { return d < DT_COUNT ? dtype_names[d] : "?"; }
int dtype_bytes(dtype_id d) { return dtype_size[d]; }

double op_flops(const trace_op *op)
{
    if (op->kind == OP_GEMM) return 2.0 * (double)op->m * (double)op->n * (double)op->k;
    if (op->kind == OP_ELTWISE) return (double)op->elems * op->flops_per_elem;
    return 0;
}

typedef struct parser {
    const char *file;
    int line;
    char *err;
    size_t errlen;
} parser;

static int perr(parser *P, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(P->err, P->errlen, "%s:%d: %s", P->file, P->line, msg);
    return -2;
}

static int get_int(parser *P, const char *key, const char *v, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return perr(P, "%s: expected an integer in [%lld, %lld], got '%s'", key, (long long)lo, (long long)hi, v);
    *out = x;
    return 0;
}

/* Keys each kind accepts (besides name and stream). */
static const char *const kind_keys[OP_KINDS] = {
    "m n k dtype layout tile stages warps group_m split_k",
    "elems dtype in out flops",
    "dir bytes pinned",
    "",
    "",
    "",
    "footprint hops warmup",
    "bytes sms",
};

static int key_allowed(op_kind k, const char *key)
{
    if (!strcmp(key, "name") || !strcmp(key, "stream")) return 1;
    size_t kl = strlen(key);
    const char *s = kind_keys[k];
    while (*s) {
        const char *sp = strchr(s, ' ');
        size_t l = sp ? (size_t)(sp - s) : strlen(s);
        if (l == kl && !strncmp(s, key, l)) return 1;
        s += l + (sp ? 1 : 0);
    }
    return 0;
}

#define MAX_DIM (1LL << 31)
#define MAX_BYTES (1LL << 50)

static int parse_kv(parser *P, trace_op *op, const char *key, const char *v, int *seen_mode)
{
    if (!key_allowed(op->kind, key))
        return perr(P, "%s: unknown key for %s (takes: name stream %s)", key, kind_names[op->kind], kind_keys[op->kind]);
    if (!strcmp(key, "name")) {
        if (strlen(v) >= sizeof op->name || !v[0]) return perr(P, "name: expected 1 to %zu characters", sizeof op->name - 1);
        snprintf(op->name, sizeof op->name, "%s", v);
        return 0;
    }
    if (!strcmp(key, "stream")) return get_int(P, key, v, 0, 63, &op->stream);
    if (!strcmp(key, "dtype")) {
        for (int d = 0; d < DT_COUNT; d++)
            if (!strcmp(v, dtype_names[d])) { op->dtype = (dtype_id)d; return 0; }
        return perr(P, "dtype: expected fp16, bf16, tf32, fp32 or fp8, got '%s'", v);
    }
    if (!strcmp(key, "tile")) {
        long long a, b, c;
        char tail;
        if (sscanf(v, "%lldx%lldx%lld%c", &a, &b, &c, &tail) != 3 || a < 1 || b < 1 || c < 1 || a > 1024 || b > 1024 || c > 1024)
            return perr(P, "tile: expected MxNxK with each in [1, 1024], got '%s'", v);
        op->tile_m = a; op->tile_n = b; op->tile_k = c;
        return 0;
    }
    if (!strcmp(key, "layout")) {
        if (strlen(v) != 2 || (v[0] != 'n' && v[0] != 't') || (v[1] != 'n' && v[1] != 't'))
            return perr(P, "layout: expected nn, nt, tn or tt (A then B; t = stored transposed), got '%s'", v);
        op->trans_a = v[0] == 't';
        op->trans_b = v[1] == 't';
        return 0;
    }
    if (!strcmp(key, "dir")) {
        if (!strcmp(v, "h2d")) op->dir = DIR_H2D;
        else if (!strcmp(v, "d2h")) op->dir = DIR_D2H;
        else if (!strcmp(v, "d2d")) op->dir = DIR_D2D;
        else return perr(P, "dir: expected h2d, d2h or d2d, got '%s'", v);
        return 0;
    }
    if (!strcmp(key, "flops")) {
        char *end;
        errno = 0;
        double x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x) || x < 0 || x > 1e6)
            return perr(P, "flops: expected a number in [0, 1e6] per element, got '%s'", v);
        op->flops_per_elem = x;
        return 0;
    }
    (void)seen_mode;
    struct { const char *k; int64_t *dst; int64_t lo, hi; } ints[] = {
        { "m", &op->m, 1, MAX_DIM }, { "n", &op->n, 1, MAX_DIM }, { "k", &op->k, 1, MAX_DIM },
        { "stages", &op->stages, 1, 16 }, { "warps", &op->warps, 1, 32 }, { "group_m", &op->group_m, 1, 1024 },
        { "split_k", &op->split_k, 1, 256 },
        { "elems", &op->elems, 1, MAX_BYTES }, { "in", &op->in, 0, 16 }, { "out", &op->out, 0, 16 },
        { "bytes", &op->bytes, 1, MAX_BYTES }, { "pinned", &op->pinned, 0, 1 },
        { "footprint", &op->footprint, 128, MAX_BYTES }, { "hops", &op->hops, 1, 100000000 },
        { "warmup", &op->warmup, 0, 100000000 }, { "sms", &op->sms, 1, 4096 },
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (!strcmp(key, ints[i].k)) return get_int(P, key, v, ints[i].lo, ints[i].hi, ints[i].dst);
    return perr(P, "%s: unknown key", key);
}

static int check_op(parser *P, trace_op *op, unsigned seen)
{
#define NEED(bit, key) if (!(seen & (1u << (bit)))) return perr(P, "%s: required by %s", key, kind_names[op->kind])
    switch (op->kind) {
    case OP_GEMM:
        NEED(0, "m"); NEED(1, "n"); NEED(2, "k");
        if ((double)op->m * (double)op->n * (double)op->k > 9.0e18)
            return perr(P, "m*n*k = %.3g overflows (at most 9e18)", (double)op->m * (double)op->n * (double)op->k);
        if (op->tile_m && op->tile_m * op->tile_n > 65536)
            return perr(P, "tile: %lldx%lld outputs per CTA is more than 65536", (long long)op->tile_m, (long long)op->tile_n);
        break;
    case OP_ELTWISE: NEED(3, "elems"); break;
    case OP_COPY: NEED(4, "bytes"); NEED(5, "dir"); break;
    case OP_CHASE: NEED(6, "footprint"); NEED(7, "hops"); break;
    case OP_STREAM: NEED(4, "bytes"); NEED(8, "sms"); break;
    default: break;
    }
#undef NEED
    return 0;
}

static unsigned seen_bit(const char *key)
{
    static const char *const bits[] = { "m", "n", "k", "elems", "bytes", "dir", "footprint", "hops", "sms",
                                        "dtype", "layout", "tile", "stages", "warps", "group_m", "split_k", "in", "out",
                                        "flops", "pinned", "warmup", "name", "stream" };
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) if (!strcmp(bits[i], key)) return 1u << i;
    return 0;
}

static int parse_line(parser *P, char *s, trace_op *op, int *is_op)
{
    *is_op = 0;
    char *hash = strchr(s, '#');
    if (hash) *hash = 0;
    char *save = NULL;
    char *tok = strtok_r(s, " \t\r\n", &save);
    if (!tok) return 0;
    memset(op, 0, sizeof *op);
    op->line = P->line;
    int k;
    for (k = 0; k < OP_KINDS; k++) if (!strcmp(tok, kind_names[k])) break;
    if (k == OP_KINDS)
        return perr(P, "unknown op '%s' (expected gemm, eltwise, copy, sync, flush, mode, chase or stream)", tok);
    op->kind = (op_kind)k;
    op->dtype = DT_FP16;
    op->in = 1;
    op->out = 1;
    op->flops_per_elem = 1;
    op->pinned = 1;
    unsigned seen = 0;
    if (op->kind == OP_MODE) {
        char *m = strtok_r(NULL, " \t\r\n", &save);
        if (!m || (strcmp(m, "graph") && strcmp(m, "eager")))
            return perr(P, "mode: expected 'graph' or 'eager'");
        op->graph = !strcmp(m, "graph");
        if (strtok_r(NULL, " \t\r\n", &save)) return perr(P, "mode: takes one word, graph or eager");
        snprintf(op->name, sizeof op->name, "mode_%s", m);
        *is_op = 1;
        return 0;
    }
    while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok) return perr(P, "'%s': expected key=value", tok);
        *eq = 0;
        unsigned b = seen_bit(tok);
        if (b & seen) return perr(P, "%s: given twice", tok);
        seen |= b;
        int rc = parse_kv(P, op, tok, eq + 1, NULL);
        if (rc) return rc;
    }
    int rc = check_op(P, op, seen);
    if (rc) return rc;
    if (!op->name[0]) snprintf(op->name, sizeof op->name, "%s@%d", kind_names[op->kind], P->line);
    *is_op = 1;
    return 0;
}

int trace_parse(trace **out, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    parser P = { name, 0, err, errlen };
    trace *t = calloc(1, sizeof *t);
    if (!t) { snprintf(err, errlen, "%s: out of memory", name); return -1; }
    snprintf(t->path, sizeof t->path, "%s", name);
    size_t cap = 16;
    t->ops = malloc(cap * sizeof *t->ops);
    char *line = malloc(len + 1);
    if (!t->ops || !line) { free(line); trace_destroy(t); snprintf(err, errlen, "%s: out of memory", name); return -1; }
    size_t pos = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) pos = 3;
    int rc = 0;
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n') e++;
        P.line++;
        if (memchr(text + pos, 0, e - pos)) { rc = perr(&P, "NUL byte in line"); break; }
        memcpy(line, text + pos, e - pos);
        line[e - pos] = 0;
        pos = e + 1;
        trace_op op;
        int is_op;
        rc = parse_line(&P, line, &op, &is_op);
        if (rc) break;
        if (!is_op) continue;
        if (t->n == cap) {
            trace_op *o = realloc(t->ops, 2 * cap * sizeof *o);
            if (!o) { rc = -1; snprintf(err, errlen, "%s: out of memory", name); break; }
            t->ops = o;
            cap *= 2;
        }
        t->ops[t->n++] = op;
    }
    free(line);
    if (!rc && t->n == 0) rc = perr(&P, "trace has no operations");
    if (rc) { trace_destroy(t); return rc; }
    *out = t;
    return 0;
}

int trace_load(trace **out, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -2; }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) { fclose(f); return -1; }
    for (;;) {
        if (n == cap) {
            if (cap > (64u << 20)) { free(buf); fclose(f); snprintf(err, errlen, "%s: larger than 64 MiB", path); return -2; }
            char *b = realloc(buf, cap * 2);
            if (!b) { free(buf); fclose(f); return -1; }
            buf = b;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0) break;
        n += r;
    }
    int ioerr = ferror(f);
    fclose(f);
    if (ioerr) { free(buf); snprintf(err, errlen, "%s: read error", path); return -2; }
    int rc = trace_parse(out, path, buf, n, err, errlen);
    free(buf);
    return rc;
}

void trace_destroy(trace *t)
{
    if (!t) return;
    free(t->ops);
    free(t);
}
