/*
 * outbox.c - durable outbound messages with retries (see outbox.h).
 *
 * Claiming: a message is claimed in a short transaction by setting
 * claimed_by/claim_until on rows that are due and unclaimed (or whose claim
 * expired), then reading back the rows that carry our claim.  Sending
 * happens outside any transaction; the outcome is written afterwards.
 */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "clock.h"
#include "http.h"
#include "id.h"
#include "log.h"
#include "outbox.h"
#include "store.h"

#define BATCH 50
#define CLAIM_MS (2 * 60 * 1000)
#define SEND_TIMEOUT_S 10L

int64_t outbox_backoff_ms(int attempts)
{
	int64_t d = 30 * 1000;

	for (int i = 1; i < attempts && d < 6LL * 3600 * 1000; i++)
		d *= 2;
	return d > 6LL * 3600 * 1000 ? 6LL * 3600 * 1000 : d;
}

static int valid_target(const char *channel, const char *target)
{
	if (strcmp(channel, "webhook") != 0)
		return 0;
	if (strlen(target) > 1000 || strpbrk(target, " \r\n\t"))
		return 0;
	return strncmp(target, "http://", 7) == 0 || strncmp(target, "https://", 8) == 0;
}

int outbox_enqueue(struct db *db, const char *channel, const char *target, json_t *payload,
		   const char *idem_key, int64_t *id)
{
	struct stmt *st = NULL;
	char *text = NULL, key[32];
	int64_t oid = id_next();
	int rc = DF_EINVAL;

	if (!db_in_tx(db))
		return DF_EINTERNAL;
	if (!valid_target(channel, target))
		return DF_EINVAL;
	text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!text)
		return DF_ENOMEM;
	if (strlen(text) > OUTBOX_PAYLOAD_MAX) {
		rc = DF_ETOOBIG;
		goto out;
	}
	if (!idem_key) {
		snprintf(key, sizeof key, "daftar-%lld", (long long)oid);
		idem_key = key;
	}
	/* a repeated key inserts nothing and, unlike a failed INSERT, leaves the
	 * caller's transaction usable (see db_commit) */
	rc = db_prepare(db, "INSERT INTO outbox (id, channel, target, payload, idem_key, status, attempts, next_at, created_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6)"
			    " ON CONFLICT (idem_key) DO NOTHING RETURNING id", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_i64(st, 1, oid);
	stmt_bind_text(st, 2, channel, -1);
	stmt_bind_text(st, 3, target, -1);
	stmt_bind_text(st, 4, text, -1);
	stmt_bind_text(st, 5, idem_key, -1);
	stmt_bind_i64(st, 6, clock_now_ms());
	rc = stmt_step(st);
	if (rc == STMT_ROW)
		rc = stmt_step(st);
	else if (rc == DF_OK)
		rc = DF_ECONFLICT; /* no row came back: the key was there */
	stmt_done(st);
	if (rc == DF_OK && id)
		*id = oid;
out:
	free(text);
	return rc;
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	(void)p;
	(void)u;
	return size * n;
}

/* send_webhook - POST payload; DF_OK on a 2xx answer. */
static int send_webhook(const char *target, const char *payload, const char *key, char *err, size_t errlen)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char idem[160];
	long code = 0;
	CURLcode cc;
	int rc = DF_EIO;

	if (!c)
		return DF_ENOMEM;
	snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, idem);
	curl_easy_setopt(c, CURLOPT_URL, target);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, SEND_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299) {
		snprintf(err, errlen, "HTTP %ld", code);
		goto out;
	}
	rc = DF_OK;
out:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

struct msg {
	int64_t id;
	int attempts;
	char *target, *payload, *key;
};

static void msgs_free(struct msg *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].target);
		free(m[i].payload);
		free(m[i].key);
	}
}

/* claim - mark up to BATCH due messages as ours and read them. */
static int claim(struct db *db, const char *owner, struct msg *m, int *n)
{
	struct stmt *st = NULL;
	int64_t now = clock_now_ms();
	int rc;

	*n = 0;
	rc = db_begin(db);
	if (rc != DF_OK)
		return rc;
	rc = db_prepare(db, "UPDATE outbox SET claimed_by = ?1, claim_until = ?2 WHERE id IN ("
			    " SELECT id FROM outbox WHERE status = 'pending' AND next_at <= ?3"
			    " AND (claim_until IS NULL OR claim_until < ?3) ORDER BY next_at LIMIT 50)", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, owner, -1);
	stmt_bind_i64(st, 2, now + CLAIM_MS);
	stmt_bind_i64(st, 3, now);
	rc = stmt_step(st);
	stmt_done(st);
	if (rc != DF_OK)
		goto out;
	rc = db_prepare(db, "SELECT id, attempts, target, payload, idem_key FROM outbox"
			    " WHERE claimed_by = ?1 AND claim_until = ?2 AND status = 'pending'", &st);
	if (rc != DF_OK)
		goto out;
	stmt_bind_text(st, 1, owner, -1);
	stmt_bind_i64(st, 2, now + CLAIM_MS);
	while (*n < BATCH) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		m[*n].id = stmt_i64(st, 0);
		m[*n].attempts = (int)stmt_i64(st, 1);
		m[*n].target = strdup(stmt_text(st, 2));
		m[*n].payload = strdup(stmt_text(st, 3));
		m[*n].key = strdup(stmt_text(st, 4));
		(*n)++;
		if (!m[*n - 1].target || !m[*n - 1].payload || !m[*n - 1].key) {
			rc = DF_ENOMEM;
			break;
		}
	}
	stmt_done(st);
	if (rc == STMT_ROW)
		rc = DF_OK;
	if (rc == DF_OK)
		rc = db_commit(db);
out:
	db_rollback(db);
	return rc;
}

static int record(struct db *db, const struct msg *m, int sent, const char *err)
{
	struct stmt *st = NULL;
	int64_t now = clock_now_ms();
	int attempts = m->attempts + 1;
	int dead = !sent && attempts >= OUTBOX_MAX_ATTEMPTS;
	int64_t jitter = (int64_t)randombytes_uniform(5000);
	int rc;

	rc = db_prepare(db, "UPDATE outbox SET status = ?2, attempts = ?3, next_at = ?4, last_error = ?5,"
			    " claimed_by = NULL, claim_until = NULL, done_at = ?6 WHERE id = ?1", &st);
	if (rc != DF_OK)
		return rc;
	stmt_bind_i64(st, 1, m->id);
	stmt_bind_text(st, 2, sent ? "sent" : dead ? "dead" : "pending", -1);
	stmt_bind_i64(st, 3, attempts);
	stmt_bind_i64(st, 4, now + outbox_backoff_ms(attempts) + jitter);
	stmt_bind_text(st, 5, sent ? NULL : err, -1);
	if (sent || dead)
		stmt_bind_i64(st, 6, now);
	else
		stmt_bind_null(st, 6);
	rc = stmt_step(st);
	stmt_done(st);
	return rc;
}

int outbox_deliver_job(struct app *app, struct db *db)
{
	struct msg m[BATCH];
	char owner[40];
	int n = 0, rc;

	(void)app;
	memset(m, 0, sizeof m);
	snprintf(owner, sizeof owner, "deliver-%08x%08x", randombytes_random(), randombytes_random());
	rc = claim(db, owner, m, &n);
	for (int i = 0; rc == DF_OK && i < n; i++) {
		char err[256] = "";
		int sent = send_webhook(m[i].target, m[i].payload, m[i].key, err, sizeof err) == DF_OK;

		if (!sent)
			log_warn("msg=\"outbox delivery failed\" id=%lld attempt=%d err=\"%s\"",
				 (long long)m[i].id, m[i].attempts + 1, err);
		rc = record(db, &m[i], sent, err);
	}
	msgs_free(m, n);
	return rc;
}

int outbox_api_list(struct request *r)
{
	int status = 500;
	const char *want = req_query(r, "status");
	struct db *db = NULL;
	struct stmt *st = NULL;
	json_t *list = json_array(), *out = NULL;
	int rc;

	if (!want)
		want = "pending";
	if (strcmp(want, "pending") && strcmp(want, "sent") && strcmp(want, "dead")) {
		status = req_problem_field(r, 400, "status", "status must be pending, sent or dead");
		goto out;
	}
	rc = list ? req_db(r, &db) : DF_ENOMEM;
	if (rc == DF_OK)
		rc = db_prepare(db, "SELECT id, channel, target, attempts, next_at, last_error, created_at, done_at"
				    " FROM outbox WHERE status = ?1 ORDER BY id DESC LIMIT 200", &st);
	if (rc == DF_OK)
		stmt_bind_text(st, 1, want, -1);
	while (rc == DF_OK) {
		rc = stmt_step(st);
		if (rc != STMT_ROW)
			break;
		rc = json_array_append_new(list, json_pack("{s:o, s:s, s:s, s:I, s:I, s:s?, s:I}",
			"id", json_id(stmt_i64(st, 0)), "channel", stmt_text(st, 1), "target", stmt_text(st, 2),
			"attempts", (json_int_t)stmt_i64(st, 3), "next_at", (json_int_t)stmt_i64(st, 4),
			"last_error", stmt_text(st, 5), "created_at", (json_int_t)stmt_i64(st, 6))) ? DF_ENOMEM : DF_OK;
	}
	stmt_done(st);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:s, s:o}", "status", want, "messages", list);
	list = NULL;
	status = req_reply_take(r, 200, &out);
out:
	json_decref(list);
	json_decref(out);
	return status;
}

int outbox_api_retry(struct request *r)
{
	int status = 500;
	json_t *out = NULL;
	struct db *db = NULL;
	struct stmt *st = NULL;
	int64_t id = 0, n = 0;
	int rc = req_param_id(r, "id", &id);

	if (rc == DF_OK)
		rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = db_query_i64(db, "SELECT COUNT(*) FROM outbox WHERE id = ?1 AND status = 'dead'", 1, &id, &n);
	if (rc == DF_OK && n == 0) {
		req_problem(r, 404, "no dead message %lld", (long long)id);
		rc = DF_ENOTFOUND;
	}
	if (rc == DF_OK)
		rc = db_begin(db);
	if (rc == DF_OK)
		rc = db_prepare(db, "UPDATE outbox SET status = 'pending', attempts = 0, next_at = ?2 WHERE id = ?1", &st);
	if (rc == DF_OK) {
		stmt_bind_i64(st, 1, id);
		stmt_bind_i64(st, 2, clock_now_ms());
		rc = stmt_step(st);
		stmt_done(st);
	}
	if (rc == DF_OK)
		rc = db_commit(db);
	if (rc != DF_OK) {
		status = req_fail(r, rc);
		goto out;
	}
	out = json_pack("{s:o, s:s}", "id", json_id(id), "status", "pending");
	status = req_reply_take(r, 202, &out);
out:
	json_decref(out);
	return status;
}
