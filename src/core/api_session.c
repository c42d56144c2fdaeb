/*
 * api_session.c - the HTTP face of auth and `auth_module`: signing in and
 * out, the session, TOTP enrolment, API tokens and user administration,
 * plus the module's schema and its pruning job.
 *
 *   POST   /api/v1/session               sign in (public, no CSRF)
 *   GET    /api/v1/session               who am I
 *   DELETE /api/v1/session               sign out
 *   POST   /api/v1/session/totp          start TOTP enrolment (session)
 *   POST   /api/v1/session/totp/confirm  finish it with a code (session)
 *   POST   /api/v1/tokens                make an API token (session)
 *   GET    /api/v1/tokens                my tokens, never their secrets
 *   DELETE /api/v1/tokens/{id}           revoke (own; administrators any)
 *   POST   /api/v1/users                 users.admin: make a user      } handlers in
 *   GET    /api/v1/users                 users.admin: list users       } api_users.c
 *   PATCH  /api/v1/users/{id}            users.admin: disable, set password
 *
 * Every write appends its audit leaf in the same transaction; records hold
 * ids and times, never passwords, hashes, secrets or tokens.  Passwords in
 * the request body are wiped once read.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "clock.h"
#include "http.h"
#include "log.h"
#include "module.h"
#include "store.h"

#define TOKEN_NAME_MAX 100
#define TOKEN_SCOPES_MAX 20
#define TOKEN_DEFAULT_DAYS 90
#define OTP_MAX 16
#define TOKENS_LIST_MAX 200
#define DAY_MS (86400LL * 1000)

/* ------------------------------------------------------------ helpers */

/* wipe_body - overwrite the raw body and the named JSON string (a password). */
static void wipe_body(struct request *r, const char *key)
{
	json_t *v = r->body_json ? json_object_get(r->body_json, key) : NULL;

	if (r->body.ptr)
		sodium_memzero(r->body.ptr, r->body.len);
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

/* need_session - 403 for token principals on routes that manage credentials. */
static int need_session(struct request *r)
{
	if (r->who.kind == PRINCIPAL_SESSION)
		return DF_OK;
	req_problem(r, 403, "this needs a signed-in session, not an API token");
	return DF_EDENIED;
}

/* me_json - the signed-in user as sessions show it (is_admin as acted on). */
static json_t *me_json(const struct auth_user *u)
{
	return json_pack("{s:o, s:s, s:b, s:o}", "id", json_id(u->id), "username", u->username,
			 "is_admin", u->is_admin && u->totp_enabled,
			 "person_id", u->person_id ? json_id(u->person_id) : json_null());
}

/* scopes_json - "a b c" as ["a","b","c"]. */
static json_t *scopes_json(const char *scopes)
{
	json_t *a = json_array();
	const char *p = scopes ? scopes : "";

	while (a && *p) {
		size_t n = strcspn(p, " ");

		if (n && json_array_append_new(a, json_stringn(p, n)) != 0) {
			json_decref(a);
			return NULL;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	return a;
}

/* audit_ids - append an audit leaf whose record is ids and times. */
static int audit_ids(struct db *db, const char *event, const char *object_type, int64_t object_id,
		     int64_t actor, json_t *rec)
{
	int rc = rec ? audit_append_json(db, event, object_type, object_id, actor, rec) : DF_ENOMEM;

	json_decref(rec);
	return rc;
}

/* session_reply - the body of sign-in and GET /api/v1/session. */
static json_t *session_reply(struct app *app, const struct auth_user *u, const char *csrf,
			     int64_t expires_at, const char *kind, const char *scopes)
{
	json_t *out = json_pack("{s:o, s:s, s:o, s:I, s:i, s:b}", "user", me_json(u), "kind", kind,
				"csrf_token", csrf ? json_string(csrf) : json_null(),
				"expires_at", (json_int_t)expires_at, "idle_timeout_s", app->cfg.session_idle_s,
				"second_factor_required", u->is_admin && !u->totp_enabled);

	if (out && scopes)
		json_object_set_new(out, "scopes", scopes_json(scopes));
	return out;
}

/* lower_copy - ASCII-lowercased copy of s (cut to the buffer) for throttle keys. */
static void lower_copy(const char *s, char *out, size_t outlen)
{
	size_t i = 0;

	for (; s[i] && i + 1 < outlen; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	out[i] = '\0';
}

/* ------------------------------------------------------------ session */

/* login_refused - the reply for a verdict other than OK; counts failures. */
static int login_refused(struct request *r, struct db *db, const char *tname, int verdict)
{
	char shown[AUTH_USERNAME_MAX + 2];
	int rc = DF_OK;

	if (verdict == AUTH_LOGIN_WRONG || verdict == AUTH_LOGIN_OTP_WRONG) {
		rc = auth_throttle_fail(r->app, db, tname, r->ip);
		/* the name as typed, with anything but [a-z0-9._-] shown as '?' (log lines stay one line) */
		for (size_t i = 0; i < sizeof shown; i++) {
			char ch = tname[i];

			shown[i] = ch == '\0' || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
				   ch == '_' || ch == '-' ? ch : '?';
			if (ch == '\0')
				break;
		}
		shown[sizeof shown - 1] = '\0';
		log_warn("msg=\"sign-in failed\" rid=%s ip=%s user=\"%s\" why=%s", r->id, r->ip, shown,
			 verdict == AUTH_LOGIN_WRONG ? "password" : "otp");
	}
	if (rc != DF_OK)
		return req_fail(r, rc);
	switch (verdict) {
	case AUTH_LOGIN_OTP_MISSING:
		return req_problem_field(r, 401, "otp", "enter the 6-digit code from your authenticator app");
	case AUTH_LOGIN_OTP_WRONG:
		return req_problem_field(r, 401, "otp", "the code is wrong or has expired; enter the current one");
	case AUTH_LOGIN_DISABLED:
		return req_problem(r, 403, "this account is disabled; ask an administrator");
	default:
		return req_problem(r, 401, "wrong username or password");
	}
}

/* POST /api/v1/session {username, password, otp?} */
static int post_session(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	const char *username = NULL, *password = NULL, *otp = NULL;
	const char *old = req_cookie(r, SESSION_COOKIE);
	char tname[AUTH_USERNAME_MAX + 2];
	char hdr[200];
	struct auth_user u;
	struct auth_new_session s;
	json_t *out = NULL;
	int64_t retry = 0, replaced = 0;
	int verdict = AUTH_LOGIN_WRONG, rc;

	memset(&s, 0, sizeof s);
	hdr[0] = '\0';
	if (jreq_str(r, r->body_json, "username", AUTH_USERNAME_MAX + 1, 1, &username) != DF_OK ||
	    jreq_str(r, r->body_json, "password", AUTH_PASSWORD_MAX, 1, &password) != DF_OK ||
	    jreq_str(r, r->body_json, "otp", OTP_MAX, 0, &otp) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	lower_copy(username, tname, sizeof tname);
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = auth_throttle_check(r->app, db, tname, r->ip, &retry);
	if (rc < 0) {
		status = req_fail(r, rc);
		goto out;
	}
	if (rc == 1) {
		req_retry_after(r, (long long)retry);
		status = req_problem(r, 429, "too many failed sign-ins; try again in %lld seconds", (long long)retry);
		goto out;
	}
	rc = auth_login_verify(r->app, db, username, password, otp, &u, &verdict);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (verdict != AUTH_LOGIN_OK) {
		status = login_refused(r, db, tname, verdict);
		goto out;
	}
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = auth_throttle_clear(db, u.username);
	if (rc == DF_OK && old)
		rc = auth_session_revoke_cookie(db, old, &replaced);
	if (rc == DF_OK)
		rc = auth_session_create(r->app, db, u.id, r->ip, req_header_in(r, "User-Agent"), &s);
	if (rc == DF_OK)
		rc = audit_ids(db, "auth.login", "user", u.id, u.id,
			       json_pack("{s:o, s:o, s:o, s:I, s:I}", "user_id", json_id(u.id),
					 "session_id", json_id(s.id),
					 "replaced_session_id", replaced ? json_id(replaced) : json_null(),
					 "at", (json_int_t)s.created_at, "expires_at", (json_int_t)s.expires_at));
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	auth_cookie_header(r->app, s.cookie, hdr, sizeof hdr);
	out = session_reply(r->app, &u, s.csrf, s.expires_at, "session", NULL);
	if (!out || req_add_header(r, "Set-Cookie", hdr) != DF_OK) {
		status = req_fail(r, DF_ENOMEM);
		goto out;
	}
	snprintf(r->who.username, sizeof r->who.username, "%s", u.username); /* for the access log */
	status = req_reply_take(r, 201, &out);
out:
	if (db)
		db_rollback(db);
	wipe_body(r, "password");
	sodium_memzero(&s, sizeof s);
	sodium_memzero(hdr, sizeof hdr);
	json_decref(out);
	return status;
}

/* token_expiry - the expiry of the token r is signed with. */
static int token_expiry(struct db *db, int64_t id, int64_t *expires_at)
{
	return db_query_i64(db, "SELECT expires_at FROM api_tokens WHERE id = ?1", 1, &id, expires_at);
}

/* GET /api/v1/session */
static int get_session(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct auth_user u;
	json_t *out = NULL;
	int64_t expires_at = 0;
	int token = r->who.kind == PRINCIPAL_TOKEN;
	int rc;

	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = auth_user_get(db, r->who.user_id, &u);
	if (rc == DF_OK && token)
		rc = token_expiry(db, r->who.session_id, &expires_at);
	else if (rc == DF_OK)
		rc = db_query_i64(db, "SELECT expires_at FROM sessions WHERE id = ?1", 1, &r->who.session_id, &expires_at);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = session_reply(r->app, &u, token ? NULL : r->who.csrf, expires_at, token ? "token" : "session",
			    token ? r->who.scopes : NULL);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(out);
	return status;
}

/* DELETE /api/v1/session - sign out. */
static int delete_session(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	char hdr[160];
	int64_t now = clock_now_ms();
	int rc = need_session(r);

	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = auth_session_revoke(db, r->who.session_id);
	if (rc == DF_OK)
		rc = audit_ids(db, "auth.logout", "user", r->who.user_id, r->who.user_id,
			       json_pack("{s:o, s:o, s:I}", "user_id", json_id(r->who.user_id),
					 "session_id", json_id(r->who.session_id), "at", (json_int_t)now));
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	auth_cookie_header(r->app, NULL, hdr, sizeof hdr);
	if (req_add_header(r, "Set-Cookie", hdr) != DF_OK)
		log_warn("msg=\"cannot clear the session cookie\" rid=%s", r->id);
	status = req_reply(r, 204, NULL);
out:
	if (db)
		db_rollback(db);
	return status;
}

/* totp_state - the user's stored TOTP secret ("" if none) and whether it is on. */
static int totp_state(struct db *db, int64_t uid, char secret[AUTH_TOTP_SECRET_MAX + 1], int *enabled)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT totp_secret, totp_enabled FROM users WHERE id = ?1", &st);

	secret[0] = '\0';
	*enabled = 0;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, uid);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *s = stmt_text(st, 0);

		snprintf(secret, AUTH_TOTP_SECRET_MAX + 1, "%s", s ? s : "");
		*enabled = stmt_i64(st, 1) != 0;
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* POST /api/v1/session/totp - a new secret, not yet enabled. */
static int post_totp(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct stmt *st = NULL;
	char secret[AUTH_TOTP_SECRET_MAX + 1];
	char uri[256];
	json_t *out = NULL;
	int enabled = 0, n, rc = need_session(r);

	secret[0] = '\0';
	uri[0] = '\0';
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = totp_state(db, r->who.user_id, secret, &enabled);
	if (rc == DF_OK && enabled) {
		status = req_problem(r, 409, "the second factor is already on; an administrator can reset it");
		goto out;
	}
	if (rc == DF_OK)
		rc = auth_totp_new_secret(secret);
	if (rc == DF_OK)
		rc = db_prepare(db, "UPDATE users SET totp_secret = ?2, totp_enabled = 0, updated_at = ?3"
				    " WHERE id = ?1 AND totp_enabled = 0", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, r->who.user_id);
		stmt_bind_text(st, 2, secret, -1);
		stmt_bind_i64(st, 3, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	n = snprintf(uri, sizeof uri, "otpauth://totp/daftar:%s?secret=%s&issuer=daftar", r->who.username, secret);
	out = n > 0 && (size_t)n < sizeof uri ? json_pack("{s:s, s:s}", "secret", secret, "otpauth_uri", uri) : NULL;
	status = req_reply_take(r, 201, &out);
out:
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(uri, sizeof uri);
	json_decref(out);
	return status;
}

/* POST /api/v1/session/totp/confirm {otp} */
static int post_totp_confirm(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct stmt *st = NULL;
	char secret[AUTH_TOTP_SECRET_MAX + 1];
	const char *otp = NULL;
	struct auth_user u;
	json_t *out = NULL;
	int64_t now = clock_now_ms();
	int enabled = 0, rc = need_session(r);

	secret[0] = '\0';
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (jreq_str(r, r->body_json, "otp", OTP_MAX, 1, &otp) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = totp_state(db, r->who.user_id, secret, &enabled);
	if (rc == DF_OK && enabled) {
		status = req_problem(r, 409, "the second factor is already on");
		goto out;
	}
	if (rc == DF_OK && !secret[0]) {
		status = req_problem(r, 409, "start with POST /api/v1/session/totp");
		goto out;
	}
	if (rc == DF_OK && auth_totp_check(secret, now, otp) != DF_OK) {
		status = req_problem_field(r, 422, "otp", "the code does not match; check the time on your phone");
		goto out;
	}
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, "UPDATE users SET totp_enabled = 1, updated_at = ?3"
				    " WHERE id = ?1 AND totp_secret = ?2 AND totp_enabled = 0", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, r->who.user_id);
		stmt_bind_text(st, 2, secret, -1);
		stmt_bind_i64(st, 3, now);
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = audit_ids(db, "auth.totp.enable", "user", r->who.user_id, r->who.user_id,
			       json_pack("{s:o, s:I}", "user_id", json_id(r->who.user_id), "at", (json_int_t)now));
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc == DF_OK)
		rc = auth_user_get(db, r->who.user_id, &u);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:b, s:o}", "totp_enabled", u.totp_enabled, "user", me_json(&u));
	status = req_reply_take(r, 200, &out);
out:
	if (db)
		db_rollback(db);
	sodium_memzero(secret, sizeof secret);
	json_decref(out);
	return status;
}

/* ------------------------------------------------------------- tokens */

/* read_scopes - the optional "scopes" array as space-separated text. */
static int read_scopes(struct request *r, char out[AUTH_SCOPES_MAX + 1])
{
	json_t *a = json_object_get(r->body_json, "scopes");
	size_t len = 0, i;
	json_t *v;

	out[0] = '\0';
	if (!a || json_is_null(a))
		return DF_OK;
	if (!json_is_array(a) || json_array_size(a) > TOKEN_SCOPES_MAX) {
		req_problem_field(r, 422, "scopes", "scopes must be a list of at most %d action names", TOKEN_SCOPES_MAX);
		return DF_EINVAL;
	}
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		size_t n = s ? strlen(s) : 0;

		if (!s || !auth_scope_ok(s) || n != json_string_length(v)) {
			req_problem_field(r, 422, "scopes", "scopes[%zu] must be 1 to 64 of a-z . *", i);
			return DF_EINVAL;
		}
		if (len + n + (len ? 1 : 0) > AUTH_SCOPES_MAX) {
			req_problem_field(r, 422, "scopes", "the scopes take more than %d bytes together", AUTH_SCOPES_MAX);
			return DF_EINVAL;
		}
		if (len)
			out[len++] = ' ';
		memcpy(out + len, s, n);
		len += n;
		out[len] = '\0';
	}
	return DF_OK;
}

/* POST /api/v1/tokens {name, scopes?, expires_days?} */
static int post_token(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	const char *name = NULL;
	char scopes[AUTH_SCOPES_MAX + 1];
	char token[AUTH_TOKEN_MAX + 1];
	int64_t max_days = r->app->cfg.token_max_days;
	int64_t days = max_days < TOKEN_DEFAULT_DAYS ? max_days : TOKEN_DEFAULT_DAYS;
	int64_t now = clock_now_ms(), expires_at, id = 0;
	json_t *out = NULL;
	int rc = need_session(r);

	token[0] = '\0';
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	if (jreq_str(r, r->body_json, "name", TOKEN_NAME_MAX, 1, &name) != DF_OK ||
	    read_scopes(r, scopes) != DF_OK ||
	    jreq_int(r, r->body_json, "expires_days", 1, max_days, 0, &days) != DF_OK) {
		status = r->problem_status;
		goto out;
	}
	expires_at = now + days * DAY_MS;
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = auth_token_create(db, r->who.user_id, name, scopes, expires_at, &id, token);
	if (rc == DF_OK)
		rc = audit_ids(db, "auth.token.create", "api_token", id, r->who.user_id,
			       json_pack("{s:o, s:o, s:I, s:I}", "token_id", json_id(id),
					 "user_id", json_id(r->who.user_id), "at", (json_int_t)now,
					 "expires_at", (json_int_t)expires_at));
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o, s:s, s:s, s:o, s:I, s:I}", "id", json_id(id), "token", token, "name", name,
			"scopes", scopes_json(scopes), "created_at", (json_int_t)now, "expires_at", (json_int_t)expires_at);
	status = req_reply_take(r, 201, &out);
out:
	if (db)
		db_rollback(db);
	sodium_memzero(token, sizeof token);
	json_decref(out);
	return status;
}

static json_t *opt_time(struct stmt *st, int col)
{
	return stmt_isnull(st, col) ? json_null() : json_integer(stmt_i64(st, col));
}

/* GET /api/v1/tokens - the caller's tokens, newest first. */
static int get_tokens(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	struct stmt *st = NULL;
	json_t *list = NULL, *out = NULL;
	int rc = need_session(r);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT id, name, scopes, created_at, expires_at, last_used_at, revoked_at"
				    " FROM api_tokens WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2", &st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	list = json_array();
	stmt_bind_i64(st, 1, r->who.user_id);
	stmt_bind_i64(st, 2, TOKENS_LIST_MAX);
	rc = list ? stmt_step(st) : DF_ENOMEM;
	while (rc == STMT_ROW) {
		const char *name = stmt_text(st, 1);
		json_t *t = json_pack("{s:o, s:s, s:o, s:I, s:I, s:o, s:o}", "id", json_id(stmt_i64(st, 0)),
				      "name", name ? name : "", "scopes", scopes_json(stmt_text(st, 2)),
				      "created_at", (json_int_t)stmt_i64(st, 3), "expires_at", (json_int_t)stmt_i64(st, 4),
				      "last_used_at", opt_time(st, 5), "revoked_at", opt_time(st, 6));

		if (!t || json_array_append_new(list, t) != 0) {
			rc = DF_ENOMEM;
			break;
		}
		rc = stmt_step(st);
	}
	stmt_done(st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:O}", "tokens", list);
	status = req_reply_take(r, 200, &out);
out:
	json_decref(list);
	json_decref(out);
	return status;
}

/* DELETE /api/v1/tokens/{id} */
static int delete_token(struct request *r)
{
	int status = 500;
	struct db *db = NULL;
	int64_t id = 0, owner = 0, revoked_at = 0, now = clock_now_ms();
	int rc = need_session(r);

	if (rc == DF_OK)
		rc = req_param_id(r, "id", &id);
	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = auth_token_owner(db, id, &owner, &revoked_at);
	if (rc == DF_OK && owner != r->who.user_id && !r->who.is_admin)
		rc = DF_ENOTFOUND; /* another user's token is not even said to exist */
	if (rc == DF_ENOTFOUND) {
		status = req_problem(r, 404, "no such token");
		goto out;
	}
	if (rc == DF_OK && revoked_at) {
		status = req_reply(r, 204, NULL);
		goto out;
	}
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = auth_token_revoke(db, id);
	if (rc == DF_OK)
		rc = audit_ids(db, "auth.token.revoke", "api_token", id, r->who.user_id,
			       json_pack("{s:o, s:o, s:I}", "token_id", json_id(id), "user_id", json_id(owner),
					 "at", (json_int_t)now));
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	status = req_reply(r, 204, NULL);
out:
	if (db)
		db_rollback(db);
	return status;
}

/* ------------------------------------------------------------- module */

/* prune - forget sessions and tokens dead for 30 days and throttle windows passed. */
static int prune(struct app *app, struct db *db)
{
	static const char *const sql[] = {
		"DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1",
		"DELETE FROM api_tokens WHERE expires_at < ?1 OR revoked_at < ?1",
		"DELETE FROM login_throttle WHERE window_start < ?1",
	};
	int64_t now = clock_now_ms();
	int64_t before[] = { now - 30 * DAY_MS, now - 30 * DAY_MS, now - (int64_t)app->cfg.login_window_s * 1000 };
	int rc = DF_OK;

	for (size_t i = 0; rc == DF_OK && i < COUNT_OF(sql); i++) {
		struct stmt *st = NULL;

		rc = db_prepare(db, sql[i], &st);
		if (rc != DF_OK)
			break;
		stmt_bind_i64(st, 1, before[i]);
		rc = stmt_step(st);
		stmt_done(st);
	}
	return rc;
}

static const struct migration migrations[] = {
	{ 1, "CREATE TABLE users ("
	     " id BIGINT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,"
	     " person_id BIGINT, is_admin INT NOT NULL, totp_secret TEXT, totp_enabled INT NOT NULL,"
	     " disabled INT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
	     "CREATE INDEX users_person ON users (person_id);"
	     "CREATE TABLE sessions ("
	     " id BIGINT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, user_id BIGINT NOT NULL REFERENCES users (id),"
	     " csrf TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL,"
	     " expires_at BIGINT NOT NULL, ip TEXT NOT NULL, user_agent TEXT NOT NULL, revoked_at BIGINT);"
	     "CREATE INDEX sessions_user ON sessions (user_id);"
	     "CREATE TABLE api_tokens ("
	     " id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id), name TEXT NOT NULL,"
	     " scopes TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL,"
	     " expires_at BIGINT NOT NULL, last_used_at BIGINT, revoked_at BIGINT);"
	     "CREATE INDEX api_tokens_user ON api_tokens (user_id);"
	     "CREATE TABLE login_throttle ("
	     " key TEXT PRIMARY KEY, window_start BIGINT NOT NULL, failures INT NOT NULL);" },
};

static const struct route routes[] = {
	{ "POST", "/api/v1/session", post_session, PERM_PUBLIC, AUTH_BODY_MAX, ROUTE_JSON | ROUTE_NO_CSRF },
	{ "GET", "/api/v1/session", get_session, PERM_USER, 0, 0 },
	{ "DELETE", "/api/v1/session", delete_session, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/session/totp", post_totp, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/session/totp/confirm", post_totp_confirm, PERM_USER, AUTH_BODY_MAX, ROUTE_JSON },
	{ "POST", "/api/v1/tokens", post_token, PERM_USER, AUTH_BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/tokens", get_tokens, PERM_USER, 0, 0 },
	{ "DELETE", "/api/v1/tokens/{id}", delete_token, PERM_USER, 0, 0 },
	{ "POST", "/api/v1/users", auth_api_user_create, "users.admin", AUTH_BODY_MAX, ROUTE_JSON },
	{ "GET", "/api/v1/users", auth_api_user_list, "users.admin", 0, 0 },
	{ "PATCH", "/api/v1/users/{id}", auth_api_user_update, "users.admin", AUTH_BODY_MAX, ROUTE_JSON },
};

static const struct job_def jobs[] = {
	{ "auth.prune", 3600, prune, NULL },
};

static const char *const events[] = {
	"auth.login", "auth.logout", "auth.token.create", "auth.token.revoke", "auth.totp.enable",
	"auth.totp.disable", "auth.user.create", "auth.user.update", NULL,
};

const struct module auth_module = {
	.name = "auth",
	.routes = routes,
	.nroutes = COUNT_OF(routes),
	.migrations = migrations,
	.nmigrations = COUNT_OF(migrations),
	.jobs = jobs,
	.njobs = COUNT_OF(jobs),
	.audit_events = events,
};
