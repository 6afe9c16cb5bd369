/* test_arch.c: L2 tags/LRU/MSHR merge/prefetch, DRAM bandwidth, PCIe, occupancy, CTA placement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/bwcal.h"
#include "arch/cta_sched.h"
#include "arch/dram.h"
#include "arch/l2.h"
#include "arch/l2_repl.h"
#include "arch/pcie.h"
#include "arch/prefetch.h"
#include "arch/sm.h"
#include "arch/tensor_core.h"
#include "arch/xbar.h"
#include "common.h"

typedef struct rig { gpu_config cfg; dram *d; prefetcher *pf; xbar x; l2 *c; } rig;

/* A one-set, 2-way, one-slice L2: every line maps to the same set. */
static void rig_tiny(rig *r, const char *policy)
{
    r->cfg = test_config(NULL, 0);
    r->cfg.l2.size_mib = 256.0 / 1048576.0;
    r->cfg.l2.slices = 1;
    r->cfg.l2.partitions = 1;
    r->cfg.l2.ways = 2;
    r->cfg.sim.l2_set_sampling = 1;
    r->cfg.prefetch.policy = prefetch_policy_index(policy);
    r->cfg.prefetch.degree = 1;
    r->cfg.l2.replacement = l2_repl_policy_index("lru"); /* these tests follow LRU's order */
    r->cfg.l2.dirty_ways = 0;
    r->d = dram_create(&r->cfg);
    r->pf = prefetch_create(&r->cfg);
    xbar_init(&r->x, &r->cfg);
    r->c = l2_create(&r->cfg, r->d, r->pf, &r->x);
    assert_non_null(r->c);
}

static void rig_free(rig *r)
{
    l2_destroy(r->c);
    prefetch_destroy(r->pf);
    dram_destroy(r->d);
}

static uint64_t rd(rig *r, uint64_t addr, uint64_t t)
{
    mem_req q = { addr, 128, 0, 0, OWNER_NONE };
    return l2_access(r->c, &q, 0, t, 1);
}

static void test_l2_hit_lru(void **state)
{
    (void)state;
    rig r;
    rig_tiny(&r, "none");
    clock_domain clk = { 1980 };
    uint64_t near = clock_ps(&clk, 290);
    uint64_t t = 1000000;
    uint64_t miss = rd(&r, 0, t) - t;
    assert_true(miss > near + 50000);          /* went to DRAM */
    t += 10000000;
    assert_int_equal(rd(&r, 0, t) - t, near);   /* hit: the near-partition latency */
    t += 10000000;
    rd(&r, 128, t);                             /* B */
    t += 10000000;
    rd(&r, 0, t);                               /* A again: A is MRU */
    t += 10000000;
    rd(&r, 256, t);                             /* C evicts B (LRU) */
    t += 10000000;
    assert_int_equal(rd(&r, 0, t) - t, near);
    t += 10000000;
    assert_true(rd(&r, 128, t) - t > near);     /* B was evicted */
    l2_counters k;
    l2_get_counters(r.c, &k);
    assert_int_equal(k.accesses, 7);
    assert_int_equal(k.hits, 3);   /* A, A, A */
    assert_int_equal(k.misses, 4); /* A, B, C, B */
    rig_free(&r);
}

static void test_l2_mshr_merge_and_writeback(void **state)
{
    (void)state;
    rig r;
    rig_tiny(&r, "none");
    uint64_t a = rd(&r, 4096, 0);
    uint64_t b = rd(&r, 4096, 1000); /* in flight: waits for the same fill */
    assert_int_equal(a, b);
    l2_counters k;
    l2_get_counters(r.c, &k);
    assert_int_equal(k.merges, 1);
    assert_int_equal(k.misses, 1);
    mem_req w = { 8192, 128, 0, MEM_WRITE, OWNER_NONE };
    l2_access(r.c, &w, 0, 2000000, 1);
    dram_counters d0, d1;
    dram_get_counters(r.d, &d0);
    l2_flush(r.c, OWNER_NONE, 3000000);
    dram_get_counters(r.d, &d1);
    assert_int_equal(d1.write_bytes - d0.write_bytes, 128); /* the dirty line was written back */
    rig_free(&r);
}

/* The L2 counts each request's accesses, hits and the DRAM traffic it causes to
 * the request's op (owner.h): a miss's fill, the write-back of the dirty line it
 * evicts (the evicting op's), the stride prefetches it triggers, a flush's
 * write-backs; every row sums to the L2's and the DRAM's own counters. */
static void test_l2_counts_by_owner(void **state)
{
    (void)state;
    rig r;
    rig_tiny(&r, "next_line");
    owner_book b;
    assert_int_equal(owner_init(&b), 0);
    assert_int_equal(owner_resize(&b, 3), 0);
    l2_set_owners(r.c, &b);
    mem_req w = { 0, 128, 0, MEM_WRITE, 0 };               /* op 0 dirties line 0 */
    l2_access(r.c, &w, 0, 1000000, 1);
    mem_req q = { 1024, 128, 0, 0, 1 };                    /* op 1 misses twice: the second miss evicts op 0's line */
    l2_access(r.c, &q, 0, 2000000, 1);
    q.addr = 2048;
    l2_access(r.c, &q, 0, 3000000, 1);
    q.op = 2;                                              /* op 2 hits what op 1 brought in */
    l2_access(r.c, &q, 0, 40000000, 1);
    l2_flush(r.c, 2, 50000000);
    owner_traffic o0, o1, o2, sum;
    owner_get(&b, 0, &o0);
    owner_get(&b, 1, &o1);
    owner_get(&b, 2, &o2);
    assert_int_equal(o0.l2_accesses, 1);
    assert_int_equal(o0.dram_read_bytes + o0.dram_write_bytes, 0); /* its line was written back by op 1 */
    assert_int_equal(o1.l2_accesses, 2);
    assert_int_equal(o1.l2_hits, 0);
    assert_true(o1.dram_read_bytes >= 2 * 128);            /* two fills (and next-line prefetches) */
    assert_int_equal(o1.dram_write_bytes, 128);            /* op 0's dirty line, evicted by op 1 */
    assert_int_equal(o2.l2_accesses, 1);
    assert_int_equal(o2.l2_hits, 1);
    assert_int_equal(o2.dram_read_bytes, 0);
    owner_sum(&b, &sum);
    l2_counters k;
    dram_counters d;
    l2_get_counters(r.c, &k);
    dram_get_counters(r.d, &d);
    assert_int_equal(sum.l2_accesses, k.accesses);
    assert_int_equal(sum.l2_hits, k.hits);
    assert_int_equal(sum.dram_read_bytes, d.read_bytes);
    assert_int_equal(sum.dram_write_bytes, d.write_bytes);
    rig_free(&r);
    owner_fini(&b);
}

/* A flush writes back exactly the dirty lines (in any set of a full-size L2),
 * empties every set (reads miss afterwards), and a second flush has nothing to
 * write; lines dirtied after a flush are written back by the next one. */
static void test_l2_flush_dirty_only(void **state)
{
    (void)state;
    rig r;
    r.cfg = test_config(NULL, 0);
    r.cfg.sim.l2_set_sampling = 1;
    r.d = dram_create(&r.cfg);
    r.pf = prefetch_create(&r.cfg);
    xbar_init(&r.x, &r.cfg);
    r.c = l2_create(&r.cfg, r.d, r.pf, &r.x);
    assert_non_null(r.c);
    uint64_t t = 1000000;
    for (uint64_t i = 0; i < 100; i++) { /* 100 dirty lines, 100 clean ones */
        mem_req w = { i * 4096, 128, 0, MEM_WRITE, OWNER_NONE };
        l2_access(r.c, &w, 0, t, 1);
        rd(&r, 1 << 30 | i * 4096, t);
        t += 100000;
    }
    l2_counters k0, k1;
    dram_counters d0, d1;
    l2_get_counters(r.c, &k0);
    dram_get_counters(r.d, &d0);
    t = l2_flush(r.c, OWNER_NONE, t) + 1000000;
    l2_get_counters(r.c, &k1);
    dram_get_counters(r.d, &d1);
    assert_int_equal(k1.writebacks - k0.writebacks, 100);
    assert_int_equal(d1.write_bytes - d0.write_bytes, 100 * 128);
    l2_flush(r.c, OWNER_NONE, t);                                   /* nothing left to write */
    l2_get_counters(r.c, &k0);
    assert_int_equal(k0.writebacks, k1.writebacks);
    for (uint64_t i = 0; i < 100; i++) rd(&r, 1 << 30 | i * 4096, t += 100000); /* flushed: all miss */
    l2_get_counters(r.c, &k1);
    assert_int_equal(k1.misses - k0.misses, 100);
    mem_req w = { 12345 * 128, 128, 0, MEM_WRITE, OWNER_NONE };
    l2_access(r.c, &w, 0, t += 100000, 1);
    l2_flush(r.c, OWNER_NONE, t + 1000000);
    l2_get_counters(r.c, &k0);
    assert_int_equal(k0.writebacks - k1.writebacks, 1);
    rig_free(&r);
}

/* l2.dirty_ways: a store that would leave more dirty lines in its set writes the
 * least recently used other dirty line back at once; that line stays (a hit), clean,
 * so a later flush does not write it again. */
static void test_l2_dirty_ways_cap(void **state)
{
    (void)state;
    rig r;
    r.cfg = test_config(NULL, 0);
    r.cfg.l2.size_mib = 512.0 / 1048576.0; /* one set of 4 ways */
    r.cfg.l2.slices = 1;
    r.cfg.l2.partitions = 1;
    r.cfg.l2.ways = 4;
    r.cfg.l2.dirty_ways = 2;
    r.cfg.sim.l2_set_sampling = 1;
    r.d = dram_create(&r.cfg);
    r.pf = prefetch_create(&r.cfg);
    xbar_init(&r.x, &r.cfg);
    r.c = l2_create(&r.cfg, r.d, r.pf, &r.x);
    assert_non_null(r.c);
    uint64_t t = 1000000;
    dram_counters d0, d1;
    for (uint64_t i = 0; i < 2; i++) {
        mem_req w = { i * 128, 128, 0, MEM_WRITE, OWNER_NONE };
        l2_access(r.c, &w, 0, t += 1000000, 1);
    }
    dram_get_counters(r.d, &d0);
    assert_int_equal(d0.write_bytes, 0);          /* two dirty lines: within the cap */
    mem_req w3 = { 2 * 128, 128, 0, MEM_WRITE, OWNER_NONE };
    l2_access(r.c, &w3, 0, t += 1000000, 1);
    dram_get_counters(r.d, &d1);
    assert_int_equal(d1.write_bytes, 128);        /* the third wrote line 0 back */
    l2_counters k0, k1;
    l2_get_counters(r.c, &k0);
    rd(&r, 0, t += 1000000);
    l2_get_counters(r.c, &k1);
    assert_int_equal(k1.hits - k0.hits, 1);       /* ... and line 0 stayed */
    l2_flush(r.c, OWNER_NONE, t += 1000000);
    dram_get_counters(r.d, &d0);
    assert_int_equal(d0.write_bytes - d1.write_bytes, 2 * 128); /* only lines 1 and 2 were still dirty */
    rig_free(&r);
}

/* Read-once data with the evict-first hint stream through one way: the dirty line stays, no write-back;
 * the same reads without the hint evict it. */
static void test_l2_stream_hint(void **state)
{
    (void)state;
    for (int hint = 0; hint < 2; hint++) {
        rig r;
        rig_tiny(&r, "none");
        mem_req w = { 0, 128, 0, MEM_WRITE, OWNER_NONE };
        l2_access(r.c, &w, 0, 1000, 1);                    /* a dirty line, as a flush leaves */
        for (uint64_t i = 1; i <= 8; i++) {
            mem_req q = { i * 128, 128, 0, hint ? MEM_STREAM : 0, OWNER_NONE };
            l2_access(r.c, &q, 0, i * 10000000, 1);
        }
        dram_counters d;
        dram_get_counters(r.d, &d);
        if (hint) assert_int_equal(d.write_bytes, 0);
        else assert_int_equal(d.write_bytes, 128);
        rig_free(&r);
    }
}

static void test_prefetch_next_line(void **state)
{
    (void)state;
    rig r;
    rig_tiny(&r, "next_line");
    rd(&r, 0, 0);                 /* miss: prefetches line 1 */
    rd(&r, 128, 50000000);        /* hit on the prefetched line, which prefetches line 2 (tagged) */
    l2_counters k;
    l2_get_counters(r.c, &k);
    assert_int_equal(k.pf_issued, 2);
    assert_int_equal(k.pf_useful, 1);
    assert_int_equal(k.pf_late, 0);
    rd(&r, 256, 50001000);        /* line 2 is still arriving: useful but late */
    l2_get_counters(r.c, &k);
    assert_int_equal(k.pf_useful, 2);
    assert_int_equal(k.pf_late, 1);
    rig_free(&r);
    /* distance: a miss of line 0 with distance 4 fetches line 4, not line 1 */
    rig_tiny(&r, "next_line");
    prefetch_destroy(r.pf);
    r.cfg.prefetch.distance = 4;
    r.pf = prefetch_create(&r.cfg);
    uint64_t out[4];
    assert_int_equal(prefetch_on_miss(r.pf, 0, 0, out, 4), 1);
    assert_int_equal(out[0], 4);
    rig_free(&r);
}

/* The stream policy: one tracker per region follows the direction of the
 * triggers in it, whatever the step and whichever SM, and prefetches ahead
 * (or behind, descending) once trained. */
static void test_prefetch_stream(void **state)
{
    (void)state;
    gpu_config cfg = test_config(NULL, 0);
    cfg.prefetch.policy = prefetch_policy_index("stream");
    assert_true(cfg.prefetch.policy >= 0);
    cfg.prefetch.degree = 2;
    cfg.prefetch.distance = 1;
    cfg.prefetch.table_entries = 4;
    cfg.prefetch.stream_region_kib = 4;   /* 32 lines of 128 B */
    prefetcher *p = prefetch_create(&cfg);
    assert_non_null(p);
    assert_true(prefetch_enabled(p));
    uint64_t out[8];
    /* ascending with irregular steps (1, 2): a stride prefetcher never locks on */
    assert_int_equal(prefetch_on_miss(p, 100, 0, out, 8), 0);   /* a new stream */
    assert_int_equal(prefetch_on_miss(p, 101, 0, out, 8), 0);   /* one step up: not yet trained */
    assert_int_equal(prefetch_on_miss(p, 103, 0, out, 8), 2);   /* two steps up: prefetch ahead */
    assert_int_equal(out[0], 104);
    assert_int_equal(out[1], 105);
    /* descending, from two different SMs in the same region */
    assert_int_equal(prefetch_on_miss(p, 200, 1, out, 8), 0);
    assert_int_equal(prefetch_on_miss(p, 198, 2, out, 8), 0);
    assert_int_equal(prefetch_on_miss(p, 197, 1, out, 8), 2);
    assert_int_equal(out[0], 196);
    assert_int_equal(out[1], 195);
    /* a change of direction starts over */
    assert_int_equal(prefetch_on_miss(p, 199, 1, out, 8), 0);
    /* two interleaved streams in two regions keep their own trackers */
    int issued = 0;
    for (uint64_t i = 0; i < 4; i++) {
        issued += prefetch_on_miss(p, 320 + i, 3, out, 8) > 0;
        issued += prefetch_on_miss(p, 480 + i, 3, out, 8) > 0;
    }
    assert_int_equal(issued, 4);   /* the 3rd and 4th line of each */
    /* scattered lines, each in a new region: nothing */
    for (uint64_t i = 0; i < 16; i++) assert_int_equal(prefetch_on_miss(p, 10000 + i * 97, 0, out, 8), 0);
    prefetch_destroy(p);
}

/* A 4-way one-set L2 under a working set of 3 lines (used twice, then re-read
 * every round) and 2 lines read once per round (a scan): SRRIP keeps the working
 * set (hits), LRU lets the scan flush it (misses). */
static uint64_t scan_mix_hits(const char *repl)
{
    rig r;
    r.cfg = test_config(NULL, 0);
    r.cfg.l2.size_mib = 512.0 / 1048576.0;
    r.cfg.l2.slices = 1;
    r.cfg.l2.partitions = 1;
    r.cfg.l2.ways = 4;
    r.cfg.sim.l2_set_sampling = 1;
    r.cfg.prefetch.policy = prefetch_policy_index("none");
    r.cfg.l2.replacement = l2_repl_policy_index(repl);
    assert_true(r.cfg.l2.replacement >= 0);
    r.d = dram_create(&r.cfg);
    r.pf = prefetch_create(&r.cfg);
    xbar_init(&r.x, &r.cfg);
    r.c = l2_create(&r.cfg, r.d, r.pf, &r.x);
    assert_non_null(r.c);
    uint64_t t = 0, scan = 1000, hits = 0;
    for (uint64_t w = 0; w < 6; w++) rd(&r, (w % 3) * 128, t += 10000000); /* the working set, used twice */
    for (int round = 0; round < 12; round++) {
        for (uint64_t w = 0; w < 3; w++) {
            l2_counters a, b;
            l2_get_counters(r.c, &a);
            rd(&r, w * 128, t += 10000000);
            l2_get_counters(r.c, &b);
            if (round >= 2) hits += b.hits - a.hits;
        }
        rd(&r, scan++ * 128, t += 10000000);
        rd(&r, scan++ * 128, t += 10000000);
    }
    rig_free(&r);
    return hits;
}

static void test_l2_srrip_scan_resistance(void **state)
{
    (void)state;
    assert_int_equal(scan_mix_hits("srrip"), 30);   /* every working-set read after warm-up */
    assert_int_equal(scan_mix_hits("lru"), 0);
}

/* The choice lists of the policy keys are the registries' rows. */
static void test_policy_registries(void **state)
{
    (void)state;
    char name[64];
    const param *pp = config_find_param("prefetch.policy"), *rp = config_find_param("l2.replacement");
    size_t i = 0;
    for (; prefetch_policy_name(i); i++) {
        assert_int_equal(config_choice(pp, i, name, sizeof name), 0);
        assert_string_equal(name, prefetch_policy_name(i));
        assert_int_equal(prefetch_policy_index(name), (int)i);
    }
    assert_int_equal(config_choice(pp, i, name, sizeof name), -1);
    assert_true(i >= 4);
    for (i = 0; l2_repl_policy_name(i); i++) {
        assert_int_equal(config_choice(rp, i, name, sizeof name), 0);
        assert_string_equal(name, l2_repl_policy_name(i));
    }
    assert_int_equal(config_choice(rp, i, name, sizeof name), -1);
    assert_int_equal(prefetch_policy_index("nope"), -1);
}

static void test_dram_bandwidth(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    dram *d = dram_create(&c);
    uint64_t last = 0;
    const uint64_t n = 200000;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t done = dram_access(d, i * 128, 128, 1, 0, 0);
        if (done > last) last = done;
    }
    double gbps = (double)(n * 128) / ((double)last / 1e3);
    double peak = config_peak_dram_gbps(&c) * (1 - c.memory.refresh_fraction);
    assert_true(gbps > 0.85 * peak && gbps <= peak * 1.001);
    dram_counters k;
    dram_get_counters(d, &k);
    assert_int_equal(k.read_bytes, n * 128);
    assert_true(k.row_hits > k.row_misses); /* sequential lines share rows */
    dram_destroy(d);
    dram_destroy(NULL);
}

static void test_pcie(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    pcie *p = pcie_create(&c);
    double gbps = config_pcie_gbps(&c);
    assert_true(gbps > 53 && gbps < 56);
    uint64_t done = pcie_dma(p, OWNER_NONE, 0, 1 << 20, 0);
    assert_true(done == bytes_ps(1 << 20, gbps));
    /* both directions at once are limited by the shared path */
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 100; i++) { a = pcie_dma(p, OWNER_NONE, 0, 1 << 20, done); b = pcie_dma(p, OWNER_NONE, 1, 1 << 20, done); }
    double both = 200.0 * (1 << 20) / ((double)(a > b ? a : b) - (double)done) * 1e3;
    assert_true(both < c.pcie.bidir_gbps * 1.01 && both > c.pcie.bidir_gbps * 0.95);
    int e0 = pcie_engine_take(p), e1 = pcie_engine_take(p);
    assert_true(e0 >= 0 && e1 >= 0 && e0 != e1);
    assert_int_equal(pcie_engine_take(p), -1);
    pcie_engine_give(p, e0);
    assert_int_equal(pcie_engine_take(p), e0);
    pcie_destroy(p);
}

static void test_occupancy_and_rates(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    cta_shape big = { 384, 168, 200 * 1024 };
    cta_shape small = { 128, 64, 64 * 1024 };
    cta_shape threads = { 1024, 32, 0 };
    cta_shape too_big = { 128, 32, 300 * 1024 };
    assert_int_equal(sm_occupancy(&c, &big), 1);
    assert_int_equal(sm_occupancy(&c, &small), 3);
    assert_int_equal(sm_occupancy(&c, &threads), 2);
    assert_int_equal(sm_occupancy(&c, &too_big), 0);
    assert_true(tensor_core_rate(&c, DT_FP8) == 8192);
    gpu_config a;
    char err[512];
    assert_int_equal(config_load(&a, SRC_DIR "/configs/a100.ini", NULL, 0, err, sizeof err), 0);
    assert_true(tensor_core_rate(&a, DT_FP8) == 0);
    assert_true(config_peak_tflops(&a, DT_FP16) > 300 && config_peak_tflops(&a, DT_FP16) < 320);
}

typedef struct placed { int sm[64]; int n; int finished; } placed;
static void on_start(void *ctx, int smi, uint64_t cta, uint64_t t) { (void)cta; (void)t; placed *p = ctx; p->sm[p->n++] = smi; }
static void on_finish(void *ctx, uint64_t t) { (void)t; ((placed *)ctx)->finished = 1; }

/* The *_check() invariants hold on healthy state and catch a broken one. */
static void test_invariant_checks(void **state)
{
    (void)state;
    bwcal b;
    assert_int_equal(bwcal_init(&b, 1.0, 1000, 64), 0);       /* 1000 bytes per bucket */
    uint64_t t = 0;
    for (int i = 0; i < 500; i++) {
        bwcal_reserve(&b, t, (uint32_t)(100 + (i * 37) % 900));
        if (i % 3 == 0) t += 700;
        assert_true(bwcal_check(&b));
    }
    assert_true(b.fill > 0);
    b.used[(b.fill - 1) & 63] = b.cap - 1;                  /* a bucket before fill with room */
    assert_false(bwcal_check(&b));
    b.used[(b.fill - 1) & 63] = b.cap + 1;                  /* over capacity */
    assert_false(bwcal_check(&b));
    bwcal_fini(&b);

    gpu_config c = test_config(NULL, 0);
    sm sms[4];
    for (int i = 0; i < 4; i++) assert_int_equal(sm_init(&sms[i], &c, i, NULL), 0);
    engine *e = engine_create();
    cta_sched *s = cta_sched_create(e, sms, 4, 0, NULL);
    placed p = { .n = 0 };
    kernel_desc k = { .shape = { 1024, 32, 0 }, .ctas = 10, .ctx = &p, .start_cta = on_start, .finished = on_finish };
    assert_int_equal(cta_sched_launch(s, &k, 0), 0);
    assert_true(cta_sched_check(s));
    sm_release(&sms[1], &k.shape);                            /* room for a queued CTA left unused */
    assert_false(cta_sched_check(s));
    sm_alloc(&sms[1], &k.shape);
    sms[3].ctas = c.sm.max_ctas + 1;                           /* over an SM's limit */
    assert_false(cta_sched_check(s));
    sms[3].ctas = 2;
    assert_true(cta_sched_check(s));
    cta_sched_destroy(s);
    engine_destroy(e);
    for (int i = 0; i < 4; i++) sm_fini(&sms[i]);

    rig r;
    rig_tiny(&r, "next_line");
    for (uint64_t i = 0; i < 64; i++) {
        mem_req q = { i * 128, 128, 0, i % 3 ? 0 : MEM_WRITE, 0 };
        l2_access(r.c, &q, 0, i * 100000, 1);
    }
    assert_true(l2_check(r.c));
    l2_flush(r.c, 0, 10000000);
    assert_true(l2_check(r.c));
    owner_book other;                                          /* counts that no longer add up */
    assert_int_equal(owner_init(&other), 0);
    l2_set_owners(r.c, &other);
    assert_false(l2_check(r.c));
    l2_set_owners(r.c, NULL);
    owner_fini(&other);
    rig_free(&r);
}

static void test_cta_breadth_first(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    sm sms[4];
    for (int i = 0; i < 4; i++) assert_int_equal(sm_init(&sms[i], &c, i, NULL), 0);
    engine *e = engine_create();
    cta_sched *s = cta_sched_create(e, sms, 4, 0, NULL);
    placed p = { .n = 0 };
    kernel_desc k = { .shape = { 1024, 32, 0 }, .ctas = 10, .ctx = &p, .start_cta = on_start, .finished = on_finish };
    assert_int_equal(cta_sched_launch(s, &k, 0), 0);
    assert_int_equal(p.n, 8);                  /* 2 per SM fit (2048 threads) */
    for (int i = 0; i < 4; i++) assert_int_equal(p.sm[i], i); /* one per SM first */
    cta_sched_done(s, &k, 2, 10);
    assert_int_equal(p.n, 9);
    assert_int_equal(p.sm[8], 2);             /* refilled where room appeared */
    /* finish every other placement (placement 2 already finished above) */
    for (int i = 0; i < 10 && !p.finished; i++)
        if (i != 2) cta_sched_done(s, &k, p.sm[i], 20);
    assert_int_equal(p.n, 10);
    assert_int_equal(p.finished, 1);
    cta_shape huge = { 4096, 32, 0 };
    kernel_desc k2 = { .shape = huge, .ctas = 1, .ctx = &p, .start_cta = on_start, .finished = on_finish };
    assert_int_equal(cta_sched_launch(s, &k2, 30), -2);
    cta_sched_destroy(s);
    engine_destroy(e);
    for (int i = 0; i < 4; i++) sm_fini(&sms[i]);
}


/* The SM's functions that kernels call instead of its fields: warps placed
 * round-robin over the sub-partitions, MMAs on the tensor core, FLOPs on the
 * CUDA cores of the sub-partition named. */
static void test_sm_functions(void **state)
{
    (void)state;
    const char *sets[] = { "sm.subpartitions=4" };
    gpu_config c = test_config(sets, 1);
    sm s;
    assert_int_equal(sm_init(&s, &c, 0, NULL), 0);
    assert_int_equal(sm_place_warps(&s, 3), 0);
    assert_int_equal(sm_place_warps(&s, 2), 3);
    assert_int_equal(sm_place_warps(&s, 8), 1);
    assert_int_equal(sm_place_warps(&s, 1), 1);
    uint64_t d = sm_mma(&s, 1, DT_FP16, 1e6, 1.0, 1000);
    assert_true(d > 1000);
    assert_true(sm_mma(&s, 1, DT_FP16, 1e6, 1.0, 1000) > d);   /* queued behind the first on sub-partition 1 */
    assert_true(sm_mma(&s, 2, DT_FP16, 1e6, 1.0, 1000) == d);  /* sub-partition 2 is free */
    uint64_t f = sm_fma(&s, 0, DT_FP32, 1e5, 1.0, 0);
    assert_true(f > 0 && sm_fma(&s, 0, DT_FP32, 1e5, 1.0, 0) > f);
    sm_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l2_hit_lru),
        cmocka_unit_test(test_l2_mshr_merge_and_writeback),
        cmocka_unit_test(test_l2_flush_dirty_only),
        cmocka_unit_test(test_l2_dirty_ways_cap),
        cmocka_unit_test(test_l2_counts_by_owner),
        cmocka_unit_test(test_invariant_checks),
        cmocka_unit_test(test_l2_stream_hint),
        cmocka_unit_test(test_prefetch_next_line),
        cmocka_unit_test(test_prefetch_stream),
        cmocka_unit_test(test_l2_srrip_scan_resistance),
        cmocka_unit_test(test_policy_registries),
        cmocka_unit_test(test_dram_bandwidth),
        cmocka_unit_test(test_pcie),
        cmocka_unit_test(test_occupancy_and_rates),
        cmocka_unit_test(test_cta_breadth_first),
        cmocka_unit_test(test_sm_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
