/*
 * test_dram.c: the DRAM models. The queued controller's scheduler (FR-FCFS
 * serves row hits first), its row policies (open vs closed) and its
 * back-pressure (a full queue refuses, a slot wakes the waiter), each on a
 * request stream where removing the mechanism changes the answer; the
 * reservation model's closed-row policy; the registries behind the policy keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/dram.h"
#include "arch/dram_queued.h"
#include "arch/dram_rowpol.h"
#include "arch/dram_sched.h"
#include "common.h"
#include "engine/engine.h"

#define MAXREQ 64

/* One channel of a queued controller on one engine, and what came back. */
typedef struct rig {
    gpu_config cfg;
    engine *e;
    dram_queued *q;
    uint64_t done_ps[MAXREQ];  /* completion event time per request index */
    uint64_t arrive_ps[MAXREQ];
    uint64_t addr[MAXREQ];
    int ndone;
    uint64_t woke_ps;          /* when the on_space waiter fired */
    int retry;                 /* request index the waiter enqueues */
} rig;

/* A 1-channel, 1-bank memory (every row conflicts with every other) with the
 * H100's timing, queued, with these scheduler, row policy and depth. */
static void rig_init(rig *r, const char *sched, const char *rowpol, int depth)
{
    char s1[64], s2[64], s3[64];
    snprintf(s1, sizeof s1, "memory.scheduler=%s", sched);
    snprintf(s2, sizeof s2, "memory.row_policy=%s", rowpol);
    snprintf(s3, sizeof s3, "memory.queue_depth=%d", depth);
    const char *sets[] = { "memory.channels=1", "memory.banks=1", "memory.model=queued", s1, s2, s3 };
    memset(r, 0, sizeof *r);
    r->cfg = test_config(sets, 6);
    r->e = engine_create();
    assert_non_null(r->e);
    r->q = dram_queued_create(&r->cfg, &r->e);
    assert_non_null(r->q);
}

static void rig_free(rig *r)
{
    dram_queued_destroy(r->q);
    engine_destroy(r->e);
}

static void done_ev(void *ctx, uint64_t i)
{
    rig *r = ctx;
    r->done_ps[i] = engine_now(r->e);
    r->ndone++;
}

static int put(rig *r, int i, uint64_t addr)
{
    r->addr[i] = addr;
    r->arrive_ps[i] = engine_now(r->e);
    dram_queued_req q = { addr, r->arrive_ps[i], 64, 1, 0, done_ev, r, (uint64_t)i, NULL };
    return dram_queued_enqueue(r->q, &q);
}

/* An event: request `i` arrives at the controller now. */
static void arrive_ev(void *ctx, uint64_t i)
{
    rig *r = ctx;
    assert_int_equal(put(r, (int)i, r->addr[i]), 0);
}

static uint64_t last_done(const rig *r, int n)
{
    uint64_t m = 0;
    for (int i = 0; i < n; i++) m = r->done_ps[i] > m ? r->done_ps[i] : m;
    return m;
}

/* Row X and row Y of the one bank, alternating: X Y X Y ... all queued at once. */
static void alternating(rig *r, int n)
{
    uint64_t row = (uint64_t)r->cfg.memory.row_bytes;
    for (int i = 0; i < n; i++) assert_int_equal(put(r, i, (uint64_t)(i % 2) * row + (uint64_t)(i / 2) * 64), 0);
    engine_run(r->e);
    assert_int_equal(r->ndone, n);
}

/* FR-FCFS serves the queued row hits before the older conflicting request:
 * 2 activations instead of 8, and the stream finishes 6 row cycles earlier. */
static void test_frfcfs_row_hits_first(void **state)
{
    (void)state;
    rig fr, fc;
    dram_queued_counters a, b;
    rig_init(&fr, "frfcfs", "open", 32);
    rig_init(&fc, "fcfs", "open", 32);
    alternating(&fr, 8);
    alternating(&fc, 8);
    dram_queued_get_counters(fr.q, &a);
    dram_queued_get_counters(fc.q, &b);
    assert_int_equal(a.row_hits, 6);
    assert_int_equal(a.row_misses, 2);
    assert_true(a.reordered > 0);
    assert_int_equal(b.row_hits, 0);
    assert_int_equal(b.row_misses, 8);
    assert_int_equal(b.reordered, 0);
    uint64_t miss_ps = ns_to_ps(fr.cfg.memory.row_miss_ns);
    assert_true(last_done(&fc, 8) >= last_done(&fr, 8) + 6 * miss_ps - 1000);
    /* the completion is an event at the time the controller scheduled */
    for (int i = 0; i < 8; i++) assert_true(fr.done_ps[i] > 0);
    rig_free(&fr);
    rig_free(&fc);
}

/* One row read 8 times: the open policy pays one activate, the closed policy
 * one per access (and needs longer). Then rows that change on every access,
 * with the bank idle between them: closed hides the precharge behind the idle
 * time, open pays it on the critical path. */
static void test_row_policy_open_vs_closed(void **state)
{
    (void)state;
    rig op, cl;
    dram_queued_counters a, b;
    rig_init(&op, "frfcfs", "open", 32);
    rig_init(&cl, "frfcfs", "closed", 32);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(put(&op, i, (uint64_t)i * 64), 0);
        assert_int_equal(put(&cl, i, (uint64_t)i * 64), 0);
    }
    engine_run(op.e);
    engine_run(cl.e);
    dram_queued_get_counters(op.q, &a);
    dram_queued_get_counters(cl.q, &b);
    assert_int_equal(a.row_hits, 7);
    assert_int_equal(b.row_hits, 0);
    assert_int_equal(b.row_misses, 8);
    assert_true(last_done(&cl, 8) > last_done(&op, 8));
    rig_free(&op);
    rig_free(&cl);

    /* a new row every microsecond */
    rig_init(&op, "frfcfs", "open", 32);
    rig_init(&cl, "frfcfs", "closed", 32);
    uint64_t row = (uint64_t)op.cfg.memory.row_bytes;
    for (int i = 0; i < 4; i++) {
        op.addr[i] = cl.addr[i] = (uint64_t)i * row;
        engine_schedule(op.e, (uint64_t)i * PS_PER_US, PRIO_NORMAL, arrive_ev, &op, (uint64_t)i);
        engine_schedule(cl.e, (uint64_t)i * PS_PER_US, PRIO_NORMAL, arrive_ev, &cl, (uint64_t)i);
    }
    engine_run(op.e);
    engine_run(cl.e);
    uint64_t trp = ps_from((double)ns_to_ps(op.cfg.memory.row_miss_ns) * op.cfg.memory.precharge_fraction);
    for (int i = 1; i < 4; i++) {
        uint64_t lo = op.done_ps[i] - op.arrive_ps[i], lc = cl.done_ps[i] - cl.arrive_ps[i];
        assert_int_equal(lo, lc + trp);
    }
    rig_free(&op);
    rig_free(&cl);
}

static void wake_ev(void *ctx, uint64_t arg)
{
    (void)arg;
    rig *r = ctx;
    r->woke_ps = engine_now(r->e);
    assert_true(dram_queued_will_accept(r->q, r->addr[r->retry]));
    assert_int_equal(put(r, r->retry, r->addr[r->retry]), 0);
}

/* A queue of 2: the third request is refused (nothing dropped, nothing
 * changed), its requester waits for a slot, is woken when the first burst
 * begins and is then accepted; all three complete. */
static void test_queue_back_pressure(void **state)
{
    (void)state;
    rig r;
    rig_init(&r, "fcfs", "open", 2);
    uint64_t row = (uint64_t)r.cfg.memory.row_bytes;
    assert_int_equal(put(&r, 0, 0), 0);
    assert_int_equal(put(&r, 1, row), 0);
    r.addr[2] = 2 * row;
    assert_int_equal(dram_queued_occupancy(r.q, 0), 2);
    assert_false(dram_queued_will_accept(r.q, r.addr[2]));
    assert_int_equal(put(&r, 2, r.addr[2]), -1);
    assert_int_equal(dram_queued_occupancy(r.q, 0), 2);
    r.retry = 2;
    assert_int_equal(dram_queued_on_space(r.q, r.addr[2], wake_ev, &r, 0), 0);
    engine_run(r.e);
    assert_int_equal(r.ndone, 3);
    /* the first burst begins after its activate (tRCD) */
    uint64_t miss_ps = ns_to_ps(r.cfg.memory.row_miss_ns);
    uint64_t trcd = miss_ps - ps_from((double)miss_ps * r.cfg.memory.precharge_fraction);
    assert_int_equal(r.woke_ps, trcd);
    assert_true(r.done_ps[2] > r.done_ps[1] && r.done_ps[1] > r.done_ps[0]);
    dram_queued_counters c;
    dram_queued_get_counters(r.q, &c);
    assert_int_equal(c.refused, 1);
    assert_int_equal(c.max_occupancy, 2);
    rig_free(&r);
}

/* Through the L2's call (dram_access): posted writes are done when queued;
 * with a queue of 1 each waits for the one before it to start its burst. */
static void test_dram_access_queued_back_pressure(void **state)
{
    (void)state;
    uint64_t last[2];
    for (int k = 0; k < 2; k++) {
        const char *sets[] = { "memory.channels=1", "memory.banks=1", "memory.model=queued",
                               k ? "memory.queue_depth=1" : "memory.queue_depth=32" };
        gpu_config c = test_config(sets, 4);
        dram *d = dram_create(&c);
        assert_non_null(d);
        last[k] = 0;
        for (int i = 0; i < 16; i++) {
            uint64_t t = dram_access(d, (uint64_t)i * (uint64_t)c.memory.row_bytes, 64, 1, 1, 0);
            assert_true(t >= last[k]);
            last[k] = t;
        }
        /* a read after them waits for them (one bank) and returns its completion */
        uint64_t rd = dram_access(d, 0, 64, 1, 0, 0);
        assert_true(rd > last[k]);
        dram_counters dc;
        dram_get_counters(d, &dc);
        assert_int_equal(dc.writes, 16);
        assert_int_equal(dc.reads, 1);
        assert_int_equal(dc.stalls, k ? 16 : 0);  /* 15 writes and the read */
        dram_destroy(d);
    }
    assert_int_equal(last[0], 0);             /* depth 32: every write posted at once */
    assert_true(last[1] > 15 * ns_to_ps(30)); /* depth 1: 15 row conflicts of waiting */
}

/* Through dram_access, reads meet the scheduler one at a time, but posted
 * write-backs wait in the queue: FR-FCFS serves a read that hits the open row
 * before 4 older writes to another row of its bank; FCFS serves it after them
 * (a row conflict there and another back). */
static void test_dram_access_frfcfs_read_past_writes(void **state)
{
    (void)state;
    uint64_t rd[2];
    for (int k = 0; k < 2; k++) {
        const char *sets[] = { "memory.channels=1", "memory.banks=1", "memory.model=queued",
                               k ? "memory.scheduler=fcfs" : "memory.scheduler=frfcfs" };
        gpu_config c = test_config(sets, 4);
        dram *d = dram_create(&c);
        assert_non_null(d);
        uint64_t row = (uint64_t)c.memory.row_bytes;
        dram_access(d, 0, 64, 1, 0, 0);                                      /* opens row X */
        for (int i = 0; i < 4; i++) assert_int_equal(dram_access(d, row + (uint64_t)i * 64, 64, 1, 1, 0), 0); /* posted */
        rd[k] = dram_access(d, 64, 64, 1, 0, 0);                             /* row X again */
        dram_destroy(d);
    }
    gpu_config c = test_config(NULL, 0);
    assert_true(rd[1] >= rd[0] + 2 * ns_to_ps(c.memory.row_miss_ns));
}

/* The reservation model's row policies: a row hit vs the closed policy's
 * activate; a row conflict vs the closed policy's activate (precharge hidden). */
static void test_reservation_row_policy(void **state)
{
    (void)state;
    uint64_t lat[2][2];
    for (int k = 0; k < 2; k++) {
        const char *sets[] = { "memory.channels=1", "memory.banks=1", k ? "memory.row_policy=closed" : "memory.row_policy=open" };
        gpu_config c = test_config(sets, 3);
        dram *d = dram_create(&c);
        assert_non_null(d);
        uint64_t t = PS_PER_US, row = (uint64_t)c.memory.row_bytes;
        dram_access(d, 0, 64, 1, 0, t);
        lat[k][0] = dram_access(d, 64, 64, 1, 0, 2 * t) - 2 * t;       /* same row */
        lat[k][1] = dram_access(d, 2 * row, 64, 1, 0, 3 * t) - 3 * t;  /* another row */
        dram_destroy(d);
    }
    gpu_config c = test_config(NULL, 0);
    uint64_t miss = ns_to_ps(c.memory.row_miss_ns), trp = ps_from((double)miss * c.memory.precharge_fraction);
    assert_int_equal(lat[1][0], lat[0][0] + (miss - trp));  /* closed: a hit becomes an activate */
    assert_int_equal(lat[0][1], lat[1][1] + trp);           /* open: a conflict pays the precharge too */
}

/* The choice lists of memory.row_policy and memory.scheduler are the registries' rows. */
static void test_dram_registries(void **state)
{
    (void)state;
    char name[64];
    const param *rp = config_find_param("memory.row_policy"), *sp = config_find_param("memory.scheduler");
    assert_non_null(rp);
    assert_non_null(sp);
    size_t i;
    for (i = 0; dram_row_policy_name(i); i++) {
        assert_int_equal(config_choice(rp, i, name, sizeof name), 0);
        assert_string_equal(name, dram_row_policy_name(i));
        assert_int_equal(dram_row_policy_index(name), (int)i);
        assert_non_null(dram_row_policy_at(i)->keep_open);
    }
    assert_int_equal(config_choice(rp, i, name, sizeof name), -1);
    assert_true(i >= 2);
    for (i = 0; dram_scheduler_name(i); i++) {
        assert_int_equal(config_choice(sp, i, name, sizeof name), 0);
        assert_string_equal(name, dram_scheduler_name(i));
        assert_int_equal(dram_scheduler_index(name), (int)i);
        assert_non_null(dram_scheduler_at(i)->pick);
    }
    assert_int_equal(config_choice(sp, i, name, sizeof name), -1);
    assert_true(i >= 2);
    assert_int_equal(dram_row_policy_index("nope"), -1);
    assert_int_equal(dram_scheduler_index("nope"), -1);
    /* a value not in the table is refused by the loader, naming the key */
    gpu_config c;
    char err[512];
    const char *bad[] = { "memory.scheduler=lifo" };
    assert_int_equal(config_load(&c, SRC_DIR "/configs/h100.ini", bad, 1, err, sizeof err), -2);
    assert_non_null(strstr(err, "memory.scheduler"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frfcfs_row_hits_first),
        cmocka_unit_test(test_row_policy_open_vs_closed),
        cmocka_unit_test(test_queue_back_pressure),
        cmocka_unit_test(test_dram_access_queued_back_pressure),
        cmocka_unit_test(test_dram_access_frfcfs_read_past_writes),
        cmocka_unit_test(test_reservation_row_policy),
        cmocka_unit_test(test_dram_registries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
