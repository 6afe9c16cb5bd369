/*
 * trace.c: line-oriented trace parser, driven by the op table (ops/optable.h).
 *
 * Accepts CRLF, tabs, a UTF-8 byte-order mark and trailing comments. A line's
 * first word picks the op kind's row; its keys, their types, ranges, defaults,
 * required keys and cross-key checks all come from that row, and every key
 * (name=, stream= and repeat= included) may be given once. Each op's params
 * struct is carved from one arena per trace (8-byte aligned, in trace order),
 * interned (ops of one kind with byte-identical params share one copy), and
 * every op's name from one pool (NUL-terminated, in trace order), so an op
 * costs its 24-byte header and its name's bytes, plus its kind's params when
 * no earlier op had the same.
 */
#include "trace.h"
#include "engine/errors.h"
#include "arch/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/optable.h"



_Static_assert(sizeof(trace_op) == 24, "trace_op: 24 bytes (trace.h)");

#define PARAMS_ALIGN 8
static size_t params_slot(const op_type *ty) { return (ty->params_size + PARAMS_ALIGN - 1) / PARAMS_ALIGN * PARAMS_ALIGN; }

typedef struct parser {
    const char *file;
    int line;
    char *err;
    size_t errlen;
    char opname[TRACE_NAME_MAX]; /* the name of the op on the line being parsed */
} parser;

static int perr(parser *P, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(P->err, P->errlen, "%s:%d: %s", P->file, P->line, msg);
    return GPUSIM_EINPUT;
}

/* "a, b or c"; quoted: "'a' or 'b'"; sep: "a|b|c" when not NULL. */
static void list_words(const char *const *w, int quote, const char *sep, char *buf, size_t len)
{
    size_t n = 0, used = 0;
    while (w[n]) n++;
    buf[0] = 0;
    for (size_t i = 0; i < n && used < len; i++) {
        const char *pre = i == 0 ? "" : sep ? sep : (i + 1 == n ? " or " : ", ");
        int r = snprintf(buf + used, len - used, quote ? "%s'%s'" : "%s%s", pre, w[i]);
        if (r < 0) break;
        used += (size_t)r;
    }
}

/* Kinds, for "unknown op": "gemm, eltwise, ... or stream". */
static void list_kinds(const char *sep, char *buf, size_t len)
{
    const char *names[257];
    size_t n = op_type_count();
    for (size_t i = 0; i < n; i++) names[i] = op_type_at(i)->name;
    names[n] = NULL;
    list_words(names, 0, sep, buf, len);
}

/* A number as a person writes it: 0, 16, 1e6, 0.5. */
static void fmt_num(double x, char *buf, size_t len)
{
    if (x == floor(x) && fabs(x) < 1e6) { snprintf(buf, len, "%.0f", x); return; }
    char tmp[40], *e;
    snprintf(tmp, sizeof tmp, "%g", x);
    if ((e = strchr(tmp, 'e'))) { /* 1e+06 -> 1e6 */
        char *d = e + 1, *s = e + 1;
        if (*s == '+') s++;
        else if (*s == '-') *d++ = *s++;
        while (*s == '0' && s[1]) s++;
        memmove(d, s, strlen(s) + 1);
    }
    snprintf(buf, len, "%s", tmp);
}

static int get_int(parser *P, const char *key, const char *v, double lo, double hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || (double)x < lo || (double)x > hi)
        return perr(P, "%s: expected an integer in [%lld, %lld], got '%s'", key, (long long)lo, (long long)hi, v);
    *out = x;
    return 0;
}

/* Parses v as key k of params. */
static int set_key(parser *P, const op_key *k, void *params, const char *v)
{
    char list[256];
    switch (k->type) {
    case KEY_INT: {
        int64_t x = 0;
        if (get_int(P, k->name, v, k->lo, k->hi, &x)) return GPUSIM_EINPUT;
        op_key_set_int(params, k, x);
        return 0;
    }
    case KEY_NUM: {
        char *end, lo[40], hi[40];
        errno = 0;
        double x = strtod(v, &end);
        if (errno || end == v || *end || !isfinite(x) || x < k->lo || x > k->hi) {
            fmt_num(k->lo, lo, sizeof lo);
            fmt_num(k->hi, hi, sizeof hi);
            return perr(P, "%s: expected a number in [%s, %s]%s%s, got '%s'", k->name, lo, hi, k->expect ? " " : "",
                        k->expect ? k->expect : "", v);
        }
        memcpy((char *)params + k->off, &x, sizeof x);
        return 0;
    }
    case KEY_CHOICE:
    case KEY_DTYPE: {
        const char *const *c = k->type == KEY_DTYPE ? dtype_names() : k->choices;
        for (int i = 0; c[i]; i++)
            if (!strcmp(v, c[i])) { op_key_set_int(params, k, i); return 0; }
        list_words(c, 0, NULL, list, sizeof list);
        return perr(P, "%s: expected %s, got '%s'", k->name, list, v);
    }
    case KEY_CUSTOM:
        if (k->parse(params, v)) return perr(P, "%s: expected %s, got '%s'", k->name, k->expect, v);
        return 0;
    }
    return perr(P, "%s: bad key type", k->name); /* not reached */
}

static void set_defaults(const op_type *ty, void *params)
{
    for (size_t i = 0; i < ty->nkeys; i++) {
        const op_key *k = &ty->keys[i];
        if (k->required || k->type == KEY_CUSTOM) continue;
        if (k->type == KEY_NUM) memcpy((char *)params + k->off, &k->def, sizeof k->def);
        else op_key_set_int(params, k, (int64_t)k->def);
    }
}

/* `mode graph`: one bare word, the value of the kind's only key. */
static int parse_word(parser *P, const op_type *ty, void *params, char **save)
{
    const op_key *k = &ty->keys[0];
    char list[256];
    char *w = strtok_r(NULL, " \t\r\n", save);
    int i = -1;
    for (int j = 0; w && k->choices[j]; j++)
        if (!strcmp(w, k->choices[j])) i = j;
    if (i < 0) {
        list_words(k->choices, 1, NULL, list, sizeof list);
        return perr(P, "%s: expected %s", k->name, list);
    }
    op_key_set_int(params, k, i);
    if (strtok_r(NULL, " \t\r\n", save)) {
        list_words(k->choices, 0, NULL, list, sizeof list);
        return perr(P, "%s: takes one word, %s", k->name, list);
    }
    snprintf(P->opname, sizeof P->opname, "%s_%s", ty->name, w);
    return 0;
}

/* "name stream repeat m n k ..." */
static void list_keys(const op_type *ty, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "name stream repeat");
    for (size_t i = 0; i < ty->nkeys && used < len; i++) used += (size_t)snprintf(buf + used, len - used, " %s", ty->keys[i].name);
}

/* Parses one line into op, its params at *params (room for any kind's, zeroed
 * here). *is_op = 0 for a blank or comment line. */
static int parse_line(parser *P, char *s, trace_op *op, void *params, const op_type **type, int *is_op)
{
    *is_op = 0;
    char *hash = strchr(s, '#');
    if (hash) *hash = 0;
    char *save = NULL;
    char *tok = strtok_r(s, " \t\r\n", &save);
    if (!tok) return 0;
    memset(op, 0, sizeof *op);
    P->opname[0] = 0;
    op->line = P->line;
    op->repeat = 1;
    size_t kind;
    const op_type *ty = op_type_find(tok, &kind);
    if (!ty) {
        char list[512];
        list_kinds(NULL, list, sizeof list);
        return perr(P, "unknown op '%s' (expected %s)", tok, list);
    }
    *type = ty;
    op->kind = (uint8_t)kind;
    memset(params, 0, ty->params_size);
    set_defaults(ty, params);
    if (ty->flags & OPF_WORD) {
        int rc = parse_word(P, ty, params, &save);
        if (!rc) *is_op = 1;
        return rc;
    }
    uint64_t seen = 0; /* bit 0: name, 1: stream, 2: repeat, 3 + i: key i */
    while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok) return perr(P, "'%s': expected key=value", tok);
        *eq = 0;
        const char *v = eq + 1;
        int bit = -1;
        if (!strcmp(tok, "name")) bit = 0;
        else if (!strcmp(tok, "stream")) bit = 1;
        else if (!strcmp(tok, "repeat")) bit = 2;
        else
            for (size_t i = 0; i < ty->nkeys; i++)
                if (!strcmp(tok, ty->keys[i].name)) { bit = 3 + (int)i; break; }
        if (bit < 0) {
            char keys[512];
            list_keys(ty, keys, sizeof keys);
            return perr(P, "%s: unknown key for %s (takes: %s)", tok, ty->name, keys);
        }
        if (seen & (UINT64_C(1) << bit)) return perr(P, "%s: given twice", tok);
        seen |= UINT64_C(1) << bit;
        if (bit == 0) {
            if (strlen(v) >= sizeof P->opname || !v[0]) return perr(P, "name: expected 1 to %d characters", TRACE_NAME_MAX - 1);
            snprintf(P->opname, sizeof P->opname, "%s", v);
        } else if (bit == 1) {
            int64_t st = 0;
            if (get_int(P, "stream", v, 0, 63, &st)) return GPUSIM_EINPUT;
            op->stream = (uint8_t)st;
        } else if (bit == 2) {
            int64_t n = 0;
            if (get_int(P, "repeat", v, 1, TRACE_MAX_REPEAT, &n)) return GPUSIM_EINPUT;
            op->repeat = (uint32_t)n;
        } else if (set_key(P, &ty->keys[bit - 3], params, v)) {
            return GPUSIM_EINPUT;
        }
    }
    for (size_t i = 0; i < ty->nkeys; i++)
        if (ty->keys[i].required && !(seen & (UINT64_C(1) << (3 + i)))) return perr(P, "%s: required by %s", ty->keys[i].name, ty->name);
    if (ty->check) {
        char msg[400];
        if (ty->check(params, msg, sizeof msg)) return perr(P, "%s", msg);
    }
    if (!P->opname[0]) snprintf(P->opname, sizeof P->opname, "%s@%d", ty->name, P->line);
    *is_op = 1;
    return 0;
}

/* The interned params: ops of one kind whose params structs are byte-identical share one copy
 * in the arena (parse_line zeroes each struct before writing it, so padding compares equal).
 * Open addressing, at most half full; a slot is kind << 32 | (arena offset / PARAMS_ALIGN + 1),
 * 0 when empty. The table stops growing at PARAMS_SET_MAX slots (8 MiB): past that, params not
 * yet seen get their own copy, as before interning. */
#define PARAMS_SET_MAX ((size_t)1 << 20)
typedef struct params_set {
    uint64_t *slot;
    size_t cap, n; /* cap: 0 or a power of 2 */
} params_set;

static uint64_t params_hash(size_t kind, const unsigned char *p, size_t n)
{
    uint64_t h = fnv1a_add(FNV1A_INIT ^ (uint64_t)kind, p, n);
    return h ^ (h >> 32);
}

static int params_grow(params_set *S, const char *arena)
{
    size_t c = S->cap ? 2 * S->cap : 256;
    uint64_t *ns = calloc(c, sizeof *ns);
    if (!ns) return GPUSIM_EFAIL;
    for (size_t i = 0; i < S->cap; i++) {
        uint64_t v = S->slot[i];
        if (!v) continue;
        size_t kind = (size_t)(v >> 32), off = (size_t)((v & UINT32_MAX) - 1) * PARAMS_ALIGN;
        size_t j = params_hash(kind, (const unsigned char *)arena + off, op_type_at(kind)->params_size) & (c - 1);
        while (ns[j]) j = (j + 1) & (c - 1);
        ns[j] = v;
    }
    free(S->slot);
    S->slot = ns;
    S->cap = c;
    return 0;
}

/* The arena offset of the params of kind `kind` just written at arena + at: an earlier copy's, or
 * `at` when they are new (then the caller keeps them there). (size_t)-1 when out of memory. */
static size_t params_intern(params_set *S, const char *arena, size_t at, size_t kind)
{
    size_t sz = op_type_at(kind)->params_size;
    if (2 * (S->n + 1) > S->cap && S->cap < PARAMS_SET_MAX && params_grow(S, arena)) return (size_t)-1;
    uint64_t h = params_hash(kind, (const unsigned char *)arena + at, sz);
    size_t j = h & (S->cap - 1);
    for (; S->slot[j]; j = (j + 1) & (S->cap - 1)) {
        uint64_t v = S->slot[j];
        size_t off = (size_t)((v & UINT32_MAX) - 1) * PARAMS_ALIGN;
        if ((size_t)(v >> 32) == kind && !memcmp(arena + off, arena + at, sz)) return off;
    }
    if (2 * (S->n + 1) > S->cap || at / PARAMS_ALIGN + 1 > UINT32_MAX) return at; /* full: not interned */
    S->slot[j] = (uint64_t)kind << 32 | (uint64_t)(at / PARAMS_ALIGN + 1);
    S->n++;
    return at;
}

/* Makes room for `need` more bytes at the end of a growing buffer (the params arena, the names). */
static int arena_reserve(char **arena, size_t *cap, size_t used, size_t need)
{
    if (used + need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < used + need) c *= 2;
    char *a = realloc(*arena, c);
    if (!a) return GPUSIM_EFAIL;
    *arena = a;
    *cap = c;
    return 0;
}

/* A trace being built, line by line. */
typedef struct builder {
    parser P;
    params_set S;
    trace *t;
    size_t cap;                /* ops' room */
    char *arena, *names;
    size_t acap, aused;        /* the params arena: room, used */
    size_t ncap, nused;        /* names: each op's, NUL-terminated, in trace order */
    size_t max_slot;
} builder;

static int build_oom(builder *B)
{
    snprintf(B->P.err, B->P.errlen, "%s: out of memory", B->P.file);
    return GPUSIM_EFAIL;
}

static int build_init(builder *B, const char *name, char *err, size_t errlen)
{
    memset(B, 0, sizeof *B);
    B->P = (parser){ name, 0, err, errlen, "" };
    B->t = calloc(1, sizeof *B->t);
    if (!B->t) return build_oom(B);
    snprintf(B->t->path, sizeof B->t->path, "%s", name);
    for (size_t i = 0; i < op_type_count(); i++)
        if (params_slot(op_type_at(i)) > B->max_slot) B->max_slot = params_slot(op_type_at(i));
    B->cap = 16;
    B->t->ops = malloc(B->cap * sizeof *B->t->ops);
    if (!B->t->ops || arena_reserve(&B->arena, &B->acap, 0, B->max_slot ? B->max_slot : PARAMS_ALIGN)) return build_oom(B);
    return 0;
}

/* The next line of the text, its n bytes at s (s[n] writable; s is changed). */
static int build_line(builder *B, char *s, size_t n)
{
    parser *P = &B->P;
    trace *t = B->t;
    P->line++;
    if (memchr(s, 0, n)) return perr(P, "NUL byte in line");
    s[n] = 0;
    trace_op op;
    const op_type *ty = NULL;
    int is_op;
    int rc = parse_line(P, s, &op, B->arena + B->aused, &ty, &is_op);
    if (rc || !is_op) return rc;
    if (t->n == B->cap) {
        trace_op *o = realloc(t->ops, 2 * B->cap * sizeof *o);
        if (!o) return build_oom(B);
        t->ops = o;
        B->cap *= 2;
    }
    size_t nl = strlen(P->opname) + 1;
    if (B->nused > UINT32_MAX || arena_reserve(&B->names, &B->ncap, B->nused, nl)) return build_oom(B);
    memcpy(B->names + B->nused, P->opname, nl);
    op.name_off = (uint32_t)B->nused;
    B->nused += nl;
    size_t slot = params_slot(ty), at = B->aused;
    if (slot) {
        at = params_intern(&B->S, B->arena, B->aused, op.kind);
        if (at == (size_t)-1) return build_oom(B);
        if (at == B->aused) B->aused += slot;
    }
    op.params = (void *)(uintptr_t)at; /* its arena offset until the arena stops moving */
    t->ops[t->n++] = op;
    if (arena_reserve(&B->arena, &B->acap, B->aused, B->max_slot)) return build_oom(B);
    return 0;
}

/* Ends the build: *out gets the trace when rc is 0 and it has ops; else it is freed and the error returned. */
static int build_finish(builder *B, int rc, trace **out)
{
    trace *t = B->t;
    free(B->S.slot);
    if (!t) { free(B->arena); free(B->names); return rc; }
    char *arena = B->arena;
    t->arena = arena;
    t->names = B->names;
    if (!rc && t->n == 0) rc = perr(&B->P, "trace has no operations");
    if (rc) { trace_destroy(t); return rc; }
    /* Give back what the doubling left unused (up to half the ops array). */
    trace_op *fit = realloc(t->ops, t->n * sizeof *t->ops);
    if (fit) t->ops = fit;
    char *nfit = realloc(t->names, B->nused);
    if (nfit) t->names = nfit;
    t->names_len = B->nused;
    char *afit = realloc(arena, B->aused ? B->aused : PARAMS_ALIGN);
    if (afit) t->arena = arena = afit;
    /* The arena no longer moves: point each op at its params. */
    for (size_t i = 0; i < t->n; i++)
        t->ops[i].params = params_slot(op_type_of(&t->ops[i])) ? arena + (uintptr_t)t->ops[i].params : NULL;
    *out = t;
    return 0;
}

int trace_parse(trace **out, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    builder B;
    int rc = build_init(&B, name, err, errlen);
    char *line = rc ? NULL : malloc(len + 1);
    if (!rc && !line) rc = build_oom(&B);
    size_t pos = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) pos = 3;
    while (!rc && pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n') e++;
        memcpy(line, text + pos, e - pos);
        rc = build_line(&B, line, e - pos);
        pos = e + 1;
    }
    free(line);
    return build_finish(&B, rc, out);
}

/* Opens a trace (a regular file or a pipe) for reading: its descriptor, or -1 with err (GPUSIM_EINPUT). */
static int trace_open(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    struct stat st;
    if (fstat(fd, &st) != 0 || (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))) {
        close(fd);
        snprintf(err, errlen, "%s: not a regular file (a trace must be a file or a pipe: not a device, socket or directory)", path);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK); /* a pipe's writer may not have written yet */
    return fd;
}

int trace_read(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    int fd = trace_open(path, err, errlen);
    if (fd < 0) return GPUSIM_EINPUT;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) { close(fd); snprintf(err, errlen, "%s: out of memory", path); return GPUSIM_EFAIL; }
    for (;;) {
        if (n == cap) {
            if (cap >= TRACE_MAX_BYTES) {
                free(buf);
                close(fd);
                snprintf(err, errlen, "%s: larger than %d MiB (the most a trace may be)", path, TRACE_MAX_BYTES >> 20);
                return GPUSIM_EINPUT;
            }
            char *b = realloc(buf, cap * 2);
            if (!b) { free(buf); close(fd); snprintf(err, errlen, "%s: out of memory", path); return GPUSIM_EFAIL; }
            buf = b;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            snprintf(err, errlen, "%s: read error: %s", path, strerror(e));
            return GPUSIM_EINPUT;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    *out = buf;
    *len = n;
    return 0;
}

int trace_load(trace **out, const char *path, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t n = 0;
    int rc = trace_read(path, &buf, &n, err, errlen);
    if (rc) return rc;
    rc = trace_parse(out, path, buf, n, err, errlen);
    free(buf);
    return rc;
}

/* The line being assembled from the chunks read. */
typedef struct line_buf {
    char *s;
    size_t n, cap;
} line_buf;

static int line_add(line_buf *L, const char *p, size_t n)
{
    if (L->n + n + 1 > L->cap) {
        size_t c = L->cap ? L->cap : 256;
        while (c < L->n + n + 1) c *= 2;
        char *s = realloc(L->s, c);
        if (!s) return GPUSIM_EFAIL;
        L->s = s;
        L->cap = c;
    }
    memcpy(L->s + L->n, p, n);
    L->n += n;
    return 0;
}

/* The line in L, done (ended by a newline, or the text's last): parsed as trace_parse would, the
 * text's byte-order mark taken off the first. */
static int line_done(builder *B, line_buf *L)
{
    size_t off = 0;
    if (B->P.line == 0 && L->n >= 3 && (unsigned char)L->s[0] == 0xEF && (unsigned char)L->s[1] == 0xBB &&
        (unsigned char)L->s[2] == 0xBF)
        off = 3;
    int rc = build_line(B, L->s + off, L->n - off);
    L->n = 0;
    return rc;
}

#define TRACE_CHUNK (256 << 10) /* bytes read at a time by trace_load_stream */

int trace_load_stream(trace **out, const char *path, int (*on_bytes)(void *ctx, const char *p, size_t n), void *ctx,
                      char *err, size_t errlen)
{
    int fd = trace_open(path, err, errlen);
    if (fd < 0) return GPUSIM_EINPUT;
    builder B;
    line_buf L = { NULL, 0, 0 };
    int prc = build_init(&B, path, err, errlen); /* the parse's error: reported once the reading ends well */
    int rrc = 0;                                 /* the reading's, which comes first (as trace_read's would) */
    char *buf = malloc(TRACE_CHUNK);
    if (!buf) { rrc = GPUSIM_EFAIL; snprintf(err, errlen, "%s: out of memory", path); }
    size_t total = 0;
    while (!rrc) {
        if (total >= TRACE_MAX_BYTES) {
            snprintf(err, errlen, "%s: larger than %d MiB (the most a trace may be)", path, TRACE_MAX_BYTES >> 20);
            rrc = GPUSIM_EINPUT;
            break;
        }
        size_t want = TRACE_MAX_BYTES - total < TRACE_CHUNK ? TRACE_MAX_BYTES - total : TRACE_CHUNK;
        ssize_t r = read(fd, buf, want);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
            rrc = GPUSIM_EINPUT;
            break;
        }
        if (r == 0) break;
        total += (size_t)r;
        if (prc) continue; /* the parse failed: read on only for an error that comes first */
        if (on_bytes && on_bytes(ctx, buf, (size_t)r)) { prc = build_oom(&B); continue; }
        const char *p = buf;
        size_t n = (size_t)r;
        while (n && !prc) {
            const char *nl = memchr(p, '\n', n);
            size_t take = nl ? (size_t)(nl - p) : n;
            if (line_add(&L, p, take)) { prc = build_oom(&B); break; }
            if (!nl) break;
            prc = line_done(&B, &L);
            p += take + 1;
            n -= take + 1;
        }
    }
    close(fd);
    free(buf);
    if (!rrc && !prc && L.n && !(B.P.line == 0 && L.n == 3 && (unsigned char)L.s[0] == 0xEF &&
                                  (unsigned char)L.s[1] == 0xBB && (unsigned char)L.s[2] == 0xBF))
        prc = line_done(&B, &L); /* the last line, without its newline (a lone byte-order mark is none) */
    free(L.s);
    return build_finish(&B, rrc ? rrc : prc, out); /* a reading error stands: err holds it */
}

void trace_destroy(trace *t)
{
    if (!t) return;
    free(t->ops);
    free(t->arena);
    free(t->names);
    free(t);
}

/* ---- the reference (docs/trace.md) ---- */

static void ref_key(FILE *f, const op_key *k)
{
    char range[256] = "", def[128] = "", a[40], b[40];
    const char *type = "";
    switch (k->type) {
    case KEY_INT:
        type = "integer";
        snprintf(range, sizeof range, "%lld..%lld", (long long)k->lo, (long long)k->hi);
        snprintf(def, sizeof def, "%lld", (long long)k->def);
        break;
    case KEY_NUM:
        type = "number";
        fmt_num(k->lo, a, sizeof a);
        fmt_num(k->hi, b, sizeof b);
        snprintf(range, sizeof range, "%s..%s%s%s", a, b, k->expect ? " " : "", k->expect ? k->expect : "");
        fmt_num(k->def, def, sizeof def);
        break;
    case KEY_CHOICE:
    case KEY_DTYPE: {
        const char *const *c = k->type == KEY_DTYPE ? dtype_names() : k->choices;
        type = "choice";
        list_words(c, 0, " \\| ", range, sizeof range);
        snprintf(def, sizeof def, "%s", c[(int)k->def]);
        break;
    }
    case KEY_CUSTOM:
        type = "text";
        snprintf(range, sizeof range, "%s", k->expect);
        break;
    }
    if (k->def_doc) snprintf(def, sizeof def, "%s", k->def_doc);
    fprintf(f, "| `%s` | %s | %s | %s | %s |\n", k->name, type, range, k->required ? "**required**" : def, k->doc);
}

void trace_write_reference(FILE *f)
{
    char kinds[512];
    list_kinds(NULL, kinds, sizeof kinds);
    fprintf(f, "# gpusim trace format\n\n");
    fprintf(f, "Generated by `gpusim --help-trace` from the op table (`sim/ops/optable.c`, one row per op kind).\n\n");
    fprintf(f, "A trace is text, one op per line: `KIND key=value ...`; ops are submitted by the host in trace order.\n"
               "`#` starts a comment anywhere on a line; blank lines, tabs, CRLF line ends and a UTF-8 byte-order mark\n"
               "are accepted. Kinds: %s.\n\n", kinds);
    const char *word_kinds[257];
    size_t nw = 0;
    for (size_t i = 0; i < op_type_count(); i++)
        if (op_type_at(i)->flags & OPF_WORD) word_kinds[nw++] = op_type_at(i)->name;
    word_kinds[nw] = NULL;
    char words[256];
    list_words(word_kinds, 0, NULL, words, sizeof words);
    fprintf(f, "Every op%s%s also takes:\n\n", nw ? " except " : "", words);
    fprintf(f, "| key | type | range | default | meaning |\n|---|---|---|---|---|\n");
    fprintf(f, "| `name` | text | 1 to 63 characters | KIND@LINE | the op's name in the results |\n");
    fprintf(f, "| `stream` | integer | 0..63 | 0 | ops of one stream run in order; ops of different streams may overlap |\n");
    fprintf(f, "| `repeat` | integer | 1..%d | 1 | the op runs N times back to back on its stream (same buffers, one launch each); "
               "its row reports the totals. Once the iterations are in a steady state (`sim.steady_state`) the rest "
               "are extrapolated instead of simulated. A host op (`sync`) is not repeated |\n\n", TRACE_MAX_REPEAT);
    fprintf(f, "A bad line is an error `FILE:LINE: key: what was expected` (exit status 2): an unknown kind or key,\n"
               "a value of the wrong type or out of range, a key given twice, a missing required key.\n"
               "Counts that size memory are checked for overflow, and an op whose data do not fit in\n"
               "`gpu.memory_gib` is refused before the run.\n");
    for (size_t i = 0; i < op_type_count(); i++) {
        const op_type *ty = op_type_at(i);
        fprintf(f, "\n## %s\n\n`%s`\n\n%s\n\n", ty->name, ty->syntax, ty->doc);
        if (ty->flags & OPF_WORD) {
            char list[256];
            list_words(ty->keys[0].choices, 0, " \\| ", list, sizeof list);
            fprintf(f, "Written `%s WORD`, WORD one of %s: %s. Takes no other key; named `%s_WORD`.\n", ty->name, list,
                    ty->keys[0].doc, ty->name);
            continue;
        }
        if (!ty->nkeys) { fprintf(f, "Takes only `name=`, `stream=` and `repeat=`.\n"); continue; }
        fprintf(f, "| key | type | range | default | meaning |\n|---|---|---|---|---|\n");
        for (size_t k = 0; k < ty->nkeys; k++) ref_key(f, &ty->keys[k]);
    }
}
