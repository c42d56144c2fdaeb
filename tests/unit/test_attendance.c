/*
 * test_attendance.c - unit tests of the attendance module's pure logic:
 * src/attendance/geofence.c (distances, circle and polygon places, the
 * accuracy disc, GeoJSON validation) and src/attendance/verdict.c (every
 * rule alone and together, and the stable names).
 *
 * Places sit around Quetta (30.18N 66.98E).  Test points are made by
 * moving along a meridian (d metres north is exactly d / R radians of
 * latitude on the sphere) or with the destination-point formula written
 * again here; reference distances come from the Vincenty form of the
 * great-circle distance (atan2 of the cross and dot products), which
 * shares nothing with the haversine under test.  Build and run:
 *
 *   make -s asan build-asan/tests/test_attendance && build-asan/tests/test_attendance
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attendance/att_int.h"
#include "attendance/fix.h"
#include "core/calendar.h"
#include "core/config.h"
#include "attendance/geofence.h"
#include "attendance/verdict.h"

#define PI 3.14159265358979323846
#define R GEO_EARTH_R_M
#define NOW 1795000000000LL /* 2026-11-18, the server's clock in verdict tests */
#define MIN_MS 60000LL
#define DAY_MS 86400000LL

/* The test square near Quetta: lon 66.97 .. 66.99, lat 30.17 .. 30.19. */
#define SQ_W 66.97
#define SQ_E 66.99
#define SQ_S 30.17
#define SQ_N 30.19
#define SQUARE_COORDS "[[[66.97,30.17],[66.99,30.17],[66.99,30.19],[66.97,30.19],[66.97,30.17]]]"
#define SQUARE "{\"type\":\"Polygon\",\"coordinates\":" SQUARE_COORDS "}"

/* ---- helpers ---------------------------------------------------------- */

static double rad(double deg)
{
	return deg * PI / 180.0;
}

static double deg(double r)
{
	return r * 180.0 / PI;
}

/* Great-circle distance by the Vincenty special case for the sphere. */
static double vincenty_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = rad(lat1), p2 = rad(lat2), dl = rad(lon2 - lon1);
	double y = hypot(cos(p2) * sin(dl), cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl));
	double x = sin(p1) * sin(p2) + cos(p1) * cos(p2) * cos(dl);

	return R * atan2(y, x);
}

/* The point d metres from (lat, lon) at bearing brg degrees. */
static void dest(double lat, double lon, double brg, double d, double *lat2, double *lon2)
{
	double p1 = rad(lat), a = d / R, t = rad(brg);
	double p2 = asin(sin(p1) * cos(a) + cos(p1) * sin(a) * cos(t));

	*lat2 = deg(p2);
	*lon2 = lon + deg(atan2(sin(t) * sin(a) * cos(p1), cos(a) - sin(p1) * sin(p2)));
}

/* d metres north of latitude lat. */
static double north(double lat, double d)
{
	return lat + deg(d / R);
}

/* A fix at (lat, lon) with accuracy acc taken a minute before NOW. */
static struct fix mkfix(double lat, double lon, double acc)
{
	struct fix f = {
		.lat = lat, .lon = lon, .accuracy_m = acc, .speed_mps = NAN, .bearing = NAN,
		.altitude = NAN, .at_ms = NOW - MIN_MS, .mock = 0, .batt = -1,
	};

	return f;
}

/* Where (lat, lon, acc) stands against place i of g. */
static enum geo_where where(struct geofence *g, size_t i, double lat, double lon, double acc)
{
	struct fix f = mkfix(lat, lon, acc);

	return geofence_where(g, i, &f);
}

/* Add GeoJSON text (NUL-terminated) to g. */
static int add_json(struct geofence *g, const char *json)
{
	return geofence_add_geojson(g, json, strlen(json));
}

/* A geofence holding just the test square (index 0). */
static struct geofence *square_fence(void)
{
	struct geofence *g = geofence_new();

	assert_non_null(g);
	assert_int_equal(add_json(g, SQUARE), 0);
	return g;
}

/* ---- distances -------------------------------------------------------- */

static void test_haversine_known_distances(void **state)
{
	static const double pairs[][4] = {
		{ 30.1798, 66.9750, 25.1216, 62.3254 },   /* Quetta - Gwadar */
		{ 24.8607, 67.0011, 30.1798, 66.9750 },   /* Karachi - Quetta */
		{ 30.1798, 66.9750, 29.5449, 67.8790 },   /* Quetta - Sibi */
		{ 51.4779, -0.0015, 40.6892, -74.0445 },  /* Greenwich - New York */
		{ -33.8688, 151.2093, 35.6762, 139.6503 }, /* Sydney - Tokyo */
		{ 0.0, 179.9, 0.0, -179.9 },              /* across the antimeridian */
	};
	double d;
	size_t i;

	(void)state;
	/* Quetta - Gwadar is about 700 km; 725.1 km on this sphere */
	d = geo_distance_m(30.1798, 66.9750, 25.1216, 62.3254);
	assert_true(d > 690000.0 && d < 760000.0);
	assert_true(fabs(d - 725125.0) < 0.005 * 725125.0);
	for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const double *p = pairs[i];
		double want = vincenty_m(p[0], p[1], p[2], p[3]);

		d = geo_distance_m(p[0], p[1], p[2], p[3]);
		assert_true(fabs(d - want) <= 0.005 * want);
		assert_true(fabs(d - want) < 1.0); /* in fact far closer than 0.5% */
		/* symmetric */
		assert_true(fabs(geo_distance_m(p[2], p[3], p[0], p[1]) - d) < 1e-6);
	}
	/* exact figures on the sphere */
	assert_true(fabs(geo_distance_m(0, 0, 1, 0) - R * PI / 180.0) < 1e-6);
	assert_true(fabs(geo_distance_m(0, 0, 90, 0) - R * PI / 2) < 1e-3);
	assert_true(fabs(geo_distance_m(0, 0, 0, 180) - R * PI) < 1e-3); /* antipodes */
	/* haversine is ill-conditioned near antipodes (19 cm off here): harmless */
	assert_true(fabs(geo_distance_m(10, 20, -10, -160) - R * PI) < 1.0);
	assert_true(fabs(geo_distance_m(30.18, 66.98, 30.18, 66.98)) < 1e-9);
	/* short distances keep their precision: 1 m and 1 cm north */
	assert_true(fabs(geo_distance_m(30.18, 66.98, north(30.18, 1.0), 66.98) - 1.0) < 1e-6);
	assert_true(fabs(geo_distance_m(30.18, 66.98, north(30.18, 0.01), 66.98) - 0.01) < 1e-6);
	/* NaN in, NaN out */
	assert_true(isnan(geo_distance_m(NAN, 66.98, 30.18, 66.98)));
}

static void test_point_ok(void **state)
{
	(void)state;
	assert_true(geo_point_ok(30.18, 66.98));
	assert_true(geo_point_ok(90, 180));
	assert_true(geo_point_ok(-90, -180));
	assert_false(geo_point_ok(90.000001, 0));
	assert_false(geo_point_ok(95, 66.98));
	assert_false(geo_point_ok(0, 180.5));
	assert_false(geo_point_ok(0, -181));
	assert_false(geo_point_ok(NAN, 0));
	assert_false(geo_point_ok(0, NAN));
	assert_false(geo_point_ok(INFINITY, 0));
	assert_false(geo_point_ok(0, -INFINITY));
}

/* ---- circles ---------------------------------------------------------- */

static void test_circle_add_rejects_bad_input(void **state)
{
	struct geofence *g = geofence_new();

	(void)state;
	assert_non_null(g);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, 0.5), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, 0), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, -10), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, GEO_RADIUS_MAX_M + 1), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, NAN), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, INFINITY), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 91, 66.98, 100), DF_EINVAL);
	assert_int_equal(geofence_add_circle(g, 30.18, NAN, 100), DF_EINVAL);
	assert_int_equal(geofence_add_circle(NULL, 30.18, 66.98, 100), DF_EINVAL);
	assert_int_equal(geofence_count(g), 0);
	/* the bounds themselves are allowed; indexes count up */
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, 1), 0);
	assert_int_equal(geofence_add_circle(g, 30.18, 66.98, GEO_RADIUS_MAX_M), 1);
	assert_int_equal(geofence_add_circle(g, -90, 180, 100), 2);
	assert_int_equal(geofence_count(g), 3);
	assert_int_equal(geofence_count(NULL), 0);
	geofence_free(g);
	geofence_free(NULL);
}

static void test_circle_inside_edge_outside(void **state)
{
	struct geofence *g = geofence_new();
	double c_lat = 30.18, c_lon = 66.98, lat2, lon2;

	(void)state;
	assert_non_null(g);
	assert_int_equal(geofence_add_circle(g, c_lat, c_lon, 100), 0);
	/* inside, whatever the accuracy */
	assert_int_equal(where(g, 0, c_lat, c_lon, 5), GEO_INSIDE);
	assert_int_equal(where(g, 0, north(c_lat, 99.9), c_lon, 5000), GEO_INSIDE);
	assert_int_equal(where(g, 0, north(c_lat, -99.9), c_lon, NAN), GEO_INSIDE);
	/* 120 m out: the disc reaches in with 30 m, not with 10 m */
	assert_int_equal(where(g, 0, north(c_lat, 120), c_lon, 30), GEO_EDGE);
	assert_int_equal(where(g, 0, north(c_lat, 120), c_lon, 20.5), GEO_EDGE);
	assert_int_equal(where(g, 0, north(c_lat, 120), c_lon, 19.5), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, north(c_lat, 120), c_lon, 10), GEO_OUTSIDE);
	/* in any direction, not only along the meridian */
	dest(c_lat, c_lon, 123.0, 150, &lat2, &lon2);
	assert_int_equal(where(g, 0, lat2, lon2, 55), GEO_EDGE);
	assert_int_equal(where(g, 0, lat2, lon2, 45), GEO_OUTSIDE);
	dest(c_lat, c_lon, 300.0, 95, &lat2, &lon2);
	assert_int_equal(where(g, 0, lat2, lon2, 0), GEO_INSIDE);
	/* unknown or negative accuracy is 0 */
	assert_int_equal(where(g, 0, north(c_lat, 120), c_lon, NAN), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, north(c_lat, 120), c_lon, -50), GEO_OUTSIDE);
	/* a huge accuracy is capped at 50 km */
	assert_int_equal(where(g, 0, north(c_lat, 40000), c_lon, 1e12), GEO_EDGE);
	assert_int_equal(where(g, 0, north(c_lat, 40000), c_lon, INFINITY), GEO_EDGE);
	assert_int_equal(where(g, 0, north(c_lat, 60000), c_lon, 1e12), GEO_OUTSIDE);
	/* far away */
	assert_int_equal(where(g, 0, 25.1216, 62.3254, 50), GEO_OUTSIDE);
	/* a broken fix, a missing place */
	assert_int_equal(where(g, 0, NAN, c_lon, 10), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, c_lat, INFINITY, 10), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, 95, c_lon, 10), GEO_OUTSIDE);
	assert_int_equal(where(g, 1, c_lat, c_lon, 10), GEO_OUTSIDE);
	assert_int_equal(where(NULL, 0, c_lat, c_lon, 10), GEO_OUTSIDE);
	assert_int_equal(geofence_where(g, 0, NULL), GEO_OUTSIDE);
	geofence_free(g);
}

/* ---- polygons --------------------------------------------------------- */

static void test_polygon_inside_edge_outside(void **state)
{
	struct geofence *g = square_fence();
	double lat = north(SQ_N, 200); /* 200 m north of the top edge */

	(void)state;
	assert_int_equal(geofence_count(g), 1);
	/* inside, and on the boundary (which counts as inside, as for circles) */
	assert_int_equal(where(g, 0, 30.18, 66.98, 10), GEO_INSIDE);
	assert_int_equal(where(g, 0, 30.18, 66.98, NAN), GEO_INSIDE);
	assert_int_equal(where(g, 0, 30.171, 66.971, 1e9), GEO_INSIDE);
	assert_int_equal(where(g, 0, SQ_N, 66.98, 0), GEO_INSIDE);
	assert_int_equal(where(g, 0, SQ_S, SQ_W, 0), GEO_INSIDE);
	/* 200 m out: EDGE when the accuracy reaches, OUTSIDE when it does not */
	assert_int_equal(where(g, 0, lat, 66.98, 250), GEO_EDGE);
	assert_int_equal(where(g, 0, lat, 66.98, 202), GEO_EDGE);
	assert_int_equal(where(g, 0, lat, 66.98, 198), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, lat, 66.98, 100), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, lat, 66.98, 0), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, lat, 66.98, NAN), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, lat, 66.98, -300), GEO_OUTSIDE);
	/* the same to the south */
	assert_int_equal(where(g, 0, north(SQ_S, -200), 66.98, 210), GEO_EDGE);
	assert_int_equal(where(g, 0, north(SQ_S, -200), 66.98, 190), GEO_OUTSIDE);
	/* the cap: 40 km off is reachable with a huge accuracy, 60 km is not */
	assert_int_equal(where(g, 0, north(SQ_N, 40000), 66.98, 1e12), GEO_EDGE);
	assert_int_equal(where(g, 0, north(SQ_N, 40000), 66.98, INFINITY), GEO_EDGE);
	assert_int_equal(where(g, 0, north(SQ_N, 60000), 66.98, 1e12), GEO_OUTSIDE);
	/* far away, broken fixes */
	assert_int_equal(where(g, 0, 25.1216, 62.3254, 1000), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, NAN, NAN, 10), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, -95, 66.98, 10), GEO_OUTSIDE);
	geofence_free(g);
}

/* A borrowed place (geofence_add_place) judges as its owner does, many
 * geofences may borrow it in turn, and freeing a borrower leaves the owner
 * whole (ASan would see a double free or a use after free). */
static void test_borrowed_place(void **state)
{
	struct geofence *owner = square_fence();
	double lat = north(SQ_N, 200);

	(void)state;
	for (int round = 0; round < 3; round++) {
		struct geofence *g = geofence_new();

		assert_non_null(g);
		assert_int_equal(geofence_add_circle(g, 25.1216, 62.3254, 100), 0);
		assert_int_equal(geofence_add_place(g, owner, 0), 1);
		assert_int_equal(geofence_count(g), 2);
		assert_int_equal(where(g, 1, 30.18, 66.98, 10), GEO_INSIDE);
		assert_int_equal(where(g, 1, lat, 66.98, 250), GEO_EDGE);
		assert_int_equal(where(g, 1, lat, 66.98, 100), GEO_OUTSIDE);
		assert_int_equal(where(g, 0, 30.18, 66.98, 10), GEO_OUTSIDE);
		geofence_free(g);
	}
	assert_int_equal(where(owner, 0, 30.18, 66.98, 10), GEO_INSIDE);
	assert_int_equal(geofence_add_place(owner, owner, 0), DF_EINVAL);
	assert_int_equal(geofence_add_place(NULL, owner, 0), DF_EINVAL);
	{
		struct geofence *g = geofence_new();

		assert_int_equal(geofence_add_place(g, owner, 1), DF_EINVAL);
		assert_int_equal(geofence_add_place(g, NULL, 0), DF_EINVAL);
		assert_int_equal(geofence_count(g), 0);
		geofence_free(g);
	}
	geofence_free(owner);
}

/* The 32-gon contains the disc: the worst direction for a polygon standing
 * for a circle is half-way between two vertices (bearing 5.625 degrees off
 * one), where an inscribed 32-gon falls 0.48% short of the radius. */
static void test_polygon_disc_is_not_short(void **state)
{
	struct geofence *g = square_fence();
	double lat, lon, d = 500;

	(void)state;
	/* seen from the fix, the NE corner lies at bearing 180 + 5.625 */
	dest(SQ_N, SQ_E, 5.625, d, &lat, &lon);
	assert_true(fabs(geo_distance_m(lat, lon, SQ_N, SQ_E) - d) < 1e-6);
	assert_int_equal(where(g, 0, lat, lon, d * 1.002), GEO_EDGE);
	assert_int_equal(where(g, 0, lat, lon, d * 0.99), GEO_OUTSIDE);
	/* and seen head-on from a vertex direction */
	dest(SQ_N, SQ_E, 45.0, d, &lat, &lon);
	assert_int_equal(where(g, 0, lat, lon, d * 1.002), GEO_EDGE);
	assert_int_equal(where(g, 0, lat, lon, d * 0.99), GEO_OUTSIDE);
	geofence_free(g);
}

static void test_polygon_with_hole(void **state)
{
	/* the square with a 1 km-ish hole in the middle */
	static const char json[] =
		"{\"type\":\"Polygon\",\"coordinates\":["
		"[[66.97,30.17],[66.99,30.17],[66.99,30.19],[66.97,30.19],[66.97,30.17]],"
		"[[66.975,30.175],[66.975,30.185],[66.985,30.185],[66.985,30.175],[66.975,30.175]]]}";
	struct geofence *g = geofence_new();

	(void)state;
	assert_non_null(g);
	assert_int_equal(add_json(g, json), 0);
	assert_int_equal(where(g, 0, 30.172, 66.972, 5), GEO_INSIDE);
	/* the middle of the hole is ~480 m from its nearest edge */
	assert_int_equal(where(g, 0, 30.18, 66.98, 5), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, 30.18, 66.98, 700), GEO_EDGE);
	geofence_free(g);
}

static void test_multipolygon_and_feature(void **state)
{
	/* the square near Quetta and a square at Gwadar */
	static const char multi[] =
		"{\"type\":\"MultiPolygon\",\"coordinates\":["
		"[[[66.97,30.17],[66.99,30.17],[66.99,30.19],[66.97,30.19],[66.97,30.17]]],"
		"[[[62.31,25.11],[62.34,25.11],[62.34,25.13],[62.31,25.13],[62.31,25.11]]]]}";
	static const char feature[] =
		"{\"type\":\"Feature\",\"id\":\"quetta-office\","
		"\"properties\":{\"name\":\"Quetta office\",\"district\":\"Quetta\"},"
		"\"geometry\":" SQUARE "}";
	static const char feature_multi[] =
		"{\"type\":\"Feature\",\"properties\":null,\"geometry\":"
		"{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE_COORDS "]}}";
	struct geofence *g = geofence_new();

	(void)state;
	assert_non_null(g);
	assert_int_equal(add_json(g, multi), 0);
	assert_int_equal(add_json(g, feature), 1);
	assert_int_equal(add_json(g, feature_multi), 2);
	assert_int_equal(geofence_count(g), 3);
	/* the multipolygon: either part */
	assert_int_equal(where(g, 0, 30.18, 66.98, 10), GEO_INSIDE);
	assert_int_equal(where(g, 0, 25.1216, 62.3254, 10), GEO_INSIDE);
	assert_int_equal(where(g, 0, north(25.13, 150), 62.3254, 200), GEO_EDGE);
	assert_int_equal(where(g, 0, north(25.13, 150), 62.3254, 100), GEO_OUTSIDE);
	assert_int_equal(where(g, 0, 27.5, 64.5, 1000), GEO_OUTSIDE); /* between */
	/* the Features read as their geometry */
	assert_int_equal(where(g, 1, 30.18, 66.98, 10), GEO_INSIDE);
	assert_int_equal(where(g, 1, north(SQ_N, 200), 66.98, 250), GEO_EDGE);
	assert_int_equal(where(g, 1, 25.1216, 62.3254, 10), GEO_OUTSIDE);
	assert_int_equal(where(g, 2, 30.18, 66.98, 10), GEO_INSIDE);
	geofence_free(g);
}

static void test_geojson_rejected(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"{",
		"null",
		"[]",
		"{}",
		"{\"type\":\"Polygon\"}",
		"{\"type\":\"Polygon\",\"coordinates\":[]}",
		"{\"type\":\"Polygon\",\"coordinates\":\"x\"}",
		"{\"type\":\"Point\",\"coordinates\":[66.98,30.18]}",
		"{\"type\":\"LineString\",\"coordinates\":[[66.97,30.17],[66.99,30.19]]}",
		"{\"type\":\"MultiPoint\",\"coordinates\":[[66.97,30.17]]}",
		"{\"type\":\"GeometryCollection\",\"geometries\":[" SQUARE "]}",
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
		"\"properties\":{},\"geometry\":" SQUARE "}]}",
		"{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}",
		"{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
		"{\"type\":\"Point\",\"coordinates\":[66.98,30.18]}}",
		/* latitude 95, longitude 181 */
		"{\"type\":\"Polygon\",\"coordinates\":"
		"[[[66.97,30.17],[66.99,30.17],[66.99,95],[66.97,30.19],[66.97,30.17]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":"
		"[[[179,30.17],[181,30.17],[181,30.19],[179,30.19],[179,30.17]]]}",
		/* in a MultiPolygon's second part, and in a hole */
		"{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE_COORDS ","
		"[[[0,0],[1,0],[1,-91],[0,0]]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":["
		"[[66.97,30.17],[66.99,30.17],[66.99,30.19],[66.97,30.19],[66.97,30.17]],"
		"[[66.975,30.175],[66.975,300],[66.985,30.185],[66.975,30.175]]]}",
		/* overflowing numbers, NaN is not JSON */
		"{\"type\":\"Polygon\",\"coordinates\":"
		"[[[66.97,30.17],[1e999,30.17],[66.99,30.19],[66.97,30.17]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":"
		"[[[66.97,30.17],[NaN,30.17],[66.99,30.19],[66.97,30.17]]]}",
		/* a self-intersecting bow-tie */
		"{\"type\":\"Polygon\",\"coordinates\":"
		"[[[66.97,30.17],[66.99,30.19],[66.99,30.17],[66.97,30.19],[66.97,30.17]]]}",
		/* a ring that is not closed, one too short */
		"{\"type\":\"Polygon\",\"coordinates\":"
		"[[[66.97,30.17],[66.99,30.17],[66.99,30.19],[66.97,30.19]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[66.97,30.17],[66.99,30.17],[66.97,30.17]]]}",
		/* a hole outside its shell; overlapping parts of a MultiPolygon */
		"{\"type\":\"Polygon\",\"coordinates\":[" "[[66.97,30.17],[66.99,30.17],"
		"[66.99,30.19],[66.97,30.19],[66.97,30.17]],"
		"[[67.5,30.5],[67.6,30.5],[67.6,30.6],[67.5,30.5]]]}",
		"{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE_COORDS ","
		"[[[66.98,30.18],[67.0,30.18],[67.0,30.2],[66.98,30.2],[66.98,30.18]]]]}",
		/* the right shape, then trailing garbage */
		SQUARE "x",
	};
	struct geofence *g = geofence_new();
	char with_nul[sizeof SQUARE + 8];
	size_t i;

	(void)state;
	assert_non_null(g);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (geofence_add_geojson(g, bad[i], strlen(bad[i])) != DF_EINVAL)
			fail_msg("accepted bad GeoJSON #%zu: %s", i, bad[i]);
	}
	/* a NUL inside the given length; a length cutting the text short; NULLs */
	memcpy(with_nul, SQUARE, sizeof SQUARE);
	memcpy(with_nul + sizeof SQUARE, "  ", 2);
	assert_int_equal(geofence_add_geojson(g, with_nul, sizeof SQUARE + 2), DF_EINVAL);
	assert_int_equal(geofence_add_geojson(g, SQUARE, strlen(SQUARE) - 2), DF_EINVAL);
	assert_int_equal(geofence_add_geojson(g, NULL, 10), DF_EINVAL);
	assert_int_equal(geofence_add_geojson(NULL, SQUARE, strlen(SQUARE)), DF_EINVAL);
	assert_int_equal(geofence_count(g), 0);
	/* a text not NUL-terminated is read only up to len */
	memcpy(with_nul, SQUARE, strlen(SQUARE));
	memset(with_nul + strlen(SQUARE), 'x', sizeof with_nul - strlen(SQUARE));
	assert_int_equal(geofence_add_geojson(g, with_nul, strlen(SQUARE)), 0);
	assert_int_equal(geofence_count(g), 1);
	geofence_free(g);
}

static void test_geojson_size_cap(void **state)
{
	size_t n = strlen(SQUARE);
	char *big = malloc(GEO_GEOJSON_MAX + 1);
	struct geofence *g = geofence_new();

	(void)state;
	assert_non_null(big);
	assert_non_null(g);
	/* a valid polygon padded with whitespace: exactly the cap is read ... */
	memcpy(big, SQUARE, n);
	memset(big + n, ' ', GEO_GEOJSON_MAX + 1 - n);
	assert_int_equal(geofence_add_geojson(g, big, GEO_GEOJSON_MAX), 0);
	/* ... one byte more is refused unread */
	assert_int_equal(geofence_add_geojson(g, big, GEO_GEOJSON_MAX + 1), DF_EINVAL);
	assert_int_equal(geofence_add_geojson(g, big, SIZE_MAX), DF_EINVAL);
	assert_int_equal(geofence_count(g), 1);
	free(big);
	geofence_free(g);
}

/* ---- the best standing ------------------------------------------------ */

static void test_best_prefers_inside(void **state)
{
	struct geofence *g = geofence_new();
	struct fix f = mkfix(north(SQ_N, 200), 66.98, 250); /* EDGE of the square */
	int place = 99;

	(void)state;
	assert_non_null(g);
	/* no places: OUTSIDE, -1; place may be NULL */
	assert_int_equal(geofence_best(g, &f, &place), GEO_OUTSIDE);
	assert_int_equal(place, -1);
	assert_int_equal(geofence_best(g, &f, NULL), GEO_OUTSIDE);
	assert_int_equal(geofence_best(NULL, &f, &place), GEO_OUTSIDE);
	assert_int_equal(place, -1);

	assert_int_equal(geofence_add_circle(g, 25.1216, 62.3254, 500), 0); /* Gwadar */
	assert_int_equal(geofence_best(g, &f, &place), GEO_OUTSIDE);
	assert_int_equal(place, 0);
	assert_int_equal(add_json(g, SQUARE), 1);
	assert_int_equal(geofence_best(g, &f, &place), GEO_EDGE);
	assert_int_equal(place, 1);
	/* a circle around the fix comes later and wins */
	assert_int_equal(geofence_add_circle(g, f.lat, f.lon, 50), 2);
	assert_int_equal(geofence_best(g, &f, &place), GEO_INSIDE);
	assert_int_equal(place, 2);
	/* another EDGE after the INSIDE changes nothing */
	assert_int_equal(add_json(g, SQUARE), 3);
	assert_int_equal(geofence_best(g, &f, &place), GEO_INSIDE);
	assert_int_equal(place, 2);
	/* the first of equals is named */
	f = mkfix(30.18, 66.98, 10);
	assert_int_equal(geofence_best(g, &f, &place), GEO_INSIDE);
	assert_int_equal(place, 1);
	f.lat = NAN;
	assert_int_equal(geofence_best(g, &f, &place), GEO_OUTSIDE);
	assert_int_equal(place, 0);
	geofence_free(g);
}

/* Each thread uses its own geofence (one GEOS context each). */
static void *judge_many(void *arg)
{
	struct geofence *g = geofence_new();
	long *bad = arg;
	int i;

	if (!g || add_json(g, SQUARE) != 0 || geofence_add_circle(g, 30.0, 67.0, 300) != 1) {
		*bad = -1;
		geofence_free(g);
		return NULL;
	}
	for (i = 0; i < 2000; i++) {
		double lat = 30.16 + 0.04 * (double)i / 2000.0;
		double off = geo_distance_m(lat, 66.98, lat < SQ_S ? SQ_S : SQ_N, 66.98);
		struct fix f = mkfix(lat, 66.98, 50);
		enum geo_where want = GEO_OUTSIDE;

		if (lat >= SQ_S && lat <= SQ_N)
			want = GEO_INSIDE;
		else if (off > 49.0 && off < 52.0)
			continue; /* the 32-gon reaches up to 50.24 m: either answer */
		else if (off <= 49.0)
			want = GEO_EDGE;
		if (geofence_best(g, &f, NULL) != want)
			(*bad)++;
	}
	geofence_free(g);
	return NULL;
}

static void test_threads_own_contexts(void **state)
{
	pthread_t t[4];
	long bad[4] = { 0 };
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, judge_many, &bad[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(bad[i], 0);
	}
}

/* ---- verdicts --------------------------------------------------------- */

/* Judge f with the default rules at NOW. */
static enum verdict judge(const struct fix *f, enum geo_where place, int district,
			  const struct fix *last, unsigned *reasons)
{
	struct verdict_rules rules;

	verdict_rules_default(&rules);
	return verdict_judge(&rules, f, place, district, last, NOW, reasons);
}

static void test_verdict_defaults_and_verified(void **state)
{
	struct verdict_rules rules;
	struct fix f = mkfix(30.18, 66.98, 10);
	unsigned why = 12345;

	(void)state;
	verdict_rules_default(&rules);
	assert_int_equal(rules.future_skew_ms, 5 * MIN_MS);
	assert_int_equal(rules.max_age_ms, 7 * DAY_MS);
	assert_true(rules.max_accuracy_m == 100.0);
	assert_true(fabs(rules.max_speed_mps - 69.444) < 0.001);
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_VERIFIED);
	assert_int_equal(why, 0);
	/* the district unknown or at its edge is no reason */
	assert_int_equal(judge(&f, GEO_INSIDE, -1, NULL, &why), VERDICT_VERIFIED);
	assert_int_equal(why, 0);
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_EDGE, NULL, &why), VERDICT_VERIFIED);
	assert_int_equal(why, 0);
	/* reasons may be NULL */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, NULL), VERDICT_VERIFIED);
}

static void test_verdict_time_rules(void **state)
{
	struct verdict_rules rules;
	struct fix f = mkfix(30.18, 66.98, 10);
	unsigned why = 0;

	(void)state;
	f.at_ms = NOW + 5 * MIN_MS;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_VERIFIED);
	f.at_ms = NOW + 5 * MIN_MS + 1;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_FUTURE);
	f.at_ms = NOW - 7 * DAY_MS;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_VERIFIED);
	f.at_ms = NOW - 7 * DAY_MS - 1;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_TOO_OLD);
	/* unknown time (0) is too old; the extremes do not overflow */
	f.at_ms = 0;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_TOO_OLD);
	f.at_ms = INT64_MAX;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_FUTURE);
	f.at_ms = INT64_MIN;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_TOO_OLD);
	verdict_rules_default(&rules);
	f.at_ms = INT64_MAX;
	assert_int_equal(verdict_judge(&rules, &f, GEO_INSIDE, GEO_INSIDE, NULL, INT64_MAX, &why),
			 VERDICT_VERIFIED);
	f.at_ms = INT64_MIN;
	assert_int_equal(verdict_judge(&rules, &f, GEO_INSIDE, GEO_INSIDE, NULL, INT64_MIN, &why),
			 VERDICT_VERIFIED);
	rules.future_skew_ms = INT64_MAX;
	rules.max_age_ms = INT64_MAX;
	f.at_ms = -NOW;
	assert_int_equal(verdict_judge(&rules, &f, GEO_INSIDE, GEO_INSIDE, NULL, NOW, &why),
			 VERDICT_VERIFIED);
}

static void test_verdict_mock_and_district(void **state)
{
	struct fix f = mkfix(30.18, 66.98, 10);
	unsigned why = 0;

	(void)state;
	f.mock = 1;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_MOCK);
	f.mock = 0;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_OUTSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_OUT_DISTRICT);
}

static void test_verdict_accuracy(void **state)
{
	struct fix f = mkfix(30.18, 66.98, 100);
	unsigned why = 0;

	(void)state;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_VERIFIED);
	f.accuracy_m = 0;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_VERIFIED);
	f.accuracy_m = 100.5;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY);
	f.accuracy_m = NAN;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY);
	f.accuracy_m = -1;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY);
	f.accuracy_m = INFINITY;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY);
}

static void test_verdict_travel(void **state)
{
	struct fix f = mkfix(30.18, 66.98, 0);
	struct fix last = mkfix(north(30.18, -10000), 66.98, 0); /* 10 km south */
	unsigned why = 0;

	(void)state;
	/* 10 km in 60 s is 167 m/s: impossible */
	last.at_ms = f.at_ms - 60000;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_TRAVEL);
	/* in 150 s it is 66.7 m/s: possible */
	last.at_ms = f.at_ms - 150000;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	assert_int_equal(why, 0);
	/* an older fix sent later (offline batch): the interval is what counts */
	last.at_ms = f.at_ms + 60000;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_TRAVEL);
	/* both accuracies come off: 10 km - 3 km - 3 km = 4 km in 60 s = 66.7 m/s */
	last.at_ms = f.at_ms - 60000;
	f.accuracy_m = 3000;
	last.accuracy_m = 3000;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY); /* 3 km is poor, but the travel is possible */
	last.accuracy_m = 2000;              /* 5 km in 60 s = 83 m/s */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY | VR_TRAVEL);
	last.accuracy_m = NAN;               /* unknown counts as 0: 7 km in 60 s */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY | VR_TRAVEL);
	f.accuracy_m = 10;
	last.accuracy_m = 10;

	/* at the same second only over 1 km counts */
	last = mkfix(north(30.18, -900), 66.98, 0);
	f.accuracy_m = 0;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	last.at_ms = f.at_ms - 999;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	last = mkfix(north(30.18, -1100), 66.98, 0);
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_TRAVEL);
	last.at_ms = f.at_ms - 999;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_TRAVEL);
	/* ... and 1.1 km with 150 m of accuracy off is 950 m: possible */
	last.accuracy_m = 150;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	last.accuracy_m = 40;
	f.accuracy_m = 40; /* 1020 m */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_TRAVEL);
	f.accuracy_m = 70; /* 990 m */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	/* from one second apart the speed rule applies: 100 m in 1 s */
	last = mkfix(north(30.18, -100), 66.98, 0);
	last.at_ms = f.at_ms - 1000;
	f.accuracy_m = 0;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_TRAVEL);
	last.at_ms = f.at_ms - 1500; /* 66.7 m/s */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	/* the same place again, a last fix with no position */
	last = f;
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	last = mkfix(NAN, NAN, 0);
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
	last = mkfix(25.1216, 62.3254, 0);
	last.at_ms = INT64_MIN; /* absurd times do not overflow */
	assert_int_equal(judge(&f, GEO_INSIDE, GEO_INSIDE, &last, &why), VERDICT_VERIFIED);
}

static void test_verdict_place(void **state)
{
	struct fix f = mkfix(30.18, 66.98, 10);
	unsigned why = 0;

	(void)state;
	assert_int_equal(judge(&f, GEO_EDGE, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_EDGE);
	assert_int_equal(judge(&f, GEO_OUTSIDE, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_OUTSIDE);
	assert_int_equal(judge(&f, (enum geo_where)7, GEO_INSIDE, NULL, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_OUTSIDE);
}

static void test_verdict_combined(void **state)
{
	struct verdict_rules rules;
	struct fix f = mkfix(30.18, 66.98, 500);
	struct fix last = mkfix(25.1216, 62.3254, 10);
	unsigned why = 0;

	(void)state;
	/* doubtful reasons add up */
	assert_int_equal(judge(&f, GEO_EDGE, GEO_INSIDE, &last, &why), VERDICT_DOUBTFUL);
	assert_int_equal(why, VR_ACCURACY | VR_TRAVEL | VR_EDGE);
	/* one rejecting reason makes the whole rejected, the others stay */
	f.mock = 1;
	assert_int_equal(judge(&f, GEO_EDGE, GEO_INSIDE, &last, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_MOCK | VR_ACCURACY | VR_TRAVEL | VR_EDGE);
	f.mock = 0;
	f.at_ms = NOW - 30 * DAY_MS;
	assert_int_equal(judge(&f, GEO_OUTSIDE, GEO_OUTSIDE, NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_TOO_OLD | VR_OUT_DISTRICT | VR_ACCURACY | VR_OUTSIDE);
	/* every reason that can go together (EDGE and OUTSIDE exclude each
	 * other), with rules where the future and the too old overlap */
	verdict_rules_default(&rules);
	rules.future_skew_ms = 0;
	rules.max_age_ms = -3600000;
	f = mkfix(30.18, 66.98, NAN);
	f.at_ms = NOW + 1;
	f.mock = 1;
	last.at_ms = NOW;
	assert_int_equal(verdict_judge(&rules, &f, GEO_EDGE, GEO_OUTSIDE, &last, NOW, &why),
			 VERDICT_REJECTED);
	assert_int_equal(why, 0xFFu & ~(unsigned)VR_OUTSIDE);
	assert_int_equal(verdict_judge(&rules, &f, GEO_OUTSIDE, GEO_OUTSIDE, &last, NOW, &why),
			 VERDICT_REJECTED);
	assert_int_equal(why, 0xFFu & ~(unsigned)VR_EDGE);
}

/* The whole path: a district polygon and a duty circle, then the verdict. */
static void test_geofence_into_verdict(void **state)
{
	struct geofence *district = square_fence();
	struct geofence *duty = geofence_new();
	struct fix f = mkfix(30.18, 66.98, 15);
	unsigned why = 0;
	int place = 0;

	(void)state;
	assert_non_null(duty);
	assert_int_equal(geofence_add_circle(duty, 30.1805, 66.9805, 150), 0);
	assert_int_equal(judge(&f, geofence_best(duty, &f, &place), (int)geofence_where(district, 0, &f),
			       NULL, &why), VERDICT_VERIFIED);
	assert_int_equal(place, 0);
	f = mkfix(north(SQ_N, 5000), 66.98, 15); /* 5 km out of the district */
	assert_int_equal(judge(&f, geofence_best(duty, &f, &place), (int)geofence_where(district, 0, &f),
			       NULL, &why), VERDICT_REJECTED);
	assert_int_equal(why, VR_OUT_DISTRICT | VR_OUTSIDE);
	geofence_free(duty);
	geofence_free(district);
}

static void test_names(void **state)
{
	static const char *const want[VR_COUNT] = {
		"future", "too_old", "mock", "out_district", "accuracy", "travel", "edge", "outside",
	};
	unsigned i;

	(void)state;
	assert_string_equal(verdict_name(VERDICT_VERIFIED), "verified");
	assert_string_equal(verdict_name(VERDICT_DOUBTFUL), "doubtful");
	assert_string_equal(verdict_name(VERDICT_REJECTED), "rejected");
	assert_null(verdict_name((enum verdict)3));
	assert_string_equal(verdict_reason_name(VR_FUTURE), "future");
	assert_string_equal(verdict_reason_name(VR_TOO_OLD), "too_old");
	assert_string_equal(verdict_reason_name(VR_MOCK), "mock");
	assert_string_equal(verdict_reason_name(VR_OUT_DISTRICT), "out_district");
	assert_string_equal(verdict_reason_name(VR_ACCURACY), "accuracy");
	assert_string_equal(verdict_reason_name(VR_TRAVEL), "travel");
	assert_string_equal(verdict_reason_name(VR_EDGE), "edge");
	assert_string_equal(verdict_reason_name(VR_OUTSIDE), "outside");
	for (i = 0; i < VR_COUNT; i++)
		assert_string_equal(verdict_reason_name(1u << i), want[i]);
	assert_null(verdict_reason_name(0));
	assert_null(verdict_reason_name(VR_FUTURE | VR_MOCK));
	assert_null(verdict_reason_name(1u << VR_COUNT));
	assert_null(verdict_reason_name(1u << 31));
	assert_null(verdict_reason_name(~0u));
}

/* Every real district boundary (data/geo, the 2023 set) loads as a
 * reference boundary, though two carry islets collapsed to 2-3 positions
 * that geofence_add_geojson refuses; and Gwadar town is inside Gwadar. */
static void test_real_district_boundaries(void **state)
{
	json_t *fc = json_load_file("data/geo/balochistan-districts.geojson", 0, NULL);
	json_t *features = json_object_get(fc, "features");
	size_t i, loaded = 0, strict = 0;
	int gwadar_checked = 0;

	(void)state;
	assert_non_null(features);
	assert_int_equal(json_array_size(features), 34);
	for (i = 0; i < json_array_size(features); i++) {
		json_t *f = json_array_get(features, i);
		char *text = json_dumps(json_object_get(f, "geometry"), JSON_COMPACT);
		const char *name = json_string_value(json_object_get(json_object_get(f, "properties"), "name"));
		struct geofence *g = geofence_new(), *plain = geofence_new();

		assert_non_null(text);
		assert_non_null(g);
		assert_non_null(plain);
		if (geofence_add_boundary(g, text, strlen(text)) == 0)
			loaded++;
		if (geofence_add_geojson(plain, text, strlen(text)) == 0)
			strict++;
		if (name && strcmp(name, "Gwadar") == 0 && geofence_count(g) == 1) {
			struct fix town = { .lat = 25.1264, .lon = 62.3225, .accuracy_m = 20 };
			struct fix quetta = { .lat = 30.1798, .lon = 66.9750, .accuracy_m = 20 };

			assert_int_equal(geofence_where(g, 0, &town), GEO_INSIDE);
			assert_int_equal(geofence_where(g, 0, &quetta), GEO_OUTSIDE);
			gwadar_checked = 1;
		}
		geofence_free(g);
		geofence_free(plain);
		free(text);
	}
	json_decref(fc);
	assert_int_equal(loaded, 34);
	assert_true(strict < 34); /* the data still has the short rings this works around */
	assert_true(gwadar_checked);
}


/* ------------------------------------------------ working days, leave */

static cal_day day_of(const char *s)
{
	cal_day d;

	assert_int_equal(cal_parse(s, &d), DF_OK);
	return d;
}

/* Working days missed across weekends, a holiday and leave: 2026-08-10
 * (Mon) .. 2026-08-21 (Fri) has 10 weekdays, 14 August (Friday) a
 * holiday: 9 working days. */
static void test_days_missed(void **state)
{
	struct calendar cal;
	struct att_absence away[3];
	cal_day base = day_of("2026-08-09"), last = day_of("2026-08-21");

	(void)state;
	calendar_init(&cal);
	assert_int_equal(calendar_add_holiday(&cal, day_of("2026-08-14"), "Independence Day", "pakistan"), DF_OK);
	assert_int_equal(att_days_missed(&cal, base, last, NULL, 0, 7), 9);
	assert_int_equal(att_days_missed(&cal, last, last, NULL, 0, 7), 0);
	assert_int_equal(att_days_missed(&cal, last, base, NULL, 0, 7), 0);
	/* person 7: leave Wed 12 .. Mon 17 (Wed, Thu, [Fri holiday], Mon = 3
	 * working days) and a tour on Fri 21; person 9's leave is not theirs */
	memset(away, 0, sizeof away);
	away[0] = (struct att_absence){ 1, 7, ATT_LEAVE, day_of("2026-08-12"), day_of("2026-08-17"), 0, 0, 0, 0 };
	away[1] = (struct att_absence){ 2, 7, ATT_TOUR, day_of("2026-08-21"), day_of("2026-08-25"), 0, 0, 0, 0 };
	away[2] = (struct att_absence){ 3, 9, ATT_LEAVE, day_of("2026-08-01"), day_of("2026-08-31"), 0, 0, 0, 0 };
	assert_int_equal(att_days_missed(&cal, base, last, away, 3, 7), 9 - 3 - 1);
	assert_int_equal(att_days_missed(&cal, base, last, away, 3, 9), 0);
	assert_int_equal(att_days_missed(&cal, base, last, away, 3, 8), 9);
	/* counting from inside the leave: (Sat 15, Fri 21] = Mon..Fri, less
	 * Monday's leave and Friday's tour */
	assert_int_equal(att_days_missed(&cal, day_of("2026-08-15"), last, away, 3, 7), 3);
	/* an absence reaching before base counts only after it */
	assert_int_equal(att_days_missed(&cal, day_of("2026-08-13"), day_of("2026-08-18"), away, 3, 7), 1);
	calendar_release(&cal);
}

/* Late: after start + grace in Asia/Karachi (UTC+5). */
static void test_is_late(void **state)
{
	struct att_hours h = { 9 * 60, 17 * 60, 15, 0 };
	cal_day d = day_of("2026-11-18");
	int64_t nine_pkt = cal_start_ms(d) + 9 * 3600000LL;

	(void)state;
	assert_false(att_is_late(d, nine_pkt, &h));
	assert_false(att_is_late(d, nine_pkt + 15 * 60000, &h));
	assert_true(att_is_late(d, nine_pkt + 15 * 60000 + 1, &h));
	h.grace_min = 0;
	assert_true(att_is_late(d, nine_pkt + 1, &h));
	/* 04:05Z is 09:05 in Karachi */
	h.grace_min = 10;
	assert_false(att_is_late(d, cal_start_ms(d) + (4 * 60 + 5 + 5 * 60) * 60000LL, &h));
}

/* attendance.absence_days: role:alert:action, "*" for the rest. */
static void test_role_days(void **state)
{
	int a = 0, b = 0;

	(void)state;
	assert_int_equal(config_role_days("*:3:15", "field_officer", &a, &b), DF_OK);
	assert_int_equal(a, 3);
	assert_int_equal(b, 15);
	assert_int_equal(config_role_days("clerk:5:20,*:3:15", "clerk", &a, &b), DF_OK);
	assert_int_equal(a, 5);
	assert_int_equal(b, 20);
	assert_int_equal(config_role_days("clerk:5:20,*:3:15", "head_teacher", &a, &b), DF_OK);
	assert_int_equal(a, 3);
	assert_int_equal(config_role_days("clerk:5:20", "head_teacher", &a, &b), DF_ENOTFOUND);
	assert_int_equal(config_role_days("clerk:5", "clerk", &a, &b), DF_EINVAL);
	assert_int_equal(config_role_days("clerk:9:3", "clerk", &a, &b), DF_EINVAL);
	assert_int_equal(config_role_days("clerk:0:3", "clerk", &a, &b), DF_EINVAL);
	assert_int_equal(config_role_days("Clerk:1:3", "clerk", &a, &b), DF_EINVAL);
	assert_int_equal(config_role_days("clerk:1:3,", "clerk", &a, &b), DF_OK);
	assert_int_equal(config_role_days("clerk:1:3;x", "clerk", &a, &b), DF_EINVAL);
}

int main(void)
{
	const struct CMUnitTest geofence_tests[] = {
		cmocka_unit_test(test_haversine_known_distances),
		cmocka_unit_test(test_point_ok),
		cmocka_unit_test(test_circle_add_rejects_bad_input),
		cmocka_unit_test(test_circle_inside_edge_outside),
		cmocka_unit_test(test_polygon_inside_edge_outside),
		cmocka_unit_test(test_polygon_disc_is_not_short),
		cmocka_unit_test(test_polygon_with_hole),
		cmocka_unit_test(test_multipolygon_and_feature),
		cmocka_unit_test(test_geojson_rejected),
		cmocka_unit_test(test_geojson_size_cap),
		cmocka_unit_test(test_real_district_boundaries),
		cmocka_unit_test(test_best_prefers_inside),
		cmocka_unit_test(test_borrowed_place),
		cmocka_unit_test(test_threads_own_contexts),
	};
	const struct CMUnitTest verdict_tests[] = {
		cmocka_unit_test(test_verdict_defaults_and_verified),
		cmocka_unit_test(test_verdict_time_rules),
		cmocka_unit_test(test_verdict_mock_and_district),
		cmocka_unit_test(test_verdict_accuracy),
		cmocka_unit_test(test_verdict_travel),
		cmocka_unit_test(test_verdict_place),
		cmocka_unit_test(test_verdict_combined),
		cmocka_unit_test(test_geofence_into_verdict),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_days_missed),
		cmocka_unit_test(test_is_late),
		cmocka_unit_test(test_role_days),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("geofence", geofence_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("verdict", verdict_tests, NULL, NULL);
	return failed ? 1 : 0;
}
