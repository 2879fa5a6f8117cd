/*
 * eventbridge.c: the EventBridge PutEvents kind, for a target URI
 * "arn:aws:events:REGION:ACCOUNT:event-bus/NAME" (as the AWS CLI's
 * list-targets-by-rule prints it) or "eventbridge://NAME[?region=R&
 * endpoint=URL&max_entry_size=BYTES]".  Each event becomes one
 * PutEventsRequestEntry (source, detail-type, detail, resources, time,
 * and the bus); the worker sends them in requests of at most ten entries
 * and 256 KB of entry size, reads each entry's result and retries only
 * the entries that failed with a retryable code.  An entry over the
 * bus's limit is dead-lettered as too_large without being sent.
 *
 * Credentials, region, endpoint, signing and the error classes are
 * common/aws.h's.  The batch (struct batch: entries with their own
 * attempts, picked in order within a count and a byte budget, compacted
 * after each answer) names nothing of EventBridge but the entry JSON and
 * the answer's reading, so SQS SendMessageBatch can reuse it as is.
 * One request is in flight per target (order kept); the target's thread
 * and queue are its bulkhead, so a throttled bus holds up nobody else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "alloc.h"
#include "aws.h"
#include "buf.h"
#include "err.h"
#include "json.h"
#include "timeutil.h"
#include "target.h"
#include "banned.h"

/* PutEvents' limits: entries per request and their total size. */
#define EB_MAX_ENTRIES 10
#define EB_REQUEST_BYTES 262144
/* A bus's default limit on one entry (max_entry_size= changes it). */
#define EB_ENTRY_BYTES 262144

/* One event on its way: the entry's JSON and its retry state. */
struct entry {
	struct fo_item *it;
	struct hs_buf json; /* the entry object's text */
	size_t size;        /* as the service counts it */
	int attempts;       /* requests that carried it */
	int failed;         /* failed retryably in the last request */
};

/* Entries popped and not yet finished, in queue order. */
struct batch {
	struct entry e[EB_MAX_ENTRIES];
	size_t n;
	size_t max_n, max_bytes;
};

struct ebt {
	char *bus;      /* EventBusName */
	char *url;      /* endpoint, with its "/" */
	char *endpoint; /* endpoint= of the URI, or NULL */
	char region[64];
	size_t max_entry;
	struct hs_aws_creds creds;
	CURL *c;
	struct curl_slist *hdrs;
	struct hs_buf body, resp, scratch;
	struct hs_json_doc doc;
	char errbuf[CURL_ERROR_SIZE];
	struct batch b;
};

/* ---- the batch ---- */

/* The number of leading entries one request takes: at most max_n, their
 * sizes within max_bytes, but always one. */
static size_t batch_pick(const struct batch *b)
{
	size_t k = 0, total = 0;

	while (k < b->n && k < b->max_n) {
		if (k > 0 && total + b->e[k].size > b->max_bytes)
			break;
		total += b->e[k++].size;
	}
	return k;
}

/* Drop finished entries (it NULL), keeping order; 1 if any that is left
 * failed in the last request (a retry, after a backoff). */
static int batch_compact(struct batch *b)
{
	size_t j = 0;
	int failed = 0;

	for (size_t i = 0; i < b->n; i++) {
		if (b->e[i].it == NULL) {
			hs_buf_release(&b->e[i].json);
			continue;
		}
		failed |= b->e[i].failed;
		if (i != j)
			b->e[j] = b->e[i];
		j++;
	}
	for (size_t i = j; i < b->n; i++)
		memset(&b->e[i], 0, sizeof b->e[i]);
	b->n = j;
	return failed;
}

/* The largest attempt count among entries to retry. */
static int batch_attempts(const struct batch *b)
{
	int a = 0;

	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].failed && b->e[i].attempts > a)
			a = b->e[i].attempts;
	return a;
}

/* Finish entry e: delivered (exhausted NULL) or dead-lettered. */
static void entry_end(struct fo_target *t, struct entry *e, const char *code,
                      const char *msg, const char *exhausted)
{
	if (exhausted) {
		target_dead(t, e->it, code, msg, exhausted, e->attempts);
	} else {
		target_done(t, 1);
	}
	target_item_done(t, e->it);
	e->it = NULL;
}

/*
 * Entry e failed with code (class cl): dead-letter it at once when it
 * cannot succeed or the retry policy is spent, else mark it for a retry.
 */
static void entry_failed(struct fo_target *t, struct entry *e,
                         enum hs_aws_class cl, const char *code,
                         const char *msg)
{
	const char *ex = cl == HS_AWS_FATAL
	                     ? "not_retryable"
	                     : target_exhausted(t, e->attempts, e->it->t0, 0);

	if (ex)
		entry_end(t, e, code, msg, ex);
	else
		e->failed = 1;
}

/* ---- the entry ---- */

static uint32_t member(const struct hs_json_doc *d, uint32_t o, const char *k)
{
	return hs_json_obj_get(d, o, k, strlen(k));
}

/* Decoded bytes of string node i (what AWS counts: its UTF-8 form). */
static size_t str_bytes(struct ebt *eb, uint32_t i)
{
	hs_buf_reset(&eb->scratch);
	hs_json_str_decode(&eb->doc, i, &eb->scratch);
	return eb->scratch.len;
}

static void add_raw(struct hs_buf *b, const struct hs_json_doc *d, uint32_t i)
{
	hs_buf_add(b, hs_json_raw(d, i), d->nodes[i].len);
}

/*
 * The PutEvents entry of it's event into e->json, its size into e->size
 * (Time 14 bytes; Source, DetailType, Detail and each resource their
 * UTF-8 bytes, as EventBridge documents it).  Returns 0, or -1 with msg
 * set when the payload is not an event.
 */
static int entry_make(struct ebt *eb, struct entry *e, char *msg, size_t n)
{
	struct hs_json_doc *d = &eb->doc;
	struct hs_buf *b = &e->json;
	uint32_t src, dt, det, res, tm;
	int64_t ms;

	if (hs_json_parse(d, e->it->data, e->it->len) < 0 ||
	    hs_json_type(d, 0) != HS_JSON_OBJECT)
		return hs_seterr(msg, n, "the payload is not a JSON object");
	src = member(d, 0, "source");
	dt = member(d, 0, "detail-type");
	if (src == HS_JSON_NONE || hs_json_type(d, src) != HS_JSON_STRING ||
	    dt == HS_JSON_NONE || hs_json_type(d, dt) != HS_JSON_STRING)
		return hs_seterr(msg, n,
		                 "the event has no string 'source' and "
		                 "'detail-type'");
	hs_buf_init(b);
	hs_buf_adds(b, "{\"Source\":");
	add_raw(b, d, src);
	e->size = str_bytes(eb, src);
	hs_buf_adds(b, ",\"DetailType\":");
	add_raw(b, d, dt);
	e->size += str_bytes(eb, dt);
	hs_buf_adds(b, ",\"Detail\":");
	det = member(d, 0, "detail");
	if (det != HS_JSON_NONE) {
		hs_json_write_str(b, hs_json_raw(d, det), d->nodes[det].len);
		e->size += d->nodes[det].len;
	} else {
		hs_buf_adds(b, "\"{}\"");
		e->size += 2;
	}
	res = member(d, 0, "resources");
	if (res != HS_JSON_NONE && hs_json_type(d, res) == HS_JSON_ARRAY) {
		int first = 1;

		hs_buf_adds(b, ",\"Resources\":[");
		HS_JSON_FOREACH_ELEM(d, res, r)
		{
			if (hs_json_type(d, r) != HS_JSON_STRING)
				continue;
			if (!first)
				hs_buf_addc(b, ',');
			first = 0;
			add_raw(b, d, r);
			e->size += str_bytes(eb, r);
		}
		hs_buf_addc(b, ']');
	}
	/* JSON 1.1 timestamps are epoch seconds */
	tm = member(d, 0, "time");
	if (tm != HS_JSON_NONE && hs_json_type(d, tm) == HS_JSON_STRING &&
	    str_bytes(eb, tm) > 0 &&
	    hs_time_parse_rfc3339(eb->scratch.data, eb->scratch.len, &ms) ==
	        0) {
		int frac = (int)(ms % 1000 < 0 ? -(ms % 1000) : ms % 1000);

		hs_buf_addf(b, ",\"Time\":%lld", (long long)(ms / 1000));
		if (frac)
			hs_buf_addf(b, ".%03d", frac);
		e->size += 14;
	}
	hs_buf_adds(b, ",\"EventBusName\":");
	hs_json_write_str(b, eb->bus, strlen(eb->bus));
	hs_buf_addc(b, '}');
	return 0;
}

/* Take item it into the batch, or finish it at once (not an event, over
 * the bus's limit). */
static void batch_add(struct fo_target *t, struct fo_item *it)
{
	struct ebt *eb = t->impl;
	struct entry *e = &eb->b.e[eb->b.n];
	char msg[320];

	memset(e, 0, sizeof *e);
	e->it = it;
	if (entry_make(eb, e, msg, sizeof msg) < 0) {
		hs_buf_release(&e->json);
		entry_end(t, e, "not_an_event", msg, "not_retryable");
		return;
	}
	if (e->size > eb->max_entry) {
		snprintf(msg, sizeof msg,
		         "entry of %zu bytes is over the bus's limit of %zu "
		         "bytes; store the event with 'hs-claimcheck put' and "
		         "send its claim instead",
		         e->size, eb->max_entry);
		hs_buf_release(&e->json);
		target_dead_as(t, it, "too_large", "too_large", msg,
		               "not_retryable", 0);
		target_item_done(t, it);
		return;
	}
	eb->b.n++;
}

/* ---- the request ---- */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	hs_buf_add(ctx, p, size * n);
	return size * n;
}

/* A string member of object o of the answer into out, or "". */
static void answer_str(struct ebt *eb, uint32_t o, const char *k, char *out,
                       size_t n)
{
	uint32_t v = member(&eb->doc, o, k);

	out[0] = '\0';
	if (v == HS_JSON_NONE || hs_json_type(&eb->doc, v) != HS_JSON_STRING)
		return;
	str_bytes(eb, v);
	snprintf(out, n, "%s", eb->scratch.data);
}

/*
 * Settle the first k entries after a request that failed as a whole
 * (curl's or the service's error): the same code for all of them.
 */
static void request_failed(struct fo_target *t, size_t k, enum hs_aws_class cl,
                           const char *code, const char *msg)
{
	struct ebt *eb = t->impl;

	for (size_t i = 0; i < k; i++)
		entry_failed(t, &eb->b.e[i], cl, code, msg);
}

/* Read a 200 answer: each entry's EventId or ErrorCode, in order. */
static void read_results(struct fo_target *t, size_t k)
{
	struct ebt *eb = t->impl;
	uint32_t arr;
	char code[128], msg[512];

	if (hs_json_parse(&eb->doc, eb->resp.data, eb->resp.len) < 0 ||
	    (arr = member(&eb->doc, 0, "Entries")) == HS_JSON_NONE ||
	    hs_json_type(&eb->doc, arr) != HS_JSON_ARRAY) {
		request_failed(t, k, HS_AWS_TRANSIENT, "bad_response",
		               "the answer holds no Entries array");
		return;
	}
	for (size_t i = 0; i < k; i++) {
		uint32_t r = hs_json_arr_at(&eb->doc, arr, (uint32_t)i);

		if (r == HS_JSON_NONE) {
			entry_failed(t, &eb->b.e[i], HS_AWS_TRANSIENT,
			             "bad_response",
			             "the answer has fewer entries than sent");
			continue;
		}
		answer_str(eb, r, "ErrorCode", code, sizeof code);
		if (!code[0]) {
			entry_end(t, &eb->b.e[i], NULL, NULL, NULL);
			continue;
		}
		answer_str(eb, r, "ErrorMessage", msg, sizeof msg);
		entry_failed(t, &eb->b.e[i], hs_aws_classify(0, code), code,
		             msg);
	}
}

/* Send the first entries of the batch in one PutEvents request and
 * settle each of them. */
static void send_some(struct fo_target *t)
{
	struct ebt *eb = t->impl;
	size_t k = batch_pick(&eb->b);
	long status = 0;
	CURLcode rc;
	char code[128], msg[512];

	hs_buf_reset(&eb->body);
	hs_buf_adds(&eb->body, "{\"Entries\":[");
	for (size_t i = 0; i < k; i++) {
		if (i)
			hs_buf_addc(&eb->body, ',');
		hs_buf_add(&eb->body, eb->b.e[i].json.data,
		           eb->b.e[i].json.len);
		eb->b.e[i].attempts++;
		eb->b.e[i].failed = 0;
	}
	hs_buf_adds(&eb->body, "]}");
	hs_buf_reset(&eb->resp);
	eb->errbuf[0] = '\0';
	curl_easy_setopt(eb->c, CURLOPT_POSTFIELDS, eb->body.data);
	curl_easy_setopt(eb->c, CURLOPT_POSTFIELDSIZE, (long)eb->body.len);
	rc = curl_easy_perform(eb->c);
	if (rc != CURLE_OK) {
		snprintf(msg, sizeof msg, "%s",
		         eb->errbuf[0] ? eb->errbuf : curl_easy_strerror(rc));
		request_failed(t, k, hs_aws_classify_curl(rc),
		               rc == CURLE_OPERATION_TIMEDOUT
		                   ? "timeout"
		                   : "connection_failed",
		               msg);
		return;
	}
	curl_easy_getinfo(eb->c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200) {
		read_results(t, k);
		return;
	}
	code[0] = msg[0] = '\0';
	if (hs_json_parse(&eb->doc, eb->resp.data, eb->resp.len) == 0 &&
	    hs_json_type(&eb->doc, 0) == HS_JSON_OBJECT) {
		char type[256];

		answer_str(eb, 0, "__type", type, sizeof type);
		hs_aws_error_code(type, strlen(type), code, sizeof code);
		answer_str(eb, 0, "message", msg, sizeof msg);
		if (!msg[0])
			answer_str(eb, 0, "Message", msg, sizeof msg);
	}
	if (!code[0])
		snprintf(code, sizeof code, "http_%ld", status);
	if (!msg[0])
		snprintf(msg, sizeof msg, "PutEvents answered HTTP %ld",
		         status);
	request_failed(t, k, hs_aws_classify(status, code), code, msg);
}

/* ---- the kind ---- */

/* Value of parameter name in query q ("a=b&c=d"), new string or NULL. */
static char *query_get(const char *q, const char *name)
{
	size_t n = strlen(name);

	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);

		if (len > n && !strncmp(q, name, n) && q[n] == '=')
			return hs_xstrndup(q + n + 1, len - n - 1);
		q = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static int bus_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-/", *s)))
			return 0;
	return 1;
}

static int eb_parse(struct fo_target *t, const char *uri, char *errbuf,
                    size_t errlen)
{
	struct ebt *eb = hs_xcalloc(1, sizeof *eb);
	char *region = NULL, *max = NULL;
	int rc = -1;

	t->impl = eb;
	hs_json_doc_init(&eb->doc);
	eb->max_entry = EB_ENTRY_BYTES;
	eb->b.max_n = EB_MAX_ENTRIES;
	if (!strncmp(uri, "arn:", 4)) {
		struct hs_aws_arn a;

		if (hs_aws_arn_parse(uri, &a) < 0 ||
		    strcmp(a.service, "events") ||
		    strncmp(a.resource, "event-bus/", 10))
			return hs_seterr(errbuf, errlen,
			                 "'%s' is not an event bus ARN "
			                 "(arn:aws:events:REGION:ACCOUNT:"
			                 "event-bus/NAME)",
			                 uri);
		eb->bus = hs_xstrdup(a.resource + 10);
		region = hs_xstrdup(a.region);
	} else {
		const char *name = uri + strlen("eventbridge://");
		const char *q = strchr(name, '?');

		eb->bus = q ? hs_xstrndup(name, (size_t)(q - name))
		            : hs_xstrdup(name);
		if (q) {
			region = query_get(q + 1, "region");
			eb->endpoint = query_get(q + 1, "endpoint");
			max = query_get(q + 1, "max_entry_size");
		}
	}
	if (!bus_ok(eb->bus)) {
		hs_seterr(errbuf, errlen, "'%s': bad event bus name '%s'", uri,
		          eb->bus);
		goto out;
	}
	if (max) {
		char *end;
		unsigned long long v = strtoull(max, &end, 10);

		if (*max < '0' || *max > '9' || *end || v < 1 ||
		    v > 16u * 1024 * 1024) {
			hs_seterr(errbuf, errlen,
			          "'%s': max_entry_size is bytes, 1 to 16 MiB",
			          uri);
			goto out;
		}
		eb->max_entry = (size_t)v;
	}
	/* a bus that takes larger entries takes requests that large */
	eb->b.max_bytes =
	    eb->max_entry > EB_REQUEST_BYTES ? eb->max_entry : EB_REQUEST_BYTES;
	if (hs_aws_region(region, NULL, eb->region, sizeof eb->region, errbuf,
	                  errlen) < 0 ||
	    hs_aws_endpoint(eb->endpoint ? eb->endpoint : t->sh->endpoint_url,
	                    "events", eb->region, &eb->url, errbuf, errlen) < 0)
		goto out;
	rc = 0;
out:
	free(region);
	free(max);
	return rc;
}

static int eb_open(struct fo_target *t, char *errbuf, size_t errlen)
{
	struct ebt *eb = t->impl;
	struct hs_buf u = HS_BUF_INIT;
	long ms = (long)(t->timeout * 1000);

	if (hs_aws_creds_load(&eb->creds, errbuf, errlen) < 0)
		return -1;
	eb->c = curl_easy_init();
	if (!eb->c)
		return hs_seterr(errbuf, errlen, "curl_easy_init failed");
	hs_buf_addf(&u, "%s/", eb->url);
	free(eb->url);
	eb->url = hs_buf_detach(&u, NULL);
	eb->hdrs = curl_slist_append(eb->hdrs, "Content-Type: "
	                                       "application/x-amz-json-1.1");
	eb->hdrs = curl_slist_append(eb->hdrs, "X-Amz-Target: "
	                                       "AWSEvents.PutEvents");
	/* no "Expect:" to suppress 100-continue: libcurl signs the empty
	 * header it then does not send (it sends none below 1 MiB anyway) */
	eb->hdrs =
	    hs_aws_sign(eb->c, &eb->creds, eb->region, "events", eb->hdrs);
	curl_easy_setopt(eb->c, CURLOPT_URL, eb->url);
	curl_easy_setopt(eb->c, CURLOPT_HTTPHEADER, eb->hdrs);
	curl_easy_setopt(eb->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(eb->c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(eb->c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(eb->c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(eb->c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(eb->c, CURLOPT_WRITEDATA, &eb->resp);
	curl_easy_setopt(eb->c, CURLOPT_ERRORBUFFER, eb->errbuf);
	curl_easy_setopt(eb->c, CURLOPT_USERAGENT, "hs-fanout");
	return 0;
}

/* 1 if an entry of the batch waits for a retry. */
static int retrying(const struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->e[i].attempts > 0)
			return 1;
	return 0;
}

static void eb_run(struct fo_target *t)
{
	struct ebt *eb = t->impl;
	struct batch *b = &eb->b;
	int closed = 0;

	for (;;) {
		struct fo_item *it, *next;
		size_t n = 0;

		/* new entries join only a batch that is not retrying, so a
		 * failed entry's retry carries nothing but the failed */
		if (b->n == 0 && !closed)
			it = target_pop_timed(t, b->max_n, &n, -1, &closed);
		else if (b->n < b->max_n && !retrying(b) && !closed)
			it = target_pop_timed(t, b->max_n - b->n, &n, 0,
			                      &closed);
		else
			it = NULL;
		if (!it && b->n == 0 && closed)
			break;
		for (; it; it = next) {
			next = it->next;
			it->next = NULL;
			batch_add(t, it);
		}
		if (b->n == 0)
			continue;
		send_some(t);
		if (batch_compact(b)) {
			target_set_failing(t, 1);
			target_backoff(t, batch_attempts(b), 0);
		} else {
			target_set_failing(t, 0);
		}
	}
}

static void eb_close(struct fo_target *t)
{
	struct ebt *eb = t->impl;

	if (!eb)
		return;
	for (size_t i = 0; i < eb->b.n; i++) {
		target_item_drop(t, eb->b.e[i].it);
		hs_buf_release(&eb->b.e[i].json);
	}
	if (eb->c)
		curl_easy_cleanup(eb->c);
	curl_slist_free_all(eb->hdrs);
	hs_aws_creds_release(&eb->creds);
	hs_json_doc_release(&eb->doc);
	hs_buf_release(&eb->body);
	hs_buf_release(&eb->resp);
	hs_buf_release(&eb->scratch);
	free(eb->bus);
	free(eb->url);
	free(eb->endpoint);
	free(eb);
	t->impl = NULL;
}

const struct target_ops fo_eventbridge_ops = {
    .name = "eventbridge",
    .parse = eb_parse,
    .open = eb_open,
    .run = eb_run,
    .close = eb_close,
};
