/*
 * inbox.h - the in-app inbox: messages for a person, written by modules
 * inside the transaction of whatever caused them (an absence alert, later a
 * file marked to someone, a task's deadline) and read in the web app.
 * Module: `inbox_module` (GET /api/v1/inbox, POST /api/v1/inbox/{id}/read).
 *
 * A message has a kind ("attendance.absence"), structured data the web app
 * turns into a sentence in the reader's language, an English text for any
 * other client, and a link into the app.  Messages are the recipient's
 * only: another person's message is 404.  What is sent outside daftar (SMS,
 * mail, webhooks) goes through the outbox (outbox.h), not here.
 */
#ifndef DF_INBOX_H
#define DF_INBOX_H

#include <jansson.h>
#include <stdint.h>
#include "module.h"
#include "result.h"

struct db;

extern const struct module inbox_module;

#define INBOX_KIND_MAX 64
#define INBOX_TEXT_MAX 1000
#define INBOX_LINK_MAX 300
#define INBOX_DATA_MAX 8192

/* inbox_post - a message to person inside the caller's transaction:
 * kind (1..64 bytes of [a-z0-9._]), data (a JSON object, borrowed, at
 * most INBOX_DATA_MAX serialised; NULL for none), text (1..1000 bytes),
 * link (an app path beginning with '/', or NULL).  *id (may be NULL) gets
 * the message's id.  DF_EINVAL for arguments outside those bounds. */
int inbox_post(struct db *db, int64_t person, const char *kind, json_t *data, const char *text,
	       const char *link, int64_t *id) DF_WUR;

#endif
