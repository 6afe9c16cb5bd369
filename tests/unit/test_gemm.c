/* test_gemm.c: the GEMM mapping (default and explicit) and mapping errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common.h"
#include "engine/errors.h"
#include "kernels/gemm_map.h"
#include "sim_text.h"

static gemm_params gemm(int64_t m, int64_t n, int64_t k, dtype_id dt)
{
    gemm_params op;
    memset(&op, 0, sizeof op);
    op.m = m; op.n = n; op.k = k; op.dtype = dt;
    return op;
}

static void test_default_large(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    gemm_params op = gemm(8192, 8192, 8192, DT_FP16);
    gemm_map m;
    char err[512];
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
    assert_true(m.tensor);
    assert_true(m.persistent);
    assert_true(m.tm * m.tn >= 128 * 128);
    assert_int_equal(m.tk, 64);               /* 128-byte k-tiles of fp16 */
    assert_true(m.stages >= 3);
    assert_int_equal(m.split_k, 1);
    assert_true(sm_occupancy(&c, &m.shape) >= 1);
    assert_int_equal(m.cluster, 2);           /* nvjet: pairs of CTAs multicast A */
    /* tf32 runs cuBLAS's sm90 xmma kernels: no cluster, no multicast (gemm_more.csv's kernel names) */
    gemm_params tf = gemm(8192, 8192, 8192, DT_TF32);
    assert_int_equal(gemm_map_choose(&c, &tf, &m, err, sizeof err), 0);
    assert_true(m.persistent);
    assert_int_equal(m.cluster, 1);
}

static void test_default_skinny_and_fp32(void **state)
{
    (void)state;
    /* the split-K threshold was written for a 0.84 sustained tensor fraction; the
     * H100's is 0.93 since the power model sets the clock (configs/h100.ini) */
    const char *sf[] = { "tensor.sustained_fraction=0.84" };
    gpu_config c = test_config(sf, 1);
    char err[512];
    gemm_map m;
    gemm_params op = gemm(16, 8192, 8192, DT_FP16);
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
    int64_t ctas = ((8192 + m.tn - 1) / m.tn) * m.split_k;
    assert_true(ctas >= c.gpu.sm_count / 2);  /* enough CTAs to use the machine */
    gemm_params f = gemm(2048, 2048, 2048, DT_FP32);
    assert_int_equal(gemm_map_choose(&c, &f, &m, err, sizeof err), 0);
    assert_false(m.tensor);
    gemm_params t = gemm(1024, 1024, 1024, DT_TF32);
    assert_int_equal(gemm_map_choose(&c, &t, &m, err, sizeof err), 0);
    assert_int_equal(m.tk, 32);
}

static void test_explicit_and_errors(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    char err[512];
    gemm_map m;
    gemm_params op = gemm(4096, 4096, 4096, DT_FP16);
    op.tile_m = 128; op.tile_n = 256; op.tile_k = 64; op.stages = 4; op.warps = 8; op.group_m = 8;
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
    assert_int_equal(m.stages, 4);
    assert_int_equal(m.group_m, 8);
    assert_false(m.persistent);
    assert_int_equal(m.shape.smem_bytes, 4 * (128 * 64 + 64 * 256) * 2);
    op.stages = 8;  /* 384 KiB of shared memory */
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), GPUSIM_EINPUT);
    assert_non_null(strstr(err, "does not fit one SM"));
    gpu_config a;
    assert_int_equal(config_load(&a, SRC_DIR "/configs/a100.ini", NULL, 0, err, sizeof err), 0);
    gemm_params f8 = gemm(1024, 1024, 1024, DT_FP8);
    assert_int_equal(gemm_map_choose(&a, &f8, &m, err, sizeof err), GPUSIM_EINPUT);
    assert_non_null(strstr(err, "no fp8 tensor cores"));
}

/* The family follows the operand alignment and dtype as the library's does. */
static void test_families(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    char err[512];
    gemm_map m;
    struct { int64_t m, n, k; dtype_id dt; int fam; int vec; } cases[] = {
        { 4096, 4096, 4096, DT_FP16, GF_HOPPER_WGMMA, 16 },
        { 4095, 4096, 4096, DT_FP16, GF_HOPPER_WGMMA, 16 }, /* M is no row length: still aligned */
        { 4096, 4095, 4096, DT_FP16, GF_TURING_MMA, 2 },    /* odd N: 2-byte rows */
        { 4096, 4096, 4094, DT_BF16, GF_AMPERE_MMA, 4 },    /* K = 2 mod 8: 4-byte rows */
        { 4096, 4096, 4092, DT_FP16, GF_AMPERE_MMA, 4 },    /* 8-byte rows: cuBLAS has no 8-byte kernel */
        { 2048, 2048, 2048, DT_FP32, GF_SIMT, 4 },          /* sm80 xmma ffma ..._aligna4: 4-byte loads */
        { 1, 16384, 16384, DT_FP32, GF_GEMV, 16 },
        { 1, 16384, 16384, DT_TF32, GF_GEMV, 16 },          /* fp32 data: the same GEMV kernel */
        { 8192, 8192, 8192, DT_FP8, GF_HOPPER_WGMMA, 16 },
        { 16, 4096, 4096, DT_FP32, GF_GEMM_SN, 16 },        /* a few rows against a wide B: gemmSN */
        { 4, 16384, 1024, DT_FP32, GF_GEMM_SN, 16 },
        { 16, 1024, 4096, DT_FP32, GF_SIMT, 4 },            /* narrow B: split-K cutlass sgemm, 4-byte loads (..._align1) */
        { 16, 4096, 16384, DT_FP32, GF_SIMT, 16 },          /* deep K: split-K sgemm */
        { 32, 4096, 4096, DT_FP32, GF_SIMT, 16 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gemm_params op = gemm(cases[i].m, cases[i].n, cases[i].k, cases[i].dt);
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_ptr_equal(m.fam, &gemm_families[cases[i].fam]);
        assert_int_equal(m.vec_bytes, cases[i].vec);
    }
    /* tf32 on Hopper: cuBLAS's sm90 xmma kernels ship four tiles (a 1536^3 tf32 GEMM runs 128x64 here, the
     * tile nvjet-like lists would make 160x128); gemm.select=best may use any wgmma tile */
    for (int64_t sz = 768; sz <= 8192; sz *= 2) {
        gemm_params op = gemm(sz, sz, sz, DT_TF32);
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_ptr_equal(m.fam, &gemm_families[GF_HOPPER_WGMMA]);
        assert_true((m.tm == 128 || m.tm == 256) && (m.tn == 64 || m.tn == 128));
    }
    /* cuBLAS's SIMT kernels hold ~3 registers per accumulator (118-121 at 32 a thread: the profiler,
     * analysis/hw/h100_s5/occ.csv), which limits how many CTAs share an SM */
    int64_t shapes[][3] = { { 1536, 1536, 1536 }, { 2880, 3200, 192 }, { 768, 768, 768 }, { 7989, 3157, 23 } };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        gemm_params op = gemm(shapes[i][0], shapes[i][1], shapes[i][2], DT_FP32);
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_ptr_equal(m.fam, &gemm_families[GF_SIMT]);
        int64_t acc = m.tm * m.tn / (m.warps * 32);
        assert_int_equal(m.shape.regs_per_thread, 3 * acc + 24 > 255 ? 255 : 3 * acc + 24);
    }
    /* cuBLAS's smallest SIMT tiles run 2 warps (sm80 xmma ffma 32x32 ..._warpsize1x2x1): a 128^3 fp32
     * GEMM takes a 32x32 tile with 2 warps; a 64x64 C over K = 16384 splits K 128 ways, as
     * cutlass_80_simt_sgemm_64x64_8x5 does on a [1, 1, 128] grid (h100_s2/fp32_skinny.csv) */
    gemm_params sq = gemm(128, 128, 128, DT_FP32);
    assert_int_equal(gemm_map_choose(&c, &sq, &m, err, sizeof err), 0);
    assert_true(m.tm == 32 && m.tn == 32 && m.warps == 2);
    gemm_params deep = gemm(64, 64, 16384, DT_FP32);
    assert_int_equal(gemm_map_choose(&c, &deep, &m, err, sizeof err), 0);
    assert_true(m.tm == 64 && m.tn == 64 && m.warps == 4 && m.split_k == 128);
    /* ... with the cutlass simt kernel's 4-byte loads (..._align1), as cuBLAS splits K over 16 tiles
     * or fewer; no 32x32 tile there (cutlass ships 64x64, 32x128, 64x128, 128x256) */
    assert_int_equal(m.vec_bytes, 4);
    gemm_params seed = gemm(64, 128, 784, DT_FP32);
    seed.trans_b = 1;
    assert_int_equal(gemm_map_choose(&c, &seed, &m, err, sizeof err), 0);
    assert_true(m.split_k == 1 || ((m.tm == 64 && m.tn == 64) || (m.tm == 32 && m.tn == 128) ||
                                   (m.tm == 64 && m.tn == 128) || (m.tm == 128 && m.tn == 256)));
    /* rows not 4-byte aligned: cuBLAS's sm75 kernels, 64x64, 128x128 or 256x128 tiles; the wmma 32x32
     * kernel (k-tiles of 64) for fp16 with at most 21 rows or 35 columns, never for bf16 */
    int64_t odd[][4] = { { 11, 2127, 8502, 1 }, { 357, 1319, 7083, 0 }, { 5952, 7040, 23, 0 }, { 2560, 27, 7424, 1 },
                         { 24, 7705, 12049, 0 }, { 6998, 37, 6151, 0 } };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        for (int bf = 0; bf < 2; bf++) {
            gemm_params o = gemm(odd[i][0], odd[i][1], odd[i][2], bf ? DT_BF16 : DT_FP16);
            assert_int_equal(gemm_map_choose(&c, &o, &m, err, sizeof err), 0);
            assert_ptr_equal(m.fam, &gemm_families[GF_TURING_MMA]);
            if (odd[i][3] && !bf)
                assert_true(m.tm == 32 && m.tn == 32 && m.tk == 64);
            else
                assert_true((m.tm == 64 && m.tn == 64) || (m.tm == 128 && m.tn == 128) ||
                            (m.tm == 128 && m.tn == 256) || (m.tm == 256 && m.tn == 128));
        }
    }
    /* gemmSN: 4 x 64 outputs per 256-thread CTA over the whole K, never split */
    gemm_params sn = gemm(16, 4096, 4096, DT_FP32);
    assert_int_equal(gemm_map_choose(&c, &sn, &m, err, sizeof err), 0);
    assert_true(m.tm == 4 && m.tn == 64 && m.warps == 8 && m.split_k == 1);
    /* split-K's reduce kernel: latency-bound in the number of splits for a small C (each thread sums
     * its partials with gemm.reduce_loads in flight), bandwidth-bound for a large one */
    gemm_map sk = { .split_k = 128 };
    gemm_params small = gemm(64, 64, 65536, DT_FP32), big = gemm(8192, 8192, 65536, DT_FP32);
    double r128 = gemm_reduce_s(&c, &small, &sk);
    sk.split_k = 4;
    double r4 = gemm_reduce_s(&c, &small, &sk);
    assert_true(r128 - r4 > 2e-6);
    assert_true(gemm_reduce_s(&c, &big, &sk) > 8192.0 * 8192 * 16 / (config_peak_dram_gbps(&c) * 1e9));
    /* the layout changes which dimensions are row lengths: A^T rows are M long */
    gemm_params t = gemm(4095, 4096, 4096, DT_FP16);
    t.trans_a = 1;
    assert_int_equal(gemm_align_bytes(&t), 2);
    /* narrow loads cost LSU issue slots: 2-byte vectors need 8x the instructions of 16-byte ones */
    gemm_map a = { .fam = &gemm_families[GF_AMPERE_MMA], .tensor = 1, .vec_bytes = 16, .tm = 128, .tn = 128, .tk = 32,
                   .wm = 2, .wn = 2 };
    gemm_map b = a;
    b.vec_bytes = 2;
    assert_true(gemm_lsu_instrs_per_ktile(&b, 2) > 4 * gemm_lsu_instrs_per_ktile(&a, 2));
    /* the epilogue's stores too: a shared-memory read and a global store per output vector */
    assert_true(gemm_lsu_store_instrs_per_elem(&b, 2) == 2.0 / 32.0);
    assert_true(gemm_lsu_store_instrs_per_elem(&a, 2) == 2.0 / (32.0 * 8.0));
    a.fam = &gemm_families[GF_HOPPER_WGMMA];
    a.stages = 3;
    assert_true(gemm_lsu_instrs_per_ktile(&a, 2) == 0); /* TMA */
    a.stages = 1; /* a one-stage Triton kernel: no asynchronous copies, LDG + STS per vector */
    assert_true(gemm_lsu_instrs_per_ktile(&a, 2) > 0);
    a.stages = 2;
    assert_true(gemm_lsu_store_instrs_per_elem(&a, 2) == 0);
}

/* A SIMT GEMM with one warp a sub-partition keeps its FMA pipes busy cuda.warp_issue_fraction of
 * the time; two or more warps a sub-partition fill them; tensor-core mappings are not affected. */
static void test_simt_issue(void **state)
{
    (void)state;
    const char *sets[] = { "cuda.warp_issue_fraction=0.7" };
    gpu_config c = test_config(sets, 1);
    char err[512];
    gemm_params op = gemm(1024, 1024, 1024, DT_FP32);
    op.tile_m = 128; op.tile_n = 64; op.tile_k = 8; op.warps = 4; op.stages = 3;
    gemm_map m;
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
    /* 128 CTAs on 132 SMs: one CTA an SM, 4 warps over 4 sub-partitions */
    assert_true(fabs(gemm_simt_issue(&c, &op, &m) - 0.7) < 1e-9);
    op.warps = 8;
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
    assert_true(gemm_simt_issue(&c, &op, &m) == 1.0);
    gemm_params t = gemm(1024, 1024, 1024, DT_FP16);
    assert_int_equal(gemm_map_choose(&c, &t, &m, err, sizeof err), 0);
    assert_true(gemm_simt_issue(&c, &t, &m) == 1.0);
}

/* A lower LSU rate makes a misaligned GEMM slower (the mechanism, not a fitted number). */
static void test_lsu_bound(void **state)
{
    (void)state;
    const char *slow[] = { "sm.lsu_instr_per_clk=0.1" };
    gpu_config c = test_config(NULL, 0), d = test_config(slow, 1);
    char err[512];
    gemm_map m;
    gemm_params op = gemm(4096, 4095, 4096, DT_FP16);
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
    assert_true(m.split_k >= 1);
    assert_true(gemm_mma_fraction(&c, &m) == c.tensor.mma_sync_fraction);
    assert_true(d.sm.lsu_instr_per_clk < c.sm.lsu_instr_per_clk);
}

/* A non-TMA kernel issues the loads of its whole tile, the rows past C's edge predicated off: a
 * misaligned (2-byte, LSU-bound) bf16 GEMM of 16 rows on a 128-row s1688 tile loads as many rows as one
 * of 128: over 0.75 of its time (0.65 when only C's rows load). The wmma 32x32 kernel's columns past C's
 * edge (lanes of a warp along B's rows) cost nothing: 16 columns of 32 take 0.75 of the LSU time of 32
 * (sm.lsu_off_warp_fraction; h100_s10/mis_skinny.csv) */
static void test_predicated_rows(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result a = sim(&c, "gemm name=g m=16 n=2047 k=8001 dtype=bf16\n");
    run_result b = sim(&c, "gemm name=g m=128 n=2047 k=8001 dtype=bf16\n");
    assert_non_null(strstr(run_op_mapping(&a, &a.ops[0]), "turing_mma"));
    assert_string_equal(run_op_mapping(&a, &a.ops[0]), run_op_mapping(&b, &b.ops[0]));
    double ta = (double)(a.ops[0].end_ps - a.ops[0].start_ps), tb = (double)(b.ops[0].end_ps - b.ops[0].start_ps);
    assert_true(ta > 0.75 * tb);
    run_result_free(&a);
    run_result_free(&b);
    a = sim(&c, "gemm name=g m=4001 n=17 k=8001 dtype=fp16 split_k=4\n");
    b = sim(&c, "gemm name=g m=4001 n=32 k=8001 dtype=fp16 split_k=4\n");
    assert_non_null(strstr(run_op_mapping(&a, &a.ops[0]), "turing_mma 32x32x64"));
    assert_string_equal(run_op_mapping(&a, &a.ops[0]), run_op_mapping(&b, &b.ops[0]));
    ta = (double)(a.ops[0].end_ps - a.ops[0].start_ps); tb = (double)(b.ops[0].end_ps - b.ops[0].start_ps);
    assert_true(ta < 0.9 * tb && ta > 0.6 * tb);
    run_result_free(&a);
    run_result_free(&b);
}

/* Issue 10: a mapping that does not fit names the limit it breaks (it always blamed shared memory). */
static void test_misfit_reason(void **state)
{
    (void)state;
    char err[512];
    gemm_map m;
    gemm_params op = gemm(256, 256, 256, DT_FP16);
    op.tile_m = 128; op.tile_n = 128; op.tile_k = 32; op.warps = 8;
    const char *thr[] = { "sm.max_threads=128" };
    gpu_config c = test_config(thr, 1);
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), GPUSIM_EINPUT);
    if (!strstr(err, "256 threads > sm.max_threads = 128") || strstr(err, "shared memory")) fail_msg("%s", err);
    const char *regs[] = { "sm.registers=4096" };
    c = test_config(regs, 1);
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), GPUSIM_EINPUT);
    if (!strstr(err, "registers > sm.registers = 4096") || strstr(err, "shared memory")) fail_msg("%s", err);
    op.tile_m = 256; op.tile_n = 256; op.tile_k = 64; op.stages = 8; op.warps = 4;
    c = test_config(NULL, 0);
    assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), GPUSIM_EINPUT);
    if (!strstr(err, "shared memory > sm.smem_per_cta_kib")) fail_msg("%s", err);
    gemm_params dflt = gemm(256, 256, 256, DT_FP16);
    const char *tiny[] = { "sm.max_threads=64" };
    c = test_config(tiny, 1);
    assert_int_equal(gemm_map_choose(&c, &dflt, &m, err, sizeof err), GPUSIM_EINPUT);
    if (!strstr(err, "sm.max_threads = 64")) fail_msg("%s", err);
}

/* nn.Linear's bias (addmm): cuBLAS's fp32 bias paths (analysis/hw/h100_s10/linear32.csv) */
static void test_bias_paths(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    char err[512];
    gemm_map m;
    /* fewer than 2^21 multiply-adds: scal + sgemm_largek_lds64 (32x32 on 256 threads, loads through registers,
     * K split in up to 5 parts of at least 32 added into C) + a bias kernel; none of that without the bias */
    struct { int64_t m, n, k, split; } tiny[] = { { 64, 10, 128, 4 }, { 1000, 10, 128, 4 }, { 64, 32, 784, 5 },
                                                 { 256, 10, 784, 5 }, { 64, 128, 128, 4 } };
    for (size_t i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
        gemm_params op = gemm(tiny[i].m, tiny[i].n, tiny[i].k, DT_FP32);
        op.trans_b = 1;
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_ptr_equal(m.fam, &gemm_families[GF_SIMT]);
        op.bias = 1;
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_ptr_equal(m.fam, &gemm_families[GF_LARGEK]);
        assert_true(m.tm == 32 && m.tn == 32 && m.warps == 8 && m.stages == 1);
        assert_int_equal(m.split_k, tiny[i].split);
        /* its memset and scal before, its bias kernel after: three kernels' set-up at least */
        assert_true(gemm_prep_s(&c, &op, &m) + gemm_post_s(&c, &op, &m) >= 3 * c.host.kernel_setup_us * 1e-6);
    }
    /* 2^21 multiply-adds and more: cuBLAS's kernels with the bias in their epilogue; a split-K only where
     * the cutlass kernels' splitKreduce adds the bias (C of 16 64x64 tiles or fewer), no two-kernel sm80
     * split: the seed's 1000x128x784 Linear runs unsplit, its 64x128x784 one splits on a cutlass tile */
    gemm_params b1000 = gemm(1000, 128, 784, DT_FP32), b64 = gemm(64, 128, 784, DT_FP32);
    b1000.trans_b = b64.trans_b = 1;
    b1000.bias = b64.bias = 1;
    assert_int_equal(gemm_map_choose(&c, &b1000, &m, err, sizeof err), 0);
    assert_int_equal(m.split_k, 1);
    assert_int_equal(gemm_map_choose(&c, &b64, &m, err, sizeof err), 0);
    assert_true(m.split_k > 1 && m.vec_bytes == 4);
    gemm_params big = gemm(256, 64, 128, DT_FP32);
    big.bias = 1;
    assert_int_equal(gemm_map_choose(&c, &big, &m, err, sizeof err), 0);
    assert_ptr_equal(m.fam, &gemm_families[GF_SIMT]);
    int64_t many[][3] = { { 4096, 64, 784 }, { 4096, 128, 4096 }, { 1000, 512, 784 } };
    for (size_t i = 0; i < sizeof many / sizeof many[0]; i++) {
        gemm_params op = gemm(many[i][0], many[i][1], many[i][2], DT_FP32);
        op.trans_b = 1;
        op.bias = 1;
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_int_equal(m.split_k, 1);
        op.bias = 0;
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_true(m.split_k > 1); /* without the bias these split K over two kernels */
    }
    /* simulated: the legacy path's memset, scal and bias kernels and its one-stage k-tiles add at least
     * three kernels' set-up to the GEMM (linear32.csv: 18.2 us against 9.2 without the bias) */
    run_result nb = sim(&c, "gemm name=g m=64 n=10 k=128 dtype=fp32 layout=nt\n");
    run_result wb = sim(&c, "gemm name=g m=64 n=10 k=128 dtype=fp32 layout=nt bias=1\n");
    assert_non_null(strstr(run_op_mapping(&wb, &wb.ops[0]), "largek"));
    double t_nb = (double)(nb.ops[0].end_ps - nb.ops[0].start_ps), t_wb = (double)(wb.ops[0].end_ps - wb.ops[0].start_ps);
    assert_true(t_wb - t_nb > 3 * c.host.kernel_setup_us * 1e6);
    run_result_free(&nb);
    run_result_free(&wb);
    /* the tensor-core kernels fuse the bias: no change of path */
    gemm_params h = gemm(64, 10, 128, DT_FP16);
    h.bias = 1;
    assert_int_equal(gemm_map_choose(&c, &h, &m, err, sizeof err), 0);
    assert_ptr_not_equal(m.fam, &gemm_families[GF_LARGEK]);
}

/* cuBLAS's nvjet kernels (fp16/bf16/fp8 on the H100): data-parallel, no stream-K; K split (with a separate
 * reduce) only where the chosen tile's grid covers at most 0.36 of the SMs and K is 43+ k-tiles, until the
 * CTAs fill the SMs once at 16+ k-tiles a split (analysis/hw/h100_s13); the reduce behind a Hopper kernel
 * adds its own duration only, behind the other families the front end's set-up too */
static void test_nvjet_split(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    char err[512];
    gemm_map m;
    struct { int64_t m, n, k; int split; } cases[] = {
        { 448, 320, 10496, 1 }, { 640, 128, 2880, 1 },      /* few tiles, long K: split */
        { 128, 4096, 4096, 0 }, { 640, 960, 1984, 0 },      /* a wave of tiles: no split */
        { 640, 128, 1536, 0 },                              /* few tiles, K of 24 k-tiles: no split */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gemm_params op = gemm(cases[i].m, cases[i].n, cases[i].k, DT_FP16);
        assert_int_equal(gemm_map_choose(&c, &op, &m, err, sizeof err), 0);
        assert_ptr_equal(m.fam, &gemm_families[GF_HOPPER_WGMMA]);
        assert_false(m.stream_k);
        int64_t tiles = ((cases[i].m + m.tm - 1) / m.tm) * ((cases[i].n + m.tn - 1) / m.tn);
        if (cases[i].split) {
            assert_true(m.split_k > 1);
            assert_true(tiles <= (int64_t)(0.36 * (double)c.gpu.sm_count));
            assert_true(tiles * m.split_k <= c.gpu.sm_count);
            assert_true((cases[i].k + m.tk - 1) / m.tk / m.split_k >= 16);
        } else {
            assert_int_equal(m.split_k, 1);
        }
    }
    /* the reduce: behind a TMA kernel gemm.reduce_fixed_us, behind an mma.sync one host.kernel_setup_us */
    gemm_params r = gemm(640, 128, 2880, DT_FP16);
    gemm_map tma = { .fam = &gemm_families[GF_HOPPER_WGMMA], .split_k = 2 };
    gemm_map sync = { .fam = &gemm_families[GF_AMPERE_MMA], .split_k = 2 };
    double d = gemm_reduce_s(&c, &r, &sync) - gemm_reduce_s(&c, &r, &tma);
    assert_true(fabs(d - (c.host.kernel_setup_us - c.gemm.reduce_fixed_us) * 1e-6) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_large),
        cmocka_unit_test(test_default_skinny_and_fp32),
        cmocka_unit_test(test_explicit_and_errors),
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_lsu_bound),
        cmocka_unit_test(test_simt_issue),
        cmocka_unit_test(test_misfit_reason),
        cmocka_unit_test(test_bias_paths),
        cmocka_unit_test(test_predicated_rows),
        cmocka_unit_test(test_nvjet_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
