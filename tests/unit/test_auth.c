/*
 * test_auth.c - unit tests of authentication's pieces: the RFC 6238 TOTP
 * test vectors through auth_totp_check (and its one-step window), API token
 * parsing (good, too long, bad prefix, bad id, bad base64), Argon2id hash
 * and verify at minimal cost, the throttle window arithmetic, username
 * rules, and on a real SQLite file: users, duplicate names, TOTP on a
 * user, the sign-in verdicts and the throttle counters under the test
 * clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/app.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/migrate.h"
#include "core/store.h"

/* RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" in base32. */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define GOOD_SECRET "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE" /* 43 base64url chars */

static struct app app;

static int setup_app(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	config_defaults(&app.cfg);
	app.cfg.argon_ops = 1;
	app.cfg.argon_mem_kb = 8192;
	app.cfg.hash_concurrency = 2;
	app.cfg.login_max_failures = 3;
	app.cfg.login_window_s = 60;
	return auth_init(&app) == DF_OK ? 0 : -1;
}

static void totp_rfc6238_vectors(void **state)
{
	/* the 8-digit codes of RFC 6238 cut to their last 6 digits */
	static const struct {
		int64_t t;
		const char *otp;
	} v[] = {
		{ 59, "287082" },         { 1111111109, "081804" }, { 1111111111, "050471" },
		{ 1234567890, "005924" }, { 2000000000, "279037" }, { 20000000000LL, "353130" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(auth_totp_check(RFC_SECRET, v[i].t * 1000, v[i].otp), DF_OK);
	/* the secret is case-insensitive */
	assert_int_equal(auth_totp_check("gezdgnbvgy3tqojqgezdgnbvgy3tqojq", 59000, "287082"), DF_OK);
	/* one step either side is accepted, two are not */
	assert_int_equal(auth_totp_check(RFC_SECRET, 89000, "287082"), DF_OK);
	assert_int_equal(auth_totp_check(RFC_SECRET, 29000, "287082"), DF_OK);
	assert_int_equal(auth_totp_check(RFC_SECRET, 119000, "287082"), DF_EAUTH);
	/* wrong, short, long, non-digit or missing codes */
	assert_int_equal(auth_totp_check(RFC_SECRET, 59000, "287083"), DF_EAUTH);
	assert_int_equal(auth_totp_check(RFC_SECRET, 59000, "28708"), DF_EAUTH);
	assert_int_equal(auth_totp_check(RFC_SECRET, 59000, "2870822"), DF_EAUTH);
	assert_int_equal(auth_totp_check(RFC_SECRET, 59000, "28708a"), DF_EAUTH);
	assert_int_equal(auth_totp_check(RFC_SECRET, 59000, ""), DF_EAUTH);
	assert_int_equal(auth_totp_check(RFC_SECRET, 59000, NULL), DF_EAUTH);
	/* a secret that is not base32, or too short */
	assert_int_equal(auth_totp_check("!!!!", 59000, "287082"), DF_EINVAL);
	assert_int_equal(auth_totp_check("GEZDGNBV", 59000, "287082"), DF_EINVAL);
	assert_int_equal(auth_totp_check("", 59000, "287082"), DF_EINVAL);
}

static void totp_new_secret_round_trip(void **state)
{
	char secret[AUTH_TOTP_SECRET_MAX + 1], other[AUTH_TOTP_SECRET_MAX + 1];
	char code[7];
	char *bin = NULL;
	size_t binlen = 0;
	int64_t now = 1795000000000LL;

	(void)state;
	assert_int_equal(auth_totp_new_secret(secret), DF_OK);
	assert_int_equal(auth_totp_new_secret(other), DF_OK);
	assert_int_equal(strlen(secret), 32);
	assert_string_not_equal(secret, other);
	assert_int_equal(oath_base32_decode(secret, strlen(secret), &bin, &binlen), OATH_OK);
	assert_int_equal(binlen, 20);
	assert_int_equal(oath_totp_generate(bin, binlen, (time_t)(now / 1000), 30, 0, 6, code), OATH_OK);
	free(bin);
	assert_int_equal(auth_totp_check(secret, now, code), DF_OK);
}

static void token_parse(void **state)
{
	char secret[AUTH_KEY_LEN + 1], tok[AUTH_TOKEN_MAX + 8], key[AUTH_KEY_LEN + 1];
	int64_t id = 0;

	(void)state;
	assert_int_equal(strlen(GOOD_SECRET), AUTH_KEY_LEN);
	/* good */
	assert_int_equal(auth_token_parse("dft_123_" GOOD_SECRET, &id, secret), DF_OK);
	assert_int_equal(id, 123);
	assert_string_equal(secret, GOOD_SECRET);
	assert_int_equal(auth_token_parse("dft_9223372036854775807_" GOOD_SECRET, &id, secret), DF_OK);
	assert_true(id == INT64_MAX);
	/* a freshly made key parses back */
	auth_random_key(key);
	assert_true(auth_key_ok(key));
	snprintf(tok, sizeof tok, "dft_383231601888198656_%s", key);
	assert_int_equal(auth_token_parse(tok, &id, secret), DF_OK);
	assert_int_equal(id, 383231601888198656LL);
	assert_string_equal(secret, key);
	/* too long: a character after the secret */
	assert_int_equal(auth_token_parse("dft_123_" GOOD_SECRET "A", &id, secret), DF_EINVAL);
	assert_int_equal(id, 0);
	assert_string_equal(secret, "");
	memset(tok, 'A', sizeof tok - 1);
	tok[sizeof tok - 1] = '\0';
	memcpy(tok, "dft_1_", 6);
	assert_int_equal(auth_token_parse(tok, &id, secret), DF_EINVAL);
	/* bad prefix */
	assert_int_equal(auth_token_parse("dfx_123_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("DFT_123_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("123_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse(" dft_123_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("", &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse(NULL, &id, secret), DF_EINVAL);
	/* bad id: empty, zero, leading zero, not digits, signed, too large */
	assert_int_equal(auth_token_parse("dft__" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_0_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_0123_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_12a_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_-12_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_+12_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_9223372036854775808_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_12345678901234567890_" GOOD_SECRET, &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_123" GOOD_SECRET, &id, secret), DF_EINVAL);
	/* bad base64: short, long, standard alphabet, padding, non-canonical last character */
	assert_int_equal(auth_token_parse("dft_1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd", &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE", &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCd=", &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdF", &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC\xc3\xa9", &id, secret), DF_EINVAL);
	assert_int_equal(auth_token_parse("dft_1_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC E", &id, secret), DF_EINVAL);
}

static void scope_names(void **state)
{
	char s65[66];

	(void)state;
	assert_true(auth_scope_ok("org.read"));
	assert_true(auth_scope_ok("attendance.*"));
	assert_true(auth_scope_ok("*"));
	assert_false(auth_scope_ok(""));
	assert_false(auth_scope_ok("Org.read"));
	assert_false(auth_scope_ok("org read"));
	assert_false(auth_scope_ok("org_read"));
	assert_false(auth_scope_ok("org2"));
	memset(s65, 'a', 65);
	s65[65] = '\0';
	assert_false(auth_scope_ok(s65));
	s65[64] = '\0';
	assert_true(auth_scope_ok(s65));
}

static void password_hash_and_verify(void **state)
{
	char hash[AUTH_HASH_STR], hash2[AUTH_HASH_STR], long_pw[AUTH_PASSWORD_MAX + 2];

	(void)state;
	assert_int_equal(auth_hash_password(&app, "correct horse battery", hash), DF_OK);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_non_null(strstr(hash, "m=8192,t=1"));
	assert_int_equal(auth_verify_password(&app, hash, "correct horse battery"), DF_OK);
	assert_int_equal(auth_verify_password(&app, hash, "correct horse batterY"), DF_EAUTH);
	assert_int_equal(auth_verify_password(&app, hash, ""), DF_EAUTH);
	/* the same password hashes differently (random salt), both verify */
	assert_int_equal(auth_hash_password(&app, "correct horse battery", hash2), DF_OK);
	assert_string_not_equal(hash, hash2);
	assert_int_equal(auth_verify_password(&app, hash2, "correct horse battery"), DF_OK);
	/* an unknown user: the dummy hash never matches */
	assert_int_equal(auth_verify_password(&app, NULL, "correct horse battery"), DF_EAUTH);
	/* policy: 10..256 bytes */
	assert_int_equal(auth_hash_password(&app, "short-pw1", hash), DF_EINVAL);
	assert_int_equal(auth_hash_password(&app, "tenletters", hash), DF_OK);
	memset(long_pw, 'x', sizeof long_pw - 1);
	long_pw[AUTH_PASSWORD_MAX + 1] = '\0';
	assert_int_equal(auth_hash_password(&app, long_pw, hash), DF_EINVAL);
	assert_int_equal(auth_verify_password(&app, hash, long_pw), DF_EAUTH);
	long_pw[AUTH_PASSWORD_MAX] = '\0';
	assert_int_equal(auth_hash_password(&app, long_pw, hash), DF_OK);
	assert_int_equal(auth_verify_password(&app, hash, long_pw), DF_OK);
}

static void throttle_window_arithmetic(void **state)
{
	int64_t retry = -1;

	(void)state;
	/* below the limit: never blocked */
	assert_int_equal(auth_throttle_blocked(1000000, 4, 1000000, 900, 5, &retry), 0);
	/* at the limit inside the window: blocked, seconds left rounded up */
	assert_int_equal(auth_throttle_blocked(1000000, 5, 1000000, 900, 5, &retry), 1);
	assert_int_equal(retry, 900);
	assert_int_equal(auth_throttle_blocked(1000000, 5, 1000001, 900, 5, &retry), 1);
	assert_int_equal(retry, 900);
	assert_int_equal(auth_throttle_blocked(1000000, 5, 1000000 + 899000, 900, 5, &retry), 1);
	assert_int_equal(retry, 1);
	assert_int_equal(auth_throttle_blocked(1000000, 5, 1000000 + 899999, 900, 5, &retry), 1);
	assert_int_equal(retry, 1);
	/* the window's end is not in it */
	assert_int_equal(auth_throttle_blocked(1000000, 5, 1000000 + 900000, 900, 5, &retry), 0);
	assert_int_equal(auth_throttle_blocked(1000000, 50, 1000000 + 900001, 900, 5, NULL), 0);
	/* above the limit, NULL retry is fine */
	assert_int_equal(auth_throttle_blocked(1000000, 50, 1000000, 900, 5, NULL), 1);
}

static void username_rules(void **state)
{
	char out[AUTH_USERNAME_MAX + 1], long_name[AUTH_USERNAME_MAX + 2];

	(void)state;
	assert_int_equal(auth_username_norm("CS", out), DF_OK);
	assert_string_equal(out, "cs");
	assert_int_equal(auth_username_norm("Fo.Quetta.EDU", out), DF_OK);
	assert_string_equal(out, "fo.quetta.edu");
	assert_int_equal(auth_username_norm("a_b-c.9", out), DF_OK);
	assert_int_equal(auth_username_norm("a", out), DF_EINVAL);
	assert_string_equal(out, "");
	assert_int_equal(auth_username_norm("-ab", out), DF_EINVAL);
	assert_int_equal(auth_username_norm(".ab", out), DF_EINVAL);
	assert_int_equal(auth_username_norm("a b", out), DF_EINVAL);
	assert_int_equal(auth_username_norm("ab\xc3\xa9", out), DF_EINVAL);
	assert_int_equal(auth_username_norm("", out), DF_EINVAL);
	assert_int_equal(auth_username_norm(NULL, out), DF_EINVAL);
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[AUTH_USERNAME_MAX + 1] = '\0';
	assert_int_equal(auth_username_norm(long_name, out), DF_EINVAL);
	long_name[AUTH_USERNAME_MAX] = '\0';
	assert_int_equal(auth_username_norm(long_name, out), DF_OK);
}

static void keys_and_hashes(void **state)
{
	char hex[65], k1[AUTH_KEY_LEN + 1], k2[AUTH_KEY_LEN + 1];

	(void)state;
	auth_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	auth_random_key(k1);
	auth_random_key(k2);
	assert_int_equal(strlen(k1), AUTH_KEY_LEN);
	assert_string_not_equal(k1, k2);
	assert_true(auth_key_ok(k1));
	assert_false(auth_key_ok(NULL));
	assert_false(auth_key_ok(""));
	k1[0] = '+';
	assert_false(auth_key_ok(k1));
}

static void cookie_header_text(void **state)
{
	char h[200];

	(void)state;
	auth_cookie_header(&app, GOOD_SECRET, h, sizeof h);
	assert_string_equal(h, "daftar_session=" GOOD_SECRET "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200");
	app.cfg.cookie_secure = 1;
	auth_cookie_header(&app, NULL, h, sizeof h);
	app.cfg.cookie_secure = 0;
	assert_string_equal(h, "daftar_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

/* open_db - a fresh SQLite file with the audit and auth schema. */
static void open_db(struct store **s, struct db **db, char path[64])
{
	static const struct module *const mods[] = { &audit_module, &auth_module, NULL };
	int n = 0;

	snprintf(path, 64, "/tmp/test_auth_%d.db", (int)getpid());
	unlink(path);
	assert_int_equal(store_open(s, path, 1), DF_OK);
	assert_int_equal(store_acquire(*s, db), DF_OK);
	assert_int_equal(migrate_run(*db, mods, &n), DF_OK);
	assert_true(n >= 1);
}

static void close_db(struct store *s, struct db *db, const char *path)
{
	char p[80];

	store_release(db);
	store_close(s);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static void users_and_sign_in_verdicts(void **state)
{
	struct store *s = NULL;
	struct db *db = NULL;
	struct auth_user u;
	char path[64], code[7], *bin = NULL;
	size_t binlen = 0;
	int64_t uid = 0, other = 0, n = 0, now;
	int verdict = -1;

	(void)state;
	clock_enable_test();
	assert_int_equal(clock_set_ms(1795000000000LL), DF_OK);
	now = clock_now_ms();
	open_db(&s, &db, path);
	assert_int_equal(auth_create_user(&app, db, "Sec.Edu", "Daftar@2026", 42, 0, &uid), DF_OK);
	assert_true(uid > 0);
	/* the name is stored lowercased; a different case is the same name */
	assert_int_equal(auth_create_user(&app, db, "sec.edu", "Daftar@2026x", 0, 0, &other), DF_ECONFLICT);
	assert_int_equal(auth_create_user(&app, db, "SEC.EDU", "Daftar@2026x", 0, 0, &other), DF_ECONFLICT);
	assert_int_equal(auth_create_user(&app, db, "x", "Daftar@2026x", 0, 0, &other), DF_EINVAL);
	assert_int_equal(auth_create_user(&app, db, "short.pw", "short", 0, 0, &other), DF_EINVAL);
	assert_int_equal(auth_user_get(db, uid, &u), DF_OK);
	assert_string_equal(u.username, "sec.edu");
	assert_int_equal(u.person_id, 42);
	assert_false(u.is_admin);
	assert_int_equal(auth_user_get(db, uid + 1, &u), DF_ENOTFOUND);
	/* one audit leaf (the user, in its own transaction), and no password in the table */
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM audit_leaves WHERE event = 'auth.user.create'", 0, NULL, &n), DF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_i64(db, "SELECT COUNT(*) FROM users WHERE password_hash LIKE '%Daftar%'", 0, NULL, &n), DF_OK);
	assert_int_equal(n, 0);

	/* verdicts: right, wrong password, unknown user, any case of the name */
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_OK);
	assert_int_equal(u.id, uid);
	assert_int_equal(auth_login_verify(&app, db, "SEC.edu", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_OK);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2027", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_WRONG);
	assert_int_equal(auth_login_verify(&app, db, "nobody", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_WRONG);
	assert_int_equal(auth_login_verify(&app, db, "no body!", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_WRONG);

	/* with TOTP on: no code, wrong code, right code */
	assert_int_equal(auth_set_totp(db, uid, "not base32!"), DF_EINVAL);
	assert_int_equal(auth_set_totp(db, uid + 1, "JBSWY3DPEHPK3PXP"), DF_ENOTFOUND);
	assert_int_equal(auth_set_totp(db, uid, "JBSWY3DPEHPK3PXP"), DF_OK);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_OTP_MISSING);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2026", "000000", &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_OTP_WRONG); /* the clock is fixed: not the code of now */
	assert_int_equal(oath_base32_decode("JBSWY3DPEHPK3PXP", 16, &bin, &binlen), OATH_OK);
	assert_int_equal(oath_totp_generate(bin, binlen, (time_t)(now / 1000), 30, 0, 6, code), OATH_OK);
	free(bin);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2026", code, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_OK);
	assert_true(u.totp_enabled);
	/* a wrong password with the right code is still wrong */
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2020", code, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_WRONG);
	assert_int_equal(auth_set_totp(db, uid, NULL), DF_OK);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_OK);

	/* disabled: only said after the right password */
	assert_int_equal(db_exec(db, "UPDATE users SET disabled = 1"), DF_OK);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "Daftar@2026", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_DISABLED);
	assert_int_equal(auth_login_verify(&app, db, "sec.edu", "wrong-password", NULL, &u, &verdict), DF_OK);
	assert_int_equal(verdict, AUTH_LOGIN_WRONG);
	close_db(s, db, path);
}

static void throttle_counters(void **state)
{
	struct store *s = NULL;
	struct db *db = NULL;
	char path[64];
	int64_t retry = 0;

	(void)state;
	clock_enable_test();
	assert_int_equal(clock_set_ms(1795000000000LL), DF_OK);
	open_db(&s, &db, path);
	/* max 3 failures per 60 s (setup_app) */
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.1", &retry), 0);
	assert_int_equal(auth_throttle_fail(&app, db, "cs", "10.0.0.1"), DF_OK);
	assert_int_equal(auth_throttle_fail(&app, db, "cs", "10.0.0.1"), DF_OK);
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.1", &retry), 0);
	assert_int_equal(clock_advance_ms(10000), DF_OK);
	assert_int_equal(auth_throttle_fail(&app, db, "cs", "10.0.0.1"), DF_OK);
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.1", &retry), 1);
	assert_int_equal(retry, 50); /* the window runs from the first failure */
	/* the user key blocks from another address; the address key blocks another user */
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.2", &retry), 1);
	assert_int_equal(auth_throttle_check(&app, db, "cm", "10.0.0.1", &retry), 1);
	assert_int_equal(auth_throttle_check(&app, db, "cm", "10.0.0.2", &retry), 0);
	/* clearing the user leaves the address blocked */
	assert_int_equal(auth_throttle_clear(db, "cs"), DF_OK);
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.2", &retry), 0);
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.1", &retry), 1);
	/* when the window has passed, a failure starts a new one at 1 */
	assert_int_equal(clock_advance_ms(50000), DF_OK);
	assert_int_equal(auth_throttle_check(&app, db, "cs", "10.0.0.1", &retry), 0);
	assert_int_equal(auth_throttle_fail(&app, db, "cm", "10.0.0.1"), DF_OK);
	assert_int_equal(auth_throttle_check(&app, db, "cm", "10.0.0.1", &retry), 0);
	close_db(s, db, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totp_rfc6238_vectors),
		cmocka_unit_test(totp_new_secret_round_trip),
		cmocka_unit_test(token_parse),
		cmocka_unit_test(scope_names),
		cmocka_unit_test(password_hash_and_verify),
		cmocka_unit_test(throttle_window_arithmetic),
		cmocka_unit_test(username_rules),
		cmocka_unit_test(keys_and_hashes),
		cmocka_unit_test(cookie_header_text),
		cmocka_unit_test(users_and_sign_in_verdicts),
		cmocka_unit_test(throttle_counters),
	};

	return cmocka_run_group_tests(tests, setup_app, NULL);
}
