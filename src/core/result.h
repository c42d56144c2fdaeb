/*
 * result.h - the one result type of daftar.
 *
 * Every function that can fail returns an `int` that is 0 (DF_OK) on success
 * or one of the negative DF_E* codes below, and is marked DF_WUR so that the
 * compiler refuses to let a caller drop it.  Detail (which field, which SQL
 * error) is kept on the context the function was given (the request, the
 * store handle), never in a global, and turned into a JSON problem body in
 * exactly one place (http.c).
 */
#ifndef DF_RESULT_H
#define DF_RESULT_H

#define DF_WUR __attribute__((warn_unused_result))

enum df_result {
	DF_OK = 0,
	DF_ENOMEM = -1,     /* allocation failed */
	DF_EINVAL = -2,     /* input is malformed or out of range */
	DF_ENOTFOUND = -3,  /* no such object (or not visible to the caller) */
	DF_ECONFLICT = -4,  /* unique key or state conflict */
	DF_ETOOBIG = -5,    /* a size cap was hit */
	DF_ESTORE = -6,     /* the database failed */
	DF_EIO = -7,        /* file or socket I/O failed */
	DF_EDENIED = -8,    /* authenticated but not allowed */
	DF_EAUTH = -9,      /* not authenticated / bad credentials */
	DF_EBUSY = -10,     /* try again later (lock, throttle) */
	DF_EINTERNAL = -11, /* a bug: an invariant did not hold */
	DF_EUNAVAIL = -12,  /* the database cannot be reached (connection lost) */
};

/* df_strerror - a short English name for a result code, never NULL. */
const char *df_strerror(int rc);

#endif
