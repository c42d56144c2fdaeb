/*
 * checkin.c - judging and storing one check-in (attendance.h, att_record).
 *
 * The steps, all inside the caller's transaction:
 *   1. the fix's day in Asia/Karachi and the postings the person holds then;
 *   2. their duty places (att_places: circles, polygons, or "district", the
 *      boundary of the posting's district that day) into a geofence, and
 *      the district boundary of the first posting that has one;
 *   3. the person's previous fix (by the time of the fix, so a batch that
 *      arrives out of order is judged against its real neighbour);
 *   4. the verdict (verdict.h) and its reasons;
 *   5. INSERT ... ON CONFLICT DO NOTHING on (person, source, kind, time):
 *      a repeat stores nothing and answers the first record;
 *   6. an audit leaf ("attendance.checkin").
 * District boundaries come from a per-thread cache (below).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "att_int.h"
#include "attendance.h"
#include "core/config.h"
#include "core/audit.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/id.h"
#include "core/log.h"
#include "core/store.h"
#include "core/system.h"
#include "geofence.h"
#include "org/people.h"
#include "org/tree.h"
#include "verdict.h"

#define POSTINGS_MAX 8
#define PLACES_MAX 64

static const char *const source_names[] = { "web", "device" };

/*
 * District boundaries, built once per thread.  A boundary is ~30 KB of
 * GeoJSON; reading, repairing and validating it took more than half the
 * time of a check-in, and every check-in of a field officer needs it.  So
 * each thread that judges check-ins keeps the last BOUNDARY_CACHE
 * boundaries it built, keyed by (district, valid_from of the row): those
 * rows are only ever added (org_unit_geometry_from), so a key names one
 * boundary for good and no entry goes stale.  A boundary GEOS refuses is
 * kept too, as "none".  Per thread, because a GEOS prepared geometry builds
 * its index lazily and must not be used by two threads at once; the
 * committer thread does nearly all of the work (group commit), and a
 * thread's cache is freed when the thread ends.
 */
#define BOUNDARY_CACHE 48

struct boundary {
	int64_t district;        /* 0: an empty slot */
	char from[11];           /* org_unit_geometry.valid_from */
	struct geofence *g;      /* its one place; NULL: GEOS refused it */
	unsigned long used;      /* least-recently-used replacement */
};

struct boundary_cache {
	struct boundary e[BOUNDARY_CACHE];
	unsigned long clock;
};

static pthread_key_t boundary_key;
static pthread_once_t boundary_once = PTHREAD_ONCE_INIT;
static int boundary_key_ok;

static void boundary_cache_free(void *p)
{
	struct boundary_cache *c = p;

	for (int i = 0; c && i < BOUNDARY_CACHE; i++)
		geofence_free(c->e[i].g);
	free(c);
}

static void boundary_key_make(void)
{
	boundary_key_ok = pthread_key_create(&boundary_key, boundary_cache_free) == 0;
}

/* boundary_cache - this thread's cache; NULL when out of memory. */
static struct boundary_cache *boundary_cache(void)
{
	struct boundary_cache *c;

	pthread_once(&boundary_once, boundary_key_make);
	if (!boundary_key_ok)
		return NULL;
	c = pthread_getspecific(boundary_key);
	if (!c && (c = calloc(1, sizeof *c)) != NULL && pthread_setspecific(boundary_key, c) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

/* boundary_build - read and prepare the boundary into a new geofence
 * (*g = NULL when GEOS refuses it). */
static int boundary_build(struct db *db, int64_t district, cal_day day, struct geofence **g)
{
	char *geo = NULL;
	int rc = org_unit_geometry(db, district, day, &geo);

	*g = NULL;
	if (rc != DF_OK)
		return rc;
	*g = geofence_new();
	if (!*g) {
		rc = DF_ENOMEM;
	} else if (geofence_add_boundary(*g, geo, strlen(geo)) < 0) {
		log_warn("msg=\"attendance: a district boundary GEOS refuses is not used\" unit=%lld",
			 (long long)district);
		geofence_free(*g);
		*g = NULL;
	}
	free(geo);
	return rc;
}

/* district_geometry - the boundary of unit's district on day added to g
 * (borrowed from the thread's cache); DF_ENOTFOUND when there is no
 * district, no boundary or none GEOS accepts. */
static int district_geometry(struct db *db, int64_t unit, cal_day day, struct geofence *g)
{
	struct boundary_cache *c = boundary_cache();
	struct boundary *hit = NULL, *victim;
	struct geofence *built = NULL;
	int64_t district = 0;
	char from[11];
	int rc = org_unit_ancestor(db, unit, UNIT_DISTRICT, day, &district);

	if (rc == DF_OK)
		rc = org_unit_geometry_from(db, district, day, from);
	if (rc == DF_OK && !from[0])
		rc = DF_ENOTFOUND;
	if (rc != DF_OK)
		return rc;
	if (!c)
		return DF_ENOMEM;
	victim = &c->e[0];
	for (int i = 0; i < BOUNDARY_CACHE && !hit; i++) {
		struct boundary *e = &c->e[i];

		if (e->district == district && strcmp(e->from, from) == 0)
			hit = e;
		else if (!e->district || (victim->district && e->used < victim->used))
			victim = e;
	}
	if (!hit) {
		rc = boundary_build(db, district, day, &built);
		if (rc != DF_OK)
			return rc;
		geofence_free(victim->g);
		victim->district = district;
		memcpy(victim->from, from, sizeof from);
		victim->g = built;
		hit = victim;
	}
	hit->used = ++c->clock;
	if (!hit->g)
		return DF_ENOTFOUND;
	return geofence_add_place(g, hit->g, 0) < 0 ? DF_ENOMEM : DF_OK;
}

/* load_places - the live duty places of posting pg into g, their ids into
 * ids (parallel to g's indexes). */
static int load_places(struct db *db, const struct posting_ref *pg, cal_day day, struct geofence *g,
		       int64_t *ids, size_t max)
{
	static const char sql[] = "SELECT id, kind, lat, lon, radius_m, geojson FROM att_places"
				  " WHERE posting_id = ?1 AND ended_at IS NULL ORDER BY id";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, pg->id);
	for (;;) {
		const char *kind, *geo;
		size_t before = geofence_count(g);
		int got = -1;

		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		if (before >= max)
			continue;
		kind = stmt_text(st, 1);
		geo = stmt_text(st, 5);
		if (kind && strcmp(kind, "circle") == 0)
			got = geofence_add_circle(g, stmt_double(st, 2), stmt_double(st, 3), stmt_double(st, 4));
		else if (kind && strcmp(kind, "polygon") == 0 && geo)
			got = geofence_add_geojson(g, geo, strlen(geo));
		else if (kind && strcmp(kind, "district") == 0)
			got = district_geometry(db, pg->unit, day, g) == DF_OK ? (int)before : -1;
		if (got >= 0 && geofence_count(g) > before)
			ids[before] = stmt_i64(st, 0);
		else
			log_warn("msg=\"attendance: a duty place could not be used\" place=%lld",
				 (long long)stmt_i64(st, 0));
	}
	stmt_done(st);
	return rc;
}

/* last_fix - the person's fix just before at_ms; DF_ENOTFOUND if none. */
static int last_fix(struct db *db, int64_t person, int64_t at_ms, struct fix *out)
{
	static const char sql[] = "SELECT lat, lon, accuracy_m, at_ms FROM att_checkins"
				  " WHERE person_id = ?1 AND at_ms < ?2 ORDER BY at_ms DESC LIMIT 1";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, person);
	stmt_bind_i64(st, 2, at_ms);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		memset(out, 0, sizeof *out);
		out->lat = stmt_double(st, 0);
		out->lon = stmt_double(st, 1);
		out->accuracy_m = stmt_isnull(st, 2) ? NAN : stmt_double(st, 2);
		out->speed_mps = out->bearing = out->altitude = NAN;
		out->at_ms = stmt_i64(st, 3);
		out->batt = -1;
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* What a fix is thinned, judged and counted against, read once: its day
 * (Asia/Karachi), the postings the person holds then, the duty hours of
 * the first one's post and whether the day is a working day. */
struct dayctx {
	cal_day day;
	struct posting_ref pg[POSTINGS_MAX];
	size_t n;
	struct att_hours hours;
	int working;
};

static int dayctx_load(struct db *db, const struct config *cfg, int64_t person, int64_t at_ms, struct dayctx *c)
{
	int rc;

	memset(c, 0, sizeof *c);
	c->day = cal_day_of_instant(at_ms);
	rc = people_postings_on(db, person, c->day, c->pg, POSTINGS_MAX, &c->n);
	if (rc == DF_OK)
		rc = att_hours_of(db, cfg, c->n ? c->pg[0].post : 0, &c->hours);
	if (rc == DF_OK)
		rc = system_is_working_day(db, c->day, &c->working);
	return rc;
}

/* The judgement of one fix. */
struct judged {
	int64_t posting, post, unit, department, place;
	enum verdict verdict;
	unsigned reasons;
};

/* rules_of - the verdict's thresholds from the settings. */
static void rules_of(const struct config *cfg, struct verdict_rules *rules)
{
	verdict_rules_default(rules);
	rules->future_skew_ms = (int64_t)cfg->att_future_skew_s * 1000;
	rules->max_age_ms = (int64_t)cfg->att_max_age_h * 3600 * 1000;
	rules->max_accuracy_m = cfg->att_max_accuracy_m;
	rules->max_speed_mps = cfg->att_max_speed_kmh / 3.6;
}

/* tour_places - an approved tour's place into places (its id 0) and its
 * district into district.  DF_OK, or a store error. */
static int tour_places(struct db *db, const struct att_absence *t, cal_day day, struct geofence *places,
		       int64_t *ids, struct geofence *district)
{
	int rc = DF_OK;

	if (t->radius_m > 0 && geofence_add_circle(places, t->lat, t->lon, t->radius_m) >= 0)
		ids[0] = 0;
	if (t->unit) {
		rc = district_geometry(db, t->unit, day, places);
		if (rc == DF_OK)
			rc = district_geometry(db, t->unit, day, district);
		if (rc == DF_ENOTFOUND)
			rc = DF_OK;
	}
	return rc;
}

static int judge(struct db *db, const struct config *cfg, int64_t person, const struct dayctx *c, const struct fix *f,
		 struct judged *j)
{
	const struct posting_ref *pg = c->pg;
	int64_t place_ids[PLACES_MAX] = { 0 };
	struct geofence *places = geofence_new(), *district = geofence_new();
	struct verdict_rules rules;
	struct att_absence tour;
	struct fix last;
	int have_last = 0, district_where = -1, best = -1, on_tour = 0;
	enum geo_where where = GEO_OUTSIDE;
	size_t n = c->n;
	int rc;

	memset(j, 0, sizeof *j);
	if (!places || !district) {
		rc = DF_ENOMEM;
		goto out;
	}
	rc = att_absence_on(db, person, c->day, &tour);
	on_tour = rc == DF_OK && tour.kind == ATT_TOUR;
	if (rc == DF_ENOTFOUND)
		rc = DF_OK;
	if (rc == DF_OK && on_tour) {
		/* a tour moves the duty place for its days */
		rc = tour_places(db, &tour, c->day, places, place_ids, district);
	} else {
		for (size_t i = 0; rc == DF_OK && i < n; i++)
			rc = load_places(db, &pg[i], c->day, places, place_ids, PLACES_MAX);
		for (size_t i = 0; rc == DF_OK && i < n && geofence_count(district) == 0; i++) {
			int d = district_geometry(db, pg[i].unit, c->day, district);

			if (d != DF_OK && d != DF_ENOTFOUND)
				rc = d;
		}
	}
	if (rc != DF_OK)
		goto out;
	if (n > 0) {
		j->posting = pg[0].id;
		j->post = pg[0].post;
		j->unit = pg[0].unit;
		j->department = pg[0].department;
	}
	if (geofence_count(places) > 0)
		where = geofence_best(places, f, &best);
	if (best >= 0)
		j->place = place_ids[best];
	if (geofence_count(district) > 0)
		district_where = (int)geofence_where(district, 0, f);
	rc = last_fix(db, person, f->at_ms, &last);
	if (rc == DF_OK)
		have_last = 1;
	else if (rc != DF_ENOTFOUND)
		goto out;
	rules_of(cfg, &rules);
	j->verdict = verdict_judge(&rules, f, where, district_where, have_last ? &last : NULL, clock_now_ms(),
				   &j->reasons);
	rc = DF_OK;
out:
	geofence_free(places);
	geofence_free(district);
	return rc;
}

/* thinned - whether a device fix is not kept: outside the duty hours of
 * the post held that day, on a day that is not a working day, or within
 * attendance.thin_s of a device fix already kept for the person. */
static int thinned(struct db *db, const struct config *cfg, int64_t person, const struct dayctx *c,
		   const struct fix *f, int *drop)
{
	static const char near_sql[] = "SELECT 1 FROM att_checkins WHERE person_id = ?1 AND source = 'device'"
				       " AND kind = 'fix' AND at_ms > ?2 AND at_ms < ?3 LIMIT 1";
	struct stmt *st = NULL;
	int64_t minute = (f->at_ms - cal_start_ms(c->day)) / 60000, thin_ms = (int64_t)cfg->att_thin_s * 1000;
	int rc;

	*drop = 0;
	if (!c->working || minute < c->hours.start_min || minute >= c->hours.end_min) {
		*drop = 1;
		return DF_OK;
	}
	if (thin_ms <= 0)
		return DF_OK;
	rc = db_prepare(db, near_sql, &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, person);
	stmt_bind_i64(st, 2, f->at_ms - thin_ms);
	stmt_bind_i64(st, 3, f->at_ms + thin_ms);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == STMT_ROW) {
		*drop = 1;
		rc = DF_OK;
	}
	return rc;
}

/* reasons_text - the reasons as "a,b,c" ("" for none). */
static void reasons_text(unsigned reasons, char *out, size_t len)
{
	size_t at = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < VR_COUNT; i++) {
		const char *name = verdict_reason_name(1u << i);
		int w;

		if (!(reasons & (1u << i)) || !name)
			continue;
		w = snprintf(out + at, len - at, "%s%s", at ? "," : "", name);
		if (w < 0 || (size_t)w >= len - at)
			break;
		at += (size_t)w;
	}
}

static void bind_opt(struct stmt *st, int idx, double v)
{
	if (isnan(v))
		stmt_bind_null(st, idx);
	else
		stmt_bind_double(st, idx, v);
}

#define CHECKIN_COLS "id, person_id, posting_id, device_id, source, kind, at_ms, received_ms, day, lat, lon," \
		     " accuracy_m, speed_mps, mock, batt, place_id, verdict, reasons, unit_id, department_id"

int att_checkin_json(struct db *db, int64_t id, json_t **out)
{
	static const char sql[] = "SELECT " CHECKIN_COLS ", review, review_note, reviewed_by, reviewed_at"
				  " FROM att_checkins WHERE id = ?1";
	struct stmt *st = NULL;
	json_t *o = NULL, *reasons = NULL, *review = NULL;
	const char *status;
	int rc = db_prepare(db, sql, &st);

	*out = NULL;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == DF_OK)
		rc = DF_ENOTFOUND;
	if (rc != STMT_ROW)
		goto out;
	reasons = json_array();
	for (const char *s = stmt_text(st, 17); reasons && s && *s;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		json_array_append_new(reasons, json_stringn(s, len));
		s += len + (comma ? 1 : 0);
	}
	status = stmt_text(st, 16);
	if (!stmt_isnull(st, 20)) {
		/* a supervisor's decision stands over the verdict */
		status = strcmp(stmt_text(st, 20), "accepted") == 0 ? "verified" : "rejected";
		review = json_pack("{s:s, s:s?, s:o, s:I}", "decision", stmt_text(st, 20), "note", stmt_text(st, 21),
				   "by", json_id(stmt_i64(st, 22)), "at", (json_int_t)stmt_i64(st, 23));
	}
	o = json_pack("{s:o, s:o, s:o, s:o, s:s, s:s, s:I, s:I, s:s, s:f, s:f, s:o, s:o, s:b, s:o, s:o, s:s, s:o,"
		      " s:s, s:o}",
		      "id", json_id(stmt_i64(st, 0)), "person_id", json_id(stmt_i64(st, 1)), "posting_id",
		      stmt_isnull(st, 2) ? json_null() : json_id(stmt_i64(st, 2)), "device_id",
		      stmt_isnull(st, 3) ? json_null() : json_id(stmt_i64(st, 3)), "source", stmt_text(st, 4),
		      "kind", stmt_text(st, 5), "at_ms", (json_int_t)stmt_i64(st, 6), "received_ms",
		      (json_int_t)stmt_i64(st, 7), "day", stmt_text(st, 8), "lat", stmt_double(st, 9), "lon",
		      stmt_double(st, 10), "accuracy_m",
		      stmt_isnull(st, 11) ? json_null() : json_real(stmt_double(st, 11)), "speed_mps",
		      stmt_isnull(st, 12) ? json_null() : json_real(stmt_double(st, 12)), "mock",
		      (int)stmt_i64(st, 13), "batt", stmt_isnull(st, 14) ? json_null() : json_integer(stmt_i64(st, 14)),
		      "place_id", stmt_isnull(st, 15) ? json_null() : json_id(stmt_i64(st, 15)), "verdict",
		      stmt_text(st, 16), "reasons", reasons, "status", status, "review", review ? review : json_null());
	reasons = NULL;
	rc = o ? DF_OK : DF_ENOMEM;
out:
	stmt_done(st);
	json_decref(reasons);
	*out = o;
	return rc;
}

/* find_repeat - the id of the check-in stored first with this identity. */
static int find_repeat(struct db *db, int64_t person, const char *source, const char *kind, int64_t at_ms,
		       int64_t *id)
{
	static const char sql[] = "SELECT id FROM att_checkins WHERE person_id = ?1 AND at_ms = ?4"
				  " AND source = ?2 AND kind = ?3";
	struct stmt *st = NULL;
	int rc = db_prepare(db, sql, &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, person);
	stmt_bind_text(st, 2, source, -1);
	stmt_bind_text(st, 3, kind, -1);
	stmt_bind_i64(st, 4, at_ms);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*id = stmt_i64(st, 0);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int att_record(struct db *db, const struct config *cfg, int64_t person, enum att_source source, int64_t device,
	       const char *kind, const struct fix *f, int64_t actor, json_t **out, enum att_outcome *outcome)
{
	static const char sql[] = "INSERT INTO att_checkins (" CHECKIN_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
				  " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
				  " ON CONFLICT (person_id, at_ms, source, kind) DO NOTHING RETURNING id";
	const char *src = source_names[source == ATT_DEVICE];
	struct dayctx c;
	struct judged j;
	struct stmt *st = NULL;
	char day[11], reasons[160];
	int64_t id = 0;
	json_t *rec = NULL;
	enum att_day_status status;
	int rc;

	*out = NULL;
	*outcome = ATT_STORED;
	rc = find_repeat(db, person, src, kind, f->at_ms, &id);
	if (rc == DF_OK) {
		*outcome = ATT_REPEAT;
		return att_checkin_json(db, id, out);
	}
	if (rc != DF_ENOTFOUND)
		return rc;
	rc = dayctx_load(db, cfg, person, f->at_ms, &c);
	if (rc != DF_OK)
		return rc;
	if (source == ATT_DEVICE && strcmp(kind, "fix") == 0) {
		int drop = 0;

		rc = thinned(db, cfg, person, &c, f, &drop);
		if (rc != DF_OK)
			return rc;
		if (drop) {
			*outcome = ATT_THINNED;
			return DF_OK;
		}
	}
	rc = judge(db, cfg, person, &c, f, &j);
	if (rc != DF_OK)
		return rc;
	cal_format(c.day, day);
	reasons_text(j.reasons, reasons, sizeof reasons);
	rc = db_prepare(db, sql, &st);
	if (rc != DF_OK)
		return rc;
	id = id_next();
	stmt_bind_i64(st, 1, id);
	stmt_bind_i64(st, 2, person);
	stmt_bind_id(st, 3, j.posting);
	stmt_bind_id(st, 4, device);
	stmt_bind_text(st, 5, src, -1);
	stmt_bind_text(st, 6, kind, -1);
	stmt_bind_i64(st, 7, f->at_ms);
	stmt_bind_i64(st, 8, clock_now_ms());
	stmt_bind_text(st, 9, day, -1);
	stmt_bind_double(st, 10, f->lat);
	stmt_bind_double(st, 11, f->lon);
	bind_opt(st, 12, f->accuracy_m);
	bind_opt(st, 13, f->speed_mps);
	stmt_bind_i64(st, 14, f->mock ? 1 : 0);
	if (f->batt >= 0)
		stmt_bind_i64(st, 15, f->batt);
	else
		stmt_bind_null(st, 15);
	stmt_bind_id(st, 16, j.place);
	stmt_bind_text(st, 17, verdict_name(j.verdict), -1);
	stmt_bind_text(st, 18, reasons, -1);
	stmt_bind_id(st, 19, j.unit);
	stmt_bind_id(st, 20, j.department);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK) {
		/* a racing copy was stored between find_repeat and here */
		*outcome = ATT_REPEAT;
		rc = find_repeat(db, person, src, kind, f->at_ms, &id);
		return rc == DF_OK ? att_checkin_json(db, id, out) : rc;
	}
	if (rc != STMT_ROW)
		return rc;
	status = j.verdict == VERDICT_VERIFIED ? ATT_DAY_PRESENT
		 : j.verdict == VERDICT_DOUBTFUL ? ATT_DAY_DOUBTFUL : ATT_DAY_REJECTED;
	rc = att_day_count(db, person, c.day, j.unit, j.department, status, id, f->at_ms,
			   status == ATT_DAY_PRESENT && c.working && att_is_late(c.day, f->at_ms, &c.hours));
	if (rc == DF_OK)
		rc = att_checkin_json(db, id, out);
	if (rc != DF_OK)
		return rc;
	rec = json_pack("{s:O, s:O, s:O, s:O}", "person_id", json_object_get(*out, "person_id"), "at_ms",
			json_object_get(*out, "at_ms"), "verdict", json_object_get(*out, "verdict"), "reasons",
			json_object_get(*out, "reasons"));
	rc = rec ? audit_append_json(db, "attendance.checkin", "checkin", id, actor, rec) : DF_ENOMEM;
	json_decref(rec);
	return rc;
}
