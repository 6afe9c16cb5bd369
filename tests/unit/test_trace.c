/* test_trace.c: every op kind, FILE:LINE errors, unknown keys, unusual valid input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "engine/errors.h"
#include "ops/op_control.h"
#include "ops/op_copy.h"
#include "ops/op_eltwise.h"
#include "ops/op_gemm.h"
#include "ops/op_micro.h"
#include "ops/optable.h"
#include "trace/trace.h"

static char err[1024];

static trace *parse_ok(const char *text)
{
    trace *t = NULL;
    int rc = trace_parse(&t, "t.trace", text, strlen(text), err, sizeof err);
    if (rc) fail_msg("unexpected error: %s", err);
    return t;
}

static void parse_err(const char *text, const char *needle)
{
    trace *t = (trace *)0x1;
    assert_int_equal(trace_parse(&t, "t.trace", text, strlen(text), err, sizeof err), GPUSIM_EINPUT);
    assert_ptr_equal(t, (trace *)0x1);
    if (!strstr(err, needle)) fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_all_ops(void **state)
{
    (void)state;
    trace *t = parse_ok(
        "# comment\n"
        "mode graph\n"
        "copy name=in dir=h2d bytes=4096 pinned=0 stream=1\n"
        "gemm name=g m=64 n=128 k=784 dtype=bf16 tile=128x128x64 stages=3 warps=4 group_m=8\n"
        "eltwise name=e elems=8192 dtype=fp16 in=2 out=1 flops=5 repeat=7\n"
        "sync\n"
        "flush\n"
        "chase footprint=8192 hops=100\n"
        "stream bytes=1048576 sms=4\n"
        "mode eager   # trailing comment\n");
    assert_int_equal(t->n, 9);
    const trace_op *o = t->ops;
    assert_ptr_equal(op_type_of(&o[0]), &op_mode);
    assert_int_equal(((const mode_params *)o[0].params)->mode, LAUNCH_GRAPH);
    assert_ptr_equal(op_type_of(&o[1]), &op_copy);
    const copy_params *cp = o[1].params;
    assert_int_equal(cp->pinned, 0);
    assert_int_equal(cp->dir, DIR_H2D);
    assert_int_equal(cp->bytes, 4096);
    assert_int_equal(o[1].stream, 1);
    const gemm_params *gp = o[2].params;
    assert_int_equal(gp->tile_n, 128);
    assert_int_equal(gp->dtype, DT_BF16);
    assert_int_equal(gp->stages, 3);
    assert_int_equal(gp->group_m, 8);
    assert_int_equal(gp->split_k, 0); /* absent: the mapping chooses */
    assert_int_equal(o[2].line, 4);
    assert_true(op_flops(&o[2]) == 2.0 * 64 * 128 * 784);
    assert_int_equal(op_dtype(&o[2]), DT_BF16);
    const eltwise_params *ep = o[3].params;
    assert_int_equal(ep->in, 2);
    assert_int_equal(o[3].repeat, 7);
    assert_int_equal(o[2].repeat, 1);
    assert_int_equal(o[0].repeat, 1);
    assert_true(ep->flops_per_elem == 5);
    assert_true(op_flops(&o[3]) == 5.0 * 8192);
    assert_ptr_equal(op_type_of(&o[5]), &op_flush);
    assert_null(o[5].params);
    assert_int_equal(op_dtype(&o[5]), -1);
    assert_int_equal(((const chase_params *)o[6].params)->hops, 100);
    assert_int_equal(((const stream_params *)o[7].params)->sms, 4);
    assert_int_equal(((const mode_params *)o[8].params)->mode, LAUNCH_EAGER);
    assert_string_equal(trace_op_name(t, &t->ops[4]), "sync@6");
    trace_destroy(t);
    trace_destroy(NULL);
}

/* Ops of one kind with the same params share one copy; any difference (a key, the kind) gets its own. */
static void test_params_interned(void **state)
{
    (void)state;
    enum { N = 3000, D = 700 }; /* past the interning table's first sizes */
    size_t cap = (size_t)N * 64 + 256, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < N; i++)
        used += (size_t)snprintf(text + used, cap - used, "eltwise name=e%d elems=%d dtype=fp16 stream=%d\n", i, 1024 + i % D, i % 4);
    used += (size_t)snprintf(text + used, cap - used, "eltwise elems=1024 dtype=bf16\nmode graph\nmode graph\nmode eager\n");
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "t.trace", text, used, err, sizeof err), 0);
    free(text);
    assert_int_equal(t->n, N + 4);
    for (int i = 0; i < N; i++) {
        const eltwise_params *p = t->ops[i].params;
        assert_int_equal(p->elems, 1024 + i % D);
        assert_int_equal(p->dtype, DT_FP16);
        assert_int_equal(t->ops[i].stream, i % 4);
        if (i >= D) assert_ptr_equal(t->ops[i].params, t->ops[i - D].params);
        if (i % D) assert_ptr_not_equal(t->ops[i].params, t->ops[i - 1].params);
    }
    assert_ptr_not_equal(t->ops[N].params, t->ops[0].params); /* dtype differs */
    assert_int_equal(((const eltwise_params *)t->ops[N].params)->dtype, DT_BF16);
    assert_ptr_equal(t->ops[N + 1].params, t->ops[N + 2].params);
    assert_ptr_not_equal(t->ops[N + 2].params, t->ops[N + 3].params);
    assert_int_equal(((const mode_params *)t->ops[N + 3].params)->mode, LAUNCH_EAGER);
    trace_destroy(t);
}

typedef struct got { char *s; size_t n; } got;
static int take(void *ctx, const char *p, size_t n)
{
    got *g = ctx;
    memcpy(g->s + g->n, p, n);
    g->n += n;
    return 0;
}

/* Read a chunk at a time, a trace parses as it does whole: lines across chunks, the byte-order mark,
 * the last line without its newline, the same errors at the same lines. */
static void test_load_stream(void **state)
{
    (void)state;
    char path[] = "/tmp/gpusim_test_trace_XXXXXX";
    size_t cap = 4u << 20, n = 0;
    char *text = malloc(cap), *err2 = malloc(sizeof err);
    got g = { malloc(cap), 0 };
    assert_true(text && err2 && g.s);
    for (int bad = 0; bad < 2; bad++) {
        n = (size_t)snprintf(text, cap, "\xEF\xBB\xBF# bom\n");
        for (int i = 0; n + 200 < cap - 100; i++)
            n += (size_t)snprintf(text + n, cap - n, "eltwise name=e%d elems=%d dtype=fp16 stream=%d%s\n", i, 1024 + i % 37, i % 4,
                                  i % 5 == 0 ? "   # a comment" : i % 7 == 0 ? "\r" : "");
        n += (size_t)snprintf(text + n, cap - n, bad ? "eltwise elems=0\n" : "sync");
        snprintf(path, sizeof path, "/tmp/gpusim_test_trace_XXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, n), (ssize_t)n);
        close(fd);
        trace *a = NULL, *b = NULL;
        g.n = 0;
        int ra = trace_parse(&a, path, text, n, err2, sizeof err);
        int rb = trace_load_stream(&b, path, take, &g, err, sizeof err);
        unlink(path);
        assert_int_equal(ra, bad ? GPUSIM_EINPUT : 0);
        assert_int_equal(rb, ra);
        if (bad) { assert_string_equal(err, err2); continue; }
        assert_int_equal(g.n, n);
        assert_memory_equal(g.s, text, n);
        assert_int_equal(a->n, b->n);
        assert_int_equal(a->names_len, b->names_len);
        assert_memory_equal(a->names, b->names, a->names_len);
        for (size_t i = 0; i < a->n; i++) {
            assert_int_equal(a->ops[i].kind, b->ops[i].kind);
            assert_int_equal(a->ops[i].line, b->ops[i].line);
            assert_int_equal(a->ops[i].stream, b->ops[i].stream);
            assert_int_equal(a->ops[i].repeat, b->ops[i].repeat);
            assert_int_equal(a->ops[i].name_off, b->ops[i].name_off);
            size_t sz = op_type_of(&a->ops[i])->params_size;
            if (sz) assert_memory_equal(a->ops[i].params, b->ops[i].params, sz);
        }
        trace_destroy(a);
        trace_destroy(b);
    }
    free(text);
    free(err2);
    free(g.s);
}

static void test_errors(void **state)
{
    (void)state;
    parse_err("gemm m=1 n=2 k=3\nbogus x=1\n", "t.trace:2: unknown op 'bogus'");
    parse_err("gemm m=1 n=2 k=3 colour=red\n", "t.trace:1: colour: unknown key for gemm");
    parse_err("gemm m=1 n=2\n", "t.trace:1: k: required by gemm");
    parse_err("copy dir=d2h bytes=4096 pinned=0 zero_page=1\n", "t.trace:1: zero_page=1: only a pageable (pinned=0) h2d copy");
    parse_err("copy dir=h2d bytes=4096 zero_page=1\n", "zero_page=1: only a pageable");
    parse_err("copy dir=h2d bytes=4096 pinned=0 first_touch=1\n", "t.trace:1: first_touch=1: only a pageable (pinned=0) d2h copy");
    parse_err("copy dir=d2h bytes=4096 first_touch=1\n", "first_touch=1: only a pageable");
    parse_err("\n\ngemm m=0 n=2 k=3\n", "t.trace:3: m: expected an integer");
    parse_err("gemm m=1 n=2 k=3 dtype=fp64\n", "dtype: expected fp16, bf16, tf32, fp32 or fp8");
    parse_err("gemm m=2147483648 n=2147483648 k=2147483648\n", "overflows");
    parse_err("gemm m=99999999999999999999 n=2 k=3\n", "m: expected an integer");
    parse_err("gemm m=1 n=2 k=3 tile=128x128\n", "tile: expected MxNxK");
    parse_err("copy dir=sideways bytes=3\n", "dir: expected h2d, d2h or d2d");
    parse_err("copy bytes=3\n", "dir: required by copy");
    parse_err("mode fast\n", "mode: expected 'graph' or 'eager'");
    parse_err("gemm m=1 n=2 k=3 m=4\n", "m: given twice");
    parse_err("gemm m=1 n=2 k\n", "'k': expected key=value");
    parse_err("# only a comment\n", "no operations");
    parse_err("stream bytes=10\n", "sms: required by stream");
    parse_err("gemm m=1 n=2 k=3 repeat=0\n", "repeat: expected an integer in [1, 1000000000], got '0'");
    parse_err("flush repeat=2 repeat=3\n", "repeat: given twice");
    parse_err("gemm m=1 n=2 k=3 repeat=1.5\n", "repeat: expected an integer");
    char nul[] = "gemm m=1 n=2 k=3\n\0\n";
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "t.trace", nul, sizeof nul - 1, err, sizeof err), GPUSIM_EINPUT);
}

static void test_unusual_valid(void **state)
{
    (void)state;
    trace *t = parse_ok("\xEF\xBB\xBFgemm\tm=1\tn=2 k=3   \r\n\r\n  eltwise elems=4\r\n");
    assert_int_equal(t->n, 2);
    const eltwise_params *ep = t->ops[1].params;
    assert_int_equal(ep->elems, 4);
    /* defaults from the table */
    assert_int_equal(ep->dtype, DT_FP16);
    assert_int_equal(ep->in, 1);
    assert_int_equal(ep->out, 1);
    assert_true(ep->flops_per_elem == 1);
    const gemm_params *gp = t->ops[0].params;
    assert_int_equal(gp->trans_a + gp->trans_b + gp->tile_m + gp->stages, 0);
    trace_destroy(t);
}

/* Issue 10: a NUL byte is an error at its line; lines over 1023 bytes (a comment,
 * an op) are one line each, and the lines after them keep their numbers. */
static void test_nul_and_long_lines(void **state)
{
    (void)state;
    static const char nul[] = "gemm m=1 n=1 k=1\neltwise elems=4\0 dtype=fp16\n";
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "t.trace", nul, sizeof nul - 1, err, sizeof err), GPUSIM_EINPUT);
    if (!strstr(err, "t.trace:2: NUL byte")) fail_msg("%s", err);
    size_t n = 3000;
    char *text = malloc(n + 200);
    assert_non_null(text);
    memset(text, ' ', n + 200);
    text[0] = '#';
    memcpy(text + n, "\ngemm m=1 n=1 k=1\ngemm m=1 n=1 k=1 bogus=1\n", 43);
    assert_int_equal(trace_parse(&t, "t.trace", text, n + 43, err, sizeof err), GPUSIM_EINPUT);
    if (!strstr(err, "t.trace:3: bogus")) fail_msg("%s", err);
    /* a long valid line: 2000 bytes of spaces between keys */
    memcpy(text, "gemm m=1", 8);
    memcpy(text + n, " n=1 k=1\nsync\n", 14);
    if (trace_parse(&t, "t.trace", text, n + 14, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(t->n, 2);
    assert_int_equal(t->ops[1].line, 2);
    trace_destroy(t);
    free(text);
}

static void test_workloads_parse(void **state)
{
    (void)state;
    const char *files[] = { "mlp.trace", "mlp_train.trace", "ffn_4k.trace", "gemm_8192.trace" };
    for (int i = 0; i < 4; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/workloads/%s", SRC_DIR, files[i]);
        trace *t = NULL;
        if (trace_load(&t, path, err, sizeof err)) fail_msg("%s", err);
        assert_true(t->n > 0);
        trace_destroy(t);
    }
    trace *t = NULL;
    assert_int_equal(trace_load(&t, "/nonexistent.trace", err, sizeof err), GPUSIM_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_ops),
        cmocka_unit_test(test_params_interned),
        cmocka_unit_test(test_load_stream),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unusual_valid),
        cmocka_unit_test(test_nul_and_long_lines),
        cmocka_unit_test(test_workloads_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
