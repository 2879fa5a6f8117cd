/*
 * store.c: the content-addressed object store behind store.h: object
 * names (keys, canonical store names), open/free and the dispatch of each
 * call to its kind.  The kinds themselves live in store-file.c (file:DIR)
 * and store-s3.c (s3:// through libcurl with SigV4, credentials, the
 * asynchronous operations); store-int.h holds what they share.  Claim
 * references (which key an event names) are not the store's business.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "store-int.h"
#include "store.h"

#include "banned.h"

/* ---- names ------------------------------------------------------------ */

int hs_store_key_ok(const char *key, size_t n)
{
	if (n == 0 || n > 200 || key[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int bucket_ok(const char *b, size_t n)
{
	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') ||
		      (b[i] >= '0' && b[i] <= '9') || b[i] == '.' ||
		      b[i] == '-'))
			return 0;
	return b[0] != '.' && b[0] != '-' && b[n - 1] != '.' && b[n - 1] != '-';
}

/* A prefix from the command line: path segments of key characters, so no
 * "..", no empty segment and nothing that needs URL encoding. */
static int prefix_ok(const char *p, size_t n)
{
	size_t seg = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '/') {
			if (!hs_store_key_ok(p + seg, i - seg))
				return 0;
			seg = i + 1;
		}
	}
	return 1;
}

int hs_store_canon(const char *uri, char *out, size_t outlen)
{
	size_t n;
	int w;

	if (strncmp(uri, "file:", 5) == 0) {
		const char *d = uri + 5;
		n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			n--;
		if (n == 0 || memchr(d, '\0', n) != NULL)
			return -1;
		w = snprintf(out, outlen, "file:%.*s", (int)n, d);
	} else if (strncmp(uri, "s3://", 5) == 0) {
		const char *b = uri + 5, *slash = strchr(b, '/');
		size_t bn = slash ? (size_t)(slash - b) : strlen(b);
		const char *p = slash ? slash + 1 : "";
		while (*p == '/')
			p++;
		n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			n--;
		if (!bucket_ok(b, bn) || (n > 0 && !prefix_ok(p, n)))
			return -1;
		w = n ? snprintf(out, outlen, "s3://%.*s/%.*s", (int)bn, b,
		                 (int)n, p)
		      : snprintf(out, outlen, "s3://%.*s", (int)bn, b);
	} else {
		return -1;
	}
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* ---- open / free ---------------------------------------------------------- */

struct hs_store *hs_store_open(const char *uri, const struct hs_store_opts *o,
                               char *errbuf, size_t errlen)
{
	char canon[4096];
	struct hs_store *s;

	if (hs_store_canon(uri, canon, sizeof(canon)) < 0) {
		hs_seterr(errbuf, errlen,
		          "bad store '%s' (file:DIR or s3://BUCKET[/PREFIX])",
		          uri);
		return NULL;
	}
	s = hs_xcalloc(1, sizeof(*s));
	if (o)
		s->o = *o;
	if (s->o.timeout <= 0)
		s->o.timeout = 60;
	if (s->o.retries < 0)
		s->o.retries = 4;
	s->uri = hs_xstrdup(canon);
	if (canon[0] == 'f') {
		struct stat st;
		int e;

		s->kind = HS_STORE_FILE;
		s->dir = hs_xstrdup(canon + 5);
		/* a store that cannot hold anything is a mistake in the
		 * command line: say so now, not at the first large event */
		e = stat(s->dir, &st) < 0 ? errno : 0;

		if (e || !S_ISDIR(st.st_mode)) {
			hs_seterr(errbuf, errlen, "store directory '%s': %s",
			          s->dir, e ? strerror(e) : "not a directory");
			hs_store_free(s);
			return NULL;
		}
		return s;
	}

	s->kind = HS_STORE_S3;
	if (hs_store_s3_open(s, canon + 5, errbuf, errlen) < 0) {
		hs_store_free(s);
		return NULL;
	}
	return s;
}

void hs_store_free(struct hs_store *s)
{
	if (s == NULL)
		return;
	/* Operations are the caller's to free first; only the handle here. */
	hs_store_s3_release(s);
	free(s->uri);
	free(s->dir);
	free(s);
}

enum hs_store_kind hs_store_kind(const struct hs_store *s)
{
	return s->kind;
}

const char *hs_store_uri(const struct hs_store *s)
{
	return s->uri;
}

void hs_store_counts(const struct hs_store *s, struct hs_store_counts *c)
{
	*c = s->counts;
}

/* ---- dispatch --------------------------------------------------------------- */

static int bad_key(const char *key, char *errbuf, size_t errlen)
{
	return hs_seterr(errbuf, errlen, "bad object key '%.80s'", key);
}

struct hs_store_op *hs_store_put_start(struct hs_store *s, const char *key,
                                       const void *p, size_t n)
{
	struct hs_store_op *op = hs_store_op_new(s, M_HEAD, key);

	if (op->done)
		return op;
	if (s->kind == HS_STORE_FILE) {
		int existed = 0;
		int rc = hs_store_file_put(s, key, p, n, &existed, op->err,
		                           sizeof(op->err));
		op->existed = existed;
		hs_store_op_finish(op, rc);
		return op;
	}
	/* A HEAD costs far less than sending megabytes again. */
	op->then_put = 1;
	op->up = p;
	op->upn = n;
	hs_store_op_start(op);
	return op;
}

struct hs_store_op *hs_store_get_start(struct hs_store *s, const char *key,
                                       struct hs_buf *out)
{
	struct hs_store_op *op = hs_store_op_new(s, M_GET, key);

	if (op->done)
		return op;
	if (s->kind == HS_STORE_FILE) {
		hs_store_op_finish(op, hs_store_file_get(s, key, out, op->err,
		                                         sizeof(op->err)));
		return op;
	}
	op->out = out;
	hs_store_op_start(op);
	return op;
}

int hs_store_put(struct hs_store *s, const char *key, const void *p, size_t n,
                 int *existed, char *errbuf, size_t errlen)
{
	struct hs_store_op *op = hs_store_put_start(s, key, p, n);
	int rc = hs_store_op_wait(op, existed, errbuf, errlen);

	hs_store_op_free(op);
	return rc;
}

int hs_store_get(struct hs_store *s, const char *key, struct hs_buf *out,
                 char *errbuf, size_t errlen)
{
	struct hs_store_op *op = hs_store_get_start(s, key, out);
	int rc = hs_store_op_wait(op, NULL, errbuf, errlen);

	hs_store_op_free(op);
	return rc;
}

int hs_store_exists(struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen)
{
	if (!hs_store_key_ok(key, strlen(key)))
		return bad_key(key, errbuf, errlen);
	if (s->kind == HS_STORE_FILE)
		return hs_store_file_exists(s, key, errbuf, errlen);
	return hs_store_s3_request(s, M_HEAD, key, NULL, errbuf, errlen);
}

int hs_store_delete(struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen)
{
	int rc;

	if (s->kind == HS_STORE_FILE && strncmp(key, ".tmp-", 5) == 0 &&
	    hs_store_key_ok(key + 5, strlen(key + 5))) {
		/* A leftover temporary file: it sits beside its object. */
		return hs_store_file_delete_tmp(s, key + 5, key, errbuf,
		                                errlen);
	}
	if (!hs_store_key_ok(key, strlen(key)))
		return bad_key(key, errbuf, errlen);
	if (s->kind == HS_STORE_FILE)
		return hs_store_file_delete(s, key, errbuf, errlen);
	rc = hs_store_s3_request(s, M_DELETE, key, NULL, errbuf, errlen);
	return rc == HS_STORE_NOTFOUND ? HS_STORE_OK : rc;
}

int hs_store_list(struct hs_store *s,
                  int (*fn)(void *ctx, const char *key, uint64_t size,
                            time_t mtime),
                  void *ctx, char *errbuf, size_t errlen)
{
	if (s->kind != HS_STORE_FILE)
		return hs_seterr(
		    errbuf, errlen,
		    "listing is for file: stores; expire S3 objects "
		    "with a lifecycle rule");
	return hs_store_file_list(s, fn, ctx, errbuf, errlen);
}
