/*
 * cover.c - the printed cover of a file, with a QR code that opens its
 * page (docs/FILES.md, "The cover").
 *
 *   GET /api/v1/files/{id}/cover   -> image/svg+xml, an A4 page
 *
 * The cover carries what a registry clerk writes on a paper file (number,
 * subject, office, priority, security grade, the day it was opened) and a
 * QR code (libqrencode, error correction M) of the file's page,
 * server.public_url + "/files/{id}?scan=1" (or, unset, http://<Host of the
 * request>/...).  Stuck on the paper file, a phone's camera opens that
 * page, and the web app receives the file at once for the post it was
 * sent to: scanning is the acknowledgement, the moment it changes hands.
 * The SVG is made here (one path of the dark modules, text escaped for
 * XML); it holds no script, and the API's CSP forbids one anyway.
 */
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/app.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/http.h"
#include "files_int.h"

#define COVER_LINE 50          /* characters of the subject per line */
#define COVER_LINES 6          /* lines of the subject at most */
#define QR_QUIET 4             /* modules of white around the code */

/* add_xml - s escaped for XML text, at most max bytes of it (cut at a
 * UTF-8 character's start). */
static int add_xml(struct buf *b, const char *s, size_t max)
{
	int rc = DF_OK;
	size_t n = 0;

	for (; s && *s && rc == DF_OK; s++, n++) {
		if (n >= max && ((unsigned char)*s & 0xC0) != 0x80)
			break;
		switch (*s) {
		case '<': rc = buf_adds(b, "&lt;"); break;
		case '>': rc = buf_adds(b, "&gt;"); break;
		case '&': rc = buf_adds(b, "&amp;"); break;
		case '"': rc = buf_adds(b, "&quot;"); break;
		default:
			if ((unsigned char)*s < 0x20)
				rc = buf_adds(b, " ");
			else
				rc = buf_add(b, s, 1);
		}
	}
	return rc;
}

/* add_text - a <text> element at (x, y) mm of size pt with s. */
static int add_text(struct buf *b, int x, int y, int size, const char *weight, const char *s, size_t max)
{
	int rc = buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">", x, y, size, weight);

	if (rc == DF_OK)
		rc = add_xml(b, s, max);
	if (rc == DF_OK)
		rc = buf_adds(b, "</text>\n");
	return rc;
}

/* add_qr - the QR code of url as one path, its top left at (x, y) mm,
 * size mm wide; DF_EINVAL when libqrencode cannot encode it. */
static int add_qr(struct buf *b, const char *url, double x, double y, double size)
{
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	double m;
	int rc;

	if (!qr)
		return DF_EINVAL;
	m = size / (qr->width + 2 * QR_QUIET);
	rc = buf_addf(b, "<g transform=\"translate(%.3f %.3f) scale(%.4f)\"><rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\""
			 " fill=\"#fff\"/><path fill=\"#000\" d=\"", x, y, m, qr->width + 2 * QR_QUIET,
		      qr->width + 2 * QR_QUIET);
	for (int row = 0; rc == DF_OK && row < qr->width; row++)
		for (int col = 0; rc == DF_OK && col < qr->width; col++)
			if (qr->data[row * qr->width + col] & 1)
				rc = buf_addf(b, "M%d %dh1v1h-1z", col + QR_QUIET, row + QR_QUIET);
	if (rc == DF_OK)
		rc = buf_adds(b, "\"/></g>\n");
	QRcode_free(qr);
	return rc;
}

/* page_url - where the file's page is: public_url, else the request's Host. */
static void page_url(struct request *r, int64_t id, char *out, size_t len)
{
	const char *base = r->app->cfg.public_url, *host = req_header_in(r, "Host");
	size_t blen = strlen(base);

	if (blen && base[blen - 1] == '/')
		blen--;
	if (blen)
		snprintf(out, len, "%.*s/files/%lld?scan=1", (int)blen, base, (long long)id);
	else
		snprintf(out, len, "http://%.200s/files/%lld?scan=1",
			 host && *host && !strpbrk(host, " \"<>") ? host : "localhost", (long long)id);
}

int file_cover(struct request *r)
{
	struct file_row f;
	struct actor a;
	struct db *db = NULL;
	struct buf b;
	json_t *o = NULL;
	char url[400], opened[11], line[512];
	const char *unit, *dept, *s;
	size_t len = 0;
	char *svg;
	int status = files_load_visible(r, &db, &a, &f), rc, y = 58;

	if (status)
		return status;
	o = files_office_json(db, f.unit, f.department);
	unit = json_string_value(json_object_get(json_object_get(o, "unit"), "name"));
	dept = json_string_value(json_object_get(json_object_get(o, "department"), "code"));
	page_url(r, f.id, url, sizeof url);
	cal_format(cal_day_of_instant(f.created_at), opened);
	buf_init(&b, 1 << 20);
	rc = buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 210 297\""
			  " font-family=\"sans-serif\">\n<rect width=\"210\" height=\"297\" fill=\"#fff\"/>\n"
			  "<rect x=\"10\" y=\"10\" width=\"190\" height=\"277\" fill=\"none\" stroke=\"#000\" stroke-width=\"0.6\"/>\n");
	if (rc == DF_OK)
		rc = add_text(&b, 20, 28, 7, "normal", "Government of Balochistan", 100);
	if (rc == DF_OK)
		rc = add_text(&b, 20, 44, 12, "bold", f.number, FILES_NUMBER_MAX);
	if (rc == DF_OK && f.volume > 1) {
		snprintf(line, sizeof line, "Volume %lld", (long long)f.volume);
		rc = add_text(&b, 150, 44, 8, "bold", line, sizeof line);
	}
	/* the subject, cut into lines at spaces */
	s = f.subject;
	for (int n = 0; rc == DF_OK && *s && n < COVER_LINES; n++, y += 9) {
		size_t take = strlen(s), cut;

		if (take > COVER_LINE) {
			for (cut = COVER_LINE; cut > COVER_LINE / 2 && s[cut] != ' '; cut--)
				;
			take = cut > COVER_LINE / 2 ? cut : COVER_LINE;
			while (take > 0 && ((unsigned char)s[take] & 0xC0) == 0x80)
				take--; /* never inside a character */
		}
		snprintf(line, sizeof line, "%.*s", (int)take, s);
		rc = add_text(&b, 20, y, 7, "normal", line, sizeof line);
		s += take;
		while (*s == ' ')
			s++;
	}
	snprintf(line, sizeof line, "Office: %s, %s", unit ? unit : "", dept ? dept : "");
	if (rc == DF_OK)
		rc = add_text(&b, 20, 128, 6, "normal", line, sizeof line);
	snprintf(line, sizeof line, "Priority: %s    Security: %s    Opened: %s", f.priority, f.security, opened);
	if (rc == DF_OK)
		rc = add_text(&b, 20, 138, 6, "normal", line, sizeof line);
	if (rc == DF_OK)
		rc = add_qr(&b, url, 60, 160, 90);
	if (rc == DF_OK)
		rc = add_text(&b, 20, 262, 5, "normal", "Scan to open this file in daftar and to acknowledge receipt:", 100);
	if (rc == DF_OK)
		rc = add_text(&b, 20, 270, 5, "normal", url, sizeof url);
	if (rc == DF_OK)
		rc = buf_adds(&b, "</svg>\n");
	json_decref(o);
	if (rc != DF_OK) {
		buf_release(&b);
		return req_fail(r, rc);
	}
	svg = buf_detach(&b, &len);
	if (!svg)
		return req_fail(r, DF_ENOMEM);
	return req_reply_raw(r, 200, "image/svg+xml; charset=utf-8", svg, len);
}
