/*
 * fuzz-claimref.c: claim reference parsing and checking (common/claimref.c)
 * in the native "hs-claim", CloudEvents dataref/hsclaim and SQS Extended
 * Client pointer shapes.  Owns no store, fetch or event policy: what
 * hs-claimcheck get does with a reference once parsed is its CLI tests'.
 *
 * Input: one flag byte, then NDJSON lines.  Flags: bits 0-1 the shape
 * (native, sqs, cloudevents, native), bit 3 the native pointer /a/b
 * instead of /detail (bit 2, once --refs-only, is ignored, so the corpus
 * keeps its meaning).  Each line that parses as JSON goes through
 * hs_claimref_parse() and, for a reference found, hs_claimref_check();
 * a native or CloudEvents reference that passes the check is built again
 * with hs_claimref_build() and must parse back to the same fields.
 * Nothing may crash, leak or read out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "claimref.h"
#include "json.h"

#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* r, built again and placed where its shape sits, parsed back into *out.
 * Returns hs_claimref_parse()'s answer. */
static int reparse(const struct hs_claimref *r, const char *path,
                   struct hs_claimref *out)
{
	struct hs_json_doc d;
	struct hs_buf b = HS_BUF_INIT;
	char err[600];
	int rc = -1;

	if (r->shape == HS_CLAIMREF_NATIVE)
		hs_buf_adds(&b, strcmp(path, "/a/b") == 0 ? "{\"a\":{\"b\":"
		                                          : "{\"detail\":");
	else
		hs_buf_addc(&b, '{');
	hs_claimref_build(&b, r, NULL, 0);
	hs_buf_adds(&b, r->shape == HS_CLAIMREF_NATIVE && path[2] == '/' ? "}}"
	                                                                 : "}");
	hs_json_doc_init(&d);
	if (hs_json_parse(&d, b.data, b.len) == 0)
		rc = hs_claimref_parse(&d, r->shape, path, out, err,
		                       sizeof(err));
	hs_json_doc_release(&d);
	hs_buf_release(&b);
	return rc;
}

static void one(enum hs_claimref_shape sh, const char *path,
                struct hs_json_doc *d, const char *line, size_t len)
{
	struct hs_claimref r, back;
	char err[600];

	if (hs_json_parse(d, line, len) < 0)
		return;
	if (hs_claimref_parse(d, sh, path, &r, err, sizeof(err)) <= 0)
		return;
	if (sh == HS_CLAIMREF_SQS)
		return; /* no content address to check (Java's random keys) */
	if (hs_claimref_check(&r, err, sizeof(err)) < 0)
		return;
	if (reparse(&r, path, &back) != 1 || strcmp(back.store, r.store) ||
	    strcmp(back.key, r.key) || strcmp(back.sum, r.sum) ||
	    strcmp(back.encoding, r.encoding) || back.size != r.size) {
		fprintf(stderr, "fuzz-claimref: reference does not survive "
		                "build and parse\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum hs_claimref_shape shapes[] = {
	    HS_CLAIMREF_NATIVE, HS_CLAIMREF_SQS, HS_CLAIMREF_CLOUDEVENTS,
	    HS_CLAIMREF_NATIVE};
	struct hs_json_doc d;
	const char *p, *end, *nl, *path;
	enum hs_claimref_shape sh;

	if (size < 1)
		return 0;
	sh = shapes[data[0] & 3];
	path = (data[0] & 8) ? "/a/b" : "/detail";
	hs_json_doc_init(&d);
	for (p = (const char *)data + 1, end = (const char *)data + size;
	     p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		one(sh, path, &d, p, (size_t)(nl - p));
	}
	hs_json_doc_release(&d);
	return 0;
}
