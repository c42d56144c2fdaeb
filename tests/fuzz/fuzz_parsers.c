/*
 * fuzz_parsers.c - libFuzzer target for the small parsers that read outside
 * input: calendar days, the holiday CSV, bearer tokens, TOTP codes, hex
 * hashes, trusted-proxy lists and X-Forwarded-For headers, JSON bodies
 * through the jreq_* readers' library (jansson), and OsmAnd / Traccar Client
 * position reports (src/attendance/osmand.c: the query + form shape, split
 * at the first '\n', and the JSON shape).
 * The first input byte picks the parser, data[0] % 8; the rest is its input:
 *   0 calendar day, 1 holiday CSV, 2 token + TOTP, 3 hex hash,
 *   4 proxy list + X-Forwarded-For, 5 JSON, 6 OsmAnd params, 7 OsmAnd JSON.
 * (Until the OsmAnd cases it was data[0] % 6; the seeds in corpus/ start
 * with bytes 0..4, which pick the same parser under both.)  Built by
 * `make fuzz` with clang; scripts/run-tests runs it for a bounded number of
 * inputs as a smoke test, and it can run for hours by hand:
 *   build-fuzz/fuzz_parsers -max_total_time=3600 tests/fuzz/corpus
 */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/auth.h"
#include "core/calendar.h"
#include "core/merkle.h"
#include "core/netaddr.h"
#include "attendance/osmand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_csv(const char *s, size_t n)
{
	char path[] = "/tmp/daftar-fuzz-csv-XXXXXX";
	int fd = mkstemp(path);
	struct calendar c;
	int bad = 0;

	if (fd < 0)
		return;
	if (write(fd, s, n) != (ssize_t)n) {
		close(fd);
		unlink(path);
		return;
	}
	close(fd);
	calendar_init(&c);
	if (calendar_load_csv(&c, path, &bad) == DF_OK) {
		/* whatever loaded must be sorted, unique and usable */
		for (size_t i = 1; i < c.n; i++)
			if (c.holidays[i].day <= c.holidays[i - 1].day)
				abort();
		if (c.n)
			(void)calendar_working_days_between(&c, c.holidays[0].day, c.holidays[c.n - 1].day);
	}
	calendar_release(&c);
	unlink(path);
}

/* A successful report must hold what osmand.h promises; a failed one must
 * say which field and why. */
static void check_report(int rc, const struct osmand_report *r, int64_t now_ms)
{
	const struct fix *f = &r->fix;
	size_t idlen;

	if (rc != DF_OK) {
		if (rc != DF_EINVAL || !r->field[0] || !r->why[0])
			abort();
		return;
	}
	idlen = strnlen(r->device_id, sizeof r->device_id);
	if (idlen < 1 || idlen > OSMAND_ID_MAX)
		abort();
	for (size_t i = 0; i < idlen; i++)
		if ((unsigned char)r->device_id[i] <= 0x20 || (unsigned char)r->device_id[i] > 0x7e)
			abort();
	if (!(f->lat >= -90.0 && f->lat <= 90.0) || !(f->lon >= -180.0 && f->lon <= 180.0))
		abort();
	if (!isnan(f->accuracy_m) && !(f->accuracy_m >= 0.0))
		abort();
	if (!isnan(f->speed_mps) && !(f->speed_mps >= 0.0))
		abort();
	if (!isnan(f->bearing) && !(f->bearing >= 0.0 && f->bearing <= 360.0))
		abort();
	if (isinf(f->altitude) || f->batt < -1 || f->batt > 100 || (f->mock != 0 && f->mock != 1))
		abort();
	/* the time is now_ms (none sent) or in the years 2000..2100 */
	if (f->at_ms != now_ms && (f->at_ms < 946684800000LL || f->at_ms >= 4133980800000LL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	size_t n;

	if (size < 1 || size > 4096)
		return 0;
	n = size - 1;
	s = malloc(n + 1);
	if (!s)
		return 0;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	switch (data[0] % 8) {
	case 0: {
		cal_day d;
		char back[11];

		if (cal_parse(s, &d) == DF_OK) {
			cal_format(d, back);
			if (strcmp(back, s) != 0) /* strict: only canonical text parses */
				abort();
		}
		break;
	}
	case 1:
		fuzz_csv(s, strlen(s));
		break;
	case 2: {
		int64_t id = 0;
		char secret[AUTH_KEY_LEN + 1];

		if (auth_token_parse(s, &id, secret) == DF_OK && id <= 0)
			abort();
		(void)auth_totp_check("JBSWY3DPEHPK3PXP", 1795437175058, s);
		break;
	}
	case 3: {
		uint8_t h[MERKLE_HASH];
		char back[2 * MERKLE_HASH + 1];

		if (merkle_unhex(s, h) == DF_OK) {
			merkle_hex(h, back);
			if (strcasecmp(back, s) != 0)
				abort();
		}
		break;
	}
	case 4: {
		/* a list as config would give it, then the same text as a header:
		 * whatever comes back must be the peer or an entry of the header */
		struct netaddr_list l;
		char err[160], ip[64];

		if (netaddr_parse(s, &l, err, sizeof err) != DF_OK &&
		    netaddr_parse("10.0.0.0/8 ::1", &l, err, sizeof err) != DF_OK)
			abort();
		netaddr_client(&l, "10.1.2.3", s, ip, sizeof ip);
		if (strcmp(ip, "10.1.2.3") != 0 && !strstr(s, ip))
			abort();
		break;
	}
	case 5: {
		json_error_t e;
		json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);

		json_decref(j);
		break;
	}
	case 6: {
		/* query up to the first '\n' (a C string: it ends at a NUL too),
		 * the form body after it, with its length (NUL bytes included) */
		const int64_t now = 1795400000000LL;
		char *nl = memchr(s, '\n', n);
		struct osmand_report r;
		int64_t ms = 0;

		if (nl) {
			*nl = '\0';
			check_report(osmand_parse_params(s, nl + 1, n - (size_t)(nl + 1 - s), now, &r), &r, now);
		} else {
			check_report(osmand_parse_params(s, NULL, 0, now, &r), &r, now);
		}
		if (osmand_parse_time(s, &ms) == DF_OK && (ms < 946684800000LL || ms >= 4133980800000LL))
			abort();
		break;
	}
	default: {
		const int64_t now = 1795400000000LL;
		struct osmand_report r;

		check_report(osmand_parse_json(s, n, now, &r), &r, now);
		break;
	}
	}
	free(s);
	return 0;
}
