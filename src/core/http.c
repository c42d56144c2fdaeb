/*
 * http.c - libmicrohttpd glue, the route table and the dispatcher.
 *
 * At start every module's routes are flattened into one table with their
 * patterns pre-split into segments.  For each request libmicrohttpd calls
 * on_request() several times: first with the headers (we match the route
 * and check the declared length), then with body chunks (appended to a
 * capped buffer; over the cap the request is answered 413 at once), then a
 * last time with no data, when dispatch() runs the fixed checks described
 * in http.h and the handler.  The reply is queued on that last call, never
 * the first, so keep-alive stays on.  on_done() writes the access-log line,
 * counts the metrics and frees the request.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "app.h"
#include "auth.h"
#include "commit.h"
#include "http.h"
#include "id.h"
#include "idempotency.h"
#include "log.h"
#include "module.h"
#include "netaddr.h"
#include "web.h"
#include "store.h"

#define MAX_SEGS 16
#define MAX_PATH 1024

static const int status_slots[] = { 200, 201, 202, 204, 304, 400, 401, 403, 404, 405,
				    409, 413, 415, 422, 429, 500, 503 };
#define NSLOTS (COUNT_OF(status_slots) + 1) /* last: any other status */
static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				  0.1, 0.25, 0.5, 1, 2.5, 5 };
#define NBUCKETS (COUNT_OF(buckets) + 1) /* last: +Inf */

struct rt {
	const struct route *route;
	int nseg;
	const char *seg[MAX_SEGS];
	char *storage;
};

struct metrics {
	size_t n;                          /* routes + 1 (unmatched) */
	_Atomic uint64_t (*count)[NSLOTS];
	_Atomic uint64_t (*hist)[NBUCKETS];
	_Atomic uint64_t *sum_us;
};

struct http_server {
	struct MHD_Daemon *d;
	struct app *app;
	struct netaddr_list proxies; /* server.trusted_proxies */
	struct web *web;             /* the web app's files, NULL if none */
	struct rt *table;
	size_t n;
};

const char *http_status_title(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* split - cut path (modified in place) into segments; -1 if too many. */
static int split(char *path, const char **seg)
{
	int n = 0;
	char *p = path;

	while (*p == '/')
		p++;
	while (*p) {
		if (n == MAX_SEGS)
			return -1;
		seg[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static int build_table(struct http_server *s)
{
	size_t n = 0, k = 0;

	for (const struct module *const *m = s->app->modules; *m; m++)
		n += (*m)->nroutes;
	s->table = calloc(n ? n : 1, sizeof *s->table);
	if (!s->table)
		return DF_ENOMEM;
	for (const struct module *const *m = s->app->modules; *m; m++) {
		for (size_t i = 0; i < (*m)->nroutes; i++, k++) {
			struct rt *t = &s->table[k];

			t->route = &(*m)->routes[i];
			t->storage = strdup(t->route->pattern);
			if (!t->storage)
				return DF_ENOMEM;
			t->nseg = split(t->storage, t->seg);
			if (t->nseg < 0) {
				log_error("msg=\"route pattern too deep\" pattern=\"%s\"", t->route->pattern);
				return DF_EINVAL;
			}
			/* "{id}" is kept as "{id": the brace marks a parameter, the rest names it */
			for (int j = 0; j < t->nseg; j++) {
				char *seg = (char *)t->seg[j];
				size_t len = strlen(seg);

				if (seg[0] == '{' && len > 2 && seg[len - 1] == '}')
					seg[len - 1] = '\0';
			}
		}
	}
	s->n = n;
	return DF_OK;
}

/* seg_match - does pattern segment p accept path segment v? */
static int seg_match(const char *p, const char *v)
{
	if (p[0] == '{')
		return v[0] != '\0';
	return strcmp(p, v) == 0;
}

/* match - find the route for r; sets early_status 404/405 when none fits. */
static void match(struct http_server *s, struct request *r)
{
	const char *seg[MAX_SEGS];
	int nseg, path_hit = 0;

	r->route_index = -1;
	nseg = split(r->path, seg);
	if (nseg < 0) {
		r->early_status = 404;
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct rt *t = &s->table[i];
		int ok = t->nseg == nseg;

		for (int j = 0; ok && j < nseg; j++)
			ok = seg_match(t->seg[j], seg[j]);
		if (!ok)
			continue;
		path_hit = 1;
		/* HEAD is GET without the body (libmicrohttpd drops it) */
		if (strcmp(t->route->method, r->method) != 0 &&
		    !(strcmp(r->method, "HEAD") == 0 && strcmp(t->route->method, "GET") == 0))
			continue;
		r->route = t->route;
		r->route_index = (int)i;
		for (int j = 0; j < nseg && r->nparams < ROUTE_MAX_PARAMS; j++) {
			if (t->seg[j][0] != '{')
				continue;
			r->param_name[r->nparams] = t->seg[j] + 1; /* "{id" -> "id" */
			r->param_value[r->nparams] = seg[j];
			r->nparams++;
		}
		return;
	}
	r->early_status = path_hit ? 405 : 404;
}

static void set_request_id(struct request *r)
{
	const char *in = req_header_in(r, "X-Request-Id");
	size_t n = in ? strlen(in) : 0;
	int ok = n > 0 && n < sizeof r->id;

	for (size_t i = 0; ok && i < n; i++)
		ok = (in[i] >= '0' && in[i] <= '9') || (in[i] >= 'a' && in[i] <= 'z') ||
		     (in[i] >= 'A' && in[i] <= 'Z') || in[i] == '-' || in[i] == '_' || in[i] == '.';
	if (ok)
		snprintf(r->id, sizeof r->id, "%s", in);
	else
		snprintf(r->id, sizeof r->id, "%016llx", (unsigned long long)id_next());
}

/* set_peer - the client's address: the socket's peer, or what a trusted
 * proxy says it forwarded for (netaddr.h). */
static void set_peer(struct http_server *s, struct request *r)
{
	char peer[sizeof r->ip];

	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	socklen_t len = sizeof(struct sockaddr_in6);

	snprintf(r->ip, sizeof r->ip, "-");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		len = sizeof(struct sockaddr_in);
	if (getnameinfo(sa, len, peer, sizeof peer, NULL, 0, NI_NUMERICHOST) != 0)
		return;
	netaddr_client(&s->proxies, peer, s->proxies.n ? req_header_in(r, "X-Forwarded-For") : NULL, r->ip,
		       sizeof r->ip);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct request *request_new(struct http_server *s, struct MHD_Connection *c,
				   const char *url, const char *method)
{
	struct request *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->app = s->app;
	r->conn = c;
	r->url = url;
	r->t0_ns = now_ns();
	r->status = 500;
	snprintf(r->method, sizeof r->method, "%s", method);
	set_request_id(r);
	set_peer(s, r);
	if (strlen(url) > MAX_PATH) {
		r->early_status = 404;
		return r;
	}
	r->path = strdup(url);
	if (!r->path) {
		free(r);
		return NULL;
	}
	match(s, r);
	buf_init(&r->body, r->route ? r->route->body_max : 0);
	return r;
}

static void request_free(struct request *r)
{
	if (!r)
		return;
	store_release(r->db);
	auth_principal_release(r);
	json_decref(r->body_json);
	json_decref(r->reply);
	free(r->reply_raw);
	buf_release(&r->body);
	free(r->path);
	free(r);
}

/* early_problem - the detail for a check that failed before dispatch. */
static int early_problem(struct request *r)
{
	switch (r->early_status) {
	case 404:
		return req_problem(r, 404, "no route for %s", r->url);
	case 405:
		return req_problem(r, 405, "%s is not allowed on %s", r->method, r->url);
	case 413:
		return req_problem(r, 413, "the body is larger than the %zu bytes this route accepts",
				   r->route ? r->route->body_max : 0);
	default:
		return req_problem(r, r->early_status, "request refused");
	}
}

static int is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "OPTIONS") != 0;
}

static int parse_json_body(struct request *r)
{
	const char *ct = req_header_in(r, "Content-Type");
	json_error_t e;

	if (r->body.len == 0)
		return req_problem(r, 400, "a JSON object body is required");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return req_problem(r, 415, "send the body as application/json");
	r->body_json = json_loadb(r->body.ptr, r->body.len, JSON_REJECT_DUPLICATES, &e);
	if (!r->body_json)
		return req_problem(r, 400, "the body is not valid JSON: %s at line %d column %d",
				   e.text, e.line, e.column);
	if (!json_is_object(r->body_json))
		return req_problem(r, 400, "the body must be a JSON object");
	return 0;
}

/* wants_web - a GET or HEAD that no route took, outside the API: the web
 * app's (web.h).  /api/ paths always get the API's JSON 404. */
static int wants_web(const struct http_server *s, const struct request *r)
{
	return s->web && r->early_status == 404 && !r->route &&
	       (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) &&
	       strncmp(r->url, "/api/", 5) != 0 && strcmp(r->url, "/api") != 0;
}

/* dispatch - the fixed order of checks (http.h), then the handler. */
static int dispatch(struct request *r)
{
	const struct route *rt = r->route;
	int rc;

	if (r->early_status)
		return early_problem(r);
	rc = auth_authenticate(r);
	if (rc != DF_OK)
		return req_fail(r, rc);
	if (rt->perm != PERM_PUBLIC && r->who.kind == PRINCIPAL_NONE)
		return req_problem(r, 401, "sign in first");
	if (is_write(r->method) && !(rt->flags & ROUTE_NO_CSRF) && auth_check_csrf(r) != DF_OK)
		return req_problem(r, 403, "missing or wrong %s header", CSRF_HEADER);
	if ((rt->flags & ROUTE_JSON) && !(r->body.len == 0 && (rt->flags & ROUTE_JSON_OPTIONAL))) {
		rc = parse_json_body(r);
		if (rc)
			return rc;
	} else if (r->body.len && !(rt->flags & ROUTE_RAW)) {
		return req_problem(r, 415, "this route takes no body");
	}
	if (rt->perm && rt->perm[0]) {
		if (!r->app->authorize || r->app->authorize(r, rt->perm) != DF_OK)
			return req_fail(r, DF_EDENIED);
	}
	if (is_write(r->method)) {
		rc = idem_start(r);
		if (rc)
			return rc; /* a replay, or the key is wrong */
	}
	rc = rt->handler(r);
	if (rc == HTTP_DEFERRED)
		return rc; /* the committer sets the reply (commit.h); never with an Idempotency-Key */
	if (rc >= 400 && !r->problem_status && !r->reply)
		return req_fail(r, DF_EINTERNAL);
	if (is_write(r->method))
		rc = idem_settle(r, rc);
	r->status = rc;
	idem_finish(r);
	return rc;
}

static int add_extra_headers(struct MHD_Response *resp, char *h)
{
	char *line = h;

	while (line && *line) {
		char *nl = strchr(line, '\n');
		char *colon = strchr(line, ':');

		if (!nl || !colon || colon > nl)
			return DF_EINVAL;
		*nl = '\0';
		*colon = '\0';
		if (MHD_add_response_header(resp, line, colon + 2) != MHD_YES)
			return DF_ENOMEM;
		line = nl + 1;
	}
	return DF_OK;
}

static char *problem_body(struct request *r, size_t *len)
{
	json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}",
			      "type", "about:blank", "title", http_status_title(r->status),
			      "status", r->status, "detail", r->problem[0] ? r->problem : http_status_title(r->status),
			      "instance", r->url, "request_id", r->id);
	char *s;

	if (p && r->problem_field[0])
		json_object_set_new(p, "field", json_string(r->problem_field));
	s = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	*len = s ? strlen(s) : 0;
	return s;
}

static enum MHD_Result send_reply(struct request *r)
{
	struct MHD_Response *resp = NULL;
	const char *type = "application/json";
	char *body = NULL;
	size_t len = 0;
	enum MHD_Result ret = MHD_NO;

	if (r->reply_raw) {
		body = r->reply_raw;
		len = r->reply_raw_len;
		type = r->reply_type;
		r->reply_raw = NULL;
	} else if (r->reply) {
		body = json_dumps(r->reply, JSON_COMPACT);
		len = body ? strlen(body) : 0;
	} else if (r->status >= 400) {
		body = problem_body(r, &len);
		type = "application/problem+json";
	}
	if (r->status == 204 || r->status == 304) {
		free(body);
		body = NULL;
		len = 0;
	}
	resp = MHD_create_response_from_buffer(len, body ? body : (void *)"",
					       body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	if (len)
		MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Request-Id", r->id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (strncmp(r->url, "/api/", 5) == 0) {
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
	}
	if (r->status == 405)
		MHD_add_response_header(resp, "Allow", "see API documentation");
	if (add_extra_headers(resp, r->headers) != DF_OK)
		log_warn("msg=\"bad extra header\" rid=%s", r->id);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->reply_queued = 1;
	return ret;
}

/* A body over the cap that arrives without a declared length (chunked) is
 * read and thrown away so that the 413 can be sent at the end (libmicrohttpd
 * accepts a reply only before or after the upload); past this many bytes
 * the connection is simply closed. */
#define DISCARD_MAX ((size_t)64 << 20)

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct request *r = *con_cls;
	int rc;

	(void)version;
	if (!r) {
		const char *cl;

		r = request_new(s, c, url, method);
		if (!r)
			return MHD_NO;
		*con_cls = r;
		cl = req_header_in(r, "Content-Length");
		if (!r->early_status && cl && r->route && strtoull(cl, NULL, 10) > r->route->body_max) {
			/* declared too large: answer now, before reading any of it */
			r->early_status = 413;
			r->status = early_problem(r);
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->early_status && r->route && buf_add(&r->body, upload, *upload_size) != DF_OK)
			r->early_status = 413;
		if (r->early_status) {
			r->discarded += *upload_size;
			if (r->discarded > DISCARD_MAX)
				return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->problem_status == 413 && r->reply_queued)
		return MHD_YES; /* answered on the headers call */
	if (r->deferred)
		return send_reply(r); /* resumed by the committer, its reply set */
	if (wants_web(s, r)) {
		rc = web_answer(s->web, r);
		if (rc != DF_ENOTFOUND)
			return rc == DF_OK ? MHD_YES : MHD_NO;
	}
	rc = dispatch(r);
	store_release(r->db);
	r->db = NULL;
	if (rc == HTTP_DEFERRED)
		return MHD_YES; /* suspended: the committer sets r->status and resumes it, maybe already */
	r->status = rc;
	return send_reply(r);
}

static int slot_of(int status)
{
	for (size_t i = 0; i < COUNT_OF(status_slots); i++)
		if (status_slots[i] == status)
			return (int)i;
	return (int)NSLOTS - 1;
}

static void count(struct metrics *m, int route, int status, double secs)
{
	size_t k = route < 0 ? m->n - 1 : (size_t)route;
	size_t b = 0;

	atomic_fetch_add(&m->count[k][slot_of(status)], 1);
	while (b < COUNT_OF(buckets) && secs > buckets[b])
		b++;
	atomic_fetch_add(&m->hist[k][b], 1);
	atomic_fetch_add(&m->sum_us[k], (uint64_t)(secs * 1e6));
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct request *r = *con_cls;
	double secs;

	(void)c;
	if (!r)
		return;
	secs = (double)(now_ns() - r->t0_ns) / 1e9;
	count(s->app->metrics, r->route_index, r->status, secs);
	log_info("msg=access rid=%s ip=%s method=%s path=\"%.200s\" status=%d ms=%.2f user=%s%s",
		 r->id, r->ip, r->method, r->url, r->status, secs * 1e3,
		 r->who.username[0] ? r->who.username : "-",
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	request_free(r);
	*con_cls = NULL;
}

static int metrics_new(struct metrics **out, size_t nroutes)
{
	struct metrics *m = calloc(1, sizeof *m);

	*out = NULL;
	if (!m)
		return DF_ENOMEM;
	m->n = nroutes + 1;
	m->count = calloc(m->n, sizeof *m->count);
	m->hist = calloc(m->n, sizeof *m->hist);
	m->sum_us = calloc(m->n, sizeof *m->sum_us);
	if (!m->count || !m->hist || !m->sum_us) {
		free(m->count);
		free(m->hist);
		free(m->sum_us);
		free(m);
		return DF_ENOMEM;
	}
	*out = m;
	return DF_OK;
}

static struct http_server *running; /* for http_metrics_text's route names */

int http_metrics_text(struct app *app, struct buf *out)
{
	struct metrics *m = app->metrics;
	int rc = DF_OK;

	if (!m || !running)
		return DF_OK;
	rc |= buf_adds(out, "# HELP daftar_http_requests_total Requests answered, by route and status.\n"
			    "# TYPE daftar_http_requests_total counter\n");
	for (size_t k = 0; k < m->n; k++) {
		const char *meth = k < running->n ? running->table[k].route->method : "-";
		const char *pat = k < running->n ? running->table[k].route->pattern : "unmatched";

		for (size_t i = 0; i < NSLOTS; i++) {
			uint64_t v = atomic_load(&m->count[k][i]);

			if (!v)
				continue;
			if (i < COUNT_OF(status_slots))
				rc |= buf_addf(out, "daftar_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
					       meth, pat, status_slots[i], (unsigned long long)v);
			else
				rc |= buf_addf(out, "daftar_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
					       meth, pat, (unsigned long long)v);
		}
	}
	rc |= buf_adds(out, "# HELP daftar_http_request_duration_seconds Time from headers to reply.\n"
			    "# TYPE daftar_http_request_duration_seconds histogram\n");
	for (size_t k = 0; k < m->n; k++) {
		const char *meth = k < running->n ? running->table[k].route->method : "-";
		const char *pat = k < running->n ? running->table[k].route->pattern : "unmatched";
		uint64_t cum = 0;

		for (size_t b = 0; b < NBUCKETS; b++)
			cum += atomic_load(&m->hist[k][b]);
		if (!cum)
			continue;
		cum = 0;
		for (size_t b = 0; b < NBUCKETS; b++) {
			cum += atomic_load(&m->hist[k][b]);
			if (b < COUNT_OF(buckets))
				rc |= buf_addf(out, "daftar_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
					       meth, pat, buckets[b], (unsigned long long)cum);
			else
				rc |= buf_addf(out, "daftar_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
					       meth, pat, (unsigned long long)cum);
		}
		rc |= buf_addf(out, "daftar_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
				    "daftar_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
			       meth, pat, (double)atomic_load(&m->sum_us[k]) / 1e6, meth, pat, (unsigned long long)cum);
	}
	return rc ? DF_ETOOBIG : DF_OK;
}

/* parse_listen - "ADDR:PORT" or "[V6]:PORT" into a socket address. */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end = NULL;
	long port;
	size_t hl;

	if (!colon)
		return DF_EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return DF_EINVAL;
	hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return DF_EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? DF_OK : DF_EINVAL;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? DF_OK : DF_EINVAL;
	}
}

/* load_proxies - parse server.trusted_proxies; a bad list stops the start. */
static int load_proxies(struct http_server *s)
{
	char err[160];
	int rc = netaddr_parse(s->app->cfg.trusted_proxies, &s->proxies, err, sizeof err);

	if (rc != DF_OK)
		log_error("msg=\"bad server.trusted_proxies\" err=\"%s\"", err);
	return rc;
}

/* load_web - the web app's files from server.web_root ("" = API only). */
static int load_web(struct http_server *s)
{
	const char *root = s->app->cfg.web_root;
	int rc;

	if (!root[0])
		return DF_OK;
	rc = web_open(root, &s->web);
	if (rc != DF_OK)
		log_error("msg=\"cannot serve server.web_root\" path=\"%s\" err=%s", root, df_strerror(rc));
	return rc;
}

int http_start(struct app *app, struct http_server **out)
{
	struct http_server *s = NULL;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	int rc;

	*out = NULL;
	rc = parse_listen(app->cfg.listen, &ss);
	if (rc != DF_OK) {
		log_error("msg=\"bad listen address\" listen=\"%s\"", app->cfg.listen);
		return rc;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s = calloc(1, sizeof *s);
	if (!s)
		return DF_ENOMEM;
	s->app = app;
	rc = load_proxies(s);
	if (rc == DF_OK)
		rc = load_web(s);
	if (rc != DF_OK) {
		free(s);
		return rc;
	}
	rc = build_table(s);
	if (rc == DF_OK)
		rc = metrics_new(&app->metrics, s->n);
	if (rc != DF_OK)
		goto fail;
	rc = commit_start(app);
	if (rc != DF_OK)
		goto fail;
	running = s;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->cfg.conn_timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)app->cfg.conn_memory_kb * 1024,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.max_conns,
				MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
				MHD_OPTION_END);
	if (!s->d) {
		log_error("msg=\"cannot listen\" listen=\"%s\"", app->cfg.listen);
		rc = DF_EIO;
		goto fail;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	if (info) {
		char *colon = strrchr(app->cfg.listen, ':');
		size_t room = sizeof app->cfg.listen - (size_t)(colon - app->cfg.listen);

		/* port 0 asked for any free port: say which one we got */
		snprintf(colon, room, ":%u", (unsigned)info->port);
	}
	*out = s;
	return DF_OK;
fail:
	running = NULL;
	http_stop(s);
	return rc;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	/* answer every deferred write first: a suspended connection must be
	 * resumed before libmicrohttpd stops */
	commit_stop(s->app);
	if (s->d)
		MHD_stop_daemon(s->d);
	commit_free(s->app);
	for (size_t i = 0; i < s->n; i++)
		free(s->table[i].storage);
	free(s->table);
	if (running == s)
		running = NULL;
	web_close(s->web);
	free(s);
}
