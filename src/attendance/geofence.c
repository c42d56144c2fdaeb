/*
 * geofence.c - duty places and where a fix stands against them (see
 * geofence.h).
 *
 * A struct geofence owns one reentrant GEOS context and a growable array
 * of places.  A circle is kept as its centre and radius and judged with the
 * haversine distance alone; GEOS is not involved.  A polygon place is read
 * from GeoJSON by GEOS's own reader (a geometry or a Feature; a
 * FeatureCollection reads as a collection and is refused with every other
 * type), its every vertex checked to be a WGS84 lon/lat, checked valid by
 * GEOSisValid_r, and kept with its prepared geometry.
 *
 * Judging a fix against a polygon: the reported point is INSIDE when it
 * intersects the polygon (so a point on the boundary is inside, as a point
 * at exactly the radius is inside a circle).  Otherwise the accuracy disc is
 * approximated by a 32-gon whose vertices are the destination points
 * (great-circle formula on the sphere) at bearings 0, 11.25, ... degrees,
 * drawn around a radius enlarged by 1 / cos(pi / 32) so that the 32-gon
 * contains the disc rather than sitting inside it: a place is called
 * OUTSIDE only when the whole disc misses it.  The disc is capped at
 * GEO_DISC_MAX_M; an accuracy that is NaN, negative or zero means no disc.
 * No projection is used: vertices are lon/lat, as the polygon is, and the
 * 32-gon is not wrapped at the antimeridian (a disc there reaches past
 * +-180 degrees; no duty place of Pakistan is near it).
 *
 * GEOS reports errors and notices (a parse error, the reason a polygon is
 * invalid) through the context's handlers; here they are cleaned of
 * control characters and quotes and written to the log at debug level,
 * never to stdout.  A GEOS failure while judging (out of memory, an
 * exception) answers GEO_EDGE: the one standing that leaves the decision
 * to a supervisor.
 */
#include <limits.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <geos_c.h>

#include "core/log.h"
#include "geofence.h"

#define GEO_DISC_MAX_M 50000.0   /* the accuracy disc is capped at 50 km */
#define GEO_DISC_SIDES 32        /* vertices of the polygon standing for it */
#define GEO_MSG_MAX 160          /* the last GEOS message kept, bytes */

#define GEO_PI 3.14159265358979323846
#define DEG2RAD(d) ((d) * (GEO_PI / 180.0))
#define RAD2DEG(r) ((r) * (180.0 / GEO_PI))

enum place_kind { PLACE_CIRCLE = 1, PLACE_POLYGON = 2 };

struct place {
	enum place_kind kind;
	double lat;                        /* circle: centre, degrees */
	double lon;
	double radius_m;                   /* circle: radius, metres */
	GEOSGeometry *geom;                /* polygon: owned unless borrowed */
	const GEOSPreparedGeometry *prep;  /* polygon: prepared geom, ditto */
	int borrowed;                      /* geom and prep belong to another
					    * geofence (geofence_add_place) */
};

struct geofence {
	GEOSContextHandle_t ctx;  /* this geofence's own GEOS context */
	struct place *places;     /* places[0 .. n - 1] */
	size_t n;
	size_t cap;               /* allocated length of places */
	char msg[GEO_MSG_MAX];    /* the last GEOS message, cleaned */
};

/* ---- distances --------------------------------------------------------- */

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = DEG2RAD(lat1), p2 = DEG2RAD(lat2);
	double dp = DEG2RAD(lat2 - lat1), dl = DEG2RAD(lon2 - lon1);
	double s1 = sin(dp / 2), s2 = sin(dl / 2);
	double a = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;

	/* rounding may push a a hair outside [0, 1]; NaN passes through */
	if (a > 1.0)
		a = 1.0;
	if (a < 0.0)
		a = 0.0;
	return 2.0 * GEO_EARTH_R_M * asin(sqrt(a));
}

int geo_point_ok(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90.0 && lat <= 90.0 &&
	       lon >= -180.0 && lon <= 180.0;
}

/* disc_radius - the accuracy disc's radius: 0 when unknown or negative,
 * at most GEO_DISC_MAX_M. */
static double disc_radius(double accuracy_m)
{
	if (isnan(accuracy_m) || accuracy_m <= 0.0)
		return 0.0;
	if (accuracy_m > GEO_DISC_MAX_M)
		return GEO_DISC_MAX_M;
	return accuracy_m;
}

/* ---- GEOS messages ----------------------------------------------------- */

/* on_geos_message - keep GEOS's message (cleaned) and log it at debug. */
static void on_geos_message(const char *message, void *userdata)
{
	struct geofence *g = userdata;
	size_t i;

	if (!g || !message)
		return;
	for (i = 0; message[i] && i < sizeof g->msg - 1; i++) {
		unsigned char c = (unsigned char)message[i];

		g->msg[i] = (c < 0x20 || c == 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
	}
	g->msg[i] = '\0';
	log_debug("msg=\"geos\" detail=\"%s\"", g->msg);
}

/* ---- the set of places ------------------------------------------------- */

struct geofence *geofence_new(void)
{
	struct geofence *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->ctx = GEOS_init_r();
	if (!g->ctx) {
		free(g);
		return NULL;
	}
	GEOSContext_setNoticeMessageHandler_r(g->ctx, on_geos_message, g);
	GEOSContext_setErrorMessageHandler_r(g->ctx, on_geos_message, g);
	return g;
}

void geofence_free(struct geofence *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++) {
		struct place *p = &g->places[i];

		if (p->borrowed)
			continue;
		if (p->prep)
			GEOSPreparedGeom_destroy_r(g->ctx, p->prep);
		if (p->geom)
			GEOSGeom_destroy_r(g->ctx, p->geom);
	}
	free(g->places);
	GEOS_finish_r(g->ctx);
	free(g);
}

size_t geofence_count(const struct geofence *g)
{
	return g ? g->n : 0;
}

/* reserve - room for one more place; DF_ENOMEM or DF_EINVAL (too many). */
static int reserve(struct geofence *g)
{
	struct place *p;
	size_t cap;

	if (g->n < g->cap)
		return DF_OK;
	if (g->n >= INT_MAX)
		return DF_EINVAL; /* an index must fit the int returned */
	cap = g->cap ? g->cap * 2 : 4;
	p = realloc(g->places, cap * sizeof *p);
	if (!p)
		return DF_ENOMEM;
	g->places = p;
	g->cap = cap;
	return DF_OK;
}

int geofence_add_circle(struct geofence *g, double lat, double lon, double radius_m)
{
	struct place *p;
	int rc;

	if (!g || !geo_point_ok(lat, lon))
		return DF_EINVAL;
	if (!(radius_m >= 1.0 && radius_m <= GEO_RADIUS_MAX_M))
		return DF_EINVAL; /* also refuses NaN */
	rc = reserve(g);
	if (rc != DF_OK)
		return rc;
	p = &g->places[g->n];
	memset(p, 0, sizeof *p);
	p->kind = PLACE_CIRCLE;
	p->lat = lat;
	p->lon = lon;
	p->radius_m = radius_m;
	return (int)g->n++;
}

int geofence_add_place(struct geofence *g, const struct geofence *src, size_t i)
{
	int rc;

	if (!g || !src || i >= src->n || g == src)
		return DF_EINVAL;
	rc = reserve(g);
	if (rc != DF_OK)
		return rc;
	g->places[g->n] = src->places[i];
	g->places[g->n].borrowed = 1;
	return (int)g->n++;
}

/* ring_ok - every vertex of a ring is a WGS84 lon/lat. */
static int ring_ok(GEOSContextHandle_t ctx, const GEOSGeometry *ring)
{
	const GEOSCoordSequence *seq;
	unsigned int i, size = 0;

	if (!ring)
		return 0;
	seq = GEOSGeom_getCoordSeq_r(ctx, ring);
	if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &size))
		return 0;
	for (i = 0; i < size; i++) {
		double x, y;

		if (!GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y) || !geo_point_ok(y, x))
			return 0;
	}
	return 1;
}

/* polygon_ok - every ring of one Polygon is in range. */
static int polygon_ok(GEOSContextHandle_t ctx, const GEOSGeometry *poly)
{
	int i, holes = GEOSGetNumInteriorRings_r(ctx, poly);

	if (holes < 0 || !ring_ok(ctx, GEOSGetExteriorRing_r(ctx, poly)))
		return 0;
	for (i = 0; i < holes; i++)
		if (!ring_ok(ctx, GEOSGetInteriorRingN_r(ctx, poly, i)))
			return 0;
	return 1;
}

/* shape_ok - a non-empty, valid Polygon or MultiPolygon in range. */
static int shape_ok(GEOSContextHandle_t ctx, const GEOSGeometry *geom)
{
	int type = GEOSGeomTypeId_r(ctx, geom);
	int i, n;

	if (GEOSisEmpty_r(ctx, geom) != 0)
		return 0;
	if (type == GEOS_POLYGON) {
		if (!polygon_ok(ctx, geom))
			return 0;
	} else if (type == GEOS_MULTIPOLYGON) {
		n = GEOSGetNumGeometries_r(ctx, geom);
		if (n < 1)
			return 0;
		for (i = 0; i < n; i++)
			if (!polygon_ok(ctx, GEOSGetGeometryN_r(ctx, geom, i)))
				return 0;
	} else {
		return 0;
	}
	return GEOSisValid_r(ctx, geom) == 1;
}

/* polygonal - the polygons of a valid geometry (what GEOSMakeValid made of
 * an invalid one: a Polygon, a MultiPolygon, or a collection of polygons,
 * lines and points) as a new Polygon or MultiPolygon; NULL if none. */
static GEOSGeometry *polygonal(GEOSContextHandle_t ctx, const GEOSGeometry *geom)
{
	int type = GEOSGeomTypeId_r(ctx, geom), n, i, k = 0, total = 0;
	GEOSGeometry **parts;
	GEOSGeometry *out;

	if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
		return GEOSGeom_clone_r(ctx, geom);
	if (type != GEOS_GEOMETRYCOLLECTION)
		return NULL;
	n = GEOSGetNumGeometries_r(ctx, geom);
	for (i = 0; i < n; i++) { /* how many polygons, to size parts */
		const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, geom, i);
		int t = GEOSGeomTypeId_r(ctx, part);

		if (t == GEOS_POLYGON)
			total++;
		else if (t == GEOS_MULTIPOLYGON)
			total += GEOSGetNumGeometries_r(ctx, part);
	}
	if (total < 1)
		return NULL;
	parts = calloc((size_t)total, sizeof *parts);
	if (!parts)
		return NULL;
	for (i = 0; i < n; i++) {
		const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, geom, i);
		int t = GEOSGeomTypeId_r(ctx, part);

		if (t == GEOS_POLYGON && k < total) {
			parts[k++] = GEOSGeom_clone_r(ctx, part);
		} else if (t == GEOS_MULTIPOLYGON) {
			int m = GEOSGetNumGeometries_r(ctx, part);

			for (int j = 0; j < m && k < total; j++)
				parts[k++] = GEOSGeom_clone_r(ctx, GEOSGetGeometryN_r(ctx, part, j));
		}
	}
	for (i = 0; i < k; i++) {
		if (!parts[i]) { /* a clone ran out of memory */
			for (int j = 0; j < k; j++)
				if (parts[j])
					GEOSGeom_destroy_r(ctx, parts[j]);
			free(parts);
			return NULL;
		}
	}
	out = k ? GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, parts, (unsigned)k) : NULL;
	if (!out)
		for (i = 0; i < k; i++)
			GEOSGeom_destroy_r(ctx, parts[i]);
	free(parts);
	return out;
}

/* add_text - read GeoJSON text (NUL-terminated) into a place; with repair,
 * an invalid polygon is made valid (GEOSMakeValid) instead of refused. */
static int add_text(struct geofence *g, const char *text, int repair)
{
	GEOSGeoJSONReader *reader = NULL;
	GEOSGeometry *geom = NULL;
	const GEOSPreparedGeometry *prep = NULL;
	struct place *p;
	int rc = reserve(g);

	if (rc != DF_OK)
		return rc;
	rc = DF_ENOMEM;
	reader = GEOSGeoJSONReader_create_r(g->ctx);
	if (!reader)
		goto out;
	rc = DF_EINVAL;
	geom = GEOSGeoJSONReader_readGeometry_r(g->ctx, reader, text);
	if (!geom)
		goto out;
	if (repair && !shape_ok(g->ctx, geom)) {
		GEOSGeometry *valid = GEOSMakeValid_r(g->ctx, geom);
		GEOSGeometry *poly = valid ? polygonal(g->ctx, valid) : NULL;

		if (valid)
			GEOSGeom_destroy_r(g->ctx, valid);
		GEOSGeom_destroy_r(g->ctx, geom);
		geom = poly;
		if (!geom)
			goto out;
	}
	if (!shape_ok(g->ctx, geom))
		goto out;
	rc = DF_ENOMEM;
	prep = GEOSPrepare_r(g->ctx, geom);
	if (!prep)
		goto out;
	p = &g->places[g->n];
	memset(p, 0, sizeof *p);
	p->kind = PLACE_POLYGON;
	p->geom = geom;
	p->prep = prep;
	geom = NULL;
	prep = NULL;
	rc = (int)g->n++;
out:
	if (prep)
		GEOSPreparedGeom_destroy_r(g->ctx, prep);
	if (geom)
		GEOSGeom_destroy_r(g->ctx, geom);
	if (reader)
		GEOSGeoJSONReader_destroy_r(g->ctx, reader);
	return rc;
}

/* add_bytes - add_text on len bytes that need not end in a NUL. */
static int add_bytes(struct geofence *g, const char *geojson, size_t len, int repair)
{
	char *text;
	int rc;

	if (!g || !geojson || len == 0 || len > GEO_GEOJSON_MAX || memchr(geojson, '\0', len))
		return DF_EINVAL;
	text = malloc(len + 1);
	if (!text)
		return DF_ENOMEM;
	memcpy(text, geojson, len);
	text[len] = '\0';
	rc = add_text(g, text, repair);
	free(text);
	return rc;
}

int geofence_add_geojson(struct geofence *g, const char *geojson, size_t len)
{
	return add_bytes(g, geojson, len, 0);
}

/* clean_polygon - drop the short rings of one Polygon's coordinates;
 * 0 when its outer ring goes (the polygon is to be dropped). */
static int clean_polygon(json_t *rings)
{
	size_t i = 0;

	if (!json_is_array(rings))
		return 1; /* not ours to judge: GEOS refuses it later */
	while (i < json_array_size(rings)) {
		json_t *ring = json_array_get(rings, i);

		if (json_is_array(ring) && json_array_size(ring) < 4) {
			if (i == 0)
				return 0;
			json_array_remove(rings, i);
			continue;
		}
		i++;
	}
	return json_array_size(rings) > 0;
}

int geofence_add_boundary(struct geofence *g, const char *geojson, size_t len)
{
	json_t *root, *geom, *coords;
	char *text = NULL;
	int rc;

	if (!geojson || len == 0 || len > GEO_GEOJSON_MAX)
		return DF_EINVAL;
	root = json_loadb(geojson, len, JSON_REJECT_DUPLICATES, NULL);
	geom = root;
	if (json_is_object(root) && json_is_object(json_object_get(root, "geometry")))
		geom = json_object_get(root, "geometry");
	coords = json_object_get(geom, "coordinates");
	if (json_is_array(coords) && json_is_string(json_object_get(geom, "type"))) {
		const char *type = json_string_value(json_object_get(geom, "type"));

		if (strcmp(type, "Polygon") == 0) {
			clean_polygon(coords);
		} else if (strcmp(type, "MultiPolygon") == 0) {
			size_t i = 0;

			while (i < json_array_size(coords)) {
				if (!clean_polygon(json_array_get(coords, i)))
					json_array_remove(coords, i);
				else
					i++;
			}
		}
		text = json_dumps(geom, JSON_COMPACT);
	}
	rc = text ? add_bytes(g, text, strlen(text), 1) : add_bytes(g, geojson, len, 1);
	free(text);
	json_decref(root);
	return rc;
}

/* ---- judging a fix ----------------------------------------------------- */

static enum geo_where circle_where(const struct place *p, double lat, double lon, double r)
{
	double d = geo_distance_m(lat, lon, p->lat, p->lon);

	if (d <= p->radius_m)
		return GEO_INSIDE;
	if (d - r <= p->radius_m)
		return GEO_EDGE;
	return GEO_OUTSIDE;
}

/* disc_polygon - the 32-gon containing the disc of radius r metres around
 * (lat, lon), vertices by the destination-point formula; NULL on failure. */
static GEOSGeometry *disc_polygon(GEOSContextHandle_t ctx, double lat, double lon, double r)
{
	double d = r / cos(GEO_PI / GEO_DISC_SIDES) / GEO_EARTH_R_M; /* angular */
	double p1 = DEG2RAD(lat), l1 = DEG2RAD(lon);
	double sp1 = sin(p1), cp1 = cos(p1), sd = sin(d), cd = cos(d);
	GEOSCoordSequence *seq;
	GEOSGeometry *ring;
	unsigned int i;

	seq = GEOSCoordSeq_create_r(ctx, GEO_DISC_SIDES + 1, 2);
	if (!seq)
		return NULL;
	for (i = 0; i <= GEO_DISC_SIDES; i++) {
		double th = 2.0 * GEO_PI * (double)(i % GEO_DISC_SIDES) / GEO_DISC_SIDES;
		double sp2 = sp1 * cd + cp1 * sd * cos(th);
		double p2, l2;

		if (sp2 > 1.0)
			sp2 = 1.0;
		if (sp2 < -1.0)
			sp2 = -1.0;
		p2 = asin(sp2);
		l2 = l1 + atan2(sin(th) * sd * cp1, cd - sp1 * sp2);
		if (!GEOSCoordSeq_setXY_r(ctx, seq, i, RAD2DEG(l2), RAD2DEG(p2))) {
			GEOSCoordSeq_destroy_r(ctx, seq);
			return NULL;
		}
	}
	ring = GEOSGeom_createLinearRing_r(ctx, seq); /* owns seq, even on failure */
	if (!ring)
		return NULL;
	return GEOSGeom_createPolygon_r(ctx, ring, NULL, 0); /* owns ring */
}

static enum geo_where polygon_where(struct geofence *g, const struct place *p, double lat,
				    double lon, double r)
{
	GEOSGeometry *shape;
	char hit;

	shape = GEOSGeom_createPointFromXY_r(g->ctx, lon, lat);
	if (!shape)
		return GEO_EDGE;
	hit = GEOSPreparedIntersects_r(g->ctx, p->prep, shape);
	GEOSGeom_destroy_r(g->ctx, shape);
	if (hit == 1)
		return GEO_INSIDE;
	if (hit != 0)
		return GEO_EDGE; /* GEOS failed: a supervisor decides */
	if (r <= 0.0)
		return GEO_OUTSIDE;
	shape = disc_polygon(g->ctx, lat, lon, r);
	if (!shape)
		return GEO_EDGE;
	hit = GEOSPreparedIntersects_r(g->ctx, p->prep, shape);
	GEOSGeom_destroy_r(g->ctx, shape);
	return hit == 0 ? GEO_OUTSIDE : GEO_EDGE;
}

enum geo_where geofence_where(struct geofence *g, size_t i, const struct fix *f)
{
	const struct place *p;
	double r;

	if (!g || !f || i >= g->n || !geo_point_ok(f->lat, f->lon))
		return GEO_OUTSIDE;
	p = &g->places[i];
	r = disc_radius(f->accuracy_m);
	if (p->kind == PLACE_CIRCLE)
		return circle_where(p, f->lat, f->lon, r);
	return polygon_where(g, p, f->lat, f->lon, r);
}

enum geo_where geofence_best(struct geofence *g, const struct fix *f, int *place)
{
	enum geo_where best = GEO_OUTSIDE;
	int at = -1;
	size_t i;

	for (i = 0; g && i < g->n; i++) {
		enum geo_where w = geofence_where(g, i, f);

		if (at < 0 || w > best) {
			best = w;
			at = (int)i;
		}
		if (best == GEO_INSIDE)
			break;
	}
	if (place)
		*place = at;
	return best;
}
