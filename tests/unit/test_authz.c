/*
 * test_authz.c - unit tests for authorisation from postings (src/org/authz.c)
 * and the people module's small pure checks, on a real SQLite store.
 *
 * The group fixture migrates a fresh database with every module, loads the
 * real reference tree from data/ (run from the repository root) and the
 * demo (org_demo): posts, generated people and the demo logins.  Each test
 * then builds fake requests for demo users (calloc'd struct request with
 * r->app and r->who set, the store taken by req_db) and asks the decision
 * functions: a role at its own unit, above it, outside it, another
 * department, a role lacking the action, administrators, token scopes, the
 * rule against handing out more authority than one holds, and the
 * jurisdiction moving with the test clock (Quetta before and after the
 * July 2026 split).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "app.h"
#include "clock.h"
#include "http.h"
#include "id.h"
#include "migrate.h"
#include "store.h"
#include "modules.h"
#include "org/authz.h"
#include "org/people.h"
#include "org/people_int.h"
#include "org/tree.h"

struct fx {
	char dir[64];
	char path[128];
	struct app app;
	struct db *db;
	/* units as of today (2026-11-23 or later) */
	int64_t province, quetta_east, quetta_west, kech, quetta_city, quetta_div, makran_div;
	/* units as of 2025 */
	int64_t quetta_2025;
	/* departments */
	int64_t edu, health, revenue, sgad;
};

static struct fx *F; /* the group fixture, for the helpers */

/* ---------------------------------------------------------------- helpers */

static cal_day day(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), DF_OK);
	return d;
}

static int64_t unit(enum unit_kind kind, const char *name, const char *d)
{
	int64_t id = 0;

	assert_int_equal(org_unit_find(F->db, kind, name, day(d), &id), DF_OK);
	return id;
}

static int64_t dept(const char *code)
{
	int64_t id = 0;

	assert_int_equal(org_department_find(F->db, code, &id), DF_OK);
	return id;
}

/* as - a fake request signed in as username (a session). */
static struct request *as(const char *username)
{
	static const char sql[] = "SELECT id, COALESCE(person_id, 0), is_admin FROM users WHERE username = ?1";
	struct request *r = calloc(1, sizeof *r);
	struct stmt *st = NULL;

	assert_non_null(r);
	r->app = &F->app;
	r->who.kind = PRINCIPAL_SESSION;
	snprintf(r->who.username, sizeof r->who.username, "%s", username);
	assert_int_equal(db_prepare(F->db, sql, &st), DF_OK);
	stmt_bind_text(st, 1, username, -1);
	assert_int_equal(stmt_step(st), STMT_ROW);
	r->who.user_id = stmt_i64(st, 0);
	r->who.person_id = stmt_i64(st, 1);
	r->who.is_admin = (int)stmt_i64(st, 2);
	stmt_done(st);
	return r;
}

/* as_token - as(), but a bearer-token principal with these scopes. */
static struct request *as_token(const char *username, const char *scopes)
{
	struct request *r = as(username);

	r->who.kind = PRINCIPAL_TOKEN;
	snprintf(r->who.scopes, sizeof r->who.scopes, "%s", scopes);
	return r;
}

static void done(struct request *r)
{
	if (r->who.grants_free)
		r->who.grants_free(r->who.grants);
	store_release(r->db);
	free(r);
}

/* decide - one decision on a fresh request. */
static int decide(const char *username, const char *action, int64_t u, int64_t d)
{
	struct request *r = as(username);
	int rc = authz_decide(r, action, u, d);

	done(r);
	return rc;
}

static int authorize(const char *username, const char *action)
{
	struct request *r = as(username);
	int rc = authz_authorize(r, action);

	done(r);
	return rc;
}

/* ---------------------------------------------------------------- fixture */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	FILE *devnull = fopen("/dev/null", "w");
	const char *today = "2026-11-23";
	int applied = 0, rc;

	if (!f || !devnull || id_set_node(3) != DF_OK)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/daftar-authz-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	config_defaults(&f->app.cfg);
	snprintf(f->app.cfg.db, sizeof f->app.cfg.db, "%s", f->path);
	snprintf(f->app.cfg.data_dir, sizeof f->app.cfg.data_dir, "data");
	f->app.cfg.argon_ops = 1;
	f->app.cfg.argon_mem_kb = 8192;
	f->app.modules = daftar_modules;
	f->app.authorize = authz_authorize;
	if (store_open(&f->app.store, f->path, 4) != DF_OK || store_acquire(f->app.store, &f->db) != DF_OK)
		return -1;
	if (migrate_run(f->db, daftar_modules, &applied) != DF_OK)
		return -1;
	if (org_load_reference(&f->app, f->db, f->app.cfg.data_dir) != DF_OK)
		return -1;
	rc = org_demo(&f->app, f->db, devnull);
	fclose(devnull);
	if (rc != DF_OK)
		return -1;
	/* the decisions are taken "today": pin the clock to the day the demo describes */
	clock_enable_test();
	if (clock_set_ms(cal_start_ms(day(today)) + 10 * 3600 * 1000LL) != DF_OK)
		return -1;
	F = f;
	f->province = unit(UNIT_PROVINCE, "Balochistan", today);
	f->quetta_east = unit(UNIT_DISTRICT, "Quetta East", today);
	f->quetta_west = unit(UNIT_DISTRICT, "Quetta West", today);
	f->kech = unit(UNIT_DISTRICT, "Kech", today);
	f->quetta_city = unit(UNIT_TEHSIL, "Quetta City", today);
	f->quetta_div = unit(UNIT_DIVISION, "Quetta", today);
	f->makran_div = unit(UNIT_DIVISION, "Makuran", today);
	f->quetta_2025 = unit(UNIT_DISTRICT, "Quetta", "2025-06-01");
	f->edu = dept("EDU");
	f->health = dept("HEALTH");
	f->revenue = dept("REVENUE");
	f->sgad = dept("SGAD");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	static const char *const files[] = { "t.db", "t.db-wal", "t.db-shm" };
	char p[192];

	store_release(f->db);
	store_close(f->app.store);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- tests */

/* A deputy commissioner: the district's subtree, every department. */
static void test_dc_jurisdiction(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide("dc.quetta", "posts.read", f->quetta_east, f->edu), DF_OK);
	assert_int_equal(decide("dc.quetta", "posts.write", f->quetta_east, f->revenue), DF_OK);
	assert_int_equal(decide("dc.quetta", "people.write", f->quetta_city, f->health), DF_OK);
	/* above its unit: the division, the province, a province-wide object */
	assert_int_equal(decide("dc.quetta", "posts.read", f->quetta_div, f->revenue), DF_ENOTFOUND);
	assert_int_equal(decide("dc.quetta", "posts.read", f->province, f->sgad), DF_ENOTFOUND);
	assert_int_equal(decide("dc.quetta", "posts.read", 0, 0), DF_ENOTFOUND);
	/* beside it and far away */
	assert_int_equal(decide("dc.quetta", "posts.read", f->quetta_west, f->edu), DF_ENOTFOUND);
	assert_int_equal(decide("dc.quetta", "posts.read", f->kech, f->revenue), DF_ENOTFOUND);
	assert_int_equal(decide("dc.kech", "posts.write", f->kech, f->health), DF_OK);
	assert_int_equal(decide("dc.kech", "posts.read", f->quetta_east, f->revenue), DF_ENOTFOUND);
	/* actions the role does not hold anywhere */
	assert_int_equal(authorize("dc.quetta", "posts.write"), DF_OK);
	assert_int_equal(authorize("dc.quetta", "audit.read"), DF_EDENIED);
	assert_int_equal(authorize("dc.quetta", "org.restructure"), DF_EDENIED);
	assert_int_equal(authorize("dc.quetta", "users.admin"), DF_EDENIED);
	assert_int_equal(authorize("dc.quetta", "no.such.action"), DF_EDENIED);
	/* inside its jurisdiction but not its action: 403, not 404 */
	assert_int_equal(decide("dc.quetta", "audit.read", f->quetta_east, f->revenue), DF_EDENIED);
}

/* Province-wide roles reach everything; what they may do differs. */
static void test_province_wide(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide("cs", "posts.write", f->kech, f->edu), DF_OK);
	assert_int_equal(decide("cs", "people.read", f->province, f->sgad), DF_OK);
	assert_int_equal(decide("cs", "people.read", 0, 0), DF_OK);
	assert_int_equal(authorize("cs", "audit.read"), DF_OK);
	assert_int_equal(authorize("cs", "users.admin"), DF_EDENIED);
	assert_int_equal(authorize("cs", "org.restructure"), DF_EDENIED);
	/* the Chief Minister sees everything and writes nothing */
	assert_int_equal(decide("cm", "posts.read", f->kech, f->health), DF_OK);
	assert_int_equal(decide("cm", "posts.write", f->kech, f->health), DF_EDENIED);
	assert_int_equal(decide("cm", "people.read", f->kech, f->health), DF_EDENIED);
	assert_int_equal(authorize("cm", "audit.read"), DF_OK);
	assert_int_equal(authorize("cm", "postings.write"), DF_EDENIED);
}

/* A secretary: every unit, one department. */
static void test_secretary_department(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide("sec.edu", "posts.write", f->kech, f->edu), DF_OK);
	assert_int_equal(decide("sec.edu", "posts.read", f->province, f->edu), DF_OK);
	assert_int_equal(decide("sec.edu", "postings.write", f->quetta_city, f->edu), DF_OK);
	assert_int_equal(decide("sec.edu", "posts.read", f->kech, f->health), DF_ENOTFOUND);
	assert_int_equal(decide("sec.health", "posts.read", f->kech, f->edu), DF_ENOTFOUND);
	assert_int_equal(decide("sec.health", "people.write", f->kech, f->health), DF_OK);
	/* a province-wide object of no department is within reach */
	assert_int_equal(decide("sec.edu", "people.read", 0, 0), DF_OK);
	assert_int_equal(authorize("sec.edu", "audit.read"), DF_EDENIED);
}

/* Commissioners and assistant commissioners: the division, the tehsil. */
static void test_commissioner_and_ac(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide("comm.makran", "posts.write", f->kech, f->edu), DF_OK);
	assert_int_equal(decide("comm.makran", "posts.read", f->makran_div, f->revenue), DF_OK);
	assert_int_equal(decide("comm.makran", "posts.read", f->quetta_east, f->revenue), DF_ENOTFOUND);
	assert_int_equal(decide("comm.quetta", "posts.read", f->quetta_west, f->health), DF_OK);
	assert_int_equal(decide("comm.quetta", "posts.read", f->quetta_city, f->health), DF_OK);
	assert_int_equal(decide("comm.quetta", "posts.read", f->kech, f->health), DF_ENOTFOUND);
	assert_int_equal(decide("ac.quetta", "people.read", f->quetta_city, f->edu), DF_OK);
	assert_int_equal(decide("ac.quetta", "posts.read", f->quetta_east, f->revenue), DF_ENOTFOUND);
	assert_int_equal(decide("ac.quetta", "posts.write", f->quetta_city, f->revenue), DF_EDENIED);
	assert_int_equal(decide("ac.quetta", "people.write", f->quetta_city, f->revenue), DF_EDENIED);
}

/* Field officers and clerks: their unit's subtree, their department. */
static void test_field_level(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide("fo.quetta.edu", "posts.read", f->quetta_east, f->edu), DF_OK);
	assert_int_equal(decide("fo.quetta.edu", "posts.read", f->quetta_city, f->edu), DF_OK);
	assert_int_equal(decide("fo.quetta.edu", "posts.read", f->quetta_east, f->health), DF_ENOTFOUND);
	assert_int_equal(decide("fo.quetta.edu", "posts.read", f->kech, f->edu), DF_ENOTFOUND);
	assert_int_equal(decide("fo.quetta.edu", "posts.write", f->quetta_east, f->edu), DF_EDENIED);
	assert_int_equal(decide("fo.quetta.edu", "people.read", f->quetta_east, f->edu), DF_EDENIED);
	assert_int_equal(authorize("fo.quetta.edu", "posts.write"), DF_EDENIED);
	assert_int_equal(decide("clerk.quetta", "people.read", f->quetta_east, f->revenue), DF_OK);
	assert_int_equal(decide("clerk.quetta", "people.read", f->quetta_east, f->edu), DF_ENOTFOUND);
	assert_int_equal(decide("clerk.quetta", "people.write", f->quetta_east, f->revenue), DF_EDENIED);
}

/* Administrators hold every action everywhere, unknown ones included. */
static void test_admin(void **state)
{
	struct fx *f = *state;

	assert_int_equal(decide("admin", "posts.write", f->kech, f->edu), DF_OK);
	assert_int_equal(decide("admin", "posts.read", 0, 0), DF_OK);
	assert_int_equal(authorize("admin", "org.restructure"), DF_OK);
	assert_int_equal(authorize("admin", "users.admin"), DF_OK);
	assert_int_equal(authorize("admin", "system.write"), DF_OK);
}

/* A user with no person and no admin flag holds nothing. */
static void test_no_person(void **state)
{
	struct request *r = as("dc.quetta");

	(void)state;
	r->who.person_id = 0;
	assert_int_equal(authz_authorize(r, "org.read"), DF_EDENIED);
	assert_int_equal(authz_decide(r, "org.read", F->quetta_east, 0), DF_ENOTFOUND);
	done(r);
}

/* Token scopes narrow what the token's user may do. */
static void test_token_scopes(void **state)
{
	struct fx *f = *state;
	struct request *r;

	r = as_token("dc.quetta", "posts.read");
	assert_int_equal(authz_authorize(r, "posts.read"), DF_OK);
	assert_int_equal(authz_authorize(r, "posts.write"), DF_EDENIED);
	assert_int_equal(authz_decide(r, "posts.read", f->quetta_east, f->edu), DF_OK);
	assert_int_equal(authz_decide(r, "posts.write", f->quetta_east, f->edu), DF_EDENIED);
	assert_int_equal(authz_decide(r, "posts.read", f->kech, f->edu), DF_ENOTFOUND);
	done(r);
	r = as_token("dc.quetta", "org.* reports.read");
	assert_int_equal(authz_authorize(r, "org.read"), DF_OK);
	assert_int_equal(authz_authorize(r, "reports.read"), DF_OK);
	assert_int_equal(authz_authorize(r, "posts.read"), DF_EDENIED);
	assert_int_equal(authz_authorize(r, "org.restructure"), DF_EDENIED); /* scope yes, role no */
	done(r);
	r = as_token("dc.quetta", "*");
	assert_int_equal(authz_authorize(r, "postings.write"), DF_OK);
	done(r);
	r = as_token("dc.quetta", "");
	assert_int_equal(authz_authorize(r, "org.read"), DF_EDENIED);
	done(r);
	r = as_token("dc.quetta", "posts");
	assert_int_equal(authz_authorize(r, "posts.read"), DF_EDENIED); /* no prefix match without ".*" */
	done(r);
	r = as_token("admin", "posts.*");
	assert_int_equal(authz_authorize(r, "posts.write"), DF_OK);
	assert_int_equal(authz_authorize(r, "users.admin"), DF_EDENIED);
	assert_int_equal(authz_decide(r, "users.admin", f->kech, 0), DF_EDENIED);
	done(r);
}

/* authz_object records the problem the handler answers with. */
static void test_object_problems(void **state)
{
	struct fx *f = *state;
	struct request *r = as("dc.quetta");

	assert_int_equal(authz_object(r, "posts.read", f->kech, f->edu), DF_ENOTFOUND);
	assert_int_equal(r->problem_status, 404);
	assert_string_equal(r->problem, "no such object");
	done(r);
	r = as("fo.quetta.edu");
	assert_int_equal(authz_object(r, "posts.write", f->quetta_east, f->edu), DF_EDENIED);
	assert_int_equal(r->problem_status, 403);
	done(r);
	r = as("fo.quetta.edu");
	assert_int_equal(authz_object(r, "posts.read", f->quetta_east, f->edu), DF_OK);
	assert_int_equal(r->problem_status, 0);
	/* the grants are loaded once and cached on the principal */
	assert_non_null(r->who.grants);
	assert_non_null(r->who.grants_free);
	done(r);
}

/* Nobody hands out more authority than they hold. */
static void test_assign(void **state)
{
	struct fx *f = *state;
	struct request *r;

	r = as("dc.quetta");
	assert_int_equal(authz_assign(r, "posts.write", "field_officer", f->quetta_east, f->edu), DF_OK);
	assert_int_equal(authz_assign(r, "posts.write", "deputy_commissioner", f->quetta_city, f->revenue), DF_OK);
	assert_int_equal(authz_assign(r, "posts.write", "chief_secretary", f->quetta_east, f->sgad), DF_EDENIED);
	assert_int_equal(r->problem_status, 403);
	done(r);
	r = as("dc.quetta");
	assert_int_equal(authz_assign(r, "posts.write", "secretary", f->quetta_east, f->edu), DF_EDENIED);
	assert_int_equal(authz_assign(r, "posts.write", "field_officer", f->kech, f->edu), DF_ENOTFOUND);
	assert_int_equal(r->problem_status, 404);
	done(r);
	r = as("sec.edu");
	assert_int_equal(authz_assign(r, "postings.write", "head_teacher", f->kech, f->edu), DF_OK);
	assert_int_equal(authz_assign(r, "postings.write", "deputy_commissioner", f->kech, f->edu), DF_EDENIED);
	done(r);
	r = as("cs");
	assert_int_equal(authz_assign(r, "posts.write", "chief_secretary", f->province, f->sgad), DF_OK);
	done(r);
	r = as("admin");
	assert_int_equal(authz_assign(r, "posts.write", "chief_minister", f->province, f->sgad), DF_OK);
	assert_int_equal(authz_assign(r, "posts.write", "emperor", f->province, f->sgad), DF_EINVAL);
	assert_int_equal(r->problem_status, 422);
	assert_string_equal(r->problem_field, "role");
	done(r);
}

/* authz_reach - the areas a list endpoint filters by. */
static void test_reach(void **state)
{
	struct fx *f = *state;
	struct authz_area a[4];
	size_t n = 0;
	struct request *r = as("dc.quetta");

	assert_int_equal(authz_reach(r, "posts.read", a, 4, &n), DF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].all_units, 0);
	assert_true(a[0].unit == f->quetta_east);
	assert_true(a[0].department == 0);
	assert_int_equal(authz_reach(r, "audit.read", a, 4, &n), DF_OK);
	assert_int_equal(n, 0);
	done(r);
	r = as("sec.health");
	assert_int_equal(authz_reach(r, "posts.read", a, 4, &n), DF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].all_units, 1);
	assert_true(a[0].department == f->health);
	done(r);
	r = as("admin");
	assert_int_equal(authz_reach(r, "anything.at.all", a, 4, &n), DF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].all_units, 1);
	done(r);
}

/* Jurisdiction is taken as of today: before the split DC Quetta held
 * Quetta district; after it, Quetta East. */
static void test_today_moves(void **state)
{
	struct fx *f = *state;

	assert_int_equal(clock_set_ms(cal_start_ms(day("2025-06-01")) + 3600 * 1000LL), DF_OK);
	assert_int_equal(decide("dc.quetta", "posts.write", f->quetta_2025, f->revenue), DF_OK);
	assert_int_equal(decide("ac.quetta", "posts.read", f->quetta_city, f->revenue), DF_OK);
	assert_int_equal(clock_set_ms(cal_start_ms(day("2026-11-23")) + 3600 * 1000LL), DF_OK);
	assert_int_equal(decide("dc.quetta", "posts.write", f->quetta_2025, f->revenue), DF_ENOTFOUND);
	assert_int_equal(decide("dc.quetta", "posts.write", f->quetta_east, f->revenue), DF_OK);
	assert_int_equal(decide("ac.quetta", "posts.read", f->quetta_city, f->revenue), DF_OK);
}

/* The people module's input checks. */
static void test_input_checks(void **state)
{
	(void)state;
	assert_true(cnic_ok("12345-1234567-1"));
	assert_true(cnic_ok("00000-0000001-1"));
	assert_false(cnic_ok("12345-1234567-12"));
	assert_false(cnic_ok("1234-12345678-1"));
	assert_false(cnic_ok("12345 1234567 1"));
	assert_false(cnic_ok("123451234567123"));
	assert_false(cnic_ok(""));
	assert_false(cnic_ok(NULL));
	assert_true(phone_ok("+92 300 1234567"));
	assert_true(phone_ok("0300-1234567"));
	assert_false(phone_ok("0300-CALL-ME"));
	assert_false(phone_ok("123"));
	assert_false(phone_ok("+92+300 1234567"));
	assert_true(gender_ok("female"));
	assert_false(gender_ok("Female"));
	assert_true(authz_role_known("deputy_commissioner"));
	assert_false(authz_role_known("admin"));
	assert_false(authz_role_known(NULL));
}

/* The demo: idempotent, and the vacancy report adds up. */
static void test_demo_and_report(void **state)
{
	struct fx *f = *state;
	FILE *devnull = fopen("/dev/null", "w");
	int64_t before = 0, after = 0;
	json_t *rep = NULL, *row;
	size_t i;

	assert_non_null(devnull);
	assert_int_equal(db_query_i64(f->db, "SELECT COUNT(*) FROM posts", 0, NULL, &before), DF_OK);
	assert_int_equal(org_demo(&f->app, f->db, devnull), DF_OK);
	fclose(devnull);
	assert_int_equal(db_query_i64(f->db, "SELECT COUNT(*) FROM posts", 0, NULL, &after), DF_OK);
	assert_true(before > 3000);
	assert_true(after == before);
	assert_int_equal(vacancy_report(f->db, day("2026-08-01"), "district", 0, &rep), DF_OK);
	{
		json_int_t s = 0, fl = 0, v = 0;
		int east = 0, quetta = 0;

		json_array_foreach(json_object_get(rep, "rows"), i, row) {
			json_int_t rs = json_integer_value(json_object_get(row, "sanctioned"));
			json_int_t rf = json_integer_value(json_object_get(row, "filled"));
			json_int_t rv = json_integer_value(json_object_get(row, "vacant"));
			const char *name = json_string_value(json_object_get(row, "name"));

			assert_true(rs == rf + rv);
			s += rs;
			fl += rf;
			v += rv;
			east += strcmp(name, "Quetta East") == 0;
			quetta += strcmp(name, "Quetta") == 0;
		}
		assert_true(s == json_integer_value(json_object_get(json_object_get(rep, "totals"), "sanctioned")));
		assert_true(fl == json_integer_value(json_object_get(json_object_get(rep, "totals"), "filled")));
		assert_true(v == json_integer_value(json_object_get(json_object_get(rep, "totals"), "vacant")));
		assert_int_equal(east, 1);
		assert_int_equal(quetta, 0);
	}
	json_decref(rep);
	assert_int_equal(vacancy_report(f->db, day("2026-08-01"), "tehsil", 0, &rep), DF_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dc_jurisdiction),
		cmocka_unit_test(test_province_wide),
		cmocka_unit_test(test_secretary_department),
		cmocka_unit_test(test_commissioner_and_ac),
		cmocka_unit_test(test_field_level),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_no_person),
		cmocka_unit_test(test_token_scopes),
		cmocka_unit_test(test_object_problems),
		cmocka_unit_test(test_assign),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_today_moves),
		cmocka_unit_test(test_input_checks),
		cmocka_unit_test(test_demo_and_report),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
