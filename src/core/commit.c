/*
 * commit.c - the committer thread of group commit (see commit.h).
 *
 * Handlers queue items under a mutex and the committer sleeps on a
 * condition until there is work.  It takes the whole queue (at most
 * COMMIT_BATCH_MAX items), runs them in one transaction on its own store
 * connection, commits, then for each item sets the reply, releases the
 * item and resumes the connection (libmicrohttpd then calls the access
 * handler again, which sends the reply set here: http.c).  After
 * MHD_resume_connection the request belongs to libmicrohttpd's thread
 * again, so nothing here touches it afterwards.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include "app.h"
#include "commit.h"
#include "http.h"
#include "log.h"
#include "store.h"

struct committer {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct commit_item *head, *tail;  /* FIFO */
	int stop;                         /* set by commit_stop */
	int joined;                       /* the thread has ended */
	int running;                      /* items may be queued */
	unsigned long long batches, items; /* for the log at stop */
};

/* run_alone - one item in its own transaction on db; the final result. */
static int run_alone(struct db *db, struct commit_item *it)
{
	int rc = db_begin(db);

	if (rc == DF_OK)
		rc = it->run(db, it);
	if (rc == DF_OK)
		rc = db_commit(db);
	db_rollback(db);
	return rc;
}

/* settle - answer the item, release it and give its connection back. */
static void settle(struct commit_item *it, int rc)
{
	struct request *r = it->r;
	struct MHD_Connection *conn = r->conn;

	r->status = it->answer(it, rc);
	it->release(it);
	MHD_resume_connection(conn);
}

/* run_batch - the items from first (n of them, linked) in one transaction;
 * when any fails, each alone. */
static void run_batch(struct committer *c, struct commit_item *first)
{
	struct db *db = NULL;
	struct commit_item *it, *next;
	int rc = store_acquire(c->app->store, &db);

	if (rc == DF_OK)
		rc = db_begin(db);
	for (it = first; rc == DF_OK && it; it = it->next)
		rc = it->run(db, it);
	if (rc == DF_OK)
		rc = db_commit(db);
	if (db)
		db_rollback(db);
	if (rc == DF_OK) {
		for (it = first; it; it = next) {
			next = it->next;
			settle(it, DF_OK);
		}
	} else {
		/* a bad item (or the store) failed the batch: everyone alone */
		for (it = first; it; it = next) {
			next = it->next;
			settle(it, db ? run_alone(db, it) : rc);
		}
	}
	store_release(db);
}

static void *loop(void *arg)
{
	struct committer *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct commit_item *first, *last;
		size_t n = 1;

		while (!c->head && !c->stop)
			pthread_cond_wait(&c->wake, &c->lock);
		if (!c->head)
			break; /* stopping and drained */
		first = last = c->head;
		while (last->next && n < COMMIT_BATCH_MAX) {
			last = last->next;
			n++;
		}
		c->head = last->next;
		if (!c->head)
			c->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&c->lock);
		run_batch(c, first);
		c->batches++;
		c->items += n;
		pthread_mutex_lock(&c->lock);
	}
	c->running = 0;
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int commit_start(struct app *app)
{
	struct committer *c = calloc(1, sizeof *c);

	if (!c)
		return DF_ENOMEM;
	c->app = app;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	c->running = 1;
	if (pthread_create(&c->thread, NULL, loop, c) != 0) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->wake);
		free(c);
		return DF_EINTERNAL;
	}
	app->committer = c;
	return DF_OK;
}

void commit_stop(struct app *app)
{
	struct committer *c = app->committer;

	if (!c || c->joined)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	c->joined = 1;
	log_info("msg=\"group commit stopped\" batches=%llu items=%llu", c->batches, c->items);
	/* the struct stays: a handler may still be looking at it (and find it
	 * stopped) until libmicrohttpd has stopped too; commit_free frees it */
}

void commit_free(struct app *app)
{
	struct committer *c = app->committer;

	if (!c)
		return;
	app->committer = NULL;
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	free(c);
}

int commit_defer(struct request *r, struct commit_item *it)
{
	struct committer *c = r->app->committer;
	struct db *db = NULL;
	int rc;

	it->r = r;
	it->next = NULL;
	if (c) {
		pthread_mutex_lock(&c->lock);
		if (c->running && !c->stop) {
			/* suspend before the committer can resume it */
			MHD_suspend_connection(r->conn);
			if (c->tail)
				c->tail->next = it;
			else
				c->head = it;
			c->tail = it;
			r->deferred = 1;
			pthread_cond_signal(&c->wake);
			pthread_mutex_unlock(&c->lock);
			return HTTP_DEFERRED;
		}
		pthread_mutex_unlock(&c->lock);
	}
	rc = req_db(r, &db);
	rc = it->answer(it, rc == DF_OK ? run_alone(db, it) : rc);
	it->release(it);
	return rc;
}
