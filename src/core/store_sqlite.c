/*
 * store_sqlite.c - the SQLite backend of the store API.
 *
 * Every connection runs in WAL mode with synchronous=FULL (a 2xx is durable,
 * even across power loss), foreign keys on and a 5 s busy timeout.  Write
 * transactions start with BEGIN IMMEDIATE so that two writers queue on the
 * busy handler instead of deadlocking on a lock upgrade.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include "store_impl.h"

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DF_OK;
	case SQLITE_CONSTRAINT:
		return DF_ECONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DF_EBUSY;
	case SQLITE_NOMEM:
		return DF_ENOMEM;
	case SQLITE_TOOBIG:
		return DF_ETOOBIG;
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		return DF_EINTERNAL;
	default:
		return DF_ESTORE;
	}
}

static void set_err(sqlite3 *c, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", c ? sqlite3_errmsg(c) : "out of memory");
}

static int sq_open(const char *target, void **conn, char *err, size_t errlen)
{
	sqlite3 *c = NULL;
	int rc;

	rc = sqlite3_open_v2(target, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c, 5000);
	rc = sqlite3_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			     "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	*conn = c;
	return DF_OK;
fail:
	set_err(c, err, errlen);
	sqlite3_close(c);
	return DF_ESTORE;
}

static void sq_close(void *conn)
{
	sqlite3_close(conn);
}

static int sq_exec(void *conn, const char *sql, char *err, size_t errlen)
{
	int rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		set_err(conn, err, errlen);
	return map_rc(rc);
}

static int sq_prepare(void *conn, const char *sql, void **native, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);

	if (rc != SQLITE_OK) {
		set_err(conn, err, errlen);
		return DF_ESTORE;
	}
	*native = st;
	return DF_OK;
}

static void sq_finalize(void *native)
{
	sqlite3_finalize(native);
}

static int sq_bind_i64(void *native, int idx, int64_t v)
{
	return map_rc(sqlite3_bind_int64(native, idx, v));
}

static int sq_bind_double(void *native, int idx, double v)
{
	return map_rc(sqlite3_bind_double(native, idx, v));
}

static int sq_bind_text(void *native, int idx, const char *s, long len)
{
	return map_rc(sqlite3_bind_text(native, idx, s, len < 0 ? -1 : (int)len, SQLITE_TRANSIENT));
}

static int sq_bind_null(void *native, int idx)
{
	return map_rc(sqlite3_bind_null(native, idx));
}

static int sq_step(void *conn, void *native, char *err, size_t errlen)
{
	int rc = sqlite3_step(native);

	if (rc == SQLITE_ROW)
		return STMT_ROW;
	if (rc == SQLITE_DONE)
		return DF_OK;
	set_err(conn, err, errlen);
	return map_rc(rc);
}

static int64_t sq_col_i64(void *native, int col)
{
	return sqlite3_column_int64(native, col);
}

static double sq_col_double(void *native, int col)
{
	return sqlite3_column_double(native, col);
}

static const char *sq_col_text(void *native, int col)
{
	return (const char *)sqlite3_column_text(native, col);
}

static int sq_col_isnull(void *native, int col)
{
	return sqlite3_column_type(native, col) == SQLITE_NULL;
}

static void sq_reset(void *native)
{
	sqlite3_reset(native);
	sqlite3_clear_bindings(native);
}

static int sq_backup(void *conn, const char *path, char *err, size_t errlen)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b = NULL;
	int rc;

	rc = sqlite3_open(path, &dst);
	if (rc != SQLITE_OK)
		goto out;
	b = sqlite3_backup_init(dst, "main", conn, "main");
	if (!b) {
		rc = sqlite3_errcode(dst);
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	rc = sqlite3_backup_finish(b);
out:
	if (rc != SQLITE_OK)
		set_err(dst, err, errlen);
	sqlite3_close(dst);
	return map_rc(rc);
}

const struct store_ops store_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_i64 = sq_bind_i64,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_i64 = sq_col_i64,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_isnull = sq_col_isnull,
	.reset = sq_reset,
	.backup = sq_backup,
	.begin_sql = "BEGIN IMMEDIATE",
	.single_writer = 1,
};
