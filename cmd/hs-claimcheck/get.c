/*
 * get.c: the check-out.  A reference is trusted only as far as the
 * command line allows: its store must be one given with --store, its key
 * must be the content address it claims, and the bytes fetched must hash
 * to the recorded SHA-256 before they replace the reference.
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

#define CLAIM_TAG "\"hs-claim\""
#define CE_TAG "\"hsclaim\""
#define SQS_TAG "software.amazon.payloadoffloading.PayloadS3Pointer"

/* A reference, located and checked. */
struct ref {
	uint32_t node;      /* the node the original replaces */
	struct hs_store *s; /* one of c->stores */
	char key[256];
	char sum[HS_SHA256_HEXLEN + 1]; /* "" when the pointer has none */
	int64_t size;                   /* original bytes, -1 unknown */
	uint32_t dr, hc; /* cloudevents: dataref and hsclaim values */
	int zstd;
};

/* String member name of object obj into out (decoded); 0 or -1. */
static int str_member(const struct hs_json_doc *d, uint32_t obj,
                      const char *name, char *out, size_t outlen)
{
	struct hs_buf b = HS_BUF_INIT;
	uint32_t v = hs_json_obj_get(d, obj, name, strlen(name));
	int rc = -1;

	if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_STRING)
		return -1;
	hs_json_str_decode(d, v, &b);
	/* A NUL inside would cut the check short: refuse it. */
	if (b.len < outlen && strlen(b.data) == b.len) {
		memcpy(out, b.data, b.len + 1);
		rc = 0;
	}
	hs_buf_release(&b);
	return rc;
}

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

/*
 * What every reference must satisfy once its store is known: a known
 * encoding, the key being the content address of its sha256 (no other
 * object of the store, and no path, can be named) and a size within
 * --max-event-size.  1 if so, else -1 (dead-lettered).
 */
static int check_ref(struct hs_tool *t, struct ref *r, const char *enc)
{
	r->zstd = strcmp(enc, "zstd") == 0;
	if (!r->zstd && strcmp(enc, "identity") != 0) {
		hs_tool_reject(t, "claim_invalid", NULL,
		               "unknown encoding '%s'", enc);
		return -1;
	}
	char want[HS_SHA256_HEXLEN + 8];
	snprintf(want, sizeof(want), "%s%s", r->sum, r->zstd ? ".zst" : "");
	if (!hs_sha256_is_hex(r->sum, strlen(r->sum)) ||
	    strcmp(r->key, want) != 0) {
		hs_tool_reject(
		    t, "claim_refused", NULL,
		    "reference key '%.200s' is not the content address "
		    "of sha256 '%.80s'",
		    r->key, r->sum);
		return -1;
	}
	if ((uint64_t)r->size > t->opts->max_event_size) {
		hs_tool_reject(t, "claim_refused", NULL,
		               "referenced payload of %lld bytes is over "
		               "--max-event-size",
		               (long long)r->size);
		return -1;
	}
	return 1;
}

/*
 * Native reference at --path.  Returns 1 found and checked, 0 none there,
 * -1 refused (the event was dead-lettered).
 */
static int native_ref(struct claim *c, struct hs_tool *t, struct ref *r)
{
	const struct hs_json_doc *d = &c->doc;
	char store[4096], enc[32];
	uint32_t v, h, sz;

	v = hs_json_pointer(d, 0, c->path, strlen(c->path));
	if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_OBJECT)
		return 0;
	h = hs_json_obj_get(d, v, "hs-claim", 8);
	if (h == HS_JSON_NONE)
		return 0;
	r->node = v;
	if (hs_json_type(d, h) != HS_JSON_OBJECT ||
	    str_member(d, h, "store", store, sizeof(store)) < 0 ||
	    str_member(d, h, "key", r->key, sizeof(r->key)) < 0 ||
	    str_member(d, h, "sha256", r->sum, sizeof(r->sum)) < 0 ||
	    str_member(d, h, "encoding", enc, sizeof(enc)) < 0 ||
	    (sz = hs_json_obj_get(d, h, "size", 4)) == HS_JSON_NONE ||
	    hs_json_type(d, sz) != HS_JSON_NUMBER ||
	    hs_json_int64(d, sz, &r->size) < 0 || r->size < 0) {
		hs_tool_reject(t, "claim_invalid", NULL,
		               "malformed reference at '%s'", c->path);
		return -1;
	}
	if ((r->s = find_store(c, store)) == NULL) {
		hs_tool_reject(t, "claim_refused", NULL,
		               "reference names store '%.200s', not one given "
		               "with --store",
		               store);
		return -1;
	}
	return check_ref(t, r, enc);
}

/* The value of "name=" in a space-separated hsclaim string, or NULL. */
static const char *hc_field(const char *hc, const char *name, size_t *n)
{
	size_t nl = strlen(name);

	for (const char *p = hc; *p;) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			*n = l - nl - 1;
			return p + nl + 1;
		}
		p += l;
		while (*p == ' ')
			p++;
	}
	return NULL;
}

/*
 * CloudEvents: "dataref" (a store given with --store, "/", a key) and
 * "hsclaim" ("encoding=zstd sha256=HEX size=N ...").  As native_ref().
 */
static int ce_ref(struct claim *c, struct hs_tool *t, struct ref *r)
{
	const struct hs_json_doc *d = &c->doc;
	char uri[4096], hc[512], enc[32] = "", num[24] = "";
	const char *f, *key = NULL;
	size_t n;
	char *end = NULL;

	if (hs_json_type(d, 0) != HS_JSON_OBJECT ||
	    (r->hc = hs_json_obj_get(d, 0, "hsclaim", 7)) == HS_JSON_NONE)
		return 0;
	r->dr = hs_json_obj_get(d, 0, "dataref", 7);
	r->node = 0;
	if (r->dr == HS_JSON_NONE ||
	    hs_json_obj_get(d, 0, "data", 4) != HS_JSON_NONE ||
	    str_member(d, 0, "dataref", uri, sizeof(uri)) < 0 ||
	    str_member(d, 0, "hsclaim", hc, sizeof(hc)) < 0) {
		hs_tool_reject(t, "claim_invalid", NULL,
		               "malformed CloudEvents dataref or hsclaim");
		return -1;
	}
	if ((f = hc_field(hc, "encoding", &n)) != NULL && n < sizeof(enc))
		memcpy(enc, f, n), enc[n] = '\0';
	if ((f = hc_field(hc, "sha256", &n)) != NULL && n < sizeof(r->sum))
		memcpy(r->sum, f, n), r->sum[n] = '\0';
	if ((f = hc_field(hc, "size", &n)) != NULL && n < sizeof(num))
		memcpy(num, f, n), num[n] = '\0';
	r->size = num[0] >= '0' && num[0] <= '9' ? strtoll(num, &end, 10) : -1;
	if (r->size < 0 || *end != '\0' || !enc[0] || !r->sum[0]) {
		hs_tool_reject(t, "claim_invalid", NULL,
		               "malformed hsclaim '%.200s'", hc);
		return -1;
	}
	/* The dataref must be a --store URI, "/" and a plain key. */
	r->s = NULL;
	for (int i = 0; i < c->nstores && r->s == NULL; i++) {
		const char *u = hs_store_uri(c->stores[i]);
		size_t ul = strlen(u);
		if (strncmp(uri, u, ul) == 0 && uri[ul] == '/' &&
		    hs_store_key_ok(uri + ul + 1, strlen(uri + ul + 1))) {
			r->s = c->stores[i];
			key = uri + ul + 1;
		}
	}
	if (r->s == NULL || strlen(key) >= sizeof(r->key)) {
		hs_tool_reject(
		    t, "claim_refused", NULL,
		    "dataref '%.200s' is not an object of a store given "
		    "with --store",
		    uri);
		return -1;
	}
	memcpy(r->key, key, strlen(key) + 1);
	return check_ref(t, r, enc);
}

/* SQS Extended Client pointer as the whole event.  As native_ref(). */
static int sqs_ref(struct claim *c, struct hs_tool *t, struct ref *r)
{
	const struct hs_json_doc *d = &c->doc;
	char bucket[256], full[1024], uri[1300];
	uint32_t tag, obj;

	if (hs_json_type(d, 0) != HS_JSON_ARRAY || d->nodes[0].count != 2)
		return 0;
	tag = hs_json_arr_at(d, 0, 0);
	obj = hs_json_arr_at(d, 0, 1);
	if (hs_json_type(d, tag) != HS_JSON_STRING ||
	    !hs_json_str_eq(d, tag, SQS_TAG, strlen(SQS_TAG)))
		return 0;
	r->node = 0;
	if (hs_json_type(d, obj) != HS_JSON_OBJECT ||
	    str_member(d, obj, "s3BucketName", bucket, sizeof(bucket)) < 0 ||
	    str_member(d, obj, "s3Key", full, sizeof(full)) < 0) {
		hs_tool_reject(t, "claim_invalid", NULL,
		               "malformed SQS pointer");
		return -1;
	}
	/* The store whose bucket and prefix hold the key, key = the rest. */
	const char *slash = strrchr(full, '/');
	size_t plen = slash ? (size_t)(slash - full) : 0;
	snprintf(uri, sizeof(uri), "s3://%s%s%.*s", bucket, slash ? "/" : "",
	         (int)plen, full);
	const char *key = slash ? slash + 1 : full;
	if ((r->s = find_store(c, uri)) == NULL ||
	    hs_store_kind(r->s) != HS_STORE_S3 ||
	    !hs_store_key_ok(key, strlen(key))) {
		hs_tool_reject(
		    t, "claim_refused", NULL,
		    "pointer names s3://%.100s/%.200s, not in a store "
		    "given with --store",
		    bucket, full);
		return -1;
	}
	size_t kl = strlen(key);
	if (kl >= sizeof(r->key)) {
		hs_tool_reject(t, "claim_refused", NULL,
		               "pointer key too long");
		return -1;
	}
	memcpy(r->key, key, kl + 1);
	/* Keys hs wrote are content addresses and can be verified; those the
	 * Java library wrote (random UUIDs) cannot. */
	r->sum[0] = '\0';
	if (strlen(key) == HS_SHA256_HEXLEN + 5 &&
	    strcmp(key + HS_SHA256_HEXLEN, ".json") == 0 &&
	    hs_sha256_is_hex(key, HS_SHA256_HEXLEN))
		snprintf(r->sum, sizeof(r->sum), "%.64s", key);
	r->size = -1;
	r->zstd = 0;
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
	int rc = hs_store_exists(r->s, r->key, err, sizeof(err));

	if (rc != HS_STORE_OK) {
		/* hs_store_exists() says nothing for a plain absence. */
		if (!err[0])
			snprintf(err, sizeof(err), "no object '%s' in '%s'",
			         r->key, hs_store_uri(r->s));
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
		const struct hs_json_node *nd = &d->nodes[r->node];

		hs_buf_add(out, line, nd->off);
		*split = out->len;
		hs_buf_add(out, line + nd->off + nd->len,
		           len - nd->off - nd->len);
		return;
	}
	const struct hs_json_node *dv = &d->nodes[r->dr],
	                          *hv = &d->nodes[r->hc];
	size_t a0 = d->nodes[r->dr - 1].off, a1 = dv->off + dv->len;
	size_t b0 = d->nodes[r->hc - 1].off, b1 = hv->off + hv->len;
	uint32_t prev = HS_JSON_NONE;

	/* hsclaim goes with the comma before it, or, first, the one after. */
	HS_JSON_FOREACH_MEMBER(d, 0, k)
	{
		if (k == r->hc - 1) {
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
	memcpy(sl->key, r->key, sizeof(sl->key));
	memcpy(sl->sum, r->sum, sizeof(sl->sum));
	sl->want = r->size;
	sl->zstd = r->zstd;
	sl->file = t->in.name;
	sl->lineno = t->in.lineno;
	hs_buf_reset(&sl->obj);
	sl->op = hs_store_get_start(r->s, r->key, &sl->obj);
	c->npend++;
	while (c->npend > 0 && hs_store_op_done(c->slots[c->head].op))
		finish_head(c, t);
}

void claim_get(struct claim *c, struct hs_tool *t, const char *line, size_t len)
{
	struct ref r;
	int found;

	const char *tag = c->format == FORMAT_SQS           ? SQS_TAG
	                  : c->format == FORMAT_CLOUDEVENTS ? CE_TAG
	                                                    : CLAIM_TAG;

	/* Every line is parsed, so invalid JSON is dead-lettered as in
	 * every other tool even when it names no reference. */
	if (hs_json_parse(&c->doc, line, len) < 0) {
		hs_tool_reject(t, hs_json_error_reason(c->doc.err_code), NULL,
		               "byte %zu: %s", c->doc.err_off + 1, c->doc.err);
		return;
	}
	/* Most events carry no reference: pass them without a lookup. */
	if (memmem(line, len, tag, strlen(tag)) == NULL) {
		pass(c, t, line, len);
		return;
	}
	memset(&r, 0, sizeof(r));
	found = c->format == FORMAT_SQS           ? sqs_ref(c, t, &r)
	        : c->format == FORMAT_CLOUDEVENTS ? ce_ref(c, t, &r)
	                                          : native_ref(c, t, &r);
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
