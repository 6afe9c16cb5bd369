/*
 * gen_mlp.c: `gpusim gen mlp`: the ops PyTorch 2.x launches for an MLP (gen_mlp.h).
 *
 * Sources: the kernels of shared/hw/h100/torch_traces/ (the seed MLP's fp32 Adam step
 * and the SwiGLU block's bf16 AMP step), PyTorch's MultiTensorApply.cuh (chunks of
 * 65536 elements, at most 320 blocks and 110/64/48/36/30 tensors for 1..5 tensor
 * lists per launch), torch.optim.Adam's _multi_tensor_adam and torch.amp.GradScaler.
 *
 * Modeled, per step:
 * - nn.Linear forward is one cuBLAS(Lt) GEMM, x @ W^T + b: `layout=nt bias=1` (the
 *   bias in the epilogue; for fp32 it selects cuBLAS's bias paths, kernels/gemm_map.c). Backward per layer: data gradient dY @ W (`nn`, m=batch
 *   n=in k=out; the first layer has none: its input needs no gradient), weight
 *   gradient dY^T @ X (`tn`, m=out n=in k=batch), bias gradient a sum over the batch
 *   (eltwise in=1 out=0). Gradients are stolen by AccumulateGrad (zero_grad sets them
 *   to None), so no accumulation kernel.
 * - Loss: ce = log_softmax (a `softmax` op) + nll_loss (one small kernel); mse =
 *   mse_loss + mean (a `reduce` op), as the seed's profile. Backward: the loss's ones_like fill and
 *   the kernels the profile shows (mse: fill, mse_backward, mul; ce: zero fill and
 *   scatter of nll_loss_backward, then log_softmax_backward); the softmax head's
 *   backward is one kernel.
 * - AMP (fp16/bf16 training, or --amp): autocast casts each weight and bias to 16
 *   bits in forward (and the fp32 input, first layer), softmax / log_softmax / mse
 *   run in fp32 (an fp32 cast of the output before mse when there is no softmax
 *   head), the 16-bit weight and bias gradients are cast back to fp32 (the
 *   ToCopyBackward kernels of the SwiGLU profile). fp16 adds the GradScaler: the
 *   loss scaling mul, found_inf's fill, _amp_foreach_non_finite_check_and_unscale_
 *   over the gradients, found_inf's .item() (a 4-byte pageable d2h: the host waits)
 *   and _amp_update_scale_ (--no-scaler: none). bf16 runs without a scaler, as the
 *   SwiGLU profile.
 * - Adam (foreach, the default on CUDA, capturable=False: the step counters are CPU
 *   tensors, no kernel): lerp_ exp_avg, mul_ exp_avg_sq, addcmul_ exp_avg_sq, sqrt,
 *   div_, add_ eps, addcdiv_ param, each split into multi_tensor_apply launches
 *   (gen_mlp_mta_split; identical launches back to back are one line with repeat=),
 *   in=/out= the fp32 tensors each reads and writes. The first
 *   step creates the state lazily (two zeros_like fills per parameter) unless --warm.
 *   SGD (no momentum) is one foreach add_ (param += -lr * grad).
 * - Host: each eager launch costs host.eager_gap_us / eager_gemm_us / eager_copy_us
 *   in the runner; the framework's work beyond the launches (Python, the dispatcher,
 *   autograd's bookkeeping) is `cpu` ops, per phase: zero_grad; the forward and the
 *   loss (a start and one per Linear layer, before its GEMM); loss.backward() (the
 *   engine's start, then one per layer before its gradients); Optimizer.step (spread as
 *   the seed profile's gaps: OPTIM_*_FRAC); the GradScaler's Python. Each is a constant
 *   plus a cost per layer or per parameter tensor (HOST_*), fitted by
 *   analysis/hw/h100_s8/fit_host.py on the host's own per-phase wall times of 56 training
 *   steps of seven MLPs other than the seed's (analysis/hw/h100_s8/host_phases.csv, four
 *   dtypes, batch 64 and 1000); shared/hw/h100/mlp.csv's seed train_step rows are checks
 *   (analysis/gen_check.md, analysis/validation.md). Forward-only runs get no framework
 *   time beyond the launches' (no autograd recording; not measured).
 * - Data: x (fp32) and the target (ce: int64 labels; mse: fp32 one-hot) are copied
 *   in each step from pageable memory (--pin-memory: pinned); the forward's output,
 *   or the loss once per epoch (loss.item()), is copied out to pageable memory.
 * Approximated: every kernel is one gpusim op (gemm / eltwise / softmax); cuBLAS's
 * helper kernels (split-K reduce, scal) are left to gpusim's GEMM model; Adam's
 * state init is fills; the host times are constants per phase, not per tensor.
 * Invariant: the trace written parses (tests/unit/test_gen_mlp.c parses it back).
 */
#include "import/gen_mlp.h"
#include "import/eltwise_costs.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* How Optimizer.step's host time is spread, from the seed profile's gaps (549 us before
 * the first Adam kernel, 317 us between its 7 ops, 259 us after the last one before the
 * next step's zero_grad): the head runs before the first launch, the rest between the
 * foreach ops and after the last one, so that a GPU-bound step (or one after
 * GradScaler's sync) hides what PyTorch hides under the kernels. */
#define OPTIM_HEAD_FRAC (549.0 / 1125.0)
#define OPTIM_BETWEEN_FRAC (317.0 / 1125.0) /* shared equally by the gaps between foreach ops */

/* Host time beyond the launches' own charges (us), fitted as the header says
 * (analysis/hw/h100_s8/fit_host.txt has the fit and its residuals). */
#define HOST_ZERO_GRAD_US 31.6          /* + _PER_TENSOR per parameter tensor */
#define HOST_ZERO_GRAD_PER_TENSOR 4.51
#define HOST_FORWARD_US 115.4            /* + _PER_LAYER per Linear layer */
#define HOST_FORWARD_PER_LAYER 99.4
#define HOST_BACKWARD_US 0.0           /* + _PER_LAYER per Linear layer */
#define HOST_BACKWARD_PER_LAYER 226.5
#define HOST_OPTIM_US 194.4              /* + _PER_TENSOR per parameter tensor */
#define HOST_OPTIM_PER_TENSOR 34.9
#define HOST_SCALER_US 230.0

#define MAX_ELEMS (INT64_C(1) << 40)   /* any count of elements a trace line may carry */
#define MAX_STEPS INT64_C(1000000)     /* steps emitted (one op per line: keep traces finite) */

static const char *const dtype_names[] = { "fp32", "fp16", "bf16" };
static const char *const act_names[] = { "relu", "gelu" };
static const char *const optim_names[] = { "adam", "sgd" };
static const char *const loss_names[] = { "ce", "mse" };

/* One row per command-line option: its name, whether it takes a value, and what
 * it expects (the error messages and the usage read this). */
typedef struct gen_opt_row {
    const char *key;
    int flag;
    const char *expects;
} gen_opt_row;

static const gen_opt_row opt_rows[] = {
    { "layers", 0, "comma-separated widths, at least 2, each 1..2^24 (e.g. 784,128,10)" },
    { "batch", 0, "an integer 1..2^24" },
    { "dtype", 0, "fp32, fp16 or bf16" },
    { "act", 0, "relu or gelu" },
    { "optimizer", 0, "adam or sgd" },
    { "loss", 0, "ce or mse" },
    { "steps", 0, "an integer 1..1000000" },
    { "epochs", 0, "an integer 1..1000000" },
    { "samples", 0, "an integer 1..2^40" },
    { "zero-grad-us", 0, "host microseconds, 0..1e6" },
    { "forward-us", 0, "host microseconds, 0..1e6" },
    { "backward-us", 0, "host microseconds, 0..1e6" },
    { "optim-us", 0, "host microseconds, 0..1e6" },
    { "scaler-us", 0, "host microseconds, 0..1e6" },
    { "train", 1, NULL },
    { "graph", 1, NULL },
    { "softmax", 1, NULL },
    { "amp", 1, NULL },
    { "data-on-device", 1, NULL },
    { "pin-memory", 1, NULL },
    { "warm", 1, NULL },
    { "no-scaler", 1, NULL },
};

static const gen_opt_row *opt_find(const char *key)
{
    for (size_t i = 0; i < sizeof opt_rows / sizeof opt_rows[0]; i++)
        if (!strcmp(opt_rows[i].key, key)) return &opt_rows[i];
    return NULL;
}

int gen_mlp_is_flag(const char *key)
{
    const gen_opt_row *r = opt_find(key);
    return r ? r->flag : -1;
}

void gen_mlp_default_opts(gen_mlp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->layers[0] = 784; o->layers[1] = 128; o->layers[2] = 10;
    o->nlayers = 3;
    o->batch = 64;
    o->dtype = GEN_FP32;
    o->act = GEN_RELU;
    o->optim = GEN_ADAM;
    o->loss = GEN_LOSS_CE;
    o->zero_grad_us = o->forward_us = o->backward_us = o->optim_us = o->scaler_us = -1;
}

/* A phase fitted as start + layer x L: the user's total (>= 0) replaces it, split in the model's
 * proportions (all at the start where the model is 0). */
static void split_phase(double total, double start, double layer, double L, double *s, double *l)
{
    double m = start + layer * L;
    *s = start;
    *l = layer;
    if (total >= 0) {
        *s = m > 0 ? total * start / m : total;
        *l = m > 0 ? total * layer / m : 0;
    }
}

gen_host_times gen_mlp_host_times(const gen_mlp_opts *o)
{
    const double L = o->nlayers - 1, T = 2 * L; /* Linear layers; a weight and a bias each */
    gen_host_times h;
    h.zero_grad = o->zero_grad_us >= 0 ? o->zero_grad_us : HOST_ZERO_GRAD_US + HOST_ZERO_GRAD_PER_TENSOR * T;
    split_phase(o->forward_us, HOST_FORWARD_US, HOST_FORWARD_PER_LAYER, L, &h.forward_start, &h.forward_layer);
    split_phase(o->backward_us, HOST_BACKWARD_US, HOST_BACKWARD_PER_LAYER, L, &h.backward_start, &h.backward_layer);
    h.optim = o->optim_us >= 0 ? o->optim_us : HOST_OPTIM_US + HOST_OPTIM_PER_TENSOR * T;
    h.scaler = o->scaler_us >= 0 ? o->scaler_us : HOST_SCALER_US;
    return h;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -2;
}

/* Parses a whole decimal integer in [lo, hi]. Returns 0 or -1. */
static int parse_int(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return -1;
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

static int parse_choice(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (!strcmp(s, names[i])) return i;
    return -1;
}

int gen_mlp_set(gen_mlp_opts *o, const char *key, const char *val, char *err, size_t errlen)
{
    const gen_opt_row *r = opt_find(key);
    if (!r) return fail(err, errlen, "--%s: unknown option (see gpusim gen mlp --help)", key);
    if (r->flag) {
        if (val) return fail(err, errlen, "--%s: takes no value (got '%s')", key, val);
    } else if (!val) {
        return fail(err, errlen, "--%s: expected a value: %s", key, r->expects);
    }
    gen_mlp_opts t = *o;
    int64_t v = 0;
    int bad = 0;
    if (!strcmp(key, "layers")) {
        int n = 0;
        const char *p = val;
        char buf[32];
        while (!bad) {
            size_t len = strcspn(p, ",");
            if (len == 0 || len >= sizeof buf || n >= GEN_MLP_MAX_LAYERS) { bad = 1; break; }
            memcpy(buf, p, len);
            buf[len] = 0;
            if (parse_int(buf, 1, INT64_C(1) << 24, &t.layers[n])) { bad = 1; break; }
            n++;
            if (!p[len]) break;
            p += len + 1;
        }
        if (!bad && n < 2) bad = 1;
        t.nlayers = n;
    } else if (!strcmp(key, "batch")) {
        bad = parse_int(val, 1, INT64_C(1) << 24, &t.batch);
    } else if (!strcmp(key, "steps")) {
        bad = parse_int(val, 1, MAX_STEPS, &t.steps);
    } else if (!strcmp(key, "epochs")) {
        bad = parse_int(val, 1, MAX_STEPS, &t.epochs);
    } else if (!strcmp(key, "samples")) {
        bad = parse_int(val, 1, MAX_ELEMS, &t.samples);
    } else if (!strcmp(key, "dtype")) {
        bad = (v = parse_choice(val, dtype_names, 3)) < 0;
        t.dtype = (gen_dtype)v;
    } else if (!strcmp(key, "act")) {
        bad = (v = parse_choice(val, act_names, 2)) < 0;
        t.act = (gen_act)v;
    } else if (!strcmp(key, "optimizer")) {
        bad = (v = parse_choice(val, optim_names, 2)) < 0;
        t.optim = (gen_optim)v;
    } else if (!strcmp(key, "loss")) {
        bad = (v = parse_choice(val, loss_names, 2)) < 0;
        t.loss = (gen_loss)v;
    } else if (!strcmp(key, "zero-grad-us") || !strcmp(key, "forward-us") || !strcmp(key, "backward-us") ||
               !strcmp(key, "optim-us") || !strcmp(key, "scaler-us")) {
        char *end;
        errno = 0;
        double d = strtod(val, &end);
        bad = errno || end == val || *end || !(d >= 0 && d <= 1e6);
        double *dst = key[0] == 'z' ? &t.zero_grad_us : key[0] == 'f' ? &t.forward_us
                    : key[0] == 'b' ? &t.backward_us : key[0] == 'o' ? &t.optim_us : &t.scaler_us;
        *dst = d;
    } else if (!strcmp(key, "train")) t.train = 1;
    else if (!strcmp(key, "graph")) t.graph = 1;
    else if (!strcmp(key, "softmax")) t.softmax_head = 1;
    else if (!strcmp(key, "amp")) t.amp = 1;
    else if (!strcmp(key, "data-on-device")) t.data_on_device = 1;
    else if (!strcmp(key, "pin-memory")) t.pinned = 1;
    else if (!strcmp(key, "warm")) t.warm = 1;
    else if (!strcmp(key, "no-scaler")) t.no_scaler = 1;
    if (bad) return fail(err, errlen, "--%s: '%s': expected %s", key, val, r->expects);
    if (!strcmp(key, "optimizer")) t.optim_given = 1;
    if (!strcmp(key, "loss")) t.loss_given = 1;
    *o = t;
    return 0;
}

int gen_mlp_check(const gen_mlp_opts *o, char *err, size_t errlen)
{
    if (o->nlayers < 2) return fail(err, errlen, "--layers: expected at least 2 widths (input and output)");
    if (o->steps && (o->epochs || o->samples))
        return fail(err, errlen, "--steps: give either --steps N or --epochs E --samples S, not both");
    if (!!o->epochs != !!o->samples)
        return fail(err, errlen, "--%s: expected --epochs E and --samples S together", o->epochs ? "samples" : "epochs");
    if (!o->train && o->optim_given) return fail(err, errlen, "--optimizer: only with --train");
    if (!o->train && o->loss_given) return fail(err, errlen, "--loss: only with --train");
    if (o->no_scaler && !(o->train && o->dtype == GEN_FP16))
        return fail(err, errlen, "--no-scaler: only with --train --dtype fp16 (the GradScaler is fp16 training's)");
    if (o->epochs) {
        int64_t per = (o->samples + o->batch - 1) / o->batch;
        if (per > MAX_STEPS / o->epochs)
            return fail(err, errlen, "--epochs: %" PRId64 " epochs of %" PRId64 " steps: expected at most %" PRId64 " steps",
                        o->epochs, per, MAX_STEPS);
    }
    for (int i = 0; i + 1 < o->nlayers; i++)
        if (o->layers[i] * o->layers[i + 1] > MAX_ELEMS / (o->batch > 1 ? o->batch : 1))
            return fail(err, errlen, "--layers: layer %d (%" PRId64 "x%" PRId64 ") at batch %" PRId64 ": too large",
                        i + 1, o->layers[i], o->layers[i + 1], o->batch);
    return 0;
}

int64_t gen_mlp_mta_split(const int64_t *elems, int n, int depth, int64_t *launch_elems, int64_t cap)
{
    static const int max_tensors[] = { 110, 64, 48, 36, 30 };
    int tmax = max_tensors[(depth < 1 ? 1 : depth > 5 ? 5 : depth) - 1];
    int64_t launches = 0, blocks = 0, acc = 0;
    int tensors = 0;
    for (int t = 0; t < n; t++) {
        if (elems[t] <= 0) continue;
        tensors++;
        int64_t chunks = (elems[t] + GEN_MLP_MTA_CHUNK_ELEMS - 1) / GEN_MLP_MTA_CHUNK_ELEMS;
        for (int64_t c = 0; c < chunks; c++) {
            int64_t left = elems[t] - c * GEN_MLP_MTA_CHUNK_ELEMS;
            acc += left < GEN_MLP_MTA_CHUNK_ELEMS ? left : GEN_MLP_MTA_CHUNK_ELEMS;
            blocks++;
            int last_of_tensor = c == chunks - 1;
            int last = last_of_tensor;
            for (int u = t + 1; last && u < n; u++)
                if (elems[u] > 0) last = 0;
            if ((tensors == tmax && last_of_tensor) || blocks == GEN_MLP_MTA_MAX_BLOCKS || last) {
                if (launches < cap) launch_elems[launches] = acc;
                launches++;
                blocks = 0;
                acc = 0;
                tensors = last_of_tensor ? 0 : 1; /* a tensor cut mid-way opens the next launch */
            }
        }
    }
    return launches;
}

/* ---- writing ---- */

typedef struct gen_w {
    FILE *out;
    const gen_mlp_opts *o;
    gen_mlp_summary s;
    int graph_now;      /* inside a `mode graph` segment */
    gen_host_times ht;  /* the phases' host times (gen_mlp_host_times of o) */
} gen_w;

static const char *half_name(const gen_mlp_opts *o) { return o->dtype == GEN_BF16 ? "bf16" : "fp16"; }

static void w_gemm(gen_w *w, const char *name, int64_t m, int64_t n, int64_t k, const char *dtype, const char *layout,
                   int bias)
{
    fprintf(w->out, "gemm    name=%s m=%" PRId64 " n=%" PRId64 " k=%" PRId64 " dtype=%s layout=%s%s\n", name, m, n, k,
            dtype, layout, bias ? " bias=1" : "");
    w->s.gemm++;
}

/* An eltwise op run `rep` times back to back (rep launches, one line). */
static void w_elt_rep(gen_w *w, const char *name, int64_t elems, const char *dtype, int in, int out, double flops,
                      int64_t rep)
{
    fprintf(w->out, "eltwise name=%s elems=%" PRId64 " dtype=%s in=%d out=%d flops=%g", name, elems, dtype, in, out,
            flops);
    if (rep > 1) fprintf(w->out, " repeat=%" PRId64, rep);
    fputc('\n', w->out);
    w->s.eltwise++;
}

static void w_elt(gen_w *w, const char *name, int64_t elems, const char *dtype, int in, int out, double flops)
{
    w_elt_rep(w, name, elems, dtype, in, out, flops, 1);
}

/* A reduction of a whole tensor to one value (the loss's mean): PyTorch's reduce_kernel. */
static void w_reduce(gen_w *w, const char *name, int64_t elems, const char *dtype)
{
    fprintf(w->out, "reduce  name=%s elems=%" PRId64 " dtype=%s\n", name, elems, dtype);
    w->s.reduce++;
}

static void w_softmax(gen_w *w, const char *name, int64_t rows, int64_t cols, const char *dtype)
{
    fprintf(w->out, "softmax name=%s rows=%" PRId64 " cols=%" PRId64 " dtype=%s\n", name, rows, cols, dtype);
    w->s.softmax++;
}

static void w_copy(gen_w *w, const char *name, const char *dir, int64_t bytes, int pinned)
{
    fprintf(w->out, "copy    name=%s dir=%s bytes=%" PRId64 " pinned=%d\n", name, dir, bytes, pinned);
    w->s.copy++;
}

/* Host work: none inside a captured graph (the replay has no Python). */
static void w_cpu(gen_w *w, const char *name, double us)
{
    if (w->graph_now || us <= 0) return;
    fprintf(w->out, "cpu     name=%s us=%g\n", name, us);
    w->s.cpu++;
}

static void w_mode(gen_w *w, int graph)
{
    if (graph == w->graph_now) return;
    fprintf(w->out, "mode %s\n", graph ? "graph" : "eager");
    w->graph_now = graph;
}

/* One foreach op over the parameters, split as multi_tensor_apply launches it. */
static void w_foreach(gen_w *w, const char *name, const int64_t *params, int np, int depth, int in, int out,
                      double flops)
{
    int64_t n = gen_mlp_mta_split(params, np, depth, NULL, 0);
    int64_t *le = malloc((size_t)n * sizeof *le);
    if (!le) { /* out of memory: one op of all elements keeps the trace valid */
        int64_t all = 0;
        for (int i = 0; i < np; i++) all += params[i];
        w_elt(w, name, all, "fp32", in, out, flops);
        return;
    }
    gen_mlp_mta_split(params, np, depth, le, n);
    for (int64_t i = 0, j; i < n; i = j) { /* identical launches back to back: one line, repeat= */
        for (j = i + 1; j < n && le[j] == le[i]; j++) {}
        w_elt_rep(w, name, le[i], "fp32", in, out, flops, j - i);
    }
    free(le);
}

static const char *const adam_names[7] = { "adam_lerp_exp_avg", "adam_mul_exp_avg_sq", "adam_addcmul_exp_avg_sq",
                                           "adam_sqrt", "adam_div", "adam_add_eps", "adam_addcdiv_param" };
/* tensor lists, tensors read, written, flops per element */
static const int adam_rows[7][4] = { { 2, 2, 1, 3 }, { 1, 1, 1, 1 }, { 3, 2, 1, 2 }, { 2, 1, 1, 1 },
                                     { 1, 1, 1, 1 }, { 1, 1, 1, 1 }, { 3, 3, 1, 2 } };

/* One step of `bs` samples; step_i counts from 0; epoch_end: read the loss back. */
static void w_step(gen_w *w, int64_t bs, int64_t step_i, int epoch_end, const int64_t *params, int np)
{
    const gen_mlp_opts *o = w->o;
    const int L = o->nlayers - 1;
    const int64_t *W = o->layers;
    const int half = o->dtype != GEN_FP32;
    const int amp = half && (o->train || o->amp);
    const int scaler = o->train && o->dtype == GEN_FP16 && !o->no_scaler;
    const char *cd = half ? half_name(o) : "fp32";   /* GEMM and activation dtype */
    const char *h = half_name(o);
    const char *lossd = amp ? "fp32" : cd;           /* autocast runs softmax and the losses in fp32 */
    const double act_fl = eltwise_flops_per_elem(o->act == GEN_GELU ? "gelu" : "relu"),
                 act_bw_fl = eltwise_flops_per_elem(o->act == GEN_GELU ? "gelu_backward" : "threshold_backward");
    const char *act = act_names[o->act];
    const gen_host_times ht = w->ht;
    char nm[64];

    if (!o->data_on_device) {
        w_mode(w, 0);
        w_copy(w, "x_in", "h2d", bs * W[0] * 4, o->pinned);
        if (o->train)
            w_copy(w, "target_in", "h2d", o->loss == GEN_LOSS_CE ? bs * 8 : bs * W[L] * 4, o->pinned);
    }
    if (o->train && !o->graph) w_cpu(w, "zero_grad", ht.zero_grad);
    w_mode(w, o->graph);
    if (o->train) w_cpu(w, "forward_start", ht.forward_start);
    if (half && !amp && !o->data_on_device) w_elt(w, "x_to_half", bs * W[0], h, 2, 1, 0);
    for (int i = 0; i < L; i++) {
        if (o->train) w_cpu(w, "forward_layer", ht.forward_layer);
        if (amp) {
            if (i == 0) w_elt(w, "x_cast", bs * W[0], h, 2, 1, 0);
            snprintf(nm, sizeof nm, "w%d_cast", i + 1);
            w_elt(w, nm, W[i] * W[i + 1], h, 2, 1, 0);
            snprintf(nm, sizeof nm, "b%d_cast", i + 1);
            w_elt(w, nm, W[i + 1], h, 2, 1, 0);
        }
        snprintf(nm, sizeof nm, "fc%d", i + 1);
        w_gemm(w, nm, bs, W[i + 1], W[i], cd, "nt", 1);
        if (i + 1 < L) {
            snprintf(nm, sizeof nm, "%s%d", act, i + 1);
            w_elt(w, nm, bs * W[i + 1], cd, 1, 1, act_fl);
        }
    }
    if (o->softmax_head) w_softmax(w, "softmax", bs, W[L], lossd);
    if (o->train) {
        if (o->loss == GEN_LOSS_MSE) {
            if (amp && !o->softmax_head) w_elt(w, "out_to_fp32", bs * W[L], h, 1, 2, 0);
            w_elt(w, "mse_loss", bs * W[L], "fp32", 2, 1, 2);
            w_reduce(w, "mean", bs * W[L], "fp32");
        } else {
            w_softmax(w, "log_softmax", bs, W[L], "fp32");
            w_elt(w, "nll_loss", bs, "fp32", 2, 0, 1);
        }
        if (scaler) w_elt(w, "scaler_scale", 1, "fp32", 2, 1, 1);
        /* backward */
        w_cpu(w, "backward_start", ht.backward_start);
        w_elt(w, "loss_ones_like", 1, "fp32", 0, 1, 0);
        if (o->loss == GEN_LOSS_MSE) {
            w_elt(w, "mean_bwd_fill", bs * W[L], "fp32", 0, 1, 0);
            w_elt(w, "mse_bwd", bs * W[L], "fp32", 2, 1, 3);
            w_elt(w, "mse_bwd_mul", bs * W[L], "fp32", 2, 1, 1);
        } else {
            w_elt(w, "nll_bwd_zero", bs * W[L], "fp32", 0, 1, 0);
            w_elt(w, "nll_bwd_scatter", bs, "fp32", 2, 1, 1);
            w_elt(w, "log_softmax_bwd", bs * W[L], "fp32", 2, 1, 3);
        }
        if (o->softmax_head) w_elt(w, "softmax_bwd", bs * W[L], lossd, 2, 1, 3);
        if (amp && (o->loss == GEN_LOSS_CE || !o->softmax_head)) w_elt(w, "dout_to_half", bs * W[L], h, 2, 1, 0);
        for (int i = L - 1; i >= 0; i--) {
            w_cpu(w, "backward_layer", ht.backward_layer);
            if (i > 0) {
                snprintf(nm, sizeof nm, "fc%d_dgrad", i + 1);
                w_gemm(w, nm, bs, W[i], W[i + 1], cd, "nn", 0);
            }
            snprintf(nm, sizeof nm, "fc%d_wgrad", i + 1);
            w_gemm(w, nm, W[i + 1], W[i], bs, cd, "tn", 0);
            snprintf(nm, sizeof nm, "fc%d_bgrad", i + 1);
            w_elt(w, nm, bs * W[i + 1], cd, 1, 0, 1);
            if (amp) {
                snprintf(nm, sizeof nm, "w%d_grad_to_fp32", i + 1);
                w_elt(w, nm, W[i] * W[i + 1], h, 1, 2, 0);
                snprintf(nm, sizeof nm, "b%d_grad_to_fp32", i + 1);
                w_elt(w, nm, W[i + 1], h, 1, 2, 0);
            }
            if (i > 0) {
                snprintf(nm, sizeof nm, "%s%d_bwd", act, i);
                w_elt(w, nm, bs * W[i], cd, 2, 1, act_bw_fl);
            }
        }
        /* optimizer */
        if (scaler) {
            w_cpu(w, "scaler_host", ht.scaler);
            w_elt(w, "found_inf_fill", 1, "fp32", 0, 1, 0);
            w_foreach(w, "scaler_unscale", params, np, 1, 1, 1, 2);
            if (!w->graph_now) w_copy(w, "found_inf_item", "d2h", 4, 0);
        }
        if (o->optim == GEN_ADAM) {
            w_cpu(w, "optimizer_step", ht.optim * OPTIM_HEAD_FRAC);
            if (step_i == 0 && !o->warm)
                for (int p = 0; p < np; p++) {
                    w_elt(w, "adam_state_exp_avg", params[p], "fp32", 0, 1, 0);
                    w_elt(w, "adam_state_exp_avg_sq", params[p], "fp32", 0, 1, 0);
                }
            for (int k = 0; k < 7; k++) {
                if (k) w_cpu(w, "optimizer_foreach", ht.optim * OPTIM_BETWEEN_FRAC / 6);
                w_foreach(w, adam_names[k], params, np, adam_rows[k][0], adam_rows[k][1], adam_rows[k][2],
                          adam_rows[k][3]);
            }
            w_cpu(w, "optimizer_tail", ht.optim * (1 - OPTIM_HEAD_FRAC - OPTIM_BETWEEN_FRAC));
        } else {
            w_cpu(w, "optimizer_step", ht.optim * OPTIM_HEAD_FRAC);
            w_foreach(w, "sgd_add", params, np, 2, 2, 1, 2);
            w_cpu(w, "optimizer_tail", ht.optim * (1 - OPTIM_HEAD_FRAC));
        }
        if (scaler) w_elt(w, "scaler_update", 1, "fp32", 2, 2, 2);
    }
    w_mode(w, 0);
    if (!o->data_on_device) {
        if (!o->train) w_copy(w, "out_to_host", "d2h", bs * W[L] * (o->softmax_head && amp ? 4 : half ? 2 : 4), 0);
        else if (epoch_end) w_copy(w, "loss_item", "d2h", 4, 0);
    }
}

int gen_mlp_write(const gen_mlp_opts *o, const char *cmdline, FILE *out, gen_mlp_summary *s, char *err,
                  size_t errlen)
{
    if (gen_mlp_check(o, err, errlen)) return -2;
    gen_w w = { .out = out, .o = o, .ht = gen_mlp_host_times(o) };
    const int L = o->nlayers - 1;
    int64_t params[2 * GEN_MLP_MAX_LAYERS];
    int np = 0;
    for (int i = 0; i < L; i++) {
        params[np++] = o->layers[i] * o->layers[i + 1];
        params[np++] = o->layers[i + 1];
        w.s.params += o->layers[i] * o->layers[i + 1] + o->layers[i + 1];
    }
    int64_t per = o->epochs ? (o->samples + o->batch - 1) / o->batch : 0;
    int64_t steps = o->epochs ? per * o->epochs : o->steps ? o->steps : 1;
    w.s.steps = steps;
    w.s.steps_per_epoch = per;

    fprintf(out, "# generated by: %s\n", cmdline ? cmdline : "gpusim gen mlp");
    fprintf(out, "# MLP ");
    for (int i = 0; i < o->nlayers; i++) fprintf(out, "%s%" PRId64, i ? "-" : "", o->layers[i]);
    fprintf(out, " (%" PRId64 " parameters), %s, batch %" PRId64 ", %s%s, %s: %" PRId64 " step%s", w.s.params,
            act_names[o->act], o->batch, dtype_names[o->dtype],
            o->dtype != GEN_FP32 && (o->train || o->amp) ? " AMP (fp32 master parameters)" : "",
            o->train ? "training" : "forward only", steps, steps == 1 ? "" : "s");
    if (per)
        fprintf(out, " (%" PRId64 " epochs of %" PRId64 " samples: %" PRId64 " steps each, the last of %" PRId64
                     " samples)",
                o->epochs, o->samples, per, o->samples - (per - 1) * o->batch);
    fprintf(out, "\n# %s%s%s%s%s. Written as PyTorch 2.x runs it (sim/import/gen_mlp.c says what each op is);\n",
            o->train ? (o->optim == GEN_ADAM ? "Adam (foreach)" : "SGD (foreach)") : "no optimizer",
            o->train ? (o->loss == GEN_LOSS_CE ? ", log_softmax + nll_loss" : ", mse loss") : "",
            o->softmax_head ? ", softmax head" : "", o->graph ? ", CUDA-graph replay" : ", eager",
            o->data_on_device ? ", data on the device" : o->pinned ? ", batches from pinned memory" : ", batches from pageable memory");
    if (o->train && !o->graph) {
        const gen_host_times ht = w.ht;
        fprintf(out, "# the framework's host time as cpu ops (zero_grad %g us, forward %g us, backward %g us, optimizer step %g us",
                ht.zero_grad, ht.forward_start + L * ht.forward_layer, ht.backward_start + L * ht.backward_layer, ht.optim);
        if (o->dtype == GEN_FP16 && !o->no_scaler) fprintf(out, ", GradScaler %g us", ht.scaler);
        fprintf(out, "),\n# ");
    } else {
        fprintf(out, "# ");
    }
    fprintf(out, "each launch's own host time charged by gpusim (host.eager_gap_us, eager_gemm_us, eager_copy_us).\n");
    fprintf(out, "mode eager\n");
    for (int64_t i = 0; i < steps; i++) {
        int64_t bs = o->batch, e = 0;
        int epoch_end = i == steps - 1;
        if (per) {
            int64_t j = i % per;
            e = i / per;
            int64_t left = o->samples - j * o->batch;
            bs = left < o->batch ? left : o->batch;
            epoch_end = j == per - 1;
        }
        if (per) fprintf(out, "# step %" PRId64 " (epoch %" PRId64 ", batch %" PRId64 ")\n", i + 1, e + 1, bs);
        else if (steps > 1) fprintf(out, "# step %" PRId64 "\n", i + 1);
        w_step(&w, bs, i, epoch_end, params, np);
    }
    fprintf(out, "sync\n");
    w.s.sync++;
    w.s.ops = w.s.gemm + w.s.eltwise + w.s.reduce + w.s.softmax + w.s.copy + w.s.cpu + w.s.sync;
    if (ferror(out)) return fail(err, errlen, "cannot write the trace"), -1;
    if (s) *s = w.s;
    return 0;
}
