/*
 * result.c - names of the result codes (see result.h).
 */
#include "result.h"

const char *df_strerror(int rc)
{
	switch (rc) {
	case DF_OK: return "ok";
	case DF_ENOMEM: return "out of memory";
	case DF_EINVAL: return "invalid input";
	case DF_ENOTFOUND: return "not found";
	case DF_ECONFLICT: return "conflict";
	case DF_ETOOBIG: return "too large";
	case DF_ESTORE: return "database error";
	case DF_EIO: return "I/O error";
	case DF_EDENIED: return "denied";
	case DF_EAUTH: return "not authenticated";
	case DF_EBUSY: return "busy";
	case DF_EINTERNAL: return "internal error";
	case DF_EUNAVAIL: return "database unreachable";
	default: return "unknown error";
	}
}
