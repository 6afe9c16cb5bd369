/*
 * gen_cmd.c: `gpusim gen mlp [options] [-o OUT.trace]`, the thin CLI over
 * import/gen_mlp. Options are `--key value` or `--key=value` (flags take none),
 * set one at a time through gen_mlp_set so the module owns what each means. The
 * trace is written to OUT.trace.tmp and renamed on success, so a failed run never
 * leaves a partial trace behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/errors.h"
#include "import/gen_mlp.h"

static void gen_usage(FILE *f)
{
    fprintf(f,
        "usage: gpusim gen mlp --layers 784,128,10 --batch 64 [--dtype fp32|fp16|bf16] [--act relu|gelu]\n"
        "                      [--softmax] [--train [--optimizer adam|sgd] [--loss ce|mse]]\n"
        "                      [--steps N | --epochs E --samples S] [--graph] [--amp] [--data-on-device]\n"
        "                      [--pin-memory] [--warm] [--no-scaler] [--zero-grad-us US] [--forward-us US]\n"
        "                      [--backward-us US] [--optim-us US] [--scaler-us US] [-o OUT.trace]\n"
        "Writes a gpusim trace (stdout without -o) for an MLP as PyTorch 2.x runs it eagerly on CUDA:\n"
        "the batches copied in, the nn.Linear GEMMs (x @ W^T + b, layout=nt), the activations, an optional\n"
        "softmax head; with --train the loss (ce: log_softmax + nll_loss; mse), the backward GEMMs (nn data\n"
        "gradient, tn weight gradient), the bias gradients, Adam (foreach: 7 multi_tensor_apply ops) or SGD,\n"
        "AMP's casts and fp16's GradScaler; the output, or the loss once per epoch, copied out; host time\n"
        "as cpu ops (training: the framework's time per phase beyond the launches, a constant plus a cost per\n"
        "layer or parameter tensor, measured on the H100's host; --*-us replace a phase's total).\n"
        "--graph: the forward (or the step) as a CUDA-graph replay.\n"
        "--data-on-device: the inputs already live on the GPU (no copies); --warm: Adam's state exists;\n"
        "--no-scaler: fp16 training without the GradScaler (its unscale kernel and found_inf sync).\n"
        "Defaults: --layers 784,128,10 --batch 64 --dtype fp32 --act relu --optimizer adam --loss ce --steps 1.\n");
}

int gen_main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        gen_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "mlp")) {
        fprintf(stderr, "gpusim: gen: %s: unknown model (expected: mlp)\n", argv[1]);
        return 2;
    }
    char err[1024] = "";
    gen_mlp_opts o;
    gen_mlp_default_opts(&o);
    const char *out_path = NULL;
    char cmd[2048];
    size_t cl = (size_t)snprintf(cmd, sizeof cmd, "gpusim gen mlp");
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { gen_usage(stdout); return 0; }
        if (!strcmp(a, "-o")) {
            if (i + 1 >= argc) { fprintf(stderr, "gpusim: gen mlp: -o: expected an output file\n"); return 2; }
            out_path = argv[++i];
            continue;
        }
        if (strncmp(a, "--", 2) || !a[2]) {
            fprintf(stderr, "gpusim: gen mlp: %s: unexpected argument (options are --key value; see --help)\n", a);
            return 2;
        }
        char key[64];
        const char *eq = strchr(a + 2, '=');
        size_t klen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (klen >= sizeof key) klen = sizeof key - 1;
        memcpy(key, a + 2, klen);
        key[klen] = 0;
        const char *val = eq ? eq + 1 : NULL;
        int flag = gen_mlp_is_flag(key);
        if (flag == 0 && !val) {
            if (i + 1 >= argc) val = NULL;
            else val = argv[++i];
        }
        if (gen_mlp_set(&o, key, val, err, sizeof err)) { fprintf(stderr, "gpusim: gen mlp: %s\n", err); return 2; }
        if (cl < sizeof cmd)
            cl += (size_t)snprintf(cmd + cl, sizeof cmd - cl, " --%s%s%s", key, val ? " " : "", val ? val : "");
    }
    if (gen_mlp_check(&o, err, sizeof err)) { fprintf(stderr, "gpusim: gen mlp: %s\n", err); return 2; }
    char tmp[4096];
    FILE *out = stdout;
    if (out_path) {
        if (cl < sizeof cmd) snprintf(cmd + cl, sizeof cmd - cl, " -o %s", out_path);
        if (snprintf(tmp, sizeof tmp, "%s.tmp", out_path) >= (int)sizeof tmp) {
            fprintf(stderr, "gpusim: gen mlp: -o: path too long\n");
            return 2;
        }
        out = fopen(tmp, "w");
        if (!out) { fprintf(stderr, "gpusim: %s: cannot create\n", tmp); return 1; }
    }
    gen_mlp_summary s;
    int rc = gen_mlp_write(&o, cmd, out, &s, err, sizeof err);
    if (out_path) {
        if (fclose(out) && !rc) { rc = -1; snprintf(err, sizeof err, "%.900s: cannot write", tmp); }
        if (rc) remove(tmp);
        else if (rename(tmp, out_path)) { remove(tmp); rc = -1; snprintf(err, sizeof err, "%.900s: cannot write", out_path); }
    }
    if (rc) { fprintf(stderr, "gpusim: gen mlp: %s\n", err); return gpusim_exit_status(rc); }
    fprintf(stderr,
            "gpusim gen mlp: %lld steps, %lld ops: %lld gemm, %lld eltwise, %lld reduce, %lld softmax, %lld copy, %lld cpu, "
            "%lld sync; %lld parameters\n",
            (long long)s.steps, (long long)s.ops, (long long)s.gemm, (long long)s.eltwise, (long long)s.reduce,
            (long long)s.softmax, (long long)s.copy, (long long)s.cpu, (long long)s.sync, (long long)s.params);
    return 0;
}
