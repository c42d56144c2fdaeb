/*
 * osmand.c - OsmAnd / Traccar Client position reports (see osmand.h).
 *
 * The parameter shape is read in two passes.  The first walks the query
 * string, then the form body, splitting each at '&', percent-decoding every
 * name and value (bad escapes and encoded NUL bytes are refused, even in
 * parameters that are then ignored), and files the value of each known
 * parameter into its slot: the form's value replaces the query's, while a
 * parameter given twice in one source is refused.  `location` fills the lat
 * and lon slots at once.  The second pass turns the slots into a struct fix
 * with the same checks the JSON shape uses, so both shapes obey one set of
 * rules:
 *
 *   - numbers are plain decimal text ("12", "-3.5", "1e2"): strtod must
 *     consume all of it and the result must be finite (no "nan", "inf",
 *     hex or surrounding blanks);
 *   - lat and lon are required and in range;
 *   - a negative accuracy, speed, bearing or battery level means unknown;
 *     an optional value past its bound (accuracy 1000 km, speed 1000 m/s,
 *     bearing 360, altitude -12 km .. 100 km, battery 100 %) is refused;
 *   - an empty optional parameter ("speed=") counts as absent;
 *   - the timestamp is Unix seconds, Unix milliseconds (above 1e11) or
 *     strict ISO 8601 (below), in the years 2000..2100; absent: now_ms.
 *
 * ISO 8601 is read by hand, with no strptime, timegm or TZ: YYYY-MM-DD,
 * 'T' or ' ', hh:mm:ss, optional fraction of 1..9 digits (kept to the
 * millisecond, truncated), optional zone "Z", "+hh:mm" or "+hhmm" (hours
 * 0..14).  Without a zone the time is UTC, as a Traccar server running in
 * UTC would read it.
 *
 * Bounds: a query string or form body of at most 8192 bytes, a JSON body of
 * at most 64 KiB, OSMAND_PARAMS_MAX parameters in query and form together,
 * a known parameter's decoded value at most 256 bytes (the identifier
 * OSMAND_ID_MAX), a number's text at most 64; names longer than 32 bytes
 * are unknown ones.
 *
 * Every failure names the field with a literal of this file (never text of
 * the request, which need not be UTF-8) and says what was wrong.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/calendar.h"
#include "osmand.h"

#define KNOT_MPS 0.514444          /* one knot in metres per second */
#define SRC_MAX 8192               /* a query string or form body, bytes */
#define JSON_MAX 65536             /* a JSON body, bytes */
#define NAME_MAX_LEN 32            /* longer parameter names are unknown ones */
#define VALUE_MAX 256              /* a known parameter's decoded value, bytes */
#define NUM_MAX 64                 /* a number's text, bytes */
#define ACCURACY_MAX_M 1e6
#define SPEED_MAX_MPS 1000.0
#define ALT_MIN_M (-12000.0)
#define ALT_MAX_M 100000.0
#define TIME_MS_FROM 946684800000LL   /* 2000-01-01T00:00:00Z */
#define TIME_MS_UNTIL 4133980800000LL /* 2101-01-01T00:00:00Z, excluded */
#define TIME_MS_ABOVE 100000000000LL  /* numeric timestamps above: milliseconds */

/* The values a report is made of, one slot each. */
enum slot { S_ID, S_LAT, S_LON, S_TIME, S_SPEED, S_BEARING, S_ALT, S_ACC, S_BATT, S_MOCK, S_N };

/* A parameter name and the slot it fills; `location` fills S_LAT and S_LON. */
struct param_def {
	const char *name; /* as sent, matched exactly */
	enum slot slot;   /* S_LAT for location (see is_location) */
};

static const struct param_def param_defs[] = {
	{ "id", S_ID },          { "deviceid", S_ID },    { "lat", S_LAT },
	{ "lon", S_LON },        { "location", S_LAT },   { "timestamp", S_TIME },
	{ "speed", S_SPEED },    { "bearing", S_BEARING }, { "heading", S_BEARING },
	{ "altitude", S_ALT },   { "accuracy", S_ACC },   { "batt", S_BATT },
	{ "mock", S_MOCK },
};

/* The raw values of the parameter shape after both sources. */
struct slots {
	char val[S_N][VALUE_MAX + 1]; /* decoded text, NUL-terminated */
	const char *name[S_N];        /* the name it came under (a param_defs literal); NULL: absent */
};

/* The parsed values common to both shapes, before the range checks. */
struct raw_fix {
	double lat, lon;        /* required */
	double accuracy_m;      /* NaN: absent */
	double speed_mps;       /* NaN: absent */
	double bearing;         /* NaN: absent */
	double altitude;        /* NaN: absent */
	double batt_pct;        /* NaN: absent */
	const char *f_lat, *f_lon, *f_acc, *f_speed, *f_bearing, *f_alt, *f_batt; /* names for errors */
};

/* fail - record the field at fault and why; always DF_EINVAL. */
static int fail(struct osmand_report *out, const char *field, const char *why)
{
	snprintf(out->field, sizeof out->field, "%s", field);
	snprintf(out->why, sizeof out->why, "%s", why);
	return DF_EINVAL;
}

/* report_init - an empty report: no id, every fix value unknown. */
static void report_init(struct osmand_report *out)
{
	memset(out, 0, sizeof *out);
	out->fix.lat = NAN;
	out->fix.lon = NAN;
	out->fix.accuracy_m = NAN;
	out->fix.speed_mps = NAN;
	out->fix.bearing = NAN;
	out->fix.altitude = NAN;
	out->fix.batt = -1;
}

/* ---- time ------------------------------------------------------------- */

/* Value of exactly n ASCII digits at s into *v; 0 if one is not a digit. */
static int digits(const char *s, int n, int *v)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 1;
}

/* parse_zone - the zone at s (n bytes, n >= 1): "Z", "+hh:mm", "+hhmm",
 * or the same with '-', into seconds east of UTC; 0 if malformed. */
static int parse_zone(const char *s, size_t n, int *east_s)
{
	int h, m, sign;

	if (n == 1 && s[0] == 'Z') {
		*east_s = 0;
		return 1;
	}
	if (s[0] != '+' && s[0] != '-')
		return 0;
	sign = s[0] == '-' ? -1 : 1;
	if (n == 6 && s[3] == ':') {
		if (!digits(s + 1, 2, &h) || !digits(s + 4, 2, &m))
			return 0;
	} else if (n == 5) {
		if (!digits(s + 1, 2, &h) || !digits(s + 3, 2, &m))
			return 0;
	} else {
		return 0;
	}
	if (h > 14 || m > 59)
		return 0;
	*east_s = sign * (h * 3600 + m * 60);
	return 1;
}

/* parse_iso - strict ISO 8601 date and time (see the top of the file) at s,
 * n bytes, into Unix ms; 0 if malformed or no such date. */
static int parse_iso(const char *s, size_t n, int64_t *ms)
{
	int y, mo, d, h, mi, sec, east_s = 0, frac_ms = 0;
	size_t i = 19;
	int64_t days;

	if (n < 19 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > cal_days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return 0;
	if (i < n && s[i] == '.') {
		size_t start = ++i;
		int scale = 100;

		while (i < n && s[i] >= '0' && s[i] <= '9') {
			frac_ms += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == start || i - start > 9)
			return 0;
	}
	if (i < n && !parse_zone(s + i, n - i, &east_s))
		return 0;
	days = cal_from_ymd(y, mo, d);
	*ms = (days * 86400 + h * 3600 + mi * 60 + sec - east_s) * 1000 + frac_ms;
	return 1;
}

/* parse_unix - 1..18 ASCII digits: seconds, or milliseconds above 1e11. */
static int parse_unix(const char *s, size_t n, int64_t *ms)
{
	char text[20], *end = NULL;
	long long v;

	if (n < 1 || n > 18 || strspn(s, "0123456789") < n)
		return 0;
	memcpy(text, s, n);
	text[n] = '\0';
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end != text + n)
		return 0;
	*ms = v > TIME_MS_ABOVE ? v : v * 1000;
	return 1;
}

/* time_in_range - 1 if ms is in the years 2000..2100 (UTC). */
static int time_in_range(int64_t ms)
{
	return ms >= TIME_MS_FROM && ms < TIME_MS_UNTIL;
}

int osmand_parse_time(const char *s, int64_t *ms)
{
	size_t n;
	int64_t v = 0;

	if (!s || !ms)
		return DF_EINVAL;
	n = strlen(s);
	if (!parse_unix(s, n, &v) && !parse_iso(s, n, &v))
		return DF_EINVAL;
	if (!time_in_range(v))
		return DF_EINVAL;
	*ms = v;
	return DF_OK;
}

/* ---- values ------------------------------------------------------------- */

/* parse_real - plain decimal text (digits, sign, '.', exponent), wholly
 * consumed by strtod, finite.  0 if not. */
static int parse_real(const char *s, double *v)
{
	size_t n = strlen(s);
	char *end = NULL;
	double d;

	if (n < 1 || n > NUM_MAX || strspn(s, "0123456789+-.eE") < n)
		return 0;
	d = strtod(s, &end);
	if (end != s + n || !isfinite(d))
		return 0;
	*v = d;
	return 1;
}

/* id_ok - 1..OSMAND_ID_MAX visible ASCII characters (0x21..0x7e). */
static int id_ok(const char *s, size_t n)
{
	if (n < 1 || n > OSMAND_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* opt_nonneg - an optional measure where negative means unknown: NaN stays
 * NaN, v < 0 becomes NaN, v > max is refused. */
static int opt_nonneg(struct osmand_report *out, const char *field, double v, double max,
		      const char *why, double *dst)
{
	if (isnan(v) || v < 0) {
		*dst = NAN;
		return DF_OK;
	}
	if (v > max)
		return fail(out, field, why);
	*dst = v;
	return DF_OK;
}

/* finish - range-check the values of either shape into out->fix. */
static int finish(struct osmand_report *out, const struct raw_fix *r)
{
	struct fix *f = &out->fix;
	int rc;

	if (!(r->lat >= -90.0 && r->lat <= 90.0))
		return fail(out, r->f_lat, "latitude must be between -90 and 90");
	if (!(r->lon >= -180.0 && r->lon <= 180.0))
		return fail(out, r->f_lon, "longitude must be between -180 and 180");
	f->lat = r->lat;
	f->lon = r->lon;
	rc = opt_nonneg(out, r->f_acc, r->accuracy_m, ACCURACY_MAX_M,
			"accuracy must be at most 1000000 metres", &f->accuracy_m);
	if (rc == DF_OK)
		rc = opt_nonneg(out, r->f_speed, r->speed_mps, SPEED_MAX_MPS,
				"speed must be at most 1000 m/s", &f->speed_mps);
	if (rc == DF_OK)
		rc = opt_nonneg(out, r->f_bearing, r->bearing, 360.0,
				"bearing must be between 0 and 360 degrees", &f->bearing);
	if (rc != DF_OK)
		return rc;
	if (!isnan(r->altitude) && (r->altitude < ALT_MIN_M || r->altitude > ALT_MAX_M))
		return fail(out, r->f_alt, "altitude must be between -12000 and 100000 metres");
	f->altitude = r->altitude;
	if (isnan(r->batt_pct) || r->batt_pct < 0) {
		f->batt = -1;
	} else if (r->batt_pct > 100.0) {
		return fail(out, r->f_batt, "battery level must be at most 100 %");
	} else {
		f->batt = (int)lround(r->batt_pct);
	}
	return DF_OK;
}

/* ---- the parameter shape ------------------------------------------------ */

enum decode_result { DEC_OK, DEC_BAD, DEC_LONG };

/* hex_val - value of one hex digit, or -1. */
static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* pct_decode - decode n bytes at s ('+' is a space, %XX a byte) into out,
 * which holds cap bytes with the NUL; out NULL only checks.  DEC_BAD for a
 * malformed escape or a NUL byte (raw or %00), DEC_LONG past cap - 1. */
static enum decode_result pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;

			if (n - i < 3)
				return DEC_BAD;
			hi = hex_val(s[i + 1]);
			lo = hex_val(s[i + 2]);
			if (hi < 0 || lo < 0)
				return DEC_BAD;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0)
			return DEC_BAD;
		if (out) {
			if (o + 1 >= cap)
				return DEC_LONG;
			out[o] = (char)c;
		}
		o++;
	}
	if (out)
		out[o] = '\0';
	return DEC_OK;
}

/* find_param - the definition of a decoded name, or NULL if unknown. */
static const struct param_def *find_param(const char *name)
{
	for (size_t i = 0; i < sizeof param_defs / sizeof param_defs[0]; i++)
		if (strcmp(param_defs[i].name, name) == 0)
			return &param_defs[i];
	return NULL;
}

/* is_location - 1 for the `location` definition. */
static int is_location(const struct param_def *d)
{
	return strcmp(d->name, "location") == 0;
}

/* Where the walk of the sources stands. */
struct walk {
	struct slots *sl;      /* the slots being filled */
	int nparams;           /* parameters seen in all sources */
	const char *src;       /* "query" or "body", for faults of the source itself */
	unsigned seen;         /* bit per slot: given in this source */
};

/* put_location - split a decoded "lat,lon" into the lat and lon slots. */
static int put_location(struct walk *w, const struct param_def *d, const char *v,
			struct osmand_report *out)
{
	const char *comma = strchr(v, ',');
	size_t n1;

	if (!comma || strchr(comma + 1, ','))
		return fail(out, d->name, "must be \"lat,lon\"");
	n1 = (size_t)(comma - v);
	memcpy(w->sl->val[S_LAT], v, n1);
	w->sl->val[S_LAT][n1] = '\0';
	snprintf(w->sl->val[S_LON], sizeof w->sl->val[S_LON], "%s", comma + 1);
	w->sl->name[S_LAT] = d->name;
	w->sl->name[S_LON] = d->name;
	return DF_OK;
}

/* take_param - decode one "name=value" (n bytes at s) into the slots. */
static int take_param(struct walk *w, const char *s, size_t n, struct osmand_report *out)
{
	const char *eq = memchr(s, '=', n);
	size_t nlen = eq ? (size_t)(eq - s) : n;
	const char *v = eq ? eq + 1 : s + n;
	size_t vlen = (size_t)(s + n - v);
	char name[NAME_MAX_LEN + 1], value[VALUE_MAX + 1];
	const struct param_def *d = NULL;
	unsigned bits;
	enum decode_result dr;

	if (++w->nparams > OSMAND_PARAMS_MAX)
		return fail(out, w->src, "too many parameters");
	dr = pct_decode(s, nlen, name, sizeof name);
	if (dr == DEC_LONG)
		dr = pct_decode(s, nlen, NULL, 0); /* an unknown name: only check it */
	else if (dr == DEC_OK)
		d = find_param(name);
	if (dr != DEC_OK)
		return fail(out, w->src, "a parameter name has a bad %-escape or a NUL byte");
	if (!d) {
		if (pct_decode(v, vlen, NULL, 0) != DEC_OK)
			return fail(out, w->src, "a parameter value has a bad %-escape or a NUL byte");
		return DF_OK; /* unknown: ignored */
	}
	bits = is_location(d) ? (1u << S_LAT) | (1u << S_LON) : 1u << d->slot;
	if (w->seen & bits)
		return fail(out, d->name, "given twice");
	w->seen |= bits;
	dr = pct_decode(v, vlen, value, sizeof value);
	if (dr == DEC_BAD)
		return fail(out, d->name, "bad %-escape or NUL byte");
	if (dr == DEC_LONG)
		return fail(out, d->name, "longer than 256 bytes");
	if (is_location(d))
		return put_location(w, d, value, out);
	memcpy(w->sl->val[d->slot], value, strlen(value) + 1);
	w->sl->name[d->slot] = d->name;
	return DF_OK;
}

/* walk_source - every '&'-separated parameter of n bytes at s. */
static int walk_source(struct walk *w, const char *src, const char *s, size_t n,
		       struct osmand_report *out)
{
	size_t i = 0;

	w->src = src;
	w->seen = 0;
	if (n > SRC_MAX)
		return fail(out, src, "longer than 8192 bytes");
	if (memchr(s, '\0', n))
		return fail(out, src, "contains a NUL byte");
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t len = amp ? (size_t)(amp - (s + i)) : n - i;
		int rc;

		if (len) {
			rc = take_param(w, s + i, len, out);
			if (rc != DF_OK)
				return rc;
		}
		i += len + 1;
	}
	return DF_OK;
}

/* slot_real - an optional slot as a number: NaN when absent or empty. */
static int slot_real(const struct slots *sl, enum slot k, double *v, struct osmand_report *out)
{
	*v = NAN;
	if (!sl->name[k] || !sl->val[k][0])
		return DF_OK;
	if (!parse_real(sl->val[k], v))
		return fail(out, sl->name[k], "not a finite decimal number");
	return DF_OK;
}

/* req_real - lat or lon: present, non-empty, a number. */
static int req_real(const struct slots *sl, enum slot k, const char *missing, double *v,
		    struct osmand_report *out)
{
	if (!sl->name[k])
		return fail(out, missing, "required");
	if (!sl->val[k][0])
		return fail(out, sl->name[k], "empty");
	if (!parse_real(sl->val[k], v))
		return fail(out, sl->name[k], "not a finite decimal number");
	return DF_OK;
}

/* slots_to_report - the second pass: slots into out. */
static int slots_to_report(const struct slots *sl, int64_t now_ms, struct osmand_report *out)
{
	struct raw_fix r;
	const char *mock;
	size_t idlen = strlen(sl->val[S_ID]);
	int rc;

	if (!sl->name[S_ID])
		return fail(out, "id", "required");
	if (!id_ok(sl->val[S_ID], idlen))
		return fail(out, sl->name[S_ID], "must be 1..128 visible ASCII characters");
	memcpy(out->device_id, sl->val[S_ID], idlen + 1);
	memset(&r, 0, sizeof r);
	rc = req_real(sl, S_LAT, "lat", &r.lat, out);
	if (rc == DF_OK)
		rc = req_real(sl, S_LON, "lon", &r.lon, out);
	if (rc == DF_OK)
		rc = slot_real(sl, S_ACC, &r.accuracy_m, out);
	if (rc == DF_OK)
		rc = slot_real(sl, S_SPEED, &r.speed_mps, out);
	if (rc == DF_OK)
		rc = slot_real(sl, S_BEARING, &r.bearing, out);
	if (rc == DF_OK)
		rc = slot_real(sl, S_ALT, &r.altitude, out);
	if (rc == DF_OK)
		rc = slot_real(sl, S_BATT, &r.batt_pct, out);
	if (rc != DF_OK)
		return rc;
	if (!isnan(r.speed_mps))
		r.speed_mps *= KNOT_MPS; /* knots; a negative one stays negative (unknown) */
	r.f_lat = sl->name[S_LAT];
	r.f_lon = sl->name[S_LON];
	r.f_acc = "accuracy";
	r.f_speed = "speed";
	r.f_bearing = sl->name[S_BEARING] ? sl->name[S_BEARING] : "bearing";
	r.f_alt = "altitude";
	r.f_batt = "batt";
	rc = finish(out, &r);
	if (rc != DF_OK)
		return rc;
	out->fix.at_ms = now_ms;
	if (sl->name[S_TIME] && sl->val[S_TIME][0] &&
	    osmand_parse_time(sl->val[S_TIME], &out->fix.at_ms) != DF_OK)
		return fail(out, "timestamp",
			    "must be Unix seconds or milliseconds or ISO 8601, in 2000..2100");
	mock = sl->name[S_MOCK] ? sl->val[S_MOCK] : "";
	if (strcmp(mock, "true") == 0 || strcmp(mock, "1") == 0)
		out->fix.mock = 1;
	else if (mock[0] && strcmp(mock, "false") != 0 && strcmp(mock, "0") != 0)
		return fail(out, "mock", "must be true, false, 1 or 0");
	return DF_OK;
}

int osmand_parse_params(const char *q, const char *form, size_t form_len, int64_t now_ms,
			struct osmand_report *out)
{
	struct slots sl;
	struct walk w;
	int rc;

	report_init(out);
	memset(&sl, 0, sizeof sl);
	memset(&w, 0, sizeof w);
	w.sl = &sl;
	rc = q ? walk_source(&w, "query", q, strlen(q), out) : DF_OK;
	if (rc == DF_OK && form)
		rc = walk_source(&w, "body", form, form_len, out);
	if (rc == DF_OK)
		rc = slots_to_report(&sl, now_ms, out);
	if (rc != DF_OK)
		out->device_id[0] = '\0';
	return rc;
}

/* ---- the JSON shape ----------------------------------------------------- */

/* json_opt_real - an optional number member: NaN when absent or null. */
static int json_opt_real(json_t *obj, const char *key, const char *field, double *v,
			 struct osmand_report *out)
{
	json_t *m = obj ? json_object_get(obj, key) : NULL;

	*v = NAN;
	if (!m || json_is_null(m))
		return DF_OK;
	if (!json_is_number(m) || !isfinite(json_number_value(m)))
		return fail(out, field, "must be a number");
	*v = json_number_value(m);
	return DF_OK;
}

/* json_req_real - a required number member. */
static int json_req_real(json_t *obj, const char *key, const char *field, double *v,
			 struct osmand_report *out)
{
	json_t *m = json_object_get(obj, key);

	if (!m)
		return fail(out, field, "required");
	if (!json_is_number(m) || !isfinite(json_number_value(m)))
		return fail(out, field, "must be a number");
	*v = json_number_value(m);
	return DF_OK;
}

/* json_time - location.timestamp: a string as osmand_parse_time reads it,
 * or an integer of Unix seconds or milliseconds; absent: now_ms. */
static int json_time(json_t *loc, int64_t now_ms, struct osmand_report *out)
{
	json_t *t = json_object_get(loc, "timestamp");
	const char *field = "location.timestamp";
	const char *why = "must be ISO 8601 or Unix seconds or milliseconds, in 2000..2100";
	int64_t ms;

	out->fix.at_ms = now_ms;
	if (!t || json_is_null(t))
		return DF_OK;
	if (json_is_string(t)) {
		if (osmand_parse_time(json_string_value(t), &out->fix.at_ms) != DF_OK)
			return fail(out, field, why);
		return DF_OK;
	}
	if (!json_is_integer(t) || json_integer_value(t) <= 0 ||
	    json_integer_value(t) > TIME_MS_UNTIL)
		return fail(out, field, why);
	ms = json_integer_value(t);
	if (ms <= TIME_MS_ABOVE)
		ms *= 1000;
	if (!time_in_range(ms))
		return fail(out, field, why);
	out->fix.at_ms = ms;
	return DF_OK;
}

/* json_battery - location.battery.level (0..1) as a percentage. */
static int json_battery(json_t *loc, double *pct, struct osmand_report *out)
{
	json_t *b = json_object_get(loc, "battery");
	int rc;

	*pct = NAN;
	if (!b || json_is_null(b))
		return DF_OK;
	if (!json_is_object(b))
		return fail(out, "location.battery", "must be an object");
	rc = json_opt_real(b, "level", "location.battery.level", pct, out);
	if (rc != DF_OK)
		return rc;
	if (*pct > 1.0)
		return fail(out, "location.battery.level", "must be at most 1");
	*pct *= 100.0;
	return DF_OK;
}

/* json_to_report - the members of a parsed body into out. */
static int json_to_report(json_t *root, int64_t now_ms, struct osmand_report *out)
{
	json_t *id, *loc, *coords, *mock;
	struct raw_fix r;
	int rc;

	if (!json_is_object(root))
		return fail(out, "body", "must be a JSON object");
	id = json_object_get(root, "device_id");
	if (!id)
		return fail(out, "device_id", "required");
	if (!json_is_string(id) || !id_ok(json_string_value(id), json_string_length(id)))
		return fail(out, "device_id", "must be 1..128 visible ASCII characters");
	memcpy(out->device_id, json_string_value(id), json_string_length(id) + 1);
	loc = json_object_get(root, "location");
	if (!loc)
		return fail(out, "location", "required");
	if (!json_is_object(loc))
		return fail(out, "location", "must be one location object");
	coords = json_object_get(loc, "coords");
	if (!coords)
		return fail(out, "location.coords", "required");
	if (!json_is_object(coords))
		return fail(out, "location.coords", "must be an object");
	memset(&r, 0, sizeof r);
	r.f_lat = "location.coords.latitude";
	r.f_lon = "location.coords.longitude";
	r.f_acc = "location.coords.accuracy";
	r.f_speed = "location.coords.speed";
	r.f_bearing = "location.coords.heading";
	r.f_alt = "location.coords.altitude";
	r.f_batt = "location.battery.level";
	rc = json_req_real(coords, "latitude", r.f_lat, &r.lat, out);
	if (rc == DF_OK)
		rc = json_req_real(coords, "longitude", r.f_lon, &r.lon, out);
	if (rc == DF_OK)
		rc = json_opt_real(coords, "accuracy", r.f_acc, &r.accuracy_m, out);
	if (rc == DF_OK)
		rc = json_opt_real(coords, "speed", r.f_speed, &r.speed_mps, out);
	if (rc == DF_OK)
		rc = json_opt_real(coords, "heading", r.f_bearing, &r.bearing, out);
	if (rc == DF_OK)
		rc = json_opt_real(coords, "altitude", r.f_alt, &r.altitude, out);
	if (rc == DF_OK)
		rc = json_battery(loc, &r.batt_pct, out);
	if (rc == DF_OK)
		rc = finish(out, &r);
	if (rc == DF_OK)
		rc = json_time(loc, now_ms, out);
	if (rc != DF_OK)
		return rc;
	mock = json_object_get(loc, "mock");
	if (mock && !json_is_null(mock)) {
		if (!json_is_boolean(mock))
			return fail(out, "location.mock", "must be true or false");
		out->fix.mock = json_is_true(mock) ? 1 : 0;
	}
	return DF_OK;
}

int osmand_parse_json(const char *body, size_t len, int64_t now_ms, struct osmand_report *out)
{
	json_error_t e;
	json_t *root = NULL;
	int rc;

	report_init(out);
	if (!body || len == 0)
		return fail(out, "body", "empty");
	if (len > JSON_MAX)
		return fail(out, "body", "longer than 65536 bytes");
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
	if (!root) {
		rc = fail(out, "body", "not valid JSON (or a member given twice)");
		goto out;
	}
	rc = json_to_report(root, now_ms, out);
out:
	json_decref(root);
	if (rc != DF_OK)
		out->device_id[0] = '\0';
	return rc;
}
