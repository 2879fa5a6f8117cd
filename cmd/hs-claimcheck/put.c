/*
 * put.c: the check-in.  Small events pass byte-identical without a parse;
 * a large one has its payload compressed, stored under its SHA-256 and
 * replaced by a reference once the store has confirmed the object.
 */
#include <stdio.h>
#include <string.h>

#include "claim.h"
#include "err.h"
#include "exit.h"
#include "sha256.h"
#include "banned.h"

/*
 * Compress p[0..n) at c->level into c->obj in one ZSTD_e_end pass; the
 * frame records the content size, so get can size its buffer and refuse
 * a frame that claims something else.  Returns 0 or -1.
 */
static int compress(struct claim *c, const char *p, size_t n)
{
	ZSTD_inBuffer in = { p, n, 0 };
	ZSTD_outBuffer out;
	size_t bound = ZSTD_compressBound(n), r;

	hs_buf_reset(&c->obj);
	hs_buf_grow(&c->obj, bound);
	out.dst = c->obj.data;
	out.size = bound;
	out.pos = 0;
	ZSTD_CCtx_reset(c->cctx, ZSTD_reset_session_only);
	if (ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(c->cctx, n)))
		return -1;
	r = ZSTD_compressStream2(c->cctx, &out, &in, ZSTD_e_end);
	if (ZSTD_isError(r) || r != 0)
		return -1;
	hs_buf_setlen(&c->obj, out.pos);
	return 0;
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

/* The reference object (hs-claimcheck(1), REFERENCES) into out. */
static void write_ref(struct claim *c, const char *store, const char *key,
                      const char *sum, size_t size, size_t stored,
                      struct hs_buf *out)
{
	hs_buf_adds(out, "{\"hs-claim\":{\"store\":");
	hs_json_write_str(out, store, strlen(store));
	hs_buf_addf(out,
	            ",\"key\":\"%s\",\"sha256\":\"%s\",\"size\":%zu,"
	            "\"stored_size\":%zu,\"encoding\":\"zstd\","
	            "\"media_type\":\"" CLAIM_MEDIA_TYPE "\"}",
	            key, sum, size, stored);
	for (int i = 0; i < c->nkeep; i++) {
		uint32_t v = hs_json_pointer(&c->doc, 0, c->keep[i],
		                             strlen(c->keep[i]));
		if (v == HS_JSON_NONE)
			continue;
		hs_buf_addc(out, ',');
		keep_name(c->keep[i], out);
		hs_buf_addc(out, ':');
		hs_buf_add(out, hs_json_raw(&c->doc, v), c->doc.nodes[v].len);
	}
	hs_buf_addc(out, '}');
}

static void sqs_ref(struct hs_store *s, const char *key, struct hs_buf *out)
{
	/* s3://BUCKET[/PREFIX]: the pointer names the bucket and full key. */
	const char *uri = hs_store_uri(s) + 5, *slash = strchr(uri, '/');
	size_t bn = slash ? (size_t)(slash - uri) : strlen(uri);
	struct hs_buf full = HS_BUF_INIT;

	if (slash)
		hs_buf_addf(&full, "%s/", slash + 1);
	hs_buf_adds(&full, key);
	hs_buf_adds(out, "[\"software.amazon.payloadoffloading.PayloadS3Pointer\","
	                 "{\"s3BucketName\":");
	hs_json_write_str(out, uri, bn);
	hs_buf_adds(out, ",\"s3Key\":");
	hs_json_write_str(out, full.data, full.len);
	hs_buf_adds(out, "}]");
	hs_buf_release(&full);
}

/* Store c->obj under key; on failure dead-letter the event.  Returns 0
 * when the object is durable. */
static int store_obj(struct claim *c, struct hs_tool *t, const char *key)
{
	char err[512] = "";
	int existed = 0;
	int r = hs_store_put(c->stores[0], key, c->obj.data, c->obj.len,
	                     &existed, err, sizeof(err));

	if (r == HS_STORE_OK) {
		if (existed)
			c->reused++;
		return 0;
	}
	if (r == HS_STORE_TEMP)
		c->tempfail = 1;
	hs_tool_reject(t, r == HS_STORE_TEMP ? "store_unavailable" : "store_error",
	               NULL, "%s", err);
	return -1;
}

void claim_put(struct claim *c, struct hs_tool *t, const char *line,
               size_t len)
{
	char sum[HS_SHA256_HEXLEN + 1], key[HS_SHA256_HEXLEN + 8];
	uint32_t v;
	const char *p;
	size_t n;

	if (len <= c->threshold) {
		hs_tool_pass(t, line, len);
		return;
	}
	if (hs_json_parse(&c->doc, line, len) < 0) {
		hs_tool_reject(t, hs_json_error_reason(c->doc.err_code), NULL,
		               "byte %zu: %s", c->doc.err_off + 1, c->doc.err);
		return;
	}
	if (c->format == FORMAT_SQS) {
		/* The SQS Extended Client stores the whole body, uncompressed,
		 * so Java consumers read it as it was. */
		p = line, n = len;
		v = 0;
	} else {
		v = hs_json_pointer(&c->doc, 0, c->path, strlen(c->path));
		if (v == HS_JSON_NONE) {
			hs_tool_reject(t, "too_large", NULL,
			               "%zu bytes over --threshold and no value at "
			               "'%s' to offload",
			               len, c->path);
			return;
		}
		p = hs_json_raw(&c->doc, v);
		n = c->doc.nodes[v].len;
	}
	if (hs_sha256_hexof(p, n, sum) < 0) {
		hs_tool_reject(t, "store_error", NULL, "cannot compute sha-256");
		return;
	}
	if (c->format == FORMAT_SQS) {
		hs_buf_reset(&c->obj);
		hs_buf_add(&c->obj, p, n);
		snprintf(key, sizeof(key), "%s.json", sum);
	} else {
		if (compress(c, p, n) < 0) {
			hs_tool_reject(t, "store_error", NULL, "zstd compression failed");
			return;
		}
		snprintf(key, sizeof(key), "%s.zst", sum);
	}
	/* Nothing refers to the object before the store confirms it. */
	if (store_obj(c, t, key) < 0)
		return;
	c->offloaded++;
	c->bytes_orig += n;
	c->bytes_stored += c->obj.len;

	hs_buf_reset(&c->line);
	if (c->format == FORMAT_SQS) {
		sqs_ref(c->stores[0], key, &c->line);
	} else {
		size_t off = c->doc.nodes[v].off;
		hs_buf_add(&c->line, line, off);
		write_ref(c, hs_store_uri(c->stores[0]), key, sum, n, c->obj.len,
		          &c->line);
		hs_buf_add(&c->line, line + off + n, len - off - n);
	}
	hs_tool_emit(t, c->line.data, c->line.len);
	hs_tool_done(t, HS_END_OUT);
}
