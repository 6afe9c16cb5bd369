/* test_db.c: a run stored in one transaction with every parameter; a file that
 * is not SQLite is refused and left untouched; views answer, the sensitivity
 * view for text-valued knobs too, and a version 2 database migrates to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "common.h"
#include "kernels/runner.h"
#include "results/db.h"
#include "results/metrics.h"

static char err[1024];

static long long count(const char *path, const char *sql)
{
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

/* metrics.h: the derived figures the table, the JSON and the database all print. */
static void test_metrics(void **state)
{
    (void)state;
    gpu_config c = test_config(NULL, 0);
    run_result r;
    memset(&r, 0, sizeof r);
    r.peak_dram_gbps = config_peak_dram_gbps(&c);
    op_result o;
    memset(&o, 0, sizeof o);
    o.dt = DT_FP16;
    o.start_ps = 1000000;
    o.end_ps = 3000000;                 /* 2 us */
    o.flops = 2e9;                      /* 1000 TFLOP/s */
    o.dram_bytes = 4000000;             /* 2000 GB/s */
    o.l2_accesses = 8;
    o.l2_hits = 6;
    o.pcie_bytes = 100000;              /* 50 GB/s */
    o.energy_j = 0.001;                 /* 500 W */
    metrics m;
    metrics_op(&c, &r, &o, &m);
    assert_float_equal(m.time_us, 2, 1e-12);
    assert_float_equal(m.tflops, 1000, 1e-9);
    assert_float_equal(m.peak_tflops, config_peak_tflops(&c, DT_FP16), 1e-9);
    assert_float_equal(m.pct_peak_tflops, 100 * 1000 / config_peak_tflops(&c, DT_FP16), 1e-9);
    assert_float_equal(m.dram_gbps, 2000, 1e-9);
    assert_float_equal(m.pct_peak_dram, 100 * 2000 / r.peak_dram_gbps, 1e-9);
    assert_float_equal(m.l2_hit_rate, 0.75, 1e-12);
    assert_float_equal(m.pcie_gbps, 50, 1e-9);
    assert_float_equal(m.power_w, 500, 1e-9);
    /* fp32 runs on the CUDA cores: its peak is theirs */
    o.dt = DT_FP32;
    metrics_op(&c, &r, &o, &m);
    assert_float_equal(m.peak_tflops, c.cuda.fp32_flops_per_clk * (double)c.gpu.sm_count * (double)c.gpu.clock_mhz * 1e-6,
                       1e-9);
    /* no dtype, no traffic, no time: nothing to divide, no % of peak */
    memset(&o, 0, sizeof o);
    o.dt = -1;
    metrics_op(&c, &r, &o, &m);
    assert_true(m.tflops == 0 && m.dram_gbps == 0 && m.l2_hit_rate == 0 && m.power_w == 0);
    assert_true(m.pct_peak_tflops == METRICS_NA && m.pct_peak_dram == METRICS_NA);
}

/* A process killed (SIGKILL) inside db_store_run's transaction leaves no row of
 * its run: the child opens the database, tells the parent, and stores a run with
 * many ops and stats rows; the parent waits until the child holds the write lock
 * (its own BEGIN IMMEDIATE is refused: the store's transaction is open) and kills
 * it by its pid. The database then opens, holds nothing, and stores runs again. */
static void test_killed_inside_transaction(void **state)
{
    (void)state;
    const char *path = "/tmp/gpusim_test_db_kill.db";
    static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
    char f[256];
    for (int i = 0; i < 4; i++) { snprintf(f, sizeof f, "%s%s", path, sfx[i]); remove(f); }
    gpu_config c = test_config(NULL, 0);
    const char *text = "eltwise name=a elems=65536\n";
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "x.trace", text, strlen(text), err, sizeof err), 0);
    run_result r;
    assert_int_equal(runner_run(&c, t, &r, err, sizeof err), 0);
    /* a big run: its store takes long enough to be caught in the middle */
    size_t nops = 200000;
    op_result *ops = calloc(nops, sizeof *ops);
    assert_non_null(ops);
    for (size_t i = 0; i < nops; i++) { ops[i] = r.ops[0]; ops[i].dt = -1; }
    run_result big = r;
    big.ops = ops;
    big.nops = nops;
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        db *d = NULL;
        if (db_open(&d, path, err, sizeof err)) _exit(3);
        if (write(go[1], "o", 1) != 1) _exit(4);
        run_record rec = { .config_path = "h100.ini", .trace_path = "x.trace", .cfg = &c, .res = &big, .wall_s = 0.1 };
        db_store_run(d, &rec, NULL, err, sizeof err);
        _exit(5); /* not reached before the kill, unless the store was very fast (the test then fails) */
    }
    char b;
    assert_int_equal(read(go[0], &b, 1), 1);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    int busy = 0;
    for (int i = 0; i < 2000000 && !busy; i++) {
        int rc = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_BUSY) busy = 1;
        else sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
    }
    assert_true(busy);                      /* the child is inside its transaction */
    usleep(20000);                          /* some rows written, uncommitted */
    assert_int_equal(kill(pid, SIGKILL), 0);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));           /* killed, not finished */
    sqlite3_close(h);
    assert_int_equal(count(path, "SELECT count(*) FROM runs"), 0);
    assert_int_equal(count(path, "SELECT count(*) FROM ops"), 0);
    assert_int_equal(count(path, "SELECT count(*) FROM stats"), 0);
    assert_int_equal(count(path, "SELECT count(*) FROM run_params"), 0);
    db *d = NULL;
    assert_int_equal(db_open(&d, path, err, sizeof err), 0);
    run_record rec = { .config_path = "h100.ini", .trace_path = "x.trace", .cfg = &c, .res = &r, .wall_s = 0.1 };
    assert_int_equal(db_store_run(d, &rec, NULL, err, sizeof err), 0);
    db_close(d);
    assert_int_equal(count(path, "SELECT count(*) FROM runs"), 1);
    free(ops);
    run_result_free(&r);
    trace_destroy(t);
    close(go[0]);
    close(go[1]);
}

static void test_store_and_query(void **state)
{
    (void)state;
    const char *path = "/tmp/gpusim_test_db.db";
    remove(path);
    gpu_config c = test_config(NULL, 0);
    const char *text = "gemm name=a m=256 n=256 k=256\neltwise name=b elems=65536\n";
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "x.trace", text, strlen(text), err, sizeof err), 0);
    run_result r;
    assert_int_equal(runner_run(&c, t, &r, err, sizeof err), 0);
    db *d = NULL;
    assert_int_equal(db_open(&d, path, err, sizeof err), 0);
    run_record rec = { .config_path = "h100.ini", .trace_path = "x.trace", .cfg = &c, .res = &r, .wall_s = 0.1 };
    db_hash_config(&c, rec.config_hash);
    db_hash_hex(text, strlen(text), rec.trace_hash);
    int64_t id1 = 0, id2 = 0;
    assert_int_equal(db_store_run(d, &rec, &id1, err, sizeof err), 0);
    assert_int_equal(db_store_run(d, &rec, &id2, err, sizeof err), 0);
    db_close(d);
    assert_int_equal(id2, id1 + 1);
    assert_int_equal(count(path, "SELECT count(*) FROM runs"), 2);
    assert_int_equal(count(path, "SELECT count(*) FROM run_params WHERE run_id=1"), (long long)gpusim_nparams);
    assert_int_equal(count(path, "SELECT value FROM run_params WHERE run_id=1 AND key='gpu.sm_count'"), 132);
    assert_int_equal(count(path, "SELECT count(*) FROM ops WHERE run_id=2"), 2);
    assert_true(count(path, "SELECT count(*) FROM stats WHERE run_id=1") > 10);
    assert_int_equal(count(path, "SELECT value FROM meta WHERE key='schema_version'"), DB_SCHEMA_VERSION);
    assert_int_equal(count(path, "SELECT count(*) FROM speedup WHERE baseline_id=1"), 2);
    /* the breakdown: one column per label, the parts sum to the op's time, bound names the largest */
    assert_int_equal(count(path, "SELECT count(*) FROM pragma_table_info('ops') WHERE name LIKE 'bd\\_%\\_us' ESCAPE '\\'"), BD_N);
    assert_int_equal(count(path, "SELECT count(*) FROM ops WHERE abs(bd_launch_us + bd_host_us + bd_tail_us + bd_compute_us"
                                 " + bd_clock_us + bd_smem_us + bd_l2_us + bd_dram_us + bd_latency_us + bd_pcie_us + bd_sync_us"
                                 " - time_us) < 0.01 * time_us"), 4);
    run_result_free(&r);
    trace_destroy(t);
}

/* Stores a 2x2 sweep (prefetch.policy x gpu.sm_count) with made-up times:
 * stride is 1.25x none and 132 SMs 2x 66 at every point of the other knob. */
static void store_2x2_sweep(const char *path, const char *policies)
{
    const char *text = "gemm name=a m=128 n=128 k=128\n";
    trace *t = NULL;
    assert_int_equal(trace_parse(&t, "x.trace", text, strlen(text), err, sizeof err), 0);
    gpu_config c0 = test_config(NULL, 0);
    run_result r;
    assert_int_equal(runner_run(&c0, t, &r, err, sizeof err), 0);
    db *d = NULL;
    assert_int_equal(db_open(&d, path, err, sizeof err), 0);
    char spec[256];
    snprintf(spec, sizeof spec, "{\"config\":\"h100.ini\",\"trace\":\"x.trace\",\"trace_hash\":\"0\",\"set\":[],"
             "\"vary\":[\"prefetch.policy=%s\",\"gpu.sm_count=66,132\"]}", policies);
    int64_t sweep = 0;
    assert_int_equal(db_sweep_begin(d, spec, 0, &sweep, err, sizeof err), 0);
    const char *pol[] = { "none", "stride" };
    const char *sms[] = { "66", "132" };
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            char s0[64], s1[64], key[128];
            snprintf(s0, sizeof s0, "prefetch.policy=%s", pol[i]);
            snprintf(s1, sizeof s1, "gpu.sm_count=%s", sms[j]);
            snprintf(key, sizeof key, "%s;%s", s0, s1);
            const char *sets[] = { s0, s1 };
            gpu_config c = test_config(sets, 2);
            r.total_ps = (uint64_t)(200e6 / (i ? 1.25 : 1.0) / (j ? 2.0 : 1.0));
            run_record rec = { .config_path = "h100.ini", .trace_path = "x.trace", .cfg = &c, .res = &r, .wall_s = 0.1,
                               .sweep_id = sweep, .point_key = key };
            db_hash_config(&c, rec.config_hash);
            db_hash_hex(text, strlen(text), rec.trace_hash);
            assert_int_equal(db_store_run(d, &rec, NULL, err, sizeof err), 0);
        }
    db_close(d);
    run_result_free(&r);
    trace_destroy(t);
}

static void test_sensitivity_text_knobs(void **state)
{
    (void)state;
    const char *path = "/tmp/gpusim_test_db_sens.db";
    remove(path);
    store_2x2_sweep(path, "none,stride");
    /* the numeric knob, as before */
    assert_int_equal(count(path, "SELECT count(*) FROM sensitivity WHERE knob='gpu.sm_count'"), 1);
    assert_int_equal(count(path, "SELECT pairs FROM sensitivity WHERE knob='gpu.sm_count' AND from_value='66'"
                                 " AND to_value='132' AND abs(speedup - 2.0) < 1e-9"), 2);
    /* the text knob: one step, from the first listed value to the next */
    assert_int_equal(count(path, "SELECT count(*) FROM sensitivity WHERE knob='prefetch.policy'"), 1);
    assert_int_equal(count(path, "SELECT pairs FROM sensitivity WHERE knob='prefetch.policy' AND from_value='none'"
                                 " AND to_value='stride' AND abs(speedup - 1.25) < 1e-9"), 2);
    /* listed the other way round, the step goes the other way */
    remove(path);
    store_2x2_sweep(path, "stride,none");
    assert_int_equal(count(path, "SELECT pairs FROM sensitivity WHERE knob='prefetch.policy' AND from_value='stride'"
                                 " AND to_value='none' AND abs(speedup - 0.8) < 1e-9"), 2);
    assert_int_equal(count(path, "SELECT count(*) FROM sensitivity"), 2);
}

static void test_migrate_v2(void **state)
{
    (void)state;
    const char *path = "/tmp/gpusim_test_db_v2.db";
    remove(path);
    store_2x2_sweep(path, "none,stride");
    /* make it a version 2 database: version 2's sensitivity view ordered values as numbers only */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "DROP VIEW sensitivity;"
        "CREATE VIEW sensitivity AS SELECT a.sweep_id, a.knob, a.value AS from_value, b.value AS to_value,"
        "  avg(a.sim_time_us / b.sim_time_us) AS speedup, count(*) AS pairs FROM sweep_points a JOIN sweep_points b"
        "  ON a.sweep_id = b.sweep_id AND a.knob = b.knob AND a.run_id <> b.run_id"
        "  AND replace(';' || a.point_key || ';', ';' || a.knob || '=' || a.value || ';', ';') ="
        "      replace(';' || b.point_key || ';', ';' || b.knob || '=' || b.value || ';', ';')"
        "  AND CAST(b.value AS REAL) > CAST(a.value AS REAL)"
        "  AND NOT EXISTS (SELECT 1 FROM sweep_points c WHERE c.sweep_id = a.sweep_id AND c.knob = a.knob"
        "    AND CAST(c.value AS REAL) > CAST(a.value AS REAL) AND CAST(c.value AS REAL) < CAST(b.value AS REAL))"
        "  GROUP BY a.sweep_id, a.knob, a.value, b.value;"
        "UPDATE meta SET value = '2' WHERE key = 'schema_version';", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(count(path, "SELECT count(*) FROM sensitivity WHERE knob='prefetch.policy'"), 0);
    db *d = NULL;
    assert_int_equal(db_open(&d, path, err, sizeof err), 0);
    db_close(d);
    assert_int_equal(count(path, "SELECT value FROM meta WHERE key='schema_version'"), DB_SCHEMA_VERSION);
    assert_int_equal(count(path, "SELECT pairs FROM sensitivity WHERE knob='prefetch.policy' AND from_value='none'"
                                 " AND to_value='stride'"), 2);
    assert_int_equal(count(path, "SELECT count(*) FROM runs"), 4);
}

/* A version 4 database (no breakdown columns) gains them and keeps its rows (NULL parts). */
static void test_migrate_v5(void **state)
{
    (void)state;
    const char *path = "/tmp/gpusim_test_db_v4.db";
    remove(path);
    store_2x2_sweep(path, "none,stride");
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    for (int j = 0; j < BD_N; j++) {
        char sql[128];
        snprintf(sql, sizeof sql, "ALTER TABLE ops DROP COLUMN bd_%s_us", bd_labels[j].name);
        assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    assert_int_equal(sqlite3_exec(h, "UPDATE meta SET value = '4' WHERE key = 'schema_version';", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    long long ops = count(path, "SELECT count(*) FROM ops");
    assert_true(ops > 0);
    db *d = NULL;
    assert_int_equal(db_open(&d, path, err, sizeof err), 0);
    db_close(d);
    assert_int_equal(count(path, "SELECT value FROM meta WHERE key='schema_version'"), DB_SCHEMA_VERSION);
    assert_int_equal(count(path, "SELECT count(*) FROM ops WHERE bd_launch_us IS NULL AND bd_dram_us IS NULL"), ops);
    assert_int_equal(count(path, "SELECT count(*) FROM runs"), 4);
}

static void test_not_sqlite(void **state)
{
    (void)state;
    const char *path = "/tmp/gpusim_test_notdb.db";
    const char text[] = "this is not a database, and must stay as it is\n";
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    db *d = NULL;
    assert_int_equal(db_open(&d, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a gpusim database"));
    char buf[256] = "";
    f = fopen(path, "r");
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(buf, text, n);
    assert_int_equal(db_open(&d, "/nonexistent/dir/x.db", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open database"));
    db_close(NULL);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *b = malloc(1 << 20);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* Issue 10: another program's database, a newer schema and a corrupted file are
 * refused before any write (byte-identical, no -journal, -wal or -shm left), and
 * a failed run leaves no new, empty database behind. */
static void test_contract(void **state)
{
    (void)state;
    const char *other = "/tmp/gpusim_test_other.db";
    remove(other);
    sqlite3 *h;
    sqlite3_open(other, &h);
    sqlite3_exec(h, "CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES('mine');", NULL, NULL, NULL);
    sqlite3_close(h);
    size_t n0, n1;
    char *before = slurp(other, &n0);
    db *d = NULL;
    assert_int_equal(db_open(&d, other, err, sizeof err), -1);
    assert_non_null(strstr(err, "an SQLite database of another program"));
    char *after = slurp(other, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0); /* not switched to WAL, no tables added */
    assert_false(exists("/tmp/gpusim_test_other.db-journal") || exists("/tmp/gpusim_test_other.db-wal"));
    free(before);
    free(after);

    const char *newer = "/tmp/gpusim_test_newer.db";
    remove(newer);
    assert_int_equal(db_open(&d, newer, err, sizeof err), 0);
    db_close(d);
    sqlite3_open(newer, &h);
    sqlite3_exec(h, "UPDATE meta SET value = '99' WHERE key = 'schema_version'; PRAGMA journal_mode=DELETE;", NULL, NULL, NULL);
    sqlite3_close(h);
    before = slurp(newer, &n0);
    assert_int_equal(db_open(&d, newer, err, sizeof err), -1);
    assert_non_null(strstr(err, "written by a newer gpusim (schema version 99"));
    after = slurp(newer, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);

    /* a migration that fails (version 1 claimed, the version 2 columns already there) rolls back whole:
     * the file was switched to WAL before the schema transaction (found by fuzz_db) */
    sqlite3_open(newer, &h);
    sqlite3_exec(h, "UPDATE meta SET value = '1' WHERE key = 'schema_version';", NULL, NULL, NULL);
    sqlite3_close(h);
    before = slurp(newer, &n0);
    assert_int_equal(db_open(&d, newer, err, sizeof err), -1);
    assert_non_null(strstr(err, "duplicate column"));
    after = slurp(newer, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    sqlite3_open(newer, &h);
    sqlite3_exec(h, "UPDATE meta SET value = '99' WHERE key = 'schema_version';", NULL, NULL, NULL);
    sqlite3_close(h);

    /* a corrupted b-tree page */
    const char *bad = "/tmp/gpusim_test_corrupt.db";
    remove(bad);
    assert_int_equal(db_open(&d, bad, err, sizeof err), 0);
    db_close(d);
    sqlite3_open(bad, &h);
    sqlite3_exec(h, "PRAGMA journal_mode=DELETE;", NULL, NULL, NULL);
    sqlite3_close(h);
    FILE *f = fopen(bad, "r+b");
    fseek(f, 4096 * 2, SEEK_SET);
    fwrite("\x0d\xff\xff\xff\xff\xff\xff\xff", 1, 8, f);
    fclose(f);
    before = slurp(bad, &n0);
    assert_int_equal(db_open(&d, bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "corrupted database"));
    after = slurp(bad, &n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);

    /* a database this connection created is removed when nothing was stored; an existing one is kept */
    const char *fresh = "/tmp/gpusim_test_fresh.db";
    remove(fresh);
    assert_int_equal(db_open(&d, fresh, err, sizeof err), 0);
    db_abandon(d);
    assert_false(exists(fresh) || exists("/tmp/gpusim_test_fresh.db-wal") || exists("/tmp/gpusim_test_fresh.db-shm"));
    assert_int_equal(db_open(&d, newer, err, sizeof err), -1);
    assert_true(exists(newer));
    db_abandon(NULL);
    /* a device is not a database, and no -journal appears beside it */
    assert_int_equal(db_open(&d, "/dev/null", err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_false(exists("/dev/null-journal"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_store_and_query),
        cmocka_unit_test(test_killed_inside_transaction),
        cmocka_unit_test(test_sensitivity_text_knobs),
        cmocka_unit_test(test_migrate_v2),
        cmocka_unit_test(test_migrate_v5),
        cmocka_unit_test(test_not_sqlite),
        cmocka_unit_test(test_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
