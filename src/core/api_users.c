/*
 * api_users.c - user administration (action "users.admin"): make a user,
 * list users a page at a time, disable one or set a new password.  The
 * routes are listed in auth_module (api_session.c).
 *
 *   POST  /api/v1/users {username, password, person_id?, is_admin?}
 *         -> 201 user; 409 (field username) when the username is taken
 *   GET   /api/v1/users?after=<id>&limit=<1..500>
 *         -> 200 {users: [user...], next_after: id | null}
 *   PATCH /api/v1/users/{id} {disabled?: bool, password?: string}
 *         -> 200 user; disabling or a new password signs the user out
 *            everywhere (except the caller's own session)
 *
 * A user here is {id, username, is_admin (as stored), totp_enabled,
 * person_id, disabled, created_at, updated_at}; never a hash.  Each write
 * appends "auth.user.create" / "auth.user.update" in its transaction.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "clock.h"
#include "http.h"
#include "store.h"

#define USERS_PAGE_MAX 500
#define USERS_PAGE_DEFAULT 100

/* wipe_body - overwrite the raw body and the password in the parsed one. */
static void wipe_body(struct request *r)
{
	json_t *v = r->body_json ? json_object_get(r->body_json, "password") : NULL;

	if (r->body.ptr)
		sodium_memzero(r->body.ptr, r->body.len);
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

/* jreq_bool - an optional boolean field: *out untouched when absent (and
 * *present 0); a 422 naming the field when it is not true or false. */
static int jreq_bool(struct request *r, json_t *obj, const char *key, int *out, int *present)
{
	json_t *v = json_object_get(obj, key);

	*present = 0;
	if (!v || json_is_null(v))
		return DF_OK;
	if (!json_is_boolean(v)) {
		req_problem_field(r, 422, key, "%s must be true or false", key);
		return DF_EINVAL;
	}
	*out = json_is_true(v);
	*present = 1;
	return DF_OK;
}

/* user_json - a user as administrators see it. */
static json_t *user_json(const struct auth_user *u)
{
	return json_pack("{s:o, s:s, s:b, s:b, s:o, s:b, s:I, s:I}", "id", json_id(u->id),
			 "username", u->username, "is_admin", u->is_admin, "totp_enabled", u->totp_enabled,
			 "person_id", u->person_id ? json_id(u->person_id) : json_null(),
			 "disabled", u->disabled, "created_at", (json_int_t)u->created_at,
			 "updated_at", (json_int_t)u->updated_at);
}

/* read_password - an optional/required new password, 422 when out of policy. */
static int read_password(struct request *r, int required, const char **out)
{
	int rc = jreq_str(r, r->body_json, "password", AUTH_PASSWORD_MAX, required, out);

	if (rc == DF_OK && *out && !auth_password_ok(*out)) {
		req_problem_field(r, 422, "password", "password must be %d to %d bytes", AUTH_PASSWORD_MIN,
				  AUTH_PASSWORD_MAX);
		rc = DF_EINVAL;
	}
	return rc;
}

/* POST /api/v1/users {username, password, person_id?, is_admin?} */
int auth_api_user_create(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	const char *username = NULL, *password = NULL;
	char name[AUTH_USERNAME_MAX + 1];
	int64_t person_id = 0, uid = 0;
	int is_admin = 0, has_admin = 0, rc;
	struct auth_user u;
	json_t *out = NULL;

	if (jreq_str(r, r->body_json, "username", AUTH_USERNAME_MAX, 1, &username) != DF_OK ||
	    read_password(r, 1, &password) != DF_OK ||
	    jreq_int(r, r->body_json, "person_id", 1, INT64_MAX, 0, &person_id) != DF_OK ||
	    jreq_bool(r, r->body_json, "is_admin", &is_admin, &has_admin) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	if (auth_username_norm(username, name) != DF_OK) {
		status = req_problem_field(r, 422, "username", "username must be 2 to %d of a-z 0-9 . _ -, starting "
				   "with a letter or digit", AUTH_USERNAME_MAX);
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = auth_create_user_as(r->app, db, r->who.user_id, name, password, person_id, is_admin, &uid);
	if (rc == DF_ECONFLICT) {
		status = req_problem_field(r, 409, "username", "the username %s is taken", name);
		goto out;
	}
	if (rc == DF_OK)
		rc = auth_user_get(db, uid, &u);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = user_json(&u);
	status = req_reply_take(r, 201, &out);
out:
	wipe_body(r);
	json_decref(out);
	return status;
}

/* GET /api/v1/users?after=<id>&limit=<n> - by id, a page at a time. */
int auth_api_user_list(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct stmt *st = NULL;
	const char *after_s = req_query(r, "after"), *limit_s = req_query(r, "limit");
	json_t *after_j = after_s ? json_string(after_s) : NULL;
	json_t *list = NULL, *out = NULL;
	int64_t after = 0, limit = USERS_PAGE_DEFAULT, last = 0, n = 0;
	int rc = DF_OK;

	if (after_s && (!after_j || json_parse_id(after_j, &after) != DF_OK)) {
		status = req_problem_field(r, 400, "after", "after must be a user id");
		goto out;
	}
	if (limit_s) {
		char *end = NULL;
		long v = strtol(limit_s, &end, 10);

		if (*limit_s < '0' || *limit_s > '9' || *end || v < 1 || v > USERS_PAGE_MAX) {
			status = req_problem_field(r, 400, "limit", "limit must be 1 to %d", USERS_PAGE_MAX);
			goto out;
		}
		limit = v;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT id, person_id, username, is_admin, totp_enabled, disabled, created_at,"
				    " updated_at FROM users WHERE id > ?1 ORDER BY id LIMIT ?2", &st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	list = json_array();
	stmt_bind_i64(st, 1, after);
	stmt_bind_i64(st, 2, limit);
	rc = list ? stmt_step(st) : DF_ENOMEM;
	while (rc == STMT_ROW) {
		struct auth_user u;
		const char *name = stmt_text(st, 2);

		memset(&u, 0, sizeof u);
		u.id = stmt_i64(st, 0);
		u.person_id = stmt_isnull(st, 1) ? 0 : stmt_i64(st, 1);
		snprintf(u.username, sizeof u.username, "%s", name ? name : "");
		u.is_admin = stmt_i64(st, 3) != 0;
		u.totp_enabled = stmt_i64(st, 4) != 0;
		u.disabled = stmt_i64(st, 5) != 0;
		u.created_at = stmt_i64(st, 6);
		u.updated_at = stmt_i64(st, 7);
		if (json_array_append_new(list, user_json(&u)) != 0) {
			rc = DF_ENOMEM;
			break;
		}
		last = u.id;
		n++;
		rc = stmt_step(st);
	}
	stmt_done(st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:O, s:o}", "users", list, "next_after", n == limit ? json_id(last) : json_null());
	status = req_reply_take(r, 200, &out);
out:
	json_decref(after_j);
	json_decref(list);
	json_decref(out);
	return status;
}

/* user_update - write the PATCH in the open transaction. */
static int user_update(struct db *db, int64_t id, int has_disabled, int disabled, const char *hash, int64_t now)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "UPDATE users SET disabled = COALESCE(?2, disabled),"
			    " password_hash = COALESCE(?3, password_hash), updated_at = ?4 WHERE id = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	if (has_disabled)
		stmt_bind_i64(st, 2, disabled ? 1 : 0);
	else
		stmt_bind_null(st, 2);
	stmt_bind_text(st, 3, hash, -1);
	stmt_bind_i64(st, 4, now);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

/* PATCH /api/v1/users/{id} {disabled?, password?} */
int auth_api_user_update(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	const char *password = NULL;
	char hash[AUTH_HASH_STR];
	int64_t id = 0, now = clock_now_ms();
	int disabled = 0, has_disabled = 0, rc;
	struct auth_user u;
	json_t *out = NULL, *rec = NULL;

	hash[0] = '\0';
	if (req_param_id(r, "id", &id) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	if (jreq_bool(r, r->body_json, "disabled", &disabled, &has_disabled) != DF_OK ||
	    read_password(r, 0, &password) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	if (!has_disabled && !password) {
		status = req_problem(r, 422, "send disabled or password");
		goto out;
	}
	if (has_disabled && disabled && id == r->who.user_id) {
		status = req_problem_field(r, 422, "disabled", "you cannot disable your own account");
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = auth_user_get(db, id, &u); /* 404 before the costly hash */
	if (rc == DF_OK && password)
		rc = auth_hash_password(r->app, password, hash);
	if (rc == DF_OK) {
		rec = json_pack("{s:o, s:I, s:o, s:b}", "user_id", json_id(id), "at", (json_int_t)now,
				"disabled", has_disabled ? json_boolean(disabled) : json_null(),
				"password_changed", password != NULL);
		rc = db_begin(db);
	}
	if (rc == DF_OK)
		rc = user_update(db, id, has_disabled, disabled, password ? hash : NULL, now);
	if (rc == DF_OK && (password || (has_disabled && disabled)))
		rc = auth_session_revoke_user(db, id, id == r->who.user_id ? r->who.session_id : 0, NULL);
	if (rc == DF_OK)
		rc = rec ? audit_append_json(db, "auth.user.update", "user", id, r->who.user_id, rec) : DF_ENOMEM;
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc == DF_OK)
		rc = auth_user_get(db, id, &u);
	if (rc == DF_ENOTFOUND) {
		status = req_problem(r, 404, "no such user");
		goto out;
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = user_json(&u);
	status = req_reply_take(r, 200, &out);
out:
	if (db)
		db_rollback(db);
	wipe_body(r);
	sodium_memzero(hash, sizeof hash);
	json_decref(rec);
	json_decref(out);
	return status;
}

