/*
 * get.c: the check-out.  A reference is trusted only as far as the
 * command line allows: its store must be one given with --store, its key
 * must be the content address it claims, and the bytes fetched must hash
 * to the recorded SHA-256 before they replace the reference.  The
 * reference shapes are read by common/claimref.c; what is decided here is
 * which stores they may name, the fetch and the verification.
 */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claim.h"
#include "err.h"
#include "sha256.h"
#include "banned.h"

/* A reference, parsed (claimref.h) and checked against --store. */
struct ref {
	struct hs_claimref cr; /* as parsed; cr.node is what is replaced */
	struct hs_store *s;    /* one of c->stores */
};

static struct hs_store *find_store(struct claim *c, const char *uri)
{
	char canon[4096];

	if (hs_store_canon(uri, canon, sizeof(canon)) < 0)
		return NULL;
	for (int i = 0; i < c->nstores; i++)
		if (strcmp(hs_store_uri(c->stores[i]), canon) == 0)
			return c->stores[i];
	return NULL;
}

/* The store named exactly by a CloudEvents dataref's part before the
 * key, which must be a plain key; NULL when none is. */
static struct hs_store *ce_store(struct claim *c, const struct hs_claimref *cr)
{
	if (!hs_store_key_ok(cr->key, strlen(cr->key)))
		return NULL;
	for (int i = 0; i < c->nstores; i++)
		if (strcmp(hs_store_uri(c->stores[i]), cr->store) == 0)
			return c->stores[i];
	return NULL;
}

/*
 * The reference of c->format in c->doc, into *r, and its store: 1 found
 * and allowed, 0 none there, -1 refused (the event was dead-lettered).
 * A native or CloudEvents reference must name a --store, be the content
 * address of its sha256 (hs_claimref_check()) and have a size within
 * --max-event-size; an SQS pointer must lie in an s3:// --store (its
 * keys, written by the Java library, are not content addresses).
 */
static int find_ref(struct claim *c, struct hs_tool *t, struct ref *r)
{
	enum hs_claimref_shape sh = claim_shape(c);
	struct hs_claimref *cr = &r->cr;
	char err[600];
	int rc = hs_claimref_parse(&c->doc, sh, c->path, cr, err, sizeof(err));

	if (rc <= 0) {
		if (rc < 0)
			hs_tool_reject(t, "claim_invalid", NULL, "%s", err);
		return rc;
	}
	switch (sh) {
	case HS_CLAIMREF_SQS:
		r->s = find_store(c, cr->store);
		if (r->s == NULL || hs_store_kind(r->s) != HS_STORE_S3 ||
		    !hs_store_key_ok(cr->key, strlen(cr->key))) {
			hs_tool_reject(
			    t, "claim_refused", NULL,
			    "pointer names s3://%.100s/%.200s, not in a store "
			    "given with --store",
			    cr->bucket, cr->s3key);
			return -1;
		}
		return 1;
	case HS_CLAIMREF_CLOUDEVENTS:
		if ((r->s = ce_store(c, cr)) == NULL) {
			hs_tool_reject(t, "claim_refused", NULL,
			               "dataref '%.200s' is not an object of a "
			               "store given "
			               "with --store",
			               cr->dataref_text);
			return -1;
		}
		break;
	case HS_CLAIMREF_NATIVE:
		if ((r->s = find_store(c, cr->store)) == NULL) {
			hs_tool_reject(
			    t, "claim_refused", NULL,
			    "reference names store '%.200s', not one "
			    "given with --store",
			    cr->store);
			return -1;
		}
		break;
	}
	rc = hs_claimref_check(cr, err, sizeof(err));
	if (rc < 0) {
		hs_tool_reject(t, rc == -1 ? "claim_invalid" : "claim_refused",
		               NULL, "%s", err);
		return -1;
	}
	if ((uint64_t)cr->size > t->opts->max_event_size) {
		hs_tool_reject(t, "claim_refused", NULL,
		               "referenced payload of %lld bytes is over "
		               "--max-event-size",
		               (long long)cr->size);
		return -1;
	}
	return 1;
}

static void fail_fetch(struct claim *c, struct hs_tool *t, int r,
                       const char *err)
{
	if (r == HS_STORE_TEMP)
		c->tempfail = 1;
	hs_tool_reject(t,
	               r == HS_STORE_NOTFOUND ? "claim_missing"
	               : r == HS_STORE_TEMP   ? "store_unavailable"
	                                      : "store_error",
	               NULL, "%s", err);
}

/* A pending event's dead letter: its own line and input position. */
static void reject_slot(struct claim *c, struct hs_tool *t,
                        const struct claim_slot *sl, const char *reason,
                        const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void reject_slot(struct claim *c, struct hs_tool *t,
                        const struct claim_slot *sl, const char *reason,
                        const char *fmt, ...)
{
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	char msg[700];
	va_list ap;

	(void)c;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r.reason = reason;
	r.message = msg;
	r.file = sl->file;
	r.line = sl->lineno;
	r.event = sl->pre.data;
	r.event_len = sl->pre.len;
	r.event_is_json = 1;
	hs_tool_reject_rec(t, &r);
}

/*
 * The fetched bytes of slot sl (in sl->obj), decoded and verified: the
 * object itself, sl->obj or c->obj.  NULL when the event was
 * dead-lettered.
 */
static const struct hs_buf *check_object(struct claim *c, struct hs_tool *t,
                                         struct claim_slot *sl)
{
	char got[HS_SHA256_HEXLEN + 1];
	const struct hs_buf *obj = &sl->obj;

	if (sl->zstd) {
		unsigned long long fs =
		    ZSTD_getFrameContentSize(sl->obj.data, sl->obj.len);
		if (fs != (unsigned long long)sl->want) {
			reject_slot(
			    c, t, sl, "claim_corrupt",
			    "object '%s' is not a zstd frame of %lld bytes",
			    sl->key, (long long)sl->want);
			return NULL;
		}
		hs_buf_reset(&c->obj);
		hs_buf_grow(&c->obj, (size_t)sl->want);
		size_t n =
		    ZSTD_decompressDCtx(c->dctx, c->obj.data, (size_t)sl->want,
		                        sl->obj.data, sl->obj.len);
		if (ZSTD_isError(n) || n != (size_t)sl->want) {
			reject_slot(c, t, sl, "claim_corrupt",
			            "object '%s' does not decompress: %s",
			            sl->key,
			            ZSTD_isError(n) ? ZSTD_getErrorName(n)
			                            : "wrong size");
			return NULL;
		}
		hs_buf_setlen(&c->obj, n);
		obj = &c->obj;
	}
	if (sl->sum[0] != '\0') {
		if (hs_sha256_hexof(obj->data, obj->len, got) < 0 ||
		    strcmp(got, sl->sum) != 0) {
			reject_slot(c, t, sl, "claim_corrupt",
			            "object '%s' has sha256 %s, the reference "
			            "says %s",
			            sl->key, got, sl->sum);
			return NULL;
		}
	}
	/* An object written by another client could hold a newline, which
	 * would split the event in two. */
	if (memchr(obj->data, '\n', obj->len) != NULL) {
		reject_slot(c, t, sl, "claim_invalid",
		            "object '%s' holds a newline", sl->key);
		return NULL;
	}
	return obj;
}

static int exists(struct claim *c, struct hs_tool *t, const struct ref *r)
{
	char err[512] = "";
	int rc = hs_store_exists(r->s, r->cr.key, err, sizeof(err));

	if (rc != HS_STORE_OK) {
		/* hs_store_exists() says nothing for a plain absence. */
		if (!err[0])
			snprintf(err, sizeof(err), "no object '%s' in '%s'",
			         r->cr.key, hs_store_uri(r->s));
		fail_fetch(c, t, rc, err);
		return -1;
	}
	return 0;
}

/*
 * The event with the object's place cut out, into out, the object to go
 * at *split: for CloudEvents the "data": member takes the dataref
 * member's place and the hsclaim member goes with one comma, the inverse
 * of what put wrote; otherwise the object replaces the reference node.
 */
static void cut(struct claim *c, const struct ref *r, const char *line,
                size_t len, struct hs_buf *out, size_t *split)
{
	const struct hs_json_doc *d = &c->doc;

	hs_buf_reset(out);
	if (c->format != FORMAT_CLOUDEVENTS) {
		const struct hs_json_node *nd = &d->nodes[r->cr.node];

		hs_buf_add(out, line, nd->off);
		*split = out->len;
		hs_buf_add(out, line + nd->off + nd->len,
		           len - nd->off - nd->len);
		return;
	}
	uint32_t dr = r->cr.dataref, hc = r->cr.hsclaim;
	const struct hs_json_node *dv = &d->nodes[dr], *hv = &d->nodes[hc];
	size_t a0 = d->nodes[dr - 1].off, a1 = dv->off + dv->len;
	size_t b0 = d->nodes[hc - 1].off, b1 = hv->off + hv->len;
	uint32_t prev = HS_JSON_NONE;

	/* hsclaim goes with the comma before it, or, first, the one after. */
	HS_JSON_FOREACH_MEMBER(d, 0, k)
	{
		if (k == hc - 1) {
			if (prev != HS_JSON_NONE)
				b0 = d->nodes[prev].off + d->nodes[prev].len;
			else if (d->nodes[k + 1].end < d->nodes[0].end)
				b1 = d->nodes[d->nodes[k + 1].end].off;
			break;
		}
		prev = k + 1;
	}
	if (a0 < b0) {
		hs_buf_add(out, line, a0);
		hs_buf_adds(out, "\"data\":");
		*split = out->len;
		hs_buf_add(out, line + a1, b0 - a1);
		hs_buf_add(out, line + b1, len - b1);
	} else {
		hs_buf_add(out, line, b0);
		hs_buf_add(out, line + b1, a0 - b1);
		hs_buf_adds(out, "\"data\":");
		*split = out->len;
		hs_buf_add(out, line + a1, len - a1);
	}
}

/*
 * Finish the oldest pending event: wait for its object (the other
 * fetches move on meanwhile), verify it and write the event restored, or
 * dead-letter it; then the events that waited behind it.
 */
static void finish_head(struct claim *c, struct hs_tool *t)
{
	struct claim_slot *sl = &c->slots[c->head];
	const struct hs_buf *obj;
	char err[512] = "";
	int rc = hs_store_op_wait(sl->op, NULL, err, sizeof(err));

	hs_store_op_free(sl->op);
	sl->op = NULL;
	if (rc != HS_STORE_OK) {
		if (rc == HS_STORE_TEMP)
			c->tempfail = 1;
		reject_slot(c, t, sl,
		            rc == HS_STORE_NOTFOUND ? "claim_missing"
		            : rc == HS_STORE_TEMP   ? "store_unavailable"
		                                    : "store_error",
		            "%s", err);
	} else if ((obj = check_object(c, t, sl)) != NULL) {
		c->restored++;
		c->bytes_orig += obj->len;
		hs_buf_reset(&c->line);
		hs_buf_grow(&c->line, sl->out.len + obj->len);
		hs_buf_add(&c->line, sl->out.data, sl->ref_off);
		hs_buf_add(&c->line, obj->data, obj->len);
		hs_buf_add(&c->line, sl->out.data + sl->ref_off,
		           sl->out.len - sl->ref_off);
		hs_tool_emit(t, c->line.data, c->line.len);
		hs_tool_done(t, HS_END_OUT);
	}
	claim_release_held(c, t, sl);
	c->head = (c->head + 1) % c->parallel;
	c->npend--;
}

void claim_get_drain(struct claim *c, struct hs_tool *t)
{
	while (c->npend > 0)
		finish_head(c, t);
}

/* An event to write as it is: now, or behind the pending ones. */
static void pass(struct claim *c, struct hs_tool *t, const char *line,
                 size_t len)
{
	int tail;

	if (c->npend == 0) {
		hs_tool_pass(t, line, len);
		return;
	}
	tail = (c->head + c->npend - 1) % c->parallel;
	hs_buf_add(&c->slots[tail].held, line, len);
	hs_buf_addc(&c->slots[tail].held, '\n');
	c->held_bytes += len + 1;
	while (c->held_bytes > CLAIM_HELD_MAX && c->npend > 0)
		finish_head(c, t);
}

/*
 * Start fetching r's object into a slot of the ring; the event is
 * written by finish_head() once the object is there and verified.  Up to
 * c->parallel fetches travel at once (S3); finished ones at the head are
 * written straight away (file: stores finish at once).
 */
static void start(struct claim *c, struct hs_tool *t, const struct ref *r,
                  const char *line, size_t len)
{
	struct claim_slot *sl;

	if (c->npend == c->parallel)
		finish_head(c, t);
	sl = &c->slots[(c->head + c->npend) % c->parallel];
	cut(c, r, line, len, &sl->out, &sl->ref_off);
	hs_buf_reset(&sl->pre);
	hs_buf_add(&sl->pre, line, len);
	memcpy(sl->key, r->cr.key, sizeof(sl->key));
	memcpy(sl->sum, r->cr.sum, sizeof(sl->sum));
	sl->want = r->cr.size;
	sl->zstd = hs_claimref_zstd(&r->cr);
	sl->file = t->in.name;
	sl->lineno = t->in.lineno;
	hs_buf_reset(&sl->obj);
	sl->op = hs_store_get_start(r->s, r->cr.key, &sl->obj);
	c->npend++;
	while (c->npend > 0 && hs_store_op_done(c->slots[c->head].op))
		finish_head(c, t);
}

void claim_get(struct claim *c, struct hs_tool *t, const char *line, size_t len)
{
	struct ref r;
	int found;

	const char *tag = hs_claimref_tag(claim_shape(c));

	/* Every line is parsed, so invalid JSON is dead-lettered as in
	 * every other tool even when it names no reference. */
	if (hs_json_parse(&c->doc, line, len) < 0) {
		hs_tool_reject_parse(t, &c->doc);
		return;
	}
	/* Most events carry no reference: pass them without a lookup. */
	if (memmem(line, len, tag, strlen(tag)) == NULL) {
		pass(c, t, line, len);
		return;
	}
	found = find_ref(c, t, &r);
	if (found < 0)
		return;
	if (found == 0) {
		pass(c, t, line, len);
		return;
	}
	if (c->refs_only) {
		if (exists(c, t, &r) == 0) {
			c->checked++;
			pass(c, t, line, len);
		}
		return;
	}
	start(c, t, &r, line, len);
}
