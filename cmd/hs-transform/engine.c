/*
 * engine.c: one event through jq (or the input transformer) into its
 * outputs or its dead-letter reason.  Runs on worker threads: it touches
 * only its engine and its batch.  A jq program inside jqnative.h's subset
 * runs natively on the parsed event; where the native evaluator gives up
 * on an event, libjq runs it, so results and messages are libjq's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "dlq.h"
#include "inputxform.h"
#include "jqbridge.h"
#include "tool.h"
#include "xf.h"
#include "banned.h"

static void on_jq_error(void *ctx, jv msg)
{
	struct xf_engine *e = ctx;

	msg = jq_format_error(msg);
	hs_buf_add(&e->errs, jv_string_value(msg),
	           (size_t)jv_string_length_bytes(jv_copy(msg)));
	hs_buf_addc(&e->errs, '\n');
	jv_free(msg);
}

/*
 * A deep copy of v (not consumed) sharing nothing with it.  libjq's
 * reference counts are plain integers, so a value two engines hold (the
 * --arg values compiled into each program) would be counted from two
 * threads at once; each engine gets its own.  Printing and parsing back
 * is exact: libjq prints each number with the digits that read back.
 */
static jv private_copy(jv v)
{
	jv text = jv_dump_string(jv_copy(v), 0);
	jv r = jv_parse_sized(jv_string_value(text),
	                      jv_string_length_bytes(jv_copy(text)));

	jv_free(text);
	return r;
}

/*
 * libjq 1.6 imports ~/.jq when it exists, and its definitions may
 * replace builtins: then only libjq knows what the program means.
 */
static int home_jq(void)
{
	const char *home = getenv("HOME");
	struct hs_buf path = HS_BUF_INIT;
	struct stat st;
	int r;

	if (!home || !*home)
		return 1;
	hs_buf_addf(&path, "%s/.jq", home);
	r = stat(path.data, &st) == 0;
	hs_buf_release(&path);
	return r;
}

int xf_engine_init(struct xf_engine *e, const struct xf_conf *c)
{
	memset(e, 0, sizeof(*e));
	e->conf = c;
	hs_json_doc_init(&e->doc);
	e->doc.max_depth = c->max_depth;
	hs_buf_init(&e->scratch);
	hs_buf_init(&e->errs);
	if (!c->program)
		return 0;
	e->jq = jq_init();
	if (!e->jq) {
		hs_buf_adds(&e->errs, "cannot initialize libjq\n");
		return -1;
	}
	jq_set_error_cb(e->jq, on_jq_error, e);
	jq_set_attr(e->jq, jv_string("JQ_LIBRARY_PATH"),
	            private_copy(c->libdirs));
	jq_set_attr(e->jq, jv_string("PROGRAM_ORIGIN"), jv_string(c->origin));
	if (!jq_compile_args(e->jq, c->program, private_copy(c->args)))
		return -1;
	if (!c->engine_jq && !home_jq()) {
		char why[160];

		/* Outside the subset: libjq alone, as with --engine jq. */
		e->jqn = hs_jqn_compile(c->program, c->args, why, sizeof(why));
		if (e->jqn)
			e->jqs = hs_jqn_state_new();
	}
	return 0;
}

void xf_engine_release(struct xf_engine *e)
{
	if (e->jq)
		jq_teardown(&e->jq);
	hs_json_doc_release(&e->doc);
	hs_jq_keys_release(&e->keys);
	hs_jqn_free(e->jqn);
	hs_jqn_state_free(e->jqs);
	hs_buf_release(&e->scratch);
	hs_buf_release(&e->errs);
}

/* Turn event ev into a dead letter: outputs so far are dropped. */
static void dead(struct xf_batch *b, struct xf_ev *ev, const char *reason,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void dead(struct xf_batch *b, struct xf_ev *ev, const char *reason,
                 const char *fmt, ...)
{
	va_list ap;

	hs_buf_setlen(&b->outs, ev->out_off);
	ev->nout = 0;
	ev->out_len = 0;
	ev->kind = XF_DLQ;
	ev->reason = reason;
	ev->msg_off = b->msgs.len;
	va_start(ap, fmt);
	hs_buf_vaddf(&b->msgs, fmt, ap);
	va_end(ap);
	ev->msg_len = b->msgs.len - ev->msg_off;
	hs_buf_addc(&b->msgs, '\0');
}

/* Details JSON after the message (NUL-terminated too). */
static void details(struct xf_batch *b, struct xf_ev *ev, size_t from)
{
	ev->det_off = from;
	ev->det_len = b->msgs.len - from;
	hs_buf_addc(&b->msgs, '\0');
}

/* RFC 6901 pointer from the root to node k, appended to out. */
static void pointer_of(const struct hs_json_doc *d, uint32_t k,
                       struct hs_buf *out)
{
	uint32_t cur = 0;

	while (cur != k) {
		uint32_t next = HS_JSON_NONE, idx = 0;

		if (d->nodes[cur].type == HS_JSON_OBJECT) {
			HS_JSON_FOREACH_MEMBER(d, cur, m)
			{
				if (k >= m + 1 && k < d->nodes[m + 1].end) {
					struct hs_buf key = HS_BUF_INIT;

					hs_json_str_decode(d, m, &key);
					hs_buf_addc(out, '/');
					for (size_t i = 0; i < key.len; i++)
						if (key.data[i] == '~')
							hs_buf_adds(out, "~0");
						else if (key.data[i] == '/')
							hs_buf_adds(out, "~1");
						else
							hs_buf_addc(
							    out, key.data[i]);
					hs_buf_release(&key);
					next = m + 1;
					break;
				}
			}
		} else {
			HS_JSON_FOREACH_ELEM(d, cur, el)
			{
				if (k >= el && k < d->nodes[el].end) {
					hs_buf_addf(out, "/%u", idx);
					next = el;
					break;
				}
				idx++;
			}
		}
		if (next == HS_JSON_NONE)
			return;
		cur = next;
	}
}

static void lossy(struct xf_engine *e, struct xf_batch *b, struct xf_ev *ev,
                  uint32_t k)
{
	const struct hs_json_doc *d = &e->doc;
	const char *lit = hs_json_raw(d, k);
	int n = (int)d->nodes[k].len;
	struct hs_buf ptr = HS_BUF_INIT, held = HS_BUF_INIT;
	size_t from;

	pointer_of(d, k, &ptr);
	hs_jq_dump(jv_number(hs_jq_num(lit, (size_t)n)), &held);
	dead(b, ev, "lossy_number",
	     "byte %u: number %.*s at '%s' would become %s in libjq "
	     "(--allow-lossy-numbers lets it through changed)",
	     d->nodes[k].off + 1, n > 64 ? 64 : n, lit, ptr.data, held.data);
	from = b->msgs.len;
	hs_buf_adds(&b->msgs, "{\"literal\":");
	hs_json_write_str(&b->msgs, lit, (size_t)n);
	hs_buf_adds(&b->msgs, ",\"pointer\":");
	hs_json_write_str(&b->msgs, ptr.data, ptr.len);
	hs_buf_addf(&b->msgs, ",\"byte\":%u,\"libjq\":%s}", d->nodes[k].off + 1,
	            held.data);
	details(b, ev, from);
	hs_buf_release(&ptr);
	hs_buf_release(&held);
}

static void jq_failed(struct xf_engine *e, struct xf_batch *b, struct xf_ev *ev,
                      const char *what, jv msg)
{
	hs_buf_reset(&e->scratch);
	hs_buf_adds(&e->scratch, what);
	hs_jq_errmsg(msg, &e->scratch);
	dead(b, ev, "jq_error", "%s", e->scratch.data);
}

static void run_jq(struct xf_engine *e, struct xf_batch *b, struct xf_ev *ev,
                   const char *line, size_t len)
{
	uint32_t bad = HS_JSON_NONE;
	int checked = 0;
	jv in, o;

	in = hs_jq_from_doc_keys(&e->doc, 0, &e->scratch, &e->keys);
	jq_start(e->jq, jv_copy(in), 0);
	while (jv_is_valid(o = jq_next(e->jq))) {
		/*
		 * An output that is the input value unchanged is written as
		 * the original line: same bytes, numbers as they were spelled.
		 */
		if (jv_identical(jv_copy(o), jv_copy(in)) ||
		    hs_jq_same(o, &e->doc, 0, &e->scratch)) {
			jv_free(o);
			hs_buf_add(&b->outs, line, len);
		} else {
			if (!e->conf->allow_lossy && !checked) {
				bad = hs_jq_lossy(&e->doc, 0);
				checked = 1;
			}
			if (bad != HS_JSON_NONE) {
				jv_free(o);
				lossy(e, b, ev, bad);
				jv_free(in);
				return;
			}
			hs_jq_dump(o, &b->outs);
		}
		hs_buf_addc(&b->outs, '\n');
		ev->nout++;
	}
	jv_free(in);
	if (jv_invalid_has_msg(jv_copy(o))) {
		jq_failed(e, b, ev, "", jv_invalid_get_msg(o));
		return;
	}
	jv_free(o);
	if (jq_halted(e->jq)) {
		/* halt keeps what was written; halt_error dead-letters. */
		jv m = jq_get_error_message(e->jq);

		if (jv_is_valid(m) && jv_get_kind(m) != JV_KIND_NULL)
			jq_failed(e, b, ev, "halt_error: ", m);
		else
			jv_free(m);
	}
}

struct native_out {
	struct xf_engine *e;
	struct xf_batch *b;
	struct xf_ev *ev;
	const char *line;
	size_t len;
	int checked;
	uint32_t bad;
};

/* run_jq()'s rules for one output, from the native evaluator. */
static int native_emit(void *ctx, int same, const char *json, size_t n)
{
	struct native_out *o = ctx;

	if (same) {
		hs_buf_add(&o->b->outs, o->line, o->len);
	} else {
		if (!o->e->conf->allow_lossy && !o->checked) {
			o->bad = hs_jq_lossy(&o->e->doc, 0);
			o->checked = 1;
		}
		if (o->bad != HS_JSON_NONE)
			return 1; /* dead-letter as lossy_number */
		hs_buf_add(&o->b->outs, json, n);
	}
	hs_buf_addc(&o->b->outs, '\n');
	o->ev->nout++;
	return 0;
}

/* 0 when the native evaluator answered ev, -1 when libjq must run it. */
static int run_native(struct xf_engine *e, struct xf_batch *b, struct xf_ev *ev,
                      const char *line, size_t len)
{
	struct native_out o = {e, b, ev, line, len, 0, HS_JSON_NONE};
	int r = hs_jqn_run(e->jqn, e->jqs, &e->doc, native_emit, &o);

	if (r == HS_JQN_PUNT) {
		/* Whatever it wrote goes: libjq starts the event afresh. */
		hs_buf_setlen(&b->outs, ev->out_off);
		ev->nout = 0;
		return -1;
	}
	if (r)
		lossy(e, b, ev, o.bad);
	return 0;
}

static void run_template(struct xf_engine *e, struct xf_batch *b,
                         struct xf_ev *ev)
{
	const struct xf_conf *c = e->conf;
	size_t at = b->outs.len;

	hs_inputxform_apply(c->ix, &e->doc, c->rule_name, &b->outs);
	if (!hs_inputxform_is_json(c->ix)) {
		/* stdout carries JSON: plain text becomes a JSON string. */
		hs_buf_reset(&e->scratch);
		hs_json_write_str(&e->scratch, b->outs.data + at,
		                  b->outs.len - at);
		hs_buf_setlen(&b->outs, at);
		hs_buf_add(&b->outs, e->scratch.data, e->scratch.len);
	} else if (hs_json_parse(&e->doc, b->outs.data + at, b->outs.len - at) <
	           0) {
		dead(b, ev, "template",
		     "the filled input template is not JSON: byte %zu: %s",
		     e->doc.err_off + 1, e->doc.err);
		return;
	}
	hs_buf_addc(&b->outs, '\n');
	ev->nout = 1;
}

void xf_engine_batch(struct xf_engine *e, struct xf_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct xf_ev *ev = &b->ev[i];
		const char *line = b->lines.data + ev->line_off;
		ev->kind = XF_OUT;
		ev->nout = 0;
		ev->out_off = b->outs.len;
		ev->det_len = 0;
		if (hs_json_parse(&e->doc, line, ev->line_len) < 0) {
			ev->is_json = 0;
			dead(b, ev, hs_json_error_reason(e->doc.err_code),
			     "byte %zu: %s", e->doc.err_off + 1, e->doc.err);
			continue;
		}
		ev->is_json = 1;
		ev->ran = XF_RAN_NONE;
		if (e->jqn && run_native(e, b, ev, line, ev->line_len) == 0) {
			ev->ran = XF_RAN_NATIVE;
		} else if (e->jq) {
			ev->ran = XF_RAN_JQ;
			run_jq(e, b, ev, line, ev->line_len);
		} else {
			run_template(e, b, ev);
		}
		if (ev->kind == XF_OUT) {
			ev->out_len = b->outs.len - ev->out_off;
			if (ev->nout == 0)
				ev->kind = XF_FILTER;
		}
	}
}

void xf_batch_add(struct xf_batch *b, const char *line, size_t len,
                  const char *file, uint64_t lineno)
{
	struct xf_ev *ev;

	b->ev = hs_xgrow(b->ev, sizeof(*b->ev), b->n + 1, &b->cap);
	ev = &b->ev[b->n++];
	memset(ev, 0, sizeof(*ev));
	ev->line_off = b->lines.len;
	ev->line_len = len;
	ev->file = file;
	ev->lineno = lineno;
	hs_buf_add(&b->lines, line, len);
}

void xf_batch_reset(struct xf_batch *b)
{
	b->n = 0;
	b->done = 0;
	hs_buf_reset(&b->lines);
	hs_buf_reset(&b->outs);
	hs_buf_reset(&b->msgs);
}

void xf_batch_release(struct xf_batch *b)
{
	hs_buf_release(&b->lines);
	hs_buf_release(&b->outs);
	hs_buf_release(&b->msgs);
	free(b->ev);
	b->ev = NULL;
	b->n = b->cap = 0;
}

void xf_batch_account(struct xf_batch *b, struct hs_tool *t, uint64_t *native,
                      uint64_t *jq)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct xf_ev *ev = &b->ev[i];
		struct hs_dlq_rec r = HS_DLQ_REC_INIT;
		const char *p, *end, *nl;

		*native += ev->ran == XF_RAN_NATIVE;
		*jq += ev->ran == XF_RAN_JQ;
		switch (ev->kind) {
		case XF_FILTER:
			hs_tool_filter(t);
			break;
		case XF_OUT:
			p = b->outs.data + ev->out_off;
			end = p + ev->out_len;
			for (; p < end; p = nl + 1) {
				nl = memchr(p, '\n', (size_t)(end - p));
				hs_tool_emit(t, p, (size_t)(nl - p));
			}
			hs_tool_done(t, HS_END_OUT);
			break;
		case XF_DLQ:
			r.reason = ev->reason;
			r.message = b->msgs.data + ev->msg_off;
			r.file = ev->file;
			r.line = ev->lineno;
			r.details =
			    ev->det_len ? b->msgs.data + ev->det_off : NULL;
			r.details_len = ev->det_len;
			r.event = b->lines.data + ev->line_off;
			r.event_len = ev->line_len;
			r.event_is_json = ev->is_json;
			hs_tool_reject_rec(t, &r);
			break;
		}
	}
}
