/*
 * hours.c - the duty hours of a post (att_hours): when its holder is
 * expected at the duty place, and how late a first presence may be before
 * the day counts as "late".  A post without its own hours has the
 * settings' (attendance.shift_start_min, shift_end_min, grace_min).
 *
 *   GET    /api/v1/posts/{id}/hours   the holder, or attendance.read there
 *   PUT    /api/v1/posts/{id}/hours   attendance.manage where the post is:
 *                                     {start:"HH:MM", end:"HH:MM", grace_min}
 *   DELETE /api/v1/posts/{id}/hours   attendance.manage: back to the defaults
 *
 * Shifts are within one day (end later than start); a night shift across
 * midnight is not expressible yet (docs/ATTENDANCE.md).
 */
#include <stdio.h>
#include <string.h>
#include "att_int.h"
#include "core/app.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/http.h"
#include "core/store.h"
#include "org/authz.h"
#include "org/people.h"

#define GRACE_MAX 240

int att_hours_of(struct db *db, const struct config *cfg, int64_t post, struct att_hours *out)
{
	struct stmt *st = NULL;
	int rc;

	out->start_min = cfg->att_shift_start_min;
	out->end_min = cfg->att_shift_end_min;
	out->grace_min = cfg->att_grace_min;
	out->is_default = 1;
	if (!post)
		return DF_OK;
	rc = db_prepare(db, "SELECT start_min, end_min, grace_min FROM att_hours WHERE post_id = ?1", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, post);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		out->start_min = (int)stmt_i64(st, 0);
		out->end_min = (int)stmt_i64(st, 1);
		out->grace_min = (int)stmt_i64(st, 2);
		out->is_default = 0;
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

/* hhmm - "HH:MM" (00:00 .. 24:00) as minutes; -1 if malformed. */
static int hhmm(const char *s)
{
	int h, m;

	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static json_t *hours_json(int64_t post, const struct att_hours *h)
{
	char start[24], end[24];

	snprintf(start, sizeof start, "%02d:%02d", h->start_min / 60, h->start_min % 60);
	snprintf(end, sizeof end, "%02d:%02d", h->end_min / 60, h->end_min % 60);
	return json_pack("{s:o, s:s, s:s, s:i, s:b}", "post_id", json_id(post), "start", start, "end", end,
			 "grace_min", h->grace_min, "default", h->is_default);
}

/* the_post - the post of the path and whether r may do action on it (the
 * holder may read).  DF_OK, or an error with its problem recorded. */
static int the_post(struct request *r, const char *action, int holder_ok, int64_t *post)
{
	struct posting_ref ref, mine[AUTHZ_MAX_GRANTS];
	struct db *db = NULL;
	size_t n = 0;
	int rc;

	if (req_param_id(r, "id", post) != DF_OK)
		return DF_EINVAL;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = people_post_ref(db, *post, &ref);
	if (rc == DF_ENOTFOUND)
		req_problem(r, 404, "no such post");
	if (rc != DF_OK)
		return rc;
	if (holder_ok && r->who.person_id) {
		rc = people_postings_on(db, r->who.person_id, cal_day_of_instant(clock_now_ms()), mine,
					AUTHZ_MAX_GRANTS, &n);
		for (size_t i = 0; rc == DF_OK && i < n; i++)
			if (mine[i].post == *post)
				return DF_OK;
		if (rc != DF_OK)
			return rc;
	}
	return authz_object(r, action, ref.unit, ref.department);
}

int hours_get(struct request *r)
{
	struct att_hours h;
	struct db *db = NULL;
	int64_t post = 0;
	int rc = the_post(r, "attendance.read", 1, &post);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = att_hours_of(db, &r->app->cfg, post, &h);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply(r, 200, hours_json(post, &h));
}

int hours_put(struct request *r)
{
	static const char sql[] = "INSERT INTO att_hours (post_id, start_min, end_min, grace_min, updated_by, updated_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (post_id) DO UPDATE SET"
				  " start_min = excluded.start_min, end_min = excluded.end_min,"
				  " grace_min = excluded.grace_min, updated_by = excluded.updated_by,"
				  " updated_at = excluded.updated_at";
	struct att_hours h = { 0 };
	struct db *db = NULL;
	struct stmt *st = NULL;
	const char *start = NULL, *end = NULL;
	int64_t post = 0, grace = 0;
	json_t *rec = NULL;
	int rc = the_post(r, "attendance.manage", 0, &post);

	if (rc != DF_OK)
		return req_fail(r, rc);
	if (jreq_str(r, r->body_json, "start", 5, 1, &start) != DF_OK ||
	    jreq_str(r, r->body_json, "end", 5, 1, &end) != DF_OK ||
	    jreq_int(r, r->body_json, "grace_min", 0, GRACE_MAX, 1, &grace) != DF_OK)
		return r->problem_status;
	h.start_min = hhmm(start);
	h.end_min = hhmm(end);
	h.grace_min = (int)grace;
	if (h.start_min < 0 || h.start_min >= 24 * 60)
		return req_problem_field(r, 422, "start", "start is a time of day HH:MM");
	if (h.end_min < 0)
		return req_problem_field(r, 422, "end", "end is a time of day HH:MM");
	if (h.end_min <= h.start_min)
		return req_problem_field(r, 422, "end", "end must be later than start (shifts within one day)");
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, post);
		stmt_bind_i64(st, 2, h.start_min);
		stmt_bind_i64(st, 3, h.end_min);
		stmt_bind_i64(st, 4, h.grace_min);
		stmt_bind_i64(st, 5, r->who.user_id);
		stmt_bind_i64(st, 6, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		rec = hours_json(post, &h);
		rc = rec ? audit_append_json(db, "attendance.hours.set", "post", post, r->who.user_id, rec) : DF_ENOMEM;
		json_decref(rec);
	}
	rc = att_finish(db, rc);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply(r, 200, hours_json(post, &h));
}

int hours_delete(struct request *r)
{
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t post = 0;
	json_t *rec = NULL;
	int rc = the_post(r, "attendance.manage", 0, &post);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, "DELETE FROM att_hours WHERE post_id = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, post);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:b}", "post_id", json_id(post), "default", 1);
		rc = rec ? audit_append_json(db, "attendance.hours.set", "post", post, r->who.user_id, rec) : DF_ENOMEM;
		json_decref(rec);
	}
	rc = att_finish(db, rc);
	if (rc != DF_OK)
		return req_fail(r, rc);
	return req_reply(r, 204, NULL);
}
