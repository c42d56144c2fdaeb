/*
 * inbox.c - the in-app inbox (inbox.h): its table, the writer modules call
 * and the two routes a person reads and clears their messages with.
 *
 *   GET  /api/v1/inbox?unread=1&limit=&before=   the caller's messages,
 *        newest first, with the count of unread ones
 *   POST /api/v1/inbox/{id}/read                 mark one read (204)
 */
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "http.h"
#include "id.h"
#include "inbox.h"
#include "store.h"

#define LIST_DEFAULT 50
#define LIST_MAX 200

static int kind_ok(const char *kind)
{
	size_t n = kind ? strlen(kind) : 0;

	if (n == 0 || n > INBOX_KIND_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = kind[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
			return 0;
	}
	return 1;
}

int inbox_post(struct db *db, int64_t person, const char *kind, json_t *data, const char *text,
	       const char *link, int64_t *id)
{
	static const char sql[] = "INSERT INTO inbox (id, person_id, kind, data, text, link, created_at)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct stmt *st = NULL;
	char *body = NULL;
	int64_t mid;
	int rc;

	if (person <= 0 || !kind_ok(kind) || !text || !*text || strlen(text) > INBOX_TEXT_MAX ||
	    (link && (link[0] != '/' || strlen(link) > INBOX_LINK_MAX)) || (data && !json_is_object(data)))
		return DF_EINVAL;
	body = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	if (!body)
		return DF_ENOMEM;
	if (strlen(body) > INBOX_DATA_MAX) {
		free(body);
		return DF_EINVAL;
	}
	rc = db_prepare(db, sql, &st);
	if (rc != DF_OK) {
		free(body);
		return rc;
	}
	mid = id_next();
	stmt_bind_i64(st, 1, mid);
	stmt_bind_i64(st, 2, person);
	stmt_bind_text(st, 3, kind, -1);
	stmt_bind_text(st, 4, body, -1);
	stmt_bind_text(st, 5, text, -1);
	if (link)
		stmt_bind_text(st, 6, link, -1);
	else
		stmt_bind_null(st, 6);
	stmt_bind_i64(st, 7, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	free(body);
	if (rc == DF_OK && id)
		*id = mid;
	return rc;
}

static json_t *message_json(struct stmt *st)
{
	json_t *data = json_loads(stmt_text(st, 2) ? stmt_text(st, 2) : "{}", 0, NULL);

	return json_pack("{s:o, s:s, s:o, s:s, s:o, s:I, s:o}", "id", json_id(stmt_i64(st, 0)), "kind",
			 stmt_text(st, 1), "data", data ? data : json_object(), "text", stmt_text(st, 3), "link",
			 stmt_isnull(st, 4) ? json_null() : json_string(stmt_text(st, 4)), "created_at",
			 (json_int_t)stmt_i64(st, 5), "read_at",
			 stmt_isnull(st, 6) ? json_null() : json_integer(stmt_i64(st, 6)));
}

/* GET /api/v1/inbox?unread=1&limit=&before= */
static int get_inbox(struct request *r)
{
	static const char list_sql[] = "SELECT id, kind, data, text, link, created_at, read_at FROM inbox"
				       " WHERE person_id = ?1 AND (CAST(?2 AS BIGINT) = 0 OR read_at IS NULL) AND id < ?3"
				       " ORDER BY id DESC LIMIT ?4";
	static const char count_sql[] = "SELECT COUNT(*) FROM inbox WHERE person_id = ?1 AND read_at IS NULL";
	struct db *db = NULL;
	struct stmt *st = NULL;
	json_t *items = NULL, *out = NULL;
	const char *unread = req_query(r, "unread");
	int64_t before = 0, limit = LIST_DEFAULT, unread_n = 0;
	int status = 500, rc;

	if (!r->who.person_id) {
		status = req_problem(r, 403, "the inbox is a person's; this account is not a person");
		goto out;
	}
	if (unread && strcmp(unread, "0") != 0 && strcmp(unread, "1") != 0) {
		status = req_problem_field(r, 400, "unread", "unread is 0 or 1");
		goto out;
	}
	if (req_query_int(r, "limit", 1, LIST_MAX, LIST_DEFAULT, &limit) != DF_OK ||
	    req_query_id(r, "before", &before) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, list_sql, &st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	stmt_bind_i64(st, 1, r->who.person_id);
	stmt_bind_i64(st, 2, unread && strcmp(unread, "1") == 0);
	stmt_bind_i64(st, 3, before ? before : INT64_MAX);
	stmt_bind_i64(st, 4, limit);
	items = json_array();
	while (items && (rc = stmt_step(st)) == STMT_ROW)
		json_array_append_new(items, message_json(st));
	stmt_done(st);
	st = NULL;
	if (!items)
		rc = DF_ENOMEM;
	if (rc == DF_OK)
		rc = db_prepare(db, count_sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, r->who.person_id);
		rc = stmt_step(st);
		if (rc == STMT_ROW) {
			unread_n = stmt_i64(st, 0);
			rc = DF_OK;
		}
		stmt_done(st);
		st = NULL;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o, s:I}", "items", items, "unread", (json_int_t)unread_n);
	items = NULL;
	status = req_reply_take(r, 200, &out);
out:
	json_decref(items);
	return status;
}

/* POST /api/v1/inbox/{id}/read */
static int post_read(struct request *r)
{
	static const char sql[] = "UPDATE inbox SET read_at = COALESCE(read_at, ?3) WHERE id = ?1 AND person_id = ?2"
				  " RETURNING id";
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t id = 0;
	int status = 500, rc;

	if (req_param_id(r, "id", &id) != DF_OK)
		return r->problem_status;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, r->who.person_id);
		stmt_bind_i64(st, 3, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
		if (rc == DF_OK)
			rc = DF_ENOTFOUND; /* no row: not there, or not yours */
		else if (rc == STMT_ROW)
			rc = DF_OK;
	}
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK && db)
		db_rollback(db);
	if (rc == DF_ENOTFOUND)
		status = req_problem(r, 404, "no such message");
	else if (rc != DF_OK)
		status = req_fail(r, rc);
	else
		status = req_reply(r, 204, NULL);
	return status;
}

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE inbox ("
	     " id BIGINT PRIMARY KEY, person_id BIGINT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,"
	     " text TEXT NOT NULL, link TEXT, created_at BIGINT NOT NULL, read_at BIGINT);"
	     "CREATE INDEX inbox_person ON inbox (person_id, id);" },
};

static const struct route routes[] = {
	{ "GET", "/api/v1/inbox", get_inbox, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/inbox/{id}/read", post_read, PERM_USER, 0, 0 },
};

const struct module inbox_module = {
	.name = "inbox",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
};
