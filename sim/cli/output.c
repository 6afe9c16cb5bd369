/* output.c: the human summary, JSON and the timeline (see cli.h). */
#include <string.h>

#include "arch/l2_repl.h"
#include "arch/prefetch.h"
#include "cli/cli.h"
#include "cli/verdict.h"
#include "ops/optable.h"
#include "results/metrics.h"

/* The timeline track of host ops that take host time (cpu); streams are tracks 0..63. */
#define TIMELINE_HOST_TID 1000

static double op_us(const op_result *o) { return (double)(o->end_ps - o->start_ps) / 1e6; }

static void row(FILE *f, const char *name, const char *kind, const metrics *m, double energy_j, double clock_mhz,
                const char *bound)
{
    char tfp[16] = "-", bwp[16] = "-";
    if (m->pct_peak_tflops != METRICS_NA) snprintf(tfp, sizeof tfp, "%.0f%%", m->pct_peak_tflops);
    if (m->pct_peak_dram != METRICS_NA) snprintf(bwp, sizeof bwp, "%.0f%%", m->pct_peak_dram);
    fprintf(f, "%-16.16s %-8s %11.2f %9.1f %5s %9.1f %5s %6.1f%% %8.2f %10.4f %6.0f %5.0f  %s\n", name, kind, m->time_us,
            m->tflops, tfp, m->dram_gbps, bwp, 100 * m->l2_hit_rate, m->pcie_gbps, energy_j * 1e3, m->power_w, clock_mhz,
            bound);
}

/* "  fc1: latency-bound: latency 45% (5.01 us), launch 30%, compute 20%": the parts of at least 5%, largest first. */
static void print_op_breakdown(FILE *f, const op_result *o)
{
    double t = op_us(o);
    int done[BD_N] = { 0 };
    fprintf(f, "  %-16.16s %s-bound:", o->name, o->bound);
    for (int n = 0; n < BD_N; n++) {
        int b = -1;
        for (int j = 0; j < BD_N; j++)
            if (!done[j] && o->bd_us[j] > 0 && (b < 0 || o->bd_us[j] > o->bd_us[b])) b = j;
        if (b < 0 || (n > 0 && o->bd_us[b] < 0.05 * t)) break;
        done[b] = 1;
        if (n == 0) fprintf(f, " %s %.0f%% (%.2f us)", bd_labels[b].name, 100 * o->bd_us[b] / t, o->bd_us[b]);
        else fprintf(f, ", %s %.0f%%", bd_labels[b].name, 100 * o->bd_us[b] / t);
    }
    fputc('\n', f);
}

void print_summary(FILE *f, const gpu_config *cfg, const trace *t, const run_result *r, double wall_s)
{
    const prefetch_policy *pf = prefetch_policy_at((size_t)cfg->prefetch.policy);
    fprintf(f, "gpusim: %s (%lld SMs @ %lld MHz, %lld channels, prefetch %s, L2 %s) running %s\n", cfg->gpu.name,
            (long long)cfg->gpu.sm_count, (long long)cfg->gpu.clock_mhz, (long long)cfg->memory.channels,
            pf && pf->on_trigger ? pf->name : "off", l2_repl_policy_name((size_t)cfg->l2.replacement), t->path);
    fprintf(f, "%-16s %-8s %11s %9s %5s %9s %5s %7s %8s %10s %6s %5s  %s\n", "op", "kind", "time_us", "TFLOP/s", "%pk",
            "DRAM_GB/s", "%pk", "L2_hit", "PCIe_GB/s", "energy_mJ", "avg_W", "MHz", "bound");
    for (size_t i = 0; i < r->nops; i++) {
        const op_result *o = &r->ops[i];
        const op_type *ty = op_type_find(o->kind, NULL);
        if (ty && !ty->start && o->end_ps == o->start_ps) continue; /* host ops without host time (mode, sync) */
        metrics m;
        metrics_op(cfg, r, o, &m);
        row(f, o->name, o->kind, &m, o->energy_j, o->clock_mhz, o->bound);
    }
    metrics mr;
    metrics_run(r, &mr);
    double total_us = mr.time_us;
    row(f, "TOTAL", "", &mr, r->energy_j, r->clock_mhz, "");
    fprintf(f, "simulated %.3f us (%.0f SM cycles); peak %.0f TFLOP/s fp16, %.0f GB/s DRAM; %llu events in %.3f s wall\n",
            total_us, r->cycles, r->peak_tflops, r->peak_dram_gbps, (unsigned long long)r->events, wall_s);
    fprintf(f, "energy %.6f J, average %.1f W, peak %.1f W (power.limit_w %g W), mean SM clock %.0f MHz, "
               "die %.1f C at the end (peak %.1f C)\n", r->energy_j, r->avg_power_w, r->peak_power_w, cfg->power.limit_w,
            r->clock_mhz, r->temp_c, r->peak_temp_c);
    fprintf(f, "where the time went (README: breakdown labels):\n");
    for (size_t i = 0; i < r->nops; i++) {
        const op_result *o = &r->ops[i];
        if (o->end_ps == o->start_ps) continue;
        print_op_breakdown(f, o);
    }
}

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

void print_json(FILE *f, const gpu_config *cfg, const char *config_path, const trace *t, const run_result *r,
                double wall_s, long long run_id, const struct verdict *v)
{
    metrics mr;
    metrics_run(r, &mr);
    fprintf(f, "{\"gpu\":");
    jstr(f, cfg->gpu.name);
    fprintf(f, ",\"config\":");
    jstr(f, config_path);
    fprintf(f, ",\"trace\":");
    jstr(f, t->path);
    fprintf(f, ",\"time_us\":%.6f,\"cycles\":%.1f,\"tflops\":%.6f,\"dram_bytes\":%llu,\"l2_hit_rate\":%.6f,"
               "\"pcie_bytes\":%llu,\"energy_j\":%.9g,\"avg_power_w\":%.6f,\"peak_power_w\":%.6f,\"clock_mhz\":%.3f,"
               "\"temp_c\":%.3f,\"peak_temp_c\":%.3f,\"wall_s\":%.6f,\"events\":%llu,\"run_id\":%lld,\"ops\":[",
            mr.time_us, r->cycles, mr.tflops, (unsigned long long)r->dram_bytes, mr.l2_hit_rate, (unsigned long long)r->pcie_bytes,
            r->energy_j, r->avg_power_w, r->peak_power_w, r->clock_mhz, r->temp_c, r->peak_temp_c, wall_s,
            (unsigned long long)r->events, run_id);
    for (size_t i = 0; i < r->nops; i++) {
        const op_result *o = &r->ops[i];
        metrics m;
        metrics_op(cfg, r, o, &m);
        fprintf(f, "%s{\"name\":", i ? "," : "");
        jstr(f, o->name);
        fprintf(f, ",\"kind\":\"%s\",\"start_us\":%.6f,\"time_us\":%.6f,\"flops\":%.1f,\"dram_bytes\":%llu,"
                   "\"l2_hit_rate\":%.6f,\"pcie_bytes\":%llu,\"energy_j\":%.9g,\"avg_power_w\":%.6f,"
                   "\"clock_mhz\":%.3f,\"temp_c\":%.3f,\"bound\":\"%s\"",
                o->kind, (double)o->start_ps / 1e6, m.time_us, o->flops, (unsigned long long)o->dram_bytes, m.l2_hit_rate,
                (unsigned long long)o->pcie_bytes,
                o->energy_j, o->avg_power_w, o->clock_mhz, o->temp_c, o->bound[0] ? o->bound : "-");
        if (o->mapping[0]) { fprintf(f, ",\"mapping\":"); jstr(f, o->mapping); }
        if (o->ns_per_load > 0) fprintf(f, ",\"ns_per_load\":%.4f", o->ns_per_load);
        fprintf(f, ",\"breakdown\":{");
        for (int j = 0; j < BD_N; j++) fprintf(f, "%s\"%s\":%.6f", j ? "," : "", bd_labels[j].name, o->bd_us[j]);
        fputc('}', f);
        fputc('}', f);
    }
    fprintf(f, "]");
    if (v) { fprintf(f, ",\"verdict\":"); verdict_json(f, v); }
    fprintf(f, "}\n");
}

int write_timeline(FILE *f, const trace *t, const run_result *r)
{    fprintf(f, "{\"traceEvents\":[");
    int first = 1;
    for (size_t i = 0; i < r->nops; i++) {
        const op_result *o = &r->ops[i];
        if (o->end_ps <= o->start_ps) continue;
        fprintf(f, "%s{\"name\":", first ? "" : ",");
        jstr(f, o->name);
        const op_type *ty = op_type_find(o->kind, NULL);
        long long tid = ty && !ty->start ? TIMELINE_HOST_TID : (long long)t->ops[i].stream;
        fprintf(f, ",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":0,\"tid\":%lld,\"ts\":%.6f,\"dur\":%.6f}", o->kind,
                tid, (double)o->start_ps / 1e6, op_us(o));
        first = 0;
    }
    fprintf(f, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":%d,\"args\":{\"name\":\"host\"}}]}\n",
            first ? "" : ",", TIMELINE_HOST_TID);
    return fflush(f) || ferror(f) ? -1 : 0;
}
