/* verdict.c: the run-level verdict and its simulated suggestion (see verdict.h). */
#include "cli/verdict.h"

#include <stdlib.h>
#include <string.h>

/* What to try for a run bound by a label: a config key scaled by a factor, or a
 * trace line put in front of the trace. */
typedef struct fix {
    int label;
    const char *what;        /* the verdict's words for the part */
    const char *key;         /* config key to scale; NULL: trace_line */
    double factor;
    const char *trace_line;  /* put in front of the trace */
} fix;

static const fix fixes[] = {
    { BD_LAUNCH, "are launch gaps and kernel tails", NULL, 0, "mode graph" },
    { BD_HOST, "are host work (cpu ops)", NULL, 0, NULL },
    { BD_TAIL, "are CTA launch, wave quantisation and idle SMs", "gpu.sm_count", 1.2, NULL },
    { BD_COMPUTE, "are tensor/CUDA-core issue", "gpu.sm_count", 1.2, NULL },
    { BD_CLOCK, "are lost to the power-capped clock", "power.limit_w", 1.2, NULL },
    { BD_SMEM, "wait on L1/shared memory", NULL, 0, NULL },
    { BD_L2, "wait on L2 bandwidth", NULL, 0, NULL },
    { BD_DRAM, "wait on DRAM bandwidth", "memory.channels", 1.2, NULL },
    { BD_LATENCY, "are memory latency not hidden", NULL, 0, NULL },
    { BD_PCIE, "are PCIe transfers", NULL, 0, NULL },
    { BD_SYNC, "are barriers between k-tiles", NULL, 0, NULL },
};

static const fix *fix_of(int label)
{
    for (size_t i = 0; i < sizeof fixes / sizeof fixes[0]; i++)
        if (fixes[i].label == label) return &fixes[i];
    return NULL;
}

void verdict_make(const run_result *r, verdict *v)
{
    memset(v, 0, sizeof *v);
    v->time_us = (double)r->total_ps / 1e6;
    run_breakdown(r, v->parts_us);
    v->label = -1;
    for (int j = 0; j < BD_N; j++)
        if (v->parts_us[j] > 0 && (v->label < 0 || v->parts_us[j] > v->parts_us[v->label])) v->label = j;
}

/* The config value of key in cfg, as text. */
static int value_of(const gpu_config *cfg, const char *key, char *buf, size_t len)
{
    const param *p = config_find_param(key);
    if (!p) return -1;
    config_value_str(cfg, p, buf, len);
    return 0;
}

int verdict_try(verdict *v, const cli_args *a, const gpu_config *cfg, const char *trace_text, size_t len, double wall_s)
{
    const fix *fx = v->label >= 0 ? fix_of(v->label) : NULL;
    if (!fx || (!fx->key && !fx->trace_line) || wall_s >= VERDICT_MAX_WALL_S) return 0;
    char err[1024];
    gpu_config c2;
    const gpu_config *use = cfg;
    char *text = NULL;
    const char *tt = trace_text;
    size_t tl = len;
    if (fx->key) {
        char cur[64];
        if (value_of(cfg, fx->key, cur, sizeof cur)) return -1;
        double x = atof(cur) * fx->factor;
        char set[128];
        if (strcmp(fx->key, "power.limit_w") == 0) snprintf(set, sizeof set, "%s=%.0f", fx->key, x);
        else snprintf(set, sizeof set, "%s=%lld", fx->key, (long long)(x + 0.5));
        const char *sets[MAX_SETS + 1];
        int n = 0;
        for (; n < a->nsets; n++) sets[n] = a->sets[n];
        sets[n++] = set;
        if (config_load(&c2, a->config, sets, n, err, sizeof err)) return -1;
        use = &c2;
        snprintf(v->change, sizeof v->change, "--set %s", set);
        snprintf(v->was, sizeof v->was, "%s", cur);
    } else {
        size_t pre = strlen(fx->trace_line) + 1;
        text = malloc(pre + len + 1);
        if (!text) return -1;
        memcpy(text, fx->trace_line, pre - 1);
        text[pre - 1] = '\n';
        memcpy(text + pre, trace_text, len);
        text[pre + len] = 0;
        tt = text;
        tl = pre + len;
        snprintf(v->change, sizeof v->change, "%s", fx->trace_line);
    }
    trace *t = NULL;
    run_result res;
    int rc = trace_parse(&t, a->trace, tt, tl, err, sizeof err);
    if (!rc) rc = runner_run(use, t, &res, err, sizeof err);
    trace_destroy(t);
    free(text);
    if (rc) { v->change[0] = 0; return -1; }
    v->tried = 1;
    v->new_us = (double)res.total_ps / 1e6;
    run_result_free(&res);
    return 0;
}

void verdict_print(FILE *f, const verdict *v)
{
    if (v->label < 0) { fprintf(f, "verdict: no time simulated\n"); return; }
    const fix *fx = fix_of(v->label);
    fprintf(f, "verdict: %s-bound: %.1f of %.1f us %s", bd_labels[v->label].name, v->parts_us[v->label], v->time_us,
            fx ? fx->what : "");
    if (v->tried && v->new_us > 0) {
        double s = v->time_us / v->new_us;
        char was[80] = "";
        if (v->was[0]) snprintf(was, sizeof was, " (now %s)", v->was);
        if (s > 1.005) fprintf(f, "; `%s`%s gives %.1f us (%.2fx)", v->change, was, v->new_us, s);
        else fprintf(f, "; `%s`%s does not help (%.1f us)", v->change, was, v->new_us);
    }
    fputc('\n', f);
}

void verdict_json(FILE *f, const verdict *v)
{
    fprintf(f, "{\"bound\":\"%s\",\"part_us\":%.6f,\"time_us\":%.6f,\"parts\":{", v->label >= 0 ? bd_labels[v->label].name : "-",
            v->label >= 0 ? v->parts_us[v->label] : 0, v->time_us);
    for (int j = 0; j < BD_N; j++) fprintf(f, "%s\"%s\":%.6f", j ? "," : "", bd_labels[j].name, v->parts_us[j]);
    fputc('}', f);
    if (v->tried) fprintf(f, ",\"change\":\"%s\",\"change_time_us\":%.6f,\"speedup\":%.6f", v->change, v->new_us,
                          v->new_us > 0 ? v->time_us / v->new_us : 0);
    fputc('}', f);
}
