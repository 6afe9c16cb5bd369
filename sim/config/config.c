#define _GNU_SOURCE /* memfd_create */
/*
 * config.c: INI -> validated gpu_config. The only user of iniparser.
 *
 * iniparser parses; a light line scan of our own finds the line of every key so
 * that errors read "FILE:LINE: section.key: ..." (iniparser keeps no lines).
 * Inheritance: `[config] base = other.ini` (relative to the including file) is
 * loaded first and this file's keys override it; loops are refused. Unknown
 * sections and keys are errors: a misspelled key never falls back to a default.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include <iniparser.h>

#define MAX_DEPTH 16
#define MAX_KV 512

typedef struct kv {
    char key[96];       /* section.key, lower case */
    char val[256];
    char file[512];
    int line;           /* 0: from --set */
} kv;

typedef struct loader {
    kv items[MAX_KV];
    int n;
    char stack[MAX_DEPTH][PATH_MAX]; /* realpaths being loaded, for loop detection */
    int depth;
    char *err;
    size_t errlen;
} loader;

static int fail(loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
    return -2;
}

const param *config_find_param(const char *key)
{
    for (size_t i = 0; i < gpusim_nparams; i++)
        if (strcmp(gpusim_params[i].key, key) == 0) return &gpusim_params[i];
    return NULL;
}

static int known_section(const char *sec, size_t len)
{
    if (len == 6 && strncmp(sec, "config", 6) == 0) return 1;
    for (size_t i = 0; i < gpusim_nparams; i++) {
        const char *k = gpusim_params[i].key;
        if (strncmp(k, sec, len) == 0 && k[len] == '.') return 1;
    }
    return 0;
}

static void lower(char *s) { for (; *s; s++) *s = (char)tolower((unsigned char)*s); }

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) *--e = 0;
    return s;
}

/* Scans the file: checks the line syntax and records the line of each section.key. */
#define CONFIG_MAX_BYTES (1 << 20) /* 1 MiB: the shipped configs are a few KiB */

typedef struct keyline { char key[96]; int line; } keyline;

static int scan_lines(loader *L, const char *path, keyline *kl, int *nkl, int maxkl)
{
    FILE *f = fopen(path, "rb");
    if (!f) return fail(L, "%s: cannot open: %s", path, strerror(errno));
    char buf[1024], sec[64] = "";
    int line = 0;
    *nkl = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        char *s = buf;
        if (line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) s += 3;
        s = trim(s);
        if (!*s || *s == ';' || *s == '#') continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e || e - s - 1 <= 0 || (size_t)(e - s - 1) >= sizeof sec) {
                fclose(f);
                return fail(L, "%s:%d: expected '[section]'", path, line);
            }
            memcpy(sec, s + 1, (size_t)(e - s - 1));
            sec[e - s - 1] = 0;
            lower(sec);
            char *t = trim(sec);
            memmove(sec, t, strlen(t) + 1);
            if (!known_section(sec, strlen(sec))) {
                fclose(f);
                return fail(L, "%s:%d: [%s]: unknown section (see gpusim --help-config)", path, line, sec);
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            fclose(f);
            return fail(L, "%s:%d: expected 'key = value', got '%.60s'", path, line, s);
        }
        if (!sec[0]) {
            fclose(f);
            return fail(L, "%s:%d: key outside of any [section]", path, line);
        }
        *eq = 0;
        char *k = trim(s);
        lower(k);
        if (*nkl < maxkl) {
            snprintf(kl[*nkl].key, sizeof kl[*nkl].key, "%s.%s", sec, k);
            kl[*nkl].line = line;
            (*nkl)++;
        }
    }
    fclose(f);
    return 0;
}

static int find_line(const keyline *kl, int n, const char *key)
{
    for (int i = 0; i < n; i++) if (strcmp(kl[i].key, key) == 0) return kl[i].line;
    return 0;
}

static int set_kv(loader *L, const char *key, const char *val, const char *file, int line)
{
    kv *slot = NULL;
    for (int i = 0; i < L->n; i++) if (strcmp(L->items[i].key, key) == 0) slot = &L->items[i];
    if (!slot) {
        if (L->n == MAX_KV) return fail(L, "%s: too many keys", file);
        slot = &L->items[L->n++];
        snprintf(slot->key, sizeof slot->key, "%s", key);
    }
    if (strlen(val) >= sizeof slot->val) return fail(L, "%s:%d: %s: value too long", file, line, key);
    snprintf(slot->val, sizeof slot->val, "%s", val);
    snprintf(slot->file, sizeof slot->file, "%s", file);
    slot->line = line;
    return 0;
}

/* iniparser reports its own parse problems through this callback; our scan has
 * already produced a better message, so they are dropped. */
static int quiet(const char *fmt, ...) { (void)fmt; return 0; }

/* iniparser takes a path and does not skip a UTF-8 byte-order mark: a file that
 * starts with one is handed over through an anonymous in-memory copy without it. */
static dictionary *load_ini(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char bom[3] = { 0 };
    size_t n = fread(bom, 1, 3, f);
    if (n < 3 || bom[0] != 0xEF || bom[1] != 0xBB || bom[2] != 0xBF) { fclose(f); return iniparser_load(path); }
    int fd = memfd_create("gpusim-ini", 0);
    dictionary *d = NULL;
    if (fd >= 0) {
        char buf[4096];
        size_t r;
        int okw = 1;
        while ((r = fread(buf, 1, sizeof buf, f)) > 0) okw &= write(fd, buf, r) == (ssize_t)r;
        char fdpath[64];
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
        if (okw) d = iniparser_load(fdpath);
        close(fd);
    }
    fclose(f);
    return d;
}

static int load_file(loader *L, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) return fail(L, "%s: cannot open: %s", path, strerror(errno));
    /* The file is read more than once (line scan, iniparser): a device or a pipe would hang or read
     * forever (/dev/zero), so only a regular file of a sane size is taken. */
    struct stat st;
    if (stat(real, &st) != 0) return fail(L, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return fail(L, "%s: not a regular file (a config must be a file: not a device, pipe or directory)", path);
    if (st.st_size > CONFIG_MAX_BYTES)
        return fail(L, "%s: %lld bytes: more than a config can be (%d bytes at most)", path, (long long)st.st_size, CONFIG_MAX_BYTES);
    for (int i = 0; i < L->depth; i++)
        if (strcmp(L->stack[i], real) == 0) return fail(L, "%s: config.base: inheritance loop through this file", path);
    if (L->depth == MAX_DEPTH) return fail(L, "%s: config.base: inheritance deeper than %d files", path, MAX_DEPTH);

    static const int maxkl = MAX_KV;
    keyline *kl = malloc(sizeof *kl * maxkl);
    if (!kl) return fail(L, "%s: out of memory", path);
    int nkl = 0, rc = scan_lines(L, path, kl, &nkl, maxkl);
    if (rc) { free(kl); return rc; }

    iniparser_set_error_callback(quiet);
    dictionary *d = load_ini(path);
    if (!d) { free(kl); return fail(L, "%s: cannot parse as INI", path); }

    snprintf(L->stack[L->depth++], PATH_MAX, "%s", real);
    const char *base = iniparser_getstring(d, "config:base", NULL);
    if (base) {
        char bpath[PATH_MAX];
        if (base[0] == '/') snprintf(bpath, sizeof bpath, "%s", base);
        else {
            const char *slash = strrchr(path, '/');
            int dl = slash ? (int)(slash - path + 1) : 0;
            snprintf(bpath, sizeof bpath, "%.*s%s", dl, path, base);
        }
        FILE *bf = fopen(bpath, "r");
        if (!bf) {
            rc = fail(L, "%s:%d: config.base: cannot open base config '%s': %s", path,
                      find_line(kl, nkl, "config.base"), bpath, strerror(errno));
            goto out;
        }
        fclose(bf);
        struct stat bst;
        if (!base[0] || stat(bpath, &bst) != 0 || !S_ISREG(bst.st_mode)) {
            rc = fail(L, "%s:%d: config.base: '%s' is not a regular file (expected a config file)", path,
                      find_line(kl, nkl, "config.base"), bpath);
            goto out;
        }
        rc = load_file(L, bpath);
        if (rc) goto out;
    }
    for (int i = 0; i < d->n; i++) {
        if (!d->key[i] || !d->val[i]) continue;
        char key[96];
        snprintf(key, sizeof key, "%s", d->key[i]);
        char *colon = strchr(key, ':');
        if (!colon) continue;
        *colon = '.';
        if (strcmp(key, "config.base") == 0) continue;
        int line = find_line(kl, nkl, key);
        if (!config_find_param(key)) {
            rc = fail(L, "%s:%d: %s: unknown key (see gpusim --help-config)", path, line, key);
            goto out;
        }
        rc = set_kv(L, key, d->val[i], path, line);
        if (rc) goto out;
    }
out:
    L->depth--;
    iniparser_freedict(d);
    free(kl);
    return rc;
}

static int parse_value(loader *L, const param *p, const char *val, const char *file, int line, gpu_config *cfg)
{
    char where[600];
    if (line > 0) snprintf(where, sizeof where, "%s:%d: %s", file, line, p->key);
    else snprintf(where, sizeof where, "%s: %s", file, p->key);
    char *base = (char *)cfg + p->offset;
    char *end;
    switch (p->type) {
    case PT_STR:
        if (strlen(val) >= p->size || !val[0])
            return fail(L, "%s: expected a string of 1 to %zu characters", where, p->size - 1);
        snprintf(base, p->size, "%s", val);
        return 0;
    case PT_ENUM: {
        char name[64], list[512] = "";
        for (size_t i = 0; config_choice(p, i, name, sizeof name) == 0; i++) {
            if (!strcmp(name, val)) { *(int64_t *)base = (int64_t)i; return 0; }
            size_t ll = strlen(list);
            snprintf(list + ll, sizeof list - ll, "%s%s", i ? "|" : "", name);
        }
        return fail(L, "%s: expected one of %s, got '%s'", where, list, val);
    }
    case PT_INT: {
        errno = 0;
        long long v = strtoll(val, &end, 10);
        while (*end == ' ' || *end == '\t') end++;
        if (errno || end == val || *end || v < p->min || v > p->max)
            return fail(L, "%s: expected an integer in [%.0f, %.0f] (%s), got '%s'", where, p->min, p->max, p->unit, val);
        *(int64_t *)base = v;
        return 0;
    }
    case PT_DBL: {
        errno = 0;
        double v = strtod(val, &end);
        while (*end == ' ' || *end == '\t') end++;
        if (errno || end == val || *end || !isfinite(v) || v < p->min || v > p->max)
            return fail(L, "%s: expected a number in [%g, %g] (%s), got '%s'", where, p->min, p->max, p->unit, val);
        *(double *)base = v;
        return 0;
    }
    }
    return fail(L, "%s: internal: bad parameter type", where);
}

static int cross_check(loader *L, const gpu_config *c, const char *path)
{
    double lines = c->l2.size_mib * 1048576.0 / (double)c->l2.line_bytes;
    double sets = lines / (double)(c->l2.ways * c->l2.slices);
    if (sets < 1 || sets != floor(sets))
        return fail(L, "%s: l2.size_mib: %g MiB is not a whole number of sets of %lld ways x %lld slices x %lld-byte lines",
                    path, c->l2.size_mib, (long long)c->l2.ways, (long long)c->l2.slices, (long long)c->l2.line_bytes);
    if ((int64_t)sets % c->sim.l2_set_sampling)
        return fail(L, "%s: sim.l2_set_sampling: %lld does not divide the %.0f sets per slice", path,
                    (long long)c->sim.l2_set_sampling, sets);
    if (c->l2.slices % c->l2.partitions)
        return fail(L, "%s: l2.partitions: %lld slices do not divide into %lld partitions", path,
                    (long long)c->l2.slices, (long long)c->l2.partitions);
    if (c->l2.line_bytes % c->l2.sector_bytes)
        return fail(L, "%s: l2.sector_bytes: must divide l2.line_bytes", path);
    if (c->sm.smem_per_cta_kib > c->sm.smem_kib)
        return fail(L, "%s: sm.smem_per_cta_kib: must not exceed sm.smem_kib", path);
    if (c->sm.smem_kib > c->sm.l1_smem_kib)
        return fail(L, "%s: sm.smem_kib: must not exceed sm.l1_smem_kib", path);
    if (c->memory.interleave_bytes % c->l2.line_bytes && c->l2.line_bytes % c->memory.interleave_bytes)
        return fail(L, "%s: memory.interleave_bytes: must be a multiple or divisor of l2.line_bytes", path);
    return 0;
}

int config_load(gpu_config *cfg, const char *path, const char *const *sets, int nsets, char *err, size_t errlen)
{
    loader *L = calloc(1, sizeof *L);
    if (!L) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    L->err = err;
    L->errlen = errlen;
    int rc = load_file(L, path);
    for (int i = 0; !rc && i < nsets; i++) {
        char key[96];
        const char *eq = strchr(sets[i], '=');
        size_t kl = eq ? (size_t)(eq - sets[i]) : 0;
        if (!eq || kl == 0 || kl >= sizeof key) {
            rc = fail(L, "--set %s: expected SECTION.KEY=VALUE", sets[i]);
            break;
        }
        memcpy(key, sets[i], kl);
        key[kl] = 0;
        lower(key);
        if (!config_find_param(key)) { rc = fail(L, "--set: %s: unknown key (see gpusim --help-config)", key); break; }
        rc = set_kv(L, key, eq + 1, "--set", 0);
    }
    gpu_config tmp;
    memset(&tmp, 0, sizeof tmp);
    for (size_t i = 0; !rc && i < gpusim_nparams; i++) {
        const param *p = &gpusim_params[i];
        const kv *item = NULL;
        for (int j = 0; j < L->n; j++) if (strcmp(L->items[j].key, p->key) == 0) item = &L->items[j];
        if (item) rc = parse_value(L, p, item->val, item->file, item->line, &tmp);
        else if (p->def) rc = parse_value(L, p, p->def, "default", 0, &tmp);
        else rc = fail(L, "%s: %s: required key is missing (%s)", path, p->key, p->doc);
    }
    if (!rc) rc = cross_check(L, &tmp, path);
    if (!rc) *cfg = tmp;
    free(L);
    return rc;
}

int config_choice(const param *p, size_t i, char *buf, size_t len)
{
    if (p->choice) {
        const char *name = p->choice(i);
        if (!name) return -1;
        snprintf(buf, len, "%s", name);
        return 0;
    }
    const char *c = p->choices;
    for (size_t k = 0; k < i && c; k++) { c = strchr(c, '|'); if (c) c++; }
    if (!c || !*c) return -1;
    const char *bar = strchr(c, '|');
    snprintf(buf, len, "%.*s", bar ? (int)(bar - c) : (int)strlen(c), c);
    return 0;
}

void config_value_str(const gpu_config *cfg, const param *p, char *buf, size_t len)
{
    const char *base = (const char *)cfg + p->offset;
    switch (p->type) {
    case PT_STR: snprintf(buf, len, "%s", base); break;
    case PT_INT: snprintf(buf, len, "%lld", (long long)*(const int64_t *)base); break;
    case PT_DBL: snprintf(buf, len, "%.17g", *(const double *)base); break;
    case PT_ENUM:
        if (config_choice(p, (size_t)*(const int64_t *)base, buf, len)) snprintf(buf, len, "?");
        break;
    }
}

void config_foreach(const gpu_config *cfg, void (*cb)(void *, const char *, const char *), void *ctx)
{
    char buf[256];
    for (size_t i = 0; i < gpusim_nparams; i++) {
        config_value_str(cfg, &gpusim_params[i], buf, sizeof buf);
        cb(ctx, gpusim_params[i].key, buf);
    }
}

void config_write_reference(FILE *f)
{
    fprintf(f, "# gpusim configuration keys\n\n");
    fprintf(f, "Generated by `gpusim --help-config` from the parameter table in `sim/config/params.c`.\n");
    fprintf(f, "A config may inherit another with `[config] base = other.ini` (relative to the including file).\n");
    fprintf(f, "Any key can be overridden for one run with `--set section.key=value`.\n\n");
    fprintf(f, "| key | type | unit | range | default | meaning |\n|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < gpusim_nparams; i++) {
        const param *p = &gpusim_params[i];
        char range[96] = "";
        const char *type = "string";
        if (p->type == PT_INT) { type = "integer"; snprintf(range, sizeof range, "%.0f..%.0f", p->min, p->max); }
        if (p->type == PT_DBL) { type = "number"; snprintf(range, sizeof range, "%g..%g", p->min, p->max); }
        if (p->type == PT_ENUM) {
            type = "choice";
            char name[64];
            for (size_t k = 0; config_choice(p, k, name, sizeof name) == 0; k++) {
                size_t rl = strlen(range);
                snprintf(range + rl, sizeof range - rl, "%s%s", k ? "|" : "", name);
            }
        }
        fprintf(f, "| `%s` | %s | %s | %s | %s | %s |\n", p->key, type, p->unit, range,
                p->def ? p->def : "**required**", p->doc);
    }
}

double config_peak_tflops(const gpu_config *c, const char *dtype)
{
    double per_clk = c->cuda.fp32_flops_per_clk;
    if (!strcmp(dtype, "fp16")) per_clk = c->tensor.fp16_flops_per_clk;
    else if (!strcmp(dtype, "bf16")) per_clk = c->tensor.bf16_flops_per_clk;
    else if (!strcmp(dtype, "tf32")) per_clk = c->tensor.tf32_flops_per_clk;
    else if (!strcmp(dtype, "fp8")) per_clk = c->tensor.fp8_flops_per_clk;
    return per_clk * (double)c->gpu.sm_count * (double)c->gpu.clock_mhz * 1e6 / 1e12;
}

double config_peak_dram_gbps(const gpu_config *c)
{
    return c->memory.channel_gbps * (double)c->memory.channels;
}

double config_pcie_gbps(const gpu_config *c)
{
    /* GT/s per lane and line-code efficiency per generation. */
    static const double gts[] = { 0, 2.5, 5, 8, 16, 32, 64 };
    double code = c->pcie.gen <= 2 ? 0.8 : (c->pcie.gen == 6 ? 242.0 / 256.0 : 128.0 / 130.0);
    return gts[c->pcie.gen] * code / 8.0 * (double)c->pcie.lanes * c->pcie.payload_efficiency;
}
