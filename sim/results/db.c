/* db.c: schema, migration and the per-run transaction (see db.h). */
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "gpusim_version.h"
#include "arch/hash.h"
#include "kernels/rows.h"
#include "results/metrics.h"

struct db {
    sqlite3 *h;
    int created;        /* this connection created the file */
    int stored;         /* a run or sweep was committed through it */
    char path[4096];
};

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sweeps(id INTEGER PRIMARY KEY, created TEXT NOT NULL, spec TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS runs("
    "  id INTEGER PRIMARY KEY, created TEXT NOT NULL,"
    "  config_path TEXT NOT NULL, config_hash TEXT NOT NULL,"
    "  trace_path TEXT NOT NULL, trace_hash TEXT NOT NULL,"
    "  gpu TEXT NOT NULL, sim_time_us REAL NOT NULL, cycles REAL NOT NULL,"
    "  tflops REAL, dram_bytes INTEGER, l2_hit_rate REAL, pcie_bytes INTEGER,"
    "  wall_s REAL NOT NULL, events INTEGER NOT NULL, version TEXT NOT NULL,"
    "  sweep_id INTEGER REFERENCES sweeps(id), point_key TEXT,"
    "  energy_j REAL, avg_power_w REAL, peak_power_w REAL, clock_mhz REAL, temp_c REAL, peak_temp_c REAL);"
    "CREATE INDEX IF NOT EXISTS runs_sweep ON runs(sweep_id, point_key);"
    "CREATE TABLE IF NOT EXISTS run_params(run_id INTEGER NOT NULL REFERENCES runs(id), key TEXT NOT NULL,"
    "  value TEXT NOT NULL, PRIMARY KEY(run_id, key));"
    "CREATE INDEX IF NOT EXISTS run_params_key ON run_params(key, value);"
    "CREATE TABLE IF NOT EXISTS ops(run_id INTEGER NOT NULL REFERENCES runs(id), idx INTEGER NOT NULL,"
    "  name TEXT NOT NULL, kind TEXT NOT NULL, dtype TEXT, mapping TEXT, start_us REAL, time_us REAL,"
    "  flops REAL, tflops REAL, dram_bytes INTEGER, dram_gbps REAL, l2_hit_rate REAL, pcie_bytes INTEGER,"
    "  bound TEXT, ns_per_load REAL, energy_j REAL, avg_power_w REAL, clock_mhz REAL, temp_c REAL,"
    "  PRIMARY KEY(run_id, idx));"
    "CREATE TABLE IF NOT EXISTS stats(run_id INTEGER NOT NULL REFERENCES runs(id), component TEXT NOT NULL,"
    "  metric TEXT NOT NULL, value REAL);"
    "CREATE INDEX IF NOT EXISTS stats_run ON stats(run_id);"
    /* every run with the knobs users sweep most, as columns */
    "CREATE VIEW IF NOT EXISTS run_summary AS SELECT r.id, r.gpu, r.trace_path, r.sweep_id, r.sim_time_us, r.tflops,"
    "  r.l2_hit_rate, r.dram_bytes,"
    "  (SELECT value FROM run_params p WHERE p.run_id=r.id AND p.key='gpu.sm_count') AS sm_count,"
    "  (SELECT value FROM run_params p WHERE p.run_id=r.id AND p.key='memory.channels') AS channels,"
    "  (SELECT value FROM run_params p WHERE p.run_id=r.id AND p.key='prefetch.policy') AS prefetch,"
    "  (SELECT value FROM run_params p WHERE p.run_id=r.id AND p.key='prefetch.degree') AS prefetch_degree"
    "  FROM runs r;"
    /* speedup of each run against the first run of its sweep (or, outside sweeps,
       the first run of the same trace on the same GPU name) */
    "CREATE VIEW IF NOT EXISTS speedup AS SELECT r.id, r.sweep_id, r.point_key, r.sim_time_us,"
    "  b.id AS baseline_id, b.sim_time_us / r.sim_time_us AS speedup FROM runs r JOIN runs b ON b.id = ("
    "    SELECT MIN(x.id) FROM runs x WHERE (r.sweep_id IS NOT NULL AND x.sweep_id = r.sweep_id)"
    "      OR (r.sweep_id IS NULL AND x.sweep_id IS NULL AND x.trace_hash = r.trace_hash AND x.gpu = r.gpu));"
    /* one row per (run, knob, value) of a sweep, from its point key's params */
    "CREATE VIEW IF NOT EXISTS sweep_points AS SELECT r.id AS run_id, r.sweep_id, r.point_key, r.sim_time_us,"
    "  r.tflops, p.key AS knob, p.value AS value FROM runs r JOIN run_params p ON p.run_id = r.id"
    "  WHERE r.sweep_id IS NOT NULL AND instr(';' || r.point_key || ';', ';' || p.key || '=' || p.value || ';') > 0;";

/* Schema 1 -> 2: the energy columns (old rows get NULL). */
static const char *const migrate_v2_sql =
    "ALTER TABLE runs ADD COLUMN energy_j REAL; ALTER TABLE runs ADD COLUMN avg_power_w REAL;"
    "ALTER TABLE runs ADD COLUMN peak_power_w REAL; ALTER TABLE runs ADD COLUMN clock_mhz REAL;"
    "ALTER TABLE ops ADD COLUMN energy_j REAL; ALTER TABLE ops ADD COLUMN avg_power_w REAL;"
    "ALTER TABLE ops ADD COLUMN clock_mhz REAL;"
    "UPDATE meta SET value = '2' WHERE key = 'schema_version';";

/* Schema 2 -> 3: the sensitivity view orders text-valued knobs too (version 2's
 * compared values as numbers only, so prefetch.policy=none,stride gave no row);
 * views hold no data, so the old one is dropped and views_sql creates the new. */
static const char *const migrate_v3_sql =
    "DROP VIEW IF EXISTS sensitivity;"
    "UPDATE meta SET value = '3' WHERE key = 'schema_version';";

/* Schema 3 -> 4: the thermal model's temperatures (old rows get NULL); added by
 * migrate_v4 where the table lacks them. */
static const struct { const char *table, *column; } v4_columns[] = {
    { "runs", "temp_c" }, { "runs", "peak_temp_c" }, { "ops", "temp_c" },
};

static int migrate_v4(sqlite3 *h, char **msg)
{
    for (size_t i = 0; i < sizeof v4_columns / sizeof v4_columns[0]; i++) {
        char sql[160];
        sqlite3_stmt *st = NULL;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'", v4_columns[i].table,
                 v4_columns[i].column);
        int have = sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
                   sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
        if (have) continue;
        snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s REAL", v4_columns[i].table, v4_columns[i].column);
        int rc = sqlite3_exec(h, sql, NULL, NULL, msg);
        if (rc != SQLITE_OK) return rc;
    }
    return sqlite3_exec(h, "UPDATE meta SET value = '4' WHERE key = 'schema_version'", NULL, NULL, msg);
}

/* Schema 4 -> 5 (and a new database): the time breakdown, one ops column per
 * label of kernels/breakdown.h, bd_<label>_us (old rows get NULL); added where
 * the table lacks them. Only adds columns. */
static int migrate_v5(sqlite3 *h, char **msg)
{
    for (int i = 0; i < BD_N; i++) {
        char sql[160];
        sqlite3_stmt *st = NULL;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('ops') WHERE name = 'bd_%s_us'", bd_labels[i].name);
        int have = sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
                   sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
        if (have) continue;
        snprintf(sql, sizeof sql, "ALTER TABLE ops ADD COLUMN bd_%s_us REAL", bd_labels[i].name);
        int rc = sqlite3_exec(h, sql, NULL, NULL, msg);
        if (rc != SQLITE_OK) return rc;
    }
    return sqlite3_exec(h, "UPDATE meta SET value = '5' WHERE key = 'schema_version'", NULL, NULL, msg);
}

/* Views created after any migration: energy, performance per watt and
 * energy-delay product per run / design point (over the version 2 columns), and
 * the per-knob sensitivity of each sweep (version 3). */
static const char *const views_sql =
    "CREATE VIEW IF NOT EXISTS run_energy AS SELECT r.id, r.gpu, r.trace_path, r.sweep_id, r.point_key,"
    "  r.sim_time_us, r.energy_j, r.avg_power_w, r.peak_power_w, r.clock_mhz,"
    "  r.tflops / r.avg_power_w AS tflops_per_w, r.energy_j * r.sim_time_us * 1e-6 AS edp_js"
    "  FROM runs r WHERE r.energy_j IS NOT NULL;"
    /* sensitivity: for each sweep and knob, the speedup between adjacent values of the knob
       with every other knob held (same rest of the point key), averaged over those pairs.
       Adjacent means in numeric order when every value of the knob in the sweep is a number,
       else in the order the sweep's --vary listed them (so prefetch.policy=none,stride gives
       one row, none -> stride). knob_order ranks each (sweep, knob, value) once: a text value's
       rank is its offset in ",V1,V2,...," taken from the sweep spec's "vary":["KNOB=..."].
       steps pairs adjacent values first, so runs are joined only on equal (knob, others): a
       1200-point sweep answers in 0.25 s (version 2's all-pairs join took 90 s). */
    "CREATE VIEW IF NOT EXISTS sensitivity AS WITH"
    "  sp AS (SELECT run_id, sweep_id, knob, value, sim_time_us,"
    "    replace(';' || point_key || ';', ';' || knob || '=' || value || ';', ';') AS others FROM sweep_points),"
    "  kv AS (SELECT DISTINCT sweep_id, knob, value FROM sp),"
    "  kn AS (SELECT sweep_id, knob, max(value = '' OR value GLOB '*[^0-9.eE+-]*') AS text_valued FROM kv"
    "    GROUP BY sweep_id, knob),"
    "  kl AS (SELECT kn.sweep_id, kn.knob, kn.text_valued,"
    "    substr(s.spec, instr(s.spec, '\"vary\":[')) AS vary FROM kn JOIN sweeps s ON s.id = kn.sweep_id),"
    "  kr AS (SELECT kl.sweep_id, kl.knob, kl.text_valued,"
    "    substr(kl.vary, instr(kl.vary, '\"' || kl.knob || '=') + length(kl.knob) + 2) AS rest FROM kl),"
    "  knob_order AS (SELECT kv.sweep_id, kv.knob, kv.value, CASE WHEN kr.text_valued"
    "    THEN instr(',' || substr(kr.rest, 1, instr(kr.rest, '\"') - 1) || ',', ',' || kv.value || ',')"
    "    ELSE CAST(kv.value AS REAL) END AS rank FROM kv JOIN kr ON kr.sweep_id = kv.sweep_id AND kr.knob = kv.knob),"
    "  steps AS (SELECT a.sweep_id, a.knob, a.value AS from_value, b.value AS to_value FROM knob_order a"
    "    JOIN knob_order b ON b.sweep_id = a.sweep_id AND b.knob = a.knob AND b.rank > a.rank"
    "    WHERE NOT EXISTS (SELECT 1 FROM knob_order c WHERE c.sweep_id = a.sweep_id AND c.knob = a.knob"
    "      AND c.rank > a.rank AND c.rank < b.rank))"
    "  SELECT s.sweep_id, s.knob, s.from_value, s.to_value, avg(a.sim_time_us / b.sim_time_us) AS speedup,"
    "  count(*) AS pairs FROM steps s"
    "  JOIN sp a ON a.sweep_id = s.sweep_id AND a.knob = s.knob AND a.value = s.from_value"
    "  JOIN sp b ON b.sweep_id = s.sweep_id AND b.knob = s.knob AND b.value = s.to_value AND b.others = a.others"
    "  GROUP BY s.sweep_id, s.knob, s.from_value, s.to_value;";

static int schema_version(sqlite3 *h)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    if (sqlite3_prepare_v2(h, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Checks the path before SQLite opens it: a regular file (or nothing yet), which
 * this process may write (and its directory, for the journal), with SQLite's
 * header when not empty. *exists: 0 absent, 1 a non-empty file, 2 an empty one. */
static int db_inspect(const char *path, int *exists, char *err, size_t errlen)
{
    struct stat st;
    *exists = 0;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return 0; /* created below */
        snprintf(err, errlen, "%s: cannot open database: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file (a database is a file); left untouched", path);
        return -1;
    }
    *exists = 1;
    if (access(path, R_OK | W_OK) != 0) {
        snprintf(err, errlen, "%s: read-only database (%s): cannot store the run; left untouched", path, strerror(errno));
        return -1;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) slash[slash == dir] = 0;
    else snprintf(dir, sizeof dir, ".");
    if (access(dir, W_OK | X_OK) != 0) { /* SQLite writes its journal or write-ahead log beside the file */
        snprintf(err, errlen, "%s: read-only database (its directory %s: %s): cannot store the run; left untouched", path,
                 dir, strerror(errno));
        return -1;
    }
    if (st.st_size == 0) { *exists = 2; return 0; }
    FILE *f = fopen(path, "rb");
    char magic[16] = { 0 };
    size_t n = f ? fread(magic, 1, sizeof magic, f) : 0;
    if (f) fclose(f);
    if (n < sizeof magic || memcmp(magic, "SQLite format 3", 16) != 0) {
        snprintf(err, errlen, "%s: not a gpusim database (not an SQLite file); left untouched", path);
        return -1;
    }
    return 0;
}

/* The checks of an existing, non-empty SQLite file, by reads only on the
 * connection that will write (a second, read-only connection would leave -wal
 * and -shm files beside a WAL database; the last read-write connection's close
 * removes them). */
static int db_check_existing(sqlite3 *h, const char *path, char *err, size_t errlen)
{
    sqlite3_stmt *st2 = NULL;
    /* a corrupted file would take new rows into a broken b-tree */
    int rc = sqlite3_prepare_v2(h, "PRAGMA quick_check(1)", -1, &st2, NULL);
    const char *res = NULL;
    if (rc == SQLITE_OK && sqlite3_step(st2) == SQLITE_ROW) res = (const char *)sqlite3_column_text(st2, 0);
    if (!res || strcmp(res, "ok") != 0) {
        int notdb = sqlite3_errcode(h) == SQLITE_NOTADB;
        snprintf(err, errlen, notdb ? "%s: not a gpusim database (%.200s); left untouched"
                                    : "%s: corrupted database (integrity check: %.200s); left untouched",
                 path, res ? res : sqlite3_errmsg(h));
        for (char *c = err; *c; c++) if (*c == '\n') *c = ' ';
        sqlite3_finalize(st2);
        return -1;
    }
    sqlite3_finalize(st2);
    int ntables = -1, has_meta = 0, version = 0;
    rc = sqlite3_prepare_v2(h, "SELECT count(*), total(name = 'meta') FROM sqlite_master WHERE type = 'table'", -1, &st2, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st2) == SQLITE_ROW) {
        ntables = sqlite3_column_int(st2, 0);
        has_meta = sqlite3_column_int(st2, 1);
    }
    sqlite3_finalize(st2);
    if (ntables < 0) {
        snprintf(err, errlen, "%s: not a gpusim database (%s); left untouched", path, sqlite3_errmsg(h));
        return -1;
    }
    if (ntables == 0) return 0;
    if (has_meta) version = schema_version(h);
    if (!version) {
        snprintf(err, errlen, "%s: an SQLite database of another program (%d tables, no gpusim schema_version); "
                 "left untouched", path, ntables);
        return -1;
    }
    if (version > DB_SCHEMA_VERSION) {
        snprintf(err, errlen, "%s: written by a newer gpusim (schema version %d; this gpusim knows %d and older); "
                 "left untouched", path, version, DB_SCHEMA_VERSION);
        return -1;
    }
    return 0;
}

int db_open(db **out, const char *path, char *err, size_t errlen)
{
    int exists = 0;
    if (db_inspect(path, &exists, err, errlen)) return -1;
    db *d = calloc(1, sizeof *d);
    if (!d) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    d->created = !exists;
    snprintf(d->path, sizeof d->path, "%s", path);
    int rc = sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE), NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open database: %s", path, d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
        db_abandon(d);
        return -1;
    }
    sqlite3_busy_timeout(d->h, 30000);
    /* reads only, before any write (the WAL switch included): what gpusim must not write to is left as it was */
    if (exists == 1 && db_check_existing(d->h, path, err, errlen)) {
        db_abandon(d);
        return -1;
    }
    char *msg = NULL;
    /* the schema is set up (and migrated) in one transaction before the switch to WAL, which is
     * persistent and outside any transaction: a failed setup rolls back to the file as it was */
    rc = sqlite3_exec(d->h, "PRAGMA foreign_keys=ON;", NULL, NULL, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(d->h, "BEGIN IMMEDIATE", NULL, NULL, &msg);
    if (rc == SQLITE_OK && schema_version(d->h) > DB_SCHEMA_VERSION) { /* a newer gpusim got there since the inspection */
        sqlite3_free(msg);
        msg = sqlite3_mprintf("written by a newer gpusim (schema version %d)", schema_version(d->h));
        rc = SQLITE_ERROR;
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(d->h, schema_sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK && schema_version(d->h) == 1) rc = sqlite3_exec(d->h, migrate_v2_sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK && schema_version(d->h) == 2) rc = sqlite3_exec(d->h, migrate_v3_sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK && schema_version(d->h) == 3) rc = migrate_v4(d->h, &msg);
    if (rc == SQLITE_OK && (schema_version(d->h) == 4 || schema_version(d->h) == 0)) rc = migrate_v5(d->h, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(d->h, views_sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '%d')", DB_SCHEMA_VERSION);
        rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(d->h, "COMMIT", NULL, NULL, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(d->h, "PRAGMA journal_mode=WAL;", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot set up the schema: %s", path, msg ? msg : sqlite3_errmsg(d->h));
        sqlite3_free(msg);
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        db_abandon(d);
        return -1;
    }
    *out = d;
    return 0;
}

void db_abandon(db *d)
{
    if (!d) return;
    int created = d->created && !d->stored;
    char path[sizeof d->path + 8];
    snprintf(path, sizeof path, "%s", d->path);
    db_close(d);
    if (!created) return;
    /* the file did not exist before this connection: a failed run leaves no empty database behind */
    static const char *const sfx[] = { "", "-wal", "-shm", "-journal" };
    for (int i = 0; i < 4; i++) {
        char p[sizeof path + 16];
        snprintf(p, sizeof p, "%s%s", path, sfx[i]);
        unlink(p);
    }
}

void db_close(db *d)
{
    if (!d) return;
    sqlite3_close(d->h);
    free(d);
}

int db_sweep_begin(db *d, const char *spec, int resume, int64_t *sweep_id, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    *sweep_id = 0;
    if (resume && sqlite3_prepare_v2(d->h, "SELECT id FROM sweeps WHERE spec = ? ORDER BY id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, spec, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) *sweep_id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (*sweep_id) return 0;
    char now[32];
    time_t tt = time(NULL);
    struct tm tmv;
    gmtime_r(&tt, &tmv);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    if (sqlite3_prepare_v2(d->h, "INSERT INTO sweeps(created, spec) VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, spec, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) goto fail;
    sqlite3_finalize(st);
    *sweep_id = sqlite3_last_insert_rowid(d->h);
    return 0;
fail:
    snprintf(err, errlen, "database: %s", sqlite3_errmsg(d->h));
    sqlite3_finalize(st);
    return -1;
}

int db_sweep_has_point(db *d, int64_t sweep_id, const char *point_key)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(d->h, "SELECT 1 FROM runs WHERE sweep_id = ? AND point_key = ? LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, sweep_id);
        sqlite3_bind_text(st, 2, point_key, -1, SQLITE_TRANSIENT);
        int s = sqlite3_step(st);
        rc = s == SQLITE_ROW ? 1 : (s == SQLITE_DONE ? 0 : -1);
    }
    sqlite3_finalize(st);
    return rc;
}

void db_forget(db *d)
{
    (void)d; /* the child never uses or closes it; its memory goes with the process */
}

uint64_t db_hash_add(uint64_t h, const void *data, size_t len) { return fnv1a_add(h, data, len); }

void db_hash_fmt(uint64_t h, char out[17]) { snprintf(out, 17, "%016llx", (unsigned long long)h); }

void db_hash_hex(const void *data, size_t len, char out[17]) { db_hash_fmt(db_hash_add(DB_HASH_INIT, data, len), out); }

typedef struct hash_ctx { uint64_t h; } hash_ctx;

static void hash_kv(void *ctx, const char *key, const char *val)
{
    hash_ctx *c = ctx;
    const char *parts[] = { key, "=", val, "\n" };
    for (int i = 0; i < 4; i++)
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) { c->h ^= *p; c->h *= 0x100000001b3ULL; }
}

void db_hash_config(const gpu_config *cfg, char out[17])
{
    hash_ctx c = { 0xcbf29ce484222325ULL };
    config_foreach(cfg, hash_kv, &c);
    snprintf(out, 17, "%016llx", (unsigned long long)c.h);
}

typedef struct param_ctx { sqlite3_stmt *st; int64_t run; int rc; } param_ctx;

static void insert_param(void *ctx, const char *key, const char *val)
{
    param_ctx *p = ctx;
    if (p->rc != SQLITE_DONE) return;
    sqlite3_reset(p->st);
    sqlite3_bind_int64(p->st, 1, p->run);
    sqlite3_bind_text(p->st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(p->st, 3, val, -1, SQLITE_TRANSIENT);
    p->rc = sqlite3_step(p->st);
}

/* One ops row per op, as the rows come (rows.h: kept, or read back in trace order). */
typedef struct op_insert {
    sqlite3_stmt *st;
    const run_record *rec;
    int64_t id;
    int rc;                 /* the last step's: SQLITE_DONE while all is well */
} op_insert;

static int insert_op(void *ctx, size_t i, const op_result *o)
{
    op_insert *p = ctx;
    sqlite3_stmt *st = p->st;
    const run_result *res = p->rec->res;
    metrics m;
    metrics_op(p->rec->cfg, res, o, &m);
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    sqlite3_bind_text(st, 3, o->name ? o->name : "?", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, o->kind[0] ? o->kind : "?", -1, SQLITE_TRANSIENT); /* o may be a copy that goes away */
    if (o->dtype[0]) sqlite3_bind_text(st, 5, o->dtype, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(st, 5);
    const char *map = run_op_mapping(res, o);
    if (map[0]) sqlite3_bind_text(st, 6, map, -1, SQLITE_STATIC); else sqlite3_bind_null(st, 6);
    sqlite3_bind_double(st, 7, (double)o->start_ps / 1e6);
    sqlite3_bind_double(st, 8, m.time_us);
    sqlite3_bind_double(st, 9, o->flops);
    sqlite3_bind_double(st, 10, m.tflops);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)o->dram_bytes);
    sqlite3_bind_double(st, 12, m.dram_gbps);
    sqlite3_bind_double(st, 13, m.l2_hit_rate);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)o->pcie_bytes);
    sqlite3_bind_text(st, 15, o->bound[0] ? o->bound : "-", -1, SQLITE_TRANSIENT);
    if (o->ns_per_load > 0) sqlite3_bind_double(st, 16, o->ns_per_load); else sqlite3_bind_null(st, 16);
    sqlite3_bind_double(st, 17, o->energy_j);
    sqlite3_bind_double(st, 18, o->avg_power_w);
    sqlite3_bind_double(st, 19, o->clock_mhz);
    sqlite3_bind_double(st, 20, o->temp_c);
    for (int j = 0; j < BD_N; j++) sqlite3_bind_double(st, 21 + j, o->bd_us[j]);
    p->rc = sqlite3_step(st);
    return p->rc != SQLITE_DONE;
}

int db_store_run(db *d, const run_record *rec, int64_t *run_id, char *err, size_t errlen)
{
    const run_result *res = rec->res;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(d->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK) goto fail;
    if (rec->sweep_id && rec->point_key) {
        /* inside the write transaction: two --resume of one sweep run together store each point once */
        int has = db_sweep_has_point(d, rec->sweep_id, rec->point_key);
        if (has < 0) goto fail;
        if (has) {
            sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
            if (run_id) *run_id = 0;
            return 0;
        }
    }
    char now[32];
    time_t tt = time(NULL);
    struct tm tmv;
    gmtime_r(&tt, &tmv);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    rc = sqlite3_prepare_v2(d->h,
        "INSERT INTO runs(created, config_path, config_hash, trace_path, trace_hash, gpu, sim_time_us, cycles, tflops,"
        " dram_bytes, l2_hit_rate, pcie_bytes, wall_s, events, version, sweep_id, point_key,"
        " energy_j, avg_power_w, peak_power_w, clock_mhz, temp_c, peak_temp_c)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    metrics mr;
    metrics_run(res, &mr);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, rec->config_path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, rec->config_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, rec->trace_path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, rec->trace_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, rec->cfg->gpu.name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 7, mr.time_us);
    sqlite3_bind_double(st, 8, res->cycles);
    sqlite3_bind_double(st, 9, mr.tflops);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)res->dram_bytes);
    sqlite3_bind_double(st, 11, mr.l2_hit_rate);
    sqlite3_bind_int64(st, 12, (sqlite3_int64)res->pcie_bytes);
    sqlite3_bind_double(st, 13, rec->wall_s);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)res->events);
    sqlite3_bind_text(st, 15, GPUSIM_VERSION, -1, SQLITE_STATIC);
    if (rec->sweep_id) sqlite3_bind_int64(st, 16, rec->sweep_id); else sqlite3_bind_null(st, 16);
    if (rec->point_key) sqlite3_bind_text(st, 17, rec->point_key, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(st, 17);
    sqlite3_bind_double(st, 18, res->energy_j);
    sqlite3_bind_double(st, 19, res->avg_power_w);
    sqlite3_bind_double(st, 20, res->peak_power_w);
    sqlite3_bind_double(st, 21, res->clock_mhz);
    sqlite3_bind_double(st, 22, res->temp_c);
    sqlite3_bind_double(st, 23, res->peak_temp_c);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;
    if (rc != SQLITE_DONE) goto fail;
    int64_t id = sqlite3_last_insert_rowid(d->h);

    rc = sqlite3_prepare_v2(d->h, "INSERT INTO run_params(run_id, key, value) VALUES(?,?,?)", -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    param_ctx pc = { st, id, SQLITE_DONE };
    config_foreach(rec->cfg, insert_param, &pc);
    sqlite3_finalize(st);
    st = NULL;
    if (pc.rc != SQLITE_DONE) { rc = pc.rc; goto fail; }

    char ops_sql[1024], cols[400] = "", qs[64] = "";
    for (int j = 0; j < BD_N; j++) {
        size_t n = strlen(cols);
        snprintf(cols + n, sizeof cols - n, ", bd_%s_us", bd_labels[j].name);
        n = strlen(qs);
        snprintf(qs + n, sizeof qs - n, ",?");
    }
    snprintf(ops_sql, sizeof ops_sql,
        "INSERT INTO ops(run_id, idx, name, kind, dtype, mapping, start_us, time_us, flops, tflops, dram_bytes,"
        " dram_gbps, l2_hit_rate, pcie_bytes, bound, ns_per_load, energy_j, avg_power_w, clock_mhz, temp_c%s)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?%s)", cols, qs);
    rc = sqlite3_prepare_v2(d->h, ops_sql, -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    op_insert oi = { st, rec, id, SQLITE_DONE };
    if (run_rows_each(res, insert_op, &oi)) {
        if (oi.rc != SQLITE_DONE) { rc = oi.rc; goto fail; }
        snprintf(err, errlen, "cannot read the run's rows back (the temporary file failed)");
        sqlite3_finalize(st);
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    sqlite3_finalize(st);
    st = NULL;

    rc = sqlite3_prepare_v2(d->h, "INSERT INTO stats(run_id, component, metric, value) VALUES(?,?,?,?)", -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    for (size_t i = 0; i < res->st.n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, res->st.rows[i].component, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, res->st.rows[i].metric, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 4, res->st.rows[i].value);
        rc = sqlite3_step(st);
        if (rc != SQLITE_DONE) goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = sqlite3_exec(d->h, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) goto fail;
    d->stored = 1;
    if (run_id) *run_id = id;
    return 0;
fail:
    snprintf(err, errlen, "database: %s", sqlite3_errmsg(d->h));
    sqlite3_finalize(st);
    sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}
