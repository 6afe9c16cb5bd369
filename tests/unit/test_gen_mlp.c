/* test_gen_mlp.c: gpusim gen mlp: the ops of a forward and a training step, the GEMM
 * layouts and shapes, Adam's kernels and their multi_tensor_apply chunking, AMP's casts
 * and the GradScaler, epochs, every trace parsed back, and the argument errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "import/gen_mlp.h"
#include "ops/op_cpu.h"
#include "ops/op_eltwise.h"
#include "ops/op_gemm.h"
#include "ops/optable.h"
#include "trace/trace.h"

#define GP(o) ((const gemm_params *)(o)->params)
#define EP(o) ((const eltwise_params *)(o)->params)

static char err[1024];

/* Generates from "--key value" pairs (a flag: value NULL), parses the result back. */
static trace *gen(gen_mlp_summary *s, const char *const *kv, size_t n)
{
    gen_mlp_opts o;
    gen_mlp_default_opts(&o);
    for (size_t i = 0; i < n; i += 2)
        if (gen_mlp_set(&o, kv[i], kv[i + 1], err, sizeof err)) fail_msg("set %s: %s", kv[i], err);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    int rc = gen_mlp_write(&o, "test", f, s, err, sizeof err);
    fclose(f);
    if (rc) fail_msg("gen: %s", err);
    trace *t = NULL;
    if (trace_parse(&t, "gen.trace", text, len, err, sizeof err)) fail_msg("not a valid trace: %s\n%s", err, text);
    free(text);
    return t;
}
#define GEN(s, ...) gen(s, (const char *const[]){ __VA_ARGS__ }, sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

static size_t count(const trace *t, const char *prefix)
{
    size_t c = 0;
    for (size_t i = 0; i < t->n; i++) c += !strncmp(trace_op_name(t, &t->ops[i]), prefix, strlen(prefix));
    return c;
}

static const trace_op *find(const trace *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++) if (!strcmp(trace_op_name(t, &t->ops[i]), name)) return &t->ops[i];
    fail_msg("no op named %s", name);
    return NULL;
}

static void test_forward(void **state)
{
    (void)state;
    gen_mlp_summary s;
    trace *t = GEN(&s, "layers", "784,128,10", "batch", "64");
    /* x in, fc1, relu1, fc2, out, sync */
    assert_int_equal(s.gemm, 2);
    assert_int_equal(s.eltwise, 1);
    assert_int_equal(s.copy, 2);
    assert_int_equal(s.cpu, 0);
    assert_int_equal(s.params, 784 * 128 + 128 + 128 * 10 + 10);
    const trace_op *fc1 = find(t, "fc1");
    assert_int_equal(GP(fc1)->m, 64);
    assert_int_equal(GP(fc1)->n, 128);
    assert_int_equal(GP(fc1)->k, 784);
    assert_int_equal(GP(fc1)->trans_a, 0);
    assert_int_equal(GP(fc1)->trans_b, 1); /* nt: x @ W^T */
    assert_int_equal(GP(fc1)->dtype, DT_FP32);
    assert_int_equal(GP(fc1)->bias, 1); /* nn.Linear's bias, in cuBLASLt's epilogue */
    assert_int_equal(count(t, "x_in"), 1);
    assert_int_equal(count(t, "out_to_host"), 1);
    trace_destroy(t);
    /* on the device, as a graph: no copies */
    t = GEN(&s, "layers", "784,128,10", "data-on-device", NULL, "graph", NULL, "softmax", NULL);
    assert_int_equal(s.copy, 0);
    assert_int_equal(s.softmax, 1);
    trace_destroy(t);
}

static void test_train_layouts(void **state)
{
    (void)state;
    gen_mlp_summary s;
    trace *t = GEN(&s, "layers", "784,128,64,10", "batch", "32", "train", NULL, "warm", NULL);
    /* forward 3, dgrad 2 (not the first layer), wgrad 3 */
    assert_int_equal(s.gemm, 8);
    assert_int_equal(count(t, "fc1_dgrad"), 0);
    const trace_op *d = find(t, "fc3_dgrad"), *w = find(t, "fc2_wgrad"), *b = find(t, "fc2_bgrad");
    assert_int_equal(GP(d)->m, 32); /* dY[32,10] @ W3[10,64] */
    assert_int_equal(GP(d)->n, 64);
    assert_int_equal(GP(d)->k, 10);
    assert_int_equal(GP(d)->bias, 0); /* the backward GEMMs have none */
    assert_int_equal(GP(w)->bias, 0);
    assert_int_equal(GP(d)->trans_a + GP(d)->trans_b, 0); /* nn */
    assert_int_equal(GP(w)->m, 64); /* dY^T[64,32] @ X[32,128] */
    assert_int_equal(GP(w)->n, 128);
    assert_int_equal(GP(w)->k, 32);
    assert_int_equal(GP(w)->trans_a, 1); /* tn */
    assert_int_equal(GP(w)->trans_b, 0);
    assert_int_equal(EP(b)->elems, 32 * 64);
    assert_int_equal(EP(b)->out, 0);
    assert_int_equal(count(t, "relu1_bwd"), 1);
    assert_int_equal(count(t, "relu2_bwd"), 1);
    assert_int_equal(count(t, "log_softmax"), 2); /* forward softmax op and its backward */
    assert_int_equal(count(t, "nll_loss"), 1);
    /* Adam: 7 foreach ops, each one launch for 4 small tensors... 6 tensors here */
    assert_int_equal(count(t, "adam_"), 7);
    assert_int_equal(count(t, "adam_state"), 0);
    const trace_op *lerp = find(t, "adam_lerp_exp_avg"), *acd = find(t, "adam_addcdiv_param");
    assert_int_equal(EP(lerp)->elems, s.params);
    assert_int_equal(EP(lerp)->in, 2);
    assert_int_equal(EP(acd)->in, 3);
    assert_int_equal(EP(acd)->dtype, DT_FP32);
    assert_int_equal(count(t, "zero_grad"), 1);
    assert_int_equal(count(t, "optimizer_step"), 1);
    assert_int_equal(count(t, "loss_item"), 1);
    trace_destroy(t);
    /* the first step creates Adam's state: two fills per parameter tensor */
    t = GEN(&s, "layers", "784,128,10", "train", NULL);
    assert_int_equal(count(t, "adam_state"), 8);
    trace_destroy(t);
    /* SGD: one foreach add_ */
    t = GEN(&s, "layers", "784,128,10", "train", NULL, "optimizer", "sgd");
    assert_int_equal(count(t, "adam_"), 0);
    assert_int_equal(count(t, "sgd_add"), 1);
    trace_destroy(t);
}

static void test_mta_chunking(void **state)
{
    (void)state;
    int64_t le[16];
    /* the SwiGLU profile: three 4096x11008 weights -> 2064 chunks -> 6 x 320 + 144 blocks */
    int64_t w[3] = { 4096 * 11008, 4096 * 11008, 4096 * 11008 };
    assert_int_equal(gen_mlp_mta_split(w, 3, 2, le, 16), 7);
    for (int i = 0; i < 6; i++) assert_int_equal(le[i], 320 * 65536);
    assert_int_equal(le[6], 3 * (int64_t)4096 * 11008 - 6 * 320 * 65536);
    /* the seed: 4 tensors, 5 chunks, one launch */
    int64_t seed[4] = { 100352, 128, 1280, 10 };
    assert_int_equal(gen_mlp_mta_split(seed, 4, 3, le, 16), 1);
    assert_int_equal(le[0], 101770);
    /* the tensor limit: 200 small tensors, 110 per launch with one list, 48 with three */
    int64_t small[200];
    for (int i = 0; i < 200; i++) small[i] = 10;
    assert_int_equal(gen_mlp_mta_split(small, 200, 1, le, 16), 2);
    assert_int_equal(le[0], 1100);
    assert_int_equal(gen_mlp_mta_split(small, 200, 3, le, 16), 5);
    /* a large model's Adam launches several kernels per op */
    gen_mlp_summary s;
    trace *t = GEN(&s, "layers", "4096,16384,4096", "batch", "8", "train", NULL, "warm", NULL, "data-on-device", NULL);
    size_t chunks = (size_t)((4096 * 16384 + 65535) / 65536) * 2 + 1 + 1; /* 2 weights, 2 biases */
    size_t launches = (chunks + 319) / 320;                                 /* 6 of 320 blocks, 1 of 130 */
    assert_int_equal(launches, 7);
    /* identical launches back to back are one line with repeat=: 3 full launches, the 4th has
     * the first bias's short chunk, 2 full, the last of 130 blocks (one short) */
    assert_int_equal(count(t, "adam_sqrt"), 4);
    assert_int_equal(count(t, "adam_"), 7 * 4);
    const trace_op *sq = find(t, "adam_sqrt");
    assert_int_equal(sq->repeat, 3);
    assert_int_equal(EP(sq)->elems, 320 * 65536);
    int64_t total = 0, nl = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(trace_op_name(t, &t->ops[i]), "adam_sqrt")) {
            total += EP(&t->ops[i])->elems * t->ops[i].repeat;
            nl += t->ops[i].repeat;
        }
    assert_int_equal(total, s.params);
    assert_int_equal(nl, 7);
    trace_destroy(t);
}

static void test_amp(void **state)
{
    (void)state;
    gen_mlp_summary s;
    trace *t = GEN(&s, "layers", "784,128,10", "train", NULL, "dtype", "fp16", "warm", NULL);
    /* forward: the input and 2 weights + 2 biases to fp16; backward: 2 + 2 gradients to fp32 */
    assert_int_equal(count(t, "x_cast"), 1);
    assert_int_equal(count(t, "w1_cast") + count(t, "w2_cast") + count(t, "b1_cast") + count(t, "b2_cast"), 4);
    assert_int_equal(count(t, "w1_grad_to_fp32") + count(t, "b2_grad_to_fp32"), 2);
    assert_int_equal(count(t, "w2_grad_to_fp32") + count(t, "b1_grad_to_fp32"), 2);
    assert_int_equal(GP(find(t, "fc1"))->dtype, DT_FP16);
    assert_int_equal(EP(find(t, "adam_lerp_exp_avg"))->dtype, DT_FP32); /* fp32 master params and state */
    assert_int_equal(count(t, "scaler_unscale"), 1);
    assert_int_equal(count(t, "found_inf_item"), 1);
    assert_int_equal(count(t, "scaler_update"), 1);
    trace_destroy(t);
    /* bf16 has no GradScaler, neither has --no-scaler */
    t = GEN(&s, "layers", "784,128,10", "train", NULL, "dtype", "bf16");
    assert_int_equal(count(t, "scaler"), 0);
    assert_int_equal(count(t, "w1_cast"), 1);
    trace_destroy(t);
    t = GEN(&s, "layers", "784,128,10", "train", NULL, "dtype", "fp16", "no-scaler", NULL);
    assert_int_equal(count(t, "scaler"), 0);
    trace_destroy(t);
    /* a half model's forward: no casts of the weights */
    t = GEN(&s, "layers", "784,128,10", "dtype", "fp16");
    assert_int_equal(count(t, "w1_cast"), 0);
    trace_destroy(t);
}

static void test_epochs(void **state)
{
    (void)state;
    gen_mlp_summary s;
    trace *t = GEN(&s, "layers", "784,128,10", "batch", "64", "train", NULL, "epochs", "10", "samples", "1000",
                   "softmax", NULL, "loss", "mse");
    assert_int_equal(s.steps, 160);
    assert_int_equal(s.steps_per_epoch, 16);
    assert_int_equal(count(t, "fc1_wgrad"), 160);
    assert_int_equal(count(t, "loss_item"), 10);  /* once per epoch */
    assert_int_equal(count(t, "adam_state"), 8);  /* the first step only */
    /* the MSE loss's mean is a whole-tensor reduction: a `reduce` op, as the importer maps it */
    assert_int_equal(s.reduce, 160);
    assert_string_equal(op_type_of(find(t, "mean"))->name, "reduce");
    /* the last step of an epoch has 1000 - 15 * 64 = 40 samples */
    size_t seen = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(trace_op_name(t, &t->ops[i]), "fc1") && ++seen == 16) assert_int_equal(GP(&t->ops[i])->m, 40);
    assert_int_equal(seen, 160);
    trace_destroy(t);
}

static void set_fails(const char *key, const char *val, const char *expect)
{
    gen_mlp_opts o, before;
    gen_mlp_default_opts(&o);
    before = o;
    err[0] = 0;
    assert_int_equal(gen_mlp_set(&o, key, val, err, sizeof err), -2);
    if (!strstr(err, expect)) fail_msg("--%s %s: '%s' does not say '%s'", key, val ? val : "", err, expect);
    assert_memory_equal(&o, &before, sizeof o); /* unchanged on error */
}

static void check_fails(const char *const *kv, size_t n, const char *expect)
{
    gen_mlp_opts o;
    gen_mlp_default_opts(&o);
    for (size_t i = 0; i < n; i += 2) assert_int_equal(gen_mlp_set(&o, kv[i], kv[i + 1], err, sizeof err), 0);
    assert_int_equal(gen_mlp_check(&o, err, sizeof err), -2);
    if (!strstr(err, expect)) fail_msg("'%s' does not say '%s'", err, expect);
    FILE *f = fopen("/dev/null", "w");
    assert_int_equal(gen_mlp_write(&o, NULL, f, NULL, err, sizeof err), -2);
    fclose(f);
}
#define CHECK_FAILS(expect, ...) \
    check_fails((const char *const[]){ __VA_ARGS__ }, sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *), expect)

static double cpu_us(const trace *t, const char *prefix)
{
    double us = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!strncmp(trace_op_name(t, &t->ops[i]), prefix, strlen(prefix))) us += ((const cpu_params *)t->ops[i].params)->us;
    return us;
}

/* The framework's host time grows with the model: each Linear layer adds its forward and
 * backward cost, each parameter tensor its zero_grad and optimizer cost (fit_host.py); a
 * user's --backward-us replaces the phase's total; forward-only runs get none. Fails if the
 * per-layer or per-tensor terms are dropped. */
static void test_host_times(void **state)
{
    (void)state;
    gen_mlp_summary s;
    trace *two = GEN(&s, "layers", "784,128,10", "train", NULL);
    trace *four = GEN(&s, "layers", "784,128,64,32,10", "train", NULL);
    trace *fwd = GEN(&s, "layers", "784,128,64,32,10");
    gen_mlp_opts o;
    gen_mlp_default_opts(&o);
    o.nlayers = 3;
    gen_host_times h2 = gen_mlp_host_times(&o);
    o.nlayers = 5;
    gen_host_times h4 = gen_mlp_host_times(&o);
    assert_true(h4.zero_grad > h2.zero_grad && h4.optim > h2.optim);
    assert_true(h2.backward_layer > 0 && h2.forward_layer > 0);
    assert_int_equal(count(two, "backward_layer"), 2);
    assert_int_equal(count(four, "backward_layer"), 4);
    assert_int_equal(count(four, "forward_layer"), 4);
    assert_int_equal(count(fwd, "forward_layer") + count(fwd, "backward_layer") + count(fwd, "zero_grad"), 0);
    double b2 = cpu_us(two, "backward_"), b4 = cpu_us(four, "backward_");
    assert_true(fabs(b4 - b2 - 2 * h2.backward_layer) < 1e-6);
    trace *given = GEN(&s, "layers", "784,128,64,32,10", "train", NULL, "backward-us", "100");
    assert_true(fabs(cpu_us(given, "backward_") - 100) < 1e-6);
    trace_destroy(two);
    trace_destroy(four);
    trace_destroy(fwd);
    trace_destroy(given);
}

static void test_errors(void **state)
{
    (void)state;
    set_fails("layers", "784", "--layers: '784': expected comma-separated widths");
    set_fails("layers", "784,,10", "--layers");
    set_fails("layers", "784,a", "--layers");
    set_fails("layers", "784,0", "--layers");
    set_fails("layers", "784,128,", "--layers");
    set_fails("layers", NULL, "--layers: expected a value");
    set_fails("batch", "-1", "--batch: '-1': expected an integer");
    set_fails("batch", "12x", "--batch");
    set_fails("dtype", "fp64", "--dtype: 'fp64': expected fp32, fp16 or bf16");
    set_fails("act", "tanh", "expected relu or gelu");
    set_fails("optimizer", "lamb", "expected adam or sgd");
    set_fails("steps", "0", "--steps");
    set_fails("train", "1", "--train: takes no value");
    set_fails("layer", "784,10", "--layer: unknown option");
    set_fails("optim-us", "-5", "--optim-us");
    CHECK_FAILS("not both", "steps", "3", "epochs", "2", "samples", "100");
    CHECK_FAILS("together", "epochs", "2");
    CHECK_FAILS("--optimizer: only with --train", "optimizer", "sgd");
    CHECK_FAILS("--loss: only with --train", "loss", "mse");
    CHECK_FAILS("--no-scaler", "train", NULL, "no-scaler", NULL);
    assert_int_equal(gen_mlp_is_flag("train"), 1);
    assert_int_equal(gen_mlp_is_flag("batch"), 0);
    assert_int_equal(gen_mlp_is_flag("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward), cmocka_unit_test(test_train_layouts), cmocka_unit_test(test_mta_chunking),
        cmocka_unit_test(test_amp), cmocka_unit_test(test_epochs), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_host_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
