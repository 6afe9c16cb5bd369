/*
 * gen_mlp.h: `gpusim gen mlp`: a gpusim trace (DESIGN.md section 2) for an MLP the
 * user describes, written as PyTorch 2.x runs it eagerly on CUDA.
 *
 * What one step is, in trace order (gen_mlp.c has the details and the sources):
 *   data in (h2d copies of x and, training, the target: DataLoader batches are
 *     pageable unless pin_memory), unless the data already live on the device;
 *   forward: per nn.Linear a `gemm layout=nt` (x @ W^T, bias fused in the epilogue
 *     as cuBLASLt does), then the activation (relu / gelu) between layers; an
 *     optional softmax head; under AMP the weight and bias casts to 16 bits (and the
 *     input's, first layer);
 *   loss (training): log_softmax + nll_loss (ce) or mse + mean (mse) as kernels;
 *   backward: the loss and head gradients, per layer from the last: the data
 *     gradient `gemm layout=nn` (dY @ W; not for the first layer), the weight
 *     gradient `gemm layout=tn` (dY^T @ X), the bias gradient (a reduction over the
 *     batch), the activation's backward; under AMP the gradient casts to fp32;
 *   optimizer: Adam (foreach: 7 multi_tensor_apply ops, each split into launches of
 *     at most 320 blocks of 65536 elements) or SGD (one foreach add_); the fp16
 *     GradScaler's unscale kernel, its found_inf read (a sync) and its update;
 *   data out: the output (forward) or the loss once per epoch (.item()), to pageable
 *     host memory.
 * Host time: gpusim charges each eager launch host.eager_*_us itself; the trace adds
 * `cpu` ops for the framework's work that is not a launch (zero_grad, the forward's
 * and backward's per-layer bookkeeping, Optimizer.step's Python, GradScaler), each a
 * constant plus a cost per layer or parameter tensor fitted on our own measurements of
 * other MLPs (gen_mlp.c, analysis/hw/h100_s8/fit_host.py).
 */
#ifndef GPUSIM_GEN_MLP_H
#define GPUSIM_GEN_MLP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GEN_MLP_MAX_LAYERS 64          /* widths in --layers (so 63 Linear layers) */
#define GEN_MLP_MTA_CHUNK_ELEMS 65536  /* multi_tensor_apply: elements per block (kChunkSize) */
#define GEN_MLP_MTA_MAX_BLOCKS 320     /* multi_tensor_apply: blocks per launch */

typedef enum { GEN_FP32, GEN_FP16, GEN_BF16 } gen_dtype;
typedef enum { GEN_RELU, GEN_GELU } gen_act;
typedef enum { GEN_ADAM, GEN_SGD } gen_optim;
typedef enum { GEN_LOSS_CE, GEN_LOSS_MSE } gen_loss;

typedef struct gen_mlp_opts {
    int64_t layers[GEN_MLP_MAX_LAYERS]; /* widths: input, hidden..., output */
    int nlayers;               /* widths given (>= 2) */
    int64_t batch;             /* samples per step */
    gen_dtype dtype;           /* fp32; fp16/bf16: AMP when training (fp32 master params), a half model otherwise */
    int amp;                   /* 1: autocast also in forward-only runs (training with 16 bits always is) */
    gen_act act;               /* between Linear layers */
    int softmax_head;          /* 1: the model ends in nn.Softmax (the seed) */
    int train;                 /* 0: forward only */
    gen_optim optim;
    gen_loss loss;
    int64_t steps;             /* steps to emit (0: from epochs and samples) */
    int64_t epochs, samples;   /* steps = epochs * ceil(samples / batch); the last step of an epoch is short */
    int graph;                 /* 1: CUDA-graph replay of the forward / the captured step */
    int data_on_device;        /* 1: inputs already on the GPU, nothing copied (mlp.csv's protocol) */
    int pinned;                /* 1: host batches in pinned memory (pin_memory=True) */
    int no_scaler;             /* 1: fp16 training without torch.amp.GradScaler */
    int warm;                  /* 1: the optimizer state exists already (no lazy zeros_like on the first step) */
    /* Host time of a training step's phases beyond its launches' own charges (the framework:
     * Python, the dispatcher, autograd's bookkeeping); < 0: from the fitted model
     * (gen_mlp_host_times), >= 0: given by the user (--zero-grad-us ...). */
    double zero_grad_us;       /* Optimizer.zero_grad (set_to_none: no kernel) */
    double forward_us;         /* the forward and the loss, recorded for autograd */
    double backward_us;        /* loss.backward(): the engine's start and each layer's nodes */
    double optim_us;           /* Optimizer.step's Python (param groups, the foreach grouping) */
    double scaler_us;          /* GradScaler.step/update's Python (fp16 only) */
    int optim_given, loss_given; /* set by gen_mlp_set: --optimizer / --loss given (refused without --train) */
} gen_mlp_opts;

typedef struct gen_mlp_summary {
    int64_t steps;             /* training / forward steps emitted */
    int64_t ops;               /* trace ops written (`mode` lines not counted) */
    int64_t gemm, eltwise, reduce, softmax, copy, cpu, sync; /* ops by kind */
    int64_t steps_per_epoch;   /* 0 without --epochs */
    int64_t params;            /* parameters (elements) */
} gen_mlp_summary;

/* Fills `o` with the defaults: 784,128,10, batch 64, fp32, relu, no softmax head,
 * forward, adam, ce, 1 step, eager, data on the host (pageable), and the calibrated
 * host times. */
void gen_mlp_default_opts(gen_mlp_opts *o);

/* The host phases' times in effect for `o` (us): the user's where given, else the fitted
 * model of sim/import/gen_mlp.c (a constant plus a cost per layer or per parameter tensor). */
typedef struct gen_host_times {
    double zero_grad, forward_start, forward_layer, backward_start, backward_layer, optim, scaler;
} gen_host_times;
gen_host_times gen_mlp_host_times(const gen_mlp_opts *o);

/* Sets one option from its command-line form: `key` without the leading "--" (e.g.
 * "layers", "train"), `val` its value (NULL for a flag). Returns 0, or -2 with
 * err = "--KEY: what was wrong, what was expected"; `o` is unchanged on error. */
int gen_mlp_set(gen_mlp_opts *o, const char *key, const char *val, char *err, size_t errlen);

/* 1 when `key` is a flag (takes no value), 0 when it takes one, -1 when unknown. */
int gen_mlp_is_flag(const char *key);

/* Checks the options as a whole (steps vs epochs, optimizer without --train, ...).
 * Returns 0 or -2 with err. */
int gen_mlp_check(const gen_mlp_opts *o, char *err, size_t errlen);

/* Writes the trace to `out`, `cmdline` (may be NULL) quoted in its header. Returns 0,
 * -2 for options gen_mlp_check refuses, -1 when a write fails; `s` (may be NULL) is
 * filled on success. */
int gen_mlp_write(const gen_mlp_opts *o, const char *cmdline, FILE *out, gen_mlp_summary *s,
                  char *err, size_t errlen);

/* The multi_tensor_apply split of one foreach op over tensors of `elems[0..n)`
 * elements with `depth` tensor lists: writes the elements of each launch to
 * launch_elems (at most `cap`) and returns the number of launches (which may exceed
 * cap: only the first cap are written). */
int64_t gen_mlp_mta_split(const int64_t *elems, int n, int depth, int64_t *launch_elems, int64_t cap);

#endif
