/*
 * auth.c - who is asking: the Argon2id hashing limiter, passwords, users,
 * the TOTP second factor (liboath), login throttling, and the dispatcher's
 * two entry points auth_authenticate() and auth_check_csrf().
 *
 * Argon2id is memory-hard on purpose, so at most cfg.hash_concurrency
 * hashes or verifications run at once (a counting semaphore); the others
 * wait.  A sign-in with an unknown username verifies against a dummy hash
 * made at start with the same cost, so timing does not tell which
 * usernames exist.  Sessions are in session.c, API tokens in token.c, the
 * routes in api_session.c.
 */
#include <ctype.h>
#include <errno.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "clock.h"
#include "http.h"
#include "id.h"
#include "log.h"
#include "store.h"

#define TOTP_STEP_S 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1
#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_MIN 10
#define TOTP_SECRET_MAX 40

/* The hashing limiter and the dummy hash (process-wide, set by auth_init). */
static struct {
	sem_t sem;                 /* counts free hashing slots */
	int on;                    /* 1 once sem is initialised */
	char dummy[AUTH_HASH_STR]; /* hash of a random password, same cost */
} limiter;

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ok;

static void oath_start(void)
{
	oath_ok = oath_init() == OATH_OK;
}

static void limiter_enter(void)
{
	if (!limiter.on)
		return;
	while (sem_wait(&limiter.sem) != 0 && errno == EINTR) {
		/* interrupted by a signal: wait again */
	}
}

static void limiter_leave(void)
{
	if (limiter.on)
		sem_post(&limiter.sem);
}

int auth_init(struct app *app)
{
	char pw[AUTH_KEY_LEN + 1];
	int rc = DF_OK;

	pthread_once(&oath_once, oath_start);
	if (!oath_ok) {
		log_error("msg=\"liboath failed to start\"");
		return DF_EINTERNAL;
	}
	if (!limiter.on) {
		unsigned n = app->cfg.hash_concurrency > 0 ? (unsigned)app->cfg.hash_concurrency : 1;

		if (sem_init(&limiter.sem, 0, n) != 0)
			return DF_EINTERNAL;
		limiter.on = 1;
	}
	auth_random_key(pw);
	if (crypto_pwhash_str(limiter.dummy, pw, strlen(pw), (unsigned long long)app->cfg.argon_ops,
			      (size_t)app->cfg.argon_mem_kb * 1024) != 0)
		rc = DF_ENOMEM;
	sodium_memzero(pw, sizeof pw);
	return rc;
}

/* ---------------------------------------------------------- passwords */

int auth_password_ok(const char *password)
{
	size_t n = password ? strnlen(password, AUTH_PASSWORD_MAX + 1) : 0;

	return n >= AUTH_PASSWORD_MIN && n <= AUTH_PASSWORD_MAX;
}

int auth_hash_password(struct app *app, const char *password, char out[AUTH_HASH_STR])
{
	int rc;

	out[0] = '\0';
	if (!auth_password_ok(password))
		return DF_EINVAL;
	limiter_enter();
	rc = crypto_pwhash_str(out, password, strlen(password), (unsigned long long)app->cfg.argon_ops,
			       (size_t)app->cfg.argon_mem_kb * 1024);
	limiter_leave();
	return rc == 0 ? DF_OK : DF_ENOMEM;
}

int auth_verify_password(struct app *app, const char *hash, const char *password)
{
	const char *against = hash ? hash : limiter.dummy;
	size_t n = password ? strnlen(password, AUTH_PASSWORD_MAX + 1) : 0;
	int ok = 0;

	(void)app;
	if (n > AUTH_PASSWORD_MAX || !against[0])
		return DF_EAUTH;
	limiter_enter();
	ok = crypto_pwhash_str_verify(against, password ? password : "", n) == 0;
	limiter_leave();
	return ok && hash ? DF_OK : DF_EAUTH;
}

/* -------------------------------------------------------------- users */

int auth_username_norm(const char *in, char out[AUTH_USERNAME_MAX + 1])
{
	size_t n = in ? strnlen(in, AUTH_USERNAME_MAX + 1) : 0;

	out[0] = '\0';
	if (n < 2 || n > AUTH_USERNAME_MAX || !isalnum((unsigned char)in[0]))
		return DF_EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)in[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
			out[0] = '\0';
			return DF_EINVAL;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return DF_OK;
}

/* user_audit - append an audit leaf about user uid. */
static int user_audit(struct db *db, const char *event, int64_t uid, int64_t actor, int64_t at)
{
	json_t *rec = json_pack("{s:o, s:I}", "user_id", json_id(uid), "at", (json_int_t)at);
	int rc = rec ? audit_append_json(db, event, "user", uid, actor, rec) : DF_ENOMEM;

	json_decref(rec);
	return rc;
}

int auth_create_user_as(struct app *app, struct db *db, int64_t actor, const char *username,
			const char *password, int64_t person_id, int is_admin, int64_t *user_id)
{
	char name[AUTH_USERNAME_MAX + 1];
	char hash[AUTH_HASH_STR];
	struct stmt *st = NULL;
	int64_t id = id_next(), now = clock_now_ms();
	int own_tx = 0, rc;

	*user_id = 0;
	hash[0] = '\0';
	rc = auth_username_norm(username, name);
	if (rc != DF_OK)
		goto out;
	rc = auth_hash_password(app, password, hash);
	if (rc != DF_OK)
		goto out;
	if (!db_in_tx(db)) {
		rc = db_begin(db);
		if (rc != DF_OK)
			goto out;
		own_tx = 1;
	}
	rc = db_prepare(db, "INSERT INTO users (id, username, password_hash, person_id, is_admin, totp_secret,"
			    " totp_enabled, disabled, created_at, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, NULL, 0, 0, ?6, ?6)", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, id);
	stmt_bind_text(st, 2, name, -1);
	stmt_bind_text(st, 3, hash, -1);
	if (person_id > 0)
		stmt_bind_i64(st, 4, person_id);
	else
		stmt_bind_null(st, 4);
	stmt_bind_i64(st, 5, is_admin ? 1 : 0);
	stmt_bind_i64(st, 6, now);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	rc = user_audit(db, "auth.user.create", id, actor, now);
	if (rc == DF_OK && own_tx)
		rc = db_commit(db);
	if (rc == DF_OK)
		*user_id = id;
out:
	if (own_tx && rc != DF_OK)
		db_rollback(db);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

int auth_create_user(struct app *app, struct db *db, const char *username, const char *password,
		     int64_t person_id, int is_admin, int64_t *user_id)
{
	return auth_create_user_as(app, db, 0, username, password, person_id, is_admin, user_id);
}

/* user_columns - the columns of struct auth_user, in read_user's order. */
#define USER_COLUMNS "id, person_id, username, is_admin, totp_enabled, disabled, created_at, updated_at"

static void read_user(struct stmt *st, struct auth_user *u)
{
	const char *name = stmt_text(st, 2);

	memset(u, 0, sizeof *u);
	u->id = stmt_i64(st, 0);
	u->person_id = stmt_isnull(st, 1) ? 0 : stmt_i64(st, 1);
	snprintf(u->username, sizeof u->username, "%s", name ? name : "");
	u->is_admin = stmt_i64(st, 3) != 0;
	u->totp_enabled = stmt_i64(st, 4) != 0;
	u->disabled = stmt_i64(st, 5) != 0;
	u->created_at = stmt_i64(st, 6);
	u->updated_at = stmt_i64(st, 7);
}

int auth_user_get(struct db *db, int64_t id, struct auth_user *out)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, id);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		read_user(st, out);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* secret_decode - base32 text (any case, padding optional) to bytes in
 * out (TOTP_SECRET_MAX); DF_EINVAL unless TOTP_SECRET_MIN..MAX bytes. */
static int secret_decode(const char *b32, char out[TOTP_SECRET_MAX], size_t *len)
{
	char up[AUTH_TOTP_SECRET_MAX + 1];
	char *bin = NULL;
	size_t n = b32 ? strnlen(b32, sizeof up) : 0, binlen = 0;
	int rc = DF_EINVAL;

	*len = 0;
	if (n == 0 || n >= sizeof up)
		return DF_EINVAL;
	for (size_t i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)b32[i]);
	up[n] = '\0';
	if (oath_base32_decode(up, n, &bin, &binlen) != OATH_OK)
		goto out;
	if (binlen < TOTP_SECRET_MIN || binlen > TOTP_SECRET_MAX)
		goto out;
	memcpy(out, bin, binlen);
	*len = binlen;
	rc = DF_OK;
out:
	if (bin) {
		sodium_memzero(bin, binlen);
		free(bin);
	}
	sodium_memzero(up, sizeof up);
	return rc;
}

int auth_set_totp(struct db *db, int64_t user_id, const char *base32_secret)
{
	char bin[TOTP_SECRET_MAX];
	size_t len = 0;
	struct stmt *st = NULL;
	int64_t now = clock_now_ms(), found = 0;
	int own_tx = 0, rc = DF_OK;

	if (base32_secret) {
		rc = secret_decode(base32_secret, bin, &len);
		sodium_memzero(bin, sizeof bin);
		if (rc != DF_OK)
			return rc;
	}
	if (!db_in_tx(db)) {
		rc = db_begin(db);
		if (rc != DF_OK)
			return rc;
		own_tx = 1;
	}
	rc = db_prepare(db, "UPDATE users SET totp_secret = ?2, totp_enabled = ?3, updated_at = ?4 WHERE id = ?1", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, user_id);
	stmt_bind_text(st, 2, base32_secret, -1);
	stmt_bind_i64(st, 3, base32_secret ? 1 : 0);
	stmt_bind_i64(st, 4, now);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	rc = db_query_i64(db, "SELECT COUNT(*) FROM users WHERE id = ?1", 1, &user_id, &found);
	if (rc == DF_OK && !found)
		rc = DF_ENOTFOUND;
	if (rc == DF_OK)
		rc = user_audit(db, base32_secret ? "auth.totp.enable" : "auth.totp.disable", user_id, 0, now);
	if (rc == DF_OK && own_tx)
		rc = db_commit(db);
out:
	if (own_tx && rc != DF_OK)
		db_rollback(db);
	return rc;
}

/* --------------------------------------------------------------- TOTP */

/* otp_equal - liboath's strcmp-like callback, in constant time. */
static int otp_equal(void *handle, const char *test_otp)
{
	const char *otp = handle;

	if (strlen(test_otp) != TOTP_DIGITS)
		return 1;
	return sodium_memcmp(otp, test_otp, TOTP_DIGITS) == 0 ? 0 : 1;
}

int auth_totp_check(const char *base32_secret, int64_t now_ms, const char *otp)
{
	char bin[TOTP_SECRET_MAX];
	char code[TOTP_DIGITS + 1];
	size_t len = 0;
	int rc;

	pthread_once(&oath_once, oath_start);
	if (!oath_ok)
		return DF_EINTERNAL;
	if (!otp || strnlen(otp, TOTP_DIGITS + 1) != TOTP_DIGITS)
		return DF_EAUTH;
	for (size_t i = 0; i < TOTP_DIGITS; i++)
		if (otp[i] < '0' || otp[i] > '9')
			return DF_EAUTH;
	memcpy(code, otp, sizeof code);
	rc = secret_decode(base32_secret, bin, &len);
	if (rc == DF_OK) {
		int pos = oath_totp_validate_callback(bin, len, (time_t)(now_ms / 1000), TOTP_STEP_S, 0,
						      TOTP_DIGITS, TOTP_WINDOW, otp_equal, code);

		rc = pos >= 0 ? DF_OK : DF_EAUTH;
	}
	sodium_memzero(bin, sizeof bin);
	sodium_memzero(code, sizeof code);
	return rc;
}

int auth_random_base32(size_t nbytes, char *out, size_t outlen)
{
	char bin[64];
	char *b32 = NULL;
	size_t n = 0;
	int rc = DF_ENOMEM;

	if (outlen)
		out[0] = '\0';
	if (nbytes < 1 || nbytes > sizeof bin)
		return DF_EINVAL;
	randombytes_buf(bin, nbytes);
	if (oath_base32_encode(bin, nbytes, &b32, &n) != OATH_OK)
		goto out;
	while (n > 0 && b32[n - 1] == '=')
		n--;
	rc = DF_ETOOBIG;
	if (n == 0 || n + 1 > outlen)
		goto out;
	memcpy(out, b32, n);
	out[n] = '\0';
	rc = DF_OK;
out:
	if (b32) {
		sodium_memzero(b32, n);
		free(b32);
	}
	sodium_memzero(bin, sizeof bin);
	return rc;
}

int auth_totp_new_secret(char out[AUTH_TOTP_SECRET_MAX + 1])
{
	return auth_random_base32(TOTP_SECRET_BYTES, out, AUTH_TOTP_SECRET_MAX + 1);
}

/* --------------------------------------------------------- throttling */

int auth_throttle_blocked(int64_t window_start, int64_t failures, int64_t now_ms, int window_s,
			  int max_failures, int64_t *retry_after_s)
{
	int64_t end = window_start + (int64_t)window_s * 1000;

	if (failures < max_failures || now_ms >= end)
		return 0;
	if (retry_after_s) {
		int64_t left = (end - now_ms + 999) / 1000;

		*retry_after_s = left < 1 ? 1 : left;
	}
	return 1;
}

/* throttle_key - "u:<username>" or "ip:<address>" into out (bounded). */
static void throttle_key(char *out, size_t outlen, const char *prefix, const char *value)
{
	snprintf(out, outlen, "%s%.*s", prefix, AUTH_USERNAME_MAX + 1, value ? value : "");
}

/* throttle_one - is key blocked now? 1/0, or a negative store error. */
static int throttle_one(struct app *app, struct db *db, const char *key, int64_t now, int64_t *retry)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT window_start, failures FROM login_throttle WHERE key = ?1", &st);
	int blocked = 0;

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, key, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		blocked = auth_throttle_blocked(stmt_i64(st, 0), stmt_i64(st, 1), now, app->cfg.login_window_s,
						app->cfg.login_max_failures, retry);
		rc = DF_OK;
	}
	stmt_done(st);
	return rc != DF_OK ? rc : blocked;
}

int auth_throttle_check(struct app *app, struct db *db, const char *username, const char *ip,
			int64_t *retry_after_s)
{
	char key[AUTH_USERNAME_MAX + 8];
	int64_t now = clock_now_ms(), ru = 0, ri = 0;
	int bu, bi;

	*retry_after_s = 0;
	throttle_key(key, sizeof key, "u:", username);
	bu = throttle_one(app, db, key, now, &ru);
	if (bu < 0)
		return bu;
	throttle_key(key, sizeof key, "ip:", ip);
	bi = throttle_one(app, db, key, now, &ri);
	if (bi < 0)
		return bi;
	*retry_after_s = ru > ri ? ru : ri;
	return bu || bi;
}

/* throttle_bump - one more failure for key: the same rule as
 * auth_throttle_blocked (a window ends window_ms after its start), done in
 * one statement so that concurrent failures are all counted. */
static int throttle_bump(struct db *db, const char *key, int64_t now, int64_t window_ms)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO login_throttle (key, window_start, failures) VALUES (?1, ?2, 1)"
			    " ON CONFLICT (key) DO UPDATE SET"
			    " failures = CASE WHEN login_throttle.window_start + ?3 <= ?2 THEN 1"
			    " ELSE login_throttle.failures + 1 END,"
			    " window_start = CASE WHEN login_throttle.window_start + ?3 <= ?2 THEN ?2"
			    " ELSE login_throttle.window_start END", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, key, -1);
	stmt_bind_i64(st, 2, now);
	stmt_bind_i64(st, 3, window_ms);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int auth_throttle_fail(struct app *app, struct db *db, const char *username, const char *ip)
{
	char key[AUTH_USERNAME_MAX + 8];
	int64_t now = clock_now_ms(), window_ms = (int64_t)app->cfg.login_window_s * 1000;
	int rc = db_begin(db);

	if (rc != DF_OK)
		return rc;
	throttle_key(key, sizeof key, "u:", username);
	rc = throttle_bump(db, key, now, window_ms);
	if (rc == DF_OK) {
		throttle_key(key, sizeof key, "ip:", ip);
		rc = throttle_bump(db, key, now, window_ms);
	}
	if (rc == DF_OK)
		rc = db_commit(db);
	db_rollback(db);
	return rc;
}

int auth_throttle_clear(struct db *db, const char *username)
{
	char key[AUTH_USERNAME_MAX + 8];
	struct stmt *st = NULL;
	int rc = db_prepare(db, "DELETE FROM login_throttle WHERE key = ?1", &st);

	if (rc != DF_OK)
		return rc;
	throttle_key(key, sizeof key, "u:", username);
	stmt_bind_text(st, 1, key, -1);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

/* -------------------------------------------------------------- login */

int auth_login_verify(struct app *app, struct db *db, const char *username, const char *password,
		      const char *otp, struct auth_user *user, int *verdict)
{
	char name[AUTH_USERNAME_MAX + 1];
	char hash[AUTH_HASH_STR];
	char secret[AUTH_TOTP_SECRET_MAX + 1];
	struct stmt *st = NULL;
	int found = 0, rc = DF_OK;

	memset(user, 0, sizeof *user);
	*verdict = AUTH_LOGIN_WRONG;
	hash[0] = '\0';
	secret[0] = '\0';
	if (auth_username_norm(username, name) == DF_OK) {
		rc = db_prepare(db, "SELECT " USER_COLUMNS ", password_hash, totp_secret FROM users WHERE username = ?1", &st);
		if (rc != DF_OK)
			goto out;
		stmt_bind_text(st, 1, name, -1);
		rc = stmt_step(st);
		if (rc == STMT_ROW) {
			const char *h = stmt_text(st, 8);
			const char *s = stmt_text(st, 9);

			read_user(st, user);
			snprintf(hash, sizeof hash, "%s", h ? h : "");
			snprintf(secret, sizeof secret, "%s", s ? s : "");
			found = 1;
			rc = DF_OK;
		}
		stmt_done(st);
		if (rc != DF_OK)
			goto out;
	}
	/* verify even when there is no such user, against the dummy hash */
	if (auth_verify_password(app, found && hash[0] ? hash : NULL, password) != DF_OK)
		goto out;
	if (user->disabled) {
		*verdict = AUTH_LOGIN_DISABLED;
	} else if (user->totp_enabled && !otp) {
		*verdict = AUTH_LOGIN_OTP_MISSING;
	} else if (user->totp_enabled && auth_totp_check(secret, clock_now_ms(), otp) != DF_OK) {
		*verdict = AUTH_LOGIN_OTP_WRONG;
	} else {
		*verdict = AUTH_LOGIN_OK;
	}
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(secret, sizeof secret);
	return rc;
}

/* ------------------------------------------------- the dispatcher's side */

int auth_authenticate(struct request *r)
{
	const char *authz = req_header_in(r, "Authorization");
	const char *cookie = NULL;
	char clear[160];
	int rc;

	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0) {
			req_problem(r, 401, "send an API token as Authorization: Bearer dft_...");
			return DF_EAUTH;
		}
		rc = auth_token_lookup(r, authz + 7);
		if (rc == DF_EAUTH)
			req_problem(r, 401, "the API token is invalid, expired or revoked");
		return rc;
	}
	cookie = req_cookie(r, SESSION_COOKIE);
	if (!cookie)
		return DF_OK;
	rc = auth_session_lookup(r, cookie);
	if (rc != DF_EAUTH)
		return rc;
	if (r->route && r->route->perm == PERM_PUBLIC)
		return DF_OK; /* a stale cookie never blocks a public route, sign-in above all */
	auth_cookie_header(r->app, NULL, clear, sizeof clear);
	if (req_add_header(r, "Set-Cookie", clear) != DF_OK)
		log_warn("msg=\"cannot clear the session cookie\" rid=%s", r->id);
	req_problem(r, 401, "your session has expired; sign in again");
	return DF_EAUTH;
}

int auth_check_csrf(struct request *r)
{
	const char *h;
	size_t n;

	if (r->who.kind != PRINCIPAL_SESSION)
		return DF_OK;
	h = req_header_in(r, CSRF_HEADER);
	n = strlen(r->who.csrf);
	if (!h || n == 0 || strnlen(h, n + 1) != n)
		return DF_EDENIED;
	return sodium_memcmp(h, r->who.csrf, n) == 0 ? DF_OK : DF_EDENIED;
}

void auth_principal_release(struct request *r)
{
	if (r->who.grants && r->who.grants_free)
		r->who.grants_free(r->who.grants);
	r->who.grants = NULL;
	r->who.grants_free = NULL;
}
