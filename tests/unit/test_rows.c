/* test_rows.c: a run that hands its rows to a sink (runner_run_sink, kernels/rows.h) reports what a run
 * that keeps them does: the same rows, in trace order, each once, and the same run figures (totals,
 * overlap, breakdown); a row_spill gives them back unchanged; the overlap's spans closed at the
 * runner's watermark give the unions overlap_compute gives. Each check fails when streaming changes
 * an output: a row out of order or twice, a sum taken in another order, an extrapolated row made
 * differently from the kept array's, a spilled row read back changed. (Whether a row's energy is
 * taken once final is checked by the goldens: both paths share the ring that waits for it.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "common.h"
#include "kernels/rows.h"
#include "kernels/runner.h"
#include "ops/optable.h"

static char err[1024];

/* A sink that keeps copies, checking that rows come in order, each once. */
typedef struct rows_seen {
    op_result *v;
    size_t n, cap;
} rows_seen;

static int see_row(void *ctx, size_t i, const op_result *o)
{
    rows_seen *s = ctx;
    assert_int_equal(i, s->n);
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        assert_non_null(s->v);
    }
    s->v[s->n++] = *o;
    return 0;
}

/* Field by field (padding aside), the temperature as reported. */
static void same_row(const run_result *ra, const op_result *a, const run_result *rb, const op_result *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->kind, b->kind);
    assert_string_equal(a->dtype, b->dtype);
    assert_int_equal(a->dt, b->dt);
    assert_string_equal(run_op_mapping(ra, a), run_op_mapping(rb, b));
    assert_true(a->start_ps == b->start_ps && a->end_ps == b->end_ps);
    assert_true(a->flops == b->flops && a->dram_bytes == b->dram_bytes && a->pcie_bytes == b->pcie_bytes);
    assert_true(a->l2_accesses == b->l2_accesses && a->l2_hits == b->l2_hits);
    assert_true(a->ns_per_load == b->ns_per_load);
    assert_true(a->energy_j == b->energy_j && a->avg_power_w == b->avg_power_w && a->clock_mhz == b->clock_mhz);
    assert_true(run_row_temp(ra, a) == run_row_temp(rb, b));
    assert_string_equal(a->bound, b->bound);
    for (int j = 0; j < BD_RAW_N; j++) assert_true(a->bd_us[j] == b->bd_us[j]);
}

static void same_run(const run_result *a, const run_result *b)
{
    assert_int_equal(a->nops, b->nops);
    assert_true(a->total_ps == b->total_ps && a->flops == b->flops && a->energy_j == b->energy_j);
    assert_true(a->dram_bytes == b->dram_bytes && a->events == b->events && a->temp_c == b->temp_c);
    assert_true(a->clock_mhz == b->clock_mhz && a->peak_power_w == b->peak_power_w);
    assert_memory_equal(&a->ov, &b->ov, sizeof a->ov);
    double pa[BD_N], pb[BD_N];
    run_breakdown(a, pa);
    run_breakdown(b, pb);
    assert_memory_equal(pa, pb, sizeof pa);
    assert_int_equal(a->st.n, b->st.n);
    for (size_t i = 0; i < a->st.n; i++) assert_true(a->st.rows[i].value == b->st.rows[i].value);
}

/* The trace run twice: rows kept, and rows through a sink; both must agree row for row. */
static void kept_vs_sink(const gpu_config *c, const char *text)
{
    trace *t = NULL;
    if (trace_parse(&t, "t.trace", text, strlen(text), err, sizeof err)) fail_msg("%s", err);
    run_result kept, streamed;
    if (runner_run(c, t, &kept, err, sizeof err)) fail_msg("%s", err);
    rows_seen seen = { NULL, 0, 0 };
    run_sink sink = { see_row, &seen };
    if (runner_run_sink(c, t, NULL, &sink, &streamed, err, sizeof err)) fail_msg("%s", err);
    assert_null(streamed.ops);
    assert_int_equal(seen.n, t->n);
    same_run(&kept, &streamed);
    for (size_t i = 0; i < t->n; i++) same_row(&kept, &kept.ops[i], &streamed, &seen.v[i]);
    free(seen.v);
    run_result_free(&kept);
    run_result_free(&streamed);
    trace_destroy(t);
}

/* Streams that overlap (rows finish out of trace order and wait in the ring), host ops (sync and mode
 * take no time: their rows report the run's end temperature), a cpu op, copies, repeat=, a flush. */
static void test_mixed(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    kept_vs_sink(&c, "mode graph\n"
                     "eltwise name=a elems=16777216 dtype=fp16 stream=0\n"
                     "eltwise name=b elems=16777216 dtype=fp16 stream=1\n"
                     "copy name=c dir=h2d bytes=8388608 pinned=1 stream=2\n"
                     "gemm name=g m=1024 n=1024 k=1024 dtype=fp16 stream=3\n"
                     "sync\n"
                     "mode eager\n"
                     "cpu name=h us=3\n"
                     "eltwise name=r elems=1048576 dtype=fp16 repeat=50 stream=0\n"
                     "copy name=d dir=d2h bytes=65536 pinned=0 stream=1\n"
                     "flush name=f\n");
}

/* A periodic trace whose periods are extrapolated (its rows made as they leave) and one whose
 * window never steadies (every row simulated, the tried prefixes' rows spilled), and with
 * sim.loops_before (the first run's rows kept until the second is known to be needed). */
static void test_periodic(void **state)
{
    (void)state;
    size_t cap = 1 << 20, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int i = 0; i < 1400; i++) /* 175 periods of 8: 93 extrapolated */
        n += (size_t)snprintf(text + n, cap - n, i / 4 % 2 ? "eltwise name=e%d elems=262144 dtype=fp16 stream=%d\n"
                                                           : "gemm name=g%d m=256 n=512 k=512 dtype=fp16 stream=%d\n", i, i % 4);
    gpu_config c = test_config(NULL, 0);
    kept_vs_sink(&c, text);
    const char *lb[] = { "sim.loops_before=1000" };
    gpu_config c2 = test_config(lb, 1);
    kept_vs_sink(&c2, text);
    n = 0;
    for (int i = 0; i < 1500; i++) {
        n += (size_t)snprintf(text + n, cap - n, "eltwise name=e%d elems=8192 dtype=fp16 stream=%d\n", i, i % 2);
        if (i % 3 == 2) n += (size_t)snprintf(text + n, cap - n, "sync\n");
    }
    kept_vs_sink(&c, text);
    free(text);
}

static int copy_out(void *ctx, size_t i, const op_result *o)
{
    rows_seen *s = ctx;
    return see_row(s, i, o);
}

/* Rows appended to a row_spill come back in order, unchanged, as many times as they are read. */
static void test_spill(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    const char *text = "eltwise name=a elems=65536 stream=0\ngemm name=g m=512 n=512 k=512 stream=1\nsync\n"
                       "eltwise name=b elems=4096 stream=1\n";
    trace *t = NULL;
    if (trace_parse(&t, "t.trace", text, strlen(text), err, sizeof err)) fail_msg("%s", err);
    run_result kept, spilled;
    if (runner_run(&c, t, &kept, err, sizeof err)) fail_msg("%s", err);
    row_spill *sp = row_spill_create();
    assert_non_null(sp);
    run_sink sink = row_spill_sink(sp);
    if (runner_run_sink(&c, t, NULL, &sink, &spilled, err, sizeof err)) fail_msg("%s", err);
    spilled.spill = sp;
    for (int pass = 0; pass < 2; pass++) {
        rows_seen back = { NULL, 0, 0 };
        assert_int_equal(run_rows_each(&spilled, copy_out, &back), 0);
        assert_int_equal(back.n, t->n);
        for (size_t i = 0; i < t->n; i++) {
            same_row(&kept, &kept.ops[i], &spilled, &back.v[i]);
            assert_true(back.v[i].temp_c == back.v[i].temp_c); /* resolved on reading */
        }
        free(back.v);
    }
    /* rows dropped: nothing to read back */
    run_result dropped;
    run_sink drop = row_drop_sink();
    if (runner_run_sink(&c, t, NULL, &drop, &dropped, err, sizeof err)) fail_msg("%s", err);
    same_run(&kept, &dropped);
    rows_seen none = { NULL, 0, 0 };
    assert_int_equal(run_rows_each(&dropped, copy_out, &none), -1);
    row_spill_destroy(sp);
    run_result_free(&kept);
    run_result_free(&spilled);
    run_result_free(&dropped);
    trace_destroy(t);
}

/* The overlap's unions with spans closed at a watermark (every later span starts at or after it)
 * equal overlap_compute's: 5,000 ops on 3 streams, issued in order, some overlapping, some apart. */
static void test_overlap_watermark(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    enum { N = 5000 };
    trace t;
    memset(&t, 0, sizeof t);
    trace_op *tops = calloc(N, sizeof *tops);
    op_result *rows = calloc(N, sizeof *rows);
    assert_true(tops && rows);
    size_t elt = 0;
    assert_non_null(op_type_find("eltwise", &elt));
    uint64_t issue = 0, free_at[3] = { 0, 0, 0 }, seed = 12345;
    uint64_t issues[N];
    for (size_t i = 0; i < N; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int s = (int)(seed >> 33) % 3;
        issue += (seed >> 40) % 3000;                     /* issue times never decrease */
        issues[i] = issue;
        uint64_t start = issue > free_at[s] ? issue : free_at[s];
        uint64_t end = start + 1 + (seed >> 20) % 5000;
        free_at[s] = end;
        tops[i].kind = (uint8_t)elt;
        tops[i].stream = (uint8_t)s;
        tops[i].repeat = 1;
        rows[i].start_ps = start;
        rows[i].end_ps = end;
        rows[i].dt = -1;
        rows[i].flops = 0;
    }
    t.ops = tops;
    t.n = N;
    stats st;
    memset(&st, 0, sizeof st);
    run_overlap want, got;
    assert_int_equal(overlap_compute(&c, &t, rows, free_at[0] + free_at[1] + free_at[2], 0, &st, &want), 0);
    overlap_acc acc;
    memset(&acc, 0, sizeof acc);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(overlap_acc_add(&acc, &c, &tops[i], &rows[i]), 0);
        if (i + 1 < N) acc.wm_ps = issues[i + 1];         /* no later op starts before its issue */
        assert_true(acc.all.cap <= 1024);                 /* the arrays do not grow with the ops */
    }
    assert_int_equal(overlap_acc_finish(&acc, &c, free_at[0] + free_at[1] + free_at[2], 0, &st, &got), 0);
    assert_memory_equal(&want, &got, sizeof want);
    free(tops);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_spill),
        cmocka_unit_test(test_overlap_watermark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
