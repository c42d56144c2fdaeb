/*
 * absence.c - approved leave and tours (att_absences): days on which a
 * person is excused from their duty place.  Leave excuses the day; a tour
 * also moves the duty place for its days to the tour's place (a circle, or
 * a district's boundary), which checkin.c judges against instead of the
 * posting's places.
 *
 *   POST /api/v1/absences                {person_id?, kind, from, to, reason, place?}
 *   GET  /api/v1/absences                ?person= | ?unit=&status=&from=&to=&limit=
 *   POST /api/v1/absences/{id}/decision  {decision: approve|reject, note?}
 *   POST /api/v1/absences/{id}/cancel
 *
 * A person asks for their own (status "requested"); attendance.manage
 * where a person is posted records one for them, approved at once, or
 * decides a request (never their own).  Two requested or approved absences
 * of one person never overlap.  Every write is audited without the reason
 * (which may be medical): the leaf holds who, what kind and which days.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "att_int.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/id.h"
#include "core/store.h"
#include "org/authz.h"
#include "org/people.h"
#include "org/tree.h"

#define REASON_MAX 500
#define NOTE_MAX 500
#define SPAN_MAX 366
#define LIST_DEFAULT 100
#define LIST_MAX 500
#define REACH_MAX 50000

#define ABSENCE_COLS "a.id, a.person_id, a.kind, a.from_day, a.to_day, a.unit_id, a.lat, a.lon, a.radius_m"

/* read_absence - a row selected with ABSENCE_COLS into out. */
static void read_absence(struct stmt *st, struct att_absence *out)
{
	memset(out, 0, sizeof *out);
	out->id = stmt_i64(st, 0);
	out->person = stmt_i64(st, 1);
	out->kind = strcmp(stmt_text(st, 2) ? stmt_text(st, 2) : "", "tour") == 0 ? ATT_TOUR : ATT_LEAVE;
	if (cal_parse(stmt_text(st, 3), &out->from) != DF_OK || cal_parse(stmt_text(st, 4), &out->to) != DF_OK)
		out->to = out->from - 1; /* unreadable: covers nothing */
	out->unit = stmt_isnull(st, 5) ? 0 : stmt_i64(st, 5);
	if (!stmt_isnull(st, 8)) {
		out->lat = stmt_double(st, 6);
		out->lon = stmt_double(st, 7);
		out->radius_m = stmt_double(st, 8);
	}
}

int att_absence_on(struct db *db, int64_t person, cal_day day, struct att_absence *out)
{
	static const char sql[] = "SELECT " ABSENCE_COLS " FROM att_absences a WHERE a.person_id = ?1"
				  " AND a.status = 'approved' AND a.from_day <= ?2 AND a.to_day >= ?2"
				  " ORDER BY a.from_day LIMIT 1";
	struct stmt *st = NULL;
	char d[11];
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	cal_format(day, d);
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, d, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		read_absence(st, out);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int att_absences_between(struct db *db, cal_day from, cal_day to, struct att_absence **out, size_t *n)
{
	static const char sql[] = "SELECT " ABSENCE_COLS " FROM att_absences a WHERE a.status = 'approved'"
				  " AND a.from_day <= ?2 AND a.to_day >= ?1 ORDER BY a.person_id, a.from_day";
	struct att_absence *list = NULL;
	struct stmt *st = NULL;
	size_t cap = 0;
	char d0[11], d1[11];
	int rc = db_prepare(db, sql, &st);

	*out = NULL;
	*n = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(from, d0);
	cal_format(to, d1);
	stmt_bind_text(st, 1, d0, -1);
	stmt_bind_text(st, 2, d1, -1);
	while ((rc = stmt_step(st)) == STMT_ROW) {
		void *grown = att_grow(list, &cap, *n, sizeof *list);

		if (!grown) {
			rc = DF_ENOMEM;
			break;
		}
		list = grown;
		read_absence(st, &list[(*n)++]);
	}
	stmt_done(st);
	if (rc != DF_OK) {
		free(list);
		*n = 0;
		return rc;
	}
	*out = list;
	return DF_OK;
}

const struct att_absence *att_absence_find(const struct att_absence *list, size_t n, int64_t person, cal_day day)
{
	size_t lo = 0, hi = n;

	/* the first entry of person, then a short walk over theirs */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (list[mid].person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && list[lo].person == person; lo++)
		if (list[lo].from <= day && day <= list[lo].to)
			return &list[lo];
	return NULL;
}

long att_days_missed(const struct calendar *cal, cal_day base, cal_day last, const struct att_absence *list,
		     size_t n, int64_t person)
{
	long days;
	size_t lo = 0, hi = n;

	if (last <= base)
		return 0;
	days = calendar_working_days_between(cal, base, last);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (list[mid].person < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && list[lo].person == person; lo++) {
		cal_day a = list[lo].from - 1 > base ? list[lo].from - 1 : base;
		cal_day b = list[lo].to < last ? list[lo].to : last;

		if (b > a)
			days -= calendar_working_days_between(cal, a, b);
	}
	return days > 0 ? days : 0;
}

/* ---------------------------------------------------------------- API */

#define SHOW_COLS "a.id, a.person_id, pe.name, a.kind, a.from_day, a.to_day, a.reason, a.status, a.unit_id," \
		  " a.lat, a.lon, a.radius_m, a.requested_by, a.decided_by, a.decided_at, a.note, a.created_at"
#define SHOW_FROM " FROM att_absences a JOIN people pe ON pe.id = a.person_id"

static json_t *opt_id(struct stmt *st, int col)
{
	return stmt_isnull(st, col) ? json_null() : json_id(stmt_i64(st, col));
}

static json_t *absence_json(struct db *db, struct stmt *st)
{
	json_t *place = json_null();

	if (!stmt_isnull(st, 8)) {
		char name[128] = "";
		cal_day d = 0;

		if (cal_parse(stmt_text(st, 4), &d) != DF_OK || org_unit_name(db, stmt_i64(st, 8), d, name, sizeof name) != DF_OK)
			name[0] = '\0';
		place = json_pack("{s:o, s:s}", "unit_id", json_id(stmt_i64(st, 8)), "name", name);
	} else if (!stmt_isnull(st, 11)) {
		place = json_pack("{s:f, s:f, s:f}", "lat", stmt_double(st, 9), "lon", stmt_double(st, 10), "radius_m",
				  stmt_double(st, 11));
	}
	return json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I}", "id",
			 json_id(stmt_i64(st, 0)), "person_id", json_id(stmt_i64(st, 1)), "person_name",
			 stmt_text(st, 2), "kind", stmt_text(st, 3), "from", stmt_text(st, 4), "to", stmt_text(st, 5),
			 "reason", stmt_text(st, 6), "status", stmt_text(st, 7), "place", place ? place : json_null(),
			 "requested_by", opt_id(st, 12), "decided_by", opt_id(st, 13), "decided_at",
			 stmt_isnull(st, 14) ? json_null() : json_integer(stmt_i64(st, 14)), "note",
			 stmt_isnull(st, 15) ? json_null() : json_string(stmt_text(st, 15)), "created_at",
			 (json_int_t)stmt_i64(st, 16));
}

/* absence_read - one absence by id as JSON, with its person in *person. */
static int absence_read(struct db *db, int64_t id, json_t **out, int64_t *person, char status[16])
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT " SHOW_COLS SHOW_FROM " WHERE a.id = ?1", &st);

	*out = NULL;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*person = stmt_i64(st, 1);
		if (status)
			snprintf(status, 16, "%s", stmt_text(st, 7));
		*out = absence_json(db, st);
		rc = *out ? DF_OK : DF_ENOMEM;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* audit_absence - the leaf of a change to absence id (no reason, no note). */
static int audit_absence(struct db *db, const char *event, int64_t id, int64_t actor, json_t *a)
{
	json_t *rec = json_pack("{s:O, s:O, s:O, s:O, s:O}", "person_id", json_object_get(a, "person_id"), "kind",
				json_object_get(a, "kind"), "from", json_object_get(a, "from"), "to",
				json_object_get(a, "to"), "status", json_object_get(a, "status"));
	int rc = rec ? audit_append_json(db, event, "absence", id, actor, rec) : DF_ENOMEM;

	json_decref(rec);
	return rc;
}

/* read_place - a tour's place: {lat, lon, radius_m} or {unit_id} (a district
 * on the first day).  Leave has none. */
static int read_place(struct request *r, struct db *db, json_t *place, cal_day from, int64_t *unit, double *lat,
		      double *lon, double *radius)
{
	json_t *u = json_object_get(place, "unit_id");
	enum unit_kind kind;
	int rc;

	if (!json_is_object(place))
		return req_problem_field(r, 422, "place", "place is {lat, lon, radius_m} or {unit_id}"), DF_EINVAL;
	if (u) {
		int64_t id = 0;

		if (jreq_int(r, place, "unit_id", 1, INT64_MAX, 1, &id) != DF_OK) {
			snprintf(r->problem_field, sizeof r->problem_field, "place.unit_id");
			return DF_EINVAL;
		}
		rc = org_unit_kind(db, id, from, &kind);
		if (rc == DF_ENOTFOUND || (rc == DF_OK && kind != UNIT_DISTRICT))
			return req_problem_field(r, 422, "place.unit_id", "unit_id must be a district on the first day"),
			       DF_EINVAL;
		*unit = id;
		return rc;
	}
	if (jreq_num(r, place, "lat", -90, 90, 1, lat) != DF_OK || jreq_num(r, place, "lon", -180, 180, 1, lon) != DF_OK ||
	    jreq_num(r, place, "radius_m", 1, 100000, 1, radius) != DF_OK) {
		/* name the field inside place */
		char field[sizeof r->problem_field];
		size_t len = strnlen(r->problem_field, 40);

		memcpy(field, r->problem_field, len);
		field[len] = '\0';
		snprintf(r->problem_field, sizeof r->problem_field, "place.%.40s", field);
		return DF_EINVAL;
	}
	return DF_OK;
}

/* overlaps - 1 if person has a requested or approved absence overlapping [from, to]. */
static int overlaps(struct db *db, int64_t person, const char *from, const char *to, int *yes)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT 1 FROM att_absences WHERE person_id = ?1 AND status IN ('requested', 'approved')"
				" AND from_day <= ?3 AND to_day >= ?2 LIMIT 1", &st);

	*yes = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, from, -1);
	stmt_bind_text(st, 3, to, -1);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == STMT_ROW) {
		*yes = 1;
		rc = DF_OK;
	}
	return rc;
}

int absences_post(struct request *r)
{
	static const char sql[] = "INSERT INTO att_absences (id, person_id, kind, from_day, to_day, reason, status,"
				  " unit_id, lat, lon, radius_m, requested_by, decided_by, decided_at, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
	struct db *db = NULL;
	struct stmt *st = NULL;
	json_t *body = r->body_json, *place = json_object_get(body, "place"), *pid = json_object_get(body, "person_id");
	const char *kind = NULL, *reason = NULL;
	int64_t person = r->who.person_id, unit = 0, id = 0;
	double lat = NAN, lon = NAN, radius = NAN;
	cal_day from = 0, to = 0;
	char d0[11], d1[11], status_text[16];
	int own, clash = 0, rc;
	json_t *out = NULL;

	if (pid && !json_is_null(pid) && jreq_int(r, body, "person_id", 1, INT64_MAX, 1, &person) != DF_OK)
		return r->problem_status;
	if (!person)
		return req_problem_field(r, 422, "person_id", "person_id is required (you are not a person)");
	if (jreq_str(r, body, "kind", 8, 1, &kind) != DF_OK || jreq_date(r, body, "from", 1, &from) != DF_OK ||
	    jreq_date(r, body, "to", 1, &to) != DF_OK || jreq_str(r, body, "reason", REASON_MAX, 1, &reason) != DF_OK)
		return r->problem_status;
	if (strcmp(kind, "leave") != 0 && strcmp(kind, "tour") != 0)
		return req_problem_field(r, 422, "kind", "kind is leave or tour");
	if (to < from)
		return req_problem_field(r, 422, "to", "to must not be before from");
	if (to - from >= SPAN_MAX)
		return req_problem_field(r, 422, "to", "an absence is at most %d days", SPAN_MAX);
	if (strcmp(kind, "leave") == 0 && place && !json_is_null(place))
		return req_problem_field(r, 422, "place", "leave has no place");
	own = person == r->who.person_id;
	if (!own && att_may_person(r, person, "attendance.manage") != DF_OK)
		return r->problem_status ? r->problem_status : 403;
	rc = req_db(r, &db);
	if (rc == DF_OK && place && !json_is_null(place) &&
	    read_place(r, db, place, from, &unit, &lat, &lon, &radius) != DF_OK)
		return r->problem_status ? r->problem_status : req_fail(r, DF_EINVAL);
	cal_format(from, d0);
	cal_format(to, d1);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = overlaps(db, person, d0, d1, &clash);
	if (rc == DF_OK && clash) {
		db_rollback(db);
		return req_problem_field(r, 409, "from", "these days overlap another requested or approved absence");
	}
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		id = id_next();
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, person);
		stmt_bind_text(st, 3, kind, -1);
		stmt_bind_text(st, 4, d0, -1);
		stmt_bind_text(st, 5, d1, -1);
		stmt_bind_text(st, 6, reason, -1);
		stmt_bind_text(st, 7, own ? "requested" : "approved", -1);
		stmt_bind_id(st, 8, unit);
		if (isnan(radius)) {
			stmt_bind_null(st, 9);
			stmt_bind_null(st, 10);
			stmt_bind_null(st, 11);
		} else {
			stmt_bind_double(st, 9, lat);
			stmt_bind_double(st, 10, lon);
			stmt_bind_double(st, 11, radius);
		}
		stmt_bind_i64(st, 12, r->who.user_id);
		if (own) {
			stmt_bind_null(st, 13);
			stmt_bind_null(st, 14);
		} else {
			stmt_bind_i64(st, 13, r->who.user_id);
			stmt_bind_i64(st, 14, clock_now_ms());
		}
		stmt_bind_i64(st, 15, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK && !own)
		rc = att_days_touched(db, from, to); /* approved at once: its days are excused */
	if (rc == DF_OK)
		rc = absence_read(db, id, &out, &person, status_text);
	if (rc == DF_OK)
		rc = audit_absence(db, "attendance.absence.create", id, r->who.user_id, out);
	rc = att_finish(db, rc);
	if (rc != DF_OK) {
		json_decref(out);
		return req_fail(r, rc);
	}
	return req_reply_take(r, 201, &out);
}

/* in_set - bsearch person in the sorted ids. */
static int in_set(const int64_t *ids, size_t n, int64_t person)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] == person)
			return 1;
		if (ids[mid] < person)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* reach_people - the people holding a post today under unit within r's
 * attendance.read reach, sorted, into a malloc'd array. */
static int reach_people(struct request *r, struct db *db, int64_t unit, int64_t **ids, size_t *n)
{
	struct authz_area areas[AUTHZ_MAX_GRANTS];
	struct holder *h = NULL;
	size_t nareas = 0, nh = 0;
	int rc = authz_reach(r, "attendance.read", areas, AUTHZ_MAX_GRANTS, &nareas);

	*ids = NULL;
	*n = 0;
	if (rc == DF_OK)
		rc = people_holders(db, cal_day_of_instant(clock_now_ms()), unit, areas, nareas, REACH_MAX, &h, &nh);
	if (rc != DF_OK)
		return rc;
	*ids = malloc((nh ? nh : 1) * sizeof **ids);
	if (!*ids) {
		free(h);
		return DF_ENOMEM;
	}
	for (size_t i = 0; i < nh; i++)
		(*ids)[i] = h[i].pg.person;
	free(h);
	qsort(*ids, nh, sizeof **ids, cmp_i64);
	*n = nh;
	return DF_OK;
}

int absences_get(struct request *r)
{
	static const char sql[] = "SELECT " SHOW_COLS SHOW_FROM " WHERE (CAST(?1 AS BIGINT) = 0 OR a.person_id = ?1)"
				  " AND (?2 = '' OR a.status = ?2) AND (?3 = '' OR a.to_day >= ?3)"
				  " AND (?4 = '' OR a.from_day <= ?4) ORDER BY a.from_day DESC, a.id DESC";
	const char *status = req_query(r, "status"), *from = req_query(r, "from"), *to = req_query(r, "to");
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t person = 0, unit = 0, *ids = NULL, limit = LIST_DEFAULT;
	size_t nids = 0, shown = 0;
	json_t *items = NULL, *out = NULL;
	cal_day d;
	int reach, rc, result;

	if (req_query_id(r, "person", &person) != DF_OK || req_query_id(r, "unit", &unit) != DF_OK)
		return r->problem_status;
	if (status && strcmp(status, "requested") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0 && strcmp(status, "cancelled") != 0)
		return req_problem_field(r, 400, "status", "status is requested, approved, rejected or cancelled");
	if ((from && cal_parse(from, &d) != DF_OK) || (to && cal_parse(to, &d) != DF_OK))
		return req_problem_field(r, 400, from && cal_parse(from, &d) != DF_OK ? "from" : "to",
					 "a day is YYYY-MM-DD");
	if (req_query_int(r, "limit", 1, LIST_MAX, LIST_DEFAULT, &limit) != DF_OK)
		return r->problem_status;
	/* whose: a person; or, with unit or status, everyone in reach; else yours */
	reach = !person && (unit || status);
	if (!reach && !person)
		person = r->who.person_id;
	if (!reach && !person)
		return req_problem_field(r, 400, "person", "person is required (you are not a person)");
	if (!reach && att_may_person(r, person, "attendance.read") != DF_OK)
		return r->problem_status ? r->problem_status : 403;
	if (reach && unit && authz_object(r, "attendance.read", unit, 0) != DF_OK)
		return r->problem_status ? r->problem_status : 403;
	rc = req_db(r, &db);
	if (rc == DF_OK && reach)
		rc = reach_people(r, db, unit, &ids, &nids);
	if (rc == DF_ETOOBIG) {
		free(ids);
		return req_problem_field(r, 422, "unit", "more than %d people are posted there; choose a smaller unit",
					 REACH_MAX);
	}
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, person);
		stmt_bind_text(st, 2, status ? status : "", -1);
		stmt_bind_text(st, 3, from ? from : "", -1);
		stmt_bind_text(st, 4, to ? to : "", -1);
		items = json_array();
		while (items && shown < (size_t)limit && (rc = stmt_step(st)) == STMT_ROW) {
			if (reach && !in_set(ids, nids, stmt_i64(st, 1)))
				continue;
			if (json_array_append_new(items, absence_json(db, st)) == 0)
				shown++;
		}
		if (rc == STMT_ROW)
			rc = DF_OK;
		stmt_done(st);
		if (!items)
			rc = DF_ENOMEM;
	}
	free(ids);
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	out = json_pack("{s:o}", "items", items);
	result = req_reply_take(r, 200, &out);
	return result;
}

/* change - set the status of absence {id} from one of `from_states` to
 * `to_state` as r's principal, with a note; the common body of decision
 * and cancel.  manage_only: only attendance.manage (never the person). */
static int change(struct request *r, const char *const *from_states, const char *to_state, const char *note,
		  int manage_only, const char *event)
{
	static const char sql[] = "UPDATE att_absences SET status = ?2, decided_by = ?3, decided_at = ?4,"
				  " note = COALESCE(?5, note) WHERE id = ?1";
	struct db *db = NULL;
	struct stmt *st = NULL;
	json_t *a = NULL;
	int64_t id = 0, person = 0;
	char status[16] = "";
	int ok = 0, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = absence_read(db, id, &a, &person, status);
	json_decref(a);
	a = NULL;
	if (rc == DF_ENOTFOUND) {
		db_rollback(db);
		return req_problem(r, 404, "no such absence");
	}
	if (rc == DF_OK) {
		int self = person == r->who.person_id;

		if (manage_only && self) {
			db_rollback(db);
			return req_problem(r, 403, "you cannot decide your own absence");
		}
		if (!self && att_may_person(r, person, "attendance.manage") != DF_OK) {
			db_rollback(db);
			return r->problem_status ? r->problem_status : 403;
		}
		for (size_t i = 0; from_states[i]; i++)
			ok |= strcmp(status, from_states[i]) == 0;
		if (!ok) {
			db_rollback(db);
			return req_problem(r, 409, "the absence is %s", status);
		}
		rc = db_prepare(db, sql, &st);
	}
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_text(st, 2, to_state, -1);
		stmt_bind_i64(st, 3, r->who.user_id);
		stmt_bind_i64(st, 4, clock_now_ms());
		if (note)
			stmt_bind_text(st, 5, note, -1);
		else
			stmt_bind_null(st, 5);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = absence_read(db, id, &a, &person, NULL);
	if (rc == DF_OK) {
		/* approved or cancelled: what its days count changed */
		cal_day d0, d1;

		if (cal_parse(json_string_value(json_object_get(a, "from")), &d0) == DF_OK &&
		    cal_parse(json_string_value(json_object_get(a, "to")), &d1) == DF_OK)
			rc = att_days_touched(db, d0, d1);
	}
	if (rc == DF_OK)
		rc = audit_absence(db, event, id, r->who.user_id, a);
	rc = att_finish(db, rc);
	if (rc != DF_OK) {
		json_decref(a);
		return req_fail(r, rc);
	}
	return req_reply_take(r, 200, &a);
}

int absence_decision(struct request *r)
{
	static const char *const requested[] = { "requested", NULL };
	const char *decision = NULL, *note = NULL;

	if (jreq_str(r, r->body_json, "decision", 16, 1, &decision) != DF_OK ||
	    jreq_str(r, r->body_json, "note", NOTE_MAX, 0, &note) != DF_OK)
		return r->problem_status;
	if (strcmp(decision, "approve") != 0 && strcmp(decision, "reject") != 0)
		return req_problem_field(r, 422, "decision", "decision is approve or reject");
	return change(r, requested, strcmp(decision, "approve") == 0 ? "approved" : "rejected", note, 1,
		      "attendance.absence.decide");
}

int absence_cancel(struct request *r)
{
	static const char *const live[] = { "requested", "approved", NULL };

	return change(r, live, "cancelled", NULL, 0, "attendance.absence.cancel");
}
