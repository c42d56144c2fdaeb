/*
 * api_attendance.c - the HTTP face of the attendance module
 * (`attendance_module`), with its schema:
 *
 *   POST   /api/v1/devices               register a device for a person; the
 *                                        identifier is shown once
 *   GET    /api/v1/devices?person=ID     a person's devices (no identifiers)
 *   DELETE /api/v1/devices/{id}          revoke one
 *   POST   /api/v1/postings/{id}/places  add a duty place to a posting
 *   GET    /api/v1/postings/{id}/places  its duty places
 *   DELETE /api/v1/places/{id}           end a duty place
 *   POST   /api/v1/checkins              the caller's check-in, or a batch
 *                                        {"items":[...]} from the offline queue
 *   GET    /api/v1/checkins?person=&day= check-ins of a day
 *   GET|POST /api/v1/osmand              position reports of registered
 *                                        devices (OsmAnd protocol, osmand.h)
 *
 * Who may: a signed-in person registers their own devices and checks
 * themselves in; `attendance.manage` where the person (or the posting) is
 * reached registers devices and sets duty places for others;
 * `attendance.read` where the person is posted reads their check-ins.
 * Outside every reach the answer is 404.  Device identifiers are 32 random
 * bytes (base32, 52 characters), stored only as their SHA-256.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "att_int.h"
#include "attendance.h"
#include "core/app.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/commit.h"
#include "core/http.h"
#include "core/id.h"
#include "core/log.h"
#include "core/store.h"
#include "geofence.h"
#include "org/authz.h"
#include "org/people.h"
#include "osmand.h"

#define BODY_MAX 4096
#define BATCH_MAX 100
#define BATCH_BODY_MAX (BATCH_MAX * 400 + 1024)
#define PLACE_BODY_MAX (GEO_GEOJSON_MAX / 8) /* a drawn polygon; districts use kind "district" */
#define LABEL_MAX 80
#define DEVICES_MAX 50
#define IDENT_BYTES 32
#define IDENT_LEN 52 /* base32 of 32 bytes, unpadded */

/* ------------------------------------------------------------- helpers */

void *att_grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > SIZE_MAX / size)
		return NULL;
	nv = realloc(v, ncap * size);
	if (nv)
		*cap = ncap;
	return nv;
}

int att_finish(struct db *db, int rc)
{
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK && db)
		db_rollback(db);
	return rc;
}

/* exec_id_now - run sql with ?1 = id and ?2 = now (ms). */
static int exec_id_now(struct db *db, const char *sql, int64_t id)
{
	const int64_t p[] = { id, clock_now_ms() };

	return db_exec_i64(db, sql, 2, p);
}

/* may_person - the caller is person, or holds action where person is posted. */
int att_may_person(struct request *r, int64_t person, const char *action)
{
	int rc;

	if (r->who.person_id && r->who.person_id == person)
		return DF_OK;
	rc = people_decide(r, person, action);
	if (rc == DF_ENOTFOUND)
		req_problem(r, 404, "no such person");
	else if (rc == DF_EDENIED)
		req_problem(r, 403, "your posting does not allow %s for this person", action);
	return rc;
}

/* query_person - the person a read is about: ?person=ID, else the caller;
 * then action on them checked (may_person).  DF_OK or an error with the
 * problem recorded. */
static int query_person(struct request *r, const char *action, int64_t *person)
{
	if (req_query_id(r, "person", person) != DF_OK)
		return DF_EINVAL;
	if (!*person)
		*person = r->who.person_id;
	if (!*person) {
		req_problem_field(r, 400, "person", "person is required (you are not a person)");
		return DF_EINVAL;
	}
	return att_may_person(r, *person, action);
}

/* reply_items - answer 200 {"items": [row(st) for each row]} (st bound;
 * it is finished here). */
static int reply_items(struct request *r, struct stmt *st, json_t *(*row)(struct stmt *))
{
	json_t *items = json_array(), *out = NULL;
	int rc;

	for (;;) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (!items || json_array_append_new(items, row(st))) {
			rc = DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o}", "items", items);
	return req_reply_take(r, 200, &out);
}

/* ------------------------------------------------------------- devices */

static json_t *device_json(struct stmt *st)
{
	return json_pack("{s:o, s:o, s:s, s:s, s:I, s:o, s:o}", "id", json_id(stmt_i64(st, 0)), "person_id",
			 json_id(stmt_i64(st, 1)), "label", stmt_text(st, 2), "hint", stmt_text(st, 3), "created_at",
			 (json_int_t)stmt_i64(st, 4), "revoked_at",
			 stmt_isnull(st, 5) ? json_null() : json_integer(stmt_i64(st, 5)), "last_seen_at",
			 stmt_isnull(st, 6) ? json_null() : json_integer(stmt_i64(st, 6)));
}

#define DEVICE_COLS "id, person_id, label, hint, created_at, revoked_at, last_seen_at"

/* POST /api/v1/devices {person_id?, label} */
static int post_devices(struct request *r)
{
	struct db *db = NULL;
	struct stmt *st = NULL;
	const char *label = NULL;
	int64_t person = r->who.person_id, id = 0, live = 0;
	char ident[IDENT_LEN + 1] = "", hash[65];
	json_t *out = NULL;
	int rc, status;

	if (jreq_int(r, r->body_json, "person_id", 1, INT64_MAX, 0, &person) != DF_OK ||
	    jreq_str(r, r->body_json, "label", LABEL_MAX, 1, &label) != DF_OK)
		return r->problem_status;
	if (!person)
		return req_problem_field(r, 422, "person_id", "person_id is required (you are not a person)");
	rc = att_may_person(r, person, "attendance.manage");
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc != DF_OK)
		return req_fail(r, rc);
	{
		int64_t p[1] = { person };

		rc = db_query_i64(db, "SELECT COUNT(*) FROM att_devices WHERE person_id = ?1 AND revoked_at IS NULL",
				  1, p, &live);
	}
	if (rc == DF_OK && live >= DEVICES_MAX) {
		status = req_problem(r, 409, "this person already has %d devices; revoke one first", DEVICES_MAX);
		db_rollback(db);
		return status;
	}
	if (rc == DF_OK)
		rc = auth_random_base32(IDENT_BYTES, ident, sizeof ident);
	auth_sha256_hex(ident, strlen(ident), hash);
	if (rc == DF_OK)
		rc = db_prepare(db, "INSERT INTO att_devices (id, person_id, ident_hash, label, hint, created_at,"
				    " created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st);
	if (rc == DF_OK) {
		id = id_next();
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, person);
		stmt_bind_text(st, 3, hash, -1);
		stmt_bind_text(st, 4, label, -1);
		stmt_bind_text(st, 5, ident + IDENT_LEN - 4, -1);
		stmt_bind_i64(st, 6, clock_now_ms());
		stmt_bind_i64(st, 7, r->who.user_id);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		json_t *rec = json_pack("{s:o, s:s}", "person_id", json_id(person), "label", label);

		rc = rec ? audit_append_json(db, "attendance.device.register", "device", id, r->who.user_id, rec)
			 : DF_ENOMEM;
		json_decref(rec);
	}
	rc = att_finish(db, rc);
	if (rc != DF_OK) {
		sodium_memzero(ident, sizeof ident);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o, s:o, s:s, s:s, s:s, s:s}", "id", json_id(id), "person_id", json_id(person), "label",
			label, "hint", ident + IDENT_LEN - 4, "identifier", ident, "osmand_path", "/api/v1/osmand");
	sodium_memzero(ident, sizeof ident);
	return req_reply_take(r, 201, &out);
}

/* GET /api/v1/devices?person=ID (default: the caller) */
static int get_devices(struct request *r)
{
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t person = 0;
	int rc;

	rc = query_person(r, "attendance.read", &person);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT " DEVICE_COLS " FROM att_devices WHERE person_id = ?1 ORDER BY id", &st);
	if (rc != DF_OK)
		return req_fail(r, rc);
	stmt_bind_i64(st, 1, person);
	return reply_items(r, st, device_json);
}

/* DELETE /api/v1/devices/{id} */
static int delete_device(struct request *r)
{
	struct db *db = NULL;
	int64_t id = 0, person = 0, params[2];
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, &db);
	params[0] = id;
	if (rc == DF_OK)
		rc = db_query_i64(db, "SELECT person_id FROM att_devices WHERE id = ?1", 1, params, &person);
	if (rc == DF_ENOTFOUND)
		return req_problem(r, 404, "no such device");
	if (rc == DF_OK)
		rc = att_may_person(r, person, "attendance.manage");
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK) {
		rc = exec_id_now(db, "UPDATE att_devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", id);
		if (rc == DF_OK)
			rc = audit_append(db, "attendance.device.revoke", "device", id, r->who.user_id, NULL, 0, NULL);
		rc = att_finish(db, rc);
	}
	if (rc != DF_OK)
		return req_fail(r, rc);
	(void)params[1];
	return req_reply(r, 204, NULL);
}

/* ------------------------------------------------------------- places */

#define PLACE_COLS "id, posting_id, name, kind, lat, lon, radius_m, geojson, created_at, ended_at"

static json_t *place_json(struct stmt *st)
{
	json_t *geometry = NULL;

	if (!stmt_isnull(st, 7))
		geometry = json_loads(stmt_text(st, 7), 0, NULL);
	return json_pack("{s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:I, s:o}", "id", json_id(stmt_i64(st, 0)),
			 "posting_id", json_id(stmt_i64(st, 1)), "name", stmt_text(st, 2), "kind", stmt_text(st, 3),
			 "lat", stmt_isnull(st, 4) ? json_null() : json_real(stmt_double(st, 4)), "lon",
			 stmt_isnull(st, 5) ? json_null() : json_real(stmt_double(st, 5)), "radius_m",
			 stmt_isnull(st, 6) ? json_null() : json_real(stmt_double(st, 6)), "geometry",
			 geometry ? geometry : json_null(), "created_at", (json_int_t)stmt_i64(st, 8), "ended_at",
			 stmt_isnull(st, 9) ? json_null() : json_integer(stmt_i64(st, 9)));
}

/* posting_allowed - the posting {id} of the path, with action checked
 * against its post's unit and department. */
static int posting_allowed(struct request *r, const char *action, struct posting_ref *pg)
{
	struct db *db = NULL;
	int64_t id = 0;
	int rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return DF_ENOTFOUND;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = people_posting_ref(db, id, pg);
	if (rc == DF_ENOTFOUND) {
		req_problem(r, 404, "no such posting");
		return rc;
	}
	if (rc == DF_OK && !(r->who.person_id && r->who.person_id == pg->person && strcmp(action, "attendance.read") == 0))
		rc = authz_object(r, action, pg->unit, pg->department);
	return rc;
}

/* POST /api/v1/postings/{id}/places
 *   {name, kind: "circle", lat, lon, radius_m} | {name, kind: "polygon",
 *   geometry: GeoJSON Polygon|MultiPolygon} | {name, kind: "district"} */
static int post_places(struct request *r)
{
	struct posting_ref pg;
	struct db *db = NULL;
	struct stmt *st = NULL;
	struct geofence *g = NULL;
	const char *name = NULL, *kind = NULL;
	double lat = NAN, lon = NAN, radius = NAN;
	char *geo = NULL;
	int64_t id = 0;
	json_t *out = NULL;
	int rc, status = 0;

	rc = posting_allowed(r, "attendance.manage", &pg);
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (jreq_str(r, r->body_json, "name", LABEL_MAX, 1, &name) != DF_OK ||
	    jreq_str(r, r->body_json, "kind", 16, 1, &kind) != DF_OK)
		return r->problem_status;
	if (strcmp(kind, "circle") == 0) {
		if (jreq_num(r, r->body_json, "lat", -90, 90, 1, &lat) != DF_OK ||
		    jreq_num(r, r->body_json, "lon", -180, 180, 1, &lon) != DF_OK ||
		    jreq_num(r, r->body_json, "radius_m", 1, GEO_RADIUS_MAX_M, 1, &radius) != DF_OK)
			return r->problem_status;
	} else if (strcmp(kind, "polygon") == 0) {
		json_t *gj = json_object_get(r->body_json, "geometry");

		g = geofence_new();
		geo = gj ? json_dumps(gj, JSON_COMPACT) : NULL;
		if (!g) {
			status = req_fail(r, DF_ENOMEM);
			goto out;
		}
		if (!geo || geofence_add_geojson(g, geo, strlen(geo)) < 0) {
			status = req_problem_field(r, 422, "geometry",
						   "geometry must be a valid GeoJSON Polygon or MultiPolygon in lon/lat");
			goto out;
		}
	} else if (strcmp(kind, "district") != 0) {
		return req_problem_field(r, 422, "kind", "kind must be circle, polygon or district");
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, "INSERT INTO att_places (id, posting_id, name, kind, lat, lon, radius_m, geojson,"
				    " created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st);
	if (rc == DF_OK) {
		id = id_next();
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, pg.id);
		stmt_bind_text(st, 3, name, -1);
		stmt_bind_text(st, 4, kind, -1);
		if (isnan(lat)) {
			stmt_bind_null(st, 5);
			stmt_bind_null(st, 6);
			stmt_bind_null(st, 7);
		} else {
			stmt_bind_double(st, 5, lat);
			stmt_bind_double(st, 6, lon);
			stmt_bind_double(st, 7, radius);
		}
		if (geo)
			stmt_bind_text(st, 8, geo, -1);
		else
			stmt_bind_null(st, 8);
		stmt_bind_i64(st, 9, clock_now_ms());
		stmt_bind_i64(st, 10, r->who.user_id);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		json_t *rec = json_pack("{s:o, s:s, s:s}", "posting_id", json_id(pg.id), "name", name, "kind", kind);

		rc = rec ? audit_append_json(db, "attendance.place.create", "place", id, r->who.user_id, rec)
			 : DF_ENOMEM;
		json_decref(rec);
	}
	rc = att_finish(db, rc);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT " PLACE_COLS " FROM att_places WHERE id = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		if (stmt_step(st) == STMT_ROW)
			out = place_json(st);
		stmt_done(st);
		status = req_reply_take(r, 201, &out);
	} else {
		status = req_fail(r, rc);
	}
out:
	free(geo);
	geofence_free(g);
	return status;
}

/* GET /api/v1/postings/{id}/places */
static int get_places(struct request *r)
{
	struct posting_ref pg;
	struct db *db = NULL;
	struct stmt *st = NULL;
	int rc = posting_allowed(r, "attendance.read", &pg);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT " PLACE_COLS " FROM att_places WHERE posting_id = ?1 AND ended_at IS NULL"
				    " ORDER BY id", &st);
	if (rc != DF_OK)
		return req_fail(r, rc);
	stmt_bind_i64(st, 1, pg.id);
	return reply_items(r, st, place_json);
}

/* ------------------------------------------------------------- check-ins */

/* read_fix - one check-in of the web app: {kind: "in"|"out", lat, lon,
 * accuracy_m?, at? (Unix ms, s or ISO 8601; default now), mock?}. */
static int read_fix(struct request *r, json_t *o, const char **kind, struct fix *f)
{
	json_t *at = json_object_get(o, "at"), *mock = json_object_get(o, "mock");

	memset(f, 0, sizeof *f);
	f->accuracy_m = f->speed_mps = f->bearing = f->altitude = NAN;
	f->batt = -1;
	f->at_ms = clock_now_ms();
	if (!json_is_object(o))
		return req_problem(r, 422, "a check-in must be an object"), DF_EINVAL;
	if (jreq_str(r, o, "kind", 8, 1, kind) != DF_OK)
		return DF_EINVAL;
	if (strcmp(*kind, "in") != 0 && strcmp(*kind, "out") != 0)
		return req_problem_field(r, 422, "kind", "kind must be in or out"), DF_EINVAL;
	if (jreq_num(r, o, "lat", -90, 90, 1, &f->lat) != DF_OK ||
	    jreq_num(r, o, "lon", -180, 180, 1, &f->lon) != DF_OK ||
	    jreq_num(r, o, "accuracy_m", 0, 1e6, 0, &f->accuracy_m) != DF_OK)
		return DF_EINVAL;
	if (json_is_integer(at)) {
		char buf[32];

		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(at));
		if (osmand_parse_time(buf, &f->at_ms) != DF_OK)
			return req_problem_field(r, 422, "at", "at must be a time in Unix ms or s"), DF_EINVAL;
	} else if (json_is_string(at)) {
		if (osmand_parse_time(json_string_value(at), &f->at_ms) != DF_OK)
			return req_problem_field(r, 422, "at", "at must be an ISO 8601 time or Unix ms"), DF_EINVAL;
	} else if (at && !json_is_null(at)) {
		return req_problem_field(r, 422, "at", "at must be a time"), DF_EINVAL;
	}
	if (mock && !json_is_boolean(mock) && !json_is_null(mock))
		return req_problem_field(r, 422, "mock", "mock must be true or false"), DF_EINVAL;
	f->mock = json_is_true(mock);
	return DF_OK;
}

/* POST /api/v1/checkins {one check-in} | {"items": [up to 100]} */
static int post_checkins(struct request *r)
{
	json_t *items = json_object_get(r->body_json, "items");
	json_t *one = NULL, *arr = NULL, *out = NULL;
	struct db *db = NULL;
	size_t n, stored = 0;
	int rc, batch = items != NULL, any_new = 0;

	if (!r->who.person_id)
		return req_problem(r, 403, "only a person can check in (this user is not one)");
	if (batch && (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > BATCH_MAX))
		return req_problem_field(r, 422, "items", "items must be a list of 1 to %d check-ins", BATCH_MAX);
	n = batch ? json_array_size(items) : 1;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc != DF_OK)
		return req_fail(r, rc);
	arr = json_array();
	for (size_t i = 0; rc == DF_OK && i < n; i++) {
		json_t *o = batch ? json_array_get(items, i) : r->body_json;
		const char *kind = NULL;
		struct fix f;
		enum att_outcome outcome = ATT_STORED;

		if (read_fix(r, o, &kind, &f) != DF_OK) {
			if (batch && r->problem_field[0]) {
				char field[25];

				/* field names are short ("accuracy_m"); a longer one is cut */
				snprintf(field, sizeof field, "%.24s", r->problem_field);
				snprintf(r->problem_field, sizeof r->problem_field, "items[%zu].%s", i, field);
			}
			rc = DF_EINVAL;
			break;
		}
		json_decref(one);
		one = NULL;
		rc = att_record(db, &r->app->cfg, r->who.person_id, ATT_WEB, 0, kind, &f, r->who.user_id, &one,
				&outcome);
		if (rc == DF_OK && outcome == ATT_STORED) {
			stored++;
			any_new = 1;
		}
		if (rc == DF_OK && one && (!arr || json_array_append(arr, one)))
			rc = DF_ENOMEM;
	}
	rc = att_finish(db, rc);
	if (rc != DF_OK) {
		json_decref(arr);
		json_decref(one);
		return r->problem_status ? r->problem_status : req_fail(r, rc);
	}
	if (batch) {
		out = json_pack("{s:o, s:I, s:I}", "items", arr, "stored", (json_int_t)stored, "repeats",
				(json_int_t)(n - stored));
		json_decref(one);
	} else {
		json_decref(arr);
		out = one;
	}
	return req_reply_take(r, any_new ? 201 : 200, &out);
}

/* GET /api/v1/checkins?person=ID&day=YYYY-MM-DD (defaults: the caller, today) */
static int get_checkins(struct request *r)
{
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t person = 0;
	cal_day day = cal_day_of_instant(clock_now_ms());
	const char *ds = req_query(r, "day");
	char d[11];
	json_t *items = NULL, *out = NULL;
	int rc;

	if (ds && cal_parse(ds, &day) != DF_OK)
		return req_problem_field(r, 400, "day", "day must be a date YYYY-MM-DD");
	rc = query_person(r, "attendance.read", &person);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT id FROM att_checkins WHERE person_id = ?1 AND at_ms >= ?2 AND at_ms < ?3"
				    " ORDER BY at_ms, id LIMIT 2000", &st);
	if (rc != DF_OK)
		return req_fail(r, rc);
	stmt_bind_i64(st, 1, person);
	stmt_bind_i64(st, 2, cal_start_ms(day));
	stmt_bind_i64(st, 3, cal_start_ms(day + 1));
	cal_format(day, d);
	items = json_array();
	for (;;) {
		json_t *c = NULL;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		rc = att_checkin_json(db, stmt_i64(st, 0), &c);
		if (rc != DF_OK || !items || json_array_append_new(items, c)) {
			rc = rc != DF_OK ? rc : DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o, s:s, s:o}", "person_id", json_id(person), "day", d, "items", items);
	return req_reply_take(r, 200, &out);
}

/* POST /api/v1/checkins/{id}/review {decision: accept|reject, note?} - a
 * supervisor (attendance.manage where the check-in's posting is) decides
 * a doubtful check-in; once.  Nobody reviews their own. */
static int post_review(struct request *r)
{
	struct db *db = NULL;
	struct stmt *st = NULL;
	const char *decision = NULL, *note = NULL, *verdict;
	int64_t id = 0, person = 0, unit = 0, dept = 0;
	cal_day day = 0;
	int reviewed = 0, rc;
	json_t *out = NULL;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	if (jreq_str(r, r->body_json, "decision", 8, 1, &decision) != DF_OK ||
	    jreq_str(r, r->body_json, "note", 500, 0, &note) != DF_OK)
		return r->problem_status;
	if (strcmp(decision, "accept") != 0 && strcmp(decision, "reject") != 0)
		return req_problem_field(r, 422, "decision", "decision must be accept or reject");
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc != DF_OK)
		return req_fail(r, rc);
	rc = db_prepare(db, "SELECT person_id, unit_id, department_id, verdict, review, day FROM att_checkins"
			    " WHERE id = ?1", &st);
	if (rc != DF_OK)
		return req_fail(r, att_finish(db, rc));
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		person = stmt_i64(st, 0);
		unit = stmt_i64(st, 1);
		dept = stmt_i64(st, 2);
		verdict = stmt_text(st, 3);
		reviewed = !stmt_isnull(st, 4);
		if (cal_parse(stmt_text(st, 5), &day) != DF_OK)
			day = 0;
		rc = verdict && strcmp(verdict, "doubtful") == 0 ? DF_OK : DF_EINVAL;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	if (rc == DF_OK || rc == DF_EINVAL) {
		/* reach first, so that a check-in out of reach stays a 404 */
		int arc = unit ? authz_object(r, "attendance.manage", unit, dept) : att_may_person(r, person, "attendance.manage");

		if (arc != DF_OK)
			rc = arc;
		else if (rc == DF_EINVAL)
			rc = req_problem(r, 409, "only a doubtful check-in is reviewed");
		else if (reviewed)
			rc = req_problem(r, 409, "this check-in was reviewed already");
		else if (person == r->who.person_id)
			rc = req_problem(r, 403, "nobody reviews their own check-in");
	}
	if (rc == DF_ENOTFOUND && !r->problem_status)
		req_problem(r, 404, "no such check-in");
	if (rc == DF_OK)
		rc = db_prepare(db, "UPDATE att_checkins SET review = ?2, review_note = ?3, reviewed_by = ?4,"
				    " reviewed_at = ?5 WHERE id = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_text(st, 2, decision[0] == 'a' ? "accepted" : "rejected", -1);
		if (note)
			stmt_bind_text(st, 3, note, -1);
		else
			stmt_bind_null(st, 3);
		stmt_bind_i64(st, 4, r->who.user_id);
		stmt_bind_i64(st, 5, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = att_day_refresh(db, &r->app->cfg, person, day);
	if (rc == DF_OK) {
		json_t *rec = json_pack("{s:s, s:s?}", "decision", decision, "note", note);

		rc = rec ? audit_append_json(db, "attendance.checkin.review", "checkin", id, r->who.user_id, rec)
			 : DF_ENOMEM;
		json_decref(rec);
	}
	rc = att_finish(db, rc);
	if (rc == DF_OK)
		rc = att_checkin_json(db, id, &out);
	if (rc != DF_OK)
		return r->problem_status ? r->problem_status : req_fail(r, rc);
	return req_reply_take(r, 200, &out);
}

/* ------------------------------------------------------------- OsmAnd */

/* A device's report waiting for group commit (core/commit.h). */
struct osmand_item {
	struct commit_item it;         /* first: the committer hands this back */
	const struct config *cfg;
	int64_t person, device;
	struct fix fix;
	json_t *one;                   /* the stored check-in, once run */
	enum att_outcome outcome;
};

/* osmand_run - judge and store the fix, and note the device was seen,
 * inside the committer's transaction (run again alone if the batch fails). */
static int osmand_run(struct db *db, struct commit_item *it)
{
	struct osmand_item *o = (struct osmand_item *)it;
	int rc;

	json_decref(o->one);
	o->one = NULL;
	o->outcome = ATT_STORED;
	rc = att_record(db, o->cfg, o->person, ATT_DEVICE, o->device, "fix", &o->fix, 0, &o->one, &o->outcome);
	if (rc == DF_OK)
		rc = exec_id_now(db, "UPDATE att_devices SET last_seen_at = ?2 WHERE id = ?1", o->device);
	return rc;
}

/* osmand_answer - what the tracking app is told, once its fix committed. */
static int osmand_answer(struct commit_item *it, int rc)
{
	struct osmand_item *o = (struct osmand_item *)it;
	json_t *out;

	if (rc != DF_OK)
		return req_fail(it->r, rc);
	if (o->outcome == ATT_THINNED)
		out = json_pack("{s:n, s:b, s:b}", "id", "kept", 0, "repeat", 0);
	else
		out = json_pack("{s:O, s:O, s:O, s:b, s:b}", "id", json_object_get(o->one, "id"), "verdict",
				json_object_get(o->one, "verdict"), "reasons", json_object_get(o->one, "reasons"),
				"repeat", o->outcome == ATT_REPEAT, "kept", 1);
	return req_reply_take(it->r, 200, &out);
}

static void osmand_release(struct commit_item *it)
{
	struct osmand_item *o = (struct osmand_item *)it;

	json_decref(o->one);
	free(o);
}

/* GET|POST /api/v1/osmand - a tracking app's report.  Traccar's own server
 * answers 400 to an unknown identifier; so does this.  The device is looked
 * up here; the fix is judged and stored by group commit, with many others
 * in one transaction, and answered once that committed. */
static int osmand(struct request *r)
{
	struct osmand_report rep;
	struct osmand_item *o;
	struct db *db = NULL;
	const char *type = req_header_in(r, "Content-Type");
	char q[8192], hash[65];
	int64_t device = 0, person = 0;
	int rc;

	if (type && strncmp(type, "application/json", 16) == 0) {
		rc = osmand_parse_json(r->body.ptr ? r->body.ptr : "", r->body.len, clock_now_ms(), &rep);
	} else {
		int form = type && strncmp(type, "application/x-www-form-urlencoded", 33) == 0;

		if (req_query_string(r, q, sizeof q) != DF_OK)
			return req_problem(r, 400, "the query string is too long");
		if (r->body.len && !form)
			return req_problem(r, 415, "send parameters in the query, as a form, or JSON");
		rc = osmand_parse_params(q, form ? r->body.ptr : NULL, form ? r->body.len : 0, clock_now_ms(), &rep);
	}
	if (rc != DF_OK)
		return req_problem_field(r, 400, rep.field, "%s", rep.why);
	auth_sha256_hex(rep.device_id, strlen(rep.device_id), hash);
	rc = req_db(r, &db);
	if (rc == DF_OK) {
		struct stmt *st = NULL;

		rc = db_prepare(db, "SELECT id, person_id FROM att_devices WHERE ident_hash = ?1 AND revoked_at IS NULL",
				&st);
		if (rc == DF_OK) {
			stmt_bind_text(st, 1, hash, -1);
			rc = stmt_step(st);
			if (rc == STMT_ROW) {
				device = stmt_i64(st, 0);
				person = stmt_i64(st, 1);
				rc = DF_OK;
			}
			stmt_done(st);
		}
	}
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (!device)
		return req_problem_field(r, 400, "id", "unknown device identifier; register the device in daftar");
	o = calloc(1, sizeof *o);
	if (!o)
		return req_fail(r, DF_ENOMEM);
	o->it.run = osmand_run;
	o->it.answer = osmand_answer;
	o->it.release = osmand_release;
	o->cfg = &r->app->cfg;
	o->person = person;
	o->device = device;
	o->fix = rep.fix;
	return commit_defer(r, &o->it);
}

/* ------------------------------------------------------------- module */

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE att_devices ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL, ident_hash TEXT NOT NULL UNIQUE,"
	     " label TEXT NOT NULL, hint TEXT NOT NULL, created_at BIGINT NOT NULL, created_by BIGINT NOT NULL,"
	     " revoked_at BIGINT, last_seen_at BIGINT);"
	     "CREATE INDEX att_devices_person ON att_devices (person_id);"
	     "CREATE TABLE att_places ("
	     " id BIGINT PRIMARY KEY, posting_id BIGINT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,"
	     " lat DOUBLE PRECISION, lon DOUBLE PRECISION, radius_m DOUBLE PRECISION, geojson TEXT,"
	     " created_at BIGINT NOT NULL, created_by BIGINT NOT NULL, ended_at BIGINT);"
	     "CREATE INDEX att_places_posting ON att_places (posting_id);"
	     "CREATE TABLE att_checkins ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL, posting_id BIGINT, device_id BIGINT,"
	     " source TEXT NOT NULL, kind TEXT NOT NULL, at_ms BIGINT NOT NULL, received_ms BIGINT NOT NULL,"
	     " day TEXT NOT NULL, lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,"
	     " accuracy_m DOUBLE PRECISION, speed_mps DOUBLE PRECISION, mock INT NOT NULL, batt INT,"
	     " place_id BIGINT, verdict TEXT NOT NULL, reasons TEXT NOT NULL, unit_id BIGINT, department_id BIGINT,"
	     " UNIQUE (person_id, source, kind, at_ms));"
	     "CREATE INDEX att_checkins_person_day ON att_checkins (person_id, day);"
	     "CREATE INDEX att_checkins_unit_day ON att_checkins (unit_id, day);" },
	{ 2, "ALTER TABLE att_checkins ADD COLUMN review TEXT;"
	     "ALTER TABLE att_checkins ADD COLUMN review_note TEXT;"
	     "ALTER TABLE att_checkins ADD COLUMN reviewed_by BIGINT;"
	     "ALTER TABLE att_checkins ADD COLUMN reviewed_at BIGINT;" },
	{ 3, "CREATE TABLE att_hours ("
	     " post_id BIGINT PRIMARY KEY, start_min INT NOT NULL, end_min INT NOT NULL, grace_min INT NOT NULL,"
	     " updated_by BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	     "CREATE TABLE att_absences ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL, kind TEXT NOT NULL, from_day TEXT NOT NULL,"
	     " to_day TEXT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, unit_id BIGINT,"
	     " lat DOUBLE PRECISION, lon DOUBLE PRECISION, radius_m DOUBLE PRECISION, requested_by BIGINT NOT NULL,"
	     " decided_by BIGINT, decided_at BIGINT, note TEXT, created_at BIGINT NOT NULL);"
	     "CREATE INDEX att_absences_person ON att_absences (person_id, from_day);"
	     "CREATE INDEX att_absences_days ON att_absences (from_day, to_day);"
	     "CREATE TABLE att_days ("
	     " person_id BIGINT NOT NULL, day TEXT NOT NULL, unit_id BIGINT, department_id BIGINT,"
	     " status INT NOT NULL, first_ms BIGINT, late INT NOT NULL, checkins INT NOT NULL,"
	     " PRIMARY KEY (person_id, day));"
	     "CREATE INDEX att_days_day ON att_days (day, status);"
	     "CREATE INDEX att_checkins_person_at ON att_checkins (person_id, at_ms);"
	     "CREATE TABLE att_alerts ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL, posting_id BIGINT NOT NULL, level TEXT NOT NULL,"
	     " since_day TEXT NOT NULL, days INT NOT NULL, as_of TEXT NOT NULL, supervisor_posting BIGINT,"
	     " supervisor_person BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, resolved_at BIGINT,"
	     " UNIQUE (person_id, level, since_day));"
	     "CREATE INDEX att_alerts_open ON att_alerts (resolved_at, days);"
	     "CREATE TABLE att_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);" },
	{ 4, "CREATE TABLE att_totals ("
	     " day TEXT NOT NULL, unit_id BIGINT NOT NULL, department_id BIGINT NOT NULL, held INT NOT NULL,"
	     " began INT NOT NULL, expected INT NOT NULL, present INT NOT NULL, late INT NOT NULL, absent INT NOT NULL,"
	     " on_leave INT NOT NULL, on_tour INT NOT NULL, PRIMARY KEY (day, unit_id, department_id));"
	     "CREATE TABLE att_closed ("
	     " day TEXT PRIMARY KEY, version BIGINT NOT NULL, dirty INT NOT NULL, working INT NOT NULL,"
	     " closed_at BIGINT NOT NULL);"
	     /* the review queue (review.c): only what waits for a supervisor */
	     "CREATE INDEX att_checkins_pending ON att_checkins (unit_id, id) WHERE verdict = 'doubtful' AND review IS NULL;" },
	/* One index in person order instead of three: the identity of a
	 * check-in with at_ms second also serves a person's fixes by time (the
	 * last fix, thinning) and by day (a day is a span of at_ms).  Every
	 * b-tree in person order costs each stored check-in a page written,
	 * the main cost of ingestion (docs/PERFORMANCE.md).  A UNIQUE
	 * constraint cannot be changed in place in SQLite: the table is
	 * rebuilt. */
	{ 5, "CREATE TABLE att_checkins_new ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL, posting_id BIGINT, device_id BIGINT,"
	     " source TEXT NOT NULL, kind TEXT NOT NULL, at_ms BIGINT NOT NULL, received_ms BIGINT NOT NULL,"
	     " day TEXT NOT NULL, lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,"
	     " accuracy_m DOUBLE PRECISION, speed_mps DOUBLE PRECISION, mock INT NOT NULL, batt INT,"
	     " place_id BIGINT, verdict TEXT NOT NULL, reasons TEXT NOT NULL, unit_id BIGINT, department_id BIGINT,"
	     " review TEXT, review_note TEXT, reviewed_by BIGINT, reviewed_at BIGINT,"
	     " UNIQUE (person_id, at_ms, source, kind));"
	     "INSERT INTO att_checkins_new (id, person_id, posting_id, device_id, source, kind, at_ms, received_ms,"
	     " day, lat, lon, accuracy_m, speed_mps, mock, batt, place_id, verdict, reasons, unit_id, department_id,"
	     " review, review_note, reviewed_by, reviewed_at)"
	     " SELECT id, person_id, posting_id, device_id, source, kind, at_ms, received_ms,"
	     " day, lat, lon, accuracy_m, speed_mps, mock, batt, place_id, verdict, reasons, unit_id, department_id,"
	     " review, review_note, reviewed_by, reviewed_at FROM att_checkins;"
	     "DROP TABLE att_checkins;"
	     "ALTER TABLE att_checkins_new RENAME TO att_checkins;"
	     "CREATE INDEX att_checkins_unit_day ON att_checkins (unit_id, day);"
	     "CREATE INDEX att_checkins_pending ON att_checkins (unit_id, id) WHERE verdict = 'doubtful' AND review IS NULL;" },
	/* The day's latest check-in and latest presence, kept with the day, so
	 * that "presence now" reads one row per person instead of every
	 * check-in of the day (day.c).  Filled for the days already held. */
	{ 6, "ALTER TABLE att_days ADD COLUMN last_id BIGINT;"
	     "ALTER TABLE att_days ADD COLUMN last_ms BIGINT;"
	     "ALTER TABLE att_days ADD COLUMN verified_id BIGINT;"
	     "ALTER TABLE att_days ADD COLUMN verified_ms BIGINT;"
	     "UPDATE att_days SET last_id = x.id, last_ms = x.at_ms FROM"
	     " (SELECT person_id, day, id, at_ms, ROW_NUMBER() OVER (PARTITION BY person_id, day"
	     " ORDER BY at_ms DESC, id DESC) AS n FROM att_checkins) x"
	     " WHERE x.n = 1 AND x.person_id = att_days.person_id AND x.day = att_days.day;"
	     "UPDATE att_days SET verified_id = x.id, verified_ms = x.at_ms FROM"
	     " (SELECT person_id, day, id, at_ms, ROW_NUMBER() OVER (PARTITION BY person_id, day"
	     " ORDER BY at_ms DESC, id DESC) AS n FROM att_checkins"
	     " WHERE review = 'accepted' OR (review IS NULL AND verdict = 'verified')) x"
	     " WHERE x.n = 1 AND x.person_id = att_days.person_id AND x.day = att_days.day;" },
};

static const char *const events[] = {
	"attendance.device.register", "attendance.device.revoke", "attendance.place.create", "attendance.checkin",
	"attendance.checkin.review", "attendance.hours.set", "attendance.absence.create",
	"attendance.absence.decide", "attendance.absence.cancel", "attendance.absence.alert", NULL,
};

static const struct job_def jobs[] = {
	{ "attendance.absence", 3600, absence_job, absence_job_interval },
	{ "attendance.close", 3600, close_job, close_job_interval },
};

static const struct route routes[] = {
	{ "POST", "/api/v1/devices", post_devices, PERM_USER, BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/devices", get_devices, PERM_USER, 0, 0 },
	{ "DELETE", "/api/v1/devices/{id}", delete_device, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/postings/{id}/places", post_places, "attendance.manage", PLACE_BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/postings/{id}/places", get_places, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/checkins", post_checkins, PERM_USER, BATCH_BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/checkins", get_checkins, PERM_USER, 0, 0 },
	{ "GET", "/api/v1/checkins/pending", review_queue_get, "attendance.manage", 0, 0 },
	{ "POST", "/api/v1/checkins/{id}/review", post_review, "attendance.manage", BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/presence", presence_get, "attendance.read", 0, 0 },
	{ "GET", "/api/v1/posts/{id}/hours", hours_get, PERM_USER, 0, 0 },
	{ "PUT", "/api/v1/posts/{id}/hours", hours_put, "attendance.manage", BODY_MAX, ROUTE_JSON },
	{ "DELETE", "/api/v1/posts/{id}/hours", hours_delete, "attendance.manage", 0, 0 },
	{ "POST", "/api/v1/absences", absences_post, PERM_USER, BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/absences", absences_get, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/absences/{id}/decision", absence_decision, "attendance.manage", BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/absences/{id}/cancel", absence_cancel, PERM_USER, 0, 0 },
	{ "GET", "/api/v1/absentees", absentees_get, "attendance.read", 0, 0 },
	{ "GET", "/api/v1/reports/attendance", report_get, "attendance.read", 0, 0 },
	{ "GET", "/api/v1/reports/attendance/ranking", ranking_get, "attendance.read", 0, 0 },
	{ "GET", "/api/v1/osmand", osmand, PERM_PUBLIC, 0, 0 },
	{ "POST", "/api/v1/osmand", osmand, PERM_PUBLIC, 16384, ROUTE_RAW },
};

const struct module attendance_module = {
	.name = "attendance",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.jobs = jobs,
	.njobs = COUNT_OF(jobs),
	.audit_events = events,
};
