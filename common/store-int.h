/*
 * store-int.h: internals shared by store.c (names, open/free, the
 * dispatch of store.h's calls by kind), store-file.c (the file: store and
 * streaming writes) and store-s3.c (S3 requests through libcurl with
 * SigV4 through common/aws.h, operations and their retries).  Not a public
 * header: only those three files include it; callers use store.h.
 */
#ifndef HS_STORE_INT_H
#define HS_STORE_INT_H

#include <curl/curl.h>
#include <stdint.h>
#include <time.h>

#include "aws.h"
#include "buf.h"
#include "sha256.h"
#include "store.h"

struct hs_store {
	enum hs_store_kind kind;
	char *uri; /* canonical name */
	struct hs_store_opts o;

	/* file: */
	char *dir;

	/* s3: */
	char *bucket, *prefix; /* prefix "" or "a/b" */
	char *base;            /* URL up to and including the bucket's "/" */
	char *region;
	struct hs_aws_creds creds;
	CURLM *multi;            /* all transfers; keeps connections alive */
	struct hs_store_op *ops; /* started, not yet finished */
	int curl_global;         /* curl_global_init() done for this store */
	struct hs_store_counts counts;
};

/*
 * Every S3 request is an operation driven by the store's curl multi
 * handle, so several can be in flight at once and share its pool of
 * kept-alive connections; the synchronous calls start one and wait for
 * it.  An operation retries on its own (backoff with jitter) until its
 * deadline, and a put is a HEAD followed by a PUT only when the object
 * is absent.  A file: store's call is an operation finished at once.
 */
/* M_COPY: the object copied onto itself (CopyObject), which starts its
 * age again when a put reuses it (store-s3.c). */
enum { M_HEAD, M_GET, M_PUT, M_DELETE, M_COPY };

struct hs_store_op {
	struct hs_store *s;
	struct hs_store_op *next; /* s->ops: operations not yet finished */
	CURL *easy;
	struct curl_slist *headers;
	int method;
	int then_put; /* HEAD answered 404: PUT next */
	struct hs_buf url;
	const char *up; /* PUT body, not owned */
	size_t upn, upoff;
	char hash[HS_SHA256_HEXLEN + 1]; /* of the PUT body, once needed */
	struct hs_buf *out; /* GET: the body goes here, not owned */
	size_t out_keep;
	struct hs_buf body; /* other responses (error messages) */
	double deadline, retry_at;
	int attempt;
	int active; /* added to the multi handle */
	int done, rc, existed;
	char err[512];
};

static inline void hs_store_op_finish(struct hs_store_op *op, int rc)
{
	op->rc = rc;
	op->done = 1;
}

/* store-file.c: the file: store's half of each store.h call; key checked. */
int hs_store_file_put(struct hs_store *s, const char *key, const void *data,
                      size_t n, int *existed, char *errbuf, size_t errlen);
int hs_store_file_get(struct hs_store *s, const char *key, struct hs_buf *out,
                      char *errbuf, size_t errlen);
int hs_store_file_exists(struct hs_store *s, const char *key, char *errbuf,
                         size_t errlen);
int hs_store_file_delete(struct hs_store *s, const char *key, char *errbuf,
                         size_t errlen);
/* Remove name (".tmp-KEY-..."), a leftover temporary file beside the
 * object key (name + 5, already checked). */
int hs_store_file_delete_tmp(struct hs_store *s, const char *key,
                             const char *name, char *errbuf, size_t errlen);
int hs_store_file_list(struct hs_store *s,
                       int (*fn)(void *, const char *, uint64_t, time_t),
                       void *ctx, char *errbuf, size_t errlen);

/* store-s3.c: fill s's S3 fields from bp (the canonical name after
 * "s3://"), the region, endpoint and credentials; -1 with errbuf set. */
int hs_store_s3_open(struct hs_store *s, const char *bp, char *errbuf,
                     size_t errlen);
/* Free what hs_store_s3_open() set (the secret wiped first). */
void hs_store_s3_release(struct hs_store *s);
/* A new operation on key (its URL built for S3), not yet started;
 * finished at once with an error when key is bad. */
struct hs_store_op *hs_store_op_new(struct hs_store *s, int method,
                                    const char *key);
/* Start an S3 operation: link it into s->ops and launch it. */
void hs_store_op_start(struct hs_store_op *op);
/* One S3 request, start to finish. */
int hs_store_s3_request(struct hs_store *s, int method, const char *key,
                        struct hs_buf *out, char *errbuf, size_t errlen);

#endif
