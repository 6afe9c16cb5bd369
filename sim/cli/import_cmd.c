/*
 * import_cmd.c: `gpusim import PROFILE.json [-o OUT.trace] [--config CONFIG.ini]`,
 * the thin CLI over import/torch_import. The trace is written to OUT.trace.tmp
 * and renamed on success, so a failed import never leaves a partial trace behind.
 * The host time per launch that the trace's `cpu` ops leave out is the config's
 * host.eager_gap_us (without --config: that key's default in the parameter table).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/errors.h"
#include "config/config.h"
#include "import/torch_import.h"

static void import_usage(FILE *f)
{
    fprintf(f,
        "usage: gpusim import PROFILE.json [-o OUT.trace] [--config CONFIG.ini]\n"
        "Converts a PyTorch profiler trace (Chrome trace JSON from torch.profiler with\n"
        "record_shapes=True) into a gpusim trace (stdout without -o). A summary, and every\n"
        "GPU event it could not map, go to stderr. Host time between launches becomes `cpu`\n"
        "ops, less the host.eager_gap_us that gpusim charges per launch: CONFIG's (the config\n"
        "the trace will run on), else that key's default.\n");
}

int import_main(int argc, char **argv)
{
    const char *in_path = NULL, *out_path = NULL, *cfg_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { import_usage(stdout); return 0; }
        if (!strcmp(argv[i], "-o")) {
            if (i + 1 >= argc) { fprintf(stderr, "gpusim: import: -o: expected an output file\n"); return 2; }
            out_path = argv[++i];
        } else if (!strcmp(argv[i], "--config")) {
            if (i + 1 >= argc) { fprintf(stderr, "gpusim: import: --config: expected a config file\n"); return 2; }
            cfg_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "gpusim: import: %s: unknown option (takes: -o OUT.trace, --config CONFIG.ini)\n", argv[i]);
            return 2;
        } else if (!in_path) in_path = argv[i];
        else { fprintf(stderr, "gpusim: import: %s: expected one profile (already have %s)\n", argv[i], in_path); return 2; }
    }
    if (!in_path) { import_usage(stderr); return 2; }
    if (cli_same_file(out_path, in_path) || cli_same_file(out_path, cfg_path)) {
        fprintf(stderr, "gpusim: import: -o %s: is %s: an output must not overwrite an input\n", out_path,
                cli_same_file(out_path, in_path) ? "the profile" : "the config");
        return 2;
    }
    char err[1024] = "";
    torch_import_opts opts = { 0 };
    if (cfg_path) {
        gpu_config cfg;
        if (config_load(&cfg, cfg_path, NULL, 0, err, sizeof err)) { fprintf(stderr, "gpusim: %s\n", err); return 2; }
        opts.eager_gap_us = cfg.host.eager_gap_us;
        opts.eager_gemm_us = cfg.host.eager_gemm_us;
        opts.eager_copy_us = cfg.host.eager_copy_us;
    } else {
        const param *p = config_find_param("host.eager_gap_us");
        opts.eager_gap_us = p && p->def ? strtod(p->def, NULL) : 0;
        p = config_find_param("host.eager_gemm_us");
        opts.eager_gemm_us = p && p->def ? strtod(p->def, NULL) : 0;
        p = config_find_param("host.eager_copy_us");
        opts.eager_copy_us = p && p->def ? strtod(p->def, NULL) : 0;
    }
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
    torch_import_summary s;
    int rc = torch_import(in, in_path, &opts, out, stderr, &s, err, sizeof err);
    fclose(in);
    if (out_path) {
        if (fclose(out) && !rc) { rc = -1; snprintf(err, sizeof err, "%.900s: cannot write", tmp); }
        if (rc) remove(tmp);
        else if (rename(tmp, out_path)) { remove(tmp); rc = -1; snprintf(err, sizeof err, "%.900s: cannot write", out_path); }
    }
    if (rc) { fprintf(stderr, "gpusim: %s\n", err); return gpusim_exit_status(rc); }
    fprintf(stderr,
            "gpusim import: %s: %d GPU events -> %d ops: %d gemm (%d helper kernels folded in), %d eltwise, %d reduce, "
            "%d memset, %d copy (%d first_touch), %d unmapped; %d sync; %d graph-launched\n",
            in_path, s.gpu_events, s.ops, s.gemm, s.folded, s.eltwise, s.reduce, s.memset, s.copy, s.first_touch, s.unmapped,
            s.syncs, s.graph_ops);
    if (s.host_gaps)
        fprintf(stderr, "gpusim import: %.1f us of host time between launches (%d gaps) -> %d cpu ops, %.1f us "
                        "(host.eager_gap_us = %g us per launch, host.eager_gemm_us = %g us per GEMM, host.eager_copy_us = "
                        "%g us per copy left to gpusim%s%s); %.1f us charged beyond the profile's where launches came faster\n",
                s.host_gap_us, s.host_gaps, s.cpu_ops, s.cpu_us, opts.eager_gap_us, opts.eager_gemm_us, opts.eager_copy_us,
                cfg_path ? ", from " : ", the default", cfg_path ? cfg_path : "", s.overcharged_us);
    return 0;
}
