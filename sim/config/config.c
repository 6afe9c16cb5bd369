/*
 * config.c: INI -> validated gpu_config. The only user of iniparser.
 *
 * iniparser parses; a light line scan of our own finds the line of every key so
 * that errors read "FILE:LINE: section.key: ..." (iniparser keeps no lines).
 * Inheritance: `[config] base = other.ini` (relative to the directory of the
 * including file, the real one when it is a symlink) is loaded first and this
 * file's keys override it; loops are refused. Unknown sections and keys are
 * errors, and so is a key or a section given twice in one file: a misspelled or
 * repeated key never falls back to a default or silently wins. Every file is read
 * once into memory (a pipe works) and handed to iniparser from there, through a
 * private temporary file (POSIX mkstemp; iniparser 4.1 reads only paths).
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

#include <fcntl.h>
#include <unistd.h>

#include <iniparser.h>

#include "engine/errors.h"

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
    struct { dev_t dev; ino_t ino; } stack[MAX_DEPTH]; /* files being loaded, for loop detection */
    int depth;
    char *err;
    size_t errlen;
    const kv *ov;       /* while building: the overrides of this build (--vary), before items */
    int nov;
} loader;

static int fail(loader *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
    return GPUSIM_EINPUT;
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

/* Every config file is read once, into memory, whole: a regular file or a pipe
 * (`<(cat h100.ini)`) of at most CONFIG_MAX_BYTES. A device (/dev/zero), a
 * directory or a socket is refused at once. */
#define CONFIG_MAX_BYTES (1 << 20) /* 1 MiB: the shipped configs are a few KiB */
#define CONFIG_MAX_LINE 1000       /* bytes in a line that is not a comment (iniparser reads 1024) */

static int read_whole(loader *L, const char *path, struct stat *st, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return fail(L, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fd, st) != 0 || (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode))) {
        close(fd);
        return fail(L, "%s: not a regular file (a config must be a file or a pipe: not a device, socket or directory)", path);
    }
    /* back to blocking reads: a pipe's writer may not have written yet */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (S_ISREG(st->st_mode) && st->st_size > CONFIG_MAX_BYTES) {
        close(fd);
        return fail(L, "%s: %lld bytes: more than a config can be (%d bytes at most)", path, (long long)st->st_size, CONFIG_MAX_BYTES);
    }
    char *buf = malloc(CONFIG_MAX_BYTES + 2);
    if (!buf) { close(fd); return fail(L, "%s: out of memory", path); }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, CONFIG_MAX_BYTES + 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { int e = errno; free(buf); close(fd); return fail(L, "%s: cannot read: %s", path, strerror(e)); }
        if (r == 0) break;
        n += (size_t)r;
        if (n > CONFIG_MAX_BYTES) {
            free(buf);
            close(fd);
            return fail(L, "%s: more than a config can be (%d bytes at most)", path, CONFIG_MAX_BYTES);
        }
    }
    close(fd);
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

typedef struct keyline { char key[96]; int line; } keyline;

/* Scans the text: checks each line's syntax, that every section and key is known
 * and given once (a repeated key or [section] is an error at the repeat's line:
 * iniparser would let the last one win silently), that no value holds '#' or ';'
 * where iniparser would cut it short, and records the line of every key. The text
 * handed to iniparser (ini) is the same with comment lines blanked, so a long
 * comment parses and the line numbers stay. Keys are known params, so kl holds at
 * most gpusim_nparams + 1 entries. */
static int scan_lines(loader *L, const char *path, const char *text, size_t len, char *ini, keyline *kl, int *nkl,
                      int maxkl)
{
    char sec[64] = "", seen[64][64];
    int nseen = 0, line = 0;
    *nkl = 0;
    size_t pos = 0, out = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) pos = 3;
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n') e++;
        line++;
        size_t ll = e - pos;
        if (memchr(text + pos, 0, ll)) return fail(L, "%s:%d: NUL byte in line (a config is text)", path, line);
        const char *raw = text + pos;
        size_t skip = 0;
        while (skip < ll && (raw[skip] == ' ' || raw[skip] == '\t' || raw[skip] == '\r')) skip++;
        int comment = skip == ll || raw[skip] == ';' || raw[skip] == '#';
        if (!comment && ll > CONFIG_MAX_LINE)
            return fail(L, "%s:%d: line of %zu bytes: at most %d bytes are read in a line that is not a comment", path, line,
                        ll, CONFIG_MAX_LINE);
        if (!comment) memcpy(ini + out, raw, ll), out += ll;
        if (e < len) ini[out++] = '\n';
        pos = e + 1;
        if (comment) continue;
        char buf[CONFIG_MAX_LINE + 1];
        memcpy(buf, raw, ll);
        buf[ll] = 0;
        char *s = trim(buf);
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (!end || end - s - 1 <= 0 || (size_t)(end - s - 1) >= sizeof sec)
                return fail(L, "%s:%d: expected '[section]'", path, line);
            char *after = trim(end + 1);
            if (*after && *after != ';' && *after != '#')
                return fail(L, "%s:%d: expected '[section]' alone on its line, got '%.60s' after it", path, line, after);
            memcpy(sec, s + 1, (size_t)(end - s - 1));
            sec[end - s - 1] = 0;
            lower(sec);
            char *t = trim(sec);
            memmove(sec, t, strlen(t) + 1);
            if (!known_section(sec, strlen(sec)))
                return fail(L, "%s:%d: [%s]: unknown section (see gpusim --help-config)", path, line, sec);
            for (int i = 0; i < nseen; i++)
                if (!strcmp(seen[i], sec))
                    return fail(L, "%s:%d: [%s]: section given twice in this file (merge its keys into one [%s])", path, line,
                                sec, sec);
            if (nseen < 64) snprintf(seen[nseen++], sizeof seen[0], "%s", sec);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) return fail(L, "%s:%d: expected 'key = value', got '%.60s'", path, line, s);
        if (!sec[0]) return fail(L, "%s:%d: key outside of any [section]", path, line);
        *eq = 0;
        char *k = trim(s), *v = trim(eq + 1);
        lower(k);
        char key[96];
        size_t sl = strlen(sec), kk = strlen(k);
        if (sl + 1 + kk >= sizeof key) return fail(L, "%s:%d: %s.%.40s: unknown key (see gpusim --help-config)", path, line, sec, k);
        memcpy(key, sec, sl);
        key[sl] = '.';
        memcpy(key + sl + 1, k, kk + 1);
        if (strcmp(key, "config.base") != 0 && !config_find_param(key))
            return fail(L, "%s:%d: %s: unknown key (see gpusim --help-config)", path, line, key);
        /* iniparser ends an unquoted value at the first ';' or '#': taken as a comment only after
         * white space ("13 ; note"); glued to the value ("13#2", "a;b") it is refused, never cut */
        if (*v != '"' && *v != '\'') {
            char *c = strpbrk(v, ";#");
            if (c && c > v && c[-1] != ' ' && c[-1] != '\t')
                return fail(L, "%s:%d: %s: '%c' inside the value '%.60s': a comment starts after a space; quote a value "
                            "that holds '%c' (name = \"a%cb\")", path, line, key, *c, v, *c, *c);
        }
        for (int i = 0; i < *nkl; i++)
            if (!strcmp(kl[i].key, key))
                return fail(L, "%s:%d: %s: given twice in this file (first at line %d)", path, line, key, kl[i].line);
        if (*nkl == maxkl) return fail(L, "%s:%d: too many keys", path, line);
        memcpy(kl[*nkl].key, key, sizeof key);
        kl[*nkl].line = line;
        (*nkl)++;
    }
    ini[out] = 0;
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

/* iniparser (4.1) takes a path: the text already read is handed over through a
 * private temporary file in $TMPDIR (or /tmp when that fails), unlinked at once, so no
 * input is ever opened twice. Returns NULL with *sys_errno set when no such file can be
 * made, NULL with it 0 when iniparser refuses the text. */
static dictionary *load_ini(const char *text, size_t len, int *sys_errno)
{
    const char *dir = getenv("TMPDIR");
    char tmp[PATH_MAX];
    int fd = -1;
    if (dir && *dir && snprintf(tmp, sizeof tmp, "%s/gpusim-ini-XXXXXX", dir) < (int)sizeof tmp) fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(tmp, sizeof tmp, "/tmp/gpusim-ini-XXXXXX");
        fd = mkstemp(tmp);
    }
    *sys_errno = 0;
    if (fd < 0) { *sys_errno = errno; return NULL; }
    dictionary *d = NULL;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    if (off != len) *sys_errno = errno ? errno : EIO;
    else d = iniparser_load(tmp);
    unlink(tmp);
    close(fd);
    return d;
}

static int load_file(loader *L, const char *path)
{
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    int rc = read_whole(L, path, &st, &text, &len);
    if (rc) return rc;
    for (int i = 0; i < L->depth; i++)
        if (L->stack[i].dev == st.st_dev && L->stack[i].ino == st.st_ino) {
            free(text);
            return fail(L, "%s: config.base: inheritance loop through this file", path);
        }
    if (L->depth == MAX_DEPTH) { free(text); return fail(L, "%s: config.base: inheritance deeper than %d files", path, MAX_DEPTH); }

    int maxkl = (int)gpusim_nparams + 2;
    keyline *kl = malloc(sizeof *kl * (size_t)maxkl);
    char *ini = malloc(len + 1);
    if (!kl || !ini) { free(kl); free(ini); free(text); return fail(L, "%s: out of memory", path); }
    int nkl = 0;
    rc = scan_lines(L, path, text, len, ini, kl, &nkl, maxkl);
    free(text);
    if (rc) { free(ini); free(kl); return rc; }

    iniparser_set_error_callback(quiet);
    int sys_errno = 0;
    dictionary *d = load_ini(ini, strlen(ini), &sys_errno);
    free(ini);
    if (!d && sys_errno) { /* not the input's fault: exit status 1 */
        free(kl);
        fail(L, "%s: cannot hand the text to the INI reader: a temporary file in $TMPDIR or /tmp: %s", path,
             strerror(sys_errno));
        return GPUSIM_EFAIL;
    }
    if (!d) { free(kl); return fail(L, "%s: cannot parse as INI", path); }

    L->stack[L->depth].dev = st.st_dev;
    L->stack[L->depth].ino = st.st_ino;
    L->depth++;
    const char *base = iniparser_getstring(d, "config:base", NULL);
    if (base) {
        int bline = find_line(kl, nkl, "config.base");
        char bpath[PATH_MAX], real[PATH_MAX];
        if (!base[0]) {
            rc = fail(L, "%s:%d: config.base: '' is not a regular file (expected a config file)", path, bline);
            goto out;
        }
        if (base[0] == '/') snprintf(bpath, sizeof bpath, "%s", base);
        else if (S_ISREG(st.st_mode) && realpath(path, real)) {
            /* beside the real file: a config symlinked elsewhere keeps finding the bases next to it */
            char *slash = strrchr(real, '/');
            slash[1] = 0;
            snprintf(bpath, sizeof bpath, "%s%s", real, base);
        } else snprintf(bpath, sizeof bpath, "%s", base); /* a pipe: relative to the current directory */
        struct stat bst;
        if (stat(bpath, &bst) != 0) {
            rc = fail(L, "%s:%d: config.base: cannot open base config '%s': %s", path, bline, bpath, strerror(errno));
            goto out;
        }
        if (!S_ISREG(bst.st_mode) && !S_ISFIFO(bst.st_mode)) {
            rc = fail(L, "%s:%d: config.base: '%s' is not a regular file (expected a config file)", path, bline, bpath);
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
        if (!config_find_param(key) || !line) {
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

/* Where a key's effective value came from, for messages: "FILE:LINE: key",
 * "--set key" or "default key". */
static const char *origin(const loader *L, const char *key, char *buf, size_t len)
{
    for (int i = 0; i < L->nov + L->n; i++) {
        const kv *it = i < L->nov ? &L->ov[i] : &L->items[i - L->nov];
        if (strcmp(it->key, key)) continue;
        if (it->line > 0) snprintf(buf, len, "%s:%d: %s", it->file, it->line, key);
        else snprintf(buf, len, "%s %s", it->file, key);
        return buf;
    }
    snprintf(buf, len, "%s (default)", key);
    return buf;
}

static int pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

static int cross_check(loader *L, const gpu_config *c)
{
    char w[700];
    /* line and interleave sizes are shifts and masks in the model (l1.c, l2.c, dram.c): other sizes
     * would be tagged at the wrong granularity, silently */
    static const char *const p2[] = { "l1.line_bytes", "l2.line_bytes", "l2.sector_bytes", "memory.interleave_bytes" };
    const int64_t p2v[] = { c->l1.line_bytes, c->l2.line_bytes, c->l2.sector_bytes, c->memory.interleave_bytes };
    for (int i = 0; i < 4; i++)
        if (!pow2(p2v[i]))
            return fail(L, "%s: expected a power of two (the model implements no other size), got %lld",
                        origin(L, p2[i], w, sizeof w), (long long)p2v[i]);
    double lines = c->l2.size_mib * 1048576.0 / (double)c->l2.line_bytes;
    double sets = lines / (double)(c->l2.ways * c->l2.slices);
    if (sets < 1 || sets != floor(sets))
        return fail(L, "%s: %g MiB is not a whole number of sets of %lld ways x %lld slices x %lld-byte lines",
                    origin(L, "l2.size_mib", w, sizeof w), c->l2.size_mib, (long long)c->l2.ways, (long long)c->l2.slices,
                    (long long)c->l2.line_bytes);
    if ((int64_t)sets % c->sim.l2_set_sampling)
        return fail(L, "%s: %lld does not divide the %.0f sets per slice", origin(L, "sim.l2_set_sampling", w, sizeof w),
                    (long long)c->sim.l2_set_sampling, sets);
    if (c->l2.slices % c->l2.partitions)
        return fail(L, "%s: %lld slices do not divide into %lld partitions", origin(L, "l2.partitions", w, sizeof w),
                    (long long)c->l2.slices, (long long)c->l2.partitions);
    if (c->l2.line_bytes % c->l2.sector_bytes)
        return fail(L, "%s: must divide l2.line_bytes", origin(L, "l2.sector_bytes", w, sizeof w));
    if (c->sm.smem_per_cta_kib > c->sm.smem_kib)
        return fail(L, "%s: must not exceed sm.smem_kib", origin(L, "sm.smem_per_cta_kib", w, sizeof w));
    if (c->sm.smem_kib > c->sm.l1_smem_kib)
        return fail(L, "%s: must not exceed sm.l1_smem_kib", origin(L, "sm.smem_kib", w, sizeof w));
    if (c->memory.interleave_bytes % c->l2.line_bytes && c->l2.line_bytes % c->memory.interleave_bytes)
        return fail(L, "%s: must be a multiple or divisor of l2.line_bytes", origin(L, "memory.interleave_bytes", w, sizeof w));
    return 0;
}

struct config_src {
    loader *L;      /* every file's keys and the --set overrides, with where each came from */
    int *idx;       /* per parameter (table order): its entry in L->items, or -1 */
    char path[PATH_MAX];
};

void config_src_destroy(config_src *s)
{
    if (!s) return;
    free(s->L);
    free(s->idx);
    free(s);
}

/* Parses one "section.key=value" override into it; label names its origin (--set, --vary). */
static int parse_override(loader *L, const char *text, const char *label, kv *it)
{
    char key[96];
    const char *eq = strchr(text, '=');
    size_t kl = eq ? (size_t)(eq - text) : 0;
    if (!eq || kl == 0 || kl >= sizeof key) return fail(L, "%s %s: expected SECTION.KEY=VALUE", label, text);
    memcpy(key, text, kl);
    key[kl] = 0;
    lower(key);
    if (!config_find_param(key)) return fail(L, "%s: %s: unknown key (see gpusim --help-config)", label, key);
    if (strlen(eq + 1) >= sizeof it->val) return fail(L, "%s: %s: value too long", label, key);
    snprintf(it->key, sizeof it->key, "%s", key);
    snprintf(it->val, sizeof it->val, "%s", eq + 1);
    snprintf(it->file, sizeof it->file, "%s", label);
    it->line = 0;
    return 0;
}

int config_src_load(config_src **out, const char *path, const char *const *sets, int nsets, char *err, size_t errlen)
{
    *out = NULL;
    config_src *s = calloc(1, sizeof *s);
    loader *L = calloc(1, sizeof *L);
    int *idx = malloc(gpusim_nparams * sizeof *idx);
    if (!s || !L || !idx) {
        free(s); free(L); free(idx);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    s->L = L;
    s->idx = idx;
    snprintf(s->path, sizeof s->path, "%s", path);
    L->err = err;
    L->errlen = errlen;
    int rc = load_file(L, path);
    for (int i = 0; !rc && i < nsets; i++) {
        kv it;
        rc = parse_override(L, sets[i], "--set", &it);
        for (int j = 0; !rc && j < L->n; j++)
            if (!strcmp(L->items[j].key, it.key) && L->items[j].line == 0)
                rc = fail(L, "--set: %s: given twice", it.key);
        if (!rc) rc = set_kv(L, it.key, it.val, "--set", 0);
    }
    for (size_t i = 0; !rc && i < gpusim_nparams; i++) {
        idx[i] = -1;
        for (int j = 0; j < L->n; j++) if (strcmp(L->items[j].key, gpusim_params[i].key) == 0) idx[i] = j;
    }
    if (rc) { config_src_destroy(s); return rc; }
    *out = s;
    return 0;
}

int config_src_build(const config_src *s, const char *const *over, int nover, const char *label, gpu_config *cfg,
                     char *err, size_t errlen)
{
    loader *L = s->L;
    L->err = err;
    L->errlen = errlen;
    kv ov[CONFIG_MAX_OVERRIDES];
    int ovp[CONFIG_MAX_OVERRIDES];
    if (nover > CONFIG_MAX_OVERRIDES) { snprintf(err, errlen, "%s: more than %d overrides", label, CONFIG_MAX_OVERRIDES); return -2; }
    int rc = 0;
    for (int i = 0; !rc && i < nover; i++) {
        rc = parse_override(L, over[i], label, &ov[i]);
        if (!rc) ovp[i] = (int)(config_find_param(ov[i].key) - gpusim_params);
        for (int j = 0; !rc && j < i; j++)
            if (ovp[j] == ovp[i]) rc = fail(L, "%s: %s: given twice", label, ov[i].key);
    }
    L->ov = ov;
    L->nov = rc ? 0 : nover;
    gpu_config tmp;
    memset(&tmp, 0, sizeof tmp);
    for (size_t i = 0; !rc && i < gpusim_nparams; i++) {
        const param *p = &gpusim_params[i];
        const kv *item = s->idx[i] >= 0 ? &L->items[s->idx[i]] : NULL;
        for (int j = 0; j < nover; j++) if (ovp[j] == (int)i) item = &ov[j];
        if (item) rc = parse_value(L, p, item->val, item->file, item->line, &tmp);
        else if (p->def) rc = parse_value(L, p, p->def, "default", 0, &tmp);
        else rc = fail(L, "%s: %s: required key is missing (%s)", s->path, p->key, p->doc);
    }
    if (!rc) rc = cross_check(L, &tmp);
    L->ov = NULL;
    L->nov = 0;
    if (!rc) config_resolve(&tmp);
    if (!rc) *cfg = tmp;
    return rc;
}

void config_resolve(gpu_config *cfg)
{
    cfg->sm.max_inflight_lines -= cfg->sm.max_inflight_lines % CONFIG_MSHR_GROUP_LINES;
}

void config_src_foreach(const config_src *s, void (*cb)(void *ctx, const char *key, const char *val), void *ctx)
{
    for (size_t i = 0; i < gpusim_nparams; i++)
        cb(ctx, gpusim_params[i].key, s->idx[i] >= 0 ? s->L->items[s->idx[i]].val : gpusim_params[i].def ? gpusim_params[i].def : "");
}

int config_check_override(const char *text, const char *label, char *err, size_t errlen)
{
    loader *L = calloc(1, sizeof *L);
    if (!L) { snprintf(err, errlen, "%s: out of memory", label); return -1; }
    L->err = err;
    L->errlen = errlen;
    kv it;
    int rc = parse_override(L, text, label, &it);
    gpu_config tmp;
    if (!rc) rc = parse_value(L, config_find_param(it.key), it.val, label, 0, &tmp);
    free(L);
    return rc;
}

int config_load(gpu_config *cfg, const char *path, const char *const *sets, int nsets, char *err, size_t errlen)
{
    config_src *s = NULL;
    int rc = config_src_load(&s, path, sets, nsets, err, errlen);
    if (!rc) rc = config_src_build(s, NULL, 0, "--set", cfg, err, errlen);
    config_src_destroy(s);
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
    fprintf(f, "A config may inherit another with `[config] base = other.ini` (relative to the directory of the including\n"
               "file; of the real file when the config is a symbolic link; of the current directory when it is a pipe).\n"
               "Each section and key may appear once per file. `;` and `#` start a comment at the start of a line or after\n"
               "white space (`sm_count = 132 ; note`); glued to a value (`13#2`) they are an error: quote a value that\n"
               "holds them (`name = \"a#b\"`). A config is a regular file or a pipe of at most 1 MiB, lines other than\n"
               "comments at most 1000 bytes. Line, sector and interleave sizes must be powers of two.\n");
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

double config_tensor_flops_per_clk(const gpu_config *c, dtype_id d)
{
    switch (d) {
    case DT_FP16: return c->tensor.fp16_flops_per_clk;
    case DT_BF16: return c->tensor.bf16_flops_per_clk;
    case DT_TF32: return c->tensor.tf32_flops_per_clk;
    case DT_FP8: return c->tensor.fp8_flops_per_clk;
    case DT_FP32: case DT_COUNT: break; /* no tensor-core fp32 */
    }
    return 0;
}

double config_flops_per_clk(const gpu_config *c, dtype_id d)
{
    return dtype_on_tensor_cores(d) ? config_tensor_flops_per_clk(c, d) : c->cuda.fp32_flops_per_clk;
}

double config_peak_tflops(const gpu_config *c, dtype_id d)
{
    return config_flops_per_clk(c, d) * (double)c->gpu.sm_count * (double)c->gpu.clock_mhz * 1e6 / 1e12;
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
