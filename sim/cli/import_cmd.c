/*
 * import_cmd.c: `gpusim import PROFILE.json [-o OUT.trace]`, the thin CLI over
 * import/torch_import. The trace is written to OUT.trace.tmp and renamed on
 * success, so a failed import never leaves a partial trace behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "import/torch_import.h"

static void import_usage(FILE *f)
{
    fprintf(f,
        "usage: gpusim import PROFILE.json [-o OUT.trace]\n"
        "Converts a PyTorch profiler trace (Chrome trace JSON from torch.profiler with\n"
        "record_shapes=True) into a gpusim trace (stdout without -o). A summary, and every\n"
        "GPU event it could not map, go to stderr.\n");
}

int import_main(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { import_usage(stdout); return 0; }
        if (!strcmp(argv[i], "-o")) {
            if (i + 1 >= argc) { fprintf(stderr, "gpusim: import: -o: expected an output file\n"); return 2; }
            out_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "gpusim: import: %s: unknown option (takes: -o OUT.trace)\n", argv[i]);
            return 2;
        } else if (!in_path) in_path = argv[i];
        else { fprintf(stderr, "gpusim: import: %s: expected one profile (already have %s)\n", argv[i], in_path); return 2; }
    }
    if (!in_path) { import_usage(stderr); return 2; }
    FILE *in = fopen(in_path, "rb");
    if (!in) { fprintf(stderr, "gpusim: %s: cannot open\n", in_path); return 2; }
    char tmp[4096];
    FILE *out = stdout;
    if (out_path) {
        if (snprintf(tmp, sizeof tmp, "%s.tmp", out_path) >= (int)sizeof tmp) {
            fclose(in);
            fprintf(stderr, "gpusim: import: -o: path too long\n");
            return 2;
        }
        out = fopen(tmp, "w");
        if (!out) { fclose(in); fprintf(stderr, "gpusim: %s: cannot create\n", tmp); return 1; }
    }
    char err[1024] = "";
    torch_import_summary s;
    int rc = torch_import(in, in_path, out, stderr, &s, err, sizeof err);
    fclose(in);
    if (out_path) {
        if (fclose(out) && !rc) { rc = -1; snprintf(err, sizeof err, "%.900s: cannot write", tmp); }
        if (rc) remove(tmp);
        else if (rename(tmp, out_path)) { remove(tmp); rc = -1; snprintf(err, sizeof err, "%.900s: cannot write", out_path); }
    }
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return rc == -2 ? 2 : 1; }
    fprintf(stderr,
            "gpusim import: %s: %d GPU events -> %d ops: %d gemm (%d helper kernels folded in), %d eltwise, "
            "%d memset, %d copy, %d unmapped; %d sync; %d graph-launched\n",
            in_path, s.gpu_events, s.ops, s.gemm, s.folded, s.eltwise, s.memset, s.copy, s.unmapped, s.syncs, s.graph_ops);
    if (s.host_gaps)
        fprintf(stderr, "gpusim import: %.1f us of host time between launches in %d '# host gap' comments "
                        "(not simulated: the trace format has no host-time op yet)\n", s.host_gap_us, s.host_gaps);
    return 0;
}
