/* test_config.c: loading, inheritance, --set, validation errors with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "arch/prefetch.h"
#include "config/config.h"

static char err[1024];

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][256];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, 256, "/tmp/gpusim_test_%s", name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

/* config_resolve: the config says what runs (what run_params stores). */
static void test_resolve(void **state)
{
    (void)state;
    const char *sets[] = { "sm.max_inflight_lines=204" };
    gpu_config c;
    assert_int_equal(config_load(&c, SRC_DIR "/configs/h100.ini", sets, 1, err, sizeof err), 0);
    assert_int_equal(c.sm.max_inflight_lines, 200);   /* MSHRs are tracked in groups of 8 lines */
    char buf[64];
    config_value_str(&c, config_find_param("sm.max_inflight_lines"), buf, sizeof buf);
    assert_string_equal(buf, "200");
    const char *eight[] = { "sm.max_inflight_lines=8" };
    assert_int_equal(config_load(&c, SRC_DIR "/configs/h100.ini", eight, 1, err, sizeof err), 0);
    assert_int_equal(c.sm.max_inflight_lines, 8);
}

static void test_h100_loads(void **state)
{
    (void)state;
    gpu_config c;
    assert_int_equal(config_load(&c, SRC_DIR "/configs/h100.ini", NULL, 0, err, sizeof err), 0);
    assert_int_equal(c.gpu.sm_count, 132);
    assert_int_equal(c.gpu.clock_mhz, 1980);
    assert_int_equal(c.pcie.gen, 5);
    assert_true(config_peak_dram_gbps(&c) > 3300 && config_peak_dram_gbps(&c) < 3400);
    assert_true(config_peak_tflops(&c, DT_FP16) > 1000);
}

static void test_inheritance_and_set(void **state)
{
    (void)state;
    gpu_config c;
    const char *sets[] = { "gpu.sm_count=66", "prefetch.policy=stride" };
    assert_int_equal(config_load(&c, SRC_DIR "/configs/ampere_plus.ini", sets, 2, err, sizeof err), 0);
    assert_int_equal(c.gpu.sm_count, 66);            /* --set wins */
    assert_int_equal(c.memory.channels, 96);         /* the derived file */
    assert_int_equal(c.gpu.clock_mhz, 1410);         /* inherited from a100.ini */
    assert_int_equal(c.prefetch.policy, prefetch_policy_index("stride"));
    /* one truth: set sampling runs with a prefetcher too, and the loaded config is what runs */
    const char *sampled[] = { "prefetch.policy=next_line", "sim.l2_set_sampling=16" };
    assert_int_equal(config_load(&c, SRC_DIR "/configs/h100.ini", sampled, 2, err, sizeof err), 0);
    assert_int_equal(c.sim.l2_set_sampling, 16);
    assert_int_equal(config_load(&c, SRC_DIR "/configs/ampere_plus.ini", NULL, 0, err, sizeof err), 0);
    assert_int_equal(c.sim.l2_set_sampling, 16);
}

static void expect_error(const char *path, const char *const *sets, int nsets, const char *needle)
{
    gpu_config c;
    memset(&c, 0x5a, sizeof c);
    gpu_config before = c;
    assert_int_equal(config_load(&c, path, sets, nsets, err, sizeof err), -2);
    if (!strstr(err, needle)) fail_msg("error '%s' lacks '%s'", err, needle);
    assert_memory_equal(&c, &before, sizeof c); /* untouched on error */
}

static void test_errors(void **state)
{
    (void)state;
    char base[512];
    snprintf(base, sizeof base, "[config]\nbase = %s/configs/h100.ini\n", SRC_DIR);
    char text[1024];
    snprintf(text, sizeof text, "%s[gpu]\nsm_cuont = 10\n", base);
    expect_error(write_tmp("typo.ini", text), NULL, 0, "gpusim_test_typo.ini:4: gpu.sm_cuont: unknown key");
    snprintf(text, sizeof text, "%s[gpu]\nsm_count = lots\n", base);
    expect_error(write_tmp("range.ini", text), NULL, 0, ":4: gpu.sm_count: expected an integer in [1, 4096]");
    snprintf(text, sizeof text, "%s[gpu]\nsm_count = 0\n", base);
    expect_error(write_tmp("zero.ini", text), NULL, 0, "gpu.sm_count: expected an integer");
    snprintf(text, sizeof text, "%s[gpux]\nsm_count = 3\n", base);
    expect_error(write_tmp("sec.ini", text), NULL, 0, ":3: [gpux]: unknown section");
    snprintf(text, sizeof text, "%s[prefetch]\npolicy = magic\n", base);
    expect_error(write_tmp("enum.ini", text), NULL, 0, "prefetch.policy: expected one of none|next_line|stride");
    expect_error(write_tmp("req.ini", "[gpu]\nname = x\n"), NULL, 0, "required key is missing");
    expect_error(write_tmp("nobase.ini", "[config]\nbase = does_not_exist.ini\n"), NULL, 0, "cannot open base config");
    write_tmp("loop_a.ini", "[config]\nbase = gpusim_test_loop_b.ini\n");
    expect_error(write_tmp("loop_b.ini", "[config]\nbase = gpusim_test_loop_a.ini\n"), NULL, 0, "inheritance loop");
    expect_error(write_tmp("syntax.ini", "[gpu]\nthis line is wrong\n"), NULL, 0, ":2: expected 'key = value'");
    const char *bad_set[] = { "gpu.nope=3" };
    expect_error(SRC_DIR "/configs/h100.ini", bad_set, 1, "--set: gpu.nope: unknown key");
    const char *bad_val[] = { "memory.channels=-1" };
    expect_error(SRC_DIR "/configs/h100.ini", bad_val, 1, "--set: memory.channels: expected an integer");
    expect_error("/nonexistent/x.ini", NULL, 0, "cannot open");
}

static void test_unusual_but_valid(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, "\xEF\xBB\xBF; comment\r\n[config]\r\nbase = %s/configs/h100.ini  \r\n"
             "\t[gpu]\r\n\tsm_count\t=\t77 ; trailing comment\r\n", SRC_DIR);
    gpu_config c;
    assert_int_equal(config_load(&c, write_tmp("crlf.ini", text), NULL, 0, err, sizeof err), 0);
    assert_int_equal(c.gpu.sm_count, 77);
}

/* Issue 10: silent nonsense in a config is an error at the offending line. */
static void test_hostile_config(void **state)
{
    (void)state;
    char base[512], text[8192];
    snprintf(base, sizeof base, "[config]\nbase = %s/configs/h100.ini\n", SRC_DIR);
    snprintf(text, sizeof text, "%s[gpu]\nsm_count = 66\nsm_count = 132\n", base);
    expect_error(write_tmp("dupkey.ini", text), NULL, 0, "dupkey.ini:5: gpu.sm_count: given twice in this file (first at line 4)");
    snprintf(text, sizeof text, "%s[gpu]\nsm_count = 66\n[memory]\nchannels = 4\n[gpu]\nclock_mhz = 1000\n", base);
    expect_error(write_tmp("dupsec.ini", text), NULL, 0, "dupsec.ini:7: [gpu]: section given twice");
    snprintf(text, sizeof text, "%s[gpu]\nsm_count = 13#2\n", base);
    expect_error(write_tmp("hash.ini", text), NULL, 0, "hash.ini:4: gpu.sm_count: '#' inside the value '13#2'");
    snprintf(text, sizeof text, "%s[gpu]\nname = a;b\n", base);
    expect_error(write_tmp("semi.ini", text), NULL, 0, "semi.ini:4: gpu.name: ';' inside the value");
    snprintf(text, sizeof text, "%s[gpu] junk\nsm_count = 3\n", base);
    expect_error(write_tmp("junk.ini", text), NULL, 0, "junk.ini:3: expected '[section]' alone on its line");
    /* a NUL byte: written by hand (fputs stops at it) */
    const char *nulp = "/tmp/gpusim_test_nul.ini";
    FILE *f = fopen(nulp, "wb");
    fprintf(f, "%s[gpu]\nsm_count", base);
    fputc(0, f);
    fputs(" = 3\n", f);
    fclose(f);
    expect_error(nulp, NULL, 0, "gpusim_test_nul.ini:4: NUL byte");
    /* a comment of 3000 bytes is a comment; the lines after it keep their numbers */
    char longc[3100];
    memset(longc, 'x', 3000);
    longc[3000] = 0;
    snprintf(text, sizeof text, "%s; %s\n[gpu]\nsm_count = lots\n", base, longc);
    expect_error(write_tmp("longc.ini", text), NULL, 0, "longc.ini:5: gpu.sm_count: expected an integer");
    snprintf(text, sizeof text, "%s; %s\n[gpu]\nsm_count = 77\n", base, longc);
    gpu_config c;
    assert_int_equal(config_load(&c, write_tmp("longok.ini", text), NULL, 0, err, sizeof err), 0);
    assert_int_equal(c.gpu.sm_count, 77);
    /* a quoted value keeps '#' and ';'; an inline comment after a space is a comment */
    snprintf(text, sizeof text, "%s[gpu]\nname = \"a#b;c\"\nsm_count = 13 ; thirteen\n", base);
    assert_int_equal(config_load(&c, write_tmp("quoted.ini", text), NULL, 0, err, sizeof err), 0);
    assert_string_equal(c.gpu.name, "a#b;c");
    assert_int_equal(c.gpu.sm_count, 13);
    /* sizes the model does not implement, blamed on where they were given */
    const char *l2line[] = { "l2.line_bytes=96" };
    expect_error(SRC_DIR "/configs/h100.ini", l2line, 1, "--set l2.line_bytes: expected a power of two");
    const char *l1line[] = { "l1.line_bytes=96" };
    expect_error(SRC_DIR "/configs/h100.ini", l1line, 1, "--set l1.line_bytes: expected a power of two");
    const char *il[] = { "memory.interleave_bytes=96" };
    expect_error(SRC_DIR "/configs/h100.ini", il, 1, "--set memory.interleave_bytes: expected a power of two");
    snprintf(text, sizeof text, "%s[l2]\nline_bytes = 96\n", base);
    expect_error(write_tmp("p2.ini", text), NULL, 0, "p2.ini:4: l2.line_bytes: expected a power of two");
    const char *sz[] = { "l2.size_mib=37" };
    expect_error(SRC_DIR "/configs/h100.ini", sz, 1, "--set l2.size_mib: 37 MiB is not a whole number of sets");
    /* base = a directory */
    expect_error(write_tmp("dirbase.ini", "[config]\nbase = /tmp\n"), NULL, 0, "dirbase.ini:2: config.base: '/tmp' is not a regular file");
}

/* Every key of the config, grouped by section, in the order the param table gives them. */
typedef struct keys { char key[192][96], val[192][256]; int n; } keys;
static void collect(void *ctx, const char *key, const char *val)
{
    keys *k = ctx;
    assert_true(k->n < 192);
    snprintf(k->key[k->n], sizeof k->key[0], "%s", key);
    snprintf(k->val[k->n], sizeof k->val[0], "%s", val);
    k->n++;
}

/* Writes every key of k as one file based on `base`, [gpu] last; `bad` replaces
 * gpu.sm_count's value and goes last (NULL: as it is). Returns the line of gpu.sm_count. */
static int write_all_keys(const char *path, const char *base, const keys *k, const char *bad)
{
    FILE *f = fopen(path, "w");
    int line = 2, at = 0;
    fprintf(f, "[config]\nbase = %s\n", base);
    char done[192] = { 0 };
    for (int pass = 0; pass < 2; pass++) /* [gpu] last: its sm_count is the file's last line */
    for (int i = 0; i < k->n; i++) {
        if (done[i] || (strncmp(k->key[i], "gpu.", 4) == 0) != pass) continue;
        size_t sl = (size_t)(strchr(k->key[i], '.') - k->key[i]);
        if (sl == 6 && strncmp(k->key[i], "config", 6) == 0) { done[i] = 1; continue; }
        fprintf(f, "[%.*s]\n", (int)sl, k->key[i]);
        line++;
        for (int j = i; j < k->n; j++) {
            if (done[j] || strncmp(k->key[j], k->key[i], sl + 1) != 0) continue;
            done[j] = 1;
            if (bad && strcmp(k->key[j], "gpu.sm_count") == 0) continue;
            const char *v = k->val[j];
            int quote = strpbrk(v, "#;") != NULL;
            fprintf(f, "%s = %s%s%s\n", k->key[j] + sl + 1, quote ? "\"" : "", v, quote ? "\"" : "");
            line++;
        }
        if (bad && sl == 3 && strncmp(k->key[i], "gpu", 3) == 0) { fprintf(f, "sm_count = %s\n", bad); at = ++line; }
    }
    fclose(f);
    return at;
}

/* Issue 10: more than 512 key lines (here every key, in each of 5 files chained by
 * base =, 500+ lines) keep their line numbers: the error names the last file's line. */
static void test_many_key_lines(void **state)
{
    (void)state;
    gpu_config c;
    assert_int_equal(config_load(&c, SRC_DIR "/configs/h100.ini", NULL, 0, err, sizeof err), 0);
    static keys k;
    k.n = 0;
    config_foreach(&c, collect, &k);
    assert_true(k.n > 100);
    char path[6][128], base[256];
    snprintf(base, sizeof base, "%s/configs/h100.ini", SRC_DIR);
    for (int f = 1; f <= 5; f++) {
        snprintf(path[f], sizeof path[f], "/tmp/gpusim_test_chain%d.ini", f);
        write_all_keys(path[f], f == 1 ? base : path[f - 1], &k, NULL);
    }
    assert_int_equal(config_load(&c, path[5], NULL, 0, err, sizeof err), 0);
    int line = write_all_keys(path[5], path[4], &k, "lots");
    assert_true(line > 100);
    char want[128];
    snprintf(want, sizeof want, "gpusim_test_chain5.ini:%d: gpu.sm_count: expected an integer", line);
    expect_error(path[5], NULL, 0, want);
    write_all_keys(path[5], path[4], &k, "77");
    assert_int_equal(config_load(&c, path[5], NULL, 0, err, sizeof err), 0);
    assert_int_equal(c.gpu.sm_count, 77);
}

/* A symlinked config finds its base beside the real file, not beside the link. */
static void test_symlinked_base(void **state)
{
    (void)state;
    unlink("/tmp/gpusim_test_link_dir/link.ini");
    (void)!system("mkdir -p /tmp/gpusim_test_link_dir");
    assert_int_equal(symlink(SRC_DIR "/configs/ampere_plus.ini", "/tmp/gpusim_test_link_dir/link.ini"), 0);
    gpu_config c;
    assert_int_equal(config_load(&c, "/tmp/gpusim_test_link_dir/link.ini", NULL, 0, err, sizeof err), 0);
    assert_int_equal(c.gpu.sm_count, 144);
    unlink("/tmp/gpusim_test_link_dir/link.ini");
}

static void test_reference(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    config_write_reference(f);
    fclose(f);
    for (size_t i = 0; i < gpusim_nparams; i++) assert_non_null(strstr(buf, gpusim_params[i].key));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_h100_loads),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_inheritance_and_set),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unusual_but_valid),
        cmocka_unit_test(test_hostile_config),
        cmocka_unit_test(test_many_key_lines),
        cmocka_unit_test(test_symlinked_base),
        cmocka_unit_test(test_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
