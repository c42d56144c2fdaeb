/*
 * auth.h - principals: users and passwords (Argon2id), sessions (cookie +
 * CSRF token), API tokens for devices and integrations, login throttling
 * and the TOTP second factor.  The routes (POST/DELETE /api/v1/session,
 * tokens, TOTP enrolment, users) are in api_session.c as `auth_module`.
 *
 * Where the code is:
 *   auth.c         hashing limiter, passwords, users, TOTP, throttling,
 *                  auth_authenticate / auth_check_csrf
 *   session.c      sessions: create, look up, touch, revoke, the cookie
 *   token.c        API tokens: parse, create, look up, list, revoke
 *   api_session.c  the session, TOTP and token handlers and `auth_module`
 *                  (routes, schema, the auth.prune job, audit events)
 *   api_users.c    the users.admin handlers
 *
 * Tables (hashes are 64 lowercase hex characters of SHA-256):
 *   users (id, username UNIQUE lowercased, password_hash (crypto_pwhash_str),
 *          person_id NULL, is_admin, totp_secret NULL (base32), totp_enabled,
 *          disabled, created_at, updated_at)
 *   sessions (id, key_hash UNIQUE = SHA-256 of the cookie value, user_id,
 *          csrf, created_at, last_seen_at, expires_at (absolute), ip,
 *          user_agent (<= 200 bytes), revoked_at NULL)
 *   api_tokens (id, user_id, name, scopes (space separated), secret_hash,
 *          created_at, expires_at, last_used_at NULL, revoked_at NULL)
 *   login_throttle (key "u:<username>" or "ip:<address>", window_start,
 *          failures)
 * The cookie value, the token secret and passwords are never stored.
 *
 * An administrator (users.is_admin) acts as one (principal.is_admin = 1)
 * only while their TOTP second factor is on.
 */
#ifndef DF_AUTH_H
#define DF_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include "module.h"
#include "result.h"

struct request;
struct app;
struct db;

#define SESSION_COOKIE "daftar_session"
#define CSRF_HEADER "X-CSRF-Token"

#define AUTH_USERNAME_MAX 63    /* bytes of a username */
#define AUTH_PASSWORD_MIN 10    /* bytes of a password, at least */
#define AUTH_PASSWORD_MAX 256   /* ... and at most */
#define AUTH_KEY_LEN 43         /* base64url (no padding) of 32 random bytes */
#define AUTH_HASH_STR 128       /* crypto_pwhash_STRBYTES */
#define AUTH_TOTP_SECRET_MAX 64 /* base32 text of a TOTP secret */
#define AUTH_TOKEN_PREFIX "dft_"
/* "dft_" + up to 19 digits + "_" + 43 characters */
#define AUTH_TOKEN_MAX (4 + 19 + 1 + AUTH_KEY_LEN)
#define AUTH_SCOPES_MAX 255     /* bytes of the space-separated scopes */
#define AUTH_TOUCH_MS 30000     /* a session's last_seen_at moves at most this often */
#define AUTH_TOKEN_TOUCH_MS 60000 /* a token's last_used_at likewise */

extern const struct module auth_module;

#define AUTH_BODY_MAX 4096      /* body cap of the auth routes */

/* The users.admin handlers (api_users.c), listed in auth_module's routes:
 * POST /api/v1/users, GET /api/v1/users, PATCH /api/v1/users/{id}. */
int auth_api_user_create(struct request *r);
int auth_api_user_list(struct request *r);
int auth_api_user_update(struct request *r);

/* auth_init - set up the hashing limiter (app->cfg.hash_concurrency),
 * liboath and the dummy hash for unknown usernames; call once at start.
 * Commands that never verify a password (init, demo) may skip it: hashing
 * is then not limited. */
int auth_init(struct app *app) DF_WUR;
/* auth_authenticate - fill r->who from the session cookie or the
 * `Authorization: Bearer` token.  No credentials: DF_OK with kind NONE.
 * Credentials that are invalid, expired or revoked: DF_EAUTH with a
 * problem recorded on r; except that an invalid cookie on a public route is
 * ignored (kind NONE), so a stale cookie never blocks signing in.  An
 * Authorization header that is not a valid bearer token is always DF_EAUTH.
 * A valid session is touched (idle expiry moves, at most every 30 s). */
int auth_authenticate(struct request *r) DF_WUR;
/* auth_check_csrf - DF_OK unless r is a cookie-authenticated request whose
 * X-CSRF-Token header does not match the session's token (DF_EDENIED).
 * The dispatcher calls it for writes only. */
int auth_check_csrf(struct request *r) DF_WUR;
/* auth_principal_release - free what the org layer cached on the principal. */
void auth_principal_release(struct request *r);

/* ---------------------------------------------------------- passwords */

/* auth_hash_password - Argon2id hash string of password (bounded
 * concurrency, cost from app->cfg).  DF_EINVAL when the password is not
 * AUTH_PASSWORD_MIN..MAX bytes, DF_ENOMEM if hashing failed. */
int auth_hash_password(struct app *app, const char *password, char out[AUTH_HASH_STR]) DF_WUR;
/* auth_verify_password - DF_OK if password matches hash, else DF_EAUTH.
 * hash NULL (unknown user) verifies against the dummy hash, taking the same
 * time, and answers DF_EAUTH.  Bounded concurrency like hashing. */
int auth_verify_password(struct app *app, const char *hash, const char *password) DF_WUR;
/* auth_password_ok - 1 if password is an acceptable new password. */
int auth_password_ok(const char *password);

/* -------------------------------------------------------------- users */

/* One row of users (the password hash and TOTP secret are not in it). */
struct auth_user {
	int64_t id;
	int64_t person_id;                    /* 0 = none */
	char username[AUTH_USERNAME_MAX + 1];
	int is_admin;                         /* users.is_admin */
	int totp_enabled;
	int disabled;
	int64_t created_at;
	int64_t updated_at;
};

/* auth_username_norm - lowercase a username into out and check it:
 * 2..63 bytes of [a-z0-9._-] after lowercasing, starting with a letter or
 * digit.  DF_EINVAL otherwise (out is then ""). */
int auth_username_norm(const char *in, char out[AUTH_USERNAME_MAX + 1]) DF_WUR;
/* auth_create_user - a user with a password; person_id may be 0.  Appends
 * an "auth.user.create" audit leaf (actor 0, the system); begins and
 * commits its own transaction unless db is already in one.  DF_EINVAL for
 * a bad username or password, DF_ECONFLICT if the username exists. */
int auth_create_user(struct app *app, struct db *db, const char *username, const char *password,
		     int64_t person_id, int is_admin, int64_t *user_id) DF_WUR;
/* auth_create_user_as - auth_create_user with the audit actor given. */
int auth_create_user_as(struct app *app, struct db *db, int64_t actor, const char *username,
			const char *password, int64_t person_id, int is_admin, int64_t *user_id) DF_WUR;
/* auth_user_get - read user id. DF_ENOTFOUND if there is none. */
int auth_user_get(struct db *db, int64_t id, struct auth_user *out) DF_WUR;
/* auth_set_totp - enable TOTP for a user with a base32 secret (NULL
 * disables).  Appends "auth.totp.enable"/"auth.totp.disable" (actor 0);
 * own transaction unless db is in one.  DF_EINVAL for a secret that is not
 * base32 of 10..40 bytes, DF_ENOTFOUND for no such user. */
int auth_set_totp(struct db *db, int64_t user_id, const char *base32_secret) DF_WUR;

/* What auth_login_verify found. */
enum auth_login_verdict {
	AUTH_LOGIN_OK = 0,       /* password (and code, if the user has TOTP) right */
	AUTH_LOGIN_WRONG,        /* unknown user or wrong password */
	AUTH_LOGIN_OTP_MISSING,  /* password right, the user has TOTP, no code sent */
	AUTH_LOGIN_OTP_WRONG,    /* password right, the code is wrong */
	AUTH_LOGIN_DISABLED,     /* password right, the user is disabled */
};

/* auth_login_verify - check a sign-in: look username up (lowercased),
 * verify password (against the dummy hash when there is no such user) and,
 * for a user with TOTP on, otp at clock_now_ms().  *verdict says what was
 * found; *user is filled when the user exists.  Returns a store error or
 * DF_OK (whatever the verdict). */
int auth_login_verify(struct app *app, struct db *db, const char *username, const char *password,
		      const char *otp, struct auth_user *user, int *verdict) DF_WUR;

/* --------------------------------------------------------------- TOTP */

/* auth_totp_check - DF_OK if otp (exactly 6 digits) is the RFC 6238 code
 * (HMAC-SHA1, 30 s steps) of base32_secret at now_ms, or of the step just
 * before or after; DF_EAUTH if not; DF_EINVAL for a bad secret.
 * Compared in constant time. */
int auth_totp_check(const char *base32_secret, int64_t now_ms, const char *otp) DF_WUR;
/* auth_totp_new_secret - 20 random bytes as base32 (32 characters). */
int auth_totp_new_secret(char out[AUTH_TOTP_SECRET_MAX + 1]) DF_WUR;

/* --------------------------------------------------------- throttling */

/* auth_throttle_blocked - given a key's stored window and failure count,
 * 1 if sign-in is refused at now_ms (failures >= max_failures and the
 * window, window_s long from window_start, has not ended), else 0.  When
 * refused, *retry_after_s (may be NULL) gets the whole seconds left,
 * rounded up, at least 1.  Pure. */
int auth_throttle_blocked(int64_t window_start, int64_t failures, int64_t now_ms, int window_s,
			  int max_failures, int64_t *retry_after_s);
/* auth_throttle_check - 1 if either "u:<username>" or "ip:<ip>" is blocked
 * now (see above), with the larger Retry-After in *retry_after_s; 0 if
 * sign-in may proceed.  Store errors are returned as negative DF_E*. */
int auth_throttle_check(struct app *app, struct db *db, const char *username, const char *ip,
			int64_t *retry_after_s) DF_WUR;
/* auth_throttle_fail - count one failure against both keys (a new window
 * starts when the old one has ended).  Own transaction. */
int auth_throttle_fail(struct app *app, struct db *db, const char *username, const char *ip) DF_WUR;
/* auth_throttle_clear - forget the failures of "u:<username>" (inside the
 * caller's transaction or not). */
int auth_throttle_clear(struct db *db, const char *username) DF_WUR;

/* ----------------------------------------------------------- sessions */

/* auth_random_key - 32 random bytes as base64url without padding. */
void auth_random_key(char out[AUTH_KEY_LEN + 1]);
/* auth_random_base32 - nbytes (1..64) random bytes as base32 (RFC 4648,
 * upper case, no padding) into out (outlen bytes with the NUL): keys a
 * person types on a phone (TOTP secrets, device identifiers).  DF_ETOOBIG
 * when out is too small, DF_ENOMEM. */
int auth_random_base32(size_t nbytes, char *out, size_t outlen) DF_WUR;
/* auth_sha256_hex - SHA-256 of len bytes as lowercase hex. */
void auth_sha256_hex(const void *p, size_t len, char out[65]);
/* auth_key_ok - 1 if s is exactly AUTH_KEY_LEN characters of base64url
 * that decode to 32 bytes. */
int auth_key_ok(const char *s);

/* A new session as handed to the client. */
struct auth_new_session {
	int64_t id;                    /* sessions.id */
	char cookie[AUTH_KEY_LEN + 1]; /* the cookie value (wipe after use) */
	char csrf[AUTH_KEY_LEN + 1];   /* the CSRF token */
	int64_t created_at;
	int64_t expires_at;            /* absolute end, epoch ms */
};

/* auth_session_create - a new session for user_id inside the caller's
 * transaction; ip and user_agent are recorded (user_agent cut to 200
 * printable ASCII bytes; either may be NULL). */
int auth_session_create(struct app *app, struct db *db, int64_t user_id, const char *ip,
			const char *user_agent, struct auth_new_session *out) DF_WUR;
/* auth_session_revoke_cookie - revoke the session a cookie value names, if
 * it is a live one (nothing happens otherwise). *revoked (may be NULL) gets
 * its id or 0. */
int auth_session_revoke_cookie(struct db *db, const char *cookie, int64_t *revoked) DF_WUR;
/* auth_session_revoke - revoke session id (no-op if already revoked). */
int auth_session_revoke(struct db *db, int64_t session_id) DF_WUR;
/* auth_session_revoke_user - revoke every live session of user_id except
 * keep_session (0 = none); *n (may be NULL) counts them. */
int auth_session_revoke_user(struct db *db, int64_t user_id, int64_t keep_session, int64_t *n) DF_WUR;
/* auth_session_lookup - authenticate r by cookie value: fills r->who
 * (kind SESSION) and touches last_seen_at when due.  DF_EAUTH for an
 * unknown, revoked or expired session or a disabled user (no problem is
 * recorded: the caller decides). */
int auth_session_lookup(struct request *r, const char *cookie) DF_WUR;
/* auth_cookie_header - the Set-Cookie value for cookie (NULL or "" clears
 * it with Max-Age=0). */
void auth_cookie_header(const struct app *app, const char *cookie, char *out, size_t outlen);

/* ------------------------------------------------------------- tokens */

/* auth_token_parse - split "dft_<id>_<secret>": id a positive decimal
 * int64 without leading zeros, secret AUTH_KEY_LEN base64url characters
 * (decoding to 32 bytes), nothing else, at most AUTH_TOKEN_MAX bytes.
 * DF_EINVAL otherwise. */
int auth_token_parse(const char *s, int64_t *id, char secret[AUTH_KEY_LEN + 1]) DF_WUR;
/* auth_scope_ok - 1 if s is a scope name: 1..64 of [a-z.*]. */
int auth_scope_ok(const char *s);
/* auth_token_create - a token for user_id inside the caller's transaction:
 * scopes space separated (validated by the caller), expires_at epoch ms.
 * token gets "dft_<id>_<secret>", shown once (wipe after use). */
int auth_token_create(struct db *db, int64_t user_id, const char *name, const char *scopes,
		      int64_t expires_at, int64_t *id, char token[AUTH_TOKEN_MAX + 1]) DF_WUR;
/* auth_token_lookup - authenticate r by a bearer token: fills r->who (kind
 * TOKEN, scopes) and updates last_used_at when due.  DF_EAUTH for a
 * malformed, unknown, wrong, revoked or expired token or a disabled user. */
int auth_token_lookup(struct request *r, const char *token) DF_WUR;
/* auth_token_owner - the user and revocation time (0 = live) of token id.
 * DF_ENOTFOUND if there is none. */
int auth_token_owner(struct db *db, int64_t id, int64_t *user_id, int64_t *revoked_at) DF_WUR;
/* auth_token_revoke - revoke token id (no-op if already revoked). */
int auth_token_revoke(struct db *db, int64_t id) DF_WUR;
/* auth_token_revoke_user - revoke every live token of user_id. */
int auth_token_revoke_user(struct db *db, int64_t user_id) DF_WUR;

#endif
