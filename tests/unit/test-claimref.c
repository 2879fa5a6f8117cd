/* Unit tests for common/claimref: build then parse round-trips in the
 * native, CloudEvents and SQS shapes, malformed references, and the
 * content-address rule of hs_claimref_check(). */
#include <stdio.h>
#include <string.h>

#include "claimref.h"
#include "check.h"
#include "banned.h"

#define SUM "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int parse(const char *text, enum hs_claimref_shape sh, const char *path,
                 struct hs_claimref *r)
{
	struct hs_json_doc d;
	char err[256];
	int rc;

	hs_json_doc_init(&d);
	if (hs_json_parse(&d, text, strlen(text)) < 0) {
		hs_json_doc_release(&d);
		return -9;
	}
	rc = hs_claimref_parse(&d, sh, path, r, err, sizeof(err));
	hs_json_doc_release(&d);
	return rc;
}

static void round_trip(enum hs_claimref_shape sh, const char *store,
                       const char *key, const char *enc, const char *name)
{
	struct hs_claimref in, out;
	struct hs_buf b = HS_BUF_INIT;
	char err[256];

	memset(&in, 0, sizeof(in));
	in.shape = sh;
	snprintf(in.store, sizeof(in.store), "%s", store);
	snprintf(in.key, sizeof(in.key), "%s", key);
	snprintf(in.sum, sizeof(in.sum), "%s", SUM);
	snprintf(in.encoding, sizeof(in.encoding), "%s", enc);
	in.size = 42;
	in.stored_size = 30;
	if (sh == HS_CLAIMREF_NATIVE)
		hs_buf_adds(&b, "{\"data\":");
	else if (sh == HS_CLAIMREF_CLOUDEVENTS)
		hs_buf_adds(&b, "{\"id\":\"1\",");
	hs_claimref_build(&b, &in, ",\"k\":1",
	                  sh == HS_CLAIMREF_NATIVE ? 6 : 0);
	if (sh != HS_CLAIMREF_SQS)
		hs_buf_addc(&b, '}');
	CHECK(parse(b.data, sh, "/data", &out) == 1, "%s parses back", name);
	CHECK(strcmp(out.store, store) == 0, "%s store '%s'", name, out.store);
	CHECK(strcmp(out.key, key) == 0, "%s key '%s'", name, out.key);
	CHECK(strcmp(out.encoding, enc) == 0, "%s encoding", name);
	if (sh == HS_CLAIMREF_SQS) {
		CHECK(out.size == -1, "%s size unknown", name);
	} else {
		CHECK(strcmp(out.sum, SUM) == 0, "%s sha256", name);
		CHECK(out.size == 42, "%s size", name);
		CHECK(hs_claimref_check(&out, err, sizeof(err)) == 0,
		      "%s passes the check", name);
	}
	hs_buf_release(&b);
}

int main(void)
{
	struct hs_claimref r;
	char err[256];

	round_trip(HS_CLAIMREF_NATIVE, "file:/tmp/s", SUM ".zst", "zstd",
	           "native");
	round_trip(HS_CLAIMREF_CLOUDEVENTS, "s3://b/p", SUM, "identity",
	           "cloudevents");
	round_trip(HS_CLAIMREF_SQS, "s3://bucket/pre", SUM ".json", "identity",
	           "sqs");

	CHECK(parse("{\"data\":1}", HS_CLAIMREF_NATIVE, "/data", &r) == 0,
	      "no reference is 0");
	CHECK(parse("{\"data\":{\"hs-claim\":{\"store\":1}}}",
	            HS_CLAIMREF_NATIVE, "/data", &r) == -1,
	      "malformed native is -1");
	CHECK(parse("{\"hsclaim\":\"size=x\",\"dataref\":\"a/b\"}",
	            HS_CLAIMREF_CLOUDEVENTS, "", &r) == -1,
	      "malformed hsclaim is -1");
	CHECK(parse("{\"hsclaim\":\"encoding=zstd\"}", HS_CLAIMREF_CLOUDEVENTS,
	            "", &r) == -1,
	      "missing dataref is -1");
	CHECK(parse("[\"" HS_CLAIMREF_SQS_CLASS "\",{\"s3Key\":\"k\"}]",
	            HS_CLAIMREF_SQS, "", &r) == -1,
	      "sqs without bucket is -1");
	CHECK(parse("[\"" HS_CLAIMREF_SQS_CLASS_V1 "\",{\"s3BucketName\":"
	            "\"b\",\"s3Key\":\"pre/k-1\"}]",
	            HS_CLAIMREF_SQS, "", &r) == 1 &&
	          strcmp(r.store, "s3://b/pre") == 0 &&
	          strcmp(r.key, "k-1") == 0,
	      "sqs v1 pointer class parses");
	CHECK(parse("[\"" HS_CLAIMREF_SQS_CLASS_V1 "\",{\"s3Key\":\"k\"}]",
	            HS_CLAIMREF_SQS, "", &r) == -1,
	      "sqs v1 without bucket is -1");
	CHECK(parse("[\"com.example.S3Pointer\",{\"s3BucketName\":\"b\","
	            "\"s3Key\":\"k\"}]",
	            HS_CLAIMREF_SQS, "", &r) == 0,
	      "another class is no pointer");
	CHECK(strstr("[\"" HS_CLAIMREF_SQS_CLASS "\"",
	             hs_claimref_tag(HS_CLAIMREF_SQS)) &&
	          strstr("[\"" HS_CLAIMREF_SQS_CLASS_V1 "\"",
	                 hs_claimref_tag(HS_CLAIMREF_SQS)),
	      "sqs tag is in both pointer classes");

	CHECK(parse("{\"data\":{\"hs-claim\":{\"store\":\"file:s\","
	            "\"key\":\"../etc/passwd\",\"sha256\":\"" SUM "\","
	            "\"size\":1,\"encoding\":\"identity\"}}}",
	            HS_CLAIMREF_NATIVE, "/data", &r) == 1,
	      "path key parses");
	CHECK(hs_claimref_check(&r, err, sizeof(err)) == -2,
	      "non-content-address key is -2");
	snprintf(r.encoding, sizeof(r.encoding), "gzip");
	CHECK(hs_claimref_check(&r, err, sizeof(err)) == -1,
	      "unknown encoding is -1");
	return check_done();
}
