/* test_import.c: gpusim import on a small hand-written PyTorch profile: every mapping
 * rule, the host gaps and syncs, the unmapped summary, the result parsing as a trace,
 * and the errors for input that is not JSON or not a profiler trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "import/torch_import.h"
#include "ops/op_copy.h"
#include "ops/op_eltwise.h"
#include "ops/op_gemm.h"
#include "trace/trace.h"

#define CP(o) ((const copy_params *)(o)->params)
#define GP(o) ((const gemm_params *)(o)->params)
#define EP(o) ((const eltwise_params *)(o)->params)

static char err[1024];

#define OP(ext, name, ts, dur, dims, strides, types) \
    "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"" name "\",\"pid\":1,\"tid\":1,\"ts\":" #ts ",\"dur\":" #dur \
    ",\"args\":{\"External id\":" #ext ",\"Input Dims\":" dims ",\"Input Strides\":" strides ",\"Input type\":" types "}},\n"
#define RT(name, corr, ext, ts, dur) \
    "{\"ph\":\"X\",\"cat\":\"cuda_runtime\",\"name\":\"" name "\",\"pid\":1,\"tid\":1,\"ts\":" #ts ",\"dur\":" #dur \
    ",\"args\":{\"External id\":" #ext ",\"correlation\":" #corr "}},\n"
#define GPU(cat, name, corr, ext, ts, dur, stream, extra) \
    "{\"ph\":\"X\",\"cat\":\"" cat "\",\"name\":\"" name "\",\"pid\":0,\"tid\":7,\"ts\":" #ts ",\"dur\":" #dur \
    ",\"args\":{\"External id\":" #ext ",\"correlation\":" #corr ",\"stream\":" #stream extra "}},\n"

static const char *profile =
    "{\n \"schemaVersion\": 1, \"record_shapes\": 1, \"deviceProperties\": [{\"id\": 0, \"name\": \"H100\"}],\n"
    " \"traceEvents\": [\n"
    /* x -> device, pinned */
    OP(1, "aten::copy_", 0, 50, "[[64,128],[64,128],[]]", "[[128,1],[128,1],[]]", "[\"float\",\"float\",\"Scalar\"]")
    RT("cudaMemcpyAsync", 100, 1, 10, 5)
    GPU("gpu_memcpy", "Memcpy HtoD (Pinned -> Device)", 100, 1, 20, 3, 7, ",\"bytes\":32768")
    /* linear -> addmm, bias; W stored [N,K] so B is transposed: nt; a split-K reduce folded in */
    OP(2, "aten::linear", 40, 40, "[[64,128],[256,128],[256]]", "[[128,1],[128,1],[1]]", "[\"c10::Half\",\"c10::Half\",\"c10::Half\"]")
    OP(3, "aten::addmm", 45, 30, "[[256],[64,128],[128,256],[],[]]", "[[1],[128,1],[1,128],[],[]]",
       "[\"c10::Half\",\"c10::Half\",\"c10::Half\",\"Scalar\",\"Scalar\"]")
    RT("cudaLaunchKernel", 101, 3, 50, 5)
    GPU("kernel", "void cutlass::Kernel2<cutlass_80_tensorop_h16816gemm_64x64_tn>(Params)", 101, 3, 60, 4, 7,
        ",\"grid\":[4,1,2],\"block\":[128,1,1]")
    RT("cudaLaunchKernel", 102, 3, 56, 5)
    GPU("kernel", "void cublasLt::splitKreduce_kernel<32, 16, int, float>(cublasLt::cublasSplitKParams<float>)", 102, 3, 65, 1, 7,
        ",\"grid\":[4,4,1],\"block\":[32,16,1]")
    /* an element-wise add, 64x256 fp16, after 30 us of host time */
    OP(4, "aten::add", 90, 20, "[[64,256],[64,256],[]]", "[[256,1],[256,1],[]]", "[\"c10::Half\",\"c10::Half\",\"Scalar\"]")
    RT("cudaLaunchKernel", 103, 4, 91, 4)
    GPU("kernel", "void at::native::vectorized_elementwise_kernel<4, at::native::AddFunctor<c10::Half> >(int)", 103, 4, 96, 2, 7,
        ",\"grid\":[16,1,1],\"block\":[128,1,1]")
    /* mm with a transposed A (stored [K,M]): tn, fp32 */
    OP(5, "aten::mm", 100, 10, "[[32,64],[64,16]]", "[[1,32],[16,1]]", "[\"float\",\"float\"]")
    RT("cudaLaunchKernel", 104, 5, 101, 4)
    GPU("kernel", "sm80_xmma_gemm_f32f32_f32f32_f32_nt_n_tilesize32x32x8", 104, 5, 106, 3, 7, ",\"grid\":[1,1,1],\"block\":[64,1,1]")
    /* an fp32 -> bf16 copy on another stream: bf16 with in=2 out=1 */
    OP(6, "aten::copy_", 110, 10, "[[1024],[1024],[]]", "[[1],[1],[]]", "[\"c10::BFloat16\",\"float\",\"Scalar\"]")
    RT("cudaLaunchKernel", 105, 6, 111, 4)
    GPU("kernel", "void at::native::vectorized_elementwise_kernel<4, bfloat16_copy>(int)", 105, 6, 116, 1, 13,
        ",\"grid\":[2,1,1],\"block\":[128,1,1]")
    /* an optimizer foreach over 3 + 5 elements, launched as two kernels of 3 and 1 blocks */
    OP(7, "aten::_foreach_add_", 120, 20, "[[[3],[5]],[[3],[5]],[]]", "[[[1],[1]],[[1],[1]],[]]", "[\"TensorList\",\"TensorList\",\"Scalar\"]")
    RT("cudaLaunchKernel", 106, 7, 121, 2)
    GPU("kernel", "void at::native::multi_tensor_apply_kernel<BinaryOpListAlphaFunctor<float> >(T)", 106, 7, 124, 1, 7,
        ",\"grid\":[3,1,1],\"block\":[512,1,1]")
    RT("cudaLaunchKernel", 107, 7, 130, 2)
    GPU("kernel", "void at::native::multi_tensor_apply_kernel<BinaryOpListAlphaFunctor<float> >(T)", 107, 7, 133, 1, 7,
        ",\"grid\":[1,1,1],\"block\":[512,1,1]")
    /* a standalone memset */
    OP(8, "aten::zero_", 140, 5, "[[256]]", "[[1]]", "[\"float\"]")
    RT("cudaMemsetAsync", 108, 8, 141, 2)
    GPU("gpu_memset", "Memset (Device)", 108, 8, 144, 1, 7, ",\"bytes\":1024")
    /* a kernel no aten op claims: unmapped, by its threads */
    RT("cudaLaunchKernel", 109, 0, 150, 2)
    GPU("kernel", "my_custom_kernel", 109, 0, 153, 5, 7, ",\"grid\":[2,1,1],\"block\":[256,1,1]")
    /* .cpu(): a pageable copy back, the host synchronises, then one more launch */
    OP(9, "aten::copy_", 160, 100, "[[64,256],[64,256],[]]", "[[256,1],[256,1],[]]", "[\"c10::Half\",\"c10::Half\",\"Scalar\"]")
    RT("cudaMemcpyAsync", 110, 9, 161, 20)
    GPU("gpu_memcpy", "Memcpy DtoH (Device -> Pageable)", 110, 9, 165, 10, 7, ",\"bytes\":32768")
    RT("cudaStreamSynchronize", 111, 9, 185, 15)
    OP(10, "aten::relu", 240, 10, "[[64,256]]", "[[256,1]]", "[\"c10::Half\"]")
    RT("cudaLaunchKernel", 112, 10, 241, 4)
    GPU("kernel", "void at::native::vectorized_elementwise_kernel<4, relu>(int)", 112, 10, 246, 1, 7, ",\"grid\":[16,1,1],\"block\":[128,1,1]")
    "{\"ph\":\"i\",\"name\":\"Record Window End\",\"ts\":300}\n"
    " ],\n \"traceName\": \"t.json\"\n}\n";

/* Imports text; returns the trace text (caller frees) or NULL with err set and *rc the code. */
static char *import_text(const char *text, int *rc, torch_import_summary *sum, char **diag)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    char *out = NULL, *dg = NULL;
    size_t outlen = 0, dglen = 0;
    FILE *o = open_memstream(&out, &outlen), *d = open_memstream(&dg, &dglen);
    assert_non_null(in);
    assert_non_null(o);
    assert_non_null(d);
    *rc = torch_import(in, "p.json", &(torch_import_opts){ .eager_gap_us = 3 }, o, d, sum, err, sizeof err);
    fclose(in);
    fclose(o);
    fclose(d);
    if (diag) *diag = dg; else free(dg);
    if (*rc) { free(out); return NULL; }
    return out;
}

static const trace_op *find(const trace *t, const char *prefix)
{
    for (size_t i = 0; i < t->n; i++) if (!strncmp(trace_op_name(t, &t->ops[i]), prefix, strlen(prefix))) return &t->ops[i];
    fail_msg("no op named %s*", prefix);
    return NULL;
}

static void test_mapping(void **state)
{
    (void)state;
    int rc;
    torch_import_summary s;
    char *diag = NULL;
    char *text = import_text(profile, &rc, &s, &diag);
    if (rc) fail_msg("import failed: %s", err);
    trace *t = NULL;
    if (trace_parse(&t, "out.trace", text, strlen(text), err, sizeof err)) fail_msg("not a valid trace: %s\n%s", err, text);

    assert_int_equal(s.gpu_events, 12);
    assert_int_equal(s.gemm, 2);
    assert_int_equal(s.folded, 1);
    assert_int_equal(s.copy, 2);
    assert_int_equal(s.memset, 1);
    assert_int_equal(s.unmapped, 1);
    assert_int_equal(s.eltwise, 5);
    assert_int_equal(s.ops, 11);
    assert_int_equal(s.syncs, 1);

    const trace_op *o = find(t, "h2d_");
    assert_ptr_equal(op_type_of(o), &op_copy);
    assert_int_equal(CP(o)->dir, DIR_H2D);
    assert_int_equal(CP(o)->bytes, 32768);
    assert_int_equal(CP(o)->pinned, 1);
    o = find(t, "d2h_");
    assert_int_equal(CP(o)->dir, DIR_D2H);
    assert_int_equal(CP(o)->pinned, 0);
    assert_int_equal(CP(o)->first_touch, 0); /* 32 KiB: under glibc's mmap threshold */

    o = find(t, "addmm_");
    assert_ptr_equal(op_type_of(o), &op_gemm);
    assert_int_equal(GP(o)->m, 64);
    assert_int_equal(GP(o)->n, 256);
    assert_int_equal(GP(o)->k, 128);
    assert_int_equal(GP(o)->dtype, DT_FP16);
    assert_int_equal(GP(o)->trans_a, 0);
    assert_int_equal(GP(o)->trans_b, 1); /* nt, as nn.Linear */
    assert_int_equal(GP(o)->bias, 1);    /* its 1-D self: cuBLASLt's bias epilogue */
    assert_null(strstr(text, "splitKreduce_kernel<32, 16, int, float>\n")); /* folded, named only in the comment */
    assert_non_null(strstr(text, "# aten::addmm | cutlass::Kernel2<cutlass_80_tensorop_h16816gemm_64x64_tn> (+1 folded in: cublasLt::splitKreduce_kernel"));

    o = find(t, "mm_");
    assert_int_equal(GP(o)->m, 32);
    assert_int_equal(GP(o)->n, 16);
    assert_int_equal(GP(o)->k, 64);
    assert_int_equal(GP(o)->dtype, DT_FP32);
    assert_int_equal(GP(o)->trans_a, 1);
    assert_int_equal(GP(o)->trans_b, 0);
    assert_int_equal(GP(o)->bias, 0); /* mm: no bias */

    o = find(t, "add_");
    assert_ptr_equal(op_type_of(o), &op_eltwise);
    assert_int_equal(EP(o)->elems, 64 * 256);
    assert_int_equal(EP(o)->in, 2);
    assert_int_equal(EP(o)->out, 1);
    assert_int_equal(EP(o)->dtype, DT_FP16);
    assert_int_equal(o->stream, 0);

    o = find(t, "copy_");
    assert_int_equal(EP(o)->elems, 1024);
    assert_int_equal(EP(o)->dtype, DT_BF16);
    assert_int_equal(EP(o)->in, 2);
    assert_int_equal(EP(o)->out, 1);
    assert_int_equal(o->stream, 1); /* the profile's second stream */

    /* the foreach: 8 elements shared 3:1 by the two launches' threads; in-place: self read and written */
    size_t nf = 0;
    int64_t fe[2] = { 0, 0 };
    for (size_t i = 0; i < t->n; i++)
        if (!strncmp(trace_op_name(t, &t->ops[i]), "_foreach_add_", 13)) {
            assert_true(nf < 2);
            assert_int_equal(EP(&t->ops[i])->in, 2);
            assert_int_equal(EP(&t->ops[i])->out, 1);
            assert_int_equal(EP(&t->ops[i])->dtype, DT_FP32);
            fe[nf++] = EP(&t->ops[i])->elems;
        }
    assert_int_equal(nf, 2);
    assert_int_equal(fe[0], 6);
    assert_int_equal(fe[1], 2);
    /* each launch keeps its kernel's grid (3 and 1 CTAs): a grid-stride kernel on that many SMs */
    assert_non_null(strstr(text, "eltwise name=_foreach_add__6 elems=6 dtype=fp32 in=2 out=1 flops=1 ctas=3 stream=0\n"));
    assert_non_null(strstr(text, "eltwise name=_foreach_add__7 elems=2 dtype=fp32 in=2 out=1 flops=1 ctas=1 stream=0\n"));
    o = find(t, "add_");
    assert_int_equal(EP(o)->ctas, 16); /* grid [16,1,1] */

    o = find(t, "memset_");
    assert_int_equal(EP(o)->elems, 1024);
    assert_int_equal(EP(o)->dtype, DT_FP8);
    assert_int_equal(EP(o)->in, 0);
    assert_int_equal(EP(o)->out, 1);

    o = find(t, "unmapped_");
    assert_int_equal(EP(o)->elems, 512);
    assert_non_null(strstr(diag, "my_custom_kernel"));
    assert_non_null(strstr(diag, "1 GPU event not mapped"));

    /* host: 30 us between the addmm's last launch call (ends at 61) and the add's (91), plus the
     * addmm's launch calls (50..61), less the 3 us per launch gpusim charges (opts; a GEMM's launch is
     * host.eager_gemm_us, 0 in opts: as eager_gap_us): a cpu op of 38 us */
    if (!strstr(text, "# host gap 30.0 us + 11.0 us launch call - 3 us host.eager_gemm_us\ncpu name=host_3 us=38.00\n# aten::add |"))
        fail_msg("no cpu op before the add:\n%s", text);
    /* the pageable copy's launch call (161..181) blocked on the copy (10 us on the GPU): only the other
     * 10 us are host work, nothing charged; the stream sync's 15 us are not host time; 4 + 10 us
     * before the sync, 41 us after it, then the relu */
    if (!strstr(text, "# host gap 45.0 us + 10.0 us of the blocking (pageable) copy's call beyond its 10.0 us on the GPU; "
                      "41.0 us of it after the sync\ncpu name=host_11 us=14.00\nsync\ncpu name=host_11_after_sync us=41.00\n"
                      "# aten::relu |"))
        fail_msg("no cpu ops around the sync before the relu:\n%s", text);
    assert_true(s.cpu_ops >= 3);
    assert_true(s.overcharged_us >= 0);
    assert_non_null(strstr(text, "mode eager\n"));

    /* every op has its '# aten op | kernel' line right above it */
    for (char *p = strstr(text, "\ngemm "); p; p = strstr(p + 1, "\ngemm ")) {
        char *q = p;
        while (q > text && q[-1] != '\n') q--;
        assert_memory_equal(q, "# aten::", 8);
    }
    trace_destroy(t);
    free(text);
    free(diag);
}

static void import_err(const char *text, const char *needle)
{
    int rc;
    char *out = import_text(text, &rc, NULL, NULL);
    assert_null(out);
    assert_int_equal(rc, -2);
    if (!strstr(err, needle)) fail_msg("error '%s' lacks '%s'", err, needle);
    assert_memory_equal(err, "p.json", 6);
}

static void test_errors(void **state)
{
    (void)state;
    import_err("", "empty file");
    import_err("gemm m=1 n=1 k=1\n", "p.json:1: not JSON: expected '{'");
    import_err("{\"traceEvents\": [\n{\"ph\": \"X\", \"cat\": \"kernel\",\n", "not JSON: the file ends");
    import_err("{\"traceEvents\": [\n{\"ph\": \"X\",, \"cat\": \"kernel\"}]}", "p.json:2: not JSON");
    import_err("{\"traceEvents\": [{\"ph\": \"X\"}] junk", "not JSON: expected ',' or '}'");
    import_err("{\"a\": 1, \"b\": [1, 2]}", "not a PyTorch profiler trace: no \"traceEvents\"");
    import_err("{\"traceEvents\": {}}", "traceEvents: expected an array");
    import_err("{\"traceEvents\": [1, 2]}", "traceEvents: expected an object per event");
    import_err("{\"traceEvents\": [{\"ph\": \"X\", \"name\": \"a\", \"ts\": 1, \"dur\": 2}]}", "not a PyTorch profiler trace");
    import_err("{\"traceEvents\": [" OP(1, "aten::add", 0, 5, "[[4]]", "[[1]]", "[\"float\"]") "{}]}", "no GPU activity");
    import_err("{\"traceEvents\": [\n" OP(5, "aten::mm", 0, 5, "[[4294967296,2],[2,2]]", "[[2,1],[2,1]]", "[\"float\",\"float\"]")
               RT("cudaLaunchKernel", 9, 5, 1, 1) GPU("kernel", "k", 9, 5, 2, 1, 7, "") "{}]}",
               "p.json:2: Input Dims: aten::mm computes a 4294967296x2x2 GEMM, beyond the trace format's limits");
    import_err("{\"traceEvents\": [\n" RT("cudaLaunchKernel", 9, 0, 1, 1) GPU("kernel", "k", 9, 0, 2, 1, 7, "")
               RT("cudaLaunchKernel", 10, 0, 3000000000, 1) GPU("kernel", "k", 10, 0, 3000000001, 1, 7, "") "{}]}",
               "p.json:5: ts: 3e+09 us of host time before this event, beyond the trace format's limit (cpu us= at most 1e+09)");
    import_err("{\"traceEvents\": [{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"k\", \"ts\": \"x\"}]}",
               "a kernel event needs numbers \"ts\" and \"dur\"");
}

static void test_bare_array_and_literals(void **state)
{
    (void)state;
    int rc;
    /* a Chrome trace may be a bare event array; top-level literals and nulls are skipped */
    const char *text = "[" RT("cudaLaunchKernel", 5, 0, 1, 1) GPU("kernel", "k", 5, 0, 3, 1, 0, ",\"grid\":[1,1,1],\"block\":[32,1,1]") "{}]";
    char *out = import_text(text, &rc, NULL, NULL);
    if (rc) fail_msg("%s", err);
    assert_non_null(strstr(out, "eltwise name=unmapped_1 elems=32 dtype=fp32"));
    free(out);
    text = "{\"n\": null, \"t\": true, \"x\": -1.5e3, \"s\": \"a\\\"]}\", \"traceEvents\": ["
           GPU("gpu_memcpy", "Memcpy DtoD (Device -> Device)", 5, 0, 3, 1, 0, ",\"bytes\":64") "{}]}";
    out = import_text(text, &rc, NULL, NULL);
    if (rc) fail_msg("%s", err);
    assert_non_null(strstr(out, "copy name=d2d_1 dir=d2d bytes=64 pinned=1 stream=0"));
    free(out);
}

static void test_fused_adam(void **state)
{
    (void)state;
    int rc;
    /* params, grads, exp_avgs, exp_avg_sqs (10 + 6 elements each), empty max_exp_avg_sqs, steps */
    const char *text = "{\"traceEvents\": ["
        OP(1, "aten::_fused_adam_", 0, 10, "[[[10],[6]],[[10],[6]],[[10],[6]],[[10],[6]],[],[[],[]],[],[]]",
           "[[[1],[1]],[[1],[1]],[[1],[1]],[[1],[1]],[],[[],[]],[],[]]",
           "[\"TensorList\",\"TensorList\",\"TensorList\",\"TensorList\",\"TensorList\",\"TensorList\",\"Scalar\",\"Scalar\"]")
        RT("cudaLaunchKernel", 4, 1, 1, 2)
        GPU("kernel", "void at::native::multi_tensor_apply_kernel<FusedAdamMathFunctor<float, 4> >(T)", 4, 1, 5, 1, 7,
            ",\"grid\":[1,1,1],\"block\":[512,1,1]")
        "{}]}";
    char *out = import_text(text, &rc, NULL, NULL);
    if (rc) fail_msg("%s", err);
    /* reads p, g, m, v (and 2 step scalars, rounding away); writes p, m, v */
    assert_non_null(strstr(out, "eltwise name=_fused_adam__1 elems=16 dtype=fp32 in=4 out=3 flops=12 ctas=1 stream=0"));
    free(out);
}

/* A reduction of the whole tensor (dim list "[]" in "Concrete Inputs", as torch.mean(x) records)
 * run by reduce_kernel becomes a `reduce` op; a reduction over a dimension ("[0]") stays an eltwise
 * with no output. Fails if the importer ignores "Concrete Inputs". */
static void test_full_reduction(void **state)
{
    (void)state;
    int rc;
    torch_import_summary sum;
#define RED(ext, name, dims) \
    "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"" name "\",\"pid\":1,\"tid\":1,\"ts\":" #ext "0,\"dur\":5," \
    "\"args\":{\"External id\":" #ext ",\"Input Dims\":[[64,10],[],[],[]],\"Input Strides\":[[10,1],[],[],[]]," \
    "\"Input type\":[\"float\",\"ScalarList\",\"Scalar\",\"\"],\"Concrete Inputs\":[\"\",\"" dims "\",\"False\",\"\"]}},\n"
    const char *text = "{\"traceEvents\": ["
        RED(1, "aten::mean", "[]")
        RT("cudaLaunchKernel", 4, 1, 11, 2)
        GPU("kernel", "void at::native::reduce_kernel<512, 1, ReduceOp<float, MeanOps<float> > >(R)", 4, 1, 14, 2, 7,
            ",\"grid\":[1,1,1],\"block\":[128,1,1]")
        RED(2, "aten::sum", "[0]")
        RT("cudaLaunchKernel", 5, 2, 21, 2)
        GPU("kernel", "void at::native::reduce_kernel<256, 2, ReduceOp<float, func_wrapper_t<float> > >(R)", 5, 2, 24, 4, 7,
            ",\"grid\":[1,1,1],\"block\":[4,64,1]")
        /* max(x, 1): its dim is a Scalar, not a list: not a whole-tensor reduction */
        "{\"ph\":\"X\",\"cat\":\"cpu_op\",\"name\":\"aten::max\",\"pid\":1,\"tid\":1,\"ts\":30,\"dur\":5,"
        "\"args\":{\"External id\":3,\"Input Dims\":[[64,10],[],[]],\"Input Strides\":[[10,1],[],[]],"
        "\"Input type\":[\"float\",\"Scalar\",\"Scalar\"],\"Concrete Inputs\":[\"\",\"1\",\"False\"]}},\n"
        RT("cudaLaunchKernel", 6, 3, 31, 2)
        GPU("kernel", "void at::native::reduce_kernel<512, 1, ReduceOp<float, MaxOps<float> > >(R)", 6, 3, 34, 2, 7,
            ",\"grid\":[1,1,1],\"block\":[16,32,1]")
        "{}]}";
#undef RED
    char *out = import_text(text, &rc, &sum, NULL);
    if (rc) fail_msg("%s", err);
    assert_non_null(strstr(out, "reduce name=mean_1 elems=640 dtype=fp32 stream=0"));
    assert_non_null(strstr(out, "eltwise name=sum_2 elems=640 dtype=fp32 in=1 out=0"));
    assert_non_null(strstr(out, "eltwise name=max_3 elems=640 dtype=fp32 in=1 out=0"));
    assert_int_equal(sum.reduce, 1);
    assert_int_equal(sum.eltwise, 2);
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "r.trace", out, strlen(out), err, sizeof err), 0);
    trace_destroy(t);
    free(out);
}

static void test_graph_mode(void **state)
{
    (void)state;
    int rc;
    torch_import_summary s;
    /* two kernels replayed by one cudaGraphLaunch between eager launches */
    const char *text = "{\"traceEvents\": ["
        OP(1, "aten::relu", 0, 10, "[[1024]]", "[[1]]", "[\"float\"]")
        RT("cudaLaunchKernel", 4, 1, 1, 2)
        GPU("kernel", "relu_kernel", 4, 1, 5, 1, 7, ",\"grid\":[1,1,1],\"block\":[128,1,1]")
        RT("cudaGraphLaunch", 5, 0, 10, 3)
        GPU("kernel", "graph_k1", 5, 0, 15, 1, 7, ",\"grid\":[1,1,1],\"block\":[128,1,1]")
        GPU("kernel", "graph_k2", 5, 0, 17, 1, 7, ",\"grid\":[1,1,1],\"block\":[128,1,1]")
        RT("cudaLaunchKernel", 6, 1, 30, 2)
        GPU("kernel", "relu_kernel", 6, 1, 33, 1, 7, ",\"grid\":[1,1,1],\"block\":[128,1,1]")
        "{}]}";
    char *out = import_text(text, &rc, &s, NULL);
    if (rc) fail_msg("%s", err);
    assert_int_equal(s.graph_ops, 2);
    char *e1 = strstr(out, "mode eager\n"), *g = strstr(out, "mode graph\n");
    assert_non_null(e1);
    assert_non_null(g);
    assert_true(e1 < g);
    assert_non_null(strstr(g, "mode eager\n"));
    trace *t = NULL;
    if (trace_parse(&t, "out.trace", out, strlen(out), err, sizeof err)) fail_msg("%s", err);
    trace_destroy(t);
    free(out);
}

/* A pageable D2H into a host buffer the process has not held this much memory for yet is
 * first_touch=1 (glibc serves it with fresh pages); the same size again reuses touched pages,
 * as does anything smaller; a larger one is fresh again; under glibc's 128 KiB mmap threshold
 * (the heap's touched pages), a pinned destination and a pageable H2D never are. */
static void test_first_touch(void **state)
{
    (void)state;
    int rc;
    torch_import_summary s;
#define D2H(corr, ts, kind, bytes) \
    OP(corr, "aten::copy_", ts, 5, "[[4]]", "[[1]]", "[\"float\"]") RT("cudaMemcpyAsync", corr, corr, ts, 2) \
    GPU("gpu_memcpy", "Memcpy " kind, corr, corr, ts, 1, 7, ",\"bytes\":" #bytes)
    const char *text = "{\"traceEvents\": ["
        D2H(1, 10, "DtoH (Device -> Pageable)", 65536)
        D2H(2, 20, "DtoH (Device -> Pinned)", 8388608)
        D2H(3, 30, "HtoD (Pageable -> Device)", 8388608)
        D2H(4, 40, "DtoH (Device -> Pageable)", 4194304)
        D2H(5, 50, "DtoH (Device -> Pageable)", 4194304)
        D2H(6, 60, "DtoH (Device -> Pageable)", 1048576)
        D2H(7, 70, "DtoH (Device -> Pageable)", 8388608)
        "{}]}";
#undef D2H
    char *out = import_text(text, &rc, &s, NULL);
    if (rc) fail_msg("%s", err);
    trace *t = NULL;
    if (trace_parse(&t, "out.trace", out, strlen(out), err, sizeof err)) fail_msg("%s\n%s", err, out);
    int want[] = { 0, 0, 0, 1, 0, 0, 1 }, n = 0;
    for (size_t i = 0; i < t->n; i++) {
        const trace_op *o = &t->ops[i];
        if (op_type_of(o) != &op_copy) continue;
        assert_true(n < 7);
        if (CP(o)->first_touch != want[n]) fail_msg("copy %d: first_touch=%d, expected %d\n%s", n + 1, CP(o)->first_touch, want[n], out);
        n++;
    }
    assert_int_equal(n, 7);
    assert_int_equal(s.first_touch, 2);
    trace_destroy(t);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bare_array_and_literals),
        cmocka_unit_test(test_full_reduction),
        cmocka_unit_test(test_graph_mode),
        cmocka_unit_test(test_fused_adam),
        cmocka_unit_test(test_first_touch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
