/* output.c: the human summary, JSON and the timeline (see cli.h). */
#include <stdlib.h>
#include <string.h>

#include "arch/l2_repl.h"
#include "arch/prefetch.h"
#include "cli/cli.h"
#include "cli/verdict.h"
#include "kernels/rows.h"
#include "ops/op_copy.h"
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

/* "busy: GPU ..., copy engines ..., host ...; overlap gained ...; compute efficiency ...": kernels/overlap.h. */
static void print_overlap(FILE *f, const run_overlap *o)
{
    double T = o->total_us > 0 ? o->total_us : 1;
    fprintf(f, "busy: GPU %.2f us (%.0f%%), copy engines %.2f us (%.0f%%), host %.2f us (%.0f%%); overlap gained %.2f us "
               "(streams %.2f, async copies %.2f); compute efficiency %.2f%% of peak; transfer time %.2f us at the link "
               "rate; prefetch ", o->gpu_busy_us, 100 * o->gpu_busy_us / T, o->copy_busy_us, 100 * o->copy_busy_us / T,
            o->host_busy_us, 100 * o->host_busy_us / T, o->gained_streams_us + o->gained_copies_us, o->gained_streams_us,
            o->gained_copies_us, 100 * o->compute_eff, o->transfer_us);
    if (o->prefetch_eff >= 0) fprintf(f, "%.0f%% useful\n", 100 * o->prefetch_eff);
    else fprintf(f, "none issued\n");
}

/* The rows as the summary and the JSON print them (rows.h: kept, or read back in trace order). */
typedef struct row_printer {
    FILE *f;
    const gpu_config *cfg;
    const run_result *r;
} row_printer;

/* A row of the summary's table: host ops without host time (mode, sync) have none. */
static int table_row(void *ctx, size_t i, const op_result *o)
{
    (void)i;
    const row_printer *p = ctx;
    const op_type *ty = op_type_find(o->kind, NULL);
    if (ty && !ty->start && o->end_ps == o->start_ps) return 0;
    metrics m;
    metrics_op(p->cfg, p->r, o, &m);
    row(p->f, o->name, o->kind, &m, o->energy_j, o->clock_mhz, o->bound);
    return 0;
}

static int breakdown_row(void *ctx, size_t i, const op_result *o)
{
    (void)i;
    const row_printer *p = ctx;
    if (o->end_ps != o->start_ps) print_op_breakdown(p->f, o);
    return 0;
}

int print_summary(FILE *f, const gpu_config *cfg, const trace *t, const run_result *r, double wall_s)
{
    row_printer rp = { f, cfg, r };
    const prefetch_policy *pf = prefetch_policy_at((size_t)cfg->prefetch.policy);
    fprintf(f, "gpusim: %s (%lld SMs @ %lld MHz, %lld channels, prefetch %s, L2 %s) running %s\n", cfg->gpu.name,
            (long long)cfg->gpu.sm_count, (long long)cfg->gpu.clock_mhz, (long long)cfg->memory.channels,
            pf && pf->on_trigger ? pf->name : "off", l2_repl_policy_name((size_t)cfg->l2.replacement), t->path);
    fprintf(f, "%-16s %-8s %11s %9s %5s %9s %5s %7s %8s %10s %6s %5s  %s\n", "op", "kind", "time_us", "TFLOP/s", "%pk",
            "DRAM_GB/s", "%pk", "L2_hit", "PCIe_GB/s", "energy_mJ", "avg_W", "MHz", "bound");
    if (run_rows_each(r, table_row, &rp)) return -1;
    metrics mr;
    metrics_run(r, &mr);
    double total_us = mr.time_us;
    row(f, "TOTAL", "", &mr, r->energy_j, r->clock_mhz, "");
    fprintf(f, "simulated %.3f us (%.0f SM cycles); peak %.0f TFLOP/s fp16, %.0f GB/s DRAM; %llu events in %.3f s wall\n",
            total_us, r->cycles, r->peak_tflops, r->peak_dram_gbps, (unsigned long long)r->events, wall_s);
    fprintf(f, "energy %.6f J, average %.1f W, peak %.1f W (power.limit_w %g W), mean SM clock %.0f MHz, "
               "die %.1f C at the end (peak %.1f C)\n", r->energy_j, r->avg_power_w, r->peak_power_w, cfg->power.limit_w,
            r->clock_mhz, r->temp_c, r->peak_temp_c);
    print_overlap(f, &r->ov);
    fprintf(f, "where the time went (README: breakdown labels):\n");
    return run_rows_each(r, breakdown_row, &rp);
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

static int json_row(void *ctx, size_t i, const op_result *o)
{
    const row_printer *p = ctx;
    FILE *f = p->f;
    const run_result *r = p->r;
    metrics m;
    metrics_op(p->cfg, r, o, &m);
    fprintf(f, "%s{\"name\":", i ? "," : "");
    jstr(f, o->name);
    fprintf(f, ",\"kind\":\"%s\",\"start_us\":%.6f,\"time_us\":%.6f,\"flops\":%.1f,\"dram_bytes\":%llu,"
               "\"l2_hit_rate\":%.6f,\"pcie_bytes\":%llu,\"energy_j\":%.9g,\"avg_power_w\":%.6f,"
               "\"clock_mhz\":%.3f,\"temp_c\":%.3f,\"bound\":\"%s\"",
            o->kind, (double)o->start_ps / 1e6, m.time_us, o->flops, (unsigned long long)o->dram_bytes, m.l2_hit_rate,
            (unsigned long long)o->pcie_bytes,
            o->energy_j, o->avg_power_w, o->clock_mhz, o->temp_c, o->bound[0] ? o->bound : "-");
    if (run_op_mapping(r, o)[0]) { fprintf(f, ",\"mapping\":"); jstr(f, run_op_mapping(r, o)); }
    if (o->ns_per_load > 0) fprintf(f, ",\"ns_per_load\":%.4f", o->ns_per_load);
    fprintf(f, ",\"breakdown\":{");
    for (int j = 0; j < BD_N; j++) fprintf(f, "%s\"%s\":%.6f", j ? "," : "", bd_labels[j].name, o->bd_us[j]);
    fputc('}', f);
    fputc('}', f);
    return 0;
}

int print_json(FILE *f, const gpu_config *cfg, const char *config_path, const trace *t, const run_result *r,
               double wall_s, long long run_id, const struct verdict *v)
{
    row_printer rp = { f, cfg, r };
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
    if (run_rows_each(r, json_row, &rp)) return -1;
    fprintf(f, "],\"overlap\":{");
    for (size_t i = 0; i < overlap_metric_count; i++) {
        double x;
        fprintf(f, "%s\"%s\":", i ? "," : "", overlap_metrics[i].name);
        if (overlap_value(&r->ov, i, &x)) fprintf(f, "%.9g", x);
        else fprintf(f, "null");
    }
    fputc('}', f);
    if (v) { fprintf(f, ",\"verdict\":"); verdict_json(f, v); }
    fprintf(f, "}\n");
    return 0;
}

/* ---- the timeline (Chrome trace-event JSON, as Perfetto and chrome://tracing read it) ----
 * Tracks (pid 0, one tid each, named by thread_name metadata): the host thread (cpu ops),
 * each stream the trace uses (its ops, copies included), and each copy engine (the copies it
 * ran: the lowest-numbered engine free at a copy's start, as the link's pool hands them out;
 * copies beyond the engines share the link on a track of their own). Each op carries its
 * figures and breakdown in args. Counter tracks: DRAM bandwidth (the running ops' DRAM bytes
 * over their time, summed) and the SM clock (the mean of the running ops' mean clocks, the
 * config's clock when none runs), stepping at op boundaries: no finer than an op. */
#define TL_STREAM_SORT 10    /* sort index of stream 0; the host thread is 0 */
#define TL_CE_TID 2000       /* copy engine i: tid TL_CE_TID + i */

static void tl_thread(FILE *f, long long tid, const char *name, long long sort)
{
    fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":%lld,\"args\":{\"name\":", tid);
    jstr(f, name);
    fprintf(f, "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":0,\"tid\":%lld,\"args\":{\"sort_index\":%lld}}",
            tid, sort);
}

/* One op as a complete ("X") event on track tid, with its figures in args. */
static void tl_op(FILE *f, const run_result *r, const op_result *o, long long tid, const char *engine)
{
    fprintf(f, ",\n{\"name\":");
    jstr(f, o->name);
    fprintf(f, ",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":0,\"tid\":%lld,\"ts\":%.6f,\"dur\":%.6f,\"args\":{\"kind\":\"%s\"",
            o->kind, tid, (double)o->start_ps / 1e6, op_us(o), o->kind);
    const char *map = run_op_mapping(r, o);
    if (map[0]) { fprintf(f, ",\"mapping\":"); jstr(f, map); }
    if (engine) fprintf(f, ",\"copy_engine\":\"%s\"", engine);
    fprintf(f, ",\"bound\":\"%s\",\"flops\":%.1f,\"dram_bytes\":%llu,\"pcie_bytes\":%llu,\"l2_hit_rate\":%.4f,"
               "\"energy_j\":%.9g,\"clock_mhz\":%.1f,\"breakdown_us\":{",
            o->bound[0] ? o->bound : "-", o->flops, (unsigned long long)o->dram_bytes, (unsigned long long)o->pcie_bytes,
            o->l2_accesses ? (double)o->l2_hits / (double)o->l2_accesses : 0, o->energy_j, o->clock_mhz);
    int n = 0;
    for (int j = 0; j < BD_N; j++)
        if (o->bd_us[j] > 0) fprintf(f, "%s\"%s\":%.6f", n++ ? "," : "", bd_labels[j].name, o->bd_us[j]);
    fprintf(f, "}}}");
}

/* A boundary of a device op, for the counters: at ps, the op starts (+1) or ends (-1). */
typedef struct tl_edge {
    uint64_t ps;
    int sign;
    size_t op;
} tl_edge;

static int tl_edge_cmp(const void *a, const void *b)
{
    const tl_edge *x = a, *y = b;
    if (x->ps != y->ps) return x->ps < y->ps ? -1 : 1;
    if (x->sign != y->sign) return x->sign < y->sign ? -1 : 1; /* ends before starts */
    return x->op < y->op ? -1 : x->op > y->op;
}

static int tl_is_device(const op_result *o)
{
    const op_type *ty = op_type_find(o->kind, NULL);
    return ty && ty->start && o->end_ps > o->start_ps;
}

/* The counter events; returns -1 when out of memory. */
static int tl_counters(FILE *f, const gpu_config *cfg, const run_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nops; i++) n += tl_is_device(&r->ops[i]) ? 2 : 0;
    tl_edge *e = malloc((n ? n : 1) * sizeof *e);
    if (!e) return -1;
    n = 0;
    for (size_t i = 0; i < r->nops; i++)
        if (tl_is_device(&r->ops[i])) {
            e[n++] = (tl_edge){ r->ops[i].start_ps, 1, i };
            e[n++] = (tl_edge){ r->ops[i].end_ps, -1, i };
        }
    qsort(e, n, sizeof *e, tl_edge_cmp);
    double gbps = 0, mhz_sum = 0;
    long running = 0;
    for (size_t k = 0; k < n; k++) {
        const op_result *o = &r->ops[e[k].op];
        gbps += e[k].sign * (double)o->dram_bytes / op_us(o) / 1e3;
        mhz_sum += e[k].sign * o->clock_mhz;
        running += e[k].sign;
        if (k + 1 < n && e[k + 1].ps == e[k].ps) continue; /* one sample per instant */
        if (running == 0) gbps = mhz_sum = 0;              /* no rounding residue when idle */
        double ts = (double)e[k].ps / 1e6;
        fprintf(f, ",\n{\"name\":\"DRAM bandwidth\",\"ph\":\"C\",\"pid\":0,\"ts\":%.6f,\"args\":{\"GB/s\":%.3f}}", ts,
                gbps > 0 ? gbps : 0);
        fprintf(f, ",\n{\"name\":\"SM clock\",\"ph\":\"C\",\"pid\":0,\"ts\":%.6f,\"args\":{\"MHz\":%.1f}}", ts,
                running > 0 ? mhz_sum / (double)running : (double)cfg->gpu.clock_mhz);
    }
    free(e);
    return 0;
}

/* The copy engine each host<->device copy ran on (the pool's lowest free one at its start), or
 * engines (none free: it shared the link); -1 for other ops. Returns NULL when out of memory. */
static int *tl_engines(const trace *t, const run_result *r, int engines)
{
    int *ce = malloc((r->nops ? r->nops : 1) * sizeof *ce);
    tl_edge *e = malloc((r->nops ? r->nops : 1) * sizeof *e);
    if (!ce || !e) { free(ce); free(e); return NULL; }
    size_t n = 0;
    for (size_t i = 0; i < r->nops; i++) {
        ce[i] = -1;
        const trace_op *op = &t->ops[i];
        if (op_type_of(op) == &op_copy && ((const copy_params *)op->params)->dir != DIR_D2D &&
            r->ops[i].end_ps > r->ops[i].start_ps)
            e[n++] = (tl_edge){ r->ops[i].start_ps, 1, i };
    }
    qsort(e, n, sizeof *e, tl_edge_cmp);
    uint64_t busy_until[16] = { 0 };
    for (size_t k = 0; k < n; k++) {
        size_t i = e[k].op;
        int got = engines;
        for (int j = 0; j < engines && j < 16; j++)
            if (busy_until[j] <= r->ops[i].start_ps) { got = j; break; }
        if (got < engines) busy_until[got] = r->ops[i].end_ps;
        ce[i] = got;
    }
    free(e);
    return ce;
}

int write_timeline(FILE *f, const gpu_config *cfg, const trace *t, const run_result *r)
{
    int engines = (int)cfg->pcie.copy_engines;
    int *ce = tl_engines(t, r, engines);
    if (!ce) return -1;
    fprintf(f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":");
    jstr(f, cfg->gpu.name);
    fprintf(f, "}}");
    tl_thread(f, TIMELINE_HOST_TID, "host thread", 0);
    uint64_t used = 0; /* streams with an op (stream ids are 0..63) */
    int ce_used[17] = { 0 };
    for (size_t i = 0; i < r->nops; i++) {
        const op_type *ty = op_type_find(r->ops[i].kind, NULL);
        if (ty && ty->start) used |= 1ull << (t->ops[i].stream & 63);
        if (ce[i] >= 0) ce_used[ce[i] < 16 ? ce[i] : 16] = 1;
    }
    for (int s = 0; s < 64; s++)
        if (used >> s & 1) {
            char name[32];
            snprintf(name, sizeof name, "stream %d", s);
            tl_thread(f, s, name, TL_STREAM_SORT + s);
        }
    for (int j = 0; j <= engines && j <= 16; j++)
        if (ce_used[j]) {
            char name[48];
            if (j < engines) snprintf(name, sizeof name, "copy engine %d", j);
            else snprintf(name, sizeof name, "copies beyond the %d engines", engines);
            tl_thread(f, TL_CE_TID + j, name, TL_STREAM_SORT + 64 + j);
        }
    for (size_t i = 0; i < r->nops; i++) {
        const op_result *o = &r->ops[i];
        if (o->end_ps <= o->start_ps) continue;
        const op_type *ty = op_type_find(o->kind, NULL);
        if (ty && !ty->start) { tl_op(f, r, o, TIMELINE_HOST_TID, NULL); continue; }
        char engine[48] = "";
        if (ce[i] >= 0 && ce[i] < engines) snprintf(engine, sizeof engine, "%d", ce[i]);
        else if (ce[i] >= 0) snprintf(engine, sizeof engine, "none free (shares the link)");
        tl_op(f, r, o, (long long)t->ops[i].stream, ce[i] >= 0 ? engine : NULL);
        if (ce[i] >= 0) tl_op(f, r, o, TL_CE_TID + (ce[i] < 16 ? ce[i] : 16), engine);
    }
    free(ce);
    if (tl_counters(f, cfg, r)) return -1;
    fprintf(f, "\n]}\n");
    return fflush(f) || ferror(f) ? -1 : 0;
}
