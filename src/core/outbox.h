/*
 * outbox.h - everything daftar sends outward goes through the outbox table:
 * a module enqueues a message inside the transaction of the write that
 * caused it, so the message exists if and only if the write committed; the
 * delivery job (outbox.deliver, every 5 s) claims due messages, sends them
 * and records the outcome, retrying failures with exponential backoff
 * (30 s, 1, 2, 4 ... min, at most 6 h apart, with jitter) up to
 * OUTBOX_MAX_ATTEMPTS, after which the message is marked dead and shown to
 * administrators.  A crash between sending and recording means the message
 * is sent again: receivers get an Idempotency-Key header to drop repeats.
 *
 * Channels: "webhook" (HTTP POST of the JSON payload to target, via
 * libcurl, 2xx = delivered).  Later modules add SMS and mail channels here.
 */
#ifndef DF_OUTBOX_H
#define DF_OUTBOX_H

#include <jansson.h>
#include <stdint.h>
#include "result.h"

struct app;
struct db;
struct request;

#define OUTBOX_MAX_ATTEMPTS 12
#define OUTBOX_PAYLOAD_MAX (256 * 1024)

/* outbox_enqueue - add a message inside the caller's open transaction.
 * channel: "webhook"; target: the URL (http/https, <= 1000 bytes); payload:
 * a JSON value (<= OUTBOX_PAYLOAD_MAX serialised); idem_key: unique per
 * message (NULL makes one from the id).  A repeated idem_key adds nothing
 * and is DF_ECONFLICT; the transaction stays usable, so a caller may treat
 * it as already done. */
int outbox_enqueue(struct db *db, const char *channel, const char *target, json_t *payload,
		   const char *idem_key, int64_t *id) DF_WUR;
/* outbox_deliver_job - the job: send up to 50 due messages. */
int outbox_deliver_job(struct app *app, struct db *db);
/* outbox_backoff_ms - delay before retry after `attempts` failures (no jitter). */
int64_t outbox_backoff_ms(int attempts);
/* GET /api/v1/system/outbox?status=pending|sent|dead - administrators. */
int outbox_api_list(struct request *r);
/* POST /api/v1/system/outbox/{id}/retry - a dead message is tried again now. */
int outbox_api_retry(struct request *r);

#endif
