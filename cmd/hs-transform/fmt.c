/*
 * fmt.c: jq 1.6's output flags on one event's outputs (-r, -j, -a, -S,
 * --tab, --indent, --seq), after the engine has run it.  It owns how an
 * output is printed and the NDJSON rule for raw strings (a raw string
 * with a newline dead-letters its event as raw_newline, except under -j);
 * it does not run programs (engine.c) or write stdout (xf_batch_account).
 * Runs on worker threads: libjq values made here stay in this thread.
 */
#include <stdio.h>
#include <string.h>

#include <jq.h>

#include "jqbridge.h"
#include "json.h"
#include "xf.h"
#include "banned.h"

/* Start one framed output: its length is filled in by frame_end(). */
static size_t frame_start(struct hs_buf *f)
{
	size_t at = f->len, zero = 0;

	hs_buf_add(f, (const char *)&zero, sizeof(zero));
	return at;
}

static void frame_end(struct hs_buf *f, size_t at)
{
	size_t n = f->len - at - sizeof(n);

	memcpy(f->data + at, &n, sizeof(n));
}

/* Append libjq's printing of v (consumed) with flags. */
static void dump(jv v, int flags, struct hs_buf *f)
{
	jv s = jv_dump_string(v, flags);

	hs_buf_add(f, jv_string_value(s),
	           (size_t)jv_string_length_bytes(jv_copy(s)));
	jv_free(s);
}

/*
 * 0, or -1 with the message: the output p[0..n) holds a number libjq
 * would print changed (re-printing goes through libjq's doubles).
 */
static int lossy(struct xf_engine *e, const char *p, size_t n, uint32_t k,
                 struct hs_buf *msg)
{
	const struct hs_json_doc *d = &e->fdoc;
	uint32_t bad;

	if (e->conf->allow_lossy || hs_json_parse(&e->fdoc, p, n) < 0)
		return 0;
	bad = hs_jq_lossy(d, 0);
	if (bad == HS_JSON_NONE)
		return 0;
	hs_buf_addf(msg,
	            "output %u: number %.*s would change when libjq prints "
	            "it (--allow-lossy-numbers lets it through changed)",
	            k + 1,
	            (int)(d->nodes[bad].len > 64 ? 64 : d->nodes[bad].len),
	            hs_json_raw(d, bad));
	return -1;
}

/* One output p[0..n) (compact JSON) as jq prints it, framed into f. */
static int one(struct xf_engine *e, const char *p, size_t n, uint32_t k,
               const char **reason, struct hs_buf *msg)
{
	const struct xf_fmt *fm = &e->conf->fmt;
	int flags = fm->dumpopts | (fm->sort ? JV_PRINT_SORTED : 0) |
	            (fm->ascii ? JV_PRINT_ASCII : 0);
	size_t at = frame_start(&e->fmt), t = 0;

	while (t < n && strchr(" \t\r", p[t]))
		t++;
	if (fm->raw && t < n && p[t] == '"') {
		jv v = jv_parse_sized(p, (int)n);

		/* jq 1.6: -r -a prints the string quoted, ASCII-escaped;
		 * a raw string gets no RS under --seq. */
		if (fm->ascii) {
			dump(v, JV_PRINT_ASCII, &e->fmt);
		} else {
			const char *s = jv_string_value(v);
			size_t sn = (size_t)jv_string_length_bytes(jv_copy(v));

			if (!fm->join && memchr(s, '\n', sn)) {
				jv_free(v);
				*reason = "raw_newline";
				hs_buf_addf(
				    msg,
				    "output %u: raw string holds a newline "
				    "(-r writes one line per output; -j or "
				    "no -r prints it)",
				    k + 1);
				return -1;
			}
			hs_buf_add(&e->fmt, s, sn);
			jv_free(v);
		}
	} else {
		if (fm->seq)
			hs_buf_addc(&e->fmt, '\036');
		if (flags) {
			if (lossy(e, p, n, k, msg) < 0) {
				*reason = "lossy_number";
				return -1;
			}
			dump(jv_parse_sized(p, (int)n), flags, &e->fmt);
		} else {
			hs_buf_add(&e->fmt, p, n);
		}
	}
	if (!fm->join)
		hs_buf_addc(&e->fmt, '\n');
	frame_end(&e->fmt, at);
	return 0;
}

int xf_fmt_outputs(struct xf_engine *e, struct hs_buf *outs, size_t from,
                   uint32_t nout, const char **reason, struct hs_buf *msg)
{
	const char *p = outs->data + from, *nl;

	hs_buf_reset(&e->fmt);
	for (uint32_t k = 0; k < nout; k++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(outs->data + outs->len - p));
		if (one(e, p, (size_t)(nl - p), k, reason, msg) < 0)
			return -1;
	}
	hs_buf_setlen(outs, from);
	hs_buf_add(outs, e->fmt.data, e->fmt.len);
	return 0;
}
