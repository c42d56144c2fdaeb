/*
 * idempotency.h - Idempotency-Key on writes: a client that sends a write
 * again (the web app's offline queue, a tracking app re-sending a batch, a
 * retry after a lost answer) gets the first answer back instead of a second
 * effect.
 *
 * For a signed-in write that carries `Idempotency-Key` (1..100 characters
 * of letters, digits and - _ : .), the key is claimed for the user in the
 * same transaction as the handler's own writes (a store commit hook), so
 * the effect and the claim commit together or not at all.  After a 2xx the
 * answer is kept with it.  Later, the same key from the same user:
 *   - same method, path and body: the kept answer, with
 *     `Idempotent-Replayed: true`, and nothing runs;
 *   - anything else: 422, the key belongs to another request;
 *   - committed less than IDEM_PENDING_MS ago, its answer not kept yet:
 *     409 with Retry-After: 1 (ask again);
 *   - applied but its answer not kept (it was not JSON, or the process
 *     died between commit and keeping it): 409 without Retry-After.
 * All three problems name field "Idempotency-Key".  Two sends racing each
 * other: one commits; the other either fails its claim (409, Retry-After)
 * or fails in its handler on what the first just wrote (a unique CNIC, a
 * post already held), and idem_settle() turns that failure into the
 * answer a repeat gets.  Nothing is written twice.  Keys are kept for 24 hours
 * (the system module's prune job).  Writes without a signed-in user
 * ignore the header.
 */
#ifndef DF_IDEMPOTENCY_H
#define DF_IDEMPOTENCY_H

#include "result.h"

struct request;
struct app;
struct db;

#define IDEM_KEY_MAX 100
#define IDEM_KEEP_MS (24 * 3600 * 1000LL)
#define IDEM_PENDING_MS (10 * 1000LL) /* claimed, answer about to be kept */

/* idem_start - before the handler of a write: 0 to run the handler (the
 * key, if any, will be claimed at its commit), or the status of the answer
 * already made (a replay, or a 400/409/422 problem). */
int idem_start(struct request *r);
/* idem_settle - after a handler that answered status: when it failed
 * (>= 400) and a copy of the request with the same key has committed in
 * the meantime, what a repeat would be answered (a replay or a 409); else status. */
int idem_settle(struct request *r, int status);
/* idem_finish - after the handler: keep a 2xx answer with its claimed key. */
void idem_finish(struct request *r);
/* idem_prune - drop keys older than IDEM_KEEP_MS (a job). */
int idem_prune(struct app *app, struct db *db);

#endif
