/*
 * store-s3.c: the s3:// object store: its bucket URL (path-style on an
 * endpoint override, virtual-host style on AWS) and the operations (HEAD,
 * GET, PUT, DELETE) driven together by one curl multi handle with
 * retries and backoff.  Credentials, region, endpoint overrides, SigV4
 * signing and the retryable errors are common/aws.c's, shared with
 * hs-fanout's AWS targets.  Names, open/free and the dispatch by kind
 * are store.c's; file: stores are store-file.c's.
 * S3 stores are not listed (expiry is a lifecycle rule's job).
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "aws.h"
#include "buf.h"
#include "err.h"
#include "sha256.h"
#include "store-int.h"
#include "store.h"
#include "uri.h"

#include "banned.h"

/* SHA-256 of the empty string: the payload hash of GET, HEAD, DELETE. */
#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char *const method_name[] = {"HEAD", "GET", "PUT", "DELETE",
                                          "PUT"};

/* ---- open / free ---------------------------------------------------------- */

int hs_store_s3_open(struct hs_store *s, const char *bp, char *errbuf,
                     size_t errlen)
{
	const char *b = bp, *slash = strchr(b, '/');
	s->bucket = slash ? hs_xstrndup(b, (size_t)(slash - b)) : hs_xstrdup(b);
	s->prefix = hs_xstrdup(slash ? slash + 1 : "");
	char region[64];
	if (hs_aws_region(s->o.region, "us-east-1", region, sizeof(region),
	                  errbuf, errlen) < 0)
		return -1;
	s->region = hs_xstrdup(region);

	struct hs_buf base = HS_BUF_INIT;
	if (hs_aws_endpoint_override(s->o.endpoint, "s3")) {
		/* S3-compatible servers: path-style, bucket in the path. */
		char *e;
		if (hs_aws_endpoint(s->o.endpoint, "s3", s->region, &e, errbuf,
		                    errlen) < 0)
			return -1;
		hs_buf_addf(&base, "%s/%s/", e, s->bucket);
		free(e);
	} else {
		/* AWS: virtual-host style, the bucket in the host name. */
		hs_buf_addf(&base, "https://%s.s3.%s.amazonaws.com/", s->bucket,
		            s->region);
	}
	s->base = hs_buf_detach(&base, NULL);

	if (hs_aws_creds_load(&s->creds, errbuf, errlen) < 0)
		return -1;
	/* Counted by libcurl: one per store, undone in hs_store_free(). */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s->curl_global = 1;
	s->multi = curl_multi_init();
	if (s->multi == NULL) {
		hs_seterr(errbuf, errlen, "cannot initialize libcurl");
		return -1;
	}
	return 0;
}

void hs_store_s3_release(struct hs_store *s)
{
	if (s->multi)
		curl_multi_cleanup(s->multi);
	if (s->curl_global)
		curl_global_cleanup();
	free(s->bucket);
	free(s->prefix);
	free(s->base);
	free(s->region);
	hs_aws_creds_release(&s->creds);
}

/* ---- operations ------------------------------------------------------------ */

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
	struct hs_store_op *op = ctx;
	size_t want = size * nmemb, left = op->upn - op->upoff;

	if (want > left)
		want = left;
	memcpy(dst, op->up + op->upoff, want);
	op->upoff += want;
	return want;
}

/* The empty body of a CopyObject request. */
static size_t no_body(char *dst, size_t size, size_t nmemb, void *ctx)
{
	(void)dst, (void)size, (void)nmemb, (void)ctx;
	return 0;
}

/* "x-amz-copy-source: /BUCKET/[PREFIX/]KEY" for op's own object. */
static void copy_source(const struct hs_store_op *op, char *hdr, size_t n)
{
	const struct hs_store *s = op->s;
	const char *key = strrchr(op->url.data, '/') + 1;

	snprintf(hdr, n, "x-amz-copy-source: /%s/%s%s%s", s->bucket, s->prefix,
	         *s->prefix ? "/" : "", key);
}

static int seek_cb(void *ctx, curl_off_t off, int origin)
{
	struct hs_store_op *op = ctx;

	if (origin != SEEK_SET || off < 0 || (size_t)off > op->upn)
		return CURL_SEEKFUNC_CANTSEEK;
	op->upoff = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

static size_t write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct hs_store_op *op = ctx;

	hs_buf_add(op->method == M_GET && op->out ? op->out : &op->body, p,
	           size * nmemb);
	return size * nmemb;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "<Code>X</Code>" and "<Message>Y</Message>" from an S3 error body. */
static void xml_field(const struct hs_buf *b, const char *tag, char *out,
                      size_t outlen)
{
	char open[32], close[32];
	const char *s, *e;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	out[0] = '\0';
	if (b->len == 0 || (s = strstr(b->data, open)) == NULL)
		return;
	s += strlen(open);
	if ((e = strstr(s, close)) == NULL)
		return;
	snprintf(out, outlen, "%.*s", (int)(e - s), s);
}

/* Set up op's easy handle for its current method and add it to the
 * multi handle.  Headers carry the payload hash SigV4 signs. */
static void op_launch(struct hs_store_op *op)
{
	struct hs_store *s = op->s;
	CURL *e = op->easy;
	char hdr[256];
	double left = op->deadline - now();
	int put = op->method == M_PUT;

	if (put && op->hash[0] == '\0' &&
	    hs_sha256_hexof(op->up, op->upn, op->hash) < 0) {
		snprintf(op->err, sizeof(op->err), "cannot hash the payload");
		hs_store_op_finish(op, HS_STORE_ERR);
		return;
	}
	curl_slist_free_all(op->headers);
	op->headers = NULL;
	snprintf(hdr, sizeof(hdr), "x-amz-content-sha256: %s",
	         put ? op->hash : EMPTY_SHA256);
	op->headers = curl_slist_append(op->headers, hdr);
	if (put) {
		op->headers = curl_slist_append(
		    op->headers, "Content-Type: application/octet-stream");
		/* No 100-continue round trip: our bodies are already signed. */
		op->headers = curl_slist_append(op->headers, "Expect:");
	} else if (op->method == M_COPY) {
		copy_source(op, hdr, sizeof(hdr));
		op->headers = curl_slist_append(op->headers, hdr);
		/* onto itself, S3 copies only with new metadata */
		op->headers = curl_slist_append(
		    op->headers, "x-amz-metadata-directive: REPLACE");
		op->headers = curl_slist_append(
		    op->headers, "Content-Type: application/octet-stream");
	}
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, op->url.data);
	curl_easy_setopt(e, CURLOPT_PRIVATE, op);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hs-store");
	op->headers = hs_aws_sign(e, &s->creds, s->region, "s3", op->headers);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, op->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(left * 1000) + 1);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	                 (long)(left < 10 ? left * 1000 + 1 : 10000));
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, op);
	if (put) {
		op->upoff = 0;
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(e, CURLOPT_READDATA, op);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_cb);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, op);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
		                 (curl_off_t)op->upn);
	} else if (op->method == M_COPY) {
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, no_body);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)0);
	} else if (op->method == M_HEAD) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (op->method == M_DELETE) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
	}
	if (op->out)
		op->out_keep = op->out->len;
	hs_buf_reset(&op->body);
	s->counts.requests++;
	if (curl_multi_add_handle(s->multi, e) != CURLM_OK) {
		snprintf(op->err, sizeof(op->err), "cannot start a transfer");
		hs_store_op_finish(op, HS_STORE_ERR);
		return;
	}
	op->active = 1;
}

/* Decide what a finished transfer means: done, retry later, or (a put
 * whose HEAD found nothing) go on with the PUT. */
static void op_result(struct hs_store_op *op, CURLcode c)
{
	struct hs_store *s = op->s;
	const char *m = method_name[op->method];
	long code = 0;
	int temp;

	curl_multi_remove_handle(s->multi, op->easy);
	op->active = 0;
	if (c == CURLE_OK)
		curl_easy_getinfo(op->easy, CURLINFO_RESPONSE_CODE, &code);
	if (c == CURLE_OK && code >= 200 && code < 300) {
		if (op->then_put && op->method == M_HEAD) {
			/* stored before: reuse it, its age started again so a
			 * lifecycle rule never expires what this reference
			 * still needs (hs-claimcheck(1) GC) */
			op->method = M_COPY;
			op->attempt = 0;
			op_launch(op);
			return;
		} else if (op->method == M_COPY) {
			op->existed = 1;
			s->counts.skipped++;
		} else if (op->method == M_PUT) {
			s->counts.puts++;
		}
		hs_store_op_finish(op, HS_STORE_OK);
		return;
	}
	if (op->out)
		hs_buf_setlen(op->out, op->out_keep);
	if (c == CURLE_OK && code == 404) {
		if (op->then_put && op->method == M_HEAD) {
			op->method = M_PUT;
			op->attempt = 0;
			op_launch(op);
			return;
		}
		snprintf(op->err, sizeof(op->err), "%s %s: not found", m,
		         op->url.data);
		hs_store_op_finish(op, op->method == M_PUT ? HS_STORE_ERR
		                                           : HS_STORE_NOTFOUND);
		return;
	}
	if (c != CURLE_OK) {
		char *shown = hs_uri_shown(op->url.data);

		temp = hs_aws_classify_curl(c) != HS_AWS_FATAL;
		snprintf(op->err, sizeof(op->err), "%s %s: %s", m, shown,
		         curl_easy_strerror(c));
		free(shown);
	} else {
		char ecode[64], emsg[256];
		xml_field(&op->body, "Code", ecode, sizeof(ecode));
		xml_field(&op->body, "Message", emsg, sizeof(emsg));
		temp = hs_aws_classify(code, ecode) != HS_AWS_FATAL;
		snprintf(op->err, sizeof(op->err), "%s %s: HTTP %ld%s%s%s%s", m,
		         op->url.data, code, *ecode ? " " : "", ecode,
		         *emsg ? ": " : "", emsg);
	}
	if (!temp) {
		hs_store_op_finish(op, HS_STORE_ERR);
		return;
	}
	/* Exponential backoff from 100 ms, capped at 5 s, with jitter in
	 * [d/2, d) so many clients do not retry in step. */
	double d = 0.1 * (double)(1u << (op->attempt < 6 ? op->attempt : 6));
	if (d > 5)
		d = 5;
	d = d / 2 + (d / 2) * ((double)(rand() & 0xffff) / 65536.0);
	if (op->attempt >= s->o.retries || now() + d >= op->deadline) {
		hs_store_op_finish(op, HS_STORE_TEMP);
		return;
	}
	op->attempt++;
	s->counts.retries++;
	op->retry_at = now() + d;
}

/* A new operation on key (its URL built), not yet started. */
struct hs_store_op *hs_store_op_new(struct hs_store *s, int method,
                                    const char *key)
{
	struct hs_store_op *op = hs_xcalloc(1, sizeof(*op));

	op->s = s;
	op->method = method;
	hs_buf_init(&op->url);
	hs_buf_init(&op->body);
	if (s->kind == HS_STORE_S3) {
		hs_buf_addf(&op->url, "%s%s%s%s", s->base, s->prefix,
		            *s->prefix ? "/" : "", key);
		op->deadline = now() + s->o.timeout;
	}
	if (!hs_store_key_ok(key, strlen(key))) {
		snprintf(op->err, sizeof(op->err), "bad object key '%.80s'",
		         key);
		hs_store_op_finish(op, HS_STORE_ERR);
	}
	return op;
}

/* Start an S3 operation: link it into s->ops and launch it. */
void hs_store_op_start(struct hs_store_op *op)
{
	struct hs_store *s = op->s;

	if (op->done)
		return;
	op->easy = curl_easy_init();
	if (op->easy == NULL) {
		snprintf(op->err, sizeof(op->err), "cannot initialize libcurl");
		hs_store_op_finish(op, HS_STORE_ERR);
		return;
	}
	op->next = s->ops;
	s->ops = op;
	op_launch(op);
}

static void op_unlink(struct hs_store_op *op)
{
	struct hs_store_op **pp = &op->s->ops;

	while (*pp && *pp != op)
		pp = &(*pp)->next;
	if (*pp)
		*pp = op->next;
}

/*
 * Run every operation of s until target is finished: transfers progress,
 * finished ones are judged, retries whose time came are launched again.
 */
static void run_until(struct hs_store *s, struct hs_store_op *target)
{
	while (!target->done) {
		double t = now(), wake = t + 1;
		int running, nmsg;
		CURLMsg *msg;

		for (struct hs_store_op *op = s->ops; op; op = op->next) {
			if (op->done || op->active)
				continue;
			if (op->retry_at <= t)
				op_launch(op);
			else if (op->retry_at < wake)
				wake = op->retry_at;
		}
		if (target->done)
			break;
		curl_multi_perform(s->multi, &running);
		while ((msg = curl_multi_info_read(s->multi, &nmsg)) != NULL) {
			char *priv = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			                  &priv);
			if (priv)
				op_result((struct hs_store_op *)priv,
				          msg->data.result);
		}
		if (target->done)
			break;
		long ms = (long)((wake - now()) * 1000);
		if (ms > 200)
			ms = 200;
		if (ms < 0)
			ms = 0;
		curl_multi_poll(s->multi, NULL, 0, (int)ms, NULL);
	}
	/* Finished operations leave the list (the caller still owns them). */
	for (struct hs_store_op **pp = &s->ops; *pp;) {
		if ((*pp)->done)
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
}

int hs_store_op_wait(struct hs_store_op *op, int *existed, char *errbuf,
                     size_t errlen)
{
	if (!op->done)
		run_until(op->s, op);
	if (existed)
		*existed = op->existed;
	if (op->rc != HS_STORE_OK && errbuf && errlen)
		snprintf(errbuf, errlen, "%s", op->err);
	return op->rc;
}

int hs_store_op_done(const struct hs_store_op *op)
{
	return op->done;
}

void hs_store_op_free(struct hs_store_op *op)
{
	if (op == NULL)
		return;
	if (op->active)
		curl_multi_remove_handle(op->s->multi, op->easy);
	op_unlink(op);
	if (op->easy)
		curl_easy_cleanup(op->easy);
	curl_slist_free_all(op->headers);
	hs_buf_release(&op->url);
	hs_buf_release(&op->body);
	free(op);
}

/* One request, start to finish. */
int hs_store_s3_request(struct hs_store *s, int method, const char *key,
                        struct hs_buf *out, char *errbuf, size_t errlen)
{
	struct hs_store_op *op = hs_store_op_new(s, method, key);
	int rc;

	op->out = out;
	hs_store_op_start(op);
	rc = hs_store_op_wait(op, NULL, errbuf, errlen);
	hs_store_op_free(op);
	return rc;
}
