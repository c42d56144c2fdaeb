/*
 * test_org_tree.c - unit tests for the effective-dated org tree
 * (src/org/tree.c, restructure.c, load.c) on a real SQLite store.
 *
 * The group fixture migrates a fresh database in a temporary directory and
 * loads the real reference data from data/ (so the tests run from the
 * repository root), then every test asks the tree "as of" days around the
 * 2026 restructuring of Balochistan: 8 divisions and 36 districts before
 * it, 11 and 41 after, Quetta district split, Barkhan moved, Mekran renamed
 * Makuran.  Invalid change sets must be refused with a sentence and leave
 * nothing behind once rolled back; a valid one is checked day by day.
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
#include "audit.h"
#include "migrate.h"
#include "store.h"
#include "system.h"
#include "org/restructure.h"
#include "org/tree.h"

struct fx {
	char dir[64];
	char path[128];
	struct app app;
	struct db *db;
};

static const struct module *const mods[] = { &system_module, &audit_module, &org_module, NULL };

/* ---------------------------------------------------------------- helpers */

static cal_day day(const char *s)
{
	cal_day d = 0;

	assert_int_equal(cal_parse(s, &d), DF_OK);
	return d;
}

static size_t count_kind(struct db *db, enum unit_kind kind, const char *d)
{
	size_t n = 0;

	assert_int_equal(org_units_list(db, kind, day(d), NULL, 0, &n), DF_OK);
	return n;
}

static int64_t find(struct db *db, enum unit_kind kind, const char *name, const char *d)
{
	int64_t id = 0;

	assert_int_equal(org_unit_find(db, kind, name, day(d), &id), DF_OK);
	assert_true(id > 0);
	return id;
}

/* rows - COUNT(*) of a table; sql must be a literal (the statement cache
 * keys on the pointer of the SQL text). */
static int64_t rows(struct db *db, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_query_i64(db, sql, 0, NULL, &n), DF_OK);
	return n;
}

/* Row counts of every table the tree writes (and the audit log). */
struct snapshot {
	int64_t n[7];
};

static void snap(struct db *db, struct snapshot *s)
{
	static const char *const counts[] = {
		"SELECT COUNT(*) FROM org_units",        "SELECT COUNT(*) FROM org_unit_versions",
		"SELECT COUNT(*) FROM org_unit_geometry", "SELECT COUNT(*) FROM org_changes",
		"SELECT COUNT(*) FROM org_change_items", "SELECT COUNT(*) FROM org_departments",
		"SELECT COUNT(*) FROM audit_leaves",
	};

	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		s->n[i] = rows(db, counts[i]);
}

static void assert_same(const struct snapshot *a, const struct snapshot *b)
{
	for (size_t i = 0; i < sizeof a->n / sizeof a->n[0]; i++)
		if (a->n[i] != b->n[i])
			fail_msg("table %zu had %lld rows, now %lld", i, (long long)a->n[i], (long long)b->n[i]);
}

/* apply - run one change set (JSON text) in a transaction; commit when
 * commit is set and it worked, else roll back. Returns org_apply_change's rc. */
static int apply(struct fx *f, const char *text, int commit, char *err, size_t errlen)
{
	json_error_t e;
	json_t *change = json_loads(text, 0, &e);
	int64_t id = 0;
	int rc;

	assert_non_null(change);
	assert_int_equal(db_begin(f->db), DF_OK);
	rc = org_apply_change(&f->app, f->db, change, 1, &id, err, errlen);
	if (rc == DF_OK && commit) {
		assert_int_equal(db_commit(f->db), DF_OK);
		assert_true(id > 0);
	} else {
		db_rollback(f->db);
	}
	json_decref(change);
	return rc;
}

/* ---------------------------------------------------------------- fixture */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	int applied = 0;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/daftar-org-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	config_defaults(&f->app.cfg);
	snprintf(f->app.cfg.db, sizeof f->app.cfg.db, "%s", f->path);
	snprintf(f->app.cfg.data_dir, sizeof f->app.cfg.data_dir, "data");
	f->app.modules = mods;
	if (store_open(&f->app.store, f->path, 2) != DF_OK)
		return -1;
	if (store_acquire(f->app.store, &f->db) != DF_OK)
		return -1;
	if (migrate_run(f->db, mods, &applied) != DF_OK)
		return -1;
	if (org_load_reference(&f->app, f->db, f->app.cfg.data_dir) != DF_OK)
		return -1;
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

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(unit_kind_name(UNIT_DISTRICT), "district");
	assert_int_equal(unit_kind_parse("division"), UNIT_DIVISION);
	assert_int_equal(unit_kind_parse("office"), UNIT_OFFICE);
	assert_int_equal(unit_kind_parse("District"), -1);
	assert_int_equal(unit_kind_parse(NULL), -1);
	assert_string_equal(unit_kind_name((enum unit_kind)42), "unknown");
}

static void test_counts_before(void **state)
{
	struct fx *f = *state;

	assert_int_equal(count_kind(f->db, UNIT_PROVINCE, "2025-12-31"), 1);
	assert_int_equal(count_kind(f->db, UNIT_DIVISION, "2025-12-31"), 8);
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2025-12-31"), 36);
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2023-03-01"), 36);
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2023-02-28"), 2); /* Hub, Usta Muhammad */
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2022-06-06"), 0);
	/* Tump (24 Feb) and Upper Dera Bugti (26 Feb) before July */
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2026-02-25"), 37);
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2026-07-07"), 38);
	assert_int_equal(count_kind(f->db, UNIT_DIVISION, "2026-07-07"), 8);
	find(f->db, UNIT_DISTRICT, "Hub", "2023-03-01");
	find(f->db, UNIT_DISTRICT, "usta muhammad", "2023-03-01");
}

static void test_counts_after(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;

	assert_int_equal(count_kind(f->db, UNIT_DIVISION, "2026-08-01"), 11);
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2026-08-01"), 41);
	assert_int_equal(count_kind(f->db, UNIT_DIVISION, "2026-07-08"), 11);
	find(f->db, UNIT_DISTRICT, "Quetta East", "2026-08-01");
	find(f->db, UNIT_DISTRICT, "Quetta West", "2026-08-01");
	assert_int_equal(org_unit_find(f->db, UNIT_DISTRICT, "Quetta", day("2026-08-01"), &id), DF_ENOTFOUND);
	assert_int_equal(org_unit_find(f->db, UNIT_DISTRICT, "Quetta East", day("2026-07-07"), &id), DF_ENOTFOUND);
	assert_int_equal(org_unit_find(f->db, UNIT_DIVISION, "Kalat", day("2026-08-01"), &id), DF_ENOTFOUND);
	find(f->db, UNIT_DIVISION, "Sevi", "2026-08-01");
	find(f->db, UNIT_DISTRICT, "South Dera Bugti", "2026-08-01");
}

/* division_of - the name of the division of the named district on d. */
static void division_of(struct db *db, const char *district, const char *d, char *out, size_t outlen)
{
	int64_t div = 0;

	assert_int_equal(org_unit_ancestor(db, find(db, UNIT_DISTRICT, district, d), UNIT_DIVISION, day(d), &div),
			 DF_OK);
	assert_int_equal(org_unit_name(db, div, day(d), out, outlen), DF_OK);
}

static void test_the_2026_divisions(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *division;
		const char *districts[6];
	} want[] = {
		{ "Quetta", { "Quetta East", "Quetta West", "Mastung" } },
		{ "Pishin", { "Pishin", "Barshore", "Chaman", "Killa Abdullah" } },
		{ "Rakhshan", { "Chagai", "Nushki", "Kharan", "Washuk" } },
		{ "Loralai", { "Loralai", "Duki", "Musa Khel", "Ziarat", "Harnai" } },
		{ "Zhob", { "Killa Saifullah", "Zhob", "Sherani" } },
		{ "Sevi", { "Sibi", "South Dera Bugti", "Kachhi (Bolan)" } },
		{ "Koh-e-Sulaiman", { "Upper Dera Bugti", "Kohlu", "Barkhan" } },
		{ "Nasirabad", { "Jaffarabad", "Usta Muhammad", "Nasirabad", "Jhal Magsi", "Sohbatpur" } },
		{ "Khuzdar", { "Khuzdar", "Kalat", "Surab", "Wadh" } },
		{ "Lasbela", { "Lasbela", "Hub", "Awaran" } },
		{ "Makuran", { "Kech", "Tump", "Gwadar", "Panjgur" } },
	};
	char name[ORG_NAME_MAX + 1];
	size_t total = 0;

	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		for (size_t j = 0; j < 6 && want[i].districts[j]; j++) {
			division_of(f->db, want[i].districts[j], "2026-08-01", name, sizeof name);
			assert_string_equal(name, want[i].division);
			total++;
		}
	}
	assert_int_equal(total, 41);
}

static void test_quetta_before(void **state)
{
	struct fx *f = *state;
	int64_t q = find(f->db, UNIT_DISTRICT, "Quetta", "2025-06-30");
	int64_t qdiv = find(f->db, UNIT_DIVISION, "Quetta", "2025-06-30");
	int64_t anc = 0, parent = 0;
	enum unit_kind k = UNIT_OFFICE;

	assert_int_equal(org_unit_ancestor(f->db, q, UNIT_DIVISION, day("2025-06-30"), &anc), DF_OK);
	assert_int_equal(anc, qdiv);
	assert_int_equal(org_unit_parent(f->db, q, day("2025-06-30"), &parent), DF_OK);
	assert_int_equal(parent, qdiv);
	assert_int_equal(org_unit_kind(f->db, q, day("2025-06-30"), &k), DF_OK);
	assert_int_equal(k, UNIT_DISTRICT);
	/* the district ends on 8 July 2026: alive the day before, gone that day */
	assert_int_equal(org_unit_kind(f->db, q, day("2026-07-07"), &k), DF_OK);
	assert_int_equal(org_unit_kind(f->db, q, day("2026-07-08"), &k), DF_ENOTFOUND);
	assert_int_equal(org_unit_ancestor(f->db, q, UNIT_DIVISION, day("2026-07-08"), &anc), DF_ENOTFOUND);
	/* the ancestor of a unit of that kind is itself */
	assert_int_equal(org_unit_ancestor(f->db, q, UNIT_DISTRICT, day("2025-06-30"), &anc), DF_OK);
	assert_int_equal(anc, q);
}

static void test_barkhan_moves(void **state)
{
	struct fx *f = *state;
	char name[ORG_NAME_MAX + 1];
	int64_t b7 = find(f->db, UNIT_DISTRICT, "Barkhan", "2026-07-07");
	int64_t b8 = find(f->db, UNIT_DISTRICT, "Barkhan", "2026-07-08");

	assert_int_equal(b7, b8); /* a move keeps the unit */
	division_of(f->db, "Barkhan", "2026-07-07", name, sizeof name);
	assert_string_equal(name, "Loralai");
	division_of(f->db, "Barkhan", "2026-07-08", name, sizeof name);
	assert_string_equal(name, "Koh-e-Sulaiman");
}

static void test_kech_division_renamed(void **state)
{
	struct fx *f = *state;
	char name[ORG_NAME_MAX + 1];
	int64_t d25 = 0, d26 = 0;
	int64_t kech = find(f->db, UNIT_DISTRICT, "Kech", "2025-06-30");

	division_of(f->db, "Kech", "2025-06-30", name, sizeof name);
	assert_true(strcmp(name, "Mekran") == 0 || strcmp(name, "Makran") == 0);
	division_of(f->db, "Kech", "2026-08-01", name, sizeof name);
	assert_string_equal(name, "Makuran");
	assert_int_equal(org_unit_ancestor(f->db, kech, UNIT_DIVISION, day("2025-06-30"), &d25), DF_OK);
	assert_int_equal(org_unit_ancestor(f->db, kech, UNIT_DIVISION, day("2026-08-01"), &d26), DF_OK);
	assert_int_equal(d25, d26); /* a rename keeps the unit */
	division_of(f->db, "Tump", "2026-02-24", name, sizeof name);
	assert_string_equal(name, "Mekran");
}

static void test_within(void **state)
{
	struct fx *f = *state;
	cal_day d = day("2025-06-30");
	int64_t prov = find(f->db, UNIT_PROVINCE, "Balochistan", "2025-06-30");
	int64_t qdiv = find(f->db, UNIT_DIVISION, "Quetta", "2025-06-30");
	int64_t pishin = find(f->db, UNIT_DISTRICT, "Pishin", "2025-06-30");
	int64_t zhob = find(f->db, UNIT_DIVISION, "Zhob", "2025-06-30");
	int64_t barkhan = find(f->db, UNIT_DISTRICT, "Barkhan", "2025-06-30");
	int64_t loralai = find(f->db, UNIT_DIVISION, "Loralai", "2025-06-30");
	int64_t qeast = find(f->db, UNIT_DISTRICT, "Quetta East", "2026-08-01");
	int yes = -1;

	assert_int_equal(org_unit_within(f->db, pishin, pishin, d, &yes), DF_OK); /* at */
	assert_int_equal(yes, 1);
	assert_int_equal(org_unit_within(f->db, pishin, qdiv, d, &yes), DF_OK); /* above */
	assert_int_equal(yes, 1);
	assert_int_equal(org_unit_within(f->db, pishin, prov, d, &yes), DF_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(org_unit_within(f->db, pishin, zhob, d, &yes), DF_OK); /* outside */
	assert_int_equal(yes, 0);
	assert_int_equal(org_unit_within(f->db, qdiv, pishin, d, &yes), DF_OK); /* below is not within */
	assert_int_equal(yes, 0);
	assert_int_equal(org_unit_within(f->db, qeast, prov, d, &yes), DF_OK); /* not yet alive */
	assert_int_equal(yes, 0);
	assert_int_equal(org_unit_within(f->db, 987654321, prov, d, &yes), DF_OK); /* no such unit */
	assert_int_equal(yes, 0);
	/* Pishin district moved to the new Pishin division */
	assert_int_equal(org_unit_within(f->db, pishin, qdiv, day("2026-08-01"), &yes), DF_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(org_unit_within(f->db, barkhan, loralai, day("2026-07-07"), &yes), DF_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(org_unit_within(f->db, barkhan, loralai, day("2026-07-08"), &yes), DF_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(org_unit_within(f->db, qeast, prov, day("2026-08-01"), &yes), DF_OK);
	assert_int_equal(yes, 1);
}

static void test_geometry(void **state)
{
	struct fx *f = *state;
	char lf[11], lt[11];
	json_t *u = NULL;
	int64_t rakhshan = find(f->db, UNIT_DIVISION, "Rakhshan", "2026-08-01");
	int64_t qdiv = find(f->db, UNIT_DIVISION, "Quetta", "2026-08-01");
	int64_t kech = find(f->db, UNIT_DISTRICT, "Kech", "2026-08-01");
	int64_t hub = find(f->db, UNIT_DISTRICT, "Hub", "2026-08-01");
	struct {
		int64_t unit;
		const char *day;
		int has;
	} cases[] = {
		{ rakhshan, "2026-08-01", 1 }, /* its districts never changed */
		{ qdiv, "2026-07-07", 1 },
		{ qdiv, "2026-07-08", 0 },     /* lost Pishin, Chaman, Killa Abdullah */
		{ kech, "2026-02-23", 1 },
		{ kech, "2026-02-24", 0 },     /* Tump carved out */
		{ hub, "2025-01-01", 0 },      /* no polygon of its own */
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(org_unit_json(f->db, cases[i].unit, day(cases[i].day), &u, lf, lt), DF_OK);
		assert_int_equal(json_is_true(json_object_get(u, "has_geometry")), cases[i].has);
		json_decref(u);
	}
}

static void test_departments(void **state)
{
	struct fx *f = *state;
	static const char *const codes[] = { "SGAD", "PND", "EDU", "HEALTH", "PHE", "IRRIGATION",
					     "CW", "MINES", "REVENUE", "LG", "HOME", "FINANCE" };
	int64_t id = 0;

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		assert_int_equal(org_department_find(f->db, codes[i], &id), DF_OK);
		assert_true(id > 0);
	}
	assert_int_equal(org_department_find(f->db, "NOPE", &id), DF_ENOTFOUND);
	assert_int_equal(rows(f->db, "SELECT COUNT(*) FROM org_departments"), 12);
}

static void test_tree_json(void **state)
{
	struct fx *f = *state;
	json_t *tree = NULL, *counts = NULL, *divs;
	const char *prev = "";
	size_t i;
	json_t *d;

	assert_int_equal(org_tree_json(f->db, day("2026-08-01"), &tree, &counts), DF_OK);
	assert_string_equal(json_string_value(json_object_get(tree, "name")), "Balochistan");
	assert_int_equal(json_integer_value(json_object_get(counts, "division")), 11);
	assert_int_equal(json_integer_value(json_object_get(counts, "district")), 41);
	divs = json_object_get(tree, "children");
	assert_int_equal(json_array_size(divs), 11);
	json_array_foreach(divs, i, d) {
		const char *n = json_string_value(json_object_get(d, "name"));

		assert_true(strcmp(prev, n) < 0);
		prev = n;
	}
	json_decref(tree);
	json_decref(counts);
	assert_int_equal(org_tree_json(f->db, day("2025-12-31"), &tree, &counts), DF_OK);
	assert_int_equal(json_integer_value(json_object_get(counts, "division")), 8);
	assert_int_equal(json_integer_value(json_object_get(counts, "district")), 36);
	json_decref(tree);
	json_decref(counts);
	assert_int_equal(org_tree_json(f->db, day("1960-01-01"), &tree, &counts), DF_OK);
	assert_true(json_is_null(tree));
	json_decref(tree);
	json_decref(counts);
}

static void test_unit_json_history(void **state)
{
	struct fx *f = *state;
	int64_t barkhan = find(f->db, UNIT_DISTRICT, "Barkhan", "2026-08-01");
	int64_t quetta = find(f->db, UNIT_DISTRICT, "Quetta", "2025-01-01");
	char lf[11] = "x", lt[11] = "x";
	json_t *u = NULL, *h;

	assert_int_equal(org_unit_json(f->db, barkhan, day("2026-08-01"), &u, lf, lt), DF_OK);
	h = json_object_get(u, "history");
	assert_int_equal(json_array_size(h), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "parent_name")), "Loralai");
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 1), "parent_name")), "Koh-e-Sulaiman");
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "parent"), "name")), "Koh-e-Sulaiman");
	json_decref(u);
	u = NULL;
	assert_int_equal(org_unit_json(f->db, quetta, day("2026-08-01"), &u, lf, lt), DF_ENOTFOUND);
	assert_null(u);
	assert_string_equal(lf, "2023-03-01");
	assert_string_equal(lt, "2026-07-08");
}

static void test_idempotent(void **state)
{
	struct fx *f = *state;
	struct snapshot a, b;

	snap(f->db, &a);
	assert_int_equal(org_load_reference(&f->app, f->db, "data"), DF_OK);
	snap(f->db, &b);
	assert_same(&a, &b);
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2026-08-01"), 41);
	assert_int_equal(rows(f->db, "SELECT COUNT(*) FROM org_changes"), 3);
}

static void test_load_missing_dir(void **state)
{
	struct fx *f = *state;
	struct snapshot a, b;

	snap(f->db, &a);
	assert_int_not_equal(org_load_reference(&f->app, f->db, "/nonexistent/daftar-data"), DF_OK);
	assert_false(db_in_tx(f->db));
	snap(f->db, &b);
	assert_same(&a, &b);
}

/* expect_refused - the change set is refused with err containing want, and nothing stays. */
static void expect_refused(struct fx *f, const char *text, const char *want)
{
	struct snapshot a, b;
	char err[512] = "";

	snap(f->db, &a);
	assert_int_equal(apply(f, text, 1, err, sizeof err), DF_EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' does not mention '%s'", err, want);
	snap(f->db, &b);
	assert_same(&a, &b);
}

static void test_refused(void **state)
{
	struct fx *f = *state;

	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"move\","
			  "\"kind\":\"district\",\"unit\":\"Atlantis\",\"to\":\"Zhob\"}]}", "Atlantis");
	/* abolishing a division that still has districts orphans them */
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"abolish\","
			  "\"kind\":\"division\",\"unit\":\"Zhob\"}]}", "still lies in it");
	/* ... also when the first item was fine */
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":["
			  "{\"action\":\"move\",\"kind\":\"district\",\"unit\":\"Zhob\",\"to\":\"Loralai\"},"
			  "{\"action\":\"abolish\",\"kind\":\"division\",\"unit\":\"Zhob\"}]}", "still lies in it");
	/* a split that leaves children (a tehsil) behind */
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":["
			  "{\"action\":\"create\",\"kind\":\"tehsil\",\"unit\":\"Kalat Tehsil\",\"to\":\"Kalat\"},"
			  "{\"action\":\"split\",\"kind\":\"district\",\"unit\":\"Kalat North\",\"from\":\"Kalat\"}]}",
		       "still lies in it");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"explode\","
			  "\"kind\":\"district\",\"unit\":\"Zhob\"}]}", "explode");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"abolish\","
			  "\"kind\":\"county\",\"unit\":\"Zhob\"}]}", "kind");
	expect_refused(f, "{\"effective\":\"2026-09-31\",\"title\":\"t\",\"items\":[{\"action\":\"abolish\","
			  "\"kind\":\"district\",\"unit\":\"Zhob\"}]}", "effective");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"items\":[]}", "title");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[]}", "items");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"extra\":1,\"items\":[]}", "extra");
	/* Barkhan's 2023 version is closed by the July change: no going back before it */
	expect_refused(f, "{\"effective\":\"2026-01-01\",\"title\":\"t\",\"items\":[{\"action\":\"move\","
			  "\"kind\":\"district\",\"unit\":\"Barkhan\",\"to\":\"Zhob\"}]}", "date order");
	/* Quetta East does not exist yet in 2025 */
	expect_refused(f, "{\"effective\":\"2025-01-01\",\"title\":\"t\",\"items\":[{\"action\":\"abolish\","
			  "\"kind\":\"district\",\"unit\":\"Quetta East\"}]}", "Quetta East");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"rename\","
			  "\"kind\":\"district\",\"unit\":\"Zhob\",\"from\":\"Sherani\"}]}", "already exists");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"move\","
			  "\"kind\":\"district\",\"unit\":\"Zhob\",\"to\":\"Quetta East\"}]}", "Quetta East");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"move\","
			  "\"kind\":\"district\",\"unit\":\"Zhob\",\"from\":\"Quetta\",\"to\":\"Loralai\"}]}",
		       "does not lie in");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"merge\","
			  "\"kind\":\"district\",\"unit\":\"Big\",\"from\":[\"Zhob\"]}]}", "2 to");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"create\","
			  "\"kind\":\"district\",\"unit\":\" Spaced\",\"to\":\"Zhob\"}]}", "usable name");
	expect_refused(f, "{\"effective\":\"2026-09-01\",\"title\":\"t\",\"items\":[{\"action\":\"create\","
			  "\"kind\":\"province\",\"unit\":\"Another\"}]}", "province");
}

static void test_needs_transaction(void **state)
{
	struct fx *f = *state;
	json_t *c = json_pack("{s:s, s:s, s:[]}", "effective", "2026-09-01", "title", "t", "items");
	char err[64];
	int64_t id = 0;

	assert_int_equal(org_apply_change(&f->app, f->db, c, 0, &id, err, sizeof err), DF_EINTERNAL);
	json_decref(c);
}

/* A valid change set of every action, rolled back: then the same committed. */
static const char valid_change[] =
	"{\"effective\":\"2026-09-01\",\"title\":\"test restructuring\",\"reference\":\"No. TEST-1\",\"items\":["
	"{\"action\":\"create\",\"kind\":\"tehsil\",\"unit\":\"Saddar\",\"to\":\"Quetta East\"},"
	"{\"action\":\"create\",\"kind\":\"tehsil\",\"unit\":\"Sariab\",\"to\":\"Quetta East\"},"
	"{\"action\":\"create\",\"kind\":\"office\",\"unit\":\"DC Office\",\"to\":\"Quetta East\"},"
	"{\"action\":\"merge\",\"kind\":\"district\",\"unit\":\"Greater Zhob\",\"from\":[\"Zhob\",\"Sherani\"]},"
	"{\"action\":\"split\",\"kind\":\"district\",\"unit\":\"Gwadar North\",\"from\":\"Gwadar\"},"
	"{\"action\":\"split\",\"kind\":\"district\",\"unit\":\"Gwadar South\",\"from\":\"Gwadar\"},"
	"{\"action\":\"rename\",\"kind\":\"district\",\"unit\":\"Panjgur Central\",\"from\":\"Panjgur\"},"
	"{\"action\":\"move\",\"kind\":\"district\",\"unit\":\"Kharan\",\"from\":\"Rakhshan\",\"to\":\"Makuran\"}]}";

static void check_valid_change(struct fx *f)
{
	char name[ORG_NAME_MAX + 1];
	int64_t id = 0;

	assert_int_equal(count_kind(f->db, UNIT_TEHSIL, "2026-09-01"), 2);
	assert_int_equal(count_kind(f->db, UNIT_TEHSIL, "2026-08-31"), 0);
	assert_int_equal(count_kind(f->db, UNIT_OFFICE, "2026-09-01"), 1);
	/* 41 - Zhob - Sherani + Greater Zhob - Gwadar + 2 = 41 */
	assert_int_equal(count_kind(f->db, UNIT_DISTRICT, "2026-09-01"), 41);
	assert_int_equal(org_unit_find(f->db, UNIT_DISTRICT, "Zhob", day("2026-09-01"), &id), DF_ENOTFOUND);
	assert_int_equal(org_unit_find(f->db, UNIT_DISTRICT, "Gwadar", day("2026-09-01"), &id), DF_ENOTFOUND);
	division_of(f->db, "Greater Zhob", "2026-09-01", name, sizeof name);
	assert_string_equal(name, "Zhob");
	division_of(f->db, "Gwadar South", "2026-09-01", name, sizeof name);
	assert_string_equal(name, "Makuran");
	division_of(f->db, "Kharan", "2026-09-01", name, sizeof name);
	assert_string_equal(name, "Makuran");
	division_of(f->db, "Kharan", "2026-08-31", name, sizeof name);
	assert_string_equal(name, "Rakhshan");
	assert_int_equal(org_unit_name(f->db, find(f->db, UNIT_DISTRICT, "Panjgur", "2026-08-31"), day("2026-09-01"),
				       name, sizeof name), DF_OK);
	assert_string_equal(name, "Panjgur Central");
	find(f->db, UNIT_OFFICE, "dc office", "2026-09-01");
}

static void test_valid_change(void **state)
{
	struct fx *f = *state;
	struct snapshot a, b;
	char err[512] = "";
	json_t *c = NULL;
	int64_t cid = 0;

	snap(f->db, &a);
	assert_int_equal(db_begin(f->db), DF_OK);
	c = json_loads(valid_change, 0, NULL);
	assert_non_null(c);
	if (org_apply_change(&f->app, f->db, c, 1, &cid, err, sizeof err) != DF_OK)
		fail_msg("refused: %s", err);
	check_valid_change(f);
	db_rollback(f->db);
	snap(f->db, &b);
	assert_same(&a, &b);
	assert_int_equal(count_kind(f->db, UNIT_TEHSIL, "2026-09-01"), 0);
	/* now for real */
	assert_int_equal(apply(f, valid_change, 1, err, sizeof err), DF_OK);
	check_valid_change(f);
	json_decref(c);
	/* the change set reads back with its items; the merge lists both sources */
	assert_int_equal(db_query_i64(f->db, "SELECT id FROM org_changes WHERE reference = 'No. TEST-1'", 0, NULL, &cid),
			 DF_OK);
	assert_int_equal(org_change_json(f->db, cid, &c), DF_OK);
	assert_int_equal(json_array_size(json_object_get(c, "items")), 8);
	assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(c, "items"), 3), "from")), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(json_object_get(c, "items"), 7), "to"), "name")),
			    "Makuran");
	/* a parent taken by default is named in the item too */
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(json_object_get(c, "items"), 3), "to"), "name")),
			    "Zhob");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(json_array_get(json_object_get(c, "items"), 7), "from"), "name")),
			    "Rakhshan");
	json_decref(c);
	/* the tehsils now make Quetta East's split impossible without moving them */
	expect_refused(f, "{\"effective\":\"2026-10-01\",\"title\":\"t\",\"items\":[{\"action\":\"split\","
			  "\"kind\":\"district\",\"unit\":\"Quetta North\",\"from\":\"Quetta East\",\"to\":\"Quetta\"}]}",
		       "still lies in it");
	assert_int_equal(apply(f, "{\"effective\":\"2026-10-01\",\"title\":\"t\",\"items\":["
				  "{\"action\":\"split\",\"kind\":\"district\",\"unit\":\"Quetta North\","
				  "\"from\":\"Quetta East\",\"to\":\"Quetta\"},"
				  "{\"action\":\"move\",\"kind\":\"tehsil\",\"unit\":\"Saddar\",\"to\":\"Quetta North\"},"
				  "{\"action\":\"move\",\"kind\":\"tehsil\",\"unit\":\"Sariab\",\"to\":\"Quetta North\"},"
				  "{\"action\":\"move\",\"kind\":\"office\",\"unit\":\"DC Office\",\"to\":\"Quetta North\"}]}",
			       1, err, sizeof err),
			 DF_OK);
	assert_int_equal(count_kind(f->db, UNIT_TEHSIL, "2026-10-01"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_counts_before),
		cmocka_unit_test(test_counts_after),
		cmocka_unit_test(test_the_2026_divisions),
		cmocka_unit_test(test_quetta_before),
		cmocka_unit_test(test_barkhan_moves),
		cmocka_unit_test(test_kech_division_renamed),
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_departments),
		cmocka_unit_test(test_tree_json),
		cmocka_unit_test(test_unit_json_history),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_load_missing_dir),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_needs_transaction),
		cmocka_unit_test(test_valid_change), /* last: it commits */
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
