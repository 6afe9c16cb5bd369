/* test_db.c: a run stored in one transaction with every parameter; a file that
 * is not SQLite is refused and left untouched; views answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "common.h"
#include "kernels/runner.h"
#include "results/db.h"

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
    run_result_free(&r);
    trace_destroy(t);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_and_query),
        cmocka_unit_test(test_not_sqlite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
