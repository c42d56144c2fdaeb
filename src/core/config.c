/*
 * config.c - the table of settings (name, type, bounds, field) and the inih
 * glue that fills it (see config.h).  Adding a setting is one row here and
 * one field in struct config.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

enum kind { K_INT, K_STR };

struct setting {
	const char *name;  /* section.key */
	enum kind kind;
	size_t off;        /* offset of the field */
	size_t size;       /* for K_STR: the field's size */
	long min, max;     /* for K_INT */
	int (*check)(const char *value); /* K_STR: DF_OK if the value is well formed (NULL: any) */
};

#define INT(n, f, lo, hi) { n, K_INT, offsetof(struct config, f), 0, lo, hi, NULL }
#define STR(n, f) { n, K_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0, NULL }
#define STR_CHECKED(n, f, chk) { n, K_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f), 0, 0, chk }

static int check_role_days(const char *value);
static int check_url(const char *value);

static const struct setting settings[] = {
	STR("server.listen", listen),
	INT("server.threads", threads, 1, 256),
	INT("server.conn_timeout_s", conn_timeout_s, 1, 3600),
	INT("server.conn_memory_kb", conn_memory_kb, 16, 65536),
	INT("server.max_conns", max_conns, 1, 100000),
	INT("server.test_clock", test_clock, 0, 1),
	STR("server.web_root", web_root),
	STR("server.public_url", public_url),
	STR("server.log_level", log_level),
	INT("server.node_id", node_id, 0, 1023),
	INT("server.jobs", jobs, 0, 1),
	STR("server.trusted_proxies", trusted_proxies),
	STR("store.db", db),
	INT("store.pool", db_pool, 1, 64),
	INT("auth.session_idle_s", session_idle_s, 10, 30 * 86400),
	INT("auth.session_max_s", session_max_s, 10, 90 * 86400),
	INT("auth.cookie_secure", cookie_secure, 0, 1),
	INT("auth.login_max_failures", login_max_failures, 1, 1000),
	INT("auth.login_window_s", login_window_s, 1, 86400),
	INT("auth.argon_ops", argon_ops, 1, 10),
	INT("auth.argon_mem_kb", argon_mem_kb, 8 * 1024, 1024 * 1024),
	INT("auth.hash_concurrency", hash_concurrency, 1, 64),
	INT("auth.token_max_days", token_max_days, 1, 3650),
	STR("audit.key_file", key_file),
	STR("blobs.dir", blob_dir),
	INT("audit.checkpoint_s", checkpoint_s, 1, 86400),
	STR("data.dir", data_dir),
	INT("attendance.future_skew_s", att_future_skew_s, 0, 86400),
	INT("attendance.max_age_h", att_max_age_h, 1, 24 * 90),
	INT("attendance.max_accuracy_m", att_max_accuracy_m, 1, 100000),
	INT("attendance.max_speed_kmh", att_max_speed_kmh, 1, 5000),
	INT("attendance.thin_s", att_thin_s, 0, 86400),
	INT("attendance.shift_start_min", att_shift_start_min, 0, 1439),
	INT("attendance.shift_end_min", att_shift_end_min, 1, 1440),
	INT("attendance.grace_min", att_grace_min, 0, 240),
	STR_CHECKED("attendance.absence_days", att_absence_days, check_role_days),
	INT("attendance.absence_s", att_absence_s, 1, 86400),
	INT("attendance.close_s", att_close_s, 1, 86400),
	INT("files.overdue_s", files_overdue_s, 1, 86400),
	INT("files.escalate_days", files_escalate_days, 1, 365),
	INT("files.attachment_max_kb", files_attachment_max_kb, 1, 20480),
	STR_CHECKED("attendance.alert_webhook", att_alert_webhook, check_url),
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
	c->threads = 4;
	c->conn_timeout_s = 30;
	c->conn_memory_kb = 64;
	c->max_conns = 1024;
	snprintf(c->log_level, sizeof c->log_level, "info");
	c->jobs = 1;
	snprintf(c->db, sizeof c->db, "var/daftar.db");
	c->db_pool = 8;
	c->session_idle_s = 30 * 60;
	c->session_max_s = 12 * 3600;
	c->login_max_failures = 5;
	c->login_window_s = 15 * 60;
	c->argon_ops = 2;
	c->argon_mem_kb = 64 * 1024;
	c->hash_concurrency = 2;
	c->token_max_days = 365;
	c->checkpoint_s = 60;
	snprintf(c->data_dir, sizeof c->data_dir, "data");
	c->att_future_skew_s = 300;
	c->att_max_age_h = 7 * 24;
	c->att_max_accuracy_m = 100;
	c->att_max_speed_kmh = 250;
	c->att_thin_s = 300;
	c->att_shift_start_min = 9 * 60;
	c->att_shift_end_min = 17 * 60;
	c->att_grace_min = 15;
	snprintf(c->att_absence_days, sizeof c->att_absence_days, "*:3:15");
	c->att_absence_s = 3600;
	c->att_close_s = 3600;
	c->files_overdue_s = 3600;
	c->files_escalate_days = 3;
	c->files_attachment_max_kb = 10240;
}

/* read_days - a whole number 1..3660 at *s, advancing *s past it. */
static int read_days(const char **s, int *out)
{
	long v = 0;
	int digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 5) {
		v = v * 10 + (**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || v < 1 || v > 3660)
		return DF_EINVAL;
	*out = (int)v;
	return DF_OK;
}

int config_role_days(const char *spec, const char *role, int *alert, int *action)
{
	int found = 0, star = 0, star_alert = 0, star_action = 0;
	const char *s = spec;

	if (!spec)
		return DF_EINVAL;
	while (*s) {
		const char *name = s, *colon = strchr(s, ':');
		size_t len;
		int a, b;

		if (!colon)
			return DF_EINVAL;
		len = (size_t)(colon - name);
		if (len == 0 || len > 32)
			return DF_EINVAL;
		for (size_t i = 0; i < len; i++) {
			char ch = name[i];

			if (!((ch >= 'a' && ch <= 'z') || ch == '_' || (len == 1 && ch == '*')))
				return DF_EINVAL;
		}
		s = colon + 1;
		if (read_days(&s, &a) != DF_OK || *s++ != ':' || read_days(&s, &b) != DF_OK || a > b)
			return DF_EINVAL;
		if (*s == ',')
			s++;
		else if (*s)
			return DF_EINVAL;
		if (len == 1 && name[0] == '*') {
			star = 1;
			star_alert = a;
			star_action = b;
		} else if (role && !found && strlen(role) == len && memcmp(role, name, len) == 0) {
			found = 1;
			*alert = a;
			*action = b;
		}
	}
	if (found)
		return DF_OK;
	if (!star)
		return DF_ENOTFOUND;
	*alert = star_alert;
	*action = star_action;
	return DF_OK;
}

static int check_role_days(const char *value)
{
	int a, b, rc = config_role_days(value, NULL, &a, &b);

	return rc == DF_ENOTFOUND ? DF_OK : rc;
}

/* check_url - "" or an http(s) URL without spaces or control characters. */
static int check_url(const char *value)
{
	if (!*value)
		return DF_OK;
	if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
		return DF_EINVAL;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return DF_EINVAL;
	return DF_OK;
}

int config_set(struct config *c, const char *name, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		const struct setting *s = &settings[i];
		char *end = NULL;
		long v;

		if (strcmp(s->name, name) != 0)
			continue;
		if (s->kind == K_STR) {
			if (strlen(value) >= s->size) {
				snprintf(err, errlen, "%s: value longer than %zu bytes", name, s->size - 1);
				return DF_EINVAL;
			}
			if (s->check && s->check(value) != DF_OK) {
				snprintf(err, errlen, "%s: not a valid value (see docs/DEPLOYMENT.md)", name);
				return DF_EINVAL;
			}
			snprintf((char *)c + s->off, s->size, "%s", value);
			return DF_OK;
		}
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < s->min || v > s->max) {
			snprintf(err, errlen, "%s: expected a whole number from %ld to %ld", name, s->min, s->max);
			return DF_EINVAL;
		}
		*(int *)((char *)c + s->off) = (int)v;
		return DF_OK;
	}
	snprintf(err, errlen, "unknown setting '%s'", name);
	return DF_EINVAL;
}

struct load_ctx {
	struct config *c;
	char *err;
	size_t errlen;
	int failed;
};

/* on_pair - inih's callback; a bad pair stops the parse and inih returns
 * its line number, which config_load_file puts in front of the message. */
static int on_pair(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *ctx = user;
	char name[128];

	if (ctx->failed)
		return 0;
	snprintf(name, sizeof name, "%s.%s", section, key);
	if (config_set(ctx->c, name, value, ctx->err, ctx->errlen) != DF_OK) {
		ctx->failed = 1;
		return 0;
	}
	return 1;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	struct load_ctx ctx = { c, err, errlen, 0 };
	int rc = ini_parse(path, on_pair, &ctx);

	if (rc == -1) {
		snprintf(err, errlen, "cannot open %s", path);
		return DF_EIO;
	}
	if (ctx.failed) {
		char e[256];

		snprintf(e, sizeof e, "%s", err);
		snprintf(err, errlen, "%s line %d: %s", path, rc, e);
		return DF_EINVAL;
	}
	if (rc != 0) {
		snprintf(err, errlen, "line %d: not a setting", rc);
		return DF_EINVAL;
	}
	return DF_OK;
}

void config_finish(struct config *c)
{
	/* a file store keeps its key beside it; a server store has no "beside" */
	if (!c->key_file[0] && !strstr(c->db, "://"))
		snprintf(c->key_file, sizeof c->key_file, "%.500s.key", c->db);
	/* uploads likewise: beside a file store, var/blobs for a server store
	 * (instances sharing a server store must share that directory) */
	if (!c->blob_dir[0] && strstr(c->db, "://"))
		snprintf(c->blob_dir, sizeof c->blob_dir, "var/blobs");
	else if (!c->blob_dir[0])
		snprintf(c->blob_dir, sizeof c->blob_dir, "%.500s.blobs", c->db);
}
