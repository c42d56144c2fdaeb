/*
 * commit.h - group commit: the writes of many requests in one transaction.
 *
 * One durable commit (an fsync on SQLite with synchronous=FULL, a WAL flush
 * on PostgreSQL) costs far more than the rows it carries: on a 2-core
 * machine SQLite commits ~4,000 transactions/s but ~370,000 rows/s in
 * batches.  A handler whose write is small and frequent (a device's check-
 * in) therefore does not open its own transaction: it prepares a
 * commit_item, and commit_defer() suspends the HTTP connection and queues
 * the item for the committer thread.  The committer takes every item
 * waiting (up to COMMIT_BATCH_MAX), runs them in one transaction, commits,
 * sets each request's reply and resumes its connection.  While one batch
 * commits the next one gathers, so the batch grows with the load and a
 * lone request waits for nobody.
 *
 * Every reply is sent only after the commit that holds its write: a 2xx is
 * durable.  If any item fails, the batch is rolled back and every item is
 * run again in its own transaction, so one bad item costs the others
 * nothing but time and each gets its own answer.
 */
#ifndef DF_COMMIT_H
#define DF_COMMIT_H

#include "result.h"

struct app;
struct db;
struct request;

#define COMMIT_BATCH_MAX 512  /* items of one transaction */
#define HTTP_DEFERRED 1       /* a handler's status: the reply is set later */

/* One request's deferred write.  Embed it in the handler's own struct. */
struct commit_item {
	struct request *r;
	/* run - the item's writes inside the open transaction; DF_OK or an
	 * error (which dooms the transaction: the committer then retries
	 * every item of the batch alone). */
	int (*run)(struct db *db, struct commit_item *it);
	/* answer - set r's reply from the final result (DF_OK once committed,
	 * else the error) and return its status, as a handler returns it
	 * (req_reply_take, req_fail...).  Called once. */
	int (*answer)(struct commit_item *it, int rc);
	/* release - free the item (after answer; r must not be touched after). */
	void (*release)(struct commit_item *it);
	struct commit_item *next;   /* the committer's queue */
};

/* commit_start - start the committer thread of app (http_start calls it). */
int commit_start(struct app *app) DF_WUR;
/* commit_stop - run what is queued, answer it, and stop the thread; items
 * deferred after that run at once in their own transaction. */
void commit_stop(struct app *app);
/* commit_free - free what commit_start made, once no handler can run
 * (after libmicrohttpd stopped); NULL committer is fine. */
void commit_free(struct app *app);

/* commit_defer - from a handler: queue it (it->r is set to r) and suspend
 * r's connection; returns HTTP_DEFERRED, which the handler returns.
 * Without a committer (not started, stopping) the item runs at once in its
 * own transaction and the reply's status is returned instead. */
int commit_defer(struct request *r, struct commit_item *it);

#endif
