/* test_bwcal.c: the bandwidth calendar against a plain model of it, and the
 * cost of opening buckets after idle gaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/bwcal.h"
#include "engine/engine.h"

/* The calendar's contract with every bucket kept (no ring): a request takes the
 * first bucket at or after t (and after the ring's reach behind the newest) with
 * room, starts where that bucket's traffic ends, and carries its excess forward. */
typedef struct ref {
    uint32_t *used;
    uint64_t n, head, cap, bucket_ps;
    double ps_per_byte;
} ref;

static uint64_t ref_reserve(ref *r, uint64_t t, uint32_t bytes, uint64_t ring)
{
    uint64_t b = t / r->bucket_ps;
    if (b + ring <= r->head) b = r->head - ring + 1;
    for (;; b++) {
        assert_true(b < r->n);
        if (b > r->head) r->head = b;
        if (r->used[b] >= r->cap) continue;
        uint64_t start = ps_add(b * r->bucket_ps, ps_floor((double)r->used[b] * r->ps_per_byte));
        uint64_t excess = r->used[b] + bytes > r->cap ? r->used[b] + bytes - r->cap : 0;
        r->used[b] = (uint32_t)(r->used[b] + bytes - excess);
        for (uint64_t nb = b + 1; excess; nb++) {
            assert_true(nb < r->n);
            if (nb > r->head) r->head = nb;
            uint64_t take = r->cap - r->used[nb] < excess ? r->cap - r->used[nb] : excess;
            r->used[nb] += (uint32_t)take;
            excess -= take;
        }
        return start > t ? start : t;
    }
}

/* Bursts of requests separated by idle gaps short and long (past the ring's
 * horizon): every start time agrees with the plain model. */
static void check_model(uint32_t nb, double ps_per_byte, uint64_t seed)
{
    const uint64_t bucket_ps = 1000;
    bwcal c;
    assert_int_equal(bwcal_init(&c, ps_per_byte, bucket_ps, nb), 0);
    ref r = { calloc(1 << 21, sizeof(uint32_t)), 1 << 21, 0, c.cap, bucket_ps, ps_per_byte };
    assert_non_null(r.used);
    uint64_t t = 0;
    for (int burst = 0; burst < 400; burst++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        t += (seed >> 33) % (burst % 3 == 0 ? 200 * bucket_ps : 5 * bucket_ps); /* gaps past the 64-bucket ring */
        for (int k = 0; k < 40; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t at = t + (seed >> 40) % (30 * bucket_ps);
            uint32_t bytes = 1 + (uint32_t)((seed >> 20) % (k % 10 == 9 ? 200000 : 3000)); /* some span pages */
            assert_int_equal(bwcal_reserve(&c, at, bytes), ref_reserve(&r, at, bytes, nb));
        }
    }
    free(r.used);
    bwcal_fini(&c);
}

static void test_matches_plain_model(void **state)
{
    (void)state;
    check_model(64, 0.5, 12345);   /* 2000 bytes a bucket, a ring of one page a window */
    check_model(256, 2.0, 777);    /* 500 bytes a bucket: carries span pages and windows */
    check_model(1024, 0.25, 4242);
    /* one request carried over ten pages, then requests a lap later on those slots:
     * each starts at its own time (the carried bytes were emptied with their pages) */
    bwcal c;
    assert_int_equal(bwcal_init(&c, 1.0, 1000, 1024), 0); /* 1000 bytes a bucket */
    assert_int_equal(bwcal_reserve(&c, 0, 640000), 0);
    for (uint64_t b = 1024 + 100; b < 1024 + 640; b += 50) assert_int_equal(bwcal_reserve(&c, b * 1000, 10), b * 1000);
    bwcal_fini(&c);
}

/* Opening buckets empties only the pages written since they were last emptied:
 * a small request every 10 horizons clears a page or two, not the 4096 slots
 * an idle gap spans each time. */
static void test_gap_clears_little(void **state)
{
    (void)state;
    bwcal c;
    assert_int_equal(bwcal_init(&c, 1.0, BWCAL_BUCKET_PS, BWCAL_BUCKETS), 0);
    uint64_t horizon = (uint64_t)BWCAL_BUCKET_PS * BWCAL_BUCKETS;
    for (uint64_t i = 1; i <= 100; i++) bwcal_reserve(&c, i * 10 * horizon, 64);
    print_message("100 requests 10 horizons apart: %llu slots emptied\n", (unsigned long long)c.cleared);
    assert_true(c.cleared <= 100 * 2 * 64);
    bwcal_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_plain_model),
        cmocka_unit_test(test_gap_clears_little),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
