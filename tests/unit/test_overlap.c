/* test_overlap.c: what a run overlapped (kernels/overlap.h): GPU, copy-engine and host busy time,
 * the overlap gained by streams and by async copies, and the ratios (compute efficiency, transfer
 * time, prefetch efficiency). Each check fails when its figure stops following its definition:
 * unions of spans (not sums), the host's own time (launch calls and cpu ops, not its waits), the
 * split of the gain between streams and copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "common.h"
#include "kernels/runner.h"
#include "sim_text.h"

static double op_us(const run_result *r, size_t i) { return (double)(r->ops[i].end_ps - r->ops[i].start_ps) / 1e6; }

/* A GEMM, then a copy on the same stream: nothing overlaps; busy times are the ops' times. */
static void test_serial(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "gemm m=4096 n=4096 k=4096\ncopy dir=h2d bytes=16777216\n");
    const run_overlap *o = &r.ov;
    assert_true(fabs(o->gpu_busy_us - op_us(&r, 0)) < 1e-6);
    assert_true(fabs(o->copy_busy_us - op_us(&r, 1)) < 1e-6);
    assert_true(fabs(o->gained_streams_us) < 1e-6 && fabs(o->gained_copies_us) < 1e-6);
    assert_true(fabs(o->transfer_us - 16777216 / config_pcie_gbps(&c) / 1e3) < 1e-6);
    run_result_free(&r);
}

/* The copy on its own stream runs under the GEMM: the gain is the copy's time, booked to async copies. */
static void test_async_copy(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "gemm m=4096 n=4096 k=4096\ncopy dir=h2d bytes=4194304 stream=1\n");
    const run_overlap *o = &r.ov;
    printf("  gemm %.1f us, copy %.1f us: gained %.1f us (copies), %.1f (streams)\n", op_us(&r, 0), op_us(&r, 1),
           o->gained_copies_us, o->gained_streams_us);
    assert_true(op_us(&r, 1) < op_us(&r, 0));
    assert_true(fabs(o->gained_copies_us - op_us(&r, 1)) < 1e-6);
    assert_true(fabs(o->gained_streams_us) < 1e-6);
    assert_true(fabs(o->device_sum_us - op_us(&r, 0) - op_us(&r, 1)) < 1e-6);
    run_result_free(&r);
}

/* Two kernels on two streams: GPU busy is their union, the gain is booked to streams. */
static void test_streams(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "gemm m=4096 n=4096 k=4096\ngemm m=4096 n=4096 k=4096 stream=1\n");
    const run_overlap *o = &r.ov;
    double sum = op_us(&r, 0) + op_us(&r, 1);
    printf("  two streams: GPU busy %.1f us of %.1f us of kernels; gained %.1f us\n", o->gpu_busy_us, sum, o->gained_streams_us);
    assert_true(o->gpu_busy_us < sum - 1);
    assert_true(fabs(o->gained_streams_us - (sum - o->gpu_busy_us)) < 1e-6);
    assert_true(fabs(o->gained_copies_us) < 1e-6);
    run_result_free(&r);
}

/* The host's own time: an eager launch per kernel and the cpu op, not the sync's wait. */
static void test_host_busy(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r = sim(&c, "mode eager\neltwise elems=1024\neltwise elems=1024 repeat=3\ncpu us=100\n"
                           "gemm m=2048 n=2048 k=2048\nsync\n");
    double expect = 4 * c.host.eager_gap_us + 100 + c.host.eager_gemm_us;
    printf("  host busy %.2f us (expected %.2f) of %.1f us\n", r.ov.host_busy_us, expect, r.ov.total_us);
    assert_true(fabs(r.ov.host_busy_us - expect) < 1e-6);
    run_result_free(&r);
}

/* Compute efficiency is achieved over peak FLOP/s at the op's dtype; prefetch efficiency useful / issued. */
static void test_ratios(void **state)
{
    (void)state;
    const char *sets[] = { "prefetch.policy=next_line" };
    gpu_config c = test_config(sets, 1);
    run_result r = sim(&c, "gemm m=4096 n=4096 k=4096 dtype=bf16\n");
    double achieved = 2.0 * 4096 * 4096 * 4096 / ((double)r.total_ps * 1e-12) / 1e12;
    double eff = achieved / config_peak_tflops(&c, DT_BF16);
    printf("  compute efficiency %.4f (expected %.4f), prefetch %.3f useful\n", r.ov.compute_eff, eff, r.ov.prefetch_eff);
    assert_true(fabs(r.ov.compute_eff - eff) < 1e-9 && eff > 0.3 && eff < 1);
    double issued = stats_get(&r.st, "prefetch", "issued", 0);
    assert_true(issued > 0);
    assert_true(fabs(r.ov.prefetch_eff - stats_get(&r.st, "prefetch", "useful", 0) / issued) < 1e-12);
    assert_true(stats_get(&r.st, "overlap", "gpu_busy_us", -1) == r.ov.gpu_busy_us);
    run_result_free(&r);
    gpu_config h = test_config(NULL, 0);
    r = sim(&h, "gemm m=1024 n=1024 k=1024\n");
    assert_true(r.ov.prefetch_eff == -1 && stats_get(&r.st, "overlap", "prefetch_efficiency", -5) == -5);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serial),
        cmocka_unit_test(test_async_copy),
        cmocka_unit_test(test_streams),
        cmocka_unit_test(test_host_busy),
        cmocka_unit_test(test_ratios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
