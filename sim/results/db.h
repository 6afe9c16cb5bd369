/*
 * db.h: the results database (SQLite). The only user of SQLite.
 *
 * One transaction per run: a run's rows (runs, run_params, ops, stats) appear
 * together or not at all. WAL mode and a busy timeout let several gpusim
 * processes write one database. A file that is not SQLite is refused untouched.
 */
#ifndef GPUSIM_DB_H
#define GPUSIM_DB_H

#include <stddef.h>
#include <stdint.h>

#include "arch/hash.h"
#include "config/config.h"
#include "kernels/runner.h"

/* 2: energy_j, avg_power_w, peak_power_w (runs), clock_mhz (runs, ops); view run_energy.
 * 3: the sensitivity view ranks text-valued knobs (in --vary order) as well as numbers.
 * 4: temp_c, peak_temp_c (runs), temp_c (ops): the thermal model's die temperature.
 * 5: bd_<label>_us (ops) for every label of kernels/breakdown.h: where the op's time went. */
#define DB_SCHEMA_VERSION 5

typedef struct db db;

typedef struct run_record {
    const char *config_path;
    const char *trace_path;
    char config_hash[17];   /* of the effective parameters */
    char trace_hash[17];    /* of the trace file's bytes */
    const gpu_config *cfg;
    const run_result *res;
    double wall_s;
    int64_t sweep_id;       /* 0: none */
    const char *point_key;  /* sweep point, NULL: none */
} run_record;

/* Opens (creating if needed) and migrates. Before writing anything it refuses,
 * leaving the file byte-identical: a path that is not a regular file, a file it
 * cannot write (reported as read-only), a file that is not SQLite, an SQLite
 * database of another program (tables but no gpusim schema_version), a schema
 * newer than DB_SCHEMA_VERSION, and a database that fails PRAGMA quick_check.
 * Returns 0, or -1 with err. */
int db_open(db **out, const char *path, char *err, size_t errlen);
void db_close(db *d);
/* Closes after a failure: a database file this connection created and stored
 * nothing in is removed (with its -wal, -shm and -journal). Accepts NULL. */
void db_abandon(db *d);
/* Stores one run in one transaction; returns 0 and its id, or -1 with err (nothing stored).
 * A sweep point already stored under its sweep is not stored again (id 0). */
int db_store_run(db *d, const run_record *rec, int64_t *run_id, char *err, size_t errlen);
/* Finds (resume) or creates the sweep with this spec; returns 0 and its id, or -1 with err. */
int db_sweep_begin(db *d, const char *spec, int resume, int64_t *sweep_id, char *err, size_t errlen);
/* 1 when the sweep already has a run for the point, 0 when not, -1 on error. */
int db_sweep_has_point(db *d, int64_t sweep_id, const char *point_key);
/* In a forked child: drops the handle without closing the parent's connection. */
void db_forget(db *d);
/* FNV-1a 64 as 16 hex digits. */
void db_hash_hex(const void *data, size_t len, char out[17]);
/* The same a piece at a time: h = DB_HASH_INIT, h = db_hash_add(h, ...) over the bytes in order, db_hash_fmt(h, out). */
#define DB_HASH_INIT FNV1A_INIT /* arch/hash.h: FNV-1a */
uint64_t db_hash_add(uint64_t h, const void *data, size_t len);
void db_hash_fmt(uint64_t h, char out[17]);
void db_hash_config(const gpu_config *cfg, char out[17]);

#endif
