/*
 * store_pg.c - the PostgreSQL backend of the store API (libpq).
 *
 * The SQL the modules write is the subset both engines share; this file
 * turns its `?N` parameters into PostgreSQL's `$N`, prepares each statement
 * once per connection (by name, the server inferring parameter types from
 * context), sends every value in text format and reads rows back as text.
 * A statement's whole result is fetched at its first step; modules page
 * large reads with LIMIT, so rows never pile up in memory.
 *
 * Transactions have SQLite's semantics: a write transaction starts with
 * BEGIN and a row lock on the one row of `store_lock`, so writers queue one
 * at a time across every daftar instance on the database while readers run
 * in parallel; READ COMMITTED then lets each statement of the writer see all
 * that committed before it, exactly as SQLite's single writer does.  This is
 * what keeps check-then-insert rules (no overlapping postings, the audit
 * leaf index MAX + 1) correct with several instances, with no advisory lock.
 *
 * A connection that fails (server gone, restarted, network cut) is marked
 * broken and every call on it answers DF_EUNAVAIL until store.c reconnects
 * it (store.c does so when the connection is next taken from the pool, and
 * retries read-only statements outside a transaction).  Statements prepared
 * before a reconnect are prepared again on their next use.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "store_impl.h"

#define BOOL_OID 16 /* pg_type.oid of boolean; rows come back as "t"/"f" */

struct pg_conn {
	PGconn *c;
	unsigned gen;       /* bumped at every (re)connect */
	unsigned next_name; /* statement names are "d<n>", unique per connection */
	int broken;         /* a connection error was seen: DF_EUNAVAIL until reconnected */
};

struct pg_param {
	char *text;   /* owned copy for text values */
	char num[32]; /* numbers are formatted here */
};

struct pg_stmt {
	struct pg_conn *pc;
	char *sql; /* translated to $N */
	char name[16];
	unsigned gen; /* pc->gen when prepared on the server; 0: not prepared */
	int nparams;
	struct pg_param *param;
	const char **values; /* what PQexecPrepared sends; NULL is SQL NULL */
	PGresult *res;       /* the current result, NULL before the first step */
	int row, nrows;
};

/* The session every connection runs in.  Timeouts turn a stuck lock or a
 * runaway query into DF_EBUSY instead of a hung request. */
static const char session_sql[] =
	"SET client_min_messages = warning; SET TIME ZONE 'UTC';"
	" SET statement_timeout = 30000; SET lock_timeout = 10000;"
	" SET idle_in_transaction_session_timeout = 60000";

/* The writer lock: one row, created once per database.  Its DDL lives here,
 * not in a module, because it belongs to how this backend keeps SQLite's
 * transaction semantics. */
static const char lock_sql[] =
	"CREATE TABLE IF NOT EXISTS store_lock (name TEXT PRIMARY KEY);"
	" INSERT INTO store_lock (name) VALUES ('writer') ON CONFLICT (name) DO NOTHING";

static void set_msg(char *err, size_t errlen, const char *msg)
{
	size_t n;

	snprintf(err, errlen, "%s", msg && msg[0] ? msg : "unknown PostgreSQL error");
	for (char *p = err; *p; p++) /* one line, no quotes: it goes into key="value" logs */
		if (*p == '\n' || *p == '\t' || *p == '"')
			*p = *p == '"' ? '\'' : ' ';
	n = strlen(err);
	while (n && err[n - 1] == ' ')
		err[--n] = '\0';
}

/* is_conn_state - SQLSTATEs that mean the connection, not the statement,
 * failed: class 08 (connection exception) and the server shutting down or
 * starting up (57P01..57P03). */
static int is_conn_state(const char *s)
{
	return strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0 ||
	       strcmp(s, "57P03") == 0;
}

/* map_error - the DF_E* code for a failed result (res may be NULL), with the
 * message in err; marks the connection broken when it is the cause. */
static int map_error(struct pg_conn *pc, PGresult *res, char *err, size_t errlen)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	set_msg(err, errlen, res && PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(pc->c));
	if (PQstatus(pc->c) != CONNECTION_OK || !state || is_conn_state(state)) {
		pc->broken = 1;
		return DF_EUNAVAIL;
	}
	if (strncmp(state, "23", 2) == 0) /* integrity: unique, foreign key, check, not null */
		return DF_ECONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0 || strncmp(state, "53", 2) == 0)
		return DF_EBUSY; /* serialisation, deadlock, lock or statement timeout, resources */
	if (strcmp(state, "22021") == 0 || strcmp(state, "22P05") == 0)
		return DF_EINVAL; /* text that is not valid UTF-8 */
	if (strcmp(state, "54000") == 0 || strcmp(state, "22001") == 0)
		return DF_ETOOBIG;
	return DF_ESTORE;
}

/* run - one command without parameters; DF_OK if it succeeded. */
static int run(struct pg_conn *pc, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(pc->c, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = DF_OK;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		rc = map_error(pc, res, err, errlen);
	else if (strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		/* an earlier statement failed and the caller went on regardless */
		set_msg(err, errlen, "the transaction was aborted by an earlier error and rolled back");
		rc = DF_ESTORE;
	}
	PQclear(res);
	return rc;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	log_debug("msg=\"postgresql notice\" notice=\"%.200s\"", msg);
}

/* connect_session - settings every new or reset connection needs. */
static int connect_session(struct pg_conn *pc, char *err, size_t errlen)
{
	if (PQstatus(pc->c) != CONNECTION_OK) {
		set_msg(err, errlen, PQerrorMessage(pc->c));
		pc->broken = 1;
		return DF_EUNAVAIL;
	}
	PQsetNoticeProcessor(pc->c, quiet, NULL);
	pc->gen++;
	pc->broken = 0;
	return run(pc, session_sql, err, errlen);
}

/* ensure_lock_row - create store_lock once.  Two instances starting at the
 * same moment may both try; the loser's error is harmless once the table is
 * there, so it looks again before giving up. */
static int ensure_lock_row(struct pg_conn *pc, char *err, size_t errlen)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		/* to_regclass first: naming a missing table would log an error */
		PGresult *res = PQexec(pc->c, "SELECT 1 WHERE to_regclass('store_lock') IS NOT NULL");
		int have = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;

		PQclear(res);
		if (have) {
			res = PQexec(pc->c, "SELECT 1 FROM store_lock WHERE name = 'writer'");
			have = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
			PQclear(res);
		}
		if (have)
			return DF_OK;
		if (PQstatus(pc->c) != CONNECTION_OK) {
			set_msg(err, errlen, PQerrorMessage(pc->c));
			pc->broken = 1;
			return DF_EUNAVAIL;
		}
		if (run(pc, lock_sql, err, errlen) == DF_OK)
			return DF_OK;
	}
	return DF_ESTORE;
}

static int pg_open(const char *target, void **conn, char *err, size_t errlen)
{
	/* defaults first: settings in the URL itself override them */
	static const char *const keys[] = { "connect_timeout", "application_name", "client_encoding",
					    "keepalives", "keepalives_idle", "keepalives_interval",
					    "keepalives_count", "dbname", NULL };
	const char *vals[] = { "5", "daftar", "UTF8", "1", "30", "10", "3", target, NULL };
	struct pg_conn *pc = calloc(1, sizeof *pc);
	int rc;

	if (!pc) {
		set_msg(err, errlen, "out of memory");
		return DF_ENOMEM;
	}
	pc->c = PQconnectdbParams(keys, vals, 1);
	if (!pc->c) {
		free(pc);
		set_msg(err, errlen, "out of memory");
		return DF_ENOMEM;
	}
	rc = connect_session(pc, err, errlen);
	if (rc == DF_OK)
		rc = ensure_lock_row(pc, err, errlen);
	if (rc != DF_OK) {
		PQfinish(pc->c);
		free(pc);
		return rc;
	}
	*conn = pc;
	return DF_OK;
}

static void pg_close(void *conn)
{
	struct pg_conn *pc = conn;

	if (!pc)
		return;
	PQfinish(pc->c);
	free(pc);
}

static int pg_broken(void *conn)
{
	struct pg_conn *pc = conn;

	return pc->broken || PQstatus(pc->c) != CONNECTION_OK;
}

static int pg_reconnect(void *conn, char *err, size_t errlen)
{
	struct pg_conn *pc = conn;

	PQreset(pc->c);
	return connect_session(pc, err, errlen);
}

static int pg_exec(void *conn, const char *sql, char *err, size_t errlen)
{
	struct pg_conn *pc = conn;

	if (pc->broken) {
		set_msg(err, errlen, "the connection to PostgreSQL was lost");
		return DF_EUNAVAIL;
	}
	return run(pc, sql, err, errlen);
}

/* translate - `?N` (and SQLite's bare `?`, numbered one past the largest
 * so far) to `$N`, leaving quoted text, quoted names and comments alone.
 * Returns a malloc'd string and the number of parameters, or NULL. */
static char *translate(const char *sql, int *nparams)
{
	/* the worst case is a bare `?` (1 byte) becoming `$9999` (5 bytes) */
	size_t len = strlen(sql), size = len * 5 + 1;
	char *out = malloc(size), *o = out;
	int max = 0;

	if (!out)
		return NULL;
	for (const char *p = sql; *p;) {
		if (*p == '\'' || *p == '"') {
			char q = *p;

			*o++ = *p++;
			while (*p && *p != q)
				*o++ = *p++;
			if (*p)
				*o++ = *p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				*o++ = *p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			size_t n = end ? (size_t)(end + 2 - p) : strlen(p);

			memcpy(o, p, n);
			o += n;
			p += n;
		} else if (*p == '?') {
			int n = 0;

			p++;
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9' && n < 10000)
					n = n * 10 + (*p++ - '0');
			} else {
				n = max + 1;
			}
			if (n < 1 || n > 9999) {
				free(out);
				return NULL;
			}
			if (n > max)
				max = n;
			o += snprintf(o, size - (size_t)(o - out), "$%d", n);
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	*nparams = max;
	return out;
}

/* server_prepare - prepare st on its connection if it is not (any more). */
static int server_prepare(struct pg_stmt *st, char *err, size_t errlen)
{
	struct pg_conn *pc = st->pc;
	PGresult *res;
	int rc = DF_OK;

	if (st->gen == pc->gen)
		return DF_OK;
	res = PQprepare(pc->c, st->name, st->sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = map_error(pc, res, err, errlen);
	else
		st->gen = pc->gen;
	PQclear(res);
	return rc;
}

static void clear_params(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->param[i].text);
		st->param[i].text = NULL;
		st->values[i] = NULL;
	}
}

static void pg_reset(void *native)
{
	struct pg_stmt *st = native;

	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	clear_params(st);
}

static void pg_finalize(void *native)
{
	struct pg_stmt *st = native;
	char cmd[40];

	if (!st)
		return;
	pg_reset(st);
	if (st->gen == st->pc->gen && !st->pc->broken) {
		PGresult *res;

		snprintf(cmd, sizeof cmd, "DEALLOCATE %s", st->name);
		res = PQexec(st->pc->c, cmd);
		PQclear(res);
	}
	free(st->param);
	free(st->values);
	free(st->sql);
	free(st);
}

static int pg_prepare(void *conn, const char *sql, void **native, char *err, size_t errlen)
{
	struct pg_conn *pc = conn;
	struct pg_stmt *st = calloc(1, sizeof *st);
	int rc;

	if (!st)
		return DF_ENOMEM;
	st->pc = pc;
	st->row = -1;
	st->sql = translate(sql, &st->nparams);
	if (!st->sql) {
		free(st);
		set_msg(err, errlen, "bad parameter numbering in SQL");
		return DF_ESTORE;
	}
	st->param = calloc((size_t)st->nparams + 1, sizeof *st->param);
	st->values = calloc((size_t)st->nparams + 1, sizeof *st->values);
	if (!st->param || !st->values) {
		pg_finalize(st);
		return DF_ENOMEM;
	}
	snprintf(st->name, sizeof st->name, "d%u", ++pc->next_name);
	if (pc->broken) {
		set_msg(err, errlen, "the connection to PostgreSQL was lost");
		rc = DF_EUNAVAIL;
	} else {
		rc = server_prepare(st, err, errlen);
	}
	if (rc != DF_OK) {
		st->gen = 0; /* nothing to deallocate */
		pg_finalize(st);
		return rc;
	}
	*native = st;
	return DF_OK;
}

/* slot - the parameter idx (1-based), emptied; NULL if out of range. */
static struct pg_param *slot(struct pg_stmt *st, int idx)
{
	struct pg_param *p;

	if (idx < 1 || idx > st->nparams)
		return NULL;
	p = &st->param[idx - 1];
	free(p->text);
	p->text = NULL;
	st->values[idx - 1] = NULL;
	return p;
}

static int pg_bind_i64(void *native, int idx, int64_t v)
{
	struct pg_stmt *st = native;
	struct pg_param *p = slot(st, idx);

	if (!p)
		return DF_EINTERNAL;
	snprintf(p->num, sizeof p->num, "%lld", (long long)v);
	st->values[idx - 1] = p->num;
	return DF_OK;
}

static int pg_bind_double(void *native, int idx, double v)
{
	struct pg_stmt *st = native;
	struct pg_param *p = slot(st, idx);

	if (!p)
		return DF_EINTERNAL;
	if (v != v)
		snprintf(p->num, sizeof p->num, "NaN");
	else if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
		snprintf(p->num, sizeof p->num, "%sInfinity", v < 0 ? "-" : "");
	else
		snprintf(p->num, sizeof p->num, "%.17g", v);
	st->values[idx - 1] = p->num;
	return DF_OK;
}

static int pg_bind_text(void *native, int idx, const char *s, long len)
{
	struct pg_stmt *st = native;
	struct pg_param *p = slot(st, idx);
	size_t n = len < 0 ? strlen(s) : (size_t)len;

	if (!p)
		return DF_EINTERNAL;
	if (memchr(s, '\0', n))
		return DF_EINVAL; /* PostgreSQL text cannot hold NUL */
	p->text = malloc(n + 1);
	if (!p->text)
		return DF_ENOMEM;
	memcpy(p->text, s, n);
	p->text[n] = '\0';
	st->values[idx - 1] = p->text;
	return DF_OK;
}

static int pg_bind_null(void *native, int idx)
{
	struct pg_stmt *st = native;

	return slot(st, idx) ? DF_OK : DF_EINTERNAL;
}

static int pg_step(void *conn, void *native, char *err, size_t errlen)
{
	struct pg_conn *pc = conn;
	struct pg_stmt *st = native;

	if (!st->res) {
		ExecStatusType s;
		int rc;

		if (pc->broken) {
			set_msg(err, errlen, "the connection to PostgreSQL was lost");
			return DF_EUNAVAIL;
		}
		rc = server_prepare(st, err, errlen);
		if (rc != DF_OK)
			return rc;
		st->res = PQexecPrepared(pc->c, st->name, st->nparams, st->values, NULL, NULL, 0);
		s = PQresultStatus(st->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			rc = map_error(pc, st->res, err, errlen);
			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
		st->row = -1;
	}
	if (st->row < st->nrows)
		st->row++;
	return st->row < st->nrows ? STMT_ROW : DF_OK;
}

/* cell - the current row's value of col, NULL for SQL NULL or no such cell. */
static const char *cell(struct pg_stmt *st, int col)
{
	if (!st->res || st->row < 0 || st->row >= st->nrows || col < 0 || col >= PQnfields(st->res) ||
	    PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_col_i64(void *native, int col)
{
	struct pg_stmt *st = native;
	const char *v = cell(st, col);

	if (!v)
		return 0;
	if (PQftype(st->res, col) == BOOL_OID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static double pg_col_double(void *native, int col)
{
	const char *v = cell(native, col);

	return v ? strtod(v, NULL) : 0.0;
}

static const char *pg_col_text(void *native, int col)
{
	return cell(native, col);
}

static int pg_col_isnull(void *native, int col)
{
	return cell(native, col) == NULL;
}

const struct store_ops store_pg_ops = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.broken = pg_broken,
	.reconnect = pg_reconnect,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_i64 = pg_bind_i64,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_i64 = pg_col_i64,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_isnull = pg_col_isnull,
	.reset = pg_reset,
	.backup = NULL, /* pg_dump / pg_basebackup: see docs/DEPLOYMENT.md */
	.begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED;"
		     " SELECT name FROM store_lock WHERE name = 'writer' FOR UPDATE",
	.single_writer = 0, /* the row lock above queues writers in the database */
};
