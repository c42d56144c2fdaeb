/*
 * load.c - org_load_reference: Balochistan's real tree from the files in
 * data_dir (see data/SOURCES.md), in one transaction, idempotent.
 *
 *   1. the base: the province, the 8 divisions and the 34 districts of the
 *      2023 census (admin/balochistan-districts-2023.csv, PBS) with their
 *      polygons (the GeoJSON files in geo/, OpenStreetMap), valid from the census day
 *      2023-03-01; and the districts created before it (rows of the change
 *      file dated earlier: Hub and Usta Muhammad, 2022-06-07), valid from
 *      their own day, without a polygon (the 2023 polygons of Lasbela and
 *      Jaffarabad still contain them).  The divisions are dated from the
 *      earliest of these days so that those districts always have a
 *      parent; the province from 1 July 1970.  Skipped when the province
 *      exists.
 *   2. every later date of admin/balochistan-changes-2022-2026.csv as one
 *      change set through org_apply_change (the code the API uses),
 *      skipped when a change set with the same reference exists.
 *   3. the departments of admin/departments.csv, each skipped if its code
 *      exists.
 *
 * The CSV reader is small and bounded (lines of at most 1024 bytes, at most
 * 8 fields, "quoted" fields with "" for a quote); the GeoJSON files are
 * read with jansson and each geometry is stored as compact JSON text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../core/audit.h"
#include "../core/http.h"
#include "../core/id.h"
#include "../core/log.h"
#include "../core/store.h"
#include "restructure.h"

#define CSV_LINE_MAX 1024
#define CSV_FIELDS_MAX 8
#define CHANGE_ROWS_MAX 256
#define BASE_ROWS_MAX 64
#define GEOJSON_FILE_MAX (16L * 1024 * 1024)
#define PROVINCE_NAME "Balochistan"
#define PROVINCE_FROM "1970-07-01"   /* Balochistan became a province on 1 July 1970 */
#define CENSUS_DAY "2023-03-01"      /* the census's list of districts "as on 01-03-2023" */
#define CHANGES_FILE "balochistan-changes-2022-2026.csv"

/* ------------------------------------------------------------- CSV */

struct csv {
	FILE *f;
	const char *path;       /* for messages */
	int line;               /* 1-based number of the last line read */
};

struct csv_row {
	char text[CSV_LINE_MAX + CSV_FIELDS_MAX + 1]; /* the fields, NUL-separated */
	const char *f[CSV_FIELDS_MAX];   /* the fields */
	int n;                           /* how many */
};

/* read_line - one line without its "\n" / "\r\n"; 1 read, 0 at end, DF_EINVAL
 * for a line too long or holding a NUL byte. */
static int read_line(struct csv *c, char *out, size_t cap)
{
	size_t n = 0;
	int ch = getc(c->f);

	if (ch == EOF)
		return 0;
	c->line++;
	while (ch != EOF && ch != '\n') {
		if (ch == 0 || n + 1 >= cap)
			return DF_EINVAL;
		out[n++] = (char)ch;
		ch = getc(c->f);
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	if (c->line == 1 && strncmp(out, "\xEF\xBB\xBF", 3) == 0)
		memmove(out, out + 3, n - 2);
	return 1;
}

/* split - cut line into fields (quoted or bare; spaces around bare fields dropped). */
static int split(const char *line, struct csv_row *row)
{
	size_t o = 0;
	const char *p = line;

	row->n = 0;
	for (;;) {
		const char *start;

		if (row->n == CSV_FIELDS_MAX)
			return DF_EINVAL;
		row->f[row->n++] = &row->text[o];
		while (*p == ' ')
			p++;
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '\0')
					return DF_EINVAL;
				if (*p == '"' && p[1] != '"')
					break;
				if (*p == '"')
					p++;
				row->text[o++] = *p;
			}
			p++;
			while (*p == ' ')
				p++;
		} else {
			start = &row->text[o];
			while (*p && *p != ',') {
				if (*p == '"')
					return DF_EINVAL;
				row->text[o++] = *p++;
			}
			while (&row->text[o] > start && row->text[o - 1] == ' ')
				o--;
		}
		row->text[o++] = '\0';
		if (*p == '\0')
			return DF_OK;
		if (*p != ',')
			return DF_EINVAL;
		p++;
	}
}

/* csv_next - the next row that is not blank or a # comment: 1, 0 at end, DF_EINVAL. */
static int csv_next(struct csv *c, struct csv_row *row)
{
	char line[CSV_LINE_MAX + 2];

	for (;;) {
		const char *p = line;
		int rc = read_line(c, line, sizeof line);

		if (rc <= 0)
			return rc;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		return split(line, row) == DF_OK ? 1 : DF_EINVAL;
	}
}

/* csv_open - open data_dir/rel and check its header against want (comma list). */
static int csv_open(struct csv *c, const char *path, const char *want)
{
	struct csv_row row;
	char got[CSV_LINE_MAX + 1] = "";
	size_t o = 0;

	memset(c, 0, sizeof *c);
	c->path = path;
	c->f = fopen(path, "r");
	if (!c->f) {
		log_error("msg=\"cannot open reference file\" path=\"%s\"", path);
		return DF_EIO;
	}
	if (csv_next(c, &row) != 1)
		goto bad;
	for (int i = 0; i < row.n && o < sizeof got; i++)
		o += (size_t)snprintf(got + o, sizeof got - o, "%s%s", i ? "," : "", row.f[i]);
	if (strcmp(got, want) == 0)
		return DF_OK;
bad:
	log_error("msg=\"reference file has not the expected header\" path=\"%s\" want=\"%s\"", path, want);
	fclose(c->f);
	c->f = NULL;
	return DF_EINVAL;
}

static void csv_close(struct csv *c)
{
	if (c->f)
		fclose(c->f);
	c->f = NULL;
}

/* copy_field - copy a field into a fixed buffer; DF_EINVAL if it does not fit. */
static int copy_field(char *dst, size_t cap, const char *src)
{
	int n = snprintf(dst, cap, "%s", src);

	return n < 0 || (size_t)n >= cap ? DF_EINVAL : DF_OK;
}

/* ------------------------------------------------------------- loader state */

/* One row of the change file. */
struct crow {
	char date[11];
	char action[16];
	char kind[16];
	char unit[ORG_NAME_MAX + 1];
	char from[ORG_NAME_MAX + 1];
	char to[ORG_NAME_MAX + 1];
	char note[256];
};

/* One row of the 2023 district list. */
struct brow {
	char division[ORG_NAME_MAX + 1];
	char district[ORG_NAME_MAX + 1];
};

struct loader {
	struct app *app;
	struct db *db;
	const char *dir;                  /* data_dir */
	struct crow *changes;             /* the change file, in file order */
	size_t nchanges;
	struct brow base[BASE_ROWS_MAX];  /* the 2023 districts */
	size_t nbase;
};

static int path_of(const struct loader *l, const char *rel, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", l->dir, rel);

	return n < 0 || (size_t)n >= cap ? DF_ETOOBIG : DF_OK;
}

static int read_changes(struct loader *l)
{
	struct csv c = { 0 };
	struct csv_row row;
	char path[1024];
	int rc = path_of(l, "admin/" CHANGES_FILE, path, sizeof path);

	if (rc == DF_OK)
		rc = csv_open(&c, path, "effective_date,change,unit_type,unit,from,to,note");
	if (rc != DF_OK)
		return rc;
	for (;;) {
		struct crow *cr;
		cal_day d;
		int got = csv_next(&c, &row);

		if (got == 0)
			break;
		rc = DF_EINVAL;
		if (got < 0 || row.n != 7 || l->nchanges == CHANGE_ROWS_MAX || cal_parse(row.f[0], &d) != DF_OK)
			goto bad;
		cr = &l->changes[l->nchanges];
		if (copy_field(cr->date, sizeof cr->date, row.f[0]) || copy_field(cr->action, sizeof cr->action, row.f[1]) ||
		    copy_field(cr->kind, sizeof cr->kind, row.f[2]) || copy_field(cr->unit, sizeof cr->unit, row.f[3]) ||
		    copy_field(cr->from, sizeof cr->from, row.f[4]) || copy_field(cr->to, sizeof cr->to, row.f[5]) ||
		    copy_field(cr->note, sizeof cr->note, row.f[6]))
			goto bad;
		if (l->nchanges > 0 && strcmp(cr->date, l->changes[l->nchanges - 1].date) < 0)
			goto bad; /* dates must not go backwards */
		l->nchanges++;
	}
	csv_close(&c);
	return DF_OK;
bad:
	log_error("msg=\"bad line in reference file\" path=\"%s\" line=%d", path, c.line);
	csv_close(&c);
	return rc;
}

static int read_base(struct loader *l)
{
	struct csv c = { 0 };
	struct csv_row row;
	char path[1024];
	int rc = path_of(l, "admin/balochistan-districts-2023.csv", path, sizeof path);

	if (rc == DF_OK)
		rc = csv_open(&c, path, "division,district,population_2023,note");
	if (rc != DF_OK)
		return rc;
	for (;;) {
		struct brow *b;
		int got = csv_next(&c, &row);

		if (got == 0)
			break;
		b = &l->base[l->nbase];
		if (got < 0 || row.n != 4 || l->nbase == BASE_ROWS_MAX || copy_field(b->division, sizeof b->division, row.f[0]) ||
		    copy_field(b->district, sizeof b->district, row.f[1]) || !org_name_ok(b->division) ||
		    !org_name_ok(b->district)) {
			log_error("msg=\"bad line in reference file\" path=\"%s\" line=%d", path, c.line);
			csv_close(&c);
			return DF_EINVAL;
		}
		l->nbase++;
	}
	csv_close(&c);
	return DF_OK;
}

/* ------------------------------------------------------------- GeoJSON */

/* load_geo - the features of a GeoJSON FeatureCollection file. */
static int load_geo(const struct loader *l, const char *rel, json_t **root)
{
	json_error_t e;
	struct stat sb;
	char path[1024];
	int rc = path_of(l, rel, path, sizeof path);

	*root = NULL;
	if (rc != DF_OK)
		return rc;
	if (stat(path, &sb) != 0 || sb.st_size > GEOJSON_FILE_MAX) {
		log_error("msg=\"cannot read GeoJSON (missing or over 16 MiB)\" path=\"%s\"", path);
		return DF_EIO;
	}
	*root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!*root) {
		log_error("msg=\"bad GeoJSON\" path=\"%s\" line=%d err=\"%s\"", path, e.line, e.text);
		return DF_EINVAL;
	}
	if (!json_is_array(json_object_get(*root, "features"))) {
		log_error("msg=\"GeoJSON is not a FeatureCollection\" path=\"%s\"", path);
		return DF_EINVAL;
	}
	return DF_OK;
}

/* feature_named - the feature whose properties.name is name, or NULL. */
static json_t *feature_named(json_t *root, const char *name)
{
	json_t *features = json_object_get(root, "features");
	size_t i;
	json_t *f;

	json_array_foreach(features, i, f) {
		const char *n = json_string_value(json_object_get(json_object_get(f, "properties"), "name"));

		if (n && strcmp(n, name) == 0)
			return f;
	}
	return NULL;
}

/* set_polygon - store the geometry of the feature called name for unit. */
static int set_polygon(struct loader *l, json_t *root, const char *name, int64_t unit)
{
	json_t *f = feature_named(root, name);
	json_t *g = json_object_get(f, "geometry");
	const char *type = json_string_value(json_object_get(g, "type"));
	char *text = NULL;
	int rc;

	if (!f || !type || (strcmp(type, "Polygon") != 0 && strcmp(type, "MultiPolygon") != 0) ||
	    !json_is_array(json_object_get(g, "coordinates"))) {
		log_error("msg=\"no polygon in the reference GeoJSON\" name=\"%s\"", name);
		return DF_EINVAL;
	}
	text = json_dumps(g, JSON_COMPACT | JSON_REAL_PRECISION(9));
	if (!text)
		return DF_ENOMEM;
	rc = org_geometry_set(l->db, unit, CENSUS_DAY, text, 0);
	free(text);
	return rc;
}

/* ------------------------------------------------------------- the base */

static int unit_by_code(struct db *db, const char *code, int64_t *id)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT id FROM org_units WHERE code = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, code, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*id = stmt_i64(st, 0);
		rc = DF_OK;
	} else if (rc == DF_OK) {
		rc = DF_ENOTFOUND;
	}
	stmt_done(st);
	return rc;
}

/* base_divisions - one unit per division named in the 2023 list, with its polygon. */
static int base_divisions(struct loader *l, json_t *geo, int64_t province, const char *from)
{
	int rc = DF_OK;

	for (size_t i = 0; i < l->nbase && rc == DF_OK; i++) {
		int64_t id = 0;
		size_t j = 0;

		while (j < i && strcmp(l->base[j].division, l->base[i].division) != 0)
			j++;
		if (j < i)
			continue; /* made already */
		rc = org_unit_create(l->db, UNIT_DIVISION, l->base[i].division, province, from, 0, 0, &id);
		if (rc == DF_OK)
			rc = set_polygon(l, geo, l->base[i].division, id);
	}
	return rc;
}

/* base_districts - the 34 districts, checked against the GeoJSON's division. */
static int base_districts(struct loader *l, json_t *geo)
{
	int rc = DF_OK;

	for (size_t i = 0; i < l->nbase && rc == DF_OK; i++) {
		const struct brow *b = &l->base[i];
		json_t *f = feature_named(geo, b->district);
		const char *div = json_string_value(json_object_get(json_object_get(f, "properties"), "division"));
		int64_t parent = 0, id = 0;

		if (!div || strcmp(div, b->division) != 0) {
			log_error("msg=\"district polygon missing or in another division\" district=\"%s\"", b->district);
			return DF_EINVAL;
		}
		rc = org_find_live(l->db, UNIT_DIVISION, b->division, CENSUS_DAY, 0, &parent);
		if (rc == DF_OK)
			rc = org_unit_create(l->db, UNIT_DISTRICT, b->district, parent, CENSUS_DAY, 0, 0, &id);
		if (rc == DF_OK)
			rc = set_polygon(l, geo, b->district, id);
	}
	return rc;
}

/* base_early - districts created before the census day (no polygon). */
static int base_early(struct loader *l)
{
	int rc = DF_OK;

	for (size_t i = 0; i < l->nchanges && rc == DF_OK; i++) {
		const struct crow *cr = &l->changes[i];
		int64_t parent = 0, id = 0;

		if (strcmp(cr->date, CENSUS_DAY) >= 0)
			break;
		if (strcmp(cr->action, "create") != 0 || strcmp(cr->kind, "district") != 0 || !org_name_ok(cr->unit)) {
			log_error("msg=\"only district creations can precede the census\" unit=\"%s\"", cr->unit);
			return DF_EINVAL;
		}
		rc = org_find_live(l->db, UNIT_DIVISION, cr->to, cr->date, 0, &parent);
		if (rc == DF_OK)
			rc = org_unit_create(l->db, UNIT_DISTRICT, cr->unit, parent, cr->date, 0, 0, &id);
		if (rc == DF_ENOTFOUND)
			log_error("msg=\"no such division\" division=\"%s\"", cr->to);
	}
	return rc;
}

static int load_base(struct loader *l)
{
	json_t *prov_geo = NULL, *div_geo = NULL, *dist_geo = NULL;
	char div_from[11] = CENSUS_DAY;
	int64_t province = 0;
	int rc = unit_by_code(l->db, "prov-balochistan", &province);

	if (rc != DF_ENOTFOUND)
		return rc; /* loaded already (or an error) */
	if (l->nchanges > 0 && strcmp(l->changes[0].date, div_from) < 0)
		memcpy(div_from, l->changes[0].date, sizeof div_from);
	rc = read_base(l);
	if (rc == DF_OK)
		rc = load_geo(l, "geo/balochistan-province.geojson", &prov_geo);
	if (rc == DF_OK)
		rc = load_geo(l, "geo/balochistan-divisions.geojson", &div_geo);
	if (rc == DF_OK)
		rc = load_geo(l, "geo/balochistan-districts.geojson", &dist_geo);
	if (rc == DF_OK)
		rc = org_unit_create(l->db, UNIT_PROVINCE, PROVINCE_NAME, 0, PROVINCE_FROM, 0, 0, &province);
	if (rc == DF_OK)
		rc = set_polygon(l, prov_geo, PROVINCE_NAME, province);
	if (rc == DF_OK)
		rc = base_divisions(l, div_geo, province, div_from);
	if (rc == DF_OK)
		rc = base_districts(l, dist_geo);
	if (rc == DF_OK)
		rc = base_early(l);
	json_decref(prov_geo);
	json_decref(div_geo);
	json_decref(dist_geo);
	return rc;
}

/* ------------------------------------------------------------- change sets */

static int change_exists(struct db *db, const char *reference, int *yes)
{
	struct stmt *st = NULL;
	int rc = db_prepare(db, "SELECT 1 FROM org_changes WHERE reference = ?1", &st);

	if (rc != DF_OK)
		return rc;
	stmt_bind_text(st, 1, reference, -1);
	rc = stmt_step(st);
	*yes = rc == STMT_ROW;
	if (rc == STMT_ROW)
		rc = DF_OK;
	stmt_done(st);
	return rc;
}

/* item_of - a change-file row as a change set item (empty fields left out). */
static json_t *item_of(const struct crow *cr)
{
	json_t *it = json_pack("{s:s, s:s, s:s}", "action", cr->action, "kind", cr->kind, "unit", cr->unit);

	if (it && cr->from[0])
		json_object_set_new(it, "from", json_string(cr->from));
	if (it && cr->to[0])
		json_object_set_new(it, "to", json_string(cr->to));
	if (it && cr->note[0])
		json_object_set_new(it, "note", json_string(cr->note));
	return it;
}

/* apply_day - the rows of one date, from index *i on, as one change set. */
static int apply_day(struct loader *l, size_t *i)
{
	const char *day = l->changes[*i].date;
	json_t *change = NULL, *items = json_array();
	char reference[64], title[96], err[512] = "";
	int64_t id = 0;
	int exists = 0, rc = DF_OK;

	snprintf(reference, sizeof reference, "%s#%s", CHANGES_FILE, day);
	snprintf(title, sizeof title, "Administrative changes effective %s (reference data)", day);
	for (; *i < l->nchanges && strcmp(l->changes[*i].date, day) == 0; (*i)++) {
		json_t *it = item_of(&l->changes[*i]);

		if (!it || !items || json_array_append_new(items, it))
			rc = DF_ENOMEM;
	}
	if (rc == DF_OK)
		rc = change_exists(l->db, reference, &exists);
	if (rc != DF_OK || exists)
		goto out;
	change = json_pack("{s:s, s:s, s:s, s:O}", "effective", day, "title", title, "reference", reference, "items",
			   items);
	rc = change ? org_apply_change(l->app, l->db, change, 0, &id, err, sizeof err) : DF_ENOMEM;
	if (rc != DF_OK)
		log_error("msg=\"reference change set failed\" effective=%s err=\"%s\"", day, err);
out:
	json_decref(change);
	json_decref(items);
	return rc;
}

static int load_changes(struct loader *l)
{
	size_t i = 0;
	int rc = DF_OK;

	while (i < l->nchanges && strcmp(l->changes[i].date, CENSUS_DAY) < 0)
		i++;
	while (i < l->nchanges && rc == DF_OK)
		rc = apply_day(l, &i);
	return rc;
}

/* ------------------------------------------------------------- departments */

static int load_departments(struct loader *l)
{
	static const char sql[] = "INSERT INTO org_departments (id, code, name, name_ur) VALUES (?1, ?2, ?3, ?4)";
	struct csv c = { 0 };
	struct csv_row row;
	char path[1024];
	int rc = path_of(l, "admin/departments.csv", path, sizeof path);

	if (rc == DF_OK)
		rc = csv_open(&c, path, "code,name,name_ur");
	while (rc == DF_OK) {
		struct stmt *st = NULL;
		json_t *rec = NULL;
		int64_t id = 0;
		int got = csv_next(&c, &row);

		if (got == 0)
			break;
		if (got < 0 || row.n != 3 || !row.f[0][0] || strlen(row.f[0]) > 16 || !org_name_ok(row.f[1]) ||
		    !org_name_ok(row.f[2])) {
			log_error("msg=\"bad line in reference file\" path=\"%s\" line=%d", path, c.line);
			rc = DF_EINVAL;
			break;
		}
		rc = org_department_find(l->db, row.f[0], &id);
		if (rc == DF_OK)
			continue;
		if (rc != DF_ENOTFOUND)
			break;
		id = id_next();
		rc = db_prepare(l->db, sql, &st);
		if (rc != DF_OK)
			break;
		stmt_bind_i64(st, 1, id);
		stmt_bind_text(st, 2, row.f[0], -1);
		stmt_bind_text(st, 3, row.f[1], -1);
		stmt_bind_text(st, 4, row.f[2], -1);
		rc = stmt_step(st);
		stmt_done(st);
		if (rc != DF_OK)
			break;
		rec = json_pack("{s:o, s:s, s:s, s:s}", "id", json_id(id), "code", row.f[0], "name", row.f[1], "name_ur",
				row.f[2]);
		rc = rec ? audit_append_json(l->db, "org.department.create", "org_department", id, 0, rec) : DF_ENOMEM;
		json_decref(rec);
	}
	csv_close(&c);
	return rc;
}

int org_load_reference(struct app *app, struct db *db, const char *data_dir)
{
	struct loader l;
	int own = 0, rc;

	memset(&l, 0, sizeof l);
	l.app = app;
	l.db = db;
	l.dir = data_dir && *data_dir ? data_dir : "data";
	l.changes = calloc(CHANGE_ROWS_MAX, sizeof *l.changes);
	if (!l.changes)
		return DF_ENOMEM;
	rc = read_changes(&l);
	if (rc == DF_OK && !db_in_tx(db)) {
		rc = db_begin(db);
		own = rc == DF_OK;
	}
	if (rc == DF_OK)
		rc = load_base(&l);
	if (rc == DF_OK)
		rc = load_changes(&l);
	if (rc == DF_OK)
		rc = load_departments(&l);
	if (own && rc == DF_OK)
		rc = db_commit(db);
	if (own && rc != DF_OK)
		db_rollback(db);
	free(l.changes);
	return rc;
}
