/*
 * dlq.c: dead-letter records in the one shape every tool writes (dlq.h,
 * hs-event(7)), to the --dlq file or as a located message on stderr.  When
 * an event ends in a dead letter is the caller's decision, not this
 * file's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "base64.h"
#include "dlq.h"
#include "err.h"
#include "evcoord.h"
#include "json.h"
#include "lineio.h"
#include "out.h"
#include "timeutil.h"
#include "banned.h"

int hs_dlq_open(struct hs_dlq *q, const char *path, char *errbuf, size_t errlen)
{
	memset(q, 0, sizeof(*q));
	hs_buf_init(&q->rec);
	q->fd = -1;
	if (!path)
		return 0;
	q->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (q->fd < 0)
		return hs_seterr(errbuf, errlen,
		                 "cannot open dead-letter file '%s': %s", path,
		                 strerror(errno));
	q->path = hs_xstrdup(path);
	return 0;
}

void hs_dlq_close(struct hs_dlq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->path);
	q->path = NULL;
	hs_buf_release(&q->rec);
}

/* Copy hs-consume's coordinates from the event, if it carries them, as
 * their literal text (evcoord.h finds the member). */
static void kafka_from_event(struct hs_buf *b, const struct hs_json_doc *d)
{
	uint32_t k = hs_evcoord_node(d), v;

	if (k == HS_JSON_NONE)
		return;
	hs_buf_adds(b, ",\"kafka\":{");
	int first = 1;
	static const char *const keys[] = {"topic", "partition", "offset"};
	for (size_t i = 0; i < 3; i++) {
		v = hs_json_obj_get(d, k, keys[i], strlen(keys[i]));
		if (v == HS_JSON_NONE)
			continue;
		hs_buf_addf(b, "%s\"%s\":", first ? "" : ",", keys[i]);
		hs_buf_add(b, hs_json_raw(d, v), d->nodes[v].len);
		first = 0;
	}
	hs_buf_addc(b, '}');
}

/* Everything before the event member. */
static void head(struct hs_buf *b, const struct hs_dlq_rec *r)
{
	char ts[40];

	hs_buf_adds(b, "{\"hs-dlq\":1,\"tool\":");
	hs_json_write_str(b, hs_prog(), strlen(hs_prog()));
	hs_buf_adds(b, ",\"reason\":");
	hs_json_write_str(b, r->reason, strlen(r->reason));
	hs_buf_adds(b, ",\"message\":");
	hs_json_write_str(b, r->message ? r->message : "",
	                  r->message ? strlen(r->message) : 0);
	hs_buf_adds(b, ",\"time\":\"");
	hs_buf_adds(b, hs_time_format_ms(hs_time_now_ms(), ts, sizeof(ts)));
	hs_buf_addc(b, '"');
	if (r->file) {
		hs_buf_adds(b, ",\"input\":{\"file\":");
		hs_json_write_str(b, r->file, strlen(r->file));
		hs_buf_addf(b, ",\"line\":%" PRIu64 "}", r->line);
	}
	if (r->topic) {
		hs_buf_adds(b, ",\"kafka\":{\"topic\":");
		hs_json_write_str(b, r->topic, strlen(r->topic));
		hs_buf_addf(
		    b, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64 "}",
		    r->partition, r->offset);
	}
	if (r->details) {
		hs_buf_adds(b, ",\"details\":");
		hs_buf_add(b, r->details, r->details_len);
	}
}

static int to_stderr(const struct hs_dlq_rec *r)
{
	if (r->file)
		hs_err("%s:%" PRIu64 ": %s: %s", r->file, r->line, r->reason,
		       r->message ? r->message : "");
	else if (r->topic)
		hs_err("%s/%" PRId32 "@%" PRId64 ": %s: %s", r->topic,
		       r->partition, r->offset, r->reason,
		       r->message ? r->message : "");
	else
		hs_err("%s: %s", r->reason, r->message ? r->message : "");
	return 0;
}

int hs_dlq_write(struct hs_dlq *q, const struct hs_dlq_rec *r, char *errbuf,
                 size_t errlen)
{
	struct hs_buf *b = &q->rec;
	struct hs_json_doc d;
	int is_json = r->event_is_json;
	int parsed = 0;

	if (q->fd < 0)
		return to_stderr(r);
	hs_buf_reset(b);
	head(b, r);
	if (r->doc) {
		/* the caller's parse: valid JSON, coordinates there if any */
		is_json = 1;
		if (!r->topic)
			kafka_from_event(b, r->doc);
	} else if (is_json != 0 && !r->topic) {
		/* Parse when validity is unknown or coordinates may be
		 * inside. */
		hs_json_doc_init(&d);
		parsed = hs_json_parse(&d, r->event, r->event_len) == 0;
		is_json = parsed;
		if (parsed)
			kafka_from_event(b, &d);
		hs_json_doc_release(&d);
	}
	if (is_json == 1) {
		hs_buf_adds(b, ",\"event\":");
		hs_buf_add(b, r->event, r->event_len);
	} else if (hs_utf8_valid(r->event, r->event_len, NULL)) {
		hs_buf_adds(b, ",\"event_text\":");
		hs_json_write_str(b, r->event, r->event_len);
	} else {
		hs_buf_adds(b, ",\"event_base64\":\"");
		hs_base64_add(b, r->event, r->event_len);
		hs_buf_addc(b, '"');
	}
	hs_buf_adds(b, "}\n");
	if (hs_write_all(q->fd, b->data, b->len) < 0)
		return hs_seterr(errbuf, errlen,
		                 "cannot write to dead-letter file '%s': %s",
		                 q->path, strerror(errno));
	q->written++;
	if (b->cap > (1u << 24))
		hs_buf_release(b); /* don't keep a huge event's buffer around */
	return 0;
}

struct oversize {
	struct hs_base64_stream st;
	struct hs_buf *b;
	int fd;
	int failed;
};

static void oversize_chunk(void *ctx, const char *p, size_t n)
{
	struct oversize *o = ctx;

	hs_base64_feed(&o->st, o->b, p, n);
	if (o->b->len >= (1u << 20)) {
		if (!o->failed &&
		    hs_write_all(o->fd, o->b->data, o->b->len) < 0)
			o->failed = errno;
		hs_buf_reset(o->b);
	}
}

int hs_dlq_write_stream(
    struct hs_dlq *q, const struct hs_dlq_rec *r,
    long long (*rest)(void *src, void (*fn)(void *, const char *, size_t),
                      void *ctx),
    void *src, long long *total, char *errbuf, size_t errlen)
{
	struct oversize o = {{{0, 0}, 0}, &q->rec, q->fd, 0};

	if (q->fd < 0) {
		*total = rest(src, NULL, NULL);
		return to_stderr(r);
	}
	hs_buf_reset(&q->rec);
	head(&q->rec, r);
	hs_buf_adds(&q->rec, ",\"event_base64\":\"");
	/* One record may now take several writes; O_APPEND keeps each
	 * write whole, and oversize records are rare. */
	*total = rest(src, oversize_chunk, &o);
	hs_base64_finish(&o.st, &q->rec);
	hs_buf_adds(&q->rec, "\"}\n");
	if (!o.failed && hs_write_all(q->fd, q->rec.data, q->rec.len) < 0)
		o.failed = errno;
	hs_buf_release(&q->rec);
	if (o.failed)
		return hs_seterr(errbuf, errlen,
		                 "cannot write to dead-letter file '%s': %s",
		                 q->path, strerror(o.failed));
	q->written++;
	return 0;
}

long long hs_dlq_lineio_rest(void *in, void (*fn)(void *, const char *, size_t),
                             void *ctx)
{
	return hs_lineio_rest(in, fn, ctx);
}
