/*
 * idempotency.c - Idempotency-Key on writes (see idempotency.h).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "http.h"
#include "idempotency.h"
#include "log.h"
#include "store.h"

static int key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n < 1 || n > IDEM_KEY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == ':' || c == '.'))
			return 0;
	}
	return 1;
}

/* fingerprint - SHA-256 (hex) of method, path and body: what "the same
 * request" means. */
static void fingerprint(const struct request *r, char out[65])
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)r->method, strlen(r->method) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)r->url, strlen(r->url) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)r->body.ptr, r->body.len);
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
}

/* claim - the commit hook: the key joins the handler's transaction. */
static int claim(struct db *db, void *arg)
{
	struct request *r = arg;
	struct stmt *st = NULL;
	int rc = db_prepare(db, "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at)"
				" VALUES (?1, ?2, ?3, ?4)", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, r->who.user_id);
	stmt_bind_text(st, 2, r->idem_key, -1);
	stmt_bind_text(st, 3, r->idem_hash, -1);
	stmt_bind_i64(st, 4, clock_now_ms());
	rc = stmt_step(st);
	stmt_done(st);
	if (rc == DF_OK)
		r->idem_claimed = 1;
	else if (rc == DF_ECONFLICT) {
		req_retry_after(r, 1);
		req_problem_field(r, 409, "Idempotency-Key",
				  "a request with this Idempotency-Key is being applied; ask again shortly");
	}
	return rc;
}

/* replay - answer as the earlier request with this key answered (st is
 * positioned on its row: request_hash, status, body, created_at). */
static int replay(struct request *r, struct stmt *st)
{
	const char *hash = stmt_text(st, 0), *body = stmt_text(st, 2);

	if (!hash || strcmp(hash, r->idem_hash) != 0)
		return req_problem_field(r, 422, "Idempotency-Key",
					 "this Idempotency-Key was used for another request; use a new key");
	if (stmt_isnull(st, 1) && clock_now_ms() - stmt_i64(st, 3) < IDEM_PENDING_MS) {
		/* committed a moment ago; idem_finish has not kept the answer yet */
		req_retry_after(r, 1);
		return req_problem_field(r, 409, "Idempotency-Key",
					 "a request with this Idempotency-Key is being applied; ask again shortly");
	}
	if (stmt_isnull(st, 1) || !body)
		return req_problem_field(r, 409, "Idempotency-Key",
					 "a request with this Idempotency-Key was applied, but its answer"
					 " was not kept; look the object up instead");
	r->reply_raw = strdup(body);
	if (!r->reply_raw)
		return req_fail(r, DF_ENOMEM);
	r->reply_raw_len = strlen(body);
	r->reply_type = "application/json";
	if (req_add_header(r, "Idempotent-Replayed", "true") != DF_OK)
		log_warn("msg=\"cannot add Idempotent-Replayed\" rid=%s", r->id);
	return (int)stmt_i64(st, 1);
}

/* lookup - the row of r's key: *st positioned on it (STMT_ROW, the caller
 * calls stmt_done), DF_OK when there is none, or an error. */
static int lookup(struct request *r, struct stmt **st)
{
	struct db *db = NULL;
	int rc = req_db(r, &db);

	*st = NULL;
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT request_hash, status, body, created_at FROM idempotency_keys"
				    " WHERE user_id = ?1 AND idem_key = ?2", st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(*st, 1, r->who.user_id);
	stmt_bind_text(*st, 2, r->idem_key, -1);
	rc = stmt_step(*st);
	if (rc != STMT_ROW) {
		stmt_done(*st);
		*st = NULL;
	}
	return rc;
}

int idem_start(struct request *r)
{
	const char *key = req_header_in(r, "Idempotency-Key");
	struct db *db = NULL;
	struct stmt *st = NULL;
	int rc, status = 0;

	if (!key || r->who.kind == PRINCIPAL_NONE)
		return 0;
	if (!key_ok(key))
		return req_problem_field(r, 400, "Idempotency-Key",
					 "Idempotency-Key must be 1 to %d letters, digits or - _ : .", IDEM_KEY_MAX);
	snprintf(r->idem_key, sizeof r->idem_key, "%s", key);
	fingerprint(r, r->idem_hash);
	rc = lookup(r, &st);
	if (rc == STMT_ROW) {
		status = replay(r, st);
		stmt_done(st);
		return status;
	}
	if (rc != DF_OK)
		return req_fail(r, rc);
	rc = req_db(r, &db);
	if (rc != DF_OK)
		return req_fail(r, rc);
	db_on_commit(db, claim, r);
	return 0;
}

int idem_settle(struct request *r, int status)
{
	struct stmt *st = NULL;

	if (status < 400 || !r->idem_key[0] || r->idem_claimed)
		return status;
	if (lookup(r, &st) != STMT_ROW)
		return status; /* no copy committed: the handler's answer stands */
	/* a copy of this request committed while this one ran (and failed,
	 * e.g. on the unique CNIC the copy had just taken): answer as a
	 * repeat would, so the client does not take a done write for failed */
	json_decref(r->reply);
	r->reply = NULL;
	r->problem_status = 0;
	r->problem[0] = '\0';
	r->problem_field[0] = '\0';
	r->headers[0] = '\0'; /* its headers go with it (a Retry-After twice is malformed) */
	r->headers_len = 0;
	status = replay(r, st);
	stmt_done(st);
	return status;
}

void idem_finish(struct request *r)
{
	struct db *db = NULL;
	struct stmt *st = NULL;
	char *body = NULL;
	int rc;

	if (!r->idem_claimed || r->status < 200 || r->status > 299)
		return;
	if (r->reply)
		body = json_dumps(r->reply, JSON_COMPACT);
	else if (r->reply_raw && r->reply_type && strcmp(r->reply_type, "application/json") == 0)
		body = strndup(r->reply_raw, r->reply_raw_len);
	if (!body && r->status != 204)
		log_info("msg=\"idempotency: a non-JSON answer is not kept\" rid=%s", r->id);
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_prepare(db, "UPDATE idempotency_keys SET status = ?3, body = ?4"
				    " WHERE user_id = ?1 AND idem_key = ?2", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, r->who.user_id);
		stmt_bind_text(st, 2, r->idem_key, -1);
		stmt_bind_i64(st, 3, r->status);
		if (body)
			stmt_bind_text(st, 4, body, -1);
		else if (r->status == 204)
			stmt_bind_text(st, 4, "", 0);
		else
			stmt_bind_null(st, 4); /* applied, answer not kept: a repeat gets 409 */
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc != DF_OK)
		log_warn("msg=\"idempotency: answer not kept\" rid=%s err=%s", r->id, df_strerror(rc));
	free(body);
}

int idem_prune(struct app *app, struct db *db)
{
	int64_t before = clock_now_ms() - IDEM_KEEP_MS;
	struct stmt *st = NULL;
	int rc = db_prepare(db, "DELETE FROM idempotency_keys WHERE created_at < ?1", &st);

	(void)app;
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, before);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}
