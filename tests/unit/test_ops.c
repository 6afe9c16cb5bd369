/* test_ops.c: the op-type table's invariants, checked on every row (so a new
 * row is tested by being added), and the layernorm and cpu op kinds end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "common.h"
#include "engine/errors.h"
#include "kernels/runner.h"
#include "ops/op_cpu.h"
#include "ops/op_layernorm.h"
#include "ops/op_reduce.h"
#include "ops/op_softmax.h"
#include "ops/optable.h"

static char err[1024];

static int parse(trace **t, const char *text) { return trace_parse(t, "t.trace", text, strlen(text), err, sizeof err); }

static trace *parse_ok(const char *text)
{
    trace *t = NULL;
    if (parse(&t, text)) fail_msg("'%s': unexpected error: %s", text, err);
    return t;
}

static void parse_err(const char *text, const char *needle)
{
    trace *t = NULL;
    if (parse(&t, text) != GPUSIM_EINPUT) fail_msg("'%s' parsed", text);
    if (!strstr(err, needle)) fail_msg("'%s': error '%s' lacks '%s'", text, err, needle);
}

/* A valid value for key k (custom keys: listed here; a new custom key must be added). */
static void sample(const op_key *k, char *buf, size_t len)
{
    switch (k->type) {
    case KEY_INT: snprintf(buf, len, "%lld", (long long)k->lo); return;
    case KEY_NUM: snprintf(buf, len, "%.17g", k->lo); return;
    case KEY_CHOICE: snprintf(buf, len, "%s", k->choices[0]); return;
    case KEY_DTYPE: snprintf(buf, len, "fp32"); return;
    case KEY_CUSTOM:
        if (!strcmp(k->name, "tile")) { snprintf(buf, len, "64x64x32"); return; }
        if (!strcmp(k->name, "layout")) { snprintf(buf, len, "nt"); return; }
        if (!strcmp(k->name, "src")) { snprintf(buf, len, "b"); return; }
        fail_msg("custom key %s: give test_ops.c a sample value", k->name);
    }
}

/* "KIND req1=v req2=v" (+ extra), the shortest valid line of a kind. */
static void minimal_line(const op_type *ty, const char *extra, size_t skip_required, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "%s", ty->name);
    for (size_t i = 0; i < ty->nkeys; i++) {
        char v[64];
        if (!ty->keys[i].required || i == skip_required) continue;
        sample(&ty->keys[i], v, sizeof v);
        used += (size_t)snprintf(buf + used, len - used, " %s=%s", ty->keys[i].name, v);
    }
    snprintf(buf + used, len - used, "%s%s\n", extra ? " " : "", extra ? extra : "");
}

static void test_rows_well_formed(void **state)
{
    (void)state;
    assert_true(op_type_count() >= 10);
    for (size_t i = 0; i < op_type_count(); i++) {
        const op_type *ty = op_type_at(i);
        size_t at = 99;
        assert_ptr_equal(op_type_find(ty->name, &at), ty);
        assert_int_equal(at, i);
        assert_true(strlen(ty->name) > 0 && strlen(ty->name) < sizeof ((op_result *)0)->kind);
        assert_non_null(ty->syntax);
        assert_non_null(ty->doc);
        assert_true(ty->nkeys <= OP_MAX_KEYS);
        assert_true(ty->nkeys == 0 || ty->params_size > 0);
        if (ty->flags & OPF_KERNEL) assert_non_null(ty->start);
        if (!ty->start) assert_false(ty->flags & (OPF_KERNEL | OPF_TIMED_INSIDE | OPF_BLOCKS_HOST));
        if (ty->flags & OPF_WORD) {
            assert_int_equal(ty->nkeys, 1);
            assert_int_equal(ty->keys[0].type, KEY_CHOICE);
        }
        int ndtype = 0;
        for (size_t k = 0; k < ty->nkeys; k++) {
            const op_key *key = &ty->keys[k];
            assert_non_null(key->doc);
            assert_true(strcmp(key->name, "name") && strcmp(key->name, "stream"));
            for (size_t j = 0; j < k; j++) assert_true(strcmp(key->name, ty->keys[j].name));
            if (key->type == KEY_CUSTOM) {
                assert_non_null(key->parse);
                assert_non_null(key->expect);
                assert_false(key->required);
                continue;
            }
            assert_true((size_t)key->off + key->size <= ty->params_size);
            if (key->type == KEY_INT) assert_true(key->size == 1 || key->size == 2 || key->size == 4 || key->size == 8);
            if (key->type == KEY_NUM) assert_int_equal(key->size, sizeof(double));
            if (key->type == KEY_CHOICE || key->type == KEY_DTYPE) assert_int_equal(key->size, sizeof(int));
            if (key->type == KEY_CHOICE) assert_non_null(key->choices);
            if (key->type == KEY_INT || key->type == KEY_NUM) assert_true(key->lo <= key->hi);
            if (key->required) assert_null(key->def_doc);
            ndtype += key->type == KEY_DTYPE;
        }
        assert_true(ndtype <= 1);
        /* its example is a valid op of its kind */
        trace *t = parse_ok(ty->syntax);
        assert_ptr_equal(op_type_of(&t->ops[0]), ty);
        trace_destroy(t);
    }
}

/* Every kind: the minimal line parses with every default in place; each
 * required key is required; each key may be given once; out-of-range and
 * unknown keys are errors naming the key. */
static void test_reader_follows_table(void **state)
{
    (void)state;
    char line[1024], extra[256], v[64], need[128];
    for (size_t i = 0; i < op_type_count(); i++) {
        const op_type *ty = op_type_at(i);
        if (ty->flags & OPF_WORD) {
            for (size_t c = 0; ty->keys[0].choices[c]; c++) {
                snprintf(line, sizeof line, "%s %s\n", ty->name, ty->keys[0].choices[c]);
                trace *t = parse_ok(line);
                assert_int_equal(op_key_get_int(t->ops[0].params, &ty->keys[0]), (int64_t)c);
                trace_destroy(t);
            }
            snprintf(line, sizeof line, "%s bogus\n", ty->name);
            parse_err(line, "expected");
            continue;
        }
        minimal_line(ty, NULL, SIZE_MAX, line, sizeof line);
        trace *t = parse_ok(line);
        for (size_t k = 0; k < ty->nkeys; k++) {
            const op_key *key = &ty->keys[k];
            if (key->required || key->type == KEY_CUSTOM) continue;
            if (key->type == KEY_NUM) {
                double d;
                memcpy(&d, (const char *)t->ops[0].params + key->off, sizeof d);
                assert_true(d == key->def);
            } else {
                assert_int_equal(op_key_get_int(t->ops[0].params, key), (int64_t)key->def);
            }
        }
        trace_destroy(t);
        for (size_t k = 0; k < ty->nkeys; k++) {
            const op_key *key = &ty->keys[k];
            if (key->required) {
                minimal_line(ty, NULL, k, line, sizeof line);
                snprintf(need, sizeof need, "t.trace:1: %s: required by %s", key->name, ty->name);
                parse_err(line, need);
            }
            sample(key, v, sizeof v);
            snprintf(extra, sizeof extra, "%s=%s %s=%s", key->name, v, key->name, v);
            if (key->required) {
                snprintf(extra, sizeof extra, "%s=%s", key->name, v);
                minimal_line(ty, extra, SIZE_MAX, line, sizeof line); /* required + once more */
            } else {
                minimal_line(ty, extra, SIZE_MAX, line, sizeof line);
            }
            snprintf(need, sizeof need, "t.trace:1: %s: given twice", key->name);
            parse_err(line, need);
            if (key->type == KEY_INT) {
                snprintf(extra, sizeof extra, "%s=%lld", key->name, (long long)key->hi + 1);
                minimal_line(ty, extra, key->required ? k : SIZE_MAX, line, sizeof line);
                snprintf(need, sizeof need, "t.trace:1: %s: expected an integer in [", key->name);
                parse_err(line, need);
            }
        }
        minimal_line(ty, "name=a name=b", SIZE_MAX, line, sizeof line);
        parse_err(line, "name: given twice");
        minimal_line(ty, "stream=1 stream=1", SIZE_MAX, line, sizeof line);
        parse_err(line, "stream: given twice");
        minimal_line(ty, "no_such_key=1", SIZE_MAX, line, sizeof line);
        snprintf(need, sizeof need, "no_such_key: unknown key for %s (takes: name stream repeat", ty->name);
        parse_err(line, need);
    }
}

static void test_reference_lists_every_key(void **state)
{
    (void)state;
    char *buf = NULL, needle[128];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    trace_write_reference(f);
    fclose(f);
    for (size_t i = 0; i < op_type_count(); i++) {
        const op_type *ty = op_type_at(i);
        snprintf(needle, sizeof needle, "\n## %s\n", ty->name);
        if (!strstr(buf, needle)) fail_msg("reference lacks %s", ty->name);
        if (ty->flags & OPF_WORD) continue;
        for (size_t k = 0; k < ty->nkeys; k++) {
            snprintf(needle, sizeof needle, "| `%s` |", ty->keys[k].name);
            if (!strstr(strstr(buf, "\n## "), needle)) fail_msg("reference lacks %s's %s", ty->name, ty->keys[k].name);
        }
    }
    free(buf);
}

/* ---- layernorm ---- */

static void test_layernorm_parse(void **state)
{
    (void)state;
    trace *t = parse_ok("layernorm name=ln rows=4 cols=768 dtype=bf16\nlayernorm rows=2 cols=8\n");
    const layernorm_params *p = t->ops[0].params;
    assert_int_equal(p->rows, 4);
    assert_int_equal(p->cols, 768);
    assert_int_equal(op_dtype(&t->ops[0]), DT_BF16);
    assert_true(op_flops(&t->ops[0]) == 4.0 * 768 * LAYERNORM_FLOPS_PER_ELEM);
    /* x and y, plus gamma and beta */
    assert_int_equal(op_footprint(&t->ops[0]), (2 * 4 * 768 + 2 * 768) * 2);
    assert_true(op_flags(&t->ops[0]) & OPF_KERNEL);
    assert_int_equal(op_dtype(&t->ops[1]), DT_FP16);
    assert_string_equal(trace_op_name(t, &t->ops[1]), "layernorm@2");
    trace_destroy(t);
    parse_err("layernorm rows=4\n", "t.trace:1: cols: required by layernorm");
    parse_err("layernorm rows=4 cols=8 dtype=fp8\n", "t.trace:1: dtype: layernorm takes fp16, bf16 or fp32, got fp8");
    parse_err("layernorm rows=2147483648 cols=2147483648\n", "rows*cols = 4.61e+18 elements is more than 2^50");
    parse_err("layernorm rows=4 cols=8 elems=3\n", "elems: unknown key for layernorm (takes: name stream repeat rows cols dtype)");
}

static run_result sim(const gpu_config *c, const char *text)
{
    trace *t = parse_ok(text);
    run_result r;
    if (runner_run(c, t, &r, err, sizeof err)) fail_msg("%s", err);
    trace_destroy(t);
    return r;
}

static double us(const op_result *o) { return (double)(o->end_ps - o->start_ps) / 1e6; }

static void test_layernorm_runs_memory_bound(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    /* 8192 x 4096 bf16: 64 MiB in, 64 MiB out: a DRAM-bound pass, like an element-wise op of the same size */
    run_result ln = sim(&c, "flush\nlayernorm name=ln rows=8192 cols=4096 dtype=bf16\n");
    run_result el = sim(&c, "flush\neltwise name=e elems=33554432 dtype=bf16 flops=8\n");
    const op_result *l = &ln.ops[1], *e = &el.ops[1];
    assert_string_equal(l->kind, "layernorm");
    assert_string_equal(l->dtype, "bf16");
    assert_string_equal(l->bound, "dram");
    assert_true(l->flops == 8192.0 * 4096 * LAYERNORM_FLOPS_PER_ELEM);
    double in = 8192.0 * 4096 * 2;
    assert_true((double)l->dram_bytes >= in);          /* x read once from DRAM (written output may sit in L2) */
    assert_true((double)l->dram_bytes <= 2 * in * 1.05); /* ... and not twice */
    double ratio = us(l) / us(e);
    if (ratio < 0.9 || ratio > 1.1) fail_msg("layernorm %.2f us vs eltwise %.2f us", us(l), us(e));
    double floor_us = in / (config_peak_dram_gbps(&c) * 1e3);
    assert_true(us(l) > floor_us);                     /* no faster than reading x at the DRAM peak */
    run_result_free(&ln);
    run_result_free(&el);
}

static void test_layernorm_reads_gamma_beta(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    /* one long row: gamma and beta (2 x 16 MiB) are twice the input (16 MiB); all of it comes from DRAM */
    run_result r = sim(&c, "flush\nlayernorm rows=1 cols=8388608 dtype=fp16\n");
    double x = 8388608.0 * 2;
    if ((double)r.ops[1].dram_bytes < 3 * x * 0.99) fail_msg("dram_bytes %llu < x + gamma + beta", (unsigned long long)r.ops[1].dram_bytes);
    /* and the op lasts until they are in: longer than the same row without them */
    run_result e = sim(&c, "flush\neltwise elems=8388608 dtype=fp16 flops=8\n");
    assert_true(us(&r.ops[1]) > us(&e.ops[1]));
    run_result_free(&r);
    run_result_free(&e);
}

/* ---- softmax ---- */

static double softmax_us(const char *sets_text, const char *line)
{
    const char *sets[1] = { sets_text };
    gpu_config c = test_config(sets_text ? sets : NULL, sets_text ? 1 : 0);
    run_result r = sim(&c, line);
    double t = us(&r.ops[1]);
    assert_string_equal(r.ops[1].kind, "softmax");
    run_result_free(&r);
    return t;
}

static void test_softmax_parse(void **state)
{
    (void)state;
    trace *t = parse_ok("softmax name=s rows=16 cols=4096\n");
    const softmax_params *p = t->ops[0].params;
    assert_int_equal(p->rows, 16);
    assert_int_equal(p->cols, 4096);
    assert_int_equal(p->dtype, DT_FP16);
    trace_destroy(t);
    parse_err("softmax rows=4\n", "t.trace:1: cols: required by softmax");
    parse_err("softmax rows=4 cols=8 dtype=fp8\n", "t.trace:1: dtype: softmax takes fp16, bf16 or fp32, got fp8");
}

/* Long rows: one CTA per row, two block-wide reductions on each row's critical path. Many rows
 * (4224 of 4096): the reductions' latency, not the bytes, sets the time; removing them must show. */
static void test_softmax_block_reductions(void **state)
{
    (void)state;
    const char *line = "flush\nsoftmax name=s rows=4224 cols=4096 dtype=fp16\n";
    double base = softmax_us("sm.block_reduce_cycles=1200", line);
    double none = softmax_us("sm.block_reduce_cycles=0", line);
    if (base < 1.5 * none) fail_msg("reductions cost too little: %.2f us vs %.2f us without", base, none);
    /* and slower than reading and writing its bytes at the DRAM peak */
    gpu_config c = test_config(NULL, 0);
    double floor_us = 2.0 * 4224 * 4096 * 2 / (config_peak_dram_gbps(&c) * 1e3);
    assert_true(base > 1.5 * floor_us);
}

/* Short rows: one warp per row; a lone warp on a row of 1024 is bound by its chain of dependent
 * operations (cuda.dependent_op_cycles), so 16 rows of 1024 take longer than 16 rows of 256. */
static void test_softmax_warp_chain(void **state)
{
    (void)state;
    double r1024 = softmax_us(NULL, "flush\nsoftmax name=s rows=16 cols=1024\n");
    double r256 = softmax_us(NULL, "flush\nsoftmax name=s rows=16 cols=256\n");
    double flat = softmax_us("cuda.dependent_op_cycles=1", "flush\nsoftmax name=s rows=16 cols=1024\n");
    if (r1024 < r256 + 2.0) fail_msg("1024-element rows %.2f us vs 256 %.2f us: no dependent chain", r1024, r256);
    assert_true(flat < r1024 - 2.0);
}

/* ---- reduce ---- */

static double reduce_us(const char *sets_text, const char *line)
{
    const char *sets[1] = { sets_text };
    gpu_config c = test_config(sets_text ? sets : NULL, sets_text ? 1 : 0);
    run_result r = sim(&c, line);
    double t = us(&r.ops[r.nops - 1]);
    assert_string_equal(r.ops[r.nops - 1].kind, "reduce");
    run_result_free(&r);
    return t;
}

static void test_reduce_parse(void **state)
{
    (void)state;
    trace *t = parse_ok("reduce name=s elems=4194304\n");
    const reduce_params *p = t->ops[0].params;
    assert_int_equal(p->elems, 4194304);
    assert_int_equal(p->dtype, DT_FP16);
    assert_true(op_flops(&t->ops[0]) == 4194304.0);
    trace_destroy(t);
    parse_err("reduce dtype=fp16\n", "t.trace:1: elems: required by reduce");
    parse_err("reduce elems=8 dtype=fp8\n", "t.trace:1: dtype: reduce takes fp16, bf16 or fp32, got fp8");
}

/* A large input: CTAs meet through global memory, two fences on the critical path (each CTA's
 * before it announces its partial, the last CTA's before it reads them); a small input is one
 * CTA with no fence. Removing the fences must show as their two latencies and no more. */
static void test_reduce_fences(void **state)
{
    (void)state;
    const char *big = "reduce name=w elems=4194304\nreduce name=s elems=4194304\n";
    double base = reduce_us("sm.fence_cycles=4000", big);
    double none = reduce_us("sm.fence_cycles=0", big);
    double two_us = 2 * 4000 / 1980.0;
    if (base - none < 0.8 * two_us || base - none > 1.1 * two_us)
        fail_msg("fences add %.2f us, expected about %.2f", base - none, two_us);
    /* slower than its bytes from L2 even without the fences: a block reduction and two round trips */
    assert_true(none > 1.5);
    const char *small = "reduce name=s elems=640 dtype=fp32\n";
    assert_true(fabs(reduce_us("sm.fence_cycles=4000", small) - reduce_us("sm.fence_cycles=0", small)) < 1e-6);
}

/* ---- cpu ---- */

static void test_cpu_parse(void **state)
{
    (void)state;
    trace *t = parse_ok("cpu name=load us=120.5\ncpu us=0\n");
    assert_true(((const cpu_params *)t->ops[0].params)->us == 120.5);
    assert_string_equal(trace_op_name(t, &t->ops[0]), "load");
    assert_null(op_type_of(&t->ops[0])->start);   /* a host op: no device work */
    assert_int_equal(op_flags(&t->ops[0]) & (OPF_KERNEL | OPF_BLOCKS_HOST | OPF_WAIT_ALL), 0);
    assert_true(op_flops(&t->ops[0]) == 0);
    assert_int_equal(op_footprint(&t->ops[0]), 0);
    trace_destroy(t);
    parse_err("cpu name=x\n", "t.trace:1: us: required by cpu");
    parse_err("cpu us=-1\n", "t.trace:1: us: expected a number in [0, ");
    parse_err("cpu us=5ms\n", "t.trace:1: us: expected a number in [0, ");
    parse_err("cpu us=1 bytes=4\n", "bytes: unknown key for cpu (takes: name stream repeat us)");
}

static const op_result *by_name(const run_result *r, const char *name)
{
    for (size_t i = 0; i < r->nops; i++)
        if (!strcmp(r->ops[i].name, name)) return &r->ops[i];
    fail_msg("no op %s", name);
    return NULL;
}

/* The host works while the GPU runs: a short cpu op hides under a long kernel,
 * a long one delays what is launched after it, never what was launched before. */
static void test_cpu_occupies_host(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double gap = c.host.eager_gemm_us; /* the GEMM's launch call */
    run_result base = sim(&c, "gemm name=g m=4096 n=4096 k=4096\neltwise name=e elems=1024\nsync\n");
    run_result hid = sim(&c, "gemm name=g m=4096 n=4096 k=4096\ncpu name=c us=50\neltwise name=e elems=1024\nsync\n");
    run_result lng = sim(&c, "gemm name=g m=4096 n=4096 k=4096\ncpu name=c us=1000\neltwise name=e elems=1024\nsync\n");
    double g_us = us(by_name(&base, "g"));
    assert_true(g_us > 100);                                   /* long enough to hide 50 us of host work */
    /* the cpu row spans its host time, from after the GEMM's launch */
    const op_result *cr = by_name(&lng, "c");
    assert_string_equal(cr->kind, "cpu");
    assert_string_equal(cr->bound, "host");
    assert_true(us(cr) == 1000);
    assert_true((double)cr->start_ps / 1e6 == gap);
    /* hidden: the GEMM and the total are as without it */
    assert_true(us(by_name(&hid, "g")) == g_us);
    assert_true(hid.total_ps == base.total_ps);
    /* long: the GEMM runs meanwhile, unchanged; the eltwise is launched after the cpu op */
    assert_true(us(by_name(&lng, "g")) == g_us);
    assert_true(by_name(&lng, "g")->end_ps < cr->end_ps);
    assert_true(by_name(&lng, "e")->start_ps >= cr->end_ps);
    double total = (double)lng.total_ps / 1e6;
    double e_gap = c.host.eager_gap_us; /* the eltwise's launch call */
    if (total < gap + 1000 + e_gap || total > gap + 1000 + e_gap + 20) fail_msg("total %.2f us", total);
    run_result_free(&base);
    run_result_free(&hid);
    run_result_free(&lng);
}

/* In graph mode, host work ends the graph segment: what follows is launched again. */
static void test_cpu_splits_graph(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result g = sim(&c, "mode graph\neltwise name=a elems=1024\neltwise name=b elems=1024\ncpu name=c us=30\n"
                           "eltwise name=d elems=1024\nsync\n");
    const op_result *cr = by_name(&g, "c"), *d = by_name(&g, "d");
    assert_true(d->start_ps >= cr->end_ps);
    /* a new graph launch: it pays the launch latency after the host work */
    assert_true((double)(d->end_ps - cr->end_ps) / 1e6 >= c.host.launch_latency_us);
    run_result_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_well_formed),
        cmocka_unit_test(test_reader_follows_table),
        cmocka_unit_test(test_reference_lists_every_key),
        cmocka_unit_test(test_layernorm_parse),
        cmocka_unit_test(test_layernorm_runs_memory_bound),
        cmocka_unit_test(test_layernorm_reads_gamma_beta),
        cmocka_unit_test(test_softmax_parse),
        cmocka_unit_test(test_softmax_block_reductions),
        cmocka_unit_test(test_softmax_warp_chain),
        cmocka_unit_test(test_reduce_parse),
        cmocka_unit_test(test_reduce_fences),
        cmocka_unit_test(test_cpu_parse),
        cmocka_unit_test(test_cpu_occupies_host),
        cmocka_unit_test(test_cpu_splits_graph),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
