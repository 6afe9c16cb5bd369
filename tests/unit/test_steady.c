/* test_steady.c: the steady-state test (kernels/steady.h) that repeat= iterations and a GEMM's waves
 * share. Each check fails when its rule is removed: agreement within the tolerance, the beat-tolerant
 * 8-sample window, traffic that repeats every 2 or 4 samples (waves), a trend, the mean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernels/steady.h"

static steady_sample smp(uint64_t ps, uint64_t dram, double j)
{
    steady_sample s = { ps, { dram, 0, 1000, 500, 0 }, { 0, 0, 0, j, 0, 0 } };
    return s;
}

static steady_win fill(const uint64_t *ps, const uint64_t *dram, int n)
{
    steady_win w = { .n = 0 };
    for (int i = 0; i < n; i++) {
        steady_sample s = smp(ps[i], dram[i], 1.0);
        steady_push(&w, &s);
    }
    return w;
}

/* Three equal samples are steady; a 1% step in time is not. */
static void test_window(void **state)
{
    (void)state;
    uint64_t ps[] = { 1000000, 1000000, 1000000 }, d[] = { 100, 101, 99 };
    steady_win w = fill(ps, d, 3);
    assert_int_equal(steady_count(&w), STEADY_WINDOW);
    uint64_t ps2[] = { 1000000, 1000000, 1010000 };
    w = fill(ps2, d, 3);
    assert_int_equal(steady_count(&w), 0);
    w = fill(ps, d, 2);
    assert_int_equal(steady_count(&w), 0);
}

/* Times beating +-1% around a mean: not 3 in a row, but 8 whose halves agree. */
static void test_beat(void **state)
{
    (void)state;
    uint64_t ps[] = { 990000, 1010000, 1000000, 990000, 1010000, 1000000, 990000, 1010000 };
    uint64_t d[] = { 100, 100, 100, 100, 100, 100, 100, 100 };
    steady_win w = fill(ps, d, 7);
    assert_int_equal(steady_count(&w), 0);
    w = fill(ps, d, 8);
    assert_int_equal(steady_count(&w), STEADY_HIST);
}

/* Waves: DRAM bytes vary +-20% with the tile order, every 2, 3 or 4 waves: steady over 4 for a period of 2,
 * over 6 for 3, over 8 for 4, never over a part of a period; steady_count (each sample within 5%) never
 * says so; a trend of 0.4% a sample is not steady (one of 0.2% passes 4 samples: what drifts slower in a
 * GEMM, the power controller's slow loop, the extrapolation follows: power_extrapolate). */
static void test_periodic(void **state)
{
    (void)state;
    uint64_t ps[] = { 1000000, 1000000, 1000000, 1000000, 1000000, 1000000, 1000000, 1000000 };
    uint64_t d2[] = { 80, 120, 80, 120, 80, 120, 80, 120 }, d4[] = { 75, 73, 75, 109, 75, 73, 75, 109 };
    uint64_t d3[] = { 149, 104, 106, 149, 107, 107, 149, 105 };
    steady_win w = fill(ps, d2, 3);
    assert_int_equal(steady_count_periodic(&w), 0);
    w = fill(ps, d2, 5);
    assert_int_equal(steady_count_periodic(&w), 4);
    w = fill(ps, d2, 8);
    assert_int_equal(steady_count(&w), 0);
    for (int n = 4; n < 8; n++) {
        w = fill(ps, d4, n);
        assert_int_equal(steady_count_periodic(&w), 0);
    }
    w = fill(ps, d4, 8);
    assert_int_equal(steady_count_periodic(&w), 8);
    w = fill(ps, d3, 5);
    assert_int_equal(steady_count_periodic(&w), 0);
    w = fill(ps, d3, 7);
    assert_int_equal(steady_count_periodic(&w), 6);
    steady_sample m;
    steady_mean(&w, 6, &m);
    assert_int_equal(m.dc.dram_read_bytes, 120);
    uint64_t up[] = { 1000000, 1004000, 1008000, 1012000, 1016000, 1020000, 1024000, 1028000 };
    w = fill(up, d2, 8);
    assert_int_equal(steady_count_periodic(&w), 0);
}

/* The mean of the last n samples: time, traffic rounded, books. */
static void test_mean(void **state)
{
    (void)state;
    uint64_t ps[] = { 5, 1000, 2000, 3000 }, d[] = { 7, 10, 11, 13 };
    steady_win w = fill(ps, d, 4);
    steady_sample m;
    steady_mean(&w, 3, &m);
    assert_int_equal(m.ps, 2000);
    assert_int_equal(m.dc.dram_read_bytes, 11);
    assert_true(m.books.op_j > 0.999 && m.books.op_j < 1.001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_beat),
        cmocka_unit_test(test_periodic),
        cmocka_unit_test(test_mean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
