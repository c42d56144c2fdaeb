/*
 * test_store.c - the store contract, run on every backend at hand: SQLite
 * always, and PostgreSQL when DAFTAR_TEST_PG names a server (a base URL
 * such as postgresql://postgres@127.0.0.1:5432/; scripts/run-tests starts a
 * throwaway one).  The same assertions on both engines are what lets the
 * modules write their SQL once: parameters, types, NULLs, a failed
 * statement dooming its transaction, one writer at a time, and (PostgreSQL)
 * surviving a connection killed under it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/id.h"
#include "core/store.h"

struct backend {
	char url[512];  /* what store_open is given */
	char admin[512]; /* PostgreSQL: the maintenance database, to create/drop ours */
	char dbname[64];
	char dir[64];
};

static int setup_sqlite(void **state)
{
	static struct backend b;

	snprintf(b.dir, sizeof b.dir, "/tmp/daftar-test-store-XXXXXX");
	if (!mkdtemp(b.dir))
		return -1;
	snprintf(b.url, sizeof b.url, "%s/t.db", b.dir);
	*state = &b;
	return 0;
}

static int teardown_sqlite(void **state)
{
	struct backend *b = *state;
	char path[600];

	snprintf(path, sizeof path, "%s-wal", b->url);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", b->url);
	unlink(path);
	unlink(b->url);
	rmdir(b->dir);
	return 0;
}

/* admin_exec - one statement on the maintenance database (CREATE/DROP
 * DATABASE cannot run in a transaction, which db_exec does not open). */
static int admin_exec(const struct backend *b, const char *sql)
{
	struct store *s = NULL;
	struct db *db = NULL;
	int rc = store_open(&s, b->admin, 1);

	if (rc == DF_OK)
		rc = store_acquire(s, &db);
	if (rc == DF_OK)
		rc = db_exec(db, sql);
	store_release(db);
	store_close(s);
	return rc;
}

static int setup_pg(void **state)
{
	static struct backend b;
	const char *base = getenv("DAFTAR_TEST_PG");
	char sql[128];

	snprintf(b.dbname, sizeof b.dbname, "store_unit_%d", (int)getpid());
	snprintf(b.admin, sizeof b.admin, "%spostgres", base);
	snprintf(b.url, sizeof b.url, "%s%s", base, b.dbname);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", b.dbname);
	if (admin_exec(&b, sql) != DF_OK)
		return -1;
	*state = &b;
	return 0;
}

static int teardown_pg(void **state)
{
	struct backend *b = *state;
	char sql[128];

	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", b->dbname);
	return admin_exec(b, sql) == DF_OK ? 0 : -1;
}

/* open_fresh - the backend's store with an empty table t. */
static struct store *open_fresh(void **state, int pool)
{
	struct backend *b = *state;
	struct store *s = NULL;
	struct db *db = NULL;

	assert_int_equal(store_open(&s, b->url, pool), DF_OK);
	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(db_exec(db, "DROP TABLE IF EXISTS t;"
				     " CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
				     " x DOUBLE PRECISION, n BIGINT)"), DF_OK);
	store_release(db);
	return s;
}

static int insert(struct db *db, int64_t id, const char *name, double x)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO t (id, name, x, n) VALUES (?1, ?2, ?3, ?1)", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	stmt_bind_text(st, 2, name, -1);
	stmt_bind_double(st, 3, x);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

static int64_t count(struct db *db)
{
	int64_t n = -1;

	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM t", 0, NULL, &n), DF_OK);
	return n;
}

static void parameters_types_and_nulls(void **state)
{
	static const char urdu[] = "\u06a9\u0648\u0626\u0679\u06c1 'it''s' ?1";
	const int64_t big = INT64_C(4611686018427387904) + 7;
	struct store *s = open_fresh(state, 1);
	struct db *db = NULL;
	struct stmt *st = NULL;

	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(insert(db, big, urdu, 31.25), DF_OK);
	/* a parameter used twice, a '?' inside a literal, a comparison as a column */
	assert_int_equal(db_prepare(db, "SELECT name, x, n, '?1' || name, n = ?1, id / 2 FROM t"
					" WHERE id = ?1 -- a comment with ?2 in it\n", &st), DF_OK);
	stmt_bind_i64(st, 1, big);
	assert_int_equal(stmt_step(st), STMT_ROW);
	assert_string_equal(stmt_text(st, 0), urdu);
	assert_true(stmt_double(st, 1) == 31.25);
	assert_true(stmt_i64(st, 2) == big);
	assert_true(strncmp(stmt_text(st, 3), "?1", 2) == 0);
	assert_int_equal(stmt_i64(st, 4), 1);
	assert_true(stmt_i64(st, 5) == big / 2); /* integer division on both */
	assert_int_equal(stmt_step(st), DF_OK);
	stmt_done(st);

	/* NULL in, NULL out; aggregates over nothing; no row */
	assert_int_equal(db_prepare(db, "SELECT COALESCE(?1, 'none'), MAX(x), SUM(n) FROM t WHERE id = ?2", &st), DF_OK);
	stmt_bind_text(st, 1, NULL, 0);
	stmt_bind_i64(st, 2, 1);
	assert_int_equal(stmt_step(st), STMT_ROW);
	assert_string_equal(stmt_text(st, 0), "none");
	assert_true(stmt_isnull(st, 1));
	assert_null(stmt_text(st, 2));
	stmt_done(st);
	assert_int_equal(db_query_i64(db, "SELECT n FROM t WHERE id = ?1", 1, (int64_t[]){ 1 }, &(int64_t){ 0 }),
			 DF_ENOTFOUND);
	/* SQLite's bare `?`, numbered one past the largest so far: many of them */
	assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM t WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st),
			 DF_OK);
	for (int i = 1; i <= 12; i++)
		stmt_bind_i64(st, i, i == 12 ? big : i);
	assert_int_equal(stmt_step(st), STMT_ROW);
	assert_int_equal(stmt_i64(st, 0), 1);
	stmt_done(st);
	/* an unbound parameter is NULL, as SQLite has it */
	assert_int_equal(db_prepare(db, "SELECT COUNT(*) FROM t WHERE n = ?1", &st), DF_OK);
	assert_int_equal(stmt_step(st), STMT_ROW);
	assert_int_equal(stmt_i64(st, 0), 0);
	stmt_done(st);
	/* SQL errors are errors, with a message */
	assert_int_equal(db_prepare(db, "SELECT nope FROM nowhere", &st), DF_ESTORE);
	assert_true(strlen(db_errmsg(db)) > 0);
	store_release(db);
	store_close(s);
}

static void a_failed_statement_dooms_its_transaction(void **state)
{
	struct store *s = open_fresh(state, 1);
	struct db *db = NULL;

	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(insert(db, id_next(), "Quetta", 1), DF_OK);
	assert_int_equal(db_commit(db), DF_OK);

	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(insert(db, id_next(), "Kech", 2), DF_OK);
	assert_int_equal(insert(db, id_next(), "Quetta", 3), DF_ECONFLICT);
	/* what SQLite alone would allow: go on and commit the first insert */
	assert_int_equal(db_commit(db), DF_ECONFLICT);
	assert_false(db_in_tx(db));
	assert_int_equal(count(db), 1);
	/* and the connection is fine afterwards */
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(insert(db, id_next(), "Kech", 2), DF_OK);
	assert_int_equal(db_commit(db), DF_OK);
	assert_int_equal(count(db), 2);
	/* an open transaction is rolled back when the connection goes back */
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(db_exec(db, "DELETE FROM t"), DF_OK);
	store_release(db);
	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(count(db), 2);
	store_release(db);
	store_close(s);
}

struct writer {
	struct store *s;
	atomic_int began;
	int rc;
};

static void *second_writer(void *arg)
{
	struct writer *w = arg;
	struct db *db = NULL;

	w->rc = store_acquire(w->s, &db);
	if (w->rc == DF_OK)
		w->rc = db_begin(db);
	atomic_store(&w->began, 1);
	if (w->rc == DF_OK)
		w->rc = insert(db, id_next(), "second", 2);
	if (w->rc == DF_OK)
		w->rc = db_commit(db);
	store_release(db);
	return NULL;
}

/* One writer at a time, on every engine: while one transaction is open a
 * second cannot begin, and it sees the first's rows once it does. */
static void writers_queue_one_at_a_time(void **state)
{
	struct writer w = { .s = open_fresh(state, 2) };
	struct db *db = NULL;
	pthread_t th;

	assert_int_equal(store_acquire(w.s, &db), DF_OK);
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(insert(db, id_next(), "first", 1), DF_OK);
	assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
	usleep(300 * 1000);
	assert_int_equal(atomic_load(&w.began), 0);
	assert_int_equal(db_commit(db), DF_OK);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.rc, DF_OK);
	assert_int_equal(count(db), 2);
	store_release(db);
	store_close(w.s);
}

/* kill_backend - end conn's server process from another connection, as a
 * restart or a network cut would (PostgreSQL's own function, test-only). */
static void kill_backend(struct store *s, int64_t pid)
{
	struct db *other = NULL;
	int64_t ok = 0;

	assert_int_equal(store_acquire(s, &other), DF_OK);
	assert_int_equal(db_query_i64(other, "SELECT CAST(pg_terminate_backend(CAST(?1 AS INTEGER)) AS INTEGER)", 1,
				      &pid, &ok), DF_OK);
	assert_int_equal(ok, 1);
	store_release(other);
	usleep(100 * 1000);
}

static void pg_survives_a_lost_connection(void **state)
{
	struct store *s = open_fresh(state, 2);
	struct db *db = NULL;
	int64_t pid = 0, n = 0;

	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(db_query_i64(db, "SELECT pg_backend_pid()", 0, NULL, &pid), DF_OK);
	assert_int_equal(insert(db, id_next(), "before", 1), DF_OK);

	/* a read outside a transaction is retried on a new connection */
	kill_backend(s, pid);
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM t", 0, NULL, &n), DF_OK);
	assert_int_equal(n, 1);

	/* a write cut off inside its transaction fails whole and is not retried */
	assert_int_equal(db_query_i64(db, "SELECT pg_backend_pid()", 0, NULL, &pid), DF_OK);
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(insert(db, id_next(), "lost", 2), DF_OK);
	kill_backend(s, pid);
	assert_int_equal(insert(db, id_next(), "lost too", 3), DF_EUNAVAIL);
	assert_int_equal(db_commit(db), DF_EUNAVAIL);
	store_release(db);

	/* the next user of the connection gets it back, and nothing half-done */
	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(count(db), 1);
	/* a transaction whose BEGIN meets a dead connection begins on a new one */
	assert_int_equal(db_query_i64(db, "SELECT pg_backend_pid()", 0, NULL, &pid), DF_OK);
	kill_backend(s, pid);
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(insert(db, id_next(), "after", 4), DF_OK);
	assert_int_equal(db_commit(db), DF_OK);
	assert_int_equal(count(db), 2);
	store_release(db);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest sqlite[] = {
		cmocka_unit_test(parameters_types_and_nulls),
		cmocka_unit_test(a_failed_statement_dooms_its_transaction),
		cmocka_unit_test(writers_queue_one_at_a_time),
	};
	const struct CMUnitTest pg[] = {
		cmocka_unit_test(parameters_types_and_nulls),
		cmocka_unit_test(a_failed_statement_dooms_its_transaction),
		cmocka_unit_test(writers_queue_one_at_a_time),
		cmocka_unit_test(pg_survives_a_lost_connection),
	};
	int failed = cmocka_run_group_tests_name("store on sqlite", sqlite, setup_sqlite, teardown_sqlite);

	if (getenv("DAFTAR_TEST_PG") && getenv("DAFTAR_TEST_PG")[0])
		failed += cmocka_run_group_tests_name("store on postgresql", pg, setup_pg, teardown_pg);
	else
		printf("store on postgresql: skipped (DAFTAR_TEST_PG is not set)\n");
	return failed;
}
