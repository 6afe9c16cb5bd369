/* verdict.c: the run-level verdict and its simulated suggestions (see verdict.h). */
#include "cli/verdict.h"
#include "kernels/rows.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* What to try for a run bound by a label: a config key scaled by a factor, or
 * `mode graph` for the whole trace (its own mode lines are taken out). */
typedef struct fix {
    int label;
    const char *what;        /* the verdict's words for the part */
    const char *key;         /* config key to scale; NULL: graph (or nothing) */
    double factor;
    int graph;               /* 1: replay the trace as a CUDA graph */
} fix;

static const fix fixes[] = {
    { BD_LAUNCH, "are launch gaps and kernel tails", NULL, 0, 1 },
    { BD_HOST, "are host work (cpu ops)", NULL, 0, 0 },
    { BD_TAIL, "are CTA launch, wave quantisation and idle SMs", "gpu.sm_count", 1.2, 0 },
    { BD_COMPUTE, "are tensor/CUDA-core issue", "gpu.sm_count", 1.2, 0 },
    { BD_CLOCK, "are lost to the power-capped clock", "power.limit_w", 1.2, 0 },
    { BD_SMEM, "wait on L1/shared memory", NULL, 0, 0 },
    { BD_L2, "wait on L2 bandwidth", NULL, 0, 0 },
    { BD_DRAM, "wait on DRAM bandwidth", "memory.channels", 1.2, 0 },
    { BD_LATENCY, "are memory latency not hidden", NULL, 0, 0 },
    { BD_PCIE, "are PCIe transfers", NULL, 0, 0 },
    { BD_SYNC, "are barriers between k-tiles", NULL, 0, 0 },
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

/* The trace text with `mode graph` in front and its own `mode` lines made comments (same line count + 1). */
static char *graph_text(const char *text, size_t len, size_t *out_len)
{
    static const char head[] = "mode graph\n";
    char *s = malloc(sizeof head + len + 1);
    if (!s) return NULL;
    memcpy(s, head, sizeof head - 1);
    memcpy(s + sizeof head - 1, text, len);
    size_t n = sizeof head - 1 + len;
    s[n] = 0;
    for (char *line = s + sizeof head - 1; line && *line; ) {
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "mode", 4) == 0 && isspace((unsigned char)p[4])) *p = '#';
        line = strchr(line, '\n');
        if (line) line++;
    }
    *out_len = n;
    return s;
}

/* Simulates fx; returns 0 with tr filled, -1 when it cannot be tried. */
static int try_fix(const fix *fx, const cli_args *a, const gpu_config *cfg, const char *trace_text, size_t len,
                   verdict_try_result *tr)
{
    char err[1024];
    gpu_config c2;
    const gpu_config *use = cfg;
    char *text = NULL;
    const char *tt = trace_text;
    size_t tl = len;
    memset(tr, 0, sizeof *tr);
    tr->label = fx->label;
    if (fx->key) {
        const param *p = config_find_param(fx->key);
        if (!p) return -1;
        char cur[64], set[128];
        config_value_str(cfg, p, cur, sizeof cur);
        double x = atof(cur) * fx->factor;
        if (strcmp(fx->key, "power.limit_w") == 0) snprintf(set, sizeof set, "%s=%.0f", fx->key, x);
        else snprintf(set, sizeof set, "%s=%lld", fx->key, (long long)(x + 0.5));
        const char *sets[MAX_SETS + 1];
        int n = 0;
        size_t kl = strlen(fx->key);
        for (int k = 0; k < a->nsets; k++) /* the change replaces the user's --set of its key */
            if (!(strncmp(a->sets[k], fx->key, kl) == 0 && a->sets[k][kl] == '=')) sets[n++] = a->sets[k];
        sets[n++] = set;
        if (config_load(&c2, a->config, sets, n, err, sizeof err)) return -1;
        use = &c2;
        snprintf(tr->change, sizeof tr->change, "--set %s", set);
        snprintf(tr->was, sizeof tr->was, "%s", cur);
    } else if (fx->graph) {
        text = graph_text(trace_text, len, &tl);
        if (!text) return -1;
        tt = text;
        snprintf(tr->change, sizeof tr->change, "mode graph");
    } else {
        return -1;
    }
    trace *t = NULL;
    run_result res;
    int rc = trace_parse(&t, a->trace, tt, tl, err, sizeof err);
    run_sink drop = row_drop_sink(); /* its time is all a try needs */
    if (!rc) rc = runner_run_sink(use, t, NULL, &drop, &res, err, sizeof err);
    trace_destroy(t);
    free(text);
    if (rc) return -1;
    tr->new_us = (double)res.total_ps / 1e6;
    run_result_free(&res);
    return 0;
}

void verdict_try(verdict *v, const cli_args *a, const gpu_config *cfg, const char *trace_text, size_t len, uint64_t events)
{
    int done[BD_N] = { 0 };
    const fix *tried[VERDICT_MAX_TRIES] = { NULL };
    while (v->ntries < VERDICT_MAX_TRIES && events * (uint64_t)(v->ntries + 1) <= VERDICT_MAX_EVENTS) {
        int b = -1;
        for (int j = 0; j < BD_N; j++)
            if (!done[j] && (b < 0 || v->parts_us[j] > v->parts_us[b])) b = j;
        if (b < 0 || v->parts_us[b] < VERDICT_MIN_SHARE * v->time_us) return;
        done[b] = 1;
        const fix *fx = fix_of(b);
        if (!fx || (!fx->key && !fx->graph)) continue;
        int again = 0; /* compute and tail share a change */
        for (int k = 0; k < v->ntries; k++) again |= tried[k]->key && fx->key && strcmp(tried[k]->key, fx->key) == 0;
        if (again) continue;
        verdict_try_result *tr = &v->tries[v->ntries];
        if (try_fix(fx, a, cfg, trace_text, len, tr)) continue;
        tried[v->ntries++] = fx;
        if (tr->new_us > 0 && v->time_us / tr->new_us >= VERDICT_HELPS) return;
    }
}

void verdict_print(FILE *f, const verdict *v)
{
    if (v->label < 0) { fprintf(f, "verdict: no time simulated\n"); return; }
    const fix *fx = fix_of(v->label);
    fprintf(f, "verdict: %s-bound: %.1f of %.1f us %s", bd_labels[v->label].name, v->parts_us[v->label], v->time_us,
            fx ? fx->what : "");
    for (int k = 0; k < v->ntries; k++) {
        const verdict_try_result *tr = &v->tries[k];
        double s = tr->new_us > 0 ? v->time_us / tr->new_us : 0;
        char was[80] = "";
        if (tr->was[0]) snprintf(was, sizeof was, " (now %s)", tr->was);
        if (tr->label != v->label) fprintf(f, "; %s: %.1f us", bd_labels[tr->label].name, v->parts_us[tr->label]);
        if (s > 1.005) fprintf(f, "; `%s`%s gives %.1f us (%.2fx)", tr->change, was, tr->new_us, s);
        else fprintf(f, "; `%s`%s does not help (%.1f us)", tr->change, was, tr->new_us);
    }
    fputc('\n', f);
}

void verdict_json(FILE *f, const verdict *v)
{
    fprintf(f, "{\"bound\":\"%s\",\"part_us\":%.6f,\"time_us\":%.6f,\"parts\":{", v->label >= 0 ? bd_labels[v->label].name : "-",
            v->label >= 0 ? v->parts_us[v->label] : 0, v->time_us);
    for (int j = 0; j < BD_N; j++) fprintf(f, "%s\"%s\":%.6f", j ? "," : "", bd_labels[j].name, v->parts_us[j]);
    fprintf(f, "},\"tried\":[");
    for (int k = 0; k < v->ntries; k++) {
        const verdict_try_result *tr = &v->tries[k];
        fprintf(f, "%s{\"part\":\"%s\",\"change\":\"%s\",\"time_us\":%.6f,\"speedup\":%.6f}", k ? "," : "",
                bd_labels[tr->label].name, tr->change, tr->new_us, tr->new_us > 0 ? v->time_us / tr->new_us : 0);
    }
    fprintf(f, "]}");
}
