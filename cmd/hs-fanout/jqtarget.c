/*
 * jqtarget.c: a target's jq program.  Programs run on the reading thread,
 * where route() builds every target's payload: libjq states and jv values
 * count references with plain integers, so nothing jv ever crosses to a
 * worker; workers get the printed text.  One input value per event is
 * built lazily and shared by the event's jq targets (same thread).
 *
 * The semantics are hs-transform's (its engine.c run_jq()): an output
 * equal to the input is the original line byte for byte; a number libjq
 * cannot hold exactly dead-letters (lossy_number) unless
 * --allow-lossy-numbers; a runtime error or halt_error dead-letters
 * (jq_error); several outputs are several deliveries; none is a filter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "fanout.h"
#include "jqbridge.h"
#include "json.h"
#include "banned.h"

struct fo_jq {
	jq_state *jq;
	struct hs_buf errs; /* compile messages */
};

struct fo_jqrun {
	int allow_lossy;
	const struct hs_json_doc *d; /* the current event */
	const char *line;
	size_t len;
	jv in; /* built on first use for this event */
	int have_in, checked;
	uint32_t bad; /* first lossy number, once checked */
	struct hs_jq_keys keys;
	struct hs_buf scratch, outs, msg;
};

static void on_jq_error(void *ctx, jv msg)
{
	struct fo_jq *q = ctx;

	msg = jq_format_error(msg);
	if (q->errs.len)
		hs_buf_adds(&q->errs, "; ");
	hs_buf_add(&q->errs, jv_string_value(msg),
	           (size_t)jv_string_length_bytes(jv_copy(msg)));
	jv_free(msg);
}

struct fo_jq *fo_jq_compile(const char *program, char *errbuf, size_t errlen)
{
	struct fo_jq *q = hs_xcalloc(1, sizeof *q);

	hs_buf_init(&q->errs);
	q->jq = jq_init();
	if (!q->jq) {
		hs_seterr(errbuf, errlen, "cannot initialize libjq");
		fo_jq_free(q);
		return NULL;
	}
	jq_set_error_cb(q->jq, on_jq_error, q);
	if (!jq_compile(q->jq, program)) {
		/* jq's lines, "jq: error: ..." and "jq: 1 compile error",
		 * joined into one message without the repeated "jq: " */
		struct hs_buf m = HS_BUF_INIT;
		const char *p = q->errs.data;

		while (*p) {
			const char *e = strstr(p, "; ");
			size_t n = e ? (size_t)(e - p) : strlen(p);

			if (n > 4 && !strncmp(p, "jq: ", 4)) {
				p += 4;
				n -= 4;
			}
			for (size_t i = 0; i < n; i++)
				if (p[i] != '\n' || i + 1 < n)
					hs_buf_addc(&m,
					            p[i] == '\n' ? ' ' : p[i]);
			p += n;
			if (*p)
				p += 2;
			if (*p)
				hs_buf_adds(&m, "; ");
		}
		hs_seterr(errbuf, errlen, "jq program: %s",
		          m.len ? m.data : "does not compile");
		hs_buf_release(&m);
		fo_jq_free(q);
		return NULL;
	}
	return q;
}

void fo_jq_free(struct fo_jq *q)
{
	if (!q)
		return;
	if (q->jq)
		jq_teardown(&q->jq);
	hs_buf_release(&q->errs);
	free(q);
}

struct fo_jqrun *fo_jqrun_new(int allow_lossy)
{
	struct fo_jqrun *r = hs_xcalloc(1, sizeof *r);

	r->allow_lossy = allow_lossy;
	hs_buf_init(&r->scratch);
	hs_buf_init(&r->outs);
	hs_buf_init(&r->msg);
	return r;
}

void fo_jqrun_event(struct fo_jqrun *r, const struct hs_json_doc *d,
                    const char *line, size_t len)
{
	if (r->have_in)
		jv_free(r->in);
	r->have_in = 0;
	r->checked = 0;
	r->d = d;
	r->line = line;
	r->len = len;
}

void fo_jqrun_free(struct fo_jqrun *r)
{
	if (!r)
		return;
	fo_jqrun_event(r, NULL, NULL, 0);
	hs_jq_keys_release(&r->keys);
	hs_buf_release(&r->scratch);
	hs_buf_release(&r->outs);
	hs_buf_release(&r->msg);
	free(r);
}

static int lossy(struct fo_jqrun *r, uint32_t k, const char **reason)
{
	const struct hs_json_doc *d = r->d;
	const char *lit = hs_json_raw(d, k);
	int n = (int)d->nodes[k].len;
	struct hs_buf held = HS_BUF_INIT;

	hs_jq_dump(jv_number(hs_jq_num(lit, (size_t)n)), &held);
	hs_buf_reset(&r->msg);
	hs_buf_addf(&r->msg,
	            "byte %u: number %.*s would become %s in libjq "
	            "(--allow-lossy-numbers lets it through changed)",
	            d->nodes[k].off + 1, n > 64 ? 64 : n, lit, held.data);
	hs_buf_release(&held);
	*reason = "lossy_number";
	return -1;
}

static int failed(struct fo_jqrun *r, const char *what, jv msg,
                  const char **reason)
{
	hs_buf_reset(&r->msg);
	hs_buf_adds(&r->msg, what);
	hs_jq_errmsg(msg, &r->msg);
	*reason = "jq_error";
	return -1;
}

static int eval(struct fo_jq *q, struct fo_jqrun *r, const char **out,
                size_t *outlen, const char **reason)
{
	int nout = 0;
	jv o;

	hs_buf_reset(&r->outs);
	if (!r->have_in) {
		r->in = hs_jq_from_doc_keys(r->d, 0, &r->scratch, &r->keys);
		r->have_in = 1;
	}
	jq_start(q->jq, jv_copy(r->in), 0);
	while (jv_is_valid(o = jq_next(q->jq))) {
		/* the input unchanged is written as the original line */
		if (jv_identical(jv_copy(o), jv_copy(r->in)) ||
		    hs_jq_same(o, r->d, 0, &r->scratch)) {
			jv_free(o);
			hs_buf_add(&r->outs, r->line, r->len);
		} else {
			if (!r->allow_lossy && !r->checked) {
				r->bad = hs_jq_lossy(r->d, 0);
				r->checked = 1;
			}
			if (!r->allow_lossy && r->bad != HS_JSON_NONE) {
				jv_free(o);
				return lossy(r, r->bad, reason);
			}
			hs_jq_dump(o, &r->outs);
		}
		hs_buf_addc(&r->outs, '\n');
		nout++;
	}
	if (jv_invalid_has_msg(jv_copy(o)))
		return failed(r, "", jv_invalid_get_msg(o), reason);
	jv_free(o);
	if (jq_halted(q->jq)) {
		/* halt keeps what was written; halt_error dead-letters */
		jv m = jq_get_error_message(q->jq);

		if (jv_is_valid(m) && jv_get_kind(m) != JV_KIND_NULL)
			return failed(r, "halt_error: ", m, reason);
		jv_free(m);
	}
	*out = r->outs.data;
	*outlen = r->outs.len;
	return nout;
}

int fo_jq_eval(struct fo_jq *q, struct fo_jqrun *r, const char **out,
               size_t *outlen, const char **reason, const char **msg)
{
	int n = eval(q, r, out, outlen, reason);

	*msg = r->msg.data;
	return n;
}
