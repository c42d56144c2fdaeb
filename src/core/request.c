/*
 * request.c - what handlers call on a request (see http.h): parameters,
 * headers, cookies, replies and problems, JSON body readers.  Nothing here
 * knows libmicrohttpd beyond the lookups; the dispatcher is http.c.
 */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "calendar.h"
#include "http.h"
#include "log.h"
#include "store.h"

int req_db(struct request *r, struct db **out)
{
	int rc;

	if (!r->db) {
		rc = store_acquire(r->app->store, &r->db);
		if (rc != DF_OK) {
			*out = NULL;
			return rc;
		}
	}
	*out = r->db;
	return DF_OK;
}

const char *req_param(const struct request *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->param_name[i], name) == 0)
			return r->param_value[i];
	return NULL;
}

/* parse_id - a positive decimal int64 with no sign, spaces or junk. */
static int parse_id(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return DF_EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return DF_EINVAL;
	*out = v;
	return DF_OK;
}

int req_param_id(struct request *r, const char *name, int64_t *out)
{
	if (parse_id(req_param(r, name), out) != DF_OK) {
		req_problem(r, 404, "no such %s", name);
		return DF_ENOTFOUND;
	}
	return DF_OK;
}

int req_query_id(struct request *r, const char *name, int64_t *out)
{
	const char *s = req_query(r, name);

	*out = 0;
	if (s && parse_id(s, out) != DF_OK) {
		*out = 0;
		return req_problem_field(r, 400, name, "%s must be an id", name), DF_EINVAL;
	}
	return DF_OK;
}

int req_query_int(struct request *r, const char *name, int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
	const char *s = req_query(r, name);
	char *end = NULL;
	long long v;

	*out = dflt;
	if (!s)
		return DF_OK;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return req_problem_field(r, 400, name, "%s must be a whole number from %lld to %lld", name,
					 (long long)min, (long long)max), DF_EINVAL;
	*out = v;
	return DF_OK;
}

const char *req_query(const struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header_in(const struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(const struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* What req_query_string's iterator carries. */
struct qs {
	char *out;
	size_t len, at;
	int full;
};

static void qs_put(struct qs *q, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s && !q->full; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			    c == '_' || c == '.' || c == '~';

		if (q->at + (plain ? 1 : 3) >= q->len) {
			q->full = 1;
			break;
		}
		if (plain) {
			q->out[q->at++] = (char)c;
		} else {
			q->out[q->at++] = '%';
			q->out[q->at++] = hex[c >> 4];
			q->out[q->at++] = hex[c & 15];
		}
	}
}

static enum MHD_Result qs_each(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct qs *q = cls;

	(void)kind;
	if (q->at > 0 && !q->full) {
		if (q->at + 1 >= q->len)
			q->full = 1;
		else
			q->out[q->at++] = '&';
	}
	qs_put(q, key);
	if (value && !q->full) {
		if (q->at + 1 >= q->len)
			q->full = 1;
		else
			q->out[q->at++] = '=';
		qs_put(q, value);
	}
	return q->full ? MHD_NO : MHD_YES;
}

int req_query_string(struct request *r, char *out, size_t len)
{
	struct qs q = { out, len, 0, 0 };

	if (len == 0)
		return DF_ETOOBIG;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, qs_each, &q);
	out[q.full ? 0 : q.at] = '\0';
	return q.full ? DF_ETOOBIG : DF_OK;
}

int req_reply(struct request *r, int status, json_t *body)
{
	json_decref(r->reply);
	r->reply = body;
	r->status = status;
	return status;
}

int req_reply_take(struct request *r, int status, json_t **body)
{
	json_t *b = *body;

	*body = NULL;
	if (!b)
		return req_fail(r, DF_ENOMEM);
	return req_reply(r, status, b);
}

int req_reply_raw(struct request *r, int status, const char *type, char *bytes, size_t len)
{
	free(r->reply_raw);
	r->reply_raw = bytes;
	r->reply_raw_len = len;
	r->reply_type = type;
	r->status = status;
	return status;
}

static int vproblem(struct request *r, int status, const char *field, const char *fmt, va_list ap)
{
	vsnprintf(r->problem, sizeof r->problem, fmt, ap);
	snprintf(r->problem_field, sizeof r->problem_field, "%s", field ? field : "");
	r->problem_status = status;
	r->status = status;
	return status;
}

int req_problem(struct request *r, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(r, status, NULL, fmt, ap);
	va_end(ap);
	return status;
}

int req_problem_field(struct request *r, int status, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(r, status, field, fmt, ap);
	va_end(ap);
	return status;
}

void req_retry_after(struct request *r, long long seconds)
{
	char hdr[24];

	snprintf(hdr, sizeof hdr, "%lld", seconds);
	if (req_add_header(r, "Retry-After", hdr) != DF_OK)
		log_warn("msg=\"cannot add Retry-After\" rid=%s", r->id);
}

int req_fail(struct request *r, int rc)
{
	if (r->problem_status)
		return r->problem_status;
	switch (rc) {
	case DF_ENOTFOUND:
		return req_problem(r, 404, "no such object");
	case DF_EDENIED:
		return req_problem(r, 403, "your posting does not allow this");
	case DF_EAUTH:
		return req_problem(r, 401, "sign in first");
	case DF_ECONFLICT:
		return req_problem(r, 409, "this conflicts with what is already recorded");
	case DF_EINVAL:
		return req_problem(r, 400, "the request is malformed");
	case DF_ETOOBIG:
		return req_problem(r, 413, "the request is too large");
	case DF_EBUSY:
		req_retry_after(r, 1);
		return req_problem(r, 503, "the service is busy; try again shortly");
	case DF_EUNAVAIL:
		req_retry_after(r, 5);
		return req_problem(r, 503, "the database cannot be reached; try again shortly");
	default:
		return req_problem(r, 500, "internal error (request %s)", r->id);
	}
}

int req_add_header(struct request *r, const char *name, const char *value)
{
	int n;

	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return DF_EINVAL;
	n = snprintf(r->headers + r->headers_len, sizeof r->headers - r->headers_len, "%s: %s\n", name, value);
	if (n < 0 || (size_t)n >= sizeof r->headers - r->headers_len)
		return DF_ETOOBIG;
	r->headers_len += (size_t)n;
	return DF_OK;
}

int jreq_str(struct request *r, json_t *obj, const char *key, size_t max, int required, const char **out)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	size_t len;

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return DF_OK;
		req_problem_field(r, 422, key, "%s is required", key);
		return DF_EINVAL;
	}
	if (!json_is_string(v)) {
		req_problem_field(r, 422, key, "%s must be a string", key);
		return DF_EINVAL;
	}
	len = json_string_length(v);
	if (len == 0 || len > max || strlen(json_string_value(v)) != len) {
		req_problem_field(r, 422, key, "%s must be 1 to %zu bytes of text", key, max);
		return DF_EINVAL;
	}
	*out = json_string_value(v);
	return DF_OK;
}

int jreq_int(struct request *r, json_t *obj, const char *key, int64_t min, int64_t max, int required, int64_t *out)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	int64_t x;

	if (!v || json_is_null(v)) {
		if (!required)
			return DF_OK;
		req_problem_field(r, 422, key, "%s is required", key);
		return DF_EINVAL;
	}
	if (json_is_string(v) && parse_id(json_string_value(v), &x) == DF_OK) {
		/* ids travel as strings; accept them where a number is asked */
	} else if (json_is_integer(v)) {
		x = json_integer_value(v);
	} else {
		req_problem_field(r, 422, key, "%s must be a whole number", key);
		return DF_EINVAL;
	}
	if (x < min || x > max) {
		req_problem_field(r, 422, key, "%s must be from %lld to %lld", key, (long long)min, (long long)max);
		return DF_EINVAL;
	}
	*out = x;
	return DF_OK;
}

int jreq_num(struct request *r, json_t *obj, const char *key, double min, double max, int required,
	     double *out)
{
	json_t *v = obj ? json_object_get(obj, key) : NULL;
	double x;

	if (!v || json_is_null(v)) {
		if (!required)
			return DF_OK;
		req_problem_field(r, 422, key, "%s is required", key);
		return DF_EINVAL;
	}
	if (!json_is_number(v)) {
		req_problem_field(r, 422, key, "%s must be a number", key);
		return DF_EINVAL;
	}
	x = json_number_value(v);
	if (!(x >= min && x <= max)) {
		req_problem_field(r, 422, key, "%s must be from %g to %g", key, min, max);
		return DF_EINVAL;
	}
	*out = x;
	return DF_OK;
}

int jreq_date(struct request *r, json_t *obj, const char *key, int required, int32_t *out)
{
	const char *s = NULL;
	cal_day d;
	int rc = jreq_str(r, obj, key, 10, required, &s);

	if (rc != DF_OK || !s)
		return rc;
	if (cal_parse(s, &d) != DF_OK) {
		req_problem_field(r, 422, key, "%s must be a date YYYY-MM-DD", key);
		return DF_EINVAL;
	}
	*out = d;
	return DF_OK;
}

json_t *json_id(int64_t id)
{
	char s[24];

	snprintf(s, sizeof s, "%lld", (long long)id);
	return json_string(s);
}

int json_parse_id(json_t *v, int64_t *out)
{
	if (json_is_string(v))
		return parse_id(json_string_value(v), out);
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = json_integer_value(v);
		return DF_OK;
	}
	return DF_EINVAL;
}
