/*
 * http.c: http:// and https:// targets through one libcurl multi handle
 * per target worker, so a target keeps up to "concurrency" requests in
 * flight (default 1, which keeps delivery order).  Each request slot owns
 * an easy handle and a batch of items with its own retry state; the multi
 * handle's connection cache keeps connections alive between requests (at
 * most one per slot).  A target's "rate" spaces request starts (retries
 * included) evenly across all its slots, as API destinations' invocation
 * rate limit does.
 * Each event is POSTed as its JSON body, or batch events as one NDJSON
 * body.  Retries follow EventBridge's API destinations: 429 and 5xx (and
 * timeouts or connection failures) are retried with backoff and jitter,
 * honouring Retry-After; other statuses are dead-lettered at once.
 * After a stop signal the worker keeps delivering until --drain-timeout
 * has passed, then dead-letters what waits (see shed()).
 *
 * The worker never blocks in one place while it has work elsewhere: with
 * requests in flight it waits in curl_multi_poll() for at most a few
 * milliseconds when a slot is free, so new queue items start promptly;
 * with none in flight it waits on the queue itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "stats.h"
#include "target.h"
#include "banned.h"

enum { SLOT_FREE, SLOT_WAIT, SLOT_BUSY };

/* One request slot: a batch of items from popping to done or dead. */
struct slot {
	CURL *c;
	int state;
	struct fo_item *batch; /* owned unless SLOT_FREE */
	size_t n;
	struct hs_buf body; /* the POST body, alive while the request runs */
	int attempt;        /* requests made for this batch */
	double due;         /* SLOT_WAIT: earliest (re)start, hs_now() */
	double retry_after; /* from the last answer, 0: none */
	char errbuf[CURL_ERROR_SIZE];
	char code[64], msg[512];
};

struct httpt {
	CURLM *m;
	struct curl_slist *hdrs;
	char *url; /* t->uri with the query; may hold secrets: never printed */
	struct slot *s;
	int ns;
	int busy;    /* slots in SLOT_BUSY */
	int waiting; /* slots in SLOT_WAIT */
	double next; /* rate: earliest start of the next request (hs_now) */
};

/* With a slot free and requests in flight, how long the queue may go
 * unlooked-at (a new item waits at most this long for its slot). */
#define QUEUE_POLL_MS 5
/* Otherwise the longest wait, so a SIGTERM deadline is noticed. */
#define MAX_WAIT_MS 50

/*
 * The seconds a Retry-After value v[0..n) asks to wait (RFC 9110 10.2.3):
 * delay-seconds, or an HTTP date from which the wait is counted; -1 when
 * it is neither.  No upper bound here: settle() weighs it against the
 * target's maximum age.
 */
static double retry_after_secs(const char *v, size_t n)
{
	char tmp[64], *end;
	double secs;
	time_t when;

	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' ||
	             v[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	secs = strtod(tmp, &end);
	if (end != tmp && *end == '\0')
		return secs >= 0 ? secs : -1;
	when = curl_getdate(tmp, NULL);
	if (when == -1)
		return -1;
	secs = difftime(when, time(NULL));
	return secs > 0 ? secs : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct slot *sl = ctx;
	size_t len = size * n;

	if (len > 12 && !strncasecmp(p, "retry-after:", 12)) {
		double v = retry_after_secs(p + 12, len - 12);

		if (v >= 0)
			sl->retry_after = v;
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

static int slot_open(struct fo_target *t, struct slot *sl)
{
	struct httpt *h = t->impl;
	long ms = (long)(t->timeout * 1000);

	hs_buf_init(&sl->body);
	sl->c = curl_easy_init();
	if (!sl->c)
		return -1;
	curl_easy_setopt(sl->c, CURLOPT_URL, h->url);
	curl_easy_setopt(sl->c, CURLOPT_HTTPHEADER, h->hdrs);
	curl_easy_setopt(sl->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(sl->c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(sl->c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(sl->c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(sl->c, CURLOPT_HEADERDATA, sl);
	curl_easy_setopt(sl->c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(sl->c, CURLOPT_ERRORBUFFER, sl->errbuf);
	curl_easy_setopt(sl->c, CURLOPT_USERAGENT, "hs-fanout");
	curl_easy_setopt(sl->c, CURLOPT_PRIVATE, sl);
	return 0;
}

/* 1 if one of t's own headers is named name (case-insensitively). */
static int has_header(const struct fo_target *t, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < t->nheaders; i++)
		if (!strncasecmp(t->headers[i], name, n) &&
		    (t->headers[i][n] == ':' || t->headers[i][n] == ';'))
			return 1;
	return 0;
}

/*
 * t->uri with t's query parameters percent-encoded and appended: after
 * '?' or '&' as the URL already has a query or not, before any fragment.
 * NULL if curl cannot encode (out of memory).
 */
static char *query_url(const struct fo_target *t, CURL *c)
{
	const char *u = t->uri, *frag = strchr(u, '#');
	size_t base = frag ? (size_t)(frag - u) : strlen(u);
	struct hs_buf b = HS_BUF_INIT;
	size_t n;

	hs_buf_add(&b, u, base);
	if (t->nquery) {
		const char *qm = memchr(u, '?', base);

		if (!qm)
			hs_buf_addc(&b, '?');
		else if (base > 0 && u[base - 1] != '?' && u[base - 1] != '&')
			hs_buf_addc(&b, '&');
	}
	for (size_t i = 0; i + 1 < t->nquery; i += 2) {
		for (int j = 0; j < 2; j++) {
			const char *p = t->query[i + (size_t)j];
			char *e = curl_easy_escape(c, p, (int)strlen(p));

			if (!e) {
				hs_buf_release(&b);
				return NULL;
			}
			if (j)
				hs_buf_addc(&b, '=');
			hs_buf_adds(&b, e);
			curl_free(e);
		}
		if (i + 3 < t->nquery)
			hs_buf_addc(&b, '&');
	}
	if (frag)
		hs_buf_adds(&b, frag);
	return hs_buf_detach(&b, &n);
}

static int http_open(struct fo_target *t, char *errbuf, size_t errlen)
{
	struct httpt *h = hs_xcalloc(1, sizeof *h);
	const char *auth = getenv("HS_HTTP_AUTHORIZATION");
	CURL *c;

	t->impl = h;
	h->ns = t->concurrency > 0 ? t->concurrency : 1;
	h->s = hs_xcalloc((size_t)h->ns, sizeof *h->s);
	h->m = curl_multi_init();
	c = curl_easy_init();
	if (!h->m || !c) {
		if (c)
			curl_easy_cleanup(c);
		return hs_seterr(errbuf, errlen, "curl_multi_init failed");
	}
	h->url = query_url(t, c);
	curl_easy_cleanup(c);
	if (!h->url)
		return hs_seterr(errbuf, errlen,
		                 "cannot encode the query parameters");
	/* one connection per slot at most, all kept for reuse */
	curl_multi_setopt(h->m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)h->ns);
	curl_multi_setopt(h->m, CURLMOPT_MAXCONNECTS, (long)h->ns);
	/* the target's own Content-Type and Authorization win over ours */
	if (!has_header(t, "Content-Type"))
		h->hdrs = curl_slist_append(
		    h->hdrs, t->batch > 1 ? "Content-Type: application/x-ndjson"
		                          : "Content-Type: application/json");
	h->hdrs = curl_slist_append(h->hdrs, "Expect:");
	if (auth && *auth && !has_header(t, "Authorization")) {
		struct hs_buf b = HS_BUF_INIT;

		hs_buf_adds(&b, "Authorization: ");
		hs_buf_adds(&b, auth);
		h->hdrs = curl_slist_append(h->hdrs, b.data);
		hs_buf_release(&b);
	}
	for (size_t i = 0; i < t->nheaders; i++)
		h->hdrs = curl_slist_append(h->hdrs, t->headers[i]);
	for (int i = 0; i < h->ns; i++)
		if (slot_open(t, &h->s[i]) < 0)
			return hs_seterr(errbuf, errlen,
			                 "curl_easy_init failed");
	return 0;
}

/* Up to t->batch queued items into the free slot sl, waiting at most
 * secs (< 0: until an item comes or the queue closes).  1 if it got
 * some. */
static int slot_fill(struct fo_target *t, struct slot *sl, double secs,
                     int *closed)
{
	struct httpt *h = t->impl;
	struct fo_item *it;

	sl->batch = target_pop_timed(t, t->batch, &sl->n, secs, closed);
	if (!sl->batch)
		return 0;
	hs_buf_reset(&sl->body);
	for (it = sl->batch; it; it = it->next) {
		hs_buf_add(&sl->body, it->data, it->len);
		if (t->batch > 1)
			hs_buf_addc(&sl->body, '\n');
	}
	sl->attempt = 0;
	sl->due = 0;
	sl->state = SLOT_WAIT;
	h->waiting++;
	return 1;
}

static void settle(struct fo_target *t, struct slot *sl, int r);

/* Start one request of sl's batch. */
static void slot_start(struct fo_target *t, struct slot *sl)
{
	struct httpt *h = t->impl;
	CURLMcode mc;

	sl->attempt++;
	sl->retry_after = 0;
	sl->errbuf[0] = '\0';
	curl_easy_setopt(sl->c, CURLOPT_POSTFIELDS, sl->body.data);
	curl_easy_setopt(sl->c, CURLOPT_POSTFIELDSIZE, (long)sl->body.len);
	h->waiting--;
	mc = curl_multi_add_handle(h->m, sl->c);
	if (mc != CURLM_OK) {
		/* a request that failed at once, under the same policy */
		snprintf(sl->code, sizeof sl->code, "connection_failed");
		snprintf(sl->msg, sizeof sl->msg, "%s",
		         curl_multi_strerror(mc));
		settle(t, sl, -1);
		return;
	}
	sl->state = SLOT_BUSY;
	h->busy++;
}

/*
 * Start every waiting slot that is due, as far as the rate allows.
 * Returns the seconds until the next slot or rate token is due (a large
 * number when nothing waits).
 */
static double start_due(struct fo_target *t)
{
	struct httpt *h = t->impl;
	double wake = 1e9;

	for (int i = 0; i < h->ns; i++) {
		struct slot *sl = &h->s[i];
		double now = hs_now();

		if (sl->state != SLOT_WAIT)
			continue;
		if (sl->due > now) {
			if (sl->due - now < wake)
				wake = sl->due - now;
			continue;
		}
		if (t->rate > 0) {
			if (now < h->next) {
				if (h->next - now < wake)
					wake = h->next - now;
				continue;
			}
			/* from the schedule, not from now, so wakeups'
			 * lateness does not add up; after an idle spell
			 * the schedule restarts from now */
			h->next =
			    (h->next > now - 1 / t->rate ? h->next : now) +
			    1 / t->rate;
		}
		slot_start(t, sl);
	}
	return wake;
}

/* 0 delivered, -1 retryable, -2 not: the outcome of sl's request. */
static int outcome(struct fo_target *t, struct slot *sl, CURLcode rc)
{
	long status = 0;

	if (rc != CURLE_OK) {
		snprintf(sl->code, sizeof sl->code, "%s",
		         rc == CURLE_OPERATION_TIMEDOUT ? "timeout"
		                                        : "connection_failed");
		snprintf(sl->msg, sizeof sl->msg, "%s",
		         sl->errbuf[0] ? sl->errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(sl->c, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return 0;
	snprintf(sl->code, sizeof sl->code, "http_%ld", status);
	snprintf(sl->msg, sizeof sl->msg, "%s answered %ld", t->shown, status);
	return status == 429 || status >= 500 ? -1 : -2;
}

/* Batches waiting for a retry (not those waiting for their first try). */
static int retrying(const struct httpt *h)
{
	int n = 0;

	for (int i = 0; i < h->ns; i++)
		n += h->s[i].state == SLOT_WAIT && h->s[i].attempt > 0;
	return n;
}

/* Finish sl's batch, delivered (exhausted NULL) or dead; free sl. */
static void slot_end(struct fo_target *t, struct slot *sl,
                     const char *exhausted)
{
	struct fo_item *it;

	if (!exhausted)
		target_done(t, sl->n);
	while ((it = sl->batch)) {
		sl->batch = it->next;
		if (exhausted)
			target_dead(t, it, sl->code, sl->msg, exhausted,
			            sl->attempt);
		target_item_done(t, it);
	}
	sl->n = 0;
	sl->state = SLOT_FREE;
}

/*
 * A request of sl ended with r (as outcome() says): deliver, schedule a
 * retry, or dead-letter the batch after the target's retry policy.
 */
static void settle(struct fo_target *t, struct slot *sl, int r)
{
	struct httpt *h = t->impl;
	const char *exhausted = NULL;

	if (r != 0) {
		target_set_failing(t, 1);
		if (r == -2)
			exhausted = "not_retryable";
		else
			exhausted = target_exhausted(
			    t, sl->attempt, sl->batch->t0, sl->retry_after);
		if (!exhausted) {
			sl->state = SLOT_WAIT;
			h->waiting++;
			sl->due = hs_now() + target_backoff_secs(
			                         sl->attempt, sl->retry_after);
			return;
		}
	} else {
		/* healthy again unless another batch is still retrying */
		target_set_failing(t, retrying(h) > 0);
	}
	slot_end(t, sl, exhausted);
}

/*
 * Past the SIGTERM drain deadline: dead-letter every batch that waits
 * (for its first request or for a retry) as "shutdown", without another
 * request, so the drain ends within --drain-timeout plus one request
 * timeout however long the queue.  Requests in flight are left to end:
 * cutting one short could dead-letter an event the receiver got.
 * Returns how many batches it ended.
 */
static int shed(struct fo_target *t)
{
	struct httpt *h = t->impl;
	int n = 0;

	for (int i = 0; i < h->ns; i++) {
		struct slot *sl = &h->s[i];

		if (sl->state != SLOT_WAIT)
			continue;
		if (!sl->attempt) {
			snprintf(sl->code, sizeof sl->code, "shutdown");
			snprintf(sl->msg, sizeof sl->msg,
			         "the drain time ran out before the first "
			         "request");
		}
		h->waiting--;
		slot_end(t, sl, "shutdown");
		n++;
	}
	return n;
}

/* Let libcurl move, then settle every request that ended. */
static void progress(struct fo_target *t)
{
	struct httpt *h = t->impl;
	CURLMsg *msg;
	int running, left;

	curl_multi_perform(h->m, &running);
	while ((msg = curl_multi_info_read(h->m, &left))) {
		CURL *e = msg->easy_handle;
		CURLcode rc = msg->data.result;
		char *p = NULL;
		struct slot *sl;

		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg dies with the removal: read it first */
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &p);
		sl = (struct slot *)p;
		curl_multi_remove_handle(h->m, e);
		h->busy--;
		settle(t, sl, outcome(t, sl, rc));
	}
}

static struct slot *free_slot(struct httpt *h)
{
	for (int i = 0; i < h->ns; i++)
		if (h->s[i].state == SLOT_FREE)
			return &h->s[i];
	return NULL;
}

static int wait_ms(double secs, int cap)
{
	double ms = ceil(secs * 1000);

	return ms < cap ? (ms > 0 ? (int)ms : 0) : cap;
}

static void http_run(struct fo_target *t)
{
	struct httpt *h = t->impl;
	int closed = 0;

	for (;;) {
		struct slot *sl;
		double wake;
		int late, shedded;

		progress(t);
		late = fo_out_of_time(t->sh);
		do {
			/* new work for free slots: wait for it when idle */
			while (!closed && (sl = free_slot(h)) &&
			       slot_fill(t, sl, h->busy || h->waiting ? 0 : -1,
			                 &closed))
				;
			shedded = late ? shed(t) : 0;
		} while (shedded && !closed);
		if (closed && !h->busy && !h->waiting)
			break;
		wake = start_due(t);
		if (h->busy) {
			progress(t);
			curl_multi_poll(h->m, NULL, 0,
			                wait_ms(wake, !closed && free_slot(h)
			                                  ? QUEUE_POLL_MS
			                                  : MAX_WAIT_MS),
			                NULL);
		} else if (!closed && (sl = free_slot(h))) {
			/* only backoff or rate waits: wait on the queue */
			slot_fill(t, sl, wait_ms(wake, MAX_WAIT_MS) / 1000.0,
			          &closed);
		} else if (wake > 0) {
			struct timespec ts = {0, 0};

			ts.tv_nsec =
			    (long)wait_ms(wake, MAX_WAIT_MS) * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
}

static void http_close(struct fo_target *t)
{
	struct httpt *h = t->impl;

	if (!h)
		return;
	for (int i = 0; i < h->ns; i++) {
		struct slot *sl = &h->s[i];

		if (sl->c) {
			if (sl->state == SLOT_BUSY && h->m)
				curl_multi_remove_handle(h->m, sl->c);
			curl_easy_cleanup(sl->c);
		}
		while (sl->batch) {
			struct fo_item *it = sl->batch;

			sl->batch = it->next;
			target_item_drop(t, it);
		}
		hs_buf_release(&sl->body);
	}
	if (h->m)
		curl_multi_cleanup(h->m);
	curl_slist_free_all(h->hdrs);
	free(h->url);
	free(h->s);
	free(h);
	t->impl = NULL;
}

const struct target_ops fo_http_ops = {
    .name = "http",
    .open = http_open,
    .run = http_run,
    .close = http_close,
    .flags = FO_OPS_HTTP_PARAMS,
};
