/*
 * session.c - browser sessions: a 256-bit random cookie value stored only
 * as its SHA-256, a CSRF token per session, idle and absolute expiry
 * against clock_now_ms(), revocation, and the Set-Cookie text.
 *
 * A session is live while revoked_at is NULL, now < expires_at (absolute:
 * created + session_max_s) and now < last_seen_at + session_idle_s.  To
 * keep reads free of writes, last_seen_at moves at most every AUTH_TOUCH_MS;
 * the idle timeout is therefore exact to within that.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "auth.h"
#include "clock.h"
#include "http.h"
#include "id.h"
#include "log.h"
#include "store.h"

#define UA_MAX 200

void auth_random_key(char out[AUTH_KEY_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, AUTH_KEY_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void auth_sha256_hex(const void *p, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, p, len);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int auth_key_ok(const char *s)
{
	unsigned char raw[32];
	size_t n = 0;
	const char *end = NULL;
	int ok;

	if (!s || strnlen(s, AUTH_KEY_LEN + 1) != AUTH_KEY_LEN)
		return 0;
	for (size_t i = 0; i < AUTH_KEY_LEN; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	ok = sodium_base642bin(raw, sizeof raw, s, AUTH_KEY_LEN, NULL, &n, &end,
			       sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
	     n == sizeof raw && end == s + AUTH_KEY_LEN;
	sodium_memzero(raw, sizeof raw);
	return ok;
}

/* clean_ua - user_agent cut to UA_MAX bytes of printable ASCII (others '?'). */
static void clean_ua(const char *in, char out[UA_MAX + 1])
{
	size_t n = 0;

	for (; in && in[n] && n < UA_MAX; n++)
		out[n] = in[n] >= 0x20 && in[n] < 0x7f ? in[n] : '?';
	out[n] = '\0';
}

int auth_session_create(struct app *app, struct db *db, int64_t user_id, const char *ip,
			const char *user_agent, struct auth_new_session *out)
{
	char hash[65];
	char ua[UA_MAX + 1];
	struct stmt *st = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	out->id = id_next();
	out->created_at = clock_now_ms();
	out->expires_at = out->created_at + (int64_t)app->cfg.session_max_s * 1000;
	auth_random_key(out->cookie);
	auth_random_key(out->csrf);
	auth_sha256_hex(out->cookie, AUTH_KEY_LEN, hash);
	clean_ua(user_agent, ua);
	rc = db_prepare(db, "INSERT INTO sessions (id, key_hash, user_id, csrf, created_at, last_seen_at,"
			    " expires_at, ip, user_agent, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, NULL)", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, out->id);
	stmt_bind_text(st, 2, hash, -1);
	stmt_bind_i64(st, 3, user_id);
	stmt_bind_text(st, 4, out->csrf, -1);
	stmt_bind_i64(st, 5, out->created_at);
	stmt_bind_i64(st, 6, out->expires_at);
	stmt_bind_text(st, 7, ip ? ip : "-", -1);
	stmt_bind_text(st, 8, ua, -1);
	rc = stmt_step(st);
	stmt_done(st);
out:
	if (rc != DF_OK)
		sodium_memzero(out, sizeof *out);
	return rc;
}

int auth_session_revoke(struct db *db, int64_t session_id)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, session_id);
	stmt_bind_i64(st, 2, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int auth_session_revoke_cookie(struct db *db, const char *cookie, int64_t *revoked)
{
	char hash[65];
	struct stmt *st = NULL;
	int64_t id = 0;
	int rc;

	if (revoked)
		*revoked = 0;
	if (!auth_key_ok(cookie))
		return DF_OK;
	auth_sha256_hex(cookie, AUTH_KEY_LEN, hash);
	rc = db_prepare(db, "SELECT id FROM sessions WHERE key_hash = ?1 AND revoked_at IS NULL", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, hash, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		id = stmt_i64(st, 0);
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc == DF_OK && id)
		rc = auth_session_revoke(db, id);
	if (rc == DF_OK && revoked)
		*revoked = id;
	return rc;
}

int auth_session_revoke_user(struct db *db, int64_t user_id, int64_t keep_session, int64_t *n)
{
	struct stmt *st = NULL;
	int64_t params[2] = { user_id, keep_session };
	int64_t count = 0;
	int rc;

	if (n)
		*n = 0;
	rc = db_query_i64(db, "SELECT COUNT(*) FROM sessions WHERE user_id = ?1 AND id <> ?2 AND revoked_at IS NULL",
			  2, params, &count);
	if (rc != DF_OK)
		return rc;
	rc = db_prepare(db, "UPDATE sessions SET revoked_at = ?3 WHERE user_id = ?1 AND id <> ?2 AND revoked_at IS NULL", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, user_id);
	stmt_bind_i64(st, 2, keep_session);
	stmt_bind_i64(st, 3, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK && n)
		*n = count;
	return rc;
}

/* touch - move last_seen_at to now (a lost race or a busy store only
 * delays it; the request goes on). */
static void touch(struct request *r, struct db *db, int64_t id, int64_t now)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1 AND last_seen_at < ?2", &st);

	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, id);
	stmt_bind_i64(st, 2, now);
	rc = stmt_step(st);
	stmt_done(st);
out:
	if (rc != DF_OK)
		log_warn("msg=\"session touch failed\" rid=%s err=%s", r->id, df_strerror(rc));
}

int auth_session_lookup(struct request *r, const char *cookie)
{
	char hash[65];
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t now = clock_now_ms(), idle_ms = (int64_t)r->app->cfg.session_idle_s * 1000;
	int64_t sid = 0, last_seen = 0;
	int live = 0, rc;

	if (!auth_key_ok(cookie))
		return DF_EAUTH;
	auth_sha256_hex(cookie, AUTH_KEY_LEN, hash);
	rc = req_db(r, &db);
	if (rc != DF_OK)
		return rc;
	rc = db_prepare(db, "SELECT s.id, s.user_id, s.csrf, s.last_seen_at, s.expires_at, s.revoked_at,"
			    " u.username, u.person_id, u.is_admin, u.totp_enabled, u.disabled"
			    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.key_hash = ?1", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, hash, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		const char *csrf = stmt_text(st, 2);
		const char *name = stmt_text(st, 6);

		sid = stmt_i64(st, 0);
		last_seen = stmt_i64(st, 3);
		live = stmt_isnull(st, 5) && now < stmt_i64(st, 4) && now < last_seen + idle_ms &&
		       stmt_i64(st, 10) == 0 && csrf && name;
		if (live) {
			struct principal *w = &r->who;

			w->kind = PRINCIPAL_SESSION;
			w->user_id = stmt_i64(st, 1);
			w->session_id = sid;
			w->person_id = stmt_isnull(st, 7) ? 0 : stmt_i64(st, 7);
			w->is_admin = stmt_i64(st, 8) != 0 && stmt_i64(st, 9) != 0;
			snprintf(w->username, sizeof w->username, "%s", name);
			snprintf(w->csrf, sizeof w->csrf, "%s", csrf);
			w->scopes[0] = '\0';
		}
		rc = DF_OK;
	}
	stmt_done(st);
	if (rc != DF_OK)
		return rc;
	if (!live)
		return DF_EAUTH;
	if (now - last_seen >= AUTH_TOUCH_MS)
		touch(r, db, sid, now);
	return DF_OK;
}

void auth_cookie_header(const struct app *app, const char *cookie, char *out, size_t outlen)
{
	int clear = !cookie || !cookie[0];

	snprintf(out, outlen, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", SESSION_COOKIE,
		 clear ? "" : cookie, clear ? 0 : app->cfg.session_max_s, app->cfg.cookie_secure ? "; Secure" : "");
}
