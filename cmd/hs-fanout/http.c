/*
 * http.c: http:// and https:// targets through libcurl, one easy handle
 * per target thread, reused for every request, so libcurl keeps the
 * connection alive between them.  A target's "rate" spaces its requests
 * (retries included) evenly, as API destinations' invocation rate limit
 * does.
 * Each event is POSTed as its JSON body, or batch events as one NDJSON
 * body.  Retries follow EventBridge's API destinations: 429 and 5xx (and
 * timeouts or connection failures) are retried with backoff and jitter,
 * honouring Retry-After; other statuses are dead-lettered at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "fanout.h"
#include "stats.h"
#include "banned.h"

struct httpt {
	CURL *c;
	struct curl_slist *hdrs;
	double retry_after;
	double next; /* rate: earliest start of the next request (hs_now) */
	char errbuf[CURL_ERROR_SIZE];
};

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct httpt *h = ctx;
	size_t len = size * n;

	if (len > 12 && !strncasecmp(p, "retry-after:", 12)) {
		char tmp[32];
		size_t k =
		    len - 12 < sizeof tmp - 1 ? len - 12 : sizeof tmp - 1;
		char *end;
		double v;

		memcpy(tmp, p + 12, k);
		tmp[k] = '\0';
		v = strtod(tmp, &end);
		if (end != tmp && v >= 0 && v < 3600)
			h->retry_after = v;
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

int http_open(struct fo_target *t, char *errbuf, size_t errlen)
{
	struct httpt *h = hs_xcalloc(1, sizeof *h);
	const char *auth = getenv("HS_HTTP_AUTHORIZATION");

	t->impl = h;
	h->c = curl_easy_init();
	if (!h->c)
		return hs_seterr(errbuf, errlen, "curl_easy_init failed");
	h->hdrs = curl_slist_append(
	    h->hdrs, t->batch > 1 ? "Content-Type: application/x-ndjson"
	                          : "Content-Type: application/json");
	h->hdrs = curl_slist_append(h->hdrs, "Expect:");
	if (auth && *auth) {
		struct hs_buf b = HS_BUF_INIT;

		hs_buf_adds(&b, "Authorization: ");
		hs_buf_adds(&b, auth);
		h->hdrs = curl_slist_append(h->hdrs, b.data);
		hs_buf_release(&b);
	}
	curl_easy_setopt(h->c, CURLOPT_URL, t->uri);
	curl_easy_setopt(h->c, CURLOPT_HTTPHEADER, h->hdrs);
	curl_easy_setopt(h->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->c, CURLOPT_TIMEOUT_MS, (long)(t->timeout * 1000));
	curl_easy_setopt(h->c, CURLOPT_CONNECTTIMEOUT_MS,
	                 (long)(t->timeout * 1000));
	curl_easy_setopt(h->c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->c, CURLOPT_HEADERDATA, h);
	curl_easy_setopt(h->c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(h->c, CURLOPT_USERAGENT, "hs-fanout");
	return 0;
}

/*
 * A token bucket holding one token, refilled every 1/rate seconds: the
 * smoothest shape, with no burst after an idle spell beyond one request.
 * The wait ends early once the SIGTERM drain time is up.
 */
static void rate_wait(struct fo_target *t)
{
	struct httpt *h = t->impl;
	double now = hs_now();

	if (t->rate <= 0)
		return;
	while (now < h->next && !fo_out_of_time(t->sh)) {
		double d = h->next - now;
		struct timespec ts;

		if (d > 0.05)
			d = 0.05;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(d * 1e9);
		nanosleep(&ts, NULL);
		now = hs_now();
	}
	/* from the schedule, not from now, so sleeps' overshoot does not
	 * add up; after an idle spell the schedule restarts from now */
	h->next = (h->next > now - 1 / t->rate ? h->next : now) + 1 / t->rate;
}

/* One POST.  0 delivered, -1 retryable, -2 not. */
static int post(struct fo_target *t, const char *body, size_t len, char *code,
                size_t codelen, char *msg, size_t msglen)
{
	struct httpt *h = t->impl;
	CURLcode rc;
	long status = 0;

	rate_wait(t);
	h->retry_after = 0;
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h->c, CURLOPT_POSTFIELDSIZE, (long)len);
	rc = curl_easy_perform(h->c);
	if (rc != CURLE_OK) {
		snprintf(code, codelen, "%s",
		         rc == CURLE_OPERATION_TIMEDOUT ? "timeout"
		                                        : "connection_failed");
		snprintf(msg, msglen, "%s",
		         h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return 0;
	snprintf(code, codelen, "http_%ld", status);
	snprintf(msg, msglen, "%s answered %ld", t->uri, status);
	return status == 429 || status >= 500 ? -1 : -2;
}

void http_run(struct fo_target *t)
{
	struct httpt *h = t->impl;
	struct fo_item *batch, *it;
	struct hs_buf body = HS_BUF_INIT;
	size_t n;
	char code[64], msg[512];

	while ((batch = target_pop(t, t->batch, &n))) {
		int attempt = 0, r;
		const char *exhausted = NULL;

		hs_buf_reset(&body);
		for (it = batch; it; it = it->next) {
			hs_buf_add(&body, it->data, it->len);
			if (t->batch > 1)
				hs_buf_addc(&body, '\n');
		}
		for (;;) {
			attempt++;
			r = post(t, body.data, body.len, code, sizeof code, msg,
			         sizeof msg);
			if (r == 0)
				break;
			pthread_mutex_lock(&t->mu);
			t->failing = 1;
			pthread_cond_broadcast(&t->cv);
			pthread_mutex_unlock(&t->mu);
			if (r == -2)
				exhausted = "not_retryable";
			else if (attempt >= t->attempts)
				exhausted = "MaximumRetryAttempts";
			else if (hs_now() - batch->t0 + h->retry_after >=
			         t->max_age)
				exhausted = "MaximumEventAgeInSeconds";
			else if (fo_out_of_time(t->sh))
				exhausted = "shutdown";
			if (exhausted)
				break;
			target_backoff(t, attempt, h->retry_after);
		}
		if (r == 0) {
			pthread_mutex_lock(&t->mu);
			t->failing = 0;
			pthread_mutex_unlock(&t->mu);
			target_done(t, n);
		}
		while (batch) {
			it = batch;
			batch = it->next;
			if (r != 0)
				target_dead(t, it, code, msg, exhausted,
				            attempt);
			target_item_done(t, it);
		}
	}
	hs_buf_release(&body);
}

void http_close(struct fo_target *t)
{
	struct httpt *h = t->impl;

	if (!h)
		return;
	if (h->c)
		curl_easy_cleanup(h->c);
	curl_slist_free_all(h->hdrs);
	free(h);
	t->impl = NULL;
}
