/*
 * geofence.h - duty places and where a fix stands against them.
 *
 * A duty place is a circle (centre and radius in metres) or a polygon
 * (GeoJSON Polygon or MultiPolygon in WGS84 lon/lat, e.g. a whole district
 * for a field officer).  Polygons are tested with GEOS prepared geometries
 * (the reentrant GEOS C API, one GEOSContextHandle_t per struct geofence,
 * so a geofence is used by one thread at a time).
 *
 * A fix is judged with its accuracy taken into account: the device is
 * somewhere in the disc of radius accuracy_m around the reported point.
 *   GEO_INSIDE  the reported point is in the place (for a circle: distance
 *               to the centre <= radius);
 *   GEO_EDGE    the point is outside but the accuracy disc touches the
 *               place (could be inside: a supervisor decides);
 *   GEO_OUTSIDE the whole accuracy disc is outside.
 * An unknown accuracy (NaN) counts as 0.  Distances are on the sphere
 * (haversine, R = 6371008.8 m); for polygons the accuracy disc is a
 * 32-gon of geodesic offsets around the point, so no projection is needed.
 */
#ifndef DF_ATT_GEOFENCE_H
#define DF_ATT_GEOFENCE_H

#include <stddef.h>
#include "core/result.h"
#include "fix.h"

enum geo_where { GEO_OUTSIDE = 0, GEO_EDGE = 1, GEO_INSIDE = 2 };

#define GEO_EARTH_R_M 6371008.8
#define GEO_RADIUS_MAX_M 100000.0     /* a circle place: 1 m .. 100 km */
#define GEO_GEOJSON_MAX (8u << 20)    /* a polygon place's GeoJSON text */

struct geofence; /* opaque: a GEOS context and the places added to it */

/* geo_distance_m - great-circle distance between two WGS84 points. */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* geo_point_ok - lat in [-90, 90], lon in [-180, 180], both finite. */
int geo_point_ok(double lat, double lon);

/* geofence_new - an empty set of places; NULL when out of memory. */
struct geofence *geofence_new(void);
/* geofence_free - release it and every place in it (NULL is fine). */
void geofence_free(struct geofence *g);

/* geofence_add_circle - add a circle; returns its index (>= 0), or
 * DF_EINVAL for a bad centre or a radius outside 1 m .. GEO_RADIUS_MAX_M. */
int geofence_add_circle(struct geofence *g, double lat, double lon, double radius_m);

/* geofence_add_geojson - add a Polygon or MultiPolygon given as GeoJSON
 * text (a geometry, or a Feature holding one) of at most GEO_GEOJSON_MAX
 * bytes; returns its index, or DF_EINVAL (not GeoJSON, another type,
 * coordinates out of range, invalid geometry) or DF_ENOMEM. */
int geofence_add_geojson(struct geofence *g, const char *geojson, size_t len);

/* geofence_add_boundary - geofence_add_geojson for a reference boundary
 * (a district's, from the org tree): rings of fewer than 4 positions
 * (islets collapsed by simplification, as in two of the 2023 district
 * polygons) are dropped first, and a polygon whose outer ring goes with
 * them.  Drawn duty places go through geofence_add_geojson, which refuses
 * such rings. */
int geofence_add_boundary(struct geofence *g, const char *geojson, size_t len);

/* geofence_add_place - add place i of src to g without copying it: g
 * borrows src's geometry (built once, e.g. a district boundary kept in a
 * cache), so src must outlive g, and the two are used by one thread at a
 * time (GEOS prepared geometries build their indexes lazily).  Returns the
 * new index, DF_EINVAL (no such place, or src is g) or DF_ENOMEM. */
int geofence_add_place(struct geofence *g, const struct geofence *src, size_t i);

/* geofence_count - how many places are in it. */
size_t geofence_count(const struct geofence *g);

/* geofence_where - where fix f stands against place i. */
enum geo_where geofence_where(struct geofence *g, size_t i, const struct fix *f);

/* geofence_best - the best standing of f over every place (INSIDE beats
 * EDGE beats OUTSIDE); *place gets the index of a place that gave it (or
 * -1 when there are no places, answering GEO_OUTSIDE).  place may be NULL. */
enum geo_where geofence_best(struct geofence *g, const struct fix *f, int *place);

#endif
