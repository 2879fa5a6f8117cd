/*
 * claimref.h: claim references, the text that stands in an event for a
 * payload moved to an object store, in every shape hs reads and writes.
 * Pure functions: they build and parse text and never touch a store, a
 * file or the network.  Which stores a reference may name, fetching and
 * verifying the object are the caller's (hs-claimcheck get).
 *
 *   native       at a JSON Pointer (hs-claimcheck --path), an object
 *                {"hs-claim":{"store":S,"key":K,"sha256":H,"size":N,
 *                "stored_size":N,"encoding":E,"media_type":M}, ...}
 *                where "..." are fields kept beside the reference
 *   cloudevents  two top-level attributes of a CloudEvent in place of
 *                "data": "dataref":"STORE/KEY" (the standard's claim
 *                check) and "hsclaim":"encoding=E sha256=H size=N
 *                stored_size=N" (what get verifies, as one string since
 *                CloudEvents attributes are scalars)
 *   sqs          the SQS Extended Client pointer as the whole event:
 *                ["software.amazon.payloadoffloading.PayloadS3Pointer",
 *                {"s3BucketName":B,"s3Key":"PREFIX/KEY"}]; parsing also
 *                takes the class the client's version 1 wrote,
 *                "com.amazon.sqs.javamessaging.MessageS3Pointer", with
 *                the same members; building writes the current one
 *
 * The wire formats are hs-claimcheck(1)'s REFERENCES section; they do not
 * change without that page.
 */
#ifndef HS_CLAIMREF_H
#define HS_CLAIMREF_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

enum hs_claimref_shape {
	HS_CLAIMREF_NATIVE = 0,
	HS_CLAIMREF_SQS,
	HS_CLAIMREF_CLOUDEVENTS
};

#define HS_CLAIMREF_MEDIA_TYPE "application/json"
#define HS_CLAIMREF_SQS_CLASS \
	"software.amazon.payloadoffloading.PayloadS3Pointer"
/* The pointer class of the SQS Extended Client before version 2. */
#define HS_CLAIMREF_SQS_CLASS_V1 "com.amazon.sqs.javamessaging.MessageS3Pointer"

/*
 * One reference.  Parsing fills every field its shape carries; building
 * reads store, key, sum, size, stored_size and encoding.  Strings are
 * NUL-terminated and hold no NUL (a reference with one is malformed).
 */
struct hs_claimref {
	enum hs_claimref_shape shape;
	/* native: "store" as written; cloudevents: the dataref up to its
	 * last '/' ("" without one); sqs: "s3://BUCKET[/PREFIX]" from the
	 * bucket and the s3Key up to its last '/'. */
	char store[4096];
	/* The object's key: native "key"; cloudevents the dataref after its
	 * last '/'; sqs the s3Key after its last '/'.  "" when that does not
	 * fit, which no store accepts as a key. */
	char key[256];
	char sum[65];        /* hex SHA-256 of the original, "" when none */
	int64_t size;        /* bytes of the original, -1 unknown */
	int64_t stored_size; /* bytes of the object; build only */
	char encoding[32];   /* "zstd" or "identity" (sqs: "identity") */

	/* Parse only: where the reference sits in the document. */
	uint32_t node;    /* native: the object at the pointer; others 0 */
	uint32_t dataref; /* cloudevents: the two attribute values */
	uint32_t hsclaim;
	char dataref_text[4096]; /* cloudevents: the dataref, decoded */
	char hsclaim_text[512];  /* cloudevents: the hsclaim, decoded */
	char bucket[256];        /* sqs: s3BucketName */
	char s3key[1024];        /* sqs: s3Key, whole */
};

/*
 * A string that every line holding a reference of shape sh contains, so
 * that lines without it can pass unparsed (sqs: the end the two pointer
 * classes share).  Static storage.
 */
const char *hs_claimref_tag(enum hs_claimref_shape sh);

/*
 * Look for a reference of shape sh in document d (parsed; path is the
 * JSON Pointer of a native reference, unused otherwise) and fill *r.
 * Returns 1 when one is there and well-formed, 0 when d holds none of
 * that shape (an ordinary event), or -1 when it holds a malformed one,
 * with a message in errbuf (reason "claim_invalid").  Nothing is
 * allocated; r's node numbers index d.
 */
int hs_claimref_parse(const struct hs_json_doc *d, enum hs_claimref_shape sh,
                      const char *path, struct hs_claimref *r, char *errbuf,
                      size_t errlen);

/*
 * What a native or cloudevents reference must satisfy whatever its
 * store: a known encoding (zstd or identity) and a key that is the
 * content address of its sha256 ("HEX" or "HEX.zst"), so no other object
 * of a store, and no path, can be named.  Returns 0; -1 for an unknown
 * encoding (reason "claim_invalid") or -2 for a key that is not the
 * content address (reason "claim_refused"), with a message in errbuf.
 */
int hs_claimref_check(const struct hs_claimref *r, char *errbuf, size_t errlen);

/* 1 if r's encoding is zstd (call after hs_claimref_check()), else 0. */
int hs_claimref_zstd(const struct hs_claimref *r);

/*
 * Append reference r in shape r->shape to out, as it goes into the
 * event: native, the object that replaces the value at the pointer,
 * with kept[0..kept_len) (raw members, each preceded by ',', or NULL)
 * beside "hs-claim"; cloudevents, the two members "dataref":...,
 * "hsclaim":... (no braces, no comma around them); sqs, the whole
 * pointer array, whose s3Key is r->store's prefix, '/' and r->key.
 * r->store must be a canonical store name (hs_store_uri()); for sqs an
 * s3:// one.
 */
void hs_claimref_build(struct hs_buf *out, const struct hs_claimref *r,
                       const char *kept, size_t kept_len);

#endif
