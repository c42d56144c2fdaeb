/*
 * search.c - finding files by their number, subject, final notes and the
 * receipts put up in them (docs/FILES.md, "Search").
 *
 *   GET /api/v1/search/files?q=words&limit=N
 *
 * Every word (up to four) must occur, case-insensitively, in one of: the
 * file's number and subject; one of its final notes (a draft is its
 * author's alone and is not searched); one of its receipts' diary, sender
 * and subject.  Candidates are found in SQL (newest first, at most
 * SEARCH_CANDIDATES), then each is checked as GET /api/v1/files/{id}
 * would be (file_visible), so a search never shows a file its reader may
 * not open.  Plain LIKE in the SQL both stores share: it reads every row;
 * an index of words (SQLite FTS5, PostgreSQL tsvector) is the step for
 * large archives.
 */
#include <string.h>
#include "core/http.h"
#include "core/store.h"
#include "files_int.h"

#define SEARCH_CANDIDATES 1000
#define SEARCH_LIMIT_MAX 100

/* A word in the text t: NULL (no such word) matches everything. */
#define IN(t, w) " AND (CAST(" w " AS TEXT) IS NULL OR LOWER(" t ") LIKE " w " ESCAPE '!')"
#define ALL(t) IN(t, "?1") IN(t, "?2") IN(t, "?3") IN(t, "?4")

static const char sql[] =
	"SELECT f.id FROM files f WHERE f.id IN ("
	" SELECT x.id FROM files x WHERE 1 = 1" ALL("x.number || ' ' || x.subject")
	" UNION SELECT n.file_id FROM file_notes n WHERE n.status = 'final'" ALL("n.body")
	" UNION SELECT r.file_id FROM receipts r WHERE r.file_id IS NOT NULL"
	ALL("CAST(r.diary_no AS TEXT) || '/' || CAST(r.year AS TEXT) || ' ' || r.sender || ' ' || r.subject")
	") ORDER BY f.updated_at DESC, f.id DESC LIMIT ?5";

int files_search(struct request *r)
{
	const char *q = req_query(r, "q");
	const char *words[FILES_WORDS_MAX] = { NULL };
	char like[FILES_LIKE_MAX];
	int64_t ids[SEARCH_CANDIDATES], limit = 20;
	size_t n = 0, nwords;
	struct actor a;
	struct stmt *st = NULL;
	struct db *db = NULL;
	json_t *items = NULL, *out = NULL;
	int rc;

	if (!q || strlen(q) < 2 || strlen(q) > 200)
		return req_problem_field(r, 400, "q", "q is 2 to 200 characters");
	if (req_query_int(r, "limit", 1, SEARCH_LIMIT_MAX, 20, &limit) != DF_OK)
		return r->problem_status;
	nwords = files_like_words(q, like, sizeof like, words, FILES_WORDS_MAX);
	if (nwords == 0)
		return req_problem_field(r, 400, "q", "q needs a word");
	rc = req_db(r, &db);
	if (rc == DF_OK)
		rc = actor_load(r, db, &a);
	if (rc == DF_OK)
		rc = db_prepare(db, sql, &st);
	if (rc == DF_OK) {
		for (int i = 0; i < FILES_WORDS_MAX; i++)
			stmt_bind_text(st, 1 + i, words[i], -1);
		stmt_bind_i64(st, 5, SEARCH_CANDIDATES);
		while ((rc = stmt_step(st)) == STMT_ROW && n < SEARCH_CANDIDATES)
			ids[n++] = stmt_i64(st, 0);
		stmt_done(st);
		if (rc == STMT_ROW)
			rc = DF_OK;
	}
	items = rc == DF_OK ? json_array() : NULL;
	if (rc == DF_OK && !items)
		rc = DF_ENOMEM;
	for (size_t i = 0; rc == DF_OK && i < n && json_array_size(items) < (size_t)limit; i++) {
		struct file_row f;
		json_t *one = NULL;
		int v;

		rc = file_read(db, ids[i], &f);
		if (rc != DF_OK)
			break;
		v = file_visible(r, db, &a, &f);
		if (v == DF_ENOTFOUND || v == DF_EDENIED)
			continue;
		rc = v;
		if (rc == DF_OK)
			rc = file_json(db, &f, 0, &one);
		if (rc == DF_OK && json_array_append_new(items, one))
			rc = DF_ENOMEM;
	}
	if (rc != DF_OK) {
		json_decref(items);
		return req_fail(r, rc);
	}
	out = json_pack("{s:s, s:o}", "q", q, "items", items);
	return req_reply_take(r, 200, &out);
}
