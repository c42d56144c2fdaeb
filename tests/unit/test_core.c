/*
 * test_core.c - unit tests of the core's small pieces: ids (unique and
 * ordered across threads), the capped buffer, configuration parsing, and the
 * store API on a real SQLite file (binding, conflicts, transactions,
 * migrations).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/id.h"
#include "core/netaddr.h"
#include "core/migrate.h"
#include "core/module.h"
#include "core/store.h"

#define THREADS 4
#define PER_THREAD 20000

static int64_t ids[THREADS][PER_THREAD];

static void *make_ids(void *arg)
{
	int64_t *out = arg;

	for (int i = 0; i < PER_THREAD; i++)
		out[i] = id_next();
	return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void ids_unique_and_ordered_across_threads(void **state)
{
	pthread_t t[THREADS];
	int64_t *all = malloc(sizeof ids);

	(void)state;
	assert_int_equal(id_set_node(7), DF_OK);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, make_ids, ids[i]), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	/* each thread saw strictly increasing ids */
	for (int i = 0; i < THREADS; i++)
		for (int j = 1; j < PER_THREAD; j++)
			assert_true(ids[i][j] > ids[i][j - 1]);
	/* no id was issued twice, all positive, all carry the node id */
	memcpy(all, ids, sizeof ids);
	qsort(all, THREADS * PER_THREAD, sizeof *all, cmp_i64);
	for (int k = 1; k < THREADS * PER_THREAD; k++)
		assert_true(all[k] > all[k - 1]);
	assert_true(all[0] > 0);
	/* the time in an id is close to now */
	assert_true(llabs(id_time_ms(id_next()) - id_time_ms(all[THREADS * PER_THREAD - 1])) < 60000);
	free(all);
	assert_int_equal(id_set_node(1024), DF_EINVAL);
	assert_int_equal(id_set_node(-1), DF_EINVAL);
}

static void buf_respects_cap(void **state)
{
	struct buf b;
	char *s;
	size_t len;

	(void)state;
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_adds(&b, "hello"), DF_OK);
	assert_int_equal(buf_addf(&b, "%d", 1234), DF_OK);
	assert_string_equal(buf_str(&b), "hello1234");
	assert_int_equal(buf_adds(&b, "xy"), DF_ETOOBIG);
	assert_string_equal(buf_str(&b), "hello1234"); /* kept what it had */
	assert_int_equal(buf_adds(&b, "x"), DF_OK);
	s = buf_detach(&b, &len);
	assert_int_equal(len, 10);
	assert_string_equal(s, "hello1234x");
	assert_null(b.ptr);
	free(s);
	buf_release(&b);
}

static void config_file_and_overrides(void **state)
{
	struct config c;
	char err[256], path[] = "/tmp/daftar-test-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fprintf(f, "[server]\nthreads = 9\nlisten = 127.0.0.1:9999\n[auth]\nsession_idle_s = 120\n");
	fclose(f);
	config_defaults(&c);
	assert_int_equal(c.threads, 4);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), DF_OK);
	assert_int_equal(c.threads, 9);
	assert_string_equal(c.listen, "127.0.0.1:9999");
	assert_int_equal(c.session_idle_s, 120);
	assert_int_equal(config_set(&c, "server.threads", "0", err, sizeof err), DF_EINVAL);
	assert_int_equal(config_set(&c, "server.threads", "12x", err, sizeof err), DF_EINVAL);
	assert_int_equal(config_set(&c, "server.nope", "1", err, sizeof err), DF_EINVAL);
	assert_non_null(strstr(err, "unknown setting"));
	f = fopen(path, "w");
	fprintf(f, "[server]\nthreads = 2\n\nbogus = 1\n");
	fclose(f);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), DF_EINVAL);
	assert_non_null(strstr(err, "line 4"));
	unlink(path);
	assert_int_equal(config_load_file(&c, path, err, sizeof err), DF_EIO);
}

static const struct migration test_migrations[] = {
	{ 1, "CREATE TABLE things (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, n BIGINT)" },
	{ 2, "CREATE INDEX things_n ON things (n)" },
};
static const struct module test_module = { .name = "test", .migrations = test_migrations, .nmigrations = 2 };
static const struct module *const test_modules[] = { &test_module, NULL };

static const struct migration newer_migrations[] = { { 1, "SELECT 1" } };
static const struct module short_module = { .name = "test", .migrations = newer_migrations, .nmigrations = 1 };
static const struct module *const short_modules[] = { &short_module, NULL };

static void store_roundtrip_conflicts_and_transactions(void **state)
{
	char dir[] = "/tmp/daftar-test-store-XXXXXX", path[128];
	struct store *s = NULL;
	struct db *db = NULL;
	struct stmt *st = NULL;
	int n = -1;
	int64_t count = 0, params[1] = { 5 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	assert_int_equal(store_open(&s, path, 2), DF_OK);
	assert_string_equal(store_backend(s), "sqlite");
	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(migrate_pending(db, test_modules, &n), DF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(migrate_run(db, test_modules, &n), DF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(migrate_run(db, test_modules, &n), DF_OK);
	assert_int_equal(n, 0); /* idempotent */
	/* a binary that knows fewer migrations than the database refuses it */
	assert_int_equal(migrate_run(db, short_modules, &n), DF_ECONFLICT);

	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(db_prepare(db, "INSERT INTO things (id, name, n) VALUES (?1, ?2, ?3)", &st), DF_OK);
	stmt_bind_i64(st, 1, id_next());
	stmt_bind_text(st, 2, "Quetta", -1);
	stmt_bind_i64(st, 3, 5);
	assert_int_equal(stmt_step(st), DF_OK);
	stmt_done(st);
	assert_int_equal(db_commit(db), DF_OK);
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM things WHERE n = ?1", 1, params, &count), DF_OK);
	assert_int_equal(count, 1);

	/* a unique violation is a conflict; the transaction rolls back whole */
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(db_prepare(db, "INSERT INTO things (id, name, n) VALUES (?1, ?2, ?3)", &st), DF_OK);
	stmt_bind_i64(st, 1, id_next());
	stmt_bind_text(st, 2, "Kech", -1);
	stmt_bind_i64(st, 3, 5);
	assert_int_equal(stmt_step(st), DF_OK);
	stmt_done(st);
	assert_int_equal(db_prepare(db, "INSERT INTO things (id, name, n) VALUES (?1, ?2, ?3)", &st), DF_OK);
	stmt_bind_i64(st, 1, id_next());
	stmt_bind_text(st, 2, "Quetta", -1);
	stmt_bind_i64(st, 3, 6);
	assert_int_equal(stmt_step(st), DF_ECONFLICT);
	stmt_done(st);
	db_rollback(db);
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM things", 0, NULL, &count), DF_OK);
	assert_int_equal(count, 1);

	/* reading: text, NULL, no row */
	assert_int_equal(db_prepare(db, "SELECT name, NULL FROM things WHERE n = ?1", &st), DF_OK);
	stmt_bind_i64(st, 1, 5);
	assert_int_equal(stmt_step(st), STMT_ROW);
	assert_string_equal(stmt_text(st, 0), "Quetta");
	assert_true(stmt_isnull(st, 1));
	assert_null(stmt_text(st, 1));
	assert_int_equal(stmt_step(st), DF_OK);
	stmt_done(st);
	params[0] = 99;
	assert_int_equal(db_query_i64(db, "SELECT n FROM things WHERE n = ?1", 1, params, &count), DF_ENOTFOUND);

	/* the statement cache keys on the text, not the buffer it came in */
	{
		char sql[96];

		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM things");
		assert_int_equal(db_query_i64(db, sql, 0, NULL, &count), DF_OK);
		assert_int_equal(count, 1);
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM schema_migrations");
		assert_int_equal(db_query_i64(db, sql, 0, NULL, &count), DF_OK);
		assert_int_equal(count, 2);
	}

	/* SQL errors are store errors, not crashes */
	assert_int_equal(db_prepare(db, "SELECT nope FROM nowhere", &st), DF_ESTORE);
	assert_true(strlen(db_errmsg(db)) > 0);
	/* an open transaction is rolled back when the connection goes back */
	assert_int_equal(db_begin(db), DF_OK);
	assert_int_equal(db_exec(db, "DELETE FROM things"), DF_OK);
	store_release(db);
	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM things", 0, NULL, &count), DF_OK);
	assert_int_equal(count, 1);
	store_release(db);

	/* online backup gives a readable copy */
	snprintf(path, sizeof path, "%s/copy.db", dir);
	assert_int_equal(store_backup(s, path), DF_OK);
	store_close(s);
	assert_int_equal(store_open(&s, path, 1), DF_OK);
	assert_int_equal(store_acquire(s, &db), DF_OK);
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM things", 0, NULL, &count), DF_OK);
	assert_int_equal(count, 1);
	store_release(db);
	store_close(s);
	assert_int_equal(store_open(&s, "mysql://nowhere/db", 1), DF_EINVAL);
	assert_int_equal(store_open(&s, "postgresql://nowhere.invalid/db", 1), DF_EUNAVAIL);
	assert_int_equal(store_open(&s, path, 0), DF_EINVAL);
}

static void trusted_proxies_and_forwarded_for(void **state)
{
	struct netaddr_list l;
	char err[160], ip[64];

	(void)state;
	assert_int_equal(netaddr_parse("10.0.0.5, 192.168.1.0/24 ::1", &l, err, sizeof err), DF_OK);
	assert_int_equal(l.n, 3);
	assert_true(netaddr_contains(&l, "192.168.1.77"));
	assert_false(netaddr_contains(&l, "192.168.2.1"));
	assert_true(netaddr_contains(&l, "::1"));
	assert_false(netaddr_contains(&l, "10.0.0.6"));
	assert_int_equal(netaddr_parse("10.0.0.0/33", &l, err, sizeof err), DF_EINVAL);
	assert_non_null(strstr(err, "10.0.0.0/33"));
	assert_int_equal(netaddr_parse("nginx.internal", &l, err, sizeof err), DF_EINVAL);
	assert_int_equal(netaddr_parse("", &l, err, sizeof err), DF_OK);
	assert_int_equal(l.n, 0);

	assert_int_equal(netaddr_parse("10.0.0.5 10.0.0.6", &l, err, sizeof err), DF_OK);
	/* an untrusted peer: its header is ignored */
	netaddr_client(&l, "203.0.113.9", "1.2.3.4", ip, sizeof ip);
	assert_string_equal(ip, "203.0.113.9");
	/* a trusted proxy: the rightmost address it did not add itself */
	netaddr_client(&l, "10.0.0.5", "198.51.100.7", ip, sizeof ip);
	assert_string_equal(ip, "198.51.100.7");
	/* a client forging the left part gains nothing; proxy chains are walked */
	netaddr_client(&l, "10.0.0.5", "6.6.6.6, 198.51.100.7 , 10.0.0.6", ip, sizeof ip);
	assert_string_equal(ip, "198.51.100.7");
	/* garbage stops the walk at the last trustworthy hop */
	netaddr_client(&l, "10.0.0.5", "198.51.100.7, junk", ip, sizeof ip);
	assert_string_equal(ip, "10.0.0.5");
	netaddr_client(&l, "10.0.0.5", NULL, ip, sizeof ip);
	assert_string_equal(ip, "10.0.0.5");
	netaddr_client(&l, "10.0.0.5", "2001:db8::1", ip, sizeof ip);
	assert_string_equal(ip, "2001:db8::1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_unique_and_ordered_across_threads),
		cmocka_unit_test(buf_respects_cap),
		cmocka_unit_test(config_file_and_overrides),
		cmocka_unit_test(store_roundtrip_conflicts_and_transactions),
		cmocka_unit_test(trusted_proxies_and_forwarded_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
