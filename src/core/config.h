/*
 * config.h - every setting of daftar, with its default, read from an INI
 * file (inih) and then overridden from the command line.
 *
 * The file has sections; a key is named `section.key` on the command line
 * too (`--set server.threads=8`).  Unknown keys and bad values are errors
 * with the line number, never silently ignored.  See docs/DEPLOYMENT.md and
 * daftar.ini.example for the list.
 */
#ifndef DF_CONFIG_H
#define DF_CONFIG_H

#include <stddef.h>
#include "result.h"

struct config {
	/* [server] */
	char listen[64];        /* ADDR:PORT, default 127.0.0.1:8080 */
	int threads;            /* libmicrohttpd worker threads */
	int conn_timeout_s;     /* idle connection timeout */
	int conn_memory_kb;     /* per-connection memory pool (bounds headers) */
	int max_conns;          /* concurrent connections */
	int test_clock;         /* 1: the clock may be set over the API */
	char web_root[512];     /* static files of the web app ("" = none) */
	char public_url[256];   /* how people reach daftar ("https://daftar.balochistan.gov.pk"); links printed on paper (file covers); default: from the request's Host */
	char log_level[8];      /* debug, info, warn, error */
	int node_id;            /* 0..1023, unique per instance (ids) */
	int jobs;               /* 1: run the scheduler in this process */
	char trusted_proxies[512]; /* addresses/networks whose X-Forwarded-For is believed */
	/* [store] */
	char db[512];           /* path, sqlite:PATH or postgresql://... */
	int db_pool;            /* connections in the pool */
	/* [auth] */
	int session_idle_s;     /* a session ends after this long unused */
	int session_max_s;      /* ... and this long after login at most */
	int cookie_secure;      /* 1: cookies carry Secure (behind TLS) */
	int login_max_failures; /* failures per user or address per window */
	int login_window_s;     /* the throttling window */
	int argon_ops;          /* Argon2id opslimit */
	int argon_mem_kb;       /* Argon2id memlimit in KiB */
	int hash_concurrency;   /* Argon2id hashes at once (memory bound) */
	int token_max_days;     /* longest lifetime of an API token */
	/* [audit] */
	char key_file[512];     /* Ed25519 key; default <db>.key */
	char blob_dir[512];     /* uploaded files (blob.h); default <db>.blobs, or var/blobs for a server store */
	int checkpoint_s;       /* how often the checkpoint job signs */
	/* [data] */
	char data_dir[512];     /* reference data shipped with daftar */
	/* [attendance] (docs/ATTENDANCE.md) */
	int att_future_skew_s;  /* a fix later than now + this is rejected */
	int att_max_age_h;      /* a fix older than this is rejected */
	int att_max_accuracy_m; /* worse accuracy is doubtful */
	int att_max_speed_kmh;  /* faster travel from the previous fix is doubtful */
	int att_thin_s;         /* device fixes closer than this to the last kept one are dropped */
	int att_shift_start_min; /* default duty start, minutes after midnight */
	int att_shift_end_min;  /* default duty end */
	int att_grace_min;      /* default grace before a presence is late */
	char att_absence_days[256]; /* "role:alert:action,..."; "*" = every other role */
	int att_absence_s;      /* how often the absence job runs */
	int att_close_s;        /* how often the close job keeps past days' totals */
	int files_overdue_s;    /* how often the files.overdue job looks for overdue files */
	int files_escalate_days; /* working days overdue before the holder's supervisor is told */
	int files_attachment_max_kb; /* the largest scan attached to a receipt */
	char att_alert_webhook[512]; /* outbox target of absence alerts ("" = none) */
};

/* config_defaults - fill every field with its default. */
void config_defaults(struct config *c);
/* config_load_file - read an INI file over c. DF_EIO if unreadable, DF_EINVAL
 * with a message in err (key and line) for an unknown key or bad value. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen) DF_WUR;
/* config_set - set one `section.key` to value text, as from --set. */
int config_set(struct config *c, const char *name, const char *value, char *err, size_t errlen) DF_WUR;
/* config_role_days - look role up in a "role:alert:action,..." list (the
 * attendance.absence_days setting): the entry for role, else the "*" one.
 * DF_OK with *alert and *action set (both >= 1, alert <= action),
 * DF_ENOTFOUND when neither is there, DF_EINVAL when spec is malformed
 * (config_set refuses such a value, so a running server never sees one). */
int config_role_days(const char *spec, const char *role, int *alert, int *action) DF_WUR;

/* config_finish - derive defaults that depend on others: the key file is
 * DB.key for a file store and must be set when the store is a URL. */
void config_finish(struct config *c);

#endif
