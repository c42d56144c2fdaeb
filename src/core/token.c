/*
 * token.c - API tokens for devices and integrations.
 *
 * A token is the text "dft_<id>_<secret>": id is the api_tokens row, the
 * secret 32 random bytes in base64url (43 characters).  Only SHA-256 of the
 * secret text is stored, so the token is shown once, at creation.  A
 * request presents it as `Authorization: Bearer dft_...`; it is parsed
 * strictly (bounded, exact shape), the row is found by id and the hash
 * compared in constant time, then expiry, revocation and the user's state
 * are checked.  The token's scopes narrow what its user may do; the
 * authoriser intersects them with the route's action.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "auth.h"
#include "clock.h"
#include "http.h"
#include "id.h"
#include "log.h"
#include "store.h"

#define ID_DIGITS_MAX 19

int auth_token_parse(const char *s, int64_t *id, char secret[AUTH_KEY_LEN + 1])
{
	size_t n, prefix = strlen(AUTH_TOKEN_PREFIX), digits = 0;
	const char *p;
	char num[ID_DIGITS_MAX + 1];
	char *end = NULL;
	long long v;

	*id = 0;
	secret[0] = '\0';
	n = s ? strnlen(s, AUTH_TOKEN_MAX + 1) : 0;
	if (n == 0 || n > AUTH_TOKEN_MAX || strncmp(s, AUTH_TOKEN_PREFIX, prefix) != 0)
		return DF_EINVAL;
	p = s + prefix;
	while (p[digits] >= '0' && p[digits] <= '9' && digits <= ID_DIGITS_MAX)
		digits++;
	if (digits == 0 || digits > ID_DIGITS_MAX || p[0] == '0' || p[digits] != '_')
		return DF_EINVAL;
	memcpy(num, p, digits);
	num[digits] = '\0';
	errno = 0;
	v = strtoll(num, &end, 10);
	if (errno || *end || v <= 0)
		return DF_EINVAL;
	p += digits + 1;
	if (!auth_key_ok(p)) /* exactly AUTH_KEY_LEN base64url characters, then the end */
		return DF_EINVAL;
	memcpy(secret, p, AUTH_KEY_LEN + 1);
	*id = v;
	return DF_OK;
}

int auth_scope_ok(const char *s)
{
	size_t n = s ? strnlen(s, 65) : 0;

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '.' || s[i] == '*'))
			return 0;
	return 1;
}

int auth_token_create(struct db *db, int64_t user_id, const char *name, const char *scopes,
		      int64_t expires_at, int64_t *id, char token[AUTH_TOKEN_MAX + 1])
{
	char secret[AUTH_KEY_LEN + 1];
	char hash[65];
	struct stmt *st = NULL;
	int64_t tid = id_next();
	int n, rc;

	*id = 0;
	token[0] = '\0';
	auth_random_key(secret);
	auth_sha256_hex(secret, AUTH_KEY_LEN, hash);
	rc = db_prepare(db, "INSERT INTO api_tokens (id, user_id, name, scopes, secret_hash, created_at,"
			    " expires_at, last_used_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL)", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, tid);
	stmt_bind_i64(st, 2, user_id);
	stmt_bind_text(st, 3, name, -1);
	stmt_bind_text(st, 4, scopes ? scopes : "", -1);
	stmt_bind_text(st, 5, hash, -1);
	stmt_bind_i64(st, 6, clock_now_ms());
	stmt_bind_i64(st, 7, expires_at);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	n = snprintf(token, AUTH_TOKEN_MAX + 1, "%s%lld_%s", AUTH_TOKEN_PREFIX, (long long)tid, secret);
	if (n < 0 || n > AUTH_TOKEN_MAX) {
		token[0] = '\0';
		rc = DF_EINTERNAL;
		goto out;
	}
	*id = tid;
out:
	sodium_memzero(secret, sizeof secret);
	return rc;
}

/* touch - move last_used_at to now; failure only delays it. */
static void touch(struct request *r, struct db *db, int64_t id, int64_t now)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1"
			    " AND (last_used_at IS NULL OR last_used_at < ?2)", &st);

	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, id);
	stmt_bind_i64(st, 2, now);
	rc = stmt_step(st);
	stmt_done(st);
out:
	if (rc != DF_OK)
		log_warn("msg=\"token touch failed\" rid=%s err=%s", r->id, df_strerror(rc));
}

int auth_token_lookup(struct request *r, const char *token)
{
	char secret[AUTH_KEY_LEN + 1];
	char hash[65];
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t id = 0, now = clock_now_ms(), last_used = 0;
	int live = 0, due = 0, rc;

	rc = auth_token_parse(token, &id, secret);
	if (rc != DF_OK) {
		rc = DF_EAUTH;
		goto out;
	}
	auth_sha256_hex(secret, AUTH_KEY_LEN, hash);
	rc = req_db(r, &db);
	if (rc != DF_OK)
		goto out;
	rc = db_prepare(db, "SELECT t.user_id, t.secret_hash, t.scopes, t.expires_at, t.revoked_at, t.last_used_at,"
			    " u.username, u.person_id, u.is_admin, u.totp_enabled, u.disabled"
			    " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *stored = stmt_text(st, 1);
		const char *scopes = stmt_text(st, 2);
		const char *name = stmt_text(st, 6);

		live = stored && strlen(stored) == 64 && sodium_memcmp(stored, hash, 64) == 0 &&
		       now < stmt_i64(st, 3) && stmt_isnull(st, 4) && stmt_i64(st, 10) == 0 && name &&
		       scopes && strlen(scopes) < sizeof r->who.scopes;
		last_used = stmt_isnull(st, 5) ? 0 : stmt_i64(st, 5);
		due = stmt_isnull(st, 5) || now - last_used >= AUTH_TOKEN_TOUCH_MS;
		if (live) {
			struct principal *w = &r->who;

			w->kind = PRINCIPAL_TOKEN;
			w->user_id = stmt_i64(st, 0);
			w->session_id = id;
			w->person_id = stmt_isnull(st, 7) ? 0 : stmt_i64(st, 7);
			w->is_admin = stmt_i64(st, 8) != 0 && stmt_i64(st, 9) != 0;
			snprintf(w->username, sizeof w->username, "%s", name);
			snprintf(w->scopes, sizeof w->scopes, "%s", scopes);
			w->csrf[0] = '\0';
		}
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	if (!live) {
		rc = DF_EAUTH;
		goto out;
	}
	if (due)
		touch(r, db, id, now);
out:
	sodium_memzero(secret, sizeof secret);
	return rc;
}

int auth_token_owner(struct db *db, int64_t id, int64_t *user_id, int64_t *revoked_at)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT user_id, revoked_at FROM api_tokens WHERE id = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*user_id = stmt_i64(st, 0);
		*revoked_at = stmt_isnull(st, 1) ? 0 : stmt_i64(st, 1);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

int auth_token_revoke(struct db *db, int64_t id)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	stmt_bind_i64(st, 2, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int auth_token_revoke_user(struct db *db, int64_t user_id)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, user_id);
	stmt_bind_i64(st, 2, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}
