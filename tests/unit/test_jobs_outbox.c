/*
 * test_jobs_outbox.c - the scheduler's leases and the outbox's deliveries,
 * on a real SQLite file, with the test clock, against a real HTTP receiver
 * on loopback (libmicrohttpd in this process) that fails on purpose.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/app.h"
#include "core/clock.h"
#include "core/jobs.h"
#include "core/migrate.h"
#include "core/module.h"
#include "core/outbox.h"
#include "core/store.h"
#include "core/system.h"

static atomic_int counted_runs;

static int count_job(struct app *app, struct db *db)
{
	(void)app;
	(void)db;
	atomic_fetch_add(&counted_runs, 1);
	return DF_OK;
}

static const struct job_def test_jobs[] = { { "test.count", 60, count_job, NULL } };
static const struct module job_module = { .name = "jobtest", .jobs = test_jobs, .njobs = 1 };
static const struct module *const modules[] = { &system_module, &job_module, NULL };

/* The receiver: answers 500 to the first `fail_first` requests, then 200. */
static atomic_int received, fail_first;
static char last_key[128], last_body[512];

static enum MHD_Result on_hook(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			       const char *version, const char *data, size_t *size, void **ctx)
{
	static int marker;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	const char *key;
	int n;

	(void)cls; (void)url; (void)method; (void)version;
	if (!*ctx) {
		*ctx = &marker;
		last_body[0] = '\0';
		return MHD_YES;
	}
	if (*size) {
		snprintf(last_body, sizeof last_body, "%.*s", (int)*size, data);
		*size = 0;
		return MHD_YES;
	}
	key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
	snprintf(last_key, sizeof last_key, "%s", key ? key : "");
	n = atomic_fetch_add(&received, 1);
	resp = MHD_create_response_from_buffer(2, (void *)"{}", MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, n < atomic_load(&fail_first) ? 500 : 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

struct fixture {
	char dir[64];
	struct app app;
	struct db *db;
	struct MHD_Daemon *hook;
	unsigned port;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char path[128];
	int n = 0;

	snprintf(f->dir, sizeof f->dir, "/tmp/daftar-test-jobs-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", f->dir);
	config_defaults(&f->app.cfg);
	f->app.modules = modules;
	clock_enable_test();
	if (store_open(&f->app.store, path, 2) != DF_OK || store_acquire(f->app.store, &f->db) != DF_OK ||
	    migrate_run(f->db, modules, &n) != DF_OK)
		return -1;
	f->hook = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_hook, NULL,
				   MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
	if (!f->hook)
		return -1;
	f->port = MHD_get_daemon_info(f->hook, MHD_DAEMON_INFO_BIND_PORT)->port;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	MHD_stop_daemon(f->hook);
	store_release(f->db);
	store_close(f->app.store);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void leases_run_each_job_once_per_interval(void **state)
{
	struct fixture *f = *state;
	int ran = 0;

	atomic_store(&counted_runs, 0);
	assert_int_equal(jobs_run_due(&f->app, f->db, "instance-a", &ran), DF_OK);
	assert_int_equal(atomic_load(&counted_runs), 1);
	/* a second instance right after: the interval has not passed */
	assert_int_equal(jobs_run_due(&f->app, f->db, "instance-b", &ran), DF_OK);
	assert_int_equal(atomic_load(&counted_runs), 1);
	assert_int_equal(clock_advance_ms(61 * 1000), DF_OK);
	assert_int_equal(jobs_run_due(&f->app, f->db, "instance-b", &ran), DF_OK);
	assert_int_equal(atomic_load(&counted_runs), 2);
	/* a lease held by a live instance blocks the others, even when due */
	assert_int_equal(clock_advance_ms(61 * 1000), DF_OK);
	assert_int_equal(db_exec(f->db, "UPDATE job_leases SET owner = 'instance-a', lease_until = 9000000000000"
				       " WHERE name = 'test.count'"), DF_OK);
	assert_int_equal(jobs_run_due(&f->app, f->db, "instance-b", &ran), DF_OK);
	assert_int_equal(atomic_load(&counted_runs), 2);
	/* ... until it expires (the holder died) */
	assert_int_equal(db_exec(f->db, "UPDATE job_leases SET lease_until = 1 WHERE name = 'test.count'"), DF_OK);
	assert_int_equal(jobs_run_due(&f->app, f->db, "instance-b", &ran), DF_OK);
	assert_int_equal(atomic_load(&counted_runs), 3);
}

static void enqueue(struct fixture *f, const char *target, const char *key, int expect)
{
	json_t *payload = json_pack("{s:s, s:i}", "event", "complaint.created", "n", 42);

	assert_int_equal(db_begin(f->db), DF_OK);
	assert_int_equal(outbox_enqueue(f->db, "webhook", target, payload, key, NULL), expect);
	assert_int_equal(db_commit(f->db), DF_OK);
	json_decref(payload);
}

static int64_t count_status(struct fixture *f, const char *status)
{
	struct stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(db_prepare(f->db, "SELECT COUNT(*) FROM outbox WHERE status = ?1", &st), DF_OK);
	stmt_bind_text(st, 1, status, -1);
	assert_int_equal(stmt_step(st), STMT_ROW);
	n = stmt_i64(st, 0);
	stmt_done(st);
	return n;
}

static void outbox_retries_with_backoff_then_delivers(void **state)
{
	struct fixture *f = *state;
	char url[96];
	json_t *p = json_object();

	snprintf(url, sizeof url, "http://127.0.0.1:%u/hook", f->port);
	atomic_store(&received, 0);
	atomic_store(&fail_first, 1);
	/* only inside a transaction, only known channels and http(s) targets */
	assert_int_equal(outbox_enqueue(f->db, "webhook", url, p, NULL, NULL), DF_EINTERNAL);
	assert_int_equal(db_begin(f->db), DF_OK);
	assert_int_equal(outbox_enqueue(f->db, "webhook", "file:///etc/passwd", p, NULL, NULL), DF_EINVAL);
	assert_int_equal(outbox_enqueue(f->db, "carrier-pigeon", url, p, NULL, NULL), DF_EINVAL);
	db_rollback(f->db);
	json_decref(p);

	enqueue(f, url, "complaint-42-created", DF_OK);
	enqueue(f, url, "complaint-42-created", DF_ECONFLICT); /* the same message twice is refused */
	assert_int_equal(outbox_deliver_job(&f->app, f->db), DF_OK);
	assert_int_equal(atomic_load(&received), 1); /* answered 500 */
	assert_int_equal(count_status(f, "pending"), 1);
	/* not due again before the backoff */
	assert_int_equal(outbox_deliver_job(&f->app, f->db), DF_OK);
	assert_int_equal(atomic_load(&received), 1);
	assert_int_equal(clock_advance_ms(outbox_backoff_ms(1) + 6000), DF_OK);
	assert_int_equal(outbox_deliver_job(&f->app, f->db), DF_OK);
	assert_int_equal(atomic_load(&received), 2);
	assert_int_equal(count_status(f, "sent"), 1);
	assert_string_equal(last_key, "complaint-42-created");
	assert_string_equal(last_body, "{\"event\":\"complaint.created\",\"n\":42}");
	/* sent messages are not sent again */
	assert_int_equal(clock_advance_ms(24LL * 3600 * 1000), DF_OK);
	assert_int_equal(outbox_deliver_job(&f->app, f->db), DF_OK);
	assert_int_equal(atomic_load(&received), 2);
}

static void outbox_gives_up_after_max_attempts(void **state)
{
	struct fixture *f = *state;

	/* port 9 on loopback: nothing listens, the connection is refused */
	enqueue(f, "http://127.0.0.1:9/nobody", NULL, DF_OK);
	for (int i = 0; i < OUTBOX_MAX_ATTEMPTS + 2; i++) {
		assert_int_equal(outbox_deliver_job(&f->app, f->db), DF_OK);
		assert_int_equal(clock_advance_ms(7LL * 3600 * 1000), DF_OK);
	}
	assert_int_equal(count_status(f, "dead"), 1);
	assert_int_equal(outbox_backoff_ms(1), 30000);
	assert_int_equal(outbox_backoff_ms(2), 60000);
	assert_int_equal(outbox_backoff_ms(30), 6LL * 3600 * 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leases_run_each_job_once_per_interval),
		cmocka_unit_test(outbox_retries_with_backoff_then_delivers),
		cmocka_unit_test(outbox_gives_up_after_max_attempts),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
