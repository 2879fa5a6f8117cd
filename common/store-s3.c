/*
 * store-s3.c: the s3:// object store: region, endpoint and AWS
 * credentials (environment or shared credentials file), requests signed
 * with SigV4 by libcurl, and the operations (HEAD, GET, PUT, DELETE)
 * driven together by one curl multi handle with retries and backoff.
 * Signing and credentials are kept together here.  Names, open/free and
 * the dispatch by kind are store.c's; file: stores are store-file.c's.
 * S3 stores are not listed (expiry is a lifecycle rule's job).
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
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

static const char *const method_name[] = {"HEAD", "GET", "PUT", "DELETE"};

/* ---- credentials ---------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	                 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * Read aws_access_key_id, aws_secret_access_key and aws_session_token
 * from section profile of the shared credentials file.  Returns 0 when
 * the key pair was found, 1 when not, -1 on a read error other than a
 * missing file.
 */
static int read_credentials(struct hs_store *s, const char *path,
                            const char *profile, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int in = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *l = trim(line), *eq;
		if (*l == '#' || *l == ';' || *l == '\0')
			continue;
		if (*l == '[') {
			char *e = strchr(l, ']');
			if (e)
				*e = '\0';
			in = strcmp(trim(l + 1), profile) == 0;
			continue;
		}
		if (!in || (eq = strchr(l, '=')) == NULL)
			continue;
		*eq = '\0';
		char *k = trim(l), *v = trim(eq + 1);
		char **dst = strcmp(k, "aws_access_key_id") == 0 ? &s->keyid
		             : strcmp(k, "aws_secret_access_key") == 0
		                 ? &s->secret
		             : strcmp(k, "aws_session_token") == 0 ? &s->token
		                                                   : NULL;
		if (dst) {
			free(*dst);
			*dst = hs_xstrdup(v);
		}
	}
	fclose(f);
	return s->keyid && s->secret ? 0 : 1;
}

static int find_credentials(struct hs_store *s, char *errbuf, size_t errlen)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	const char *profile = getenv("AWS_PROFILE");
	const char *file = getenv("AWS_SHARED_CREDENTIALS_FILE");
	struct hs_buf path = HS_BUF_INIT;
	int r;

	if (id && *id && secret && *secret) {
		s->keyid = hs_xstrdup(id);
		s->secret = hs_xstrdup(secret);
		s->token = token && *token ? hs_xstrdup(token) : NULL;
		return 0;
	}
	if (profile == NULL || *profile == '\0')
		profile = "default";
	if (file && *file) {
		hs_buf_adds(&path, file);
	} else {
		const char *home = getenv("HOME");
		hs_buf_addf(&path, "%s/.aws/credentials", home ? home : "");
	}
	r = read_credentials(s, path.data, profile, errbuf, errlen);
	if (r > 0)
		hs_seterr(errbuf, errlen,
		          "no AWS credentials: set AWS_ACCESS_KEY_ID and "
		          "AWS_SECRET_ACCESS_KEY, or profile '%s' in '%s'",
		          profile, path.data);
	hs_buf_release(&path);
	return r == 0 ? 0 : -1;
}

/* ---- open / free ---------------------------------------------------------- */

int hs_store_s3_open(struct hs_store *s, const char *bp, char *errbuf,
                     size_t errlen)
{
	const char *b = bp, *slash = strchr(b, '/');
	s->bucket = slash ? hs_xstrndup(b, (size_t)(slash - b)) : hs_xstrdup(b);
	s->prefix = hs_xstrdup(slash ? slash + 1 : "");
	const char *region = s->o.region;
	if (region == NULL || *region == '\0')
		region = getenv("AWS_REGION");
	if (region == NULL || *region == '\0')
		region = getenv("AWS_DEFAULT_REGION");
	if (region == NULL || *region == '\0')
		region = "us-east-1";
	s->region = hs_xstrdup(region);
	for (const char *r = region; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
		      *r == '-')) {
			hs_seterr(errbuf, errlen, "bad region '%s'", region);
			return -1;
		}

	struct hs_buf base = HS_BUF_INIT;
	if (s->o.endpoint && *s->o.endpoint) {
		/* S3-compatible servers: path-style, bucket in the path. */
		const char *e = s->o.endpoint;
		size_t n = strlen(e);
		if (strncmp(e, "http://", 7) != 0 &&
		    strncmp(e, "https://", 8) != 0) {
			hs_seterr(errbuf, errlen,
			          "bad endpoint '%s' (http://HOST[:PORT] or "
			          "https://...)",
			          e);
			return -1;
		}
		while (n > 0 && e[n - 1] == '/')
			n--;
		hs_buf_addf(&base, "%.*s/%s/", (int)n, e, s->bucket);
	} else {
		/* AWS: virtual-host style, the bucket in the host name. */
		hs_buf_addf(&base, "https://%s.s3.%s.amazonaws.com/", s->bucket,
		            s->region);
	}
	s->base = hs_buf_detach(&base, NULL);

	if (find_credentials(s, errbuf, errlen) < 0)
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
	free(s->keyid);
	if (s->secret) {
		/* Do not leave the secret in freed memory. */
		memset(s->secret, 0, strlen(s->secret));
		free(s->secret);
	}
	free(s->token);
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

static int temporary_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int temporary_http(long code)
{
	return code == 408 || code == 429 || code >= 500;
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
	char sigv4[128], hdr[256];
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
	if (s->token) {
		struct hs_buf t = HS_BUF_INIT;
		hs_buf_addf(&t, "x-amz-security-token: %s", s->token);
		op->headers = curl_slist_append(op->headers, t.data);
		hs_buf_release(&t);
	}
	if (put) {
		op->headers = curl_slist_append(
		    op->headers, "Content-Type: application/octet-stream");
		/* No 100-continue round trip: our bodies are already signed. */
		op->headers = curl_slist_append(op->headers, "Expect:");
	}
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", s->region);
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, op->url.data);
	curl_easy_setopt(e, CURLOPT_PRIVATE, op);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hs-store");
	curl_easy_setopt(e, CURLOPT_AWS_SIGV4, sigv4);
	curl_easy_setopt(e, CURLOPT_USERNAME, s->keyid);
	curl_easy_setopt(e, CURLOPT_PASSWORD, s->secret);
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

		temp = temporary_curl(c);
		snprintf(op->err, sizeof(op->err), "%s %s: %s", m, shown,
		         curl_easy_strerror(c));
		free(shown);
	} else {
		char ecode[64], emsg[256];
		xml_field(&op->body, "Code", ecode, sizeof(ecode));
		xml_field(&op->body, "Message", emsg, sizeof(emsg));
		temp = temporary_http(code);
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
