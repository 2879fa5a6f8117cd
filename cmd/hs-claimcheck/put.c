/*
 * put.c: the check-in.  Small events pass byte-identical without a parse;
 * a large one has its payload compressed, stored under its SHA-256 and
 * replaced by a reference once the store has confirmed the object.  The
 * reference text itself is common/claimref.c's.
 */
#include <stdio.h>
#include <string.h>

#include "claim.h"
#include "err.h"
#include "exit.h"
#include "sha256.h"
#include "banned.h"

/*
 * Compress p[0..n) at c->level into out in one ZSTD_e_end pass; the
 * frame records the content size, so get can size its buffer and refuse
 * a frame that claims something else.  out keeps its storage between
 * events (the high-water mark), so a run of large events does not fault
 * in fresh pages for each.  Returns 0 or -1.
 */
static int compress(struct claim *c, const char *p, size_t n,
                    struct hs_buf *obj)
{
	ZSTD_inBuffer in = {p, n, 0};
	ZSTD_outBuffer out;
	size_t bound = ZSTD_compressBound(n), r;

	hs_buf_reset(obj);
	hs_buf_grow(obj, bound);
	out.dst = obj->data;
	out.size = bound;
	out.pos = 0;
	ZSTD_CCtx_reset(c->cctx, ZSTD_reset_session_only);
	if (ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(c->cctx, n)))
		return -1;
	r = ZSTD_compressStream2(c->cctx, &out, &in, ZSTD_e_end);
	if (ZSTD_isError(r) || r != 0)
		return -1;
	hs_buf_setlen(obj, out.pos);
	return 0;
}

/*
 * file: stores: hash and compress p[0..n) piece by piece, each piece
 * hashed while it is still in the cache and its compressed bytes written
 * to the store's temporary file as they come out of a fixed buffer; then
 * commit under the content address.  Memory stays at the event plus
 * about CLAIM_CHUNK.  Returns HS_STORE_OK with sum, key and *stored set,
 * or an HS_STORE_* error with err set.
 */
static int stream_file(struct claim *c, const char *p, size_t n, char *sum,
                       char *key, size_t keylen, size_t *stored, char *err,
                       size_t errlen)
{
	struct hs_sha256 h;
	unsigned char d[HS_SHA256_LEN];
	size_t off = 0, r;
	int rc, existed = 0;

	*stored = 0;
	if (hs_sha256_init(&h, err, errlen) < 0)
		return HS_STORE_ERR;
	rc = hs_store_writer_begin(&c->writer, c->stores[0], err, errlen);
	if (rc != HS_STORE_OK)
		goto fail;
	hs_buf_grow(&c->zout, CLAIM_CHUNK);
	ZSTD_CCtx_reset(c->cctx, ZSTD_reset_session_only);
	if (ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(c->cctx, n)))
		goto zfail;
	do {
		size_t m = n - off < CLAIM_CHUNK ? n - off : CLAIM_CHUNK;
		ZSTD_EndDirective mode =
		    off + m == n ? ZSTD_e_end : ZSTD_e_continue;
		ZSTD_inBuffer in = {p + off, m, 0};

		hs_sha256_update(&h, p + off, m);
		do {
			ZSTD_outBuffer out = {c->zout.data, CLAIM_CHUNK, 0};
			r = ZSTD_compressStream2(c->cctx, &out, &in, mode);
			if (ZSTD_isError(r))
				goto zfail;
			rc = hs_store_writer_write(&c->writer, out.dst, out.pos,
			                           err, errlen);
			if (rc != HS_STORE_OK)
				goto fail;
			*stored += out.pos;
		} while (mode == ZSTD_e_end ? r != 0 : in.pos < in.size);
		off += m;
	} while (off < n);
	hs_sha256_final(&h, d);
	hs_sha256_hex(d, sum);
	snprintf(key, keylen, "%s.zst", sum);
	rc = hs_store_writer_commit(&c->writer, key, &existed, err, errlen);
	if (rc == HS_STORE_OK && existed)
		c->reused++;
	return rc;
zfail:
	snprintf(err, errlen, "zstd compression failed");
	rc = HS_STORE_ERR;
fail:
	hs_sha256_release(&h);
	hs_store_writer_abort(&c->writer);
	return rc;
}

/* The last segment of a --keep pointer below --path, as a JSON string. */
static void keep_name(const char *ptr, struct hs_buf *out)
{
	struct hs_buf name = HS_BUF_INIT;

	for (const char *s = strrchr(ptr, '/') + 1; *s; s++) {
		if (s[0] == '~' && s[1] == '0')
			hs_buf_addc(&name, '~'), s++;
		else if (s[0] == '~' && s[1] == '1')
			hs_buf_addc(&name, '/'), s++;
		else
			hs_buf_addc(&name, *s);
	}
	hs_json_write_str(out, name.data, name.len);
	hs_buf_release(&name);
}

/*
 * The reference to key (sum, size and stored bytes) in c->stores[0], in
 * c->format's shape (claimref.h), into out: native with the --keep
 * members beside it.
 */
static void write_ref(struct claim *c, const char *key, const char *sum,
                      size_t size, size_t stored, struct hs_buf *out)
{
	struct hs_claimref r;
	struct hs_buf kept = HS_BUF_INIT;

	memset(&r, 0, sizeof(r));
	r.shape = claim_shape(c);
	snprintf(r.store, sizeof(r.store), "%s", hs_store_uri(c->stores[0]));
	snprintf(r.key, sizeof(r.key), "%s", key);
	snprintf(r.sum, sizeof(r.sum), "%s", sum);
	r.size = (int64_t)size;
	r.stored_size = (int64_t)stored;
	snprintf(r.encoding, sizeof(r.encoding), "zstd");
	for (int i = 0; r.shape == HS_CLAIMREF_NATIVE && i < c->nkeep; i++) {
		uint32_t v =
		    hs_json_pointer(&c->doc, 0, c->keep[i], strlen(c->keep[i]));
		if (v == HS_JSON_NONE)
			continue;
		hs_buf_addc(&kept, ',');
		keep_name(c->keep[i], &kept);
		hs_buf_addc(&kept, ':');
		hs_buf_add(&kept, hs_json_raw(&c->doc, v), c->doc.nodes[v].len);
	}
	hs_claimref_build(out, &r, kept.data, kept.len);
	hs_buf_release(&kept);
}

/* The "data" member of a CloudEvents-shaped event (an object with string
 * specversion, id, source and type), or HS_JSON_NONE. */
static uint32_t ce_data(const struct hs_json_doc *d)
{
	static const char *const need[] = {"specversion", "id", "source",
	                                   "type"};

	if (hs_json_type(d, 0) != HS_JSON_OBJECT)
		return HS_JSON_NONE;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		uint32_t v = hs_json_obj_get(d, 0, need[i], strlen(need[i]));
		if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_STRING)
			return HS_JSON_NONE;
	}
	return hs_json_obj_get(d, 0, "data", 4);
}

/* The dead letter of a pending event whose object could not be stored:
 * the original bytes, put together again from the line with the
 * reference and the object (decompressed), so nothing but the object is
 * kept while the transfer runs. */
static void reject_slot(struct claim *c, struct hs_tool *t,
                        struct claim_slot *sl, int rc, const char *err)
{
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	struct hs_buf ev = HS_BUF_INIT;
	char msg[600];

	if (c->format == FORMAT_SQS) {
		r.event = sl->obj.data;
		r.event_len = sl->obj.len;
	} else {
		hs_buf_grow(&ev,
		            sl->out.len - sl->ref_len + sl->pre.len + sl->size);
		hs_buf_add(&ev, sl->out.data, sl->ref_off);
		hs_buf_add(&ev, sl->pre.data, sl->pre.len);
		size_t m =
		    ZSTD_decompressDCtx(c->dctx, ev.data + ev.len, sl->size,
		                        sl->obj.data, sl->obj.len);
		if (ZSTD_isError(m) || m != sl->size) {
			/* Cannot happen with a frame we made; say so if it does. */
			hs_err("%s:%llu: cannot rebuild the event for its dead "
			       "letter",
			       sl->file, (unsigned long long)sl->lineno);
			m = 0;
		}
		hs_buf_setlen(&ev, ev.len + m);
		hs_buf_add(&ev, sl->out.data + sl->ref_off + sl->ref_len,
		           sl->out.len - sl->ref_off - sl->ref_len);
		r.event = ev.data;
		r.event_len = ev.len;
	}
	if (rc == HS_STORE_TEMP)
		c->tempfail = 1;
	snprintf(msg, sizeof(msg), "%s", err);
	r.reason = rc == HS_STORE_TEMP ? "store_unavailable" : "store_error";
	r.message = msg;
	r.file = sl->file;
	r.line = sl->lineno;
	r.event_is_json = 1;
	hs_tool_reject_rec(t, &r);
	hs_buf_release(&ev);
}

/*
 * Finish the oldest pending event: wait for its object (the others keep
 * moving meanwhile), then write its line, or dead-letter it, and the
 * small events that arrived after it.  Order is kept: nothing is written
 * before the events ahead of it.
 */
static void finish_head(struct claim *c, struct hs_tool *t)
{
	struct claim_slot *sl = &c->slots[c->head];
	char err[512] = "";
	int existed = 0;
	int rc = hs_store_op_wait(sl->op, &existed, err, sizeof(err));

	hs_store_op_free(sl->op);
	sl->op = NULL;
	if (rc == HS_STORE_OK) {
		if (existed)
			c->reused++;
		c->offloaded++;
		c->bytes_orig += sl->size;
		c->bytes_stored += sl->obj.len;
		hs_tool_emit(t, sl->out.data, sl->out.len);
		hs_tool_done(t, HS_END_OUT);
	} else {
		reject_slot(c, t, sl, rc, err);
	}
	claim_release_held(c, t, sl);
	c->head = (c->head + 1) % c->parallel;
	c->npend--;
}

void claim_put_drain(struct claim *c, struct hs_tool *t)
{
	while (c->npend > 0)
		finish_head(c, t);
}

/* A small event behind pending ones waits its turn, copied. */
static void hold(struct claim *c, struct hs_tool *t, const char *line,
                 size_t len)
{
	int tail = (c->head + c->npend - 1) % c->parallel;

	hs_buf_add(&c->slots[tail].held, line, len);
	hs_buf_addc(&c->slots[tail].held, '\n');
	c->held_bytes += len + 1;
	while (c->held_bytes > CLAIM_HELD_MAX && c->npend > 0)
		finish_head(c, t);
}

/* Line with the reference in place of p[0..n) into out; where it sits
 * into *ref_off and *ref_len. */
static void build_line(struct claim *c, const char *line, size_t len,
                       uint32_t v, const char *key, const char *sum, size_t n,
                       size_t stored, struct hs_buf *out, struct hs_buf *pre,
                       size_t *ref_off, size_t *ref_len)
{
	hs_buf_reset(out);
	if (c->format == FORMAT_SQS) {
		write_ref(c, key, sum, n, stored, out);
		*ref_off = 0;
		*ref_len = out->len;
		return;
	}
	size_t off = c->doc.nodes[v].off;
	if (c->format == FORMAT_CLOUDEVENTS) {
		/* The whole "data": member goes; *pre gets its key text, so a
		 * dead letter can be put together again. */
		size_t koff = c->doc.nodes[v - 1].off;
		hs_buf_add(out, line, koff);
		hs_buf_reset(pre);
		hs_buf_add(pre, line + koff, off - koff);
	} else {
		hs_buf_add(out, line, off);
	}
	*ref_off = out->len;
	write_ref(c, key, sum, n, stored, out);
	*ref_len = out->len - *ref_off;
	hs_buf_add(out, line + off + n, len - off - n);
}

/* file: stores, streamed and synchronous. */
static void put_file(struct claim *c, struct hs_tool *t, const char *line,
                     size_t len, uint32_t v, const char *p, size_t n)
{
	char sum[HS_SHA256_HEXLEN + 1], key[HS_SHA256_HEXLEN + 8],
	    err[512] = "";
	size_t stored, ro, rl;
	int rc = stream_file(c, p, n, sum, key, sizeof(key), &stored, err,
	                     sizeof(err));

	if (rc != HS_STORE_OK) {
		if (rc == HS_STORE_TEMP)
			c->tempfail = 1;
		hs_tool_reject(t,
		               rc == HS_STORE_TEMP ? "store_unavailable"
		                                   : "store_error",
		               NULL, "%s", err);
		return;
	}
	c->offloaded++;
	c->bytes_orig += n;
	c->bytes_stored += stored;
	build_line(c, line, len, v, key, sum, n, stored, &c->line, &c->tmp, &ro,
	           &rl);
	hs_tool_emit(t, c->line.data, c->line.len);
	hs_tool_done(t, HS_END_OUT);
}

/* S3: the object goes into a slot and travels while later events are
 * read; up to c->parallel at once. */
static void put_async(struct claim *c, struct hs_tool *t, const char *line,
                      size_t len, uint32_t v, const char *p, size_t n)
{
	char sum[HS_SHA256_HEXLEN + 1], key[HS_SHA256_HEXLEN + 8];
	struct claim_slot *sl;

	if (hs_sha256_hexof(p, n, sum) < 0) {
		hs_tool_reject(t, "store_error", NULL,
		               "cannot compute sha-256");
		return;
	}
	if (c->npend == c->parallel)
		finish_head(c, t);
	sl = &c->slots[(c->head + c->npend) % c->parallel];
	if (c->format == FORMAT_SQS) {
		/* The SQS Extended Client stores the whole body, uncompressed,
		 * so Java consumers read it as it was. */
		hs_buf_reset(&sl->obj);
		hs_buf_add(&sl->obj, p, n);
		snprintf(key, sizeof(key), "%s.json", sum);
	} else {
		if (compress(c, p, n, &sl->obj) < 0) {
			hs_tool_reject(t, "store_error", NULL,
			               "zstd compression failed");
			return;
		}
		snprintf(key, sizeof(key), "%s.zst", sum);
	}
	hs_buf_reset(&sl->pre);
	build_line(c, line, len, v, key, sum, n, sl->obj.len, &sl->out,
	           &sl->pre, &sl->ref_off, &sl->ref_len);
	sl->size = n;
	sl->file = t->in.name;
	sl->lineno = t->in.lineno;
	/* Nothing refers to the object before the store confirms it:
	 * finish_head() writes the line only then. */
	sl->op =
	    hs_store_put_start(c->stores[0], key, sl->obj.data, sl->obj.len);
	c->npend++;
}

void claim_put(struct claim *c, struct hs_tool *t, const char *line, size_t len)
{
	uint32_t v;
	const char *p;
	size_t n;

	if (len <= c->threshold) {
		if (c->npend == 0)
			hs_tool_pass(t, line, len);
		else
			hold(c, t, line, len);
		return;
	}
	if (hs_json_parse(&c->doc, line, len) < 0) {
		hs_tool_reject_parse(t, &c->doc);
		return;
	}
	if (c->format == FORMAT_SQS) {
		p = line, n = len;
		v = 0;
	} else if (c->format == FORMAT_CLOUDEVENTS) {
		v = ce_data(&c->doc);
		if (v == HS_JSON_NONE) {
			hs_tool_reject(t, "too_large", NULL,
			               "%zu bytes over --threshold and not a "
			               "CloudEvent with data to offload",
			               len);
			return;
		}
		if (hs_json_obj_get(&c->doc, 0, "dataref", 7) != HS_JSON_NONE ||
		    hs_json_obj_get(&c->doc, 0, "hsclaim", 7) != HS_JSON_NONE) {
			hs_tool_reject(
			    t, "claim_invalid", NULL,
			    "CloudEvent has data and a dataref or hsclaim "
			    "already");
			return;
		}
		p = hs_json_raw(&c->doc, v);
		n = c->doc.nodes[v].len;
	} else {
		v = hs_json_pointer(&c->doc, 0, c->path, strlen(c->path));
		if (v == HS_JSON_NONE) {
			hs_tool_reject(
			    t, "too_large", NULL,
			    "%zu bytes over --threshold and no value at "
			    "'%s' to offload",
			    len, c->path);
			return;
		}
		p = hs_json_raw(&c->doc, v);
		n = c->doc.nodes[v].len;
	}
	if (hs_store_kind(c->stores[0]) == HS_STORE_FILE &&
	    c->format != FORMAT_SQS)
		put_file(c, t, line, len, v, p, n);
	else
		put_async(c, t, line, len, v, p, n);
}
