/*
 * id.c - time-ordered 64-bit ids (see id.h).  The generator state is one
 * 64-bit word (the last id) advanced with compare-and-swap, so no lock is
 * taken on the hot path.  Ids use real wall time, never the test clock, so
 * that a clock moved by a test cannot make ids collide or go backwards.
 */
#include <stdatomic.h>
#include <time.h>
#include "id.h"

static _Atomic int64_t last_id;
static int64_t node_id;

int id_set_node(int node)
{
	if (node < 0 || node >= (1 << ID_NODE_BITS))
		return DF_EINVAL;
	node_id = node;
	return DF_OK;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t id_next(void)
{
	int64_t prev = atomic_load(&last_id);
	int64_t next;

	do {
		int64_t ms = wall_ms() - ID_EPOCH_MS;
		int64_t cand = (ms << (ID_NODE_BITS + ID_SEQ_BITS)) | (node_id << ID_SEQ_BITS);

		/* Same millisecond (or clock went back): take the next sequence;
		 * on overflow this borrows from the next millisecond, which keeps
		 * order and uniqueness. Node bits are preserved by stepping over them. */
		if (cand <= prev) {
			int64_t seq = (prev & ((1 << ID_SEQ_BITS) - 1)) + 1;
			int64_t base = prev & ~(int64_t)((1 << ID_SEQ_BITS) - 1);

			if (seq >= (1 << ID_SEQ_BITS)) {
				base += (int64_t)1 << (ID_NODE_BITS + ID_SEQ_BITS);
				seq = 0;
			}
			cand = base | seq;
		}
		next = cand;
	} while (!atomic_compare_exchange_weak(&last_id, &prev, next));
	return next;
}

int64_t id_time_ms(int64_t id)
{
	return (id >> (ID_NODE_BITS + ID_SEQ_BITS)) + ID_EPOCH_MS;
}
