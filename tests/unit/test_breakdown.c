/* test_breakdown.c: the per-op time breakdown (kernels/breakdown.h): its parts
 * add up to each op's time for every op kind, the bound is the largest part,
 * and the largest part is the expected one for a compute-bound GEMM, a
 * DRAM-bound GEMV, the launch-bound seed MLP, a power-capped long GEMM and a
 * latency-bound chase. Each check fails when the kernels stop booking their
 * waits (everything would become `tail`) or the runner stops assigning launch
 * gaps or splitting the clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "common.h"
#include "kernels/kernel.h"
#include "kernels/runner.h"
#include "sim_text.h"
#include "ops/optable.h"

static char err[1024];


static double op_us(const op_result *o) { return (double)(o->end_ps - o->start_ps) / 1e6; }

static double part(const op_result *o, bd_label l) { return o->bd_us[l]; }

/* The label of the largest part of o, checked against its bound. */
static int largest(const op_result *o)
{
    int b = 0;
    for (int j = 1; j < BD_N; j++)
        if (o->bd_us[j] > o->bd_us[b]) b = j;
    assert_string_equal(o->bound, bd_labels[b].name);
    return b;
}

static void print_op(const op_result *o)
{
    printf("  %-10s %10.2f us:", o->name, op_us(o));
    for (int j = 0; j < BD_N; j++)
        if (o->bd_us[j] > 0.005 * op_us(o)) printf(" %s %.1f%%", bd_labels[j].name, 100 * o->bd_us[j] / op_us(o));
    printf("\n");
}

/* Every op kind of the op table, with repeats, pageable copies and two streams: the parts sum to the op's time. */
static void test_parts_sum(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    const char *tr =
        "copy name=h2d dir=h2d bytes=1048576 pinned=1\n"
        "copy name=pageable dir=h2d bytes=1048576 pinned=0\n"
        "gemm name=g m=1024 n=1024 k=1024 dtype=fp16\n"
        "gemm name=g32 m=512 n=512 k=512 dtype=fp32 repeat=5\n"
        "gemm name=splitk m=128 n=128 k=65536 dtype=fp16\n"
        "eltwise name=e elems=1048576 dtype=fp16 flops=4 in=2\n"
        "layernorm name=ln rows=1024 cols=1024 dtype=bf16\n"
        "softmax name=sm rows=4096 cols=512 dtype=fp16\n"
        "copy name=d2d dir=d2d bytes=4194304\n"
        "cpu name=host us=20\n"
        "gemm name=s1 m=2048 n=2048 k=2048 stream=1\n"
        "copy name=d2h dir=d2h bytes=1048576 stream=2\n"
        "sync\n"
        "flush\n"
        "stream bytes=16777216 sms=4\n"
        "chase footprint=65536 hops=2000\n"
        "reduce name=r elems=4194304 dtype=fp16\n"
        "mode graph\n"
        "eltwise name=g1 elems=4096 dtype=fp16 repeat=50\n"
        "gemm name=long m=2048 n=2048 k=2048 dtype=fp16 repeat=100\n";
    run_result r = sim(&c, tr);
    size_t kinds_seen = 0;
    int seen[64] = { 0 };
    for (size_t i = 0; i < r.nops; i++) {
        const op_result *o = &r.ops[i];
        double sum = 0;
        for (int j = 0; j < BD_N; j++) {
            assert_true(o->bd_us[j] >= 0);
            sum += o->bd_us[j];
        }
        double t = op_us(o);
        if (fabs(sum - t) > 0.01 * t + 1e-9) fail_msg("%s (%s): parts sum to %.4f us, time %.4f us", o->name, o->kind, sum, t);
        if (t > 0) largest(o);
        size_t k;
        if (op_type_find(o->kind, &k) && k < 64 && !seen[k]) { seen[k] = 1; kinds_seen++; }
    }
    assert_int_equal(kinds_seen, op_type_count()); /* a new op kind joins this trace */
    /* device work is not all `tail`: the kernels booked their waits */
    assert_true(part(&r.ops[2], BD_COMPUTE) > 0 && part(&r.ops[0], BD_PCIE) > 0.5 * op_us(&r.ops[0]));
    assert_true(part(&r.ops[9], BD_HOST) > 0.99 * op_us(&r.ops[9]));
    run_result_free(&r);
}

static void test_compute_bound_gemm(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "flush\ngemm name=g8192 m=8192 n=8192 k=8192 dtype=fp16\n");
    const op_result *o = &r.ops[1];
    print_op(o);
    assert_int_equal(largest(o), BD_COMPUTE);
    assert_true(part(o, BD_COMPUTE) > 0.5 * op_us(o));
    run_result_free(&r);
}

static void test_dram_bound_gemv(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "flush\ngemm name=gemv m=1 n=16384 k=16384 dtype=fp16\n");
    const op_result *o = &r.ops[1];
    print_op(o);
    assert_int_equal(largest(o), BD_DRAM);
    assert_true(part(o, BD_DRAM) > 0.4 * op_us(o));
    run_result_free(&r);
}

/* The seed MLP: every kernel waits mostly on its launch, and so does the run. */
static void test_launch_bound_mlp(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    trace *t = NULL;
    if (trace_load(&t, SRC_DIR "/workloads/mlp.trace", err, sizeof err)) fail_msg("%s", err);
    run_result r;
    if (runner_run(&c, t, &r, err, sizeof err)) fail_msg("%s", err);
    double run[BD_N], sum = 0;
    run_breakdown(&r, run);
    for (int j = 0; j < BD_N; j++) sum += run[j];
    assert_true(fabs(sum - (double)r.total_ps / 1e6) < 1e-6 * sum);
    printf("  run: launch %.1f of %.1f us\n", run[BD_LAUNCH], sum);
    for (size_t i = 0; i < r.nops; i++) {
        const op_result *o = &r.ops[i];
        if (op_us(o) > 0) print_op(o);
        if (strcmp(o->kind, "gemm") == 0 || strcmp(o->kind, "eltwise") == 0) assert_int_equal(largest(o), BD_LAUNCH);
    }
    for (int j = 0; j < BD_N; j++)
        if (j != BD_LAUNCH) assert_true(run[BD_LAUNCH] > run[j]);
    run_result_free(&r);
    trace_destroy(t);
}

/* A long GEMM under the power cap: the clock runs below gpu.clock_mhz and its share is large;
 * with the cap lifted the share is nil and the issue time shrinks by it. */
static void test_power_capped_gemm(void **state)
{
    (void)state;
    const char *nocap[] = { "power.limit_w=5000" };
    gpu_config c = test_config(NULL, 0), u = test_config(nocap, 1);
    const char *tr = "gemm name=long m=8192 n=8192 k=8192 dtype=fp16 repeat=200\n";
    run_result r = sim(&c, tr), q = sim(&u, tr);
    const op_result *o = &r.ops[0], *f = &q.ops[0];
    print_op(o);
    print_op(f);
    assert_true(o->clock_mhz < 0.9 * (double)c.gpu.clock_mhz);
    assert_true(part(o, BD_CLOCK) > 0.2 * op_us(o));
    for (int j = 0; j < BD_N; j++)
        if (j != BD_COMPUTE && j != BD_CLOCK) assert_true(part(o, BD_CLOCK) > part(o, (bd_label)j));
    assert_true(part(f, BD_CLOCK) < 0.01 * op_us(f));
    /* the share is the time the clock cost: the uncapped run is shorter by about it */
    double lost = op_us(o) - op_us(f);
    assert_true(fabs(part(o, BD_CLOCK) - lost) < 0.15 * lost);
    run_result_free(&r);
    run_result_free(&q);
}

static void test_latency_bound_chase(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "chase footprint=268435456 hops=3000\n");
    const op_result *o = &r.ops[0];
    print_op(o);
    assert_int_equal(largest(o), BD_LATENCY);
    assert_true(part(o, BD_LATENCY) > 0.99 * op_us(o));
    run_result_free(&r);
}


static void exec_done_a(void *ctx, op_exec *ex, uint64_t t) { (void)ctx; (void)ex; (void)t; }
static void exec_done_b(void *ctx, op_exec *ex, uint64_t t) { (void)ctx; (void)ex; (void)t; }

/* The op_exec functions kernels call instead of writing the runner's fields:
 * a wait every CTA slot shares, the slots, the start of a timed-inside kernel,
 * the kernel's state and the completion callback an op interposes. */
static void test_exec_functions(void **state)
{
    (void)state;
    op_exec ex;
    memset(&ex, 0, sizeof ex);
    bd_book_all(&ex, BD_PCIE, 1000);                 /* no slots set: one */
    assert_true(ex.bd_waits[BD_PCIE] == 1000.0);
    bd_set_slots(&ex, 3);
    assert_int_equal(ex.bd_slots, 3);
    bd_book_all(&ex, BD_MEM, 500);
    assert_true(ex.bd_waits[BD_MEM] == 1500.0);
    kernel_timed_from(&ex, 7777);
    assert_true(ex.ready_ps == 7777 && ex.start_ps == 7777 && ex.iter_start_ps == 7777);
    int st = 0;
    kernel_keep_state(&ex, &st, free);
    assert_true(ex.state == &st && ex.state_free == free);
    kernel_drop_state(&ex);
    assert_null(ex.state);
    op_done_fn old_fn = NULL;
    void *old_ctx = NULL;
    kernel_swap_done(&ex, exec_done_a, &st, NULL, NULL);
    kernel_swap_done(&ex, exec_done_b, NULL, &old_fn, &old_ctx);
    assert_true(old_fn == exec_done_a && old_ctx == &st && ex.done == exec_done_b && ex.done_ctx == NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_sum),
        cmocka_unit_test(test_exec_functions),
        cmocka_unit_test(test_compute_bound_gemm),
        cmocka_unit_test(test_dram_bound_gemv),
        cmocka_unit_test(test_launch_bound_mlp),
        cmocka_unit_test(test_power_capped_gemm),
        cmocka_unit_test(test_latency_bound_chase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
