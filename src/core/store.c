/*
 * store.c - the connection pool, per-connection statement cache, timing and
 * transactions over a backend's store_ops (see store.h, store_impl.h).
 *
 * For a client/server backend it also hides short outages: a connection
 * found broken is reconnected when it is next taken from the pool, a write
 * transaction whose BEGIN meets a dead connection is begun again on a fresh
 * one, and a read-only statement outside a transaction is retried a few
 * times with backoff.  Nothing else is retried: a transaction cut off half
 * way is rolled back by the server and its request answers 503.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdatomic.h>
#include <time.h>
#include "log.h"
#include "store_impl.h"

#define CACHE_SLOTS 192
#define ERRLEN 256
#define RETRIES 3 /* reads retried after 50, 200 and 800 ms */

struct stmt {
	struct db *db;
	void *native;
	const char *sql_key; /* the caller's pointer, for a fast cache hit */
	char *sql;           /* owned copy for the slow path */
	int err;             /* sticky bind error */
	int cached;          /* 0: finalize at stmt_done */
	int readonly;        /* a SELECT: safe to run again after a lost connection */
};

struct db {
	struct store *store;
	void *conn;
	int in_use;
	int in_tx;
	int tx_err; /* the first error inside the transaction: it dooms it */
	int (*commit_hook)(struct db *db, void *arg); /* db_on_commit */
	void *commit_arg;
	struct stmt *cache[CACHE_SLOTS];
	int ncache;
	char err[ERRLEN];
};

struct store {
	const struct store_ops *ops;
	pthread_mutex_t write_lock; /* single-writer engines: writers queue here, not in the busy handler */
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct db *dbs;
	int n;
	_Atomic uint64_t busy_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static const struct store_ops *pick_backend(const char *url, const char **target)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*target = url;
		return &store_pg_ops;
	}
	if (strncmp(url, "sqlite:", 7) == 0) {
		*target = url + 7;
		return &store_sqlite_ops;
	}
	if (strstr(url, "://"))
		return NULL;
	*target = url;
	return &store_sqlite_ops;
}

void store_redact(const char *url, char *out, size_t outlen)
{
	const char *scheme = strstr(url, "://"), *at, *colon;

	snprintf(out, outlen, "%s", url);
	if (!scheme)
		return;
	at = strchr(scheme + 3, '@');
	colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	if (colon)
		snprintf(out, outlen, "%.*s:***%s", (int)(colon - url), url, at);
}

int store_open(struct store **out, const char *url, int pool)
{
	struct store *s = NULL;
	const char *target = NULL;
	char err[ERRLEN] = "";
	int rc = DF_ESTORE;

	*out = NULL;
	if (pool < 1 || pool > 64)
		return DF_EINVAL;
	s = calloc(1, sizeof *s);
	if (!s)
		return DF_ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->write_lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	s->ops = pick_backend(url, &target);
	if (!s->ops) {
		char shown[512];

		store_redact(url, shown, sizeof shown);
		log_error("msg=\"unsupported store URL\" url=\"%s\"", shown);
		rc = DF_EINVAL;
		goto out;
	}
	s->dbs = calloc((size_t)pool, sizeof *s->dbs);
	if (!s->dbs) {
		rc = DF_ENOMEM;
		goto out;
	}
	for (int i = 0; i < pool; i++) {
		s->dbs[i].store = s;
		rc = s->ops->open(target, &s->dbs[i].conn, err, sizeof err);
		if (rc != DF_OK) {
			char shown[512];

			store_redact(target, shown, sizeof shown);
			log_error("msg=\"cannot open store\" target=\"%s\" err=\"%s\"", shown, err);
			goto out;
		}
		s->n++;
	}
	*out = s;
	s = NULL;
	rc = DF_OK;
out:
	if (s)
		store_close(s);
	return rc;
}

static void stmt_free(struct stmt *st)
{
	if (!st)
		return;
	st->db->store->ops->finalize(st->native);
	free(st->sql);
	free(st);
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++) {
		struct db *db = &s->dbs[i];

		for (int j = 0; j < db->ncache; j++)
			stmt_free(db->cache[j]);
		s->ops->close(db->conn);
	}
	free(s->dbs);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->write_lock);
	pthread_cond_destroy(&s->freed);
	free(s);
}

const char *store_backend(const struct store *s)
{
	return s->ops->name;
}

/* revive - reconnect a connection known to be broken (outside any
 * transaction).  If the server is still away the connection stays broken
 * and its first statement answers DF_EUNAVAIL. */
static int revive(struct db *db)
{
	const struct store_ops *ops = db->store->ops;

	if (!ops->broken || !ops->broken(db->conn))
		return DF_OK;
	if (ops->reconnect(db->conn, db->err, sizeof db->err) != DF_OK) {
		log_warn("msg=\"store unreachable\" err=\"%s\"", db->err);
		return DF_EUNAVAIL;
	}
	log_info("msg=\"store reconnected\"");
	return DF_OK;
}

int store_acquire(struct store *s, struct db **out)
{
	struct timespec until;
	int rc = DF_EBUSY;

	*out = NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&s->lock);
	for (;;) {
		for (int i = 0; i < s->n; i++) {
			if (!s->dbs[i].in_use) {
				s->dbs[i].in_use = 1;
				*out = &s->dbs[i];
				rc = DF_OK;
				goto out;
			}
		}
		if (pthread_cond_timedwait(&s->freed, &s->lock, &until) != 0)
			goto out;
	}
out:
	pthread_mutex_unlock(&s->lock);
	if (rc == DF_OK)
		revive(*out);
	return rc;
}

void store_release(struct db *db)
{
	struct store *s;

	if (!db)
		return;
	s = db->store;
	db_rollback(db);
	db->commit_hook = NULL;
	pthread_mutex_lock(&s->lock);
	db->in_use = 0;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

uint64_t store_busy_ns(const struct store *s)
{
	return atomic_load(&s->busy_ns);
}

int store_backup(struct store *s, const char *path)
{
	struct db *db = NULL;
	int rc;

	if (!s->ops->backup)
		return DF_EINVAL;
	rc = store_acquire(s, &db);
	if (rc != DF_OK)
		return rc;
	rc = s->ops->backup(db->conn, path, db->err, sizeof db->err);
	if (rc != DF_OK)
		log_error("msg=\"backup failed\" path=\"%s\" err=\"%s\"", path, db->err);
	store_release(db);
	return rc;
}

const char *db_errmsg(const struct db *db)
{
	return db->err;
}

int db_exec(struct db *db, const char *sql)
{
	uint64_t t0 = now_ns();
	int rc = db->store->ops->exec(db->conn, sql, db->err, sizeof db->err);

	atomic_fetch_add(&db->store->busy_ns, now_ns() - t0);
	return rc;
}

/* SQLite has one writer at a time; when a backend says so, writers of this
 * process wait on a mutex (woken at once when it frees) instead of in
 * SQLite's busy handler, which sleeps and makes the tail latency long.
 * Other processes on the same file still meet the busy timeout. */
static void writer_enter(struct db *db)
{
	if (db->store->ops->single_writer)
		pthread_mutex_lock(&db->store->write_lock);
}

static void writer_leave(struct db *db)
{
	if (db->store->ops->single_writer)
		pthread_mutex_unlock(&db->store->write_lock);
}

int db_begin(struct db *db)
{
	int rc;

	if (db->in_tx)
		return DF_EINTERNAL;
	writer_enter(db);
	rc = db_exec(db, db->store->ops->begin_sql);
	if (rc == DF_EUNAVAIL && revive(db) == DF_OK) /* nothing was done yet: begin on the new connection */
		rc = db_exec(db, db->store->ops->begin_sql);
	if (rc == DF_OK) {
		db->in_tx = 1;
		db->tx_err = DF_OK;
	} else {
		writer_leave(db);
	}
	return rc;
}

int db_commit(struct db *db)
{
	int rc;

	if (!db->in_tx)
		return DF_EINTERNAL;
	if (db->tx_err != DF_OK) { /* PostgreSQL would roll back anyway: both engines do */
		rc = db->tx_err;
		log_error("msg=\"commit refused: a statement of the transaction failed\" err=%s", df_strerror(rc));
		db_rollback(db);
		return rc;
	}
	if (db->commit_hook) {
		int (*hook)(struct db *, void *) = db->commit_hook;

		db->commit_hook = NULL;
		rc = hook(db, db->commit_arg);
		if (rc == DF_OK && db->tx_err != DF_OK)
			rc = db->tx_err;
		if (rc != DF_OK) {
			db_rollback(db);
			return rc;
		}
	}
	rc = db_exec(db, "COMMIT");
	if (rc != DF_OK) {
		db_rollback(db);
		return rc;
	}
	db->in_tx = 0;
	writer_leave(db);
	return DF_OK;
}

void db_rollback(struct db *db)
{
	char err[ERRLEN];

	if (!db->in_tx)
		return;
	(void)db->store->ops->exec(db->conn, "ROLLBACK", err, sizeof err);
	db->in_tx = 0;
	writer_leave(db);
}

void db_on_commit(struct db *db, int (*fn)(struct db *db, void *arg), void *arg)
{
	db->commit_hook = fn;
	db->commit_arg = arg;
}

int db_in_tx(const struct db *db)
{
	return db->in_tx;
}

/* cache_find - the cached statement for this SQL text.  The caller's
 * pointer is tried first (SQL is nearly always a literal), but the text is
 * always compared: SQL built in a reused buffer has the same address and
 * other text. */
static struct stmt *cache_find(struct db *db, const char *sql)
{
	for (int i = 0; i < db->ncache; i++)
		if (db->cache[i]->sql_key == sql && strcmp(db->cache[i]->sql, sql) == 0)
			return db->cache[i];
	for (int i = 0; i < db->ncache; i++)
		if (strcmp(db->cache[i]->sql, sql) == 0)
			return db->cache[i];
	return NULL;
}

int db_prepare(struct db *db, const char *sql, struct stmt **out)
{
	struct stmt *st;
	int rc;

	*out = NULL;
	st = cache_find(db, sql);
	if (st) {
		st->err = DF_OK;
		*out = st;
		return DF_OK;
	}
	st = calloc(1, sizeof *st);
	if (!st)
		return DF_ENOMEM;
	st->db = db;
	st->sql_key = sql;
	st->sql = strdup(sql);
	st->readonly = strncasecmp(sql + strspn(sql, " \t\n"), "SELECT", 6) == 0;
	if (!st->sql) {
		free(st);
		return DF_ENOMEM;
	}
	rc = db->store->ops->prepare(db->conn, sql, &st->native, db->err, sizeof db->err);
	if (rc == DF_EUNAVAIL && !db->in_tx && revive(db) == DF_OK) /* preparing runs nothing */
		rc = db->store->ops->prepare(db->conn, sql, &st->native, db->err, sizeof db->err);
	if (rc != DF_OK) {
		log_error("msg=\"prepare failed\" err=\"%s\"", db->err);
		free(st->sql);
		free(st);
		return rc;
	}
	if (db->ncache < CACHE_SLOTS) {
		db->cache[db->ncache++] = st;
		st->cached = 1;
	}
	*out = st;
	return DF_OK;
}

static void keep_err(struct stmt *st, int rc)
{
	if (st->err == DF_OK && rc != DF_OK)
		st->err = rc;
}

void stmt_bind_i64(struct stmt *st, int idx, int64_t v)
{
	keep_err(st, st->db->store->ops->bind_i64(st->native, idx, v));
}

void stmt_bind_id(struct stmt *st, int idx, int64_t v)
{
	if (v)
		stmt_bind_i64(st, idx, v);
	else
		stmt_bind_null(st, idx);
}

void stmt_bind_double(struct stmt *st, int idx, double v)
{
	keep_err(st, st->db->store->ops->bind_double(st->native, idx, v));
}

void stmt_bind_text(struct stmt *st, int idx, const char *s, long len)
{
	const struct store_ops *ops = st->db->store->ops;

	if (!s)
		keep_err(st, ops->bind_null(st->native, idx));
	else
		keep_err(st, ops->bind_text(st->native, idx, s, len));
}

void stmt_bind_null(struct stmt *st, int idx)
{
	keep_err(st, st->db->store->ops->bind_null(st->native, idx));
}

int stmt_step(struct stmt *st)
{
	struct db *db = st->db;
	uint64_t t0;
	int rc;

	if (st->err != DF_OK)
		return st->err;
	t0 = now_ns();
	rc = db->store->ops->step(db->conn, st->native, db->err, sizeof db->err);
	/* a read outside a transaction may run again on a new connection */
	for (int i = 0; rc == DF_EUNAVAIL && st->readonly && !db->in_tx && i < RETRIES; i++) {
		nap_ms(50 << (2 * i));
		if (revive(db) == DF_OK)
			rc = db->store->ops->step(db->conn, st->native, db->err, sizeof db->err);
	}
	atomic_fetch_add(&db->store->busy_ns, now_ns() - t0);
	if (rc < 0 && db->in_tx && db->tx_err == DF_OK)
		db->tx_err = rc;
	if (rc < 0 && rc != DF_ECONFLICT)
		log_error("msg=\"step failed\" rc=%d err=\"%s\" sql=\"%.120s\"", rc, db->err, st->sql);
	return rc;
}

int64_t stmt_i64(struct stmt *st, int col)
{
	return st->db->store->ops->col_i64(st->native, col);
}

double stmt_double(struct stmt *st, int col)
{
	return st->db->store->ops->col_double(st->native, col);
}

const char *stmt_text(struct stmt *st, int col)
{
	return st->db->store->ops->col_text(st->native, col);
}

int stmt_isnull(struct stmt *st, int col)
{
	return st->db->store->ops->col_isnull(st->native, col);
}

void stmt_done(struct stmt *st)
{
	if (!st)
		return;
	if (!st->cached) {
		stmt_free(st);
		return;
	}
	st->db->store->ops->reset(st->native);
	st->err = DF_OK;
}

/* query_one - sql with its int64 params, stepped once: STMT_ROW with st
 * left open on the row (the caller reads and closes it), else the result
 * with st closed. */
static int query_one(struct db *db, const char *sql, int nparams, const int64_t *params, struct stmt **st)
{
	int rc = db_prepare(db, sql, st);

	if (rc != DF_OK)
		return rc;
	for (int i = 0; i < nparams; i++)
		stmt_bind_i64(*st, i + 1, params[i]);
	rc = stmt_step(*st);
	if (rc != STMT_ROW)
		stmt_done(*st);
	return rc;
}

int db_query_text(struct db *db, const char *sql, int nparams, const int64_t *params, char *out, size_t len)
{
	struct stmt *st = NULL;
	int rc = query_one(db, sql, nparams, params, &st);

	if (rc != STMT_ROW)
		return rc == DF_OK ? DF_ENOTFOUND : rc;
	snprintf(out, len, "%s", stmt_text(st, 0) ? stmt_text(st, 0) : "");
	stmt_done(st);
	return DF_OK;
}

int db_exec_i64(struct db *db, const char *sql, int nparams, const int64_t *params)
{
	struct stmt *st = NULL;
	int rc = query_one(db, sql, nparams, params, &st);

	if (rc == STMT_ROW) {
		stmt_done(st);
		rc = DF_OK;
	}
	return rc;
}

int db_query_i64(struct db *db, const char *sql, int nparams, const int64_t *params, int64_t *out)
{
	struct stmt *st = NULL;
	int rc = query_one(db, sql, nparams, params, &st);

	if (rc != STMT_ROW)
		return rc == DF_OK ? DF_ENOTFOUND : rc;
	*out = stmt_i64(st, 0);
	stmt_done(st);
	return DF_OK;
}
