/* test_engine.c: event ordering, tie-breaks, a 10^6-event stress test, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/engine.h"

typedef struct rec { uint64_t t[64]; uint64_t arg[64]; int n; engine *e; } rec;

static void note(void *ctx, uint64_t arg)
{
    rec *r = ctx;
    r->t[r->n] = engine_now(r->e);
    r->arg[r->n++] = arg;
}

static void test_order_by_time(void **state)
{
    (void)state;
    rec r = { .e = engine_create() };
    engine_schedule(r.e, 300, PRIO_NORMAL, note, &r, 3);
    engine_schedule(r.e, 100, PRIO_NORMAL, note, &r, 1);
    engine_schedule(r.e, 200, PRIO_NORMAL, note, &r, 2);
    assert_int_equal(engine_run(r.e), 3);
    assert_int_equal(r.arg[0], 1);
    assert_int_equal(r.arg[1], 2);
    assert_int_equal(r.arg[2], 3);
    assert_int_equal(r.t[2], 300);
    engine_destroy(r.e);
}

static void test_tie_breaks(void **state)
{
    (void)state;
    rec r = { .e = engine_create() };
    engine_schedule(r.e, 50, PRIO_LOW, note, &r, 4);
    engine_schedule(r.e, 50, PRIO_NORMAL, note, &r, 2);
    engine_schedule(r.e, 50, PRIO_HIGH, note, &r, 1);
    engine_schedule(r.e, 50, PRIO_NORMAL, note, &r, 3); /* same prio: insertion order */
    engine_run(r.e);
    for (int i = 0; i < 4; i++) assert_int_equal(r.arg[i], (uint64_t)i + 1);
    engine_destroy(r.e);
}

typedef struct stress { engine *e; uint64_t last, seq_hash, fired, x; } stress;

static void stress_ev(void *ctx, uint64_t arg)
{
    stress *s = ctx;
    uint64_t now = engine_now(s->e);
    assert_true(now >= s->last);
    s->last = now;
    s->seq_hash = (s->seq_hash ^ arg) * 0x100000001b3ULL;
    s->fired++;
    if (s->fired <= 500000) { /* each event schedules another in the future */
        s->x = s->x * 6364136223846793005ULL + 1442695040888963407ULL;
        engine_schedule(s->e, now + (s->x >> 54), (int)(s->x >> 60), stress_ev, s, s->x);
    }
}

static uint64_t run_stress(void)
{
    stress s = { .e = engine_create(), .x = 42 };
    for (int i = 0; i < 500000; i++) {
        s.x = s.x * 6364136223846793005ULL + 1442695040888963407ULL;
        engine_schedule(s.e, s.x >> 44, PRIO_NORMAL, stress_ev, &s, s.x);
    }
    engine_run(s.e);
    assert_int_equal(s.fired, 1000000);
    uint64_t h = s.seq_hash;
    engine_destroy(s.e);
    return h;
}

static void test_stress_and_determinism(void **state)
{
    (void)state;
    uint64_t a = run_stress(), b = run_stress();
    assert_int_equal(a, b);
}

static void test_clock(void **state)
{
    (void)state;
    clock_domain c = { 1980 };
    assert_int_equal(clock_ps(&c, 1980), 1000000);
    assert_int_equal(clock_ps(&c, 1), 505);
    clock_domain m = { 1000 };
    assert_int_equal(clock_ps(&m, 3), 3000);
    assert_true(clock_cycles(&m, 5000) == 5.0);
    assert_int_equal(bytes_ps(1000, 1.0), 1000000);
    engine_destroy(NULL);
}

/* Issue 10: durations past the horizon saturate instead of wrapping, and an
 * event scheduled there marks the engine saturated and stops it. */
static void nop(void *ctx, uint64_t arg) { (void)ctx; (void)arg; }

static void test_horizon(void **state)
{
    (void)state;
    assert_int_equal(ps_from(1e30), SIM_MAX_PS);
    assert_int_equal(ps_from(0.0 / 0.0), SIM_MAX_PS);
    assert_int_equal(ps_from(1.4), 1);
    assert_int_equal(ps_add(SIM_MAX_PS - 1, 5), SIM_MAX_PS);
    assert_int_equal(ps_add(SIM_MAX_PS, SIM_MAX_PS), SIM_MAX_PS);
    assert_int_equal(ps_add(2, 3), 5);
    clock_domain c = { 1980 };
    assert_int_equal(clock_ps(&c, 1e30), SIM_MAX_PS); /* (uint64_t)(1e30) was undefined: the 1e-12 FLOP/clk GEMM took 11 us */
    assert_int_equal(us_to_ps(1e300), SIM_MAX_PS);
    engine *e = engine_create();
    assert_int_equal(engine_schedule(e, 10, PRIO_NORMAL, nop, NULL, 0), 0);
    assert_int_equal(engine_saturated(e), 0);
    assert_int_equal(engine_schedule(e, UINT64_MAX, PRIO_NORMAL, nop, NULL, 0), 0);
    assert_int_equal(engine_saturated(e), 1);
    assert_int_equal(engine_run(e), 0); /* nothing fires once saturated */
    engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_by_time),
        cmocka_unit_test(test_tie_breaks),
        cmocka_unit_test(test_stress_and_determinism),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_horizon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
