/*
 * torch_import.c: PyTorch profiler trace -> gpusim trace (see torch_import.h).
 *
 * The only user of json-c. Three steps: read (scanner + json-c per event ->
 * compact records), link (GPU event -> launch call -> aten op), write.
 *
 * Approximated, and why:
 * - eltwise counts come from the aten op's inputs: elements = the largest input
 *   (a TensorList: the sum of its tensors), bytes read = every tensor input,
 *   bytes written = the output (in-place ops: self). They are written as integer
 *   `in=`/`out=` multiples of the output dtype, so a mixed-dtype op (fp32 -> bf16
 *   copy) keeps its bytes; a broadcast operand smaller than half the output rounds
 *   away. Reductions over some dimensions write `out=0` (their output is small against
 *   the input); a reduction of the whole tensor is a `reduce` op.
 * - an aten op that launches several kernels (multi_tensor_apply over chunks)
 *   shares its elements among them in proportion to their threads (grid x block).
 *   Each kernel's grid becomes `ctas=` (gpusim uses it where it is smaller than its
 *   one CTA per 1024 elements: a grid-stride loop on few SMs).
 * - bmm/baddbmm: the trace format has no `batch=` yet, so the batch is folded into
 *   m (same FLOPs; the B operand's traffic is under-counted).
 * - an event without an aten op or shapes: a memory-bound eltwise of one fp32
 *   element in and out per launched thread (the event carries no byte count).
 * - host time: a `cpu` op between two launches (issue 12). The profile's host
 *   time from the start of the previous op's launch call(s) to the start of
 *   this op's, less the synchronising calls in between (those become `sync`,
 *   which gpusim models), less opts->eager_gap_us, which gpusim already charges
 *   per launch (host.eager_gap_us): so host time is not counted twice. A
 *   launch call that blocked on a pageable copy is host work only for what it
 *   took beyond the copy's GPU time (gpusim blocks the host on the copy itself;
 *   the rest is staging and page faults on the host), and then nothing is
 *   subtracted: the launch charge is spent inside the copy's wait. With a sync
 *   in between, the part before the first sync (less the charge) is a `cpu` op
 *   before the `sync` and the rest one after it. A gap shorter than the charge cannot be given back
 *   (the sum is in the summary: host time gpusim over-charges). Each `cpu` op
 *   has a `# host gap` comment with its sources above it.
 *
 * - first_touch: a pageable D2H of at least glibc's 128 KiB mmap threshold, larger than
 *   every pageable D2H before it in the profile, is taken to land in a new host buffer on
 *   fresh pages (`.cpu()` allocates one; malloc serves it with mmap or a grown heap; once
 *   freed, glibc raises its threshold to that size and later buffers reuse the pages). The
 *   profile does not say whether the buffer was allocated there or is still alive when
 *   the next one is: a copy_ into a buffer touched before the profile is marked too.
 *
 * Units: profile times in microseconds (double, as the profile writes them).
 */
#include "torch_import.h"
#include "import/eltwise_costs.h"

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op_cpu.h"
#include "trace/trace.h"

/* ---------------------------------------------------------------- records */

enum { ARG_NONE, ARG_TENSOR, ARG_LIST };
#define ARG_DIMS 4
#define OP_ARGS_MAX 16

typedef struct targ {        /* one argument of an aten op, as record_shapes saw it */
    int kind;                /* ARG_* */
    int elem_bytes;          /* 0: unknown (a TensorList carries no dtype) */
    int fdt;                 /* dtype_id of a floating type, -1 otherwise */
    int64_t numel;           /* a list: the sum over its tensors */
    int ndim;                /* of the tensor (a list: of its first tensor) */
    int64_t dims[ARG_DIMS], strides[ARG_DIMS]; /* the last ARG_DIMS dims */
    int64_t lead;            /* product of the dims before those */
} targ;

typedef struct cop {         /* a cpu_op event */
    int64_t ext;             /* External id */
    char *name;
    size_t arg0;             /* first of its args in the pool */
    int nargs;
    int shapes;              /* it had "Input Dims" */
    int full_reduce;         /* a reduction of every dimension (reduces_all) */
    int line;                /* where its event starts in the profile */
} cop;

enum { RT_OTHER, RT_LAUNCH, RT_GRAPH, RT_SYNC };
typedef struct rtev {        /* a cuda_runtime / cuda_driver call */
    int64_t corr, ext;
    double ts_us, dur_us;
    int what;                /* RT_* */
} rtev;

enum { G_KERNEL, G_MEMCPY, G_MEMSET };
typedef struct gev {         /* a GPU event */
    int cat;                 /* G_* */
    char *name;
    double ts_us, dur_us;
    int64_t stream, corr, ext, bytes, threads;
    int64_t blocks;          /* CTAs of a kernel's grid (0: not given) */
    size_t order;            /* file order: ties in time keep it */
    int line;                /* where its event starts in the profile */
} gev;

#define VEC(T) struct { T *v; size_t n, cap; }
typedef VEC(cop) cop_vec;
typedef VEC(rtev) rt_vec;
typedef VEC(gev) gev_vec;
typedef VEC(targ) arg_vec;

typedef struct importer {
    const char *name;
    char *err;
    size_t errlen;
    cop_vec ops;
    rt_vec rts;
    gev_vec gevs;
    arg_vec args;
    int saw_profiler_cat;    /* any cpu_op / cuda_runtime / kernel... event */
    int saw_shapes;
} importer;

/* Names end up in '#' comment lines of the trace: control characters (a newline in a kernel name)
 * would break the line, so they become spaces. NULL-safe (a failed strdup is caught by the caller). */
static void one_line(char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) *s = ' ';
}

static int vec_grow(void **v, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap) return 0;
    size_t c = *cap ? *cap * 2 : 256;
    void *p = realloc(*v, c * elem);
    if (!p) return -1;
    *v = p;
    *cap = c;
    return 0;
}
#define VEC_PUSH(vec, item) \
    (vec_grow((void **)&(vec).v, &(vec).cap, (vec).n, sizeof *(vec).v) ? -1 : ((vec).v[(vec).n++] = (item), 0))

/* a * b for counts read from the profile: negative reads as 0, overflow saturates. */
static int64_t sat_mul(int64_t a, int64_t b)
{
    if (a <= 0 || b <= 0) return 0;
    return a > INT64_MAX / b ? INT64_MAX : a * b;
}

/* glibc malloc's default M_MMAP_THRESHOLD (malloc(3), mallopt(3)): a larger request is served with
 * fresh pages (mmap) until a freed one raises the threshold to its size. */
#define IMP_MMAP_THRESHOLD (INT64_C(128) << 10)

/* The trace format's limits (sim/trace/trace.c, ops/op_eltwise.c): dims, element and byte counts, CTAs. */
#define IMP_MAX_CTAS (INT64_C(1) << 20)
#define IMP_MAX_DIM (INT64_C(1) << 31)
#define IMP_MAX_COUNT (INT64_C(1) << 50)

static int ierr(importer *im, int line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0) snprintf(im->err, im->errlen, "%s:%d: %s", im->name, line, msg);
    else snprintf(im->err, im->errlen, "%s: %s", im->name, msg);
    return -2;
}

static int oom(importer *im)
{
    snprintf(im->err, im->errlen, "%s: out of memory", im->name);
    return -1;
}

/* ------------------------------------------------- event -> compact record */

static const struct { const char *name; int bytes, fdt; } tensor_types[] = {
    { "float", 4, DT_FP32 }, { "c10::Half", 2, DT_FP16 }, { "c10::BFloat16", 2, DT_BF16 },
    { "c10::Float8_e4m3fn", 1, DT_FP8 }, { "c10::Float8_e5m2", 1, DT_FP8 },
    { "c10::Float8_e4m3fnuz", 1, DT_FP8 }, { "c10::Float8_e5m2fnuz", 1, DT_FP8 },
    { "double", 8, -1 }, { "long int", 8, -1 }, { "int", 4, -1 }, { "short int", 2, -1 },
    { "signed char", 1, -1 }, { "unsigned char", 1, -1 }, { "bool", 1, -1 },
    { "c10::complex<float>", 8, -1 }, { "c10::complex<double>", 16, -1 }, { "c10::complex<c10::Half>", 4, -1 },
};

static json_object *jget(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t jint(json_object *o, const char *key, int64_t dflt)
{
    json_object *v = jget(o, key);
    if (!v) return dflt;
    if (json_object_is_type(v, json_type_int)) return json_object_get_int64(v);
    if (json_object_is_type(v, json_type_double)) { /* a number beyond int64 (or NaN) is no count: the default */
        double d = json_object_get_double(v);
        return d > -9.2e18 && d < 9.2e18 ? (int64_t)d : dflt;
    }
    return dflt;
}

static int jnum(json_object *o, const char *key, double *out)
{
    json_object *v = jget(o, key);
    if (!v || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))) return -1;
    *out = json_object_get_double(v);
    return isfinite(*out) ? 0 : -1;
}

/* One tensor's dims and strides: numel, and the last ARG_DIMS of each. */
static void tensor_shape(targ *a, json_object *dims, json_object *strides)
{
    size_t nd = json_object_array_length(dims);
    a->numel = 1;
    a->lead = 1;
    a->ndim = nd > ARG_DIMS ? ARG_DIMS : (int)nd;
    for (size_t i = 0; i < nd; i++) {
        int64_t d = json_object_get_int64(json_object_array_get_idx(dims, i));
        if (d < 0) d = 0;
        a->numel = sat_mul(a->numel, d);
        if (i + ARG_DIMS < nd) { a->lead = sat_mul(a->lead, d); continue; }
        size_t j = i + a->ndim - nd;
        a->dims[j] = d;
        json_object *s = strides && json_object_is_type(strides, json_type_array) ? json_object_array_get_idx(strides, i) : NULL;
        a->strides[j] = s ? json_object_get_int64(s) : 0;
    }
}

static int is_reduction(const char *n)
{
    static const char *const r[] = { "sum", "mean", "amax", "amin", "max", "min", "norm", "var", "std", "prod",
                                     "argmax", "argmin", "logsumexp", "all", "any", "nll_loss", "nll_loss2d",
                                     "linalg_vector_norm", "_foreach_norm", "count_nonzero" };
    if (!strncmp(n, "aten::", 6)) n += 6;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) if (!strcmp(n, r[i])) return 1;
    return 0;
}

/* A reduction of every dimension: its dim list (the first ScalarList argument) is "[]"
 * (torch.mean(x) records mean.dim with dim=[]), or it has no dim list and no scalar argument
 * that could be a dim (x.sum(); not max(x, dim), whose dim is a Scalar). */
static int reduces_all(const char *name, json_object *types, json_object *concrete)
{
    if (!is_reduction(name) || !types || !json_object_is_type(types, json_type_array)) return 0;
    size_t n = json_object_array_length(types);
    int scalar = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(types, i);
        const char *ts = t && json_object_is_type(t, json_type_string) ? json_object_get_string(t) : "";
        if (!strcmp(ts, "Scalar")) scalar = 1;
        if (strcmp(ts, "ScalarList")) continue;
        json_object *c = concrete && json_object_is_type(concrete, json_type_array) ? json_object_array_get_idx(concrete, i) : NULL;
        return c && json_object_is_type(c, json_type_string) && !strcmp(json_object_get_string(c), "[]");
    }
    return !scalar;
}

static int add_cpu_op(importer *im, json_object *ev, json_object *args, int line)
{
    cop o = { 0 };
    o.line = line;
    o.ext = jint(args, "External id", 0);
    if (!o.ext) return 0;    /* nothing can link to it */
    json_object *dims = args ? jget(args, "Input Dims") : NULL;
    json_object *strides = args ? jget(args, "Input Strides") : NULL;
    json_object *types = args ? jget(args, "Input type") : NULL;
    o.arg0 = im->args.n;
    if (dims && json_object_is_type(dims, json_type_array)) {
        o.shapes = 1;
        im->saw_shapes = 1;
        size_t n = json_object_array_length(dims);
        for (size_t i = 0; i < n && i < OP_ARGS_MAX; i++) {
            targ a = { .kind = ARG_NONE, .fdt = -1 };
            json_object *d = json_object_array_get_idx(dims, i);
            json_object *s = strides && json_object_is_type(strides, json_type_array) ? json_object_array_get_idx(strides, i) : NULL;
            json_object *t = types && json_object_is_type(types, json_type_array) ? json_object_array_get_idx(types, i) : NULL;
            const char *ts = t && json_object_is_type(t, json_type_string) ? json_object_get_string(t) : "";
            if (d && json_object_is_type(d, json_type_array)) {
                json_object *first = json_object_array_length(d) ? json_object_array_get_idx(d, 0) : NULL;
                if (!strcmp(ts, "TensorList") || (first && json_object_is_type(first, json_type_array))) {
                    a.kind = ARG_LIST;
                    size_t nl = json_object_array_length(d);
                    for (size_t k = 0; k < nl; k++) {
                        json_object *dk = json_object_array_get_idx(d, k);
                        if (!dk || !json_object_is_type(dk, json_type_array)) continue;
                        targ one = { 0 };
                        json_object *sk = s && json_object_is_type(s, json_type_array) ? json_object_array_get_idx(s, k) : NULL;
                        tensor_shape(&one, dk, sk);
                        if (k == 0) { memcpy(a.dims, one.dims, sizeof a.dims); memcpy(a.strides, one.strides, sizeof a.strides); a.ndim = one.ndim; a.lead = one.lead; }
                        a.numel += one.numel;
                    }
                } else {
                    for (size_t k = 0; k < sizeof tensor_types / sizeof tensor_types[0]; k++)
                        if (!strcmp(ts, tensor_types[k].name)) {
                            a.kind = ARG_TENSOR;
                            a.elem_bytes = tensor_types[k].bytes;
                            a.fdt = tensor_types[k].fdt;
                            tensor_shape(&a, d, s);
                            break;
                        }
                }
            }
            if (VEC_PUSH(im->args, a)) return oom(im);
            o.nargs++;
        }
    }
    json_object *nm = jget(ev, "name");
    o.name = strdup(nm && json_object_is_type(nm, json_type_string) ? json_object_get_string(nm) : "?");
    if (o.name) one_line(o.name);
    if (o.name && o.shapes) o.full_reduce = reduces_all(o.name, types, args ? jget(args, "Concrete Inputs") : NULL);
    if (!o.name || VEC_PUSH(im->ops, o)) { free(o.name); return oom(im); }
    return 0;
}

static int rt_kind(const char *n)
{
    if (strstr(n, "GraphLaunch")) return RT_GRAPH;
    if (strstr(n, "Synchronize") || !strcmp(n, "cudaMemcpy") || !strcmp(n, "cudaMemcpy2D") || !strcmp(n, "cudaMemset"))
        return RT_SYNC;
    if (strstr(n, "Launch") || strstr(n, "Memcpy") || strstr(n, "Memset")) return RT_LAUNCH;
    return RT_OTHER;
}

static int add_event(importer *im, json_object *ev, int line)
{
    if (!json_object_is_type(ev, json_type_object))
        return ierr(im, line, "traceEvents: expected an object per event");
    json_object *cat = jget(ev, "cat"), *ph = jget(ev, "ph");
    if (!cat || !json_object_is_type(cat, json_type_string)) return 0;
    const char *c = json_object_get_string(cat);
    int is_gpu = !strcmp(c, "kernel") || !strcmp(c, "gpu_memcpy") || !strcmp(c, "gpu_memset");
    int is_rt = !strcmp(c, "cuda_runtime") || !strcmp(c, "cuda_driver");
    int is_op = !strcmp(c, "cpu_op");
    if (!is_gpu && !is_rt && !is_op) return 0;
    im->saw_profiler_cat = 1;
    if (!ph || !json_object_is_type(ph, json_type_string) || strcmp(json_object_get_string(ph), "X")) return 0;
    json_object *args = jget(ev, "args");
    if (args && !json_object_is_type(args, json_type_object)) args = NULL;
    if (is_op) return add_cpu_op(im, ev, args, line);
    double ts, dur;
    if (jnum(ev, "ts", &ts) || jnum(ev, "dur", &dur) || dur < 0)
        return ierr(im, line, "traceEvents: a %s event needs numbers \"ts\" and \"dur\" >= 0 (microseconds)", c);
    json_object *nm = jget(ev, "name");
    const char *name = nm && json_object_is_type(nm, json_type_string) ? json_object_get_string(nm) : "?";
    if (is_rt) {
        rtev r = { jint(args, "correlation", 0), jint(args, "External id", 0), ts, dur, rt_kind(name) };
        if (r.what == RT_OTHER) return 0;
        return VEC_PUSH(im->rts, r) ? oom(im) : 0;
    }
    gev g = { 0 };
    g.cat = !strcmp(c, "kernel") ? G_KERNEL : !strcmp(c, "gpu_memcpy") ? G_MEMCPY : G_MEMSET;
    g.ts_us = ts;
    g.dur_us = dur;
    g.stream = jint(args, "stream", 0);
    g.corr = jint(args, "correlation", 0);
    g.ext = jint(args, "External id", 0);
    g.bytes = jint(args, "bytes", 0);
    g.threads = 0;
    json_object *grid = args ? jget(args, "grid") : NULL, *block = args ? jget(args, "block") : NULL;
    if (grid && block && json_object_is_type(grid, json_type_array) && json_object_is_type(block, json_type_array)) {
        int64_t t = 1;
        for (size_t i = 0; i < json_object_array_length(grid); i++) t = sat_mul(t, json_object_get_int64(json_object_array_get_idx(grid, i)));
        g.blocks = t > 0 ? t : 0;
        for (size_t i = 0; i < json_object_array_length(block); i++) t = sat_mul(t, json_object_get_int64(json_object_array_get_idx(block, i)));
        g.threads = t > 0 ? t : 0;
    }
    g.order = im->gevs.n;
    g.line = line;
    g.name = strdup(name);
    one_line(g.name);
    if (!g.name || VEC_PUSH(im->gevs, g)) { free(g.name); return oom(im); }
    return 0;
}

/* ------------------------------------------------------------ the scanner */

typedef struct jscan {
    importer *im;
    FILE *in;
    unsigned char buf[1 << 16];
    size_t pos, len;
    int line;
    json_tokener *tok;
    char *text;              /* the value being captured */
    size_t tlen, tcap;
} jscan;

static int sc_peek(jscan *s)
{
    if (s->pos == s->len) {
        s->len = fread(s->buf, 1, sizeof s->buf, s->in);
        s->pos = 0;
        if (!s->len) return EOF;
    }
    return s->buf[s->pos];
}

static int sc_get(jscan *s)
{
    int c = sc_peek(s);
    if (c == EOF) return EOF;
    s->pos++;
    if (c == '\n') s->line++;
    return c;
}

static int sc_ws(jscan *s)
{
    int c;
    while ((c = sc_peek(s)) == ' ' || c == '\t' || c == '\r' || c == '\n') sc_get(s);
    return c;
}

static int sc_push(jscan *s, int c)
{
    if (s->tlen + 2 > s->tcap) {
        if (s->tcap > ((size_t)1 << 30)) return ierr(s->im, s->line, "a single JSON value larger than 1 GiB");
        size_t cap = s->tcap ? s->tcap * 2 : 4096;
        char *t = realloc(s->text, cap);
        if (!t) return oom(s->im);
        s->text = t;
        s->tcap = cap;
    }
    s->text[s->tlen++] = (char)c;
    return 0;
}

static int sc_eof(jscan *s) { return ierr(s->im, s->line, "not JSON: the file ends in the middle of a value"); }

/* Captures the next JSON value's text (objects and arrays by bracket depth, strings
 * to their closing quote, literals to the next delimiter) and parses it with json-c. */
static int sc_value(jscan *s, json_object **out, int *start_line)
{
    int rc;
    s->tlen = 0;
    sc_ws(s);
    *start_line = s->line;
    int c = sc_get(s);
    if (c == EOF) return sc_eof(s);
    if ((rc = sc_push(s, c))) return rc;
    if (c == '{' || c == '[') {
        int depth = 1, instr = 0, esc = 0;
        while (depth) {
            c = sc_get(s);
            if (c == EOF) return sc_eof(s);
            if ((rc = sc_push(s, c))) return rc;
            if (instr) {
                if (esc) esc = 0;
                else if (c == '\\') esc = 1;
                else if (c == '"') instr = 0;
            } else if (c == '"') instr = 1;
            else if (c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') depth--;
        }
    } else if (c == '"') {
        int esc = 0;
        for (;;) {
            c = sc_get(s);
            if (c == EOF) return sc_eof(s);
            if ((rc = sc_push(s, c))) return rc;
            if (esc) esc = 0;
            else if (c == '\\') esc = 1;
            else if (c == '"') break;
        }
    } else {
        while ((c = sc_peek(s)) != EOF && !strchr(",}] \t\r\n", c))
            if ((rc = sc_push(s, sc_get(s)))) return rc;
    }
    s->text[s->tlen] = 0;
    json_tokener_reset(s->tok);
    /* len + 1: the NUL tells json-c the value ends here (a bare number needs it) */
    json_object *o = json_tokener_parse_ex(s->tok, s->text, (int)s->tlen + 1);
    enum json_tokener_error je = json_tokener_get_error(s->tok);
    if (!o && je == json_tokener_success) { *out = NULL; return 0; } /* the literal null */
    if (je != json_tokener_success || json_tokener_get_parse_end(s->tok) < s->tlen) {
        json_object_put(o);
        int line = *start_line;
        size_t end = json_tokener_get_parse_end(s->tok);
        for (size_t i = 0; i < end && i < s->tlen; i++) line += s->text[i] == '\n';
        return ierr(s->im, line, "not JSON: %s", je != json_tokener_success ? json_tokener_error_desc(je) : "unexpected text after a value");
    }
    *out = o;
    return 0;
}

static int sc_events(jscan *s)
{
    int c = sc_ws(s);
    if (c == ']') { sc_get(s); return 0; }
    for (;;) {
        json_object *ev = NULL;
        int line, rc = sc_value(s, &ev, &line);
        if (rc) return rc;
        rc = add_event(s->im, ev, line);
        json_object_put(ev);
        if (rc) return rc;
        c = sc_ws(s);
        sc_get(s);
        if (c == ']') return 0;
        if (c != ',') return c == EOF ? sc_eof(s) : ierr(s->im, s->line, "not JSON: expected ',' or ']' in traceEvents");
    }
}

/* Reads a key string; keeps up to 63 characters of it. */
static int sc_key(jscan *s, char *key, size_t keylen)
{
    size_t n = 0;
    int esc = 0, c;
    for (;;) {
        c = sc_get(s);
        if (c == EOF) return sc_eof(s);
        if (!esc && c == '"') break;
        esc = !esc && c == '\\';
        if (n + 1 < keylen) key[n++] = (char)c;
    }
    key[n] = 0;
    return 0;
}

static int sc_document(jscan *s)
{
    int c = sc_ws(s);
    if (c == 0xEF) { sc_get(s); sc_get(s); sc_get(s); c = sc_ws(s); } /* UTF-8 byte-order mark */
    if (c == EOF) return ierr(s->im, 0, "empty file: expected a PyTorch profiler trace (Chrome trace JSON)");
    int rc, found = 0;
    if (c == '[') { /* a bare event array is a valid Chrome trace too */
        sc_get(s);
        if ((rc = sc_events(s))) return rc;
        found = 1;
    } else if (c == '{') {
        sc_get(s);
        c = sc_ws(s);
        if (c == '}') sc_get(s);
        else for (;;) {
            char key[64];
            sc_ws(s);
            if (sc_get(s) != '"') return ierr(s->im, s->line, "not JSON: expected a quoted key");
            if ((rc = sc_key(s, key, sizeof key))) return rc;
            if (sc_ws(s) != ':') return ierr(s->im, s->line, "not JSON: expected ':' after \"%s\"", key);
            sc_get(s);
            c = sc_ws(s);
            if (!strcmp(key, "traceEvents")) {
                if (c != '[') return ierr(s->im, s->line, "traceEvents: expected an array of events");
                sc_get(s);
                if ((rc = sc_events(s))) return rc;
                found = 1;
            } else {
                json_object *v = NULL;
                int line;
                if ((rc = sc_value(s, &v, &line))) return rc;
                json_object_put(v);
            }
            c = sc_ws(s);
            sc_get(s);
            if (c == '}') break;
            if (c != ',') return c == EOF ? sc_eof(s) : ierr(s->im, s->line, "not JSON: expected ',' or '}' after the value of \"%s\"", key);
        }
    } else {
        return ierr(s->im, s->line, "not JSON: expected '{' (a Chrome trace object) or '[' (an event array), found '%c'",
                    c >= 32 && c < 127 ? c : '?');
    }
    if (sc_ws(s) != EOF) return ierr(s->im, s->line, "not JSON: unexpected text after the top-level value");
    if (!found)
        return ierr(s->im, 0, "not a PyTorch profiler trace: no \"traceEvents\" array (expected the Chrome trace JSON that torch.profiler writes)");
    return 0;
}

/* ------------------------------------------------------------------ linking */

static int cmp_cop(const void *a, const void *b)
{
    int64_t x = ((const cop *)a)->ext, y = ((const cop *)b)->ext;
    return (x > y) - (x < y);
}
static int cmp_rt(const void *a, const void *b)
{
    int64_t x = ((const rtev *)a)->corr, y = ((const rtev *)b)->corr;
    return (x > y) - (x < y);
}
static int cmp_gev(const void *a, const void *b)
{
    const gev *x = a, *y = b;
    if (x->ts_us != y->ts_us) return x->ts_us < y->ts_us ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const cop *find_op(const importer *im, int64_t ext)
{
    if (!ext || !im->ops.n) return NULL;
    cop key = { .ext = ext };
    return bsearch(&key, im->ops.v, im->ops.n, sizeof key, cmp_cop);
}
static const rtev *find_rt(const importer *im, int64_t corr)
{
    if (!corr || !im->rts.n) return NULL;
    rtev key = { .corr = corr };
    return bsearch(&key, im->rts.v, im->rts.n, sizeof key, cmp_rt);
}

static const char *const gemm_ops[] = { "aten::mm", "aten::addmm", "aten::matmul", "aten::linear", "aten::bmm",
                                        "aten::baddbmm", "aten::_addmm_activation", "aten::_scaled_mm", "aten::addbmm" };
static int is_gemm_op(const char *n)
{
    for (size_t i = 0; i < sizeof gemm_ops / sizeof gemm_ops[0]; i++) if (!strcmp(n, gemm_ops[i])) return 1;
    return 0;
}

/* Layout letter of a matrix operand in its logical orientation: n = row-major,
 * t = stored transposed (column-major). A non-contiguous view reads as n. */
static char layout_of(const targ *a)
{
    if (a->ndim < 2) return 'n';
    int64_t R = a->dims[a->ndim - 2], C = a->dims[a->ndim - 1];
    int64_t sr = a->strides[a->ndim - 2], sc = a->strides[a->ndim - 1];
    if (sc == 1 && (sr >= C || R == 1)) return 'n';
    if (sr == 1 && (sc >= R || C == 1)) return 't';
    return 'n';
}

typedef struct gemm_shape { int64_t m, n, k, batch; int dt; char la, lb; int bias; } gemm_shape;

static const targ *op_arg(const importer *im, const cop *o, int i)
{
    return i < o->nargs ? &im->args.v[o->arg0 + i] : NULL;
}

/* The GEMM an aten op computes, from its operand shapes; 0, or -1 when the shapes
 * do not give one. */
static int gemm_of(const importer *im, const cop *o, const char *kernel, gemm_shape *g)
{
    const char *n = o->name;
    int ia = 0, ib = 1, linear = !strcmp(n, "aten::linear");
    if (!strcmp(n, "aten::addmm") || !strcmp(n, "aten::baddbmm") || !strcmp(n, "aten::_addmm_activation") ||
        !strcmp(n, "aten::addbmm")) { ia = 1; ib = 2; }
    const targ *A = op_arg(im, o, ia), *B = op_arg(im, o, ib);
    if (!A || !B || A->kind != ARG_TENSOR || B->kind != ARG_TENSOR || A->ndim < 1 || B->ndim < 1) return -1;
    memset(g, 0, sizeof *g);
    g->batch = 1;
    int64_t rows = A->ndim >= 2 ? A->dims[A->ndim - 2] : 1;
    int64_t lead_a = A->lead;
    for (int i = 0; i < A->ndim - 2; i++) lead_a = sat_mul(lead_a, A->dims[i]);
    g->k = A->dims[A->ndim - 1];
    g->la = layout_of(A);
    if (linear) { /* weight [N, K]: B stored transposed */
        g->m = sat_mul(rows, lead_a);
        g->n = B->ndim >= 2 ? B->dims[B->ndim - 2] : 1;
        g->lb = layout_of(B) == 'n' ? 't' : 'n';
    } else if (B->ndim >= 3 || (A->ndim >= 3 && !strcmp(n, "aten::bmm")) || !strcmp(n, "aten::baddbmm")) {
        g->batch = lead_a;       /* batched: folded into m below */
        g->m = rows;
        g->n = B->dims[B->ndim - 1];
        g->lb = layout_of(B);
    } else {
        g->m = sat_mul(rows, lead_a); /* matmul of [.., M, K] by [K, N] */
        g->n = B->ndim >= 2 ? B->dims[B->ndim - 1] : 1;
        g->lb = layout_of(B);
    }
    if (g->m < 1 || g->n < 1 || g->k < 1) return -1;
    /* a 1-D bias (addmm's self, linear's third argument): cuBLASLt's bias epilogue */
    const targ *bv = linear ? op_arg(im, o, 2) : strstr(n, "addmm") ? op_arg(im, o, 0) : NULL;
    g->bias = bv && bv->kind == ARG_TENSOR && bv->ndim == 1;
    g->m = sat_mul(g->m, g->batch); /* the batch folded into m (no batch= in the trace format yet) */
    if (A->fdt == DT_FP32) g->dt = kernel && strstr(kernel, "tf32") ? DT_TF32 : DT_FP32;
    else if (A->fdt >= 0) g->dt = A->fdt;
    else g->dt = DT_FP32; /* double or integer GEMMs: nearest the model has */
    return 0;
}

/* Ops whose first argument is overwritten without being read. */
static int writes_only_self(const char *n)
{
    static const char *const w[] = { "aten::copy_", "aten::fill_", "aten::zero_", "aten::normal_", "aten::uniform_",
                                     "aten::random_", "aten::bernoulli_", "aten::exponential_", "aten::_foreach_zero_",
                                     "aten::_foreach_copy_" };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) if (!strcmp(n, w[i])) return 1;
    return 0;
}

/* Fused optimizer steps update several tensor lists in place (Adam: params, exp_avg,
 * exp_avg_sq); other in-place ops only their first. Counted as that many leading
 * lists: the lists are all the params' size, so the bytes are the same. */
static int lists_written(const char *n)
{
    static const struct { const char *op; int lists; } t[] = {
        { "aten::_fused_adam_", 3 }, { "aten::_fused_adamw_", 3 }, { "aten::_fused_sgd_", 2 },
        { "aten::_fused_adagrad_", 2 },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) if (!strcmp(n, t[i].op)) return t[i].lists;
    return 1;
}

typedef struct elt_shape { int64_t elems, in, out; int dt; double flops; } elt_shape;

/* Element-wise description of an aten op from its tensor arguments; -1 when it has none. */
static int eltwise_of(const importer *im, const cop *o, const char *kernel, elt_shape *e)
{
    int64_t E = 0;
    int dt = -1, list_bytes = 0, first = -1, min_bytes = 0;
    for (int i = 0; i < o->nargs; i++) {
        const targ *a = op_arg(im, o, i);
        if (a->kind == ARG_NONE) continue;
        if (first < 0) first = i;
        if (a->numel > E) E = a->numel;
        if (a->kind == ARG_TENSOR && a->elem_bytes && !list_bytes) list_bytes = a->elem_bytes;
    }
    if (first < 0) return -1;
    if (!list_bytes) { /* a TensorList carries no dtype: the kernel's template does */
        if (kernel && strstr(kernel, "BFloat16")) list_bytes = 2;
        else if (kernel && strstr(kernel, "Half")) list_bytes = 2;
        else list_bytes = 4;
    }
    /* the narrowest tensor type sets the unit, so in= and out= carry a mixed-dtype
     * op's bytes exactly (an fp32 -> bf16 copy: bf16 with in=2 out=1) */
    for (int i = 0; i < o->nargs; i++) {
        const targ *a = op_arg(im, o, i);
        if (a->kind == ARG_NONE) continue;
        int b = a->elem_bytes ? a->elem_bytes : list_bytes;
        int fdt = a->kind == ARG_TENSOR ? a->fdt
                : kernel && strstr(kernel, "BFloat16") ? DT_BF16 : kernel && strstr(kernel, "Half") ? DT_FP16 : DT_FP32;
        if (!min_bytes || b < min_bytes || (b == min_bytes && dt < 0 && fdt >= 0)) {
            if (!min_bytes || b < min_bytes) dt = -1;
            min_bytes = b;
            if (fdt >= 0 && dtype_bytes((dtype_id)fdt) == b) dt = fdt;
        }
    }
    if (dt < 0) dt = min_bytes == 1 ? DT_FP8 : min_bytes == 2 ? DT_BF16 : DT_FP32;
    if (E < 1) E = 1;
    int nargs = o->nargs;
    /* out= overloads the profiler records with the output as the last argument */
    if (!strcmp(o->name, "aten::mse_loss_backward") && nargs == 5) nargs = 4;
    size_t nl = strlen(o->name);
    int inplace = nl > 1 && o->name[nl - 1] == '_' && o->name[nl - 2] != '_';
    int wonly = writes_only_self(o->name);
    double in_b = 0, out_b = 0;
    int written = lists_written(o->name), seen = 0;
    for (int i = 0; i < nargs; i++) {
        const targ *a = op_arg(im, o, i);
        if (a->kind == ARG_NONE) continue;
        double b = (double)a->numel * (a->elem_bytes ? a->elem_bytes : list_bytes);
        if (seen++ < written && (inplace || wonly)) {
            out_b += b;
            if (wonly) continue;
        }
        in_b += b;
    }
    int db = dtype_bytes((dtype_id)dt);
    if (!inplace && !wonly && !is_reduction(o->name)) out_b = (double)E * db;
    double unit = (double)E * db;
    e->elems = E;
    e->dt = dt;
    double rin = in_b / unit, rout = out_b / unit;
    e->in = rin > 16 ? 16 : (int64_t)llround(rin);
    e->out = rout > 16 ? 16 : (int64_t)llround(rout);
    e->flops = eltwise_flops_per_elem(o->name);
    return 0;
}

/* ----------------------------------------------------------------- writing */

/* A kernel's name without its parameter list, cut to a comment's length. */
static void short_kernel(const char *k, char *out, size_t outlen)
{
    if (!strncmp(k, "void ", 5)) k += 5;
    size_t n = 0;
    int depth = 0;
    for (; k[n]; n++) {
        if (k[n] == '<') depth++;
        else if (k[n] == '>') depth--;
        else if (k[n] == '(' && depth <= 0 && n > 0 && strncmp(k + n, "(anonymous namespace)", 21)) break;
    }
    size_t lim = outlen - 4;
    if (n > lim) { memcpy(out, k, lim); strcpy(out + lim, "..."); }
    else { memcpy(out, k, n); out[n] = 0; }
    for (char *p = out; *p; p++) if (*p == '\n' || *p == '\r') *p = ' ';
}

static void op_label(const char *aten, const char *fallback, int seq, char *out, size_t outlen)
{
    const char *s = aten ? aten : fallback;
    if (!strncmp(s, "aten::", 6)) s += 6;
    char b[41];
    size_t n = 0;
    for (; *s && n < sizeof b - 1; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        b[n++] = ok ? c : '_';
    }
    b[n] = 0;
    snprintf(out, outlen, "%s_%d", n ? b : "op", seq);
}

typedef struct stream_map { int64_t id[64]; int n; } stream_map;

static int64_t stream_of(stream_map *m, int64_t id)
{
    for (int i = 0; i < m->n; i++) if (m->id[i] == id) return i;
    if (m->n < 64) { m->id[m->n] = id; return m->n++; }
    return 63; /* more streams than the trace format has: the rest share the last */
}

typedef struct unm { char what[200]; int count; } unm;

static int note_unmapped(unm *list, int *n, int cap, const char *what)
{
    for (int i = 0; i < *n; i++) if (!strcmp(list[i].what, what)) { list[i].count++; return 0; }
    if (*n == cap) return 0;
    snprintf(list[*n].what, sizeof list[*n].what, "%s", what);
    list[(*n)++].count = 1;
    return 0;
}

#define UNM_CAP 64

static int write_trace(importer *im, const torch_import_opts *opts, FILE *out, FILE *diag, torch_import_summary *S)
{
    gev *G = im->gevs.v;
    size_t n = im->gevs.n;
    if (im->ops.n) qsort(im->ops.v, im->ops.n, sizeof *im->ops.v, cmp_cop);
    if (im->rts.n) qsort(im->rts.v, im->rts.n, sizeof *im->rts.v, cmp_rt);
    qsort(G, n, sizeof *G, cmp_gev); /* n > 0: checked by the caller */

    /* per GPU event: its launch call, its aten op, and (for GEMMs) its group */
    const rtev **rt = calloc(n ? n : 1, sizeof *rt);
    const cop **op = calloc(n ? n : 1, sizeof *op);
    size_t *lead = malloc((n ? n : 1) * sizeof *lead);      /* GEMM: the group's first event; else itself */
    size_t *gend = malloc((n ? n : 1) * sizeof *gend);      /* a group's last event (at its lead) */
    int *is_gemm = calloc(n ? n : 1, sizeof *is_gemm);
    double *share = malloc((n ? n : 1) * sizeof *share);    /* eltwise: this kernel's share of its op */
    double *sync_ts = malloc((im->rts.n ? im->rts.n : 1) * sizeof *sync_ts);
    double *sync_dur = malloc((im->rts.n ? im->rts.n : 1) * sizeof *sync_dur);
    unm *un = calloc(UNM_CAP, sizeof *un);
    size_t *opfirst = NULL;
    if (!rt || !op || !lead || !gend || !is_gemm || !share || !sync_ts || !sync_dur || !un) goto nomem;
    /* the host's synchronising calls in time order, with their durations */
    size_t nsync = 0;
    for (size_t i = 0; i < im->rts.n; i++) nsync += im->rts.v[i].what == RT_SYNC;
    {
        size_t k = 0;
        double *pairs = malloc((nsync ? nsync : 1) * 2 * sizeof *pairs);
        if (!pairs) goto nomem;
        for (size_t i = 0; i < im->rts.n; i++)
            if (im->rts.v[i].what == RT_SYNC) { pairs[2 * k] = im->rts.v[i].ts_us; pairs[2 * k + 1] = im->rts.v[i].dur_us; k++; }
        if (nsync) qsort(pairs, nsync, 2 * sizeof *pairs, cmp_double);
        for (size_t i = 0; i < nsync; i++) { sync_ts[i] = pairs[2 * i]; sync_dur[i] = pairs[2 * i + 1]; }
        free(pairs);
    }

    opfirst = malloc((im->ops.n ? im->ops.n : 1) * sizeof *opfirst);
    double *opthreads = calloc(im->ops.n ? im->ops.n : 1, sizeof *opthreads);
    if (!opfirst || !opthreads) { free(opthreads); goto nomem; }
    for (size_t i = 0; i < im->ops.n; i++) opfirst[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        rt[i] = find_rt(im, G[i].corr);
        op[i] = find_op(im, G[i].ext ? G[i].ext : rt[i] ? rt[i]->ext : 0);
        lead[i] = i;
        gend[i] = i;
        if (op[i] && G[i].cat != G_MEMCPY) {
            size_t oi = (size_t)(op[i] - im->ops.v);
            gemm_shape gs;
            if (is_gemm_op(op[i]->name) && gemm_of(im, op[i], G[i].name, &gs) == 0) {
                is_gemm[i] = 1;
                if (opfirst[oi] == SIZE_MAX) opfirst[oi] = i;
                lead[i] = opfirst[oi];
                gend[lead[i]] = i;
            } else if (G[i].cat == G_KERNEL) {
                opthreads[oi] += G[i].threads > 0 ? (double)G[i].threads : 1;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        share[i] = 1;
        if (op[i] && !is_gemm[i] && G[i].cat == G_KERNEL) {
            double tot = opthreads[op[i] - im->ops.v];
            share[i] = tot > 0 ? (G[i].threads > 0 ? (double)G[i].threads : 1) / tot : 1;
        }
    }
    free(opthreads);

    /* the launch window of each emitted op (a GEMM: over its whole group) */
    double *ls = malloc((n ? n : 1) * sizeof *ls), *le = malloc((n ? n : 1) * sizeof *le);
    if (!ls || !le) { free(ls); free(le); goto nomem; }
    for (size_t i = 0; i < n; i++) { ls[i] = INFINITY; le[i] = -INFINITY; }
    for (size_t i = 0; i < n; i++) {
        if (!rt[i]) continue;
        size_t l = lead[i];
        if (rt[i]->ts_us < ls[l]) ls[l] = rt[i]->ts_us;
        if (rt[i]->ts_us + rt[i]->dur_us > le[l]) le[l] = rt[i]->ts_us + rt[i]->dur_us;
    }

    stream_map sm = { .n = 0 };
    int nun = 0, graph = 0, seq = 0, rc = 0;
    double prev_le = NAN, prev_ls = NAN;
    int prev_blocks = 0;         /* the previous op's launch call blocked on its copy (pageable) */
    int64_t d2h_seen = 0;        /* the largest pageable d2h so far (bytes): host pages already touched */
    double prev_copy_us = 0;     /* that copy's GPU time */
    double charge = opts && opts->eager_gap_us > 0 ? opts->eager_gap_us : 0;
    /* what gpusim charges per launch by what the launch calls (0 in opts: as a kernel) */
    double charge_gemm = opts && opts->eager_gemm_us > 0 ? opts->eager_gemm_us : charge;
    double charge_copy = opts && opts->eager_copy_us > 0 ? opts->eager_copy_us : charge;
    double prev_charge = charge;
    const char *prev_key = "host.eager_gap_us";
    fprintf(out, "# imported by gpusim import from %s: %zu GPU events, in GPU time order\n", im->name, n);
    fprintf(out, "# each op is preceded by '# aten op | kernel'. Host time between launches is a `cpu` op: the\n");
    fprintf(out, "# profile's gap between two launch calls (less synchronising calls), plus the earlier launch call,\n");
    fprintf(out, "# less what gpusim charges per launch (host.eager_gap_us = %g us, host.eager_gemm_us = %g us for a GEMM,\n"
                 "# host.eager_copy_us = %g us for a copy); after a pageable copy that blocked\n", charge, charge_gemm, charge_copy);
    fprintf(out, "# the host, only its call's time beyond the copy's GPU time, and nothing subtracted\n");
    fprintf(out, "mode eager\n");
    for (size_t i = 0; i < n; i++) {
        if (lead[i] != i) { S->folded++; continue; }
        const gev *g = &G[i];
        const cop *o = op[i];
        int gmode = rt[i] && rt[i]->what == RT_GRAPH;
        /* host side between the previous op's launch and this one's */
        if (isfinite(ls[i]) && !isnan(prev_le) && !gmode) {
            double lo = prev_le, hi = ls[i], waited = 0, first_sync = hi;
            int synced = 0;
            size_t a = 0, b = nsync;
            while (a < b) { /* the first sync at or after lo */
                size_t m = (a + b) / 2;
                if (sync_ts[m] < lo) a = m + 1; else b = m;
            }
            for (size_t k = a; k < nsync && sync_ts[k] < hi; k++) {
                if (!synced) first_sync = sync_ts[k];
                synced = 1;
                waited += sync_dur[k];
            }
            double gap = hi - lo - waited;
            if (gap < 0) gap = 0;
            /* the host work before the first sync (with the previous launch call, less the launch
             * charge), and after it; a blocking launch call is the copy, which gpusim blocks on:
             * only what the call took beyond the copy's GPU time is host work */
            double call = prev_le - prev_ls - (prev_blocks ? prev_copy_us : 0);
            if (call < 0) call = 0;
            double pre = first_sync - lo < gap ? first_sync - lo : gap;
            double post = gap - pre;
            double cpu_pre = pre + call - (prev_blocks ? 0 : prev_charge);
            if (gap >= 0.05 || call >= 0.05) {
                fprintf(out, "# host gap %.1f us", gap);
                if (prev_blocks) fprintf(out, " + %.1f us of the blocking (pageable) copy's call beyond its %.1f us on the GPU",
                                         call, prev_copy_us);
                else fprintf(out, " + %.1f us launch call - %g us %s", call, prev_charge, prev_key);
                if (synced) fprintf(out, "; %.1f us of it after the sync", post);
                fprintf(out, "\n");
                S->host_gaps++;
                S->host_gap_us += gap;
            }
            if (!(cpu_pre <= CPU_MAX_US && post <= CPU_MAX_US)) { /* also NaN */
                rc = ierr(im, g->line, "ts: %.6g us of host time before this event, beyond the trace format's limit "
                          "(cpu us= at most %g)", cpu_pre > post ? cpu_pre : post, CPU_MAX_US);
                break;
            }
            if (cpu_pre < 0) S->overcharged_us -= cpu_pre;
            if (cpu_pre >= 0.005) {
                fprintf(out, "cpu name=host_%d us=%.2f\n", seq + 1, cpu_pre);
                S->cpu_ops++;
                S->cpu_us += cpu_pre;
            }
            if (synced) { fprintf(out, "sync\n"); S->syncs++; }
            if (synced && post >= 0.005) {
                fprintf(out, "cpu name=host_%d_after_sync us=%.2f\n", seq + 1, post);
                S->cpu_ops++;
                S->cpu_us += post;
            }
        }
        if (isfinite(le[i])) {
            prev_le = le[i];
            prev_ls = ls[i];
            prev_blocks = g->cat == G_MEMCPY && g->bytes > 0 && strstr(g->name, "Pageable") &&
                          (strstr(g->name, "HtoD") || strstr(g->name, "DtoH"));
            prev_copy_us = g->dur_us;
            int copy_call = g->cat == G_MEMCPY && !is_gemm[i];
            prev_charge = is_gemm[i] ? charge_gemm : copy_call ? charge_copy : charge;
            prev_key = is_gemm[i] ? "host.eager_gemm_us" : copy_call ? "host.eager_copy_us" : "host.eager_gap_us";
        }
        if (gmode != graph) { fprintf(out, "mode %s\n", gmode ? "graph" : "eager"); graph = gmode; }
        if (gmode) S->graph_ops++;
        int64_t st = stream_of(&sm, g->stream);
        char kname[200], label[64];
        if (g->cat == G_KERNEL) short_kernel(g->name, kname, sizeof kname);
        else snprintf(kname, sizeof kname, "%s", g->name);
        seq++;
        S->ops++;
        if (is_gemm[i]) {
            gemm_shape gs;
            gemm_of(im, o, g->name, &gs);
            /* name the main kernel (the longest) and the helpers folded in */
            size_t main_k = i;
            int helpers = 0;
            for (size_t j = i; j <= gend[i]; j++)
                if (lead[j] == i) {
                    if (j != i) helpers++;
                    if (G[j].cat == G_KERNEL && (G[main_k].cat != G_KERNEL || G[j].dur_us > G[main_k].dur_us)) main_k = j;
                }
            short_kernel(G[main_k].name, kname, sizeof kname);
            fprintf(out, "# %s | %s", o->name, kname);
            if (helpers) {
                fprintf(out, " (+%d folded in:", helpers);
                for (size_t j = i, shown = 0; j <= gend[i] && shown < 4; j++)
                    if (lead[j] == i && j != main_k) {
                        char h[200];
                        short_kernel(G[j].name, h, 60);
                        fprintf(out, " %s%s", shown ? ", " : "", h);
                        shown++;
                    }
                fprintf(out, ")");
            }
            fprintf(out, "\n");
            if (gs.batch > 1) fprintf(out, "# batch=%lld folded into m (the trace format has no batch= yet)\n", (long long)gs.batch);
            op_label(o->name, "gemm", seq, label, sizeof label);
            if (gs.m > IMP_MAX_DIM || gs.n > IMP_MAX_DIM || gs.k > IMP_MAX_DIM || (double)gs.m * (double)gs.n * (double)gs.k > 9.0e18) {
                rc = ierr(im, o->line, "Input Dims: %s computes a %lldx%lldx%lld GEMM, beyond the trace format's limits "
                          "(each dim at most 2^31, m*n*k at most 9e18)", o->name, (long long)gs.m, (long long)gs.n, (long long)gs.k);
                break;
            }
            fprintf(out, "gemm name=%s m=%lld n=%lld k=%lld dtype=%s layout=%c%c%s stream=%lld\n", label,
                    (long long)gs.m, (long long)gs.n, (long long)gs.k, dtype_name((dtype_id)gs.dt), gs.la, gs.lb,
                    gs.bias ? " bias=1" : "", (long long)st);
            S->gemm++;
            continue;
        }
        if (g->cat == G_MEMCPY) {
            const char *dir = strstr(g->name, "HtoD") ? "h2d" : strstr(g->name, "DtoH") ? "d2h"
                            : (strstr(g->name, "DtoD") || strstr(g->name, "PtoP")) ? "d2d" : NULL;
            if (dir && g->bytes > IMP_MAX_COUNT) { rc = ierr(im, g->line, "bytes: %lld, more than 2^50", (long long)g->bytes); break; }
            if (dir && g->bytes > 0) {
                int pinned = !strstr(g->name, "Pageable");
                /* a pageable destination the host has not held this much memory for yet: fresh pages */
                int fresh = !pinned && !strcmp(dir, "d2h") && g->bytes >= IMP_MMAP_THRESHOLD && g->bytes > d2h_seen;
                if (!pinned && !strcmp(dir, "d2h") && g->bytes > d2h_seen) d2h_seen = g->bytes;
                if (fresh) {
                    fprintf(out, "# first_touch: the profile's first pageable d2h of %lld bytes or more: a new host buffer "
                                 "(malloc: fresh pages)\n", (long long)g->bytes);
                    S->first_touch++;
                }
                fprintf(out, "# %s | %s\n", o ? o->name : "-", kname);
                op_label(NULL, dir, seq, label, sizeof label);
                fprintf(out, "copy name=%s dir=%s bytes=%lld pinned=%d%s stream=%lld\n", label, dir, (long long)g->bytes,
                        pinned, fresh ? " first_touch=1" : "", (long long)st);
                S->copy++;
                continue;
            }
        }
        if (g->cat == G_MEMSET && g->bytes > IMP_MAX_COUNT) { rc = ierr(im, g->line, "bytes: %lld, more than 2^50", (long long)g->bytes); break; }
        if (g->cat == G_MEMSET && g->bytes > 0) {
            fprintf(out, "# %s | %s\n", o ? o->name : "-", kname);
            op_label(NULL, "memset", seq, label, sizeof label);
            fprintf(out, "eltwise name=%s elems=%lld dtype=fp8 in=0 out=1 flops=0 stream=%lld\n", label, (long long)g->bytes,
                    (long long)st);
            S->memset++;
            continue;
        }
        elt_shape es;
        if (g->cat == G_KERNEL && o && o->shapes && eltwise_of(im, o, g->name, &es) == 0) {
            double elf = (double)es.elems * share[i];
            if (elf > (double)IMP_MAX_COUNT) {
                rc = ierr(im, o->line, "Input Dims: %s has %.3g elements, more than 2^50", o->name, elf);
                break;
            }
            int64_t el = (int64_t)llround(elf);
            if (el < 1) el = 1;
            fprintf(out, "# %s | %s\n", o->name, kname);
            if (o->full_reduce && strstr(g->name, "reduce_kernel") &&
                (es.dt == DT_FP32 || es.dt == DT_FP16 || es.dt == DT_BF16)) {
                /* a reduction to one value: PyTorch's reduce_kernel, gpusim's `reduce` op */
                op_label(o->name, "reduce", seq, label, sizeof label);
                fprintf(out, "reduce name=%s elems=%lld dtype=%s stream=%lld\n", label, (long long)el,
                        dtype_name((dtype_id)es.dt), (long long)st);
                S->reduce++;
                continue;
            }
            op_label(o->name, "eltwise", seq, label, sizeof label);
            fprintf(out, "eltwise name=%s elems=%lld dtype=%s in=%lld out=%lld flops=%g", label, (long long)el,
                    dtype_name((dtype_id)es.dt), (long long)es.in, (long long)es.out, es.flops);
            /* the kernel's own grid: gpusim uses it where it is smaller than its one CTA per slice
             * (a grid-stride kernel on few SMs, as multi_tensor_apply and single-CTA reductions are) */
            if (g->blocks > 0 && g->blocks <= IMP_MAX_CTAS) fprintf(out, " ctas=%lld", (long long)g->blocks);
            fprintf(out, " stream=%lld\n", (long long)st);
            S->eltwise++;
            continue;
        }
        /* unmapped: memory-bound eltwise from what the event itself says */
        int64_t bytes = g->bytes > 0 ? g->bytes : 0;
        if (bytes > IMP_MAX_COUNT || g->threads > IMP_MAX_COUNT) {
            rc = ierr(im, g->line, "%s: more than 2^50 bytes or threads", g->cat == G_KERNEL ? "grid x block" : "bytes");
            break;
        }
        const char *why = g->cat == G_MEMCPY ? "copy direction not h2d/d2h/d2d"
                        : !o ? "no aten op links to it" : !o->shapes ? "its aten op has no shapes (record_shapes=False?)"
                        : "its aten op has no tensor inputs";
        fprintf(out, "# %s | %s | unmapped: %s\n", o ? o->name : "-", kname, why);
        op_label(NULL, "unmapped", seq, label, sizeof label);
        if (bytes)
            fprintf(out, "eltwise name=%s elems=%lld dtype=fp8 in=1 out=1 flops=0 stream=%lld\n", label,
                    (long long)(bytes + 1) / 2 > 0 ? (long long)(bytes + 1) / 2 : 1, (long long)st);
        else
            fprintf(out, "eltwise name=%s elems=%lld dtype=fp32 in=1 out=1 flops=0 stream=%lld\n", label,
                    (long long)(g->threads > 0 ? g->threads : 1), (long long)st);
        char what[200];
        snprintf(what, sizeof what, "%s | %.100s (%s)", o ? o->name : "-", kname, why);
        note_unmapped(un, &nun, UNM_CAP, what);
        S->unmapped++;
    }
    free(ls);
    free(le);
    if (!rc && diag && S->unmapped) {
        fprintf(diag, "gpusim import: %s: %d GPU event%s not mapped, written as memory-bound eltwise:\n", im->name,
                S->unmapped, S->unmapped == 1 ? "" : "s");
        for (int i = 0; i < nun; i++) fprintf(diag, "  %dx %s\n", un[i].count, un[i].what);
        if (nun == UNM_CAP) fprintf(diag, "  (more kinds not listed)\n");
    }
    free(rt); free(op); free(lead); free(gend); free(is_gemm); free(share); free(sync_ts); free(sync_dur); free(un); free(opfirst);
    return rc;
nomem:
    free(rt); free(op); free(lead); free(gend); free(is_gemm); free(share); free(sync_ts); free(sync_dur); free(un); free(opfirst);
    return oom(im);
}

int torch_import(FILE *in, const char *name, const torch_import_opts *opts, FILE *out, FILE *diag,
                 torch_import_summary *sum, char *err, size_t errlen)
{
    importer im = { .name = name, .err = err, .errlen = errlen };
    jscan *s = calloc(1, sizeof *s);
    if (!s) return oom(&im);
    s->im = &im;
    s->in = in;
    s->line = 1;
    s->tok = json_tokener_new();
    int rc = s->tok ? sc_document(s) : oom(&im);
    if (!rc && ferror(in)) rc = ierr(&im, 0, "read error");
    if (!rc && !im.saw_profiler_cat)
        rc = ierr(&im, 0, "not a PyTorch profiler trace: its traceEvents have no cpu_op, cuda_runtime or GPU events");
    if (!rc && im.gevs.n == 0)
        rc = ierr(&im, 0, "no GPU activity in this profile (kernel, gpu_memcpy, gpu_memset events): profile with "
                          "activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]");
    torch_import_summary S = { 0 };
    S.gpu_events = (int)im.gevs.n;
    if (!rc) rc = write_trace(&im, opts, out, diag, &S);
    if (!rc && (fflush(out) || ferror(out))) { snprintf(err, errlen, "%s: cannot write the trace", name); rc = -1; }
    if (!rc && sum) *sum = S;
    if (!rc && diag && !im.saw_shapes)
        fprintf(diag, "gpusim import: %s: no \"Input Dims\": record the profile with record_shapes=True\n", name);
    if (s->tok) json_tokener_free(s->tok);
    free(s->text);
    free(s);
    for (size_t i = 0; i < im.ops.n; i++) free(im.ops.v[i].name);
    for (size_t i = 0; i < im.gevs.n; i++) free(im.gevs.v[i].name);
    free(im.ops.v);
    free(im.rts.v);
    free(im.gevs.v);
    free(im.args.v);
    return rc;
}
