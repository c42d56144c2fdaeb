/*
 * store.h - the storage API every module uses; no sqlite3 * or PGconn *
 * appears above it.
 *
 * A `struct store` is a pool of connections to one database, opened from a
 * URL: a file path or `sqlite:PATH` (SQLite), or `postgresql://...` /
 * `postgres://...` (PostgreSQL through libpq, see store_pg.c).  A request takes one connection (`struct db`) for its whole life
 * with store_acquire() and gives it back with store_release().
 *
 * SQL is written once in the subset both engines share: numbered parameters
 * `?1 ?2 ...`, BIGINT ids, TEXT (hashes as hex, never BLOB columns), no
 * sequences, triggers or engine-specific functions.
 *
 * Statements are prepared once per connection and cached by their SQL text:
 * db_prepare() returns a ready statement, the caller binds, steps, reads
 * columns and ALWAYS ends with stmt_done().  Bind errors are sticky and are
 * reported by the next stmt_step(), so call sites need not check each bind.
 */
#ifndef DF_STORE_H
#define DF_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "result.h"

struct store;
struct db;
struct stmt;

/* Returned by stmt_step() when a row is available (DF_OK means done). */
#define STMT_ROW 1

/* store_open - open a pool of `pool` connections (1..64) to url; the file is
 * created if missing. DF_EINVAL for an unknown URL scheme, DF_ESTORE if the
 * database cannot be opened (detail logged). */
int store_open(struct store **out, const char *url, int pool) DF_WUR;
/* store_redact - url with any password replaced by "***", for messages and
 * logs; out always ends in NUL (truncated if need be). */
void store_redact(const char *url, char *out, size_t outlen);
/* store_close - close every connection; all must have been released. */
void store_close(struct store *s);
/* store_backend - "sqlite" or "postgresql". */
const char *store_backend(const struct store *s);
/* store_acquire - take a free connection, waiting up to 10 s (DF_EBUSY then). */
int store_acquire(struct store *s, struct db **out) DF_WUR;
/* store_release - give a connection back; rolls back an open transaction. */
void store_release(struct db *db);
/* store_busy_ns - total nanoseconds spent in stmt_step/db_exec so far (for /metrics). */
uint64_t store_busy_ns(const struct store *s);
/* store_backup - copy the live database to path (SQLite online backup API);
 * DF_EINVAL on a backend that has its own tools (PostgreSQL: pg_dump). */
int store_backup(struct store *s, const char *path) DF_WUR;

/* db_errmsg - the last error text of this connection ("" if none). */
const char *db_errmsg(const struct db *db);
/* db_exec - run one or more statements without parameters (migrations, DDL). */
int db_exec(struct db *db, const char *sql) DF_WUR;
/* db_begin - start a write transaction (SQLite: BEGIN IMMEDIATE). */
int db_begin(struct db *db) DF_WUR;
/* db_commit - commit; on failure the transaction is rolled back.  A
 * transaction in which any statement failed is never committed: db_commit
 * rolls it back and returns that statement's error, on every engine (this
 * is PostgreSQL's rule, made SQLite's too so that code behaves the same). */
int db_commit(struct db *db) DF_WUR;
/* db_on_commit - run fn(db, arg) once, inside the next transaction to
 * commit on db, just before COMMIT: what it writes commits with the rest
 * or not at all.  An error from fn rolls the transaction back and is what
 * db_commit returns.  The hook is dropped after it ran and when the
 * connection goes back to the pool. */
void db_on_commit(struct db *db, int (*fn)(struct db *db, void *arg), void *arg);
/* db_rollback - roll back if a transaction is open; never fails visibly. */
void db_rollback(struct db *db);
/* db_in_tx - 1 inside a transaction begun with db_begin. */
int db_in_tx(const struct db *db);
/* db_prepare - a cached, reset statement for sql. DF_ESTORE on SQL errors. */
int db_prepare(struct db *db, const char *sql, struct stmt **out) DF_WUR;

/* Binding, 1-based indexes as in `?1`. Errors are sticky (see above). */
void stmt_bind_i64(struct stmt *st, int idx, int64_t v);
void stmt_bind_double(struct stmt *st, int idx, double v);
/* stmt_bind_text - text is copied; len < 0 means strlen; NULL binds NULL. */
void stmt_bind_text(struct stmt *st, int idx, const char *s, long len);
void stmt_bind_null(struct stmt *st, int idx);
/* stmt_bind_id - an id, or NULL when v is 0 (ids are never 0: "none"). */
void stmt_bind_id(struct stmt *st, int idx, int64_t v);

/* stmt_step - STMT_ROW when a row is ready, DF_OK when done; DF_ECONFLICT on
 * a unique/foreign-key violation, DF_EBUSY on lock timeout, DF_EUNAVAIL when
 * the database server cannot be reached (a read outside a transaction has
 * already been retried), DF_ESTORE else.  A failed statement dooms its
 * transaction (see db_commit). */
int stmt_step(struct stmt *st) DF_WUR;
/* Column readers, 0-based. Text is valid until the next step or done. */
int64_t stmt_i64(struct stmt *st, int col);
double stmt_double(struct stmt *st, int col);
const char *stmt_text(struct stmt *st, int col); /* NULL for SQL NULL */
int stmt_isnull(struct stmt *st, int col);
/* stmt_done - reset and clear bindings, returning the statement to the cache. */
void stmt_done(struct stmt *st);

/* store_i64 - run sql with up to 4 int64 params (nparams), read column 0 of
 * the first row into *out. DF_ENOTFOUND when there is no row. */
int db_query_i64(struct db *db, const char *sql, int nparams, const int64_t *params, int64_t *out) DF_WUR;
/* db_query_text - db_query_i64 for a text column: copied into out (len
 * bytes, truncated; "" for NULL). */
int db_query_text(struct db *db, const char *sql, int nparams, const int64_t *params, char *out,
		  size_t len) DF_WUR;
/* db_exec_i64 - run a statement that returns no rows (an UPDATE, DELETE,
 * INSERT) with nparams int64 params bound as ?1.. . */
int db_exec_i64(struct db *db, const char *sql, int nparams, const int64_t *params) DF_WUR;

#endif
