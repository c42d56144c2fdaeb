/*
 * api_tree.c - the org tree over HTTP (/api/v1/org/...) and `org_module`:
 * its schema (migrations), routes and audit events.
 *
 *   GET  /api/v1/org/tree?as_of=D            the nested tree of day D + counts
 *   GET  /api/v1/org/units/{id}?as_of=D      one unit: version, parent, children, history
 *   GET  /api/v1/org/geojson?as_of=D&kind=K  public: units of kind K with their polygons
 *   GET  /api/v1/org/departments             the departments
 *   GET  /api/v1/org/changes                 the change sets with their items, newest first
 *   GET  /api/v1/org/changes/{id}            one change set
 *   POST /api/v1/org/changes                 apply a change set (administrators)
 *
 * as_of defaults to today in Asia/Karachi.  Every handler has the one-exit
 * shape of http.h.  The GeoJSON answer is assembled as text: the stored
 * geometries are already compact JSON written by the loader, so they are
 * copied, not parsed again (a 1 MB answer would otherwise cost a parse and
 * a dump per request).  The answer is not cached: a change set applied here
 * or on another instance would leave a cache stale, and building it costs
 * one query and a copy.
 */
#include <stdlib.h>
#include <string.h>
#include "../core/buf.h"
#include "../core/clock.h"
#include "../core/http.h"
#include "../core/store.h"
#include "restructure.h"

#define CHANGE_BODY_MAX (256 * 1024)
#define GEOJSON_MAX (64u * 1024 * 1024)
#define CHANGES_LIST_MAX 1000
#define ATTRIBUTION                                                  \
	"Boundaries \u00a9 OpenStreetMap contributors, ODbL 1.0; "   \
	"district list: Pakistan Bureau of Statistics, Census 2023"

/* as_of - the as_of query argument, or today in Asia/Karachi; 400 problem if malformed. */
static int as_of(struct request *r, cal_day *day)
{
	const char *s = req_query(r, "as_of");

	if (!s || !*s) {
		*day = cal_day_of_instant(clock_now_ms());
		return DF_OK;
	}
	if (cal_parse(s, day) != DF_OK) {
		req_problem_field(r, 400, "as_of", "as_of must be a date YYYY-MM-DD");
		return DF_EINVAL;
	}
	return DF_OK;
}

static int get_tree(struct request *r)
{
	int status = 500;
	json_t *out = NULL, *tree = NULL, *counts = NULL;
	struct db *db = NULL;
	char d[11];
	cal_day day;
	int rc = as_of(r, &day);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = org_tree_json(db, day, &tree, &counts);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	cal_format(day, d);
	out = json_pack("{s:s, s:o, s:o}", "as_of", d, "tree", tree, "counts", counts);
	tree = counts = NULL;
	status = req_reply_take(r, 200, &out);
out:
	json_decref(tree);
	json_decref(counts);
	json_decref(out);
	return status;
}

static int get_unit(struct request *r)
{
	int status = 500;
	json_t *out = NULL;
	struct db *db = NULL;
	char life_from[11] = "", life_to[11] = "", d[11];
	int64_t id = 0;
	cal_day day;
	int rc = req_param_id(r, "id", &id);

	if (rc == DF_OK)
		rc = as_of(r, &day);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = org_unit_json(db, id, day, &out, life_from, life_to);
	if (rc == DF_ENOTFOUND && life_from[0]) {
		cal_format(day, d);
		status = req_problem(r, 404, "unit %lld does not exist on %s; it exists from %s%s%s", (long long)id, d,
				     life_from, life_to[0] ? " until " : "", life_to);
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* add_json - append the compact text of v (which is released). */
static int add_json(struct buf *b, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	int rc = text ? buf_adds(b, text) : DF_ENOMEM;

	free(text);
	json_decref(v);
	return rc;
}

/* geo_features - the features of kind on day into b; units without a
 * polygon into missing. */
static int geo_features(struct db *db, const char *day, const char *kind, struct buf *b, json_t *missing)
{
	static const char sql[] =
		"SELECT v.unit_id, v.name, v.parent_id, p.name, g.geojson, g.valid_from FROM org_unit_versions v"
		" LEFT JOIN org_unit_versions p ON p.unit_id = v.parent_id AND " ORG_ASOF("p", "?1")
		" LEFT JOIN org_unit_geometry g ON g.unit_id = v.unit_id AND g.valid_from ="
		" (SELECT MAX(g2.valid_from) FROM org_unit_geometry g2 WHERE g2.unit_id = v.unit_id AND g2.valid_from <= ?1)"
		" WHERE v.kind = ?2 AND " ORG_ASOF("v", "?1") " ORDER BY v.name, v.unit_id";
	struct stmt *st = NULL;
	int first = 1;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, day, -1);
	stmt_bind_text(st, 2, kind, -1);
	for (;;) {
		const char *geo, *pname;
		json_t *props;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		geo = stmt_text(st, 4);
		pname = stmt_text(st, 3);
		props = json_pack("{s:o, s:s, s:s, s:o, s:o}", "id", json_id(stmt_i64(st, 0)), "name", stmt_text(st, 1),
				  "kind", kind, "parent_id", stmt_isnull(st, 2) ? json_null() : json_id(stmt_i64(st, 2)),
				  "parent_name", pname ? json_string(pname) : json_null());
		if (!props) {
			rc = DF_ENOMEM;
			break;
		}
		if (!geo) {
			rc = json_array_append_new(missing, props) ? DF_ENOMEM : DF_OK;
		} else {
			json_object_set_new(props, "geometry_from", json_string(stmt_text(st, 5)));
			rc = buf_adds(b, first ? "{\"type\":\"Feature\",\"properties\":" : ",{\"type\":\"Feature\",\"properties\":");
			if (rc == DF_OK)
				rc = add_json(b, props);
			else
				json_decref(props);
			if (rc == DF_OK)
				rc = buf_addf(b, ",\"geometry\":%s}", geo);
			first = 0;
		}
		if (rc != DF_OK)
			break;
	}
	stmt_done(st);
	return rc;
}

static int get_geojson(struct request *r)
{
	int status = 500;
	struct buf b;
	struct db *db = NULL;
	json_t *missing = json_array();
	const char *kind = req_query(r, "kind");
	char *bytes = NULL, d[11];
	size_t len = 0;
	cal_day day;
	int rc;

	buf_init(&b, GEOJSON_MAX);
	if (!kind || !*kind)
		kind = "district";
	rc = as_of(r, &day);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (unit_kind_parse(kind) < 0) {
		status = req_problem_field(r, 400, "kind", "kind must be province, division, district, tehsil or office");
		goto out;
	}
	cal_format(day, d);
	rc = missing ? req_db(r, &db) : DF_ENOMEM;
	if (rc == DF_OK)
		rc = buf_addf(&b, "{\"type\":\"FeatureCollection\",\"as_of\":\"%s\",\"kind\":\"%s\",\"attribution\":", d,
			      kind);
	if (rc == DF_OK)
		rc = add_json(&b, json_string(ATTRIBUTION));
	if (rc == DF_OK)
		rc = buf_adds(&b, ",\"features\":[");
	if (rc == DF_OK)
		rc = geo_features(db, d, kind, &b, missing);
	if (rc == DF_OK)
		rc = buf_adds(&b, "],\"without_geometry\":");
	if (rc == DF_OK) {
		rc = add_json(&b, missing);
		missing = NULL;
	}
	if (rc == DF_OK)
		rc = buf_adds(&b, "}");
	if (rc == DF_OK)
		bytes = buf_detach(&b, &len);
	if (rc == DF_OK && !bytes)
		rc = DF_ENOMEM;
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	status = req_reply_raw(r, 200, "application/geo+json", bytes, len);
	bytes = NULL;
out:
	free(bytes);
	buf_release(&b);
	json_decref(missing);
	return status;
}

static int get_departments(struct request *r)
{
	int status = 500;
	json_t *out = NULL, *list = json_array();
	struct db *db = NULL;
	struct stmt *st = NULL;
	int rc = list ? req_db(r, &db) : DF_ENOMEM;

	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT id, code, name, name_ur FROM org_departments ORDER BY name", &st);
	while (rc == DF_OK) {
		json_t *o;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		o = json_pack("{s:o, s:s, s:s, s:s}", "id", json_id(stmt_i64(st, 0)), "code", stmt_text(st, 1), "name",
			      stmt_text(st, 2), "name_ur", stmt_text(st, 3));
		rc = o && !json_array_append_new(list, o) ? DF_OK : DF_ENOMEM;
	}
	stmt_done(st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:O}", "departments", list);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(list);
	json_decref(out);
	return status;
}

/* ---------------------------------------------------------- change sets */

/* ref_json - {"id","name"} for a unit named in an item, or null. */
static json_t *ref_json(struct stmt *st, int id_col, int name_col)
{
	const char *name = stmt_text(st, name_col);

	if (stmt_isnull(st, id_col) && !name)
		return json_null();
	return json_pack("{s:o, s:o}", "id", stmt_isnull(st, id_col) ? json_null() : json_id(stmt_i64(st, id_col)),
			 "name", name ? json_string(name) : json_null());
}

/* change_items - the items of change id, merge sources gathered into one list. */
static int change_items(struct db *db, int64_t id, json_t *items)
{
	static const char sql[] = "SELECT seq, part, action, kind, unit_id, unit_name, from_unit, from_name, to_unit,"
				  " to_name, note FROM org_change_items WHERE change_id = ?1 ORDER BY seq, part";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	for (;;) {
		const char *action, *note;
		json_t *it, *from;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		action = stmt_text(st, 2);
		from = ref_json(st, 6, 7);
		if (stmt_i64(st, 1) > 0) { /* a further source of a merge */
			it = json_array_get(items, json_array_size(items) - 1);
			rc = json_array_append_new(json_object_get(it, "from"), from) ? DF_ENOMEM : DF_OK;
			if (rc != DF_OK)
				break;
			continue;
		}
		if (from && strcmp(action, "merge") == 0)
			from = json_pack("[o]", from);
		note = stmt_text(st, 10);
		it = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "seq", (json_int_t)stmt_i64(st, 0), "action", action,
			       "kind", stmt_text(st, 3), "unit", ref_json(st, 4, 5), "from", from, "to", ref_json(st, 8, 9),
			       "note", note ? json_string(note) : json_null());
		if (!it || json_array_append_new(items, it)) {
			rc = DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	return rc;
}

int org_change_json(struct db *db, int64_t change_id, json_t **out)
{
	static const char sql[] = "SELECT effective, title, reference, created_by, created_at FROM org_changes WHERE id = ?1";
	struct stmt *st = NULL;
	json_t *o = NULL, *items = json_array();
	char created[32];
	int rc = items ? db_prepare(db, sql, &st) : DF_ENOMEM;

	*out = NULL;
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, change_id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *ref = stmt_text(st, 2);

		clock_format_ms(stmt_i64(st, 4), created);
		o = json_pack("{s:o, s:s, s:s, s:o, s:o, s:s}", "id", json_id(change_id), "effective", stmt_text(st, 0),
			      "title", stmt_text(st, 1), "reference", ref ? json_string(ref) : json_null(), "created_by",
			      stmt_i64(st, 3) ? json_id(stmt_i64(st, 3)) : json_null(), "created_at", created);
		rc = o ? DF_OK : DF_ENOMEM;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	if (rc == DF_OK)
		rc = change_items(db, change_id, items);
	if (rc == DF_OK && json_object_set(o, "items", items))
		rc = DF_ENOMEM;
	if (rc == DF_OK) {
		*out = o;
		o = NULL;
	}
out:
	json_decref(o);
	json_decref(items);
	return rc;
}

static int get_change(struct request *r)
{
	int status = 500;
	json_t *out = NULL;
	struct db *db = NULL;
	int64_t id = 0;
	int rc = req_param_id(r, "id", &id);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = org_change_json(db, id, &out);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

static int get_changes(struct request *r)
{
	int status = 500;
	json_t *out = NULL, *list = json_array();
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t *ids = calloc(CHANGES_LIST_MAX, sizeof *ids);
	size_t n = 0;
	int rc = list && ids ? req_db(r, &db) : DF_ENOMEM;

	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT id FROM org_changes ORDER BY effective DESC, id DESC", &st);
	while (rc == DF_OK && n < CHANGES_LIST_MAX) {
		rc = stmt_step(st);
		if (rc == STMT_ROW) {
			ids[n++] = stmt_i64(st, 0);
			rc = DF_OK;
		} else {
			break;
		}
	}
	stmt_done(st);
	for (size_t i = 0; i < n && rc == DF_OK; i++) {
		json_t *c = NULL;

		rc = org_change_json(db, ids[i], &c);
		if (rc == DF_OK && json_array_append_new(list, c))
			rc = DF_ENOMEM;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:O}", "changes", list);
	status = req_reply_take(r, 200, &out);
out:
	free(ids);
	json_decref(list);
	json_decref(out);
	return status;
}

static int post_change(struct request *r)
{
	int status = 500;
	json_t *out = NULL;
	struct db *db = NULL;
	char err[512] = "", loc[64];
	int64_t id = 0;
	int rc = req_db(r, &db);

	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	rc = org_apply_change(r->app, db, r->body_json, r->who.user_id, &id, err, sizeof err);
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK) {
		db_rollback(db);
		if (rc == DF_EINVAL)
			status = req_problem(r, 422, "%s", err);
		else
			status = req_fail(r, rc);
		goto out;
	}
	rc = org_change_json(db, id, &out);
	snprintf(loc, sizeof loc, "/api/v1/org/changes/%lld", (long long)id);
	if (rc == DF_OK)
		rc = req_add_header(r, "Location", loc);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	status = req_reply_take(r, 201, &out);
out:
	json_decref(out);
	return status;
}

/* ---------------------------------------------------------- the module */

static const struct route routes[] = {
	{ "GET", "/api/v1/org/tree", get_tree, "org.read", 0, 0 },
	{ "GET", "/api/v1/org/units/{id}", get_unit, "org.read", 0, 0 },
	{ "GET", "/api/v1/org/geojson", get_geojson, PERM_PUBLIC, 0, 0 },
	{ "GET", "/api/v1/org/departments", get_departments, "org.read", 0, 0 },
	{ "GET", "/api/v1/org/changes", get_changes, "org.read", 0, 0 },
	{ "GET", "/api/v1/org/changes/{id}", get_change, "org.read", 0, 0 },
	{ "POST", "/api/v1/org/changes", post_change, "org.restructure", CHANGE_BODY_MAX, ROUTE_JSON },
};

static const struct migration migrations[] = {
	{ 1,
	  "CREATE TABLE org_units ("
	  " id BIGINT PRIMARY KEY,"
	  " code TEXT NOT NULL UNIQUE,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE TABLE org_changes ("
	  " id BIGINT PRIMARY KEY,"
	  " effective TEXT NOT NULL,"
	  " title TEXT NOT NULL,"
	  " reference TEXT NULL,"
	  " created_by BIGINT NOT NULL,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX org_changes_effective ON org_changes (effective);"
	  "CREATE INDEX org_changes_reference ON org_changes (reference);"
	  "CREATE TABLE org_unit_versions ("
	  " id BIGINT PRIMARY KEY,"
	  " unit_id BIGINT NOT NULL REFERENCES org_units (id),"
	  " name TEXT NOT NULL,"
	  " kind TEXT NOT NULL,"
	  " parent_id BIGINT NULL REFERENCES org_units (id),"
	  " valid_from TEXT NOT NULL,"
	  " valid_to TEXT NULL,"
	  " change_id BIGINT NULL REFERENCES org_changes (id));"
	  "CREATE INDEX org_unit_versions_unit ON org_unit_versions (unit_id, valid_from);"
	  "CREATE INDEX org_unit_versions_parent ON org_unit_versions (parent_id, valid_from);"
	  "CREATE INDEX org_unit_versions_kind ON org_unit_versions (kind, valid_from);"
	  "CREATE TABLE org_unit_geometry ("
	  " unit_id BIGINT NOT NULL REFERENCES org_units (id),"
	  " valid_from TEXT NOT NULL,"
	  " geojson TEXT NULL,"
	  " PRIMARY KEY (unit_id, valid_from));"
	  "CREATE TABLE org_change_items ("
	  " change_id BIGINT NOT NULL REFERENCES org_changes (id),"
	  " seq BIGINT NOT NULL,"
	  " part BIGINT NOT NULL,"
	  " action TEXT NOT NULL,"
	  " kind TEXT NOT NULL,"
	  " unit_id BIGINT NOT NULL REFERENCES org_units (id),"
	  " unit_name TEXT NOT NULL,"
	  " from_unit BIGINT NULL REFERENCES org_units (id),"
	  " from_name TEXT NULL,"
	  " to_unit BIGINT NULL REFERENCES org_units (id),"
	  " to_name TEXT NULL,"
	  " note TEXT NULL,"
	  " PRIMARY KEY (change_id, seq, part));"
	  "CREATE TABLE org_departments ("
	  " id BIGINT PRIMARY KEY,"
	  " code TEXT NOT NULL UNIQUE,"
	  " name TEXT NOT NULL,"
	  " name_ur TEXT NOT NULL);" },
};

static const char *const events[] = {
	"org.unit.create", "org.unit.version", "org.unit.end", "org.geometry.set",
	"org.change.apply", "org.department.create", NULL,
};

const struct module org_module = {
	.name = "org",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.jobs = NULL,
	.njobs = 0,
	.audit_events = events,
};
