/*
 * http.h - requests, routes and replies: the one interface every handler
 * is written against.
 *
 * A route is data: method, path pattern, handler, permission, body cap and
 * flags.  The dispatcher (http.c) runs the same fixed checks for every
 * request before a handler sees it:
 *
 *   404 no route / 405 wrong method  ->  413 body over the route's cap
 *   ->  authenticate (session cookie or bearer token)  ->  401 if required
 *   ->  403 missing/wrong CSRF token on a cookie-authenticated write
 *   ->  415 body not application/json  ->  400 body not valid JSON
 *   ->  403 role may not do the route's action (app->authorize)
 *   ->  handler
 *
 * so a handler never repeats them.  A handler has one signature and one exit:
 *
 *     static int get_thing(struct request *r)
 *     {
 *         int status = 500;     // starts as an error
 *         json_t *out = NULL;
 *         ...
 *         if (rc != DF_OK) { status = req_fail(r, rc); goto out; }
 *         status = req_reply_take(r, 200, &out);  // success is set last
 *     out:
 *         json_decref(out);
 *         return status;
 *     }
 *
 * Errors leave as RFC 9457 problem+json bodies built in one place.
 */
#ifndef DF_HTTP_H
#define DF_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "result.h"

struct app;
struct db;
struct request;
struct module;

typedef int (*handler_fn)(struct request *r);

enum route_flags {
	ROUTE_JSON = 1 << 0,    /* a body must be application/json; parsed into r->body_json */
	ROUTE_NO_CSRF = 1 << 1, /* a write that needs no CSRF token (login itself) */
	ROUTE_RAW = 1 << 2,     /* the body is kept as bytes in r->body, any type */
	ROUTE_JSON_OPTIONAL = 1 << 3, /* with ROUTE_JSON: no body at all is fine too (r->body_json NULL) */
};

/* Route permission: PERM_PUBLIC (no login), PERM_USER (any signed-in
 * principal) or an action name such as "org.write" asked of app->authorize. */
#define PERM_PUBLIC NULL
#define PERM_USER ""

#define ROUTE_MAX_PARAMS 6

struct route {
	const char *method;   /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *pattern;  /* "/api/v1/org/units/{id}"; {name} matches one segment */
	handler_fn handler;
	const char *perm;     /* see above */
	size_t body_max;      /* largest body accepted; 0 = no body */
	unsigned flags;       /* enum route_flags */
};

enum principal_kind { PRINCIPAL_NONE = 0, PRINCIPAL_SESSION, PRINCIPAL_TOKEN };

/* Who is asking.  Filled by the dispatcher from the session cookie or the
 * bearer token; roles and jurisdictions come from postings (org layer). */
struct principal {
	enum principal_kind kind;
	int64_t user_id;        /* users.id */
	int64_t person_id;      /* people.id, 0 for a user with no person */
	int64_t session_id;     /* sessions.id or api_tokens.id */
	int is_admin;           /* the user is a system administrator */
	char username[64];
	char csrf[48];          /* the session's CSRF token (sessions only) */
	char scopes[256];       /* token scopes, space separated ("" = none) */
	void *grants;           /* org layer's cached postings, freed by it */
	void (*grants_free)(void *);
};

struct request {
	struct app *app;
	void *conn;                     /* struct MHD_Connection * */
	const struct route *route;      /* NULL when no route matched */
	int route_index;                /* index in the dispatcher's table, -1 none */
	char method[8];
	char *path;                     /* owned copy of the path, split for params */
	const char *url;                /* the path as received (MHD owns it) */
	const char *param_name[ROUTE_MAX_PARAMS];
	const char *param_value[ROUTE_MAX_PARAMS];
	int nparams;
	struct buf body;                /* raw body bytes, capped at route->body_max */
	json_t *body_json;              /* parsed body for ROUTE_JSON routes */
	struct principal who;
	struct db *db;                  /* taken by req_db(), released at the end */
	char id[40];                    /* request id (X-Request-Id) */
	char ip[64];                    /* peer address */
	int status;                     /* the reply's status */
	json_t *reply;                  /* the reply body (JSON) */
	char *reply_raw;                /* or a raw body (owned) with its type */
	size_t reply_raw_len;
	const char *reply_type;
	char problem[512];              /* detail of a problem reply */
	char problem_field[64];         /* the input field at fault, if any */
	int problem_status;             /* set by req_problem */
	char headers[1024];             /* extra response headers "Name: value\n" */
	size_t headers_len;
	uint64_t t0_ns;                 /* monotonic start */
	int early_status;               /* a check failed while reading the body */
	size_t discarded;               /* body bytes thrown away after a 413 */
	int reply_queued;               /* the reply went to libmicrohttpd */
	char idem_key[104];             /* Idempotency-Key of a write (idempotency.h) */
	char idem_hash[65];             /* the request's fingerprint */
	int idem_claimed;               /* the key committed with the handler's writes */
	int deferred;                   /* suspended for group commit (commit.h); reply set there */
};

/* req_db - this request's store connection (taken on first use). */
int req_db(struct request *r, struct db **out) DF_WUR;
/* req_param - value of path parameter {name}, or NULL. */
const char *req_param(const struct request *r, const char *name);
/* req_param_id - parse path parameter {name} as a positive int64 id;
 * records a 404 problem and returns DF_ENOTFOUND when it is not one. */
int req_param_id(struct request *r, const char *name, int64_t *out) DF_WUR;
/* req_query_id - query argument name as a positive id into *out (0 when
 * absent); records a 400 problem naming it and returns DF_EINVAL when it
 * is present but not an id. */
int req_query_id(struct request *r, const char *name, int64_t *out) DF_WUR;
/* req_query_int - query argument name as a whole number min..max into *out
 * (dflt when absent); records a 400 problem naming it and returns
 * DF_EINVAL otherwise.  For ?limit= and the like. */
int req_query_int(struct request *r, const char *name, int64_t min, int64_t max, int64_t dflt,
		  int64_t *out) DF_WUR;
/* req_query - a query string argument, or NULL. */
const char *req_query(const struct request *r, const char *name);
/* req_query_string - the request's query arguments, percent-encoded again,
 * as "k=v&k2=v2" into out (len bytes with the NUL); DF_ETOOBIG when they do
 * not fit.  For parsers written against a raw query string. */
int req_query_string(struct request *r, char *out, size_t len) DF_WUR;
/* req_header_in - a request header, or NULL. */
const char *req_header_in(const struct request *r, const char *name);
/* req_cookie - a request cookie, or NULL. */
const char *req_cookie(const struct request *r, const char *name);

/* req_reply - set a JSON reply (takes ownership of body, may be NULL for
 * 204) and return status, so a handler ends with `status = req_reply(...)`. */
int req_reply(struct request *r, int status, json_t *body);
/* req_reply_take - the usual last step of a handler: reply with *body,
 * taking it (*body becomes NULL, so the cleanup at `out:` frees nothing).
 * A NULL *body (a json_pack that ran out of memory) answers 500. */
int req_reply_take(struct request *r, int status, json_t **body);
/* req_reply_raw - a non-JSON reply (takes ownership of the malloc'd bytes). */
int req_reply_raw(struct request *r, int status, const char *type, char *bytes, size_t len);
/* req_problem - record a problem (status and detail) and return status. */
int req_problem(struct request *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* req_problem_field - req_problem naming the input field at fault (422). */
int req_problem_field(struct request *r, int status, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* req_retry_after - add Retry-After: seconds (429, 503, a racing 409); a
 * full header block loses only the hint, never the answer. */
void req_retry_after(struct request *r, long long seconds);
/* req_fail - the status for result rc: a problem already recorded wins;
 * otherwise ENOTFOUND 404, EDENIED 403, EAUTH 401, ECONFLICT 409, EINVAL
 * 400, ETOOBIG 413, EBUSY 503, anything else 500. */
int req_fail(struct request *r, int rc);
/* req_add_header - add a response header (Set-Cookie, Location, ...). */
int req_add_header(struct request *r, const char *name, const char *value) DF_WUR;

/* JSON body readers: each records a 422 problem naming the field and
 * returns DF_EINVAL when the field is missing (if required), of the wrong
 * type or out of bounds.  Strings must be valid UTF-8 of 1..max bytes. */
int jreq_str(struct request *r, json_t *obj, const char *key, size_t max, int required, const char **out) DF_WUR;
int jreq_int(struct request *r, json_t *obj, const char *key, int64_t min, int64_t max, int required, int64_t *out) DF_WUR;
int jreq_date(struct request *r, json_t *obj, const char *key, int required, int32_t *out) DF_WUR;
/* jreq_num - a finite JSON number (integer or real) in [min, max]; when the
 * field is absent and not required, *out is left as it is. */
int jreq_num(struct request *r, json_t *obj, const char *key, double min, double max, int required,
	     double *out) DF_WUR;

/* Server lifecycle (main.c). */
struct http_server;
/* http_start - listen on app->cfg.listen and serve the routes of every module. */
int http_start(struct app *app, struct http_server **out) DF_WUR;
void http_stop(struct http_server *s);
/* http_metrics_text - append the Prometheus text of the request metrics. */
int http_metrics_text(struct app *app, struct buf *out) DF_WUR;
/* http_status_title - "Not Found" for 404 etc. */
const char *http_status_title(int status);

/* json_id - ids leave as strings (JSON numbers lose precision past 2^53). */
json_t *json_id(int64_t id);
/* json_parse_id - accept an id given as a string of digits (or a JSON integer). */
int json_parse_id(json_t *v, int64_t *out) DF_WUR;

#endif
