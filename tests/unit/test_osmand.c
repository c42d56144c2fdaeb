/*
 * test_osmand.c - unit tests of src/attendance/osmand.c (cmocka).
 *
 * Covers the parameter shape as Traccar Client sends it (query string and
 * form body, aliases, '+' and %-decoding, the body winning over the query,
 * the timestamp forms), the JSON shape of the newer Traccar Client (full
 * and minimal), osmand_parse_time on its own, and the failures, each of
 * which must name the field at fault.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attendance/osmand.h"

#define NOW 1795400000000LL /* what a missing timestamp becomes */
#define T_1015Z 1795428900000LL /* 2026-11-23T10:15:00Z */
#define T_0515Z 1795410900000LL /* 2026-11-23T05:15:00Z */

/* ---- helpers ---------------------------------------------------------- */

/* Parse a query string alone; must succeed. */
static struct osmand_report Q(const char *q)
{
	struct osmand_report r;

	assert_int_equal(osmand_parse_params(q, NULL, 0, NOW, &r), DF_OK);
	return r;
}

/* Parse query and form; must fail with DF_EINVAL naming field. */
static void fails(const char *q, const char *form, const char *field)
{
	struct osmand_report r;

	assert_int_equal(osmand_parse_params(q, form, form ? strlen(form) : 0, NOW, &r), DF_EINVAL);
	assert_string_equal(r.field, field);
	assert_true(r.why[0] != '\0');
	assert_string_equal(r.device_id, "");
}

/* Parse a JSON body; returns the result code. */
static int J(const char *body, struct osmand_report *r)
{
	return osmand_parse_json(body, strlen(body), NOW, r);
}

/* Parse a JSON body; must fail with DF_EINVAL naming field. */
static void jfails(const char *body, const char *field)
{
	struct osmand_report r;

	assert_int_equal(J(body, &r), DF_EINVAL);
	assert_string_equal(r.field, field);
	assert_true(r.why[0] != '\0');
}

/* The timestamp of a query "id=x&lat=1&lon=2&timestamp=<ts>". */
static int64_t ts_of(const char *ts)
{
	char q[256];

	snprintf(q, sizeof q, "id=x&lat=1&lon=2&timestamp=%s", ts);
	return Q(q).fix.at_ms;
}

/* ---- the parameter shape ---------------------------------------------- */

static void test_traccar_client_query(void **state)
{
	struct osmand_report r;

	(void)state;
	r = Q("id=123456&timestamp=1700000000&lat=30.1798&lon=66.975&speed=0.0&bearing=0.0"
	      "&altitude=1680.0&accuracy=12.0&batt=87.0");
	assert_string_equal(r.device_id, "123456");
	assert_float_equal(r.fix.lat, 30.1798, 1e-12);
	assert_float_equal(r.fix.lon, 66.975, 1e-12);
	assert_float_equal(r.fix.speed_mps, 0.0, 0);
	assert_float_equal(r.fix.bearing, 0.0, 0);
	assert_float_equal(r.fix.altitude, 1680.0, 0);
	assert_float_equal(r.fix.accuracy_m, 12.0, 0);
	assert_int_equal(r.fix.batt, 87);
	assert_int_equal(r.fix.at_ms, 1700000000000LL);
	assert_int_equal(r.fix.mock, 0);
	assert_string_equal(r.field, "");
}

static void test_minimal_query_unknowns(void **state)
{
	struct osmand_report r;

	(void)state;
	/* only the required three: everything else unknown, time is now */
	r = Q("id=dev-1&lat=-30.5&lon=-66");
	assert_string_equal(r.device_id, "dev-1");
	assert_float_equal(r.fix.lat, -30.5, 0);
	assert_float_equal(r.fix.lon, -66.0, 0);
	assert_true(isnan(r.fix.accuracy_m));
	assert_true(isnan(r.fix.speed_mps));
	assert_true(isnan(r.fix.bearing));
	assert_true(isnan(r.fix.altitude));
	assert_int_equal(r.fix.batt, -1);
	assert_int_equal(r.fix.at_ms, NOW);
	assert_int_equal(r.fix.mock, 0);
	/* edges of the ranges are in */
	r = Q("id=a&lat=90&lon=-180");
	assert_float_equal(r.fix.lat, 90.0, 0);
	assert_float_equal(r.fix.lon, -180.0, 0);
	r = Q("id=a&lat=-90&lon=180&bearing=360&batt=100&accuracy=0");
	assert_float_equal(r.fix.bearing, 360.0, 0);
	assert_int_equal(r.fix.batt, 100);
	assert_float_equal(r.fix.accuracy_m, 0.0, 0);
}

static void test_speed_knots_and_negatives(void **state)
{
	struct osmand_report r;

	(void)state;
	r = Q("id=a&lat=1&lon=2&speed=10");
	assert_float_equal(r.fix.speed_mps, 5.14444, 1e-9);
	/* negative accuracy, speed, bearing, battery: unknown */
	r = Q("id=a&lat=1&lon=2&speed=-1&accuracy=-1&bearing=-1&batt=-1&altitude=-20");
	assert_true(isnan(r.fix.speed_mps));
	assert_true(isnan(r.fix.accuracy_m));
	assert_true(isnan(r.fix.bearing));
	assert_int_equal(r.fix.batt, -1);
	assert_float_equal(r.fix.altitude, -20.0, 0); /* altitude may be negative */
	/* an empty optional parameter counts as absent */
	r = Q("id=a&lat=1&lon=2&speed=&batt=&timestamp=&mock=");
	assert_true(isnan(r.fix.speed_mps));
	assert_int_equal(r.fix.batt, -1);
	assert_int_equal(r.fix.at_ms, NOW);
	/* battery rounds to the nearest percent, exponents are fine */
	r = Q("id=a&lat=1&lon=2&batt=87.5&altitude=1.5e3");
	assert_int_equal(r.fix.batt, 88);
	assert_float_equal(r.fix.altitude, 1500.0, 0);
}

static void test_timestamps(void **state)
{
	(void)state;
	assert_int_equal(ts_of("1700000000"), 1700000000000LL);        /* seconds */
	assert_int_equal(ts_of("1700000000123"), 1700000000123LL);     /* milliseconds */
	assert_int_equal(ts_of("2026-11-23T10:15:00Z"), T_1015Z);
	assert_int_equal(ts_of("2026-11-23T10%3A15%3A00Z"), T_1015Z);  /* ':' escaped */
	assert_int_equal(ts_of("2026-11-23T10:15:00%2B05:00"), T_0515Z); /* '+' escaped */
	assert_int_equal(ts_of("2026-11-23T10:15:00%2B0500"), T_0515Z);
	assert_int_equal(ts_of("2026-11-23T00:15:00-05:00"), T_0515Z);
	assert_int_equal(ts_of("2026-11-23+10:15:00"), T_1015Z);       /* '+' is the space: UTC */
	assert_int_equal(ts_of("2026-11-23%2010:15:00"), T_1015Z);
	assert_int_equal(ts_of("2026-11-23T10:15:00"), T_1015Z);       /* no zone: UTC */
	assert_int_equal(ts_of("2026-11-23T10:15:00.123Z"), T_1015Z + 123);
	assert_int_equal(ts_of("2026-11-23T10:15:00.5Z"), T_1015Z + 500);
	assert_int_equal(ts_of("2026-11-23T10:15:00.123456789Z"), T_1015Z + 123);
}

static void test_parse_time(void **state)
{
	int64_t ms = 0;

	(void)state;
	assert_int_equal(osmand_parse_time("2000-01-01T00:00:00Z", &ms), DF_OK);
	assert_int_equal(ms, 946684800000LL);
	assert_int_equal(osmand_parse_time("2100-12-31T23:59:59Z", &ms), DF_OK);
	assert_int_equal(ms, 4133980799000LL);
	assert_int_equal(osmand_parse_time("2024-02-29 23:59:59", &ms), DF_OK);
	assert_int_equal(ms, 1709251199000LL);
	assert_int_equal(osmand_parse_time("946684800", &ms), DF_OK);
	assert_int_equal(ms, 946684800000LL);

	ms = 42;
	static const char *bad[] = {
		"", "abc", "1990-06-01T00:00:00Z", "1999-12-31T23:59:59Z",
		"2101-01-01T00:00:00Z", "631152000" /* 1990 */, "4133980800" /* 2101 */,
		"-1700000000", "+1700000000", " 1700000000", "1700000000.5", "1e9",
		"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
		"2026-11-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z",
		"2026-11-23T10:15:60Z", "2026-11-23T10:15Z", "2026-11-23", "2026-11-23t10:15:00Z",
		"2026-11-23T10:15:00z", "2026-11-23T10:15:00+15:00", "2026-11-23T10:15:00+05:60",
		"2026-11-23T10:15:00+05", "2026-11-23T10:15:00+5:00", "2026-11-23T10:15:00Z ",
		"2026-11-23T10:15:00.Z", "2026-11-23T10:15:00.1234567890Z", "26-11-23T10:15:00Z",
		"2026-11-23T10:15:00ZZ", "2026/11/23 10:15:00", "99999999999999999999",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (osmand_parse_time(bad[i], &ms) != DF_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(ms, 42);
	}
	assert_int_equal(osmand_parse_time(NULL, &ms), DF_EINVAL);
}

static void test_location_and_aliases(void **state)
{
	struct osmand_report r;

	(void)state;
	r = Q("deviceid=abc&location=30.1798,66.975&heading=270.5");
	assert_string_equal(r.device_id, "abc");
	assert_float_equal(r.fix.lat, 30.1798, 1e-12);
	assert_float_equal(r.fix.lon, 66.975, 1e-12);
	assert_float_equal(r.fix.bearing, 270.5, 0);
	r = Q("id=abc&location=30.1798%2C66.975");
	assert_float_equal(r.fix.lon, 66.975, 1e-12);
	/* unknown parameters are ignored */
	r = Q("id=abc&lat=1&lon=2&hdop=1.2&valid=true&charge=true&cell=410,1,2,3"
	      "&wifi=aa:bb&driverUniqueId=x&%41%42=y&some+name=%20");
	assert_string_equal(r.device_id, "abc");
}

static void test_body_wins_over_query(void **state)
{
	struct osmand_report r;
	const char *form = "lat=3&timestamp=1700000000&batt=50";

	(void)state;
	assert_int_equal(osmand_parse_params("id=q&lat=1&lon=2&batt=10", form, strlen(form), NOW, &r),
			 DF_OK);
	assert_string_equal(r.device_id, "q");
	assert_float_equal(r.fix.lat, 3.0, 0);
	assert_float_equal(r.fix.lon, 2.0, 0);
	assert_int_equal(r.fix.batt, 50);
	assert_int_equal(r.fix.at_ms, 1700000000000LL);
	/* a body alone, no query; the form length is honoured (no NUL needed) */
	form = "id=f&lat=4&lon=5&speed=9XXXX";
	assert_int_equal(osmand_parse_params(NULL, form, strlen(form) - 4, NOW, &r), DF_OK);
	assert_string_equal(r.device_id, "f");
	assert_float_equal(r.fix.speed_mps, 9 * 0.514444, 1e-9);
	/* location in the body replaces lat and lon of the query */
	form = "location=7,8";
	assert_int_equal(osmand_parse_params("id=q&lat=1&lon=2", form, strlen(form), NOW, &r), DF_OK);
	assert_float_equal(r.fix.lat, 7.0, 0);
	assert_float_equal(r.fix.lon, 8.0, 0);
	/* deviceid in the body replaces id in the query */
	form = "deviceid=b";
	assert_int_equal(osmand_parse_params("id=q&lat=1&lon=2", form, strlen(form), NOW, &r), DF_OK);
	assert_string_equal(r.device_id, "b");
}

static void test_decoding(void **state)
{
	struct osmand_report r;

	(void)state;
	r = Q("id=a%2Fb%7ec%2bd&lat=%2B1.5&lon=2&&&");
	assert_string_equal(r.device_id, "a/b~c+d");
	assert_float_equal(r.fix.lat, 1.5, 0);
	r = Q("%69%64=enc&lat=1&lon=2"); /* an encoded name */
	assert_string_equal(r.device_id, "enc");
}

static void test_mock(void **state)
{
	(void)state;
	assert_int_equal(Q("id=a&lat=1&lon=2&mock=true").fix.mock, 1);
	assert_int_equal(Q("id=a&lat=1&lon=2&mock=1").fix.mock, 1);
	assert_int_equal(Q("id=a&lat=1&lon=2&mock=false").fix.mock, 0);
	assert_int_equal(Q("id=a&lat=1&lon=2&mock=0").fix.mock, 0);
	fails("id=a&lat=1&lon=2&mock=yes", NULL, "mock");
}

static void test_param_failures(void **state)
{
	char q[4096];
	size_t n = 0;

	(void)state;
	fails("lat=1&lon=2", NULL, "id");
	fails("id=&lat=1&lon=2", NULL, "id");
	fails("id=a+b&lat=1&lon=2", NULL, "id");  /* a space */
	fails("deviceid=a%01&lat=1&lon=2", NULL, "deviceid");
	fails("id=a&lon=2", NULL, "lat");
	fails("id=a&lat=1", NULL, "lon");
	fails("id=a&lat=&lon=2", NULL, "lat");
	fails("id=a&lat=91&lon=2", NULL, "lat");
	fails("id=a&lat=-90.0001&lon=2", NULL, "lat");
	fails("id=a&lat=1&lon=180.5", NULL, "lon");
	fails("id=a&lat=1&lon=abc", NULL, "lon");
	fails("id=a&lat=nan&lon=2", NULL, "lat");
	fails("id=a&lat=NaN&lon=2", NULL, "lat");
	fails("id=a&lat=1&lon=inf", NULL, "lon");
	fails("id=a&lat=1&lon=-Infinity", NULL, "lon");
	fails("id=a&lat=1e999&lon=2", NULL, "lat");
	fails("id=a&lat=0x1p3&lon=2", NULL, "lat");
	fails("id=a&lat=+1&lon=2", NULL, "lat"); /* '+' is a space */
	fails("id=a&lat=1.5.5&lon=2", NULL, "lat");
	fails("id=a&location=1&lon=2", NULL, "location");
	fails("id=a&location=1,2,3", NULL, "location");
	fails("id=a&location=91,2", NULL, "location");
	fails("id=a&location=1,", NULL, "location");
	fails("id=a&lat=1&lon=2&speed=fast", NULL, "speed");
	fails("id=a&lat=1&lon=2&speed=5000", NULL, "speed");
	fails("id=a&lat=1&lon=2&heading=361", NULL, "heading");
	fails("id=a&lat=1&lon=2&accuracy=1e7", NULL, "accuracy");
	fails("id=a&lat=1&lon=2&altitude=1e6", NULL, "altitude");
	fails("id=a&lat=1&lon=2&batt=101", NULL, "batt");
	fails("id=a&lat=1&lon=2&timestamp=631152000", NULL, "timestamp"); /* 1990 */
	fails("id=a&lat=1&lon=2&timestamp=1990-06-01T00:00:00Z", NULL, "timestamp");
	fails("id=a&lat=1&lon=2&timestamp=yesterday", NULL, "timestamp");
	/* percent-decoding */
	fails("id=a%2&lat=1&lon=2", NULL, "id");
	fails("id=a%zz&lat=1&lon=2", NULL, "id");
	fails("id=a%00b&lat=1&lon=2", NULL, "id");
	fails("id=a&lat=1&lon=2&hdop=%G1", NULL, "query"); /* even in an ignored one */
	fails("id=a&lat=1&lon=2&hdop=%00", NULL, "query");
	fails("i%d=a&lat=1&lon=2", NULL, "query");
	fails("id=a&lat=1&lon=2", "x=%", "body");
	/* a raw NUL inside the form body */
	{
		struct osmand_report r;
		const char form[] = "id=a\0&lat=1&lon=2";

		assert_int_equal(osmand_parse_params(NULL, form, sizeof form - 1, NOW, &r), DF_EINVAL);
		assert_string_equal(r.field, "body");
	}
	/* given twice in one source, directly or through an alias */
	fails("id=a&id=b&lat=1&lon=2", NULL, "id");
	fails("id=a&deviceid=b&lat=1&lon=2", NULL, "deviceid");
	fails("id=a&lat=1&lon=2&location=1,2", NULL, "location");
	fails("id=a&lat=1&lon=2", "bearing=1&heading=2", "heading");
	/* bounds: the id, a value, the number of parameters, the source */
	snprintf(q, sizeof q, "id=%0*d&lat=1&lon=2", OSMAND_ID_MAX, 7);
	assert_int_equal(strlen(Q(q).device_id), OSMAND_ID_MAX); /* 128: fine */
	snprintf(q, sizeof q, "id=%0*d&lat=1&lon=2", OSMAND_ID_MAX + 1, 7);
	fails(q, NULL, "id"); /* 129 */
	snprintf(q, sizeof q, "id=a&lon=2&lat=%0*d", 300, 1);
	fails(q, NULL, "lat"); /* a value longer than any known one may be */
	n = (size_t)snprintf(q, sizeof q, "id=a&lat=1&lon=2");
	for (int i = 0; i < OSMAND_PARAMS_MAX - 3; i++)
		n += (size_t)snprintf(q + n, sizeof q - n, "&p%d=1", i);
	assert_string_equal(Q(q).device_id, "a"); /* 64: fine */
	snprintf(q + n, sizeof q - n, "&one=more");
	fails(q, NULL, "query"); /* 65 */
	fails("id=a&lat=1&lon=2&p1=1&p2=2", q + 17, "body"); /* the limit spans both sources */
}

static void test_source_too_long(void **state)
{
	static char q[9000];

	(void)state;
	memset(q, 'a', sizeof q - 1);
	memcpy(q, "id=a&lat=1&lon=2&x=", 19);
	q[sizeof q - 1] = '\0';
	fails(q, NULL, "query");
}

/* ---- the JSON shape --------------------------------------------------- */

#define FULL_JSON                                                                        \
	"{\"device_id\":\"123456\",\"location\":{\"timestamp\":\"2021-03-20T14:10:57.000Z\"," \
	"\"coords\":{\"latitude\":30.1798,\"longitude\":66.975,\"accuracy\":12.5,"         \
	"\"speed\":9.45,\"heading\":54.14,\"altitude\":1680,\"speed_accuracy\":2.9},"       \
	"\"battery\":{\"level\":0.89,\"is_charging\":false},\"is_moving\":true,"            \
	"\"odometer\":14351.9,\"activity\":{\"type\":\"still\"},\"mock\":true,"             \
	"\"extras\":{}},\"uuid\":\"x\"}"

static void test_json_full(void **state)
{
	struct osmand_report r;

	(void)state;
	assert_int_equal(J(FULL_JSON, &r), DF_OK);
	assert_string_equal(r.device_id, "123456");
	assert_float_equal(r.fix.lat, 30.1798, 1e-12);
	assert_float_equal(r.fix.lon, 66.975, 1e-12);
	assert_float_equal(r.fix.accuracy_m, 12.5, 0);
	assert_float_equal(r.fix.speed_mps, 9.45, 0); /* already m/s */
	assert_float_equal(r.fix.bearing, 54.14, 0);
	assert_float_equal(r.fix.altitude, 1680.0, 0);
	assert_int_equal(r.fix.batt, 89);
	assert_int_equal(r.fix.at_ms, 1616249457000LL);
	assert_int_equal(r.fix.mock, 1);
}

static void test_json_minimal(void **state)
{
	struct osmand_report r;

	(void)state;
	assert_int_equal(J("{\"device_id\":\"d\",\"location\":{\"coords\":"
			   "{\"latitude\":-1,\"longitude\":2.5}}}", &r), DF_OK);
	assert_string_equal(r.device_id, "d");
	assert_float_equal(r.fix.lat, -1.0, 0);
	assert_float_equal(r.fix.lon, 2.5, 0);
	assert_true(isnan(r.fix.accuracy_m));
	assert_true(isnan(r.fix.speed_mps));
	assert_true(isnan(r.fix.bearing));
	assert_true(isnan(r.fix.altitude));
	assert_int_equal(r.fix.batt, -1);
	assert_int_equal(r.fix.at_ms, NOW);
	assert_int_equal(r.fix.mock, 0);
	/* negatives mean unknown; nulls are absent; a level of -1 is unknown */
	assert_int_equal(J("{\"device_id\":\"d\",\"location\":{\"timestamp\":1700000000,"
			   "\"mock\":false,\"battery\":{\"level\":-1},\"coords\":{\"latitude\":1,"
			   "\"longitude\":2,\"speed\":-1,\"heading\":-1,\"accuracy\":-1,"
			   "\"altitude\":null}}}", &r), DF_OK);
	assert_true(isnan(r.fix.speed_mps));
	assert_true(isnan(r.fix.bearing));
	assert_true(isnan(r.fix.accuracy_m));
	assert_true(isnan(r.fix.altitude));
	assert_int_equal(r.fix.batt, -1);
	assert_int_equal(r.fix.at_ms, 1700000000000LL);
	assert_int_equal(r.fix.mock, 0);
	/* ISO with an offset, and an integer timestamp in milliseconds */
	assert_int_equal(J("{\"device_id\":\"d\",\"location\":{\"timestamp\":"
			   "\"2026-11-23T10:15:00+05:00\",\"coords\":{\"latitude\":1,\"longitude\":2}}}",
			   &r), DF_OK);
	assert_int_equal(r.fix.at_ms, T_0515Z);
	assert_int_equal(J("{\"device_id\":\"d\",\"location\":{\"timestamp\":1700000000123,"
			   "\"coords\":{\"latitude\":1,\"longitude\":2}}}", &r), DF_OK);
	assert_int_equal(r.fix.at_ms, 1700000000123LL);
}

static void test_json_failures(void **state)
{
	struct osmand_report r;

	(void)state;
	jfails("[1,2]", "body");
	jfails("\"text\"", "body");
	jfails("{", "body");
	jfails("{} x", "body");
	jfails("{\"device_id\":\"a\",\"device_id\":\"b\",\"location\":{\"coords\":"
	       "{\"latitude\":1,\"longitude\":2}}}", "body");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"latitude\":1,"
	       "\"latitude\":3,\"longitude\":2}}}", "body");
	jfails("{\"location\":{\"coords\":{\"latitude\":1,\"longitude\":2}}}", "device_id");
	jfails("{\"device_id\":12,\"location\":{\"coords\":{\"latitude\":1,\"longitude\":2}}}",
	       "device_id");
	jfails("{\"device_id\":\"\",\"location\":{\"coords\":{\"latitude\":1,\"longitude\":2}}}",
	       "device_id");
	jfails("{\"device_id\":\"a\\u0000b\",\"location\":{\"coords\":{\"latitude\":1,"
	       "\"longitude\":2}}}", "body"); /* jansson refuses \u0000 */
	jfails("{\"device_id\":\"a\"}", "location");
	jfails("{\"device_id\":\"a\",\"location\":[]}", "location");
	jfails("{\"device_id\":\"a\",\"location\":{\"timestamp\":\"2026-11-23T10:15:00Z\"}}",
	       "location.coords");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":[1,2]}}", "location.coords");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"longitude\":2}}}",
	       "location.coords.latitude");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"latitude\":\"1\",\"longitude\":2}}}",
	       "location.coords.latitude");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"latitude\":91,\"longitude\":2}}}",
	       "location.coords.latitude");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"latitude\":1,\"longitude\":-181}}}",
	       "location.coords.longitude");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"latitude\":1,\"longitude\":2,"
	       "\"speed\":true}}}", "location.coords.speed");
	jfails("{\"device_id\":\"a\",\"location\":{\"battery\":{\"level\":1.5},\"coords\":"
	       "{\"latitude\":1,\"longitude\":2}}}", "location.battery.level");
	jfails("{\"device_id\":\"a\",\"location\":{\"mock\":\"yes\",\"coords\":"
	       "{\"latitude\":1,\"longitude\":2}}}", "location.mock");
	jfails("{\"device_id\":\"a\",\"location\":{\"timestamp\":\"1990-01-01T00:00:00Z\","
	       "\"coords\":{\"latitude\":1,\"longitude\":2}}}", "location.timestamp");
	jfails("{\"device_id\":\"a\",\"location\":{\"timestamp\":2.5,"
	       "\"coords\":{\"latitude\":1,\"longitude\":2}}}", "location.timestamp");
	jfails("{\"device_id\":\"a\",\"location\":{\"coords\":{\"latitude\":1e999,\"longitude\":2}}}",
	       "body"); /* jansson refuses an overflowing real */
	assert_int_equal(osmand_parse_json(NULL, 0, NOW, &r), DF_EINVAL);
	assert_string_equal(r.field, "body");
	assert_int_equal(osmand_parse_json("{}", 0, NOW, &r), DF_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traccar_client_query),
		cmocka_unit_test(test_minimal_query_unknowns),
		cmocka_unit_test(test_speed_knots_and_negatives),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_location_and_aliases),
		cmocka_unit_test(test_body_wins_over_query),
		cmocka_unit_test(test_decoding),
		cmocka_unit_test(test_mock),
		cmocka_unit_test(test_param_failures),
		cmocka_unit_test(test_source_too_long),
		cmocka_unit_test(test_json_full),
		cmocka_unit_test(test_json_minimal),
		cmocka_unit_test(test_json_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
