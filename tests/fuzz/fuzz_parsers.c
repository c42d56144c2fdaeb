/*
 * fuzz_parsers.c - libFuzzer target for the small parsers that read outside
 * input: calendar days, the holiday CSV, bearer tokens, TOTP codes, hex
 * hashes, trusted-proxy lists and X-Forwarded-For headers, and JSON bodies through the jreq_* readers' library (jansson).
 * The first input byte picks the parser; the rest is its input.  Built by
 * `make fuzz` with clang; scripts/run-tests runs it for a bounded number of
 * inputs as a smoke test, and it can run for hours by hand:
 *   build-fuzz/fuzz_parsers -max_total_time=3600 tests/fuzz/corpus
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/auth.h"
#include "core/calendar.h"
#include "core/merkle.h"
#include "core/netaddr.h"

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
	switch (data[0] % 6) {
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
	default: {
		json_error_t e;
		json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);

		json_decref(j);
		break;
	}
	}
	free(s);
	return 0;
}
