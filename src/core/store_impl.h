/*
 * store_impl.h - what a storage backend implements for store.c.  Only
 * store.c and the backends (store_sqlite.c, store_pg.c) include this.
 * store.c owns the pool, the statement cache and timing; a backend owns one
 * native connection and its native statements.
 */
#ifndef DF_STORE_IMPL_H
#define DF_STORE_IMPL_H

#include "store.h"

struct store_ops {
	const char *name;
	int (*open)(const char *target, void **conn, char *err, size_t errlen);
	void (*close)(void *conn);
	/* broken, reconnect - for client/server engines (NULL for SQLite): is the
	 * connection known to be lost, and open it again (DF_EUNAVAIL if the
	 * server still cannot be reached). */
	int (*broken)(void *conn);
	int (*reconnect)(void *conn, char *err, size_t errlen);
	int (*exec)(void *conn, const char *sql, char *err, size_t errlen);
	int (*prepare)(void *conn, const char *sql, void **native, char *err, size_t errlen);
	void (*finalize)(void *native);
	int (*bind_i64)(void *native, int idx, int64_t v);
	int (*bind_double)(void *native, int idx, double v);
	int (*bind_text)(void *native, int idx, const char *s, long len);
	int (*bind_null)(void *native, int idx);
	int (*step)(void *conn, void *native, char *err, size_t errlen);
	int64_t (*col_i64)(void *native, int col);
	double (*col_double)(void *native, int col);
	const char *(*col_text)(void *native, int col);
	int (*col_isnull)(void *native, int col);
	void (*reset)(void *native);
	int (*backup)(void *conn, const char *path, char *err, size_t errlen);
	const char *begin_sql; /* the statement that starts a write transaction */
	int single_writer;     /* 1: the engine allows one writer at a time */
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

#endif
