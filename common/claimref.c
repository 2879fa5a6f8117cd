/*
 * claimref.c: building and parsing claim references (claimref.h) in the
 * native, CloudEvents and SQS Extended Client shapes.  Owns the wire
 * formats only: no store is opened and no object read here, and which
 * stores a reference may name is hs-claimcheck get's decision.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claimref.h"
#include "err.h"
#include "sha256.h"

#include "banned.h"

const char *hs_claimref_tag(enum hs_claimref_shape sh)
{
	switch (sh) {
	case HS_CLAIMREF_SQS:
		return "S3Pointer\"";
	case HS_CLAIMREF_CLOUDEVENTS:
		return "\"hsclaim\"";
	case HS_CLAIMREF_NATIVE:
		break;
	}
	return "\"hs-claim\"";
}

/* String member name of object obj into out (decoded); 0, or -1 when it
 * is absent, not a string, too long or holds a NUL. */
static int str_member(const struct hs_json_doc *d, uint32_t obj,
                      const char *name, char *out, size_t outlen)
{
	struct hs_buf b = HS_BUF_INIT;
	uint32_t v = hs_json_obj_get(d, obj, name, strlen(name));
	int rc = -1;

	if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_STRING)
		return -1;
	hs_json_str_decode(d, v, &b);
	/* A NUL inside would cut the checks short: refuse it. */
	if (b.len < outlen && strlen(b.data) == b.len) {
		memcpy(out, b.data, b.len + 1);
		rc = 0;
	}
	hs_buf_release(&b);
	return rc;
}

/* s[0..n) into out (outlen bytes) when it fits, else "". */
static void copy_or_empty(char *out, size_t outlen, const char *s, size_t n)
{
	if (n >= outlen)
		n = 0;
	memcpy(out, s, n);
	out[n] = '\0';
}

static int parse_native(const struct hs_json_doc *d, const char *path,
                        struct hs_claimref *r, char *errbuf, size_t errlen)
{
	uint32_t v, h, sz;

	v = hs_json_pointer(d, 0, path, strlen(path));
	if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_OBJECT)
		return 0;
	h = hs_json_obj_get(d, v, "hs-claim", 8);
	if (h == HS_JSON_NONE)
		return 0;
	r->node = v;
	if (hs_json_type(d, h) != HS_JSON_OBJECT ||
	    str_member(d, h, "store", r->store, sizeof(r->store)) < 0 ||
	    str_member(d, h, "key", r->key, sizeof(r->key)) < 0 ||
	    str_member(d, h, "sha256", r->sum, sizeof(r->sum)) < 0 ||
	    str_member(d, h, "encoding", r->encoding, sizeof(r->encoding)) <
	        0 ||
	    (sz = hs_json_obj_get(d, h, "size", 4)) == HS_JSON_NONE ||
	    hs_json_type(d, sz) != HS_JSON_NUMBER ||
	    hs_json_int64(d, sz, &r->size) < 0 || r->size < 0)
		return hs_seterr(errbuf, errlen, "malformed reference at '%s'",
		                 path);
	return 1;
}

/* The value of "name=" in a space-separated hsclaim string, or NULL. */
static const char *hc_field(const char *hc, const char *name, size_t *n)
{
	size_t nl = strlen(name);

	for (const char *p = hc; *p;) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			*n = l - nl - 1;
			return p + nl + 1;
		}
		p += l;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

/* Field name of the hsclaim string into out when present and short
 * enough; out stays as it is otherwise. */
static void hc_copy(const char *hc, const char *name, char *out, size_t outlen)
{
	size_t n;
	const char *f = hc_field(hc, name, &n);

	if (f != NULL && n < outlen)
		memcpy(out, f, n), out[n] = '\0';
}

static int parse_ce(const struct hs_json_doc *d, struct hs_claimref *r,
                    char *errbuf, size_t errlen)
{
	char num[24] = "", *end = NULL;
	const char *slash;

	if (hs_json_type(d, 0) != HS_JSON_OBJECT ||
	    (r->hsclaim = hs_json_obj_get(d, 0, "hsclaim", 7)) == HS_JSON_NONE)
		return 0;
	r->dataref = hs_json_obj_get(d, 0, "dataref", 7);
	r->node = 0;
	if (r->dataref == HS_JSON_NONE ||
	    hs_json_obj_get(d, 0, "data", 4) != HS_JSON_NONE ||
	    str_member(d, 0, "dataref", r->dataref_text,
	               sizeof(r->dataref_text)) < 0 ||
	    str_member(d, 0, "hsclaim", r->hsclaim_text,
	               sizeof(r->hsclaim_text)) < 0)
		return hs_seterr(errbuf, errlen,
		                 "malformed CloudEvents dataref or hsclaim");
	hc_copy(r->hsclaim_text, "encoding", r->encoding, sizeof(r->encoding));
	hc_copy(r->hsclaim_text, "sha256", r->sum, sizeof(r->sum));
	hc_copy(r->hsclaim_text, "size", num, sizeof(num));
	r->size = num[0] >= '0' && num[0] <= '9' ? strtoll(num, &end, 10) : -1;
	if (r->size < 0 || *end != '\0' || !r->encoding[0] || !r->sum[0])
		return hs_seterr(errbuf, errlen, "malformed hsclaim '%.200s'",
		                 r->hsclaim_text);
	/* Keys hold no '/', so the store is all before the last one. */
	slash = strrchr(r->dataref_text, '/');
	if (slash == NULL)
		return 1;
	copy_or_empty(r->store, sizeof(r->store), r->dataref_text,
	              (size_t)(slash - r->dataref_text));
	copy_or_empty(r->key, sizeof(r->key), slash + 1, strlen(slash + 1));
	return 1;
}

static int parse_sqs(const struct hs_json_doc *d, struct hs_claimref *r,
                     char *errbuf, size_t errlen)
{
	uint32_t tag, obj;
	const char *slash, *key;
	size_t plen;
	int w;

	if (hs_json_type(d, 0) != HS_JSON_ARRAY || d->nodes[0].count != 2)
		return 0;
	tag = hs_json_arr_at(d, 0, 0);
	obj = hs_json_arr_at(d, 0, 1);
	if (hs_json_type(d, tag) != HS_JSON_STRING ||
	    (!hs_json_str_eq(d, tag, HS_CLAIMREF_SQS_CLASS,
	                     strlen(HS_CLAIMREF_SQS_CLASS)) &&
	     !hs_json_str_eq(d, tag, HS_CLAIMREF_SQS_CLASS_V1,
	                     strlen(HS_CLAIMREF_SQS_CLASS_V1))))
		return 0;
	r->node = 0;
	if (hs_json_type(d, obj) != HS_JSON_OBJECT ||
	    str_member(d, obj, "s3BucketName", r->bucket, sizeof(r->bucket)) <
	        0 ||
	    str_member(d, obj, "s3Key", r->s3key, sizeof(r->s3key)) < 0)
		return hs_seterr(errbuf, errlen, "malformed SQS pointer");
	/* The store: bucket and the key's prefix; the key: the rest. */
	slash = strrchr(r->s3key, '/');
	plen = slash ? (size_t)(slash - r->s3key) : 0;
	w = snprintf(r->store, sizeof(r->store), "s3://%s%s%.*s", r->bucket,
	             slash ? "/" : "", (int)plen, r->s3key);
	if (w < 0 || (size_t)w >= sizeof(r->store))
		r->store[0] = '\0';
	key = slash ? slash + 1 : r->s3key;
	copy_or_empty(r->key, sizeof(r->key), key, strlen(key));
	/* Keys hs wrote ("HEX.json") are content addresses and can be
	 * verified; those the Java library wrote (random UUIDs) cannot. */
	if (strlen(r->key) == HS_SHA256_HEXLEN + 5 &&
	    strcmp(r->key + HS_SHA256_HEXLEN, ".json") == 0 &&
	    hs_sha256_is_hex(r->key, HS_SHA256_HEXLEN))
		snprintf(r->sum, sizeof(r->sum), "%.64s", r->key);
	r->size = -1;
	snprintf(r->encoding, sizeof(r->encoding), "identity");
	return 1;
}

int hs_claimref_parse(const struct hs_json_doc *d, enum hs_claimref_shape sh,
                      const char *path, struct hs_claimref *r, char *errbuf,
                      size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->shape = sh;
	r->size = r->stored_size = -1;
	if (d->n == 0)
		return 0;
	switch (sh) {
	case HS_CLAIMREF_SQS:
		return parse_sqs(d, r, errbuf, errlen);
	case HS_CLAIMREF_CLOUDEVENTS:
		return parse_ce(d, r, errbuf, errlen);
	case HS_CLAIMREF_NATIVE:
		break;
	}
	return parse_native(d, path, r, errbuf, errlen);
}

int hs_claimref_zstd(const struct hs_claimref *r)
{
	return strcmp(r->encoding, "zstd") == 0;
}

int hs_claimref_check(const struct hs_claimref *r, char *errbuf, size_t errlen)
{
	char want[HS_SHA256_HEXLEN + 8];
	int zstd = hs_claimref_zstd(r);

	if (!zstd && strcmp(r->encoding, "identity") != 0) {
		hs_seterr(errbuf, errlen, "unknown encoding '%s'", r->encoding);
		return -1;
	}
	snprintf(want, sizeof(want), "%s%s", r->sum, zstd ? ".zst" : "");
	if (!hs_sha256_is_hex(r->sum, strlen(r->sum)) ||
	    strcmp(r->key, want) != 0) {
		hs_seterr(errbuf, errlen,
		          "reference key '%.200s' is not the content address "
		          "of sha256 '%.80s'",
		          r->key, r->sum);
		return -2;
	}
	return 0;
}

static void build_native(struct hs_buf *out, const struct hs_claimref *r,
                         const char *kept, size_t kept_len)
{
	hs_buf_adds(out, "{\"hs-claim\":{\"store\":");
	hs_json_write_str(out, r->store, strlen(r->store));
	hs_buf_addf(out,
	            ",\"key\":\"%s\",\"sha256\":\"%s\",\"size\":%lld,"
	            "\"stored_size\":%lld,\"encoding\":\"%s\","
	            "\"media_type\":\"" HS_CLAIMREF_MEDIA_TYPE "\"}",
	            r->key, r->sum, (long long)r->size,
	            (long long)r->stored_size, r->encoding);
	if (kept)
		hs_buf_add(out, kept, kept_len);
	hs_buf_addc(out, '}');
}

static void build_ce(struct hs_buf *out, const struct hs_claimref *r)
{
	struct hs_buf uri = HS_BUF_INIT;

	hs_buf_addf(&uri, "%s/%s", r->store, r->key);
	hs_buf_adds(out, "\"dataref\":");
	hs_json_write_str(out, uri.data, uri.len);
	hs_buf_addf(out,
	            ",\"hsclaim\":\"encoding=%s sha256=%s size=%lld "
	            "stored_size=%lld\"",
	            r->encoding, r->sum, (long long)r->size,
	            (long long)r->stored_size);
	hs_buf_release(&uri);
}

static void build_sqs(struct hs_buf *out, const struct hs_claimref *r)
{
	/* s3://BUCKET[/PREFIX]: the pointer names the bucket and full key. */
	const char *uri = r->store + 5, *slash = strchr(uri, '/');
	size_t bn = slash ? (size_t)(slash - uri) : strlen(uri);
	struct hs_buf full = HS_BUF_INIT;

	if (slash)
		hs_buf_addf(&full, "%s/", slash + 1);
	hs_buf_adds(&full, r->key);
	hs_buf_adds(out, "[\"" HS_CLAIMREF_SQS_CLASS "\",{\"s3BucketName\":");
	hs_json_write_str(out, uri, bn);
	hs_buf_adds(out, ",\"s3Key\":");
	hs_json_write_str(out, full.data, full.len);
	hs_buf_adds(out, "}]");
	hs_buf_release(&full);
}

void hs_claimref_build(struct hs_buf *out, const struct hs_claimref *r,
                       const char *kept, size_t kept_len)
{
	switch (r->shape) {
	case HS_CLAIMREF_SQS:
		build_sqs(out, r);
		return;
	case HS_CLAIMREF_CLOUDEVENTS:
		build_ce(out, r);
		return;
	case HS_CLAIMREF_NATIVE:
		break;
	}
	build_native(out, r, kept, kept_len);
}
