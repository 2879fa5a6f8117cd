/*
 * store.h: a content-addressed object store for payloads taken out of
 * events (hs-claimcheck; later hs-fanout and hs-replay).
 *
 *   file:DIR             objects in DIR/ab/cd/KEY, where "ab" and "cd" are
 *                        the first four characters of KEY; each written to
 *                        a temporary file, fsync'ed and renamed, so a
 *                        reader never sees a partial object
 *   s3://BUCKET[/PREFIX] objects at PREFIX/KEY through libcurl, signed with
 *                        AWS SigV4 (CURLOPT_AWS_SIGV4) and the
 *                        x-amz-content-sha256 payload hash
 *
 * Keys are single path components of [A-Za-z0-9._-], not starting with
 * '.', at most 200 bytes: a key can never leave the store's directory or
 * prefix, whatever an event says.
 *
 * Results: HS_STORE_OK (0) or a negative HS_STORE_* code with errbuf set.
 * HS_STORE_TEMP means a failure worth retrying later (server unreachable,
 * 5xx, 429, timeout) that persisted through the store's own retries.
 */
#ifndef HS_STORE_H
#define HS_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

enum {
	HS_STORE_OK = 0,
	HS_STORE_ERR = -1,     /* permanent: refused, bad key, I/O error */
	HS_STORE_TEMP = -2,    /* temporary: retries exhausted, try later */
	HS_STORE_NOTFOUND = -3 /* get: no such object */
};

enum hs_store_kind { HS_STORE_FILE = 1, HS_STORE_S3 };

struct hs_store_opts {
	const char *endpoint; /* S3: http(s)://host[:port] of an S3-compatible
	                         server (path-style); NULL: AWS, virtual-host */
	const char *region;   /* NULL: $AWS_REGION, $AWS_DEFAULT_REGION,
	                         us-east-1 */
	double timeout;       /* overall seconds for one operation including
	                         retries; 0: 60 */
	int retries;          /* attempts after the first; < 0: 4 */
	int no_fsync;         /* file: skip fsync (tests, benchmarks only) */
};

struct hs_store;

/*
 * Open the store named by uri with options o (NULL: defaults).  For S3,
 * credentials come from $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY and
 * $AWS_SESSION_TOKEN, else from the shared credentials file
 * ($AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials) section
 * $AWS_PROFILE (default "default"); none found is an error.  Nothing is
 * contacted yet.  Returns a store the caller frees with hs_store_free(),
 * or NULL with errbuf set.
 */
struct hs_store *hs_store_open(const char *uri, const struct hs_store_opts *o,
                               char *errbuf, size_t errlen);
void hs_store_free(struct hs_store *s);

enum hs_store_kind hs_store_kind(const struct hs_store *s);

/*
 * The store's canonical name, as references record it: "file:DIR" with
 * DIR as given minus trailing slashes, or "s3://BUCKET" or
 * "s3://BUCKET/PREFIX" without leading or trailing slashes.  Owned by s.
 */
const char *hs_store_uri(const struct hs_store *s);

/* Canonical form of uri as hs_store_uri() would give it, written to out
 * (outlen bytes); returns 0, or -1 if uri is no store name. */
int hs_store_canon(const char *uri, char *out, size_t outlen);

/* 1 if key is acceptable as described above, else 0. */
int hs_store_key_ok(const char *key, size_t n);

/*
 * Store p[0..n) under key unless an object with that key exists already
 * (content addresses make that an idempotent no-op; *existed, if not
 * NULL, tells which).  Returns once the object is durable (file: renamed
 * and its directory synced; S3: the PUT answered 200).
 */
int hs_store_put(struct hs_store *s, const char *key, const void *p, size_t n,
                 int *existed, char *errbuf, size_t errlen);

/*
 * Asynchronous operations, so several objects travel at once (S3: one
 * curl multi handle per store, whose connections are kept alive between
 * requests; file: stores finish at once).  An operation is started, then
 * waited for; waiting for one also moves every other operation of the
 * same store on.  The caller frees each with hs_store_op_free(), also an
 * unfinished one (which cancels it).  Operations of one store are used
 * from one thread.
 *
 * hs_store_put_start(): as hs_store_put(); p[0..n) must stay valid and
 * unchanged until the operation is finished.
 * hs_store_get_start(): as hs_store_get(); out must stay valid until it is
 * finished and is not touched by anything else meanwhile.
 * Neither returns NULL: a bad key gives an operation already finished
 * with HS_STORE_ERR.
 */
struct hs_store_op;
struct hs_store_op *hs_store_put_start(struct hs_store *s, const char *key,
                                       const void *p, size_t n);
struct hs_store_op *hs_store_get_start(struct hs_store *s, const char *key,
                                       struct hs_buf *out);
/* 1 once op has a result (waiting would not block), else 0. */
int hs_store_op_done(const struct hs_store_op *op);
/* Run transfers until op is finished; its result as hs_store_put() or
 * hs_store_get() would return it, with *existed (may be NULL) and
 * errbuf filled. */
int hs_store_op_wait(struct hs_store_op *op, int *existed, char *errbuf,
                     size_t errlen);
void hs_store_op_free(struct hs_store_op *op);

/*
 * Streaming writes to a file: store, for objects whose key (a content
 * address) is known only after all their bytes went by: begin, write in
 * pieces, then commit under the key (or abort).  The bytes go to a
 * temporary file as they come, so memory stays bounded by the caller's
 * pieces; commit fsyncs and renames it, or drops it when an object with
 * that key exists already (*existed = 1).  A writer is reused across
 * objects: init once, release at the end.
 */
struct hs_store_writer {
	struct hs_store *s;       /* the store written to; NULL when idle */
	int fd;                   /* the temporary file, -1 when idle */
	struct hs_buf tmp;        /* its path */
	uint64_t written, kicked; /* bytes written, write-back started */
};
void hs_store_writer_init(struct hs_store_writer *w);
/* Drop a temporary file in progress, if any; w stays usable. */
void hs_store_writer_abort(struct hs_store_writer *w);
/* Abort and free w's storage. */
void hs_store_writer_release(struct hs_store_writer *w);
/* Start an object in s (file: stores only).  HS_STORE_OK or an error. */
int hs_store_writer_begin(struct hs_store_writer *w, struct hs_store *s,
                          char *errbuf, size_t errlen);
/* Append p[0..n).  On an error the object is aborted. */
int hs_store_writer_write(struct hs_store_writer *w, const void *p, size_t n,
                          char *errbuf, size_t errlen);
/* Make the object durable under key (see above); w is idle after it,
 * whatever the result. */
int hs_store_writer_commit(struct hs_store_writer *w, const char *key,
                           int *existed, char *errbuf, size_t errlen);

/* Append the object's bytes to out.  HS_STORE_NOTFOUND if absent. */
int hs_store_get(struct hs_store *s, const char *key, struct hs_buf *out,
                 char *errbuf, size_t errlen);

/* HS_STORE_OK if the object exists, HS_STORE_NOTFOUND if not, or an
 * error. */
int hs_store_exists(struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen);

/* Remove the object; absent already counts as success. */
int hs_store_delete(struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen);

/*
 * Call fn for every object (file: stores only; S3 stores expire objects
 * with a lifecycle rule instead).  fn gets the key, its size and
 * modification time; a nonzero return stops the walk and is returned.
 * Temporary files left by interrupted writes are reported with their
 * name (starting ".tmp-") so a gc can remove old ones.
 */
int hs_store_list(struct hs_store *s,
                  int (*fn)(void *ctx, const char *key, uint64_t size,
                            time_t mtime),
                  void *ctx, char *errbuf, size_t errlen);

/* Statistics: HTTP requests sent and retries made so far. */
struct hs_store_counts {
	uint64_t requests, retries, puts, skipped;
};
void hs_store_counts(const struct hs_store *s, struct hs_store_counts *c);

#endif
