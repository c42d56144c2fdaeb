/*
 * auth.h - principals: users and passwords (Argon2id), sessions (cookie +
 * CSRF token), API tokens for devices and integrations, login throttling
 * and the TOTP second factor.  The routes (POST/DELETE /api/v1/session,
 * tokens, TOTP enrolment) are in api_session.c as `auth_module`.
 */
#ifndef DF_AUTH_H
#define DF_AUTH_H

#include <stdint.h>
#include "module.h"
#include "result.h"

struct request;
struct app;
struct db;

#define SESSION_COOKIE "daftar_session"
#define CSRF_HEADER "X-CSRF-Token"

extern const struct module auth_module;

/* auth_init - set up the hashing limiter from app->cfg; call once at start. */
int auth_init(struct app *app) DF_WUR;
/* auth_authenticate - fill r->who from the session cookie or the
 * `Authorization: Bearer` token.  No credentials: DF_OK with kind NONE.
 * Credentials that are invalid, expired or revoked: DF_EAUTH with a
 * problem recorded on r. A valid session is touched (idle expiry moves). */
int auth_authenticate(struct request *r) DF_WUR;
/* auth_check_csrf - DF_OK unless r is a cookie-authenticated write whose
 * X-CSRF-Token header does not match the session's token. */
int auth_check_csrf(struct request *r) DF_WUR;
/* auth_principal_release - free what the org layer cached on the principal. */
void auth_principal_release(struct request *r);
/* auth_hash_password - Argon2id hash string of password (bounded concurrency). */
int auth_hash_password(struct app *app, const char *password, char out[128]) DF_WUR;
/* auth_create_user - a user with a password; person_id may be 0.
 * DF_ECONFLICT if the username exists. */
int auth_create_user(struct app *app, struct db *db, const char *username, const char *password,
		     int64_t person_id, int is_admin, int64_t *user_id) DF_WUR;
/* auth_set_totp - enable TOTP for a user with a base32 secret (NULL disables). */
int auth_set_totp(struct db *db, int64_t user_id, const char *base32_secret) DF_WUR;

#endif
