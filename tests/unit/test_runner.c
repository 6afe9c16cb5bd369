/* test_runner.c: whole-trace simulations on small inputs: pipelining, SM scaling,
 * latency plateaus, bandwidth, copies, launch modes, stream overlap, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kernels/runner.h"
#include "sim_text.h"

static char err[1024];


static double op_us(const run_result *r, size_t i) { return (double)(r->ops[i].end_ps - r->ops[i].start_ps) / 1e6; }

static double sim_op_us(const gpu_config *c, const char *text, size_t i)
{
    run_result r = sim(c, text);
    double t = op_us(&r, i);
    run_result_free(&r);
    return t;
}

static void test_stages_pipelining(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double s1 = sim_op_us(&c, "flush\ngemm m=4096 n=4096 k=4096 tile=128x256x64 stages=1 warps=8\n", 1);
    double s4 = sim_op_us(&c, "flush\ngemm m=4096 n=4096 k=4096 tile=128x256x64 stages=4 warps=8\n", 1);
    assert_true(s1 > 1.5 * s4); /* prefetching k-tiles hides memory latency (H100: 2.2x) */
}

/* wgmma keeps one MMA group in flight, so its stage is not free: with 2 stages no load overlaps an
 * MMA, with 3 one does; with 1 Triton issues no asynchronous copies (H100 triton_gemm.csv 4096^3 128x256x64: s1 432, s2 347,
 * s3 205 us) */
static void test_async_mma_holds_a_stage(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    const char *fmt = "flush\ngemm m=4096 n=4096 k=4096 dtype=fp16 tile=128x256x64 stages=%d warps=8 group_m=8\n";
    char tr[160];
    double t[4];
    for (int s = 1; s <= 3; s++) {
        snprintf(tr, sizeof tr, fmt, s);
        t[s] = sim_op_us(&c, tr, 1);
    }
    /* one stage: no asynchronous copies at all, the tiles go through registers (1.24x two stages on the card) */
    if (!(t[1] > 1.1 * t[2] && t[1] < 1.5 * t[2])) fail_msg("s1 %.1f us vs s2 %.1f us", t[1], t[2]);
    assert_true(t[3] < 0.75 * t[2]);
}

/* A SIMT GEMM's k-steps re-read A and B fragments from shared memory through the LSU pipe, and its
 * epilogue's stores hold that pipe until the L2 takes them (analysis/hw/h100_s6): a 64x64-tile fp32
 * GEMM is bounded by shared-memory bandwidth, and the time it spends writing C adds to its FFMA time
 * (faster DRAM saves it about what it saves a GEMM that only writes), as h100_s4/writes.csv shows. */
static void test_simt_lsu_pipe(void **state)
{
    (void)state;
    const char *k64 = "gemm m=4096 n=4096 k=64 dtype=fp32 tile=64x64x8 warps=4 stages=3\n";
    const char *k8 = "gemm m=4096 n=4096 k=8 dtype=fp32 tile=64x64x8 warps=4 stages=3\n";
    const char *wide[] = { "sm.smem_bytes_per_clk=256" }, *fast[] = { "memory.channels=320" };
    gpu_config c = test_config(NULL, 0), w = test_config(wide, 1), f = test_config(fast, 1);
    run_result a = sim(&c, k64), b = sim(&w, k64), af = sim(&f, k64), z = sim(&c, k8), zf = sim(&f, k8);
    double t64 = op_us(&a, 0), t64w = op_us(&b, 0), t64f = op_us(&af, 0), t8 = op_us(&z, 0), t8f = op_us(&zf, 0);
    if (!(t64w < 0.8 * t64)) fail_msg("shared-memory bound: %.2f us at 256 B/clk vs %.2f at 128", t64w, t64);
    if (!(t64 - t64f > 0.4 * (t8 - t8f)))
        fail_msg("writes overlap the FFMAs: faster DRAM saves %.2f us at K=64, %.2f at K=8", t64 - t64f, t8 - t8f);
    run_result_free(&a); run_result_free(&b); run_result_free(&af); run_result_free(&z); run_result_free(&zf);
}

static void test_sm_scaling(void **state)
{
    (void)state;
    const char *half[] = { "gpu.sm_count=66" };
    gpu_config full = test_config(NULL, 0), h = test_config(half, 1);
    const char *tr = "flush\ngemm m=4096 n=4096 k=4096\n";
    double a = sim_op_us(&full, tr, 1), b = sim_op_us(&h, tr, 1);
    assert_true(b / a > 1.5 && b / a < 2.3);
}

/* A non-TMA epilogue issues its stores through the LSU: an output-bound GEMM whose rows are only
 * 4-byte aligned (ampere_mma, 4-byte vectors) is bound by the LSU issue rate, so a faster LSU
 * shortens it (H100, analysis/hw/h100_s4/writes.csv: 81.6 us against 55.8 us for the aligned
 * shape, whose TMA stores drain asynchronously). Without the stores' LSU slots the loads alone
 * (K = 30) leave the rate without effect. */
static void test_epilogue_stores(void **state)
{
    (void)state;
    const char *fast[] = { "sm.lsu_instr_per_clk=0.5" };
    gpu_config c = test_config(NULL, 0), f = test_config(fast, 1);
    const char *tr = "flush\ngemm m=8192 n=8192 k=30 dtype=fp16\n";
    double slow = sim_op_us(&c, tr, 1), quick = sim_op_us(&f, tr, 1);
    assert_true(slow > 1.15 * quick);
}

static double chase_cycles(const gpu_config *c, const char *footprint)
{
    char tr[128];
    snprintf(tr, sizeof tr, "chase footprint=%s hops=3000\n", footprint);
    run_result r = sim(c, tr);
    double cyc = r.ops[0].ns_per_load * (double)c->gpu.clock_mhz / 1e3;
    run_result_free(&r);
    return cyc;
}

static void test_latency_plateaus(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double l1 = chase_cycles(&c, "32768"), l2 = chase_cycles(&c, "1048576"), mem = chase_cycles(&c, "1073741824");
    assert_true(l1 > 35 && l1 < 55);
    assert_true(l2 > 250 && l2 < 400);
    assert_true(mem > 500 && mem < 800);
}

static void test_stream_bandwidth(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double t1 = sim_op_us(&c, "stream bytes=67108864 sms=1\n", 0);
    double t132 = sim_op_us(&c, "stream bytes=1073741824 sms=132\n", 0);
    double bw1 = 67108864 / t1 / 1e3, bw132 = 1073741824 / t132 / 1e3;
    assert_true(bw1 > 40 && bw1 < 100);                    /* latency-bound: one SM's MSHRs */
    assert_true(bw132 > 0.8 * config_peak_dram_gbps(&c) * (1 - c.memory.refresh_fraction));
}

/* Region mode: the timed passes re-read an L2-resident block (the untimed first pass brought it in), so
 * their time grows with the passes and one SM reads faster than it streams from DRAM; SMs may share a
 * region; regions that do not fit the buffer are refused. */
static void test_stream_region(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double t64 = sim_op_us(&c, "stream bytes=32768 sms=1 region=32768 passes=64\n", 0);
    double t128 = sim_op_us(&c, "stream bytes=32768 sms=1 region=32768 passes=128\n", 0);
    assert_true(t128 > 1.9 * t64 && t128 < 2.1 * t64);
    double l2 = 32768.0 * 64 / t64 / 1e3, dram = 67108864 / sim_op_us(&c, "stream bytes=67108864 sms=1\n", 0) / 1e3;
    assert_true(l2 > 1.2 * dram);
    double port = (double)c.sm.ldst_bytes_per_clk * (double)c.gpu.clock_mhz / 1e3; /* GB/s */
    assert_true(l2 < 1.01 * port);
    /* eight SMs reading one region take about as long as one: their requests spread over the slices */
    double t8 = sim_op_us(&c, "stream bytes=32768 sms=8 region=32768 passes=64 share=8\n", 0);
    assert_true(t8 < 1.5 * t64);
    char msg[256];
    trace *t = NULL;
    const char *tr = "stream bytes=32768 sms=2 region=32768\n";
    assert_int_equal(trace_parse(&t, "r.trace", tr, strlen(tr), msg, sizeof msg), 0);
    run_result r;
    assert_int_equal(runner_run(&c, t, &r, msg, sizeof msg), -2);
    assert_non_null(strstr(msg, "r.trace:1: region: 2 regions of 32768 bytes need bytes >= 65536 (bytes=32768)"));
    trace_destroy(t);
}

static void test_copies_and_overlap(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double pinned = sim_op_us(&c, "copy dir=h2d bytes=16777216 pinned=1\n", 0);
    double pageable = sim_op_us(&c, "copy dir=h2d bytes=16777216 pinned=0\n", 0);
    assert_true(pinned > 250 && pinned < 400);   /* ~54 GB/s */
    assert_true(pageable > 2 * pinned);
    run_result serial = sim(&c, "gemm m=4096 n=4096 k=4096\ncopy dir=h2d bytes=16777216\n");
    run_result overlap = sim(&c, "gemm m=4096 n=4096 k=4096\ncopy dir=h2d bytes=16777216 stream=1\n");
    assert_true((double)overlap.total_ps < 0.85 * (double)serial.total_ps);
    run_result_free(&serial);
    run_result_free(&overlap);
}

/* Per-op traffic is counted by owner (arch/owner.h): ops that overlap on streams
 * are not charged each other's traffic, and the ops' figures sum to the run's. */
static void assert_owned(const run_result *r)
{
    uint64_t dram = 0, acc = 0, hits = 0, pcie = 0;
    for (size_t i = 0; i < r->nops; i++) {
        dram += r->ops[i].dram_bytes;
        acc += r->ops[i].l2_accesses;
        hits += r->ops[i].l2_hits;
        pcie += r->ops[i].pcie_bytes;
    }
    assert_int_equal(dram, r->dram_bytes);
    assert_int_equal(acc, r->l2_accesses);
    assert_int_equal(hits, r->l2_hits);
    assert_int_equal(pcie, r->pcie_bytes);
}

static void test_traffic_by_owner(void **state)
{
    (void)state;
    const char *text =
        "eltwise name=a elems=16777216 dtype=fp16 stream=0\n"
        "eltwise name=b elems=16777216 dtype=fp16 stream=1\n"
        "copy name=c dir=h2d bytes=16777216 pinned=1 stream=2\n"
        "gemm name=g m=2048 n=2048 k=2048 dtype=fp16 stream=3\n"
        "eltwise name=r elems=1048576 dtype=fp16 repeat=40 stream=0\n"
        "flush name=f\n";
    const char *exact[] = { "sim.l2_set_sampling=1" };
    const char *pf[] = { "prefetch.policy=stride", "sim.l2_set_sampling=16" };
    gpu_config cs[3] = { test_config(NULL, 0), test_config(exact, 1), test_config(pf, 2) };
    for (int k = 0; k < 3; k++) {
        run_result r = sim(&cs[k], text);
        /* they do overlap: b starts before a ends, c and g while b runs */
        assert_true(r.ops[1].start_ps < r.ops[0].end_ps);
        assert_true(r.ops[3].start_ps < r.ops[1].end_ps && r.ops[2].start_ps < r.ops[1].end_ps);
        assert_owned(&r);
        /* an eltwise reads its input (32 MiB) from DRAM and writes at most its output and the
         * dirty lines it evicts; none of the copy's PCIe bytes */
        for (int i = 0; i < 2; i++) {
            double in = 16777216.0 * 2;
            assert_true((double)r.ops[i].dram_bytes > 0.95 * in && (double)r.ops[i].dram_bytes < 3 * in);
            assert_int_equal(r.ops[i].pcie_bytes, 0);
        }
        /* the copy goes over PCIe only; the GEMM has no PCIe traffic */
        assert_int_equal(r.ops[2].pcie_bytes, 16777216);
        assert_int_equal(r.ops[2].dram_bytes, 0);
        assert_int_equal(r.ops[2].l2_accesses, 0);
        assert_int_equal(r.ops[3].pcie_bytes, 0);
        assert_true(r.ops[3].l2_accesses > 0);
        /* the flush writes back what is dirty: its own traffic, all writes */
        assert_true(r.ops[5].dram_bytes > 0);
        assert_int_equal(r.ops[5].l2_accesses, 0);
        run_result_free(&r);
    }
}

static void test_launch_modes(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    char eager[2048] = "mode eager\n", graph[2048] = "mode graph\n";
    for (int i = 0; i < 20; i++) { strcat(eager, "eltwise elems=1024\n"); strcat(graph, "eltwise elems=1024\n"); }
    strcat(eager, "sync\n");
    strcat(graph, "sync\n");
    run_result e = sim(&c, eager), g = sim(&c, graph);
    double per_e = (double)e.total_ps / 20e6, per_g = (double)g.total_ps / 20e6;
    assert_true(per_e > 9 && per_e < 14);    /* host-bound: ~11 us per eager launch */
    assert_true(per_g < 4);
    run_result_free(&e);
    run_result_free(&g);
}

/* A graph replay queued behind long work (the protocol's flush): the host has left graph mode
 * (`mode eager`) long before its kernels start, and they still follow each other at
 * host.graph_gap_us, not at kernel_setup_us. Fails if the gap is taken from the host's mode
 * when the kernel starts. */
static void test_graph_gap_after_mode_change(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    const char *head = "eltwise name=flush elems=33554432 dtype=fp16 in=0 out=1\nmode graph\n"
                       "eltwise name=a elems=1024\neltwise name=b elems=1024\neltwise name=c elems=1024\n";
    char stay[1024], leave[1024];
    snprintf(stay, sizeof stay, "%ssync\n", head);
    snprintf(leave, sizeof leave, "%smode eager\nsync\n", head);
    run_result s = sim(&c, stay), l = sim(&c, leave);
    assert_int_equal(s.total_ps, l.total_ps);
    /* b and c start graph_gap_us after the op before them ends */
    for (int i = 3; i <= 4; i++) {
        const op_result *o = NULL, *prev = NULL;
        for (size_t j = 0; j < l.nops; j++) {
            if (!strcmp(l.ops[j].name, i == 3 ? "b" : "c")) o = &l.ops[j];
            if (!strcmp(l.ops[j].name, i == 3 ? "a" : "b")) prev = &l.ops[j];
        }
        assert_non_null(o);
        assert_non_null(prev);
        assert_true((double)(o->end_ps - prev->end_ps) < c.host.kernel_setup_us * 1e6); /* gap + a tiny kernel */
    }
    run_result_free(&s);
    run_result_free(&l);
}

/* |a - b| / b */
static double rel(double a, double b) { return a > b ? (a - b) / b : (b - a) / b; }

/* A one-stage explicit-tile GEMM (Triton num_stages=1: plain loads into registers) is bounded by
 * the SM's outstanding loads, sm.max_inflight_lines; a three-stage one (cp.async) is not. Fails if
 * the k-tile loads stop taking the miss registers, or if every family takes them. */
static void test_gemm_one_stage_inflight(void **state)
{
    (void)state;
    const char *more[] = { "sm.max_inflight_lines=2000" };
    gpu_config c = test_config(NULL, 0), d = test_config(more, 1);
    const char *s1 = "gemm m=2048 n=2048 k=2048 dtype=fp16 tile=128x128x64 stages=1 warps=4\n";
    const char *s3 = "gemm m=2048 n=2048 k=2048 dtype=fp16 tile=128x128x64 stages=3 warps=4\n";
    run_result a = sim(&c, s1), b = sim(&d, s1), e = sim(&c, s3), f = sim(&d, s3);
    print_message("one stage: %.1f us at %lld lines, %.1f at 2000; three stages %.1f, %.1f\n", op_us(&a, 0),
                  (long long)c.sm.max_inflight_lines, op_us(&b, 0), op_us(&e, 0), op_us(&f, 0));
    assert_true(op_us(&a, 0) > 1.2 * op_us(&b, 0));
    assert_true(rel(op_us(&e, 0), op_us(&f, 0)) < 0.01);
    run_result_free(&a);
    run_result_free(&b);
    run_result_free(&e);
    run_result_free(&f);
}

static void test_determinism(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    const char *tr = "copy dir=h2d bytes=100352\ngemm m=512 n=1024 k=784\neltwise elems=524288 flops=1\n"
                     "gemm m=512 n=10 k=1024 dtype=bf16\ncopy dir=d2h bytes=10240 stream=2\n";
    run_result a = sim(&c, tr), b = sim(&c, tr);
    assert_int_equal(a.total_ps, b.total_ps);
    assert_int_equal(a.dram_bytes, b.dram_bytes);
    assert_int_equal(a.events, b.events);
    for (size_t i = 0; i < a.nops; i++) assert_int_equal(a.ops[i].end_ps, b.ops[i].end_ps);
    run_result_free(&a);
    run_result_free(&b);
}

/* repeat=N runs the op N times back to back: N times the work, about N times
 * the time (same buffers: the operands stay in L2), one result row. Fails if
 * repeat= is ignored. */
static void test_repeat(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result one = sim(&c, "mode graph\ngemm m=512 n=512 k=512 dtype=fp16\n");
    run_result ten = sim(&c, "mode graph\ngemm m=512 n=512 k=512 dtype=fp16 repeat=10\n");
    run_result lines = sim(&c, "mode graph\n"
                                 "gemm m=512 n=512 k=512 dtype=fp16\ngemm m=512 n=512 k=512 dtype=fp16\n"
                                 "gemm m=512 n=512 k=512 dtype=fp16\ngemm m=512 n=512 k=512 dtype=fp16\n"
                                 "gemm m=512 n=512 k=512 dtype=fp16\ngemm m=512 n=512 k=512 dtype=fp16\n"
                                 "gemm m=512 n=512 k=512 dtype=fp16\ngemm m=512 n=512 k=512 dtype=fp16\n"
                                 "gemm m=512 n=512 k=512 dtype=fp16\ngemm m=512 n=512 k=512 dtype=fp16\n");
    assert_int_equal(ten.nops, 2);
    assert_true(ten.ops[1].flops == 10 * one.ops[1].flops);
    assert_true(ten.flops == 10 * one.flops);
    print_message("one %.2f us, repeat=10 %.2f us, ten lines %.2f us\n", op_us(&one, 1), op_us(&ten, 1), (double)(lines.ops[10].end_ps - lines.ops[1].start_ps) / 1e6);
    assert_true(op_us(&ten, 1) > 4 * op_us(&one, 1)); /* one pays the launch latency once */
    /* ten ops in a row take the time of ten iterations (the same launch gaps), give or take L2 reuse */
    double lines_us = (double)(lines.ops[10].end_ps - lines.ops[1].start_ps) / 1e6;
    assert_true(op_us(&ten, 1) > 0.8 * lines_us && op_us(&ten, 1) < 1.2 * lines_us);
    /* dynamic energy scales with the calls (an op's idle share covers its launch latency too) */
    double idle_w = c.power.board_idle_w + (double)c.gpu.sm_count * c.power.sm_static_w;
    assert_true(ten.ops[1].energy_j - idle_w * op_us(&ten, 1) * 1e-6 > 8 * (one.ops[1].energy_j - idle_w * op_us(&one, 1) * 1e-6));
    assert_true(ten.ops[1].l2_accesses > 8 * one.ops[1].l2_accesses);
    assert_true(stats_get(&ten.st, "runner", "iterations_simulated", 0) + stats_get(&ten.st, "runner", "iterations_extrapolated", 0) == 10);
    run_result_free(&one);
    run_result_free(&ten);
    run_result_free(&lines);
}


/* sim.steady_state = on extrapolates, and agrees with off (every iteration
 * simulated) within 1% in time, L2 accesses, energy and clock, and within 2% in
 * DRAM bytes (steady within 5%, extrapolated at the window's mean). */
static void check_steady(const char *text, size_t i, const char *set)
{
    const char *on_set[] = { set }, *off_set[] = { "sim.steady_state=off", set };
    gpu_config on = test_config(on_set, set ? 1 : 0), off = test_config(off_set, set ? 2 : 1);
    run_result a = sim(&on, text), b = sim(&off, text);
    assert_true(stats_get(&a.st, "runner", "iterations_extrapolated", 0) > 0);
    assert_true(stats_get(&b.st, "runner", "iterations_extrapolated", -1) == 0);
    assert_true(rel(op_us(&a, i), op_us(&b, i)) < 0.01);
    assert_true(rel((double)a.total_ps, (double)b.total_ps) < 0.01);
    assert_true(a.ops[i].flops == b.ops[i].flops);
    /* DRAM traffic is the window's mean, steady within STEADY_TRAFFIC_TOL (5%): within 2% */
    assert_true(rel((double)a.ops[i].dram_bytes, (double)b.ops[i].dram_bytes) < 0.02);
    assert_true(rel((double)a.ops[i].l2_accesses, (double)b.ops[i].l2_accesses) < 0.01);
    assert_true(rel(a.ops[i].energy_j, b.ops[i].energy_j) < 0.01);
    assert_true(rel(a.energy_j, b.energy_j) < 0.01);
    assert_true(rel(a.ops[i].clock_mhz, b.ops[i].clock_mhz) < 0.01);
    assert_true(rel(a.clock_mhz, b.clock_mhz) < 0.01);
    assert_true(a.events < b.events);
    run_result_free(&a);
    run_result_free(&b);
}

static void test_steady_state(void **state)
{
    (void)state;
    /* the clock throttles over the first iterations (power.tau_us), then settles */
    /* (LRU: under the shipped random replacement this GEMM's 24 MB of operands and output, replicated,
     * miss 5-7% differently from one iteration to the next, so it never counts as steady and every
     * iteration is simulated) */
    check_steady("gemm m=2048 n=2048 k=2048 dtype=fp16 repeat=30\n", 0, "l2.replacement=lru"); /* settles after ~20 */
    /* launch-bound (eager, a short kernel: host.eager_gemm_us apart) */
    check_steady("gemm m=256 n=256 k=1024 dtype=fp16 repeat=20\n", 0, NULL);
    /* another stream's copy overlaps the first iterations; a later op follows */
    check_steady("copy dir=h2d bytes=4000000 stream=1\ngemm m=1024 n=1024 k=1024 dtype=fp16 repeat=20\n"
                 "sync\neltwise elems=1048576 dtype=fp16 repeat=3\n", 1, NULL);
    /* ops queued behind it on its stream do not stop the extrapolation */
    check_steady("gemm m=1024 n=1024 k=1024 dtype=fp16 repeat=20\neltwise elems=1048576 dtype=fp16\n", 0, NULL);
}

/* A trace text of a head, `periods` repetitions of `period` (each line's name= gets the period's
 * number: names differ, as in a real trace) and a remainder (the period's first rem_lines lines). */
static char *periodic_text(const char *head, const char *period, int periods, int rem_lines)
{
    size_t cap = strlen(head) + (size_t)(periods + 1) * (strlen(period) + 256) + 1;
    char *txt = malloc(cap), *w = txt;
    assert_non_null(txt);
    w += sprintf(w, "%s", head);
    for (int q = 0; q <= periods; q++) {
        const char *l = period;
        for (int j = 0; *l && (q < periods || j < rem_lines); j++) {
            const char *nl = strchr(l, '\n');
            w += sprintf(w, "%.*s name=p%d_%d\n", (int)(nl - l), l, q, j);
            l = nl + 1;
        }
    }
    return txt;
}

/* The per-op figures sum to the run's totals. */
static void check_rows_sum(const run_result *r)
{
    double flops = 0, energy = 0;
    uint64_t dram = 0, l2a = 0, l2h = 0, pcie = 0, end = 0;
    for (size_t i = 0; i < r->nops; i++) {
        const op_result *o = &r->ops[i];
        flops += o->flops;
        energy += o->energy_j;
        dram += o->dram_bytes;
        l2a += o->l2_accesses;
        l2h += o->l2_hits;
        pcie += o->pcie_bytes;
        if (o->end_ps > end) end = o->end_ps;
        assert_true(o->end_ps >= o->start_ps);
    }
    assert_true(rel(flops, r->flops) < 1e-9);
    assert_int_equal(dram, r->dram_bytes);
    assert_int_equal(l2a, r->l2_accesses);
    assert_int_equal(l2h, r->l2_hits);
    assert_int_equal(pcie, r->pcie_bytes);
    assert_true(end <= r->total_ps);
    assert_true(energy <= r->energy_j * (1 + 1e-9)); /* idle time with no op running is the run's only */
}

/* A periodic trace with sim.steady_state on simulates a prefix and extrapolates whole periods; it
 * agrees with off (every op simulated) within 1% in total time, per-op times (each op's start, the
 * mean time of each position in the period), traffic and energy; one row per op with its own name. */
static void check_periodic(const char *text, const char *set)
{
    const char *on_set[] = { set }, *off_set[] = { "sim.steady_state=off", set };
    gpu_config on = test_config(on_set, set ? 1 : 0), off = test_config(off_set, set ? 2 : 1);
    run_result a = sim(&on, text), b = sim(&off, text);
    size_t P = (size_t)stats_get(&a.st, "runner", "period_ops", 0);
    print_message("period %zu ops, %g periods extrapolated; on %.3f us, off %.3f us; events %llu vs %llu\n", P,
                  stats_get(&a.st, "runner", "periods_extrapolated", 0), (double)a.total_ps / 1e6,
                  (double)b.total_ps / 1e6, (unsigned long long)a.events, (unsigned long long)b.events);
    assert_true(P > 0);
    assert_true(stats_get(&a.st, "runner", "periods_extrapolated", 0) > 0);
    assert_true(stats_get(&b.st, "runner", "periods_extrapolated", -1) == -1);
    assert_true(a.events < b.events / 2);
    assert_int_equal(a.nops, b.nops);
    assert_true(rel((double)a.total_ps, (double)b.total_ps) < 0.01);
    assert_true(rel((double)a.dram_bytes, (double)b.dram_bytes) < 0.01);
    assert_true(rel((double)a.l2_accesses, (double)b.l2_accesses) < 0.01);
    assert_true(rel((double)a.l2_hits, (double)b.l2_hits) < 0.01);
    assert_true(a.flops == b.flops);
    assert_true(rel(a.energy_j, b.energy_j) < 0.01);
    assert_true(rel(a.clock_mhz, b.clock_mhz) < 0.01);
    double sum_a[64] = { 0 }, sum_b[64] = { 0 }, e_a = 0, e_b = 0;
    for (size_t i = 0; i < a.nops; i++) {
        assert_string_equal(a.ops[i].name, b.ops[i].name);
        assert_string_equal(a.ops[i].kind, b.ops[i].kind);
        assert_true(fabs((double)a.ops[i].start_ps - (double)b.ops[i].start_ps) < 0.01 * (double)b.total_ps);
        sum_a[i % P % 64] += op_us(&a, i);
        sum_b[i % P % 64] += op_us(&b, i);
        e_a += a.ops[i].energy_j;
        e_b += b.ops[i].energy_j;
    }
    for (size_t j = 0; j < P && j < 64; j++) /* (sync takes no time) */
        assert_true(fabs(sum_a[j] - sum_b[j]) <= 0.01 * sum_b[j]);
    assert_true(rel(e_a, e_b) < 0.01);
    check_rows_sum(&a);
    check_rows_sum(&b);
    run_result_free(&a);
    run_result_free(&b);
}

static void test_periodic_trace(void **state)
{
    (void)state;
    /* four streams, GEMMs then element-wise ops, no sync (bench/run's trace, smaller): host-bound */
    char *t1 = periodic_text("copy dir=h2d bytes=1000000\n",
                             "gemm m=128 n=256 k=256 dtype=fp16 stream=0\ngemm m=128 n=256 k=256 dtype=fp16 stream=1\n"
                             "gemm m=128 n=256 k=256 dtype=fp16 stream=2\ngemm m=128 n=256 k=256 dtype=fp16 stream=3\n"
                             "eltwise elems=65536 dtype=fp16 stream=0\neltwise elems=65536 dtype=fp16 stream=1\n"
                             "eltwise elems=65536 dtype=fp16 stream=2\neltwise elems=65536 dtype=fp16 stream=3\n",
                             300, 5);
    check_periodic(t1, NULL);
    /* a training step: a GEMM that outlasts the host's launches (GPU-bound), a copy on another stream,
     * a sync and host work: the host's clock advances by the period too */
    char *t2 = periodic_text("", "gemm m=512 n=1024 k=512 dtype=fp16\neltwise elems=262144 dtype=fp16\n"
                                 "copy dir=d2h bytes=65536 stream=1\nsync\ncpu us=3\n", 240, 0);
    check_periodic(t2, NULL);
    free(t1);
    free(t2);
}

/* A trace that does not repeat a period, repeats it too few times, or repeats it without settling
 * runs as before: the same results with sim.steady_state on and off, bit for bit. */
static void test_nonperiodic_unchanged(void **state)
{
    (void)state;
    const char *off_set[] = { "sim.steady_state=off" };
    gpu_config on = test_config(NULL, 0), off = test_config(off_set, 1);
    char *txt = malloc(64 * 200), *w = txt;
    assert_non_null(txt);
    for (int i = 0; i < 200; i++) /* sizes that never repeat in a pattern */
        w += sprintf(w, "eltwise elems=%d dtype=fp16 stream=%d\n", 4096 + 64 * ((i * i * 7 + 3 * i) % 997), i % 3);
    char *few = periodic_text("", "gemm m=128 n=128 k=128 dtype=fp16\neltwise elems=16384 dtype=fp16 stream=1\n", 40, 0);
    /* graph mode, ops back to back on one stream: each op's start jitters by 6% of the period and the
     * period's time drifts by 1-2% from one 32-period half to the next, so it never counts as steady */
    char *drift = periodic_text("mode graph\n", "gemm m=256 n=512 k=512 dtype=fp16\neltwise elems=131072 dtype=fp16\n",
                                300, 1);
    const char *texts[] = { txt, few, drift };
    for (int k = 0; k < 3; k++) {
        run_result a = sim(&on, texts[k]), b = sim(&off, texts[k]);
        assert_true(stats_get(&a.st, "runner", "periods_extrapolated", -1) == -1);
        assert_int_equal(a.total_ps, b.total_ps);
        assert_int_equal(a.dram_bytes, b.dram_bytes);
        assert_int_equal(a.events, b.events);
        assert_true(a.energy_j == b.energy_j);
        for (size_t i = 0; i < a.nops; i++) {
            assert_int_equal(a.ops[i].start_ps, b.ops[i].start_ps);
            assert_int_equal(a.ops[i].end_ps, b.ops[i].end_ps);
        }
        run_result_free(&a);
        run_result_free(&b);
    }
    free(txt);
    free(few);
    free(drift);
}

/* Eager loops pay the host's cost of what each launch calls: host.eager_gemm_us
 * per GEMM, host.eager_copy_us per copy, host.eager_gap_us per framework kernel
 * (a loop of short ops is host-bound at that period). */
static void test_host_call_costs(void **state)
{
    (void)state;
    const char *sets[] = { "host.eager_gemm_us=40", "host.eager_copy_us=30", "host.eager_gap_us=20" };
    gpu_config c = test_config(sets, 3);
    const char *lines[] = { "gemm m=128 n=128 k=128 dtype=fp16 repeat=50\n", "copy dir=d2d bytes=65536 repeat=50\n",
                            "eltwise elems=4096 dtype=fp16 repeat=50\n" };
    double want[] = { 40, 30, 20 };
    for (int i = 0; i < 3; i++) {
        run_result r = sim(&c, lines[i]);
        double first = (double)(r.ops[0].end_ps - r.ops[0].start_ps) / 1e6;
        run_result one = sim(&c, i == 0 ? "gemm m=128 n=128 k=128 dtype=fp16\n" : i == 1 ? "copy dir=d2d bytes=65536\n"
                                                                                        : "eltwise elems=4096 dtype=fp16\n");
        double per = (first - op_us(&one, 0)) / 49;
        print_message("%s: %.2f us per call\n", lines[i], per);
        assert_true(fabs(per - want[i]) < 0.05 * want[i]);
        run_result_free(&r);
        run_result_free(&one);
    }
}

/* A pageable H2D copy stages chunk n+1 while chunk n is on the link: it takes
 * bytes / the staging rate (not plus the link time); zero_page=1 (a source never
 * written) stages at pcie.staging_zero_gbps. */
static void test_pageable_h2d(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    double bytes = 268435456;
    double t = sim_op_us(&c, "copy dir=h2d bytes=268435456 pinned=0\n", 0);
    double z = sim_op_us(&c, "copy dir=h2d bytes=268435456 pinned=0 zero_page=1\n", 0);
    double want = bytes / (c.pcie.staging_h2d_gbps * 1e3), want_z = bytes / (c.pcie.staging_zero_gbps * 1e3);
    print_message("pageable h2d 256 MiB: %.0f us (staging alone %.0f), zero page %.0f us (%.0f)\n", t, want, z, want_z);
    assert_true(t > want && t < want * 1.02);
    assert_true(z > want_z && z < want_z * 1.03);
    /* the link does not add: serialised chunks would take bytes / staging + bytes / link */
    assert_true(z < want_z + 0.5 * bytes / (config_pcie_gbps(&c) * 1e3));
}

/* A pageable D2H into a destination never touched (first_touch=1) pays host.page_fault_us for
 * each 4 KiB page on top of the same copy into touched pages; 0 us a fault gives the plain copy. */
static void test_pageable_d2h_first_touch(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    c.host.page_fault_us = 1.5;
    double t = sim_op_us(&c, "copy dir=d2h bytes=4194304 pinned=0\n", 0);
    double f = sim_op_us(&c, "copy dir=d2h bytes=4194304 pinned=0 first_touch=1\n", 0);
    double odd = sim_op_us(&c, "copy dir=d2h bytes=4194305 pinned=0 first_touch=1\n", 0);
    print_message("pageable d2h 4 MiB: %.1f us, first touch %.1f us (+%.1f for 1024 pages)\n", t, f, f - t);
    assert_true(fabs(f - t - 1024 * 1.5) < 0.01);
    assert_true(odd - f > 1.5 - 0.01); /* one byte more: one more page */
    c.host.page_fault_us = 0;
    assert_true(fabs(sim_op_us(&c, "copy dir=d2h bytes=4194304 pinned=0 first_touch=1\n", 0) - t) < 0.01);
}

static void test_refusals(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    const char *tr = "gemm m=131072 n=131072 k=131072\n";
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "big.trace", tr, strlen(tr), err, sizeof err), 0);
    run_result r;
    assert_int_equal(runner_run(&c, t, &r, err, sizeof err), -2);
    assert_non_null(strstr(err, "big.trace:1:"));
    assert_non_null(strstr(err, "device memory"));
    trace_destroy(t);
    const char *tr2 = "stream bytes=4096 sms=500\n";
    assert_int_equal(trace_parse(&t, "s.trace", tr2, strlen(tr2), err, sizeof err), 0);
    assert_int_equal(runner_run(&c, t, &r, err, sizeof err), -2);
    assert_non_null(strstr(err, "more than gpu.sm_count"));
    trace_destroy(t);
}

/* The runner's per-op state lives only while the op is in flight: 200 ops with
 * a sync after every 4 (one per stream) need at most 4 slots, not 200. */
static void test_exec_slots_reused(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    char text[200 * 64], *p = text;
    for (int i = 0; i < 200; i++) {
        p += sprintf(p, "eltwise elems=1024 dtype=fp16 stream=%d\n", i % 4);
        if (i % 4 == 3) p += sprintf(p, "sync\n");
    }
    run_result r = sim(&c, text);
    assert_int_equal(r.nops, 250);
    for (size_t i = 0; i < r.nops; i++) assert_true(r.ops[i].end_ps >= r.ops[i].start_ps);
    assert_true(r.ops[248].end_ps > r.ops[0].end_ps);
    double slots = stats_get(&r.st, "runner", "exec_slots", 0);
    print_message("200 ops in flight 4 at most: %.0f slots\n", slots);
    assert_true(slots >= 1 && slots <= 4);
    run_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stages_pipelining),
        cmocka_unit_test(test_async_mma_holds_a_stage),
        cmocka_unit_test(test_sm_scaling),
        cmocka_unit_test(test_epilogue_stores),
        cmocka_unit_test(test_latency_plateaus),
        cmocka_unit_test(test_stream_bandwidth),
        cmocka_unit_test(test_stream_region),
        cmocka_unit_test(test_copies_and_overlap),
        cmocka_unit_test(test_traffic_by_owner),
        cmocka_unit_test(test_launch_modes),
        cmocka_unit_test(test_graph_gap_after_mode_change),
        cmocka_unit_test(test_gemm_one_stage_inflight),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_repeat),
        cmocka_unit_test(test_steady_state),
        cmocka_unit_test(test_periodic_trace),
        cmocka_unit_test(test_nonperiodic_unchanged),
        cmocka_unit_test(test_host_call_costs),
        cmocka_unit_test(test_pageable_h2d),
        cmocka_unit_test(test_pageable_d2h_first_touch),
        cmocka_unit_test(test_exec_slots_reused),
        cmocka_unit_test(test_simt_lsu_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
